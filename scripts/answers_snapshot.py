"""Every dev question's full answer (outcome, scores, passages, highlights, evidence) as JSON
lines, so that a refactoring can be shown to change no answer:

    python scripts/answers_snapshot.py > before.jsonl
    ... change the code ...
    python scripts/answers_snapshot.py > after.jsonl
    diff before.jsonl after.jsonl && echo identical
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from articlebot.collection import load_encoder, make_retriever, update_index
from articlebot.config import load_settings
from articlebot.evaluation import CachingEncoder, load_eval_file
from articlebot.ingest.documents import bundled_article_path, read_documents

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "eval"

#: (eval file, extra documents, ask within the question's own article)
SETS = [
    (SHARED / "seed_dev.jsonl", [], False),
    (SHARED / "seed_dev_out_of_scope.jsonl", [], False),
    (SHARED / "seed_dev_topical_unanswerable.jsonl", [], False),
    (ROOT / "eval" / "reader_dev.jsonl", [], True),
    (ROOT / "eval" / "reader_dev.jsonl", [], False),
    (SHARED / "xquad_dev.jsonl", [ROOT / "eval" / "distractors_news.jsonl"], False),
]


def main() -> int:
    """Print one JSON line per (set, question)."""
    encoder = None
    for path, extra, per_article in SETS:
        if not path.exists():
            print(f"skipped (missing): {path}", file=sys.stderr)
            continue
        eval_set = load_eval_file(path)
        if eval_set.kind == "spans":
            documents = list(eval_set.documents)
        else:
            documents = read_documents([bundled_article_path()])
        documents += read_documents(extra) if extra else []
        with tempfile.TemporaryDirectory(prefix="articlebot-snapshot-") as tmp:
            settings = load_settings(index_dir=Path(tmp))
            if encoder is None:
                encoder = CachingEncoder(load_encoder(settings))
            data, _ = update_index(settings, encoder, documents)
            retriever = make_retriever(settings, data, encoder)
            for question in eval_set.questions:
                scope = [question.article] if per_article and question.article else None
                answer = retriever.ask(question.q, doc_ids=scope)
                record = answer.to_json()
                record["evidence"] = [round(x, 6) for x in answer.evidence]
                record["set"] = f"{path.name}{' per-article' if per_article else ''}"
                print(json.dumps(record, sort_keys=True, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Experiment: when should an answer show the runner-up's sentence ("Also: ...")? (#14)

    PYTHONPATH=. .venv/bin/python scripts/experiment_also.py [--shared ../shared] [--cache F.json]

Every answerable reader question (`calibrate.READER_FILES`) is asked of its own article and of
all reader articles, and every XQuAD question of XQuAD with the news distractors, through
`read_answer` as `ask` answers them. For each, the two best passages' late-interaction scores
(MaxSim, recorded from `Retriever`'s re-ranking step) and whether each one's bold sentence
holds the answer. A rule shows the Also line when the two scores are within a gap, one gap for
confident answers and one for "the closest"; the gaps are chosen per fold (whole articles, as
`calibrate.py`) on the other folds by the answer-in-bold-or-Also share gained minus a price
for each line shown, for a few prices.

Findings (2026-12-02, 33 reader articles): every fold chooses 0.03-0.05 for both outcomes at
prices 0.1-0.175 of a point a line; left out, the answer is in the bold sentence or the Also
line for 0.808 of questions asked of their article (0.765 bold alone; shown 16%), 0.743 of
all 33 (0.692; 22%), 0.806 of XQuAD + news (0.786; 10%). At 0.2 folds agree on 0.03 / 0.04,
at 0.3 hardly a line is worth showing (3%). RankingSettings.also_late_gap is 0.05.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from calibrate import FOLDS, article_folds, reader_dev, xquad_with_distractors  # noqa: E402

import articlebot.retrieval.retriever as retriever_module  # noqa: E402
from articlebot.collection import load_encoder, make_retriever, update_index  # noqa: E402
from articlebot.config import load_settings  # noqa: E402
from articlebot.evaluation import answer_shown, highlight_hit  # noqa: E402
from articlebot.retrieval.reader import read_answer  # noqa: E402

SOURCES = ("reader", "reader-all", "xquad")
GAPS = (None, 0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08)
PRICES = (0.1, 0.125, 0.15, 0.175, 0.2, 0.3)


class Recorder:
    """Wraps the retriever module's `rerank` and `deduplicate` to keep, per question, each
    re-ranked candidate's MaxSim and the passages chosen (the product does not return them)."""

    def __init__(self) -> None:
        self.late: dict[int, float] = {}
        self.chosen: list[int] = []
        rerank, deduplicate = retriever_module.rerank, retriever_module.deduplicate

        def recording_rerank(order, fused, late, weight):
            self.late = {int(p): float(s) for p, s in zip(order[: len(late)], late, strict=True)}
            return rerank(order, fused, late, weight)

        def recording_deduplicate(order, passages, vectors, k, ranking):
            self.chosen = [int(c) for c in deduplicate(order, passages, vectors, k, ranking)]
            return self.chosen

        retriever_module.rerank = recording_rerank
        retriever_module.deduplicate = recording_deduplicate


def collect(shared: Path) -> list[dict]:
    """One row per question with two passages shown: its source, fold, outcome, whether the
    bold sentence and the runner-up's hold the answer, and the runner-up's MaxSim gap."""
    recorder = Recorder()
    encoder = load_encoder(load_settings())
    rows: list[dict] = []

    def ask_all(documents, questions, scopes, source: str, folds) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            settings = load_settings(index_dir=Path(tmp))
            data, _ = update_index(settings, encoder, documents)
            retriever = make_retriever(settings, data, encoder)
            for question, scope, fold in zip(questions, scopes, folds, strict=True):
                recorder.late, recorder.chosen = {}, []
                answer = read_answer(retriever, question.q, doc_ids=scope)
                if answer.reply is not None or len(answer.passages) < 2:
                    continue
                first, second = recorder.chosen[:2]
                gap = None
                if first in recorder.late and second in recorder.late:
                    gap = abs(recorder.late[first] - recorder.late[second])
                rows.append(
                    {
                        "source": source,
                        "fold": fold,
                        "outcome": answer.outcome,
                        "bold": answer_shown(question, answer),
                        "second": highlight_hit(question, answer.passages[1]),
                        "same": answer.passages[0].highlight_text.strip()
                        == answer.passages[1].highlight_text.strip(),
                        "gap": gap,
                    }
                )

    reader = reader_dev()
    fold_of = article_folds(reader.questions)
    answerable = [q for q in reader.questions if q.answerable]
    folds = [fold_of[q.article] for q in answerable]
    scopes = [[q.article] for q in answerable]
    ask_all(reader.documents, answerable, scopes, "reader", folds)
    ask_all(reader.documents, answerable, [None] * len(answerable), "reader-all", folds)
    xquad, wiki, xfold = xquad_with_distractors(shared)
    n = len(xquad.questions)
    ask_all(wiki, xquad.questions, [None] * n, "xquad", [xfold[q.doc_id] for q in xquad.questions])
    return rows


def shown_by(rows: list[dict], answer_gap: float | None, closest_gap: float | None) -> np.ndarray:
    """Whether each row shows an Also line under these gaps (None: never for that outcome)."""
    out = []
    for row in rows:
        gap = {"answer": answer_gap, "closest": closest_gap}.get(row["outcome"])
        out.append(
            gap is not None and row["gap"] is not None and row["gap"] <= gap and not row["same"]
        )
    return np.array(out, dtype=bool)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/also_rows.json"))
    args = parser.parse_args()
    if args.cache.exists():
        rows = json.loads(args.cache.read_text())
    else:
        rows = collect(args.shared)
        args.cache.write_text(json.dumps(rows))
    source = np.array([r["source"] for r in rows])
    fold = np.array([r["fold"] for r in rows])
    bold = np.array([r["bold"] for r in rows], dtype=bool)
    second = np.array([r["second"] for r in rows], dtype=bool)
    table = {(a, c): shown_by(rows, a, c) for a in GAPS for c in GAPS}
    print("cells: bold or Also (gain over bold alone; share shown), left-out folds")
    print(f"  {'':12}" + "".join(f"{s:>28}" for s in SOURCES))
    for price in PRICES:
        shown = np.zeros(len(rows), dtype=bool)
        picks = []
        for f in range(FOLDS):
            train = fold != f

            def value(key, train=train, price=price):
                line = table[key]
                gain = (bold | (line & second))[train].mean() - bold[train].mean()
                return gain - price * line[train].mean()

            best = max(table, key=value)
            picks.append(best)
            shown[fold == f] = table[best][fold == f]
        cells = []
        for s in SOURCES:
            mine = source == s
            either = (bold | (shown & second))[mine].mean()
            gain = either - bold[mine].mean()
            cells.append(f"{either:.3f} (+{gain:.3f}; {shown[mine].mean():.3f})")
        print(f"  price {price:<6}" + "".join(f"{c:>28}" for c in cells))
        print(f"    gaps per fold (answer, closest): {picks}")


if __name__ == "__main__":
    main()

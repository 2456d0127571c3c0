"""Experiment: the kind of answer asked for, in choosing the sentence to bold (issue #14).

    PYTHONPATH=. .venv/bin/python scripts/experiment_type_highlight.py [--weights 0 0.5 1 2 4]

A sentence of the chosen passage without the kind of answer the question wants (a number for
"how many", a time for "when", an age for "how old", a name for "what is it called":
`answer_type_missing`) loses `w` from its highlight score (`RankingSettings.
highlight_type_weight`). For each of `calibrate.py`'s 7 leave-articles-out folds the weight is
chosen on the other folds' answerable reader questions (top passage + bold sentence, each
asked of its own article) from the grid, and scored on the fold; XQuAD's questions are asked
of their own Wikipedia article too.

Findings (2026-12-04), reader_dev + reader_dev_more + reader_dev_fresh (41 articles, 660
answerable questions), hit@1 / bold of their own article:

    w 0.0   0.798 0.762   XQuAD per article 0.949 0.794
    w 0.5   0.798 0.764                     0.949 0.796
    w 1.0   0.798 0.764                     0.949 0.797
    w 2.0   0.798 0.764                     0.949 0.801
    w 4.0   0.798 0.764                     0.949 0.794
    chosen per fold (six folds chose 0.5, one 0.0): 0.798 / 0.762

Every weight from 0.5 to 4 bolds the same one more reader question; 2.0 is kept, the best of
them on Wikipedia articles. Measured once on sets nothing was chosen on: reader_heldout and
reader_unseen unchanged; a new readers' trial (5 articles, 75 answerable questions, written
before the change) 51 -> 53 bold. It costs the unanswerable: of reader_dev's 160 and
reader_dev_fresh's 80, one more each is answered with confidence, its bold now holding a
number of some kind.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from articlebot.collection import load_encoder, update_index
from articlebot.config import load_settings
from articlebot.evaluation import highlight_hit, is_hit, load_eval_file
from articlebot.retrieval.ranking import RankingSettings
from articlebot.retrieval.retriever import Retriever
from scripts.calibrate import FOLDS, ROOT, article_folds, xquad_with_distractors

READER_FILES = ("reader_dev.jsonl", "reader_dev_more.jsonl", "reader_dev_fresh.jsonl")


def outcomes(retriever: Retriever, questions) -> tuple[np.ndarray, np.ndarray]:
    """Top passage and bold sentence right, per question, each asked of its own article."""
    answers = retriever.ask_many(
        [q.q for q in questions], doc_ids=[[q.article or q.doc_id] for q in questions]
    )
    pairs = list(zip(questions, answers, strict=True))
    hit = np.array([bool(a.passages) and is_hit(q, a.passages[0]) for q, a in pairs])
    bold = np.array([bool(a.passages) and highlight_hit(q, a.passages[0]) for q, a in pairs])
    return hit, bold


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--weights", type=float, nargs="+", default=[0.0, 0.5, 1.0, 2.0, 4.0])
    args = parser.parse_args()
    encoder = load_encoder(load_settings())
    sets = [load_eval_file(ROOT / "eval" / name) for name in READER_FILES]
    questions = [q for s in sets for q in s.questions if q.answerable]
    fold_of = article_folds(questions)
    folds = np.array([fold_of[q.article] for q in questions])
    xquad, _, _ = xquad_with_distractors(args.shared)
    results = {}
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        reader, _ = update_index(
            load_settings(index_dir=Path(a)), encoder, [d for s in sets for d in s.documents]
        )
        wiki, _ = update_index(load_settings(index_dir=Path(b)), encoder, xquad.documents)
        for w in args.weights:
            ranking = RankingSettings(highlight_type_weight=w)
            hit, bold = outcomes(Retriever(reader, encoder, ranking=ranking), questions)
            xhit, xbold = outcomes(Retriever(wiki, encoder, ranking=ranking), xquad.questions)
            results[w] = (hit, bold)
            print(
                f"w {w:4}: own article {hit.mean():.3f} {bold.mean():.3f}   "
                f"XQuAD per article {xhit.mean():.3f} {xbold.mean():.3f}",
                flush=True,
            )
    hits, bolds = [], []
    for fold in range(FOLDS):
        rest = folds != fold
        best = max(args.weights, key=lambda w: sum(r[rest].mean() for r in results[w]))
        print(f"fold {fold} chose {best}")
        hits.append(results[best][0][~rest])
        bolds.append(results[best][1][~rest])
    print(f"left out: {np.concatenate(hits).mean():.3f} {np.concatenate(bolds).mean():.3f}")


if __name__ == "__main__":
    main()

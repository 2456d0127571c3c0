"""Experiment: a prior for the place of a passage in its article (issue #14).

    PYTHONPATH=. .venv/bin/python scripts/experiment_position.py [--weights 0 0.5 1 1.5 2]

News is written with its main facts first, and readers ask about them most. When late
interaction re-ranks the candidates of one article, each can lose `w * log(1 + s)`, s being its
first sentence's place in the article (`RankingSettings.position_weight`). For each of
`calibrate.py`'s 7 leave-articles-out folds the weight is chosen on the other folds' answerable
reader questions (top passage + bold sentence, each asked of its own article) from the grid,
and scored on the fold. XQuAD questions are asked of their own Wikipedia article too, to see
what the prior costs where facts are not put first.

Findings (2026-12-03), reader_dev + reader_dev_more + reader_dev_fresh (41 articles, 660
answerable questions), hit@1 / bold of their own article:

    w 0.0   0.777 0.732   XQuAD per article 0.946 0.791
    w 0.5   0.788 0.742                     0.946 0.788
    w 1.0   0.798 0.753                     0.948 0.791
    w 1.5   0.802 0.758                     0.938 0.784
    w 2.0   0.785 0.744                     0.922 0.771
    chosen per fold (six folds chose 1.5, one 1.0): 0.795 / 0.752

1.0 is kept: nearly all of 1.5's gain, and no loss on Wikipedia articles, whose facts are not
put first. Measured once on sets nothing was chosen on, each question of its own article:
reader_unseen 0.644 / 0.581 -> 0.700 / 0.644, reader_heldout 0.746 / 0.705 -> 0.746 / 0.713.

Applied before the candidates are chosen, or across articles, it favours every article's
opening (of all 41: 0.655 -> 0.306 at w 1.0), hence one article only.
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


def sweep(setting: str, weights: list[float], shared: Path) -> None:
    """Print the reader and XQuAD figures with `RankingSettings.<setting>` at each weight, the
    weight each leave-articles-out fold's other folds choose, and the left-out figures."""
    encoder = load_encoder(load_settings())
    sets = [load_eval_file(ROOT / "eval" / name) for name in READER_FILES]
    questions = [q for s in sets for q in s.questions if q.answerable]
    fold_of = article_folds(questions)
    folds = np.array([fold_of[q.article] for q in questions])
    xquad, _, _ = xquad_with_distractors(shared)
    results = {}
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        reader, _ = update_index(
            load_settings(index_dir=Path(a)), encoder, [d for s in sets for d in s.documents]
        )
        wiki, _ = update_index(load_settings(index_dir=Path(b)), encoder, xquad.documents)
        for w in weights:
            ranking = RankingSettings(**{setting: w})
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
        best = max(weights, key=lambda w: sum(r[rest].mean() for r in results[w]))
        print(f"fold {fold} chose {best}")
        hits.append(results[best][0][~rest])
        bolds.append(results[best][1][~rest])
    print(f"left out: {np.concatenate(hits).mean():.3f} {np.concatenate(bolds).mean():.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--weights", type=float, nargs="+", default=[0.0, 0.5, 1.0, 1.5, 2.0])
    args = parser.parse_args()
    sweep("position_weight", args.weights, args.shared)


if __name__ == "__main__":
    main()

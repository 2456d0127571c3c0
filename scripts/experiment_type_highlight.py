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
from pathlib import Path

from scripts.calibrate import ROOT
from scripts.experiment_position import sweep


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--weights", type=float, nargs="+", default=[0.0, 0.5, 1.0, 2.0, 4.0])
    args = parser.parse_args()
    sweep("highlight_type_weight", args.weights, args.shared)


if __name__ == "__main__":
    main()

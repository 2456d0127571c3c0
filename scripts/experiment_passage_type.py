"""Experiment: the kind of answer asked for, in late interaction's ordering of passages (#14).

    PYTHONPATH=. .venv/bin/python scripts/experiment_passage_type.py [--weights 0 4 8 16 100]

When late interaction re-orders the 10 best candidates, a passage none of whose sentences has
the kind of answer the question wants (`answer_type_missing`: a number for "how many", a sum
for "how much money", a time for "when", a name for "what is it called") loses `w`
(`RankingSettings.passage_type_weight`) beside its score plus 40 x MaxSim. The weight is
chosen for each of `calibrate.py`'s 7 leave-articles-out folds on the other folds' answerable
reader questions, each asked of its own article; XQuAD's are asked of their own Wikipedia
article too (`experiment_position.sweep`).

Findings (2026-12-04, the highlight's type weight on), reader_dev + reader_dev_more +
reader_dev_fresh (660 answerable questions), hit@1 / bold of their own article:

    w   0.0   0.798 0.764   XQuAD per article 0.949 0.801
    w   0.5   0.798 0.764                     0.949 0.801
    w   2.0   0.800 0.765                     0.949 0.801
    w   4.0   0.802 0.767                     0.949 0.801
    w   8.0   0.803 0.768                     0.944 0.797
    w  16.0   0.806 0.771                     0.936 0.789
    w 100.0   0.806 0.771                     0.936 0.789
    chosen per fold on reader questions (six folds 16, one 8): 0.803 / 0.768

From 16 up a passage without the kind of answer never comes first among the ten, which costs
XQuAD 1.3 points of top passage. At 4.0 (the most that costs XQuAD nothing), through the
reader (`articlebot eval --per-article`): reader dev sets top and bold +2 questions each, 2
more of 336 unanswerable answered with confidence; on sets nothing was chosen on,
reader_unseen top and bold +1 question, held-out follow-ups +1 dialogue, and unseen follow-ups
72.5% -> 67.5% resolved, bold 0.625 -> 0.575: "how many workers does it represent" after
"what did the union say" lost "about 1,900 Gaon employees", and "when was it supposed to
open" lost "meant to open in 2023" to another article's "was due to open" (the counted thing
must be named, a future time needs a future word). Tested loosely instead (any number, time
or name in the passage) it gains nothing on the reader dev sets at any weight. Off (0.0).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from scripts.calibrate import ROOT
from scripts.experiment_position import sweep


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--weights", type=float, nargs="+", default=[0.0, 4.0, 8.0, 16.0, 100.0])
    args = parser.parse_args()
    sweep("passage_type_weight", args.weights, args.shared)


if __name__ == "__main__":
    main()

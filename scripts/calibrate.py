"""Fit the answered / not-answered calibration on the dev sets and print what it gives.

    .venv/bin/python scripts/calibrate.py [--shared ../shared]

In-scope questions: ../shared/eval/seed_dev.jsonl (on the bundled article) and
../shared/eval/xquad_dev.jsonl (on its documents plus eval/distractors_news.jsonl). Out-of-scope:
../shared/eval/seed_dev_out_of_scope.jsonl and eval/out_of_scope_unrelated.jsonl, asked against
both indexes. The fitted coefficients belong in RankingSettings.calibration.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from articlebot.config import load_settings
from articlebot.engine import load_encoder, update_index
from articlebot.evaluation import load_eval_file
from articlebot.index.documents import bundled_article_path, read_documents
from articlebot.retrieval.retriever import Retriever

ROOT = Path(__file__).resolve().parents[1]


def _features(encoder, documents, questions) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        data, _ = update_index(load_settings(index_dir=Path(tmp)), encoder, documents)
        retriever = Retriever(data, encoder)
        return np.array([retriever.ask(q.q).evidence for q in questions], dtype=np.float64)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.01) -> np.ndarray:
    """Class-balanced, lightly regularized logistic regression by Newton's method."""
    weights = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    xb = np.c_[x, np.ones(len(x))]
    beta = np.zeros(xb.shape[1])
    penalty = np.diag([l2] * x.shape[1] + [0.0])
    for _ in range(100):
        p = 1 / (1 + np.exp(-xb @ beta))
        gradient = xb.T @ (weights * (p - y)) + penalty @ beta
        hessian = (xb * (weights * p * (1 - p))[:, None]).T @ xb + penalty
        beta -= np.linalg.solve(hessian, gradient)
    return beta


def main() -> None:
    """Fit and report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--cache", type=Path, help="save (or reuse) the features in this .npz")
    args = parser.parse_args()
    if args.cache is not None and args.cache.exists():
        saved = np.load(args.cache)
        report(
            {
                name: (saved[name], int(saved[f"{name}:label"]))
                for name in saved.files
                if ":" not in name
            }
        )
        return
    ev = args.shared / "eval"
    encoder = load_encoder(load_settings())
    article = read_documents([bundled_article_path()])
    xquad = load_eval_file(ev / "xquad_dev.jsonl")
    wiki = xquad.documents + read_documents([ROOT / "eval" / "distractors_news.jsonl"])
    out_of_scope = (
        load_eval_file(ev / "seed_dev_out_of_scope.jsonl").questions
        + load_eval_file(ROOT / "eval" / "out_of_scope_unrelated.jsonl").questions
    )
    sets = {
        "seed (in scope)": (
            _features(encoder, article, load_eval_file(ev / "seed_dev.jsonl").questions),
            1,
        ),
        "xquad (in scope)": (_features(encoder, wiki, xquad.questions), 1),
        "unrelated on article": (_features(encoder, article, out_of_scope), 0),
        "unrelated on xquad+news": (_features(encoder, wiki, out_of_scope), 0),
    }
    if args.cache is not None:
        np.savez(
            args.cache,
            **{name: f for name, (f, _) in sets.items()},
            **{f"{name}:label": np.array(label) for name, (_, label) in sets.items()},
        )
    report(sets)


def report(sets: dict[str, tuple[np.ndarray, int]]) -> None:
    """Fit on all sets and print the share answered per set at several thresholds."""
    x = np.concatenate([f for f, _ in sets.values()])
    y = np.concatenate([np.full(len(f), label, dtype=np.float64) for f, label in sets.values()])
    beta = fit_logistic(x, y)
    print("calibration (dense, sentence, coverage, bias):", tuple(round(b, 2) for b in beta))
    print("share answered at each threshold:")
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7):
        shares = {
            name: float((1 / (1 + np.exp(-np.c_[f, np.ones(len(f))] @ beta)) >= threshold).mean())
            for name, (f, _) in sets.items()
        }
        print(f"  {threshold:.1f}: " + ", ".join(f"{k} {v:.3f}" for k, v in shares.items()))


if __name__ == "__main__":
    main()

"""Fit the answer / closest / none decision, with leave-articles-out cross-validation.

    .venv/bin/python scripts/calibrate.py [--shared ../shared] [--cache features.npz]

Two logistic models over `Evidence.features`: "the article answers it" (answerable reader
questions and XQuAD questions against topical-unanswerable and off-topic ones) and "it is about
the article's subject" (every reader question, answerable or not, against off-topic ones). The
reader dev set (eval/reader_dev.jsonl, each question asked of its own article) is split into
folds of whole articles, XQuAD into folds of whole documents; each fold is scored by models
and thresholds fitted on the other folds only. The printed coefficients (fitted on everything)
and thresholds belong in RankingSettings and DEFAULT_MIN_CONFIDENCE.
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from articlebot.collection import load_encoder, update_index
from articlebot.config import load_settings
from articlebot.evaluation import EvalQuestion, load_eval_file
from articlebot.ingest.documents import read_documents
from articlebot.retrieval.retriever import Retriever

ROOT = Path(__file__).resolve().parents[1]
FOLDS = 7
#: What the decision keeps to (the issue's targets): a confident answer for at most this share
#: of topical questions the article does not answer, "none" for at most this share of
#: answerable ones.
CONFIDENT_AT_MOST = 0.20
NONE_AT_MOST = 0.02


@dataclass
class Rows:
    """Features, labels and fold of every question."""

    x: np.ndarray
    answerable: np.ndarray
    topical: np.ndarray
    fold: np.ndarray
    source: np.ndarray


def _ask_all(encoder, documents, questions, scopes) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        data, _ = update_index(load_settings(index_dir=Path(tmp)), encoder, documents)
        retriever = Retriever(data, encoder)
        return np.array(
            [
                retriever.ask(q.q, doc_ids=scope).evidence
                for q, scope in zip(questions, scopes, strict=True)
            ],
            dtype=np.float64,
        )


def collect(shared: Path) -> Rows:
    """Ask every dev question and record its evidence."""
    encoder = load_encoder(load_settings())
    reader = load_eval_file(ROOT / "eval" / "reader_dev.jsonl")
    articles = sorted({q.article for q in reader.questions if q.article})
    fold_of = {doc_id: i % FOLDS for i, doc_id in enumerate(articles)}
    off_topic = (
        load_eval_file(shared / "eval" / "seed_dev_out_of_scope.jsonl").questions
        + load_eval_file(ROOT / "eval" / "out_of_scope_unrelated.jsonl").questions
    )
    parts: list[tuple[np.ndarray, list[int], list[int], list[int], str]] = []

    questions: list[EvalQuestion] = list(reader.questions)
    # Off-topic questions asked under each reader article in turn (as in a channel thread).
    scoped_off = [(q, articles[i % len(articles)]) for i, q in enumerate(off_topic)]
    x = _ask_all(
        encoder,
        reader.documents,
        questions + [q for q, _ in scoped_off],
        [[q.article] for q in questions] + [[doc] for _, doc in scoped_off],
    )
    parts.append(
        (
            x,
            [int(q.answerable) for q in questions] + [0] * len(scoped_off),
            [1] * len(questions) + [0] * len(scoped_off),
            [fold_of[q.article] for q in questions] + [fold_of[d] for _, d in scoped_off],
            "reader",
        )
    )

    xquad = load_eval_file(shared / "eval" / "xquad_dev.jsonl")
    wiki = xquad.documents + read_documents([ROOT / "eval" / "distractors_news.jsonl"])
    docs = sorted({q.doc_id for q in xquad.questions})
    xfold = {d: i % FOLDS for i, d in enumerate(docs)}
    x = _ask_all(
        encoder, wiki, xquad.questions + off_topic, [None] * (len(xquad.questions) + len(off_topic))
    )
    parts.append(
        (
            x,
            [1] * len(xquad.questions) + [0] * len(off_topic),
            [1] * len(xquad.questions) + [0] * len(off_topic),
            [xfold[q.doc_id] for q in xquad.questions] + [i % FOLDS for i in range(len(off_topic))],
            "xquad",
        )
    )
    return Rows(
        x=np.concatenate([p[0] for p in parts]),
        answerable=np.concatenate([np.asarray(p[1]) for p in parts]),
        topical=np.concatenate([np.asarray(p[2]) for p in parts]),
        fold=np.concatenate([np.asarray(p[3]) for p in parts]),
        source=np.concatenate([np.full(len(p[0]), p[4]) for p in parts]),
    )


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.01) -> np.ndarray:
    """Class-balanced, lightly regularized logistic regression by Newton's method."""
    weights = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    xb = np.c_[x, np.ones(len(x))]
    beta = np.zeros(xb.shape[1])
    penalty = np.diag([l2] * x.shape[1] + [0.0])
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(xb @ beta, -50, 50)))
        gradient = xb.T @ (weights * (p - y)) + penalty @ beta
        hessian = (xb * (weights * p * (1 - p))[:, None]).T @ xb + penalty
        beta -= np.linalg.solve(hessian, gradient)
    return beta


def _p(beta: np.ndarray, x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(np.c_[x, np.ones(len(x))] @ beta, -50, 50)))


@dataclass
class Decision:
    """Both models and their thresholds."""

    answer: np.ndarray
    topic: np.ndarray
    min_confidence: float
    min_topical: float

    def outcomes(self, x: np.ndarray) -> np.ndarray:
        """'answer', 'closest' or 'none' per row."""
        confident = _p(self.answer, x) >= self.min_confidence
        topical = _p(self.topic, x) >= self.min_topical
        return np.where(confident, "answer", np.where(topical, "closest", "none"))


def fit(rows: Rows) -> Decision:
    """Models and thresholds from these rows."""
    answer = fit_logistic(rows.x, rows.answerable.astype(float))
    topic = fit_logistic(rows.x, rows.topical.astype(float))
    reader = rows.source == "reader"
    unanswerable = reader & (rows.answerable == 0) & (rows.topical == 1)
    answerable = reader & (rows.answerable == 1)
    # A confident answer for at most this share of the topical questions the article does not
    # answer; the closest passage, offered as such, for the rest of what is on the subject.
    min_confidence = float(np.quantile(_p(answer, rows.x[unanswerable]), 1 - CONFIDENT_AT_MOST))
    min_topical = float(np.quantile(_p(topic, rows.x[answerable]), NONE_AT_MOST))
    return Decision(answer, topic, min_confidence, min_topical)


def cross_validate(rows: Rows) -> np.ndarray:
    """Every row's outcome decided by a model fitted without its fold."""
    out = np.empty(len(rows.x), dtype=object)
    for fold in range(FOLDS):
        train = rows.fold != fold
        decision = fit(
            Rows(
                rows.x[train],
                rows.answerable[train],
                rows.topical[train],
                rows.fold[train],
                rows.source[train],
            )
        )
        out[~train] = decision.outcomes(rows.x[~train])
    return out


def report(rows: Rows, outcomes: np.ndarray, title: str) -> None:
    """Share of each outcome per kind of question."""
    print(title)
    kinds = {
        "reader answerable": (rows.source == "reader") & (rows.answerable == 1),
        "reader topical unanswerable": (rows.source == "reader")
        & (rows.answerable == 0)
        & (rows.topical == 1),
        "off-topic (under a reader article)": (rows.source == "reader") & (rows.topical == 0),
        "xquad answerable": (rows.source == "xquad") & (rows.answerable == 1),
        "off-topic (xquad + news)": (rows.source == "xquad") & (rows.topical == 0),
    }
    for name, mask in kinds.items():
        shares = {o: float((outcomes[mask] == o).mean()) for o in ("answer", "closest", "none")}
        print(
            f"  {name:38} n={int(mask.sum()):4}  "
            + "  ".join(f"{o} {v:.3f}" for o, v in shares.items())
        )


def main() -> None:
    """Collect (or load) the evidence, cross-validate, fit on everything and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--cache", type=Path, help="save (or reuse) the evidence in this .npz")
    args = parser.parse_args()
    if args.cache is not None and args.cache.exists():
        saved = np.load(args.cache, allow_pickle=False)
        rows = Rows(*(saved[name] for name in ("x", "answerable", "topical", "fold", "source")))
    else:
        rows = collect(args.shared)
        if args.cache is not None:
            np.savez(args.cache, **vars(rows))
    before = Decision(
        np.array([9.57, 9.36, 5.72, 0.0, 0.0, -10.65]), np.zeros(6), 0.3, 2.0
    ).outcomes(rows.x)
    report(rows, before, "before (the previous calibration, no 'closest'):")
    report(rows, cross_validate(rows), f"left-out folds ({FOLDS} folds of whole articles):")
    final = fit(rows)
    print("calibration:", tuple(round(float(b), 2) for b in final.answer))
    print("topic_calibration:", tuple(round(float(b), 2) for b in final.topic))
    print(f"min_confidence: {final.min_confidence:.3f}  min_topical: {final.min_topical:.3f}")


if __name__ == "__main__":
    main()

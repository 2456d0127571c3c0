"""Experiment: a learned linear adapter on the question's vector (issue #14).

    PYTHONPATH=. .venv/bin/python scripts/experiment_adapter.py [--l2 0.1 1 10] [--rank 0]

The bundled bi-encoder embeds a chat question ("how long is the new line") and the sentence that
answers it ("a 9.8-kilometre route ...") into a space made for paraphrase, not for questions.
A question-side adapter - q' = normalize(q + q W), the passages' and sentences' vectors in the
index untouched, so no index is rebuilt - is fitted to move each question towards the sentence
holding its answer: softmax over the sentences of its own article (and over every sentence of
the index, at half weight), W regularised towards zero (`--l2`), optionally of low rank
(`--rank`: W = A B, A 384 x r, B r x 384; -1: W diagonal).

Measured on `calibrate.py`'s leave-articles-out folds: for each fold W is fitted on the other
folds' answerable reader and XQuAD questions, then the whole retriever (late interaction on,
as the bot runs) answers the fold's questions with the adapted question vector. Reported: top
passage hit@1 / bold sentence of reader questions asked of their own article, of all reader
articles, and XQuAD + news, beside the same without an adapter.

Findings (2026-12-03), reader_dev + reader_dev_more (33 articles) and XQuAD, hit@1 / bold:

                          its article    all 33         XQuAD + news
    no adapter            0.792 0.758    0.714 0.680    0.941 0.786
    full W, l2 0.01       0.794 0.760    0.714 0.680    0.938 0.784
    full W, l2 0.1        0.794 0.760    0.714 0.680    0.938 0.783
    rank 4, no l2         0.796 0.762    0.712 0.678    0.940 0.781

Not kept. A full W learns its ~1,000 training questions by heart (the answer sentence first
for 100% of them by similarity alone, from ~64%) and left out moves that figure by -2 to +2
points; diagonal, rank 4 and rank 16 adapters do no better. Late interaction and term overlap
decide most orders, so the question vector's small moves change few.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import torch

from articlebot.collection import load_encoder, update_index
from articlebot.config import load_settings
from articlebot.evaluation import EvalQuestion, highlight_hit, is_hit
from articlebot.retrieval.retriever import Retriever
from scripts.calibrate import FOLDS, ROOT, article_folds, reader_dev, xquad_with_distractors


class AdaptedEncoder:
    """The bundled encoder with the question-side adapter applied to the vectors it gives."""

    def __init__(self, inner, weights: np.ndarray | None) -> None:
        self._inner = inner
        self._weights = weights
        self.name = inner.name
        self.dimension = inner.dimension
        self.max_tokens = inner.max_tokens

    def _adapt(self, vectors: np.ndarray) -> np.ndarray:
        if self._weights is None:
            return vectors
        moved = vectors + vectors @ self._weights
        return (moved / np.linalg.norm(moved, axis=1, keepdims=True)).astype(np.float32)

    def encode(self, texts, batch_size: int = 64) -> np.ndarray:
        """The adapted vectors of `texts`."""
        return self._adapt(self._inner.encode(texts, batch_size))

    def encode_with_tokens(self, texts, batch_size: int = 64):
        """Adapted vectors; the token vectors as the model gives them."""
        vectors, pieces, tokens = self._inner.encode_with_tokens(texts, batch_size)
        return self._adapt(vectors), pieces, tokens

    def token_vectors(self, texts):
        """As the model gives them."""
        return self._inner.token_vectors(texts)

    def count_tokens(self, texts):
        """As the model counts them."""
        return self._inner.count_tokens(texts)


def examples(index, encoder, questions: list[EvalQuestion]):
    """Per question: its vector, its article's sentence rows and which of them hold the answer."""
    vectors = encoder.encode([q.q for q in questions], 64)
    numbers = index.document_numbers([q.doc_id for q in questions])
    firsts, counts = index.document_sentences(numbers)
    rows, labels = [], []
    for q, first, count in zip(questions, firsts.tolist(), counts.tolist(), strict=True):
        own = np.arange(first, first + count)
        spans = index.sentence_spans(own)
        rows.append(own)
        labels.append((spans[:, 0] <= q.start) & (q.end <= spans[:, 1]))
    return vectors, rows, labels


def fit(data, l2: float, rank: int, epochs: int = 60, temperature: float = 0.05) -> np.ndarray:
    """W fitted on `data`: [(question vectors, sentence rows, labels, all sentence vectors)]."""
    torch.manual_seed(0)
    d = data[0][3].shape[1]
    if rank < 0:
        diag = torch.nn.Parameter(torch.zeros(d))
        params = [diag]
    elif rank:
        a = torch.nn.Parameter(torch.randn(d, rank) * 0.01)
        b = torch.nn.Parameter(torch.zeros(rank, d))
        params = [a, b]
    else:
        w = torch.nn.Parameter(torch.zeros(d, d))
        params = [w]
    optimiser = torch.optim.Adam(params, lr=1e-3)
    prepared = []
    for vectors, rows, labels, sentences in data:
        keep = [i for i, y in enumerate(labels) if y.any()]
        prepared.append(
            (
                torch.from_numpy(vectors[keep]).float(),
                [torch.from_numpy(rows[i]) for i in keep],
                [torch.from_numpy(labels[i]) for i in keep],
                torch.from_numpy(sentences).float(),
            )
        )
    n = sum(len(p[0]) for p in prepared)
    for _ in range(epochs):
        optimiser.zero_grad()
        matrix = torch.diag(diag) if rank < 0 else a @ b if rank else w
        loss = torch.zeros(())
        for q, rows, labels, sentences in prepared:
            moved = torch.nn.functional.normalize(q + q @ matrix, dim=1)
            every = moved @ sentences.T / temperature
            for i in range(len(q)):
                own = every[i, rows[i]]
                loss = loss + torch.logsumexp(own, 0) - torch.logsumexp(own[labels[i]], 0)
                loss = loss + 0.5 * (
                    torch.logsumexp(every[i], 0) - torch.logsumexp(own[labels[i]], 0)
                )
        loss = loss / n + l2 * (matrix**2).sum()
        loss.backward()
        optimiser.step()
    matrix = torch.diag(diag) if rank < 0 else a @ b if rank else w
    return matrix.detach().numpy().astype(np.float32)


def scores(retriever, questions, scopes) -> tuple[np.ndarray, np.ndarray]:
    """hit@1 and bold per question."""
    answers = retriever.ask_many([q.q for q in questions], doc_ids=scopes)
    hit = [
        bool(a.passages) and is_hit(q, a.passages[0])
        for q, a in zip(questions, answers, strict=False)
    ]
    bold = [
        bool(a.passages) and highlight_hit(q, a.passages[0])
        for q, a in zip(questions, answers, strict=False)
    ]
    return np.array(hit), np.array(bold)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--l2", type=float, nargs="+", default=[0.1, 1.0])
    parser.add_argument("--rank", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=60)
    args = parser.parse_args()

    encoder = load_encoder(load_settings())
    reader = reader_dev()
    fold_of = article_folds(reader.questions)
    answerable = [q for q in reader.questions if q.answerable]
    rfold = np.array([fold_of[q.article] for q in answerable])
    xquad, wiki, xfold_of = xquad_with_distractors(args.shared)
    xq = xquad.questions
    xfold = np.array([xfold_of[q.doc_id] for q in xq])
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        rindex, _ = update_index(load_settings(index_dir=Path(a)), encoder, reader.documents)
        xindex, _ = update_index(load_settings(index_dir=Path(b)), encoder, wiki)
        rv, rrows, rlabels = examples(rindex, encoder, answerable)
        xv, xrows, xlabels = examples(xindex, encoder, xq)
        rsent = rindex.sentence_vectors_at(np.arange(rindex.sentence_bounds[-1]))
        xsent = xindex.sentence_vectors_at(np.arange(xindex.sentence_bounds[-1]))

        def part(v, rows, labels, sentences, mask):
            idx = np.flatnonzero(mask)
            return (v[idx], [rows[i] for i in idx], [labels[i] for i in idx], sentences)

        settings = [None, *args.l2]
        results = {
            s: {k: [np.zeros(0, bool)] * 2 for k in ("own", "all", "xquad")} for s in settings
        }
        for fold in range(FOLDS):
            for l2 in settings:
                weights = None
                if l2 is not None:
                    weights = fit(
                        [
                            part(rv, rrows, rlabels, rsent, rfold != fold),
                            part(xv, xrows, xlabels, xsent, xfold != fold),
                        ],
                        l2,
                        args.rank,
                        args.epochs,
                    )
                adapted = AdaptedEncoder(encoder, weights)
                rq = [q for q, f in zip(answerable, rfold, strict=False) if f == fold]
                xqs = [q for q, f in zip(xq, xfold, strict=False) if f == fold]
                r = Retriever(rindex, adapted)
                x = Retriever(xindex, adapted)
                for key, got in (
                    ("own", scores(r, rq, [[q.article] for q in rq])),
                    ("all", scores(r, rq, [None] * len(rq))),
                    ("xquad", scores(x, xqs, [None] * len(xqs))),
                ):
                    old = results[l2][key]
                    results[l2][key] = [np.r_[old[0], got[0]], np.r_[old[1], got[1]]]
            print(f"fold {fold} done", flush=True)
    print(f"rank {args.rank or 'full'}, epochs {args.epochs}: hit@1 / bold, left-out folds")
    for l2 in settings:
        cells = "   ".join(
            f"{key} {r[0].mean():.3f} {r[1].mean():.3f}" for key, r in results[l2].items()
        )
        print(f"  {'none' if l2 is None else f'l2 {l2:g}':>10}: {cells}")


if __name__ == "__main__":
    main()

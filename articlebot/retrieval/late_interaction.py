"""Late interaction (ColBERT-style MaxSim) over the model's token vectors, as pure functions.

Each of the question's word pieces finds its best match (cosine) among a sentence's word
pieces; the sentence's MaxSim is the mean of those best matches over the question's pieces,
stopwords and punctuation left out. A sentence phrasing the asked fact in other words than the
question still matches it piece by piece, where the one pooled vector per sentence blurs it.
Chosen by leave-articles-out cross-validation (scripts/experiment_maxsim.py, issue #14).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

_PUNCTUATION = re.compile(r"^\W+$")


@runtime_checkable
class TokenEncoder(Protocol):
    """An encoder that also gives its token vectors (the ONNX encoder does)."""

    def token_vectors(self, texts: Sequence[str]) -> tuple[list[list[str]], np.ndarray]:
        """Each text's word pieces (special tokens left out) and their unit-length vectors,
        all texts' laid end to end."""
        ...


def question_weights(pieces: Sequence[str], stopwords: Collection[str]) -> np.ndarray:
    """Equal weights, summing to 1, over the question's word pieces that are neither
    punctuation nor whole-word stopwords; over all its non-punctuation pieces when that leaves
    none, and over every piece when that too leaves none."""
    n = len(pieces)
    if n == 0:
        return np.zeros(0, dtype=np.float32)
    keep = np.array([not _PUNCTUATION.match(p) for p in pieces], dtype=bool)
    content = keep.copy()
    for i, piece in enumerate(pieces):
        whole = not piece.startswith("##") and (i + 1 == n or not pieces[i + 1].startswith("##"))
        if whole and piece.lower() in stopwords:
            content[i] = False
    for mask in (content, keep, np.ones(n, dtype=bool)):
        if mask.any():
            return (mask / mask.sum()).astype(np.float32)
    raise AssertionError("unreachable")


def maxsim(
    question: np.ndarray, weights: np.ndarray, tokens: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """Each text's MaxSim: the `weights`-weighted mean over the `question`'s token vectors of
    the best cosine to any of the text's token vectors. `tokens` holds the texts' unit-length
    token vectors end to end, `counts[i]` of them for text i; a text without one scores 0."""
    counts = np.asarray(counts, dtype=np.int64)
    out = np.zeros(len(counts), dtype=np.float32)
    filled = counts > 0
    if len(question) == 0 or not filled.any():
        return out
    starts = (np.cumsum(counts) - counts)[filled]
    best = np.maximum.reduceat(tokens @ question.T, starts, axis=0)
    out[filled] = best @ weights
    return out


def rerank(order: np.ndarray, fused: np.ndarray, late: np.ndarray, weight: float) -> np.ndarray:
    """`order` (candidate positions, best first) with its first `len(late)` re-ordered by
    `fused` plus `weight` times their `late` score (ties keep their order); the rest stay
    behind them, as they were."""
    top = order[: len(late)]
    again = np.argsort(-(fused[top] + weight * late), kind="stable")
    return np.concatenate([top[again], order[len(late) :]])

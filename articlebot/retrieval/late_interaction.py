"""Late interaction (ColBERT-style MaxSim) over the model's token vectors, as pure functions.

Each of the question's word pieces finds its best match (cosine) among a sentence's word
pieces; the sentence's MaxSim is the mean of those best matches over the question's pieces,
stopwords and punctuation left out. A sentence phrasing the asked fact in other words than the
question still matches it piece by piece, where the one pooled vector per sentence blurs it.
Chosen by leave-articles-out cross-validation (scripts/experiment_maxsim.py, issue #14).
"""

from __future__ import annotations

import functools
import re
import threading
from collections import OrderedDict
from collections.abc import Collection, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from articlebot.index.arrays import segment_max

_PUNCTUATION = re.compile(r"^\W+$")


@runtime_checkable
class TokenEncoder(Protocol):
    """An encoder that also gives its token vectors (the ONNX encoder does)."""

    def token_vectors(self, texts: Sequence[str]) -> tuple[list[list[str]], np.ndarray]:
        """Each text's word pieces (special tokens left out) and their unit-length vectors,
        all texts' laid end to end."""
        ...


@functools.cache
def english_stopwords() -> frozenset[str]:
    """The stopwords left out of a question's weights (bm25s's English list), made once."""
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def _whole_words_in(pieces: Sequence[str], words: Collection[str]) -> np.ndarray:
    """Which pieces are whole words (not split into word pieces) found in `words`."""
    n = len(pieces)
    return np.array(
        [
            not piece.startswith("##")
            and (i + 1 == n or not pieces[i + 1].startswith("##"))
            and piece.lower() in words
            for i, piece in enumerate(pieces)
        ],
        dtype=bool,
    )


def question_weights(pieces: Sequence[str], stopwords: Collection[str]) -> np.ndarray:
    """Equal weights, summing to 1, over the question's word pieces that are neither
    punctuation nor whole-word stopwords; over all its non-punctuation pieces when that leaves
    none, and over every piece when that too leaves none."""
    n = len(pieces)
    if n == 0:
        return np.zeros(0, dtype=np.float32)
    keep = np.array([not _PUNCTUATION.match(p) for p in pieces], dtype=bool)
    content = keep & ~_whole_words_in(pieces, stopwords)
    for mask in (content, keep, np.ones(n, dtype=bool)):
        if mask.any():
            return (mask / mask.sum()).astype(np.float32)
    raise AssertionError("unreachable")


def best_matches(question: np.ndarray, tokens: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """A (texts, question pieces) array: each of the `question`'s token vectors' best cosine
    to any of each text's token vectors (`tokens` holds the texts' unit-length token vectors
    end to end, `counts[i]` of them for text i; a text without one matches nothing: 0)."""
    return segment_max(np.asarray(tokens, dtype=np.float32) @ question.T, counts)


def maxsim(best: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Each text's MaxSim: the `weights`-weighted mean over the question's pieces of their
    `best_matches` (one row per text)."""
    # Both are finite (`best_code_matches` zeroes what is not), yet OpenBLAS's kernels now and
    # then leave the invalid-operation flag set, which numpy reports as a RuntimeWarning on the
    # reader's terminal (seen 1 suite run in 5, numpy/numpy#24067's kind): ignored here, and
    # a value that is really not a number counts as no match.
    with np.errstate(invalid="ignore"):
        scores = best @ weights
    return np.nan_to_num(scores, nan=0.0, posinf=0.0, neginf=0.0)


#: Words that say what kind of answer is wanted ("what was the *name* of the trawler", "how
#: *many* homes", "what *year*"), not what it is about: a sentence stating the answer gives the
#: name or the number, not the word.
ANSWER_KIND_WORDS = frozenset(
    "name names named called call type types kind kinds sort sorts year years date dates day "
    "days month months time times number numbers amount many much long old age size percent "
    "percentage share happened happen".split()
)


def asked_pieces(pieces: Sequence[str], weights: np.ndarray) -> np.ndarray:
    """`weights` without the pieces of whole words in `ANSWER_KIND_WORDS` nor those of the
    words put after the question for the search (`answer_type.with_news_words`: "who led the
    research (lead author led)" is answered by "said lead researcher Dr. Rahman") (kept when
    that leaves none): the pieces whose match `least_matched` reads."""
    keep = np.where(_whole_words_in(pieces, ANSWER_KIND_WORDS), 0.0, weights).astype(np.float32)
    if len(pieces) > 2 and pieces[-1] == ")" and "(" in pieces:
        keep[len(pieces) - 1 - list(reversed(pieces)).index("(") :] = 0.0
    return keep if keep.any() else np.asarray(weights, dtype=np.float32)


def least_matched(best: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """The lowest and the second-lowest of one text's `best_matches` (a row) among the
    question's weighted pieces: whether every word the question asks with finds its match in
    the text. A question about something the text does not state ("the population of Ukraine"
    of a sentence on Ukraine) leaves a piece unmatched. The second is the first for a
    one-piece question; (1.0, 1.0) for a question without pieces."""
    asked = np.flatnonzero(weights > 0)
    if len(asked) == 0:
        return 1.0, 1.0
    ordered = np.sort(best[asked])
    return float(ordered[0]), float(ordered[min(1, len(ordered) - 1)])


def rerank(order: np.ndarray, fused: np.ndarray, late: np.ndarray, weight: float) -> np.ndarray:
    """`order` (candidate positions, best first) with its first `len(late)` re-ordered by
    `fused` plus `weight` times their `late` score (ties keep their order); the rest stay
    behind them, as they were."""
    top = order[: len(late)]
    again = np.argsort(-(fused[top] + weight * late), kind="stable")
    return np.concatenate([top[again], order[len(late) :]])


#: How many token vectors `TokenVectorCache` keeps by default: ~77 MB of float32 for a
#: 384-dimension model like the bundled one (twice that at 768), the sentences of some 40 news
#: articles.
CACHED_TOKENS = 50_000


class TokenVectorCache:
    """Each text's token vectors, kept for the next question (least recently used out first,
    at most `max_tokens` of them): questions about one article meet mostly the same candidate
    sentences, which are then encoded once instead of at every question. Keyed by the text,
    so a reloaded index keeps them. Safe to share between threads."""

    def __init__(self, encoder: TokenEncoder, max_tokens: int = CACHED_TOKENS) -> None:
        self.encoder = encoder
        self.max_tokens = max_tokens
        self._kept: OrderedDict[str, np.ndarray] = OrderedDict()
        self._tokens = 0
        self._lock = threading.Lock()

    def vectors(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Each text's unit-length token vectors (special tokens left out)."""
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for text in texts:
                if text in self._kept:
                    self._kept.move_to_end(text)
                    found[text] = self._kept[text]
        missing = list(dict.fromkeys(text for text in texts if text not in found))
        if missing:
            pieces, vectors = self.encoder.token_vectors(missing)
            at = 0
            for text, words in zip(missing, pieces, strict=True):
                found[text] = vectors[at : at + len(words)].copy()
                at += len(words)
            with self._lock:
                for text in missing:
                    self._keep(text, found[text])
        return [found[text] for text in texts]

    def _keep(self, text: str, vectors: np.ndarray) -> None:
        if text in self._kept or len(vectors) > self.max_tokens:
            return
        self._kept[text] = vectors
        self._tokens += len(vectors)
        while self._tokens > self.max_tokens:
            _, dropped = self._kept.popitem(last=False)
            self._tokens -= len(dropped)

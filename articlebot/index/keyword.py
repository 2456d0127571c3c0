"""Keyword scoring with bm25s (stemmed English, stop words removed), saved as a folder of files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

# \w+ rather than bm25s's default \w\w+: single digits ("9 sacks", "3 goals") matter in news.
TOKEN_PATTERN = r"(?u)\b\w+\b"
SETTINGS = {"tokens": TOKEN_PATTERN, "stemmer": "english", "stopwords": "en", "method": "lucene"}


def _bm25s() -> Any:
    """bm25s, imported on first use; it sets its own logger to DEBUG at import, undone here."""
    import logging

    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


class KeywordIndex:
    """BM25 scores for every passage."""

    def __init__(self, bm25: Any, size: int) -> None:
        self._bm25 = bm25
        self._stemmer = _stemmer()
        self.size = size
        self._idf: np.ndarray | None = None

    @classmethod
    def build(cls, texts: Sequence[str]) -> KeywordIndex:
        """Index `texts` (one per passage, in passage order)."""
        bm25s = _bm25s()

        tokens = bm25s.tokenize(
            list(texts) or [""],
            token_pattern=TOKEN_PATTERN,
            stopwords="en",
            stemmer=_stemmer(),
            show_progress=False,
        )
        bm25 = bm25s.BM25(method="lucene")
        bm25.index(tokens, show_progress=False)
        return cls(bm25, len(texts))

    def save(self, directory: Path) -> None:
        """Write the index as plain files into `directory`."""
        self._bm25.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path, size: int) -> KeywordIndex:
        """Read an index written by `save`."""
        bm25s = _bm25s()

        bm25 = bm25s.BM25.load(str(directory), show_progress=False, verbosity=0)
        return cls(bm25, size)

    def idf(self) -> np.ndarray:
        """Inverse document frequency of every vocabulary term (BM25's formula)."""
        if self._idf is None:
            indptr = np.asarray(self._bm25.scores["indptr"])
            df = np.diff(indptr).astype(np.float32)
            n = float(max(self.size, 1))
            self._idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        return self._idf

    def _tokenize(self, texts: Sequence[str]) -> list[list[str]]:
        """Stemmed, stop-word-free terms of each text, as the index was built with."""
        return _bm25s().tokenize(
            list(texts),
            token_pattern=TOKEN_PATTERN,
            stopwords="en",
            stemmer=self._stemmer,
            return_ids=False,
            show_progress=False,
        )

    def term_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Known vocabulary ids of each text's stemmed, stop-word-free terms."""
        if not texts:
            return []
        vocab = self._bm25.vocab_dict
        return [[vocab[t] for t in tokens if t in vocab] for tokens in self._tokenize(texts)]

    def term_matrix(self, texts: Sequence[str]) -> Any:
        """A sparse 0/1 matrix: row i marks the vocabulary terms present in texts[i]."""
        from scipy import sparse

        rows = self.term_ids(texts)
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(set(r)) for r in rows])
        indices = np.fromiter(
            (t for r in rows for t in sorted(set(r))), dtype=np.int32, count=int(indptr[-1])
        )
        data = np.ones(len(indices), dtype=np.float32)
        return sparse.csr_matrix(
            (data, indices, indptr), shape=(len(rows), len(self._bm25.vocab_dict))
        )

    def scores_for_ids(self, term_ids: Sequence[int]) -> np.ndarray:
        """BM25 score of every passage for a query given as vocabulary ids."""
        if not term_ids or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        scores = self._bm25.get_scores_from_ids(list(term_ids))
        return np.asarray(scores, dtype=np.float32)[: self.size]

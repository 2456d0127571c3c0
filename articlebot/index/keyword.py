"""Keyword scoring with bm25s (stemmed English, stop words removed), saved as a folder of files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

# \w+ rather than bm25s's default \w\w+: single digits ("9 sacks", "3 goals") matter in news.
TOKEN_PATTERN = r"(?u)\b\w+\b"
SETTINGS = {"tokens": TOKEN_PATTERN, "stemmer": "english", "stopwords": "en", "method": "lucene"}


def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


class KeywordIndex:
    """BM25 scores for every passage."""

    def __init__(self, bm25: Any, size: int) -> None:
        self._bm25 = bm25
        self._stemmer = _stemmer()
        self.size = size

    @classmethod
    def build(cls, texts: Sequence[str]) -> KeywordIndex:
        """Index `texts` (one per passage, in passage order)."""
        import bm25s

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
        import bm25s

        bm25 = bm25s.BM25.load(str(directory), show_progress=False, verbosity=0)
        return cls(bm25, size)

    def query_tokens(self, query: str) -> list[str]:
        """The stemmed, stop-word-free terms of `query` that the index knows."""
        import bm25s

        (tokens,) = bm25s.tokenize(
            [query],
            token_pattern=TOKEN_PATTERN,
            stopwords="en",
            stemmer=self._stemmer,
            return_ids=False,
            show_progress=False,
        )
        vocab = self._bm25.vocab_dict
        return [token for token in tokens if token in vocab]

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage for `query` (zeros when no term is known)."""
        terms = self.query_tokens(query)
        if not terms or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(terms), dtype=np.float32)[: self.size]

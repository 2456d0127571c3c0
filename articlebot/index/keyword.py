"""Keyword scoring with bm25s (stemmed English, stop words removed), saved as a folder of files.

bm25s builds the index and writes it (its own folder of .npy/.json files). Answering reads that
folder directly: the scores of a query are a sum of precomputed columns, which takes a few lines of
numpy over memory-mapped arrays, while importing bm25s would pull in scipy and cost a quarter of a
second at every start. `tests/test_keyword.py` checks tokens and scores against bm25s itself.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from articlebot.index.arrays import NPY_READ_LOCK, ranges, read_npy
from articlebot.index.word_forms import other_forms

# \w+ rather than bm25s's default \w\w+: single digits ("9 sacks", "3 goals") matter in news.
TOKEN_PATTERN = r"(?u)\b\w+\b"
STEMMER = "english"
SETTINGS = {"tokens": TOKEN_PATTERN, "stemmer": STEMMER, "stopwords": "en", "method": "lucene"}
#: Written beside bm25s's files: what a query must be tokenized with to match the index.
TOKENS_FILE = "tokens.json"
_SCORE_FILES = ("data.csc.index.npy", "indices.csc.index.npy", "indptr.csc.index.npy")
#: bm25s methods whose scores are a plain sum of precomputed columns (no non-occurrence term).
_SUM_METHODS = ("lucene", "robertson", "atire")


class KeywordIndexError(ValueError):
    """A keyword index folder that cannot be read."""


def _bm25s() -> Any:
    """bm25s, imported on first use; it sets its own logger to DEBUG at import, undone here."""
    import logging

    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer(STEMMER)


class Tokenizer:
    """bm25s's tokenization (lower case, regex words, stop words dropped, Snowball stems)."""

    def __init__(self, stopwords: Iterable[str], pattern: str = TOKEN_PATTERN) -> None:
        self.stopwords = frozenset(stopwords)
        self.pattern = pattern
        self._split = re.compile(pattern).findall
        # PyStemmer keeps its own bounded cache of recent words.
        self._stem = _stemmer().stemWord

    def terms(self, text: str) -> list[str]:
        """Stemmed terms of `text`, in order, repeats kept."""
        out = []
        for token in self._split(text.lower()):
            if token in self.stopwords:
                continue
            out.append(self._stem(token))
        return out

    def question_terms(self, text: str, known: Callable[[str], bool]) -> list[str]:
        """Stemmed terms of a question, each one the index lacks taken in another form of its
        word that the index has ("how much did he steal" of an article saying "stole")."""
        out = []
        for token in self._split(text.lower()):
            if token in self.stopwords:
                continue
            term = self._stem(token)
            if not known(term):
                forms = (self._stem(form.lower()) for form in other_forms(token))
                term = next((form for form in forms if known(form)), term)
            out.append(term)
        return out

    def question_candidates(self, text: str) -> set[str]:
        """Every term `question_terms` may choose for `text`: its words' stems and their other
        forms' (for a store that looks terms up in one go)."""
        out = set()
        for token in self._split(text.lower()):
            if token not in self.stopwords:
                out.add(self._stem(token))
                out.update(self._stem(form.lower()) for form in other_forms(token))
        return out


class KeywordBuilder:
    """Collects passages one at a time as arrays of term ids (no text is kept), then indexes
    them with bm25s; sentences can be mapped to the same ids on the way."""

    def __init__(self) -> None:
        from bm25s.stopwords import STOPWORDS_EN

        _bm25s()
        self.tokenizer = Tokenizer(STOPWORDS_EN)
        self.vocab: dict[str, int] = {}
        self._passages: list[np.ndarray] = []

    def ids(self, text: str) -> np.ndarray:
        """`text`'s term ids, in order, adding new terms to the vocabulary."""
        vocab = self.vocab
        return np.fromiter(
            (vocab.setdefault(t, len(vocab)) for t in self.tokenizer.terms(text)), dtype=np.int32
        )

    def add(self, text: str) -> None:
        """The next passage's keyword text."""
        self._passages.append(self.ids(text))

    def finish(self) -> KeywordIndex:
        """The BM25 index over every passage added."""
        from bm25s.tokenization import Tokenized

        bm25 = _bm25s().BM25(method="lucene")
        # bm25s cannot index nothing: an empty corpus gets one empty passage (size stays 0).
        passages = self._passages or [np.zeros(0, dtype=np.int32)]
        vocab = dict(self.vocab) or {"": 0}
        with np.errstate(invalid="ignore", divide="ignore"):  # an empty corpus's mean length
            bm25.index(Tokenized(ids=passages, vocab=vocab), show_progress=False)
        return KeywordIndex(
            vocab=dict(bm25.vocab_dict),
            data=np.asarray(bm25.scores["data"]),
            indices=np.asarray(bm25.scores["indices"]),
            indptr=np.asarray(bm25.scores["indptr"]),
            size=len(self._passages),
            tokenizer=self.tokenizer,
            source=bm25,
        )


class KeywordIndex:
    """BM25 scores for every passage, from bm25s's precomputed term columns."""

    def __init__(
        self,
        *,
        vocab: dict[str, int],
        data: np.ndarray,
        indices: np.ndarray,
        indptr: np.ndarray,
        size: int,
        tokenizer: Tokenizer,
        source: Any = None,
    ) -> None:
        self.vocab = vocab
        self._data = data
        self._indices = indices
        self._indptr = indptr
        self.size = size
        self.tokenizer = tokenizer
        # What `save` writes: a bm25s.BM25 just built, or the folder this index was read from.
        self._source = source
        self._idf: np.ndarray | None = None

    @classmethod
    def build(cls, texts: Iterable[str]) -> KeywordIndex:
        """Index `texts` (one per passage, in passage order) with bm25s."""
        builder = KeywordBuilder()
        for text in texts:
            builder.add(text)
        return builder.finish()

    def save(self, directory: Path) -> None:
        """Write the index as plain files into `directory` (bm25s's layout, plus tokens.json)."""
        if isinstance(self._source, Path):
            shutil.copytree(self._source, directory, dirs_exist_ok=True)
            return
        self._source.save(str(directory), show_progress=False)
        tokens = {"pattern": self.tokenizer.pattern, "stemmer": STEMMER}
        tokens["stopwords"] = sorted(self.tokenizer.stopwords)  # type: ignore[assignment]
        (directory / TOKENS_FILE).write_text(json.dumps(tokens), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, size: int) -> KeywordIndex:
        """Read an index written by `save`, memory-mapping its arrays."""
        try:
            params = json.loads((directory / "params.index.json").read_text(encoding="utf-8"))
            vocab = json.loads((directory / "vocab.index.json").read_text(encoding="utf-8"))
            tokens = _read_tokens(directory)
            data, indices, indptr = (read_npy(directory / name) for name in _SCORE_FILES)
        except json.JSONDecodeError as exc:
            raise KeywordIndexError(f"keyword index in {directory} is damaged ({exc})") from None
        if params.get("method") not in _SUM_METHODS or tokens.get("stemmer") != STEMMER:
            raise KeywordIndexError(
                f"keyword index in {directory} uses {params.get('method')!r} scoring with "
                f"{tokens.get('stemmer')!r} stems, which this version does not read"
            )
        if any(a.ndim != 1 for a in (data, indices, indptr)) or data.dtype.kind != "f":
            raise KeywordIndexError(f"keyword index in {directory} is damaged")
        # bm25s keeps an empty-string token in the vocabulary, with no column of its own unless
        # the corpus had no other term.
        columns = len(indptr) - 1
        if columns not in (len(vocab), len(vocab) - ("" in vocab)) or (
            len(data) != len(indices) or indptr[-1] != len(data)
        ):
            raise KeywordIndexError(f"keyword index in {directory} is inconsistent")
        # Damaged bytes inside the arrays (their headers intact) would score passages with
        # garbage, or none, without a word: read once here, a pass over each array; and a
        # term's column must be one there is.
        term_ids = [i for term, i in vocab.items() if term]
        if (
            indptr.dtype.kind not in "iu"
            or indices.dtype.kind not in "iu"
            or not all(type(i) is int and 0 <= i < columns for i in term_ids)
            or (len(indptr) and indptr[0] != 0)
            or (np.diff(indptr) < 0).any()
            or (len(indices) and (indices.min() < 0 or indices.max() >= max(size, 1)))
            or (len(data) and not np.abs(data).max() <= _most_score(params, size))
        ):
            raise KeywordIndexError(f"keyword index in {directory} is damaged")
        return cls(
            vocab=vocab,
            data=data,
            indices=indices,
            indptr=indptr,
            size=size,
            tokenizer=Tokenizer(tokens["stopwords"], tokens["pattern"]),
            source=directory,
        )

    def idf(self) -> np.ndarray:
        """Inverse document frequency of every vocabulary term (BM25's formula)."""
        if self._idf is None:
            df = np.diff(np.asarray(self._indptr)).astype(np.float32)
            n = float(max(self.size, 1))
            self._idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        return self._idf

    def term_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Known vocabulary ids of each text's stemmed, stop-word-free terms."""
        vocab = self.vocab
        # Terms always have a column; bm25s's empty-string token never comes out of `terms`.
        return [[vocab[t] for t in self.tokenizer.terms(text) if t in vocab] for text in texts]

    def scores_for_ids(self, term_ids: Sequence[int]) -> np.ndarray:
        """BM25 score of every passage for a query given as vocabulary ids."""
        if len(term_ids) == 0 or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        ids = np.asarray(term_ids, dtype=np.int64)
        # Every term's column, gathered in one go rather than a slice per term: this runs right
        # after the model, when each numpy call costs most.
        columns = ranges(self._indptr[ids], self._indptr[ids + 1])
        # bincount sums repeated rows in one pass (bm25s uses np.add.at per term).
        summed = np.bincount(
            self._indices[columns], weights=self._data[columns], minlength=self.size
        )
        return summed[: self.size].astype(np.float32)


def _most_score(params: dict[str, Any], size: int) -> float:
    """More than any one term's BM25 score in `size` passages can be: (k1 + 1) times the
    largest IDF of the formulas read here, log(1 + (N + 0.5) / 0.5), with room to spare."""
    k1 = float(params.get("k1", 1.5))
    return (k1 + 1.0) * (math.log(2.0 * max(size, 1) + 2.0) + 1.0)


def _read_tokens(directory: Path) -> dict[str, Any]:
    """tokens.json: how the index's text was tokenized."""
    return dict(json.loads((directory / TOKENS_FILE).read_text(encoding="utf-8")))


@dataclass(frozen=True, slots=True)
class SelectedTerms:
    """The postings of a few terms (see `TermPostings.select`)."""

    #: For each term, the sorted rows holding it (views into the postings: nothing is copied,
    #: which matters once common terms are held by tens of thousands of sentences).
    holders: tuple[np.ndarray, ...]

    def presence(self, rows: np.ndarray) -> np.ndarray:
        """A float32 (len(rows), terms) matrix: 1 where the row holds the term."""
        out = np.zeros((len(rows), len(self.holders)), dtype=np.float32)
        for j, holders in enumerate(self.holders):
            if len(holders) == 0:
                continue
            at = np.minimum(np.searchsorted(holders, rows), len(holders) - 1)
            out[:, j] = holders[at] == rows
        return out

    def counts_between(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """(len(starts), terms) counts of rows in [starts[i], ends[i]) holding each term."""
        out = np.zeros((len(starts), len(self.holders)), dtype=np.float32)
        for j, holders in enumerate(self.holders):
            out[:, j] = np.searchsorted(holders, ends) - np.searchsorted(holders, starts)
        return out


class TermPostings:
    """For every term, the sorted rows (sentences) holding it: a CSC 0/1 matrix."""

    def __init__(self, indptr: np.ndarray, indices: np.ndarray, n_rows: int) -> None:
        self.indptr = indptr
        self.indices = indices
        self.n_rows = n_rows

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[int]], n_terms: int) -> TermPostings:
        """From each row's sorted, distinct term ids."""
        counts = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
        terms = np.fromiter((t for r in rows for t in r), dtype=np.int64, count=int(counts.sum()))
        return cls.from_flat(terms, counts, n_terms)

    @classmethod
    def from_flat(cls, terms: np.ndarray, counts: np.ndarray, n_terms: int) -> TermPostings:
        """From every row's distinct term ids laid end to end, and how many each row has."""
        terms = np.asarray(terms, dtype=np.int64)
        counts = np.asarray(counts, dtype=np.int64)
        rows = len(counts)
        row_of = np.repeat(np.arange(rows, dtype=np.int64), counts)
        order = np.argsort(terms, kind="stable")  # stable: rows stay sorted within a term
        indptr = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms, minlength=n_terms), out=indptr[1:])
        return cls(indptr, row_of[order].astype(np.int32), rows)

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, terms)."""
        return self.n_rows, len(self.indptr) - 1

    def select(self, term_ids: Sequence[int]) -> SelectedTerms:
        """The postings of `term_ids`, to look rows up in."""
        indptr, indices = self.indptr, self.indices
        return SelectedTerms(tuple(indices[indptr[t] : indptr[t + 1]] for t in term_ids))

    def save(self, path: Path) -> None:
        """Write as an .npz that scipy.sparse.load_npz also reads."""
        with path.open("wb") as handle:
            np.savez(
                handle,
                indices=self.indices,
                indptr=self.indptr,
                format=np.array(b"csc"),
                shape=np.array(self.shape),
                data=np.ones(len(self.indices), dtype=np.float32),
            )

    @classmethod
    def load(cls, path: Path) -> TermPostings:
        """Read what `save` wrote."""
        with NPY_READ_LOCK, np.load(path, allow_pickle=False) as npz:
            fmt = npz["format"].item()
            fmt = fmt.decode() if isinstance(fmt, bytes) else str(fmt)
            n_rows = int(npz["shape"][0])
            indptr, indices = npz["indptr"], npz["indices"]
        if fmt == "csc":
            return cls(indptr.astype(np.int64), indices.astype(np.int32), n_rows)
        raise KeywordIndexError(f"{path} holds a {fmt!r} matrix, not CSC")

"""The index as ranking and the bot reach it: one small interface, whatever keeps the data.

Numbering, shared by every method (a backend keeps these numbers with each generation):

- Documents are numbered 0..D-1 in the order of `documents` ("document numbers").
- Passages are numbered 0..P-1 ("passage rows"): all passages of document 0 first, in text
  order, then those of document 1, and so on.
- Sentences are numbered 0..S-1 ("sentence rows") the same way: document by document, in text
  order. A passage's sentences are a run of consecutive sentence rows of its document.
- Keyword terms are numbered by the backend ("term ids"); `query_terms` turns a question into
  them and every keyword method takes them back.

Vectors are float32 unit vectors of `manifest.dimension`; similarities are inner products,
computed in float32. Arrays of rows are int64. Methods given rows answer in the order of the
rows given (repeats allowed). Each method is meant as one query of a database backend
(PostgreSQL + pgvector): "vectors of these sentence rows", "top-k by inner product within these
documents", "BM25 of these passages for these terms"; none hands out a whole array.

A store is one generation of the index: it never changes under its reader. A newer generation
is noticed with `newer_generation` and served by opening the store again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np

    from articlebot.index.store import Manifest
    from articlebot.ingest.chunking import Passage
    from articlebot.ingest.documents import Document


@dataclass(frozen=True, slots=True)
class QueryTerms:
    """The keyword terms of a question, as the index knows them."""

    #: Term ids of the question's distinct known terms, ascending.
    ids: tuple[int, ...]
    #: BM25 IDF of each of `ids` over all passages (float32), in the same order.
    idf: np.ndarray
    #: How many of the question's distinct terms no indexed text has.
    unknown: int = 0


class IndexStore(Protocol):
    """One generation of the index: documents, passages, sentences, their vectors and keywords."""

    @property
    def manifest(self) -> Manifest:
        """What this generation was built from and with (model, dimension, chunking, embedding,
        and per document its metadata such as "added" and "passages")."""
        ...

    @property
    def documents(self) -> Mapping[str, Document]:
        """Every document by doc_id, iterated in document-number order (may load lazily)."""
        ...

    @property
    def passage_count(self) -> int:
        """Number of passages, P."""
        ...

    @property
    def keeps_token_vectors(self) -> bool:
        """Whether `sentence_token_matches` finds the sentences' token vectors kept (else
        ranking that needs them encodes the sentences)."""
        ...

    def newer_generation(self) -> bool:
        """Whether a newer generation than this one is live (False when that cannot be told)."""
        ...

    def document_numbers(self, doc_ids: Sequence[str]) -> np.ndarray:
        """The document number of each of `doc_ids`, in their order; unknown ids are left out."""
        ...

    def passage_rows(self, documents: np.ndarray) -> np.ndarray:
        """Every passage row of the given document numbers: document by document, in the order
        given, each document's passages in text order."""
        ...

    def passage(self, row: int) -> Passage:
        """Passage `row`: its doc_id, paragraph, [start, end) in the document's text, and its
        sentences' (start, end)."""
        ...

    def passage_documents(self, rows: np.ndarray) -> np.ndarray:
        """The document number of each passage row."""
        ...

    def passage_similarities(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Inner product of `query` with the vector of each passage row (float32)."""
        ...

    def passage_vectors_at(self, rows: np.ndarray) -> np.ndarray:
        """A (len(rows), dimension) float32 array: the vectors of these passages."""
        ...

    def dense_top_k(
        self, query: np.ndarray, k: int, documents: np.ndarray | None = None
    ) -> np.ndarray:
        """The rows of the (at most) `k` passages whose vectors have the largest inner product
        with `query`, in no particular order; only passages of `documents` (document numbers)
        when given. An approximate index may miss some of the exact top `k`."""
        ...

    def passage_sentences(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each passage row, its first sentence row and its number of sentences (at least
        one): its sentences are first .. first + count - 1."""
        ...

    def sentence_similarities(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Inner product of `query` with the vector of each sentence row (float32)."""
        ...

    def sentence_token_matches(
        self, rows: np.ndarray, question: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """A (len(rows), len(question)) float32 array: each of the `question`'s token vectors'
        best cosine to any of each sentence row's token vectors (late interaction), and a bool
        per row: whether the store keeps that sentence's token vectors (ranking encodes the
        sentences it does not; their row is 0)."""
        ...

    def sentence_vectors_at(self, rows: np.ndarray) -> np.ndarray:
        """A (len(rows), dimension) float32 array: the vectors of these sentences."""
        ...

    def sentence_spans(self, rows: np.ndarray) -> np.ndarray:
        """A (len(rows), 2) int64 array: each sentence's [start, end) in its document's text."""
        ...

    def document_sentences(self, documents: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each document number, its first sentence row and its number of sentences."""
        ...

    def query_terms(self, text: str) -> QueryTerms:
        """The distinct keyword terms of `text` (tokenized, stop words dropped and stemmed as
        the index was built), split into known ones (with their IDF) and unknown ones."""
        ...

    def keyword_top_k(self, term_ids: Sequence[int], k: int) -> np.ndarray:
        """The rows of the (at most) `k` passages with the largest BM25 score for `term_ids`
        (a sum over the terms of each term's precomputed passage weight), in no particular
        order, leaving out passages that score zero; none for no terms."""
        ...

    def keyword_scores(self, term_ids: Sequence[int], rows: np.ndarray) -> np.ndarray:
        """The BM25 score of each passage row for `term_ids` (float32; 0 for a passage holding
        none of them). The per-term weights are summed in float64, in ascending term id."""
        ...

    def term_presence(self, term_ids: Sequence[int], rows: np.ndarray) -> np.ndarray:
        """A (len(rows), len(term_ids)) float32 0/1 array: whether each sentence row holds each
        term."""
        ...

    def document_term_counts(self, term_ids: Sequence[int], documents: np.ndarray) -> np.ndarray:
        """A (len(documents), len(term_ids)) float32 array: how many sentences of each document
        hold each term."""
        ...

"""Typed rows: what a writer hands in and what the queries hand back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True, slots=True)
class NewSentence:
    """A sentence of a document being written: its span in the text, its vector, its
    distinct stemmed keyword terms and its word pieces' token vectors as int8 codes with a
    float32 scale each (`index.token_codes`; None: not kept)."""

    start: int
    end: int
    vector: np.ndarray
    terms: tuple[str, ...] = ()
    token_codes: np.ndarray | None = None
    token_scales: np.ndarray | None = None


@dataclass(frozen=True, slots=True)
class NewPassage:
    """A passage being written. `terms` are its stemmed keyword terms in order, repeats kept."""

    paragraph: int
    start: int
    end: int
    first_sentence: int
    sentence_count: int
    terms: tuple[str, ...]
    vector: np.ndarray


@dataclass(frozen=True, slots=True)
class NewDocument:
    """A document with its passages and sentences, all offsets into `text`."""

    doc_id: str
    title: str
    text: str
    source: str
    passages: tuple[NewPassage, ...]
    sentences: tuple[NewSentence, ...]
    byline: str | None = None
    body_start: int = 0
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A document as one generation sees it (`key` names this version of it)."""

    key: int
    doc_id: str
    title: str
    text: str
    source: str
    byline: str | None
    body_start: int
    meta: dict[str, Any]
    born: int


@dataclass(frozen=True, slots=True)
class StoredPassage:
    """A passage as stored; `text` is its document's text[start:end]."""

    id: int
    doc_id: str
    ordinal: int
    paragraph: int
    start: int
    end: int
    first_sentence: int
    sentence_count: int
    text: str


@dataclass(frozen=True, slots=True)
class StoredSentence:
    """A sentence as stored: `ordinal` is its place in its document's sentence list."""

    id: int
    doc_id: str
    ordinal: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Hit:
    """A passage and its score (inner product for dense search, BM25 for keyword search)."""

    passage_id: int
    score: float


@dataclass(frozen=True, slots=True)
class Generation:
    """One published index version: its manifest and the keyword statistics BM25 needs."""

    id: int
    manifest: dict[str, Any]
    passages: int
    passage_terms: int

    @property
    def average_length(self) -> float:
        """Mean keyword length of a visible passage (BM25's avgdl)."""
        return self.passage_terms / self.passages if self.passages else 0.0

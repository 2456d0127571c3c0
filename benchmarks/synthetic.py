"""Synthetic data for measuring at scale: clustered unit vectors, and passages or documents
recombined from the dev corpus's real sentences."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np


def unit_rows(x: np.ndarray) -> np.ndarray:
    """`x` with each row scaled to length 1, in place."""
    x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    return x


class Mixture:
    """Points on the unit sphere drawn from a mixture of Gaussians, generated chunk by chunk."""

    def __init__(self, dim: int, centres: int, noise: float, seed: int) -> None:
        rng = np.random.default_rng([seed, 0])
        self.dim = dim
        self.seed = seed
        self.centres = unit_rows(rng.standard_normal((centres, dim), dtype=np.float32))
        # Per-coordinate scale: the noise vector's length is about `noise`.
        self.sigma = np.float32(noise / math.sqrt(dim))

    def chunk(self, index: int, size: int) -> np.ndarray:
        """Chunk `index` (the same points every time it is asked for)."""
        rng = np.random.default_rng([self.seed, 1, index])
        labels = rng.integers(len(self.centres), size=size)
        x = self.centres[labels]
        x += rng.standard_normal((size, self.dim), dtype=np.float32) * self.sigma
        return unit_rows(x)

    def chunks(self, n: int, size: int) -> Iterator[tuple[int, np.ndarray]]:
        """(offset, points) for n points in chunks of `size`."""
        for i, offset in enumerate(range(0, n, size)):
            yield offset, self.chunk(i, min(size, n - offset))

    def queries(self, n: int) -> np.ndarray:
        """Other points of the same mixture (not in any chunk)."""
        rng = np.random.default_rng([self.seed, 2])
        labels = rng.integers(len(self.centres), size=n)
        x = self.centres[labels] + rng.standard_normal((n, self.dim), dtype=np.float32) * self.sigma
        return unit_rows(x.astype(np.float32))


def paragraph_sentences(documents: Sequence[Any]) -> list[str]:
    """Every sentence of the documents' paragraphs, as articlebot splits them."""
    from articlebot.ingest.chunking import split_sentences
    from articlebot.ingest.cleaning import paragraph_spans

    return [
        doc.text[s.start : s.end]
        for doc in documents
        for para in paragraph_spans(doc.text, doc.body_start)
        for s in split_sentences(doc.text, para)
    ]


def recombined_passages(sentences: Sequence[str], n: int, seed: int = 7) -> list[str]:
    """`n` passages of 3 to 7 sentences drawn from `sentences`."""
    rng = np.random.default_rng(seed)
    picks = rng.integers(len(sentences), size=(n, 7))
    lengths = rng.integers(3, 8, size=n)
    return [" ".join(sentences[j] for j in picks[i, : lengths[i]]) for i in range(n)]


def synthetic_corpus(sources: list[Path], documents: int, out: Path, seed: int = 0) -> int:
    """`documents` documents of 12-30 real sentences drawn from `sources`, written to `out` as
    JSON lines; returns their count."""
    from articlebot.ingest.chunking import split_sentences
    from articlebot.ingest.cleaning import Span
    from articlebot.ingest.documents import read_documents

    sentences = []
    for doc in read_documents(sources):
        for span in split_sentences(doc.text, Span(0, len(doc.text))):
            text = " ".join(doc.text[span.start : span.end].split())
            if len(text) > 30:
                sentences.append(text)
    rng = random.Random(seed)
    with out.open("w", encoding="utf-8") as handle:
        for i in range(documents):
            body = " ".join(rng.sample(sentences, rng.randint(12, 30)))
            record = {"doc_id": f"syn-{i}", "title": f"Synthetic report {i}", "text": body}
            handle.write(json.dumps(record) + "\n")
    return documents

"""The index build, measured in a child process of its own: its time, the share of it spent
embedding, and its memory."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from benchmarks.inputs import dev_corpus, run_settings
from benchmarks.machine import peak_rss_mb, rss_mb

T = TypeVar("T")


class TimingEncoder:
    """Forwards to an encoder and adds up the time spent in `encode` and
    `encode_with_tokens`."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.max_tokens = inner.max_tokens
        self.encode_s = 0.0
        self.texts = 0

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """The inner encoder's vectors, timed."""
        return self._timed(self._inner.encode, texts, batch_size)

    def encode_with_tokens(
        self, texts: Sequence[str], batch_size: int = 64
    ) -> tuple[np.ndarray, list[list[str]], np.ndarray]:
        """The inner encoder's vectors and token vectors (which the index keeps), timed."""
        return self._timed(self._inner.encode_with_tokens, texts, batch_size)

    def _timed(self, run: Callable[[Sequence[str], int], T], texts: Sequence[str], size: int) -> T:
        start = time.perf_counter()
        try:
            return run(texts, size)
        finally:
            self.encode_s += time.perf_counter() - start
            self.texts += len(texts)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """The inner encoder's token counts."""
        return self._inner.count_tokens(texts)


def build_index(args: dict[str, Any]) -> dict[str, Any]:
    """A child: build the XQuAD + news index from scratch with the ONNX encoder."""
    from articlebot.collection import load_encoder, update_index

    pc = time.perf_counter
    start = pc()
    settings = run_settings(Path(args["work"]), index_dir=Path(args["index_dir"]))
    inner = load_encoder(settings)
    encoder = TimingEncoder(inner)
    loaded = pc()
    documents, _, _ = dev_corpus(Path(args["xquad"]), Path(args["distractors"]))
    read = pc()
    rss_before = rss_mb()
    data, report = update_index(settings, encoder, documents, rebuild=True)
    built = pc()
    return {
        "encoder": type(inner).__name__,
        "load_encoder_s": loaded - start,
        "read_documents_s": read - loaded,
        "build_s": built - read,
        "embed_s": encoder.encode_s,
        "texts_embedded": encoder.texts,
        "documents": len(documents),
        "passages": len(data.passages),
        "sentences": len(data.sentence_table),
        "rss_before_build_mb": rss_before,
        "rss_after_build_mb": rss_mb(),
        "peak_rss_mb": peak_rss_mb(),
        "summary": report.summary(),
    }

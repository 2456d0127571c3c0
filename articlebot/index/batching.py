"""Questions that arrive together are encoded together.

One model run over a batch of short questions costs much less than one run per question (the
per-run overhead and small matrix products dominate a 15-token question). The first caller finds
the model idle and encodes at once, so a lone question never waits; callers that arrive while a
batch is running queue up and go together in the next one.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from articlebot.index.embedding import Encoder


@dataclass(slots=True)
class _Pending:
    text: str
    vector: np.ndarray | None = None
    error: BaseException | None = None
    done: bool = False


class BatchingEncoder:
    """An `Encoder` that merges concurrent single-text `encode` calls into batches."""

    def __init__(self, inner: Encoder, max_batch: int = 32, run_size: int = 8) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.max_tokens = inner.max_tokens
        self.max_batch = max_batch
        # Measured on a 2-core CPU: runs of 8 length-sorted questions cost ~0.6x a lone question
        # each; one run of 32 pads to the longest and spills the caches, costing ~0.85x.
        self.run_size = run_size
        self._queue: list[_Pending] = []
        self._busy = False
        self._changed = threading.Condition()
        #: Sizes of the batches run so far (for the benchmark and tests).
        self.batch_sizes: list[int] = []

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        if len(texts) != 1:
            return self.inner.encode(texts, batch_size=batch_size)
        item = _Pending(texts[0])
        with self._changed:
            self._queue.append(item)
            while not item.done:
                if self._busy:
                    self._changed.wait()
                    continue
                # The model is idle: this caller runs the next batch (its own item among them,
                # or in a later round if the queue is longer than one batch).
                self._busy = True
                batch = self._queue[: self.max_batch]
                del self._queue[: self.max_batch]
                self._changed.release()
                try:
                    self._run(batch)
                finally:
                    self._changed.acquire()
                    self._busy = False
                    self._changed.notify_all()
        if item.error is not None:
            raise item.error
        assert item.vector is not None
        return item.vector.reshape(1, -1)

    def _run(self, batch: list[_Pending]) -> None:
        self.batch_sizes.append(len(batch))
        try:
            vectors = self.inner.encode([p.text for p in batch], batch_size=self.run_size)
        except BaseException as exc:  # every caller of this batch sees the failure
            for pending in batch:
                pending.error, pending.done = exc, True
            return
        for pending, vector in zip(batch, vectors, strict=True):
            pending.vector, pending.done = vector, True

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word pieces per text, without special tokens and without truncation."""
        return self.inner.count_tokens(texts)

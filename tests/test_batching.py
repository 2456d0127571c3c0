"""Concurrent questions share model runs and each gets its own vector back."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from articlebot.index.batching import BatchingEncoder
from articlebot.index.onnx_encoder import OnnxEncoder

QUESTIONS = [
    "Who was Laurent Vinatier swapped for?",
    "When was he arrested?",
    "What did the Kremlin say about the exchange of prisoners between the two countries?",
    "Where?",
    "Which football team won Super Bowl 50 and who was named the most valuable player?",
    "How many people live in Newcastle upon Tyne?",
] * 8


class SlowFirstRun:
    """The real encoder, holding its first run until others have queued behind it."""

    def __init__(self, inner: OnnxEncoder, fail_on: str | None = None) -> None:
        self.inner, self.fail_on = inner, fail_on
        self.name, self.dimension, self.max_tokens = inner.name, inner.dimension, inner.max_tokens
        self.release = threading.Event()
        self.runs: list[int] = []

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        self.runs.append(len(texts))
        if len(self.runs) == 1:
            self.release.wait(timeout=10)
        if self.fail_on in texts:
            raise RuntimeError("model run failed")
        return self.inner.encode(texts, batch_size=batch_size)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self.inner.count_tokens(texts)


@pytest.fixture(scope="module")
def onnx(export_dir: Path) -> OnnxEncoder:
    return OnnxEncoder(export_dir, name="all-MiniLM-L6-v2")


def _ask_all(encoder: BatchingEncoder, questions: list[str], slow: SlowFirstRun) -> list:
    with ThreadPoolExecutor(len(questions)) as pool:
        futures = [pool.submit(encoder.encode, [q]) for q in questions]
        # Let the queue fill behind the first run, then let it finish.
        while len(encoder._queue) < len(questions) - 1:
            threading.Event().wait(0.001)
        slow.release.set()
        return [f.exception() or f.result() for f in futures]


def test_concurrent_questions_are_batched_and_get_their_own_vectors(onnx: OnnxEncoder) -> None:
    slow = SlowFirstRun(onnx)
    batching = BatchingEncoder(slow, max_batch=16)
    results = _ask_all(batching, QUESTIONS, slow)
    expected = onnx.encode(QUESTIONS)
    for got, want in zip(results, expected, strict=True):
        assert got.shape == (1, onnx.dimension)
        assert float(got[0] @ want) > 0.9999  # the same text's vector, not a neighbour's
    assert slow.runs[0] == 1  # the first question did not wait for company
    assert max(slow.runs) == 16 and sum(slow.runs) == len(QUESTIONS)
    assert len(slow.runs) <= 1 + -(-(len(QUESTIONS) - 1) // 16)


def test_a_failed_run_fails_its_callers_and_the_encoder_recovers(onnx: OnnxEncoder) -> None:
    slow = SlowFirstRun(onnx, fail_on="Where?")
    batching = BatchingEncoder(slow, max_batch=64)
    results = _ask_all(batching, QUESTIONS[:6], slow)
    failed = [q for q, r in zip(QUESTIONS[:6], results, strict=True) if isinstance(r, Exception)]
    # The batch holding "Where?" failed for all its callers; the lone first run did not.
    assert "Where?" in failed and 1 <= len(failed) <= 5
    assert all(isinstance(r, RuntimeError) for r in results if isinstance(r, Exception))
    again = batching.encode(["When was he arrested?"])
    assert float(again[0] @ onnx.encode(["When was he arrested?"])[0]) > 0.9999


def test_lists_bypass_the_queue(onnx: OnnxEncoder) -> None:
    batching = BatchingEncoder(onnx)
    np.testing.assert_allclose(batching.encode(QUESTIONS[:3]), onnx.encode(QUESTIONS[:3]))
    assert batching.batch_sizes == []
    assert batching.count_tokens(["two words"]) == onnx.count_tokens(["two words"])

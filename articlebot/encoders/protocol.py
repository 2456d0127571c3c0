"""What indexing and retrieval need from an embedding model, and how loading one fails."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np


class Encoder(Protocol):
    """What indexing and retrieval need from an embedding model."""

    name: str
    dimension: int
    max_tokens: int

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        ...

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word pieces per text, without special tokens and without truncation."""
        ...


class ModelLoadError(RuntimeError):
    """The embedding model could not be loaded."""

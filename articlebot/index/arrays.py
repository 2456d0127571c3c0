"""Small array helpers shared by search and ranking (each one numpy pass instead of a loop)."""

from __future__ import annotations

import numpy as np


def top_positions(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the `k` largest scores, in no particular order."""
    if k >= len(scores):
        return np.arange(len(scores))
    return np.argpartition(-scores, k - 1)[:k]


def ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """`np.arange(starts[i], ends[i])` for every i, laid end to end."""
    lengths = np.asarray(ends, dtype=np.int64) - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    # Each output position minus its range's first output position, plus that range's start.
    first = np.cumsum(lengths) - lengths
    return np.repeat(starts - first, lengths) + np.arange(total, dtype=np.int64)

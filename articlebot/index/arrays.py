"""Small array helpers shared by search and ranking (each one numpy pass instead of a loop)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

#: numpy reads a .npy header with `ast.literal_eval`, and CPython 3.11's ast module is not
#: safe in two threads at once (python/cpython#106905, "AST constructor recursion depth
#: mismatch": seen when the bot reloaded its index while a writer's thread read another one).
#: Every .npy and .npz read goes through this lock; the arrays themselves are read unlocked.
NPY_READ_LOCK = threading.Lock()


def read_npy(path: Path, mmap_mode: str | None = "r") -> np.ndarray:
    """The array in a .npy file (memory-mapped by default), as a plain ndarray view."""
    with NPY_READ_LOCK:
        # A plain view: np.memmap's Python-level indexing costs microseconds per access.
        return np.load(path, mmap_mode=mmap_mode, allow_pickle=False).view(np.ndarray)


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


def segment_reduce(ufunc: np.ufunc, values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """`ufunc` (np.maximum, np.add) over the rows of each run of `counts[i]` rows of `values`
    (laid end to end), column by column; a row of zeros for an empty run."""
    counts = np.asarray(counts, dtype=np.int64)
    out = np.zeros((len(counts), values.shape[1]), dtype=values.dtype)
    filled = counts > 0
    if values.shape[1] and filled.any():
        out[filled] = ufunc.reduceat(values, (np.cumsum(counts) - counts)[filled], axis=0)
    return out


def segment_max(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The column-wise maximum of each run of rows (`segment_reduce`)."""
    return segment_reduce(np.maximum, values, counts)


def segment_sum(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The column-wise sum of each run of rows (`segment_reduce`)."""
    return segment_reduce(np.add, values, counts)

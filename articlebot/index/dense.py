"""Dense search over passage vectors: exact while the corpus is small, FAISS IVF past that.

The index is saved with FAISS either way (``dense.faiss``). A flat (exact) one is read back
without FAISS: its vectors are the passage vectors saved beside it, searched with numpy, which
gives FAISS's results and spares every start of `articlebot ask` and the bot the ~0.1 s that
importing FAISS costs. Other index types are opened with FAISS.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import numpy as np

from articlebot.index.arrays import top_positions

#: Up to this many passages search is exact (a flat index); past it, an IVF index trained on the
#: corpus. Chosen with benchmarks/bench.py: exact search over 100,000 passages still answers in a
#: few milliseconds on two cores, and grows linearly after that.
EXACT_SEARCH_LIMIT = 100_000
#: IVF lists probed per query: recall@5 against exact search stays above 0.95 on clustered data.
IVF_NPROBE = 32

#: faiss.write_index's header of an IndexFlatIP: fourcc, d, ntotal, two unused int64 fields,
#: is_trained, metric type; then the vectors as a length-prefixed float32 array.
_FLAT_IP = b"IxFI"
_FLAT_HEADER = struct.Struct("<4siqqqBi")
_VECTORS_SIZE = struct.Struct("<q")
_METRIC_INNER_PRODUCT = 0


def build_dense_index(vectors: np.ndarray, exact_limit: int = EXACT_SEARCH_LIMIT) -> Any:
    """An inner-product FAISS index over unit vectors: exact while small, IVF when large."""
    import faiss

    n, dimension = vectors.shape
    if n <= exact_limit:
        index = faiss.IndexFlatIP(dimension)
        if n:
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return index
    # About 4·sqrt(n) lists, trained on a sample of ~40 points per list (FAISS's guidance).
    nlist = int(4 * np.sqrt(n))
    quantizer = faiss.IndexFlatIP(dimension)
    index = faiss.IndexIVFFlat(quantizer, dimension, nlist, faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(0)
    sample = vectors[np.sort(rng.choice(n, size=min(n, 40 * nlist), replace=False))]
    index.train(np.ascontiguousarray(sample, dtype=np.float32))
    for start in range(0, n, 100_000):  # in chunks: no second full copy of the vectors
        index.add(np.ascontiguousarray(vectors[start : start + 100_000], dtype=np.float32))
    index.nprobe = min(IVF_NPROBE, nlist)  # saved with the index by faiss.write_index
    return index


class FlatSearch:
    """Exact inner-product search with numpy over (memory-mapped) unit vectors."""

    def __init__(self, vectors: np.ndarray) -> None:
        self.vectors = vectors
        self.ntotal, self.d = (int(x) for x in vectors.shape)

    def nearest(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The rows of the `k` vectors most similar to `query`, in no particular order, and
        every row's similarity (the search computes them all; callers may reuse them)."""
        every = self.vectors @ query
        return top_positions(every, k), every


def open_dense(path: Path, vectors: np.ndarray) -> Any:
    """The saved index at `path`. A flat one is searched as `FlatSearch` over `vectors` (the
    passage vectors it was built from, memory-mapped and aligned, which the file's own are not),
    once a few rows show they are the file's; any other kind is opened with FAISS. Raises
    ValueError or RuntimeError when the file is damaged or does not match."""
    with path.open("rb") as handle:
        head = handle.read(_FLAT_HEADER.size + _VECTORS_SIZE.size)
        if not head.startswith(_FLAT_IP):
            import faiss

            return faiss.read_index(str(path))
        if len(head) < _FLAT_HEADER.size + _VECTORS_SIZE.size:
            raise ValueError(f"{path.name} is truncated")
        _, d, ntotal, _, _, _, metric = _FLAT_HEADER.unpack_from(head)
        (size,) = _VECTORS_SIZE.unpack_from(head, _FLAT_HEADER.size)
        if metric != _METRIC_INNER_PRODUCT or d <= 0 or ntotal < 0 or size != d * ntotal:
            raise ValueError(f"{path.name} has an unexpected header")
        if path.stat().st_size != len(head) + 4 * size:
            raise ValueError(f"{path.name} is truncated or has trailing bytes")
        if vectors.shape != (ntotal, d):
            raise ValueError(f"{path.name} holds {ntotal} vectors of dimension {d}")
        for row in sorted({0, ntotal // 2, ntotal - 1} if ntotal else set()):
            handle.seek(len(head) + 4 * d * row)
            stored = np.frombuffer(handle.read(4 * d), dtype="<f4")
            if not np.array_equal(stored, vectors[row]):
                raise ValueError(f"{path.name} does not hold the passage vectors beside it")
    return FlatSearch(vectors)

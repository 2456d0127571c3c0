"""Token vectors kept as int8 codes with one float32 scale per vector.

A quarter of float32's size (half of float16's), and read back ~15x faster than float16: numpy
converts float16 one element at a time, int8 with vector instructions, and reading the kept
vectors is most of what late interaction costs a question. Per-vector scales keep a unit
vector's cosines within ~0.001 of float32's.
"""

from __future__ import annotations

import numpy as np

from articlebot.index.arrays import segment_max

#: The code of each vector's largest magnitude.
PEAK_CODE = 127


def quantize(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 codes and float32 scales of `vectors` (one per row, whose largest magnitude
    becomes +-127); quantizing the result of `dequantize` gives the same codes back."""
    v = np.asarray(vectors, dtype=np.float32)
    if v.ndim != 2:
        raise ValueError(f"token vectors must be rows, got shape {v.shape}")
    peak = np.abs(v).max(axis=1) if v.shape[1] else np.zeros(len(v), dtype=np.float32)
    scales = (peak / PEAK_CODE).astype(np.float32)
    divisor = np.where(scales > 0, scales, np.float32(1))
    codes = np.clip(np.rint(v / divisor[:, None]), -PEAK_CODE, PEAK_CODE).astype(np.int8)
    return codes, scales


def dequantize(codes: np.ndarray, scales: np.ndarray) -> np.ndarray:
    """The float32 vectors of int8 `codes` and their per-row `scales`."""
    return codes.astype(np.float32) * np.asarray(scales, dtype=np.float32)[:, None]


def sound_tokens(codes: np.ndarray, scales: np.ndarray | None) -> np.ndarray:
    """Whether each coded token vector (float vectors where `scales` is None) can be a unit
    vector's: its largest magnitude (the scale times 127, for codes) finite and between
    1/sqrt(dimension) and 1, with rounding's slack. Others come from a damaged file, and would
    score every question as matched, or as unmatched."""
    with np.errstate(all="ignore"):
        if scales is None:
            values = np.abs(np.asarray(codes, dtype=np.float32))
            peaks = values.max(axis=1, initial=0.0)
        else:
            peaks = np.asarray(scales, dtype=np.float32) * PEAK_CODE
        dimension = max(np.asarray(codes).shape[1], 1)
        return (peaks >= 0.99 / np.sqrt(dimension)) & (peaks <= 1.01)


def best_code_matches(
    codes: np.ndarray, scales: np.ndarray | None, counts: np.ndarray, question: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each of the `question`'s token vectors' best cosine to each text's coded token vectors
    (`codes` end to end, `counts[i]` rows for text i; `scales` None for float vectors), and
    which texts' are sound: a text without any, or with one that cannot be a unit vector's
    (a scale or a value that is not finite, or whose largest component is out of a unit
    vector's range: a damaged file), gets a row of 0 and False. The scales multiply the
    (tokens x question pieces) products, not the codes: a tenth of the work."""
    codes = np.asarray(codes)
    counts = np.asarray(counts, dtype=np.int64)
    # Damaged values overflow or turn into NaN here; they are told apart below, not warned of.
    with np.errstate(all="ignore"):
        similarities = np.asarray(codes, dtype=np.float32) @ question.T
        if scales is not None:
            similarities *= np.asarray(scales, dtype=np.float32)[:, None]
    sound = sound_tokens(codes, scales)
    best = segment_max(similarities, counts)
    unsound = segment_max((~sound).astype(np.float32)[:, None], counts)[:, 0] > 0
    kept = (counts > 0) & ~unsound & np.isfinite(best).all(axis=1)
    best[~kept] = 0.0
    return best, kept

"""Summaries of measured figures: durations, ratios, shares."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def ms_stats(seconds: Sequence[float]) -> dict[str, float]:
    """Median, p95 and mean of durations, in milliseconds."""
    if not seconds:
        return {"median_ms": math.nan, "p95_ms": math.nan, "mean_ms": math.nan, "n": 0}
    values = np.asarray(seconds, dtype=np.float64) * 1000.0
    return {
        "median_ms": float(np.median(values)),
        "p95_ms": float(np.percentile(values, 95)),
        "mean_ms": float(values.mean()),
        "n": len(values),
    }


def ratio(a: float | None, b: float | None) -> float:
    """a / b, NaN when either is missing or b is zero."""
    if a is None or b is None or not b or math.isnan(a) or math.isnan(b):
        return math.nan
    return a / b


def share(flags: Sequence[bool]) -> float:
    """The fraction of `flags` that are true (0 for none)."""
    return sum(flags) / max(len(flags), 1)

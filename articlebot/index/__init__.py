"""The index: passages, their vectors and keywords, stored as a folder of plain files."""

from __future__ import annotations

from articlebot.index.builder import BuildReport, build_index
from articlebot.index.store import (
    IndexCorruptError,
    IndexData,
    IndexMismatchError,
    IndexNotFoundError,
    load_index,
)

__all__ = [
    "BuildReport",
    "IndexCorruptError",
    "IndexData",
    "IndexMismatchError",
    "IndexNotFoundError",
    "build_index",
    "load_index",
]

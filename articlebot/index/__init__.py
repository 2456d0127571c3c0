"""Reading, cleaning, chunking and embedding documents, and the index they are stored in."""

from __future__ import annotations

from articlebot.index.builder import BuildReport, build_index
from articlebot.index.chunking import ChunkSettings, Passage, chunk_document
from articlebot.index.documents import Document, DocumentError, read_documents
from articlebot.index.store import (
    IndexCorruptError,
    IndexData,
    IndexMismatchError,
    IndexNotFoundError,
    load_index,
)

__all__ = [
    "BuildReport",
    "ChunkSettings",
    "Document",
    "DocumentError",
    "IndexCorruptError",
    "IndexData",
    "IndexMismatchError",
    "IndexNotFoundError",
    "Passage",
    "build_index",
    "chunk_document",
    "load_index",
    "read_documents",
]

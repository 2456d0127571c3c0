"""Reading, cleaning and chunking documents, and fetching pages."""

from __future__ import annotations

from articlebot.ingest.chunking import ChunkSettings, Passage, chunk_document
from articlebot.ingest.documents import Document, DocumentError, read_documents

__all__ = [
    "ChunkSettings",
    "Document",
    "DocumentError",
    "Passage",
    "chunk_document",
    "read_documents",
]

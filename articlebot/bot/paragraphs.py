"""The whole paragraph around a passage, for the 'Paragraph' button."""

from __future__ import annotations

from articlebot.ingest.chunking import Passage
from articlebot.ingest.cleaning import paragraph_spans
from articlebot.ingest.documents import Document


def paragraph_bounds(document: Document, passage: Passage) -> tuple[int, int]:
    """Where the paragraph holding `passage` starts and ends in the document's text (never
    less than the passage itself)."""
    spans = paragraph_spans(document.text, document.body_start)
    span = spans[passage.paragraph - 1] if passage.paragraph <= len(spans) else None
    if span is None:
        return passage.start, passage.end
    return min(passage.start, span.start), max(passage.end, span.end)

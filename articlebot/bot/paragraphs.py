"""The whole paragraph around a passage, for the 'Paragraph' button."""

from __future__ import annotations

from dataclasses import dataclass

from articlebot.ingest.chunking import Passage
from articlebot.ingest.cleaning import paragraph_spans
from articlebot.ingest.documents import Document


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Where a passage's paragraph starts and ends in the document's text, and its number."""

    start: int
    end: int
    number: int


def paragraph_of(document: Document, passage: Passage) -> Paragraph:
    """The paragraph holding `passage` (never less than the passage itself). A passage that
    joined a byline or a heading to the paragraph after it is numbered as that paragraph, as
    its answer cites it (the highlighted sentence is there)."""
    spans = paragraph_spans(document.text, document.body_start)
    span = spans[passage.paragraph - 1] if passage.paragraph <= len(spans) else None
    if span is None:
        return Paragraph(passage.start, passage.end, passage.paragraph)
    number = passage.paragraph
    while number < len(spans) and spans[number].start < passage.end:
        number += 1
    last = spans[number - 1]
    return Paragraph(min(passage.start, span.start), max(passage.end, last.end), number)

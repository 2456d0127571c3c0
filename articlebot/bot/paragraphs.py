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
    # Found by where they are, not by number: an index written by an earlier articlebot
    # numbered some paragraphs otherwise (a plain-text heading counted as one).
    spans = paragraph_spans(document.text, document.body_start)
    held = [s for s in spans if s.start < passage.end and s.end > passage.start]
    if not held:
        return Paragraph(passage.start, passage.end, passage.paragraph)
    return Paragraph(
        min(passage.start, held[0].start),
        max(passage.end, held[-1].end),
        passage.paragraph + len(held) - 1,
    )

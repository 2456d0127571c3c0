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


def paragraph_of(document: Document, passage: Passage, at: int | None = None) -> Paragraph:
    """The paragraph of `passage` holding `at` (where its answer's bold sentence starts), else
    the paragraphs holding the passage (never less than it). A passage that joined a byline
    or a heading to the paragraph after it is numbered as that paragraph, as its answer cites
    it (the highlighted sentence is there)."""
    # Found by where they are, not by number: an index written by an earlier articlebot
    # numbered some paragraphs otherwise (a plain-text heading counted as one).
    spans = paragraph_spans(document.text, document.body_start)
    # `at` comes from the button, from the client: only an offset inside the passage counts.
    holding = [
        number
        for number, span in enumerate(spans, start=1)
        if at is not None and passage.start <= at < passage.end and span.start <= at < span.end
    ]
    if holding:
        # Numbered as the answer's label is (`Retriever.passage`).
        span = spans[holding[0] - 1]
        return Paragraph(span.start, span.end, max(holding[0], passage.paragraph))
    held = [s for s in spans if s.start < passage.end and s.end > passage.start]
    if not held:
        return Paragraph(passage.start, passage.end, passage.paragraph)
    # Numbered as the answer's label is (`Retriever.passage`): by where the paragraph is among
    # the spans, or the passage's own number where an older index counted higher. A window
    # inside a long paragraph after a short one carries the short one's number: it was
    # "paragraph 1" under an answer citing "paragraph 2".
    return Paragraph(
        min(passage.start, held[0].start),
        max(passage.end, held[-1].end),
        max(spans.index(held[-1]) + 1, passage.paragraph + len(held) - 1),
    )

"""Chunking: sentences inside paragraphs, then overlapping sentence windows under a token budget."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from articlebot.ingest.cleaning import Span, is_credit_paragraph, is_furniture, paragraph_spans
from articlebot.ingest.documents import Document

#: Counts word pieces for each text (without special tokens).
TokenCounter = Callable[[Sequence[str]], list[int]]

# Abbreviations (lower case) that end with a period but do not end a sentence: these in any
# case ("10 ft. tall", "et al."), the rest only capitalised as written ("Sun." is Sunday, "the
# autumn sun." ends a sentence; "No. 5", "they said no.").
_ABBREVIATIONS = frozenset("vs etc al approx pp ft".split())
_CAPITALISED_ABBREVIATIONS = frozenset(
    (
        "mr mrs ms dr prof sr jr st mt gen col lt sgt capt cmdr adm gov sen rep rev hon pres "
        "inc ltd co corp dept univ est fig no nos vol ed eds jan feb mar apr jun jul aug sep "
        "sept oct nov dec mon tue wed thu fri sat sun "
        # US states as news datelines write them: "NASHVILLE, Tenn. (AP) —".
        "ala ariz ark calif colo conn del fla ga ill ind kan kans ky la md mass mich minn miss "
        "mo mont neb nev okla ore pa tenn tex vt va wash wis wyo"
    ).split()
)
# A sentence ends at . ! ? (or an ellipsis, or their full-width forms), optionally followed by
# closing quotes/brackets, then whitespace and something that can start a sentence (in Latin,
# Cyrillic or Greek capitals, or Spanish's opening ¿ ¡).
_BOUNDARY = re.compile(r"""[.!?…。！？]+["'”’)\]]*\s+(?=["'“‘(\[¿¡]?[A-Z0-9À-ÖØ-ÞА-ЯЁЄІЇҐΑ-Ω])""")
#: How much of a sentence's end `_is_abbreviation` reads: far more than any abbreviation.
_LAST_WORD_CHARS = 64
# The last word, whole: "Kraków." is no initial "w.".
_LAST_WORD = re.compile(r"(?<![^\W\d_])([A-Za-z][A-Za-z.]*)\.+[\"'”’)\]]*\s*$")


@dataclass(frozen=True, slots=True)
class ChunkSettings:
    """How documents are cut into passages; stored in the index manifest."""

    max_tokens: int = 160
    overlap_sentences: int = 1
    #: Paragraphs shorter than this (a heading, a byline) join the next one in the same passage.
    min_tokens: int = 24

    def as_dict(self) -> dict[str, int]:
        """The settings as plain JSON values."""
        return {
            "max_tokens": self.max_tokens,
            "overlap_sentences": self.overlap_sentences,
            "min_tokens": self.min_tokens,
        }


@dataclass(frozen=True, slots=True)
class Passage:
    """A window of consecutive sentences; `doc.text[start:end]` is exactly its text."""

    doc_id: str
    paragraph: int
    start: int
    end: int
    #: Index of the passage's first sentence in its document's sentence list.
    first_sentence: int
    sentences: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class DocumentChunks:
    """A document's sentences (in order) and the passages made of them."""

    sentences: list[Span]
    passages: list[Passage]


def _is_abbreviation(text_before: str) -> bool:
    match = _LAST_WORD.search(text_before)
    if not match:
        return False
    word = match.group(1)
    if "." in word:  # U.S., U.K., e.g., i.e.
        return True
    if len(word) == 1:  # an initial ("John F. Kennedy") or "c. 1490"
        return True
    lower = word.lower()
    return lower in _ABBREVIATIONS or (word[0].isupper() and lower in _CAPITALISED_ABBREVIATIONS)


#: "a.m." and "p.m." end a sentence before a capital ("shortly after 10 a.m. Mayor Kari
#: Holmefjord cut a ribbon") unless what follows goes on with the time: a day, a month, a time
#: zone ("4 p.m. EST", "6 a.m. Pacific time").
_CLOCK = re.compile(r"(?<![^\W\d_])[ap]\.m\.[\"'”’)\]]*\s*$", re.IGNORECASE)
_CLOCK_GOES_ON = re.compile(
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|January|February|March|April|May|June|July"
    r"|August|September|October|November|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov"
    r"|Dec)\.|[A-Z]{2,4}\b(?!\.)|(?:[A-Z][a-z]+\s+){1,2}[Tt]ime\b)"
)


def _ends_at_clock(text_before: str, text_after: str) -> bool:
    """Whether a sentence ends after "a.m." or "p.m.": a capital follows that is no day,
    month or time zone."""
    return _CLOCK.search(text_before) is not None and _CLOCK_GOES_ON.match(text_after) is None


def split_sentences(text: str, span: Span) -> list[Span]:
    """Sentence spans inside `span` of `text`."""
    sentences: list[Span] = []
    start = span.start
    segment = text[span.start : span.end]
    for match in _BOUNDARY.finditer(segment):
        end = span.start + match.end()
        trimmed_end = end
        while trimmed_end > start and text[trimmed_end - 1].isspace():
            trimmed_end -= 1
        # Only the last word decides, and an abbreviation is short: the whole sentence so far,
        # read at every boundary, made "A. A. A. ..." or a long word before "!" quadratic
        # (30 s for 64,000 characters).
        before = text[max(start, trimmed_end - _LAST_WORD_CHARS) : trimmed_end]
        if _is_abbreviation(before) and not _ends_at_clock(
            before, text[end : end + _LAST_WORD_CHARS]
        ):
            continue
        if trimmed_end > start:
            sentences.append(Span(start, trimmed_end))
        start = end
    if start < span.end:
        sentences.append(Span(start, span.end))
    return sentences


def _split_long(
    text: str, span: Span, count_tokens: TokenCounter, max_tokens: int
) -> list[tuple[Span, int]]:
    """Cut an over-long sentence at word boundaries into pieces of at most max_tokens."""
    (tokens,) = count_tokens([text[span.start : span.end]])
    words = [m.span() for m in re.finditer(r"\S+", text[span.start : span.end])]
    if tokens <= max_tokens or len(words) <= 1:
        return [(span, tokens)]
    middle = len(words) // 2
    left = Span(span.start + words[0][0], span.start + words[middle - 1][1])
    right = Span(span.start + words[middle][0], span.start + words[-1][1])
    return _split_long(text, left, count_tokens, max_tokens) + _split_long(
        text, right, count_tokens, max_tokens
    )


#: Wire copy's closing credit, however long: "(Reporting by ... in Kyiv; additional reporting by
#: ...; Writing by ...; Editing by ...)".
_WIRE_CREDIT = re.compile(
    r"\(\s*(?:additional\s+)?(?:reporting|writing|editing|compiled|edited|written)\s+by\b[^()]*\)",
    re.IGNORECASE,
)


def _is_credit(text: str) -> bool:
    """Whether a paragraph is a credit line (`is_credit_paragraph`) or wire copy's credit."""
    return is_credit_paragraph(text) or _WIRE_CREDIT.fullmatch(" ".join(text.split())) is not None


def _left_out_between(text: str, end: int, start: int) -> bool:
    """Whether text other than blank and furniture lines lies between two paragraphs."""
    return any(line.strip() and not is_furniture(line) for line in text[end:start].split("\n"))


def _units(
    doc: Document, count_tokens: TokenCounter, settings: ChunkSettings
) -> list[tuple[int, list[Span], list[int]]]:
    """Blocks of (paragraph number, sentences, token counts); short paragraphs are merged."""
    blocks: list[tuple[int, list[Span], list[int]]] = []
    pending: tuple[int, list[Span], list[int]] | None = None
    for number, paragraph in enumerate(paragraph_spans(doc.text, doc.body_start), start=1):
        sentences = split_sentences(doc.text, paragraph)
        counts = count_tokens([doc.text[s.start : s.end] for s in sentences])
        pieces: list[Span] = []
        piece_counts: list[int] = []
        for sentence, count in zip(sentences, counts, strict=True):
            if count > settings.max_tokens:
                for part, part_count in _split_long(
                    doc.text, sentence, count_tokens, settings.max_tokens
                ):
                    pieces.append(part)
                    piece_counts.append(part_count)
            else:
                pieces.append(sentence)
                piece_counts.append(count)
        if pending is not None and _is_credit(doc.text[paragraph.start : paragraph.end]):
            # A closing credit joins no short story paragraph before it: "(Reporting by ...;
            # Editing by ...)" was shown under the story's last sentence. It still answers
            # "who edited it", with what follows it (an outlet's line).
            blocks.append(pending)
            pending = None
        if pending is not None and _left_out_between(doc.text, pending[1][-1].end, paragraph.start):
            # A sub-heading stands between (`paragraph_spans` left it out): a passage across it
            # would show it. The short paragraph closes the block before it instead.
            last = blocks[-1] if blocks else None
            if last is not None and not _left_out_between(
                doc.text, last[1][-1].end, pending[1][0].start
            ):
                blocks[-1] = (last[0], last[1] + pending[1], last[2] + pending[2])
            else:
                blocks.append(pending)  # a heading before it too: a passage of its own
            pending = None
        if pending is not None:
            number = pending[0]
            pieces = pending[1] + pieces
            piece_counts = pending[2] + piece_counts
            pending = None
        if sum(piece_counts) < settings.min_tokens:
            pending = (number, pieces, piece_counts)
            continue
        blocks.append((number, pieces, piece_counts))
    if pending is not None:
        blocks.append(pending)
    return blocks


def chunk_document(
    doc: Document, count_tokens: TokenCounter, settings: ChunkSettings
) -> DocumentChunks:
    """Overlapping sentence windows of at most `settings.max_tokens` word pieces."""
    all_sentences: list[Span] = []
    passages: list[Passage] = []
    for number, sentences, counts in _units(doc, count_tokens, settings):
        base = len(all_sentences)
        all_sentences.extend(sentences)
        i = 0
        n = len(sentences)
        while i < n:
            j, total = i, 0
            while j < n and (j == i or total + counts[j] <= settings.max_tokens):
                total += counts[j]
                j += 1
            window = tuple(sentences[i:j])
            passages.append(
                Passage(doc.doc_id, number, window[0].start, window[-1].end, base + i, window)
            )
            if j >= n:
                break
            i = max(j - settings.overlap_sentences, i + 1)
    return DocumentChunks(all_sentences, passages)

"""Cleaning: find the paragraphs of a document and drop site furniture, keeping source offsets.

Cleaning never rewrites text. It returns spans of the original text, so every passage built on top
of it can be cut out of the document exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Lines that are page furniture rather than article text. Matched against the whole line after
# stripping decoration, so a sentence that merely mentions "advertisement" is kept.
_FURNITURE = re.compile(
    r"""^(?:
        advertisement|advertisements|ad|sponsored(?:\ content)?|promoted(?:\ content)?
        |story\ continues\ below(?:\ (?:this\ )?advertisement)?
        |article\ continues\ below(?:\ (?:this\ )?advertisement)?
        |continue\ reading(?:\ below)?|read\ more|read\ also|see\ also|more\ from\ .{1,40}
        |(?:read\ more|read\ also|see\ also|also\ read|also\ see|related|more\ on\ this\ story
          |related\ (?:story|article|link)|read\ next)\ ?:.{0,150}
        |for\ immediate\ release|media\ contacts?:?|investor\ contacts?:?
        |related(?:\ articles|\ stories|\ content|\ coverage)?
        |share(?:\ this)?(?:\ article|\ story|\ on\ \w+)?|share\ via
        |subscribe(?:\ now|\ today)?|sign\ up\ for\ .{0,60}newsletter.{0,20}
        |subscribe\ to\ .{0,70}|save|(?:image|media)\ (?:caption|source)\s*[,:].{0,150}
        |click\ here\ to\ .{0,60}|follow\ us\ on\ .{0,40}
        |skip\ to\ (?:main\ )?content|back\ to\ top|print(?:\ this\ article)?
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_DECORATION = " \t-–—_*•·|=~#>[](){}"
#: Headings of a news page's own links after the story ("More on this story", "Related
#: topics", "Most read"): what follows them is other stories' teasers, not this one's text.
_TAIL_HEADING = re.compile(
    r"^(?:more\ on\ this\ story|related\ (?:topics|stories|articles|content|links|coverage)"
    r"|most\ (?:read|popular|viewed)|top\ stories|you\ (?:may|might)\ also\ like"
    r"|more\ stories|recommended(?:\ for\ you)?|latest\ (?:news|stories))$",
    re.IGNORECASE,
)


def ends_story(line: str) -> bool:
    """Whether `line` is a heading after which a news page has other stories' teasers ("Most
    read", "Related topics"): the story has ended."""
    return _TAIL_HEADING.match(line.strip(_DECORATION).strip()) is not None


#: A credit line: "By Jane Doe", "(Reporting by Nora Berg; Editing by Mark Potter)" at the end
#: of wire copy, "Posted by Sam Whitfield on March 3", "Author: Jane Doe".
_BYLINE = re.compile(
    r"^\s*\(?\s*(?:(?:written|reporting|reported|posted|story|words|text|report|"
    r"additional\s+reporting|(?:live\s+)?coverage|interview|interviewed)\s+)?by\s+\S|"
    r"^\s*(?:authors?|written\s+by)\s*:\s*\S",
    re.IGNORECASE,
)
#: A line opening "By" alone, no "Reporting by" or "Written by" before it.
_PLAIN_BY = re.compile(r"\s*\(?\s*by\s", re.IGNORECASE)
#: A name and its outlet on one line ("Anna Kowalski | Reuters", "Ellie Sandoval | Valley
#: Courier | 3 March 2026"), and the unnamed credits of local papers ("Staff reporter", "By
#: our correspondent").
_NAME_AND_OUTLET = re.compile(
    r"^\s*(?:[A-ZÀ-Þ][\w'’.\-]*\s+){1,3}[A-ZÀ-Þ][\w'’.\-]*\s*[|•·]\s*[A-ZÀ-Þ][^|•·]{1,50}"
    r"(?:[|•·]\s*\w[^|•·]{1,30})?$"
)
#: A name and its desk, without "By" ("Rachel Okonjo Environment correspondent"). A desk in
#: capitals counts only after a comma ("Priya Raman, Consumer Affairs Correspondent"):
#: "Local Democracy Reporter" alone is a desk, under the name it belongs to.
_NAME_AND_ROLE = re.compile(
    r"^\s*(?:[A-ZÀ-Þ][\w'’.\-]*\s+){1,3}[A-ZÀ-Þ][\w'’.\-]*(?:,?\s+(?:[A-Za-z]+\s+){0,3}"
    r"(?:correspondent|editor|reporter|writer|columnist|contributor|desk)|,\s+(?:[A-Za-z]+\s+)"
    r"{0,3}(?:Correspondent|Editor|Reporter|Writer|Columnist|Contributor|Desk))\s*$"
)
#: A name alone on the line under a headline ("Ahmed Farouk" above "USA TODAY"): two to four
#: capitalised words, name particles between them, none a heading's word.
_BARE_NAME = re.compile(
    r"^\s*[A-ZÀ-Þ][a-zà-ÿ'’\-]+(?:\s+(?:(?:van|von|de|der|den|da|di|del|la|le|bin|al|el)\s+)*"
    r"[A-ZÀ-Þ][a-zà-ÿ'’\-]+){1,3}\s*$"
)
_HEADING_WORDS = {
    "live", "updates", "update", "latest", "breaking", "news", "analysis", "opinion", "key",
    "points", "summary", "watch", "video", "photos", "exclusive", "explainer", "comment",
    "editorial", "review", "features", "feature", "sport", "business", "world", "politics",
}  # fmt: skip
#: A list's item ("- Population: 3,700", "• It launched at 10:32").
LIST_ITEM = re.compile(r"^\s*[-•*–]\s+\S")
#: A line of its own inside a block: a list's item, or a live blog's time stamp ("11:47 GMT").
_OWN_LINE = re.compile(
    rf"{LIST_ITEM.pattern}|"
    r"^\s*\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?|gmt|bst|cet|cest|utc|et|pt|edt|est)?\s*$",
    re.IGNORECASE,
)
_UNNAMED_CREDIT = re.compile(
    r"^\s*(?:by\s+)?(?:(?:a|our|the)\s+)?(?:staff|special|own)\s+"
    r"(?:reporter|writer|correspondent|report)s?\s*$|^\s*(?:by\s+)?(?:our|a)\s+correspondent\s*$",
    re.IGNORECASE,
)
#: A date as a page prints it: "12 May 2025", "March 3, 2025", "Tue 3 Oct 2023", "2025-05-12",
#: "Feb 14", "3 hours ago".
DATE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|"
    r"\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|"
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d+\s+(?:minutes?|hours?|days?)\s+ago\b",
    re.IGNORECASE,
)
#: A dateline opening a story: a place in capitals, perhaps a date or an agency, and a dash
#: ("PARIS -", "OSLO, Feb 14 (Reuters) -", "GDAŃSK, Poland —").
DATELINE = re.compile(
    r"^\s*[A-ZÀ-ÖØ-ÞĀ-ž][A-ZÀ-ÖØ-ÞĀ-ž'’.\- ]{1,40}(?:,[^\n\-—–(]{1,40})?\s*"
    r"(?:\(([^()\n]{2,40})\)\s*)?[-—–]"
)


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range [start, end) of a document's text."""

    start: int
    end: int


def is_furniture(line: str) -> bool:
    """True for lines like "- Advertisement -" that are not part of the article."""
    core = line.strip(_DECORATION).strip()
    if not core:
        return bool(line.strip())  # a rule of dashes or stars
    if not any(ch.isalnum() for ch in core):
        return True
    return len(core) <= 80 and bool(_FURNITURE.match(core))


def without_furniture(text: str) -> str:
    """`text` (a passage, or its bold sentences running across a paragraph break) without the
    furniture lines between its paragraphs ("- Advertisement -"), as a reader is shown it."""
    if "\n" not in text:
        return text
    return "\n".join(line for line in text.split("\n") if not is_furniture(line))


def looks_like_title(line: str, markdown_heading: bool = False, next_line: str = "") -> bool:
    """Whether the first line of a plain-text file reads as a headline (`next_line`: the first
    non-blank line after it)."""
    stripped = line.strip()
    if not stripped or len(stripped) > 200:
        return False
    if markdown_heading:
        return True
    # Headlines are short compared with paragraphs and rarely end in a full stop; one that does
    # ("Alvarez wins first Grand Slam title in five-set thriller.") still heads the story when
    # a byline or a dateline comes next.
    if stripped.endswith((",", ";", ":")) or len(stripped.split()) > 25:
        return False
    if not stripped.endswith("."):
        return True
    return is_byline(next_line) or DATELINE.match(next_line) is not None


def first_line_of(text: str) -> str:
    """The first line of `text` that is not blank ("" when there is none)."""
    return next((line for line in text.split("\n") if line.strip()), "")


def is_byline(line: str) -> bool:
    """Whether `line` credits the article's author ("By Jane Doe", "Anna Kowalski | Reuters",
    "Staff reporter")."""
    stripped = line.strip()
    if not stripped or len(stripped) > 120:
        return False
    if _PLAIN_BY.match(stripped):
        # "By Monday the river had risen ...", "by the storm": a story's words, no credit.
        return is_by_credit(stripped.lstrip("( ").removesuffix(")"))
    return bool(
        _BYLINE.match(stripped)
        or (_NAME_AND_OUTLET.match(stripped) and not _is_breadcrumb(stripped))
        or _NAME_AND_ROLE.match(stripped)
        or _UNNAMED_CREDIT.match(stripped)
    )


def credit_line(name: str) -> str:
    """A page's author or byline element as a credit line: "By Jane Doe" for "Jane Doe"; one
    that says its own "by" ("Live coverage by Tom Ames", "Reporting by ...", "Author: ...") as
    it is, not "By Live coverage by ..."."""
    return name if _BYLINE.match(name) or re.match(r"(?i)by\b", name) else f"By {name}"


#: An e-mail address, "mailto:" and all.
_ADDRESS = r"(?:mailto:)?[\w.+'%-]+@[\w-]+(?:\.[\w-]+)+"
#: What may stand before an address in a byline: "Email:", "Contact:", "reach her at".
_ADDRESS_LABEL = r"(?:(?:e-?mail|contact|write\s+to|reach\s+(?:him|her|them|me|us)\s+at)\b\s*:?\s*)"
#: An address in a byline with its label and brackets ("<jane@example.com>", "(email:
#: lee@example.com)", as escaped HTML "&lt;...&gt;"), or alone after "at" or a space.
_BYLINE_ADDRESS = re.compile(
    rf"(?:\s+at)?\s*(?:<\s*{_ADDRESS}\s*>|[(\[]\s*{_ADDRESS_LABEL}?{_ADDRESS}\s*[)\]]"
    rf"|&lt;\s*{_ADDRESS}\s*&gt;|{_ADDRESS_LABEL}?{_ADDRESS})",
    re.IGNORECASE,
)


#: Where an address was taken out (`without_addresses`), with the comma, bar, slash or dash
#: that set it off: before it ("Jane Roe, jane@..."), else, opening the line, after it
#: ("jane@..., Jane Roe"); one in brackets leaves what follows them ("Lee Park [lee@...],
#: Staff Writer").
_GONE_ADDRESS = re.compile(r"\s*(?:[,;|/·–—]|\s-)\s*\x00|^\s*\x00\s*(?:[,;|/·–—]|-\s)?|\x00")
#: A separator or label left hanging by an address taken out: "By, John Doe" (the address
#: came first), "By Jane Roe. Contact:", "Reporter:".
_LEFT_AFTER_BY = re.compile(r"(?i)^(by)\s*[,;|/·–—:]\s*")
# A full stop goes too ("By Jane Roe. Contact: ..."), but not an abbreviation's ("Jr.").
_LEFT_AT_END = re.compile(r"\s*(?:[,;|/·–—:-]+|(?<![A-Z][a-z])(?<!\b[A-Z])\.)$")
_ONLY_A_LABEL = re.compile(
    r"(?i)(?:by|author|written by|reporter|correspondent|e-?mail|contact|reach \w+ at)?"
)


def without_addresses(byline: str) -> str:
    """`byline` without its e-mail addresses, the brackets and labels around them and the
    comma, bar or slash that set them off ("By Jane Roe <jane.roe@example.com>", "By Jane
    Roe, jane@..." and "By Jane Roe. Contact: jane@..." are "By Jane Roe"); "" where it named
    only an address ("By jane@example.com", "Reporter: jane@example.com")."""
    marked = _BYLINE_ADDRESS.sub("\x00", byline.replace("\x00", ""))
    if "\x00" not in marked:
        return " ".join(byline.split())
    left = " ".join(_GONE_ADDRESS.sub("", marked).split())
    left = _LEFT_AT_END.sub("", _LEFT_AFTER_BY.sub(r"\1 ", left)).strip()
    return "" if _ONLY_A_LABEL.fullmatch(left) else left


def is_by_credit(line: str) -> bool:
    """Whether a line opening "By" says who wrote the article: "By Grace Adeyemi | 11
    February 2026", "By Dr. Sanjay Gupta, Chief Medical Correspondent", "By Maria de la Cruz
    and Tom Hill", "By Reuters", "By staff reporter"; not a sentence or a notice ("By
    continuing to use this site ...", "By evening, traders ...", "By Monday, the council
    ...", "By Christmas the shop had sold ...", "By Continuing, You Agree ..."), nor a
    photo's credit ("By AP Photo/Kin Cheung")."""
    found = re.match(r"[Bb][Yy]\s+(\S+)", line)
    if found is None:
        return False
    if _UNNAMED_BY.fullmatch(line):
        return True
    first = found.group(1).rstrip(",.:;")
    return (
        bool(first)
        and (first[0].isupper() or first[0] == "@")
        and (first not in _NOT_NAMES or _NAMED_AFTER_ARTICLE.match(line) is not None)
        and _NOTICE.search(line) is None
        and not _a_sentence(line)
    )


#: Lower-case words a credit may have after a name: names joined, a place, a date, a desk.
_CREDIT_WORDS = frozenset(
    "and in on at for of from with staff reporter reporters writer writers correspondent "
    "correspondents editor contributor updated published posted de la le da di del van von "
    "der den bin al el y".split()
)


def _a_sentence(line: str) -> bool:
    """Whether a line opening "By" goes on as a sentence of the story, not a credit: its
    capitalised words ("By Christmas", "By Black Friday") go straight on with an article or
    a pronoun ("the shop had sold ..."), or a single one with any lower-case word no credit
    has; or, after a comma, with a clause ("By Easter, sales had doubled", "By Labor Day, gas
    prices rose"). A credit goes on with a desk, an outlet, a time or an address ("By Jane
    Doe, the Guardian", "By Reuters, updated 2 hours ago", "By AFP, with additional
    reporting by ...", "By JOHN SMITH jsmith@gazette.example")."""
    tokens = line.split()[1:]  # after "By"
    run = 0
    while run < len(tokens) and tokens[run][:1].isupper() and not tokens[run].endswith(","):
        run += 1
    if run < len(tokens) and tokens[run][:1].isupper():  # the run ends at a comma
        rest = [t.casefold().strip(".,;:") for t in tokens[run + 1 :]]
        if not rest or not tokens[run + 1][:1].islower() or rest[0] in _CREDIT_WORDS:
            return False
        return run == 0 or any(_is_verb(word) for word in rest)
    if run == 0 or run >= len(tokens):
        return False
    after = tokens[run].casefold().rstrip(".,;:")
    if not tokens[run][:1].islower() or not after.isalpha() or after in _CREDIT_WORDS:
        return False
    return run == 1 or after in _CLAUSE_OPENERS


#: Words a clause opens with: "By Christmas Eve the shop ..." goes on as a sentence.
_CLAUSE_OPENERS = frozenset("the a an its their his her our we they it he she this that".split())


def _is_verb(word: str) -> bool:
    """Whether a lower-case word reads as a finite verb: one of the commonest, or a past
    tense in -ed."""
    return word in _FINITE_VERBS or (len(word) > 4 and word.endswith("ed"))


#: Capitalised words a sentence or a label opening "By" goes on with: no one's name.
_NOT_NAMES = frozenset(
    "The A An This That These Those Then Now Late Monday Tuesday Wednesday Thursday Friday "
    "Saturday Sunday Today Tonight Tomorrow Noon Midnight January February March April May "
    "June July August September October November December".split()
)
#: Credits opening with "The" all the same: an agency or a paper ("By The Associated Press",
#: "By The New York Times | May 3"); not "By The Numbers" or "By The Time We Arrived".
_NAMED_AFTER_ARTICLE = re.compile(
    r"[Bb][Yy]\s+The(?:\s+[A-Z][\w'’.-]*)*?\s+(?:Press|Times|Post|Journal|Herald|Tribune|"
    r"Guardian|Telegraph|Observer|Independent|Economist|Chronicle|Gazette|Mail|News|Agencies|"
    r"Editors|Editorial\s+Board)(?:\s+of(?:\s+[A-Z][\w'’-]*)+)?(?:\s+[Ss]taff)?"
    r"\.?\s*(?:$|[|,–—]|\s+(?:and|in|on)\s)"
)
#: Words of a site's notice or a photo's credit, which a byline has none of.
_NOTICE = re.compile(
    r"(?i)\b(?:you|your|agree|cookies?|privacy|terms|subscrib\w*|sign(?:ing)?\s+up|"
    r"newsletter|photo|photograph)\b|\w/\w"
)
#: A credit naming no one: "By staff reporter", "By our correspondent".
_UNNAMED_BY = re.compile(
    r"(?i)by\s+(?:our\s+|a\s+|the\s+)?(?:own\s+)?(?:staff|correspondents?|reporters?|staff\s+"
    r"(?:reporters?|writers?))(?:\s*[|,–—].*)?"
)

_CONTACT_REPORTER = re.compile(r"^to contact the reporters? on this story:?$", re.IGNORECASE)


def _is_credit_line(line: str) -> bool:
    """`is_byline`, strictly: a name after its "by" and no sentence's full stop (a wrapped line
    may start "by the storm on Monday")."""
    stripped = line.strip()
    if not is_byline(stripped) or stripped.endswith((".", "!", "?", ",", ";")):
        return False
    after_by = re.search(r"\bby\s+(\S)", stripped, re.IGNORECASE)
    return after_by is None or after_by.group(1).isupper()


#: Words of a site's sections, not a writer's or outlet's name: "Middle East | Politics |
#: 3 March 2026" is where the page sits, not who wrote it.
_SECTION_WORDS = frozenset({
    "report", "reports", "weather", "league", "match", "middle", "east", "west", "north",
    "south", "local", "national", "international", "culture", "arts", "science", "health",
    "tech", "technology", "travel", "lifestyle", "entertainment", "home", "uk", "us", "europe",
    "asia", "africa", "americas", "economy", "markets", "football", "cricket", "rugby",
    "tennis", "golf", "environment", "education", "crime", "courts", "property", "motoring",
})  # fmt: skip


def credit_parts(line: str) -> list[str]:
    """The parts of a credit line between its bars or bullets ("Ellie Sandoval", "Valley
    Courier", "3 March 2026"), stripped."""
    return [part.strip() for part in re.split(r"[|•·]", line)]


def _is_breadcrumb(line: str) -> bool:
    """Whether a line of parts between bars names a site's sections ("Premier League | Match
    Report | 3 March 2026", "Ukraine War | Analysis"), not a writer and an outlet ("Jane Doe
    | BBC News", "Ellie West | Valley Courier"): a part after the first is a section's words
    alone."""
    sections = _SECTION_WORDS | _HEADING_WORDS
    return any(
        words and all(w.strip(".,").lower() in sections for w in words)
        for words in (part.split() for part in credit_parts(line)[1:])
    )


def is_bare_name(line: str) -> bool:
    """Whether `line` is a name and nothing else ("Ahmed Farouk", "Pieter van Dam")."""
    words = line.lower().split()
    return bool(_BARE_NAME.match(line)) and not any(w in _HEADING_WORDS for w in words)


#: The most words of a header line giving the date ("Published: 12 May 2025", "Posted by Sam
#: Whitfield on March 3, 2025"); a sentence of the story that names a day is longer.
MAX_DATE_LINE_WORDS = 12


#: Lower-case words a date line has that are no sentence's ("Posted by ... on March 3").
_DATE_LINE_WORDS = frozenset({"on", "by", "at", "am", "pm"})


def is_date_line(line: str) -> bool:
    """Whether `line` is a header's date line, not a sentence of the story that names a day
    ("The next meeting is scheduled for Oct. 8.", a list's "- Landing is due on 19 March")."""
    words = line.split()
    lower = [w for w in words if w[:1].islower() and w not in _DATE_LINE_WORDS]
    return (
        DATE.search(line) is not None
        and len(words) <= MAX_DATE_LINE_WORDS
        and not line.endswith((".", "!", "?"))
        and not line.startswith(("-", "•", "*", "–"))
        and len(lower) <= 1
    )


def is_credit_paragraph(text: str) -> bool:
    """Whether a paragraph is a credit or a date line above the story, not part of it: "By Jane
    Doe", a name alone, "Published: 12 May 2025"."""
    line = " ".join(text.split())
    return _is_credit_line(line) or is_bare_name(line) or is_date_line(line)


def is_credit_only(text: str) -> bool:
    """Whether a paragraph only credits or dates an article ("By Jane Roe", "2026-05-01",
    "Published 3 May 2025"), so that a document of nothing else has no story: a date line
    with a sentence's word in it ("Shares rose 3% on March 3") may be a short story's."""
    line = " ".join(text.split())
    if _is_credit_line(line) or is_bare_name(line):
        return True
    words = line.split()
    return is_date_line(line) and not any(
        w[:1].islower() and w not in _DATE_LINE_WORDS for w in words
    )


def find_byline(text: str) -> str | None:
    """The credit line of an article ("By ...", "Reporting by ...", "Jane Doe | Reuters"), when
    it has one (searched at both ends), else a name alone on its first line (`text` starts
    after the title)."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    rows = _table_rows(lines)
    for at in [*range(min(5, len(lines))), *range(max(len(lines) - 5, 0), len(lines))]:
        if at not in rows and is_byline(lines[at]):
            return lines[at]
    # A name alone under the headline: the first line, or one of the next two when a date
    # follows it ("Priya Raman" under a newsletter's subtitle, above "Mar 3, 2025").
    for at, line in enumerate(lines[:3]):
        if len(lines) > at + 2 and is_bare_name(line) and (at == 0 or DATE.search(lines[at + 1])):
            return line
    # Bloomberg's closing "To contact the reporter on this story:" and the name under it.
    for at, line in enumerate(lines[-8:-1], start=max(len(lines) - 8, 0)):
        if _CONTACT_REPORTER.match(line) and at + 1 < len(lines):
            return lines[at + 1]
    return None


def _table_rows(lines: list[str]) -> set[int]:
    """The positions of lines that are rows of a table (a Markdown table's cells joined by
    " | "): a line with as many cells as the one beside it. "Marco Bellini | Centre | 41,200"
    under the headline is an election result, not "Name | Outlet | Date"."""
    cells = [line.count(" | ") for line in lines]
    return {
        at
        for at, count in enumerate(cells)
        if count
        and any(0 <= near < len(lines) and cells[near] == count for near in (at - 1, at + 1))
    }


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def _blank_separated(body: str) -> bool:
    """Whether the story's paragraphs are separated by blank lines (single newlines then wrap
    lines), or each line is one, as scraped news and feeds often have. Blank lines only among
    the credit lines above the story ("By Jane Doe" printed under a feed line's title) say
    nothing of it: there, lines that mostly end sentences are paragraphs."""
    lines = body.split("\n")
    at = 0
    while at < len(lines) and (not lines[at].strip() or is_credit_paragraph(lines[at])):
        at += 1
    story = lines[at:]
    if re.search(r"\n[ \t]*\n", "\n".join(story)):
        return True
    written = [line.rstrip() for line in story if line.strip()]
    if not any(not line.strip() for line in lines[:at]):
        # No blank line anywhere: one paragraph per line, unless the text is wrapped at a
        # width (an export's lines of near-equal length that mostly end no sentence).
        return _wrapped(written)
    # Sub-headings between the lines end no sentence and say nothing of how lines are laid out.
    said = [
        line
        for i, line in enumerate(written)
        if not (0 < i < len(written) - 1 and is_subheading(line, written[i - 1], written[i + 1]))
    ]
    ended = sum(1 for line in said if _SENTENCE_END.search(line))
    # Lines of one paragraph each end sentences nearly all; a paragraph wrapped on two lines
    # ends one line in two.
    return ended * 3 < len(said) * 2


def _wrapped(lines: list[str]) -> bool:
    """Whether lines without a blank one between them are one text wrapped at a width (each
    but a paragraph's last within a fifth of the longest, most ending no sentence, a third
    going on in lower case), not a paragraph each."""
    if len(lines) < 3:
        return False
    width = max(len(line) for line in lines)
    if not 40 <= width <= 100:
        return False  # a table's short rows, or lines longer than any wrapping width
    full = sum(1 for line in lines[:-1] if len(line) >= 0.8 * width)
    ended = sum(1 for line in lines if _SENTENCE_END.search(line))
    # A wrapped sentence goes on on the next line in lower case; a feed's next paragraph (a
    # live blog's next update, a list's next item) opens with a capital, a digit or a quote.
    going_on = sum(1 for line in lines[1:] if line.lstrip()[:1].islower())
    return (
        full * 4 >= (len(lines) - 1) * 3
        and ended * 2 < len(lines)
        and going_on * 3 >= len(lines) - 1
    )


def paragraph_spans(text: str, body_start: int = 0) -> list[Span]:
    """Paragraphs of `text[body_start:]` as spans of `text`, without furniture lines nor the
    credit and date lines above the story.

    Text with blank lines is taken to separate paragraphs by blank lines (single newlines are
    wrapping); text without any blank line has one paragraph per line, as scraped news often has.
    """
    body = text[body_start:]
    blank_separated = _blank_separated(body)
    spans: list[Span] = []
    block_start: int | None = None
    block_end = 0

    def close_block() -> None:
        nonlocal block_start
        if block_start is not None:
            span = _trimmed(text, block_start, block_end)
            if span is not None:
                spans.append(span)
        block_start = None

    offset = body_start
    for line in body.split("\n"):
        line_start, line_end = offset, offset + len(line)
        offset = line_end + 1
        if spans and ends_story(line):
            break  # the page's links to other stories: the story has ended
        if not line.strip() or is_furniture(line):
            close_block()
            continue
        # A credit line, a list's item or a time stamp is no wrapped part of the line before:
        # "By JOHN SMITH" above "MILLBROOK — After ..." is no sentence of it.
        own_line = _is_credit_line(line) or _OWN_LINE.match(line) is not None
        if own_line:
            close_block()
        if block_start is None:
            block_start = line_start
        block_end = line_end
        if not blank_separated or own_line:
            close_block()
    close_block()
    # Credit and date lines above the story ("By Jane Doe", "Published 3 May 2025") are no
    # paragraph of it: a reader counts the lead as the first, and it is shown without them.
    story = next(
        (
            at
            for at, span in enumerate(spans)
            if not is_credit_paragraph(text[span.start : span.end])
        ),
        0,
    )
    story_spans = spans[story:]
    texts = [text[span.start : span.end] for span in story_spans]
    return [
        span
        for at, span in enumerate(story_spans)
        if not (0 < at < len(texts) - 1 and is_subheading(texts[at], texts[at - 1], texts[at + 1]))
    ]


#: The words a question opens with.
_QUESTION_WORDS = frozenset("what who whom whose why how when where which".split())
#: Verbs a question opens with, or puts after its question word ("how did", "who is").
_AUXILIARIES = frozenset(
    "is are was were do does did can could will would should has have had am".split()
)


def _asks(words: list[str]) -> bool:
    """Whether a line's words are a question put to someone without its "?": opening with an
    auxiliary verb ("Is the squad strong enough now"), or a question word and one asking
    "you" ("What is your first goal"); "How does it work", "Who is affected" head sections."""
    folded = [word.casefold().strip("'’") for word in words]
    second = folded[1] if len(folded) > 1 else ""
    return folded[0] in _AUXILIARIES or (
        folded[0] in _QUESTION_WORDS
        and second in _AUXILIARIES
        and any(word in ("you", "your", "yours") for word in folded)
    )


#: Words a sentence's subject opens with, which a heading leaves out: "He fled on foot".
_PRONOUNS = frozenset("he she they it we i you".split())
_DETERMINERS = frozenset("the a an this that these those his her their its our my".split())


#: Verbs a sentence has and a heading (a noun phrase: "The view from the ground") has not.
_FINITE_VERBS = frozenset(
    "is are was were has have had will would can could did does said says told fled ran went "
    "came took made gave got left won lost died fell rose hit cut".split()
)


def _opens_a_sentence(words: list[str]) -> bool:
    """Whether a short line reads as a sentence that lost its full stop ("The driver fled on
    foot", "She said nothing more"), not a heading ("The road ahead", "The view from the
    ground"): it opens with a pronoun, or with an article or a possessive and has a verb."""
    folded = [word.casefold().strip("'’") for word in words]
    if folded[0] in _PRONOUNS:
        return True
    return folded[0] in _DETERMINERS and any(_is_verb(word) for word in folded[1:])


#: A paragraph that ends a sentence: the prose a sub-heading stands between.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")


def is_subheading(paragraph: str, before: str, after: str) -> bool:
    """Whether a plain-text paragraph is a section heading between two paragraphs of prose
    ("A remarkable debut"): a reader counts no paragraph there, and no answer should carry it,
    as Markdown's "## A remarkable debut" and an HTML page's <h2> are left out.

    Only a short line of words in sentence case with no punctuation at its end, between
    paragraphs that end sentences, counts: a table's line ("Arsenal 2 Chelsea 1"), a result
    naming someone ("Best Actor Samuel Okafor"), a question of an interview ("What is your
    first goal") or a deck under the headline stays."""
    line = paragraph.strip()
    words = line.split()
    return (
        "\n" not in line
        and 0 < len(words) <= 6
        and len(line) <= 60
        and line[0].isupper()
        and line[-1].isalpha()
        and not any(char.isdigit() for char in line)
        and not any(word[0].isupper() for word in words[1:])
        # "What happens next", "What you need to know" head sections; "What is your first
        # goal", "Is the squad strong enough now", "How did it start" ask someone.
        and not _asks(words)
        and not _opens_a_sentence(words)
        and not _is_credit_line(line)
        and not is_date_line(line)
        and _SENTENCE_END.search(before.rstrip()) is not None
        and _SENTENCE_END.search(after.rstrip()) is not None
        and len(after.split()) > len(words)
    )

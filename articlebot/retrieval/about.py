"""Replies made from an article's structure: its byline and source, a short extractive summary,
and the sentence that introduces a person."""

from __future__ import annotations

import bisect
import heapq
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from articlebot.ingest.cleaning import (
    DATE,
    DATELINE,
    LIST_ITEM,
    credit_parts,
    is_date_line,
    without_addresses,
)
from articlebot.ingest.documents import Document
from articlebot.masking import shown_source
from articlebot.retrieval.results import ArticleReply
from articlebot.retrieval.spelling import plain_letters
from articlebot.storage.index_store import IndexStore

#: Sentences in a summary: a short article gets two.
SUMMARY_SENTENCES = 3
#: Articles with fewer sentences than this get a two-sentence summary.
SHORT_ARTICLE_SENTENCES = 8
#: Bonus to the first body sentence's centrality, halving with each sentence after it: news is
#: written lead first, and the lead alone is often the best one-line summary.
LEAD_BONUS = 0.15
#: Weight of a candidate's similarity to the summary so far, taken off its centrality (maximal
#: marginal relevance): without it the three sentences of the lead, all on one thread, win.
REDUNDANCY = 0.5
#: A sentence this similar to one already chosen says the same thing again and is skipped.
MAX_SUMMARY_SIMILARITY = 0.8
#: Sentences with fewer words are headings, captions or furniture ("- Advertisement -").
MIN_SUMMARY_WORDS = 6
#: A summary sentence longer than this is cut (the reply must stay short).
MAX_SUMMARY_SENTENCE_CHARS = 400
#: A line after the byline at the end of an article that is at most this long names the outlet
#: ("Axadle Times international–Monitoring.").
MAX_OUTLET_CHARS = 80

#: Words that, just before a name, say who the person is ("special envoy Steve Witkoff",
#: "Deputy Prime Minister Oleksiy Kuleba", "Russian poet Alexander Pushkin").
_ROLES = {
    "president", "minister", "premier", "envoy", "governor", "mayor", "spokesman",
    "spokeswoman", "spokesperson", "councillor", "councilor", "chief", "head", "director",
    "chairman", "chairwoman", "chair", "ceo", "founder", "poet", "writer", "author",
    "researcher", "scientist", "professor", "dr", "doctor", "player", "coach", "journalist",
    "reporter", "correspondent", "general", "commander", "secretary", "ambassador",
    "prosecutor", "judge", "lawyer", "attorney", "officer", "official", "leader", "senator",
    "lawmaker", "deputy", "king", "queen", "prince", "princess", "pope", "analyst", "expert",
    "economist", "activist", "artist", "singer", "actor", "actress", "captain", "manager",
    "chancellor", "mp", "sen", "rep", "gov", "mr", "mrs", "ms",
    # Trades and positions news gives before a name ("extension specialist Shannon Friesen",
    # "Argentine guard Matías Ferraro", "goalkeeper Bruno Costa").
    "specialist", "engineer", "executive", "editor", "adviser", "advisor", "consultant",
    "strategist", "owner", "farmer", "rancher", "teacher", "nurse", "surgeon", "physician",
    "student", "campaigner", "organiser", "organizer", "inspector", "detective", "sergeant",
    "guard", "forward", "striker", "midfielder", "defender", "goalkeeper", "keeper", "winger",
    "bowler", "batter", "batsman", "rider", "cyclist", "runner", "sprinter", "swimmer",
    "qualifier", "seed", "champion", "skipper", "driver", "pilot", "director-general",
}  # fmt: skip
#: What follows a name in an appositive that says who the person is ("Daniil Kasatkin, a
#: Russian basketball player", "Laurent Vinatier, 49, who was serving").
_APPOSITIVE = re.compile(
    r"\s*,\s*(?:\d{1,3}\s*,|(?:a|an|the|one|[\w\-]+['’]s|\d{1,3}-year-old|aged|former)\b)",
    re.IGNORECASE,
)
#: A clause after the name that tells of the person rather than saying who they are
#: ("Okafor, who has been on the bench", "Kiprono, now 26"): taken only when nothing says more.
_WEAK_APPOSITIVE = re.compile(
    r"\s*,\s*(?:who|whose|his|her|their|now|then|currently)\b", re.IGNORECASE
)


#: "X is a professor of ...", "X of Kenya", "X of the University of Montreal": who X is, said
#: after the name without a comma.
_IS_A = re.compile(r"\s+(?:(?:is|was)\s+(?:a|an|the|one)\b|of\s+(?:the\s+)?[A-ZÀ-Þ])")
#: What no sentence of a summary holds: an address to write to, a link.
_CONTACT = re.compile(r"\S+@\S+\.\w+|https?://|www\.", re.IGNORECASE)
#: A note about the story rather than of it ("Editor's note: This story is part of ...",
#: "Correction: An earlier version ..."); a fact box's items are `LIST_ITEM`s.
_NOTE = re.compile(
    r"^\s*(?:editor['’]?s\s+note|correction|clarification|update)\s*:", re.IGNORECASE
)
#: A live blog's time stamp opening a sentence ("10:45 GMT What is Helios-1 trying to do?").
_TIME_STAMP = re.compile(r"^\s*\d{1,2}[:.]\d{2}\b")
#: The page talking about itself rather than the news: "we" or "our" with the coverage, its
#: updates or its feed ("Our coverage continues tomorrow", "Follow our live updates below",
#: "We will bring you updates"), its sign-off ("That is all from us"), or the story or page
#: saying it changes ("This story will be updated", "This is a developing story", "Refresh
#: for the latest"). "us" in lower case: "the US" is a country.
_ABOUT_ITSELF = re.compile(
    r"\b(?:we|we['’](?:ll|re|ve)|our|(?-i:us))\b[^.!?]*?\b(?:coverage|updates?|blog|feed|bulletins?)\b"
    r"|\b(?:that|this)(?:['’]s|\s+is|\s+was)\s+(?:all|it)\s+(?:\w+\s+)?from\s+(?:(?-i:us)|me)\b"
    r"|\b(?:this|the)\s+(?:story|page|article|post|blog|report)\s+(?:is|will\s+be|has\s+been)\s+"
    r"(?:being\s+)?updated\b"
    r"|\bthis\s+is\s+a\s+(?:developing|breaking)\s+(?:news\s+)?story\b"
    r"|^\s*refresh\b",
    re.IGNORECASE,
)
#: Someone's words reported ("the insurer told homeowners"): news, not the page on itself.
_REPORTED = re.compile(r"\b(?:said|says|told|according\s+to)\b", re.IGNORECASE)
#: A sentence has at least this many words in lower case ("the", "said", "was"); a date line
#: ("Tue 3 Oct 2023 07.00 BST") or a list of names has fewer.
MIN_LOWER_WORDS = 3


def document_sentences(index: IndexStore, doc_id: str) -> list[tuple[int, int, int]]:
    """(sentence row in `index`, start, end) of each sentence of an article, in order."""
    first, count = (int(x[0]) for x in index.document_sentences(index.document_numbers([doc_id])))
    rows = np.arange(first, first + count, dtype=np.int64)
    spans = index.sentence_spans(rows).tolist()
    return [(row, start, end) for row, (start, end) in zip(rows.tolist(), spans, strict=True)]


def source_line(document: Document) -> str:
    """Where an article is from: its link, or the name of the file it was read from."""
    source = document.source
    if source.startswith(("http://", "https://")):
        return f"Source: {shown_source(source)}"
    if source:
        # A server's file path is nobody's business; the name tells which file it was, on one
        # line whatever it holds.
        name = "".join(c if c.isprintable() else " " for c in Path(source).name)
        return f"Source: the file {name}"
    return "Source: not recorded"


def outlet_line(document: Document) -> str | None:
    """The short line naming the outlet right after a byline at the end of an article, if any."""
    if not document.byline:
        return None
    lines = [line.strip() for line in document.text.split("\n") if line.strip()]
    # At the end, in the second half and after the title's lines: a short story's byline
    # under its title is in its last five lines too, and the line after that is the story's
    # first.
    for at in range(max(len(lines) - 5, len(lines) // 2, 3), len(lines) - 1):
        if lines[at] == document.byline.strip():
            after = lines[at + 1]
            if len(after) <= MAX_OUTLET_CHARS and at + 2 >= len(lines) - 1:
                return after
    return None


#: A closing note naming where the story first ran ("This article first appeared in the
#: Harbridge Evening Post.", "Originally published by ProPublica").
_FIRST_RAN = re.compile(
    r"\b(?:first|originally)\s+(?:appeared|published|ran|posted)\s+(?:in|on|by|at)\s+"
    r"(?:the\s+)?([^\n]{2,60}?)[\s.]*$",
    re.IGNORECASE,
)


def publisher(document: Document) -> str | None:
    """The outlet an article names: the line after its closing byline, a closing note saying
    where it first ran or its source, the line under its top byline, or the agency opening
    the story ("OSLO, Feb 14 (Reuters) -", "(Bloomberg) --"); None when it names none."""
    outlet = outlet_line(document) or _byline_outlet(document.byline or "")[1]
    if outlet:
        return outlet
    lines = [line.strip() for line in document.text.split("\n") if line.strip()]
    for line in lines[-5:]:
        if (found := _FIRST_RAN.search(line)) and len(line) <= 2 * MAX_OUTLET_CHARS:
            return found.group(1)
        if found := _SOURCE_LINE.match(line):  # a press release's closing "SOURCE Acme, Inc."
            return found.group(1)
    body = [line.strip() for line in document.text[document.body_start :].split("\n")]
    body = [line for line in body if line]
    byline = (document.byline or "").strip()
    if byline in body[:4]:
        # The line under a top byline naming the outlet ("BBC News, Manchester", "USA TODAY",
        # "The Continental Post | 14 February 2025"), not a date line or the story's first.
        after = body[body.index(byline) + 1 : body.index(byline) + 2]
        outlet = after[0].split("|")[0].strip() if after else ""
        desk, comma, rest = outlet.partition(",")
        if comma and _DESK.search(desk) and not _DESK.search(outlet):
            # "Sports Desk, Lakeside Gazette": the desk is the writer's ("Reporting from Kyiv,
            # Ukraine" is where they are, and names no outlet).
            outlet = rest.strip()
        if outlet and _outlet_like(outlet):
            return outlet
    for line in body[:4]:
        found = DATELINE.match(line) or _AGENCY_OPENING.match(line)
        agency = found.group(1) if found else None
        # "NASHVILLE, Tenn. (April 2) —": a date in the brackets, not who filed it.
        if agency and len(agency.split()) <= 3 and not is_date_line(agency):
            return agency.strip()
    return None


def _byline_outlet(byline: str) -> tuple[str, str | None]:
    """A byline and the outlet it names after a bar ("By Jamal Henderson | The Marlow
    Courier", "Ellie Sandoval | Valley Courier | 3 March 2026": the date is no one's name); a
    desk after the bar is the writer's ("By Sam Whitfield | Northern Sports Desk" is "By Sam
    Whitfield, Northern Sports Desk"); the byline as it is and None without a bar."""
    name, *parts = credit_parts(byline)
    if not parts or not name:
        return byline, None
    outlet = next((part for part in parts if _outlet_like(part)), None)
    desks = [part for part in parts if _DESK.search(part)]
    if outlet is None and not desks:
        return byline, None
    return ", ".join([name, *desks]), outlet


#: A press release's closing line naming who issued it ("SOURCE Acme, Inc."), or a news
#: site's ("Source: Al Jazeera and news agencies").
_SOURCE_LINE = re.compile(r"^(?:SOURCE\s+|Source:\s*)(\S.{1,60})$")
_DESK = re.compile(
    r"\b(?:correspondent|editor|reporter|writer|columnist|contributor|desk|staff)\s*$|"
    r"^(?:reporting|reported|writing)\s+from\b",
    re.IGNORECASE,
)
#: A header line's label for the date that follows ("Published: 12 May", "Last updated ...").
_DATE_LABEL = re.compile(r"(?:first\s+)?(?:published|updated|posted|last\s+updated)\b", re.I)
#: Wire copy opening with its agency and no place: "(Bloomberg) -- Tessaro shares ...".
_AGENCY_OPENING = re.compile(r"^\s*\(([A-ZÀ-Þ][^()\n]{1,30})\)\s*[-—–]")


def _outlet_like(line: str) -> bool:
    """Whether a header line reads as an outlet's name: short, no sentence, no date."""
    words = line.split()
    return (
        0 < len(words) <= 6
        and not line.endswith((".", "!", "?", ":"))
        and not re.search(r"\bby\b", line, re.IGNORECASE)  # "Photographs by Eamon Doyle"
        # Nor the writer's desk or whereabouts ("Arts Correspondent", "Reporting from Kyiv").
        and not _DESK.search(line)
        and not DATE.search(line)
        and not _DATE_LABEL.search(line)
        and sum(word[:1].islower() for word in words) <= 1
    )


def byline_reply(document: Document) -> ArticleReply:
    """Who wrote an article and where it is from (saying so plainly when it names no author)."""
    byline = _byline_outlet((document.byline or "").strip())[0]  # the outlet: its own line
    if byline.startswith("(") and byline.endswith(")"):
        byline = byline[1:-1].strip()  # wire copy's closing "(Reporting by ...)"
    byline = without_addresses(byline)  # "By JOHN SMITH jsmith@gazette.com"
    name, comma, rest = byline.partition(",")
    by = re.match(r"by\s+", name, re.IGNORECASE)
    core = name[by.end() :] if by else name
    words = core.split()
    caps = next((i for i, word in enumerate(words) if not word.isupper()), len(words))
    if caps == len(words):  # "By JOHN SMITH, Associated Press": capitals are the page's style
        byline = ("By " if by else "") + core.title() + comma + rest
    elif caps >= 2 and words[caps][:1].isupper():
        # "By JANE HOLLOWAY Associated Press": the name in capitals, then the outlet.
        name = " ".join(words[:caps]).title()
        byline = f"{'By ' if by else ''}{name}, {' '.join(words[caps:])}{comma}{rest}"
    if byline:
        # "Jane Doe" and "Jane Doe | Reuters" read as "By ..."; "Posted by ...", "Author: ..."
        # and "Staff reporter" as they are.
        if not re.search(r"\bby\b|:|\bstaff\b|\bcorrespondent\b", byline, re.IGNORECASE):
            byline = f"By {byline}"
        lines = [f"{byline} — {document.title}"]
    else:
        lines = [f"The article doesn't name its author — {document.title}"]
    outlet = publisher(document)
    if outlet:
        # A closing line's full stop ("Axadle Times international–Monitoring."); not an
        # abbreviation's ("Acme Co.").
        if outlet.endswith(".") and len(outlet.split()[-1]) > 4:
            outlet = outlet[:-1]
        lines.append(f"Published by: {outlet}")
    lines.append(source_line(document))
    return ArticleReply("byline", document.doc_id, tuple(lines))


def article_date(document: Document) -> str | None:
    """The date an article prints for itself: a short line under its headline or at its end
    with a date on it, or the date in its dateline ("OSLO, Feb 14 (Reuters)"); None when it
    prints none."""
    # The lines under the headline before the body: a page's byline and the date it marks.
    credits = [line.strip() for line in document.text[: document.body_start].split("\n")[1:]]
    body = [line.strip() for line in document.text[document.body_start :].split("\n")]
    body = [line for line in body if line]
    for line in credits + body[:6] + [line for line in body[-3:] if _DATE_LABEL.match(line)]:
        if is_date_line(line):
            # Of a header's parts, the date's: "3 March 2026" of "Ellie Sandoval | Valley
            # Courier | 3 March 2026".
            return next((part for part in credit_parts(line) if DATE.search(part)), line)
    for line in body[:4]:
        found = DATELINE.match(line)
        if found and DATE.search(found.group()):
            return found.group().rstrip(" -—–")
    return None


def date_reply(index: IndexStore, doc_id: str, found: str | None) -> ArticleReply:
    """When an article was published, as it says (`found`: its `article_date`), and, when it
    does not say, when it was indexed."""
    document = index.documents[doc_id]
    if found:
        lines = [f"{found} — {document.title}"]
    else:
        lines = [f"The article doesn't give its date — {document.title}"]
        added = index.manifest.documents.get(doc_id, {}).get("added")
        if added:
            day = datetime.fromtimestamp(float(added), tz=UTC).strftime("%Y-%m-%d")
            lines.append(f"Indexed on {day}")
    lines.append(source_line(document))
    return ArticleReply("date", doc_id, tuple(lines))


def central_sentences(
    vectors: np.ndarray,
    count: int,
    *,
    lead_bonus: float = LEAD_BONUS,
    redundancy: float = REDUNDANCY,
) -> list[int]:
    """Positions (in order) of `count` sentences of unit `vectors` chosen one by one: closest to
    their mean, with a bonus for coming first, less whatever they share with those already
    chosen (so that a story with three threads gets one sentence of each), none nearly
    repeating another."""
    if len(vectors) == 0:
        return []
    centre = vectors.mean(axis=0)
    centre = centre / max(float(np.linalg.norm(centre)), 1e-9)
    scores = vectors @ centre + lead_bonus * 0.5 ** np.arange(len(vectors))
    # Each sentence's similarity to the nearest chosen one, kept up to date a choice at a time:
    # the whole sentence x sentence matrix of a long book (50,000 sentences: 10 GB) had
    # crashed the process.
    nearest = np.zeros(len(vectors), dtype=np.float32)
    chosen: list[int] = []
    while len(chosen) < min(count, len(vectors)):
        gain = scores - redundancy * nearest
        gain[nearest > MAX_SUMMARY_SIMILARITY] = -np.inf
        gain[chosen] = -np.inf
        best = int(np.argmax(gain))
        if not np.isfinite(gain[best]):
            break
        chosen.append(best)
        nearest = np.maximum(nearest, vectors @ vectors[best])
    return sorted(chosen)


#: A photo's caption or credit ("Photo: Mark Ellis / Millbrook Echo", "(Picture: AFP)").
_CAPTION = re.compile(
    r"\b(?:photo|photograph|picture|image|pictured|video)s?\s*(?:credit\s*)?:|"
    r"\((?:photo|picture|image|pictured)\b|\bcredit\s*:|\bgetty\s+images\b",
    re.IGNORECASE,
)
_QUOTE_MARKS = re.compile(r"[\"“”«»„]")


def stands_alone(sentence: str) -> bool:
    """Whether a sentence makes sense out of its place, as a summary line must: not a quotation
    opening it ("\"Today we told them help is coming.\"", "\"... like this,\" she said." with
    nobody named) nor a piece of one cut off at a sentence end (an odd number of marks), nor one
    opening with whom or what the sentence before named ("She also ordered Pruitt to repay
    ...", "The remaining £18 million will be borrowed")."""
    text = sentence.strip()
    return (
        not _QUOTE_MARKS.match(text)
        and len(_QUOTE_MARKS.findall(text)) % 2 == 0
        and not _PRONOUN_OPENING.match(text)
    )


#: A sentence opening with a person's pronoun, who is whom the sentence before named, or with
#: what refers to the sentence before ("The remaining £18 million will be borrowed", "But
#: the plan ...", "This means ...").
_PRONOUN_OPENING = re.compile(
    r"^(?:he|she|they|his|her|their|him|them|but|however|instead|its"
    # "It said 30 jobs would ...", "It will employ ...": the body named before; not "It was
    # the largest theft in living memory", which tells of the story itself.
    r"|it(?=\s+(?!(?:was|is|has\s+been|had\s+been|will\s+be|would\s+be|(?:has\s+|had\s+)?"
    r"emerged|appears|appeared|seems|seemed|remains|remained)\b)[a-z])"
    r"|the\s+(?:remaining|rest|"
    r"remainder|latter|same)\b(?!\s+(?-i:[A-Z]))|(?:this|that|these|those)(?!\s+(?:week|weekend|year|month|"
    r"morning|afternoon|evening|night|summer|winter|spring|autumn|season|time)\b))\b",
    re.IGNORECASE,
)


def _caption_lines(text: str) -> Callable[[int], bool]:
    """Whether the line of `text` holding an offset is a caption, each line read once (a
    .jsonl article of one long line has thousands of sentences on it)."""
    starts = [0, *(found.end() for found in re.finditer("\n", text))]
    captions = [
        _CAPTION.search(text, start, end - 1 if end > start else end) is not None
        for start, end in zip(starts, [*starts[1:], len(text) + 1], strict=True)
    ]
    return lambda offset: captions[bisect.bisect_right(starts, offset) - 1]


def body_sentences(index: IndexStore, doc_id: str) -> list[tuple[int, int, int]]:
    """`document_sentences` of the article's own text: none before its body, from its byline
    or outlet line, a photo's caption or a closing note on where it first ran."""
    document = index.documents[doc_id]
    text = document.text
    furniture = {line.strip() for line in (document.byline, publisher(document)) if line}
    caption = _caption_lines(text)
    return [
        (row, start, end)
        for row, start, end in document_sentences(index, doc_id)
        if start >= document.body_start
        and text[start:end].strip() not in furniture
        and not caption(start)
        and not _FIRST_RAN.search(text[start:end])
    ]


def about_itself(sentence: str) -> bool:
    """Whether a sentence is the page's note about its own coverage ("Our coverage continues
    tomorrow from 08:00.", "This story will be updated."), not news; a quotation is someone's
    words ("\"We will bring updates,\" police said") and stays."""
    return (
        not _QUOTE_MARKS.search(sentence)
        and _REPORTED.search(sentence) is None
        and _ABOUT_ITSELF.search(sentence) is not None
    )


def summary_spans(index: IndexStore, doc_id: str) -> list[tuple[int, int]]:
    """The (start, end) of an article's most central body sentences, in article order: none
    from its byline, outlet line or photo captions, and no quotation out of its context unless
    too few sentences are left without them."""
    text = index.documents[doc_id].text
    body = [
        (row, start, end)
        for row, start, end in body_sentences(index, doc_id)
        if len(text[start:end].split()) >= MIN_SUMMARY_WORDS
        and sum(word[:1].islower() for word in text[start:end].split()) >= MIN_LOWER_WORDS
        and not _CONTACT.search(text[start:end])
        and not _TIME_STAMP.match(text[start:end])
        and not LIST_ITEM.match(text[start:end])
        and not _NOTE.match(text[start:end])
        and not about_itself(text[start:end])
    ]
    alone = [(row, start, end) for row, start, end in body if stands_alone(text[start:end])]
    sentences = alone if len(alone) >= SUMMARY_SENTENCES else body
    # Short by its sentences, not by those left standing alone (a 9-sentence story lost its
    # third line when three sentences pointing back were left out).
    count = SUMMARY_SENTENCES if len(body) >= SHORT_ARTICLE_SENTENCES else 2
    rows = np.asarray([row for row, _, _ in sentences], dtype=np.int64)
    vectors = np.asarray(index.sentence_vectors_at(rows), np.float32)
    return [sentences[i][1:] for i in central_sentences(vectors, count)]


def summary_reply(index: IndexStore, doc_id: str) -> ArticleReply:
    """An article's title and its most central sentences, in article order."""
    document = index.documents[doc_id]
    lines = [document.title]
    for start, end in summary_spans(index, doc_id):
        sentence = " ".join(document.text[start:end].split())
        if len(sentence) > MAX_SUMMARY_SENTENCE_CHARS:
            sentence = sentence[: MAX_SUMMARY_SENTENCE_CHARS - 1] + "…"
        lines.append(sentence)
    return ArticleReply("summary", doc_id, tuple(lines))


def _name_pattern(name: str) -> re.Pattern[str]:
    """A name as written in an article: any case, hyphens or spaces between its words."""
    words = [re.escape(word) for word in name.split()]
    return re.compile(r"\b" + r"[\s\-'’]+".join(words) + r"\b", re.IGNORECASE)


def introduces(sentence: str, name: str, weakly: bool = True, asked: str = "") -> bool:
    """Whether `sentence` says who `name` is: an appositive after the name ("X, a ...",
    "X, 49, who ...", "X, chief economist at ...", "X is a professor", "X of Kenya") or a role
    just before it ("special envoy X", "foreign minister, X"); with `weakly`, a clause about
    them too ("X, who has been on the bench"). Accents do not count: "muresan" is the
    article's "Mureșan". `name` as part of the `asked` one (a surname) is not someone else's
    ("Yaw Mensah" is not "Abena Kusi-Mensah")."""
    sentence, name = plain_letters(sentence), plain_letters(name)
    for match in _name_pattern(name).finditer(sentence):
        if asked and _someone_else(sentence, match.start(), plain_letters(asked)):
            continue
        if _APPOSITIVE.match(sentence, match.end()) or _IS_A.match(sentence, match.end()):
            return True
        if weakly and _WEAK_APPOSITIVE.match(sentence, match.end()):
            return True
        after = re.findall(r"[\w’'\-]+", sentence[match.end() : match.end() + 40])
        if sentence[match.end() :].lstrip().startswith(",") and any(
            word.lower() in _ROLES for word in after[:3]
        ):
            return True
        # The four words before it, read from just before it: reading the whole sentence
        # before every mention made a sentence of many mentions quadratic.
        before = re.findall(r"[\w’'\-]+", sentence[max(0, match.start() - 200) : match.start()])
        # Titles are capitalised name-like words in between ("French President Emmanuel").
        if any(word.lower().strip("’'") in _ROLES for word in before[-4:]):
            return True
    return False


def introduction(
    text: str, spans: list[tuple[int, int]], name: str, weakly: bool = True
) -> tuple[int, int] | None:
    """The first of `spans` (sentences of `text`, in order) that introduces `name` (see
    `introduces`), trying the full name before its last word; None when none does."""
    words = name.split()
    forms = [name] + ([words[-1]] if len(words) > 1 and len(words[-1]) > 2 else [])
    for form in forms:
        for start, end in spans:
            if introduces(text[start:end], form, weakly, asked=name if form != name else ""):
                return start, end
    return None


#: Words before a surname that are no given name: "Mr. Mensah", "said Mensah".
_BEFORE_SURNAME = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "sen", "rep", "gov",
     "gen", "col", "capt", "sgt", "lt", "judge", "justice", "president", "minister", "mayor",
     "coach", "the", "a", "an", "and", "but", "said", "says", "told", "by", "with", "to"}
)  # fmt: skip


def _someone_else(sentence: str, at: int, asked: str) -> bool:
    """Whether the surname at `at` follows a given name the `asked` name does not have ("Yaw
    Mensah" for "Abena Kusi-Mensah"): another person of the same surname."""
    before = re.search(r"([^\W\d_][\w’'.]*)(\s+)$", sentence[:at])
    if before is None:
        return False
    word = before.group(1).rstrip(".")
    own = {w.lower() for w in re.findall(r"[\w’']+", asked)}
    return word[:1].isupper() and word.lower() not in own and word.lower() not in _BEFORE_SURNAME


def first_mention(text: str, spans: list[tuple[int, int]], name: str) -> tuple[int, int] | None:
    """The first of `spans` (sentences of `text`, in order) naming `name` as a name (accents
    aside, each word capitalised there: "who was expected to win" names nobody), or None."""
    pattern = _name_pattern(plain_letters(name))
    for start, end in spans:
        for match in pattern.finditer(plain_letters(text[start:end])):
            if all(word[:1].isupper() for word in match.group().split()):
                return start, end
    return None


def newest_article(index: IndexStore, doc_ids: list[str] | None = None) -> str | None:
    """Of `doc_ids` (default: every article), the one added last; None when there are none."""
    newest = newest_articles(index, doc_ids, 1)
    return newest[0] if newest else None


def newest_articles(index: IndexStore, doc_ids: list[str] | None, count: int) -> list[str]:
    """Of `doc_ids` (None: every article), the `count` added last, newest first."""
    candidates = [d for d in (doc_ids or list(index.documents)) if d in index.documents]

    def added(doc_id: str) -> tuple[float, str]:
        # Articles added together are told apart by id, as `articlebot list` orders them: the
        # newest is the one it lists last.
        meta = index.manifest.documents.get(doc_id, {})
        return float(meta.get("added", 0.0)), doc_id

    return heapq.nlargest(count, candidates, key=added)


#: How many titles a reply naming no article lists, newest first.
LISTED_TITLES = 3


def unnamed_reply(index: IndexStore, topic: str, doc_ids: list[str] | None) -> ArticleReply:
    """The reply to "summarize the article about the election" where no article is about it:
    said, with the newest articles' titles, so the reader can name one that is here."""
    newest = newest_articles(index, doc_ids, LISTED_TITLES)
    total = len(doc_ids) if doc_ids is not None else len(index.documents)
    titles = "; ".join(f"“{index.documents[doc_id].title}”" for doc_id in newest)
    more = f" and {total - len(newest)} more" if total > len(newest) else ""
    lines = [f"No article here is about “{topic}”."]
    if newest:
        lines.append(f"{'The newest: ' if more else 'The articles: '}{titles}{more}.")
    return ArticleReply(kind="unnamed", doc_id="", lines=tuple(lines))


#: How many titles a reply listing the articles about a subject shows, the best match first.
LISTED_ARTICLES = 5


def articles_reply(
    index: IndexStore, topic: str, doc_ids: list[str], newest: int | None = None
) -> ArticleReply:
    """The reply to "which articles do you have about fires" where several are about it: how
    many, and their titles (`doc_ids`, the best match first), one a line (`newest`: of how
    many newest articles they were counted, where not all were read)."""
    shown = doc_ids[:LISTED_ARTICLES]
    among = f" (counted among the {newest:,} newest)" if newest else ""
    lines = [f"{len(doc_ids)} articles are about “{topic}”{among}:"]
    lines += [f"“{index.documents[doc_id].title}”" for doc_id in shown]
    if len(doc_ids) > len(shown):
        lines.append(f"and {len(doc_ids) - len(shown)} more.")
    return ArticleReply(kind="articles", doc_id="", lines=tuple(lines))

"""Reading documents (.txt, .md, .html, .jsonl) into `Document` values."""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO

from articlebot.ingest.cleaning import (
    credit_line,
    ends_story,
    find_byline,
    first_line_of,
    is_by_credit,
    is_credit_only,
    is_date_line,
    is_furniture,
    looks_like_title,
    paragraph_spans,
)
from articlebot.ingest.credits import author_text, date_text
from articlebot.ingest.markdown import markdown_text
from articlebot.system_text import is_utf8, printable

#: Files larger than this are refused: a news article is kilobytes, not tens of megabytes.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
#: doc_ids are typed in commands and shown in listings: a name, not a paragraph.
MAX_DOC_ID_CHARS = 200
#: An HTML page with less text than this is a menu, a cookie wall or an error page: the
#: shortest real news brief has a headline-sized lead sentence and then more (the lighthouse
#: test page has ~90 words, a two-sentence brief ~40), while a nav bar is a handful of links.
MIN_HTML_WORDS = 20
#: More HTML elements than this is no article page: a news page has a few thousand, a heavy
#: one (a long live blog) up to about 15,000. trafilatura's time grows faster than the page: a
#: megabyte of short paragraphs (80,000 elements) took 20 s, five megabytes of links minutes.
MAX_HTML_ELEMENTS = 20_000
_SURROGATE = re.compile("[\ud800-\udfff]")


class DocumentError(ValueError):
    """A document could not be read; the message names the file (and line)."""

    #: The .jsonl file a line of which could not be read, where a folder or refresh skipped it.
    jsonl: Path | None = None
    #: The id of that line's article, where the line itself was read (a stub line).
    doc_id: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """One article. `text` is the text every passage offset points into."""

    doc_id: str
    title: str
    text: str
    source: str
    byline: str | None = None
    #: Characters of `text` before the body (the title line of a .txt/.md file).
    body_start: int = 0
    #: Whether doc_id was given (a .jsonl doc_id, `add --id`) rather than made from a name;
    #: a given id is kept as it is, a made one gets a suffix when another source has it.
    id_given: bool = field(default=False, compare=False)
    #: Other sources the same article is known by: the link an admin gave, where it redirects
    #: to `source`; an article indexed from that link before is this one.
    aliases: tuple[str, ...] = field(default=(), compare=False)

    @property
    def content_hash(self) -> str:
        """A hash of everything that changes the passages and their embeddings."""
        digest = hashlib.sha256()
        for part in (self.title, "\x00", str(self.body_start), "\x00", self.text):
            digest.update(part.encode("utf-8"))
        return digest.hexdigest()

    @property
    def body_hash(self) -> str:
        """A hash of the article's own words, without the title and byline that head its text:
        the same story saved twice is titled by each file's name when it has no headline."""
        return hashlib.sha256(self.text[self.body_start :].strip().encode("utf-8")).hexdigest()


def bundled_article_path() -> Path:
    """The client's sample article that ships inside the package."""
    return Path(str(resources.files("articlebot") / "data" / "article.txt"))


#: A group's own document: a link posted there (chat<group>-<message>), or the post of a channel
#: only that group opted in (chat<group>-tg<channel>-<post>). No other document's id has this
#: shape: such a document would be hidden from every chat but that group.
GROUP_DOC_ID = re.compile(r"chat(\d+)-(?:tg\d+-)?\d+")


def slugify(name: str) -> str:
    """A stable, readable doc_id from a file name: in lower case, accents dropped where a
    letter has a plain form ("Müller" is "muller"), letters of other scripts kept ("Ночь" is
    "ночь"), anything else a hyphen; short enough for the suffixes that tell same-named files
    apart to stay under `MAX_DOC_ID_CHARS`."""
    plain = "".join(_plain_letter(c) for c in unicodedata.normalize("NFC", name))
    slug = re.sub(r"[\W_]+", "-", plain).strip("-").lower()
    return slug[: MAX_DOC_ID_CHARS - 20].rstrip("-") or "document"


#: Words the bot's commands read as something other than an article's id: "/use all" is every
#: article.
RESERVED_IDS = frozenset({"all"})


def ids_like(wanted: str, known: Iterable[str], limit: int = 3) -> list[str]:
    """The ids a mistyped or partial id may mean: the nearest ("Bridge" for "bridge",
    "harbor-bridge" for "harbour-bridge"), else those with it as a part ("harbour" of
    "harbour-bridge", "storm" of "storm-ida-3fa2b1"), at most `limit`."""
    import difflib

    by_folded = {doc_id.casefold(): doc_id for doc_id in known}
    folded = wanted.strip().casefold()
    close = difflib.get_close_matches(folded, list(by_folded), n=1, cutoff=0.75)
    if close:
        return [by_folded[close[0]]]
    part = re.sub(r"[\W_]+", "-", folded).strip("-")
    if not part:
        return []
    having = [doc_id for key, doc_id in by_folded.items() if f"-{part}-" in f"-{key}-"]
    return sorted(having)[:limit]


def _plain_letter(char: str) -> str:
    """`char` without its accent ("ü" -> "u"), as it is where it has no plain form ("й", "日");
    nothing for a lone combining mark or an invisible format character."""
    if unicodedata.category(char) in ("Mn", "Mc", "Me", "Cf"):
        return ""
    return unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode() or char


# A terminal's escape sequences (CSI: colours, clearing the screen; OSC: the window title,
# links), then any other control character but line breaks and tabs, and the invisible format
# characters that split words for search ("pre\u200bsident", soft hyphens from web pages).
# (An unterminated OSC ends with its line: it must not take the rest of the article along.)
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?|\x9b[0-?]*[ -/]*[@-~]"
)
#: ... and the direction overrides (LRO, RLO): one in a story turns the rest of an answer's
#: line around in a terminal or a Telegram message (a CLI attacker); embeddings and isolates,
#: which right-to-left text needs, are kept.
_UNSEEN = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u200b\u2060\ufeff\u202d\u202e]")
# Vertical tab and form feed separate lines and pages: they become line breaks, not glue.
_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})


#: Direction embeddings, overrides and isolates: one left open in a title (a listing's line,
#: an answer's heading) turns the rest of the line around wherever the title is shown.
_DIRECTION_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


def _visible_line(text: str) -> str:
    """`visible_text` on one line, its runs of spaces and breaks as one space, without
    direction controls."""
    return " ".join(_DIRECTION_CONTROLS.sub("", visible_text(text)).split())


def shown_title(value: str) -> str:
    """A .jsonl line's "title" as its article is given it: visible, on one line, a lone
    surrogate replaced."""
    return _visible_line(_replace_surrogates(value))


def visible_text(text: str) -> str:
    """The text a reader sees: escape sequences, control characters (but line breaks and
    tabs) and invisible word-splitting characters left out, accents composed (NFC).

    A decomposed "é" (e + combining accent, as some editors and macOS file names write it)
    looks the same but is two characters: the word pieces, the keyword index and the name
    patterns would read another word than the composed one a question types."""
    shown = _UNSEEN.sub("", _ESCAPES.sub("", text)).translate(_BREAKS)
    return unicodedata.normalize("NFC", shown)


def _open_regular(path: Path) -> tuple[BinaryIO, int]:
    """An open regular file and its size; DocumentError for anything else (a folder, a device,
    a FIFO, a socket), which could block or never end."""
    try:
        # stat first, so a device or FIFO is refused without being opened at all.
        if not stat.S_ISREG(path.stat().st_mode):
            raise DocumentError(_not_regular(path))
        # O_NONBLOCK: should the path become a FIFO meanwhile, opening it does not wait for a
        # writer; fstat of what was opened is the check that counts.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise DocumentError(f"{path}: no such file") from None
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read ({exc.strerror or exc})") from None
    handle = os.fdopen(fd, "rb")
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        handle.close()
        raise DocumentError(_not_regular(path))
    return handle, info.st_size


def _not_regular(path: Path) -> str:
    if path.is_dir():
        return f"{path}: is a directory, not a document"
    return f"{path}: is not a regular file (a device, pipe or socket), not a document"


def _mib(size: float) -> str:
    """A size in MB as the limit is set (20 MB = 20 × 1024 × 1024 bytes): 20.0 MB, not 21."""
    return f"{size / 2**20:.1f} MB"


def _too_large(path: Path, size: float, max_bytes: int) -> DocumentError:
    shown = _mib(size)
    if shown == _mib(max_bytes):  # "20.0 MB is larger than the 20.0 MB limit": the bytes say
        shown = f"{int(size):,} bytes"
        return DocumentError(f"{path}: {shown} is more than the limit of {max_bytes:,} bytes")
    return DocumentError(f"{path}: {shown} is larger than the {_mib(max_bytes)} limit")


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    handle, size = _open_regular(path)
    with handle:
        if size > max_bytes:
            raise _too_large(path, size, max_bytes)
        try:
            # One byte past the limit: a file that grew since fstat is still caught.
            data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise DocumentError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise _too_large(path, len(data), max_bytes)
    return data


def _decode(data: bytes, path: Path, html: bool = False) -> str:
    # Windows saves "Unicode" text as UTF-16 with a byte-order mark: text, though every other
    # byte of English is zero.
    for mark, encoding in _MARKED_ENCODINGS:
        if data.startswith(mark):
            try:
                text = data[len(mark) :].decode(encoding)
            except UnicodeDecodeError:
                text = ""
            # Any even run of bytes decodes as UTF-16: text has spaces or line breaks.
            head = text[:8192]
            if not any(c in head for c in " \n") or _BINARY.search(head):
                raise DocumentError(f"{path}: looks like a binary file, not text")
            return document_text(text)
    if b"\x00" in data[:8192]:
        raise DocumentError(f"{path}: looks like a binary file, not text")
    if html:
        # A saved web page is read as the same page fetched: by its own declaration, else as
        # browsers read it.
        return document_text(page_text(data))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        windows = _windows_text(data)
        if windows is None:
            raise DocumentError(
                f"{path}: is not UTF-8 text (invalid byte at position {exc.start}); re-save it"
                " as UTF-8"
            ) from None
        text = windows
    return document_text(text)


#: Of a file that is no UTF-8, the share of ASCII bytes from which it is read as Windows-1252:
#: English saved by Notepad as "ANSI", whose few other bytes are curly quotes, dashes and
#: accented letters. Text mostly of other letters (Cyrillic saved as Windows-1251) would read
#: as nonsense, and is refused with the advice to save it as UTF-8.
WINDOWS_TEXT_ASCII = 0.9


def _windows_text(data: bytes) -> str | None:
    """`data` read as Windows-1252 where it is English text so saved, else None: mostly ASCII,
    no UTF-8 sequence in it (UTF-8 with one stray byte would be garbled whole), and its other
    characters those English prints (quotes, dashes, £, accented letters), never three such
    letters in a row (Polish saved as Windows-1250 reads "siê ... bêd¹", a Russian name
    saved as Windows-1251 "Ñåðãåé")."""
    if not data or sum(byte < 0x80 for byte in data) < WINDOWS_TEXT_ASCII * len(data):
        return None
    if _UTF8_SEQUENCE.search(data):
        return None
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:  # a byte Windows-1252 leaves undefined: no such text
        return None
    if any(ord(c) >= 0x80 and c not in _ENGLISH_PRINTS for c in text) or _FOREIGN_RUN.search(text):
        return None
    return text


_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
#: What English text saved as Windows-1252 has beyond ASCII.
_ENGLISH_PRINTS = frozenset(
    "‘’“”‚„–—…•€£¥¢©®™°½¼¾×\u00a0§¶·«»‹›"
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝßàáâãäåæçèéêëìíîïñòóôõöøùúûüýÿŒœŠšŽžŸ"
)
_FOREIGN_RUN = re.compile(r"[À-ÿŒœŠšŽžŸ]{3}")


_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.I)
#: A page's XML declaration: <?xml version="1.0" encoding="windows-1252"?>, at its start.
_XML_ENCODING = re.compile(
    rb"""\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']\s*([A-Za-z0-9._:-]{1,40})""", re.I
)
#: Where a page's <head> ends, as far as an encoding declaration may be.
_HEAD_END = re.compile(rb"</head\s*>|<body[\s>]", re.I)
#: Labels browsers read as windows-1252, as the WHATWG Encoding standard says.
_AS_WINDOWS_1252 = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii"})
#: Multi-byte encodings a detector tells apart reliably (Western pages' single-byte code pages
#: it confuses: windows-1252 text came out as windows-1250, "Núńez").
_DETECTED = frozenset(
    "shift_jis cp932 euc_jp iso2022_jp gb2312 gbk gb18030 big5 big5hkscs cp950 euc_kr cp949"
    " johab".split()
)


def declared_charset(data: bytes) -> str | None:
    """The encoding an HTML page declares, as Python names it: its XML declaration, else a
    <meta> anywhere in its <head> (after any number of scripts)."""
    found = _XML_ENCODING.match(data[:1024]) or _CHARSET.search(data[: _head_end(data)])
    if found is None:
        return None
    codec = _browser_codec(found.group(1).decode("ascii"))
    # A declaration read as ASCII is no UTF-16 or UTF-32 text: browsers read such pages as UTF-8.
    return "utf-8" if codec and codec.startswith(("utf-16", "utf-32")) else codec


def _browser_codec(label: str) -> str | None:
    """Python's codec for a charset label as browsers read it ("iso-8859-1" is windows-1252)."""
    return "cp1252" if label.strip().lower() in _AS_WINDOWS_1252 else text_codec(label.strip())


def _head_end(data: bytes) -> int:
    """Where `data`'s <head> ends: its </head> or <body>, else the end of the page."""
    end = _HEAD_END.search(data)
    return end.start() if end else len(data)


def page_text(data: bytes, charset: str | None = None, html: bool = True) -> str:
    """A page's text, decoded as browsers read it: by its byte-order mark, the charset its
    HTTP header names, as UTF-8, by its own declaration (`html`), then as detected, else as
    windows-1252. Bytes an encoding cannot read fall through to the next rule: never
    replacement characters for letters."""
    for mark, encoding in (*_MARKED_ENCODINGS, (codecs.BOM_UTF8, "utf-8")):
        if data.startswith(mark):
            return data[len(mark) :].decode(encoding, errors="replace")
    for codec in _candidates(data, charset, html):
        if codec == "utf-16":  # no byte-order mark: told by its text
            codec = utf16_order(data)
        try:
            return data.decode(codec)
        except (UnicodeError, ValueError):  # or a codec without strict decoding ("idna")
            continue
    return data.decode("cp1252", errors=_C1)


def _candidates(data: bytes, charset: str | None, html: bool) -> Iterator[str]:
    """The encodings to try `data` in, in turn, each found only when the one before fails."""
    if charset and (header := _browser_codec(charset)):
        yield header
    # UTF-8 before the page's <meta>: bytes that read as UTF-8 are UTF-8 (a page saved as
    # UTF-8 keeps its template's old <meta charset="iso-8859-1">); those of windows-1252
    # letters never do, and go on to the <meta>.
    yield "utf-8"
    if html and (declared := declared_charset(data)):
        yield declared
    if detected := _detected(data):
        yield detected


def _detected(data: bytes) -> str | None:
    """The multi-byte encoding (Shift_JIS, GBK, Big5, EUC-KR) `data` reads in, if any."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    return best.encoding if best is not None and best.encoding in _DETECTED else None


def _as_c1(error: UnicodeError) -> tuple[str, int]:
    """The five bytes windows-1252 leaves undefined, read as browsers do: C1 controls."""
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("latin-1"), error.end


_C1 = "articlebot-c1"
codecs.register_error(_C1, _as_c1)


def utf16_order(data: bytes) -> str:
    """ "utf-16-be" or "utf-16-le" for UTF-16 text without a byte-order mark: the byte order in
    which it reads as text. RFC 2781 reads such text as big-endian; Windows writes it
    little-endian: the bytes tell (little-endian where they cannot)."""
    head = data[:8192]
    # Read the wrong way round, text's characters scatter over Unicode: a Latin letter
    # becomes a CJK one, 一 (U+4E00) an "N". Read right, they keep to a few blocks of it.
    return min(
        ("utf-16-le", "utf-16-be"), key=lambda codec: _scatter(head.decode(codec, "replace"))
    )


def _scatter(text: str) -> int:
    """How widely `text`'s characters spread over Unicode: the 256-character blocks they fall
    in, and four for each character no text has (unassigned, private, controls but breaks)."""
    odd = sum(
        1 for c in text if unicodedata.category(c) in {"Cn", "Co", "Cs", "Cc"} and c not in "\n\r\t"
    )
    return len({ord(c) >> 8 for c in text}) + 4 * odd


def text_codec(label: str) -> str | None:
    """Python's name for a text encoding's label; None for an unknown label or a codec that is
    no text encoding ("base64", "rot13", "zlib")."""
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None


#: Characters no text file holds: NUL and the controls but tab and line breaks.
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f]")
#: Byte-order marks and the encodings they begin (UTF-32's first, as UTF-16's begin them).
_MARKED_ENCODINGS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def marked_text(data: bytes) -> str | None:
    """`data` decoded by the byte-order mark it begins with (UTF-16, UTF-32), else None."""
    for mark, encoding in _MARKED_ENCODINGS:
        if data.startswith(mark):
            return data[len(mark) :].decode(encoding, errors="replace")
    return None


def looks_binary(text: str) -> bool:
    """Whether decoded text holds characters no text file does (NUL, most controls)."""
    return _BINARY.search(text[:8192]) is not None


#: Line ends other than "\n": CRLF, a lone CR (old Macs), NEL (EBCDIC's, kept by some
#: converters), and Unicode's line and paragraph separators, which editors show as breaks.
_LINE_END = re.compile("\r\n|[\r\x85\u2028\u2029]")


def document_text(text: str) -> str:
    """Text as a document holds it, from a file, a .jsonl line or a channel post: offsets are
    defined on text with normalized line ends (a lone carriage return, NEL and Unicode's line
    separators are ones too), as a reader sees it."""
    return visible_text(_LINE_END.sub("\n", text))


def parse_plain_text(text: str, doc_id: str, source: str, markdown: bool = False) -> Document:
    """A .txt/.md document: the first line is the title when it looks like one (a Markdown
    file is read as its rendered text; its front matter's title comes first where it opens
    with no headline of its own)."""
    heading = False
    if markdown:
        text, heading = _markdown_as_text(text)
    if not text.strip():
        raise DocumentError(f"{source}: the document is empty")
    _check_words(text, source)
    # The headline is the first line with words: not a blank one, nor a press release's
    # "FOR IMMEDIATE RELEASE" above it.
    title_start = 0
    for line in re.finditer(r"[^\n]*\n", text):
        if line.group().strip() and not is_furniture(line.group()):
            break
        title_start = line.end()
    first_line_end = text.find("\n", title_start)
    first_line = text[title_start:] if first_line_end < 0 else text[title_start:first_line_end]
    title = _visible_line(first_line)
    rest = "" if first_line_end < 0 else text[first_line_end + 1 :]
    if heading and not rest.strip():
        # A Markdown headline, or a front matter's title, over nothing: a draft, no article.
        raise DocumentError(f"{source}: has no text to index under its title")
    if rest.strip() and looks_like_title(title, heading, first_line_of(rest)):
        body_start = first_line_end + 1
    else:
        stem = Path(source).stem.replace("_", " ").replace("-", " ")
        title = _visible_line(stem) or doc_id  # one line in listings
        body_start = 0
    return Document(
        doc_id=doc_id,
        title=title,
        text=text,
        source=source,
        byline=find_byline(text[body_start:]),
        body_start=body_start,
    )


def _markdown_as_text(source: str) -> tuple[str, bool]:
    """A Markdown file's text as a reader sees it, and whether its first line is a title."""
    converted = markdown_text(source)
    # Entities are read only now ("&shy;", "&#8203;"): what they stand for is cleaned too.
    converted = replace(
        converted,
        text=visible_text(converted.text),
        title=visible_text(converted.title) if converted.title else converted.title,
    )
    text, heading = converted.text, converted.starts_with_heading
    # A `# ` headline opening the text is the one a reader sees, whatever the front matter's
    # title (often a shorter one for search engines); put under that title, the headline and
    # the byline below it would be read as the story's first paragraphs. A section's heading
    # opening it ("## Key points", "Background") is no headline: the front matter's title is.
    first = first_line_of(text)
    headline = (
        converted.starts_with_headline
        and looks_like_title(first, markdown_heading=True)
        and (converted.title is None or _same_story(first, converted.title))
    )
    if converted.title is not None and not headline:
        text, heading = f"{converted.title}\n\n{text}", True
    return _with_credits(text, heading, converted.author, converted.date), heading


def _same_story(headline: str, title: str) -> bool:
    """Whether a `# ` line under a front matter's `title` is the story's headline ("Nairobi
    teacher Kamau wins Lakeshore Marathon" under "Teacher Kamau smashes marathon record"), not
    a section's ("# Background", "# What happened"): it says one of the title's words, or is
    as long as headlines are."""
    from bm25s.stopwords import STOPWORDS_EN

    words = set(re.findall(r"[^\W_]{3,}", headline.casefold()))
    shared = words & set(re.findall(r"[^\W_]{3,}", title.casefold())) - set(STOPWORDS_EN)
    return bool(shared) or len(headline.split()) >= 6


def _with_credits(text: str, heading: bool, author: str | None, date: str | None) -> str:
    """`text` with an author and date given beside it (a Markdown file's front matter, a .jsonl
    line's fields) under its title, as a page prints them, where the text gives no byline or
    date of its own."""
    if not heading:
        return text
    title, _, body = text.partition("\n")
    credits = []
    if author and find_byline(body) is None:
        author = _visible_line(author)
        credits.append(credit_line(author))
    date = _visible_line(date or "")
    if date and is_date_line(date) and not any(is_date_line(line) for line in body.split("\n")[:6]):
        credits.append(date)
    if not credits:
        return text
    return f"{title}\n" + "\n".join(credits) + "\n" + body


#: How a page marks its date as its own: <time datetime>, Open Graph's published time, or
#: schema.org's datePublished. A date trafilatura found otherwise (a copyright year, a link's
#: path) is no publication date to tell a reader.
_MARKED_DATE = re.compile(r"\bdatetime\s*=|published_time|datePublished", re.IGNORECASE)


def _marked_date(html: str, found: str | None, body: str) -> str | None:
    """The page's own date (as trafilatura reads it, "2026-01-20"), where the page marks one
    and its text does not print one near its top."""
    date = _visible_line(found or "")
    if not date or not is_date_line(date) or not _MARKED_DATE.search(html):
        return None
    if any(is_date_line(line) for line in body.split("\n")[:6]):
        return None
    return date


def _check_elements(html: str, source: str) -> None:
    """Refuse a page of more than `MAX_HTML_ELEMENTS` elements, counted by lxml's parser
    (a tenth of a second for a megabyte) before trafilatura reads it."""
    import lxml.html
    from lxml.etree import ParserError

    try:
        count = sum(1 for _ in lxml.html.document_fromstring(html).iter())
    except (ParserError, ValueError):
        return  # nothing lxml can read: trafilatura finds no text in it either, and says so
    if count > MAX_HTML_ELEMENTS:
        raise DocumentError(
            f"{source}: {count:,} HTML elements, more than an article page has "
            f"({MAX_HTML_ELEMENTS:,}); save the article's text as a .txt file"
        )


def parse_html(html: str, doc_id: str, source: str) -> Document:
    """An HTML page: main text and metadata extracted by trafilatura."""
    import trafilatura  # heavy import, only when HTML is read

    _check_elements(html, source)
    extracted = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=True, favor_precision=True, with_metadata=True
    )
    text = getattr(extracted, "text", None) if extracted is not None else None
    # A table's rows, as a Markdown table's are read: "Norma Foley | Fianna Fail | 14,880"
    # (left out, a results page had no answer to "how many votes did Norma Foley get").
    text = _table_rows(text) if text else text
    text = visible_text(text) if text else text
    if not text or not text.strip():
        raise DocumentError(f"{source}: no article text found in the HTML")
    _check_words(text, source)
    check_article_length(text, source, " found in the HTML", "a menu, a login or an error page?")
    title = _visible_line(getattr(extracted, "title", None) or "")
    title = title or Path(source).stem
    author = visible_text(getattr(extracted, "author", None) or "").strip()
    body = text.replace("\r\n", "\n").strip("\n")
    first, _, rest = body.partition("\n")
    if first.strip() == title and rest.strip():
        body = rest.lstrip("\n")  # the page's <h1> repeats the title: it is no paragraph
    furniture = html_furniture(html)
    headings = furniture.headings
    if furniture.standfirst and furniture.standfirst not in body:
        # The story in a sentence under its headline, which trafilatura leaves out with the
        # page's furniture (a CLI attacker: "how big was the pay rise?" had no answer).
        body = f"{furniture.standfirst}\n{body}"
    lines = body.split("\n")
    # A heading of readers' comments or of other stories ("Most read") ends the story: what
    # follows had been indexed and answered from (a commenter's "200 people on trolleys").
    ends = [
        n
        for n, line in enumerate(lines)
        if line.strip() in headings and (ends_story(line) or _COMMENTS.match(line.strip()))
    ]
    # Section headings are not paragraphs a reader counts ("paragraph 3" must be the third).
    body = "\n".join(
        line for line in lines[: ends[0] if ends else None] if line.strip() not in headings
    )
    byline = furniture.byline or (credit_line(author) if author else None) or find_byline(body)
    outlet = page_outlet(html, title, getattr(extracted, "sitename", None))
    if byline and outlet and "|" not in byline and outlet.casefold() not in byline.casefold():
        # As outlets print it ("By Maria Lopes | Daily Ledger"): "where is this from" is
        # answered with the outlet, not only the file or link it was read from.
        named = f"{byline} | {outlet}"
        lines = body.split("\n")
        if byline in (line.strip() for line in lines):
            body = "\n".join(named if line.strip() == byline else line for line in lines)
        byline = named
    # Title and byline head the text, as a reader sees them, and before `body_start`, so that
    # paragraph 1 is the article's first paragraph; then the date the page marks as its own.
    header = f"{title}\n" + (f"{byline}\n" if byline and byline not in body else "")
    date = _marked_date(html, getattr(extracted, "date", None), body)
    header += (f"{date}\n" if date else "") + "\n"
    return Document(
        doc_id=doc_id,
        title=title,
        text=header + body,
        source=source,
        byline=byline,
        body_start=len(header),
    )


def _table_rows(text: str) -> str:
    """`text` with trafilatura's table lines ("| a | b |") as rows of cells joined by " | ",
    each cell under a header row labelled with its heading ("Votes: 14,880"), which a
    question of the row names, and without the header row and the rule under it."""
    lines: list[str] = []
    header: list[str] | None = None
    table: list[list[str]] = []

    def close() -> None:
        nonlocal header
        for row in table:
            labelled = (
                [
                    f"{head}: {cell}" if head and cell else cell
                    for head, cell in zip(header, row, strict=True)
                ]
                if header is not None and len(header) == len(row)
                else row
            )
            if line := " | ".join(cell for cell in labelled if cell):
                lines.append(line)
        table.clear()
        header = None

    for line in text.split("\n"):
        stripped = line.strip()
        if len(stripped) > 1 and stripped.startswith("|") and stripped.endswith("|"):
            cells = [cell.strip() for cell in stripped[1:-1].split("|")]
            if all(_TABLE_RULE.fullmatch(cell) for cell in cells if cell):
                if table and header is None:
                    header = table.pop()  # the row above the rule is the header
                continue
            table.append(cells)
            continue
        close()
        lines.append(line)
    close()
    return "\n".join(lines)


_TABLE_RULE = re.compile(r":?-{2,}:?")
#: A page's heading over its readers' comments (a heading of its own, in HTML alone).
_COMMENTS = re.compile(
    r"^(?:reader(?:s['’]?)?\s+)?comments(?:\s*\(\d+\))?$|^\d+\s+comments$"
    r"|^(?:join\s+the\s+(?:conversation|discussion)|leave\s+a\s+(?:comment|reply))$",
    re.IGNORECASE,
)
#: Classes news pages give the sentence under the headline: "standfirst", "dek", "strapline".
_STANDFIRST = re.compile(
    r"(?:^|[\s_-])(?:standfirst|dek|strapline|subheadline|sub-headline)(?:$|[\s_-])",
    re.IGNORECASE,
)
#: Where an element so marked is another story's teaser or a box, not this one's standfirst.
_NOT_STANDFIRST = frozenset({"nav", "aside", "footer", "li", "a", "figure", "figcaption"})


def _standfirst(root: Any) -> str | None:
    """The page's standfirst (the sentence under its headline, marked by its class), if it has
    one of a sentence's length."""
    for element in root.iter("p", "div", "h2", "span"):
        if not _STANDFIRST.search(str(element.get("class") or "")):
            continue
        if element.find(".//p") is not None or any(
            a.tag in _NOT_STANDFIRST for a in element.iterancestors()
        ):
            continue  # a box of paragraphs (which the story's text holds), or a teaser
        line = " ".join(element.text_content().split())
        if 30 <= len(line) <= 400 and line[-1:] in ".!?\"'”’":
            return line
    return None


@dataclass(frozen=True, slots=True)
class PageFurniture:
    """What a page shows around its story's text, which the text extraction leaves out."""

    #: Its byline element (class "byline", rel or itemprop "author") as 'By ...'.
    byline: str | None
    #: The texts of its headings below the title (<h2> to <h6>).
    headings: set[str]
    #: The sentence under its headline (`_standfirst`).
    standfirst: str | None


def html_furniture(html: str) -> PageFurniture:
    """The page's byline, headings and standfirst, from one parse of it."""
    import lxml.html  # trafilatura's own parser

    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return PageFurniture(None, set(), None)
    headings = {" ".join(h.text_content().split()) for h in root.xpath("//h2|//h3|//h4|//h5|//h6")}
    return PageFurniture(_marked_byline(root), headings - {""}, _standfirst(root))


def _marked_byline(root: Any) -> str | None:
    """The byline element's text as 'By ...', else a "By ..." line printed above the story."""
    found = root.xpath(
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' byline ') or "
        "@rel='author' or @itemprop='author']"
    )
    for element in found:
        line = " ".join(element.text_content().split())
        if 0 < len(line) <= 120:
            return credit_line(line)
    return _printed_byline(root)


def _printed_byline(root: Any) -> str | None:
    """A "By ..." line printed above the story in an element of its own ("<div class="meta">By
    Grace Adeyemi | 11 February 2026</div>" in a print view), which the text extraction leaves
    out with the rest of the page's furniture; None once the story has begun."""
    for element in root.iter("div", "p", "span", "address", "small", "em", "strong"):
        line = " ".join(element.text_content().split())
        if element.tag == "p" and len(line) > 200:
            return None  # the story's first paragraph: a byline comes before it
        dated = _DATED_CREDIT.match(line)
        if dated is not None:
            line = f"By {dated.group('name')}"  # "Published 5 December 2026 by Eileen Ward"
        if (
            len(line) <= 120
            and is_by_credit(line)
            and not any(a.tag in _NOT_CREDITS for a in element.iterancestors())
        ):
            return line
    return None


#: A credit after the time the story was put out: "Published 5 December 2026 by Eileen Ward",
#: "Posted on May 3, 2026 by Sam Lee" (a CLI attacker's page: "who wrote this" found no one).
_DATED_CREDIT = re.compile(
    r"^(?:published|posted|updated|first\s+published)\s+(?:on\s+)?[\w ,:.]{3,40}?\s+by\s+"
    r"(?P<name>[A-Z][^\s,|]*(?:\s+[A-Z][^\s,|]*){0,3})\s*$",
    re.IGNORECASE,
)


#: Where a line starting "By" is a photo's caption or a box beside the story, not its credit.
_NOT_CREDITS = frozenset({"figcaption", "figure", "aside", "nav", "footer"})


#: What a page's <title> may add to the headline that names no outlet.
_NOT_OUTLETS = frozenset({"home", "homepage", "home page", "news", "index", "latest", "live"})


def page_outlet(html: str, title: str, sitename: str | None = None) -> str | None:
    """The outlet a page names: its og:site_name (`sitename`, as trafilatura reads it), or what
    its <title> adds to the headline, after ("Harbour vote | Politics | Daily Ledger") or
    before it ("Daily Ledger - Harbour vote"); None when it names none, or nothing that reads
    as an outlet's name (a sentence, a byline, "Home", more than six words)."""
    import lxml.html

    name = _visible_line(sitename or "")
    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return name if _names_an_outlet(name, title) else None
    # As the page writes it: trafilatura capitalises it ("eKathimerini" as "Ekathimerini").
    for written in map(_visible_line, root.xpath("//meta[@property='og:site_name']/@content")):
        if written.casefold() == name.casefold():
            name = written
    if not name:
        page_title = _visible_line(root.findtext(".//title") or "")
        # The headline may hold a separator itself ("Q&A - what next? | The Ledger").
        if page_title.startswith(title) and _TITLE_PARTS.match(page_title, len(title)):
            name = _TITLE_PARTS.split(page_title[len(title) :])[-1]
        elif page_title.endswith(title) and _BEFORE_HEADLINE.search(page_title[: -len(title)]):
            name = _TITLE_PARTS.split(page_title[: -len(title)])[0]
    return name if _names_an_outlet(name, title) else None


#: What separates a <title>'s headline from its section and site: " | ", " - ", " — ".
_TITLE_PARTS = re.compile(r"\s+(?:\||-|–|—|::)\s+")
#: The same, ending a title's site name before its headline ("Daily Ledger - ").
_BEFORE_HEADLINE = re.compile(_TITLE_PARTS.pattern + "$")


def _names_an_outlet(name: str, title: str) -> bool:
    """Whether `name` reads as an outlet's: short, no sentence, no byline, not the headline,
    not a word every site uses ("Home")."""
    words = name.split()
    return (
        0 < len(words) <= 6
        and name != title
        and name.casefold() not in _NOT_OUTLETS
        and not name.endswith((".", "!", "?"))
        and ":" not in name
        and not re.search(r"\bby\b", name, re.IGNORECASE)
        and sum(word[:1].islower() for word in words) <= 1
    )


def _iter_jsonl(text: str, path: Path) -> Iterator[Document]:
    seen: dict[str, int] = {}
    for line_no, line in enumerate(text.split("\n"), start=1):
        doc = _jsonl_document(line, path, line_no, seen)
        if doc is not None:
            yield doc


def _iter_jsonl_file(
    path: Path, max_bytes: int, on_bad_line: Callable[[DocumentError], None] | None = None
) -> Iterator[Document]:
    """A .jsonl corpus read line by line: it may be larger than memory; each line is one
    document and may be at most `max_bytes`. With `on_bad_line`, a line that cannot be read
    (not UTF-8, not JSON, fields missing) is handed to it and the lines after it are read."""
    handle, _ = _open_regular(path)
    seen: dict[str, int] = {}
    with handle:
        # readline with a limit: a file without line breaks is never read whole.
        for line_no, raw in enumerate(iter(lambda: handle.readline(max_bytes + 1), b""), 1):
            if len(raw) > max_bytes:
                # Only the limit is known: the line was read no further.
                raise DocumentError(
                    f"{path}:{line_no}: is larger than the {_mib(max_bytes)} limit for one document"
                )
            if b"\x00" in raw:
                raise DocumentError(f"{path}: looks like a binary file, not text")
            try:
                doc = _jsonl_document(_jsonl_line(raw, path, line_no), path, line_no, seen)
            except DocumentError as error:
                if on_bad_line is None:
                    raise
                on_bad_line(error)
                continue
            if doc is not None:
                yield doc
    if not seen:
        raise DocumentError(f"{path}: contains no documents")


def _jsonl_line(raw: bytes, path: Path, line_no: int) -> str:
    """One line of a .jsonl file as text (a byte-order mark opening the file left out)."""
    try:
        return raw.decode("utf-8-sig" if line_no == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"{path}:{line_no}: is not UTF-8 text (invalid byte at position {exc.start}); "
            "re-save it as UTF-8"
        ) from None


def _jsonl_document(line: str, path: Path, line_no: int, seen: dict[str, int]) -> Document | None:
    """The document on one .jsonl line (None for a blank line); `seen` tracks doc_ids."""
    if not line.strip():
        return None
    where = f"{path}:{line_no}"
    record = json_line(line, where)
    if not isinstance(record, dict):
        raise DocumentError(f"{where}: expected a JSON object")
    body = record.get("text")
    if not isinstance(body, str) or not body.strip():
        raise DocumentError(f'{where}: missing or empty "text"')
    given = checked_doc_id(record.get("doc_id"), where)
    if given and GROUP_DOC_ID.fullmatch(given):
        raise DocumentError(
            f"{where}: doc_id {given!r} has the shape of a Telegram group's own article ids, "
            "kept from every other chat; give another"
        )
    title = shown_title(_jsonl_string(record.get("title"), "title", where))
    body = document_text(_replace_surrogates(body))
    # Read as front matter's are: a list of names joined, an ISO date and time as its day; of
    # another type (an epoch number, an object), left out.
    author = _replace_surrogates(author_text(record.get("author")) or "")
    date = _replace_surrogates(date_text(record.get("date")) or "")
    if title and (author or date):
        # Under the headline, as a page prints them ("who wrote this" said it named no one).
        headed = body if body_after_title(body, title) else f"{title}\n\n{body}"
        body = _with_credits(headed, True, author, date)
    doc_id = given or _line_id(path, title, body, seen, line_no)
    if doc_id in seen:
        raise DocumentError(f"{where}: duplicate doc_id {doc_id!r} (first on line {seen[doc_id]})")
    title = title or doc_id
    _check_words(body, where)
    seen[doc_id] = line_no
    return titled_document(doc_id, title, body, f"{path}:{line_no}", id_given=bool(given))


#: Words of a .jsonl line's title that its id is made of.
_LINE_ID_WORDS = 6


def _line_id(path: Path, title: str, body: str, seen: Mapping[str, int], line_no: int) -> str:
    """The id of a .jsonl line that gives none: the file's name and the line's title's first
    words ("news-harbour-trust-buys-the-old-net"), or a hash of its text where it has no
    title. Not its line number: a line deleted above would shift every id below it, renaming
    the articles and replacing one with the next."""
    stem = slugify(path.stem)
    digest = hashlib.sha1(body.encode("utf-8", "surrogatepass")).hexdigest()
    words = " ".join(title.split()[:_LINE_ID_WORDS])
    base = f"{stem}-{slugify(words)[:48].rstrip('-')}" if words else f"{stem}-{digest[:8]}"
    # Two lines of one title (a story and its update) are told apart by their text; the same
    # line twice, by its number.
    for doc_id in (base, f"{base}-{digest[:6]}"):
        if doc_id not in seen:
            return doc_id
    return f"{base}-{digest[:6]}-{line_no}"


def titled_document(
    doc_id: str, title: str, text: str, source: str, id_given: bool = False
) -> Document:
    """A document whose text may open with its headline (a .jsonl line's): its body starts
    after it, and the byline is looked for there."""
    body_start = body_after_title(text, title)
    return Document(
        doc_id=doc_id,
        title=title,
        text=text,
        source=source,
        byline=find_byline(text[body_start:]),
        body_start=body_start,
        id_given=id_given,
    )


def body_after_title(text: str, title: str) -> int:
    """Where the body starts when `text` opens with its title on a line of its own (as a
    .txt file does): a reader counts paragraphs, and a summary picks sentences, after it."""
    first_line_end = text.find("\n")
    if first_line_end < 0 or not text[first_line_end:].strip():
        return 0
    return first_line_end + 1 if _same_title(text[:first_line_end], title) else 0


def _same_title(line: str, title: str) -> bool:
    """Whether a line is the title, written with other spacing, case or a closing stop."""

    def key(text: str) -> str:
        return " ".join(text.split()).rstrip(".").casefold()

    return key(line) == key(title)


def _json_type(value: object) -> str:
    return {bool: "true/false", int: "a number", float: "a number", list: "a list"}.get(
        type(value), "an object" if isinstance(value, dict) else type(value).__name__
    )


def _jsonl_string(value: object, field: str, where: str) -> str:
    """A .jsonl field that must be a string when present ("" when absent or null)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DocumentError(f'{where}: "{field}" must be a string, not {_json_type(value)}')
    return value


def json_line(line: str, where: str) -> Any:
    """One line of a JSON Lines file, parsed; DocumentError naming `where` for anything that
    is no JSON Python reads (broken, nested too deeply, a number of thousands of digits)."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise DocumentError(f"{where}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise DocumentError(f"{where}: JSON nested too deeply") from None
    except ValueError:  # "Exceeds the limit (4300 digits) for integer string conversion"
        raise DocumentError(f"{where}: not valid JSON (a number of over 4300 digits)") from None


def checked_doc_id(value: object, where: str) -> str:
    """A doc_id given in a .jsonl line or on the command line ("" when absent): a string, or a
    whole number as its digits; not blank."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    doc_id = _jsonl_string(value, "doc_id", where)
    if doc_id and not doc_id.strip():
        raise DocumentError(f'{where}: "doc_id" is blank')
    if len(doc_id) > MAX_DOC_ID_CHARS:
        raise DocumentError(
            f'{where}: "doc_id" is {len(doc_id)} characters; at most {MAX_DOC_ID_CHARS}'
        )
    # Tabs and line breaks would split `articlebot list` rows; other control and format
    # characters (and lone surrogates) make ids that cannot be printed or typed back.
    bad = next(
        (c for c in doc_id if unicodedata.category(c)[0] == "C" or c in "\u2028\u2029"), None
    )
    if bad is not None:
        raise DocumentError(f'{where}: "doc_id" contains the control character U+{ord(bad):04X}')
    return doc_id


def _replace_surrogates(text: str) -> str:
    """Text with lone surrogates (from JSON escapes like \\ud800) replaced by U+FFFD.

    They cannot be encoded, so they would fail later when the text is saved or sent; one bad
    escape is no reason to lose the article.
    """
    return _SURROGATE.sub("\ufffd", text)


#: Chinese and Japanese characters, written without spaces between words.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def word_count(text: str) -> int:
    """About how many words `text` has: runs of letters and digits, and in Chinese and
    Japanese (no spaces between words) one word per two characters."""
    unspaced = len(_UNSPACED.findall(text))
    return len(re.findall(r"\w+", _UNSPACED.sub(" ", text))) + unspaced // 2


def check_article_length(text: str, source: str, found: str, what: str) -> None:
    """Refuse a fetched or extracted text of fewer than `MIN_HTML_WORDS` words: no article,
    but a site's menu or error (`found` says where the words were, `what` what it may be)."""
    words = word_count(text)
    if words < MIN_HTML_WORDS:
        raise DocumentError(
            f"{source}: only {words} word(s) of text{found}; that is not an article ({what})"
        )


def _check_words(text: str, source: str) -> None:
    """Refuse a document without a single letter or digit: there is nothing to search for."""
    if not any(c.isalnum() for c in text):
        raise DocumentError(f"{source}: has no words to index (only symbols, emoji or spaces)")


def _check_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(
            f"{path}: unsupported file type {suffix or '(none)'}; "
            f"use one of {', '.join(sorted(SUPPORTED_SUFFIXES))}"
        )
    return suffix


def parse_bytes(data: bytes, path: Path, doc_id: str | None = None) -> list[Document]:
    """Documents from a file's bytes; `path` gives the kind (suffix), the name and the source."""
    suffix = _check_suffix(path)
    text = _decode(data, path, html=suffix in HTML_SUFFIXES)
    if suffix in JSONL_SUFFIXES:
        docs = [with_text(doc) for doc in _iter_jsonl(text, path)]
        if not docs:
            raise DocumentError(f"{path}: contains no documents")
        return docs
    doc_id = doc_id or slugify(path.stem)
    if suffix in HTML_SUFFIXES:
        return [with_text(parse_html(text, doc_id, str(path)))]
    markdown = suffix in {".md", ".markdown"}
    return [with_text(parse_plain_text(text, doc_id, str(path), markdown=markdown))]


def with_text(document: Document) -> Document:
    """`document`, or DocumentError when nothing but its headline, byline, date or a site's
    furniture has words (a title over "." or "By Jane Roe", a feed's "Read more: <link>", a
    Markdown draft of front matter alone): no question could be answered from it. Found as
    the file is read, a folder's such file is skipped as an empty one is."""
    text = document.text
    paragraphs = [text[s.start : s.end] for s in paragraph_spans(text, document.body_start)]
    if not any(any(c.isalnum() for c in p) and not is_credit_only(p) for p in paragraphs):
        raise DocumentError(f"{document.source}: has no text to index under its title")
    return document


def read_path(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Document]:
    """Read one file into documents (a .jsonl file holds many)."""
    _check_suffix(path)
    return parse_bytes(_read_bytes(path, max_bytes), path)


def source_file(source: str) -> Path:
    """The file a document came from (a .jsonl document's source ends in :LINE)."""
    match = re.fullmatch(r"(.+\.(?:jsonl|ndjson)):\d+", source)
    return Path(match.group(1) if match else source)


def _expand(paths: Iterable[Path]) -> dict[Path, bool]:
    """Files named directly, plus supported files found inside named directories, each once
    (`index news/ news/a.txt` names a.txt twice, and it is one article; so does a link to its
    folder, `add news/a.txt news-link/a.txt`: the article's source is where the file really
    is), with whether it was named directly."""
    files: dict[str, tuple[Path, bool]] = {}
    for path in paths:
        _check_not_index(path)
        if _is_dir(path):
            root = path.resolve()
            found = sorted(p for p in _walk(path) if p.suffix.lower() in SUPPORTED_SUFFIXES)
            for file in found:
                _check_inside(file, root)
                real = os.path.realpath(file)
                files[real] = (_by_its_name(file, real, files), files.get(real, (file, False))[1])
        else:
            # Named directly: a link to a file anywhere is what was asked.
            real = os.path.realpath(path)
            files[real] = (_by_its_name(path, real, files), True)
    return dict(files.values())


def _by_its_name(path: Path, real: str, files: dict[str, tuple[Path, bool]]) -> Path:
    """Which of `path` and the path already found for the file `real` to read it by (its id
    is made from the name): the one named as the file is, else the first."""
    first = files.get(real, (path, False))[0]
    name = os.path.basename(real)
    return path if first.name != name and path.name == name else first


def _is_dir(path: Path) -> bool:
    """Whether `path` is a folder; a path that cannot be looked at (inside a folder that cannot
    be read) is taken as a file, which its reading then refuses with one line."""
    try:
        return path.is_dir()
    except OSError:
        return False


def _check_not_index(path: Path) -> None:
    """Refuse an articlebot index folder, one of its generations, or a file inside one, named
    as articles: those files are the index's own (and go when the generation is replaced), and
    the user meant to ask the index."""
    if _holds_index(path):
        index = path
    else:
        # "." inside a generation, a link to one, or a file in one: where it really is.
        resolved = _resolved(path)
        if resolved is None:
            return  # a link in a loop: reading it says so, in one line
        generation = resolved if _is_dir(resolved) else resolved.parent
        if not _is_generation(generation):
            return
        index = path.parent if path.name.startswith("gen-") else generation.parent
    what = "an articlebot index" if index == path else "part of an articlebot index"
    raise DocumentError(f"{path}: is {what}, not articles; ask it with `--index-dir {index}`")


def _is_generation(folder: Path) -> bool:
    """Whether `folder` is one generation of an articlebot index (a `gen-` folder with its
    manifest), its pointer beside it or not (an index copied without it, or damaged)."""
    return folder.name.startswith("gen-") and (folder / "manifest.json").is_file()


def _holds_index(folder: Path) -> bool:
    """Whether `folder` is an articlebot index: its CURRENT names a generation folder beside
    it, as the index reads it (a stray file called CURRENT in a folder of news does not make
    one)."""
    # Imported here: the index's module reads documents, and this is its own pointer's format.
    from articlebot.index.store import IndexCorruptError, current_generation

    try:
        live = current_generation(folder)
    except IndexCorruptError:
        return False
    return live is not None and live.is_dir()


def _is_python_environment(folder: Path) -> bool:
    """Whether `folder` holds a Python environment (its pyvenv.cfg); DocumentError, naming the
    folder, when its entries cannot be looked up (listed but not searchable)."""
    try:
        return stat.S_ISREG((folder / "pyvenv.cfg").stat().st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        raise DocumentError(f"{folder}: cannot read the folder ({exc.strerror or exc})") from None


def _walk(folder: Path) -> Iterator[Path]:
    """Every file under `folder` (links to folders not followed, as `rglob` does; a folder
    named like a file, "archive.txt/", is walked, not read), but hidden ones (".git",
    ".venv", ".draft.txt") and those of articlebot index folders, whose files are
    articlebot's and not articles. A folder inside that cannot be read stops the run: leaving
    it out silently would look like its articles were gone, and `--prune` would drop them."""

    def refuse(error: OSError) -> None:
        raise DocumentError(
            f"{error.filename}: cannot read the folder ({error.strerror or error})"
        ) from None

    for where, dirs, names in os.walk(folder, onerror=refuse):
        base = Path(where)
        if _is_python_environment(base) or _holds_index(base) or _is_generation(base):
            dirs.clear()  # an index's files, or a Python environment's, are no articles
            continue
        dirs[:] = [
            name
            for name in dirs
            if not name.startswith(".") and not _saved_page_resources(name, names)
        ]
        for name in names:
            if not name.startswith("."):
                yield base / name


def _saved_page_resources(folder: str, files: list[str]) -> bool:
    """Whether `folder` is where a browser's "Save Page As, Web Page, Complete" put a page's
    images, scripts and ad frames ("Story_files" beside "Story.html"): their HTML is no
    article, and indexed it answered questions from the page's advertisements."""
    folded = folder.casefold()
    suffix = next((s for s in _RESOURCE_SUFFIXES if folded.endswith(s)), None)
    if suffix is None or len(folded) == len(suffix):
        return False
    page = folded[: -len(suffix)]
    pages = {f"{page}.html", f"{page}.htm"}
    return any(name.casefold() in pages for name in files)


#: The resources folder's suffix in the languages browsers and Windows name it ("Story-Dateien"
#: from a German browser, "Story_fichiers" from a French one), casefolded.
_RESOURCE_SUFFIXES = (
    "_files",
    ".files",
    "-dateien",
    "_fichiers",
    "_archivos",
    "_arquivos",
    "_ficheiros",
    "_bestanden",
    "-filer",
    "_filer",
    "_tiedostot",
    "_pliki",
    "_soubory",
    "_súbory",
    "_fajlovi",
    "_datoteke",
    "_dosyalar",
    "_elemei",
    "_failid",
    "_fails",
    "_bylos",
    "_fitxers",
    "_file",
)


def _resolved(path: Path) -> Path | None:
    """Where `path` really is, or None for a link that leads round in a loop."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):  # RuntimeError: "Symlink loop" before Python 3.13
        return None


def _check_inside(file: Path, root: Path) -> None:
    """Refuse a link in a folder that leads out of it.

    A folder means the documents in it; a link out of it can pull in a file nobody meant to
    publish (a home folder, /dev/zero). Refused rather than skipped: skipping would leave the
    document out of the index with nothing but a log line to say so, and naming the file
    directly still indexes it.
    """
    target = _resolved(file)
    if target is not None and not target.is_relative_to(root):
        raise DocumentError(
            f"{file}: links to {target}, outside the folder {root}; name the file itself to "
            "index it"
        )


def iter_documents(
    paths: Iterable[Path],
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_skip: Callable[[DocumentError], None] | None = None,
    skip_named: bool = False,
) -> Iterator[Document]:
    """Every path's documents, one at a time (a .jsonl corpus is streamed line by line).

    Ids are made from file names here; the write that indexes them makes them unique
    (identity.py), so two files of the same name in different folders are two documents.
    With `on_skip`, a file found in a folder that cannot be read as an article (empty, binary,
    too large) is handed to it and left out: one empty note in a folder of news should not
    keep the rest out of the index. A file named directly (unless `skip_named`: files the
    index names itself, read again to refresh it), or a .jsonl corpus (whose lines before the
    bad one were already read), still stops the run.
    """
    for path, named in _expand(paths).items():

        def skip(error: DocumentError, named: bool = named) -> None:
            if (named and not skip_named) or on_skip is None:
                raise error
            on_skip(error)

        try:
            _check_name(path)
            _check_exists(path)  # before its type: "nosuchdir" has no suffix to judge
            jsonl = _check_suffix(path) in JSONL_SUFFIXES
            if jsonl:
                # Opened here, to be skipped as any file is that cannot be read now (a refresh
                # stopped at one); its lines are read as the build takes them.
                _open_regular(path)[0].close()
            documents = [] if jsonl else read_path(path, max_bytes)
        except DocumentError as error:
            skip(error)
            continue
        if not jsonl:
            yield from documents
            continue

        def bad_line(error: DocumentError, path: Path = path) -> None:
            # Refreshed, a line that cannot be read now keeps its article as indexed, and
            # the lines after it are read again (they had all been kept as they were).
            assert on_skip is not None
            error.jsonl = path
            on_skip(error)

        lines = _iter_jsonl_file(
            path, max_bytes, bad_line if skip_named and on_skip is not None else None
        )
        while True:
            try:
                document = next(lines)
            except StopIteration:
                break
            except DocumentError as error:
                # A broken line stops the run (the lines after it may be shifted), but for a
                # refresh (`skip_named`): an index's .jsonl emptied, or re-saved in another
                # encoding, kept every refresh from going on; what it held is kept as indexed.
                if not skip_named or on_skip is None:
                    if named:
                        raise
                    # Found in a folder, the file stops the folder's other articles too.
                    raise DocumentError(
                        f"{error}; nothing was indexed: fix that line, or move {path.name} out "
                        "of the folder, to index the rest"
                    ) from None
                error.jsonl = path
                on_skip(error)
                break
            try:
                yield with_text(document)
            except DocumentError as error:
                # A feed's stub line ("Read more: <link>") is skipped as a stub file is.
                error.jsonl, error.doc_id = path, document.doc_id
                skip(error)


def _check_name(path: Path) -> None:
    """DocumentError for a path that is not UTF-8 text (a Latin-1 "café.txt" from an old
    archive), as given or where it really is (through a link, or from a working folder so
    named): its article's source could be neither saved nor shown."""
    for where in (str(path), os.path.realpath(path)):
        if not is_utf8(where):
            what = "the name" if where == str(path) else f"its real path {printable(where)}"
            raise DocumentError(
                f"{printable(path)}: {what} is not UTF-8 text; rename it to index it"
            )


def _check_exists(path: Path) -> None:
    """DocumentError unless something is at `path` (a file inside a folder that cannot be read
    is said so, not "no such file")."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        raise DocumentError(f"{path}: no such file or folder") from None
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read ({exc.strerror or exc})") from None


def read_documents(
    paths: Iterable[Path],
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_skip: Callable[[DocumentError], None] | None = None,
) -> list[Document]:
    """Read every path (`iter_documents`)."""
    return list(iter_documents(paths, max_bytes, on_skip))

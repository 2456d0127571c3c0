"""Markdown read as the text a reader sees: front matter, markup and link targets left out.

The lines of a paragraph stay lines (a news file written one paragraph to a line keeps its
paragraphs), blocks are separated by a blank line, and a heading opening the document is a line
of its own, so the plain-text reader finds titles and paragraphs in it as in a .txt file.
Section headings below it are left out, as they are from an HTML page.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from html import unescape
from typing import TYPE_CHECKING

from articlebot.ingest.credits import author_text, date_text, one_line

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
#: Front matter is a few lines: a longer block is not parsed (YAML's parser takes seconds a
#: megabyte), but read line by line.
MAX_FRONT_MATTER_CHARS = 64 * 1024
#: Hugo's TOML front matter, between "+++" lines.
_TOML_FRONT_MATTER = re.compile(r"\A\+\+\+[ \t]*\r?\n(.*?)\r?\n\+\+\+[ \t]*(?:\r?\n|\Z)", re.S)


@dataclass(frozen=True, slots=True)
class MarkdownText:
    """A Markdown document as plain text."""

    text: str
    #: The front matter's `title`, if it has one.
    title: str | None = None
    #: Whether the text starts with a heading (a title line, as `# Title` is).
    starts_with_heading: bool = False
    #: Whether that heading is a headline (`# Title`), not a section's (`## Key points`).
    starts_with_headline: bool = False
    #: The front matter's `author` and `date`, if it has them.
    author: str | None = None
    date: str | None = None


_FIELD = re.compile(r"([A-Za-z0-9_-]+)[ \t]*:(.*)")


def front_matter(source: str) -> tuple[dict[str, object], str]:
    """The fields of a leading front matter block (YAML between `---` lines, or TOML between
    `+++` lines; lower-case keys, values as the parser gives them) and the text after it; no
    fields and the whole text when there is none. A `---` block is front matter only when it
    reads as fields (a `---` rule above a paragraph is none)."""
    toml = _TOML_FRONT_MATTER.match(source)
    if toml is not None:
        block = toml.group(1)
        fields = _toml_fields(block) if len(block) <= MAX_FRONT_MATTER_CHARS else {}
        return fields, source[toml.end() :]
    match = _FRONT_MATTER.match(source)
    if match is None or not match.group(1).strip() or match.group(1)[:1] in "\r\n":
        return {}, source
    block = match.group(1)
    fields = _yaml_fields(block) if len(block) <= MAX_FRONT_MATTER_CHARS else None
    if fields is None:
        # Not YAML (a stray quote or colon), or too long: the fields its lines still give.
        fields = _line_fields(block)
    if fields is None:
        return {}, source
    written = _plain_title(block)
    if written is not None and _cut_or_typed(fields.get("title"), written):
        fields["title"] = written
    return fields, source[match.end() :]


def _plain_title(block: str) -> str | None:
    """A YAML block's `title:` line's value as written, when it is a plain (unquoted) scalar on
    that line; None for quoted ones, block scalars, lists and aliases."""
    for line in block.splitlines():
        field = _FIELD.fullmatch(line.rstrip())
        if field is not None and field.group(1).lower() == "title":
            value = field.group(2).strip()
            return value if value and value[0] not in "\"'>|[{&*!" else None
    return None


def _cut_or_typed(parsed: object, written: str) -> bool:
    """Whether YAML read a plain title otherwise than its writer meant: cut at a " #" it took
    for a comment ("Fans react to #MeToo ruling"), or as a number, a date or a truth value
    ("12:30" is 750). A title YAML read whole (wrapped over lines, say) is kept as read."""
    if not isinstance(parsed, str):
        return True
    cut = re.search(r"\s#", written) is not None  # a space or a tab, then "#"
    return len(parsed) < len(written) and written.startswith(parsed) and cut


def _yaml_fields(block: str) -> dict[str, object] | None:
    """A YAML block's top-level fields; None where it is no valid YAML mapping."""
    import yaml

    try:
        loaded = yaml.load(block, Loader=_text_dates_loader())
    except (yaml.YAMLError, ValueError, RecursionError):
        return None  # ValueError: a date no calendar has ("2026-13-45"), a 5,000-digit number
    if not isinstance(loaded, dict):
        return None
    return {key.lower(): value for key, value in loaded.items() if isinstance(key, str)}


@functools.cache
def _text_dates_loader() -> type:
    """YAML's safe loader (libyaml's where it is built in: a block may be as long as the file)
    reading dates as the text written: a date no calendar has ("2026-02-30") made the whole
    block invalid, and its author list was lost with it; `date_text` reads the text."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    resolvers = {
        first: [(tag, pattern) for tag, pattern in found if tag != "tag:yaml.org,2002:timestamp"]
        for first, found in base.yaml_implicit_resolvers.items()
    }
    return type("TextDatesLoader", (base,), {"yaml_implicit_resolvers": resolvers})


def _toml_fields(block: str) -> dict[str, object]:
    """A TOML block's top-level fields; none where it is no valid TOML."""
    import tomllib

    try:
        loaded = tomllib.loads(block)
    except (tomllib.TOMLDecodeError, RecursionError):
        return {}
    except ValueError:
        # A number past Python's 4,300 digits: the lines still give the other fields, as a
        # YAML block's do.
        return _toml_line_fields(block)
    return {key.lower(): value for key, value in loaded.items()}


def _toml_line_fields(block: str) -> dict[str, object]:
    """A TOML block's top-level `key = value` lines, each read on its own; one that cannot be
    read alone (a 5,000-digit number, a list over lines) is left out."""
    import tomllib

    fields: dict[str, object] = {}
    quote: str | None = None  # the multi-line string a line is inside, if any
    for line in block.splitlines():
        if quote is not None:
            if line.count(quote) % 2:
                quote = None
            continue  # a line of a string's text, no field
        opened = next((q for q in ('"""', "'''") if line.count(q) % 2), None)
        if opened is not None:
            quote = opened
            continue  # a field whose string runs over the lines below: left out
        if line.lstrip().startswith("["):
            break  # a table's header: the lines below are its keys, not top-level ones
        try:
            loaded = tomllib.loads(line)
        except (tomllib.TOMLDecodeError, ValueError, RecursionError):
            continue
        fields.update((key.lower(), value) for key, value in loaded.items())
    return fields


def _line_fields(block: str) -> dict[str, object] | None:
    """The `key: value` lines of a block that is no valid YAML (quotes taken off); None when a
    top-level line is no field."""
    fields: dict[str, object] = {}
    for line in block.splitlines():
        if not line.strip() or line[:1].isspace() or line.startswith(("-", "#")):
            continue  # a nested value, a list item or a comment
        field = _FIELD.fullmatch(line.rstrip())
        if field is None:
            return None
        fields[field.group(1).lower()] = _unquoted(field.group(2).strip())
    return fields


def _unquoted(value: str) -> str:
    """A YAML scalar's text: quotes taken off, and in double quotes \\" and \\\\ read."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


def _title_text(value: object) -> str | None:
    """A front matter title on one line: text, or a number as written (`title: 1917`); a
    placeholder of no letter or digit ("-", "...") is none (it had taken the lead paragraph
    for the title, a CLI attacker)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    title = one_line(value) if isinstance(value, str) else ""
    return title if any(character.isalnum() for character in title) else None


def markdown_text(source: str) -> MarkdownText:
    """The text a reader of the rendered document sees, block by block."""
    fields, body = front_matter(source)
    blocks: list[str] = []
    starts_with_heading = starts_with_headline = False
    # A table is one block, a line per row with its cells joined by " | ".
    table: list[str] | None = None
    row: list[str] | None = None
    # Section headings below the title are no paragraphs a reader counts or an answer to bold
    # ("A long final" was bolded for "where was the final played"), as in an HTML page.
    in_section_heading = False
    for token in _parser().parse(body):
        if token.type == "heading_open":
            starts_with_headline = starts_with_headline or (not blocks and token.tag == "h1")
            starts_with_heading = starts_with_heading or not blocks
            # Only "## Heading": a paragraph with a "---" rule under it reads as a heading
            # ("setext") to Markdown, but it is a paragraph the writer meant.
            in_section_heading = bool(blocks) and token.markup.startswith("#")
        elif token.type == "heading_close":
            in_section_heading = False
        elif in_section_heading:
            continue
        if token.type == "table_open":
            table = []
        elif token.type == "table_close" and table is not None:
            if table:
                blocks.append("\n".join(table))
            table = None
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            if table is not None and any(row):
                table.append(" | ".join(cell for cell in row if cell))
            row = None
        elif token.type in ("inline", "fence", "code_block", "html_block"):
            text = _block_text(token).strip()
            if row is not None:
                row.append(text)
            elif text:
                blocks.append(text)
    return MarkdownText(
        text="\n\n".join(blocks) + "\n" if blocks else "",
        title=_title_text(fields.get("title")),
        starts_with_heading=starts_with_heading,
        starts_with_headline=starts_with_headline,
        # Hugo's sites name them `authors`.
        author=author_text(fields.get("author") or fields.get("authors")),
        date=date_text(fields.get("date")),
    )


def _block_text(token: Token) -> str:
    if token.type == "inline":
        return _inline_text(token.children or [])
    if token.type == "html_block":
        return _html_text(token.content)
    return token.content.rstrip("\n")  # code, as written


def _inline_text(children: list[Token]) -> str:
    lines: list[_Line] = [_Line()]
    unseen: str | None = None  # inside <script> ... </script> within a paragraph
    emphasis = 0
    for child in children:
        line = lines[-1]
        if child.type == "html_inline" and (opened := _UNSEEN_OPEN.match(child.content)):
            unseen = opened[1].lower()
            continue
        if unseen is not None:
            if child.type == "html_inline" and child.content.lower().startswith(f"</{unseen}"):
                unseen = None
            continue
        if child.type in ("em_open", "strong_open"):
            emphasis += 1
        elif child.type in ("em_close", "strong_close"):
            emphasis = max(0, emphasis - 1)
        elif child.type == "image":
            line.parts.append(child.content)  # an image in a sentence reads as its alt text
            line.images = True
        elif child.type in ("text", "code_inline", "html_inline"):
            kept = _without_tags(child.content) if child.type == "html_inline" else child.content
            line.parts.append(kept)
            if kept.strip():
                line.words = True
                line.plain = line.plain or not emphasis
        elif child.type in ("softbreak", "hardbreak"):
            lines.append(_Line())
        # Link markers show nothing of their own.
    # A picture on a line of its own is no text to read, nor is the caption in italics under it
    # ("![Engineers at work](noc.jpg)" then "*Engineers at work. Photo: Reuters*"): they were
    # the article's first paragraph, shown above the lead in answers.
    if any(line.images and not line.words for line in lines) and not any(
        line.plain for line in lines
    ):
        return ""
    return "\n".join("".join(line.parts) for line in lines if line.words)


@dataclass
class _Line:
    """One line of a Markdown paragraph, as read so far."""

    parts: list[str] = field(default_factory=list)
    images: bool = False
    #: Text of its own, not only the alt text of images.
    words: bool = False
    #: Text outside emphasis (a caption is set in italics).
    plain: bool = False


def _html_text(html: str) -> str:
    """The text of a raw HTML block: comments, tags and what no reader sees (scripts, styles,
    templates) left out, entities read, lines kept."""
    text = unescape(_without_tags(_UNSEEN_BLOCK.sub("", html)))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


# Elements whose content no reader sees: a block of one is left out whole, as is one opened
# and closed within a paragraph.
_UNSEEN_ELEMENTS = "script|style|template|noscript"
_UNSEEN_OPEN = re.compile(rf"<({_UNSEEN_ELEMENTS})\b", re.IGNORECASE)
_UNSEEN_BLOCK = re.compile(
    rf"<({_UNSEEN_ELEMENTS})\b[^>]*>.*?(?:</\1\s*>|\Z)", re.S | re.IGNORECASE
)
# A comment, processing instruction or declaration left open runs to the end, as a browser
# reads it: tried as unclosed at every opener, "<!--" repeated took seconds.
# A tag ends at the first ">" before another "<": tried up to any later ">", each of a run of
# unclosed "<a" read to the end of the text (2 s at 64,000 characters).
_TAG = re.compile(
    r"<!--.*?(?:-->|\Z)|<\?.*?(?:\?>|\Z)|<![A-Za-z].*?(?:>|\Z)|</?([A-Za-z][A-Za-z0-9-]*)\b[^<>]*>",
    re.S,
)

# Only HTML's own elements are markup: "<Levi>" in "Moshe <Levi> said" is a word a writer put
# in angle brackets, and a browser would show it if it were escaped, which Markdown writers
# forget. (Block elements are markdown-it's own list; these are the rest.)
_INLINE_ELEMENTS = frozenset(
    "a abbr acronym area audio b bdi bdo big br button canvas cite code data datalist del dfn "
    "em embed font i img input ins kbd label map mark meter noscript object output picture "
    "pre progress q rp rt ruby s samp script select slot small source span strike strong style "
    "sub sup svg template textarea time tt u var video wbr".split()
)


def _without_tags(html: str) -> str:
    """The text of HTML: its comments and its elements' tags left out (a line break kept),
    other brackets kept."""
    return _TAG.sub(_tag_text, html)


def _tag_text(tag: re.Match[str]) -> str:
    if not tag[1]:
        return ""  # a comment, a declaration or a processing instruction
    if tag[1].lower() == "br":
        return "\n"
    return "" if _is_element(tag[1]) else tag[0]


def _is_element(name: str) -> bool:
    """Whether a tag name is one of HTML's elements, written as HTML is: in lower or upper
    case (a capitalized "<Mark>" or "<Summary>" is a name in brackets)."""
    from markdown_it.common.html_blocks import block_names

    if not (name.islower() or name.isupper()):
        return False
    return name.lower() in _INLINE_ELEMENTS or name.lower() in block_names


@functools.cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")

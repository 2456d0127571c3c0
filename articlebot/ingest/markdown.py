"""Markdown read as the text a reader sees: front matter, markup and link targets left out.

The lines of a paragraph stay lines (a news file written one paragraph to a line keeps its
paragraphs), blocks are separated by a blank line, and a heading is a line of its own, so the
plain-text reader finds titles and paragraphs in it as in a .txt file.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


@dataclass(frozen=True, slots=True)
class MarkdownText:
    """A Markdown document as plain text."""

    text: str
    #: The front matter's `title`, if it has one.
    title: str | None = None
    #: Whether the text starts with a heading (a title line, as `# Title` is).
    starts_with_heading: bool = False


def front_matter(source: str) -> tuple[dict[str, str], str]:
    """The `key: value` fields of a leading `---` block (lower-case keys, quotes taken off)
    and the text after it; no fields and the whole text when there is none."""
    match = _FRONT_MATTER.match(source)
    if match is None:
        return {}, source
    fields: dict[str, str] = {}
    for line in match.group(1).splitlines():
        key, colon, value = line.partition(":")
        if colon and key.strip() and not line[:1].isspace() and not line.startswith("-"):
            fields[key.strip().lower()] = value.strip().strip("'\"").strip()
    return fields, source[match.end() :]


def markdown_text(source: str) -> MarkdownText:
    """The text a reader of the rendered document sees, block by block."""
    fields, body = front_matter(source)
    blocks: list[str] = []
    starts_with_heading = False
    for token in _parser().parse(body):
        if token.type == "heading_open" and not blocks:
            starts_with_heading = True
        if token.type == "inline":
            text = _inline_text(token.children or [])
        elif token.type in ("fence", "code_block"):
            text = token.content.rstrip("\n")
        else:
            continue
        if text.strip():
            blocks.append(text.strip())
    return MarkdownText(
        text="\n\n".join(blocks) + "\n" if blocks else "",
        title=fields.get("title") or None,
        starts_with_heading=starts_with_heading,
    )


def _inline_text(children: list[Token]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        # Link markers, images and inline HTML show nothing of their own.
    return "".join(parts)


@functools.cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")

"""Which article already has a new one's words: the same file copied elsewhere and added under
a second id answers every question twice, so writers say so."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from articlebot.ingest.documents import Document


@dataclass(frozen=True, slots=True)
class Written:
    """An article a write leaves in the index: its id, its text's hashes (`Document.content_hash`
    and `body_hash`), and whether the write adds it (a new id)."""

    doc_id: str
    content: str
    body: str
    added: bool

    @classmethod
    def of(cls, document: Document, added: bool) -> Written:
        """What a write of `document` leaves."""
        return cls(document.doc_id, document.content_hash, document.body_hash, added)


@dataclass(slots=True)
class Twins:
    """The first article seen with each text: by content hash (its whole text and title) and
    by body hash (its own words, so that two headline-less files titled by their names are
    still one text)."""

    texts: dict[str, str] = field(default_factory=dict)
    bodies: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, held: Mapping[str, Mapping[str, Any]]) -> Twins:
        """The articles an index holds, by id with their manifest entry ("hash", and "body"
        where the index was written with one), first ones first."""
        twins = cls()
        for doc_id, meta in held.items():
            if meta.get("hash"):
                twins.texts.setdefault(meta["hash"], doc_id)
            if meta.get("body"):
                twins.bodies.setdefault(meta["body"], doc_id)
        return twins

    def of_written(self, written: Written) -> str | None:
        """The article seen before with `written`'s text, if any."""
        return self.texts.get(written.content) or self.bodies.get(written.body)

    def note(self, written: Written) -> None:
        """Count `written` among those seen (after the ones seen before it)."""
        self.texts.setdefault(written.content, written.doc_id)
        self.bodies.setdefault(written.body, written.doc_id)


def copies_in(kept: Mapping[str, Mapping[str, Any]], written: Iterable[Written]) -> dict[str, str]:
    """The added articles whose text another article has once the write is done, by id with
    that article's: of the articles the write leaves as they were (`kept`, by id with their
    manifest entry), then of those it writes under ids held before (with their new text: one
    updated to other words holds its old text no more, and the advice to remove the added one
    would leave that text out of the index), then of the added ones before it."""
    twins = Twins.of(kept)
    written = list(written)
    for article in written:
        if not article.added:
            twins.note(article)
    copies: dict[str, str] = {}
    for article in written:
        if article.added:
            if (twin := twins.of_written(article)) is not None:
                copies[article.doc_id] = twin
            twins.note(article)
    return copies


def renames(
    removed: Iterable[str], held_hashes: Mapping[str, str | None], added: Mapping[str, str]
) -> dict[str, str]:
    """Removed articles whose text an added one has word for word, with that one's id (the same
    file added again under a new id took its place); `added` maps content hash to new id."""
    return {
        doc_id: added[content]
        for doc_id in removed
        if (content := held_hashes.get(doc_id)) and content in added
    }

"""Which article already has a new one's words: the same file copied elsewhere and added under
a second id answers every question twice, so writers say so."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from articlebot.ingest.documents import Document


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

    def of_document(self, document: Document) -> str | None:
        """The article seen before with `document`'s text, if any."""
        return self.texts.get(document.content_hash) or self.bodies.get(document.body_hash)

    def note(self, document: Document) -> None:
        """Count `document` among those seen (after the ones seen before it)."""
        self.texts.setdefault(document.content_hash, document.doc_id)
        self.bodies.setdefault(document.body_hash, document.doc_id)


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


def still_copies(copies: Mapping[str, str], removed: Iterable[str]) -> dict[str, str]:
    """`copies` (new id -> the article with its text) less those whose twin went in the same
    write (renamed away, or a feed line retitled: its words are the new one's): the advice to
    remove the new one would have left the text out of the index."""
    gone = set(removed)
    return {doc_id: twin for doc_id, twin in copies.items() if twin not in gone}

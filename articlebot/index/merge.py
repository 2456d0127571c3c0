"""What a write to an existing index holds: the documents given, then those it keeps.

A document given replaces the indexed one of its id, and one from its source (a source is one
document: re-added under another id, it moves). With pruning, indexed documents whose source
file is gone, or whose file was read again in this write without them, are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from articlebot.index.identity import (
    IdentityResolver,
    is_legacy_line_id,
    normalize_source,
    origin,
    origin_is_gone,
    replaced_at,
)
from articlebot.ingest.documents import Document


def merged_documents(
    given: Iterable[Document],
    indexed: Iterable[Document],
    resolver: IdentityResolver,
    prune: bool = False,
) -> Iterator[Document]:
    """`given` with their final ids (from `resolver`), then the `indexed` documents kept."""
    read_from: set[str] = set()
    #: (origin, content hash) of the documents given: an indexed one of the same file and text
    #: under a line-number id is the same article, renamed.
    texts: set[tuple[str, str]] = set()
    for doc in given:
        doc = resolver.resolve(doc)
        read_from.add(origin(doc.source))
        texts.add((origin(doc.source), doc.content_hash))
        yield doc
    sources = set(resolver.assigned.values())
    for doc in indexed:
        source = normalize_source(doc.source)
        legacy = is_legacy_line_id(doc.doc_id, source)
        if (
            doc.doc_id in resolver.assigned
            or (source in sources and replaced_at(doc.doc_id, source))
            or (legacy and (origin(source), doc.content_hash) in texts)
            or (prune and (origin(doc.source) in read_from or origin_is_gone(doc.source)))
        ):
            continue
        yield doc

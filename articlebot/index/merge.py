"""What a write to an existing index holds: the documents given, then those it keeps.

A document given replaces the indexed one of its id, and one from its source (a source is one
document: re-added under another id, it moves). With pruning, indexed documents whose source
file is gone, or whose file was read again in this write without them, are dropped.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator

from articlebot.index.identity import (
    IdentityResolver,
    is_jsonl_line,
    origin,
    origin_is_gone,
    replaced_at,
    source_key,
)
from articlebot.ingest.documents import Document


def merged_documents(
    given: Iterable[Document],
    indexed: Iterable[Document],
    resolver: IdentityResolver,
    prune: bool = False,
    partly_read: Collection[str] = (),
    kept: Collection[str] = (),
) -> Iterator[Document]:
    """`given` with their final ids (from `resolver`), then the `indexed` documents kept: a
    pruned file read now keeps only the articles it gave, and those `kept` (a .jsonl line
    that cannot be read now, kept as indexed), unless it is among `partly_read` (.jsonl files
    read no further than a bad line)."""
    read_from: set[str] = set()
    #: (file, body hash) of the .jsonl lines given: an indexed line of that file with the same
    #: words under another id is the same article renamed (its title edited, an id made from
    #: its line number, a line of the same title deleted above it), not a second copy.
    lines: set[tuple[str, str]] = set()
    for doc in given:
        doc = resolver.resolve(doc)
        read_from.add(origin(doc.source))
        if is_jsonl_line(doc.source):
            lines.add((origin(doc.source), doc.body_hash))
        yield doc
    sources = {source_key(source) for source in resolver.assigned.values()}
    indexed = list(indexed)
    # A line kept as indexed was read: its file's other articles are pruned as any file's.
    read_from |= {origin(doc.source) for doc in indexed if doc.doc_id in kept}
    for doc in indexed:
        source = source_key(doc.source)
        if (
            doc.doc_id in resolver.assigned
            or (source in sources and replaced_at(doc.doc_id, source))
            or (is_jsonl_line(source) and (origin(source), doc.body_hash) in lines)
            or (
                prune
                and (
                    (
                        origin(doc.source) in read_from
                        and origin(doc.source) not in partly_read
                        and doc.doc_id not in kept
                    )
                    or origin_is_gone(doc.source)
                )
            )
        ):
            continue
        yield doc

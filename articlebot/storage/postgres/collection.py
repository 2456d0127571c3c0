"""Writing and opening the index in PostgreSQL, for the CLI and the bot.

Documents are still chunked and embedded here, into a temporary local index of just the new
and changed ones; their rows are then published in one transaction. Writers serialise on a
database advisory lock, so any number of machines can add articles to one database.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from articlebot.encoders import Encoder
from articlebot.index.builder import BuildReport, build_index, recipe
from articlebot.index.copies import Written, copies_in, renames
from articlebot.index.identity import (
    IdentityResolver,
    is_jsonl_line,
    jsonl_files_read,
    origin,
    read_again,
    removed_lines_of,
    replaced_at,
)
from articlebot.index.store import (
    IndexMismatchError,
    IndexNotEmptyError,
    IndexNotFoundError,
    Manifest,
    Recipe,
    removed_lines,
    same_recipe,
)
from articlebot.ingest.chunking import ChunkSettings
from articlebot.ingest.documents import Document, DocumentError
from articlebot.ingest.links import link_key
from articlebot.storage.postgres import generations
from articlebot.storage.postgres.connection import connect, masked_url, on_new_pool, writing_to
from articlebot.storage.postgres.publish import publish, writer_lock
from articlebot.storage.postgres.schema import create_schema
from articlebot.storage.postgres.store import PostgresIndexStore, damaged_index

if TYPE_CHECKING:
    import psycopg


def open_store(url: str, *, create: bool = True) -> PostgresIndexStore:
    """The current generation in the database at `url` (the schema is created if missing)."""
    with connect(url) as conn:
        if create:
            create_schema(conn)
        generation = generations.current_generation(conn)
    return on_new_pool(url, lambda pool: PostgresIndexStore(pool, generation))


def has_index(store: PostgresIndexStore) -> bool:
    """Whether any generation with a manifest has been published."""
    return bool(store.generation.manifest)


def require_index(url: str) -> PostgresIndexStore:
    """The current generation, or IndexNotFoundError naming the (masked) database."""
    store = open_store(url)
    if has_index(store):
        return store
    with closing(store), suppress(IndexNotFoundError):
        store.manifest  # noqa: B018 - IndexCorruptError where articles are stored without one
    raise IndexNotFoundError(
        f"no index in {masked_url(url)} yet; run `articlebot index` with this database URL "
        "to build it"
    )


def check_recipe(manifest: Manifest, wanted: Recipe, url: str) -> None:
    """IndexMismatchError when the database's index was built differently from what is asked."""
    if not same_recipe(manifest.recipe, wanted):
        raise IndexMismatchError(
            f"the index in {masked_url(url)} was built with model {manifest.model!r}, chunking"
            f" {manifest.chunking} / embedding {manifest.embedding}, but the configuration asks"
            f" for {wanted.model!r}, {wanted.chunking} / {wanted.embedding}; run"
            " `articlebot index --rebuild` to rebuild it"
        )


def write_documents(
    url: str,
    encoder: Encoder,
    chunking: ChunkSettings,
    documents: Iterable[Document],
    *,
    exactly: bool = False,
    rebuild: bool = False,
    replace: bool = False,
    refresh: bool = False,
    configured: bool = False,
    only_if_empty: bool = False,
    stored: bool = False,
    batch_size: int = 64,
    progress: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> tuple[PostgresIndexStore, BuildReport]:
    """Add `documents` (updating those with the same id or source); with `exactly`, also drop
    every other document. Unchanged documents (same content hash) are not embedded again
    unless `rebuild`; an index built with another model or chunking is an error unless
    `rebuild` (which then re-embeds every document given). With `refresh` (the documents are
    the stored articles' files, read again), those whose file no stored article has once the
    lock is held are left out: another writer removed them meanwhile. With `only_if_empty`,
    IndexNotEmptyError, nothing written, when the database holds articles once the lock is
    held (a first index, or eval's, must not replace what another writer published since the
    database was seen empty). Unless `refresh`, `configured` (the files ARTICLEBOT_DOCUMENTS
    names) or `stored` (the database's own articles), the documents' .jsonl files are named by
    hand: every removal recorded for their lines ends."""
    report = BuildReport()
    wanted = recipe(encoder.name, chunking)
    with writing_to(url), connect(url) as conn:
        create_schema(conn)
        with writer_lock(conn, on_wait, masked_url(url)):
            current = generations.current_generation(conn)
            if current.manifest and not rebuild:
                check_recipe(Manifest.from_json(current.manifest | {"documents": {}}), wanted, url)
            live = {
                doc_id: (source, meta)
                for doc_id, source, meta in conn.execute(
                    "SELECT doc_id, source, meta FROM documents WHERE died IS NULL"
                ).fetchall()
            }
            if only_if_empty and live:
                raise IndexNotEmptyError(len(live))
            if live and not current.manifest and not rebuild:
                # Its manifest emptied by hand: an update would say "up to date" and leave it.
                raise damaged_index(len(live))
            resolver = IdentityResolver(
                {doc_id: source for doc_id, (source, _) in live.items()},
                replace=replace,
                titles={d: str(meta["title"]) for d, (_, meta) in live.items() if "title" in meta},
            )
            removed = dict.fromkeys(removed_lines(current.manifest or {}))
            named: set[str] = set()
            if refresh or configured:
                held = {doc_id: source for doc_id, (source, _) in live.items()}
                documents = read_again(
                    documents, held, list(removed), report.kept_out, refresh=refresh
                )
            elif not stored:
                documents = jsonl_files_read(documents, named)
            changed: list[Document] = []
            seen: set[str] = set()
            for doc in documents:
                doc = resolver.resolve(doc)
                seen.add(doc.doc_id)
                # Written again (its file named by hand), a removed line is no longer kept out.
                removed.pop((origin(doc.source), doc.doc_id), None)
                before = live.get(doc.doc_id)
                # Reported by content as a local index reports them, a rebuild's too.
                if before is not None and before[1].get("hash") == doc.content_hash:
                    report.unchanged.append(doc.doc_id)
                    if not rebuild:
                        continue
                else:
                    (report.updated if before is not None else report.added).append(doc.doc_id)
                changed.append(doc)
            # Its file named again, a line removed under any id (one with the file's suffix,
            # its title's id taken then) is back.
            removed = {pair: None for pair in removed if pair[0] not in named}
            report.given = list(resolver.assigned)
            moved = _moved_sources(live, changed, resolver)
            report.removed = sorted(
                (set(live) - seen) if exactly else {d for d in moved if d not in seen}
            )
            if not exactly:
                # Counted as a local index counts them: kept as they were.
                gone = set(report.removed)
                report.unchanged += [d for d in live if d not in seen and d not in gone]
            report.copies, report.renamed = _copies(live, changed, report)
            if changed or report.removed:
                with tempfile.TemporaryDirectory(prefix="articlebot-build-") as tmp:
                    built, local = build_index(
                        changed,
                        encoder,
                        Path(tmp),
                        chunking,
                        rebuild=True,
                        batch_size=batch_size,
                        progress=progress,
                    )
                    now = time.time()
                    was = {new: old for old, new in report.renamed.items()}
                    for doc_id, meta in built.manifest.documents.items():
                        earlier = live.get(doc_id) or live.get(was.get(doc_id, ""))
                        meta["added"] = float(earlier[1].get("added", now)) if earlier else now
                    built.manifest.removed = list(removed)
                    publish(conn, built, remove=report.removed)
                report.embedded_passages = local.embedded_passages
                report.written = True
            report.total_passages = _passages_now(conn)
    # Counted above, under the lock: counted here, a `remove` waiting for it had published
    # meanwhile ("9 unchanged, 0 removed; embedded 453 of 445 passages").
    return open_store(url), report


def _passages_now(conn: psycopg.Connection) -> int:
    """How many passages the current generation holds, as seen by the writer lock's holder."""
    from articlebot.storage.postgres import reading

    return reading.passage_count(conn, generations.current_generation(conn).id)


def stored_sources(url: str) -> list[str]:
    """Where the articles the database's current generation holds were read from, by id."""
    from articlebot.storage.postgres import reading

    with connect(url) as conn:
        create_schema(conn)
        current = generations.current_generation(conn)
        return reading.sources(conn, current.id)


def stored_documents(url: str) -> Iterator[Document]:
    """The articles the database's current generation holds, as stored (ids kept), read when
    first iterated: `write_documents` iterates under the writer lock, so a rebuild from them
    keeps what another writer did before it (read earlier, it would be undone)."""
    from articlebot.storage.postgres import reading

    with connect(url) as conn:
        create_schema(conn)  # a new database: none yet (a writer makes the schema anyway)
        current = generations.current_generation(conn)
        rows = reading.documents(conn, current.id)
    for row in rows:
        yield Document(
            doc_id=row.doc_id,
            title=row.title,
            text=row.text,
            source=row.source,
            byline=row.byline,
            body_start=row.body_start,
        )


def _copies(
    live: dict[str, tuple[str, dict]], changed: Sequence[Document], report: BuildReport
) -> tuple[dict[str, str], dict[str, str]]:
    """The added documents whose text another article has once the write is done, by id; and
    the removed articles that an added one with their text replaced."""
    rewritten = set(report.removed) | {doc.doc_id for doc in changed}
    kept = {doc_id: meta for doc_id, (_, meta) in live.items() if doc_id not in rewritten}
    fresh = set(report.added)
    copies = copies_in(kept, [Written.of(doc, doc.doc_id in fresh) for doc in changed])
    added = {doc.content_hash: doc.doc_id for doc in changed if doc.doc_id in fresh}
    held = {doc_id: meta.get("hash") for doc_id, (_, meta) in live.items()}
    return copies, renames(report.removed, held, added)


def _moved_sources(
    live: dict[str, tuple[str, dict]], changed: Sequence[Document], resolver: IdentityResolver
) -> list[str]:
    """Live documents from a source that a changed document now holds under another id, and
    .jsonl lines whose words a changed line of that file has under another id (the same
    article renamed: its title edited, an id made from its line number)."""
    sources = {
        link_key(doc.source): doc.doc_id for doc in changed if doc.doc_id in resolver.assigned
    }
    ids = {doc.doc_id for doc in changed}
    lines = {(origin(doc.source), doc.body_hash) for doc in changed if is_jsonl_line(doc.source)}
    # A page indexed before from another form of its link ("#comments", "?utm_source=",
    # "k%C3%B6ln" for "köln") is the same page: the changed document holds it now.
    return [
        doc_id
        for doc_id, (source, meta) in live.items()
        if (
            (key := link_key(source)) in sources
            and sources[key] != doc_id
            and replaced_at(doc_id, source)
        )
        or (
            doc_id not in ids
            and is_jsonl_line(source)
            and (origin(source), meta.get("body")) in lines
        )
    ]


def remove_documents(
    url: str, doc_ids: Sequence[str], on_wait: Callable[[str], None] | None = None
) -> tuple[PostgresIndexStore, BuildReport]:
    """Drop documents in one new generation; DocumentError names any that are not there."""
    with writing_to(url), connect(url) as conn:
        create_schema(conn)
        with writer_lock(conn, on_wait, masked_url(url)):
            current = generations.current_generation(conn)
            live = {
                doc_id
                for (doc_id,) in conn.execute(
                    "SELECT doc_id FROM documents WHERE died IS NULL AND doc_id = ANY(%s)",
                    (list(doc_ids),),
                ).fetchall()
            }
            missing = [doc_id for doc_id in doc_ids if doc_id not in live]
            if not missing and not current.manifest:
                # Its manifest emptied by hand: there is no generation to remove them from.
                (count,) = conn.execute(
                    "SELECT count(*) FROM documents WHERE died IS NULL"
                ).fetchone() or (0,)
                raise damaged_index(count)
            if missing:
                from articlebot.collection import no_such_articles

                sources = dict(
                    conn.execute(
                        "SELECT doc_id, source FROM documents WHERE died IS NULL"
                    ).fetchall()
                )
                raise DocumentError(
                    f"{no_such_articles(missing, sources, sources)}; nothing was removed"
                )
            # Remembered with the generation: a refresh reads their .jsonl again, and must not
            # add them back.
            sources = conn.execute(
                "SELECT doc_id, source FROM documents WHERE died IS NULL AND doc_id = ANY(%s)",
                (list(doc_ids),),
            ).fetchall()
            pairs = dict.fromkeys(
                [*removed_lines(current.manifest or {}), *removed_lines_of(sources)]
            )
            manifest = current.manifest | {"removed": [list(pair) for pair in pairs]}
            # Counted as a local index counts them: the articles left are kept as they were.
            left = [
                doc_id
                for (doc_id,) in conn.execute(
                    "SELECT doc_id FROM documents WHERE died IS NULL AND NOT doc_id = ANY(%s)"
                    " ORDER BY doc_id",
                    (list(doc_ids),),
                ).fetchall()
            ]
            with generations.write_generation(conn, manifest) as writer:
                removed = writer.remove(doc_ids)
            total = _passages_now(conn)  # under the lock, as write_documents counts them
    report = BuildReport(removed=removed, unchanged=left, written=True, total_passages=total)
    return open_store(url), report


def manifest_of(url: str) -> Manifest:
    """The current generation's manifest (IndexNotFoundError when nothing was published)."""
    store = require_index(url)
    try:
        return store.manifest
    finally:
        store.close()

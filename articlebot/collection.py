"""Wiring: settings -> encoder -> index on disk -> retriever, shared by the CLI and the bot."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence, Sized
from pathlib import Path
from typing import TYPE_CHECKING

from articlebot.config import Settings
from articlebot.encoders import DeferredEncoder, Encoder, Status, load_encoder
from articlebot.index.builder import BuildReport, build_index, recipe
from articlebot.index.dense import FlatSearch
from articlebot.index.identity import (
    IdentityResolver,
    jsonl_files_read,
    origin_is_gone,
    read_again,
    removed_lines_of,
    source_key,
)
from articlebot.index.lock import writer_lock
from articlebot.index.merge import merged_documents
from articlebot.index.store import (
    IndexNotEmptyError,
    IndexNotFoundError,
    IndexStoreError,
    check_compatible,
    read_manifest,
)
from articlebot.ingest.chunking import ChunkSettings
from articlebot.ingest.documents import (
    Document,
    DocumentError,
    bundled_article_path,
    ids_like,
    iter_documents,
)
from articlebot.masking import shown_source
from articlebot.retrieval.late_interaction import TokenEncoder
from articlebot.retrieval.ranking import (
    RankingSettings,
)
from articlebot.retrieval.retriever import Retriever, StageHook
from articlebot.storage.chat_state import ChatState
from articlebot.storage.index_store import IndexStore
from articlebot.storage.local_index import IndexData, load_index, stored_documents

if TYPE_CHECKING:
    from articlebot.storage.postgres.updates import UpdateInbox

log = logging.getLogger(__name__)


def _skipped(error: DocumentError) -> None:
    log.warning("skipped %s", error)


def database_url(settings: Settings) -> str | None:
    """The PostgreSQL URL when the index and chat state live in a database, else None."""
    url = settings.database_url
    return url.get_secret_value() if url is not None else None


def chunk_settings(settings: Settings) -> ChunkSettings:
    """The chunking the settings ask for."""
    return ChunkSettings(
        max_tokens=settings.max_passage_tokens, overlap_sentences=settings.overlap_sentences
    )


def document_paths(settings: Settings, paths: Sequence[Path] = ()) -> list[Path]:
    """Paths named on the command line, else configured ones, else the bundled article."""
    if paths:
        return list(paths)
    if settings.documents:
        return list(settings.documents)
    return [bundled_article_path()]


def update_index(
    settings: Settings,
    encoder: Encoder,
    documents: Iterable[Document],
    *,
    rebuild: bool = False,
    progress: bool = False,
    on_wait: Callable[[str], None] | None = None,
    total_documents: int | None = None,
    only_if_empty: bool = False,
    stored: bool = False,
) -> tuple[IndexData, BuildReport]:
    """Make the index in `settings.index_dir` (or the database) hold exactly `documents` (read
    one at a time: a generator keeps a large corpus out of memory); whatever else it held is
    dropped. With `only_if_empty`, a database holding articles once its writer lock is held is
    left as it is (IndexNotEmptyError). Unless `stored` (the index's own articles), the
    documents' .jsonl files are named by hand: removals recorded for their lines end."""
    url = database_url(settings)
    if url is not None:
        from articlebot.storage.postgres.collection import write_documents

        return write_documents(  # type: ignore[return-value]
            url,
            encoder,
            chunk_settings(settings),
            documents,
            exactly=True,
            rebuild=rebuild,
            only_if_empty=only_if_empty,
            stored=stored,
            batch_size=settings.embed_batch_size,
            progress=progress,
            on_wait=on_wait,
        )
    # A rebuild from files keeps the ids their articles had (one given with `add --id` too).
    previous = _indexed_documents(settings.index_dir)
    resolver = IdentityResolver(
        {},
        previous={doc_id: str(meta.get("source", "")) for doc_id, meta in previous.items()},
        titles={doc_id: str(meta["title"]) for doc_id, meta in previous.items() if "title" in meta},
    )
    if total_documents is None and isinstance(documents, Sized):
        total_documents = len(documents)
    named: set[str] = set()
    if not stored:
        documents = jsonl_files_read(documents, named)
    with writer_lock(settings.index_dir, on_wait=on_wait):
        return _build(
            settings,
            encoder,
            map(resolver.resolve, documents),
            rebuild,
            progress,
            total_documents,
            named=named,
        )


def _build(
    settings: Settings,
    encoder: Encoder,
    documents: Iterable[Document],
    rebuild: bool = False,
    progress: bool = False,
    total_documents: int | None = None,
    current: IndexData | None = None,
    removed: Sequence[tuple[str, str]] = (),
    named: Collection[str] = (),
) -> tuple[IndexData, BuildReport]:
    return build_index(
        documents,
        encoder,
        settings.index_dir,
        chunk_settings(settings),
        rebuild=rebuild,
        batch_size=settings.embed_batch_size,
        progress=progress,
        total_documents=total_documents,
        keep_tokens=settings.token_vectors,
        current=current,
        removed=removed,
        named=named,
    )


def open_index(
    settings: Settings,
    encoder: Encoder,
    progress: bool = False,
    on_status: Status | None = None,
    on_build: Status | None = None,
) -> IndexData:
    """Load the saved index, or build it from the configured documents on first use (told to
    `on_build`, else `on_status`: a folder is written)."""
    url = database_url(settings)
    if url is not None:
        return _open_database_index(settings, url, encoder, progress)  # type: ignore[return-value]
    try:
        manifest = read_manifest(settings.index_dir)
    except IndexNotFoundError:
        with writer_lock(settings.index_dir):
            try:  # another process may have built it while this one waited
                manifest = read_manifest(settings.index_dir)
            except IndexNotFoundError:
                paths = document_paths(settings)
                what = (
                    "the bundled article (first run, ~10 s)"
                    if paths == [bundled_article_path()]
                    else f"{len(paths)} configured document file(s) (first run)"
                )
                building = f"no index in {settings.index_dir} yet: building it for {what}"
                # Said once: to whoever is told (a command's stderr), else to the log.
                if (tell := on_build or on_status) is not None:
                    tell(building)
                else:
                    log.info("%s", building)
                data, report = update_index(
                    settings, encoder, iter_documents(paths, on_skip=_skipped), progress=progress
                )
                log.info("index built: %s", report.summary())
                return data
    check_compatible(manifest, recipe(encoder.name, chunk_settings(settings)), settings.index_dir)
    return load_index(settings.index_dir)


def _open_database_index(
    settings: Settings, url: str, encoder: Encoder, progress: bool
) -> IndexStore:
    from articlebot.storage.postgres.collection import check_recipe, has_index, open_store

    store = open_store(url)
    if not has_index(store):
        try:
            store.manifest  # noqa: B018 - IndexCorruptError where articles are stored without one
        except IndexNotFoundError:
            pass
        finally:
            store.close()
        log.info("no index in the database yet; building it from the configured documents")
        try:
            store, report = update_index(
                settings,
                encoder,
                iter_documents(document_paths(settings), on_skip=_skipped),
                progress=progress,
                only_if_empty=True,
            )
            log.info("index built: %s", report.summary())
        except IndexNotEmptyError:
            # Another writer (the first `articlebot index`) published while this one waited
            # for its lock: that index is the one to answer from.
            store = open_store(url)
    check_recipe(store.manifest, recipe(encoder.name, chunk_settings(settings)), url)
    return store


def open_retriever(
    settings: Settings,
    progress: bool = False,
    on_status: Status | None = None,
    on_build: Status | None = None,
) -> Retriever:
    """Encoder and index ready to answer questions; `on_status` hears of slow first steps,
    `on_build` (else `on_status`) of an index built on first use."""
    encoder = load_encoder(settings, on_status=on_status)
    index = open_index(settings, encoder, progress, on_status, on_build)
    if isinstance(index, IndexData) and not isinstance(index.dense, FlatSearch):
        import faiss

        # One question at a time gains little from FAISS's threads, and idle ones compete with
        # the encoder's.
        faiss.omp_set_num_threads(1)
    return make_retriever(settings, index, encoder)


def refreshed(settings: Settings, retriever: Retriever) -> Retriever:
    """`retriever` over the index as it is now, when another process (`add`, `index`,
    `remove`) has published a newer one since it was opened; else `retriever` itself. A newer
    index that cannot be used (another model's) is passed over with a warning."""
    served = retriever.index
    if not served.newer_generation():
        return retriever
    try:
        url = database_url(settings)
        if url is not None:
            from articlebot.storage.postgres.collection import open_store

            index: IndexStore = open_store(url)
        else:
            index = load_index(settings.index_dir)
        check_compatible(index.manifest, served.manifest.recipe, settings.index_dir)
    except IndexStoreError as exc:
        log.warning("answering from the index as it was; the newer one is not usable: %s", exc)
        return retriever
    close = getattr(served, "close", None)  # a database index's connections
    if close is not None:
        close()
    return retriever.with_index(index)


def make_retriever(
    settings: Settings,
    index: IndexStore,
    encoder: Encoder,
    ranking: RankingSettings | None = None,
    on_stage: StageHook | None = None,
) -> Retriever:
    """A retriever over `index` with the settings' answer options (`on_stage`: see
    `Retriever`)."""
    late = settings.late_interaction
    if late is None:
        late = index.keeps_token_vectors
    elif late and not isinstance(encoder, TokenEncoder):
        log.warning("late interaction needs an encoder that gives token vectors: left off")
    if ranking is None and not late:
        ranking = RankingSettings(late_passage_weight=0.0, late_sentence_weight=0.0)
    return Retriever(
        index,
        encoder,
        top_k=settings.top_k,
        min_confidence=settings.min_confidence,
        max_question_chars=settings.max_question_chars,
        ranking=ranking,
        on_stage=on_stage,
    )


def add_documents(
    settings: Settings,
    encoder: Encoder,
    documents: Iterable[Document],
    *,
    replace: bool = False,
    prune: bool = False,
    refresh: bool = False,
    configured: bool = False,
    progress: bool = False,
    on_wait: Callable[[str], None] | None = None,
    total_documents: int | None = None,
    partly_read: Collection[str] = (),
    kept: Collection[str] = (),
) -> tuple[IndexData, BuildReport]:
    """Add documents to the saved index, or update the ones from the same source; keep the rest.
    With `refresh` (the documents are the indexed articles' files, read again), those whose
    file no article has any more once the lock is held are left out: another writer removed
    them meanwhile, and they must not come back. With `refresh` or `configured` (the files
    ARTICLEBOT_DOCUMENTS names, read again), a .jsonl line whose article was removed by hand
    stays out; files named on the command line bring their removed lines back.

    A document whose id belongs to another source gets an id of its own, unless `replace`.
    With `prune`, documents whose source file is gone, or that a file read now no longer holds,
    are dropped (but those of `partly_read`, .jsonl files read no further than a bad line, and
    the ids `kept`, lines that could not be read now and are kept as indexed). Only new and
    changed documents are embedded; the index on disk is replaced atomically, under the writer
    lock, so readers are never disturbed and no writer's change is lost. In a database,
    `prune` is not offered (sources are files on some other machine).
    """
    url = database_url(settings)
    if url is not None:
        from articlebot.storage.postgres.collection import write_documents

        if prune:
            raise DocumentError("--prune works on an index folder, not on a database")
        return write_documents(  # type: ignore[return-value]
            url,
            encoder,
            chunk_settings(settings),
            documents,
            replace=replace,
            refresh=refresh,
            configured=configured,
            batch_size=settings.embed_batch_size,
            progress=progress,
            on_wait=on_wait,
        )
    with writer_lock(settings.index_dir, on_wait=on_wait):
        current = _current(settings)
        indexed = [current.documents[d] for d in current.doc_order] if current else []
        # A document whose file is gone is found again by its words in a file of the same
        # name read now: a file or folder moved keeps its articles' ids, pruned or not (not
        # pruned, it had become a second article, "strike-5dbb82", beside the first). Pruned,
        # it holds its id against no one.
        moved = {d.doc_id for d in indexed if origin_is_gone(d.source)}
        gone = moved if prune else set()
        resolver = IdentityResolver(
            {d.doc_id: d.source for d in indexed if d.doc_id not in gone},
            replace=replace,
            previous={d.doc_id: d.source for d in indexed if d.doc_id in moved},
            previous_texts={d.doc_id: d.content_hash for d in indexed if d.doc_id in moved},
            titles={d.doc_id: d.title for d in indexed if d.doc_id not in gone},
        )
        if total_documents is None and isinstance(documents, Sized):
            total_documents = len(documents)
        if total_documents is not None:
            total_documents += len(indexed)  # kept ones pass through the build too
        kept_out: dict[str, int] = {}
        named: set[str] = set()
        if refresh or configured:
            held = {doc.doc_id: doc.source for doc in indexed}
            removed = current.manifest.removed if current is not None else []
            documents = read_again(documents, held, removed, kept_out, refresh=refresh)
        else:
            documents = jsonl_files_read(documents, named)
        data, report = _build(
            settings,
            encoder,
            merged_documents(documents, indexed, resolver, prune, partly_read, kept),
            progress=progress,
            total_documents=total_documents,
            current=current,
            named=named,
        )
        report.given = list(resolver.assigned)
        report.first = current is None
        report.kept_out = kept_out
        return data, report


def rebuild_index(
    settings: Settings,
    encoder: Encoder,
    *,
    progress: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> tuple[IndexData, BuildReport]:
    """Embed every article of the index (folder or database) again from its own copy, as the
    index holds them once the writer lock is held (read before, an article another writer
    added or removed meanwhile would be undone)."""
    url = database_url(settings)
    if url is not None:
        from articlebot.storage.postgres.collection import stored_documents as in_database

        # Iterated by the database's writer under its lock.
        return update_index(
            settings,
            encoder,
            in_database(url),
            rebuild=True,
            progress=progress,
            on_wait=on_wait,
            stored=True,
        )
    with writer_lock(settings.index_dir, on_wait=on_wait):
        # Read as stored, whatever the index's format: a rebuild is how an old one is renewed.
        documents = stored_documents(settings.index_dir) or []
        return _build(
            settings,
            encoder,
            documents,
            rebuild=True,
            progress=progress,
            total_documents=len(documents),
        )


def no_such_articles(
    missing: Sequence[str], known: Collection[str], sources: Mapping[str, str] | None = None
) -> str:
    """The words for ids no indexed article has, with the ids they may mean (`ids_like`:
    "Bridge" for "bridge", "harbour-bridge" for "harbour") and the id of the article
    read from a file given in an id's place ("news/harbour.txt" is "harbour"; `sources`:
    each known article's source)."""
    named = []
    for doc_id in missing[:_NAMED_IDS]:
        read_from = _read_from(doc_id, sources or {})
        like = ids_like(doc_id, known)
        if read_from is not None:
            hint = f" (the file of article {_quoted(read_from)}: give its id)"
        else:
            hint = f" (did you mean {' or '.join(map(_quoted, like))}?)" if like else ""
        named.append(f"{_quoted(doc_id)}{hint}")
    ids = "id" if len(missing) == 1 else "ids"
    more = f" and {len(missing) - _NAMED_IDS} more" if len(missing) > _NAMED_IDS else ""
    return f"no article with {ids} {', '.join(named)}{more}"


def _read_from(path: str, sources: Mapping[str, str]) -> str | None:
    """The id of the article read from the file `path` (of `sources`, by id), if one was."""
    if not sources or not path.strip() or "\x00" in path:
        return None
    file = source_key(path)
    found = next((d for d, source in sources.items() if source_key(source) == file), None)
    if found is not None or "/" in path:
        return found
    # A file's name alone, as `list` and "Source:" show it ("bees.html"), when one file is so named.
    named = [d for d, source in sources.items() if source.rsplit("/", 1)[-1] == path]
    return named[0] if len(named) == 1 else None


def sources_of(documents: Mapping[str, Document]) -> dict[str, str]:
    """Each article's source, by id."""
    return {doc_id: document.source for doc_id, document in documents.items()}


#: How many unknown ids one message names: a pasted list of hundreds stays one short line.
_NAMED_IDS = 5


#: How much of an id a message shows: one pasted by mistake may be a whole page.
_SHOWN_ID_CHARS = 60


def _quoted(doc_id: str) -> str:
    """An id as a message shows it: in quotes (double where it has a single one), clipped,
    control characters as spaces, without Python's escapes."""
    doc_id = shown_source(doc_id)  # a link pasted for an id: its password not printed
    shown = doc_id if len(doc_id) <= _SHOWN_ID_CHARS else doc_id[: _SHOWN_ID_CHARS - 1] + "…"
    shown = "".join(c if c.isprintable() else " " for c in shown)
    return f'"{shown}"' if "'" in shown else f"'{shown}'"


def remove_documents(
    settings: Settings,
    doc_ids: Sequence[str],
    on_wait: Callable[[str], None] | None = None,
) -> tuple[IndexData, BuildReport]:
    """Drop documents from the saved index; DocumentError names any that are not there. The
    articles kept are not embedded again, so the model is not loaded."""
    url = database_url(settings)
    if url is not None:
        from articlebot.storage.postgres import collection

        return collection.remove_documents(url, doc_ids, on_wait)  # type: ignore[return-value]
    with writer_lock(settings.index_dir, on_wait=on_wait):
        current = load_index(settings.index_dir)
        missing = [doc_id for doc_id in doc_ids if doc_id not in current.documents]
        if missing:
            raise DocumentError(
                f"{no_such_articles(missing, current.documents, sources_of(current.documents))}"
                "; nothing was removed"
            )
        dropped = set(doc_ids)
        kept = [current.documents[d] for d in current.doc_order if d not in dropped]
        encoder = DeferredEncoder(settings, current.manifest.dimension)
        # Remembered with the index: a refresh reads their .jsonl again, and must not add them.
        lines = removed_lines_of((d, current.documents[d].source) for d in dropped)
        return _build(settings, encoder, kept, current=current, removed=lines)


def record_post_removals(settings: Settings, doc_ids: Sequence[str]) -> None:
    """Keep the removal of channel posts' articles in the bot's chat state, as the bot's
    /remove does: a running or later bot indexes no version of them again (a late automatic
    forward, an edit)."""
    import time

    from articlebot.ingest.posts import is_post
    from articlebot.storage.chat_state import REMOVED, PostVersion

    posts = [doc_id for doc_id in doc_ids if is_post(doc_id)]
    if not posts:
        return  # no chat state is made for an index no channel fed
    state = open_chat_state(settings)
    now = time.time()
    try:
        for doc_id in posts:
            state.set_post_version(doc_id, PostVersion(int(now), True, REMOVED), now)
    finally:
        state.close()


def _indexed_documents(index_dir: Path) -> dict[str, dict]:
    """doc_id -> metadata (source, title, ...) of what the index folder holds, as its manifest
    says (none when it holds no readable index)."""
    try:
        return dict(read_manifest(index_dir).documents)
    except IndexStoreError:
        return {}


def _current(settings: Settings) -> IndexData | None:
    try:
        return load_index(settings.index_dir)
    except IndexNotFoundError:
        return None


def open_stored_index(settings: Settings) -> IndexStore:
    """The index as stored, to read without the model: the database's current generation when
    one is configured, else the index folder's (IndexNotFoundError when there is none)."""
    url = database_url(settings)
    if url is not None:
        from articlebot.storage.postgres.collection import require_index

        return require_index(url)
    return load_index(settings.index_dir)


def open_chat_state(settings: Settings) -> ChatState:
    """Where the bot keeps chat state: the database when one is configured, else a file in the
    index folder; either survives a restart."""
    from articlebot.storage.sql_chat_state import file_chat_state, postgres_chat_state

    url = database_url(settings)
    if url is not None:
        return postgres_chat_state(url)
    from articlebot.index.store import IndexWriteError, holds_other_files

    # Written beside the index: not into a folder the index is refused from (a home given by
    # mistake), which it was before the index's own check refused it.
    refusal = holds_other_files(settings.index_dir)
    if refusal is not None:
        raise IndexWriteError(refusal)
    return file_chat_state(settings.index_dir)


def open_inbox(settings: Settings) -> UpdateInbox | None:
    """The shared update inbox of webhook replicas on a database (each update answered once);
    None for polling or without a database, where one process receives each update once."""
    url = database_url(settings)
    if url is None or not settings.webhook_url:
        return None
    import os
    import secrets
    import socket

    from articlebot.storage.postgres.updates import UpdateInbox

    owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
    return UpdateInbox.open(url, owner, settings.update_lease_seconds)

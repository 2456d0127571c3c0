"""Building and updating an index: only documents whose content changed are embedded again."""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from articlebot.encoders import Encoder
from articlebot.index.copies import Written, copies_in, renames
from articlebot.index.identity import origin
from articlebot.index.keyword import KeywordBuilder, TermPostings
from articlebot.index.lock import WriteStopped, stop_event, writer_lock
from articlebot.index.store import (
    GenerationWriter,
    IndexNotFoundError,
    IndexStoreError,
    IndexWriteError,
    Manifest,
    Recipe,
    check_compatible,
    read_manifest,
)
from articlebot.ingest.chunking import ChunkSettings, DocumentChunks, Passage, chunk_document
from articlebot.ingest.documents import Document, DocumentError
from articlebot.storage.local_index import IndexData, load_index

log = logging.getLogger(__name__)

#: How passages are turned into embedding input; stored in the manifest.
EMBEDDING_SETTINGS: dict[str, Any] = {"title_prefix": True}


def recipe(model: str, chunking: ChunkSettings) -> Recipe:
    """What an index built now with `model` and `chunking` is built with."""
    return Recipe(model, chunking.as_dict(), dict(EMBEDDING_SETTINGS))


@dataclass(slots=True)
class BuildReport:
    """What an index run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    #: The ids the documents given to an add ended up with (the rest of `unchanged` was kept).
    given: list[str] = field(default_factory=list)
    #: Added documents whose text another one in the index has word for word, by id: the same
    #: file copied elsewhere, added again under a second id.
    copies: dict[str, str] = field(default_factory=dict)
    #: Removed documents whose text an added one has word for word, by id, with that one's id:
    #: the same file added again under a new id (`add --id`) took its place.
    renamed: dict[str, str] = field(default_factory=dict)
    #: Of the files a refresh read again, how many lines each held whose article was removed
    #: by hand and so was kept out, by file.
    kept_out: dict[str, int] = field(default_factory=dict)
    embedded_passages: int = 0
    total_passages: int = 0
    written: bool = False
    #: Whether the write made the index folder's first index (none was there under the lock).
    first: bool = False
    path: Path | None = None

    def summary(self) -> str:
        """One line for people."""
        parts = [
            f"{len(self.added)} added",
            f"{len(self.updated)} updated",
            f"{len(self.unchanged)} unchanged",
            f"{len(self.removed)} removed",
        ]
        return (
            f"{', '.join(parts)}; embedded {self.embedded_passages} of "
            f"{self.total_passages} passage{'' if self.total_passages == 1 else 's'}"
            + ("" if self.written else " (index already up to date)")
        )


#: Texts (passages and sentences) embedded per step of a build, and documents held per step at
#: most: this bounds the text and vectors in memory however large the corpus is.
STEP_TEXTS = 4096
STEP_DOCUMENTS = 2048


def embedding_text(title: str, text: str) -> str:
    """What the encoder sees for a passage: the title gives context to short passages."""
    return f"{title}\n{text}" if title and EMBEDDING_SETTINGS["title_prefix"] else text


def keyword_text(title: str, text: str) -> str:
    """What keyword scoring sees for a passage."""
    return f"{title}\n{text}" if title else text


@dataclass(slots=True)
class _Pending:
    """A document waiting for its step: fresh chunks to embed, or rows to copy from the
    previous index (`chunks` is None)."""

    doc: Document
    chunks: DocumentChunks | None = None
    #: The previous index's id of the rows to copy, where the document had another id there
    #: (renamed, or its text added again under a new id): the same text, the same rows.
    carried_from: str | None = None


#: A carried document's passages, (start, end) sentences, passage vectors, sentence vectors and
#: its sentences' token vectors (None where the index kept none for any of them).
_Parts = tuple[list[Passage], np.ndarray, np.ndarray, np.ndarray, list[np.ndarray] | None]


class _Previous:
    """Where each document's rows are in the index being replaced."""

    def __init__(self, data: IndexData) -> None:
        self.data = data
        self.row = {doc_id: i for i, doc_id in enumerate(data.doc_order)}
        documents = data.manifest.documents
        self.by_hash: dict[str, str] = {}
        for doc_id in data.doc_order:
            if content := documents.get(doc_id, {}).get("hash"):
                self.by_hash.setdefault(str(content), doc_id)

    def same_text(self, doc: Document) -> str | None:
        """The id of the previous index's document with `doc`'s text and title, if any."""
        twin = self.by_hash.get(doc.content_hash)
        if twin is None or self.data.documents[twin].content_hash != doc.content_hash:
            return None
        return twin

    def parts(self, doc_id: str) -> _Parts:
        """A document's `_Parts` as the index being replaced holds them."""
        i = self.row[doc_id]
        data = self.data
        p0, p1 = int(data.passage_bounds[i]), int(data.passage_bounds[i + 1])
        s0, s1 = int(data.sentence_bounds[i]), int(data.sentence_bounds[i + 1])
        tokens = data.sentence_token_vectors(np.arange(s0, s1))
        return (
            data.passages[p0:p1],
            np.asarray(data.sentence_table[s0:s1, 1:3]),
            np.asarray(data.passage_vectors[p0:p1]),
            np.asarray(data.sentence_vectors[s0:s1]),
            None if any(t is None for t in tokens) else tokens,  # type: ignore[misc]
        )


class _Build:
    """One build: documents go in one at a time, in steps of embedding, into a new generation."""

    def __init__(
        self,
        encoder: Encoder,
        index_dir: Path,
        chunking: ChunkSettings,
        previous: _Previous | None,
        batch_size: int,
        bar: Any,
        total_documents: int | None = None,
        keep_tokens: bool = True,
    ) -> None:
        self.encoder = encoder
        self.keep_tokens = keep_tokens
        self.total_documents = total_documents
        self.documents_seen = 0
        self.passages_queued = 0
        self.per_text = 1.0
        self.index_dir = index_dir
        self.chunking = chunking
        self.previous = previous
        self.batch_size = batch_size
        self.bar = bar
        self.writer: GenerationWriter | None = None
        self.keyword = KeywordBuilder()
        self.sentence_terms: list[np.ndarray] = []
        self.sentence_term_counts: list[int] = []
        self.meta: dict[str, dict[str, Any]] = {}
        self.pending: list[_Pending] = []
        self.pending_texts = 0
        self.embedded_passages = 0

    def add(self, doc: Document, fresh: bool, carried_from: str | None = None) -> None:
        """Queue a document (chunked now if `fresh`, else its rows copied from the previous
        index's `carried_from`, by default its own id); run a step when enough has gathered."""
        self.documents_seen += 1
        if carried_from is not None:
            self.pending.append(_Pending(doc, carried_from=carried_from))
        elif fresh:
            chunks = chunk_document(doc, self.encoder.count_tokens, self.chunking)
            if not chunks.passages:
                # A headline over "." or "Read more: <link>" (a feed's stub): an article no
                # question could be answered from, and none about "this" one either.
                raise DocumentError(f"{doc.source}: has no text to index under its title")
            self.pending.append(_Pending(doc, chunks))
            self.pending_texts += len(chunks.passages) + len(chunks.sentences)
            self.passages_queued += len(chunks.passages)
        else:
            self.pending.append(_Pending(doc))
        if self.pending_texts >= STEP_TEXTS or len(self.pending) >= STEP_DOCUMENTS:
            self.step()

    def step(self) -> None:
        """Embed what is queued and append every queued document to the new generation."""
        if not self.pending:
            return
        if self.writer is None:
            self.writer = GenerationWriter(self.index_dir, self.encoder.dimension)
        fresh = [p for p in self.pending if p.chunks is not None]
        self._show_total()
        passage_vectors, _ = self._embed(
            [
                embedding_text(p.doc.title, p.doc.text[x.start : x.end])
                for p in fresh
                for x in p.chunks.passages  # type: ignore[union-attr]
            ]
        )
        sentence_vectors, sentence_tokens = self._embed(
            [
                p.doc.text[x.start : x.end]
                for p in fresh
                for x in p.chunks.sentences  # type: ignore[union-attr]
            ],
            tokens=True,
        )
        carried = {
            p.doc.doc_id: self.previous.parts(p.carried_from or p.doc.doc_id)
            for p in self.pending
            if p.chunks is None and self.previous is not None
        }
        remade = self._remake_tokens(
            carried, {p.doc.doc_id: p.doc.text for p in self.pending if p.chunks is None}
        )
        p_at = s_at = 0
        for item in self.pending:
            doc = item.doc
            s_tokens: list[np.ndarray] | None = None
            if item.chunks is None:
                passages, sentences, p_vectors, s_vectors, s_tokens = carried[doc.doc_id]
                s_tokens = remade.get(doc.doc_id, s_tokens) if self.keep_tokens else None
                if item.carried_from is not None:
                    passages = [replace(x, doc_id=doc.doc_id) for x in passages]
            else:
                passages = item.chunks.passages
                sentences = np.asarray(
                    [(x.start, x.end) for x in item.chunks.sentences], dtype=np.int64
                ).reshape(-1, 2)
                p_vectors = passage_vectors[p_at : p_at + len(passages)]
                s_vectors = sentence_vectors[s_at : s_at + len(sentences)]
                if sentence_tokens is not None:
                    s_tokens = sentence_tokens[s_at : s_at + len(sentences)]
                p_at += len(passages)
                s_at += len(sentences)
                self.embedded_passages += len(passages)
            self.writer.add(doc, passages, sentences, p_vectors, s_vectors, s_tokens)
            for passage in passages:
                self.keyword.add(keyword_text(doc.title, doc.text[passage.start : passage.end]))
            for start, end in sentences:
                terms = np.unique(self.keyword.ids(doc.text[int(start) : int(end)]))
                self.sentence_terms.append(terms)
                self.sentence_term_counts.append(len(terms))
            self.meta[doc.doc_id] = {
                "hash": doc.content_hash,
                "body": doc.body_hash,
                "title": doc.title,
                "source": doc.source,
                "byline": doc.byline,
                "passages": len(passages),
            }
        self.pending.clear()
        self.pending_texts = 0

    def _remake_tokens(
        self, carried: dict[str, _Parts], texts_of: dict[str, str]
    ) -> dict[str, list[np.ndarray]]:
        """Token vectors for the unchanged documents that come without them (written before
        they were kept, with them off, or damaged), made from their sentences once, so the
        new generation keeps every document's as the settings say; their vectors are kept.
        `texts_of`: each carried document's text, by its id in the new generation."""
        lacking = [doc_id for doc_id, parts in carried.items() if parts[4] is None]
        gives_tokens = getattr(self.encoder, "encode_with_tokens", None) is not None
        if not (self.keep_tokens and lacking and gives_tokens):
            return {}
        log.info("making the token vectors of %d unchanged articles", len(lacking))
        texts, sizes = [], []
        for doc_id in lacking:
            text = texts_of[doc_id]
            spans = carried[doc_id][1].tolist()
            texts += [text[start:end] for start, end in spans]
            sizes.append(len(spans))
        _, tokens = self._embed(texts, tokens=True, progress=False)
        if tokens is None:
            return {}
        ends = np.cumsum(sizes)
        return {
            doc_id: tokens[end - size : end]
            for doc_id, end, size in zip(lacking, ends.tolist(), sizes, strict=True)
        }

    def _show_total(self) -> None:
        """The bar's total in passages: those read so far, and an estimate for the documents
        still to come at the rate seen so far (exact once all are read)."""
        if self.bar is None:
            return
        remaining = max((self.total_documents or 0) - self.documents_seen, 0)
        estimate = remaining * self.passages_queued / max(self.documents_seen, 1)
        self.bar.total = max(round(self.passages_queued + estimate), 1)
        # Each embedded text (passage or sentence) moves the bar by its share of the passages.
        self.per_text = sum(
            len(p.chunks.passages) for p in self.pending if p.chunks is not None
        ) / max(self.pending_texts, 1)
        self.bar.refresh()

    def _embed(
        self, texts: list[str], tokens: bool = False, progress: bool = True
    ) -> tuple[np.ndarray, list[np.ndarray] | None]:
        """The texts' vectors and, with `tokens` (sentences), each one's token vectors
        (float16) from the same runs of the model where the encoder gives them and the index
        keeps them: the questions' word match and late interaction read them instead of
        encoding the sentences again."""
        both = getattr(self.encoder, "encode_with_tokens", None)
        if not (tokens and self.keep_tokens):
            both = None
        out = np.empty((len(texts), self.encoder.dimension), dtype=np.float32)
        kept: list[np.ndarray] | None = None
        if both is not None:
            kept = [np.zeros((0, self.encoder.dimension), np.float16)] * len(texts)
        # Similar lengths together: a batch is padded to its longest text, so a step's texts
        # are taken shortest first (halves CPU build time against taking them as they come).
        order = np.argsort([len(t) for t in texts], kind="stable")
        stop = stop_event()
        # A stopping bot (`stop`) looks between model runs; the CLI hands out more at a time.
        chunk = self.batch_size if stop is not None else 8 * self.batch_size
        for i in range(0, len(texts), chunk):
            if stop is not None and stop.is_set():
                # Before anything is written: a long build must not hold up a stopping bot.
                raise WriteStopped("stopped before the index was written: the bot is stopping")
            rows = order[i : i + chunk]
            batch = [texts[r] for r in rows]
            if both is None or kept is None:
                out[rows] = self.encoder.encode(batch, batch_size=self.batch_size)
            else:
                out[rows], pieces, token_vectors = both(batch, batch_size=self.batch_size)
                ends = np.cumsum([len(p) for p in pieces])
                for row, part in zip(rows, np.split(token_vectors, ends[:-1]), strict=True):
                    kept[row] = part.astype(np.float16)
            if self.bar is not None and progress:
                self.bar.update(len(rows) * self.per_text)
        return out, kept

    def publish(self, manifest: Manifest) -> Path:
        """Finish the keyword index and sentence terms, and make the generation live."""
        self.step()
        if self.writer is None:  # no documents at all
            self.writer = GenerationWriter(self.index_dir, self.encoder.dimension)
        keyword = self.keyword.finish()
        terms = (
            np.concatenate(self.sentence_terms) if self.sentence_terms else np.zeros(0, np.int64)
        )
        postings = TermPostings.from_flat(
            terms, np.asarray(self.sentence_term_counts, dtype=np.int64), len(self.keyword.vocab)
        )
        return self.writer.publish(manifest, keyword, postings)

    def discard(self) -> None:
        """Drop whatever was written."""
        if self.writer is not None:
            self.writer.discard()


def build_index(
    documents: Iterable[Document],
    encoder: Encoder,
    index_dir: Path,
    chunking: ChunkSettings,
    *,
    rebuild: bool = False,
    batch_size: int = 64,
    progress: bool = False,
    total_documents: int | None = None,
    keep_tokens: bool = True,
    current: IndexData | None = None,
    removed: Collection[tuple[str, str]] = (),
    named: Collection[str] = (),
) -> tuple[IndexData, BuildReport]:
    """Bring the index in `index_dir` up to date with `documents` and return it.

    Documents are read, chunked, embedded and written a step at a time, so a corpus larger than
    memory can be indexed; unchanged documents (same content hash) keep their vectors.
    `progress` shows a bar of passages embedded, its total estimated from `total_documents`.
    `keep_tokens` keeps each embedded sentence's token vectors, where the encoder gives them.
    `current` is the index as the caller loaded it under the writer lock (else loaded here).
    `removed` are .jsonl lines (file, doc_id) removed now: the manifest remembers them, with
    those it did, until a line of that file and id is written again, or the file is among
    `named` (.jsonl files named by hand: read once `documents` are, every removal recorded
    for their lines is forgotten, whatever id it was recorded under).
    """
    with writer_lock(index_dir):
        try:
            return _build_index(
                documents,
                encoder,
                index_dir,
                chunking,
                rebuild,
                batch_size,
                progress,
                total_documents,
                keep_tokens,
                current,
                removed,
                named,
            )
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            raise IndexWriteError(
                f"cannot write the index in {index_dir}: {exc.strerror or exc}{where}; "
                "the index is as it was"
            ) from None


def _build_index(
    documents: Iterable[Document],
    encoder: Encoder,
    index_dir: Path,
    chunking: ChunkSettings,
    rebuild: bool,
    batch_size: int,
    progress: bool,
    total_documents: int | None = None,
    keep_tokens: bool = True,
    current: IndexData | None = None,
    removed: Collection[tuple[str, str]] = (),
    named: Collection[str] = (),
) -> tuple[IndexData, BuildReport]:
    report = BuildReport()
    previous: IndexData | None = None
    if not rebuild:
        try:
            previous = current if current is not None else load_index(index_dir)
        except IndexNotFoundError:
            pass
        except IndexStoreError as exc:
            log.warning("rebuilding the index from scratch: %s", exc)
    if previous is not None:
        # Refused, not converted: re-embedded under this process's settings, the index would be
        # refused by every reader (the bot) started with the ones it was built with.
        check_compatible(previous.manifest, recipe(encoder.name, chunking), index_dir, writing=True)
    old = _Previous(previous) if previous is not None else None
    old_docs = previous.documents if previous is not None else {}

    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(
            desc="embedding",
            total=1,
            bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total_fmt} passages "
            "[{elapsed}<{remaining}]",
            dynamic_ncols=True,
            leave=False,
        )
    build = _Build(encoder, index_dir, chunking, old, batch_size, bar, total_documents, keep_tokens)
    # Documents that repeat the previous index from its start are held back (not written) until
    # something differs, so that re-indexing an unchanged corpus writes nothing at all.
    same_prefix = 0
    diverged = previous is None
    seen: set[str] = set()
    # What the index held, by content hash, to report a rebuild's documents as unchanged,
    # updated or added like any other run's (all of them are embedded again).
    indexed = _held_before(index_dir, previous)
    held = {doc_id: meta.get("hash") for doc_id, meta in indexed.items()}
    still_removed = dict.fromkeys([*_removed_before(index_dir, previous), *removed])
    #: What the write leaves, in order: which added article has another's text.
    written: list[Written] = []
    #: The added documents, by content hash: whom a removed one with the same text became.
    added: dict[str, str] = {}
    try:
        for doc in documents:
            seen.add(doc.doc_id)
            # Written again (its file named by hand), a removed line is no longer kept out.
            if still_removed:
                still_removed.pop((origin(doc.source), doc.doc_id), None)
            before = old_docs.get(doc.doc_id)
            # A moved file (its source changed) is written again, its rows carried over.
            unchanged = (
                before is not None
                and before.content_hash == doc.content_hash
                and before.source == doc.source
            )
            if doc.doc_id not in held:
                report.added.append(doc.doc_id)
                added[doc.content_hash] = doc.doc_id
            elif held[doc.doc_id] == doc.content_hash:
                report.unchanged.append(doc.doc_id)
            else:
                report.updated.append(doc.doc_id)
            written.append(Written.of(doc, doc.doc_id not in held))
            if not diverged:
                assert previous is not None
                order = previous.doc_order
                if unchanged and same_prefix < len(order) and order[same_prefix] == doc.doc_id:
                    same_prefix += 1
                    continue
                diverged = True
                for doc_id in order[:same_prefix]:
                    build.add(previous.documents[doc_id], fresh=False)
            # The same text under another id (renamed, or a copy added) keeps its rows too.
            twin = None if unchanged or old is None else old.same_text(doc)
            build.add(doc, fresh=not unchanged, carried_from=twin)
        report.removed = [doc_id for doc_id in held if doc_id not in seen]
        report.renamed = renames(report.removed, held, added)
        # Of articles held before, the first in the index is the one a copy is named after.
        place = {doc_id: i for i, doc_id in enumerate(held)}
        in_place = sorted(written, key=lambda w: place.get(w.doc_id, len(place)))
        report.copies = copies_in({}, in_place)
        if previous is not None and not diverged and same_prefix == len(previous.doc_order):
            # Nothing changed.
            report.total_passages = len(previous.passages)
            return previous, report
        if not diverged:  # documents dropped from the end: keep the rest
            assert previous is not None
            for doc_id in previous.doc_order[:same_prefix]:
                build.add(previous.documents[doc_id], fresh=False)
        now = time.time()
        build.step()
        # A renamed article keeps the date it was added under its old id.
        was = {new: old for old, new in report.renamed.items()}
        for doc_id, meta in build.meta.items():
            earlier = indexed.get(doc_id) or indexed.get(was.get(doc_id, ""))
            meta["added"] = float(earlier.get("added", now)) if earlier else now
        manifest = Manifest(
            model=encoder.name,
            dimension=encoder.dimension,
            chunking=chunking.as_dict(),
            embedding=dict(EMBEDDING_SETTINGS),
            documents=build.meta,
            # Its file named again, a line removed under any id (one with the file's suffix,
            # its title's id taken then) is back: `named` is complete once documents are read.
            removed=[pair for pair in still_removed if pair[0] not in named],
        )
        report.path = build.publish(manifest)
    except BaseException:
        build.discard()
        raise
    finally:
        if bar is not None:
            bar.close()
    report.embedded_passages = build.embedded_passages
    report.written = True
    data = load_index(index_dir)
    report.total_passages = len(data.passages)
    return data, report


def _removed_before(index_dir: Path, previous: IndexData | None) -> list[tuple[str, str]]:
    """The .jsonl lines the index's manifest records as removed, also when it is rebuilt from
    scratch (a rebuild must not forget them)."""
    if previous is not None:
        return previous.manifest.removed
    try:
        return read_manifest(index_dir).removed
    except IndexStoreError:
        return []


def _held_before(index_dir: Path, previous: IndexData | None) -> dict[str, dict[str, Any]]:
    """doc_id -> manifest metadata (content hash, when added) of the documents the index held
    before this build, also when it is rebuilt from scratch (none are hashed again, and each
    keeps the date it was added)."""
    if previous is not None:
        documents = previous.manifest.documents
        return {d: documents[d] for d in previous.doc_order}
    try:
        return dict(read_manifest(index_dir).documents)
    except IndexStoreError:
        return {}

"""Building and updating an index: only documents whose content changed are embedded again."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from articlebot.index.chunking import ChunkSettings, Passage, chunk_document
from articlebot.index.cleaning import Span
from articlebot.index.documents import Document
from articlebot.index.embedding import Encoder
from articlebot.index.keyword import KeywordIndex
from articlebot.index.store import (
    IndexData,
    IndexError_,
    Manifest,
    build_dense_index,
    check_compatible,
    load_index,
    save_index,
)

log = logging.getLogger(__name__)

#: How passages are turned into embedding input; stored in the manifest.
EMBEDDING_SETTINGS: dict[str, Any] = {"title_prefix": True}


@dataclass(slots=True)
class BuildReport:
    """What an index run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    embedded_passages: int = 0
    total_passages: int = 0
    written: bool = False
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
            f"{self.total_passages} passages"
            + ("" if self.written else " (index already up to date)")
        )


@dataclass(slots=True)
class _DocPart:
    doc: Document
    passages: list[Passage]
    sentences: list[Span]
    passage_vectors: np.ndarray
    sentence_vectors: np.ndarray


def embedding_text(title: str, text: str) -> str:
    """What the encoder sees for a passage: the title gives context to short passages."""
    return f"{title}\n{text}" if title and EMBEDDING_SETTINGS["title_prefix"] else text


def keyword_text(title: str, text: str) -> str:
    """What keyword scoring sees for a passage."""
    return f"{title}\n{text}" if title else text


def _previous_parts(previous: IndexData) -> dict[str, _DocPart]:
    """Split a loaded index back into per-document parts, to reuse unchanged ones."""
    parts: dict[str, _DocPart] = {}
    rows_by_doc: dict[str, list[int]] = {}
    for row, passage in enumerate(previous.passages):
        rows_by_doc.setdefault(passage.doc_id, []).append(row)
    sentence_rows: dict[str, list[int]] = {}
    for row, (doc_row, _, _) in enumerate(previous.sentence_table):
        sentence_rows.setdefault(previous.doc_order[int(doc_row)], []).append(row)
    for doc_id, doc in previous.documents.items():
        p_rows = rows_by_doc.get(doc_id, [])
        s_rows = sentence_rows.get(doc_id, [])
        parts[doc_id] = _DocPart(
            doc=doc,
            passages=[previous.passages[r] for r in p_rows],
            sentences=[
                Span(int(previous.sentence_table[r][1]), int(previous.sentence_table[r][2]))
                for r in s_rows
            ],
            passage_vectors=previous.passage_vectors[p_rows],
            sentence_vectors=previous.sentence_vectors[s_rows],
        )
    return parts


def _embed(
    encoder: Encoder, texts: list[str], batch_size: int, progress: bool, label: str
) -> np.ndarray:
    if not texts:
        return np.zeros((0, encoder.dimension), dtype=np.float32)
    if not progress or len(texts) <= batch_size:
        return encoder.encode(texts, batch_size=batch_size)
    from tqdm import tqdm

    out = []
    with tqdm(total=len(texts), desc=label, unit="text") as bar:
        for i in range(0, len(texts), batch_size):
            batch = texts[i : i + batch_size]
            out.append(encoder.encode(batch, batch_size=batch_size))
            bar.update(len(batch))
    return np.concatenate(out)


def build_index(
    documents: Sequence[Document],
    encoder: Encoder,
    index_dir: Path,
    chunking: ChunkSettings,
    *,
    rebuild: bool = False,
    batch_size: int = 64,
    progress: bool = False,
) -> tuple[IndexData, BuildReport]:
    """Bring the index in `index_dir` up to date with `documents` and return it."""
    report = BuildReport()
    previous: IndexData | None = None
    if not rebuild:
        try:
            previous = load_index(index_dir)
            check_compatible(
                previous.manifest, encoder.name, chunking.as_dict(), EMBEDDING_SETTINGS, index_dir
            )
        except IndexError_ as exc:
            if previous is not None or "no index" not in str(exc):
                log.warning("rebuilding the index from scratch: %s", exc)
            previous = None
    old_parts = _previous_parts(previous) if previous is not None else {}

    todo: list[Document] = []
    for doc in documents:
        old = old_parts.get(doc.doc_id)
        if old is not None and old.doc.content_hash == doc.content_hash:
            report.unchanged.append(doc.doc_id)
        else:
            (report.updated if old is not None else report.added).append(doc.doc_id)
            todo.append(doc)
    wanted = {doc.doc_id for doc in documents}
    report.removed = [doc_id for doc_id in old_parts if doc_id not in wanted]

    if (
        previous is not None
        and not todo
        and not report.removed
        and ([d.doc_id for d in documents] == previous.doc_order)
    ):
        # Refresh sources (a moved file) without touching vectors.
        report.total_passages = len(previous.passages)
        return previous, report

    # Chunk every changed document, then embed all of them in large batches.
    fresh: dict[str, tuple[list[Passage], list[Span]]] = {}
    for doc in todo:
        chunks = chunk_document(doc, encoder.count_tokens, chunking)
        fresh[doc.doc_id] = (chunks.passages, chunks.sentences)
    by_id = {doc.doc_id: doc for doc in todo}
    passage_inputs = [
        embedding_text(by_id[doc_id].title, by_id[doc_id].text[p.start : p.end])
        for doc_id, (passages, _) in fresh.items()
        for p in passages
    ]
    sentence_inputs = [
        by_id[doc_id].text[s.start : s.end]
        for doc_id, (_, sentences) in fresh.items()
        for s in sentences
    ]
    passage_vectors = _embed(encoder, passage_inputs, batch_size, progress, "passages")
    sentence_vectors = _embed(encoder, sentence_inputs, batch_size, progress, "sentences")
    report.embedded_passages = len(passage_inputs)

    p_at = s_at = 0
    for doc_id, (passages, sentences) in fresh.items():
        old_parts[doc_id] = _DocPart(
            doc=by_id[doc_id],
            passages=passages,
            sentences=sentences,
            passage_vectors=passage_vectors[p_at : p_at + len(passages)],
            sentence_vectors=sentence_vectors[s_at : s_at + len(sentences)],
        )
        p_at += len(passages)
        s_at += len(sentences)

    now = time.time()
    added = {
        doc.doc_id: (
            float(previous.manifest.documents[doc.doc_id].get("added", now))
            if previous is not None and doc.doc_id in previous.manifest.documents
            else now
        )
        for doc in documents
    }
    data = assemble(
        [old_parts[doc.doc_id] for doc in documents],
        model=encoder.name,
        dimension=encoder.dimension,
        chunking=chunking,
        added=added,
    )
    report.total_passages = len(data.passages)
    report.path = save_index(data, index_dir)
    report.written = True
    return data, report


def assemble(
    parts: list[_DocPart],
    model: str,
    dimension: int,
    chunking: ChunkSettings,
    added: dict[str, float] | None = None,
) -> IndexData:
    """Join per-document parts into one in-memory index."""
    passages: list[Passage] = []
    sentence_rows: list[tuple[int, int, int]] = []
    first: list[int] = []
    documents: dict[str, Document] = {}
    keyword_inputs: list[str] = []
    sentence_texts: list[str] = []
    for doc_row, part in enumerate(parts):
        base = len(sentence_rows)
        documents[part.doc.doc_id] = part.doc
        sentence_rows.extend((doc_row, s.start, s.end) for s in part.sentences)
        sentence_texts.extend(part.doc.text[s.start : s.end] for s in part.sentences)
        for passage in part.passages:
            passages.append(passage)
            first.append(base + passage.first_sentence)
            keyword_inputs.append(
                keyword_text(part.doc.title, part.doc.text[passage.start : passage.end])
            )
    empty = np.zeros((0, dimension), dtype=np.float32)
    passage_vectors = np.concatenate([p.passage_vectors for p in parts]) if parts else empty
    sentence_vectors = np.concatenate([p.sentence_vectors for p in parts]) if parts else empty
    manifest = Manifest(
        model=model,
        dimension=dimension,
        chunking=chunking.as_dict(),
        embedding=dict(EMBEDDING_SETTINGS),
        documents={
            part.doc.doc_id: {
                "hash": part.doc.content_hash,
                "title": part.doc.title,
                "source": part.doc.source,
                "byline": part.doc.byline,
                "passages": len(part.passages),
                "added": (added or {}).get(part.doc.doc_id, time.time()),
            }
            for part in parts
        },
    )
    keyword = KeywordIndex.build(keyword_inputs)
    return IndexData(
        manifest=manifest,
        documents=documents,
        passages=passages,
        sentence_table=np.asarray(sentence_rows, dtype=np.int64).reshape(-1, 3),
        passage_sentence_start=np.asarray(first, dtype=np.int64),
        passage_vectors=passage_vectors,
        sentence_vectors=sentence_vectors,
        dense=build_dense_index(passage_vectors),
        keyword=keyword,
        sentence_terms=keyword.postings(sentence_texts),
        doc_order=[part.doc.doc_id for part in parts],
    )

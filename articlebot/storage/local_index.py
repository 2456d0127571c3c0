"""The local index folder, read: a generation's files memory-mapped as one `IndexStore`.

`load_index` opens the live generation written by `articlebot.index.store`; the arrays stay on
disk until ranking touches them.
"""

from __future__ import annotations

import json
import logging
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from articlebot.index.arrays import ranges, top_positions
from articlebot.index.dense import FlatSearch, open_dense
from articlebot.index.keyword import KeywordIndex, TermPostings
from articlebot.index.store import (
    TOKEN_COUNTS_FILE,
    TOKEN_SCALES_FILE,
    TOKENS_FILE,
    IndexCorruptError,
    IndexStoreError,
    Manifest,
    current_generation,
    live_generation,
    mapped,
    read_generation_manifest,
    written_generations,
)
from articlebot.index.token_codes import best_code_matches, dequantize, sound_tokens
from articlebot.ingest.chunking import Passage
from articlebot.ingest.cleaning import Span
from articlebot.ingest.documents import Document
from articlebot.storage.index_store import QueryTerms

log = logging.getLogger(__name__)


@dataclass(slots=True)
class IndexData:
    """A generation of the local index folder, memory-mapped; an `IndexStore`."""

    manifest: Manifest
    documents: dict[str, Document]
    passages: list[Passage]
    #: (document row in `doc_order`, start, end) per sentence; passages index into it.
    sentence_table: np.ndarray
    #: Global index of each passage's first sentence.
    passage_sentence_start: np.ndarray
    passage_vectors: np.ndarray
    sentence_vectors: np.ndarray
    #: `FlatSearch` for an exact index, a FAISS index (IVF) otherwise.
    dense: Any
    keyword: KeywordIndex
    #: Sentences x keyword vocabulary, held per term (CSC): which sentences have each term.
    sentence_terms: TermPostings
    doc_order: list[str]
    #: Each document's sentences are one run of rows, in `doc_order`: document i's are rows
    #: sentence_bounds[i] to sentence_bounds[i + 1] (and likewise its passages).
    sentence_bounds: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    passage_bounds: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    #: The document row (in `doc_order`) of every passage.
    passage_docs: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: How many sentences each passage has.
    passage_sentence_counts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: The document number (row in `doc_order`) of each doc_id.
    doc_rows: dict[str, int] = field(default_factory=dict)
    path: Path | None = None
    #: Every sentence's token vectors (int8 codes of unit vectors, end to end; float16
    #: vectors in generations made before the codes), each code row's scale (None for float16)
    #: and where each sentence's begin (S + 1 offsets); None for a generation made before they
    #: were kept.
    sentence_tokens: np.ndarray | None = None
    sentence_token_scales: np.ndarray | None = None
    sentence_token_offsets: np.ndarray | None = None
    #: The last query of an exact search and every passage's similarity to it, which that
    #: search computes: ranking takes the query's candidates' similarities from it (a product
    #: over just those rows may differ from it in the last bit).
    last_similarities: tuple[np.ndarray, np.ndarray] | None = field(
        default=None, repr=False, compare=False
    )
    #: Whether damaged token vectors were found (and warned of) yet: warned once.
    damaged_tokens_reported: bool = field(default=False, repr=False, compare=False)

    @property
    def passage_count(self) -> int:
        """Number of passages."""
        return len(self.passages)

    @property
    def keeps_token_vectors(self) -> bool:
        """Whether this generation keeps its sentences' token vectors (readable ones; a
        generation written with them off has the files, empty)."""
        return self.sentence_tokens is not None and len(self.sentence_tokens) > 0

    def newer_generation(self) -> bool:
        """Whether CURRENT in the folder names another generation than this one."""
        if self.path is None:
            return False
        try:
            live = current_generation(self.path.parent)
        except IndexStoreError:
            return False
        return live is not None and live != self.path

    def document_numbers(self, doc_ids: Sequence[str]) -> np.ndarray:
        """Document numbers of the known `doc_ids`, in their order."""
        row = self.doc_rows
        return np.asarray([row[d] for d in doc_ids if d in row], dtype=np.int64)

    def passage_rows(self, documents: np.ndarray) -> np.ndarray:
        """Every passage row of `documents`, document by document."""
        bounds = self.passage_bounds
        return ranges(bounds[documents], bounds[documents + 1])

    def passage(self, row: int) -> Passage:
        """Passage `row`."""
        return self.passages[row]

    def passage_documents(self, rows: np.ndarray) -> np.ndarray:
        """The document number of each passage row."""
        return self.passage_docs[rows]

    def passage_vectors_at(self, rows: np.ndarray) -> np.ndarray:
        """The vectors of these passages."""
        return self._finite(self.passage_vectors[rows])

    def passage_similarities(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Inner product of `query` with each passage's vector."""
        if isinstance(self.dense, FlatSearch):
            return self._every_similarity(query)[rows]
        return self._finite(self.passage_vectors[rows] @ query)

    def _every_similarity(self, query: np.ndarray) -> np.ndarray:
        """Every passage's similarity to `query`, computed once per query object."""
        last = self.last_similarities
        if last is not None and last[0] is query:
            return last[1]
        every = self._finite(self.passage_vectors @ query)
        self.last_similarities = (query, every)
        return every

    def dense_top_k(
        self, query: np.ndarray, k: int, documents: np.ndarray | None = None
    ) -> np.ndarray:
        """The rows of the `k` passages nearest to `query` (within `documents` when given)."""
        if documents is not None:
            rows = self.passage_rows(documents)
            return rows[top_positions(self.passage_vectors[rows] @ query, k)]
        k = min(k, self.passage_count)
        if isinstance(self.dense, FlatSearch):
            return top_positions(self._every_similarity(query), k)
        _, found = self.dense.search(query.reshape(1, -1), k)
        return found[0][found[0] >= 0]

    def passage_sentences(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """First sentence row and sentence count of each passage row."""
        return self.passage_sentence_start[rows], self.passage_sentence_counts[rows]

    def sentence_similarities(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Inner product of `query` with each sentence's vector."""
        return self._finite(self.sentence_vectors[rows] @ query)

    def sentence_vectors_at(self, rows: np.ndarray) -> np.ndarray:
        """The vectors of these sentences."""
        return self._finite(self.sentence_vectors[rows])

    def _finite(self, values: np.ndarray) -> np.ndarray:
        """`values` read from the vectors, or IndexCorruptError where one is not a number:
        bytes damaged inside a vector file (its header intact) ended ranking in a traceback.
        Checked where read, not at load: a pass over every vector would slow each start."""
        if not np.isfinite(values).all():
            where = f"index in {self.path.parent}" if self.path is not None else "the index"
            raise IndexCorruptError(
                f"{where} is damaged (a vector is not a number); run `articlebot index --rebuild`"
            )
        return values

    def sentence_spans(self, rows: np.ndarray) -> np.ndarray:
        """Each sentence's [start, end) in its document's text."""
        return self.sentence_table[rows, 1:3]

    def _kept_tokens(
        self, rows: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray] | None:
        """The sentence rows' kept token vectors end to end (int8 codes, or float16 vectors),
        their scales (None for float16) and how many each row has, in one gather (a question
        reads some thirty rows); None when the generation keeps none or no rows are asked."""
        tokens, offsets = self.sentence_tokens, self.sentence_token_offsets
        if tokens is None or offsets is None or len(rows) == 0:
            return None
        rows = np.asarray(rows, dtype=np.int64)
        starts, ends = offsets[rows], offsets[rows + 1]
        at = ranges(starts, ends)
        scales = None if self.sentence_token_scales is None else self.sentence_token_scales[at]
        return tokens[at], scales, ends - starts

    def sentence_token_vectors(self, rows: np.ndarray) -> list[np.ndarray | None]:
        """Each sentence's token vectors (float32), None where none were kept; a damaged
        file's values that cannot be a unit vector's (NaN, infinite, out of range) are never
        handed out (the sentence is encoded instead, and encoded again at the next write)."""
        kept = self._kept_tokens(rows)
        if kept is None:
            return [None] * len(rows)
        codes, scales, counts = kept
        with np.errstate(all="ignore"):  # damaged scales; such sentences are left out below
            block = np.asarray(codes, np.float32) if scales is None else dequantize(codes, scales)
        bounds = np.cumsum(counts)[:-1]
        sound = sound_tokens(codes, scales)
        return [
            part if len(part) and ok.all() else None
            for part, ok in zip(np.split(block, bounds), np.split(sound, bounds), strict=True)
        ]

    def sentence_token_matches(
        self, rows: np.ndarray, question: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each question piece's best cosine to each sentence row's kept token vectors, and
        which rows keep them (none where a damaged file holds values no unit vector has)."""
        kept = self._kept_tokens(rows)
        if kept is None:
            return np.zeros((len(rows), len(question)), np.float32), np.zeros(len(rows), bool)
        codes, scales, counts = kept
        best, found = best_code_matches(codes, scales, counts, question)
        if not self.damaged_tokens_reported and (~found & (counts > 0)).any():
            self.damaged_tokens_reported = True
            log.warning(
                "token vectors of some sentences in %s are damaged: they are encoded instead "
                "(the next write of the index makes them again)",
                self.path,
            )
        return best, found

    def document_sentences(self, documents: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """First sentence row and sentence count of each document."""
        starts = self.sentence_bounds[documents]
        return starts, self.sentence_bounds[documents + 1] - starts

    def query_terms(self, text: str) -> QueryTerms:
        """The known and unknown keyword terms of `text`."""
        keyword = self.keyword
        vocab = keyword.vocab
        words = set(keyword.tokenizer.question_terms(text, vocab.__contains__))
        ids = sorted(vocab[w] for w in words if w in vocab)
        return QueryTerms(tuple(ids), keyword.idf()[ids], len(words) - len(ids))

    def keyword_top_k(self, term_ids: Sequence[int], k: int) -> np.ndarray:
        """The `k` best BM25 passages for `term_ids` that score above zero."""
        if not term_ids:
            return np.zeros(0, dtype=np.int64)
        scores = self.keyword.scores_for_ids(term_ids)
        best = top_positions(scores, min(k, self.passage_count))
        return best[scores[best] > 0]

    def keyword_scores(self, term_ids: Sequence[int], rows: np.ndarray) -> np.ndarray:
        """BM25 of each passage row for `term_ids`."""
        return self.keyword.scores_for_ids(term_ids)[rows]

    def term_presence(self, term_ids: Sequence[int], rows: np.ndarray) -> np.ndarray:
        """Whether each sentence row holds each term (0/1)."""
        return self.sentence_terms.select(term_ids).presence(rows)

    def document_term_counts(self, term_ids: Sequence[int], documents: np.ndarray) -> np.ndarray:
        """How many sentences of each document hold each term."""
        bounds = self.sentence_bounds
        return self.sentence_terms.select(term_ids).counts_between(
            bounds[documents], bounds[documents + 1]
        )


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise IndexCorruptError(f"{path}:{line_no} is damaged ({exc.msg})") from None
    return rows


def _document(row: dict[str, Any]) -> Document:
    texts = (row["doc_id"], row["title"], row["text"], row["source"])
    if not all(isinstance(t, str) for t in texts) or not isinstance(row["byline"], str | None):
        raise TypeError(f"an article's fields are not text (id {row['doc_id']!r})")
    body_start = row["body_start"]
    if isinstance(body_start, bool) or not isinstance(body_start, int) or body_start < 0:
        raise TypeError(f"an article's fields: no start of its body (id {row['doc_id']!r})")
    return Document(
        doc_id=row["doc_id"],
        title=row["title"],
        text=row["text"],
        source=row["source"],
        byline=row["byline"],
        body_start=body_start,
    )


def stored_documents(index_dir: Path) -> list[Document] | None:
    """The articles the index folder holds, as stored (ids kept), in their order; None when it
    holds no index. They are the live generation's; where the pointer to it is missing,
    damaged or names a folder that is not there, the newest generation's (the live one was
    written last). IndexCorruptError when they cannot
    be read: an older generation's would quietly lose what was added or removed since."""
    try:
        generation = current_generation(index_dir)
    except IndexCorruptError:
        generation = _newest_generation(index_dir)
        if generation is None:
            raise
    if generation is not None and not generation.is_dir():
        generation = _newest_generation(index_dir) or generation
    if generation is None:
        return None
    try:
        rows = _read_jsonl(generation / "documents.jsonl")
        documents = {}
        for row in rows:  # an article listed twice (a damaged file) is rebuilt once
            documents.setdefault(row["doc_id"], replace(_document(row), id_given=True))
        _check_all_there(index_dir, generation, documents)
        return list(documents.values())
    except (OSError, IndexCorruptError, KeyError, TypeError, ValueError, OverflowError) as exc:
        reason = f"{exc.strerror}: {exc.filename}" if isinstance(exc, OSError) else str(exc)
        raise IndexCorruptError(
            f"the articles stored in {index_dir} cannot be read ({reason})"
        ) from None


def _check_all_there(index_dir: Path, generation: Path, documents: dict[str, Document]) -> None:
    """IndexCorruptError when the generation's manifest, where it can be read, lists articles
    its documents.jsonl lacks: a file cut at a line's end reads as whole, and a rebuild from
    it removed the rest without a word. A damaged manifest is no reason to refuse: a rebuild
    is how one is mended."""
    try:
        listed = read_generation_manifest(index_dir, generation).documents
    except IndexStoreError:
        return
    missing = [doc_id for doc_id in listed if doc_id not in documents]
    if missing:
        raise IndexCorruptError(
            f"{generation / 'documents.jsonl'} holds {len(listed) - len(missing)} of the"
            f" {len(listed)} articles its manifest lists (cut short?)"
        )


def _offset(value: Any) -> int:
    """A number of a passage's row as an int that numpy's int64 arrays hold (JSON allows any
    size: 10**30 was a traceback past the damage checks); ValueError otherwise."""
    number = int(value)
    if not -(2**62) < number < 2**62:
        raise ValueError(f"{number} is out of range")
    return number


def _newest_generation(index_dir: Path) -> Path | None:
    written = written_generations(index_dir)
    return written[-1] if written else None


def load_index(index_dir: Path) -> IndexData:
    """Load the live generation, checking that its files agree with each other."""
    for _ in range(5):
        generation = live_generation(index_dir)
        try:
            return _load_generation(index_dir, generation)
        except IndexCorruptError:
            # A writer replaced this generation while it was being read: read the new one.
            if generation.exists() and current_generation(index_dir) == generation:
                raise
    return _load_generation(index_dir, generation)


def _load_generation(index_dir: Path, generation: Path) -> IndexData:
    manifest = read_generation_manifest(index_dir, generation)
    fix = "run `articlebot index --rebuild`"
    try:
        doc_rows = _read_jsonl(generation / "documents.jsonl")
        passage_rows = _read_jsonl(generation / "passages.jsonl")
        sentence_table = mapped(generation / "sentences.npy")
        passage_vectors = mapped(generation / "passage_vectors.npy")
        sentence_vectors = mapped(generation / "sentence_vectors.npy")
        dense = open_dense(generation / "dense.faiss", passage_vectors)
        sentence_terms = TermPostings.load(generation / "sentence_terms.npz")
        keyword = KeywordIndex.load(generation / "keyword", len(passage_rows))
    except FileNotFoundError as exc:
        raise IndexCorruptError(
            f"index in {index_dir} is incomplete ({exc.filename} is missing); {fix}"
        ) from None
    except IndexCorruptError as exc:
        raise IndexCorruptError(f"{exc}; {fix}") from None
    except (
        ValueError,
        OSError,
        RuntimeError,
        KeyError,
        EOFError,
        zipfile.BadZipFile,
        TypeError,
        AttributeError,
        IndexError,
        OverflowError,
        re.error,
    ) as exc:
        # A file of the right name holding the wrong shapes (a list for a dict, a number for
        # a list, a pattern that does not compile): damaged all the same.
        raise IndexCorruptError(f"index in {index_dir} is damaged ({exc}); {fix}") from None

    try:
        documents = {row["doc_id"]: _document(row) for row in doc_rows}
        passages = [
            Passage(
                doc_id=row["doc_id"],
                paragraph=_offset(row["paragraph"]),
                start=_offset(row["start"]),
                end=_offset(row["end"]),
                first_sentence=_offset(row["first_sentence"]),
                sentences=tuple(Span(_offset(s), _offset(e)) for s, e in row["sentences"]),
            )
            for row in passage_rows
        ]
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise IndexCorruptError(f"index in {index_dir} is damaged ({exc!r}); {fix}") from None

    doc_order = [row["doc_id"] for row in doc_rows]
    if len(documents) != len(doc_order):
        raise IndexCorruptError(f"index in {index_dir} is damaged (an article listed twice); {fix}")
    if (
        sentence_table.ndim != 2
        or sentence_table.shape[1] != 3
        or sentence_table.dtype.kind not in "iu"
    ):
        raise IndexCorruptError(
            f"index in {index_dir} is damaged (sentences are {sentence_table.dtype} of shape "
            f"{sentence_table.shape}); {fix}"
        )
    n, s = len(passages), len(sentence_table)
    problems = []
    if n != manifest.passages or s != manifest.sentences:
        problems.append("passage or sentence counts disagree with the manifest")
    if passage_vectors.shape != (n, manifest.dimension):
        problems.append(f"passage vectors have shape {passage_vectors.shape}")
    if sentence_vectors.shape != (s, manifest.dimension):
        problems.append(f"sentence vectors have shape {sentence_vectors.shape}")
    if sentence_terms.shape[0] != s:
        problems.append(f"sentence terms have {sentence_terms.shape[0]} rows")
    if dense.ntotal != n or dense.d != manifest.dimension:
        problems.append(f"FAISS index holds {dense.ntotal} vectors of dimension {dense.d}")
    if set(documents) != set(manifest.documents) or any(
        p.doc_id not in documents for p in passages
    ):
        problems.append("documents disagree with the manifest")
    lengths = np.fromiter((len(documents[d].text) for d in doc_order), np.int64, len(doc_order))
    if len(sentence_table) and (
        int(sentence_table[:, 0].min()) < 0
        or int(sentence_table[:, 0].max()) >= len(doc_order)
        or bool(np.any(sentence_table[:, 1] >= sentence_table[:, 2]))
        or bool(np.any(sentence_table[:, 2] > lengths[np.clip(sentence_table[:, 0], 0, None)]))
    ):
        problems.append("sentence offsets fall outside their documents")
    row_of = {doc_id: i for i, doc_id in enumerate(doc_order)}
    if any(
        not 0 <= p.start < p.end <= lengths[row_of[p.doc_id]]
        for p in passages
        if p.doc_id in row_of
    ):
        problems.append("passage offsets fall outside their documents")
    passage_docs = np.fromiter((row_of.get(p.doc_id, -1) for p in passages), np.int64, n)
    firsts = np.fromiter((p.first_sentence for p in passages), np.int64, n)
    sentence_counts = np.fromiter((len(p.sentences) for p in passages), np.int64, n)
    if not problems and n:
        counts = np.bincount(sentence_table[:, 0], minlength=len(doc_order))
        lasts = firsts + sentence_counts
        if bool(np.any((firsts < 0) | (lasts <= firsts) | (lasts > counts[passage_docs]))):
            problems.append("a passage's sentences fall outside its document's")
    if problems:
        raise IndexCorruptError(
            f"index in {index_dir} is inconsistent: {'; '.join(problems)}; {fix}"
        )

    tokens, scales, token_offsets = _sentence_tokens(generation, s, manifest.dimension, index_dir)
    edges = np.arange(len(doc_order) + 1)
    sentence_bounds = np.searchsorted(sentence_table[:, 0], edges)
    first = sentence_bounds[passage_docs] + firsts
    return IndexData(
        manifest=manifest,
        documents=documents,
        passages=passages,
        sentence_table=sentence_table,
        passage_sentence_start=first,
        passage_vectors=passage_vectors,
        sentence_vectors=sentence_vectors,
        dense=dense,
        keyword=keyword,
        sentence_terms=sentence_terms,
        doc_order=doc_order,
        sentence_bounds=sentence_bounds,
        passage_bounds=np.searchsorted(passage_docs, edges),
        passage_docs=passage_docs,
        passage_sentence_counts=sentence_counts,
        doc_rows=row_of,
        path=generation,
        sentence_tokens=tokens,
        sentence_token_scales=scales,
        sentence_token_offsets=token_offsets,
    )


def _sentence_tokens(
    generation: Path, sentences: int, dimension: int, index_dir: Path
) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
    """The generation's kept token vectors (int8 codes, or float16 vectors in a generation
    made before the codes), the codes' scales (None for float16) and each sentence's offset
    into them; all None when it keeps none (made before they were), or when they are damaged
    or do not fit its sentences: they only spare encoder runs, so a question encodes the
    sentences instead."""
    counts_path, tokens_path = generation / TOKEN_COUNTS_FILE, generation / TOKENS_FILE
    scales_path = generation / TOKEN_SCALES_FILE
    if not counts_path.exists() and not tokens_path.exists():
        return None, None, None
    try:
        counts = mapped(counts_path)
        tokens = mapped(tokens_path)
        scales = mapped(scales_path) if scales_path.exists() else None
    except (ValueError, OSError, EOFError, MemoryError):
        log.warning("token vectors in %s are damaged: sentences are encoded instead", index_dir)
        return None, None, None
    offsets = np.zeros(sentences + 1, dtype=np.int64)
    fits = (
        counts.dtype == np.int32
        and counts.shape == (sentences,)
        and tokens.ndim == 2
        and (
            tokens.dtype == np.float16
            if scales is None
            else tokens.dtype == np.int8 and scales.dtype == np.float32
        )
    )
    if fits and sentences:
        fits = int(counts.min()) >= 0
        np.cumsum(counts, out=offsets[1:])
    if fits and scales is not None:
        fits = scales.shape == (len(tokens),)
    if not fits or tokens.shape != (int(offsets[-1]), dimension):
        log.warning("token vectors in %s do not fit its sentences: encoded instead", index_dir)
        return None, None, None
    return tokens, scales, offsets

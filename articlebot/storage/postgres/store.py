"""One pinned generation of the PostgreSQL index as an `IndexStore`.

Opening reads one row per visible document (its key, doc_id and where its consecutive passage
and sentence ids start); from that the store maps the interface's dense row numbers to database
ids by arithmetic, so every method is one query over just the rows it is given.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
import psycopg
from psycopg_pool import ConnectionPool

from articlebot.index.arrays import ranges
from articlebot.index.keyword import Tokenizer
from articlebot.index.store import IndexCorruptError, IndexNotFoundError, Manifest
from articlebot.index.token_codes import best_code_matches
from articlebot.ingest.chunking import Passage
from articlebot.ingest.cleaning import Span
from articlebot.ingest.documents import Document
from articlebot.storage.index_store import QueryTerms
from articlebot.storage.postgres import generations, search
from articlebot.storage.postgres.connection import connect, on_new_pool, with_connection
from articlebot.storage.postgres.rows import Generation
from articlebot.storage.postgres.schema import DIMENSION

_VISIBLE = "born <= %(g)s AND (died IS NULL OR died > %(g)s)"
_NO_ROWS = np.zeros(0, dtype=np.int64)
T = TypeVar("T")


def _rows(values: np.ndarray | Sequence[int]) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).reshape(-1)


#: How many documents a store keeps read (least recently used out first): the articles being
#: asked about, not every one a long-running bot has shown.
CACHED_DOCUMENTS = 64


class _Documents(Mapping[str, Document]):
    """The generation's documents by doc_id, each read from the database when asked for; the
    `CACHED_DOCUMENTS` most recently used are kept."""

    def __init__(self, store: PostgresIndexStore) -> None:
        self._store = store
        self._cache: OrderedDict[str, Document] = OrderedDict()
        self._lock = threading.Lock()  # the bot's worker threads read at once

    def __getitem__(self, doc_id: str) -> Document:
        with self._lock:
            cached = self._cache.get(doc_id)
            if cached is not None:
                self._cache.move_to_end(doc_id)
                return cached
        number = self._store._number.get(doc_id)
        if number is None:
            raise KeyError(doc_id)
        row = self._store._query(
            "SELECT title, text, source, byline, body_start FROM documents WHERE key = %s",
            (int(self._store._keys[number]),),
        ).fetchone()
        doc = Document(
            doc_id=doc_id,
            title=row[0],
            text=row[1],
            source=row[2],
            byline=row[3],
            body_start=row[4],
        )
        with self._lock:
            self._cache[doc_id] = doc
            while len(self._cache) > CACHED_DOCUMENTS:
                self._cache.popitem(last=False)
        return doc

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._store._number

    def __iter__(self) -> Iterator[str]:
        return iter(self._store._doc_ids)

    def __len__(self) -> int:
        return len(self._store._doc_ids)


class _Passages(Sequence[Passage]):
    """The generation's passages by row, each read when asked for."""

    def __init__(self, store: PostgresIndexStore) -> None:
        self._store = store

    def __len__(self) -> int:
        return self._store.passage_count

    def __getitem__(self, row: int) -> Passage:  # type: ignore[override]
        if not -len(self) <= row < len(self):
            raise IndexError(row)
        return self._store.passage(row % len(self))


class PostgresIndexStore:
    """A generation of the PostgreSQL index, pinned when opened; an `IndexStore`."""

    def __init__(self, pool: ConnectionPool, generation: Generation) -> None:
        # Pooled connections: worker threads query at once, and a server restart costs the
        # next query a reconnect rather than the bot.
        self._pool = pool
        self.generation = generation
        self._terms_lock = threading.Lock()
        self._keeps_tokens: bool | None = None
        rows = self._query(
            "SELECT key, doc_id, first_passage, passage_count, first_sentence, sentence_count"
            f" FROM documents WHERE {_VISIBLE} ORDER BY key",
            {"g": generation.id},
        ).fetchall()
        self._keys = np.fromiter((r[0] for r in rows), np.int64, len(rows))
        self._doc_ids = [r[1] for r in rows]
        self._number = {doc_id: i for i, doc_id in enumerate(self._doc_ids)}
        self._first_passage = np.fromiter((r[2] for r in rows), np.int64, len(rows))
        self._first_sentence = np.fromiter((r[4] for r in rows), np.int64, len(rows))
        self._passage_bounds = np.concatenate(
            [[0], np.cumsum(np.fromiter((r[3] for r in rows), np.int64, len(rows)))]
        ).astype(np.int64)
        self._sentence_bounds = np.concatenate(
            [[0], np.cumsum(np.fromiter((r[5] for r in rows), np.int64, len(rows)))]
        ).astype(np.int64)
        self._documents = _Documents(self)
        self._manifest: Manifest | None = None
        # Term ids are this store's own: handed out as questions name terms.
        self._term_ids: dict[str, int] = {}
        self._terms: list[str] = []
        self._keyword_tokenizer: Tokenizer | None = None

    @classmethod
    def open(cls, url: str) -> PostgresIndexStore:
        """Connect to `url` and pin the current generation."""
        with connect(url) as conn:
            generation = generations.current_generation(conn)
        return on_new_pool(url, lambda pool: cls(pool, generation))

    def close(self) -> None:
        """Close the connections."""
        self._pool.close()

    def _on_connection(self, work: Callable[[psycopg.Connection], T]) -> T:
        return with_connection(self._pool, work)

    def _query(self, sql: str, params: Any = None) -> _Fetched:
        return _Fetched(self._on_connection(lambda conn: conn.execute(sql, params).fetchall()))

    # -- numbering ---------------------------------------------------------------------------

    def _passage_ids(self, rows: np.ndarray) -> np.ndarray:
        docs = np.searchsorted(self._passage_bounds, rows, side="right") - 1
        return self._first_passage[docs] + (rows - self._passage_bounds[docs])

    def _sentence_ids(self, rows: np.ndarray) -> np.ndarray:
        docs = np.searchsorted(self._sentence_bounds, rows, side="right") - 1
        return self._first_sentence[docs] + (rows - self._sentence_bounds[docs])

    def _passage_rows_of(self, ids: Sequence[int]) -> np.ndarray:
        """Rows of passage ids of this generation (documents are ordered by key, and a later
        key's passages have larger ids, so first ids ascend with document numbers)."""
        ids = _rows(ids)
        docs = np.searchsorted(self._first_passage, ids, side="right") - 1
        return self._passage_bounds[docs] + (ids - self._first_passage[docs])

    # -- IndexStore --------------------------------------------------------------------------

    @property
    def manifest(self) -> Manifest:
        """The generation's manifest, with each document's metadata read on first use."""
        if self._manifest is None:
            meta = dict(
                self._query(
                    f"SELECT doc_id, meta FROM documents WHERE {_VISIBLE} ORDER BY key",
                    {"g": self.generation.id},
                ).fetchall()
            )
            saved = dict(self.generation.manifest or {})  # JSON null, set by hand, is none
            if not saved and not meta:
                raise IndexNotFoundError("this database holds no index yet")
            if not saved:
                # Articles without the manifest that lists them (emptied by hand, a partial
                # restore): a rebuild reads their rows (stored_documents) and keeps them.
                raise damaged_index(len(meta))
            self._manifest = Manifest.from_json(saved | {"documents": meta})
        return self._manifest

    @property
    def documents(self) -> Mapping[str, Document]:
        """Every document by doc_id, in document-number order, read when asked for."""
        return self._documents

    @property
    def passages(self) -> Sequence[Passage]:
        """Passages by row, read one at a time (for callers that show a passage or two)."""
        return _Passages(self)

    @property
    def doc_order(self) -> list[str]:
        """The doc_ids in document-number order."""
        return list(self._doc_ids)

    @property
    def passage_count(self) -> int:
        """Number of passages."""
        return int(self._passage_bounds[-1])

    @property
    def sentence_count(self) -> int:
        """Number of sentences."""
        return int(self._sentence_bounds[-1])

    def newer_generation(self) -> bool:
        """Whether the current-generation row names a later generation than this one."""
        try:
            (live,) = self._query("SELECT generation FROM current_generation").fetchone()
        except psycopg.Error:
            return False
        return live != self.generation.id

    def document_numbers(self, doc_ids: Sequence[str]) -> np.ndarray:
        """Document numbers of the known `doc_ids`, in their order."""
        number = self._number
        return np.asarray([number[d] for d in doc_ids if d in number], dtype=np.int64)

    def passage_rows(self, documents: np.ndarray) -> np.ndarray:
        """Every passage row of `documents`, document by document."""
        documents = _rows(documents)
        bounds = self._passage_bounds
        return ranges(bounds[documents], bounds[documents + 1])

    def passage(self, row: int) -> Passage:
        """Passage `row`, with its sentences' spans."""
        (pid,) = self._passage_ids(_rows([row])).tolist()
        doc_id, paragraph, start, end, first, spans = self._query(
            "SELECT p.doc_id, p.paragraph, p.start_char, p.end_char, p.first_sentence,"
            " array(SELECT ARRAY[s.start_char, s.end_char] FROM sentences s"
            "  WHERE s.doc_key = p.doc_key AND s.ordinal >= p.first_sentence"
            "  AND s.ordinal < p.first_sentence + p.sentence_count ORDER BY s.ordinal)"
            " FROM passages p WHERE p.id = %s",
            (pid,),
        ).fetchone()
        return Passage(
            doc_id=doc_id,
            paragraph=paragraph,
            start=start,
            end=end,
            first_sentence=first,
            sentences=tuple(Span(int(s), int(e)) for s, e in spans),
        )

    def passage_documents(self, rows: np.ndarray) -> np.ndarray:
        """The document number of each passage row."""
        return np.searchsorted(self._passage_bounds, _rows(rows), side="right") - 1

    def _vectors(self, table: str, ids: np.ndarray) -> np.ndarray:
        if len(ids) == 0:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        found = dict(
            self._query(
                f"SELECT id, embedding FROM {table} WHERE id = ANY(%s)", (ids.tolist(),)
            ).fetchall()
        )
        vectors = _listed(found, ids, table)
        return np.stack([vector.to_numpy() for vector in vectors]).astype(np.float32, copy=False)

    def passage_vectors_at(self, rows: np.ndarray) -> np.ndarray:
        """The vectors of these passages."""
        return self._vectors("passages", self._passage_ids(_rows(rows)))

    def passage_similarities(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Inner product of `query` with each passage's vector, in float32 here."""
        return self.passage_vectors_at(rows) @ np.asarray(query, dtype=np.float32)

    def dense_top_k(
        self, query: np.ndarray, k: int, documents: np.ndarray | None = None
    ) -> np.ndarray:
        """The rows of the `k` passages nearest to `query` (HNSW; exact within `documents`)."""
        doc_ids = None
        if documents is not None:
            doc_ids = [self._doc_ids[d] for d in _rows(documents).tolist()]
            if not doc_ids:
                return _NO_ROWS
        k = min(k, self.passage_count)
        if k <= 0:
            return _NO_ROWS
        hits = self._on_connection(
            lambda conn: search.dense_top_k(conn, self.generation.id, query, k, doc_ids=doc_ids)
        )
        return self._passage_rows_of([h.passage_id for h in hits])

    def passage_sentences(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """First sentence row and sentence count of each passage row."""
        rows = _rows(rows)
        ids = self._passage_ids(rows)
        found = {
            pid: (first, count)
            for pid, first, count in self._query(
                "SELECT id, first_sentence, sentence_count FROM passages WHERE id = ANY(%s)",
                (ids.tolist(),),
            ).fetchall()
        }
        pairs = np.asarray(_listed(found, ids, "passages"), dtype=np.int64).reshape(-1, 2)
        docs = self.passage_documents(rows)
        return self._sentence_bounds[docs] + pairs[:, 0], pairs[:, 1].copy()

    def sentence_vectors_at(self, rows: np.ndarray) -> np.ndarray:
        """The vectors of these sentences."""
        return self._vectors("sentences", self._sentence_ids(_rows(rows)))

    def sentence_similarities(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Inner product of `query` with each sentence's vector."""
        return self.sentence_vectors_at(rows) @ np.asarray(query, dtype=np.float32)

    @property
    def keeps_token_vectors(self) -> bool:
        """Whether the generation's newest document keeps its sentences' token vectors (a
        database written before they were kept, or with them off, has none)."""
        if self._keeps_tokens is None:
            found = (
                len(self._first_sentence) > 0
                and self._query(
                    "SELECT token_codes IS NOT NULL FROM sentences WHERE id = %s",
                    (int(self._first_sentence[-1]),),
                ).fetchone()
            )
            self._keeps_tokens = bool(found and found[0])
        return self._keeps_tokens

    def sentence_token_matches(
        self, rows: np.ndarray, question: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each question piece's best cosine to each sentence row's kept token vectors (one
        query for the rows' codes), and which rows keep them."""
        ids = self._sentence_ids(_rows(rows)).tolist()
        found = {
            sid: (codes, scales)
            for sid, codes, scales in self._query(
                "SELECT id, token_codes, token_scales FROM sentences"
                " WHERE id = ANY(%s) AND token_codes IS NOT NULL AND token_scales IS NOT NULL",
                (sorted(set(ids)),),
            ).fetchall()
        }
        dimension = question.shape[1]
        blocks, scales, counts = [], [], np.zeros(len(ids), dtype=np.int64)
        for i, sid in enumerate(ids):
            codes, scale = found.get(sid, (b"", b""))
            pieces = len(scale) // 4
            # A value of another length than its scales say is damaged: encoded instead.
            if pieces and len(scale) == 4 * pieces and len(codes) == pieces * dimension:
                blocks.append(np.frombuffer(codes, dtype=np.int8).reshape(pieces, dimension))
                scales.append(np.frombuffer(scale, dtype="<f4"))
                counts[i] = pieces
        if not blocks:
            return np.zeros((len(ids), len(question)), np.float32), np.zeros(len(ids), bool)
        return best_code_matches(np.concatenate(blocks), np.concatenate(scales), counts, question)

    def sentence_spans(self, rows: np.ndarray) -> np.ndarray:
        """Each sentence's [start, end) in its document's text."""
        ids = self._sentence_ids(_rows(rows))
        found = {
            sid: (start, end)
            for sid, start, end in self._query(
                "SELECT id, start_char, end_char FROM sentences WHERE id = ANY(%s)",
                (ids.tolist(),),
            ).fetchall()
        }
        return np.asarray(_listed(found, ids, "sentences"), dtype=np.int64).reshape(-1, 2)

    def document_sentences(self, documents: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """First sentence row and sentence count of each document."""
        documents = _rows(documents)
        starts = self._sentence_bounds[documents]
        return starts, self._sentence_bounds[documents + 1] - starts

    # -- keywords ----------------------------------------------------------------------------

    def _tokenizer(self) -> Tokenizer:
        """The keyword tokenizer the builder uses (made on first use: it loads a stemmer)."""
        if self._keyword_tokenizer is None:
            from bm25s.stopwords import STOPWORDS_EN

            self._keyword_tokenizer = Tokenizer(STOPWORDS_EN)
        return self._keyword_tokenizer

    def _term_id(self, term: str) -> int:
        with self._terms_lock:
            if term not in self._term_ids:
                self._term_ids[term] = len(self._terms)
                self._terms.append(term)
            return self._term_ids[term]

    def _term_texts(self, term_ids: Sequence[int]) -> list[str]:
        return [self._terms[int(i)] for i in term_ids]

    def query_terms(self, text: str) -> QueryTerms:
        """The known and unknown keyword terms of `text`, with IDF over this generation."""
        tokenizer = self._tokenizer()
        candidates = tokenizer.question_candidates(text)
        if not candidates:
            return QueryTerms((), np.zeros(0, dtype=np.float32), 0)
        df = self._on_connection(
            lambda conn: search.document_frequencies(conn, self.generation.id, candidates)
        )
        words = sorted(set(tokenizer.question_terms(text, lambda term: df.get(term, 0) > 0)))
        known = [w for w in words if df.get(w, 0) > 0]
        pairs = sorted((self._term_id(w), df[w]) for w in known)
        n = float(max(self.generation.passages, 1))
        counts = np.asarray([c for _, c in pairs], dtype=np.float32)
        idf = np.log1p((n - counts + 0.5) / (counts + 0.5)).astype(np.float32)
        return QueryTerms(tuple(i for i, _ in pairs), idf, len(words) - len(known))

    def keyword_top_k(self, term_ids: Sequence[int], k: int) -> np.ndarray:
        """The `k` best BM25 passages for `term_ids` that score above zero."""
        if len(term_ids) == 0 or k <= 0:
            return _NO_ROWS
        terms = self._term_texts(term_ids)
        hits = self._on_connection(
            lambda conn: search.keyword_top_k(conn, self.generation, terms, k)
        )
        return self._passage_rows_of([h.passage_id for h in hits if h.score > 0])

    def keyword_scores(self, term_ids: Sequence[int], rows: np.ndarray) -> np.ndarray:
        """BM25 of each passage row for `term_ids` (0 where none of them occurs)."""
        rows = _rows(rows)
        if len(term_ids) == 0 or len(rows) == 0:
            return np.zeros(len(rows), dtype=np.float32)
        ids = self._passage_ids(rows)
        terms = self._term_texts(term_ids)
        scores = self._on_connection(
            lambda conn: search.keyword_scores(conn, self.generation, terms, ids.tolist())
        )
        return np.asarray([scores.get(i, 0.0) for i in ids.tolist()], dtype=np.float32)

    def term_presence(self, term_ids: Sequence[int], rows: np.ndarray) -> np.ndarray:
        """Whether each sentence row holds each term (0/1)."""
        ids = self._sentence_ids(_rows(rows))
        out = np.zeros((len(ids), len(term_ids)), dtype=np.float32)
        if len(ids) == 0 or len(term_ids) == 0:
            return out
        column = {t: j for j, t in enumerate(self._term_texts(term_ids))}
        found = dict(
            self._query(
                "SELECT id, array(SELECT unnest(terms) INTERSECT SELECT unnest(%(t)s::text[]))"
                " FROM sentences WHERE id = ANY(%(ids)s) AND terms && %(t)s::text[]",
                {"ids": ids.tolist(), "t": list(column)},
            ).fetchall()
        )
        for i, sid in enumerate(ids.tolist()):
            for term in found.get(sid, ()):
                out[i, column[term]] = 1.0
        return out

    def document_term_counts(self, term_ids: Sequence[int], documents: np.ndarray) -> np.ndarray:
        """How many sentences of each document hold each term."""
        documents = _rows(documents)
        out = np.zeros((len(documents), len(term_ids)), dtype=np.float32)
        if len(documents) == 0 or len(term_ids) == 0:
            return out
        column = {t: j for j, t in enumerate(self._term_texts(term_ids))}
        keys = self._keys[documents]
        counts = self._query(
            "SELECT s.doc_key, t.term, count(*) FROM sentences s"
            " CROSS JOIN LATERAL unnest(s.terms) AS t(term)"
            " WHERE s.doc_key = ANY(%(keys)s) AND t.term = ANY(%(t)s::text[])"
            " GROUP BY s.doc_key, t.term",
            {"keys": sorted(set(keys.tolist())), "t": list(column)},
        ).fetchall()
        by_key: dict[int, list[tuple[str, int]]] = {}
        for key, term, count in counts:
            by_key.setdefault(key, []).append((term, count))
        for i, key in enumerate(keys.tolist()):
            for term, count in by_key.get(key, ()):
                out[i, column[term]] = count
        return out


class _Fetched:
    """Rows already fetched under the store's lock, read like a cursor."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self._rows = rows

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._rows

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows[0] if self._rows else None


def _listed(found: Mapping[int, T], ids: np.ndarray, table: str) -> list[T]:
    """The rows `found` of `ids`, in order; one clear error where the database lacks some the
    generation lists (deleted by hand, or a restore missing them), not a KeyError traceback."""
    missing = [i for i in ids.tolist() if i not in found]
    if missing:
        raise IndexCorruptError(
            f"the database's index lacks {len(missing)} of the {table} rows it lists (ids "
            f"{', '.join(map(str, missing[:5]))}): rows were deleted outside articlebot; "
            "`articlebot index --rebuild` writes the index again from the articles' files"
        )
    return [found[i] for i in ids.tolist()]


def damaged_index(live: int) -> IndexCorruptError:
    """The error for a current generation without its manifest while `live` articles are
    stored (emptied by hand, a partial restore), which a rebuild writes again from them."""
    held = f"{live} article{'' if live == 1 else 's'}"
    return IndexCorruptError(
        f"the database's index is damaged: its current generation has no manifest though it"
        f" holds {held}; `articlebot index --rebuild` writes the index again from them"
    )

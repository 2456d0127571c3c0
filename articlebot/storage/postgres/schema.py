"""The tables and indexes, created by the code (idempotent: safe at every start).

Rows are versioned by generation rather than copied per version: a row is visible in generation
g when `born <= g` and it has not `died` by g. A new generation writes only what changed, and a
reader pinned to g sees exactly g however many generations are published meanwhile.

Passage vectors are stored as float32 `vector`; the HNSW index is built on their `halfvec` cast
(half the size and build time, recall checked by benchmarks/scale_pg.py) and candidates are then
scored exactly against the stored vectors.
"""

from __future__ import annotations

import re
from typing import Literal

import psycopg

from articlebot.index.store import IndexStoreError
from articlebot.storage.postgres.connection import register_vector_types

#: all-MiniLM-L6-v2's embedding size; the index expression and queries name it literally.
DIMENSION = 384
SCHEMA_VERSION = 2
#: HNSW graph settings (pgvector's defaults).
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 64

_TABLES = f"""
CREATE TABLE IF NOT EXISTS articlebot_schema (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version integer NOT NULL,
    dimension integer NOT NULL
);
CREATE TABLE IF NOT EXISTS generations (
    id integer PRIMARY KEY,
    created timestamptz NOT NULL DEFAULT now(),
    manifest jsonb NOT NULL DEFAULT '{{}}',
    -- Visible passages and their summed keyword lengths: BM25's N and average length.
    passages bigint NOT NULL DEFAULT 0,
    passage_terms bigint NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS current_generation (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    generation integer NOT NULL REFERENCES generations (id)
);
CREATE TABLE IF NOT EXISTS documents (
    key bigint PRIMARY KEY,
    doc_id text NOT NULL,
    born integer NOT NULL,
    died integer,
    title text NOT NULL,
    text text NOT NULL,
    source text NOT NULL,
    byline text,
    body_start integer NOT NULL DEFAULT 0,
    meta jsonb NOT NULL DEFAULT '{{}}',
    -- A document version's passages and sentences have consecutive ids from these: a reader
    -- maps its dense row numbers to ids from one row per document.
    first_passage bigint NOT NULL,
    passage_count integer NOT NULL,
    first_sentence bigint NOT NULL,
    sentence_count integer NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS documents_live_doc_id ON documents (doc_id) WHERE died IS NULL;
CREATE INDEX IF NOT EXISTS documents_doc_id ON documents (doc_id, born);
CREATE TABLE IF NOT EXISTS passages (
    id bigint PRIMARY KEY,
    doc_key bigint NOT NULL REFERENCES documents (key) ON DELETE CASCADE,
    doc_id text NOT NULL,
    born integer NOT NULL,
    died integer,
    ordinal integer NOT NULL,
    paragraph integer NOT NULL,
    start_char integer NOT NULL,
    end_char integer NOT NULL,
    first_sentence integer NOT NULL,
    sentence_count integer NOT NULL,
    text text NOT NULL,
    -- Distinct stemmed terms and how often each occurs (BM25's tf), and the term count. Kept
    -- uncompressed in the row (MAIN: the vector moves to TOAST first): BM25 reads them for every
    -- matching passage, and a compressed array is decompressed at each use (~10 us apiece).
    terms text[] STORAGE MAIN NOT NULL,
    term_counts integer[] STORAGE MAIN NOT NULL,
    length integer NOT NULL,
    embedding vector({DIMENSION}) NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_doc ON passages (doc_id, ordinal);
CREATE INDEX IF NOT EXISTS passages_doc_key ON passages (doc_key);
CREATE INDEX IF NOT EXISTS passages_born ON passages (born);
CREATE INDEX IF NOT EXISTS passages_died ON passages (died) WHERE died IS NOT NULL;
-- BM25's document frequencies: a row per term for each generation that changed it, so a
-- question reads each term's df at its generation (the latest row at or before it) instead of
-- counting the term's postings, which for a common term are a good part of the collection.
CREATE TABLE IF NOT EXISTS term_df (
    term text NOT NULL,
    generation integer NOT NULL,
    df bigint NOT NULL,
    PRIMARY KEY (term, generation)
);
CREATE TABLE IF NOT EXISTS sentences (
    id bigint PRIMARY KEY,
    doc_key bigint NOT NULL REFERENCES documents (key) ON DELETE CASCADE,
    doc_id text NOT NULL,
    ordinal integer NOT NULL,
    start_char integer NOT NULL,
    end_char integer NOT NULL,
    -- Distinct stemmed terms of the sentence's text (no title), for term presence.
    terms text[] NOT NULL DEFAULT '{{}}',
    embedding vector({DIMENSION}) NOT NULL,
    -- The word pieces' token vectors as int8 codes (pieces x dimension bytes) and one
    -- little-endian float32 scale per piece (index/token_codes.py); NULL: not kept.
    token_codes bytea,
    token_scales bytea
);
CREATE INDEX IF NOT EXISTS sentences_doc ON sentences (doc_key, ordinal);
"""

#: The search indexes: built after a bulk load, which is much faster than growing them row by row.
_TERMS_INDEX = "CREATE INDEX IF NOT EXISTS passages_terms ON passages USING gin (terms)"
HNSW_INDEX = f"""
CREATE INDEX IF NOT EXISTS passages_hnsw ON passages
USING hnsw ((embedding::halfvec({DIMENSION})) halfvec_ip_ops)
WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})
"""

#: The alternative for bulk-loaded archives (`create_search_indexes(dense="ivfflat")`); the
#: search sets `ivfflat.probes` as well, so either index serves the same query.
IVFFLAT_INDEX = f"""
CREATE INDEX IF NOT EXISTS passages_ivfflat ON passages
USING ivfflat ((embedding::halfvec({DIMENSION})) halfvec_ip_ops) WITH (lists = {{lists}})
"""


class SchemaMismatchError(IndexStoreError):
    """The database holds another schema version or vector size than this code writes."""


class SchemaNotWritableError(IndexStoreError):
    """The schema is missing or incomplete, and this connection may not create it."""


_TABLE_NAMES = tuple(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", _TABLES))


def _mismatch(version: int, dimension: int) -> SchemaMismatchError:
    return SchemaMismatchError(
        f"the database has schema version {version} with {dimension}-d vectors; this"
        f" articlebot writes version {SCHEMA_VERSION} with {DIMENSION}-d vectors: use the"
        " articlebot that wrote it, or a new database for this one (`articlebot index"
        " --database-url NEW_URL` builds it there)"
    )


def schema_in_place(conn: psycopg.Connection, *, search_indexes: bool = True) -> bool:
    """Whether everything `create_schema` makes is there already, looked up without writing
    or locking anything: a reader then leaves the schema alone (a read replica, a read-only
    role, or a writer's publish in progress, whose locks the DDL would wait for)."""
    with conn.transaction():
        present = conn.execute(
            "SELECT " + ", ".join(f"to_regclass('{name}') IS NOT NULL" for name in _TABLE_NAMES)
        ).fetchone()
        if not all(present):
            return False
        row = conn.execute("SELECT version, dimension FROM articlebot_schema").fetchone()
        if row is None:
            return False
        if tuple(row) != (SCHEMA_VERSION, DIMENSION):
            raise _mismatch(*row)
        (ready,) = conn.execute(
            "SELECT EXISTS (SELECT FROM current_generation)"
            " AND EXISTS (SELECT FROM generations WHERE id = 0)"
            " AND (SELECT count(*) = 2 FROM information_schema.columns WHERE table_schema ="
            " current_schema() AND table_name = 'sentences'"
            " AND column_name IN ('token_codes', 'token_scales'))"
            # term_df is backfilled only from visible passages with words to count.
            " AND (EXISTS (SELECT FROM term_df) OR NOT EXISTS (SELECT FROM passages"
            " WHERE died IS NULL AND cardinality(terms) > 0))"
        ).fetchone()
        if not ready:
            return False
        if search_indexes:
            indexes = {
                name
                for (name,) in conn.execute(
                    "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
                    " AND tablename = 'passages'"
                )
            }
            # An archive may have swapped HNSW for IVFFlat (create_search_indexes).
            if "passages_terms" not in indexes or not indexes & {
                "passages_hnsw",
                "passages_ivfflat",
            }:
                return False
    register_vector_types(conn)
    return True


def create_schema(conn: psycopg.Connection, *, search_indexes: bool = True) -> None:
    """Create the extension, tables and indexes if missing, with generation 0 (empty) current.

    `search_indexes=False` leaves the HNSW and GIN indexes out, for a bulk load that builds
    them afterwards with `create_search_indexes`. Nothing is written when all of it is there
    (`schema_in_place`); SchemaNotWritableError when it is not and may not be made here.
    """
    if schema_in_place(conn, search_indexes=search_indexes):
        return
    try:
        _create_schema(conn, search_indexes=search_indexes)
    except (psycopg.errors.ReadOnlySqlTransaction, psycopg.errors.InsufficientPrivilege) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SchemaNotWritableError(
            f"the database's articlebot tables are missing or incomplete, and this connection"
            f" may not create them ({reason}): run `articlebot index` once against the primary,"
            " as a role that may create tables (and the vector extension), then ask here"
        ) from exc


def _create_schema(conn: psycopg.Connection, *, search_indexes: bool) -> None:
    with conn.transaction():
        # Two processes starting at once would race on CREATE ... IF NOT EXISTS.
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('articlebot_schema'))")
        _refuse_other_tables(conn)
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        conn.execute(_TABLES)
        conn.execute(
            "INSERT INTO articlebot_schema (version, dimension) VALUES (%s, %s)"
            " ON CONFLICT DO NOTHING",
            (SCHEMA_VERSION, DIMENSION),
        )
        version, dimension = conn.execute(
            "SELECT version, dimension FROM articlebot_schema"
        ).fetchone()
        if (version, dimension) != (SCHEMA_VERSION, DIMENSION):
            raise _mismatch(version, dimension)
        conn.execute("INSERT INTO generations (id) VALUES (0) ON CONFLICT DO NOTHING")
        conn.execute(
            "INSERT INTO current_generation (generation) VALUES (0) ON CONFLICT DO NOTHING"
        )
        _add_token_columns(conn)
        _backfill_term_df(conn)
        if search_indexes:
            conn.execute(_TERMS_INDEX)
            conn.execute(HNSW_INDEX)
    register_vector_types(conn)


def _refuse_other_tables(conn: psycopg.Connection) -> None:
    """SchemaMismatchError when tables of articlebot's names are there but not articlebot's
    (no articlebot_schema beside them): another application's "documents" was taken for ours,
    and every command then failed on a column it lacks."""
    # In the schema the tables are created in (the search path's first), not further along
    # it: articlebot in a schema of its own beside another application's public.documents.
    present = conn.execute(
        "SELECT "
        + ", ".join(
            f"to_regclass(quote_ident(current_schema()) || '.{name}') IS NOT NULL"
            for name in _TABLE_NAMES
        )
    ).fetchone()
    if present[_TABLE_NAMES.index("articlebot_schema")]:
        return
    others = [name for name, there in zip(_TABLE_NAMES, present, strict=True) if there]
    if others:
        raise SchemaMismatchError(
            f"the database already has tables named {', '.join(others)} that are not "
            "articlebot's: give articlebot a database of its own (or a schema of its own, "
            "created first, with the vector extension's beside it on the search path: "
            "?options=-csearch_path%3Darticlebot,public in the URL)"
        )


def _add_token_columns(conn: psycopg.Connection) -> None:
    """The sentences' token vector columns, in a database written before they were kept (its
    sentences keep none: NULL, and answering encodes them). Looked up first: ALTER TABLE
    would wait for every reader of the table even when the columns are there."""
    (missing,) = conn.execute(
        "SELECT count(*) < 2 FROM information_schema.columns WHERE table_schema ="
        " current_schema() AND table_name = 'sentences'"
        " AND column_name IN ('token_codes', 'token_scales')"
    ).fetchone()
    if missing:
        conn.execute(
            "ALTER TABLE sentences ADD COLUMN IF NOT EXISTS token_codes bytea,"
            " ADD COLUMN IF NOT EXISTS token_scales bytea"
        )


def _backfill_term_df(conn: psycopg.Connection) -> None:
    """Document frequencies at the current generation for a database written before term_df
    existed (a no-op once it has rows, or while no passage is visible). Taken under the
    writers' lock, so no publish computes its changes from a missing row meanwhile."""
    empty, written = conn.execute(
        "SELECT NOT EXISTS (SELECT FROM term_df), EXISTS (SELECT FROM passages)"
    ).fetchone()
    if not (empty and written):
        return
    (current,) = conn.execute("SELECT generation FROM current_generation FOR UPDATE").fetchone()
    conn.execute(
        "INSERT INTO term_df (term, generation, df)"
        " SELECT t.term, %(g)s, count(*) FROM passages p CROSS JOIN LATERAL unnest(p.terms) t(term)"
        " WHERE p.born <= %(g)s AND (p.died IS NULL OR p.died > %(g)s) GROUP BY t.term",
        {"g": current},
    )


def create_search_indexes(
    conn: psycopg.Connection,
    *,
    maintenance_work_mem: str = "1GB",
    dense: Literal["hnsw", "ivfflat"] | None = "hnsw",
    lists: int | None = None,
) -> None:
    """Build the passages' GIN (keyword) index and a vector index if missing, after a bulk load.

    `dense` is the vector index: HNSW (the schema's own, grows well row by row) or IVFFlat
    with `lists` lists (default sqrt(passages)), which builds several times faster but learns
    its lists from the rows present, so it suits a bulk-loaded archive rebuilt after loads.
    Memory for the whole graph keeps the HNSW build from spilling to disk; two maintenance
    workers build either kind in parallel.
    """
    with conn.transaction():
        conn.execute("SELECT set_config('maintenance_work_mem', %s, true)", (maintenance_work_mem,))
        conn.execute("SELECT set_config('max_parallel_maintenance_workers', '2', true)")
        conn.execute(_TERMS_INDEX)
        if dense == "hnsw":
            conn.execute(HNSW_INDEX)
        elif dense == "ivfflat":
            if lists is None:
                (passages,) = conn.execute("SELECT count(*) FROM passages").fetchone()
                lists = max(1, round(passages**0.5))
            conn.execute(IVFFLAT_INDEX.format(lists=int(lists)))

"""Reading rows by id, and the documents a generation holds."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import psycopg

from articlebot.storage.postgres.rows import StoredDocument, StoredPassage, StoredSentence
from articlebot.storage.postgres.schema import DIMENSION

_VISIBLE = "born <= %(g)s AND (died IS NULL OR died > %(g)s)"


def _in_order(ids: Sequence[int], rows: dict[int, object], what: str) -> list:
    missing = [i for i in ids if i not in rows]
    if missing:
        raise KeyError(f"no {what} with id {missing[:5]}")
    return [rows[i] for i in ids]


def passages(conn: psycopg.Connection, ids: Sequence[int]) -> list[StoredPassage]:
    """Passages by id, in the order asked (KeyError for an unknown id)."""
    rows = conn.execute(
        "SELECT id, doc_id, ordinal, paragraph, start_char, end_char, first_sentence,"
        " sentence_count, text FROM passages WHERE id = ANY(%s)",
        (list(ids),),
    ).fetchall()
    return _in_order(ids, {row[0]: StoredPassage(*row) for row in rows}, "passage")


def sentences(conn: psycopg.Connection, ids: Sequence[int]) -> list[StoredSentence]:
    """Sentences by id with their text, in the order asked (KeyError for an unknown id)."""
    rows = conn.execute(
        "SELECT s.id, s.doc_id, s.ordinal, s.start_char, s.end_char,"
        " substr(d.text, s.start_char + 1, s.end_char - s.start_char)"
        " FROM sentences s JOIN documents d ON d.key = s.doc_key WHERE s.id = ANY(%s)",
        (list(ids),),
    ).fetchall()
    return _in_order(ids, {row[0]: StoredSentence(*row) for row in rows}, "sentence")


def _vectors(conn: psycopg.Connection, table: str, ids: Sequence[int]) -> np.ndarray:
    rows = conn.execute(
        f"SELECT id, embedding FROM {table} WHERE id = ANY(%s)", (list(ids),)
    ).fetchall()
    found = _in_order(ids, dict(rows), table.rstrip("s"))
    if not found:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    return np.stack([vector.to_numpy() for vector in found]).astype(np.float32, copy=False)


def passage_vectors(conn: psycopg.Connection, ids: Sequence[int]) -> np.ndarray:
    """The passages' float32 vectors, one row per id in the order asked."""
    return _vectors(conn, "passages", ids)


def sentence_vectors(conn: psycopg.Connection, ids: Sequence[int]) -> np.ndarray:
    """The sentences' float32 vectors, one row per id in the order asked."""
    return _vectors(conn, "sentences", ids)


def passage_sentence_ids(
    conn: psycopg.Connection, passage_ids: Sequence[int]
) -> dict[int, list[int]]:
    """Each passage's sentence ids, in document order."""
    rows = conn.execute(
        "SELECT p.id, array_agg(s.id ORDER BY s.ordinal) FROM passages p"
        " JOIN sentences s ON s.doc_key = p.doc_key AND s.ordinal >= p.first_sentence"
        " AND s.ordinal < p.first_sentence + p.sentence_count"
        " WHERE p.id = ANY(%s) GROUP BY p.id",
        (list(passage_ids),),
    ).fetchall()
    return {pid: list(ids) for pid, ids in rows}


def document_ids(conn: psycopg.Connection, generation: int) -> list[str]:
    """The doc ids a generation holds, sorted."""
    rows = conn.execute(
        f"SELECT doc_id FROM documents WHERE {_VISIBLE} ORDER BY doc_id", {"g": generation}
    ).fetchall()
    return [doc_id for (doc_id,) in rows]


def sources(conn: psycopg.Connection, generation: int) -> list[str]:
    """The sources of the documents a generation holds, by doc id (their texts left unread)."""
    rows = conn.execute(
        f"SELECT source FROM documents WHERE {_VISIBLE} ORDER BY doc_id", {"g": generation}
    ).fetchall()
    return [source for (source,) in rows]


def documents(
    conn: psycopg.Connection, generation: int, doc_ids: Collection[str] | None = None
) -> list[StoredDocument]:
    """The documents a generation holds (all, or those of `doc_ids` it has), by doc id."""
    where = "" if doc_ids is None else "AND doc_id = ANY(%(ids)s)"
    rows = conn.execute(
        "SELECT key, doc_id, title, text, source, byline, body_start, meta, born"
        f" FROM documents WHERE {_VISIBLE} {where} ORDER BY doc_id",
        {"g": generation, "ids": None if doc_ids is None else list(doc_ids)},
    ).fetchall()
    return [StoredDocument(*row) for row in rows]


def passage_count(conn: psycopg.Connection, generation: int) -> int:
    """How many passages a generation holds."""
    return conn.execute(
        f"SELECT count(*) FROM passages WHERE {_VISIBLE}", {"g": generation}
    ).fetchone()[0]

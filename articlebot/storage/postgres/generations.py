"""Index versions: a writer builds generation g+1 in one transaction and switches the `current`
row in that same transaction, so readers see all of it or none; NOTIFY tells listeners at commit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import psycopg
from psycopg.pq import TransactionStatus
from psycopg.types.json import Jsonb

from articlebot.storage.postgres.copy_binary import use_fast_dumpers
from articlebot.storage.postgres.rows import Generation, NewDocument

#: The channel a published generation's id is announced on.
CHANNEL = "articlebot_generation"

_PASSAGE_COLUMNS = (
    "id, doc_key, doc_id, born, ordinal, paragraph, start_char, end_char, first_sentence,"
    " sentence_count, text, terms, term_counts, length, embedding"
)
_PASSAGE_TYPES = [
    *("int8", "int8", "text", "int4", "int4", "int4", "int4", "int4", "int4", "int4", "text"),
    *("text[]", "int4[]", "int4", "vector"),
]
_SENTENCE_COLUMNS = (
    "id, doc_key, doc_id, ordinal, start_char, end_char, terms, embedding, token_codes,"
    " token_scales"
)
_SENTENCE_TYPES = [
    *("int8", "int8", "text", "int4", "int4", "int4", "text[]", "vector", "bytea", "bytea")
]


class GenerationWriter:
    """Adds and removes documents in one unpublished generation (see `write_generation`)."""

    def __init__(self, conn: psycopg.Connection, generation: int) -> None:
        self.conn = conn
        self.generation = generation
        self._next_key, self._next_passage, self._next_sentence = conn.execute(
            "SELECT (SELECT coalesce(max(key), 0) + 1 FROM documents),"
            " (SELECT coalesce(max(id), 0) + 1 FROM passages),"
            " (SELECT coalesce(max(id), 0) + 1 FROM sentences)"
        ).fetchone()

    def remove(self, doc_ids: Iterable[str]) -> list[str]:
        """Hide these documents from this generation on; returns the ids that were live."""
        rows = self.conn.execute(
            "UPDATE documents SET died = %(g)s WHERE doc_id = ANY(%(ids)s) AND died IS NULL"
            " RETURNING key, doc_id",
            {"g": self.generation, "ids": list(doc_ids)},
        ).fetchall()
        if rows:
            self.conn.execute(
                "UPDATE passages SET died = %s WHERE doc_key = ANY(%s) AND died IS NULL",
                (self.generation, [key for key, _ in rows]),
            )
        return sorted(doc_id for _, doc_id in rows)

    def add(self, documents: Sequence[NewDocument]) -> None:
        """Write documents (replacing live ones with the same doc_id) with COPY."""
        self.remove([doc.doc_id for doc in documents])
        cur = self.conn.cursor()
        use_fast_dumpers(cur, self.conn.adapters.types["vector"].oid)
        keys = range(self._next_key, self._next_key + len(documents))
        self._next_key += len(documents)
        with cur.copy(
            "COPY documents (key, doc_id, born, title, text, source, byline, body_start, meta,"
            " first_passage, passage_count, first_sentence, sentence_count) FROM STDIN"
        ) as copy:
            first_passage, first_sentence = self._next_passage, self._next_sentence
            for key, doc in zip(keys, documents, strict=True):
                copy.write_row(
                    (
                        *(key, doc.doc_id, self.generation, doc.title, doc.text, doc.source),
                        *(doc.byline, doc.body_start, Jsonb(dict(doc.meta))),
                        *(first_passage, len(doc.passages), first_sentence, len(doc.sentences)),
                    )
                )
                first_passage += len(doc.passages)
                first_sentence += len(doc.sentences)
        with cur.copy(f"COPY passages ({_PASSAGE_COLUMNS}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(_PASSAGE_TYPES)
            for key, doc in zip(keys, documents, strict=True):
                for ordinal, passage in enumerate(doc.passages):
                    counts = Counter(passage.terms)
                    copy.write_row(
                        (
                            *(self._next_passage, key, doc.doc_id, self.generation, ordinal),
                            *(passage.paragraph, passage.start, passage.end),
                            *(passage.first_sentence, passage.sentence_count),
                            *(doc.text[passage.start : passage.end], list(counts)),
                            *(list(counts.values()), len(passage.terms), passage.vector),
                        )
                    )
                    self._next_passage += 1
        with cur.copy(f"COPY sentences ({_SENTENCE_COLUMNS}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(_SENTENCE_TYPES)
            for key, doc in zip(keys, documents, strict=True):
                for ordinal, sentence in enumerate(doc.sentences):
                    codes, scales = sentence.token_codes, sentence.token_scales
                    kept = codes is not None and scales is not None
                    copy.write_row(
                        (
                            *(self._next_sentence, key, doc.doc_id, ordinal),
                            *(sentence.start, sentence.end, sorted(set(sentence.terms))),
                            sentence.vector,
                            np.ascontiguousarray(codes, dtype=np.int8).tobytes() if kept else None,
                            np.asarray(scales, dtype="<f4").tobytes() if kept else None,
                        )
                    )
                    self._next_sentence += 1


@contextmanager
def write_generation(
    conn: psycopg.Connection, manifest: Mapping[str, Any] | None = None
) -> Iterator[GenerationWriter]:
    """Build the next generation and publish it when the block ends (nothing on an error).

    Writers queue on the `current` row, so two never build the same generation. `conn` must
    have no transaction open: the publish is this function's commit.
    """
    if conn.info.transaction_status != TransactionStatus.IDLE:
        raise RuntimeError("write_generation needs a connection with no transaction open")
    with conn.transaction():
        previous = conn.execute("SELECT generation FROM current_generation FOR UPDATE").fetchone()[
            0
        ]
        generation = conn.execute("SELECT max(id) + 1 FROM generations").fetchone()[0]
        conn.execute(
            "INSERT INTO generations (id, manifest) VALUES (%s, %s)",
            (generation, Jsonb(dict(manifest or {}))),
        )
        yield GenerationWriter(conn, generation)
        _publish(conn, previous, generation)
        _forget_long_dead(conn)


#: How long the rows of a removed or replaced article stay for readers still pinned to a
#: generation that shows them (a reader moves on at the next NOTIFY; a long `chat` session
#: at its next reload): after that, the next write deletes them, as the index folder forgets
#: a removed article's text by its next write but one.
DEAD_ROWS_KEPT_SECONDS = 600


def _forget_long_dead(conn: psycopg.Connection) -> None:
    """Delete the documents (their passages and sentences with them) that died in a generation
    published more than `DEAD_ROWS_KEPT_SECONDS` ago: a removed article is gone for good, and
    replaced versions do not pile up a copy a write."""
    conn.execute(
        "DELETE FROM documents d USING generations g WHERE d.died = g.id"
        " AND g.created < now() - make_interval(secs => %s)",
        (DEAD_ROWS_KEPT_SECONDS,),
    )


def _publish(conn: psycopg.Connection, previous: int, generation: int) -> None:
    # BM25's statistics follow from the previous generation's and what this one changed.
    conn.execute(
        """
        UPDATE generations AS g SET
            passages = p.passages + added.n - removed.n,
            passage_terms = p.passage_terms + added.length - removed.length
        FROM generations AS p,
            (SELECT count(*) AS n, coalesce(sum(length), 0) AS length
             FROM passages WHERE born = %(g)s AND (died IS NULL OR died > %(g)s)) AS added,
            (SELECT count(*) AS n, coalesce(sum(length), 0) AS length
             FROM passages WHERE died = %(g)s AND born < %(g)s) AS removed
        WHERE g.id = %(g)s AND p.id = %(previous)s
        """,
        {"g": generation, "previous": previous},
    )
    # Each term's df moves by the passages added with it less those removed (a passage's terms
    # are distinct); only the terms that changed get a row for this generation.
    conn.execute(
        """
        INSERT INTO term_df (term, generation, df)
        SELECT d.term, %(g)s, coalesce((
            SELECT t.df FROM term_df t WHERE t.term = d.term AND t.generation < %(g)s
            ORDER BY t.generation DESC LIMIT 1
        ), 0) + d.change
        FROM (
            SELECT term, sum(change) AS change FROM (
                SELECT unnest(terms) AS term, 1 AS change FROM passages
                WHERE born = %(g)s AND (died IS NULL OR died > %(g)s)
                UNION ALL
                SELECT unnest(terms), -1 FROM passages WHERE died = %(g)s AND born < %(g)s
            ) AS changes GROUP BY term HAVING sum(change) <> 0
        ) AS d
        """,
        {"g": generation},
    )
    conn.execute("UPDATE current_generation SET generation = %s", (generation,))
    conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, str(generation)))


def current_generation(conn: psycopg.Connection) -> Generation:
    """The generation readers should pin now."""
    row = conn.execute(
        "SELECT g.id, g.manifest, g.passages, g.passage_terms"
        " FROM current_generation c JOIN generations g ON g.id = c.generation"
    ).fetchone()
    return Generation(*row)


def generation(conn: psycopg.Connection, generation_id: int) -> Generation | None:
    """A generation by id (one a reader pinned earlier), or None if it was never published."""
    row = conn.execute(
        "SELECT id, manifest, passages, passage_terms FROM generations"
        " WHERE id = %s AND id <= (SELECT generation FROM current_generation)",
        (generation_id,),
    ).fetchone()
    return Generation(*row) if row else None


def listen(conn: psycopg.Connection) -> None:
    """Subscribe `conn` (autocommit) to published generations; read them with `next_published`."""
    if not conn.autocommit:
        raise RuntimeError(
            "LISTEN needs an autocommit connection: notifications arrive between transactions"
        )
    conn.execute(f"LISTEN {CHANNEL}")


def next_published(conn: psycopg.Connection, timeout: float) -> int | None:
    """Wait up to `timeout` seconds for a generation to be published; its id, or None."""
    for notify in conn.notifies(timeout=timeout, stop_after=1):
        if notify.channel == CHANNEL:
            return int(notify.payload)
    return None


def prune(conn: psycopg.Connection, before: int) -> int:
    """Delete document versions no generation from `before` on can see; returns how many.

    Only safe once no reader is pinned to a generation older than `before`.
    """
    with conn.transaction():
        deleted = conn.execute(
            "DELETE FROM documents WHERE died IS NOT NULL AND died <= %s", (before,)
        ).rowcount
    return deleted

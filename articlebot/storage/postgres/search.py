"""The two candidate searches the ranking runs, within one pinned generation: dense top-k by inner
product (HNSW, or exact within a few documents) and BM25 over the query's terms, in SQL."""

from __future__ import annotations

import weakref
from collections.abc import Collection, Sequence

import numpy as np
import psycopg
from psycopg.pq import TransactionStatus

from articlebot.storage.postgres.rows import Generation, Hit
from articlebot.storage.postgres.schema import DIMENSION

#: bm25s's defaults, which the local keyword index uses.
BM25_K1 = 1.5
BM25_B = 0.75
#: HNSW candidate list size: recall@5 0.973 at 200,000 passages where 80 gave 0.943
#: (benchmarks/scale_pg.py); larger collections need more.
DEFAULT_EF_SEARCH = 160
#: IVFFlat lists visited per search, where an IVFFlat index is built instead (see schema.py).
DEFAULT_PROBES = 4

#: The search settings each connection last had set for the session: the search is then one
#: round trip (a transaction with SET LOCAL around it cost 1-3 ms more per question). A pool
#: that resets sessions (DISCARD ALL) would need its connections forgotten here.
_SESSION_SETTINGS: weakref.WeakKeyDictionary[psycopg.Connection, tuple[int, int]] = (
    weakref.WeakKeyDictionary()
)

_VISIBLE = "p.born <= %(g)s AND (p.died IS NULL OR p.died > %(g)s)"


def dense_top_k(
    conn: psycopg.Connection,
    generation: int,
    vector: np.ndarray,
    k: int,
    *,
    doc_ids: Collection[str] | None = None,
    ef_search: int = DEFAULT_EF_SEARCH,
    probes: int = DEFAULT_PROBES,
) -> list[Hit]:
    """The k passages with the highest inner product with `vector`, best first.

    Over the whole collection this walks the HNSW index, or the IVFFlat index where that is
    the one built (approximate; `ef_search` / `probes` trade time for recall); within
    `doc_ids` it is exact, as a scope of a few documents is small.
    Scores are exact inner products with the stored float32 vectors either way.
    """
    params = {"g": generation, "q": np.asarray(vector, dtype=np.float32), "k": k}
    if doc_ids is not None:
        params["docs"] = list(doc_ids)
        rows = conn.execute(
            f"SELECT p.id, -(p.embedding <#> %(q)s::vector) FROM passages p"
            f" WHERE {_VISIBLE} AND p.doc_id = ANY(%(docs)s)"
            f" ORDER BY p.embedding <#> %(q)s::vector, p.id LIMIT %(k)s",
            params,
        ).fetchall()
        return [Hit(int(pid), float(score)) for pid, score in rows]
    _use_search_settings(conn, max(ef_search, k), probes)
    cursor = conn.execute(
        f"""
        WITH near AS MATERIALIZED (
            SELECT p.id, p.embedding FROM passages p WHERE {_VISIBLE}
            ORDER BY p.embedding::halfvec({DIMENSION}) <#> %(q)s::halfvec({DIMENSION})
            LIMIT %(k)s
        )
        SELECT id, -(embedding <#> %(q)s::vector) AS score FROM near
        ORDER BY score DESC, id
        """,
        params,
    )
    rows = cursor.fetchall()
    return [Hit(int(pid), float(score)) for pid, score in rows]


def _use_search_settings(conn: psycopg.Connection, ef_search: int, probes: int) -> None:
    """Set the approximate-search settings for the session unless they are set already.

    Rows of other generations are filtered after the index scan; an iterative scan keeps
    looking until k visible ones are found (its relaxed order is re-sorted by the query).
    Both index kinds get their settings: the planner uses whichever index exists.
    """
    wanted = (ef_search, probes)
    if _SESSION_SETTINGS.get(conn) == wanted:
        return
    conn.execute(
        "SELECT set_config('hnsw.ef_search', %s, false),"
        " set_config('hnsw.iterative_scan', 'relaxed_order', false),"
        " set_config('ivfflat.probes', %s, false),"
        " set_config('ivfflat.iterative_scan', 'relaxed_order', false)",
        (str(wanted[0]), str(wanted[1])),
    )
    # A session setting made inside a transaction is undone if it rolls back: remember it
    # only when it took effect at once (autocommit, no transaction open).
    if conn.info.transaction_status == TransactionStatus.IDLE:
        _SESSION_SETTINGS[conn] = wanted


def exact_top_k(conn: psycopg.Connection, generation: int, vector: np.ndarray, k: int) -> list[Hit]:
    """The true k best passages by inner product (a full scan): the reference for recall."""
    rows = conn.execute(
        f"SELECT p.id, -(p.embedding <#> %(q)s::vector) FROM passages p WHERE {_VISIBLE}"
        f" ORDER BY p.embedding <#> %(q)s::vector, p.id LIMIT %(k)s",
        {"g": generation, "q": np.asarray(vector, dtype=np.float32), "k": k},
    ).fetchall()
    return [Hit(int(pid), float(score)) for pid, score in rows]


_BM25 = f"""
WITH q AS MATERIALIZED (
    SELECT term, count(*)::float8 AS repeats FROM unnest(%(terms)s::text[]) AS term GROUP BY term
), postings AS MATERIALIZED (
    -- Every visible passage with each query term (GIN), read once for both df and tf.
    SELECT q.term, q.repeats, p.id, p.doc_id, p.length,
        p.term_counts[array_position(p.terms, q.term)] AS tf
    FROM q JOIN LATERAL (
        SELECT * FROM passages p WHERE p.terms @> ARRAY[q.term] AND {_VISIBLE}
    ) AS p ON true
), weights AS (
    SELECT term, max(repeats) * ln(1 + (%(n)s - count(*) + 0.5) / (count(*) + 0.5)) AS weight
    FROM postings GROUP BY term
)
SELECT po.id, sum(
    w.weight * po.tf / (po.tf + %(k1)s * (1 - %(b)s + %(b)s * po.length / %(avgdl)s))
) AS score
FROM postings po JOIN weights w ON w.term = po.term
WHERE true {{where}}
GROUP BY po.id
ORDER BY score DESC, po.id
{{limit}}
"""


def _bm25_params(generation: Generation, terms: Sequence[str]) -> dict[str, object]:
    return {
        "g": generation.id,
        "terms": list(terms),
        "n": float(generation.passages),
        "avgdl": max(generation.average_length, 1e-9),
        "k1": BM25_K1,
        "b": BM25_B,
    }


def keyword_top_k(
    conn: psycopg.Connection,
    generation: Generation,
    terms: Sequence[str],
    k: int,
    *,
    doc_ids: Collection[str] | None = None,
) -> list[Hit]:
    """The k passages with the highest BM25 (bm25s's Lucene variant) for the query's stemmed
    terms, repeats counting as often as they occur; passages matching no term are left out."""
    if not terms or generation.passages == 0:
        return []
    params = _bm25_params(generation, terms) | {"k": k}
    where = ""
    if doc_ids is not None:
        params["docs"] = list(doc_ids)
        where = "AND po.doc_id = ANY(%(docs)s)"
    rows = conn.execute(_BM25.format(where=where, limit="LIMIT %(k)s"), params).fetchall()
    return [Hit(int(pid), float(score)) for pid, score in rows]


def keyword_scores(
    conn: psycopg.Connection,
    generation: Generation,
    terms: Sequence[str],
    passage_ids: Sequence[int],
) -> dict[int, float]:
    """BM25 of the given passages (those matching no term are absent: their score is 0)."""
    if not terms or not passage_ids or generation.passages == 0:
        return {}
    params = _bm25_params(generation, terms) | {"ids": list(passage_ids)}
    rows = conn.execute(_BM25.format(where="AND po.id = ANY(%(ids)s)", limit=""), params)
    return {int(pid): float(score) for pid, score in rows.fetchall()}

"""The two candidate searches the ranking runs, within one pinned generation: dense top-k by inner
product (HNSW, or exact within a few documents) and BM25 over the query's terms, in SQL."""

from __future__ import annotations

import math
import weakref
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
import psycopg
from psycopg.pq import TransactionStatus

from articlebot.storage.postgres.rows import Generation, Hit
from articlebot.storage.postgres.schema import DIMENSION

#: bm25s's defaults, which the local keyword index uses.
BM25_K1 = 1.5
BM25_B = 0.75
#: HNSW candidate list size: recall@5 0.973 at 200,000 passages where 80 gave 0.943, and 0.949
#: at 1,000,000 where 320 gave 0.963 (benchmarks/scale_pg.py); larger collections need more.
DEFAULT_EF_SEARCH = 160
#: IVFFlat lists visited per search, where an IVFFlat index is built instead (see schema.py):
#: recall@5 0.976 at 100,000 passages (316 lists) and 0.967 at 1,000,000 (1,000 lists).
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


#: A term in at most this share of the passages is "rare": the top-k search reads the postings
#: of the rare terms first and the common ones only if they could still change the top k.
RARE_TERM_SHARE = 0.01


def _bm25_sql(term_count: int, source: str, limit: bool) -> str:
    """BM25 of each passage that `source` selects, from its own term and count arrays (bm25s's
    Lucene variant: idf * tf / (tf + k1 * (1 - b + b * length / avgdl)), summed over the
    query's distinct terms, each weighted by how often the query repeats it). One expression
    per term: a set-returning join per row cost ~30 us a passage."""
    tfs = ", ".join(
        f"p.term_counts[array_position(p.terms, %(t{i})s::text)] AS tf{i}"
        for i in range(term_count)
    )
    score = " + ".join(
        f"coalesce(%(w{i})s * f.tf{i} / (f.tf{i} + f.norm), 0)" for i in range(term_count)
    )
    return f"""
    SELECT p.id, {score} AS score FROM passages p CROSS JOIN LATERAL (
        SELECT {tfs}, %(k1)s * (1 - %(b)s + %(b)s * p.length / %(avgdl)s) AS norm
        OFFSET 0  -- evaluated once per passage, not inlined into each use
    ) AS f
    WHERE {source} AND {_VISIBLE}
    ORDER BY score DESC, p.id
    {"LIMIT %(k)s" if limit else ""}
    """


_BY_TERMS = "p.terms && %(source)s::text[]"
_BY_DOCUMENTS = "p.doc_id = ANY(%(source)s) AND p.terms && %(terms)s::text[]"
_BY_IDS = "p.id = ANY(%(source)s) AND p.terms && %(terms)s::text[]"


def document_frequencies(
    conn: psycopg.Connection, generation: int, terms: Collection[str]
) -> dict[str, int]:
    """How many passages of `generation` hold each term, for the terms some passage holds."""
    rows = conn.execute(
        "SELECT DISTINCT ON (term) term, df FROM term_df"
        " WHERE term = ANY(%(terms)s) AND generation <= %(g)s ORDER BY term, generation DESC",
        {"terms": sorted(set(terms)), "g": generation},
    ).fetchall()
    return {term: int(df) for term, df in rows if df > 0}


def _weights(
    conn: psycopg.Connection, generation: Generation, terms: Sequence[str]
) -> tuple[dict[str, float], dict[str, int]]:
    """Each known query term's BM25 weight (its idf times how often the query has it), and
    its document frequency."""
    df = document_frequencies(conn, generation.id, terms)
    n = float(generation.passages)
    weights = {
        term: terms.count(term) * math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
        for term in sorted(df)
    }
    return weights, df


def _scored(
    conn: psycopg.Connection,
    generation: Generation,
    weights: dict[str, float],
    source: str,
    selection: list[Any],
    k: int | None,
) -> list[Hit]:
    params = {
        "g": generation.id,
        "terms": list(weights),
        **{f"t{i}": term for i, term in enumerate(weights)},
        **{f"w{i}": weight for i, weight in enumerate(weights.values())},
        "avgdl": max(generation.average_length, 1e-9),
        "k1": BM25_K1,
        "b": BM25_B,
        "source": selection,
        "k": k,
    }
    sql = _bm25_sql(len(weights), source, k is not None)
    return [Hit(int(pid), float(score)) for pid, score in conn.execute(sql, params).fetchall()]


def keyword_top_k(
    conn: psycopg.Connection,
    generation: Generation,
    terms: Sequence[str],
    k: int,
    *,
    doc_ids: Collection[str] | None = None,
) -> list[Hit]:
    """The k passages with the highest BM25 (bm25s's Lucene variant) for the query's stemmed
    terms, repeats counting as often as they occur; passages matching no term are left out.

    Exact, but reads the postings of common terms only when needed: the passages with a rare
    term are scored first, and a passage with none of them scores below the sum of the other
    terms' weights (each term adds less than its weight), so when the k-th score found is at
    least that sum, no other passage can enter the top k.
    """
    if not terms or generation.passages == 0 or k <= 0:
        return []
    weights, df = _weights(conn, generation, list(terms))
    if not weights:
        return []
    if doc_ids is not None:
        return _scored(conn, generation, weights, _BY_DOCUMENTS, list(doc_ids), k)
    rarest_first = sorted(weights, key=lambda term: (df[term], term))
    rare = [t for t in rarest_first if df[t] <= RARE_TERM_SHARE * generation.passages]
    rare = rare or rarest_first[:1]
    hits = _scored(conn, generation, weights, _BY_TERMS, rare, k)
    if len(rare) == len(weights):
        return hits
    kth = hits[-1].score if len(hits) == k else 0.0
    if sum(weights[t] for t in weights if t not in rare) <= kth:
        return hits
    return _scored(conn, generation, weights, _BY_TERMS, list(weights), k)


def keyword_scores(
    conn: psycopg.Connection,
    generation: Generation,
    terms: Sequence[str],
    passage_ids: Sequence[int],
) -> dict[int, float]:
    """BM25 of the given passages (those matching no term are absent: their score is 0)."""
    if not terms or not passage_ids or generation.passages == 0:
        return {}
    weights, _ = _weights(conn, generation, list(terms))
    if not weights:
        return {}
    hits = _scored(conn, generation, weights, _BY_IDS, list(passage_ids), None)
    return {h.passage_id: h.score for h in hits}

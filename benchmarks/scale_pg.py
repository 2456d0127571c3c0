"""PostgreSQL + pgvector at scale: N synthetic passages loaded, indexed and searched, beside the
local backend's FAISS IVF index on the same vectors and questions.

    .venv/bin/python benchmarks/scale_pg.py                 # 1,000,000 passages
    .venv/bin/python benchmarks/scale_pg.py --passages 20000

Vectors are clustered (unit-length points around random topic centres) so approximate search has
real neighbourhoods to get wrong; each passage's text is drawn from a Zipf vocabulary with its
topic's own words. Questions are fresh points from the same clusters. Recall@5 is against exact
search over the same float32 vectors. The server is the tests' embedded PostgreSQL (see
tests/postgres.py), started in a temporary folder and removed at the end, unless
--database-url names one (its tables are then replaced).

One run, 1,000,000 passages (`--passages 1000000`, 250 topics), on 2 AMD EPYC cores (avx2, fma,
f16c; no avx512) shared with other work (load average 11-15), output in
benchmarks/results/scale_pg_1m.txt:

    load (COPY binary, published): 449.8 s (2,223 rows/s)
    GIN on terms build: 161.6 s (206 MB); table with b-trees and GIN 2,659 MB
    IVFFlat build (halfvec, lists=1000): 284.9 s; index 786 MB
    pgvector IVFFlat probes=4    p50  12.02 ms  p95  23.25 ms  recall@5 0.967
    pgvector IVFFlat probes=8    p50  18.56 ms  p95  32.04 ms  recall@5 1.000
    PostgreSQL BM25 top-50 (3 terms) p50 259.67 ms  p95 1794.71 ms  (before term_df)
    HNSW build (halfvec, m=16, ef_construction=64): 1761.0 s; index 1116 MB
    pgvector HNSW ef_search=80   p50   9.49 ms  p95  16.11 ms  recall@5 0.903
    pgvector HNSW ef_search=160  p50  13.49 ms  p95  22.26 ms  recall@5 0.949
    pgvector HNSW ef_search=320  p50  16.80 ms  p95  27.20 ms  recall@5 0.963
    FAISS IVF build (nlist 4000, nprobe 32): 517.0 s
    FAISS IVF nprobe=32   p50   2.28 ms  p95   6.31 ms  recall@5 1.000

The whole run takes about an hour on this machine: start it detached.
The load average is printed before each sweep: the latencies depend on it far more than on N.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

if __name__ == "__main__":
    # Run as a file, this folder comes first on sys.path; the package needs the checkout there
    # (else an installed articlebot from another checkout is benchmarked).
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from articlebot.config import prepare_process
from articlebot.storage.postgres.connection import connect
from articlebot.storage.postgres.generations import current_generation, write_generation
from articlebot.storage.postgres.rows import NewDocument, NewPassage
from articlebot.storage.postgres.schema import (
    DIMENSION,
    HNSW_EF_CONSTRUCTION,
    HNSW_M,
    create_schema,
    create_search_indexes,
)
from articlebot.storage.postgres.search import dense_top_k, keyword_top_k

PASSAGES_PER_DOCUMENT = 10
WORDS_PER_PASSAGE = 40
VOCABULARY = 50_000
TOPIC_WORDS = 30
#: The most frequent words, which the keyword tokenizer drops as stop words.
STOP_WORDS = 100
INTRINSIC_DIMENSION = 32
WORDS = [f"w{i}" for i in range(VOCABULARY)]


@dataclass(frozen=True)
class Corpus:
    """Synthetic passages: vectors, their clusters, and a way to make each one's words."""

    vectors: np.ndarray
    clusters: np.ndarray
    topic_words: np.ndarray
    seed: int

    def words(self, start: int, stop: int) -> list[list[str]]:
        """Passages start..stop's words: Zipf-distributed words past the stop words (word rank
        r has frequency ~ r^-1.3), and a third from each passage's topic."""
        rng = np.random.default_rng((self.seed, start))
        shape = (stop - start, WORDS_PER_PASSAGE)
        ranks = STOP_WORDS * (1 - rng.random(shape)) ** (-1 / 0.3)
        common = np.where(ranks < VOCABULARY, ranks, rng.integers(STOP_WORDS, VOCABULARY, shape))
        topics = self.topic_words[self.clusters[start:stop]]
        picks = rng.integers(0, TOPIC_WORDS, (stop - start, WORDS_PER_PASSAGE // 3))
        ids = np.concatenate([common.astype(np.int64), np.take_along_axis(topics, picks, 1)], 1)
        return [[WORDS[i] for i in row] for row in ids.tolist()]


def unit_rows(x: np.ndarray) -> np.ndarray:
    """Each row scaled to length 1."""
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@dataclass(frozen=True)
class Space:
    """Where the vectors live: topic centres, plus a shared low-dimensional subspace of
    variation (sentence embeddings vary along far fewer directions than they have)."""

    centres: np.ndarray
    basis: np.ndarray
    spread: float

    def sample(self, labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Unit vectors around the centres of `labels`."""
        z = rng.standard_normal((len(labels), self.basis.shape[0])).astype(np.float32)
        eps = rng.standard_normal((len(labels), DIMENSION)).astype(np.float32)
        along = z @ self.basis / np.sqrt(self.basis.shape[0])
        return unit_rows(
            self.centres[labels] + self.spread * along + 0.2 * eps / np.sqrt(DIMENSION)
        )


def make_corpus(n: int, clusters: int, spread: float, seed: int) -> tuple[Corpus, Space]:
    """`n` clustered unit vectors and the space they were drawn from (to draw questions)."""
    rng = np.random.default_rng(seed)
    space = Space(
        unit_rows(rng.standard_normal((clusters, DIMENSION))),
        unit_rows(rng.standard_normal((INTRINSIC_DIMENSION, DIMENSION))),
        spread,
    )
    labels = rng.integers(0, clusters, n)
    vectors = np.empty((n, DIMENSION), dtype=np.float32)
    for start in range(0, n, 100_000):
        stop = min(n, start + 100_000)
        vectors[start:stop] = space.sample(labels[start:stop], rng)
    topic_words = rng.integers(STOP_WORDS, VOCABULARY, (clusters, TOPIC_WORDS))
    return Corpus(vectors, labels, topic_words, seed), space


def documents(corpus: Corpus, start: int, stop: int) -> Iterator[NewDocument]:
    """Passages start..stop as documents of PASSAGES_PER_DOCUMENT passages each."""
    block = corpus.words(start, stop)
    for first in range(start, stop, PASSAGES_PER_DOCUMENT):
        texts, passages, offset = [], [], 0
        last = min(stop, first + PASSAGES_PER_DOCUMENT)
        for i in range(first, last):
            words = block[i - start]
            text = " ".join(words)
            passages.append(
                NewPassage(0, offset, offset + len(text), 0, 0, tuple(words), corpus.vectors[i])
            )
            texts.append(text)
            offset += len(text) + 2
        yield NewDocument(
            doc_id=f"doc{first // PASSAGES_PER_DOCUMENT}",
            title="",
            text="\n\n".join(texts),
            source="synthetic",
            passages=tuple(passages),
            sentences=(),
        )


def exact_top_k(vectors: np.ndarray, questions: np.ndarray, k: int) -> np.ndarray:
    """Row numbers of each question's k highest inner products, by brute force."""
    out = np.empty((len(questions), k), dtype=np.int64)
    for start in range(0, len(questions), 50):
        scores = questions[start : start + 50] @ vectors.T
        out[start : start + 50] = np.argpartition(-scores, k, axis=1)[:, :k]
    return out


def percentiles(seconds: list[float]) -> str:
    """p50/p95 in milliseconds."""
    ms = np.asarray(seconds) * 1000
    return f"p50 {np.percentile(ms, 50):6.2f} ms  p95 {np.percentile(ms, 95):6.2f} ms"


def cpu_flags() -> str:
    """The CPU model and its vector instruction flags, from /proc/cpuinfo."""
    model, flags = platform.processor() or "?", []
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name") and model in ("?", "x86_64", ""):
                model = line.split(":", 1)[1].strip()
            if line.startswith("flags"):
                wanted = ("sse4", "avx", "fma", "f16c", "amx")
                flags = [f for f in line.split(":", 1)[1].split() if f.startswith(wanted)]
                break
    except OSError:
        pass
    return f"{model}; {os.cpu_count()} CPUs; flags: {' '.join(flags)}"


def load_average() -> str:
    """The machine's 1, 5 and 15-minute load averages (other work shares these cores)."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def start_server(base: Path) -> tuple[str, object]:
    """The tests' embedded PostgreSQL, with memory for the table and a 1M-passage HNSW graph."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from postgres import start_postgres

    server = start_postgres(base, settings=SERVER_SETTINGS)
    return server.url, server


#: For the benchmark's own server only (24 GB machine shared with other work): the table,
#: the GIN index and one vector index stay in shared buffers; the HNSW graph (~1.2 GB at 1M)
#: is built in memory; WAL is minimal (the tables are loaded in the transaction that fills
#: them, and the data is thrown away afterwards).
SERVER_SETTINGS = {
    "shared_buffers": "4GB",
    "maintenance_work_mem": "4GB",
    "max_parallel_maintenance_workers": "2",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "16GB",
    "checkpoint_timeout": "1h",
    "autovacuum": "off",
}


def relation_size(conn, name: str) -> str:
    """A table's or index's size on disk, in words."""
    return conn.execute("SELECT pg_size_pretty(pg_total_relation_size(%s))", (name,)).fetchone()[0]


def timed(label: str, action) -> float:
    """Run `action`, print how long it took, and return the seconds."""
    t = time.perf_counter()
    action()
    seconds = time.perf_counter() - t
    print(f"{label}: {seconds:.1f} s")
    return seconds


def load(conn, corpus: Corpus, n: int) -> None:
    """Replace the tables with N passages through the product's writer (COPY binary), then
    build the keyword index (the vector indexes come later, one kind at a time)."""
    conn.execute("DROP TABLE IF EXISTS sentences, passages, documents CASCADE")
    conn.execute("DROP TABLE IF EXISTS current_generation, generations CASCADE")
    conn.execute("DROP TABLE IF EXISTS articlebot_schema, term_df")
    create_schema(conn, search_indexes=False)
    t = time.perf_counter()
    with write_generation(conn, {"benchmark": "scale_pg"}) as writer:
        step = 20_000
        for start in range(0, n, step):
            writer.add(list(documents(corpus, start, min(n, start + step))))
    load_s = time.perf_counter() - t
    print(f"load (COPY binary, published): {load_s:.1f} s ({n / load_s:,.0f} rows/s)")
    timed("VACUUM ANALYZE", lambda: conn.execute("VACUUM ANALYZE passages"))
    timed(
        "GIN on terms build",
        lambda: create_search_indexes(conn, maintenance_work_mem="4GB", dense=None),
    )
    print(
        f"table passages {relation_size(conn, 'passages')} with its b-trees and GIN; GIN on "
        f"terms {relation_size(conn, 'passages_terms')}"
    )


def dense_sweep(conn, label: str, questions, truth, k: int, **settings: list[int]) -> None:
    """p50/p95 and recall@k of the product's dense search at each value of one setting."""
    ((name, values),) = settings.items()
    print(f"load average: {load_average()}")
    generation = current_generation(conn).id
    dense_top_k(conn, generation, questions[0], k)  # warm the connection and the index
    for value in values:
        times, recall = [], []
        for q, want in zip(questions, truth, strict=True):
            t = time.perf_counter()
            hits = dense_top_k(conn, generation, q, k, **{name: value})
            times.append(time.perf_counter() - t)
            recall.append(len(want & {h.passage_id for h in hits}) / k)
        print(f"{label} {name}={value:<4d} {percentiles(times)}  recall@{k} {np.mean(recall):.3f}")


def bm25_side(conn, corpus: Corpus, q_labels: np.ndarray, n: int, seed: int) -> None:
    """The product's BM25 top-50 in SQL for three-term questions: one word of a random
    passage (often a common one) and two of the question's topic words."""
    rng = np.random.default_rng(seed + 2)
    generation = current_generation(conn)
    print(f"load average: {load_average()}")
    times, found = [], []
    for i, label in enumerate(q_labels):
        at = int(rng.integers(0, n))
        (words,) = corpus.words(at, at + 1)
        terms = [*words[:1], *(f"w{w}" for w in corpus.topic_words[label][i % 3 : 2 + i % 3])]
        t = time.perf_counter()
        hits = keyword_top_k(conn, generation, terms, 50)
        times.append(time.perf_counter() - t)
        found.append(len(hits))
    print(
        f"PostgreSQL BM25 top-50 (3 terms) {percentiles(times)}  (mean {np.mean(found):.0f} hits)"
    )


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument(
        "--clusters", type=int, default=0, help="topics (default: sqrt(passages) / 4)"
    )
    parser.add_argument("--spread", type=float, default=1.0, help="variation around each centre")
    parser.add_argument("--lists", type=int, default=0, help="IVFFlat lists (default: sqrt(N))")
    parser.add_argument("--probes", default="4,8,16,32", help="ivfflat.probes values")
    parser.add_argument("--ef-search", default="40,80,160,320", help="hnsw.ef_search values")
    parser.add_argument("--no-hnsw", action="store_true", help="skip the (slow) HNSW build")
    parser.add_argument("--database-url", help="an existing database (default: start one)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    prepare_process()
    sys.stdout.reconfigure(line_buffering=True)  # a detached run's file shows progress
    # A stopped run still stops its server and removes its data (finally blocks run).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    n, k = args.passages, 5
    clusters = args.clusters or max(10, int(np.sqrt(n) / 4))
    lists = args.lists or max(1, round(np.sqrt(n)))
    print(f"CPU: {cpu_flags()}")
    print(f"load average: {load_average()}")
    print(f"passages: {n:,}  clusters: {clusters:,}  questions: {args.queries}  k: {k}")

    t = time.perf_counter()
    corpus, space = make_corpus(n, clusters, args.spread, args.seed)
    rng = np.random.default_rng(args.seed + 1)
    q_labels = rng.integers(0, clusters, args.queries)
    questions = space.sample(q_labels, rng)
    exact = exact_top_k(corpus.vectors, questions, k)
    print(f"generated vectors and exact top-{k} in {time.perf_counter() - t:.1f} s")

    base = Path(tempfile.mkdtemp(prefix="articlebot-scale-pg-"))
    server = None
    try:
        url = args.database_url
        if url is None:
            url, server = start_server(base)
        with connect(url) as conn:
            load(conn, corpus, n)
            ids = np.array(
                [
                    pid
                    for (pid,) in conn.execute(
                        "SELECT id FROM passages ORDER BY doc_key, ordinal"
                    ).fetchall()
                ]
            )
            truth = [set(ids[row].tolist()) for row in exact]
            seconds = timed(
                f"IVFFlat build (halfvec, lists={lists})",
                lambda: create_search_indexes(
                    conn, maintenance_work_mem="4GB", dense="ivfflat", lists=lists
                ),
            )
            print(f"IVFFlat index {relation_size(conn, 'passages_ivfflat')} ({seconds:.0f} s)")
            probes = [int(x) for x in args.probes.split(",")]
            dense_sweep(conn, "pgvector IVFFlat", questions, truth, k, probes=probes)
            bm25_side(conn, corpus, q_labels, n, args.seed)
            if not args.no_hnsw:
                conn.execute("DROP INDEX passages_ivfflat")
                seconds = timed(
                    f"HNSW build (halfvec, m={HNSW_M}, ef_construction={HNSW_EF_CONSTRUCTION})",
                    lambda: create_search_indexes(conn, maintenance_work_mem="4GB"),
                )
                print(f"HNSW index {relation_size(conn, 'passages_hnsw')} ({seconds:.0f} s)")
                ef = [int(x) for x in args.ef_search.split(",")]
                dense_sweep(conn, "pgvector HNSW", questions, truth, k, ef_search=ef)
        faiss_side(corpus.vectors, questions, exact, k)
    finally:
        if server is not None:
            from postgres import stop_postgres

            stop_postgres(server)
        shutil.rmtree(base, ignore_errors=True)


def faiss_side(vectors: np.ndarray, questions: np.ndarray, exact: np.ndarray, k: int) -> None:
    """The local backend's IVF index over the same vectors and questions."""
    import faiss

    from articlebot.index.dense import build_dense_index

    t = time.perf_counter()
    index = build_dense_index(vectors, exact_limit=0)
    print(
        f"FAISS IVF build (nlist {index.nlist}, nprobe {index.nprobe}): "
        f"{time.perf_counter() - t:.1f} s"
    )
    faiss.omp_set_num_threads(1)
    times, recall = [], []
    for q, want in zip(questions, exact, strict=True):
        t = time.perf_counter()
        _, found = index.search(q[None, :], k)
        times.append(time.perf_counter() - t)
        recall.append(len(set(want.tolist()) & set(found[0].tolist())) / k)
    mean_recall = np.mean(recall)
    print(f"FAISS IVF nprobe={index.nprobe:<4d} {percentiles(times)}  recall@{k} {mean_recall:.3f}")


if __name__ == "__main__":
    main()

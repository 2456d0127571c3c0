"""The large-scale section: an approximate FAISS index over a million synthetic vectors, and
a bm25s index over a hundred thousand recombined passages (each run as a child process)."""

from __future__ import annotations

import math
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.inputs import dev_corpus
from benchmarks.machine import cpu_count, peak_rss_mb, rss_mb
from benchmarks.progress import log
from benchmarks.stats import ms_stats
from benchmarks.synthetic import Mixture, paragraph_sentences, recombined_passages

DIM = 384
CHUNK = 100_000
K = 5
#: Points of the HNSW pilot build, which tells whether a full HNSW build is reasonable here.
PILOT_POINTS = 50_000

pc = time.perf_counter


def exact_truth(mix: Mixture, n: int, queries: np.ndarray, cores: int) -> dict[str, Any]:
    """Exact top-K of the queries with IndexFlatIP, one chunk at a time (bounded memory), and
    exact search's single-query latency; the generation time of the data on its own."""
    import faiss

    start = pc()
    best_d: np.ndarray = np.full((len(queries), K), -np.inf, dtype=np.float32)
    best_i: np.ndarray = np.full((len(queries), K), -1, dtype=np.int64)
    single = np.zeros(min(20, len(queries)))
    for offset, x in mix.chunks(n, CHUNK):
        flat = faiss.IndexFlatIP(DIM)
        flat.add(x)
        d, i = flat.search(queries, K)
        # A few single queries with one thread, summed over the chunks: exact search's latency.
        faiss.omp_set_num_threads(1)
        for row in range(len(single)):
            t = pc()
            flat.search(queries[row : row + 1], K)
            single[row] += pc() - t
        faiss.omp_set_num_threads(cores)
        all_d = np.concatenate([best_d, d], axis=1)
        all_i = np.concatenate([best_i, i + offset], axis=1)
        top = np.argsort(-all_d, axis=1, kind="stable")[:, :K]
        best_d = np.take_along_axis(all_d, top, axis=1)
        best_i = np.take_along_axis(all_i, top, axis=1)
        del flat, x
    exact_s = pc() - start
    start = pc()
    for _ in mix.chunks(n, CHUNK):
        pass
    return {
        "truth": best_i,
        "generate_1M_s": pc() - start,
        "exact_batch_s": exact_s,
        "exact_single_query": ms_stats(single.tolist()),
    }


def hnsw_pilot(mix: Mixture, n: int) -> dict[str, Any]:
    """An HNSW32 build over the first points, and the full build's time projected from it."""
    import faiss

    pilot_n = min(PILOT_POINTS, n)
    x0 = mix.chunk(0, pilot_n)
    hnsw = faiss.IndexHNSWFlat(DIM, 32, faiss.METRIC_INNER_PRODUCT)
    start = pc()
    hnsw.add(x0)
    pilot_s = pc() - start
    # HNSW insertion cost grows roughly with log(n): scale the pilot's time accordingly.
    projected = pilot_s * (n / pilot_n) * (math.log(n) / math.log(pilot_n))
    return {"points": pilot_n, "build_s": pilot_s, "projected_full_build_s": projected}


def build_approximate(mix: Mixture, n: int, kind: str, nlist: int) -> dict[str, Any]:
    """The approximate index over all points, with its build times (generation included) and
    the knob its searches are swept over."""
    import faiss

    train_s = 0.0
    index: Any
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(DIM, 32, faiss.METRIC_INNER_PRODUCT)
        knobs = [("efSearch", v) for v in (16, 32, 64, 128, 256)]
        description = "IndexHNSWFlat(M=32, efConstruction=40), inner product"
    else:
        quantizer = faiss.IndexFlatIP(DIM)
        index = faiss.IndexIVFFlat(quantizer, DIM, nlist, faiss.METRIC_INNER_PRODUCT)
        train_n = min(CHUNK, n)
        sample = mix.chunk(0, train_n)  # the first chunk: a random sample of the mixture
        start = pc()
        index.train(sample)
        train_s = pc() - start
        del sample
        knobs = [("nprobe", v) for v in (1, 4, 16, 64, 256) if v <= nlist]
        description = f"IndexIVFFlat(nlist={nlist}), inner product, trained on {train_n:,} points"
    start = pc()
    for _, x in mix.chunks(n, CHUNK):
        index.add(x)
    add_s = pc() - start
    return {
        "index": index,
        "knobs": knobs,
        "description": description,
        "train_s": train_s,
        "add_s": add_s,
    }


def search_sweep(
    index: Any, kind: str, knobs: list[tuple[str, int]], queries: np.ndarray, truth: np.ndarray
) -> list[dict[str, Any]]:
    """Single-query latency and recall@K against the exact top-K, at each value of the knob."""
    import faiss

    faiss.omp_set_num_threads(1)  # single queries, as articlebot searches
    rows = []
    for name, value in knobs:
        if kind == "hnsw":
            index.hnsw.efSearch = value
        else:
            index.nprobe = value
        for q in queries[:10]:
            index.search(q.reshape(1, -1), K)
        times: list[float] = []
        found: np.ndarray = np.empty((len(queries), K), dtype=np.int64)
        for row, q in enumerate(queries):
            start = pc()
            _, ids = index.search(q.reshape(1, -1), K)
            times.append(pc() - start)
            found[row] = ids[0]
        recall = np.mean([len(set(found[r]) & set(truth[r])) / K for r in range(len(queries))])
        rows.append({name: value, **ms_stats(times), "recall@5": float(recall)})
    return rows


def large_vectors(args: dict[str, Any]) -> dict[str, Any]:
    """A child: an approximate index over `n` clustered vectors, its build, memory, latency
    and recall@5."""
    import faiss

    n, kind = int(args["n"]), args["index"]
    cores = cpu_count()
    mix = Mixture(DIM, int(args["centres"]), float(args["noise"]), seed=1234)
    queries = mix.queries(int(args["queries"]))
    faiss.omp_set_num_threads(cores)
    exact = exact_truth(mix, n, queries, cores)
    log(f"large: exact top-{K} for {len(queries)} queries in {exact['exact_batch_s']:.1f} s")
    pilot = hnsw_pilot(mix, n)
    log(
        f"large: HNSW32 pilot {pilot['points']} points in {pilot['build_s']:.1f} s "
        f"(~{pilot['projected_full_build_s']:.0f} s for {n})"
    )
    rss_before = rss_mb()
    built = build_approximate(mix, n, kind, int(args["nlist"]))
    # The add loop also generates the chunks: take the generation time back out.
    add_s = max(built["add_s"] - exact["generate_1M_s"], 0.0)
    rss_index = rss_mb() - rss_before
    log(f"large: {kind} built in {built['train_s'] + add_s:.1f} s")
    return {
        "n": n,
        "dim": DIM,
        "centres": int(args["centres"]),
        "noise_norm": float(args["noise"]),
        "queries": len(queries),
        "threads_build": cores,
        "generate_1M_s": exact["generate_1M_s"],
        "exact_batch_s": exact["exact_batch_s"],
        "exact_single_query": exact["exact_single_query"],
        "hnsw_pilot": pilot,
        "index": kind,
        "description": built["description"],
        "train_s": built["train_s"],
        "add_s": add_s,
        "build_s": built["train_s"] + add_s,
        "rss_index_mb": rss_index,
        "raw_vectors_mb": n * DIM * 4 / 2**20,
        "search": search_sweep(built["index"], kind, built["knobs"], queries, exact["truth"]),
        "peak_rss_mb": peak_rss_mb(),
    }


def keyword_query_times(index: Any, questions: list[str], top: int = 50) -> list[float]:
    """Seconds to score each question as a started bot does: term ids, scores, top `top`."""
    for q in questions[:10]:
        index.scores_for_ids(sorted(set(index.term_ids([q])[0])))
    times = []
    for q in questions:
        start = pc()
        ids = sorted(set(index.term_ids([q])[0]))
        scores = index.scores_for_ids(ids)
        np.argpartition(-scores, top - 1)[:top]
        times.append(pc() - start)
    return times


def large_keyword(args: dict[str, Any]) -> dict[str, Any]:
    """A child: bm25s over `n` passages recombined from the corpus's sentences."""
    from articlebot.index.keyword import KeywordIndex

    documents, questions, _ = dev_corpus(Path(args["xquad"]), Path(args["distractors"]))
    sentences = paragraph_sentences(documents)
    n = int(args["n"])
    texts = recombined_passages(sentences, n)
    chars = sum(len(t) for t in texts)
    rss_before = rss_mb()
    start = pc()
    built = KeywordIndex.build(texts)
    build_s = pc() - start
    rss_after = rss_mb()
    # Questions are scored the way a started bot scores them: from the saved folder, mapped.
    folder = Path(tempfile.mkdtemp(prefix="keyword-"))
    try:
        built.save(folder)
        start = pc()
        index = KeywordIndex.load(folder, n)
        load_s = pc() - start
        times = keyword_query_times(index, [q.q for q in questions][: int(args["queries"])])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "passages": n,
        "source_sentences": len(sentences),
        "chars": chars,
        "vocabulary": len(index.vocab),
        "build_s": build_s,
        "load_s": load_s,
        "passages_per_s": n / build_s,
        "rss_index_mb": rss_after - rss_before,
        "peak_rss_mb": peak_rss_mb(),
        "query": ms_stats(times),
    }

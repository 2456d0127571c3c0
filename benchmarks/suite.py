"""The benchmark's two runs, step by step: the default run (articlebot and the baseline on the
dev corpus) and the large-scale run (synthetic data)."""

from __future__ import annotations

import argparse
import random
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from benchmarks import baseline, measures
from benchmarks.cold import cold_starts
from benchmarks.harness import ServedChild, run_child
from benchmarks.inputs import cache_env, dev_corpus, prepare_encoder, run_settings
from benchmarks.progress import log
from benchmarks.stats import ratio

if TYPE_CHECKING:
    from articlebot.retrieval.retriever import Retriever

#: The two question paths of articlebot measured: name and whether the encoder is int8.
ENCODERS = (("onnx", False), ("int8", True))


@dataclass(frozen=True, slots=True)
class DefaultRun:
    """What every step of the default run works from."""

    args: argparse.Namespace
    work: Path
    documents: list[Any]
    eval_questions: list[Any]
    xquad_documents: int
    #: The questions timed, a fixed shuffle of the eval questions.
    subset: list[str]

    @property
    def index(self) -> Path:
        """The XQuAD + news index every in-process step answers from."""
        return self.work / "index"

    def corpus_paths(self) -> dict[str, str]:
        """The corpus files, as child processes are told them."""
        return {"xquad": str(self.args.xquad), "distractors": str(self.args.distractors)}

    def settings(self, quantized: bool = False) -> Any:
        """articlebot's settings over the run's index."""
        return run_settings(self.work, index_dir=self.index, quantized=quantized)


def start_default(args: argparse.Namespace, work: Path) -> DefaultRun:
    """The corpus and the questions timed."""
    documents, eval_questions, n_xquad = dev_corpus(args.xquad, args.distractors)
    order = list(range(len(eval_questions)))
    random.Random(0).shuffle(order)
    subset = [eval_questions[i].q for i in order[: args.questions]]
    return DefaultRun(args, work, documents, eval_questions, n_xquad, subset)


def build_step(run: DefaultRun, results: dict[str, Any]) -> None:
    """4. The index, built in a fresh process (the other steps answer from it)."""
    log("4. building the XQuAD + news index in a fresh process")
    payload = {"index_dir": str(run.index), "work": str(run.work), **run.corpus_paths()}
    build = run_child("build", payload, run.work)
    results["build"] = build
    log(f"   {build['summary']} in {build['build_s']:.1f} s")
    results["corpus"] = {
        "documents": len(run.documents),
        "xquad_documents": run.xquad_documents,
        "passages": build["passages"],
        "sentences": build["sentences"],
        "questions": len(run.eval_questions),
        "timed": len(run.subset),
    }


def cold_start_step(run: DefaultRun, results: dict[str, Any]) -> None:
    """1. Fresh `articlebot ask` processes."""
    log("1. cold starts")
    repeats = run.args.cold_repeats
    cold = cold_starts(run.subset[0], run.index, run.work, repeats, cache_env(run.work))
    results["cold_start"] = {**cold, "repeats": repeats, "question": run.subset[0]}


def latency_step(run: DefaultRun, name: str, quantized: bool) -> dict[str, Any]:
    """2. One encoder's per-question latency by stage, and its hit rates."""
    log(f"2. latency, {name} encoder")
    retriever, lat = measures.articlebot_latency(
        run.settings(quantized), run.subset, run.args.warmup
    )
    lat["encoder_class"] = type(retriever.encoder).__name__
    lat["hits"] = measures.hit_rates(
        run.eval_questions, lambda q: retriever.ask(q, top_k=5).passages
    )
    return lat


def latency_notes(int8_open_s: float) -> list[str]:
    """What the latency table's stages and floor are."""
    return [
        "search = dense top-50 (numpy over the vectors while exact, FAISS IVF past that) + the "
        "keyword match (bm25s term ids/scores/top-50, the terms' sentence postings); fusion = "
        "ranking stages (sentence scores, fusion, near-copies, highlights)",
        "floor = encoder.encode([question]) alone, timed just before or just after each "
        "question's path (alternately)",
        f"int8: the quantized model encodes the questions; the index's vectors are the ones the "
        f"fp32 build made (int8 model made and opened in {int8_open_s:.2f} s)",
    ]


def html_answer(retriever: Retriever) -> Callable[[str], str]:
    """The bot's path for one question: the retriever's answer, as HTML."""
    from articlebot.bot.render import answer_html

    return lambda question: answer_html(retriever.ask(question))


def throughput_step(run: DefaultRun) -> dict[str, Any]:
    """3. articlebot answering one at a time, then many askers through the bot's queue."""
    from articlebot.bot.questions import QuestionQueue
    from articlebot.bot.render import answer_html
    from articlebot.collection import open_retriever
    from articlebot.retrieval.conversation import Request, answer_requests

    log(f"3. throughput, {run.args.concurrency} concurrent askers")
    settings = run.settings()
    served = open_retriever(settings)
    batch_sizes: list[int] = []

    def answer_batch(requests: Sequence[Request]) -> Any:
        batch_sizes.append(len(requests))
        return answer_requests(served, requests)

    # As the bot answers: questions that arrive together are answered in batches.
    queue = QuestionQueue(answer_batch, max_batch=settings.question_batch)

    async def ask_queued(question: str) -> str:
        answer, _ = await queue.ask(Request(question))
        return answer_html(answer)

    figures = measures.throughput(
        html_answer(served),
        ask_queued,
        run.subset,
        serial_n=len(run.subset),
        total=run.args.total,
        workers=run.args.concurrency,
    )
    figures["batches"] = {
        "runs": len(batch_sizes),
        "mean_size": statistics.fmean(batch_sizes) if batch_sizes else None,
    }
    return figures


def articlebot_steps(run: DefaultRun, results: dict[str, Any]) -> None:
    """2 and 3: latency with each encoder, throughput with the fp32 one in between."""
    latency: dict[str, Any] = {}
    results["latency"] = latency
    for name, quantized in ENCODERS:
        latency[name] = latency_step(run, name, quantized)
        if name == "onnx":
            results["throughput"] = throughput_step(run)
    latency["notes"] = latency_notes(latency["int8"]["open_s"])


def baseline_payload(run: DefaultRun) -> dict[str, Any]:
    """What the baseline's processes are told: the corpus, the first question, where the cold
    start leaves its vectors."""
    return {
        **run.corpus_paths(),
        "question": run.subset[0],
        "save_vectors": str(run.work / "baseline-vectors.npy"),
    }


def baseline_cold_step(run: DefaultRun) -> tuple[dict[str, Any], dict[str, Any]]:
    """5. The baseline's cold start in fresh processes, and its build (the cold start's
    chunking, embedding and IndexFlatIP.add phases)."""
    log("5. baseline: cold start in a fresh process")
    payload = baseline_payload(run)
    runs = [run_child("baseline-cold", payload, run.work) for _ in range(run.args.baseline_repeats)]
    walls = [r["process_wall_s"] * 1000 for r in runs]
    answers = [r["process_first_output_s"] * 1000 for r in runs]
    cold = dict(runs[0])
    cold["summary"] = {
        "answer_median_ms": statistics.median(answers),
        "answer_min_ms": min(answers),
        "median_ms": statistics.median(walls),
        "min_ms": min(walls),
        "runs_ms": walls,
        "peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in runs),
    }
    build = {
        "build_s": statistics.median(r["chunk_s"] + r["embed_index_s"] for r in runs),
        "embed_s": statistics.median(r["embed_index_s"] for r in runs),
        "passages": cold["chunks"],
        "texts_embedded": cold["chunks"],
        "documents": cold["documents"],
        "peak_rss_mb": cold["summary"]["peak_rss_mb"],
    }
    return cold, build


def side_by_side_step(run: DefaultRun) -> dict[str, Any]:
    """5. The baseline (in a process of its own), fp32 and int8 in alternating blocks."""
    from articlebot.collection import open_retriever

    log("5. side by side: the baseline (in a process of its own), fp32 and int8 in turn")
    warmup = run.subset[: run.args.warmup]
    ours = {name: open_retriever(run.settings(quantized)) for name, quantized in ENCODERS}
    for retriever in ours.values():
        for q in warmup:
            retriever.ask(q)
    payload = baseline_payload(run)
    payload.update(vectors=payload["save_vectors"], warmup=warmup)
    server = ServedChild("baseline-serve", payload, run.work)
    paths: dict[str, Callable[[Sequence[str]], list[float]]] = {
        "baseline": lambda questions: list(server.ask(list(questions)))
    }
    for name, retriever in ours.items():
        paths[name] = measures.timed_each(html_answer(retriever))
    try:
        return measures.interleaved_latency(paths, run.subset)
    finally:
        server.close()


def baseline_in_process(run: DefaultRun, faiss_threads: int) -> dict[str, Any]:
    """5. The baseline's latency, hit rates and throughput (torch in this process)."""
    import asyncio
    import time

    log("5. baseline: latency, hits, throughput")
    start = time.perf_counter()
    import faiss
    import sentence_transformers  # noqa: F401  (timed as the baseline's import)
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    imported = time.perf_counter()
    faiss.omp_set_num_threads(faiss_threads)  # the library default: nothing tuned
    model = baseline.load_model()
    loaded = time.perf_counter()
    chunks = baseline.fixed_chunks(run.documents)
    saved = run.work / "baseline-vectors.npy"
    # What the cold-start process embedded, with the same model and chunks.
    vectors = np.load(saved) if saved.is_file() else baseline.embed(model, [c.text for c in chunks])
    naive = baseline.NaiveBaseline(model, chunks, vectors)
    built = time.perf_counter()
    latency = measures.baseline_latency(naive, run.subset, run.args.warmup)
    log("baseline: hit rates on all questions")
    by_question = naive.top_chunks([q.q for q in run.eval_questions])
    hits = measures.hit_rates(run.eval_questions, lambda q: by_question[q])
    log(f"baseline: throughput, {run.args.concurrency} concurrent askers")
    # A naive bot hands each question to a worker thread (asyncio.to_thread), nothing more.
    tput = measures.throughput(
        naive.ask,
        lambda q: asyncio.to_thread(naive.ask, q),
        run.subset,
        serial_n=len(run.subset),
        total=run.args.total,
        workers=run.args.concurrency,
    )
    return {
        "import_s": imported - start,
        "load_model_s": loaded - imported,
        "chunks": len(chunks),
        "index_s": built - loaded,
        "latency": {**latency, "hits": hits},
        "throughput": tput,
    }


def comparison(results: dict[str, Any]) -> dict[str, float]:
    """articlebot's figures over the baseline's."""
    ours, base = results["latency"]["onnx"], results["baseline"]["latency"]
    side = results["baseline"]["side_by_side"]
    cold, base_cold = results["cold_start"], results["baseline"]["cold_start"]["summary"]
    tput, base_tput = results["throughput"], results["baseline"]["throughput"]
    build, base_build = results["build"], results["baseline"]["build"]
    return {
        "latency_speedup": ratio(base["total"]["median_ms"], ours["total"]["median_ms"]),
        "latency_speedup_p95": ratio(base["total"]["p95_ms"], ours["total"]["p95_ms"]),
        "latency_speedup_side_by_side": side["speedup"]["onnx"],
        "int8_speedup_side_by_side": side["speedup"]["int8"],
        "cold_start_ratio_saved": ratio(
            base_cold["answer_median_ms"], cold["saved_index"]["answer_median_ms"]
        ),
        "cold_start_ratio_no_index": ratio(
            base_cold["answer_median_ms"], cold["no_index"]["answer_median_ms"]
        ),
        "throughput_ratio": ratio(tput["concurrent_qps"], base_tput["concurrent_qps"]),
        "serial_throughput_ratio": ratio(tput["serial_qps"], base_tput["serial_qps"]),
        "build_rate_ratio": ratio(
            build["passages"] / build["build_s"], base_build["passages"] / base_build["build_s"]
        ),
        "hit1_difference": ours["hits"]["hit@1"] - base["hits"]["hit@1"],
        "hit5_difference": ours["hits"]["hit@5"] - base["hits"]["hit@5"],
    }


def baseline_steps(run: DefaultRun, results: dict[str, Any], faiss_threads: int) -> None:
    """5. The baseline: cold start, side by side with articlebot, then in this process."""
    cold, build = baseline_cold_step(run)
    side_by_side = side_by_side_step(run)
    base = baseline_in_process(run, faiss_threads)
    results["baseline"] = {
        "cold_start": cold,
        "build": build,
        "latency": base["latency"],
        "throughput": base["throughput"],
        "side_by_side": side_by_side,
        "in_process": {k: base[k] for k in ("import_s", "load_model_s", "chunks", "index_s")},
    }
    results["corpus"]["baseline_chunks"] = base["chunks"]


def run_default(args: argparse.Namespace, results: dict[str, Any], work: Path) -> None:
    """articlebot and the baseline on the dev corpus: sections 1 to 5 of the report."""
    import faiss

    run = start_default(args, work)
    log("preparing the ONNX export")
    results["setup"] = {"encoder_ready_s": prepare_encoder(work)}
    build_step(run, results)
    cold_start_step(run, results)
    faiss_threads = faiss.omp_get_max_threads()  # the library's default, before articlebot's
    articlebot_steps(run, results)
    baseline_steps(run, results, faiss_threads)
    results["comparison"] = comparison(results)


def run_large(args: argparse.Namespace, results: dict[str, Any], work: Path) -> None:
    """Synthetic data at scale: section 6 of the report."""
    large: dict[str, Any] = {}
    results["large"] = large
    log(f"6. large: {args.large_n:,} vectors ({args.large_index})")
    vectors = {
        "n": args.large_n,
        "centres": args.centres,
        "noise": args.noise,
        "queries": args.large_queries,
        "nlist": args.nlist,
        "index": args.large_index,
    }
    large["vectors"] = run_child("large-vectors", vectors, work, timeout=3600)
    log(f"6. large: bm25s over {args.keyword_passages:,} passages")
    keyword = {
        "n": args.keyword_passages,
        "queries": args.large_queries,
        "xquad": str(args.xquad),
        "distractors": str(args.distractors),
    }
    large["keyword"] = run_child("large-keyword", keyword, work, timeout=3600)

"""Measurements of answering questions in this process: each stage's time beside the bare
encoder, hit rates, throughput under concurrent askers, and systems side by side."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from benchmarks.stats import ms_stats, ratio, share

if TYPE_CHECKING:
    from articlebot.config import Settings
    from articlebot.retrieval.retriever import Retriever
    from benchmarks.baseline import NaiveBaseline

pc = time.perf_counter

#: The stages that are searches.
SEARCH_STAGES = ("dense", "keyword")
#: Stages that are neither the encoder, a search, ranking nor formatting: only the total holds
#: them. Every other stage the retriever reports is a step of ranking, shown as fusion.
UNRANKED_STAGES = ("spelling",)
#: Every row of a question's split, in the order the report shows them.
PATH_ROWS = ("encode", "dense", "keyword", "search", "fusion", "rank", "format", "total")


class StageClock:
    """Adds up the seconds reported for each stage (a `Retriever`'s `on_stage` hook) until
    they are taken."""

    def __init__(self) -> None:
        self._seconds: dict[str, float] = {}

    def __call__(self, stage: str, seconds: float) -> None:
        self._seconds[stage] = self._seconds.get(stage, 0.0) + seconds

    def take(self) -> dict[str, float]:
        """The seconds reported since the last take, by stage."""
        taken, self._seconds = self._seconds, {}
        return taken


def path_rows(stages: dict[str, float], total: float) -> dict[str, float]:
    """A question's stage seconds as the report's rows (`PATH_ROWS`)."""
    search = sum(stages.get(name, 0.0) for name in SEARCH_STAGES)
    fusion = sum(
        seconds
        for name, seconds in stages.items()
        if name not in ("encode", "format", *SEARCH_STAGES, *UNRANKED_STAGES)
    )
    return {
        "encode": stages.get("encode", 0.0),
        "dense": stages.get("dense", 0.0),
        "keyword": stages.get("keyword", 0.0),
        "search": search,
        "fusion": fusion,
        "rank": search + fusion,
        "format": stages.get("format", 0.0),
        "total": total,
    }


def floor_seconds(retriever: Retriever, question: str) -> float:
    """The bare encoder on one question: what no path can beat."""
    from articlebot.retrieval.retriever import normalize_question

    text = normalize_question(question, retriever.max_question_chars)
    start = pc()
    retriever.encoder.encode([text])
    return pc() - start


def articlebot_latency(
    settings: Settings, questions: Sequence[str], warmup: int
) -> tuple[Retriever, dict[str, Any]]:
    """A retriever opened with `settings`, and each question's time from text to HTML answer
    split into its stages, with the bare encoder floor timed beside it."""
    from articlebot.bot.render import answer_html
    from articlebot.collection import make_retriever, open_retriever

    clock = StageClock()
    start = pc()
    opened_retriever = open_retriever(settings)
    opened = pc() - start
    retriever = make_retriever(
        settings, opened_retriever.index, opened_retriever.encoder, on_stage=clock
    )
    for q in questions[:warmup]:
        answer_html(retriever.ask(q))
    clock.take()
    rows: dict[str, list[float]] = {key: [] for key in PATH_ROWS}
    floor = []
    for number, q in enumerate(questions):
        # The floor, interleaved with the path so that both see the same machine load; before
        # the path for one question, after it for the next, as each warms the other's caches.
        if number % 2 == 0:
            floor.append(floor_seconds(retriever, q))
        t0 = pc()
        answer = retriever.ask(q)
        t4 = pc()
        answer_html(answer)
        t5 = pc()
        clock("format", t5 - t4)
        for key, seconds in path_rows(clock.take(), t5 - t0).items():
            rows[key].append(seconds)
        if number % 2 == 1:
            floor.append(floor_seconds(retriever, q))
    result: dict[str, Any] = {key: ms_stats(values) for key, values in rows.items()}
    result["floor"] = ms_stats(floor)
    result["path_over_floor"] = ratio(result["total"]["median_ms"], result["floor"]["median_ms"])
    result["open_s"] = opened
    return retriever, result


def baseline_latency(
    baseline: NaiveBaseline, questions: Sequence[str], warmup: int
) -> dict[str, Any]:
    """The baseline's time per question, split into encoding (its floor) and search."""
    for q in questions[:warmup]:
        baseline.ask(q)
    encode_t, search_t, total_t = [], [], []
    for q in questions:
        t0 = pc()
        vector = baseline.encode(q)
        t1 = pc()
        found = baseline.search(vector)
        _ = found[0].text if found else ""
        t2 = pc()
        encode_t.append(t1 - t0)
        search_t.append(t2 - t1)
        total_t.append(t2 - t0)
    latency: dict[str, Any] = {
        "encode": ms_stats(encode_t),
        "search": ms_stats(search_t),
        "total": ms_stats(total_t),
        "floor": ms_stats(encode_t),
    }
    latency["path_over_floor"] = ratio(latency["total"]["median_ms"], latency["floor"]["median_ms"])
    return latency


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
    return {"hit@1": share(h1), "hit@5": share(h5), "questions": len(questions)}


def serial_rate(ask: Callable[[str], Any], questions: Sequence[str], n: int) -> dict[str, Any]:
    """`n` questions asked one at a time: their rate and latencies."""
    times = []
    start = pc()
    for i in range(n):
        t = pc()
        ask(questions[i % len(questions)])
        times.append(pc() - t)
    return {"qps": n / (pc() - start), "latency": ms_stats(times)}


def concurrent_rate(
    ask_async: Callable[[str], Awaitable[Any]], questions: Sequence[str], total: int, workers: int
) -> dict[str, Any]:
    """`workers` askers on one event loop sharing `total` questions: their rate and latencies."""

    async def run() -> tuple[float, list[float]]:
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

    seconds, latencies = asyncio.run(run())
    return {"qps": total / seconds, "latency": ms_stats(latencies)}


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
    serial = serial_rate(ask, questions, serial_n)
    concurrent = concurrent_rate(ask_async, questions, total, workers)
    return {
        "serial_questions": serial_n,
        "serial_qps": serial["qps"],
        "serial_latency": serial["latency"],
        "workers": workers,
        "concurrent_questions": total,
        "concurrent_qps": concurrent["qps"],
        "concurrent_latency": concurrent["latency"],
        "concurrent_over_serial": concurrent["qps"] / serial["qps"],
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

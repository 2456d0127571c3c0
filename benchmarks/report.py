"""The benchmark's report: every figure of a run as plain-text tables, section by section."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.baseline import BASELINE_CHUNK_CHARS

#: How the report writes each kind of figure.
FORMATS: dict[str, str] = {
    "ms": "{:,.2f} ms",
    "x": "{:,.2f}×",
    "s": "{:,.2f} s",
    "mb": "{:,.0f} MiB",
    "rate": "{:,.1f}/s",
    "qps": "{:,.1f} q/s",
    "int": "{:,}",
    "pct": "{:.1f}%",
}


def fmt(value: Any, kind: str = "ms") -> str:
    """`value` as the report writes a figure of `kind` (— when missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if kind not in FORMATS:
        return str(value)
    if kind == "pct":
        value = 100 * value
    elif kind == "int":
        value = int(value)
    return FORMATS[kind].format(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], indent: int = 2) -> str:
    """A table with a rule under its headers, the first column left-aligned, the rest right."""
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


def per_system(
    ours: dict[str, Any], base: dict[str, Any] | None, cells: Callable[[dict[str, Any]], list[str]]
) -> list[list[str]]:
    """A row for articlebot and one for the baseline (when it ran): the name, then `cells`."""
    return [[name, *cells(r)] for name, r in (("articlebot (onnx)", ours), ("baseline", base)) if r]


def header(results: dict[str, Any]) -> list[str]:
    """Title, machine, load and corpus."""
    meta = results["meta"]
    out = [
        "articlebot benchmark",
        "=" * 20,
        f"{meta['date']}  {meta['cpus']} CPUs  python {meta['python']}  "
        f"onnxruntime {meta.get('onnxruntime', '?')}  faiss {meta.get('faiss', '?')}  "
        f"torch {meta.get('torch', '?')}  commit {meta.get('commit', '?')}",
        f"load average at start {meta['load_start']}, at end {meta.get('load_end')} "
        "(other jobs on the machine skew every figure)",
    ]
    if "corpus" in results:
        c = results["corpus"]
        out.append(
            f"corpus: {c['documents']} documents ({c['xquad_documents']} XQuAD + "
            f"{c['documents'] - c['xquad_documents']} news), {c['passages']} passages, "
            f"{c['sentences']} sentences; {c['questions']} questions, {c['timed']} timed per "
            f"loop; baseline: {c.get('baseline_chunks', '?')} chunks of "
            f"{BASELINE_CHUNK_CHARS} characters"
        )
    return [*out, ""]


def cold_start_section(results: dict[str, Any]) -> list[str]:
    """1. Fresh processes answering one question."""
    cs = results["cold_start"]
    base = results.get("baseline", {}).get("cold_start")
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
        rows.append([f"baseline: import, embed {base['chunks']} chunks, answer", base["summary"]])
    out = [
        f"1. Cold start: a fresh process answers one question (median of {cs['repeats']})",
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
        ),
    ]
    opened = results.get("latency", {}).get("onnx", {}).get("open_s")
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
    return [*out, ""]


#: The rows of the latency table: (label, key of the stage's figures).
LATENCY_STAGES = (
    ("encoding", "encode"),
    ("search: dense (exact: numpy)", "dense"),
    ("search: bm25s", "keyword"),
    ("search (both)", "search"),
    ("fusion (ranking stages)", "fusion"),
    ("formatting (answer_html)", "format"),
    ("total per question", "total"),
    ("floor: bare encoder, 1 question", "floor"),
)


def latency_section(results: dict[str, Any]) -> list[str]:
    """2. Per-question latency by stage, for each encoder and the baseline."""
    lat = results["latency"]
    base = results.get("baseline", {}).get("latency")
    columns = {name: lat[name] for name in ("onnx", "int8") if name in lat}
    if base:
        columns["baseline"] = base
    headers = ["stage"]
    for name in columns:
        headers += [f"{name} median", f"{name} p95"]
    rows = []
    for label, key in LATENCY_STAGES:
        row = [label]
        for data in columns.values():
            s = data.get(key)
            row += [fmt(s["median_ms"]), fmt(s["p95_ms"])] if s else ["—", "—"]
        rows.append(row)
    row = ["total / floor (medians)"]
    for data in columns.values():
        row += [fmt(data["path_over_floor"], "x"), ""]
    rows.append(row)
    for metric in ("hit@1", "hit@5"):
        row = [f"{metric} ({results['corpus']['questions']} questions)"]
        for data in columns.values():
            row += [fmt(data["hits"][metric], "pct"), ""]
        rows.append(row)
    out = [
        f"2. Per-question latency, one at a time ({results['corpus']['timed']} questions)",
        table(headers, rows),
        *(f"  {note}" for note in lat.get("notes", [])),
    ]
    return [*out, ""]


def throughput_section(results: dict[str, Any]) -> list[str]:
    """3. Questions per second, one at a time and with many askers."""
    tp = results["throughput"]
    base = results.get("baseline", {}).get("throughput")
    rows = per_system(
        tp,
        base,
        lambda t: [
            fmt(t["serial_qps"], "qps"),
            fmt(t["concurrent_qps"], "qps"),
            fmt(t["concurrent_over_serial"], "x"),
            fmt(t["concurrent_latency"]["median_ms"]),
            fmt(t["concurrent_latency"]["p95_ms"]),
        ],
    )
    out = [
        f"3. Throughput: {tp['workers']} askers on one event loop sharing "
        f"{tp['concurrent_questions']} "
        f"questions vs one at a time ({tp['serial_questions']})",
        table(
            ["system", "one at a time", "concurrent", "ratio", "latency med", "latency p95"],
            rows,
        ),
    ]
    batches = tp.get("batches") or {}
    if batches.get("runs"):
        out.append(
            f"  articlebot as the bot answers: concurrent questions went in "
            f"{batches['runs']} batches (mean {batches['mean_size']:.1f} questions each); "
            "the baseline hands each question to asyncio.to_thread"
        )
    return [*out, ""]


def build_section(results: dict[str, Any]) -> list[str]:
    """4. The index build from scratch."""
    b = results["build"]
    base = results.get("baseline", {}).get("build")
    rows = per_system(
        b,
        base,
        lambda r: [
            fmt(r["passages"], "int"),
            fmt(r["texts_embedded"], "int"),
            fmt(r["build_s"], "s"),
            fmt(r["passages"] / r["build_s"], "rate"),
            fmt(r["texts_embedded"] / r["build_s"], "rate"),
            fmt(r.get("embed_s", math.nan) / r["build_s"], "pct"),
            fmt(r["peak_rss_mb"], "mb"),
        ],
    )
    headers = [
        "system",
        "passages",
        "texts embedded",
        "build time",
        "passages/s",
        "texts/s",
        "embedding share",
        "peak RSS",
    ]
    return [
        "4. Index build from scratch (separate process; peak RSS of that process)",
        table(headers, rows),
        "  articlebot embeds every passage and every sentence (for highlights); the "
        "baseline embeds its chunks only",
        "",
    ]


#: The rows of the comparison table: (label, key, format).
COMPARISONS = (
    ("latency speed-up (baseline median / articlebot median)", "latency_speedup", "x"),
    ("latency speed-up at p95", "latency_speedup_p95", "x"),
    (
        "latency speed-up, side by side (alternating blocks of 20 questions)",
        "latency_speedup_side_by_side",
        "x",
    ),
    ("int8 latency speed-up, side by side", "int8_speedup_side_by_side", "x"),
    (
        "cold start to answer, saved index (baseline / articlebot)",
        "cold_start_ratio_saved",
        "x",
    ),
    (
        "cold start to answer, no index (baseline / articlebot)",
        "cold_start_ratio_no_index",
        "x",
    ),
    ("throughput, concurrent (articlebot / baseline)", "throughput_ratio", "x"),
    ("throughput, one at a time (articlebot / baseline)", "serial_throughput_ratio", "x"),
    ("build passages/s (articlebot / baseline)", "build_rate_ratio", "x"),
    ("hit@1 (articlebot − baseline, points)", "hit1_difference", "points"),
    ("hit@5 (articlebot − baseline, points)", "hit5_difference", "points"),
)


def comparison_section(results: dict[str, Any]) -> list[str]:
    """5. articlebot's figures over the baseline's."""
    cmp_ = results["comparison"]
    rows = [
        [label, f"{100 * cmp_[key]:+.1f}" if kind == "points" else fmt(cmp_.get(key), kind)]
        for label, key, kind in COMPARISONS
    ]
    out = ["5. articlebot vs the naive baseline", table(["figure", "value"], rows)]
    side = results.get("baseline", {}).get("side_by_side")
    if side:
        medians = ", ".join(
            f"{name} {fmt(side[name]['median_ms'])}" for name in side if name != "speedup"
        )
        out.append(f"  side by side, median per question: {medians}")
    return [*out, ""]


def vectors_section(v: dict[str, Any]) -> list[str]:
    """6a. The approximate index over synthetic vectors."""
    pilot = v["hnsw_pilot"]
    figures = [
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
    ]
    knob = "efSearch" if v["index"] == "hnsw" else "nprobe"
    sweep = [
        [str(r[knob]), fmt(r["median_ms"]), fmt(r["p95_ms"]), f"{r['recall@5']:.3f}"]
        for r in v["search"]
    ]
    return [
        f"  {v['n']:,} synthetic {v['dim']}-d unit vectors ({v['centres']:,} clusters, "
        f"noise length {v['noise_norm']}); {v['queries']} queries from the same mixture",
        f"  HNSW32 pilot: {pilot['points']:,} points in {fmt(pilot['build_s'], 's')} → "
        f"~{fmt(pilot['projected_full_build_s'], 's')} projected for {v['n']:,} "
        f"({v['index'].upper()} build here: {fmt(v['build_s'], 's')})",
        f"  built: {v['description']}",
        table(["figure", "value"], figures, indent=4),
        "",
        table([knob, "median (1 query, 1 thread)", "p95", "recall@5"], sweep, indent=4),
        "    (clusters of synthetic points are easier to search than real embeddings: "
        "read the recall as an upper bound)",
        "",
    ]


def keyword_section(kw: dict[str, Any]) -> list[str]:
    """6b. The keyword index over recombined passages."""
    figures = [
        ["build", fmt(kw["build_s"], "s")],
        ["load the saved folder (memory-mapped)", fmt(kw.get("load_s"), "s")],
        ["passages/s", fmt(kw["passages_per_s"], "rate")],
        ["index memory (RSS growth)", fmt(kw["rss_index_mb"], "mb")],
        ["peak RSS of the process", fmt(kw["peak_rss_mb"], "mb")],
        ["query: term ids + scores_for_ids + top 50, median", fmt(kw["query"]["median_ms"])],
        ["query p95", fmt(kw["query"]["p95_ms"])],
    ]
    return [
        f"  bm25s KeywordIndex over {kw['passages']:,} passages recombined from "
        f"{kw['source_sentences']:,} corpus sentences ({kw['chars'] / 1e6:.1f} M "
        f"characters, vocabulary {kw['vocabulary']:,})",
        table(["figure", "value"], figures, indent=4),
        "    (the vocabulary is the source sentences', so posting lists are longer "
        "than for 100k distinct articles)",
    ]


def large_section(results: dict[str, Any]) -> list[str]:
    """6. Large scale: whichever of its two parts ran."""
    large = results["large"]
    out = ["6. Large scale"]
    if large.get("vectors"):
        out += vectors_section(large["vectors"])
    if large.get("keyword"):
        out += keyword_section(large["keyword"])
    return [*out, ""]


#: The report's sections, in order, each shown when its figures are in the results.
SECTIONS = (
    ("cold_start", cold_start_section),
    ("latency", latency_section),
    ("throughput", throughput_section),
    ("build", build_section),
    ("comparison", comparison_section),
    ("large", large_section),
)


def render(results: dict[str, Any]) -> str:
    """The whole report of a run's `results`."""
    out = header(results)
    for key, section in SECTIONS:
        if key in results:
            out += section(results)
    out.append(f"total benchmark time: {fmt(results['meta'].get('elapsed_s'), 's')}")
    return "\n".join(out)

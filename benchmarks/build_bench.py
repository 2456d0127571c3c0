#!/usr/bin/env python
"""Index build throughput and memory, on the CPU or a GPU, with `articlebot index` itself.

    python benchmarks/build_bench.py [--device cuda] [--documents 20000] [--json out.json]

1. The dev corpus (XQuAD + the news distractors) built in a fresh process with `--device`;
   with a GPU, the vectors are compared with a CPU (ONNX) build of the same corpus.
2. A synthetic corpus of real sentences recombined into `--documents` documents, written as one
   .jsonl file, built twice (a tenth of it, then all of it): the build streams, so its peak
   memory should hardly grow with the corpus.

Each build runs in a fresh `python -m articlebot index` process; its peak RSS is read from
/proc. Progress goes to stderr, the report to stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

if __name__ == "__main__":
    # Run as a file, this folder comes first on sys.path; the package needs the checkout there.
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks.harness import timed_process
from benchmarks.inputs import DEFAULT_DISTRACTORS, DEFAULT_XQUAD, cache_env, prepare_encoder
from benchmarks.progress import log
from benchmarks.report import fmt, table
from benchmarks.synthetic import synthetic_corpus


def build(paths: list[Path], index_dir: Path, device: str, work: Path) -> dict[str, Any]:
    """Run `articlebot index` in a fresh process; wall time, peak RSS and what it reported."""
    argv = ["-m", "articlebot", "index", "--rebuild", "--index-dir", str(index_dir)]
    # The run's cache holds the ONNX export, made once as a user's cache would hold it.
    run = timed_process(
        [*argv, "--device", device, *map(str, paths)], work, timeout=3600, env=cache_env(work)
    )
    from articlebot.index.store import read_manifest

    manifest = read_manifest(index_dir)
    return {
        "wall_s": run.wall_s,
        "peak_rss_mb": run.peak_rss_mb,
        "documents": len(manifest.documents),
        "passages": manifest.passages,
        "sentences": manifest.sentences,
        "summary": run.stdout.strip().splitlines()[-1],
    }


def compare_vectors(a: Path, b: Path) -> dict[str, float]:
    """Cosine of each passage and sentence vector of index `a` with the same row of `b`."""
    from articlebot.storage.local_index import load_index

    x, y = load_index(a), load_index(b)
    if [p.start for p in x.passages] != [p.start for p in y.passages]:
        raise RuntimeError("the two builds chunked the corpus differently")
    passages = np.sum(np.asarray(x.passage_vectors) * np.asarray(y.passage_vectors), axis=1)
    sentences = np.sum(np.asarray(x.sentence_vectors) * np.asarray(y.sentence_vectors), axis=1)
    return {
        "passages_min_cos": float(passages.min()),
        "passages_mean_cos": float(passages.mean()),
        "sentences_min_cos": float(sentences.min()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="cpu", help="torch device for building (cpu, cuda)")
    parser.add_argument("--documents", type=int, default=20_000, help="synthetic documents")
    parser.add_argument("--xquad", type=Path, default=DEFAULT_XQUAD)
    parser.add_argument("--distractors", type=Path, default=DEFAULT_DISTRACTORS)
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    args = parser.parse_args(argv)

    results: dict[str, Any] = {"device": args.device}
    with tempfile.TemporaryDirectory(prefix="build-bench-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        dev = [args.xquad, args.distractors]
        prepare_encoder(work)
        log(f"dev corpus, --device {args.device}")
        results["dev"] = build(dev, work / "dev", args.device, work)
        if args.device != "cpu":
            log("dev corpus, --device cpu (ONNX), to compare vectors")
            results["dev_cpu"] = build(dev, work / "dev-cpu", "cpu", work)
            results["agreement"] = compare_vectors(work / "dev", work / "dev-cpu")
        corpus = work / "synthetic.jsonl"
        synthetic_corpus(dev, args.documents, corpus)
        tenth = work / "synthetic-tenth.jsonl"
        with corpus.open(encoding="utf-8") as src, tenth.open("w", encoding="utf-8") as dst:
            for i, line in enumerate(src):
                if i >= args.documents // 10:
                    break
                dst.write(line)
        for name, path in (("synthetic_tenth", tenth), ("synthetic", corpus)):
            log(f"{name}: building {path.name}, --device {args.device}")
            results[name] = build([path], work / name, args.device, work)
            results[name]["file_mb"] = path.stat().st_size / 2**20

    rows = []
    for key, label in (
        ("dev", f"dev corpus, --device {args.device}"),
        ("dev_cpu", "dev corpus, --device cpu (ONNX)"),
        ("synthetic_tenth", "synthetic corpus, a tenth"),
        ("synthetic", "synthetic corpus"),
    ):
        r = results.get(key)
        if r is None:
            continue
        texts = r["passages"] + r["sentences"]
        rows.append(
            [
                label,
                fmt(r["documents"], "int"),
                fmt(r["passages"], "int"),
                fmt(r["wall_s"], "s"),
                fmt(r["passages"] / r["wall_s"], "rate"),
                fmt(texts / r["wall_s"], "rate"),
                fmt(r["peak_rss_mb"], "mb"),
            ]
        )
    print(f"Index build (a fresh `articlebot index --rebuild` process each; device {args.device})")
    print(
        table(
            ["corpus", "documents", "passages", "wall", "passages/s", "texts/s", "peak RSS"], rows
        )
    )
    print("  wall includes start-up and model loading; texts = passages + sentences embedded")
    if "agreement" in results:
        a = results["agreement"]
        print(
            f"  {args.device} vs cpu vectors: passages min cosine {a['passages_min_cos']:.5f} "
            f"(mean {a['passages_mean_cos']:.6f}), sentences min {a['sentences_min_cos']:.5f}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

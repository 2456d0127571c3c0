"""What keeping the sentences' token vectors costs, and late interaction with them (#14).

    .venv/bin/python scripts/token_vectors_cost.py [--shared ../shared] [--questions 200]

For the 21 reader articles and for XQuAD + the news distractors: the build time, the index's
size and the token vectors' share of it; then the time per question through the retriever
with late interaction off and on, side by side in alternating blocks of 20 questions (the
machine is shared: both see the same load). Prints the CPU's vector flags first.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from articlebot.collection import load_encoder, make_retriever, update_index
from articlebot.config import load_settings
from articlebot.evaluation import load_eval_file
from articlebot.ingest.documents import read_documents

ROOT = Path(__file__).resolve().parents[1]
FLAGS = ("avx2", "avx512f", "avx512_vnni", "amx_int8")


def cpu_flags() -> str:
    """The CPU's vector instruction flags that change the encoder's speed."""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("flags"):
            return " ".join(f for f in line.split(":", 1)[1].split() if f in FLAGS)
    return "?"


def sizes(index_dir: Path) -> tuple[int, int]:
    """Bytes of the live generation's token vector files, and of the whole generation."""
    generation = next(p for p in index_dir.iterdir() if p.name.startswith("gen-"))
    files = [f for f in generation.rglob("*") if f.is_file()]
    tokens = sum(f.stat().st_size for f in files if f.name.startswith("sentence_token"))
    return tokens, sum(f.stat().st_size for f in files)


def main() -> None:
    """Build each corpus, then time questions with late interaction off and on."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--questions", type=int, default=200)
    args = parser.parse_args()
    print("cpu flags:", cpu_flags())
    encoder = load_encoder(load_settings())
    reader = load_eval_file(ROOT / "eval" / "reader_dev.jsonl")
    xquad = load_eval_file(args.shared / "eval" / "xquad_dev.jsonl")
    news = read_documents([ROOT / "eval" / "distractors_news.jsonl"])
    corpora = (
        ("reader, 21 articles", reader.documents, reader.questions),
        ("XQuAD + news", xquad.documents + news, xquad.questions),
    )
    for name, documents, questions in corpora:
        asked = [q.q for q in questions][: args.questions]
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            data, _ = update_index(load_settings(index_dir=Path(tmp)), encoder, documents)
            built = time.perf_counter() - started
            tokens, total = sizes(Path(tmp))
            print(
                f"{name}: built in {built:.1f} s; index {total / 2**20:.1f} MiB, of which "
                f"token vectors {tokens / 2**20:.1f} MiB"
            )
            retrievers = {
                on: make_retriever(
                    load_settings(index_dir=Path(tmp), late_interaction=on), data, encoder
                )
                for on in (False, True)
            }
            for retriever in retrievers.values():
                for question in asked[:10]:  # the speller, made on the first question
                    retriever.ask(question)
            times: dict[bool, list[float]] = {False: [], True: []}
            for block in range(0, len(asked), 20):
                for on, retriever in retrievers.items():
                    for question in asked[block : block + 20]:
                        started = time.perf_counter()
                        retriever.ask(question)
                        times[on].append(time.perf_counter() - started)
            for on, seconds in times.items():
                seconds.sort()
                print(
                    f"  late interaction {'on ' if on else 'off'}: median "
                    f"{1000 * statistics.median(seconds):.1f} ms, "
                    f"p90 {1000 * seconds[int(0.9 * len(seconds))]:.1f} ms"
                )


if __name__ == "__main__":
    main()

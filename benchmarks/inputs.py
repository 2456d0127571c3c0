"""What a run starts from: the dev corpus, and the ONNX export in a cache of the run's own."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks.machine import REPO

if TYPE_CHECKING:
    from articlebot.config import Settings

DEFAULT_XQUAD = REPO.parent / "shared" / "eval" / "xquad_dev.jsonl"
DEFAULT_DISTRACTORS = REPO / "eval" / "distractors_news.jsonl"


def dev_corpus(xquad: Path, distractors: Path) -> tuple[list[Any], list[Any], int]:
    """(documents, XQuAD questions, number of XQuAD documents)."""
    from articlebot.evaluation import load_eval_file
    from articlebot.ingest.documents import read_documents

    eval_set = load_eval_file(xquad)
    documents = list(eval_set.documents) + read_documents([distractors])
    return documents, list(eval_set.questions), len(eval_set.documents)


def run_cache(work: Path) -> Path:
    """The cache folder of a run's articlebot (ARTICLEBOT_CACHE_DIR): its ONNX export lives
    there, so the run neither reads nor writes the user's."""
    return work / "cache"


def cache_env(work: Path) -> dict[str, str]:
    """The environment that points a measured articlebot process at the run's cache."""
    return {"ARTICLEBOT_CACHE_DIR": str(run_cache(work))}


def run_settings(work: Path, **overrides: Any) -> Settings:
    """articlebot's settings for this run (its cache, and `overrides`)."""
    from articlebot.config import load_settings

    return load_settings(cache_dir=run_cache(work), **overrides)


def prepare_encoder(work: Path) -> float:
    """Put the ONNX export in the run's cache (copied from the user's cache when there is one)
    and return the seconds it took to be ready."""
    from articlebot.collection import load_encoder
    from articlebot.config import load_settings
    from articlebot.encoders import encoder_cache_dir

    settings = run_settings(work, index_dir=work / "prepared")
    target = encoder_cache_dir(settings)
    cached = encoder_cache_dir(load_settings())
    if (cached / "encoder.json").is_file() and not target.exists():
        shutil.copytree(cached, target)
    start = time.perf_counter()
    load_encoder(settings)  # exports (needs torch, ~15 s) unless the copy is current
    return time.perf_counter() - start

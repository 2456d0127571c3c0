"""Keeping a folder's ONNX export current: exported again when the model's files change, its
optimized and int8 copies made when missing."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from filelock import FileLock, Timeout

from articlebot.encoders.model_source import (
    local_model_folder,
    model_source_hash,
    model_source_stat,
)
from articlebot.encoders.onnx import (
    CONFIG_FILE,
    MODEL_FILE,
    QUANTIZED_MODEL_FILE,
    TOKENIZER_FILE,
    OnnxExportError,
    current_prepared_model,
    read_export_info,
)
from articlebot.encoders.onnx_export import copy_config, export_onnx, remove_dead_leftovers
from articlebot.encoders.onnx_optimize import prepare_model, quantize_int8

log = logging.getLogger(__name__)

#: How long a first run waits for another process making the same export (~1 minute) before
#: it gives up with an error instead of hanging behind a stuck one.
EXPORT_WAIT_SECONDS = 900.0


def ensure_onnx_export(
    model_location: str,
    cache_dir: Path,
    *,
    name: str | None = None,
    quantized: bool = False,
) -> Path:
    """`cache_dir` holding a current, optimized export of the model (and its int8 copy if asked
    for); the export (with torch) and each copy are made only when missing or stale."""
    cache_dir = Path(cache_dir)
    if _is_ready(model_location, cache_dir, quantized):
        # A run after one killed midway finds the export made since: the killed one's
        # leftover goes now, not only when the model is exported again (which may be never).
        with contextlib.suppress(OSError):
            remove_dead_leftovers(cache_dir)
        return cache_dir
    with _one_maker(cache_dir):
        return _make(model_location, cache_dir, name=name, quantized=quantized)


def _is_ready(model_location: str, cache_dir: Path, quantized: bool) -> bool:
    """Whether nothing of `ensure_onnx_export` is left to make (checked without any lock)."""
    wanted = [cache_dir / MODEL_FILE] + ([cache_dir / QUANTIZED_MODEL_FILE] if quantized else [])
    return (
        export_is_current(model_location, cache_dir)
        and (cache_dir / CONFIG_FILE).is_file()
        and all(current_prepared_model(model) is not None for model in wanted)
    )


def _one_maker(cache_dir: Path) -> contextlib.ExitStack:
    """Held while the export is made: two first runs at once make it once, the second waiting
    for the first (each step checks again what is already there). Without a lock where the
    cache cannot be written: the steps then fall back to what is there."""
    held = contextlib.ExitStack()
    try:
        cache_dir.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(cache_dir.with_name(cache_dir.name + ".lock"), thread_local=False)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            log.info("waiting for another process making the model's export in %s", cache_dir)
            lock.acquire(timeout=EXPORT_WAIT_SECONDS)
    except Timeout:
        raise OnnxExportError(
            f"another process has been making the export in {cache_dir} for "
            f"{EXPORT_WAIT_SECONDS // 60:.0f} minutes; stop it, or delete the folder and retry"
        ) from None
    except OSError:
        return held
    held.callback(lock.release)
    return held


def _make(model_location: str, cache_dir: Path, *, name: str | None, quantized: bool) -> Path:
    if not export_is_current(model_location, cache_dir):
        # A re-export replaces the whole folder, so a stale int8 model goes with it.
        export_onnx(model_location, cache_dir, name=name)
    elif not (cache_dir / CONFIG_FILE).is_file():
        copy_config(local_model_folder(model_location), cache_dir)  # exports before it was kept
    prepare_model(cache_dir / MODEL_FILE)
    if quantized:
        if not (cache_dir / QUANTIZED_MODEL_FILE).is_file():
            quantize_int8(cache_dir)
        prepare_model(cache_dir / QUANTIZED_MODEL_FILE)
    return cache_dir


def export_is_current(model_location: str, export_dir: Path) -> bool:
    """Whether `export_dir` holds a complete export of the model's present files."""
    info = read_export_info(export_dir)
    complete = (export_dir / MODEL_FILE).is_file() and (export_dir / TOKENIZER_FILE).is_file()
    if info is None or not complete:
        return False
    # Untouched source files (same sizes and mtimes) need no hashing: that keeps reading 90 MB
    # of weights off every start.
    if info.source_stat != "" and info.source_stat == model_source_stat(model_location):
        return True  # also rejects hub names, by raising
    return info.source_hash == model_source_hash(model_location)

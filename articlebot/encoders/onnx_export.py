"""Exporting a sentence-transformers model to ONNX with torch (pooling and normalization in the
graph), checked against sentence-transformers' own vectors and swapped in whole."""

from __future__ import annotations

import contextlib
import glob
import json
import logging
import os
import shutil
import tempfile
import time
import warnings
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from articlebot.encoders.model_source import (
    local_model_folder,
    model_source_hash,
    model_source_stat,
)
from articlebot.encoders.onnx import (
    CONFIG_FILE,
    INFO_FILE,
    MODEL_FILE,
    QUANTIZED_MODEL_FILE,
    TOKENIZER_FILE,
    ExportInfo,
    OnnxEncoder,
    OnnxExportError,
    is_prepared_file,
    read_export_info,
)
from articlebot.encoders.onnx_optimize import CHECK_TEXTS, prepare_model

if TYPE_CHECKING:
    import torch

OPSET = 17

log = logging.getLogger(__name__)


def export_onnx(model_location: str, out_dir: Path, *, name: str | None = None) -> Path:
    """Export the model into `out_dir`, optimized copy included; return `out_dir`."""
    folder = local_model_folder(model_location)
    out_dir = Path(out_dir)
    check_replaceable(out_dir)  # fail before the slow part, not after
    source_hash = model_source_hash(str(folder))
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    log.info("exporting %s to ONNX in %s", name or folder.name, out_dir)
    remove_dead_leftovers(out_dir)
    # Build everything beside the target and swap it in at the end: a crash or a concurrent
    # reader never sees a half-written export.
    staging, held = _held_folder(out_dir, "tmp")
    try:
        dimension, max_tokens, reference = _export_model(folder, staging)
        info = ExportInfo(
            source=name or folder.name,
            source_hash=source_hash,
            dimension=dimension,
            max_tokens=max_tokens,
            source_stat=model_source_stat(str(folder)),
        )
        (staging / INFO_FILE).write_text(json.dumps(asdict(info), indent=2) + "\n", "utf-8")
        # Tracing can silently bake one input's shapes or shortcuts into the graph: check that
        # a padded batch of other shapes still gives sentence-transformers' vectors.
        _verify_export(staging, reference)
        prepare_model(staging / MODEL_FILE)
        os.chmod(staging, 0o755)  # mkdtemp makes it owner-only; the bot may run as another user
        _swap_in(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        _release(held)
    return out_dir


#: A leftover younger than this is never removed: a folder is made before its maker locks it.
LEFTOVER_MIN_AGE_S = 60.0


def _held_folder(out_dir: Path, kind: str) -> tuple[Path, int | None]:
    """A new hidden folder beside `out_dir` (".NAME.KIND-xxxx") and the descriptor of the lock
    this process holds on it while it is used: the kernel drops the lock when the process
    dies, kill -9 included, which tells a dead export's leftover from a live one's."""
    folder = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.{kind}-", dir=out_dir.parent))
    return folder, _locked(folder)


def _locked(folder: Path) -> int | None:
    """A descriptor of `folder` holding an exclusive lock on it; None where it is held by
    another process, or where there are no such locks (Windows: leftovers are kept)."""
    try:
        import fcntl
    except ImportError:
        return None
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(descriptor)
        return None
    return descriptor


def _release(descriptor: int | None) -> None:
    if descriptor is not None:
        os.close(descriptor)


def remove_dead_leftovers(out_dir: Path, now: float | None = None) -> None:
    """Delete the hidden folders that exports into `out_dir` left when their process was
    killed (an export's ~235 MB, a replaced export's): those no live process holds locked and
    older than LEFTOVER_MIN_AGE_S. SIGTERM cleans up; kill -9, the OOM killer and a power cut
    do not, and no later run removed them."""
    now = time.time() if now is None else now
    name = glob.escape(out_dir.name)
    leftovers = [*out_dir.parent.glob(f".{name}.tmp-*"), *out_dir.parent.glob(f".{name}.old-*")]
    for leftover in sorted(leftovers):
        try:
            young = now - leftover.lstat().st_mtime < LEFTOVER_MIN_AGE_S
        except OSError:
            continue
        if young or leftover.is_symlink() or not leftover.is_dir():
            continue
        descriptor = _locked(leftover)
        if descriptor is None:
            continue  # a live export's, or locks cannot tell
        try:
            shutil.rmtree(leftover, ignore_errors=True)
            log.info("removed %s, left by an export that was killed", leftover)
        finally:
            _release(descriptor)


def copy_config(folder: Path, out_dir: Path) -> None:
    """Keep the model's transformers config beside the export (fusing needs it)."""
    if (folder / CONFIG_FILE).is_file():
        shutil.copyfile(folder / CONFIG_FILE, out_dir / CONFIG_FILE)


def check_replaceable(out_dir: Path) -> None:
    """Raise unless `out_dir` is missing or holds nothing but an export (which may be replaced)."""
    if not out_dir.exists():
        return
    contents = list(out_dir.iterdir()) if out_dir.is_dir() else [out_dir]
    known = {MODEL_FILE, QUANTIZED_MODEL_FILE, TOKENIZER_FILE, INFO_FILE, CONFIG_FILE}
    if any(path.name not in known and not is_prepared_file(path.name) for path in contents):
        raise OnnxExportError(f"{out_dir} holds files other than an ONNX export; not replacing")


def _swap_in(staging: Path, out_dir: Path) -> None:
    """Replace `out_dir` with `staging`, refusing to delete a folder that is not an export."""
    if out_dir.exists():
        check_replaceable(out_dir)
        # A non-empty folder cannot be renamed over: move the old one aside first.
        old, held = _held_folder(out_dir, "old")
        try:
            with contextlib.suppress(FileNotFoundError):  # another process moved it meanwhile
                os.replace(out_dir, old / "export")
            shutil.rmtree(old, ignore_errors=True)
        finally:
            _release(held)
    try:
        os.replace(staging, out_dir)
    except OSError:
        # Another process finished its export between our two renames; theirs will do.
        if read_export_info(out_dir) is None:
            raise


def _export_model(folder: Path, staging: Path) -> tuple[int, int, np.ndarray]:
    """Trace the model into `staging`; return (dimension, max_tokens, vectors of check texts)."""
    # Importing inside: torch is only needed here, and takes seconds.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    try:
        model = SentenceTransformer(str(folder), device="cpu")
    except Exception as exc:
        raise OnnxExportError(f"cannot load model {folder}: {exc}") from exc
    transformer = _check_architecture(model)
    # sentence-transformers 6 renamed the method; older versions only have the long name.
    get_dimension = getattr(model, "get_embedding_dimension", None) or (
        model.get_sentence_embedding_dimension
    )
    dimension = int(get_dimension() or 0)
    if dimension <= 0:
        raise OnnxExportError(f"model {folder} does not report its embedding dimension")
    max_tokens = int(model.max_seq_length)
    tokenizer = model.tokenizer
    reference = model.encode(
        list(CHECK_TEXTS),
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )

    copy_config(folder, staging)
    if (folder / TOKENIZER_FILE).is_file():
        shutil.copyfile(folder / TOKENIZER_FILE, staging / TOKENIZER_FILE)
    elif getattr(tokenizer, "backend_tokenizer", None) is not None:
        tokenizer.backend_tokenizer.save(str(staging / TOKENIZER_FILE))
    else:
        raise OnnxExportError(f"{folder} has no fast tokenizer to export")

    # Eager attention traces into plain ops on every torch version; SDPA's export support varies.
    if hasattr(transformer, "set_attn_implementation"):
        transformer.set_attn_implementation("eager")
    wrapper = _pooled_encoder(transformer).eval()
    # Trace with a padded row: transformers may skip building the attention mask when no token is
    # padded (its SDPA path does), and a trace of that shortcut would ignore padding for good.
    sample = tokenizer(
        ["a short text", "a longer text, so that the first row of the batch is padded"],
        padding=True,
        return_tensors="pt",
    )
    input_ids = sample["input_ids"]
    attention_mask = sample["attention_mask"]
    token_type_ids = sample.get("token_type_ids", torch.zeros_like(input_ids))
    if not bool((attention_mask == 0).any()):
        raise OnnxExportError("tracing sample is not padded; the export would ignore padding")
    inputs = ("input_ids", "attention_mask", "token_type_ids")
    dynamic_axes: dict[str, dict[int, str]] = {key: {0: "batch", 1: "sequence"} for key in inputs}
    dynamic_axes["sentence_embedding"] = {0: "batch"}
    try:
        with torch.no_grad(), warnings.catch_warnings():
            # The tracer warns about Python-level shape checks that are constant for an encoder.
            warnings.simplefilter("ignore")
            torch.onnx.export(
                wrapper,
                (input_ids, attention_mask, token_type_ids),
                str(staging / MODEL_FILE),
                input_names=list(inputs),
                output_names=["sentence_embedding"],
                dynamic_axes=dynamic_axes,
                opset_version=OPSET,
                do_constant_folding=True,
                # The TorchScript exporter works offline with no extra packages and in ~2 s.
                dynamo=False,
            )
    except Exception as exc:
        raise OnnxExportError(f"ONNX export of {folder} failed: {exc}") from exc
    return dimension, max_tokens, np.asarray(reference, dtype=np.float32)


def _check_architecture(model: Any) -> torch.nn.Module:
    """The transformer inside `model`, if the rest is mean pooling (+ normalization)."""
    modules = list(model)
    kinds = [type(module).__name__ for module in modules]
    if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        raise OnnxExportError(f"unsupported sentence-transformers pipeline {kinds}")
    pooling = modules[1].get_config_dict()
    mean = pooling.get("pooling_mode") == "mean" or (
        "pooling_mode" not in pooling
        and pooling.get("pooling_mode_mean_tokens")
        and not any(
            value
            for key, value in pooling.items()
            if key.startswith("pooling_mode_") and key != "pooling_mode_mean_tokens"
        )
    )
    if not mean:
        raise OnnxExportError(f"only mean pooling is supported, not {pooling}")
    transformer = getattr(modules[0], "auto_model", None)
    if transformer is None:
        raise OnnxExportError("cannot find the transformer inside the model")
    return transformer


def _pooled_encoder(transformer: torch.nn.Module) -> torch.nn.Module:
    """`transformer` followed by masked mean pooling and L2 normalization, as one module."""
    import torch

    # Defined here because torch is only imported while exporting.
    class PooledEncoder(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(
            self,
            input_ids: torch.Tensor,
            attention_mask: torch.Tensor,
            token_type_ids: torch.Tensor,
        ) -> torch.Tensor:
            hidden = self.inner(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=token_type_ids,
            ).last_hidden_state
            # Same as sentence-transformers' Pooling(mean) followed by Normalize.
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            summed = (hidden * mask).sum(dim=1)
            counts = mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(summed / counts, p=2.0, dim=1)

    return PooledEncoder(transformer)


def _verify_export(staging: Path, reference: np.ndarray) -> None:
    """Compare the fresh export with sentence-transformers' vectors for `CHECK_TEXTS`."""
    candidate = OnnxEncoder(staging, name="verify", threads=1).encode(list(CHECK_TEXTS))
    worst = float(np.min(np.sum(reference * candidate, axis=1)))
    if worst < 0.999:
        raise OnnxExportError(f"ONNX export disagrees with sentence-transformers (cosine {worst})")

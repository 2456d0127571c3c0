"""Build steps on an ONNX export: fused attention, an optimized copy to load fast, int8 weights.

Each writes beside the export through a temporary file, so a reader never loads half a model;
the runtime encoder (`encoders.onnx`) only reads what these leave.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from articlebot.encoders.onnx import (
    CONFIG_FILE,
    MODEL_FILE,
    QUANTIZED_MODEL_FILE,
    TOKENIZER_FILE,
    OnnxExportError,
    current_prepared_model,
    model_feeds,
    pad_id,
    prepared_model_path,
    session_options,
    superseded_prepared_models,
    with_token_output,
)

log = logging.getLogger(__name__)

#: Architectures onnxruntime's transformer optimizer fuses as BERT (MiniLM is a BERT).
_FUSABLE = frozenset({"bert"})
# Texts that differ in length, so that checks run padded rows through a graph traced on other
# shapes.
CHECK_TEXTS = (
    "Who won?",
    "What did the minister say about the new budget for public hospitals next year?",
    " ",
    "Ünïcödé façade — naïve café 🚀",
)


def prepare_model(model_path: Path) -> Path:
    """Make (once) `model_path` as this onnxruntime optimizes it, with its weights in a side
    file; return the copy, or `model_path` where it cannot be written (a read-only cache).

    Loading the copy skips the graph rewrites and maps the weights from disk instead of parsing
    and copying 90 MB, which takes a session from ~170 ms to ~40 ms at every start.
    """
    import onnxruntime as ort

    current = current_prepared_model(model_path)
    if current is not None:
        return current
    target = prepared_model_path(model_path)
    data_name = target.name + ".data"
    try:
        staging = Path(tempfile.mkdtemp(prefix=".prepare-", dir=model_path.parent))
    except OSError as exc:
        log.info("cannot keep an optimized copy of %s (%s); loading it as it is", model_path, exc)
        return model_path
    try:
        source = model_path
        if _add_token_output(model_path, staging / "tokens.onnx"):
            source = staging / "tokens.onnx"
        fused = staging / "fused.onnx"
        if model_path.name == MODEL_FILE and fuse_attention(source, fused, model_path.parent):
            source = fused
        options = session_options(1)
        # Extended, not all: its fusions run on any CPU, while layout rewrites for this CPU's
        # instruction set are redone at each load (they are quick).
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        options.optimized_model_filepath = str(staging / target.name)
        options.add_session_config_entry(
            "session.optimized_model_external_initializers_file_name", data_name
        )
        options.add_session_config_entry(
            "session.optimized_model_external_initializers_min_size_in_bytes", "1024"
        )
        ort.InferenceSession(str(source), sess_options=options, providers=["CPUExecutionProvider"])
        # Weights first, graph last: a graph on disk always finds its weights beside it.
        for name in (data_name, target.name):
            os.chmod(staging / name, 0o644)
            os.replace(staging / name, target.parent / name)
        # An earlier format's copy is not loaded again: its 90 MB go (a process that mapped
        # it keeps its pages until it ends).
        for old in superseded_prepared_models(model_path):
            for path in (old.with_name(old.name + ".data"), old):
                path.unlink(missing_ok=True)
    except Exception as exc:  # any failure here only costs start-up time
        log.info("cannot keep an optimized copy of %s (%s); loading it as it is", model_path, exc)
        return model_path
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def quantize_int8(export_dir: Path) -> Path:
    """Write `model.int8.onnx` (dynamic int8 MatMul weights) beside the export; return its path."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    export_dir = Path(export_dir)
    if not (export_dir / MODEL_FILE).is_file():
        raise OnnxExportError(f"no {MODEL_FILE} in {export_dir} to quantize")
    target = export_dir / QUANTIZED_MODEL_FILE
    # A reader must never load a half-written model: write aside, then rename over.
    handle, temp_name = tempfile.mkstemp(prefix=".int8-", suffix=".onnx", dir=export_dir)
    os.close(handle)
    fused = Path(temp_name).with_suffix(".fused.onnx")
    try:
        # Fused attention blocks quantize too (QAttention): measured ~20% faster than quantizing
        # the plain graph's MatMuls, at the same agreement with float32 (cosine ~0.99).
        source = (
            fused if fuse_attention(export_dir / MODEL_FILE, fused) else export_dir / MODEL_FILE
        )
        # Only matrix products: that is where the time goes, and quantizing the embedding
        # tables costs accuracy for little speed.
        with _quiet_root_logger():
            quantize_dynamic(
                source,
                temp_name,
                per_channel=True,
                op_types_to_quantize=["MatMul", "Attention"],
                weight_type=QuantType.QInt8,
                extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
            )
        os.chmod(temp_name, 0o644)  # mkstemp makes it owner-only; readers may be other users
        os.replace(temp_name, target)
    except OnnxExportError:
        raise
    except Exception as exc:
        raise OnnxExportError(f"int8 quantization of {export_dir} failed: {exc}") from exc
    finally:
        Path(temp_name).unlink(missing_ok=True)
        fused.unlink(missing_ok=True)
    return target


def _add_token_output(model_path: Path, out_path: Path) -> bool:
    """Write `model_path` with its token vectors as a second output (`OnnxEncoder.token_vectors`
    then runs the session `encode` runs); False if it has none to give."""
    import onnx

    model = onnx.load(str(model_path))
    if not with_token_output(model):
        return False
    onnx.save(model, str(out_path))
    return True


def fuse_attention(model_path: Path, out_path: Path, export_dir: Path | None = None) -> bool:
    """Write `model_path` with each attention block, layer norm and GELU fused into single
    operators by onnxruntime's transformer optimizer; False if the model is not one it fuses,
    or if the fused graph does not give the same vectors. The model's config and tokenizer are
    read from `export_dir` (default: the model's folder).

    The exported graph has ~270 small operators; fused it has ~60, which saves their overhead
    on short inputs (~7% per question here, more once quantized).
    """
    export_dir = export_dir or model_path.parent
    try:
        config = json.loads((export_dir / CONFIG_FILE).read_text(encoding="utf-8"))
        heads, hidden = int(config["num_attention_heads"]), int(config["hidden_size"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if config.get("model_type") not in _FUSABLE:
        return False
    from onnxruntime.transformers.optimizer import optimize_model

    _quiet_optimizer_loggers()
    with _quiet_root_logger():
        fused = optimize_model(
            str(model_path), model_type="bert", num_heads=heads, hidden_size=hidden, opt_level=0
        )
    if not fused.get_fused_operator_statistics().get("Attention"):
        return False
    fused.save_model_to_file(str(out_path))
    return _same_vectors(model_path, out_path, export_dir)


def _same_vectors(
    reference: Path, candidate: Path, export_dir: Path, tolerance: float = 1e-4
) -> bool:
    """Whether two graphs give the same vectors for a padded batch of `CHECK_TEXTS` (every
    output: the token vectors too, where they are one)."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(export_dir / TOKENIZER_FILE))
    tokenizer.enable_padding(pad_id=pad_id(tokenizer))
    tokenizer.enable_truncation(max_length=128)
    encodings = tokenizer.encode_batch(list(CHECK_TEXTS))
    inputs = [
        np.array([getattr(e, field) for e in encodings], dtype=np.int64)
        for field in ("ids", "attention_mask", "type_ids")
    ]
    outputs = []
    for path in (reference, candidate):
        session = ort.InferenceSession(str(path), session_options(1), ["CPUExecutionProvider"])
        names = {node.name for node in session.get_inputs()}
        outputs.append(session.run(None, model_feeds(names, *inputs)))
    if len(outputs[0]) != len(outputs[1]):
        return False
    pooled = np.abs(outputs[0][0] - outputs[1][0]).max() <= tolerance
    # Token vectors at real tokens only (padding's are whatever each graph leaves there), to
    # the same share of their size.
    real = inputs[1].astype(bool)
    tokens = all(
        np.abs(ours[real] - theirs[real]).max() <= tolerance * max(1.0, np.abs(ours[real]).max())
        for ours, theirs in zip(outputs[0][1:], outputs[1][1:], strict=True)
    )
    return bool(pooled and tokens)


def _quiet_optimizer_loggers() -> None:
    """The transformer optimizer's modules log each fusion at INFO under their bare names."""
    for name, module in list(sys.modules.items()):
        path = Path(str(getattr(module, "__file__", None) or ""))
        if path.parent.name == "transformers" and path.parent.parent.name == "onnxruntime":
            logging.getLogger(name).setLevel(logging.WARNING)


@contextlib.contextmanager
def _quiet_root_logger() -> Iterator[None]:
    """Drop onnxruntime.quantization's chatter, logged on the root logger: a line per tensor at
    INFO and an advice to pre-process as a warning."""
    root = logging.getLogger()

    def drop_warnings(record: logging.LogRecord) -> bool:
        # Only those: other threads' warnings still get through meanwhile.
        if record.levelno <= logging.INFO:
            return False
        return not str(record.msg).startswith("Please consider to run pre-processing")

    root.addFilter(drop_warnings)
    try:
        yield
    finally:
        root.removeFilter(drop_warnings)

"""Embedding text with an ONNX export of the sentence-transformers model: no torch at run time.

sentence-transformers needs torch, which takes seconds to import and ~19 ms per question on a
small CPU; `tokenizers` + `onnxruntime` give the same vectors in a fraction of both. The export
is made once (with torch) into a cache folder and reused while the model folder is unchanged.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Collection, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import onnxruntime
    import torch
    from tokenizers import Tokenizer

log = logging.getLogger(__name__)

#: Bumped whenever the layout or the graph's contract changes, so old exports are redone.
EXPORT_FORMAT = 1
MODEL_FILE = "model.onnx"
QUANTIZED_MODEL_FILE = "model.int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
INFO_FILE = "encoder.json"
#: The model's transformers config, kept for fusing its attention blocks (see `_fuse_attention`).
CONFIG_FILE = "config.json"
#: Architectures onnxruntime's transformer optimizer fuses as BERT (MiniLM is a BERT).
_FUSABLE = frozenset({"bert"})
OPSET = 17

# What decides the vectors: the weights, the architecture and the tokenizer. Documentation and
# training metadata are left out so that editing a README does not force a re-export.
_WEIGHT_PATTERNS = ("*.safetensors", "pytorch_model*.bin")
_CONFIG_FILES = (
    "config.json",
    "tokenizer.json",
    "modules.json",
    "sentence_bert_config.json",
    "1_Pooling/config.json",
)
# Texts that differ in length, so that the self-check after export runs padded rows through a
# graph traced on other shapes.
_CHECK_TEXTS = (
    "Who won?",
    "What did the minister say about the new budget for public hospitals next year?",
    " ",
    "Ünïcödé façade — naïve café 🚀",
)


class OnnxExportError(RuntimeError):
    """The model cannot be exported to (or loaded from) ONNX; use sentence-transformers instead."""


@dataclass(frozen=True)
class ExportInfo:
    """What `encoder.json` records about an export."""

    source: str
    source_hash: str
    dimension: int
    max_tokens: int
    format: int = EXPORT_FORMAT
    #: Sizes and modification times of the source files: a cheap first check at start-up.
    source_stat: str = ""


def read_export_info(export_dir: Path) -> ExportInfo | None:
    """The export's `encoder.json`, or None when it is missing, unreadable or of another format."""
    try:
        raw = json.loads((Path(export_dir) / INFO_FILE).read_text(encoding="utf-8"))
        info = ExportInfo(
            source=str(raw["source"]),
            source_hash=str(raw["source_hash"]),
            dimension=int(raw["dimension"]),
            max_tokens=int(raw["max_tokens"]),
            format=int(raw["format"]),
            source_stat=str(raw.get("source_stat", "")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return info if info.format == EXPORT_FORMAT else None


def _source_files(model_location: str) -> tuple[Path, list[Path]]:
    folder = _local_model_folder(model_location)
    files = sorted({p for pattern in _WEIGHT_PATTERNS for p in folder.glob(pattern)})
    if not files:
        raise OnnxExportError(f"no weight files (*.safetensors, *.bin) in {folder}")
    files += [folder / name for name in _CONFIG_FILES if (folder / name).is_file()]
    return folder, files


def model_source_stat(model_location: str) -> str:
    """Names, sizes and mtimes of the model's source files; changes whenever they are rewritten."""
    folder, files = _source_files(model_location)
    parts = []
    for path in files:
        stat = path.stat()
        parts.append(f"{path.relative_to(folder).as_posix()}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def model_source_hash(model_location: str) -> str:
    """sha256 over the model folder's weight, config and tokenizer files (names and contents)."""
    folder, files = _source_files(model_location)
    digest = hashlib.sha256()
    for path in files:
        # The relative name goes in too, so moving bytes between files changes the hash.
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()


def export_onnx(model_location: str, out_dir: Path, *, name: str | None = None) -> Path:
    """Export the model (with pooling and normalization in the graph) into `out_dir`; return it."""
    folder = _local_model_folder(model_location)
    out_dir = Path(out_dir)
    _check_replaceable(out_dir)  # fail before the slow part, not after
    source_hash = model_source_hash(str(folder))
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    # Build everything beside the target and swap it in at the end: a crash or a concurrent
    # reader never sees a half-written export.
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
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
        os.chmod(staging, 0o755)  # mkdtemp makes it owner-only; the bot may run as another user
        _swap_in(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out_dir


def ensure_onnx_export(
    model_location: str,
    cache_dir: Path,
    *,
    name: str | None = None,
    quantized: bool = False,
) -> Path:
    """`cache_dir` holding a current export of the model (and its int8 copy if asked for)."""
    cache_dir = Path(cache_dir)
    info = read_export_info(cache_dir)
    complete = (cache_dir / MODEL_FILE).is_file() and (cache_dir / TOKENIZER_FILE).is_file()
    # Untouched source files (same sizes and mtimes) need no hashing: that keeps reading 90 MB
    # of weights off every start.
    unchanged = (
        info is not None
        and complete
        and info.source_stat != ""
        and info.source_stat == model_source_stat(model_location)  # also rejects hub names
    )
    if not unchanged and not (
        info is not None and complete and info.source_hash == model_source_hash(model_location)
    ):
        # A re-export replaces the whole folder, so a stale int8 model goes with it.
        export_onnx(model_location, cache_dir, name=name)
    elif not (cache_dir / CONFIG_FILE).is_file():
        _copy_config(_local_model_folder(model_location), cache_dir)  # exports before it was kept
    if quantized and not (cache_dir / QUANTIZED_MODEL_FILE).is_file():
        quantize_int8(cache_dir)
    return cache_dir


def quantize_int8(export_dir: Path) -> Path:
    """Write `model.int8.onnx` (dynamic int8 MatMul weights) beside the export; return its path."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    export_dir = Path(export_dir)
    if not (export_dir / MODEL_FILE).is_file():
        raise OnnxExportError(f"no {MODEL_FILE} in {export_dir} to quantize")
    target = export_dir / QUANTIZED_MODEL_FILE
    # Same reasoning as export_onnx: a reader must never load a half-written model.
    handle, temp_name = tempfile.mkstemp(prefix=".int8-", suffix=".onnx", dir=export_dir)
    os.close(handle)
    fused = Path(temp_name).with_suffix(".fused.onnx")
    try:
        # Fused attention blocks quantize too (QAttention): measured ~20% faster than quantizing
        # the plain graph's MatMuls, at the same agreement with float32 (cosine ~0.99).
        source = (
            fused if _fuse_attention(export_dir / MODEL_FILE, fused) else export_dir / MODEL_FILE
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


class OnnxEncoder:
    """An `Encoder` backed by an ONNX export, `tokenizers` and `onnxruntime`."""

    def __init__(
        self,
        export_dir: Path,
        name: str,
        threads: int | None = None,
        *,
        quantized: bool = False,
    ) -> None:
        from tokenizers import Tokenizer

        export_dir = Path(export_dir)
        info = read_export_info(export_dir)
        if info is None:
            raise OnnxExportError(f"no usable ONNX export in {export_dir} (missing {INFO_FILE}?)")
        self.name = name
        self.dimension = info.dimension
        self.max_tokens = info.max_tokens
        model_path = export_dir / (QUANTIZED_MODEL_FILE if quantized else MODEL_FILE)
        tokenizer_path = export_dir / TOKENIZER_FILE
        self._tokenizer_path = tokenizer_path
        self._counter: Tokenizer | None = None
        try:
            # tokenizer.json ships with truncation and padding fixed at 128: both are reset.
            # Padding is done per batch in `encode`, so this one only truncates.
            self._tokenizer: Tokenizer = Tokenizer.from_file(str(tokenizer_path))
            self._tokenizer.no_padding()
            self._tokenizer.enable_truncation(max_length=self.max_tokens)
            self._session = _make_session(model_path, threads)
        except OnnxExportError:
            raise
        except Exception as exc:
            raise OnnxExportError(f"cannot load ONNX export {model_path}: {exc}") from exc
        self._pad_id = _pad_id(self._tokenizer)
        self._input_names = {node.name for node in self._session.get_inputs()}
        self._output_name = self._session.get_outputs()[0].name

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if len(texts) == 1:
            return self._encode_one(texts[0])
        encodings = self._tokenizer.encode_batch(list(texts))
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(texts))
        # Longest first, so each batch pads to nearly its own length; a stable sort keeps equal
        # lengths in input order, and rows go back to their places below.
        order = np.argsort(-lengths, kind="stable")
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        batch_size = max(1, batch_size)
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            width = int(lengths[rows].max())
            input_ids = np.full((len(rows), width), self._pad_id, dtype=np.int64)
            attention_mask = np.zeros((len(rows), width), dtype=np.int64)
            token_type_ids = np.zeros((len(rows), width), dtype=np.int64)
            for i, row in enumerate(rows):
                encoding = encodings[row]
                n = len(encoding.ids)
                input_ids[i, :n] = encoding.ids
                attention_mask[i, :n] = 1
                token_type_ids[i, :n] = encoding.type_ids
            feeds = _feeds(self._input_names, input_ids, attention_mask, token_type_ids)
            out[rows] = self._session.run([self._output_name], feeds)[0]
        # The graph normalizes already; again here so rows are unit length in float32 exactly.
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.ascontiguousarray(out / np.maximum(norms, 1e-12), dtype=np.float32)

    def _encode_one(self, text: str) -> np.ndarray:
        """One text (a question): no padding, sorting or batching to do."""
        encoding = self._tokenizer.encode(text)
        input_ids = np.asarray([encoding.ids], dtype=np.int64)
        type_ids = np.asarray([encoding.type_ids], dtype=np.int64)
        feeds = _feeds(self._input_names, input_ids, np.ones_like(input_ids), type_ids)
        out = self._session.run([self._output_name], feeds)[0].astype(np.float32, copy=False)
        return out / max(float(np.linalg.norm(out)), 1e-12)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word pieces per text, without special tokens and without truncation."""
        if not texts:
            return []
        if self._counter is None:
            # A second instance for counting (indexing only): toggling truncation on the shared
            # one would race with concurrent `encode` calls.
            from tokenizers import Tokenizer

            counter = Tokenizer.from_file(str(self._tokenizer_path))
            counter.no_padding()
            counter.no_truncation()
            self._counter = counter
        encodings = self._counter.encode_batch(list(texts), add_special_tokens=False)
        return [len(e.ids) for e in encodings]


def default_threads() -> int:
    """CPU cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _make_session(model_path: Path, threads: int | None) -> onnxruntime.InferenceSession:
    """An inference session whose idle threads sleep instead of spinning."""
    import onnxruntime as ort

    if not model_path.is_file():
        raise OnnxExportError(f"ONNX model {model_path} is missing")
    options = _session_options(threads)
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(
        str(prepared_model(model_path)), sess_options=options, providers=["CPUExecutionProvider"]
    )


def _session_options(threads: int | None) -> onnxruntime.SessionOptions:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or default_threads()
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    # Spinning worker threads steal the CPU from FAISS and the bot between questions, slowing
    # search several-fold on a small machine; waking a sleeping thread costs microseconds.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    options.log_severity_level = 3  # errors only: no optimizer chatter on every start
    return options


def prepared_model(model_path: Path) -> Path:
    """`model_path` as this onnxruntime optimizes it, with its weights in a side file.

    Made once beside the model. Loading it skips the graph rewrites and maps the weights from
    disk instead of parsing and copying 90 MB, which takes a session from ~170 ms to ~40 ms at
    every start. Where it cannot be written (a read-only cache) the model is used as it is.
    """
    import onnxruntime as ort

    target = model_path.with_name(f"{model_path.stem}.ort-{ort.__version__}.onnx")
    data_name = target.name + ".data"
    if (
        target.is_file()
        and (target.parent / data_name).is_file()
        and target.stat().st_mtime_ns >= model_path.stat().st_mtime_ns
    ):
        return target
    try:
        staging = Path(tempfile.mkdtemp(prefix=".prepare-", dir=model_path.parent))
    except OSError as exc:
        log.info("cannot keep an optimized copy of %s (%s); loading it as it is", model_path, exc)
        return model_path
    try:
        source = model_path
        if model_path.name == MODEL_FILE and _fuse_attention(model_path, staging / "fused.onnx"):
            source = staging / "fused.onnx"
        options = _session_options(1)
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
    except Exception as exc:  # any failure here only costs start-up time
        log.info("cannot keep an optimized copy of %s (%s); loading it as it is", model_path, exc)
        return model_path
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _feeds(
    names: Collection[str],
    input_ids: np.ndarray,
    attention_mask: np.ndarray,
    token_type_ids: np.ndarray,
) -> dict[str, np.ndarray]:
    """The model's inputs, only those its graph declares: the exporter drops inputs a model
    never reads (token types, for some)."""
    feeds = {
        "input_ids": input_ids,
        "attention_mask": attention_mask,
        "token_type_ids": token_type_ids,
    }
    return {key: value for key, value in feeds.items() if key in names}


def _pad_id(tokenizer: Tokenizer) -> int:
    """The padding token's id (its value never matters under the mask, but keep it faithful)."""
    for token in ("[PAD]", "<pad>"):
        token_id = tokenizer.token_to_id(token)
        if token_id is not None:
            return int(token_id)
    return 0


def _local_model_folder(model_location: str) -> Path:
    """The model's local folder; hub names cannot be exported offline."""
    folder = Path(model_location).expanduser()
    if not folder.is_dir():
        raise OnnxExportError(
            f"{model_location!r} is not a local model folder; ONNX export needs one"
        )
    return folder.resolve()


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


def _copy_config(folder: Path, out_dir: Path) -> None:
    if (folder / CONFIG_FILE).is_file():
        shutil.copyfile(folder / CONFIG_FILE, out_dir / CONFIG_FILE)


def _fuse_attention(model_path: Path, out_path: Path) -> bool:
    """Write `model_path` with each attention block, layer norm and GELU fused into single
    operators by onnxruntime's transformer optimizer; False if the model is not one it fuses,
    or if the fused graph does not give the same vectors.

    The exported graph has ~270 small operators; fused it has ~60, which saves their overhead
    on short inputs (~7% per question here, more once quantized).
    """
    try:
        config = json.loads((model_path.parent / CONFIG_FILE).read_text(encoding="utf-8"))
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
    return _same_vectors(model_path, out_path)


def _quiet_optimizer_loggers() -> None:
    """The transformer optimizer's modules log each fusion at INFO under their bare names."""
    import sys

    for name, module in list(sys.modules.items()):
        path = Path(str(getattr(module, "__file__", None) or ""))
        if path.parent.name == "transformers" and path.parent.parent.name == "onnxruntime":
            logging.getLogger(name).setLevel(logging.WARNING)


def _same_vectors(reference: Path, candidate: Path, tolerance: float = 1e-4) -> bool:
    """Whether two graphs give the same vectors for a padded batch of `_CHECK_TEXTS`."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(reference.parent / TOKENIZER_FILE))
    tokenizer.enable_padding(pad_id=_pad_id(tokenizer))
    tokenizer.enable_truncation(max_length=128)
    encodings = tokenizer.encode_batch(list(_CHECK_TEXTS))
    inputs = [
        np.array([getattr(e, field) for e in encodings], dtype=np.int64)
        for field in ("ids", "attention_mask", "type_ids")
    ]
    outputs = []
    for path in (reference, candidate):
        session = ort.InferenceSession(str(path), _session_options(1), ["CPUExecutionProvider"])
        names = {node.name for node in session.get_inputs()}
        outputs.append(session.run(None, _feeds(names, *inputs))[0])
    return bool(np.abs(outputs[0] - outputs[1]).max() <= tolerance)


def _is_prepared(name: str) -> bool:
    """A file `prepared_model` writes (an optimized model or its weights)."""
    return re.fullmatch(r"model(\.int8)?\.ort-[\w.+-]+\.onnx(\.data)?", name) is not None


def _check_replaceable(out_dir: Path) -> None:
    """Raise unless `out_dir` is missing or holds nothing but an export (which may be replaced)."""
    if not out_dir.exists():
        return
    contents = list(out_dir.iterdir()) if out_dir.is_dir() else [out_dir]
    known = {MODEL_FILE, QUANTIZED_MODEL_FILE, TOKENIZER_FILE, INFO_FILE, CONFIG_FILE}
    if any(path.name not in known and not _is_prepared(path.name) for path in contents):
        raise OnnxExportError(f"{out_dir} holds files other than an ONNX export; not replacing")


def _swap_in(staging: Path, out_dir: Path) -> None:
    """Replace `out_dir` with `staging`, refusing to delete a folder that is not an export."""
    if out_dir.exists():
        _check_replaceable(out_dir)
        # A non-empty folder cannot be renamed over: move the old one aside first.
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
        with contextlib.suppress(FileNotFoundError):  # another process moved it meanwhile
            os.replace(out_dir, old / "export")
        shutil.rmtree(old, ignore_errors=True)
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
        list(_CHECK_TEXTS),
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )

    _copy_config(folder, staging)
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
    """Compare the fresh export with sentence-transformers' vectors for `_CHECK_TEXTS`."""
    candidate = OnnxEncoder(staging, name="verify", threads=1).encode(list(_CHECK_TEXTS))
    worst = float(np.min(np.sum(reference * candidate, axis=1)))
    if worst < 0.999:
        raise OnnxExportError(f"ONNX export disagrees with sentence-transformers (cosine {worst})")

"""The ONNX encoder: an exported model run with `tokenizers` and `onnxruntime`, never torch.

sentence-transformers needs torch, which takes seconds to import and ~19 ms per question on a
small CPU; `tokenizers` + `onnxruntime` give the same vectors in a fraction of both. Opening an
export only reads it: making the export (`onnx_export`), optimizing it (`onnx_optimize`) and
keeping it current (`onnx_cache`) are build steps that run before.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from articlebot.encoders.word_pieces import WordPieceCounter

if TYPE_CHECKING:
    import onnx
    import onnxruntime
    from tokenizers import Tokenizer

log = logging.getLogger(__name__)

#: Bumped whenever the layout or the graph's contract changes, so old exports are redone.
EXPORT_FORMAT = 1
MODEL_FILE = "model.onnx"
QUANTIZED_MODEL_FILE = "model.int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
INFO_FILE = "encoder.json"
#: The model's transformers config, kept for fusing its attention blocks (see `onnx_optimize`).
CONFIG_FILE = "config.json"
#: Bumped whenever what the optimized copy holds changes (2: the token vectors as a second
#: output), so that a copy made before is made again.
PREPARED_FORMAT = 2


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


def prepared_model_path(model_path: Path) -> Path:
    """Where the copy of `model_path` optimized by this onnxruntime is kept (its weights sit
    beside it in the same name + `.data`)."""
    version = _onnxruntime_version()
    return model_path.with_name(f"{model_path.stem}.ort-{version}.p{PREPARED_FORMAT}.onnx")


def superseded_prepared_models(model_path: Path) -> list[Path]:
    """Copies of `model_path` that this onnxruntime optimized in an earlier `PREPARED_FORMAT`
    (each with its weights beside it as name + `.data`)."""
    version = _onnxruntime_version()
    names = [f"{model_path.stem}.ort-{version}.onnx"]
    names += [f"{model_path.stem}.ort-{version}.p{n}.onnx" for n in range(2, PREPARED_FORMAT)]
    return [model_path.with_name(name) for name in names]


def current_prepared_model(model_path: Path) -> Path | None:
    """The optimized copy of `model_path` if it is complete and not older than the model."""
    target = prepared_model_path(model_path)
    try:
        complete = target.with_name(target.name + ".data").is_file()
        fresh = target.stat().st_mtime_ns >= model_path.stat().st_mtime_ns
    except OSError:
        return None
    return target if complete and fresh else None


def is_prepared_file(name: str) -> bool:
    """Whether `name` is an optimized copy of a model or its weights (any onnxruntime)."""
    return re.fullmatch(r"model(\.int8)?\.ort-[\w.+-]+\.onnx(\.data)?", name) is not None


class OnnxEncoder:
    """An `Encoder` backed by an ONNX export, `tokenizers` and `onnxruntime`.

    Loads the export's optimized copy when one is current, else the exported model as it is
    (optimized in memory, which costs ~130 ms more per start). Writes nothing.
    """

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
        try:
            # tokenizer.json ships with truncation and padding fixed at 128: both are reset.
            # Padding is done per batch in `encode`, so this one only truncates.
            self._tokenizer: Tokenizer = Tokenizer.from_file(str(tokenizer_path))
            self._tokenizer.no_padding()
            self._tokenizer.enable_truncation(max_length=self.max_tokens)
            # Made now from the tokenizer already read: the export folder may be replaced by
            # another process's export while this encoder lives.
            self._count_tokens = WordPieceCounter(self._tokenizer)
            self._session = _make_session(model_path, threads)
        except OnnxExportError:
            raise
        except Exception as exc:
            raise OnnxExportError(f"cannot load ONNX export {model_path}: {exc}") from exc
        self._pad_id = pad_id(self._tokenizer)
        self._input_names = {node.name for node in self._session.get_inputs()}
        outputs = self._session.get_outputs()
        self._output_name = outputs[0].name
        self._model_path = model_path
        self._threads = threads
        #: The session giving the token vectors, and their output: the optimized copy gives
        #: them as its second output; else the export with that output added, loaded on first
        #: use (see `token_vectors`).
        self._token_session: onnxruntime.InferenceSession | None = None
        self._token_output = ""
        if len(outputs) > 1:
            self._token_session, self._token_output = self._session, outputs[1].name
        self._token_lock = threading.Lock()  # made once, however many questions ask at once

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if len(texts) == 1:
            return self._encode_one(texts[0])
        encodings = self._tokenizer.encode_batch(list(texts))
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for rows, feeds in self._padded_batches(encodings, batch_size):
            out[rows] = self._session.run([self._output_name], feeds)[0]
        # The graph normalizes already; again here so rows are unit length in float32 exactly.
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.ascontiguousarray(out / np.maximum(norms, 1e-12), dtype=np.float32)

    def _padded_batches(
        self, encodings: Sequence[Any], batch_size: int
    ) -> Iterator[tuple[np.ndarray, dict[str, np.ndarray]]]:
        """The encodings in batches, each padded to its longest: (their positions, the model's
        inputs). Longest first, so each batch pads to nearly its own length; a stable sort keeps
        equal lengths in input order."""
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
        order = np.argsort(-lengths, kind="stable")
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
            yield rows, model_feeds(self._input_names, input_ids, attention_mask, token_type_ids)

    def _encode_one(self, text: str) -> np.ndarray:
        """One text (a question): no padding, sorting or batching to do."""
        encoding = self._tokenizer.encode(text)
        input_ids = np.asarray([encoding.ids], dtype=np.int64)
        type_ids = np.asarray([encoding.type_ids], dtype=np.int64)
        feeds = model_feeds(self._input_names, input_ids, np.ones_like(input_ids), type_ids)
        out = self._session.run([self._output_name], feeds)[0].astype(np.float32, copy=False)
        return out / max(float(np.linalg.norm(out)), 1e-12)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word pieces per text, without special tokens and without truncation."""
        return self._count_tokens(texts)

    def token_vectors(
        self, texts: Sequence[str], batch_size: int = 32
    ) -> tuple[list[list[str]], np.ndarray]:
        """Each text's word pieces ([CLS] and [SEP] left out) and their unit-length vectors
        (the model's last hidden states, which `encode` mean-pools), all texts' end to end.

        The optimized copy (`onnx_optimize.prepare_model`) gives them from the session
        `encode` runs. Without one (a read-only cache), the first call loads the export a
        second time with them as an output (about a second, and the model's size in memory)."""
        _, pieces, vectors = self._run_tokens(texts, batch_size, pooled=False)
        return pieces, vectors

    def encode_with_tokens(
        self, texts: Sequence[str], batch_size: int = 64
    ) -> tuple[np.ndarray, list[list[str]], np.ndarray]:
        """`encode` and `token_vectors` of the same texts, from one run of the model where the
        optimized copy gives both (a question needs its vector and its pieces' vectors)."""
        if self._token_session is not self._session:
            return self.encode(texts, batch_size), *self.token_vectors(texts, batch_size)
        pooled, pieces, vectors = self._run_tokens(texts, batch_size, pooled=True)
        assert pooled is not None
        return pooled, pieces, vectors

    def _run_tokens(
        self, texts: Sequence[str], batch_size: int, *, pooled: bool
    ) -> tuple[np.ndarray | None, list[list[str]], np.ndarray]:
        with self._token_lock:
            if self._token_session is None:
                self._token_session, self._token_output = _token_session(
                    self._model_path, self._threads
                )
        session = self._token_session
        names = [self._token_output] + ([self._output_name] if pooled else [])
        encodings = self._tokenizer.encode_batch(list(texts))
        pieces = [e.tokens[1:-1] for e in encodings]
        parts: list[np.ndarray] = [np.zeros((0, self.dimension), dtype=np.float32)] * len(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for rows, feeds in self._padded_batches(encodings, batch_size):
            outputs = session.run(names, feeds)
            for i, row in enumerate(rows):
                parts[row] = outputs[0][i, 1 : len(encodings[row].ids) - 1]
            if pooled:
                out[rows] = outputs[1]
        vectors = np.concatenate(parts).astype(np.float32, copy=False)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        tokens = np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)
        if not pooled:
            return None, pieces, tokens
        # As `encode`: unit length in float32 exactly.
        lengths = np.linalg.norm(out, axis=1, keepdims=True)
        return (
            np.ascontiguousarray(out / np.maximum(lengths, 1e-12), dtype=np.float32),
            pieces,
            tokens,
        )


def default_threads() -> int:
    """CPU cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def session_options(threads: int | None) -> onnxruntime.SessionOptions:
    """Session options whose idle threads sleep instead of spinning, logging errors only."""
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


def model_feeds(
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


def pad_id(tokenizer: Tokenizer) -> int:
    """The padding token's id (its value never matters under the mask, but keep it faithful)."""
    for token in ("[PAD]", "<pad>"):
        token_id = tokenizer.token_to_id(token)
        if token_id is not None:
            return int(token_id)
    return 0


def _make_session(model_path: Path, threads: int | None) -> onnxruntime.InferenceSession:
    """An inference session on the model's optimized copy if current, else on the model."""
    import onnxruntime as ort

    if not model_path.is_file():
        raise OnnxExportError(f"ONNX model {model_path} is missing")
    options = session_options(threads)
    # The optimized copy holds only rewrites that run on any CPU; those for this CPU's
    # instruction set are redone at each load (they are quick).
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    source = current_prepared_model(model_path) or model_path
    return ort.InferenceSession(
        str(source), sess_options=options, providers=["CPUExecutionProvider"]
    )


def token_output(model: onnx.ModelProto) -> str:
    """The name of the tensor `model` mean-pools (multiplied by the attention mask, then
    summed): its token vectors."""
    nodes = model.graph.node
    producer = {output: node for node in nodes for output in node.output}
    for node in nodes:
        if node.op_type != "Mul":
            continue
        for mine, other in ((0, 1), (1, 0)):
            cast = producer.get(node.input[other])
            if cast is not None and cast.op_type == "Cast":
                unsqueeze = producer.get(cast.input[0])
                if unsqueeze is not None and "attention_mask" in unsqueeze.input:
                    return str(node.input[mine])
    return ""


def with_token_output(model: onnx.ModelProto) -> str:
    """Add `model`'s token vectors to its outputs (after the pooled vectors); their name, or
    "" when the model has no mean pooling to take them from."""
    import onnx

    name = token_output(model)
    if name and name not in {output.name for output in model.graph.output}:
        model.graph.output.append(
            onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None)
        )
    return name


def _token_session(
    model_path: Path, threads: int | None
) -> tuple[onnxruntime.InferenceSession, str]:
    """A session on the export with its token vectors as an output too, and that output's
    name."""
    import onnx
    import onnxruntime as ort

    try:
        model = onnx.load(str(model_path))
        name = with_token_output(model)
        if not name:
            raise OnnxExportError(f"{model_path} has no mean pooling to take token vectors from")
        options = session_options(threads)
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = ort.InferenceSession(
            model.SerializeToString(), sess_options=options, providers=["CPUExecutionProvider"]
        )
    except OnnxExportError:
        raise
    except Exception as exc:
        raise OnnxExportError(f"cannot load token vectors from {model_path}: {exc}") from exc
    return session, name


def _onnxruntime_version() -> str:
    import onnxruntime as ort

    return ort.__version__

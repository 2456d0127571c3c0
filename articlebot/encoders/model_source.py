"""The local model folder an ONNX export is made from, and fingerprints of what decides it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from articlebot.encoders.onnx import OnnxExportError

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


def local_model_folder(model_location: str) -> Path:
    """The model's local folder; hub names cannot be exported offline."""
    folder = Path(model_location).expanduser()
    if not folder.is_dir():
        raise OnnxExportError(
            f"{model_location!r} is not a local model folder; ONNX export needs one"
        )
    return folder.resolve()


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


def _source_files(model_location: str) -> tuple[Path, list[Path]]:
    folder = local_model_folder(model_location)
    files = sorted({p for pattern in _WEIGHT_PATTERNS for p in folder.glob(pattern)})
    if not files:
        raise OnnxExportError(f"no weight files (*.safetensors, *.bin) in {folder}")
    files += [folder / name for name in _CONFIG_FILES if (folder / name).is_file()]
    return folder, files

"""Sentence encoders: the ONNX runtime one used by default and sentence-transformers.

`encoders.onnx` runs an export and never imports torch; `onnx_export` makes the export with
torch, `onnx_optimize` its optimized and int8 copies, and `onnx_cache` keeps a folder's export
current. `load_encoder` picks and loads the configured one.
"""

from __future__ import annotations

from articlebot.encoders.loading import DeferredEncoder, Status, encoder_cache_dir, load_encoder
from articlebot.encoders.onnx import OnnxEncoder, OnnxExportError, read_export_info
from articlebot.encoders.onnx_cache import ensure_onnx_export
from articlebot.encoders.onnx_export import export_onnx
from articlebot.encoders.onnx_optimize import prepare_model, quantize_int8
from articlebot.encoders.protocol import Encoder, ModelLoadError
from articlebot.encoders.sentence_transformer import SentenceTransformerEncoder
from articlebot.encoders.word_pieces import WordPieceCounter

__all__ = [
    "DeferredEncoder",
    "Encoder",
    "ModelLoadError",
    "OnnxEncoder",
    "OnnxExportError",
    "SentenceTransformerEncoder",
    "Status",
    "WordPieceCounter",
    "encoder_cache_dir",
    "ensure_onnx_export",
    "export_onnx",
    "load_encoder",
    "prepare_model",
    "quantize_int8",
    "read_export_info",
]

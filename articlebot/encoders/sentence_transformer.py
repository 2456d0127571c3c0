"""Embedding text with a sentence-transformers model, loaded from a local folder when possible."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

# Encoder is re-exported: the index builder and the retriever import it from here.
from articlebot.encoders.protocol import Encoder, ModelLoadError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = ["Encoder", "ModelLoadError", "SentenceTransformerEncoder"]


class SentenceTransformerEncoder:
    """An `Encoder` backed by sentence-transformers."""

    def __init__(self, location: str, name: str | None = None, device: str = "cpu") -> None:
        # Nothing is downloaded at run time (there may be no network, and a retrying download
        # took a minute to fail): a hub name must be in the local cache already, unless the
        # environment says HF_HUB_OFFLINE=0.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # no "Loading weights" bar on every start
        missing = _unavailable(device)
        if missing is not None:
            # Said so, not as the model failing to load ("Torch not compiled with CUDA").
            raise ModelLoadError(f"torch device {device!r} is not available: {missing}")
        try:
            self._model: SentenceTransformer = SentenceTransformer(str(location), device=device)
        except Exception as exc:
            detail = " ".join(str(exc).split())  # one line, as every error is
            if not Path(location).is_dir():
                # Hugging Face's own message asks to check the internet connection, which is
                # not what is wrong: nothing is downloaded unless the environment allows it.
                offline = os.environ.get("HF_HUB_OFFLINE") not in ("0", "false", "False")
                detail = "neither a model folder nor in the local Hugging Face cache" + (
                    " (nothing is downloaded: give a model folder's path, or fetch a hub name"
                    " once with HF_HUB_OFFLINE=0)"
                    if offline
                    else f" ({detail})"
                )
            raise ModelLoadError(f"cannot load embedding model {location!r}: {detail}") from exc
        self.name = name or location
        get_dimension = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        dimension = get_dimension()
        if dimension is None:
            raise ModelLoadError(f"model {location!r} does not report its embedding dimension")
        self.dimension = int(dimension)
        self.max_tokens = int(self._model.max_seq_length)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word pieces per text, without special tokens and without truncation."""
        if not texts:
            return []
        encoded = self._model.tokenizer(
            list(texts), add_special_tokens=False, truncation=False, verbose=False
        )
        return [len(ids) for ids in encoded["input_ids"]]

    def token_vectors(
        self, texts: Sequence[str], batch_size: int = 32
    ) -> tuple[list[list[str]], np.ndarray]:
        """Each text's word pieces (special tokens left out) and their unit-length vectors
        (the last hidden states the model mean-pools), all texts' end to end."""
        if not texts:
            return [], np.zeros((0, self.dimension), dtype=np.float32)
        tokenizer = self._model.tokenizer
        ids = tokenizer(list(texts), truncation=True, max_length=self.max_tokens)["input_ids"]
        pieces = [tokenizer.convert_ids_to_tokens(row)[1:-1] for row in ids]
        # Each text's vectors come without its padding, [CLS] first and [SEP] last.
        hidden = self._model.encode(
            list(texts),
            batch_size=batch_size,
            output_value="token_embeddings",
            convert_to_numpy=False,
            show_progress_bar=False,
        )
        vectors = np.concatenate(
            [np.asarray(h.float().cpu().numpy()[1:-1], dtype=np.float32) for h in hidden]
        )
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return pieces, np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


def _unavailable(device: str) -> str | None:
    """Why torch cannot embed on `device` here, or None when it can."""
    import torch

    if device.startswith("cuda") and not torch.cuda.is_available():
        return f"torch {torch.__version__} finds no CUDA GPU on this machine; use cpu"
    if device.startswith("cuda") and ":" in device:
        number = int(device.split(":", 1)[1])
        if number >= torch.cuda.device_count():
            return f"this machine has {torch.cuda.device_count()} CUDA GPU(s), numbered from 0"
    if device == "mps" and not torch.backends.mps.is_available():
        return "no Apple GPU (MPS) on this machine; use cpu"
    return None

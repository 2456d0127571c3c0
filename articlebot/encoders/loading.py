"""The configured encoder: where its ONNX export is cached, and loading it (ONNX when possible,
else sentence-transformers)."""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from articlebot.encoders.protocol import Encoder, ModelLoadError

if TYPE_CHECKING:
    import numpy as np

    from articlebot.config import Settings

log = logging.getLogger(__name__)

#: Reports what a slow first step is doing, as one line for people.
Status = Callable[[str], None]


def load_encoder(
    settings: Settings, *, for_indexing: bool = False, on_status: Status | None = None
) -> Encoder:
    """The configured embedding model: its ONNX export when possible, else sentence-transformers.

    The ONNX export is made once per model and onnxruntime version (this needs torch) and kept
    in the user's cache, shared by every index, so answering questions never imports torch.
    Building an index on a GPU (`--device cuda`) uses sentence-transformers, which the export is
    checked against.
    """
    location = settings.model_location()
    if location.startswith(("/", "./", "../", "~")) and not Path(location).expanduser().exists():
        # A path, not a hub name: say so rather than the hub's "Repo id must use ..." rules.
        raise ModelLoadError(f"no model folder at {location} (ARTICLEBOT_MODEL / --model)")
    use_torch = settings.encoder == "torch" or (for_indexing and settings.device != "cpu")
    if not use_torch:
        from articlebot.encoders.onnx import OnnxEncoder, OnnxExportError, read_export_info
        from articlebot.encoders.onnx_cache import ensure_onnx_export

        cache = encoder_cache_dir(settings)
        if on_status is not None and read_export_info(cache) is None:
            on_status(f"preparing the model {settings.model} (first run: an ONNX export, ~15 s)")
        try:
            export = ensure_onnx_export(
                settings.model_location(),
                cache,
                name=settings.model,
                quantized=settings.quantized,
            )
            log.info("loading embedding model %s (ONNX export in %s)", settings.model, export)
            return OnnxEncoder(
                export,
                name=settings.model,
                threads=settings.encoder_threads,
                quantized=settings.quantized,
            )
        except OSError as exc:
            if exc.errno not in _NO_ROOM:
                raise
            # Said as the cache's: the error names the model's file being copied, in the
            # virtual environment, which sent the user to look at the wrong disk.
            raise ModelLoadError(
                f"cannot write the model's export in {cache.parent} ({exc.strerror}): free some"
                " space there, or set ARTICLEBOT_CACHE_DIR to a folder with a few hundred MB free"
            ) from None
        except OnnxExportError as exc:
            if settings.encoder == "onnx":
                raise ModelLoadError(f"cannot use the ONNX encoder: {exc}") from exc
            log.info("using sentence-transformers: %s", exc)
    from articlebot.encoders.sentence_transformer import SentenceTransformerEncoder

    log.info(
        "loading embedding model %s (sentence-transformers, %s)", settings.model, settings.device
    )
    return SentenceTransformerEncoder(
        settings.model_location(), name=settings.model, device=settings.device
    )


#: A write's errors that say the disk (or the user's quota on it) is full.
_NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT})


def encoder_cache_dir(settings: Settings) -> Path:
    """Where the model's ONNX export is kept: one folder per model and onnxruntime version in
    the user's cache, shared by every index (an index made before keeps its own copy)."""
    from articlebot.encoders.onnx import read_export_info
    from articlebot.ingest.documents import slugify

    legacy = settings.index_dir / "encoder" / slugify(settings.model)
    if read_export_info(legacy) is not None:
        return legacy
    return settings.cache_dir / "models" / f"{slugify(settings.model)}-ort{_onnxruntime_version()}"


def _onnxruntime_version() -> str:
    # From the package metadata: importing onnxruntime only to name a folder costs a second.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("onnxruntime")
    except PackageNotFoundError:
        return "none"


class DeferredEncoder:
    """The configured encoder, loaded only when a text is encoded or counted: a write that
    embeds nothing (removing articles) needs only the model's name and its vectors' size,
    which the index already records, and so never loads the model (or makes its export)."""

    def __init__(self, settings: Settings, dimension: int) -> None:
        self.name = settings.model
        self.dimension = dimension
        self._settings = settings
        self._loaded: Encoder | None = None

    @property
    def max_tokens(self) -> int:
        """The loaded model's limit."""
        return self._model().max_tokens

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """The loaded model's vectors."""
        return self._model().encode(texts, batch_size=batch_size)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """The loaded model's word pieces per text."""
        return self._model().count_tokens(texts)

    def _model(self) -> Encoder:
        if self._loaded is None:
            self._loaded = load_encoder(self._settings, for_indexing=True)
        return self._loaded

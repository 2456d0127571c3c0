"""Counting a model's word pieces with its `tokenizer.json` alone: no model, no torch."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tokenizers import Tokenizer


class WordPieceCounter:
    """Word pieces per text, without special tokens and without truncation, as the model's
    tokenizer splits them; given a file, it is read on the first call."""

    def __init__(self, tokenizer: Path | Tokenizer) -> None:
        self._path: Path | None = None
        self._tokenizer: Tokenizer | None = None
        if isinstance(tokenizer, Path):
            self._path = tokenizer
        else:
            self._tokenizer = _counting(tokenizer)
        self._lock = threading.Lock()

    def __call__(self, texts: Sequence[str]) -> list[int]:
        """Word pieces per text."""
        if not texts:
            return []
        encodings = self._loaded().encode_batch(list(texts), add_special_tokens=False)
        return [len(e.ids) for e in encodings]

    def _loaded(self) -> Tokenizer:
        with self._lock:
            if self._tokenizer is None:
                from tokenizers import Tokenizer

                assert self._path is not None
                self._tokenizer = _counting(Tokenizer.from_file(str(self._path)))
            return self._tokenizer


def _counting(tokenizer: Tokenizer) -> Tokenizer:
    """A copy of `tokenizer` that neither pads nor truncates. Its own instance: the encoder's
    truncates, and toggling that on a shared one would race with concurrent encoding."""
    from tokenizers import Tokenizer

    copy = Tokenizer.from_str(tokenizer.to_str())
    copy.no_padding()
    copy.no_truncation()
    return copy

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
    tokenizer splits them; the tokenizer file is read on the first call."""

    def __init__(self, tokenizer_path: Path) -> None:
        self._path = Path(tokenizer_path)
        self._tokenizer: Tokenizer | None = None
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

                # Its own instance: the encoder's truncates, and toggling that on a shared one
                # would race with concurrent encoding.
                tokenizer = Tokenizer.from_file(str(self._path))
                tokenizer.no_padding()
                tokenizer.no_truncation()
                self._tokenizer = tokenizer
            return self._tokenizer

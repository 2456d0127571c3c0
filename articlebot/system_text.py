"""Text from the system (command lines, file names, the environment), which Python keeps with
its bytes that are not UTF-8 as lone surrogates: unprintable, and refused by the libraries
that take a path or a question as UTF-8 text (faiss, the tokenizer, httpx)."""

from __future__ import annotations

import os


def is_utf8(text: str | os.PathLike[str]) -> bool:
    """Whether `text` (or a path) holds no bytes that were not UTF-8."""
    try:
        os.fspath(text).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def printable(text: str | os.PathLike[str]) -> str:
    """`text` (or a path) with its bytes that are not UTF-8 as U+FFFD."""
    return os.fsencode(text).decode("utf-8", errors="replace")

"""Fast binary COPY dumpers for the array and vector columns a bulk load writes.

psycopg dumps lists element by element through its generic (pure Python) array dumper, which
made a load of a million passages take most of its time in Python (about 1,200 rows/s). These
dumpers build each value's binary form in one step for the exact types `set_types` names.
"""

from __future__ import annotations

import struct

import numpy as np
import psycopg
from psycopg.adapt import Dumper
from psycopg.pq import Format

#: PostgreSQL's built-in type oids (stable across versions).
_TEXT_OID, _INT4_OID = 25, 23
_TEXT_ARRAY_OID, _INT4_ARRAY_OID = 1009, 1007
_ARRAY_HEADER = struct.Struct(">iiIii")
_EMPTY_ARRAY = struct.Struct(">iiI")


def text_array(items: list[str]) -> bytes:
    """A one-dimensional text[] in PostgreSQL's binary array format."""
    if not items:
        return _EMPTY_ARRAY.pack(0, 0, _TEXT_OID)
    encoded = [s.encode() for s in items]
    header = _ARRAY_HEADER.pack(1, 0, _TEXT_OID, len(encoded), 1)
    return header + b"".join([len(e).to_bytes(4, "big") + e for e in encoded])


def int4_array(items: list[int]) -> bytes:
    """A one-dimensional int4[] in PostgreSQL's binary array format."""
    if not items:
        return _EMPTY_ARRAY.pack(0, 0, _INT4_OID)
    pairs = np.empty((len(items), 2), dtype=">i4")
    pairs[:, 0] = 4
    pairs[:, 1] = items
    return _ARRAY_HEADER.pack(1, 0, _INT4_OID, len(items), 1) + pairs.tobytes()


def vector(values: np.ndarray) -> bytes:
    """A pgvector `vector` in its binary format (dimension, unused, big-endian float32s)."""
    values = np.asarray(values).reshape(-1)
    return struct.pack(">HH", len(values), 0) + values.astype(">f4", copy=False).tobytes()


class _TextArrayDumper(Dumper):
    format = Format.BINARY
    oid = _TEXT_ARRAY_OID

    def dump(self, obj: list[str]) -> bytes:
        return text_array(obj)


class _Int4ArrayDumper(Dumper):
    format = Format.BINARY
    oid = _INT4_ARRAY_OID

    def dump(self, obj: list[int]) -> bytes:
        return int4_array(obj)


def use_fast_dumpers(cursor: psycopg.Cursor, vector_oid: int) -> None:
    """Make `cursor`'s binary COPY (with `set_types`) use these dumpers for text[], int4[]
    and vector; other cursors of the connection keep psycopg's own."""
    vector_dumper = type(
        "_VectorDumper",
        (Dumper,),
        {"format": Format.BINARY, "oid": vector_oid, "dump": lambda self, obj: vector(obj)},
    )
    for dumper in (_TextArrayDumper, _Int4ArrayDumper, vector_dumper):
        cursor.adapters.register_dumper(None, dumper)

"""The index on disk: a folder of plain files, replaced atomically as a whole.

Layout of ``INDEX_DIR``::

    CURRENT                 name of the live generation (replaced with os.replace)
    gen-<stamp>/manifest.json       model, dimension, chunking, documents and their hashes
    gen-<stamp>/documents.jsonl     one document per line (its text is what offsets point into)
    gen-<stamp>/passages.jsonl      one passage per line: doc_id, paragraph, start, end, sentences
    gen-<stamp>/sentences.npy       int64 (doc row, start, end) per sentence
    gen-<stamp>/passage_vectors.npy, sentence_vectors.npy   float32 unit vectors
    gen-<stamp>/sentence_tokens.npy int8 codes of every sentence's word pieces' unit vectors,
                                    end to end (`sentence_token_scales.npy`: float32 scale of
                                    each, see token_codes.py; `sentence_token_counts.npy`: int32
                                    pieces per sentence, 0 where not kept). Absent in generations
                                    made before; float16 vectors without scales in those made
                                    before the codes, which are read as they are
    gen-<stamp>/sentence_terms.npz  0/1 sentence x keyword-vocabulary matrix (CSC, scipy's layout)
    gen-<stamp>/dense.faiss         FAISS inner-product index over passage vectors (see dense.py)
    gen-<stamp>/keyword/            bm25s index over passage text

A writer builds a new generation beside the live one and then swaps CURRENT, so a crash at any
moment leaves the previous index loadable.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import shlex
import shutil
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from articlebot import __version__
from articlebot.index.arrays import read_npy
from articlebot.index.dense import build_dense_index
from articlebot.index.keyword import SETTINGS as KEYWORD_SETTINGS
from articlebot.index.keyword import KeywordIndex, TermPostings
from articlebot.index.token_codes import quantize
from articlebot.ingest.chunking import Passage
from articlebot.ingest.documents import Document
from articlebot.system_text import is_utf8, printable

#: Raised whenever the files change; an index of another format is rebuilt, never converted.
FORMAT_VERSION = 3
CURRENT = "CURRENT"
#: Every sentence's token vectors (int8 codes, end to end), each code row's scale (float32),
#: and how many each sentence has (int32).
TOKENS_FILE = "sentence_tokens.npy"
TOKEN_SCALES_FILE = "sentence_token_scales.npy"
TOKEN_COUNTS_FILE = "sentence_token_counts.npy"


class IndexStoreError(RuntimeError):
    """Base class for index problems; messages say what to run to fix them."""


class IndexNotFoundError(IndexStoreError):
    """There is no index in the directory."""


class IndexCorruptError(IndexStoreError):
    """Index files are missing, truncated or inconsistent."""


class IndexMismatchError(IndexStoreError):
    """The index was built with another model, settings or format."""


class IndexNotEmptyError(IndexStoreError):
    """A write meant for an empty index found articles there (another writer was first)."""

    def __init__(self, held: int) -> None:
        super().__init__(f"it holds {held} article{'' if held == 1 else 's'} now")
        self.held = held


class IndexWriteError(IndexStoreError):
    """The index folder cannot be written (a file in its place, no permission, disk full)."""


@dataclass(frozen=True, slots=True)
class Recipe:
    """What an index must have been built with to answer for a configuration."""

    model: str
    chunking: dict[str, int]
    embedding: dict[str, Any]


@dataclass(slots=True)
class Manifest:
    """What an index was built from and with."""

    model: str
    dimension: int
    chunking: dict[str, int]
    embedding: dict[str, Any]
    documents: dict[str, dict[str, Any]]
    format: int = FORMAT_VERSION
    keyword: dict[str, str] = field(default_factory=lambda: dict(KEYWORD_SETTINGS))
    articlebot_version: str = __version__
    created: float = field(default_factory=time.time)
    passages: int = 0
    sentences: int = 0
    #: The .jsonl lines removed by hand, as (file, doc_id): a refresh reads their file again
    #: and must not bring them back (older indexes have none).
    removed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def recipe(self) -> Recipe:
        """The model and settings this index was built with."""
        return Recipe(self.model, self.chunking, self.embedding)

    def to_json(self) -> dict[str, Any]:
        """The manifest as JSON values."""
        return {
            "format": self.format,
            "articlebot_version": self.articlebot_version,
            "created": self.created,
            "model": self.model,
            "dimension": self.dimension,
            "chunking": self.chunking,
            "embedding": self.embedding,
            "keyword": self.keyword,
            "passages": self.passages,
            "sentences": self.sentences,
            "documents": self.documents,
            "removed": [list(pair) for pair in self.removed],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        """Parse a manifest; raises KeyError/TypeError on a malformed one."""
        return cls(
            format=int(data["format"]),
            articlebot_version=str(data["articlebot_version"]),
            created=float(data["created"]),
            model=str(data["model"]),
            dimension=int(data["dimension"]),
            chunking=dict(data["chunking"]),
            embedding=dict(data["embedding"]),
            keyword=dict(data["keyword"]),
            passages=int(data["passages"]),
            sentences=int(data["sentences"]),
            documents={
                str(doc_id): _checked_entry(doc_id, entry)
                for doc_id, entry in dict(data["documents"]).items()
            },
            removed=removed_lines(data),
        )


def removed_lines(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The (file, doc_id) pairs a manifest's JSON records as removed; none where it has no
    record (an index written before removals were kept)."""
    return [(str(file), str(doc_id)) for file, doc_id in data.get("removed") or []]


#: The fields of a manifest's document entry that commands read, and their types.
_ENTRY_FIELDS: dict[str, tuple[type, ...]] = {
    "title": (str,),
    "source": (str,),
    "passages": (int,),
    "added": (int, float),
}


def _checked_entry(doc_id: str, entry: Any) -> dict[str, Any]:
    """A document's entry in the manifest, its fields of the types read (`list` sorted by a
    damaged "added" with a traceback); ValueError naming what is wrong."""
    if not isinstance(entry, dict):
        raise ValueError(f"the entry of {doc_id!r} is not an object")
    for name, types in _ENTRY_FIELDS.items():
        value = entry.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, types):
            what = "a number" if float in types else f"a {types[0].__name__}"
            raise ValueError(f"{name!r} of {doc_id!r} is not {what}")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{name!r} of {doc_id!r} is not a finite number")
        if name == "added" and not 0 <= value < _LAST_TIME:
            raise ValueError(f"{name!r} of {doc_id!r} is not a time from 1970 to 9999")
    return entry


#: The first second of the year 9999, in Unix time: later times (1e300) are past what a date
#: is shown from in any time zone (`list`, /articles and "Indexed on" had an OverflowError).
_LAST_TIME = 253_370_764_800


def file_in_the_way(index_dir: Path) -> Path | None:
    """`index_dir`, or the nearest folder above it, when that is a file (none can be made
    there); None when nothing stands in the way (or it cannot be told)."""
    for place in (index_dir, *index_dir.parents):
        try:
            if place.exists():
                return None if place.is_dir() else place
        except OSError:
            return None
    return None


def not_a_folder(index_dir: Path) -> str:
    """Why `index_dir` cannot be an index folder, naming the file in the way."""
    place = file_in_the_way(index_dir)
    if place is None or place == index_dir:
        return f"{index_dir} is a file, not an index folder"
    return f"{index_dir} cannot be an index folder: {place} is a file"


#: The file in the index folder that holds the chat state of a bot without a database
#: (`storage.sql_chat_state`), with SQLite's -wal / -shm / -journal files beside it.
CHAT_STATE_FILE = "chat_state.sqlite3"
#: The model folder older versions exported into the index folder.
_OLD_MODEL_FOLDER = "encoder"
#: Named in the refusal when a folder holds other files.
_SHOWN = 3
#: What an empty folder may hold that is no one's work: the writer lock's files, and a file
#: system's or a desktop's own (names starting so: ".nfs0000...", ".Trash-1000"). Other hidden
#: files are a user's (a home folder with only .bashrc and .ssh is a home folder, not an
#: empty one).
_NOT_THE_USERS = (
    ".writer",
    ".DS_Store",
    "lost+found",
    ".snapshot",
    ".nfs",
    ".Trash",
    ".Spotlight-V100",
    ".fseventsd",
    ".TemporaryItems",
    ".zfs",
)


#: The names a writer gives what it leaves in the index folder: generations, the folders being
#: written and the pointer's temporary file. Only these are ever taken for the index's own (a
#: user's "gen-2024-q3-report.csv" is not, nor deleted with old generations).
_GENERATION = re.compile(r"gen-\d{14}-[0-9a-f]{8}")
_LEFTOVER = re.compile(rf"\.tmp-gen-\d{{14}}-[0-9a-f]{{8}}|\.{CURRENT}\.[0-9a-f]{{8}}")


def is_index_entry(name: str) -> bool:
    """Whether `name` in an index folder is a writer's: a generation or a write's leftover."""
    return bool(_GENERATION.fullmatch(name) or _LEFTOVER.fullmatch(name))


def written_generations(index_dir: Path) -> list[Path]:
    """The whole generations in `index_dir` (those with a manifest, written last), oldest
    first by when they were written: by the time their manifest records (names are in the
    local time of the writer, which differs between a user's shell and a service; a file's
    time is the copy's after a restore that did not keep it), else the manifest file's."""
    found = []
    try:
        entries = list(os.scandir(index_dir))
    except OSError:
        return []
    for entry in entries:
        if _GENERATION.fullmatch(entry.name):
            written = _written_at(Path(entry.path) / "manifest.json")
            if written is not None:
                found.append((written, entry.name))
    return [index_dir / name for _, name in sorted(found)]


def _written_at(manifest: Path) -> float | None:
    """When a generation was written, as its manifest says (None: it has no manifest)."""
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        created = data.get("created") if isinstance(data, dict) else None
        if isinstance(created, int | float) and math.isfinite(created):
            return float(created)
    except (OSError, ValueError):
        pass
    try:
        return manifest.stat().st_mtime
    except OSError:
        return None


def holds_other_files(index_dir: Path) -> str | None:
    """Why `index_dir` is no place for an index, when it holds none yet but files no index
    writes (a home or a documents folder given by mistake, which generations would be written
    among); None when it holds an index or only an index's files."""
    if (index_dir / CURRENT).exists():
        return None
    try:
        names = sorted(entry.name for entry in os.scandir(index_dir))
    except OSError:
        return None
    others = [
        name
        for name in names
        if not is_index_entry(name)
        and not name.startswith((CHAT_STATE_FILE, *_NOT_THE_USERS))
        and name != _OLD_MODEL_FOLDER
    ]
    if not others:
        return None
    named = ", ".join(others[:_SHOWN]) + (", ..." if len(others) > _SHOWN else "")
    return (
        f"{index_dir} holds other files ({named}) and no index: give an empty or new folder "
        "for the index (--index-dir or ARTICLEBOT_INDEX_DIR)"
    )


def current_generation(index_dir: Path) -> Path | None:
    """The live generation folder, or None when the directory holds no index."""
    pointer = index_dir / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        if written_generations(index_dir):
            # The pointer deleted (a clean-up, a backup that left it out), its index still
            # here: taken for no index, the next write or first-run build replaced it.
            raise IndexCorruptError(
                f"{pointer} is missing, but {index_dir} holds an index; run `articlebot index "
                "--rebuild` to recover it"
            ) from None
        return None
    except NotADirectoryError:
        raise IndexCorruptError(not_a_folder(index_dir)) from None
    except UnicodeDecodeError:
        name = ""
    except OSError as exc:
        raise IndexCorruptError(f"cannot read {pointer} ({exc.strerror or exc})") from None
    if not re.fullmatch(r"gen-[A-Za-z0-9-]{1,100}", name):
        raise IndexCorruptError(f"{pointer} is damaged; run `articlebot index --rebuild`")
    return index_dir / name


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _save_npy(path: Path, array: np.ndarray) -> None:
    with path.open("wb") as handle:
        np.save(handle, array, allow_pickle=False)
        handle.flush()
        os.fsync(handle.fileno())


class GenerationWriter:
    """Writes a new generation one document at a time, so that neither the corpus's text nor
    its vectors are ever held whole; `publish` makes it live atomically, `discard` drops it."""

    def __init__(self, index_dir: Path, dimension: int) -> None:
        if not is_utf8(index_dir.absolute()):  # faiss takes its file's path as UTF-8 text
            raise IndexWriteError(
                f"cannot write the index in {printable(index_dir)}: the folder's name is not "
                "UTF-8 text; give another with --index-dir or ARTICLEBOT_INDEX_DIR"
            )
        index_dir.mkdir(parents=True, exist_ok=True)
        self.index_dir = index_dir
        self.dimension = dimension
        self.name = f"gen-{time.strftime('%Y%m%d%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:8]}"
        self.staging = index_dir / f".tmp-{self.name}"
        self.staging.mkdir()
        self.documents = 0
        self.passages = 0
        self.sentences = 0
        self._documents = (self.staging / "documents.jsonl").open("w", encoding="utf-8")
        self._passage_rows = (self.staging / "passages.jsonl").open("w", encoding="utf-8")
        self._passage_vectors = (self.staging / "passage_vectors.f32").open("wb")
        self._sentence_vectors = (self.staging / "sentence_vectors.f32").open("wb")
        self._sentence_tokens = (self.staging / "sentence_tokens.i8").open("wb")
        self._token_scales = (self.staging / "sentence_token_scales.f32").open("wb")
        self._sentence_table: list[np.ndarray] = []
        self._token_counts: list[np.ndarray] = []
        self.tokens = 0

    def add(
        self,
        doc: Document,
        passages: list[Passage],
        sentences: np.ndarray,
        passage_vectors: np.ndarray,
        sentence_vectors: np.ndarray,
        sentence_tokens: Sequence[np.ndarray] | None = None,
    ) -> None:
        """Append one document: its passages, its (start, end) sentences and their vectors,
        and each sentence's token vectors where the encoder gave them (None: not kept, and
        computed when a question needs them)."""
        if passage_vectors.shape != (len(passages), self.dimension) or sentence_vectors.shape != (
            len(sentences),
            self.dimension,
        ):
            raise ValueError(f"vectors of {doc.doc_id} do not match its passages and sentences")
        if sentence_tokens is not None and len(sentence_tokens) != len(sentences):
            raise ValueError(f"token vectors of {doc.doc_id} do not match its sentences")
        doc_row = self.documents
        row = {
            "doc_id": doc.doc_id,
            "title": doc.title,
            "source": doc.source,
            "byline": doc.byline,
            "body_start": doc.body_start,
            "text": doc.text,
        }
        self._documents.write(json.dumps(row, ensure_ascii=False) + "\n")
        for p in passages:
            row = {
                "doc_id": p.doc_id,
                "paragraph": p.paragraph,
                "start": p.start,
                "end": p.end,
                "first_sentence": p.first_sentence,
                "sentences": [[s.start, s.end] for s in p.sentences],
            }
            self._passage_rows.write(json.dumps(row, ensure_ascii=False) + "\n")
        self._passage_vectors.write(np.ascontiguousarray(passage_vectors, dtype="<f4").tobytes())
        self._sentence_vectors.write(np.ascontiguousarray(sentence_vectors, dtype="<f4").tobytes())
        table = np.empty((len(sentences), 3), dtype=np.int64)
        table[:, 0] = doc_row
        table[:, 1:] = np.asarray(sentences, dtype=np.int64).reshape(-1, 2)
        self._sentence_table.append(table)
        counts = np.zeros(len(sentences), dtype=np.int32)
        for i, tokens in enumerate(sentence_tokens or ()):
            if tokens.shape[1:] != (self.dimension,):
                raise ValueError(f"token vectors of {doc.doc_id} have shape {tokens.shape}")
            codes, scales = quantize(tokens)
            self._sentence_tokens.write(codes.tobytes())
            self._token_scales.write(np.ascontiguousarray(scales, dtype="<f4").tobytes())
            counts[i] = len(tokens)
        self._token_counts.append(counts)
        self.tokens += int(counts.sum())
        self.documents += 1
        self.passages += len(passages)
        self.sentences += len(sentences)

    def _close(self) -> None:
        for handle in (
            self._documents,
            self._passage_rows,
            self._passage_vectors,
            self._sentence_vectors,
            self._sentence_tokens,
            self._token_scales,
        ):
            if not handle.closed:
                handle.flush()
                os.fsync(handle.fileno())
                handle.close()

    def publish(
        self, manifest: Manifest, keyword: KeywordIndex, sentence_terms: TermPostings
    ) -> Path:
        """Finish the files, make this generation the live one and return its folder."""
        import faiss

        staging = self.staging
        previous = _current_name(self.index_dir)
        try:
            self._close()
            for name, rows in (("passage", self.passages), ("sentence", self.sentences)):
                _raw_to_npy(
                    staging / f"{name}_vectors.f32",
                    staging / f"{name}_vectors.npy",
                    (rows, self.dimension),
                )
            table = (
                np.concatenate(self._sentence_table)
                if self._sentence_table
                else np.zeros((0, 3), dtype=np.int64)
            )
            _save_npy(staging / "sentences.npy", table)
            _raw_to_npy(
                staging / "sentence_tokens.i8",
                staging / TOKENS_FILE,
                (self.tokens, self.dimension),
                np.int8,
            )
            _raw_to_npy(
                staging / "sentence_token_scales.f32", staging / TOKEN_SCALES_FILE, (self.tokens,)
            )
            counts = (
                np.concatenate(self._token_counts)
                if self._token_counts
                else np.zeros(0, dtype=np.int32)
            )
            _save_npy(staging / TOKEN_COUNTS_FILE, counts)
            # FAISS reads the vectors from the file, in chunks when it builds an IVF index.
            dense = build_dense_index(mapped(staging / "passage_vectors.npy"))
            faiss.write_index(dense, str(staging / "dense.faiss"))
            sentence_terms.save(staging / "sentence_terms.npz")
            (staging / "keyword").mkdir()
            keyword.save(staging / "keyword")
            manifest.passages, manifest.sentences = self.passages, self.sentences
            # The manifest goes last: a generation without one is never taken for a whole index.
            (staging / "manifest.json").write_text(
                json.dumps(manifest.to_json(), indent=2), encoding="utf-8"
            )
            _fsync_dir(staging)
            final = self.index_dir / self.name
            os.replace(staging, final)
            pointer_tmp = self.index_dir / f".{CURRENT}.{uuid.uuid4().hex[:8]}"
            with pointer_tmp.open("w", encoding="utf-8") as handle:
                handle.write(self.name + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(pointer_tmp, self.index_dir / CURRENT)
            _fsync_dir(self.index_dir)
        except BaseException:
            self.discard()
            raise
        # The generation just replaced stays until the next write: a reader that read CURRENT
        # a moment ago is still opening its files.
        _remove_stale(self.index_dir, keep={self.name, previous})
        return final

    def discard(self) -> None:
        """Drop the unfinished generation; the live one is untouched."""
        with contextlib.suppress(OSError):
            self._close()
        shutil.rmtree(self.staging, ignore_errors=True)


def _raw_to_npy(
    raw: Path, out: Path, shape: tuple[int, ...], dtype: type[np.number] = np.float32
) -> None:
    """Put an .npy header in front of raw little-endian rows of `dtype` (streamed, not
    loaded)."""
    header = {
        "descr": np.dtype(dtype).newbyteorder("<").str,
        "fortran_order": False,
        "shape": shape,
    }
    with out.open("wb") as target:
        np.lib.format.write_array_header_1_0(target, header)
        with raw.open("rb") as source:
            shutil.copyfileobj(source, target, 16 << 20)
        target.flush()
        os.fsync(target.fileno())
    raw.unlink()


def _current_name(index_dir: Path) -> str | None:
    try:
        generation = current_generation(index_dir)
    except IndexCorruptError:
        return None
    return generation.name if generation is not None else None


def _remove_stale(index_dir: Path, keep: set[str | None]) -> None:
    """Delete older generations and leftovers of interrupted writes.

    Only the holder of the writer lock (see lock.py) writes, so whatever else is here belongs
    to no running writer.
    """
    for entry in index_dir.iterdir():
        if entry.name in keep or entry.name == CURRENT:
            continue
        if is_index_entry(entry.name):
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


def live_generation(index_dir: Path) -> Path:
    """The live generation folder; IndexNotFoundError when the directory holds no index."""
    generation = current_generation(index_dir)
    if generation is None:
        refusal = holds_other_files(index_dir)
        if refusal is not None:
            raise IndexNotFoundError(refusal)
        # The command as it must be typed: without the folder it builds the default index.
        build = f"articlebot index --index-dir {shlex.quote(str(index_dir))}"
        raise IndexNotFoundError(f"no index in {index_dir}; run `{build}` to build one")
    return generation


def read_manifest(index_dir: Path) -> Manifest:
    """The live generation's manifest."""
    return read_generation_manifest(index_dir, live_generation(index_dir))


def read_generation_manifest(index_dir: Path, generation: Path) -> Manifest:
    """The manifest of `generation`, when it has the format this articlebot reads."""
    path = generation / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        found = data.get("format") if isinstance(data, dict) else None
    except FileNotFoundError:
        raise IndexCorruptError(
            f"index in {index_dir} has no manifest ({path} is missing); "
            "run `articlebot index --rebuild`"
        ) from None
    except OSError as exc:
        raise IndexCorruptError(
            f"cannot read the index manifest {path} ({exc.strerror or exc})"
        ) from None
    except ValueError as exc:
        raise IndexCorruptError(
            f"index manifest {path} is damaged ({exc}); run `articlebot index --rebuild`"
        ) from None
    if found != FORMAT_VERSION:
        # Checked before anything else is read: only the current format's files are readable.
        version = data.get("articlebot_version", "?") if isinstance(data, dict) else "?"
        raise IndexMismatchError(
            f"index in {index_dir} has format {found} (articlebot {version}); this articlebot "
            f"reads format {FORMAT_VERSION}; run `articlebot index --rebuild --index-dir "
            f"{index_dir}` to rebuild it"
        )
    try:
        return Manifest.from_json(data)
    except (ValueError, KeyError, TypeError, OverflowError) as exc:
        raise IndexCorruptError(
            f"index manifest {path} is damaged ({exc}); run `articlebot index --rebuild`"
        ) from None


#: A recipe's entries in words, and the settings that ask for them (the rest are fixed by the
#: version of articlebot that wrote the index).
_RECIPE_WORDS = {
    "max_tokens": "passages of at most {} tokens",
    "overlap_sentences": "{} sentence(s) shared by neighbouring passages",
    "min_tokens": "passages of at least {} tokens",
    "title_prefix": "the title embedded with each passage: {}",
}
_RECIPE_SETTINGS = {
    "max_tokens": "ARTICLEBOT_MAX_PASSAGE_TOKENS",
    "overlap_sentences": "ARTICLEBOT_OVERLAP_SENTENCES",
}


def same_model(a: str, b: str) -> bool:
    """Whether two model names are one model as the hub resolves them: "all-MiniLM-L6-v2"
    and "sentence-transformers/all-MiniLM-L6-v2" are (the bundled one, both ways)."""
    return _model_key(a) == _model_key(b)


def same_recipe(a: Recipe, b: Recipe) -> bool:
    """Whether two indexes are built alike: one model (`same_model`), one chunking and one
    embedding."""
    return same_model(a.model, b.model) and (a.chunking, a.embedding) == (b.chunking, b.embedding)


def _model_key(name: str) -> str:
    return name.strip().lower().removeprefix("sentence-transformers/")


def check_compatible(
    manifest: Manifest, wanted: Recipe, index_dir: Path, *, writing: bool = False
) -> None:
    """Raise IndexMismatchError when the index was built differently from what is asked
    (`writing`: by a write, which then leaves the index as it is)."""
    fix = _mismatch_fix(index_dir, writing)
    if not same_model(manifest.model, wanted.model):
        raise IndexMismatchError(
            f"index in {index_dir} was built with model {manifest.model!r}, "
            f"but the configured model (ARTICLEBOT_MODEL) is {wanted.model!r}; {fix}"
        )
    built = {**manifest.chunking, **manifest.embedding}
    asked = {**wanted.chunking, **wanted.embedding}
    changed = [key for key in {**built, **asked} if built.get(key) != asked.get(key)]
    if changed:
        words = "; ".join(
            f"{_RECIPE_WORDS.get(key, key + ' {}').format(built.get(key))}, where "
            f"{_RECIPE_SETTINGS.get(key, 'this version of articlebot')} asks for {asked.get(key)}"
            for key in changed
        )
        raise IndexMismatchError(f"index in {index_dir} was built with {words}; {fix}")


def _mismatch_fix(index_dir: Path, writing: bool) -> str:
    """What to run about an index built differently; a write is refused rather than re-embed
    the whole index under its own settings, which every reader with the index's would refuse."""
    rebuild = f"`articlebot index --rebuild --index-dir {index_dir}`"
    if not writing:
        return f"run {rebuild} to rebuild it"
    return (
        f"nothing was written; {rebuild} with these settings converts it to them (the bot and "
        "every other reader then need them too)"
    )


def mapped(path: Path) -> np.ndarray:
    """A read-only array backed by the file: nothing is read until it is used."""
    return read_npy(path)

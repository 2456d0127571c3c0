"""Reading documents (.txt, .md, .html, .jsonl) into `Document` values."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from articlebot.index.cleaning import find_byline, looks_like_title

#: Files larger than this are refused: a news article is kilobytes, not tens of megabytes.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES


class DocumentError(ValueError):
    """A document could not be read; the message names the file (and line)."""


@dataclass(frozen=True, slots=True)
class Document:
    """One article. `text` is the text every passage offset points into."""

    doc_id: str
    title: str
    text: str
    source: str
    byline: str | None = None
    #: Characters of `text` before the body (the title line of a .txt/.md file).
    body_start: int = 0
    #: Whether doc_id was given (a .jsonl doc_id, `add --id`) rather than made from a name;
    #: a given id is kept as it is, a made one gets a suffix when another source has it.
    id_given: bool = field(default=False, compare=False)

    @property
    def content_hash(self) -> str:
        """A hash of everything that changes the passages and their embeddings."""
        digest = hashlib.sha256()
        for part in (self.title, "\x00", str(self.body_start), "\x00", self.text):
            digest.update(part.encode("utf-8"))
        return digest.hexdigest()


def bundled_article_path() -> Path:
    """The client's sample article that ships inside the package."""
    return Path(str(resources.files("articlebot") / "data" / "article.txt"))


def slugify(name: str) -> str:
    """A stable, readable doc_id from a file name."""
    normalized = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-zA-Z0-9]+", "-", normalized).strip("-").lower()
    return slug or "document"


def _file_size(path: Path) -> int:
    """The size of a readable file; DocumentError for a missing file or a folder."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DocumentError(f"{path}: no such file") from None
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if path.is_dir():
        raise DocumentError(f"{path}: is a directory, not a document")
    return size


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    size = _file_size(path)
    if size > max_bytes:
        raise DocumentError(
            f"{path}: {size / 1e6:.1f} MB is larger than the {max_bytes / 1e6:.0f} MB limit"
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _decode(data: bytes, path: Path) -> str:
    if b"\x00" in data[:8192]:
        raise DocumentError(f"{path}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"{path}: is not UTF-8 text (invalid byte at position {exc.start}); re-save it as UTF-8"
        ) from None
    # Offsets are defined on text with normalized line ends.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_plain_text(text: str, doc_id: str, source: str, markdown: bool = False) -> Document:
    """A .txt/.md document: the first line is the title when it looks like one."""
    if not text.strip():
        raise DocumentError(f"{source}: the document is empty")
    first_line_end = text.find("\n")
    first_line = text if first_line_end < 0 else text[:first_line_end]
    title = first_line.strip()
    if markdown:
        title = re.sub(r"^#{1,6}\s+", "", title).strip()
    rest = "" if first_line_end < 0 else text[first_line_end + 1 :]
    heading = first_line.lstrip().startswith("#")
    if rest.strip() and looks_like_title(title, markdown_heading=heading):
        body_start = first_line_end + 1
    else:
        title = Path(source).stem.replace("_", " ").replace("-", " ").strip() or doc_id
        body_start = 0
    return Document(
        doc_id=doc_id,
        title=title,
        text=text,
        source=source,
        byline=find_byline(text[body_start:]),
        body_start=body_start,
    )


def parse_html(html: str, doc_id: str, source: str) -> Document:
    """An HTML page: main text and metadata extracted by trafilatura."""
    import trafilatura  # heavy import, only when HTML is read

    extracted = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=False, favor_precision=True, with_metadata=True
    )
    text = getattr(extracted, "text", None) if extracted is not None else None
    if not text or not text.strip():
        raise DocumentError(f"{source}: no article text found in the HTML")
    title = (getattr(extracted, "title", None) or "").strip() or Path(source).stem
    author = (getattr(extracted, "author", None) or "").strip()
    text = text.replace("\r\n", "\n")
    return Document(
        doc_id=doc_id,
        title=title,
        text=text,
        source=source,
        byline=f"By {author}" if author else find_byline(text),
    )


def _iter_jsonl(text: str, path: Path) -> Iterator[Document]:
    seen: dict[str, int] = {}
    for line_no, line in enumerate(text.split("\n"), start=1):
        doc = _jsonl_document(line, path, line_no, seen)
        if doc is not None:
            yield doc


def _iter_jsonl_file(path: Path, max_bytes: int) -> Iterator[Document]:
    """A .jsonl corpus read line by line: it may be larger than memory; each line is one
    document and may be at most `max_bytes`."""
    _file_size(path)
    seen: dict[str, int] = {}
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with handle:
        # readline with a limit: a file without line breaks is never read whole.
        for line_no, raw in enumerate(iter(lambda: handle.readline(max_bytes + 1), b""), 1):
            if len(raw) > max_bytes:
                raise DocumentError(
                    f"{path}:{line_no}: {len(raw) / 1e6:.1f} MB is larger than the "
                    f"{max_bytes / 1e6:.0f} MB limit for one document"
                )
            if b"\x00" in raw:
                raise DocumentError(f"{path}: looks like a binary file, not text")
            try:
                line = raw.decode("utf-8-sig" if line_no == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise DocumentError(
                    f"{path}:{line_no}: is not UTF-8 text (invalid byte at position "
                    f"{exc.start}); re-save it as UTF-8"
                ) from None
            doc = _jsonl_document(line, path, line_no, seen)
            if doc is not None:
                yield doc
    if not seen:
        raise DocumentError(f"{path}: contains no documents")


def _jsonl_document(line: str, path: Path, line_no: int, seen: dict[str, int]) -> Document | None:
    """The document on one .jsonl line (None for a blank line); `seen` tracks doc_ids."""
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DocumentError(f"{path}:{line_no}: not valid JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise DocumentError(f"{path}:{line_no}: expected a JSON object")
    body = record.get("text")
    if not isinstance(body, str) or not body.strip():
        raise DocumentError(f'{path}:{line_no}: missing or empty "text"')
    given = record.get("doc_id")
    doc_id = str(given or f"{slugify(path.stem)}-{line_no}")
    if doc_id in seen:
        raise DocumentError(
            f"{path}:{line_no}: duplicate doc_id {doc_id!r} (first on line {seen[doc_id]})"
        )
    seen[doc_id] = line_no
    title = str(record.get("title") or doc_id).strip()
    body = body.replace("\r\n", "\n")
    return Document(
        doc_id=doc_id,
        title=title,
        text=body,
        source=f"{path}:{line_no}",
        byline=find_byline(body),
        id_given=bool(given),
    )


def _check_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(
            f"{path}: unsupported file type {suffix or '(none)'}; "
            f"use one of {', '.join(sorted(SUPPORTED_SUFFIXES))}"
        )
    return suffix


def parse_bytes(data: bytes, path: Path, doc_id: str | None = None) -> list[Document]:
    """Documents from a file's bytes; `path` gives the kind (suffix), the name and the source."""
    suffix = _check_suffix(path)
    text = _decode(data, path)
    if suffix in JSONL_SUFFIXES:
        docs = list(_iter_jsonl(text, path))
        if not docs:
            raise DocumentError(f"{path}: contains no documents")
        return docs
    doc_id = doc_id or slugify(path.stem)
    if suffix in HTML_SUFFIXES:
        return [parse_html(text, doc_id, str(path))]
    return [parse_plain_text(text, doc_id, str(path), markdown=suffix in {".md", ".markdown"})]


def read_path(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Document]:
    """Read one file into documents (a .jsonl file holds many)."""
    _check_suffix(path)
    return parse_bytes(_read_bytes(path, max_bytes), path)


def source_file(source: str) -> Path:
    """The file a document came from (a .jsonl document's source ends in :LINE)."""
    match = re.fullmatch(r"(.+\.(?:jsonl|ndjson)):\d+", source)
    return Path(match.group(1) if match else source)


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, plus supported files found inside named directories."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES)
            )
        else:
            files.append(path)
    return files


def iter_documents(paths: Iterable[Path], max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document]:
    """Every path's documents, one at a time (a .jsonl corpus is streamed line by line).

    Ids are made from file names here; the write that indexes them makes them unique
    (identity.py), so two files of the same name in different folders are two documents.
    """
    for path in expand_paths(paths):
        if _check_suffix(path) in JSONL_SUFFIXES:
            yield from _iter_jsonl_file(path, max_bytes)
        else:
            yield from read_path(path, max_bytes)


def read_documents(paths: Iterable[Path], max_bytes: int = DEFAULT_MAX_BYTES) -> list[Document]:
    """Read every path."""
    return list(iter_documents(paths, max_bytes))

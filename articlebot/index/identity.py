"""Document identity: one doc_id per source, so that distinct sources never replace each other.

A document read from a file gets its id from the file's name ("news" for news.txt) when that id
is free or already belongs to the same file; another file of the same name gets the name plus a
short hash of its path ("news-3fa2b1"). Ids given explicitly (a .jsonl line's doc_id, `add
--id`) are used as they are, and replacing another source's document takes `--replace`.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import re
import stat
from collections.abc import Collection, Iterable, Iterator, Mapping

from articlebot.ingest.documents import (
    GROUP_DOC_ID,
    RESERVED_IDS,
    Document,
    DocumentError,
    bundled_article_path,
    json_line,
    shown_title,
    slugify,
)
from articlebot.ingest.links import canonical_link, link_key

_URL = re.compile(r"^https?://", re.IGNORECASE)
_JSONL_LINE = re.compile(r"(.+\.(?:jsonl|ndjson)):(\d+)$", re.IGNORECASE)


def normalize_source(source: str) -> str:
    """A file source as an absolute path (a .jsonl line keeps its :LINE); a link as the page's
    identity (`canonical_link`: "#comments" or "?utm_source=..." make no other article)."""
    if _URL.match(source):
        return canonical_link(source)
    if not is_file(source):
        return source
    match = _JSONL_LINE.fullmatch(source)
    if match:
        return f"{_in_real_folder(match.group(1))}:{match.group(2)}"
    return _in_real_folder(source)


def source_key(source: str) -> str:
    """What two sources of one article share: `normalize_source`'s, and for a link
    `link_key`'s ("köln" and "k%C3%B6ln", "bücher.example" and "xn--bcher-kva.example" are
    one page). Compared only: an article's source stays as `normalize_source` gives it."""
    return link_key(source) if _URL.match(source) else normalize_source(source)


def _in_real_folder(path: str) -> str:
    """`path` made absolute in its folder's real place: a file read through a link to its
    folder (news-link/a.txt) is the one read before as news/a.txt, not a second article. A
    link to a file is left as it is, a file of its own name (also.txt -> story.txt)."""
    absolute = os.path.abspath(path)
    if _is_bundled_copy(absolute):
        absolute = str(bundled_article_path())
    folder, name = os.path.split(absolute)
    return os.path.join(os.path.realpath(folder), name)


def _is_bundled_copy(path: str) -> bool:
    """Whether `path` was a deleted install's copy of the bundled sample article (an old
    checkout's, a removed virtual environment's): the index folder outlives installs, and that
    article is this install's, not a file gone (pruned) or another file (indexed twice). A file
    still there is itself, whatever its path: a user's own may end the same way."""
    return path.split(os.sep)[-3:] == list(bundled_article_path().parts[-3:]) and not (
        os.path.lexists(path)
    )


def origin(source: str) -> str:
    """The file or link a source comes from: the lines of one .jsonl file share an origin."""
    match = _JSONL_LINE.fullmatch(source)
    path = match.group(1) if match else source
    return _in_real_folder(path) if is_file(path) else path


def still_held(documents: Iterable[Document], held: Mapping[str, str]) -> Iterator[Document]:
    """Of `documents` (the indexed articles' files, read again by a refresh), those whose file
    or link one of the `held` sources (what the index holds once the writer lock is taken,
    doc_id -> source) still comes from: another writer may have removed the rest meanwhile.
    A .jsonl line whose id another file's article now has (`add --id ... --replace`) is that
    article's, not read back in its place."""
    origins = {origin(source) for source in held.values()}
    for doc in documents:
        if origin(doc.source) not in origins:
            continue
        own = held.get(doc.doc_id)
        if doc.id_given and own is not None and origin(own) != origin(doc.source):
            continue
        yield doc


def not_removed(
    documents: Iterable[Document],
    removed: Collection[tuple[str, str]],
    kept_out: dict[str, int],
    held: Mapping[str, str] = {},
) -> Iterator[Document]:
    """Of `documents` (a refresh's), those that are not a .jsonl line whose article was removed
    by hand (`removed`: (file, doc_id) pairs): a removal lasts until the file is named again.
    A line whose article the index holds (`held`: doc_id -> source) is never left out: it was
    brought back. Each one left out is counted in `kept_out`, by file."""
    if not removed:
        yield from documents
        return
    pairs = set(removed)
    for doc in documents:
        file = origin(doc.source)
        if not is_jsonl_line(doc.source):
            yield doc
            continue
        ids = _line_ids(doc, file)
        indexed = any(i in held and origin(held[i]) == file for i in ids)
        if not indexed and any((file, i) in pairs for i in ids):
            kept_out[file] = kept_out.get(file, 0) + 1
            continue
        yield doc


def read_again(
    documents: Iterable[Document],
    held: Mapping[str, str],
    removed: Collection[tuple[str, str]],
    kept_out: dict[str, int],
    *,
    refresh: bool,
) -> Iterator[Document]:
    """`documents` read again from files the index knows (a refresh's, or those
    ARTICLEBOT_DOCUMENTS names): with `refresh`, only those of files an indexed article
    (`held`: doc_id -> source) still has (`still_held`); never a .jsonl line removed by hand
    (`not_removed`)."""
    if refresh:
        documents = still_held(documents, held)
    return not_removed(documents, removed, kept_out, held=held)


def jsonl_files_read(documents: Iterable[Document], files: set[str]) -> Iterator[Document]:
    """`documents` (of files named by hand), each .jsonl line's file added to `files` as it is
    read: naming a file again brings back every line of it removed before."""
    for doc in documents:
        if is_jsonl_line(doc.source):
            files.add(origin(doc.source))
        yield doc


def _line_ids(doc: Document, file: str) -> list[str]:
    """The ids a .jsonl line read now may have in the index: its own, or, one made from its
    title that another source had, that one with its file's suffix (see `IdentityResolver`)."""
    if doc.id_given:
        return [doc.doc_id]
    return [doc.doc_id, *_suffixed_ids(doc.doc_id, file)]


def removed_lines_of(sources: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (file, doc_id) pairs of the .jsonl lines among the articles being removed (`sources`:
    (doc_id, source) pairs): what the index remembers so that a refresh does not read them back."""
    return [(origin(source), doc_id) for doc_id, source in sources if is_jsonl_line(source)]


def is_jsonl_line(source: str) -> bool:
    """Whether `source` is a line of a .jsonl file ("news.jsonl:3")."""
    return _JSONL_LINE.fullmatch(source) is not None


def replaced_at(doc_id: str, source: str) -> bool:
    """Whether the indexed article `doc_id` from `source` is replaced by a document now read
    from the same source under another id: a file's always (one file is one article); a
    .jsonl line's only where its id was its line number (`is_legacy_line_id`), since another
    line may stand at that number now."""
    return not _JSONL_LINE.fullmatch(source) or is_legacy_line_id(doc_id, source)


def is_legacy_line_id(doc_id: str, source: str) -> bool:
    """Whether `doc_id` is the id a .jsonl line without one was given (at `source`, its file
    and line) before ids were made from titles: the file's name and the line's number ("news-3"
    for news.jsonl:3), or that and a hash of the line's place where another file had it
    ("news-3-8fcb39")."""
    match = _JSONL_LINE.fullmatch(source)
    if match is None:
        return False
    base = f"{slugify(os.path.splitext(os.path.basename(match.group(1)))[0])}-{match.group(2)}"
    return doc_id == base or doc_id in _suffixed_ids(base, source)


def is_file(source: str) -> bool:
    """Whether a source is a file (or a .jsonl file's line), not a link or an upload."""
    return not (_URL.match(source) or source.startswith("upload:"))


def origin_is_gone(source: str) -> bool:
    """Whether a document's source file no longer exists (links never count as gone, nor a
    file in a folder that cannot be read now: it may well be there, and --prune would drop
    its article)."""
    where = origin(source)
    if not is_file(where):
        return False
    try:
        found = os.stat(where)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    # A folder now where the file was (`rm story.txt; mkdir story.txt`) holds no article.
    return stat.S_ISDIR(found.st_mode)


def _titles_of(path: str) -> frozenset[str]:
    """The titles a .jsonl file's lines give, as their articles are given them (a line that
    is no JSON or gives no title left out, the others read): read only where two of its
    lines' titles begin alike."""
    try:
        changed = os.stat(path).st_mtime_ns
    except OSError:
        return frozenset()
    return _titles_in(path, changed)


@functools.lru_cache(maxsize=8)
def _titles_in(path: str, changed: int) -> frozenset[str]:
    """`_titles_of` the file as it was when last `changed`."""
    titles: set[str] = set()
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as lines:
            for line in lines:
                try:
                    record = json_line(line, path)
                except DocumentError:
                    continue
                title = record.get("title") if isinstance(record, dict) else None
                if isinstance(title, str):
                    titles.add(shown_title(title))
    except OSError:
        pass
    return frozenset(titles)


def _suffixed_ids(doc_id: str, source: str) -> list[str]:
    """`doc_id` with `source`'s hash, shortest first: the ids one source may be given where
    another has `doc_id` (a longer hash only where a shorter one is taken too)."""
    digest = hashlib.sha1(source.encode()).hexdigest()
    return [f"{doc_id}-{digest[:length]}" for length in (6, 10, 16, 40)]


@dataclasses.dataclass(slots=True)
class IdentityResolver:
    """Gives each document of a write its final doc_id against the index being updated."""

    #: doc_id -> source of the documents already indexed (and kept unless replaced).
    existing: dict[str, str]
    #: Whether a document may take the id of another source's document, replacing it.
    replace: bool = False
    #: doc_id -> source of the documents of this write so far.
    assigned: dict[str, str] = dataclasses.field(default_factory=dict)
    #: doc_id -> source of documents indexed before that this write replaces (a rebuild):
    #: their files keep their ids, but they hold no id against anyone.
    previous: dict[str, str] = dataclasses.field(default_factory=dict)
    #: Of `previous`, doc_id -> content hash: a file moved (`index NEW --prune`) is found again
    #: by its words, so that of two moved files of one name each keeps its own id.
    previous_texts: dict[str, str] = dataclasses.field(default_factory=dict)
    #: doc_id -> title of the documents already indexed: a .jsonl line keeps the id of its
    #: file's article of its title, whatever lines were put above it.
    titles: dict[str, str] = dataclasses.field(default_factory=dict)
    _ids_by_source: dict[str, str] = dataclasses.field(init=False, repr=False)
    _ids_by_title: dict[tuple[str, str], str] = dataclasses.field(init=False, repr=False)
    _moved_by_text: dict[str, str] = dataclasses.field(init=False, repr=False)

    def __post_init__(self) -> None:
        known = {**self.previous, **self.existing}
        self._ids_by_source = {}
        for doc_id, source in known.items():
            # One source is one document, but an index written before deleted installs'
            # sample articles were told apart may hold it twice ("article", "article-623547"):
            # the shorter id is kept, as the suffixed one was made because it was taken.
            key = source_key(source)
            held = self._ids_by_source.get(key)
            if held is None or (len(doc_id), doc_id) < (len(held), held):
                self._ids_by_source[key] = doc_id
        self._ids_by_title = {}
        for doc_id, title in self.titles.items():
            source = known.get(doc_id)
            if source is not None and _JSONL_LINE.fullmatch(source):
                self._ids_by_title.setdefault((origin(source), title), doc_id)
        self._moved_by_text = {}
        for doc_id, text in self.previous_texts.items():
            self._moved_by_text.setdefault(text, doc_id)

    def resolve(self, doc: Document) -> Document:
        """`doc` with its source normalized and its final doc_id; DocumentError on a clash."""
        source = normalize_source(doc.source)
        doc_id = doc.doc_id
        if doc.id_given:
            held = self.existing.get(doc_id) or self.previous.get(doc_id)
            if doc_id.casefold() in RESERVED_IDS and not (held and origin(held) == origin(source)):
                # Refused for new articles; one indexed so before keeps its id.
                raise DocumentError(
                    f"{doc.source}: the id {doc_id!r} is the bot's word for every article"
                    " (/use all); give another"
                )
            if doc_id in self.assigned:
                raise DocumentError(
                    f"{doc.source}: duplicate doc_id {doc_id!r} (also in {self.assigned[doc_id]})"
                )
            taken = self.existing.get(doc_id)
            if taken is not None and origin(taken) != origin(source) and not self.replace:
                raise DocumentError(
                    f"{doc.source}: the id {doc_id!r} already belongs to {taken}; give another "
                    "id, or --replace to replace that article"
                )
        else:
            aliases = [source_key(alias) for alias in doc.aliases]
            doc_id = self._moved_id(doc, source) or self._generated_id(
                doc_id, source, aliases, doc.title
            )
            # A page added again by another spelling of its link ("k%C3%B6ln" for "köln")
            # keeps the source it is shown with.
            held = self.existing.get(doc_id) or self.previous.get(doc_id)
            if held is not None and _URL.match(source) and source_key(held) == source_key(source):
                source = normalize_source(held)
        self.assigned[doc_id] = source
        return dataclasses.replace(doc, doc_id=doc_id, source=source)

    def _moved_id(self, doc: Document, source: str) -> str | None:
        """The id of an article whose file is gone and whose words `doc` has, from a file of
        the same name indexed under no id yet: the file moved. By name alone, two moved files
        of one name ("z/news.txt", "a/news.txt") swapped ids, and the one left under a new id
        was called a copy of the other."""
        doc_id = self._moved_by_text.get(doc.content_hash)
        if doc_id is None or doc_id in self.assigned or source_key(source) in self._ids_by_source:
            return None
        before = self.previous.get(doc_id, "")
        same_name = os.path.basename(origin(before)) == os.path.basename(origin(source))
        return doc_id if same_name and not _JSONL_LINE.fullmatch(source) else None

    def _generated_id(
        self, base: str, source: str, aliases: Iterable[str] = (), title: str = ""
    ) -> str:
        # A file indexed before keeps its id, whether made from its name or given with --id;
        # not a .jsonl line by its number: another line may be there now. A page keeps the id
        # it was indexed under from the link that redirects to it.
        kept = next(
            (
                held
                for key in (source_key(source), *aliases)
                if (held := self._ids_by_source.get(key)) is not None and held not in self.assigned
            ),
            None,
        )
        if kept is not None and kept not in self.assigned and not _JSONL_LINE.fullmatch(source):
            return kept
        line = _JSONL_LINE.fullmatch(source) is not None
        if line:
            # Its file's article of its title keeps its id: a line of another title whose
            # first words are the same, put above it, does not take it.
            titled = self._ids_by_title.get((origin(source), title))
            # Made from the title as this one is (not a line number an older index gave).
            ours = titled is not None and (base.startswith(titled) or titled.startswith(base))
            if ours and titled not in self.assigned:
                return titled
        if line:
            # A line that has its file's suffix ("feed-ferry-strike-2e86cd": another file's
            # line of that title had the plain id) keeps it when that line's article goes.
            for candidate in _suffixed_ids(base, origin(source)):
                held = self.existing.get(candidate) or self.previous.get(candidate)
                same_file = held is not None and origin(held) == origin(source)
                if same_file and candidate not in self.assigned:
                    return candidate

        def free(doc_id: str, allow_replace: bool) -> bool:
            if doc_id in self.assigned:
                return False
            taken = self.existing.get(doc_id)
            # Of its file, indexed now or before a rebuild: a line of another title is not
            # given that line's id.
            held = taken or self.previous.get(doc_id)
            if (
                held is not None
                and line
                and doc_id in self.titles
                and origin(held) == origin(source)
            ):
                # Another line's article of its file, by its title, while the file still has a
                # line of that title: that line's to keep. A title corrected ("Leds" to
                # "Leeds") leaves no such line, and its article keeps its id.
                held_title = shown_title(self.titles[doc_id])
                if held_title != title and held_title in _titles_of(origin(source)):
                    return allow_replace
                return True
            return taken is None or origin(taken) == origin(source) or allow_replace

        if base.casefold() in RESERVED_IDS:
            # A page at /all.html, a file all.txt: "/use all" is every article.
            base = f"{base}-article"
        if GROUP_DOC_ID.fullmatch(base):
            # "chat12-3.txt", a link ending ".../chat5" hashed to digits: a group's own article's
            # id, which every other chat would be kept from.
            base = f"{base}-article"
        if free(base, self.replace):
            return base
        # The same source already indexed under its suffixed id keeps it; a .jsonl line's
        # suffix is its file's, not its line number's (a line deleted above would change it).
        for candidate in _suffixed_ids(base, origin(source)):
            if free(candidate, False) and not GROUP_DOC_ID.fullmatch(candidate):
                return candidate
        raise DocumentError(f"{source}: cannot give it an id of its own")

"""Readers: every kind of file gives documents whose passages cut out of the text exactly."""

from __future__ import annotations

import codecs
import json
import shutil
import time
from pathlib import Path

import pytest

from articlebot.collection import update_index
from articlebot.config import load_settings
from articlebot.encoders import Encoder, WordPieceCounter
from articlebot.index.store import CURRENT
from articlebot.ingest.chunking import ChunkSettings, chunk_document
from articlebot.ingest.cleaning import is_credit_paragraph, paragraph_spans
from articlebot.ingest.documents import (
    MAX_DOC_ID_CHARS,
    Document,
    DocumentError,
    bundled_article_path,
    ids_like,
    parse_html,
    read_documents,
    read_path,
)

HTML = """<!doctype html><html><head><title>Storm hits coast | Example News</title>
<meta name="author" content="Jane Reporter"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Storm hits coast</h1>
<p>A powerful storm struck the northern coast on Monday, cutting power to 40,000 homes.</p>
<p>Officials said repair crews from three provinces were working through the night to
restore electricity to hospitals and schools first.</p>
<p>The weather service expects the storm to weaken by Wednesday as it moves inland.</p>
</article><footer>Copyright Example News. All rights reserved.</footer></body></html>"""


def _roundtrip(doc, count_tokens: WordPieceCounter) -> int:
    chunks = chunk_document(doc, count_tokens, ChunkSettings())
    assert chunks.passages, doc.doc_id
    for passage in chunks.passages:
        text = doc.text[passage.start : passage.end]
        assert text == text.strip() and text
        for sentence in passage.sentences:
            assert passage.start <= sentence.start < sentence.end <= passage.end
    return len(chunks.passages)


def test_bundled_article_title_byline_and_furniture(count_tokens: WordPieceCounter) -> None:
    path = bundled_article_path()
    [doc] = read_path(path)
    assert doc.text == path.read_text(encoding="utf-8")
    assert doc.title == "Russia warns foreign forces in Ukraine would be lawful military targets"
    assert doc.byline == "By Abdiwahab Ahmed"
    chunks = chunk_document(doc, count_tokens, ChunkSettings())
    texts = [doc.text[p.start : p.end] for p in chunks.passages]
    assert not any("Advertisement" in t for t in texts)
    assert any("By Abdiwahab Ahmed" in t for t in texts)  # the byline stays searchable
    _roundtrip(doc, count_tokens)


def test_txt_md_html_jsonl_offsets_roundtrip(
    tmp_path: Path, count_tokens: WordPieceCounter
) -> None:
    (tmp_path / "plain.txt").write_text(
        "A headline without a period\n\nFirst paragraph. It has two sentences.\n\n"
        "Second paragraph, Dr. Smith said, is here.\n",
        encoding="utf-8",
    )
    (tmp_path / "notes.md").write_text(
        "# Markdown title\n\nSome *markdown* text about U.S. policy. Another one.\n",
        encoding="utf-8",
    )
    (tmp_path / "page.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "set.jsonl").write_text(
        json.dumps(
            {"doc_id": "x1", "title": "Doc one", "text": "Alpha beta. Gamma delta.", "extra": 1}
        )
        + "\n"
        + json.dumps({"title": "No id", "text": "Epsilon zeta."})
        + "\n",
        encoding="utf-8",
    )
    docs = {doc.doc_id: doc for doc in read_documents([tmp_path])}
    assert set(docs) == {"plain", "notes", "page", "x1", "set-no-id"}
    assert docs["plain"].title == "A headline without a period"
    assert docs["notes"].title == "Markdown title"
    assert docs["x1"].title == "Doc one"
    assert "storm struck the northern coast" in docs["page"].text
    assert "Home" not in docs["page"].text.split()  # navigation is not article text
    # The outlet its <title> adds after the headline is printed with the byline, as outlets do.
    assert docs["page"].byline == "By Jane Reporter | Example News"
    for doc in docs.values():
        _roundtrip(doc, count_tokens)


@pytest.mark.parametrize(
    ("head", "outlet"),
    [
        ("<title>Storm hits coast | Example News</title>", "Example News"),
        ("<title>Storm hits coast - The Ledger</title>", "The Ledger"),
        (
            '<meta property="og:site_name" content="Harbour Times"><title>Storm</title>',
            "Harbour Times",
        ),
        ("<title>Storm hits coast</title>", None),  # the headline alone names no outlet
        ("<title>Live: weather | Storm hits coast</title>", None),  # not after the headline
        ("<title>Storm hits coast | World | Example News</title>", "Example News"),
        ("<title>Example News - Storm hits coast</title>", "Example News"),
        ("<title>Storm hits coast | Home</title>", None),  # every site's word
        ('<meta property="og:site_name" content="eKathimerini">', "eKathimerini"),  # as written
        ("<title>Storm hits coast | example news</title>", None),  # no name's capitals
        ('<meta property="og:site_name" content="Published by Example News">', None),
        (
            '<meta property="og:site_name" content="The Kestrel Bay Morning Herald and Coastal '
            'Advertiser">',
            None,  # too long to be printed beside a byline as its outlet
        ),
    ],
)
def test_a_pages_outlet_from_its_title_or_site_name(head: str, outlet: str | None) -> None:
    page = HTML.replace("<title>Storm hits coast | Example News</title>", head)
    doc = parse_html(page, "page", "page.html")
    assert doc.title == "Storm hits coast"
    assert doc.byline == ("By Jane Reporter" + (f" | {outlet}" if outlet else ""))
    assert doc.text.splitlines()[1] == doc.byline  # printed under the title, once


def test_crlf_text_is_normalized_before_offsets(
    tmp_path: Path, count_tokens: WordPieceCounter
) -> None:
    (tmp_path / "win.txt").write_bytes(b"Title line\r\nBody one. Body two.\r\nMore body.\r\n")
    [doc] = read_path(tmp_path / "win.txt")
    assert "\r" not in doc.text
    assert _roundtrip(doc, count_tokens) >= 1


@pytest.mark.parametrize("end", ["\u2028", "\u2029", "\x85"])
def test_unicode_and_nel_line_ends_are_line_ends(tmp_path: Path, end: str) -> None:
    # A CLI attacker's probe: a file whose lines end in U+2028 or NEL was one line, titled by
    # its file name, its byline lost (NEL, dropped as a control character, glued words).
    parts = ["Harbour bridge reopens", "By Jane Doe", "The bridge reopened on Tuesday."]
    (tmp_path / "story.txt").write_text((end * 2).join(parts), encoding="utf-8")
    [doc] = read_path(tmp_path / "story.txt")
    assert doc.title == "Harbour bridge reopens" and doc.byline == "By Jane Doe"
    assert doc.text == "\n\n".join(parts)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.txt", b"\xff\xfe\x00bin\x00ary", "binary"),
        (
            "cyrillic.txt",
            "\u041a\u0438\u0435\u0432 \u043f\u043e\u0434".encode("cp1251"),
            "not UTF-8",
        ),
        # Not English saved as Windows-1252 (a verifier: read so, they were garbled): UTF-8
        # with one stray byte, Polish saved as Windows-1250, a Russian name in Windows-1251.
        ("stray.txt", "Mayor’s café plan\n\nIt is a plan.\n".encode() + b"\xe9 ok", "not UTF-8"),
        (
            "polish.txt",
            "Rada zatwierdziła plan, który będą\n".encode("cp1250") + b"x" * 200,
            "UTF-8",
        ),
        ("name.txt", b"x" * 300 + " Сергей Лавров said".encode("cp1251"), "not UTF-8"),
        ("empty.txt", b"   \n", "empty"),
        ("broken.jsonl", b'{"doc_id": "a", "text": "ok"}\n{not json\n', "broken.jsonl:2"),
        (
            "dupes.jsonl",
            b'{"doc_id": "a", "text": "x"}\n{"doc_id": "a", "text": "y"}\n',
            "duplicate doc_id",
        ),
        ("slides.pdf", b"%PDF-1.4", "unsupported file type"),
    ],
)
def test_bad_files_give_clear_errors_naming_the_file(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DocumentError, match=message) as info:
        read_path(path)
    assert name in str(info.value)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_a_file_saved_as_utf_16_or_32_with_its_mark_is_read_as_text(
    tmp_path: Path, encoding: str
) -> None:
    # Windows saves "Unicode" text so; it had been refused as "a binary file".
    text = "Ferry fire forces evacuation\n\nCaptain Tomasz Wójcik, 55, said so.\n"
    (tmp_path / "utf8.txt").write_text(text, encoding="utf-8")
    body = text.encode(encoding)
    if encoding == "utf-16-be":
        body = codecs.BOM_UTF16_BE + body
    (tmp_path / "wide.txt").write_bytes(body)
    [plain] = read_path(tmp_path / "utf8.txt")
    [wide] = read_path(tmp_path / "wide.txt")
    assert (wide.title, wide.text, wide.byline) == (plain.title, plain.text, plain.byline)
    (tmp_path / "odd.txt").write_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8abc")
    with pytest.raises(DocumentError, match=r"odd\.txt: looks like a binary file"):
        read_path(tmp_path / "odd.txt")


def test_english_saved_by_windows_as_ansi_is_read_as_windows_1252(tmp_path: Path) -> None:
    # A new user: a .txt saved by Notepad as "ANSI" was refused as not UTF-8 for its curly
    # quotes and one "é".
    text = (
        "Caf\u00e9 owner fined over pavement tables\n\nBy Ann Lee\n\n"
        "The owner of the Caf\u00e9 Rouge, Mark Hill, 52, was fined \u00a3400 on Monday \u2013"
        " the council said \u201cthe tables blocked the pavement\u201d for wheelchair users.\n"
    )
    (tmp_path / "utf8.txt").write_text(text, encoding="utf-8")
    (tmp_path / "ansi.txt").write_bytes(text.encode("cp1252"))
    [plain] = read_path(tmp_path / "utf8.txt")
    [ansi] = read_path(tmp_path / "ansi.txt")
    assert (ansi.title, ansi.text, ansi.byline) == (plain.title, plain.text, plain.byline)


def test_a_50_mb_file_is_refused(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(DocumentError, match=r"huge\.txt: 50\.0 MB is larger than the 20\.0 MB"):
        read_path(huge)
    # Just over: MB to one decimal would say "20.0 MB is larger than the 20.0 MB limit".
    with huge.open("r+b") as handle:
        handle.truncate(21_000_000)
    with pytest.raises(
        DocumentError, match=r"21,000,000 bytes is more than the limit of 20,971,520"
    ):
        read_path(huge)


def test_an_oversized_jsonl_line_names_the_limit_not_a_size_it_did_not_read(
    tmp_path: Path,
) -> None:
    # A CLI attacker's probe: a 25 MB line was "20.0 MB is larger than the 20.0 MB limit".
    corpus = tmp_path / "huge.jsonl"
    corpus.write_text(json.dumps({"title": "Huge", "text": "word " * 300}) + "\n")
    from articlebot.ingest.documents import iter_documents

    with pytest.raises(DocumentError) as refused:
        list(iter_documents([corpus], max_bytes=1000))
    assert str(refused.value) == f"{corpus}:1: is larger than the 0.0 MB limit for one document"


def test_missing_file_and_oversized_file(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no such file"):
        read_path(tmp_path / "nope.txt")
    big = tmp_path / "big.txt"
    big.write_text("x" * 2000)
    with pytest.raises(DocumentError, match="2,000 bytes is more than the limit of 1,000 bytes"):
        read_path(big, max_bytes=1000)


def test_a_jsonl_corpus_is_streamed_line_by_line(tmp_path: Path) -> None:
    """A .jsonl file may exceed the size limit as a whole; only one document may not."""
    from articlebot.ingest.documents import iter_documents

    corpus = tmp_path / "corpus.jsonl"
    lines = [json.dumps({"doc_id": f"d{i}", "text": f"Story number {i}. " * 20}) for i in range(50)]
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    limit = max(len(line.encode()) for line in lines) + 10  # any one fits; the file does not
    stream = iter_documents([corpus], max_bytes=limit)
    first = next(stream)  # a generator: nothing else is read yet
    assert first.doc_id == "d0" and first.source == f"{corpus}:1"
    assert [d.doc_id for d in stream] == [f"d{i}" for i in range(1, 50)]

    corpus.write_text(lines[0] + "\n" + json.dumps({"text": "x" * (2 * limit)}) + "\n")
    with pytest.raises(DocumentError, match=r"corpus\.jsonl:2: .* limit for one document"):
        list(iter_documents([corpus], max_bytes=limit))


def _finishes_within(seconds: float, work, unblock=None):
    """Run `work` in a thread; (finished, result or exception). `unblock` frees a stuck read."""
    import threading

    outcome: list = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # reported to the test, whatever it is
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive() and unblock is not None:
        unblock()
        thread.join(seconds)
    return bool(outcome) and not thread.is_alive() and len(outcome) == 1, outcome[:1]


@pytest.mark.parametrize("name", ["zero.txt", "zero.jsonl", "zero.html"])
def test_a_link_to_a_device_is_refused_without_reading_it(tmp_path: Path, name: str) -> None:
    link = tmp_path / name
    link.symlink_to("/dev/zero")  # stat size 0, endless to read
    finished, [result] = _finishes_within(10, lambda: read_documents([link]))
    assert finished
    assert isinstance(result, DocumentError) and "not a regular file" in str(result)
    assert name in str(result)


def test_a_fifo_is_refused_instead_of_waiting_for_a_writer(tmp_path: Path) -> None:
    import os

    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)

    def unblock() -> None:  # a reader stuck in open() is let go by a writer that closes at once
        os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))

    finished, [result] = _finishes_within(10, lambda: read_documents([tmp_path]), unblock)
    assert finished
    assert isinstance(result, DocumentError) and "pipe.txt: is not a regular file" in str(result)


def test_a_link_out_of_a_folder_is_refused_but_a_named_link_is_read(tmp_path: Path) -> None:
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "diary.txt").write_text("Dear diary\n\nNobody should index this.\n")
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "story.txt").write_text("A story\n\nThe harbour reopened on Monday.\n")
    # A link inside is fine, and the same article: two had the same source, one of which a
    # refresh then dropped. It is read by the file's own name.
    (folder / "also.txt").symlink_to(folder / "story.txt")
    assert [d.doc_id for d in read_documents([folder])] == ["story"]
    (folder / "diary.txt").symlink_to(outside / "diary.txt")
    with pytest.raises(DocumentError, match=r"diary\.txt: links to .*outside the folder"):
        read_documents([folder])
    [doc] = read_documents([folder / "diary.txt"])  # named directly: the person asked for it
    assert "Nobody should index this." in doc.text


def test_links_in_a_loop_are_skipped_in_one_line_each(tmp_path: Path) -> None:
    # Path.resolve() raised "Symlink loop" as a RuntimeError: a traceback, and nothing of the
    # folder indexed.
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "story.txt").write_text("A story\n\nThe harbour reopened on Monday.\n")
    (folder / "loop1.txt").symlink_to(folder / "loop2.txt")
    (folder / "loop2.txt").symlink_to(folder / "loop1.txt")
    skipped: list[DocumentError] = []
    [doc] = read_documents([folder], on_skip=skipped.append)
    assert doc.doc_id == "story"
    assert [Path(str(e).split(":")[0]).name for e in skipped] == ["loop1.txt", "loop2.txt"]
    assert all("symbolic links" in str(e) for e in skipped)
    with pytest.raises(DocumentError, match=r"loop1\.txt: cannot read"):
        read_documents([folder / "loop1.txt"])


def test_a_folder_s_unreadable_files_are_skipped_only_when_asked(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "story.txt").write_text("A story\n\nThe harbour reopened on Monday.\n")
    (folder / "empty.txt").write_text("")
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(DocumentError, match="empty"):
        read_documents([folder])
    skipped: list[DocumentError] = []
    [doc] = read_documents([folder], on_skip=skipped.append)
    assert doc.doc_id == "story"
    assert sorted(Path(str(e).split(":")[0]).name for e in skipped) == ["empty.txt", "photo.txt"]
    # Named directly, the file is what was asked for: its problem stops the run.
    with pytest.raises(DocumentError, match="empty"):
        read_documents([folder, folder / "empty.txt"], on_skip=skipped.append)


def test_a_page_saved_complete_is_one_article_not_its_ad_frames(tmp_path: Path) -> None:
    # A browser's "Save Page As, Web Page, Complete" writes Story.html and Story_files/ with
    # the page's ad frames as HTML: indexed, an ad answered "how much can i save".
    def page(title: str, sentence: str) -> str:
        paragraphs = "".join(
            f"<p>{sentence} Paragraph {i} says more about it.</p>" for i in range(4)
        )
        head = f"<html><head><title>{title}</title></head>"
        return f"{head}<body><article><h1>{title}</h1>{paragraphs}</article></body></html>"

    story = page(
        "Bees return", "Wild bees returned to restored farmland in the Netherlands in 2025."
    )
    ad = page(
        "Advertisement", "Get 50% off home insurance today and compare quotes from 40 insurers."
    )
    folder = tmp_path / "saved"
    (folder / "Bees return _ Science_files").mkdir(parents=True)
    (folder / "Bees return _ Science.HTML").write_text(story)  # any case, as a browser saves
    (folder / "Bees return _ Science_files" / "ad_frame.html").write_text(ad)
    skipped: list[DocumentError] = []
    docs = read_documents([folder], on_skip=skipped.append)
    assert [doc.title for doc in docs] == ["Bees return"]
    assert skipped == []
    # A folder called "x_files" with no page beside it is an ordinary folder of articles, and
    # the ad frame named directly is read as asked.
    (folder / "old_files").mkdir()
    (folder / "old_files" / "ad.html").write_text(ad)
    assert sorted(doc.title for doc in read_documents([folder])) == ["Advertisement", "Bees return"]
    [named] = read_documents([folder / "Bees return _ Science_files" / "ad_frame.html"])
    assert named.title == "Advertisement"
    # Saved by a German or a French browser (a CLI attacker's probe: "Story-Dateien" was
    # walked, its ad frame an article).
    for resources in ("Story-Dateien", "Story_fichiers"):
        other = tmp_path / resources
        (other / resources).mkdir(parents=True)
        (other / "Story.html").write_text(story)
        (other / resources / "ad_frame.html").write_text(ad)
        assert [doc.title for doc in read_documents([other])] == ["Bees return"]


def test_a_folder_s_hidden_entries_and_index_folders_are_not_articles(
    tmp_path: Path, encoder: Encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `articlebot index .` in a project: its .venv and .git, and an index kept inside the
    # folder (whose passages.jsonl is no list of articles), are left out.
    folder = tmp_path / "news"
    (folder / ".venv" / "lib").mkdir(parents=True)
    (folder / ".venv" / "lib" / "notes.jsonl").write_text('{"q": "not an article"}\n')
    (folder / ".draft.txt").write_text("Draft\n\nNot ready to publish.\n")
    (folder / "story.txt").write_text("A story\n\nThe harbour reopened on Monday.\n")
    index_dir = folder / "index"
    update_index(load_settings(index_dir=index_dir), encoder, read_documents([folder]))
    assert (index_dir / CURRENT).is_file()
    assert [doc.doc_id for doc in read_documents([folder])] == ["story"]
    # A Python environment's files are no articles; a stray file called CURRENT beside news
    # does not make its folder an index.
    (folder / "venv" / "lib").mkdir(parents=True)
    (folder / "venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (folder / "venv" / "lib" / "entry_points.txt").write_text("[console_scripts]\nx = y\n")
    (folder / "2025").mkdir()
    (folder / "2025" / "CURRENT").write_text("notes\n")
    (folder / "2025" / "tunnel.txt").write_text("Tunnel opens\n\nThe tunnel opened on Friday.\n")
    assert sorted(doc.doc_id for doc in read_documents([folder])) == ["story", "tunnel"]
    # Named directly, a hidden file is read.
    assert [doc.title for doc in read_documents([folder / ".draft.txt"])] == ["Draft"]
    # Named directly, an index (or one of its generations, a file in one, a link to one) is
    # refused, saying how to ask it.
    generation = next(index_dir.glob("gen-*"))
    (tmp_path / "link").symlink_to(generation)
    for named in (index_dir, generation, generation / "documents.jsonl", tmp_path / "link"):
        with pytest.raises(
            DocumentError, match=f"is (part of )?an articlebot index.*--index-dir {index_dir}`"
        ):
            read_documents([named])
    # "." is the folder it is: the news folder's articles; inside a generation, its index.
    monkeypatch.chdir(folder)
    assert sorted(doc.doc_id for doc in read_documents([Path(".")])) == ["story", "tunnel"]
    monkeypatch.chdir(generation)
    with pytest.raises(
        DocumentError, match=f"^.: is part of an articlebot index.*--index-dir {index_dir}`"
    ):
        read_documents([Path(".")])
    # An index copied without its pointer (or damaged) is no articles either.
    shutil.copytree(generation, folder / "copied" / generation.name)
    assert sorted(doc.doc_id for doc in read_documents([folder])) == ["story", "tunnel"]
    with pytest.raises(DocumentError, match="is part of an articlebot index"):
        read_documents([folder / "copied" / generation.name])
    # A folder named like a file is a folder: its articles are read, and it is no skipped file.
    (folder / "archive.txt").mkdir()
    (folder / "archive.txt" / "ferry.txt").write_text("Ferry runs\n\nThe ferry ran today.\n")
    skipped: list[DocumentError] = []
    found = read_documents([folder], on_skip=skipped.append)
    assert sorted(doc.doc_id for doc in found) == ["ferry", "story", "tunnel"] and not skipped


def _jsonl(tmp_path: Path, *records: str) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(records) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (
            '{"doc_id": {"x": 1}, "text": "Words here."}',
            r'"doc_id" must be a string, not an object',
        ),
        ('{"doc_id": [1], "text": "Words here."}', r'"doc_id" must be a string, not a list'),
        ('{"doc_id": true, "text": "Words here."}', r'"doc_id" must be a string, not true/false'),
        ('{"doc_id": 1.5, "text": "Words here."}', r'"doc_id" must be a string, not a number'),
        ('{"title": {"x": 1}, "text": "Words here."}', r'"title" must be a string, not an object'),
        ('{"doc_id": "a\\tb", "text": "Words here."}', r'"doc_id" contains .* U\+0009'),
        ('{"doc_id": "a\\nb", "text": "Words here."}', r'"doc_id" contains .* U\+000A'),
        ('{"doc_id": "a\\u202eb", "text": "Words here."}', r'"doc_id" contains .* U\+202E'),
        ('{"doc_id": "a\\ud800", "text": "Words here."}', r'"doc_id" contains .* U\+D800'),
        ('{"doc_id": "' + "x" * 201 + '", "text": "Words."}', r'"doc_id" is 201 characters'),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        # A CLI attacker's: a number of 5,000 digits was a traceback; a number or a blank id
        # passed the id's checks.
        ('{"doc_id": ' + "9" * 5000 + ', "text": "Words."}', "not valid JSON .*4300 digits"),
        ('{"doc_id": ' + "9" * 201 + ', "text": "Words."}', r'"doc_id" is 201 characters'),
        ('{"doc_id": "  ", "text": "Words here."}', r'"doc_id" is blank'),
        ('{"text": "🚀🎉 👨‍👩‍👧 !!!"}', "no words"),
    ],
)
def test_bad_jsonl_records_are_refused_naming_file_line_and_field(
    tmp_path: Path, record: str, message: str
) -> None:
    path = _jsonl(tmp_path, '{"doc_id": "fine", "text": "A fine line."}', record)
    with pytest.raises(DocumentError, match=message) as info:
        read_documents([path])
    assert str(info.value).startswith(f"{path}:2: ")


def test_jsonl_numbers_for_doc_ids_and_lone_surrogates_in_text(tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path,
        '{"doc_id": 17, "title": "Tab\\tand\\nbreak", "text": "Broken \\ud800 escape here."}',
    )
    [doc] = read_documents([path])
    assert doc.doc_id == "17" and doc.title == "Tab and break"
    assert doc.text == "Broken \ufffd escape here."
    doc.text.encode("utf-8")  # what saving the index and sending a reply do


def test_a_jsonl_text_opening_with_its_title_is_read_as_a_txt_file(
    tmp_path: Path, count_tokens: WordPieceCounter
) -> None:
    text = "Harbour reopens\n\nBy Ana Ruiz\n\nThe harbour reopened on Monday.\n\nFerries resumed."
    path = _jsonl(
        tmp_path,
        json.dumps({"doc_id": "a", "title": "Harbour  reopens", "text": text}),
        json.dumps({"doc_id": "b", "title": "Other title", "text": text}),
    )
    titled, untitled = read_documents([path])
    # The headline is no paragraph of the story: not counted, not a passage to bold.
    assert titled.body_start == len("Harbour reopens\n") and titled.byline == "By Ana Ruiz"
    chunks = chunk_document(titled, count_tokens, ChunkSettings())
    assert all("Harbour reopens" not in titled.text[p.start : p.end] for p in chunks.passages)
    [txt] = read_documents([_write(tmp_path / "harbour.txt", text)])
    assert txt.body_start == titled.body_start
    assert untitled.body_start == 0  # its first line is not its title: part of the text
    # `articlebot eval` reads a dev set's articles as `index` reads them.
    from articlebot.evaluation import load_eval_file

    (tmp_path / "dev").mkdir()
    dev = _jsonl(
        tmp_path / "dev",
        json.dumps(
            {"doc_id": "a", "title": "Harbour  reopens", "text": text, "unanswerable": ["q"]}
        ),
        json.dumps({"doc_id": "b", "title": "Other title", "text": text}),
    )
    [evaluated, _] = load_eval_file(dev).documents
    assert (evaluated.body_start, evaluated.byline) == (titled.body_start, titled.byline)
    # The same headline in other case or with a full stop; old Mac line ends are line ends.
    (tmp_path / "more").mkdir()
    stopped = "Harbour reopens.\n" + text.split("\n", 1)[1]
    cased, dotted, mac = read_documents(
        [
            _jsonl(
                tmp_path / "more",
                json.dumps({"doc_id": "c", "title": "HARBOUR REOPENS", "text": text}),
                json.dumps({"doc_id": "d", "title": "Harbour reopens", "text": stopped}),
                json.dumps(
                    {"doc_id": "m", "title": "Harbour reopens", "text": text.replace("\n", "\r")}
                ),
            )
        ]
    )
    assert cased.body_start == mac.body_start == titled.body_start == dotted.body_start - 1
    assert mac.byline == "By Ana Ruiz" and "\r" not in mac.text


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


NAV_ONLY = """<html><head><title>Menu</title></head><body><nav><a href="/">Home</a>
<a href="/world">World</a> <a href="/sport">Sport</a> <a href="/biz">Business</a></nav>
</body></html>"""


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("menu.html", NAV_ONLY, "only 4 word"),
        ("party.txt", "🚀🎉\n\n👨‍👩‍👧 !!! ...\n", "no words"),
        ("party.md", "# 🎉\n\n🚀 🚀 🚀\n", "no words"),
        (
            "party.html",
            "<html><body><article><p>🚀🎉 👨‍👩‍👧</p></article></body></html>",
            "no words",
        ),
    ],
)
def test_documents_that_are_not_articles_are_refused(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DocumentError, match=message) as info:
        read_path(path)
    assert str(info.value).startswith(f"{path}: ")


def test_a_document_of_a_byline_and_no_story_is_refused(tmp_path: Path) -> None:
    # A new user's probe: a Markdown draft of front matter alone and a feed line whose text is
    # "By Jane Roe" were indexed, and "summarize" gave the title alone; the README refuses a
    # document with no text under its headline, as a feed's "Read more: <link>" line is.
    (tmp_path / "draft.md").write_text(
        "---\ntitle: Council budget story (draft)\nauthor: Jane Roe\ndate: 2026-05-01\n---\n"
    )
    (tmp_path / "titled.md").write_text("---\ntitle: Council budget story (draft)\n---\n")
    (tmp_path / "headline.md").write_text("# Council budget story\n\n*By Jane Roe*\n")
    (tmp_path / "feed.jsonl").write_text(
        json.dumps({"title": "Only a title", "text": "By Jane Roe"})
        + "\n"
        + json.dumps({"title": "Budget", "text": "Jane Roe, Political Reporter\n2026-05-01"})
        + "\n"
        + json.dumps({"title": "Budget passed", "text": "The council passed its budget."})
        + "\n"
    )
    skipped: list[DocumentError] = []
    docs = read_documents([tmp_path], on_skip=skipped.append)
    assert [doc.title for doc in docs] == ["Budget passed"]
    assert sorted(str(error) for error in skipped) == [
        f"{tmp_path}/draft.md: has no text to index under its title",
        f"{tmp_path}/feed.jsonl:1: has no text to index under its title",
        f"{tmp_path}/feed.jsonl:2: has no text to index under its title",
        f"{tmp_path}/headline.md: has no text to index under its title",
        f"{tmp_path}/titled.md: has no text to index under its title",
    ]
    with pytest.raises(DocumentError, match=r"draft\.md: has no text to index under its title"):
        read_path(tmp_path / "draft.md")
    # A story of one short line under its byline is still a story, one naming a day too.
    (tmp_path / "draft.md").write_text(
        "---\ntitle: Budget\nauthor: Jane Roe\n---\nThe council passed its budget.\n"
    )
    [kept] = read_path(tmp_path / "draft.md")
    assert kept.byline == "By Jane Roe"
    (tmp_path / "brief.txt").write_text("Market update\n\nShares rose 3% on March 3\n")
    [brief] = read_path(tmp_path / "brief.txt")
    assert brief.text[brief.body_start :].strip() == "Shares rose 3% on March 3"


def test_a_path_that_is_not_there_says_so_whatever_its_name(tmp_path: Path) -> None:
    for name in ("nosuchdir", "gone.txt"):
        with pytest.raises(DocumentError) as caught:
            read_documents([tmp_path / name])
        assert str(caught.value) == f"{tmp_path / name}: no such file or folder"


def test_markdown_is_read_as_the_text_a_reader_sees(tmp_path: Path) -> None:
    # Front matter, markup, link targets, images and comments are not the article's words;
    # they made a title of "---" and put "**" into bold sentences. A section heading ("Cost")
    # is no paragraph a reader counts, nor an answer to bold.
    (tmp_path / "tram.md").write_text(
        "---\n"
        'title: "Tram line to the airport opens in May"\n'
        "tags:\n  - city\n"
        "---\n"
        "The **new** tram line to the [airport](https://example.com/a) opens in _May_.\n"
        "Tickets cost `£2`.\n\n"
        "![map](map.png)\n\n"
        "## Cost\n\n"
        "- The line cost £40m.\n"
        "- Work took two years.\n\n"
        "<!-- editor: check the figures -->\n"
        '> "We are pleased," the mayor said.\n',
        encoding="utf-8",
    )
    [doc] = read_documents([tmp_path / "tram.md"])
    assert doc.title == "Tram line to the airport opens in May"
    assert doc.text == (
        "Tram line to the airport opens in May\n\n"
        "The new tram line to the airport opens in May.\nTickets cost £2.\n\n"
        "The line cost £40m.\n\nWork took two years.\n\n"
        '"We are pleased," the mayor said.\n'
    )
    assert doc.text[doc.body_start :].lstrip().startswith("The new tram line")


def test_a_file_named_twice_is_one_article(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Harbour news\n\nThe harbour reopened on Monday.\n")
    docs = read_documents([tmp_path, tmp_path / "a.txt", tmp_path / "." / "a.txt"])
    assert [doc.doc_id for doc in docs] == ["a"]
    # Also through a link to its folder (an attacker's probe: two articles, one source).
    (tmp_path / "link").symlink_to(tmp_path)
    docs = read_documents([tmp_path / "link" / "a.txt", tmp_path / "a.txt"])
    assert [doc.doc_id for doc in docs] == ["a"]


def test_markdown_keeps_the_text_of_html_tables_and_images(tmp_path: Path) -> None:
    (tmp_path / "museum.md").write_text(
        "---\n\nIntro: the museum reopens after a year of repairs.\n\n---\n\n"
        "<div>The museum is <b>closed</b> on Monday &amp; Tuesday.</div>\n\n"
        "See ![the new hall](hall.png) below.\n\n"
        "| Ticket | Price |\n|---|---|\n| Adult | 20 dollars |\n| Child | 5 dollars |\n",
        encoding="utf-8",
    )
    [doc] = read_documents([tmp_path / "museum.md"])
    # A rule above a paragraph is no front matter: its text stays.
    assert doc.text == (
        "Intro: the museum reopens after a year of repairs.\n\n"
        "The museum is closed on Monday & Tuesday.\n\n"
        "See the new hall below.\n\n"
        "Ticket | Price\nAdult | 20 dollars\nChild | 5 dollars\n"
    )
    (tmp_path / "quoted.md").write_text(
        '---\ntitle: "Mayor says \\"Enough\\": resigns"\n---\n\nThe mayor resigned on Friday.\n',
        encoding="utf-8",
    )
    [quoted] = read_documents([tmp_path / "quoted.md"])
    assert quoted.title == 'Mayor says "Enough": resigns'


def test_markdown_picture_and_its_italic_caption_are_no_paragraph(tmp_path: Path) -> None:
    # A picture on a line of its own with its caption in italics under it was paragraph 1,
    # shown above the lead in answers and shifting every paragraph's number.
    doc = _markdown(
        tmp_path,
        "# Carriers fined $57 million\n\n"
        "![Engineers at the Dallas centre](noc.jpg)\n"
        "*Engineers at the Dallas centre. Photo: Reuters*\n\n"
        "**WASHINGTON** — Regulators fined two carriers $57 million on Thursday.\n\n"
        "*This story has been updated.*\n\n"
        "Crews worked overnight.\n![crew](crew.jpg)\nThe lines were back by noon.\n",
    )
    assert doc.text == (
        "Carriers fined $57 million\n\n"
        "WASHINGTON — Regulators fined two carriers $57 million on Thursday.\n\n"
        "This story has been updated.\n\n"
        "Crews worked overnight.\nThe lines were back by noon.\n"
    )


def _markdown(tmp_path: Path, source: str) -> Document:
    """The document read from a Markdown file holding `source`."""
    (tmp_path / "doc.md").write_text(source, encoding="utf-8")
    [doc] = read_documents([tmp_path / "doc.md"])
    return doc


def test_markdown_keeps_words_in_angle_brackets_that_are_no_html(tmp_path: Path) -> None:
    # A name in brackets read as a tag was lost from the article ("Moshe <Levi>" gave "Moshe ").
    doc = _markdown(
        tmp_path,
        "# Court ruling\n\n"
        "The judge, Moshe <Levi>, ruled on <i>Monday</i>.<br>The appeal <!-- check --> failed.\n\n"
        "<div>Lawyers for <Kasatkin Ltd> said they would <b>appeal</b>.</div>\n",
    )
    assert doc.text == (
        "Court ruling\n\n"
        "The judge, Moshe <Levi>, ruled on Monday.\nThe appeal  failed.\n\n"
        "Lawyers for <Kasatkin Ltd> said they would appeal.\n"
    )
    # Names that are HTML's element names too, a block of bracketed words alone, a title.
    names = _markdown(
        tmp_path,
        "# <Levi>\n\n<Levi> <Cohen>\n\n**<Moshe>**\n\n| Name | Role |\n|---|---|\n"
        "| <Levi> | mayor |\n\nThe spokesman <Mark> and <Summary> agreed.\n",
    )
    assert names.title == "<Levi>"
    assert names.text == (
        "<Levi>\n\n<Levi> <Cohen>\n\n<Moshe>\n\nName | Role\n<Levi> | mayor\n\n"
        "The spokesman <Mark> and <Summary> agreed.\n"
    )


def test_markdown_leaves_out_scripts_and_styles(tmp_path: Path) -> None:
    # What a browser runs or applies is no text a reader sees ("var token" was bolded).
    doc = _markdown(
        tmp_path,
        "# Page\n\n<style>.x{color:red}</style>\n\n<script>var token = 1;</script>\n\n"
        "<div>\n<script>\nvar a = 1;\n</script>\nShown text.\n</div>\n\n"
        "The bridge was closed on Monday.\n",
    )
    assert doc.text == "Page\n\nShown text.\n\nThe bridge was closed on Monday.\n"
    # Within a paragraph too; and upper-case tags are HTML as well.
    inline = _markdown(
        tmp_path,
        "# Page\n\nThe <B>cost</B> is <script>var x = 1;</script> twelve <EM>million</EM>.\n",
    )
    assert inline.text == "Page\n\nThe cost is  twelve million.\n"


def test_markdown_comment_left_open_hides_the_rest_and_is_read_at_once(tmp_path: Path) -> None:
    # As a browser shows it; tried as unclosed at every opener, "<!-- " repeated took seconds.
    doc = _markdown(tmp_path, "# Page\n\nShown text.\n\n<!-- draft\n\nHidden text.\n")
    assert "Hidden" not in doc.text and "Shown text." in doc.text
    start = time.perf_counter()
    _markdown(tmp_path, "# Page\n\nShown text.\n\n<div>\n" + "<!a " * 15_000)
    assert time.perf_counter() - start < 1.0
    # Tags never closed: each "<a" was read to the end in turn (2 s at 64,000 characters).
    start = time.perf_counter()
    unclosed = _markdown(tmp_path, "# Page\n\nShown text, then " + "<a" * 32_000 + "\n")
    assert time.perf_counter() - start < 1.0 and "Shown text" in unclosed.text


def test_markdown_keeps_a_paragraph_with_a_rule_under_it(tmp_path: Path) -> None:
    # To Markdown the pair is a heading, which section headings are not kept: it lost the
    # paragraph the writer meant.
    doc = _markdown(
        tmp_path,
        "# Harbor plan\n\nThe council approved the plan. The mayor promised jobs.\n---\n\n"
        "## Costs\n\nIt costs $12 million.\n",
    )
    assert doc.text == (
        "Harbor plan\n\nThe council approved the plan. The mayor promised jobs.\n\n"
        "It costs $12 million.\n"
    )


def test_escape_sequences_and_invisible_characters_are_not_the_articles_text(
    tmp_path: Path,
) -> None:
    # Printed as they were, they cleared the reader's terminal and set its title; zero-width
    # spaces and soft hyphens split "president" for search, and cost the answer its confidence.
    (tmp_path / "ansi.txt").write_text(
        "Escape title\x1b]0;pwned\x07\n\n"
        "The mayor \x1b[2J\x1b[31mRED\x1b[0m said the pre\u200bsi\u200bdent of Fre\u00addonia "
        "was here.\x0c Done.\n",
        encoding="utf-8",
    )
    (tmp_path / "feed.jsonl").write_text(
        json.dumps({"doc_id": "f", "title": "A\x1b[31m title\n", "text": "The mayor\x1b[0m spoke."})
        + "\n",
        encoding="utf-8",
    )
    [ansi] = read_documents([tmp_path / "ansi.txt"])
    assert ansi.title == "Escape title"
    assert (
        ansi.text
        == "Escape title\n\nThe mayor RED said the president of Fredonia was here.\n Done.\n"
    )
    [feed] = read_documents([tmp_path / "feed.jsonl"])
    assert (feed.title, feed.text) == ("A title", "The mayor spoke.")
    # A form feed parts words instead of gluing them; an escape left open ends with its line;
    # entities in Markdown are cleaned as what they stand for.
    (tmp_path / "odd.txt").write_text(
        "Odd title\n\nThe mayor said\x0cthe harbor opens.\nA stray \x1b]0;escape\n"
        "It costs $12 million.\n",
        encoding="utf-8",
    )
    [odd] = read_documents([tmp_path / "odd.txt"])
    assert "said\nthe harbor" in odd.text and "It costs $12 million." in odd.text
    entities = _markdown(tmp_path, "# Ent\n\nThe pre&shy;sident crossed the har&#8203;bor.\n")
    assert entities.text == "Ent\n\nThe president crossed the harbor.\n"


def test_a_file_name_makes_a_one_line_title_and_an_id_of_allowed_length(tmp_path: Path) -> None:
    name = "new\nline\ttab " + "x" * 230 + ".txt"
    (tmp_path / name).write_text("first line that is a sentence.\nsecond.\n", encoding="utf-8")
    [doc] = read_documents([tmp_path / name])
    assert "\n" not in doc.title and "\t" not in doc.title and doc.title.startswith("new line tab")
    assert len(doc.doc_id) <= MAX_DOC_ID_CHARS - 20


def test_a_jsonl_line_s_author_and_date_are_printed_under_its_title(tmp_path: Path) -> None:
    # A new user's probe: a feed's "author" and "date" were ignored ("who wrote this": the
    # article names no author), where Markdown front matter's are used.
    from articlebot.retrieval.about import article_date, byline_reply

    feed = tmp_path / "feed.jsonl"
    record = {
        "title": "Teenager wins marathon",
        "author": "Daniel Whitcombe",
        "date": "30 November 2026",
        "text": "Amara Okafor, 19, won the Lakeside Marathon on Sunday in a course record.",
    }
    feed.write_text(json.dumps(record) + "\n", encoding="utf-8")
    [doc] = read_documents([feed])
    assert byline_reply(doc).lines[0] == "By Daniel Whitcombe — Teenager wins marathon"
    assert article_date(doc) == "30 November 2026"
    assert doc.text[doc.body_start :].split("\n\n")[-1] == record["text"]
    # Anything but text (or a list of names) is left out, and the run goes on (a verifier's
    # probe: an object or an epoch date stopped the whole run).
    feed.write_text(json.dumps({**record, "author": {"name": "A"}, "date": 1700000000}) + "\n")
    [odd] = read_documents([feed])
    assert byline_reply(odd).lines[0].startswith("The article doesn't name its author")
    assert article_date(odd) is None


def test_a_jsonl_line_s_iso_date_and_list_of_authors_are_read(tmp_path: Path) -> None:
    # A new user's probe: "date": "2026-05-01T09:30:00Z", as feeds and CMS exports give it,
    # gave no date (the same in a page's article:published_time was read), and "author":
    # ["Jane Roe", "Sam Poe"] was dropped without a word.
    from articlebot.retrieval.about import article_date, byline_reply

    text = "Ann Lee, 40, a baker in Leeds, opened her second shop on Monday."
    rows = [
        {"doc_id": "iso", "title": "Baker ISO", "author": "Jane Roe"}
        | {"date": "2026-05-01T09:30:00Z", "url": "https://news.example.com/baker"},
        {"doc_id": "two", "title": "Baker two", "author": ["Jane Roe", "Sam Poe"]}
        | {"date": "2026-05-01T23:30:00-05:00"},
        {"doc_id": "three", "title": "Baker three", "author": ["Jane Roe", "Sam Poe", "Ann Lee"]},
    ]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(row | {"text": text}) + "\n" for row in rows))
    iso, two, three = read_documents([feed])
    assert article_date(iso) == "2026-05-01" and iso.byline == "By Jane Roe"
    assert article_date(two) == "2026-05-01"  # the day as written, not in UTC
    assert byline_reply(two).lines[0] == "By Jane Roe and Sam Poe — Baker two"
    assert byline_reply(three).lines[0] == "By Jane Roe, Sam Poe and Ann Lee — Baker three"
    [paragraph] = [iso.text[s.start : s.end] for s in paragraph_spans(iso.text, iso.body_start)]
    assert paragraph == text


def test_a_feed_s_lines_are_paragraphs_with_its_author_printed_above_them(tmp_path: Path) -> None:
    # A new user's probe: a .jsonl line's text with one paragraph per line (as feeds export
    # it) was one paragraph once its "author" was printed above it with a blank line: every
    # answer said "paragraph 1" and its passages began mid-quote.
    story = [
        "KELMORTH, March 4 — The council voted 7-4 on Tuesday to end the winter ferry.",
        "The ferry has sailed twice a day since 1987, officers said.",
        '"That is an eviction notice with extra steps," said Moira Tennant, 47.',
        "Dr. Alasdair Menzies, 55, said the service would be replaced by a helicopter.",
    ]
    feed = tmp_path / "feed.jsonl"
    record = {"title": "Council scraps winter ferry", "author": "Harriet Calloway"}
    feed.write_text(json.dumps({**record, "text": "\n".join(story)}) + "\n", encoding="utf-8")
    [doc] = read_documents([feed])
    assert [doc.text[s.start : s.end] for s in paragraph_spans(doc.text, doc.body_start)] == story
    # Lines wrapped mid-sentence under it are still one paragraph, also two lines each (a
    # verifier's probe: half the lines ending sentences made each line a paragraph).
    wrapped = "The council voted on Tuesday to end\nthe winter ferry, officers said on\nWednesday."
    pairs = "The storm reached the coast,\nbringing rain.\nRoads closed in the\nnorth at noon."
    for text in (wrapped, pairs):
        feed.write_text(json.dumps({**record, "text": text}) + "\n", encoding="utf-8")
        [doc] = read_documents([feed])
        spans = paragraph_spans(doc.text, doc.body_start)
        assert [doc.text[s.start : s.end] for s in spans] == [text]
    # Sub-headings between the lines, "What happens next" among them, are left out, and the
    # lines stay paragraphs (a verifier's probe: all of it one paragraph, headings and all).
    lines = [
        "Bus fares in Leeds will rise by 12 pence from April, the council said.",
        "Why it matters",
        "Half of the city's workers take the bus to work, a survey found.",
        "What happens next",
        "The council will vote on the rise on March 3.",
    ]
    feed.write_text(json.dumps({**record, "text": "\n".join(lines)}) + "\n", encoding="utf-8")
    [doc] = read_documents([feed])
    spans = paragraph_spans(doc.text, doc.body_start)
    assert [doc.text[s.start : s.end] for s in spans] == lines[::2]


def test_markdown_front_matter_gives_the_author_and_date_a_page_would_print(
    tmp_path: Path,
) -> None:
    # "who wrote this" of a file with `author: Mary Jones` had said it names no author.
    from articlebot.retrieval.about import article_date, byline_reply

    doc = _markdown(
        tmp_path,
        '---\ntitle: "Council vote"\nauthor: Mary Jones\ndate: 2025-02-02\n---\n'
        "The town council met on Tuesday. Councillor Bob Hart, 70, resigned.\n",
    )
    assert doc.title == "Council vote" and doc.byline == "By Mary Jones"
    assert byline_reply(doc).lines[0] == "By Mary Jones — Council vote"
    assert article_date(doc) == "2025-02-02"
    assert doc.text[doc.body_start :].strip().startswith("By Mary Jones")
    # The story's paragraphs are as they were: the credits are no paragraph of it.
    [paragraph] = [doc.text[s.start : s.end] for s in paragraph_spans(doc.text, doc.body_start)]
    assert paragraph.startswith("The town council met")
    # A byline of the page's own comes first; the front matter's is not added beside it.
    own = _markdown(
        tmp_path,
        "---\nauthor: Mary Jones\n---\n# Council vote\n\n*By Tom Hale*\n\nThe council met.\n",
    )
    assert own.byline == "By Tom Hale" and "Mary Jones" not in own.text


@pytest.mark.parametrize(
    ("front", "title", "byline", "date"),
    [
        (
            'title: "Baker opens shop"\nauthor: ["Jane Roe", "Sam Poe"]\n'
            "date: 2026-05-01T09:30:00+01:00",
            "Baker opens shop",
            "By Jane Roe and Sam Poe",
            "2026-05-01",
        ),
        (
            "title: Baker opens shop\nauthor:\n  - Jane Roe\n  - Sam Poe\n  - Ann Lee\n"
            "date: 2026-05-01",
            "Baker opens shop",
            "By Jane Roe, Sam Poe and Ann Lee",
            "2026-05-01",
        ),
        (
            "title: >-\n  Baker opens\n  a second shop\nauthor: Jane Roe # staff\ndate: 2026-05-01",
            "Baker opens a second shop",
            "By Jane Roe",
            "2026-05-01",
        ),
        (
            "title: Baker opens shop\nauthor: Jane Roe\ndate: 2026-05-01T09:30:00Z",
            "Baker opens shop",
            "By Jane Roe",
            "2026-05-01",
        ),
        # Of an unexpected type: left out, not printed as written.
        (
            "title: Baker opens shop\nauthor: {name: Jane Roe}\ndate: 20260501",
            "Baker opens shop",
            None,
            None,
        ),
        # A title as written, not as YAML types it (a verifier's probe: " #" began a comment,
        # "12:30" was the number 750, a date or "Yes" was no title).
        ("title: Fans react to #MeToo ruling", "Fans react to #MeToo ruling", None, None),
        ("title: Fans react to\t#MeToo ruling", "Fans react to #MeToo ruling", None, None),
        ("title: 12:30", "12:30", None, None),
        ("title: Yes\ndate: 2026-05-01", "Yes", None, "2026-05-01"),
        ("title: '3.10'", "3.10", None, None),
        # YAML's own reading kept where it reads the title whole (a verifier's probe: a title
        # wrapped by a YAML writer was cut at its line break, a quoted one kept its comment).
        (
            "title: A very long headline about the council's budget vote that a YAML writer\n"
            "  wrapped onto a second line\nauthor: Jane Roe",
            "A very long headline about the council's budget vote that a YAML writer wrapped "
            "onto a second line",
            "By Jane Roe",
            None,
        ),
        ('title: "Budget passes" # draft', "Budget passes", None, None),
        ('title: "Caf\\u00e9 reopens"', "Café reopens", None, None),
        # A date no calendar has is no date, and leaves the authors (a CLI attacker's probe:
        # "2026-02-30" made the block no YAML, and the author list was lost).
        (
            "title: Baker opens shop\nauthor: [Amy Lee, Raj Singh]\ndate: 2026-02-30",
            "Baker opens shop",
            "By Amy Lee and Raj Singh",
            None,
        ),
        # No YAML (an unclosed quote): the fields its lines give, as a page would print them.
        (
            'title: Baker "opens: shop\nauthor: Jane Roe\ndate: 2026-05-01',
            'Baker "opens: shop',
            "By Jane Roe",
            "2026-05-01",
        ),
    ],
)
def test_yaml_front_matter_is_read_as_yaml(
    tmp_path: Path, front: str, title: str, byline: str | None, date: str | None
) -> None:
    # A new user's probe: `author: ["Jane Roe", "Sam Poe"]` was printed with its brackets, a
    # block list of authors was lost, a folded title with `author: Jane Roe # staff` made the
    # title "By Jane Roe # staff", and `date: 2026-05-01T09:30:00Z` gave no date.
    from articlebot.retrieval.about import article_date, byline_reply

    doc = _markdown(tmp_path, f"---\n{front}\n---\n\nAnn Lee, 40, opened her second shop.\n")
    assert doc.title == title
    assert doc.byline == byline
    if byline:
        assert byline_reply(doc).lines[0] == f"{byline} — {title}"
    assert article_date(doc) == date
    [paragraph] = [doc.text[s.start : s.end] for s in paragraph_spans(doc.text, doc.body_start)]
    assert paragraph == "Ann Lee, 40, opened her second shop."


def test_toml_front_matter_is_no_title_line(tmp_path: Path) -> None:
    # A new user's probe: Hugo's TOML front matter (`+++`) made the title `title = "..."`.
    doc = _markdown(
        tmp_path,
        '+++\ntitle = "Baker opens shop"\nauthor = ["Jane Roe", "Sam Poe"]\n'
        "date = 2026-05-01T09:30:00Z\ndraft = false\n+++\n\nAnn Lee, 40, opened her shop.\n",
    )
    assert (doc.title, doc.byline) == ("Baker opens shop", "By Jane Roe and Sam Poe")
    assert doc.text == (
        "Baker opens shop\nBy Jane Roe and Sam Poe\n2026-05-01\n\nAnn Lee, 40, opened her shop.\n"
    )


@pytest.mark.parametrize(("fence", "equals"), [("+++", " ="), ("---", ":")])
def test_a_number_too_long_for_python_leaves_front_matter_s_other_fields(
    tmp_path: Path, fence: str, equals: str
) -> None:
    # A CLI attacker's probe: TOML front matter with a 5,000-digit number was a traceback
    # ("Exceeds the limit (4300 digits)") that stopped a whole folder's `index`; YAML's read.
    from articlebot.retrieval.about import article_date

    front = (
        f'title{equals} "Mill fire"\nauthor{equals} "Jane Roe"\nweight{equals} {"1" * 5000}\n'
        f"date{equals} 2026-05-01"
    )
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "mill.md").write_text(
        f"{fence}\n{front}\n{fence}\n\nThe mayor said the town would rebuild the old mill.\n"
    )
    (folder / "bridge.txt").write_text("Bridge vote\n\nThe council voted for a new bridge.\n")
    bridge, mill = sorted(read_documents([folder]), key=lambda doc: doc.doc_id)
    assert (mill.title, mill.byline) == ("Mill fire", "By Jane Roe")
    assert article_date(mill) == "2026-05-01"
    assert "1111" not in mill.text
    assert bridge.title == "Bridge vote"
    if fence == "+++":
        # A verifier's probe: lines of a multi-line string were read as fields of their own.
        quoted = 'summary = """\ntitle = "Totally different headline"\nauthor = "Mallory"\n"""'
        (folder / "mill.md").write_text(
            f"+++\n{front}\n{quoted}\n+++\n\nThe mayor said the town would rebuild the mill.\n"
        )
        mill = next(d for d in read_documents([folder]) if d.doc_id == "mill")
        assert (mill.title, mill.byline) == ("Mill fire", "By Jane Roe")


def test_a_markdown_headline_under_another_front_matter_title_heads_the_story(
    tmp_path: Path,
) -> None:
    # A new user's probe: front matter's `title` differing from the `# ` headline (an SEO
    # title) made the headline and the byline under it paragraphs 1 and 2, and answers opened
    # with "Luis Ferreira, Sports Reporter".
    doc = _markdown(
        tmp_path,
        '---\ntitle: "Teacher Kamau smashes Lakeshore Marathon record"\n'
        "author: Luis Ferreira\ndate: 2026-04-26\n---\n\n"
        "# Nairobi teacher Wanjiru Kamau wins Lakeshore Marathon in course record\n\n"
        "*Luis Ferreira, Sports Reporter*\n\n"
        "CHICAGO — Wanjiru Kamau, a 31-year-old teacher from Nairobi, won the women's race.\n\n"
        "Kamau pulled away from Tsehay Bekele at the 35-kilometre mark.\n",
    )
    # The headline a reader sees is the title, as it is without front matter.
    assert doc.title == "Nairobi teacher Wanjiru Kamau wins Lakeshore Marathon in course record"
    assert doc.byline == "Luis Ferreira, Sports Reporter"
    paragraphs = [doc.text[s.start : s.end] for s in paragraph_spans(doc.text, doc.body_start)]
    assert [p.split()[0] for p in paragraphs] == ["CHICAGO", "Kamau"]
    # A section's heading opening the body is no headline: the front matter's title stays (a
    # verifier's probe: "## Key points" and "Background" had become the title).
    for opening in ("## Key points", "# Background", "# What happened"):
        doc = _markdown(
            tmp_path,
            "---\ntitle: Council backs budget after long debate\nauthor: Jane Roe\n---\n\n"
            f"{opening}\n\nThe council voted 7-4 on Tuesday to pass the budget.\n",
        )
        assert doc.title == "Council backs budget after long debate", opening
        assert doc.byline == "By Jane Roe"


def test_a_saved_web_page_is_read_in_the_encoding_it_declares(tmp_path: Path) -> None:
    body = (
        "<p>Le café de la place a rouvert lundi après trois mois de travaux, a dit le maire. "
        "Les habitants ont salué la réouverture du café, fermé depuis l'été.</p>"
    )
    page = tmp_path / "cafe.html"
    page.write_bytes(
        (
            '<html><head><meta charset="iso-8859-1"><title>Le café rouvre</title></head>'
            f"<body><article><h1>Le café rouvre</h1>{body}</article></body></html>"
        ).encode("latin-1")
    )
    [doc] = read_documents([page])
    assert "café de la place" in doc.text and "après" in doc.text

    # An attacker's probe: the same page fetched was read in windows-1252, where the <meta>
    # after 16 KB of head scripts, or no declaration at all, refused the saved file as "not
    # UTF-8". Both are read as the fetched page is, as browsers read them.
    scripts = "<script>var config = '" + "x" * 16_384 + "';</script>"
    late = tmp_path / "late.html"
    late.write_bytes(
        (
            f'<html><head>{scripts}<meta charset="windows-1252"><title>Le café rouvre</title>'
            f"</head><body><article><h1>Le café rouvre</h1>{body}</article></body></html>"
        ).encode("cp1252")
    )
    bare = tmp_path / "bare.html"
    bare.write_bytes(f"<html><body>{body}</body></html>".encode("latin-1"))
    for page in (late, bare):
        [doc] = read_documents([page])
        assert "café de la place" in doc.text and "\ufffd" not in doc.text, page.name


def test_an_id_keeps_the_letters_of_any_script_and_drops_accents(tmp_path: Path) -> None:
    # "Ночь.txt" and "日本.txt" were "document-6b93e1" and "document-c922de": the README
    # says an id is the file's name with anything but letters and digits made a hyphen.
    text = "A story\n\nThe harbour reopened on Monday after repairs.\n"
    names = {
        "Ночь в порту.txt": "ночь-в-порту",
        "日本.md": "日本",
        "Müller_Bericht.txt": "muller-bericht",
        "Łódź news.txt": "łodz-news",
        "!!!.txt": "document",
    }
    for name, body in zip(names, ("one", "two", "three", "four", "five"), strict=True):
        (tmp_path / name).write_text(text.replace("Monday", body))
    assert {d.source.rsplit("/", 1)[1]: d.doc_id for d in read_documents([tmp_path])} == names


def test_an_id_not_there_is_matched_to_the_ids_it_may_mean() -> None:
    # A new user's probe: `ask --doc harbour` and /use harbour said only "no article with id"
    # where the article from "harbour bridge.txt" is harbour-bridge.
    known = ["harbour-bridge", "storm-ida-3fa2b1", "storm-ida", "article", "Mill-Fire"]
    assert ids_like("harbour", known) == ["harbour-bridge"]
    assert ids_like("harbor-bridge", known) == ["harbour-bridge"]  # a letter off
    assert ids_like("mill-fire", known) == ["Mill-Fire"]  # another case
    assert ids_like("Storm Ida", known) == ["storm-ida"]  # the nearest, before any with it
    assert ids_like("ida", known) == ["storm-ida", "storm-ida-3fa2b1"]
    assert ids_like("bridge harbour", known) == []  # its words, not in that order
    assert ids_like("arti", known) == [] and ids_like("!!!", known) == []


def test_a_page_s_marked_date_is_its_date_and_an_unmarked_one_is_not() -> None:
    # A new user's probe: a page's <time datetime="2026-01-20"> under its byline was lost, and
    # "when was it published" said the article gives no date.
    from articlebot.retrieval.about import article_date

    body = (
        "<p>The roof of Hallby Primary School will be replaced over the summer after a storm "
        "tore away part of it in December, the council said on Tuesday. The work will cost "
        "about 400,000 pounds and is due to finish before the new school year begins.</p>"
        "<p>Pupils have been taught in the village hall since the storm, the head said.</p>"
    )
    marked = (
        "<html><head><title>School roof to be replaced</title></head><body><article>"
        '<h1>School roof to be replaced</h1><p class="byline">By Anna Berg</p>'
        f'<time datetime="2026-01-20">20 January 2026</time>{body}</article></body></html>'
    )
    page = parse_html(marked, "school", "school.html")
    assert article_date(page) == "2026-01-20"
    assert page.text[page.body_start :].startswith("The roof of Hallby")  # paragraph 1
    # A date the page does not mark as its own (a copyright line) is not its date.
    unmarked = marked.replace('<time datetime="2026-01-20">20 January 2026</time>', "")
    unmarked = unmarked.replace("</article>", "</article><footer>© 2019 Hallby News</footer>")
    assert article_date(parse_html(unmarked, "school", "school.html")) is None


def test_a_credit_line_with_a_capitalised_role_is_the_byline_not_a_paragraph(
    tmp_path: Path,
) -> None:
    # A new user's Markdown story: "*Priya Raman, Consumer Affairs Correspondent*" under the
    # headline became paragraph 1, printed above every answer from the lead; the front
    # matter's author stood in as the byline, without her role.
    story = tmp_path / "kettle.md"
    story.write_text(
        "---\nauthor: Priya Raman\n---\n\n# Halden recalls 278,000 kettles\n\n"
        "*Priya Raman, Consumer Affairs Correspondent*\n\n"
        "MANCHESTER, England — Appliance maker Halden Home has recalled about 278,000 "
        "electric kettles sold in Britain and Ireland, the company said on Wednesday.\n\n"
        "The recall covers the Halden Aura kettle, sold between March 2023 and January 2025.\n",
        encoding="utf-8",
    )
    [doc] = read_documents([story])
    assert doc.byline == "Priya Raman, Consumer Affairs Correspondent"
    first = paragraph_spans(doc.text, doc.body_start)[0]
    assert doc.text[first.start : first.end].startswith("MANCHESTER, England")
    assert is_credit_paragraph("Ivan Petrov, Moscow Correspondent")
    assert not is_credit_paragraph("Residents said the editor")


@pytest.mark.parametrize("element", ['div class="meta"', "div", "span"])
def test_a_print_view_s_byline_in_an_element_of_its_own_is_the_byline(
    tmp_path: Path, element: str
) -> None:
    # A new user's probe: a saved print view with "By Grace Adeyemi | 11 February 2026" in a
    # <div class="meta"> (or any <div>) lost its byline and date; in a <p> they were found.
    from articlebot.retrieval.about import article_date, byline_reply

    story = (
        "<p>HALBROOK, England — A fire tore through the Corrow Packaging plant on Tuesday "
        "evening, putting 140 jobs at risk, the company said.</p><p>Around 60 firefighters "
        "fought the blaze. Nobody was hurt, according to station commander Ruth Okonkwo, "
        "49.</p><p>The cause of the fire is not yet known, Okonkwo said on Wednesday.</p>"
    )
    tag = element.split()[0]
    page = tmp_path / "print.html"
    page.write_text(
        "<html><head><title>Print: Fire destroys Halbrook plant</title></head><body>"
        '<div class="print-header">Printed from riversidecourier.com on 12/02/2026</div>'
        f"<h1>Fire destroys Halbrook plant</h1><{element}>By Grace Adeyemi | 11 February "
        f"2026</{tag}>{story}</body></html>",
        encoding="utf-8",
    )
    [doc] = read_documents([page])
    assert byline_reply(doc).lines[0].startswith("By Grace Adeyemi")
    assert article_date(doc) == "11 February 2026"
    assert doc.text[doc.body_start :].lstrip().startswith("HALBROOK, England")
    # A photo's caption or a box's label starting "By" is no credit (a verifier's probe: "By
    # the harbour wall, firefighters battle the blaze" became the author).
    for label in (
        "<figure><figcaption><span>By Ruth Okonkwo, fire service</span></figcaption></figure>",
        "<div>By the harbour wall, firefighters battle the blaze</div>",
        "<div>By the numbers</div>",
        # Notices and photo credits (a verifier's probe: a cookie banner was the author).
        "<div>By continuing to use this site you agree to our use of cookies.</div>",
        "<div>By signing up, you agree to our privacy policy.</div>",
        "<div>By AP Photo/Kin Cheung</div>",
        "<div>By Continuing, You Agree To Our Cookie Policy</div>",
        "<div>By The Numbers</div>",
    ):
        assert _page_with(page, label, story).byline is None, label
    # Credits of other shapes stay credits (a verifier's probe: lost to too strict a rule).
    for credit in (
        "By Grace Adeyemi and Tom Hill",
        "By Óscar López in Lagos",
        "By Reuters",
        "By Early Sheehan",
        "By Łukasz Nowak 11 February 2026",
        "By staff reporter",
        # Round 4: a title, a date after "on", names joined by "de la" and "and", a paper.
        "By Dr. Sanjay Gupta, Chief Medical Correspondent",
        "By Jane Doe on March 3, 2026",
        "By Maria de la Cruz and Tom Hill",
        "By Evening Post staff",
        # An agency or a paper under its article (a verifier's probe: refused as "The ...").
        "By The Associated Press",
        "By The New York Times | 11 February 2026",
    ):
        byline = _page_with(page, f"<div>{credit}</div>", story).byline
        assert byline is not None and byline.startswith(credit), credit


def _page_with(page: Path, above: str, story: str) -> Document:
    """The article of a page whose story has `above` between its headline and its text."""
    page.write_text(
        f"<html><head><title>Fire at the harbour</title></head><body><h1>Fire at the "
        f"harbour</h1>{above}{story}</body></html>",
        encoding="utf-8",
    )
    [doc] = read_documents([page])
    return doc


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html"])
def test_a_direction_override_in_a_headline_is_not_kept_in_the_title(
    tmp_path: Path, suffix: str
) -> None:
    # An attacker's probe: a .txt headline "Storm \u202ehits coast" listed as its title
    # turned the rest of every line showing it (/articles, an answer's heading) around.
    body = (
        "A powerful storm struck the northern coast on Monday, cutting power to 40,000 "
        "homes.\n\nOfficials said repair crews were working through the night."
    )
    headline = "Storm \u202ehits\u2067 coast"
    if suffix == ".html":
        paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
        text = f"<html><head><title>{headline}</title></head><body><article><h1>{headline}"
        text += f"</h1>{paragraphs}</article></body></html>"
    else:
        text = ("# " if suffix == ".md" else "") + f"{headline}\n\n{body}\n"
    (tmp_path / f"storm{suffix}").write_text(text, encoding="utf-8")
    [doc] = read_path(tmp_path / f"storm{suffix}")
    assert doc.title == "Storm hits coast"


@pytest.mark.parametrize(
    ("printed", "shown"),
    [
        ("By Jane Roe &lt;jane.roe@example.com&gt;", "By Jane Roe"),
        ("By Lee Park (lee@example.com)", "By Lee Park"),
        ("By R&amp;D Desk &lt;news@example.com&gt;", "By R&D Desk"),
        ("By Lee Park [lee@example.com], Staff Writer", "By Lee Park, Staff Writer"),
        ("Live coverage by Tom Ames and Rhea Das", "Live coverage by Tom Ames and Rhea Das"),
        # Its comma goes with it ("By Jane Roe,"), and one naming only an address names no one.
        ("Jane Roe, jane@example.com", "By Jane Roe"),
        ("By Jane Roe, jane.roe@example.com, Staff Writer", "By Jane Roe, Staff Writer"),
        ("By jane@example.com", "The article doesn't name its author"),
    ],
)
def test_a_page_s_byline_is_shown_without_its_address_or_a_second_by(
    tmp_path: Path, printed: str, shown: str
) -> None:
    # Attackers' probes: "who wrote this?" left an address's closing bracket ("By Jane Roe>",
    # "By Lee Park)", "By R&D Desk>"), and a page's "Live coverage by ..." byline was shown
    # as "By Live coverage by ...", though the same line in a .txt is shown right.
    from articlebot.retrieval.about import byline_reply

    page = tmp_path / "wall.html"
    page.write_text(
        "<html><head><title>Harbour wall repaired</title></head><body><article>"
        f'<h1>Harbour wall repaired</h1><p class="byline">{printed}</p>'
        "<p>The harbour wall at Penmorra has been repaired after winter storms tore a "
        "twelve-metre gap in it, the port authority said on Thursday.</p><p>Fishing boats "
        "that moved to a neighbouring harbour in January will return next week.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    [doc] = read_documents([page])
    assert byline_reply(doc).lines[0] == f"{shown} — Harbour wall repaired"


def test_a_markdown_table_under_the_headline_is_no_byline(tmp_path: Path) -> None:
    # A CLI attacker's probe: an election's results table right under the headline gave the
    # byline "Marco Bellini | Centre | 41,200" (read as "Name | Outlet | Date"), and "who
    # wrote this?" answered "By Marco Bellini", "Published by: Centre".
    story = tmp_path / "results.md"
    story.write_text(
        "# Ravenna elects Marco Bellini as mayor\n\n"
        "| Candidate | Party | Votes |\n|---|---|---|\n"
        "| Marco Bellini | Centre | 41,200 |\n| Giulia Ferri | Left | 38,900 |\n\n"
        "Marco Bellini won the mayoral election in Ravenna on Sunday with 51 percent.\n",
        encoding="utf-8",
    )
    [doc] = read_path(story)
    assert doc.byline is None
    assert "41,200" in doc.text  # the table is still the article's


def test_a_page_s_reader_comments_and_most_read_are_no_part_of_its_story() -> None:
    # A CLI attacker: a page without <article> markup had its readers' comments and its "Most
    # read" headlines indexed as paragraphs ("how many people were on trolleys?" answered with
    # confidence from a commenter's "200"), and its "Published ... by Eileen Ward" unread.
    page = """<html><head><title>Ferry fares rise | Coast Post</title></head><body>
<div class="content"><h1>Ferry fares rise</h1>
<div class="meta">Published 3 March 2026 by Owen Price</div>
<div class="txt"><p>Ferry fares between Oban and Mull will rise by 12 percent from April, the
operator CalMac said on Monday, the first rise in four years.</p>
<p>A return ticket for a car and driver will cost 118 pounds, up from 105 pounds.</p></div>
<div class="cmts"><h3>Reader comments</h3>
<div class="c"><b>Islander</b><p>It was 300 pounds when I crossed last summer, a scandal that
nobody in Edinburgh will ever fix for us.</p></div></div>
<div class="more"><h3>Most read</h3><p>Man, 40, charged after Oban harbour fire</p></div>
</div></body></html>"""
    doc = parse_html(page, "fares", "fares.html")
    assert "118 pounds" in doc.text
    for gone in ("Reader comments", "300 pounds", "Most read", "harbour fire"):
        assert gone not in doc.text, gone
    assert doc.byline is not None and doc.byline.startswith("By Owen Price")


def test_a_page_s_standfirst_is_its_first_paragraph_and_also_read_links_are_not() -> None:
    # A CLI attacker: the sentence under the headline was left out, and an inline "Also read:"
    # link to another story was kept and offered as the closest answer.
    page = """<html><head><title>Bridge reopens | Valley News</title></head><body><article>
<h1>Bridge reopens</h1>
<p class="standfirst">The Elm Street bridge reopened on Friday after repairs that cost 2.1
million pounds and took eight months.</p>
<div class="article-body">
<p>Drivers queued from dawn to be among the first across the Elm Street bridge, which had been
shut since a lorry struck one of its supports in March.</p>
<p><strong>Also read:</strong> <a href="/x">Second bridge to shut for 14 months of work</a></p>
<p>The council said the bridge would be inspected every six months from now on.</p>
</div></article></body></html>"""
    doc = parse_html(page, "bridge", "bridge.html")
    assert doc.text[doc.body_start :].startswith("The Elm Street bridge reopened on Friday")
    shown = [doc.text[s.start : s.end] for s in paragraph_spans(doc.text, doc.body_start)]
    assert len(shown) == 3 and not any("Second bridge" in paragraph for paragraph in shown)


def test_a_page_s_table_is_read_row_by_row_each_cell_under_its_heading() -> None:
    # A CLI attacker: a results table was left out, and "how many votes did Norma Foley get?"
    # was hedged on "The first-preference votes were:".
    page = """<html><head><title>Count in Kerry | Kerry News</title></head><body><article>
<h1>Count in Kerry</h1>
<p>Michael Healy-Rae won the Kerry by-election on Saturday after the fourth count, the returning
officer said. Turnout was 58 percent. The first-preference votes were:</p>
<table><tr><th>Candidate</th><th>Party</th><th>Votes</th></tr>
<tr><td>Michael Healy-Rae</td><td>Independent</td><td>21,402</td></tr>
<tr><td>Norma Foley</td><td>Fianna Fail</td><td>14,880</td></tr></table>
<p>Healy-Rae thanked his supporters in Killarney on Saturday night, his family beside him.</p>
</article></body></html>"""
    doc = parse_html(page, "kerry", "kerry.html")
    shown = [doc.text[s.start : s.end] for s in paragraph_spans(doc.text, doc.body_start)]
    assert "Candidate: Norma Foley | Party: Fianna Fail | Votes: 14,880" in shown
    assert not any("---" in paragraph or paragraph.startswith("|") for paragraph in shown)


@pytest.mark.parametrize("placeholder", ['"-"', '"..."', '"—"'])
def test_a_placeholder_title_in_front_matter_is_no_title(tmp_path: Path, placeholder: str) -> None:
    # A CLI attacker: `title: "-"` made the lead paragraph the title (gone from the story), and
    # a one-paragraph file had "no text to index under its title".
    story = "The fair in Ballinasloe drew 16,000 people on Sunday, organisers said."
    (tmp_path / "fair.md").write_text(f"---\ntitle: {placeholder}\n---\n{story}\n")
    [doc] = read_path(tmp_path / "fair.md")
    shown = [doc.text[s.start : s.end] for s in paragraph_spans(doc.text, doc.body_start)]
    assert doc.title == "fair" and shown == [story]


def test_a_direction_override_in_a_story_is_left_out_of_its_text(tmp_path: Path) -> None:
    # A CLI attacker: a right-to-left override in an article reached the terminal (and a
    # Telegram answer) as is, turning the rest of the line around.
    (tmp_path / "bridge.txt").write_text(
        "Bridge reopens\n\nThe \u202emayor\u202c said the bridge reopens on Friday,"
        " \u202dthe council said.\n",
        encoding="utf-8",
    )
    [doc] = read_path(tmp_path / "bridge.txt")
    assert "\u202e" not in doc.text and "\u202d" not in doc.text and "The mayor" in doc.text

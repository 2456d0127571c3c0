"""Everyone who writes the index, at once and by mistake: nothing confirmed is ever lost.

Commands run on real index folders: in processes of their own where the test is about processes
(writers at once, a held lock, limits and permissions of a process, bytes on stdin), else in
this process (`cli`).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_run import CliRun

from articlebot.index.lock import writer_lock
from articlebot.index.store import IndexCorruptError, current_generation
from articlebot.storage.local_index import load_index
from articlebot.storage.sql_chat_state import CHAT_STATE_FILE

# Commands run in this process reuse the session's encoder (see conftest.shared_model).
pytestmark = pytest.mark.usefixtures("shared_model")


def _env(index_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARTICLEBOT_", "TELEGRAM_"))}
    env["ARTICLEBOT_INDEX_DIR"] = str(index_dir)
    return env


def _start(*args: str, index_dir: Path, cwd: Path, **extra) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "articlebot", *args],
        env=_env(index_dir),
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **extra,
    )


def _run(
    *args: str, index_dir: Path, cwd: Path, stdin: bytes = b"", **extra
) -> tuple[int, str, str]:
    process = _start(*args, index_dir=index_dir, cwd=cwd, **extra)
    out, err = process.communicate(stdin, timeout=300)
    return process.returncode, out.decode(), err.decode()


def _error(err: str) -> str:
    """The one error line a failed command printed (progress lines may precede it)."""
    assert "Traceback" not in err
    [line] = [line for line in err.splitlines() if line.startswith("articlebot: error:")]
    return line


def _article(path: Path, title: str, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{title}\n{body}\n", encoding="utf-8")
    return path


def _listed(index_dir: Path, cwd: Path) -> dict[str, str]:
    """doc_id -> source, as `articlebot list` prints them."""
    code, out, err = _run("list", index_dir=index_dir, cwd=cwd)
    assert code == 0, err
    return _sources(out)


def _sources(listing: str) -> dict[str, str]:
    return {line.split("\t")[0]: line.split("\t")[2] for line in listing.splitlines()}


#: A command run in this process: its exit status, stdout and stderr.
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(cli: Callable[..., CliRun], index_dir: Path) -> Run:
    """`articlebot ARGS` on `index_dir`, in this process (the `cli` fixture)."""

    def run_(*args: str) -> tuple[int, str, str]:
        result = cli(*args, index_dir=index_dir)
        return result.returncode, result.stdout, result.stderr

    return run_


STORIES = [
    ("Harbour reopens", "The harbour reopened on Monday after repairs. Ferries resumed at noon."),
    ("Mountain pass closed", "Snow closed the mountain pass for two days. Drivers waited."),
    ("Orchard grant", "The community orchard won a grant to replant 300 old apple trees."),
    ("Bridge vote", "The council voted to repair the old stone bridge before winter."),
    ("Library hours", "The town library will open on Sundays from March, its director said."),
    ("Bus strike", "Bus drivers will strike on Friday over pay, their union announced."),
]


def test_two_writers_at_once_both_keep_their_articles(
    article_index_dir: Path, tmp_path: Path
) -> None:
    index_dir = article_index_dir  # the bundled article, indexed
    confirmed = {"article"}
    for round_ in range(3):
        first = _article(tmp_path / f"r{round_}" / "first.txt", *STORIES[2 * round_])
        second = _article(tmp_path / f"r{round_}" / "second.txt", *STORIES[2 * round_ + 1])
        writers = [
            _start("add", str(path), index_dir=index_dir, cwd=tmp_path) for path in (first, second)
        ]
        for writer in writers:
            out, err = writer.communicate(timeout=300)
            assert writer.returncode == 0, err.decode()
            assert b"Traceback" not in err
            # What each writer confirmed: "<doc_id>: <title>" lines.
            confirmed |= {line.split(":")[0] for line in out.decode().splitlines()[:-1]}
        assert set(_listed(index_dir, tmp_path)) == confirmed
    assert len(confirmed) == 7
    load_index(index_dir)


def test_a_writer_waits_for_the_one_holding_the_lock_and_says_so(
    index_dir: Path, tmp_path: Path
) -> None:
    story = _article(tmp_path / "harbour.txt", *STORIES[0])
    with writer_lock(index_dir):
        writer = _start("add", str(story), index_dir=index_dir, cwd=tmp_path)
        deadline = time.monotonic() + 120
        seen = b""
        while b"waiting for another writer" not in seen and time.monotonic() < deadline:
            seen += writer.stderr.read1(4096)  # type: ignore[union-attr]
        assert b"waiting for another writer" in seen
        assert b"pid " in seen  # who holds it
        time.sleep(0.5)
        assert writer.poll() is None  # still waiting while the lock is held
    _, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err.decode()
    assert "harbour" in _listed(index_dir, tmp_path)
    # The holder's line names the command, never its arguments (an option's value may be a
    # password, and the file stays behind, readable by others): an attacker's probe.
    line = (index_dir / ".writer").read_text(encoding="utf-8")
    assert line.startswith("pid ") and ", articlebot add, since " in line
    assert str(story) not in line


def _waiting_writer(*args: str, index_dir: Path, cwd: Path) -> subprocess.Popen:
    """`articlebot ARGS` started while this thread holds the writer lock, once it says it
    waits (it has read whatever it reads before the lock)."""
    writer = _start(*args, index_dir=index_dir, cwd=cwd)
    deadline = time.monotonic() + 120
    seen = b""
    while b"waiting for another writer" not in seen and time.monotonic() < deadline:
        seen += writer.stderr.read1(4096)  # type: ignore[union-attr]
    assert b"waiting for another writer" in seen, seen.decode()
    return writer


@pytest.mark.parametrize("command", [("index", "--rebuild"), ("index",)])
def test_a_rebuild_or_refresh_waiting_for_the_lock_keeps_what_the_writer_before_it_did(
    index_dir: Path, tmp_path: Path, cli: Callable[..., CliRun], command: tuple[str, ...]
) -> None:
    # An attacker's probe: `index --rebuild` read the articles before it waited for the lock,
    # then published that list, undoing the `add` (and the `remove`) confirmed meanwhile.
    kept, going = (
        _article(tmp_path / f"{n}.txt", *STORIES[i]) for i, n in ((0, "kept"), (1, "going"))
    )
    assert cli("add", str(kept), str(going), index_dir=index_dir).returncode == 0
    late = _article(tmp_path / "late.txt", *STORIES[2])
    with writer_lock(index_dir):
        writer = _waiting_writer(*command, index_dir=index_dir, cwd=tmp_path)
        # The writer before it, holding the lock (re-entered by this thread).
        assert cli("add", str(late), index_dir=index_dir).returncode == 0
        assert cli("remove", "going", index_dir=index_dir).returncode == 0
    _, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err.decode()
    assert sorted(_listed(index_dir, tmp_path)) == ["kept", "late"]


def test_an_add_waiting_for_the_first_write_of_a_folder_is_no_first_add(
    index_dir: Path, tmp_path: Path, cli: Callable[..., CliRun]
) -> None:
    # A CLI attacker's probe: of two adds at once on a new folder, the second said "a new
    # index, with only what was added", having written on top of the first's.
    first, second = (_article(tmp_path / f"{n}.txt", *STORIES[i]) for i, n in ((0, "a"), (1, "b")))
    with writer_lock(index_dir):
        writer = _waiting_writer("add", str(second), index_dir=index_dir, cwd=tmp_path)
        made = cli("add", str(first), index_dir=index_dir)
        assert made.returncode == 0 and "a new index" in made.stderr
    _, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err.decode()
    assert b"a new index" not in err
    assert sorted(_listed(index_dir, tmp_path)) == ["a", "b"]


def test_files_of_the_same_name_are_two_articles(index_dir: Path, tmp_path: Path, run: Run) -> None:
    a = _article(tmp_path / "a" / "news.txt", *STORIES[0])
    b = _article(tmp_path / "b" / "news.txt", *STORIES[1])
    assert run("add", str(a))[0] == 0
    code, out, err = run("add", str(b))
    assert code == 0, err
    assert "1 added, 0 updated" in out
    shown = _sources(run("list")[1])
    assert shown["news"] == str(a)
    [other] = [doc_id for doc_id in shown if doc_id.startswith("news-")]
    assert shown[other] == str(b)

    # Adding the same file again updates it, under the id it already has.
    _article(b, STORIES[1][0], STORIES[1][1] + " The pass reopened on Sunday.")
    code, out, _ = run("add", str(b))
    assert "0 added, 1 updated" in out and f"{other}: Mountain pass closed" in out

    # An id that another file's article has is refused, unless replacing is asked for.
    c = _article(tmp_path / "c.txt", *STORIES[2])
    code, out, err = run("add", "--id", "news", str(c))
    assert code == 1
    assert _error(err) == (
        f"articlebot: error: {c}: the id 'news' already belongs to {a}; give another id, "
        "or --replace to replace that article"
    )
    assert _sources(run("list")[1])["news"] == str(a)
    code, out, err = run("add", "--id", "news", "--replace", str(c))
    assert code == 0, err
    shown = _sources(run("list")[1])
    assert shown["news"] == str(c) and shown[other] == str(b) and len(shown) == 2

    code, _, err = run("add", "--id", "x", str(a), str(b))
    assert code == 2 and _error(err) == "articlebot: error: --id names one article, but 2 were read"


def test_a_file_read_through_a_link_to_its_folder_is_the_same_article(
    index_dir: Path, tmp_path: Path, run: Run
) -> None:
    # `index news` then `index news-link/` made "news" and "news-8ba96e" of one file.
    story = _article(tmp_path / "news" / "harbour.txt", *STORIES[0])
    (tmp_path / "news-link").symlink_to(tmp_path / "news")
    assert run("index", str(tmp_path / "news"))[0] == 0
    link = tmp_path / "news-link"
    for again in (("index", f"{link}/"), ("add", str(link / "harbour.txt"))):
        code, out, err = run(*again)
        assert code == 0, err
        assert "0 added, 0 updated, 1 unchanged, 0 removed" in out
    assert _sources(run("list")[1]) == {"harbour": str(story)}


def test_index_of_one_more_file_keeps_the_others_and_dropping_is_explicit(
    index_dir: Path, tmp_path: Path, run: Run
) -> None:
    folder = tmp_path / "articles"
    paths = [_article(folder / f"s{i}.txt", *story) for i, story in enumerate(STORIES[:3])]
    assert run("index", str(folder))[0] == 0
    extra = _article(tmp_path / "extra.txt", *STORIES[3])
    code, out, err = run("index", str(extra))
    assert code == 0, err
    assert "1 added, 0 updated, 3 unchanged, 0 removed" in out
    assert set(_sources(run("list")[1])) == {"s0", "s1", "s2", "extra"}

    paths[1].unlink()
    code, out, _ = run("index", str(folder))
    assert "0 removed" in out and "s1" in _sources(run("list")[1])  # kept until asked
    code, out, _ = run("index", str(folder), "--prune")
    assert code == 0
    assert out.splitlines()[0] == "removed s1" and "1 removed" in out
    assert set(_sources(run("list")[1])) == {"s0", "s2", "extra"}

    code, out, _ = run("index", str(extra), "--rebuild")
    assert code == 0
    assert sorted(out.splitlines()[:2]) == ["removed s0", "removed s2"]
    assert set(_sources(run("list")[1])) == {"extra"}


def _limit_file_size() -> None:
    # A write past 128 KiB fails with EFBIG, as a full disk fails with ENOSPC: above the
    # bundled article's largest file (its sentence vectors, ~50 KiB), below the big one's.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (128 * 1024, 128 * 1024))


def test_write_failures_and_damage_are_one_line_and_lose_nothing(
    article_index_dir: Path, tmp_path: Path, run: Run, cli: Callable[..., CliRun]
) -> None:
    index_dir = article_index_dir  # the bundled article, indexed; `run` works on it too
    live = current_generation(index_dir)
    big = _article(tmp_path / "big.txt", "A long story", " ".join(["Word after word."] * 200))
    code, _, err = _run(
        "add", str(big), index_dir=index_dir, cwd=tmp_path, preexec_fn=_limit_file_size
    )
    assert code == 1
    line = _error(err)
    assert line.startswith(f"articlebot: error: cannot write the index in {index_dir}: File too")
    assert line.endswith("the index is as it was")
    assert current_generation(index_dir) == live
    assert set(load_index(index_dir).documents) == {"article"}
    assert not [p for p in index_dir.iterdir() if p.name.startswith(".tmp")]

    # A read-only index folder. Root writes anywhere, so as root the command runs without the
    # capability that lets it (setpriv), as an ordinary user would.
    index_dir.chmod(0o555)
    try:
        without_override = (
            ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
            if os.geteuid() == 0
            else []
        )
        env = _env(index_dir)
        result = subprocess.run(
            [*without_override, sys.executable, "-m", "articlebot", "add", str(big)],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        index_dir.chmod(0o755)
    assert result.returncode == 1
    line = _error(result.stderr)
    assert f"{index_dir}" in line and "Permission denied" in line
    assert current_generation(index_dir) == live

    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    for command in (("ask", "who?"), ("add", str(big)), ("list",)):
        result = cli(*command, index_dir=a_file)
        code, err = result.returncode, result.stderr
        assert code == 1
        assert f"{a_file} is a file, not an index folder" in _error(err)
        # A folder below a file names the file in the way, not the folder as a file.
        below = cli(*command, "--index-dir", str(a_file / "index"), index_dir=index_dir)
        assert below.returncode == 1
        assert _error(below.stderr) == (
            f"articlebot: error: {a_file / 'index'} cannot be an index folder: {a_file} is a file"
        )

    # A folder of the user's own given by mistake: nothing is written among their files.
    documents_folder = tmp_path / "Documents"
    (documents_folder / "Photos").mkdir(parents=True)
    (documents_folder / "notes.txt").write_text("mine")
    (documents_folder / ".DS_Store").write_text("")
    for command in (("ask", "who?"), ("add", str(big)), ("list",)):
        result = cli(*command, index_dir=documents_folder)
        assert result.returncode == 1
        assert _error(result.stderr) == (
            f"articlebot: error: {documents_folder} holds other files (Photos, notes.txt) and "
            "no index: give an empty or new folder for the index (--index-dir or "
            "ARTICLEBOT_INDEX_DIR)"
        )
        assert sorted(p.name for p in documents_folder.iterdir()) == [
            ".DS_Store",
            "Photos",
            "notes.txt",
        ]
    # Files of the user's whose names start as generations' do (a CLI attacker's probe: the
    # first write deleted them with the "stale generations").
    reports = tmp_path / "reports"
    (reports / "gen-ai-notes").mkdir(parents=True)
    (reports / "gen-ai-notes" / "ideas.txt").write_text("my notes")
    (reports / "gen-2024-q3-report.csv").write_text("quarterly numbers")
    added = cli("add", str(big), index_dir=reports)
    assert added.returncode == 1
    assert "holds other files (gen-2024-q3-report.csv, gen-ai-notes) and no index" in added.stderr
    assert (reports / "gen-ai-notes" / "ideas.txt").read_text() == "my notes"
    assert (reports / "gen-2024-q3-report.csv").read_text() == "quarterly numbers"
    # A home folder holding dotfiles only (a fresh server's), given by mistake (a new user's
    # probe: the index was written among them).
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".bashrc").write_text("mine")
    result = cli("ask", "who?", index_dir=home)
    assert result.returncode == 1
    assert f"{home} holds other files (.bashrc, .ssh) and no index" in _error(result.stderr)
    assert sorted(p.name for p in home.iterdir()) == [".bashrc", ".ssh"]
    # A file system's or a desktop's own hidden files are no one's work.
    mounted = tmp_path / "mounted"
    (mounted / ".Trash-1000").mkdir(parents=True)
    (mounted / ".nfs000000000123abcd00000001").write_text("")
    assert cli("ask", "Who was swapped?", index_dir=mounted).returncode == 0
    assert (mounted / "CURRENT").exists()
    # An index folder holding only the bot's chat state is still one to build in.
    with_state = tmp_path / "with-state"
    with_state.mkdir()
    (with_state / CHAT_STATE_FILE).write_bytes(b"")
    assert cli("add", str(big), index_dir=with_state).returncode == 0
    assert current_generation(with_state) is not None

    pointer = index_dir / "CURRENT"
    good = pointer.read_bytes()
    pointer.write_bytes(os.urandom(64))
    code, _, err = run("ask", "Who was swapped?")
    assert code == 1 and err.count("\n") == 1
    assert "CURRENT is damaged; run `articlebot index --rebuild`" in _error(err)
    pointer.write_bytes(good)

    documents = live / "documents.jsonl"  # type: ignore[operator]
    rows = [json.loads(line) for line in documents.read_text(encoding="utf-8").splitlines()]
    rows[0]["text"] = rows[0]["text"][: len(rows[0]["text"]) // 2]
    documents.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="offsets fall outside their documents"):
        load_index(index_dir)
    code, out, err = run("ask", "Who was swapped?")
    assert code == 1 and not out and err.count("\n") == 1 and "index --rebuild" in err


def test_bytes_that_are_not_utf8_in_a_question_on_the_command_line_are_not_a_crash(
    article_index_dir: Path, tmp_path: Path
) -> None:
    # As standard input has them: a traceback from the model's tokenizer had ended the command.
    question = os.fsdecode(b"who was swapped at the caf\xe9?")
    for json_too in ([], ["--json"]):
        code, out, err = _run("ask", *json_too, question, index_dir=article_index_dir, cwd=tmp_path)
        assert code == 0 and not err, err
        assert "who was swapped at the caf\ufffd?" in out and "Kasatkin" in out


def test_a_file_whose_name_is_not_utf8_is_one_line_and_the_rest_is_indexed(
    tmp_path: Path,
) -> None:
    # A Latin-1 "café.txt" from an old archive: its name, kept as the article's source, could
    # not be saved, and a traceback ended `add` and `index` of its whole folder.
    folder = tmp_path / "news"
    named = folder / os.fsdecode(b"caf\xe9.txt")
    _article(named, "Cafe reopens", "The cafe on the quay reopened on Monday, its owner said.")
    _article(folder / "ferry.txt", "Ferry timetable", "The first ferry leaves the harbour at 7.")
    index_dir = tmp_path / "index"
    shown = f"{folder}/caf\ufffd.txt: the name is not UTF-8 text; rename it to index it"
    code, _, err = _run("add", str(named), index_dir=index_dir, cwd=tmp_path)
    assert code == 1 and _error(err) == f"articlebot: error: {shown}"
    code, _, err = _run("add", str(folder), index_dir=index_dir, cwd=tmp_path)
    assert code == 0 and err.startswith(f"articlebot: skipped {shown}\n"), err
    assert "Traceback" not in err
    assert list(_listed(index_dir, tmp_path)) == ["ferry"]


def test_paths_and_links_that_are_not_utf8_are_one_line_each(tmp_path: Path) -> None:
    # A verifier's probes around the file name check: each was a traceback.
    latin = tmp_path / os.fsdecode(b"caf\xe9")
    _article(latin / "story.txt", "Mill fire", "A fire destroyed the old mill in Hallby on Sunday.")
    (tmp_path / "cafe").symlink_to(latin)
    index_dir = tmp_path / "index"
    real = f"{tmp_path}/caf\ufffd/story.txt"
    for args, cwd, line in (
        # A link to a folder so named: the article's source is where the file really is.
        (["add", str(tmp_path / "cafe" / "story.txt")], tmp_path, f"its real path {real}"),
        # A relative path from a working folder so named.
        (["add", "story.txt"], latin, f"story.txt: its real path {real}"),
        (["ask", "--index-dir", str(tmp_path / os.fsdecode(b"idx\xe9")), "who?"], tmp_path,
         "--index-dir must be a folder whose name is UTF-8 text"),
        (["add", os.fsdecode(b"https://example.com/caf\xe9")], tmp_path,
         "https://example.com/caf\ufffd: not a valid link (it is not UTF-8 text)"),
    ):  # fmt: skip
        code, _, err = _run(*args, index_dir=index_dir, cwd=cwd)
        assert code in (1, 2) and line in _error(err), err
    assert not (tmp_path / os.fsdecode(b"idx\xe9")).exists()

    # A home (cache folder) so named, with the index elsewhere, answers (a second verifier's
    # probe: every command was refused, naming a setting never set); with the default index
    # under it, an index written there is one line.
    models = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "articlebot"
    env = {**_env(index_dir), "XDG_CACHE_HOME": str(latin), "ARTICLEBOT_CACHE_DIR": str(models)}
    for with_index, line in ((True, None), (False, "the folder's name is not UTF-8 text")):
        if not with_index:
            del env["ARTICLEBOT_INDEX_DIR"]
        run = subprocess.run(
            [sys.executable, "-m", "articlebot", "ask", "Who was swapped?"],
            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if line is None:
            assert run.returncode == 0 and "Kasatkin" in run.stdout, run.stderr
        else:
            assert run.returncode == 1 and line in _error(run.stderr), run.stderr


def test_bytes_that_are_not_utf8_on_stdin_are_questions_not_crashes(
    article_index_dir: Path, tmp_path: Path
) -> None:
    index_dir = article_index_dir
    stdin = b"Who was Vinatier swapped for?\n" + b"caf\xe9 \xff?\nWhat does DTEK do?\n"
    code, out, err = _run("ask", "-", "--json", index_dir=index_dir, cwd=tmp_path, stdin=stdin)
    assert code == 0, err
    answers = [json.loads(line) for line in out.splitlines()]
    assert len(answers) == 3 and answers[1]["question"] == "caf\ufffd \ufffd?"
    # The line after the bad bytes is still a question, answered from the passage that says so.
    assert answers[2]["outcome"] != "none" and "DTEK" in answers[2]["passages"][0]["text"]
    code, out, err = _run("chat", index_dir=index_dir, cwd=tmp_path, stdin=stdin + b"quit\n")
    assert code == 0, err
    assert "Traceback" not in err and out.count("— Russia warns") >= 2


def test_a_folder_moved_and_pruned_keeps_its_articles_ids_and_shows_where_they_are(
    index_dir: Path, tmp_path: Path, run: Run
) -> None:
    # A CLI attacker's probe: `mv news archive; articlebot index archive --prune` renamed every
    # article (bridge -> bridge-c677a1), breaking `--doc bridge` and a chat's `/use bridge`,
    # though the run freed the old ids itself; `list` then kept showing the old paths.
    folder = tmp_path / "news"
    for i, story in enumerate(STORIES[:2]):
        _article(folder / f"s{i}.txt", *story)
    assert run("index", str(folder))[0] == 0
    moved = folder.rename(tmp_path / "archive")
    code, out, err = run("index", str(moved), "--prune")
    assert code == 0, err
    assert "renamed" not in out and "embedded 0 of" in out  # nothing embedded again
    assert _sources(run("list")[1]) == {f"s{i}": str(moved / f"s{i}.txt") for i in range(2)}
    assert "index already up to date" in run("index", str(moved), "--prune")[1]
    # Two files of one name in it, the second added under a suffixed id: moved, each keeps its
    # own (a CLI attacker's probe: they swapped ids, "removed" named one still there, and the
    # one under a new id was called a copy to `articlebot remove`).
    _article(moved / "z" / "news.txt", *STORIES[2])
    _article(moved / "a" / "news.txt", *STORIES[3])
    assert run("add", str(moved / "z" / "news.txt"))[0] == 0
    assert run("add", str(moved / "a" / "news.txt"))[0] == 0
    titles = {line.split("\t")[0]: line.split("\t")[1] for line in run("list")[1].splitlines()}
    again = moved.rename(tmp_path / "old")
    code, out, err = run("index", str(again), "--prune")
    assert code == 0, err
    assert "0 removed" in out and "same text" not in err
    after = {line.split("\t")[0]: line.split("\t")[1] for line in run("list")[1].splitlines()}
    assert after == titles and titles["news"] == STORIES[2][0]

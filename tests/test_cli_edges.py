"""The command line's edges as a new user meets them: bad values, closed pipes, first use.

Commands run in this process (`cli`) unless the test is about the process: a terminal, a
closed pipe, two processes at once, or what a piped process prints on stderr."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from cli_run import CliRun
from fake_botapi import FakeBotApi
from probe_articles import FROG, TEACHERS_STRIKE
from terminal import Terminal

Cli = Callable[..., CliRun]


def _env(index_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARTICLEBOT_", "TELEGRAM_"))}
    env["ARTICLEBOT_INDEX_DIR"] = str(index_dir)
    env.update(extra)
    return env


def _cli(
    *args: str, index_dir: Path, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "articlebot", *args],
        input=stdin,
        env=_env(index_dir, **env),
        cwd=index_dir.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    ("args", "env", "line"),
    [
        (
            ["ask", "--top-k", "0", "hi"],
            {},
            "--top-k must be a whole number from 1 to 50 (got '0')",
        ),
        # Not a number at all is worded as a number out of range is (argparse worded it
        # otherwise, with another prefix).
        (["chat", "--top-k", "abc"], {}, "--top-k must be a whole number from 1 to 50 (got 'abc')"),
        (["run", "--port", "99999"], {}, "--port must be a whole number from 1 to 65535"),
        (
            ["list"],
            {"ARTICLEBOT_RATE_LIMIT": "abc"},
            "ARTICLEBOT_RATE_LIMIT must be a whole number, 0 or more (got 'abc')",
        ),
        (["list"], {"ARTICLEBOT_ENCODER": "gpu"}, "ARTICLEBOT_ENCODER must be one of auto, onnx"),
        # A device torch has no name for is the flag's fault, not the model's.
        (
            ["index", "--device", "foo"],
            {},
            "--device must be cpu, cuda, cuda:N or mps (got 'foo')",
        ),
        (["list"], {"ARTICLEBOT_DEVICE": "gpu"}, "ARTICLEBOT_DEVICE must be cpu, cuda, cuda:N or"),
        (
            ["list"],
            {"ARTICLEBOT_ADMIN_IDS": "abc"},
            "ARTICLEBOT_ADMIN_IDS must be a comma-separated list of whole numbers (got 'abc')",
        ),
        # Ids run together had made another id (123456), the rights someone else's (attacker).
        (
            ["list"],
            {"ARTICLEBOT_ADMIN_IDS": "123 456"},
            "ARTICLEBOT_ADMIN_IDS must be a comma-separated list of whole numbers (got '123 456')",
        ),
        (
            ["list"],
            {"ARTICLEBOT_ALLOWED_CHATS": "-100_123"},
            "ARTICLEBOT_ALLOWED_CHATS must be a comma-separated list of whole numbers",
        ),
        # One entry that meant two, or no channel: nothing matched, without a word.
        (
            ["list"],
            {"ARTICLEBOT_ADMIN_IDS": '["12_34"]'},
            "ARTICLEBOT_ADMIN_IDS must be a comma-separated list of whole numbers",
        ),
        (
            ["list"],
            {"ARTICLEBOT_FETCH_ALLOW_HOSTS": "10.0.0.0/8;192.168.0.0/16"},
            "ARTICLEBOT_FETCH_ALLOW_HOSTS must be host names, IPs or CIDR networks separated by "
            "commas",
        ),
        (
            ["list"],
            {"ARTICLEBOT_FETCH_ALLOW_HOSTS": "10.0.0.1-10.0.0.5"},  # a range is no host
            "ARTICLEBOT_FETCH_ALLOW_HOSTS must be host names, IPs or CIDR networks",
        ),
        (
            ["list"],
            {"ARTICLEBOT_FETCH_ALLOW_HOSTS": "10.0.0.0/8 192.168.0.0/16"},
            "ARTICLEBOT_FETCH_ALLOW_HOSTS must be host names, IPs or CIDR networks separated by "
            "commas",
        ),
        (
            ["list"],
            {"ARTICLEBOT_CHANNELS": "carrick news"},
            "ARTICLEBOT_CHANNELS must be channel ids (-1001234567890) or @usernames separated",
        ),
        (["ask", "   "], {}, "the question is empty: give one"),
        # A blank folder name: a folder named " " had been made (`--index-dir ' '` is refused).
        (["index"], {"ARTICLEBOT_INDEX_DIR": " "}, "ARTICLEBOT_INDEX_DIR must be a path (got ' ')"),
        (["list"], {"ARTICLEBOT_CACHE_DIR": "\t"}, "ARTICLEBOT_CACHE_DIR must be a path"),
        # A CLI attacker's probe: 200,000 digits made a 200 KB line; the value's start is said.
        (
            ["list"],
            {"ARTICLEBOT_TOP_K": "9" * 200_000},
            f"ARTICLEBOT_TOP_K must be a whole number from 1 to 50 (got '{'9' * 60}…')\n",
        ),
    ],
)
def test_a_bad_setting_is_one_line_naming_it_exit_2(
    tmp_path: Path, args: list[str], env: dict[str, str], line: str, cli: Cli
) -> None:
    result = cli(*args, index_dir=tmp_path / "index", **env)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "pydantic" not in result.stderr
    assert result.stderr.startswith(f"articlebot: error: {line}")


def test_a_closed_pipe_ends_quietly(article_index_dir: Path) -> None:
    index_dir = article_index_dir
    process = subprocess.Popen(
        [sys.executable, "-m", "articlebot", "ask", "-"],
        env=_env(index_dir),
        cwd=index_dir.parent,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(b"Who was Vinatier swapped for?\n" * 40)
    process.stdin.close()
    assert process.stdout.readline().startswith(b"Q: ")  # like `| head -1`
    process.stdout.close()
    process.wait(timeout=300)
    assert process.stderr is not None
    assert process.stderr.read() == b""
    assert process.returncode == 141


def _terminal(*args: str, index_dir: Path, columns: int = 80, **env: str) -> Terminal:
    return Terminal(
        [sys.executable, "-m", "articlebot", *args],
        _env(index_dir, **env),
        index_dir.parent,
        columns=columns,
    )


def test_ask_top_k_shows_that_many_passages(article_index_dir: Path, cli: Cli) -> None:
    index_dir = article_index_dir
    result = cli("ask", "--top-k", "3", "Who was Vinatier swapped for?", index_dir=index_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("— Russia warns") == 3
    plain = cli("ask", "Who was Vinatier swapped for?", index_dir=index_dir)
    assert plain.stdout.count("— Russia warns") == 1


def test_ask_and_chat_one_article_and_show_it(
    article_index_dir: Path, tmp_path: Path, cli: Cli
) -> None:
    index_dir = article_index_dir  # the bundled article, indexed
    story = tmp_path / "harbour.txt"
    story.write_text(
        "Harbour reopens\n\nThe harbour reopened on Monday after repairs.\n\n"
        "Ferries resumed at noon, the port said.\n",
        encoding="utf-8",
    )
    assert cli("add", str(story), index_dir=index_dir).returncode == 0
    question = "When did the ferries resume?"
    both = cli("ask", "--json", question, index_dir=index_dir)
    assert json.loads(both.stdout)["passages"][0]["doc_id"] == "harbour"
    only = cli("ask", "--json", "--doc", "article", question, index_dir=index_dir)
    passages = json.loads(only.stdout)["passages"]
    assert passages and {p["doc_id"] for p in passages} == {"article"}
    refused = cli("ask", "--doc", "article", "Who painted the Mona Lisa?", index_dir=index_dir)
    assert "The article doesn't seem to answer that." in refused.stdout
    assert "Another article" not in refused.stdout  # nor does any other
    # Asked of the wrong article, the one that answers is named.
    wrong = cli("ask", "--doc", "harbour", "Who was Vinatier swapped for?", index_dir=index_dir)
    assert wrong.stdout.rstrip().endswith(
        "Another article answers that: Russia warns foreign forces in Ukraine would be lawful "
        "military targets (id article)."
    )
    many = cli("ask", "Who painted the Mona Lisa?", index_dir=index_dir)
    assert "The articles don't seem to answer that." in many.stdout
    stdin = f"{question}\nWho was Vinatier swapped for?\nquit\n"
    chat = _cli("chat", "--doc", "harbour", index_dir=index_dir, stdin=stdin)
    assert "Ask me about: Harbour reopens\n" in chat.stdout and "noon" in chat.stdout
    assert "Another article answers that: Russia warns" in chat.stdout.split("> ")[2]
    missing = cli("ask", "--doc", "nope", "hi", index_dir=index_dir)
    assert missing.returncode == 1
    assert missing.stderr == "articlebot: error: no article with id 'nope'; see `articlebot list`\n"
    # --doc again adds an article; the ids no article has are named together, as typed.
    two = cli(
        "ask", "--json", "--doc", "harbour", "--doc", "article", question, index_dir=index_dir
    )
    assert {p["doc_id"] for p in json.loads(two.stdout)["passages"]} == {"harbour", "article"}
    several = cli("ask", "--doc", "harbor", "--doc", "it's", "--doc", "x" * 500, "hi",
                  index_dir=index_dir)  # fmt: skip
    assert several.stderr == (
        "articlebot: error: no article with ids 'harbor' (did you mean 'harbour'?), \"it's\", "
        f"'{'x' * 59}…'; see `articlebot list`\n"
    )
    # Hundreds pasted at once: five named, the rest counted.
    pasted = cli("ask", *(f"--doc=x{n}" for n in range(300)), "hi", index_dir=index_dir)
    assert pasted.stderr == (
        "articlebot: error: no article with ids 'x0', 'x1', 'x2', 'x3', 'x4' and 295 more; "
        "see `articlebot list`\n"
    )
    # A near miss of an id (an underscore for the hyphen, a letter off) names the id meant.
    near = cli("summary", "harbur", index_dir=index_dir)
    assert near.returncode == 1 and near.stderr == (
        "articlebot: error: no article with id 'harbur' (did you mean 'harbour'?); "
        "see `articlebot list`\n"
    )

    # A hedge in a chat on one article speaks of that article; asked afresh, of all searched.
    hedged = "what is the population of ukraine?"
    on_one = _cli(
        "chat", index_dir=index_dir, stdin=f"Who was Vinatier swapped for?\n{hedged}\n"
    ).stdout.split("> ")
    assert on_one[2].startswith(f"{hedged}\nThe article may not say exactly. Closest:")
    fresh = _cli("chat", index_dir=index_dir, stdin=f"{hedged}\n").stdout.split("> ")
    assert fresh[1].startswith(f"{hedged}\nThe articles may not say exactly. Closest:")

    shown = cli("show", "harbour", index_dir=index_dir)
    assert shown.returncode == 0, shown.stderr
    assert "[1] The harbour reopened on Monday after repairs." in shown.stdout
    assert "[2] Ferries resumed at noon, the port said." in shown.stdout
    assert "(paragraphs 1-2)" in shown.stdout  # two short paragraphs, one passage
    data = json.loads(cli("show", "harbour", "--json", index_dir=index_dir).stdout)
    assert data["paragraphs"][1].startswith("Ferries") and data["passages"]


def test_chat_on_a_terminal_pages_helps_and_recalls(article_index_dir: Path) -> None:
    index_dir = article_index_dir
    terminal = _terminal("chat", index_dir=index_dir, columns=60)
    terminal.expect(r"> $")
    terminal.send("Who is Laurent Vinatier?\r")
    first = terminal.expect(r"paragraph \d+\s*\n> $")
    # One passage; an "Also:" line may follow with the runner-up's sentence and its paragraph.
    assert first.split("Also:")[0].count("paragraph") == 1
    cited = re.findall(r"paragraph (\d+)", first)
    for said in ("more", "more please", "any more?"):  # as people type it, too
        terminal.send(f"{said}\r")
        shown = terminal.expect(r"> $")
        if "No more passages" in shown:
            break
        cited += re.findall(r"paragraph (\d+)", shown)
    # Each 'more' shows a passage not shown before: three in all. The Also line's paragraph
    # is shown whole too, where it says more than that one sentence (a new user: the best
    # evidence of one was never shown, and "all 3 kept were shown").
    assert "No more passages" in shown
    also = re.findall(r"paragraph (\d+)", first.split("Also:")[1])
    assert len(set(cited)) == 3 and [p for p in set(cited) if cited.count(p) == 2] == also
    terminal.send("When was he arrested?\r")
    assert "June 2024" in terminal.expect(r"paragraph \d+\s*\n> $")
    terminal.send("help\r")
    shown = terminal.expect(r"sessions\.\s*\n> $")
    assert "more" in shown and "doesn't seem" not in shown
    terminal.send("\x1b[A\r")  # arrow up: the follow-up question again (commands are skipped)
    again = terminal.expect(r"paragraph \d+\s*\n> $")
    assert "When was he arrested?" in again and "June 2024" in again
    terminal.send("clear\r")
    assert "Forgotten" in terminal.expect(r"> $")
    terminal.send("more\r")
    assert "Ask a question first." in terminal.expect(r"> $")
    # Ctrl-C drops the line typed and says how to leave (a new user pressed it three times and
    # the chat went on, saying nothing); a second one in a row leaves.
    # While a question is answered, it stops the answer, not the chat (a verifier's probe).
    terminal.send("Who is Kasatkin?\r")
    terminal.expect("Kasatkin\\?")
    terminal.interrupt()
    # "(Stopped. Ask again ...)", or the hint at the prompt where it had been answered already.
    terminal.expect(r"\((?:Stopped\. Ask again|To leave)[^)]*\)\s*> $")
    terminal.send("more\r")
    terminal.expect(r"> $")
    terminal.send("who was")
    terminal.expect("who was")
    terminal.interrupt()
    assert "(To leave, press Ctrl-C again, press Ctrl-D or type quit.)" in terminal.expect(r"> $")
    terminal.send("more\r")  # a line: the count of Ctrl-Cs starts over
    terminal.expect(r"> $")
    terminal.interrupt()
    terminal.expect(r"> $")
    terminal.interrupt()
    assert terminal.finish() == 130
    lines = terminal.text.split("Ask me about")[1].splitlines()
    # Wrapped to the terminal's 60 columns at spaces, never mid-word.
    assert [line for line in lines if len(line) > 60 and " " in line.strip()] == []
    history = (Path(os.environ["XDG_CACHE_HOME"]) / "articlebot" / "chat_history").read_text()
    assert history.splitlines()[-3:] == [
        "Who is Laurent Vinatier?",
        "When was he arrested?",
        "Who is Kasatkin?",
    ]


def test_bare_ask_on_a_terminal_says_what_it_wants(index_dir: Path) -> None:
    terminal = _terminal("ask", index_dir=index_dir)
    assert terminal.finish() == 2
    assert "give a question" in terminal.text and "Traceback" not in terminal.text


def test_first_ask_on_a_terminal_says_what_it_builds_with_a_bar(index_dir: Path) -> None:
    terminal = _terminal("ask", "Who was Vinatier swapped for?", index_dir=index_dir)
    assert terminal.finish() == 0
    shown = terminal.text
    assert f"no index in {index_dir} yet: building it for the bundled article" in shown
    assert re.search(r"embedding: +\d+%\|.*\| \d+/\d+ passages \[", shown), shown
    assert "Daniil Kasatkin" in shown and "Traceback" not in shown
    # Piped: no bar, but the one line that says a folder is written (a mistyped --index-dir
    # had quietly built an index of the bundled article there); the second time, nothing.
    other = index_dir.parent / "other"
    piped = _cli("ask", "Who was Vinatier swapped for?", index_dir=other)
    assert piped.returncode == 0
    assert piped.stderr == (
        f"articlebot: no index in {other} yet: building it for the bundled article"
        " (first run, ~10 s)\n"
    )
    again = _cli("ask", "Who was Vinatier swapped for?", index_dir=other)
    assert again.returncode == 0 and again.stderr == ""
    # With the log shown (-v), said once still (the log had said it too).
    verbose = _cli("-v", "ask", "Who was Vinatier swapped for?", index_dir=index_dir.parent / "v")
    assert verbose.returncode == 0 and verbose.stderr.count("no index in") == 1, verbose.stderr


def test_add_shows_a_bar_with_a_total_on_a_terminal_only(
    index_dir: Path, tmp_path: Path, cli: Cli
) -> None:
    # A few dozen passages: a bar with its total, reaching it.
    sentences = [f"Line {i} of the council minutes records vote number {i}." for i in range(80)]
    minutes = tmp_path / "minutes.txt"
    minutes.write_text("Council minutes\n\n" + "\n\n".join(sentences) + "\n", encoding="utf-8")
    terminal = _terminal("add", str(minutes), index_dir=index_dir)
    assert terminal.finish() == 0
    totals = re.findall(r"\| (\d+)/(\d+) passages", terminal.text)
    assert totals and totals[-1][0] == totals[-1][1]  # the total is known and reached
    count = int(totals[-1][1])
    assert f"embedded {count} of {count} passages" in terminal.text
    listed = cli("list", index_dir=index_dir)
    assert listed.stdout.rstrip().endswith(f"\t{count} passages")
    piped = cli("add", str(minutes), "--id", "again", index_dir=index_dir)
    assert piped.returncode == 0 and "%|" not in piped.stderr


def test_index_folders_share_one_model_export(
    article_index_dir: Path, built_article_index: Path, user_cache: Path, cli: Cli
) -> None:
    import shutil

    from articlebot.config import load_settings
    from articlebot.encoders import encoder_cache_dir

    index_dir = article_index_dir
    other = index_dir.parent / "mistyped-index"
    shutil.copytree(built_article_index, other)
    for folder in (index_dir, other):
        result = cli("ask", "What does DTEK do?", index_dir=folder)
        assert result.returncode == 0, result.stderr
        assert not (folder / "encoder").exists()  # no 173 MB copy per index folder
    shared = encoder_cache_dir(load_settings(index_dir=other))
    assert shared.parent == user_cache / "models"
    assert shared.name.startswith("all-minilm-l6-v2-ort") and (shared / "model.onnx").is_file()


def test_an_index_with_its_own_export_keeps_it(tmp_path: Path, export_dir: Path) -> None:
    import shutil

    from articlebot.config import load_settings
    from articlebot.encoders import encoder_cache_dir

    folder = tmp_path / "old-index"
    legacy = folder / "encoder" / "all-minilm-l6-v2"
    assert encoder_cache_dir(load_settings(index_dir=folder)) != legacy
    shutil.copytree(export_dir, legacy)
    assert encoder_cache_dir(load_settings(index_dir=folder)) == legacy


STORY_HTML = """<html><head><title>Harbour reopens after storm repairs</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article>
<h1>Harbour reopens after storm repairs</h1>
<p class="byline">By Jane Doe</p>
<p>The harbour reopened on Monday after three weeks of repairs to the storm-damaged sea wall,
the port authority said in a statement.</p>
<p>Ferries to the islands resumed at noon, and the first fishing boats left before dawn,
according to harbour master Tom Reed.</p>
<h2>Costs</h2>
<p>The repairs cost 4.2 million euros, paid mostly by the regional government, which had
approved emergency funds in March.</p>
<p>Local businesses said the closure had cut their takings by half during the busiest weeks
of the spring season.</p>
</article>
<footer>Copyright 2026</footer>
</body></html>
"""


def test_html_keeps_the_byline_and_numbers_paragraphs_as_a_reader(
    index_dir: Path, tmp_path: Path, cli: Cli
) -> None:
    page = tmp_path / "harbour.html"
    page.write_text(STORY_HTML, encoding="utf-8")
    assert cli("add", str(page), index_dir=index_dir).returncode == 0
    shown = cli("show", "harbour", index_dir=index_dir).stdout
    assert shown.startswith("Harbour reopens after storm repairs\nBy Jane Doe\n")
    assert "4 paragraphs" in shown and "[3] The repairs cost 4.2 million euros" in shown
    assert "Costs" not in shown  # a heading is not a paragraph
    cost = cli("ask", "How much did the repairs cost?", index_dir=index_dir).stdout
    assert "4.2 million euros" in cost and cost.rstrip().endswith("paragraph 3")
    wrote = cli("ask", "--json", "who wrote this?", index_dir=index_dir).stdout
    assert json.loads(wrote)["reply"]["lines"][0].startswith("By Jane Doe")


def test_an_html_page_without_article_text_is_one_line(
    index_dir: Path, tmp_path: Path, cli: Cli
) -> None:
    # trafilatura's own "ERROR trafilatura.core: empty HTML tree" stays out of it.
    page = tmp_path / "blank.html"
    page.write_text("<html><body></body></html>", encoding="utf-8")
    added = cli("add", str(page), index_dir=index_dir)
    assert added.returncode == 1
    assert added.stderr == f"articlebot: error: {page}: no article text found in the HTML\n"
    assert "trafilatura" not in added.log  # what a process prints on stderr


def test_a_cited_paragraph_is_the_highlighted_sentences(
    index_dir: Path, tmp_path: Path, cli: Cli
) -> None:
    # Short paragraphs are merged into one passage; the answer names the one that says it.
    story = tmp_path / "council.txt"
    story.write_text(
        "Council notes\n\nThe council met on Tuesday.\n\nIt approved the budget.\n\n"
        "The new library opens in May.\n",
        encoding="utf-8",
    )
    assert cli("add", str(story), index_dir=index_dir).returncode == 0
    answer = cli("ask", "--json", "When does the new library open?", index_dir=index_dir)
    passage = json.loads(answer.stdout)["passages"][0]
    assert "library opens in May" in passage["text"] and passage["paragraph"] == 3


@pytest.mark.slow
def test_two_first_runs_at_once_make_one_shared_export(
    tmp_path: Path, built_article_index: Path
) -> None:
    import shutil

    # A fresh user cache: both processes find no export; one makes it (in a folder of its own,
    # renamed into place) while the other waits for it, so neither loads half an export and
    # the minute of work is done once. Their index folders hold the bundled article already:
    # what is first here is the model.
    for name in ("one", "two"):
        shutil.copytree(built_article_index, tmp_path / name)
    cache = tmp_path / "xdg"
    on_terminal = _terminal(
        "ask", "-v", "What does DTEK do?", index_dir=tmp_path / "one", XDG_CACHE_HOME=str(cache)
    )
    piped = subprocess.Popen(
        [sys.executable, "-m", "articlebot", "ask", "-v", "--json", "What does DTEK do?"],
        env=_env(tmp_path / "two", XDG_CACHE_HOME=str(cache)),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out, err = piped.communicate(timeout=300)
    assert on_terminal.finish(timeout=300) == 0, on_terminal.text
    assert piped.returncode == 0, err
    assert json.loads(out)["outcome"] != "none"  # the passage is shown (maybe as the closest)
    assert "preparing the model all-MiniLM-L6-v2 (first run" in on_terminal.text
    assert "DTEK" in on_terminal.text
    # One export and the lock its makers took turns on; no temporary leftovers.
    made = sorted((cache / "articlebot" / "models").iterdir())
    [export] = [path for path in made if path.is_dir()]
    assert [path.name for path in made] == [export.name, export.name + ".lock"]
    assert (export / "model.onnx").is_file() and (export / "encoder.json").is_file()
    exports = on_terminal.text.count("to ONNX in") + err.count("to ONNX in")
    assert exports == 1, (on_terminal.text, err)  # the other waited for it


def test_eval_shows_progress_on_a_terminal_only(article_index_dir: Path, tmp_path: Path) -> None:
    index_dir = article_index_dir
    dev = tmp_path / "dev.jsonl"
    dev.write_text(
        '{"q": "Who was Vinatier swapped for?", "answers": ["Daniil Kasatkin"]}\n'
        '{"q": "When does the ferry leave?", "answers": ["7 a.m."]}\n',
        encoding="utf-8",
    )
    # Two short articles instead of the bundled one: eval indexes its documents each run, and
    # what is shown while it asks does not depend on how long they are.
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "swap.txt").write_text(
        "Prisoner swap\n\nLaurent Vinatier was swapped for Daniil Kasatkin, officials said.\n",
        encoding="utf-8",
    )
    (docs / "ferry.txt").write_text(
        "Island ferry timetable\n\nThe first ferry leaves the harbour at 7 a.m. on weekdays.\n",
        encoding="utf-8",
    )
    terminal = _terminal("eval", str(dev), "--docs", str(docs), index_dir=index_dir)
    assert terminal.finish() == 0
    assert re.search(r"asking: +\d+%\|.*\| \d/2", terminal.text), terminal.text
    piped = _cli("eval", str(dev), "--docs", str(docs), "--json", index_dir=index_dir)
    assert piped.returncode == 0 and piped.stderr == ""
    assert json.loads(piped.stdout)["hit@1"] == 1.0
    # A file in the folder that is no article is left out, as `add` leaves it out (it had
    # stopped the evaluation).
    (docs / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    piped = _cli("eval", str(dev), "--docs", str(docs), "--json", index_dir=index_dir)
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr.startswith(f"articlebot: skipped {docs / 'scan.txt'}: ")
    assert json.loads(piped.stdout)["hit@1"] == 1.0


def test_a_model_path_that_is_not_there_is_one_line(tmp_path: Path, cli: Cli) -> None:
    missing = tmp_path / "no-model"
    result = cli("ask", "--model", str(missing), "Who is Vinatier?", index_dir=tmp_path / "i")
    assert result.returncode == 1
    assert result.stderr == (
        f"articlebot: error: no model folder at {missing} (ARTICLEBOT_MODEL / --model)\n"
    )


def test_a_model_name_not_on_this_machine_fails_at_once_without_downloading(
    tmp_path: Path,
) -> None:
    # Nothing is downloaded at run time: a hub name must be in the local cache. Reaching for
    # the hub with no network retried for about a minute, its warnings on the screen.
    env = {k: v for k, v in _env(tmp_path / "i").items() if not k.endswith("_OFFLINE")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    env["HF_HOME"] = str(tmp_path / "hf")

    def timed(*arguments: str) -> tuple[float, subprocess.CompletedProcess[str]]:
        start = time.monotonic()
        result = subprocess.run(
            [sys.executable, *arguments],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
        )
        return time.monotonic() - start, result

    # Beside loading the library that reads the local cache, on the same machine at the same
    # moment: a busy machine slows both (10 s alone, 33 s beside three test workers); retrying
    # the hub adds a minute to one.
    loading, _ = timed("-c", "import sentence_transformers")
    took, result = timed("-m", "articlebot", "ask", "--model", "someone/no-such-model", "hi")
    assert took < loading + 30
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(
        "articlebot: error: cannot load embedding model 'someone/no-such-model': neither a "
        "model folder nor in the local Hugging Face cache"
    )
    # Not Hugging Face's "Check your internet connection": nothing is downloaded (a new
    # user's probe took it for a network problem).
    assert "internet" not in line and "HF_HUB_OFFLINE=0" in line


@pytest.mark.usefixtures("shared_model")
def test_a_flag_overrides_a_bad_value_in_the_environment(article_index_dir: Path, cli: Cli) -> None:
    question = "Who was Vinatier swapped for?"
    result = cli("ask", "--top-k", "2", question, index_dir=article_index_dir, ARTICLEBOT_TOP_K="x")
    assert result.returncode == 0, result.stderr
    assert "Kasatkin" in result.stdout


def test_webhook_info_with_the_api_unreachable_says_so(tmp_path: Path, cli: Cli) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on once this closes
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    token = "123456:unreachable-token"
    result = cli(
        "webhook",
        "info",
        index_dir=tmp_path / "i",
        TELEGRAM_BOT_TOKEN=token,
        ARTICLEBOT_API_URL=closed,
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"articlebot: error: cannot reach the Bot API at {closed} (")
    assert result.stderr.count("\n") == 1 and token not in result.stderr


def test_webhook_info_without_a_webhook_says_the_bot_polls(tmp_path: Path, cli: Cli) -> None:
    """An operator's probe: with no webhook set, `info` printed "url: " and
    "max_connections: " with nothing after them."""
    with FakeBotApi() as api:
        env = {"TELEGRAM_BOT_TOKEN": api.token, "ARTICLEBOT_API_URL": api.url}
        result = cli("webhook", "info", index_dir=tmp_path / "i", **env)
        assert result.returncode == 0, result.stderr
        assert result.stdout == "no webhook is set (the bot uses long polling)\n"
        secret = {"ARTICLEBOT_WEBHOOK_SECRET": "shared-s3cret"}
        url = "https://bot.example.org/hook"
        assert cli("webhook", "set", url, index_dir=tmp_path / "i", **env, **secret).returncode == 0
        result = cli("webhook", "info", index_dir=tmp_path / "i", **env)
    # Only what Telegram has: no delivery error yet, so no empty "last_error_message: ".
    assert result.stdout.splitlines() == [
        f"url: {url}",
        "pending_update_count: 0",
        "max_connections: 40",
    ]


def _run_unprivileged(
    args: list[str], index_dir: Path, cwd: Path
) -> subprocess.CompletedProcess[str]:
    """`articlebot ARGS` as a user: root reads any file or folder, so the run drops the
    capabilities that let it, as a user has none."""
    unprivileged = (
        ["setpriv", "--inh-caps=-dac_override,-dac_read_search",
         "--bounding-set=-dac_override,-dac_read_search", "--"]
        if os.geteuid() == 0
        else []
    )  # fmt: skip
    return subprocess.run(
        [*unprivileged, sys.executable, "-m", "articlebot", *args],
        env=_env(index_dir),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_folder_that_cannot_be_read_stops_the_run_and_prune_keeps_its_articles(
    tmp_path: Path, cli: Cli
) -> None:
    news = tmp_path / "news"
    (news / "locked").mkdir(parents=True)
    (news / "open.txt").write_text("Harbour reopens\n\nThe harbour reopened on Monday.\n")
    (news / "locked" / "fire.txt").write_text("Fire at mill\n\nA fire broke out at the mill.\n")
    index_dir = tmp_path / "index"
    assert cli("index", str(news), index_dir=index_dir).returncode == 0
    (news / "locked").chmod(0)
    try:
        for args in (["index", str(news), "--prune"], ["index", "--prune"]):
            run = _run_unprivileged(args, index_dir, tmp_path)
            if args[1:2] == [str(news)]:
                # Read from the folder: refused with one line, nothing changed.
                assert run.returncode == 1, run.stderr
                assert "locked: cannot read the folder (Permission denied)" in run.stderr
            else:
                # Refreshed from the index's own sources: the file is not gone, only unread;
                # its article is kept as it was, and the rest is refreshed.
                assert run.returncode == 0, run.stderr
                assert "kept as indexed" in run.stderr and "fire.txt" in run.stderr
                assert " 0 removed" in run.stdout, run.stdout
    finally:
        (news / "locked").chmod(0o755)
    listed = cli("list", index_dir=index_dir).stdout
    assert "fire" in listed and "open" in listed


def test_show_gives_a_passage_over_two_paragraphs_both_numbers(
    index_dir: Path, tmp_path: Path, cli: Cli
) -> None:
    # A short first line joins the paragraph after it in one passage: `show` had called it
    # "paragraph 1" while the answer from it cited paragraph 2.
    page = tmp_path / "plain.html"
    page.write_text(
        "<html><body><p>Wind farm approved</p><p>The county approved a 40-turbine wind farm "
        "on Friday, officials said. The project will cost 300 million dollars and power "
        "120,000 homes, according to developer Gale Energy.</p></body></html>",
        encoding="utf-8",
    )
    assert cli("add", str(page), index_dir=index_dir).returncode == 0
    shown = cli("show", "plain", index_dir=index_dir).stdout
    assert "#1 (paragraphs 1-2) Wind farm approved The county approved" in shown
    data = json.loads(cli("show", "plain", "--json", index_dir=index_dir).stdout)
    assert (data["passages"][0]["paragraph"], data["passages"][0]["last_paragraph"]) == (1, 2)
    cost = cli("ask", "how much will it cost", index_dir=index_dir).stdout
    assert "300 million dollars" in cost and cost.rstrip().endswith("paragraph 2")


def test_adding_a_copy_of_an_indexed_article_says_so(
    index_dir: Path, tmp_path: Path, cli: Cli
) -> None:
    # The same file copied elsewhere had been added quietly as a second article, whose
    # passages then answered every question twice.
    text = "Harbour reopens\n\nThe harbour reopened on Monday after repairs, the port said.\n"
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "harbour.txt").write_text(text, encoding="utf-8")
    first = cli("add", str(tmp_path / "one" / "harbour.txt"), index_dir=index_dir)
    assert first.returncode == 0 and "same text" not in first.stderr
    again = cli("add", str(tmp_path / "two" / "harbour.txt"), index_dir=index_dir)
    assert again.returncode == 0
    [copy] = [line.split(":")[0] for line in again.stdout.splitlines() if "Harbour reopens" in line]
    assert copy != "harbour" and copy.startswith("harbour-")
    assert f"articlebot: {copy} has the same text as harbour, already indexed" in again.stderr
    other = tmp_path / "other.txt"
    other.write_text(text.replace("Monday", "Tuesday"), encoding="utf-8")
    assert "same text" not in cli("add", str(other), index_dir=index_dir).stderr
    # The same file added again under a new id takes the old one's place: a rename (the copy
    # from the other folder is still one).
    renamed = cli("add", "--id", "port", str(tmp_path / "one" / "harbour.txt"), index_dir=index_dir)
    assert renamed.returncode == 0
    assert "renamed harbour to port" in renamed.stdout.splitlines()
    assert f"port has the same text as {copy}" in renamed.stderr
    assert "same text as harbour," not in renamed.stderr
    # `index` of a folder holding a copy says so too (only `add` did).
    (tmp_path / "two" / "copy of harbour.txt").write_text(text, encoding="utf-8")
    indexed = cli("index", str(tmp_path / "two"), index_dir=index_dir)
    assert indexed.returncode == 0
    assert "copy-of-harbour has the same text as port, already indexed" in indexed.stderr
    # Without a headline, each copy is titled by its file's name: still the same words.
    plain = "The ferry to Kelby was cancelled on Friday because of high winds, the operator said.\n"
    (tmp_path / "three").mkdir()
    for name in ("ferry.txt", "ferry (1).txt"):
        (tmp_path / "three" / name).write_text(plain, encoding="utf-8")
    untitled = cli("index", str(tmp_path / "three"), index_dir=index_dir)
    assert untitled.returncode == 0
    assert "has the same text as" in untitled.stderr and "ferry" in untitled.stderr
    assert ", added with it (`articlebot remove" in untitled.stderr  # both are new


MILL = "Harbour fire destroys mill\n\nA fire destroyed the old mill at the harbour on Tuesday.\n"
BRIDGE = "Council approves new bridge\n\nThe council voted on Monday to build a new bridge.\n"


def test_a_file_archived_and_replaced_at_its_path_is_no_copy(
    index_dir: Path, tmp_path: Path, cli: Cli
) -> None:
    # A CLI attacker's probe: today's story moved to archive/ and a new one written in its
    # place; `index docs archive --prune` called the archived story a copy of the id that had
    # just taken the new story's words, and its advice (`articlebot remove` it) deleted the
    # only copy of the old story.
    docs, archive = tmp_path / "docs", tmp_path / "archive"
    docs.mkdir()
    archive.mkdir()
    (docs / "news.txt").write_text(MILL, encoding="utf-8")
    assert cli("index", str(docs), index_dir=index_dir).returncode == 0
    (docs / "news.txt").rename(archive / "news.txt")
    (docs / "news.txt").write_text(BRIDGE, encoding="utf-8")
    moved = cli("index", str(docs), str(archive), "--prune", index_dir=index_dir)
    assert moved.returncode == 0, moved.stderr
    assert "same text" not in moved.stderr and "articlebot remove" not in moved.stderr
    titles = cli("list", index_dir=index_dir).stdout
    assert "Harbour fire destroys mill" in titles and "Council approves new bridge" in titles


def test_where_another_article_answers_this_ones_runner_up_is_left_out(
    index_dir: Path, tmp_path: Path, cli: Cli
) -> None:
    # Asked of the frog story, "how old is Linda Marsh" showed a hedged passage, an "Also:"
    # line from the same wrong story, and only then the article that answers (a new user's
    # probe): the line that helps came last, after two that do not.
    (tmp_path / "frog.txt").write_text(FROG, encoding="utf-8")
    (tmp_path / "strike.md").write_text(TEACHERS_STRIKE, encoding="utf-8")
    assert cli("add", str(tmp_path / "frog.txt"), str(tmp_path / "strike.md"), index_dir=index_dir)
    shown = cli("ask", "--doc", "frog", "how old is Linda Marsh", index_dir=index_dir).stdout
    assert shown.rstrip().endswith(
        "Another article answers that: Marlow County teachers strike for third day as pay "
        "talks stall (id strike)."
    )
    assert "Also:" not in shown


def test_ask_reads_she_in_a_first_question_as_the_lead_s_person(
    index_dir: Path, tmp_path: Path, cli: Cli
) -> None:
    # `ask` answers each question as a chat's first: "how old is she" of a chess story had been
    # answered with an earlier champion's age at his win (a readers' trial).
    story = tmp_path / "chess.txt"
    story.write_text(
        "Dundee schoolgirl becomes youngest Scottish chess champion\n\n"
        "EDINBURGH, Jul 21 (Caledonian News Service) - A schoolgirl from Dundee, Amara Osei, "
        "became the youngest ever winner of the Scottish Chess Championship on Sunday, beating a "
        "four-time champion in the final round.\n\n"
        "Osei, 16, finished the nine-round tournament with 7.5 points, half a point ahead of "
        "grandmaster Colin MacRae.\n\n"
        '"I still can\'t quite believe it," she said after the final game, which lasted more '
        "than five hours.\n\n"
        "The previous record for the youngest champion was held by Ewan Forsyth, who won in "
        "1997 aged 17.\n\n"
        "MacRae, 41, said he had been outplayed in the endgame.\n",
        encoding="utf-8",
    )
    assert cli("add", str(story), index_dir=index_dir).returncode == 0
    shown = cli("ask", "--doc", "chess", "how old is she", index_dir=index_dir).stdout
    assert "**Osei, 16, finished" in shown and "Forsyth" not in shown


def test_chat_names_the_first_articles_in_number_order_and_how_many_more(
    tmp_path: Path, cli: Cli
) -> None:
    # A new user's probe with 80 articles: "Story 0, 10, 11, ..." and a bare "…".
    folder = tmp_path / "stories"
    folder.mkdir()
    for n in (1, 2, 3, 10, 11, 12, 20):
        (folder / f"s{n}.txt").write_text(
            f"Story {n}\n\nThe council met on day {n} and agreed the budget.\n", encoding="utf-8"
        )
    index_dir = tmp_path / "index"
    assert cli("index", str(folder), index_dir=index_dir).returncode == 0
    chat = _cli("chat", index_dir=index_dir, stdin="quit\n")
    assert chat.returncode == 0, chat.stderr
    assert (
        "Ask me about: Story 1; Story 2; Story 3; Story 10; Story 11 and 2 more "
        "(`articlebot list`)\n" in chat.stdout
    )


def test_every_argument_of_every_command_says_what_it_is() -> None:
    # A new user's probe: `remove --help` listed DOC_ID with nothing beside it, and `eval`
    # showed `--top-k TOP_K` where every other command shows `--top-k N`.
    import argparse

    from articlebot.cli import build_parser

    parser = build_parser()
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for name, command in commands.choices.items():
        for action in command._actions:
            assert action.help, (name, action.dest)
            if "--top-k" in action.option_strings:
                assert action.metavar == "N", name


def test_index_dot_reads_the_folder_it_is_run_in(tmp_path: Path, cli: Cli) -> None:
    # `articlebot index .` in a folder of news, its index kept inside it: the articles, once.
    news = tmp_path / "news"
    news.mkdir()
    (news / "ferry.txt").write_text("Ferry runs\n\nThe ferry ran again on Monday.\n")
    index_dir = news / "index"
    for _ in range(2):
        run = cli("index", ".", index_dir=index_dir)
        assert run.returncode == 0, run.stderr
    assert "0 added, 0 updated, 1 unchanged" in run.stdout
    # The index itself named as articles: one line saying how to ask it.
    (tmp_path / "other").mkdir()
    refused = cli("index", "../news/index", index_dir=tmp_path / "other" / "index")
    assert refused.returncode == 1
    assert refused.stderr == (
        "articlebot: error: ../news/index: is an articlebot index, not articles; "
        "ask it with `--index-dir ../news/index`\n"
    )


@pytest.mark.parametrize("device", ["cuda", "cuda:7", "mps"])
def test_a_device_this_machine_lacks_is_named_as_such(device: str) -> None:
    import torch

    from articlebot.config import load_settings
    from articlebot.encoders.protocol import ModelLoadError
    from articlebot.encoders.sentence_transformer import SentenceTransformerEncoder

    if device == "mps":
        present = torch.backends.mps.is_available()
    else:
        present = torch.cuda.device_count() > int(device.partition(":")[2] or 0)
    location = load_settings().model_location
    if present:  # a machine that has it embeds there
        assert SentenceTransformerEncoder(location, device=device).encode(["hi"]).shape == (1, 384)
        return
    with pytest.raises(ModelLoadError, match=rf"^torch device '{device}' is not available: "):
        SentenceTransformerEncoder(location, device=device)


def test_chat_answers_from_articles_added_or_removed_while_it_runs(tmp_path: Path) -> None:
    # A chat kept answering from the index as it was when it started: an article added in
    # another terminal was "not in the article", one removed still answered.
    index_dir = tmp_path / "index"
    harbour, bridge = tmp_path / "harbour.txt", tmp_path / "bridge.txt"
    harbour.write_text(
        "Harbour reopens\n\nFerries resumed at noon on Monday, the port said.\n\n"
        "The harbour had been closed for two weeks after a storm damaged the pier.\n\n"
        "Fishing boats will use the harbour again from Wednesday, the harbour master said.\n"
    )
    bridge.write_text("Bridge repairs\n\nThe Kelby bridge will reopen to traffic on 4 March.\n")
    assert _cli("add", str(harbour), index_dir=index_dir).returncode == 0
    chat = subprocess.Popen(
        [sys.executable, "-m", "articlebot", "chat"],
        env=_env(index_dir),
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert chat.stdin is not None and chat.stdout is not None
    seen: list[str] = []
    reader = threading.Thread(target=lambda: seen.extend(iter(chat.stdout.readline, "")))
    reader.start()

    def asked(question: str) -> str:
        """The chat's reply to `question`: what it printed after echoing it."""
        assert chat.stdin is not None
        before = len(seen)
        chat.stdin.write(f"{question}\n")
        chat.stdin.flush()
        echo = f"> {question}\n"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            lines = seen[before:]
            if echo in lines and lines[-1] != echo:
                time.sleep(0.5)  # the rest of a reply of several lines
                return "".join(lines[lines.index(echo) + 1 :])
            time.sleep(0.05)
        raise AssertionError(f"no reply to {question!r}: {seen}")

    try:
        assert "noon" in asked("when did the ferries resume")
        # In another terminal, as a user would: the same settings as the chat's.
        assert _cli("add", str(bridge), index_dir=index_dir).returncode == 0
        assert "4 March" in asked("when will the bridge reopen")
        assert "noon" in asked("when did the ferries resume")
        assert _cli("remove", "harbour", index_dir=index_dir).returncode == 0
        # `more` after it pages no passage of the article removed (a new user's probe).
        paged = [asked("more") for _ in range(3)]
        assert not any("Harbour reopens" in page for page in paged), paged
        assert "noon" not in asked("when did the ferries resume")
    finally:
        chat.stdin.close()
        chat.wait(timeout=120)
        reader.join(timeout=10)
    assert chat.returncode == 0


def test_a_file_named_like_an_option_is_told_how_to_write_it(tmp_path: Path, cli: Cli) -> None:
    index_dir = tmp_path / "index"
    (tmp_path / "-bridge.txt").write_text("Bridge\n\nThe Kelby bridge reopened on Monday.\n")
    hint = "-bridge.txt is a file: write it ./-bridge.txt, or after --"
    for command in ("index", "add"):
        refused = cli(command, "-bridge.txt", index_dir=index_dir)
        assert refused.returncode == 2 and hint in refused.stderr
        assert refused.stderr.count("\n") == 1
    assert "is a file" not in cli("ask", "-x", "hi", index_dir=index_dir).stderr
    for written in (["./-bridge.txt"], ["--", "-bridge.txt"]):
        added = cli("add", *written, index_dir=index_dir)
        assert added.returncode == 0 and "bridge: Bridge" in added.stdout


def test_an_article_is_named_by_its_id_as_ask_names_it_and_its_file_says_which(
    tmp_path: Path, cli: Cli
) -> None:
    index_dir = tmp_path / "index"
    story = tmp_path / "news" / "harbour.txt"
    story.parent.mkdir()
    story.write_text("Harbour reopens\n\nThe harbour reopened on Monday after repairs.\n")
    assert cli("add", str(story), index_dir=index_dir).returncode == 0
    # `summary --doc ID`, as `ask` and `chat` take it ("unrecognized arguments: --doc").
    summary = cli("summary", "--doc", "harbour", index_dir=index_dir)
    assert summary.returncode == 0 and summary.stdout.startswith("Harbour reopens\n")
    assert cli("summary", "harbour", "--doc", "other", index_dir=index_dir).returncode == 2
    # The article's file given for its id names the id.
    for command in ("summary", "show", "remove"):
        refused = cli(command, str(story), index_dir=index_dir)
        assert refused.returncode == 1
        assert "' (the file of article 'harbour': give its id)" in refused.stderr  # clipped
    assert "did you mean 'harbour'?" in cli("show", "harbor", index_dir=index_dir).stderr
    # So does its file's name alone, as `list` and "Source:" show it.
    by_name = cli("ask", "--doc", "harbour.txt", "when did it reopen", index_dir=index_dir)
    assert "'harbour.txt' (the file of article 'harbour': give its id)" in by_name.stderr


@pytest.mark.parametrize(
    ("status", "said"),
    [
        # A new user's probe: a plain web server's error page (a kilobyte of HTML, cut off)
        # had been quoted in the line.
        (501, "Not Implemented (501): not a Bot API reply"),
        # A proxy asking for its own password: it had read "rejected the bot token".
        (401, "Unauthorized (401): not a Bot API reply"),
        # A web page with 200: it had read "Telegram refused to start the bot".
        (200, "a web page, not a Bot API reply"),
    ],
)
def test_a_web_page_at_the_bot_api_url_is_not_taken_for_the_bot_api(
    index_dir: Path, cli: Cli, status: int, said: str
) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Page(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = b"<html><h1>Authorization Required</h1>" + b"<p>the page</p>" * 100 + b"</html>"
            self.send_response(status)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST

        def log_message(self, *args: object) -> None:
            """Not on the test's standard error."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        token = "123456:ABCdefghijklmnopqrstuvwxyz12345678"
        for args in (("run",), ("webhook", "info")):
            result = cli(*args, "--api-url", url, index_dir=index_dir, TELEGRAM_BOT_TOKEN=token)
            assert result.returncode == 1
            assert (
                result.stderr == f"articlebot: error: cannot reach the Bot API at {url} ({said})\n"
            )
    finally:
        server.shutdown()
        server.server_close()


def test_list_shows_articles_oldest_first_whatever_was_indexed_since(
    index_dir: Path, tmp_path: Path, cli: Cli
) -> None:
    # A new user's probe: `list` followed the index's own order, which a no-op `index` of a
    # folder changed (the article added last was then listed second).
    news = tmp_path / "news"
    news.mkdir()
    for name, headline in (("zebra", "Zoo welcomes zebra foal"), ("bridge", "Bridge reopens")):
        (news / f"{name}.txt").write_text(f"{headline}\n\nThe story of the {name}.\n", "utf-8")
    assert cli("index", str(news), index_dir=index_dir).returncode == 0
    late = tmp_path / "late.txt"
    late.write_text("Ferry resumes\n\nThe ferry sailed again on Monday.\n", encoding="utf-8")
    assert cli("add", str(late), index_dir=index_dir).returncode == 0
    first = [line.split("\t")[0] for line in cli("list", index_dir=index_dir).stdout.splitlines()]
    assert first == ["bridge", "zebra", "late"]
    assert cli("index", str(news), index_dir=index_dir).returncode == 0
    again = [line.split("\t")[0] for line in cli("list", index_dir=index_dir).stdout.splitlines()]
    assert again == first
    # As JSON, one object per article (a new user's probe: `ask`, `show`, `summary` had it).
    rows = [
        json.loads(line)
        for line in cli("list", "--json", index_dir=index_dir).stdout.split("\n")
        if line
    ]
    assert [row["doc_id"] for row in rows] == first
    assert rows[2] == {
        "doc_id": "late",
        "title": "Ferry resumes",
        "source": str(late),
        "added": rows[2]["added"],
        "passages": 1,
    }
    assert datetime.fromisoformat(rows[2]["added"]) >= datetime.fromisoformat(rows[0]["added"])


def test_a_password_an_older_index_kept_in_a_source_is_never_shown(
    tmp_path: Path, encoder, cli: Cli
) -> None:
    # A verifier's probe: links are now kept without their password, but an index written
    # before still showed it in `list`, `list --json`, `show`, /source and /articles.
    from articlebot.bot.render import sources_html
    from articlebot.collection import add_documents
    from articlebot.config import load_settings
    from articlebot.ingest.documents import parse_plain_text

    settings = load_settings(index_dir=tmp_path / "index")
    source = "https://reader:Hunter2Secret@news.example/harbour-story"
    story = parse_plain_text(
        "Harbour wall repaired\n\nThe wall was rebuilt after the storm, the council said.",
        "harbour-story",
        source,
    )
    add_documents(settings, encoder, [story])
    commands = [("list",), ("list", "--json"), ("show", "harbour-story")]
    commands.append(("show", "--json", "harbour-story"))
    shown = [cli(*command, index_dir=settings.index_dir) for command in commands]
    assert all(result.returncode == 0 for result in shown)
    # Known by its address now, the article's source is kept without the credentials.
    assert "https://news.example/harbour-story" in shown[0].stdout
    page = sources_html([story])
    assert "Hunter2Secret" not in "".join(r.stdout + r.stderr for r in shown) + page


def test_the_sample_article_of_a_deleted_install_is_kept_by_prune_and_not_added_twice(
    tmp_path: Path, cli: Cli
) -> None:
    from articlebot.ingest.documents import bundled_article_path

    index_dir = tmp_path / "index"
    assert cli("index", index_dir=index_dir).returncode == 0
    # The index folder (by default in ~/.cache) outlives the checkout or virtual environment
    # that first built it: its sample article's source names that install's copy, now gone.
    here = json.dumps(str(bundled_article_path()))
    gone = json.dumps("/gone/old-venv/lib/site-packages/articlebot/data/article.txt")
    for written in index_dir.glob("gen-*/*.json*"):
        written.write_text(written.read_text().replace(here, gone))
    assert "/gone/old-venv" in cli("list", index_dir=index_dir).stdout

    pruned = cli("index", "--prune", index_dir=index_dir)
    assert pruned.returncode == 0, pruned.stderr
    assert " 0 removed" in pruned.stdout and "gone" not in pruned.stderr
    added = cli("add", str(bundled_article_path()), index_dir=index_dir)
    assert added.returncode == 0, added.stderr
    listed = cli("list", index_dir=index_dir).stdout.splitlines()
    assert [line.split("\t")[0] for line in listed] == ["article"], listed

    # A user's own file whose path ends the same way is an article of its own (a verifier's
    # probe: it had replaced the sample article, and a refresh then replaced it back).
    own = tmp_path / "proj" / "articlebot" / "data" / "article.txt"
    own.parent.mkdir(parents=True)
    own.write_text("Harbour bridge reopens\n\nThe Nordvik harbour bridge reopened on Monday.\n")
    assert cli("add", str(own), index_dir=index_dir).returncode == 0
    for _ in range(2):  # added, then refreshed
        listed = cli("list", index_dir=index_dir).stdout.splitlines()
        titles = sorted(line.split("\t")[1] for line in listed)
        assert titles == ["Harbour bridge reopens", "Russia warns foreign forces in Ukraine would "
                          "be lawful military targets"], listed  # fmt: skip
        assert cli("index", index_dir=index_dir).returncode == 0


def test_an_index_holding_the_sample_article_twice_keeps_its_first_id(
    tmp_path: Path, cli: Cli
) -> None:
    # Before deleted installs' copies were told to be this install's, adding the sample again
    # from another install indexed it twice ("article", "article-623547"); once both installs
    # are gone, a refresh keeps the first id, the one readers know.
    from articlebot.ingest.documents import bundled_article_path

    index_dir = tmp_path / "index"
    copy = tmp_path / "b" / "articlebot" / "data" / "article.txt"
    copy.parent.mkdir(parents=True)
    copy.write_bytes(bundled_article_path().read_bytes())
    assert cli("index", index_dir=index_dir).returncode == 0
    assert cli("add", str(copy), index_dir=index_dir).returncode == 0
    listed = cli("list", index_dir=index_dir).stdout.splitlines()
    [second] = [line.split("\t")[0] for line in listed if line.split("\t")[0] != "article"]
    here = json.dumps(str(bundled_article_path()))
    gone = json.dumps("/gone/install-a/articlebot/data/article.txt")
    for written in index_dir.glob("gen-*/*.json*"):
        written.write_text(written.read_text().replace(here, gone))
    copy.unlink()
    refreshed = cli("index", index_dir=index_dir)
    assert refreshed.returncode == 0, refreshed.stderr
    assert f"removed {second}" in refreshed.stdout
    listed = cli("list", index_dir=index_dir).stdout.splitlines()
    assert [line.split("\t")[0] for line in listed] == ["article"], listed
    assert cli("show", "article", index_dir=index_dir).returncode == 0


def test_the_newest_article_is_the_one_list_shows_last(tmp_path: Path, cli: Cli) -> None:
    # A new user's probe: of articles added in one command (one time), `summary` took one and
    # `list` showed another last.
    folder = tmp_path / "news"
    folder.mkdir()
    for name, title in (("market", "Market hall sold"), ("ferry", "Ferry runs aground")):
        (folder / f"{name}.txt").write_text(
            f"{title}\n\nThe {name} story happened on Monday in the town, officials said.\n",
            encoding="utf-8",
        )
    index_dir = tmp_path / "index"
    added = cli("add", str(folder / "market.txt"), str(folder), index_dir=index_dir)
    assert added.returncode == 0, added.stderr
    listed = cli("list", index_dir=index_dir).stdout.splitlines()
    last = listed[-1].split("\t")[1]
    summary = cli("summary", index_dir=index_dir)
    assert summary.returncode == 0, summary.stderr
    assert summary.stdout.splitlines()[0] == last


def test_an_id_of_a_group_s_own_shape_is_refused(tmp_path: Path, cli: Cli) -> None:
    story = tmp_path / "story.txt"
    story.write_text("Harbour news\n\nThe harbour reopened on Monday.\n", encoding="utf-8")
    refused = cli("add", str(story), "--id", "chat12-3", index_dir=tmp_path / "index")
    assert refused.returncode == 2
    assert "--id chat12-3: ids of that shape are a Telegram group's own articles" in refused.stderr
    assert not (tmp_path / "index").exists()
    # Nor from a .jsonl file's own "doc_id" (a second verifier's probe: added, and hidden).
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"doc_id": "chat12-3", "title": "Ferry terminal opens", "text": "The terminal opened."}\n',
        encoding="utf-8",
    )
    from_feed = cli("add", str(feed), index_dir=tmp_path / "index")
    assert from_feed.returncode == 1
    assert "doc_id 'chat12-3' has the shape of a Telegram group's own article" in from_feed.stderr


def test_a_closed_standard_input_or_output_is_one_line(article_index_dir: Path) -> None:
    # A CLI attacker's probe: `ask <&-` and `ask "q" >&-` ended in tracebacks (no sys.stdin,
    # no sys.stdout).
    index_dir = article_index_dir
    closed = {"stdin": "<&-", "stdout": ">&-"}
    for stream, redirect in closed.items():
        result = subprocess.run(
            f'{shlex.quote(sys.executable)} -m articlebot ask "who is vinatier" {redirect}'
            if stream == "stdout"
            else f"{shlex.quote(sys.executable)} -m articlebot ask {redirect}",
            shell=True,
            env=_env(index_dir),
            cwd=index_dir.parent,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert "Traceback" not in result.stderr, stream
        assert result.stderr.count("\n") == 1, (stream, result.stderr)
    assert result.returncode == 1 and "standard output is closed" in result.stderr


def test_an_empty_model_option_is_the_default_model(tmp_path: Path, cli: Cli) -> None:
    # A CLI attacker's probe: `--model ''` loaded the current folder ("cannot load embedding
    # model '.'"); an empty ARTICLEBOT_MODEL is the default model.
    result = cli("ask", "--model", "", "Who was Vinatier swapped for?", index_dir=tmp_path / "i")
    assert result.returncode == 0, result.stderr
    assert "Kasatkin" in result.stdout


HARBOUR_LINE = {"doc_id": "j1", "title": "Harbour", "text": "The harbour master is Nils Dahl."}


def _indexed_news(tmp_path: Path, cli: Cli, records: list[dict]) -> tuple[Path, Path, Path]:
    """An index of a news folder holding bridge.txt and more.jsonl (`records`, a line each):
    the story's file, the .jsonl file and the index folder."""
    news = tmp_path / "news"
    news.mkdir()
    story = news / "bridge.txt"
    story.write_text("Bridge story\n\nThe bridge was closed by engineer Olga Berg on Monday.\n")
    lines = news / "more.jsonl"
    lines.write_text("".join(json.dumps(record) + "\n" for record in records))
    index_dir = tmp_path / "index"
    assert cli("index", str(news), index_dir=index_dir).returncode == 0
    return story, lines, index_dir


def test_a_jsonl_file_that_cannot_be_read_is_kept_as_indexed_by_a_refresh(
    tmp_path: Path, cli: Cli
) -> None:
    # A CLI attacker's probe: one unreadable .jsonl stopped every refresh (an unreadable .txt
    # is kept as indexed, and the rest refreshed).
    story, lines, index_dir = _indexed_news(tmp_path, cli, [HARBOUR_LINE])
    story.write_text("Bridge story\n\nThe bridge was reopened by engineer Olga Berg on Friday.\n")
    lines.chmod(0)
    try:
        run = _run_unprivileged(["index"], index_dir, tmp_path)
    finally:
        lines.chmod(0o644)
    assert run.returncode == 0, run.stderr
    assert f"kept as indexed, {lines}: cannot read (Permission denied)" in run.stderr
    assert "1 updated" in run.stdout
    assert "reopened" in cli("show", "bridge", index_dir=index_dir).stdout
    assert "Nils Dahl" in cli("show", "j1", index_dir=index_dir).stdout


def test_add_shows_a_title_s_control_characters_as_list_does(tmp_path: Path, cli: Cli) -> None:
    # A CLI attacker's probe: a right-to-left override in a feed's title made `add`'s line
    # read "Invoice exe.txt paid"; `list` showed it escaped. Titles now drop direction
    # controls: the title reads as its characters are stored, wherever it is shown.
    story = tmp_path / "bill.txt"
    story.write_text("Invoice \u202etxt.exe\u202c paid\n\nThe council paid it on Monday.\n")
    added = cli("add", str(story), index_dir=tmp_path / "index")
    assert added.returncode == 0, added.stderr
    assert added.stdout.splitlines()[0] == "bill: Invoice txt.exe paid"
    assert "Invoice txt.exe paid" in cli("list", index_dir=tmp_path / "index").stdout


def test_a_jsonl_line_kept_as_indexed_is_not_pruned_and_no_jsonl_stops_a_refresh(
    tmp_path: Path, cli: Cli
) -> None:
    # A CLI attacker's probes: `index --prune` said a stub line was "kept as indexed" and then
    # removed its article; an index's .jsonl emptied, or no longer UTF-8, stopped every
    # refresh, an edited .txt beside it never indexed.
    records = [
        dict(HARBOUR_LINE),
        {"doc_id": "j2", "title": "Dock", "text": "Dock 4 reopened after repairs on Monday."},
    ]
    story, lines, index_dir = _indexed_news(tmp_path, cli, records)
    records[1]["text"] = "Read more: https://example.com/dock"
    lines.write_text("".join(json.dumps(r) + "\n" for r in records))
    pruned = cli("index", "--prune", index_dir=index_dir)
    assert pruned.returncode == 0, pruned.stderr
    assert f"kept as indexed, {lines}:2: has no text to index" in pruned.stderr
    assert "Dock 4 reopened" in cli("show", "j2", index_dir=index_dir).stdout
    # Only that line's article is kept: a line deleted from the feed is pruned (a verifier's
    # probe: the whole file was kept, deleted lines and all).
    lines.write_text(json.dumps(records[1]) + "\n")
    pruned = cli("index", "--prune", index_dir=index_dir)
    assert pruned.returncode == 0, pruned.stderr
    listed = cli("list", index_dir=index_dir).stdout
    assert "j2" in listed and "j1" not in listed
    lines.write_text("".join(json.dumps(r) + "\n" for r in records))
    for damaged in (b"", json.dumps(records[0]).encode() + b"\n\xff\xfe broken\n"):
        lines.write_bytes(damaged)
        story.write_text(f"Bridge story\n\nThe bridge reopened {len(damaged)} days later.\n")
        for refresh in (["index"], ["index", "--prune"]):
            run = cli(*refresh, index_dir=index_dir)
            assert run.returncode == 0, run.stderr
            assert f"kept as indexed, {lines}" in run.stderr
            assert (
                f"reopened {len(damaged)} days" in cli("show", "bridge", index_dir=index_dir).stdout
            )
            listed = cli("list", index_dir=index_dir).stdout
            assert "j2" in listed


def test_a_folder_listed_but_not_searchable_is_named_as_such(tmp_path: Path, cli: Cli) -> None:
    # A CLI attacker's probe: the error named news/2025/pyvenv.cfg, a file that is not there.
    news = tmp_path / "news"
    (news / "2025").mkdir(parents=True)
    (news / "2025" / "ferry.txt").write_text("Ferry story\n\nThe ferry was cancelled.\n")
    (news / "2025").chmod(0o600)
    try:
        run = _run_unprivileged(["index", str(news)], tmp_path / "index", tmp_path)
    finally:
        (news / "2025").chmod(0o755)
    assert run.returncode == 1
    assert run.stderr.strip() == (
        f"articlebot: error: {news / '2025'}: cannot read the folder (Permission denied)"
    )


@pytest.mark.usefixtures("shared_model")
def test_a_plain_text_sub_heading_is_no_part_of_an_answer(tmp_path: Path, cli: Cli) -> None:
    # A new user's marathon.txt: "Medical tent busy" was shown above the answer, and the answer
    # was "paragraph 11" where a reader counts the 9th (the same heading as "##" in Markdown
    # was left out).
    story = tmp_path / "marathon.txt"
    story.write_text(
        "City marathon draws record field\n\n"
        "By Ann Lee, Sports Writer\n\n"
        "LEEDS, May 3 — A record 14,000 runners took part in the city marathon on Sunday, "
        "organisers said.\n\n"
        "The winner finished in two hours and nine minutes.\n\n"
        "A remarkable debut\n\n"
        "Kenyan runner Joseph Kibet, 23, won on his first attempt at the distance.\n\n"
        '"I did not expect this," he said.\n\n'
        "Medical tent busy\n\n"
        "Race medical staff treated 212 runners, most for dehydration, and six were taken to "
        "hospital.\n",
        encoding="utf-8",
    )
    index_dir = tmp_path / "index"
    assert cli("add", str(story), index_dir=index_dir).returncode == 0
    answer = cli("ask", "how many were taken to hospital", index_dir=index_dir).stdout
    assert "212 runners" in answer and "paragraph 5" in answer
    assert "Medical tent busy" not in answer
    shown = cli("show", "marathon", index_dir=index_dir).stdout
    assert "A remarkable debut" not in shown and "[3] Kenyan runner" in shown
    # Two headings, each after a short paragraph: no passage runs across either (a
    # verifier's probe: the second short paragraph was joined to the block before the first).
    story.write_text(
        "Valley fair opens\n\n"
        "The valley fair opened on Saturday with a record crowd of 9,000 visitors, the "
        "organisers said.\n\n"
        "Cattle show\n\n"
        "Judges praised the herds.\n\n"
        "Food hall\n\n"
        "The food hall sold out of cheese by noon, and the bakery ran out of bread an hour "
        "later, stall holders said.\n",
        encoding="utf-8",
    )
    assert cli("index", index_dir=index_dir).returncode == 0
    shown = cli("show", "marathon", "--json", index_dir=index_dir).stdout
    for passage in json.loads(shown)["passages"]:
        assert "Cattle show" not in passage["text"] and "Food hall" not in passage["text"]


def test_a_jsonl_line_that_cannot_be_read_keeps_no_line_after_it_from_a_refresh(
    tmp_path: Path, cli: Cli
) -> None:
    # A CLI attacker's probe: with line 2 half-saved, line 3's edit and a new line 4 were
    # never indexed ("index already up to date"), every line after the bad one kept as it was.
    records = [
        dict(HARBOUR_LINE),
        {"doc_id": "j2", "title": "Dock", "text": "Dock 4 reopened after repairs on Monday."},
        {"doc_id": "j3", "title": "Roof", "text": "The school roof cost 300,000 crowns."},
    ]
    _, lines, index_dir = _indexed_news(tmp_path, cli, records)
    records[2]["text"] = "The school roof cost 450,000 crowns."
    new = {"doc_id": "j4", "title": "Ferry", "text": "The ferry was delayed by a storm today."}
    lines.write_text(
        json.dumps(records[0])
        + '\n{"doc_id": "j2", "title": "Do\n'
        + json.dumps(records[2])
        + "\n"
        + json.dumps(new)
        + "\n"
    )
    for refresh in (["index"], ["index", "--prune"]):
        run = cli(*refresh, index_dir=index_dir)
        assert run.returncode == 0, run.stderr
        assert f"kept as indexed, {lines}:2: not valid JSON" in run.stderr
        assert "450,000 crowns" in cli("show", "j3", index_dir=index_dir).stdout
        assert "Dock 4 reopened" in cli("show", "j2", index_dir=index_dir).stdout
        assert "delayed by a storm" in cli("show", "j4", index_dir=index_dir).stdout


def test_an_error_naming_a_very_long_value_is_one_line_of_its_start(
    tmp_path: Path, cli: Cli
) -> None:
    # A verifier's probe: a 200,000-character ARTICLEBOT_INDEX_DIR made a 200 KB error line.
    run = cli("list", index_dir=tmp_path / "index", ARTICLEBOT_INDEX_DIR="x" * 200_000)
    assert run.returncode != 0
    assert run.stderr.count("\n") == 1 and len(run.stderr) < 1100
    assert run.stderr.startswith("articlebot: error: ") and run.stderr.endswith("…\n")
    # A usage error too (an option or a command of 100,000 characters).
    for words in (["list", "--" + "x" * 100_000], ["y" * 100_000]):
        usage = cli(*words, index_dir=tmp_path / "index")
        assert usage.returncode == 2 and usage.stderr.count("\n") == 1
        assert len(usage.stderr) < 1200, len(usage.stderr)


def test_ask_one_article_of_another_by_its_subject(
    article_index_dir: Path, tmp_path: Path, cli: Cli
) -> None:
    # `ask --doc` is one article's chat; "summarize the harbour story" names another, which
    # the index has (a new user's "summarize the ferry story" had said no article is about it).
    index_dir = article_index_dir
    story = tmp_path / "harbour.txt"
    story.write_text(
        "Harbour reopens\n\nThe harbour reopened on Monday after repairs to the harbour wall.\n\n"
        "Ferries resumed at noon, the harbour master said.\n",
        encoding="utf-8",
    )
    assert cli("add", str(story), index_dir=index_dir).returncode == 0
    for question in ("summarize the harbour story", "do you have an article about the harbour?"):
        asked = cli("ask", "--json", "--doc", "article", question, index_dir=index_dir)
        assert json.loads(asked.stdout)["reply"]["doc_id"] == "harbour", question


def test_eval_refuses_a_link_as_typed_and_says_what_it_reads(tmp_path: Path, cli: Cli) -> None:
    # A new user's probe: `eval FILE --docs LINK` said "http:/127.0.0.1:8765/ferry-strike.html:
    # no such file or folder", the link's "//" collapsed and nothing said links are not read.
    dev = tmp_path / "dev.jsonl"
    dev.write_text('{"q": "who runs the ferries?"}\n')
    link = "http://127.0.0.1:8765/ferry-strike.html"
    for option in ("--docs", "--distractors"):
        refused = cli("eval", str(dev), option, link, index_dir=tmp_path / "index")
        assert refused.returncode == 2 and refused.stderr.count("\n") == 1
        assert f"{link} is a link" in refused.stderr
        assert "eval reads files and folders" in refused.stderr
        assert f"`articlebot add {link}` then ask about it" in refused.stderr
    refused = cli("eval", "https://example.com/dev.jsonl", index_dir=tmp_path / "index")
    assert refused.returncode == 2 and "https://example.com/dev.jsonl is a link" in refused.stderr
    assert "https:/example.com" not in refused.stderr


def test_adding_a_file_again_as_it_was_says_it_is_unchanged(tmp_path: Path, cli: Cli) -> None:
    # A new user's probe: `add story.txt` a second time printed "tram: <title>" as if it
    # were added, then "0 added".
    index_dir = tmp_path / "index"
    story = tmp_path / "tram.txt"
    story.write_text("Tram fares rise\n\nThe city raises tram fares by a tenth from May.\n")
    first = cli("add", str(story), index_dir=index_dir)
    assert first.returncode == 0 and first.stdout.splitlines()[0] == "tram: Tram fares rise"
    again = cli("add", str(story), index_dir=index_dir)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[0] == "tram: Tram fares rise (unchanged)"
    assert "0 added, 0 updated, 1 unchanged" in again.stdout
    story.write_text("Tram fares rise\n\nThe city raises tram fares by a fifth from May.\n")
    edited = cli("add", str(story), index_dir=index_dir)
    assert edited.stdout.splitlines()[0] == "tram: Tram fares rise"
    assert "0 added, 1 updated" in edited.stdout


def test_an_index_folder_given_as_a_link_is_refused_as_typed(tmp_path: Path, cli: Cli) -> None:
    # `list --index-dir http://x/idx` said "no index in http:/x/idx; run `articlebot index
    # --index-dir http:/x/idx`", which would make a folder "http:" the user never named.
    for command in ("list", "index"):
        refused = cli(command, "--index-dir", "http://x/idx", index_dir=tmp_path / "index")
        assert refused.returncode == 2 and refused.stderr.count("\n") == 1
        assert "http://x/idx is a link, and --index-dir takes a folder" in refused.stderr
        assert "http:/x" not in refused.stderr.replace("http://x", "")
    assert not (tmp_path / "http:").exists()


def test_a_link_among_the_configured_documents_is_refused_as_typed(
    tmp_path: Path, cli: Cli
) -> None:
    # A CLI attacker: ARTICLEBOT_DOCUMENTS="https://..." said "https:/www.example.com/...: no
    # such file or folder", and a bot so set could not build its first index.
    link = "https://www.example.com/2026/storm?token=abc"
    for command in ("index", "ask"):
        refused = cli(command, index_dir=tmp_path / "index", ARTICLEBOT_DOCUMENTS=f"a.txt,{link}")
        assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
        assert refused.stderr == (
            "articlebot: error: ARTICLEBOT_DOCUMENTS: https://www.example.com/2026/storm?token=***"
            " is a link: it takes files and folders; add a page with `articlebot add LINK`\n"
        )


def test_an_index_folder_set_to_a_link_is_refused_as_typed(tmp_path: Path, cli: Cli) -> None:
    # ARTICLEBOT_INDEX_DIR=http://x/idx (environment or .env) made the folder ./http:/x/idx,
    # which the --index-dir flag refuses.
    for command in ("index", "list"):
        refused = cli(command, index_dir=tmp_path / "index", ARTICLEBOT_INDEX_DIR="http://x/idx")
        assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
        assert "http://x/idx is a link, and ARTICLEBOT_INDEX_DIR takes a folder" in refused.stderr
    (tmp_path / ".env").write_text("ARTICLEBOT_INDEX_DIR=http://x/idx\n")
    refused = cli("index", index_dir=tmp_path / "index", ARTICLEBOT_INDEX_DIR="")
    assert refused.returncode == 2, refused.stderr
    assert "http://x/idx is a link, and ARTICLEBOT_INDEX_DIR (in .env) takes" in refused.stderr
    assert not (tmp_path / "http:").exists()

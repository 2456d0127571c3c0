"""`articlebot chat`: questions at a prompt with line editing, history, paging and commands."""

from __future__ import annotations

import contextlib
import dataclasses
import re
import shutil
import sys
import textwrap
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from articlebot.retrieval.results import Answer
from articlebot.terminal import NO_MORE, elsewhere_line, format_answer_text, format_passage_of
from articlebot.typed_commands import (
    CLEAR,
    HELPS,
    MORE,
    QUIT,
    asked_after,
    asks_for_more,
    bot_command,
    command_of,
)

HELP = """\
Type a question; a follow-up ("when was he arrested?") is read with the \
one before it. Commands:
  more    the next passage for the last question
  clear   forget the conversation (and clear the screen)
  help    this help
  quit    leave (also q, exit, Ctrl-D, Ctrl-C twice; "bye" says goodbye and leaves)
Up and down arrows recall earlier questions; they are kept between sessions.\
"""

#: Said after a Ctrl-C while a question is answered: the answer stops, the chat goes on.
STOPPED = "(Stopped. Ask again, or press Ctrl-C twice at the prompt to leave.)"
#: Said after a Ctrl-C at the prompt, which drops the line typed; a second one leaves.
LEAVE_HINT = "(To leave, press Ctrl-C again, press Ctrl-D or type quit.)"
BOT_COMMAND_LINE = (
    '{command} is a command of the Telegram bot. Here, ask a question ("summarize", "who'
    " wrote this\"), or type 'help'; `articlebot chat --doc ID` asks one article."
)


#: "/ask" alone: as in the bot, the question goes after it (or is typed without it).
ASK_WHAT = "Type the question after /ask (/ask who is the mayor?), or just type it."
#: BOT_COMMAND_LINE as `articlebot ask` says it, where there is no 'help' to type.
ASK_BOT_COMMAND_LINE = (
    '{command} is a command of the Telegram bot. Here, give a question (articlebot ask "who'
    ' wrote this?"); `articlebot summary ID` summarizes an article.'
)

#: "more" given to `articlebot ask`, which keeps no answer to go on from.
ASK_MORE_LINE = (
    "`articlebot ask` answers one question: `--top-k N` shows N passages, and"
    " `articlebot chat` pages through them with 'more'."
)


def asked_of_ask(line: str) -> tuple[str, str | None]:
    """A line given to `articlebot ask` as (the question to ask, None), or as ("", the one
    line said instead) for "more" and for a command of the Telegram bot ("/start"):
    searched, they got a confident answer about nothing asked. "/ask QUESTION" asks the
    question, as a group does, and "/summary" the summary, as `chat` does."""
    stripped = line.strip()
    if asks_for_more(stripped):
        return "", ASK_MORE_LINE  # searched, "more" got a confident answer about nothing asked
    command = bot_command(stripped)
    if command is None:
        return line, None
    if command == "/ask":
        question = asked_after(stripped)
        return (question, None) if question else ("", ASK_WHAT)
    if command == "/summary" and not _summary_id(stripped):
        return "summarize", None  # as chat gives it; "/summary ID" is said to be the bot's
    return "", ASK_BOT_COMMAND_LINE.format(command=command)


#: What "quit?" or "clear?" alone is answered with: how to do it, not a search.
_COMMAND_HINTS = {
    "quit?": "To leave, type quit (or press Ctrl-D).",
    "exit?": "To leave, type quit (or press Ctrl-D).",
    "clear?": "To forget this conversation, type clear.",
    "help?": HELP,
}


def _natural(title: str) -> list[tuple[int, int | str]]:
    """A sort key putting "Story 2" before "Story 10"."""
    return [
        (0, int(part)) if part.isdigit() else (1, part.lower())
        for part in re.split(r"(\d+)", title)
    ]


def _asks(command: str, line: str) -> bool:
    """Whether a bot command typed here asks something: "/summary", or "/ask" and a question."""
    return command == "/summary" or (command == "/ask" and bool(asked_after(line)))


def _summary_id(line: str) -> str:
    """The article id "/summary ID" names ("" for none): the rest of the line, as the bot
    reads it."""
    parts = line.split(None, 1)
    return parts[1].strip() if len(parts) == 2 else ""


#: The Telegram bot's commands; "/foo" or "/who is the mayor?" is none of them.
@dataclass
class ChatState:
    """What `more` pages through: the last answer and how many of its passages were shown."""

    last: Answer | None = None
    shown: int = 0
    turn: Any = None
    bold: bool = False


def wrap(text: str, width: int | None) -> str:
    """`text` wrapped to `width` columns at spaces, never mid-word (None: as it is)."""
    if not width:
        return text
    return "\n".join(
        textwrap.fill(line, width, break_long_words=False, break_on_hyphens=False) or line
        for line in text.split("\n")
    )


def enable_line_editing(history_file: Path) -> Callable[[], None]:
    """Readline editing with history kept in `history_file`; returns what saves it."""
    try:
        import readline
    except ImportError:  # not on every platform: the prompt still works, without editing
        return lambda: None
    # A first session, or an unreadable file: start with no history.
    with contextlib.suppress(OSError):
        readline.read_history_file(history_file)
    readline.set_history_length(1000)

    def save() -> None:
        try:
            history_file.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(history_file)
        except OSError:
            pass  # history is a convenience; a read-only cache must not end the chat badly

    return save


def _tidy_history(is_command: bool) -> None:
    """Keep the history to questions, each once in a row (as bash's ignoredups): arrow up goes
    straight to the last question asked."""
    try:
        import readline
    except ImportError:
        return
    length = readline.get_current_history_length()
    # get_history_item counts from 1, remove_history_item from 0.
    if length and (
        is_command
        or (
            length > 1
            and readline.get_history_item(length) == readline.get_history_item(length - 1)
        )
    ):
        readline.remove_history_item(length - 1)


def run_chat(
    retriever: Any,
    *,
    doc_ids: Collection[str] | None,
    english_only: bool,
    history_file: Path | None,
    out: TextIO | None = None,
    refresh: Callable[[Any], Any] | None = None,
    failed: Callable[[BaseException], str | None] | None = None,
) -> int:
    """The chat loop; returns the exit status. `refresh(retriever)` gives the retriever to ask
    next (one over a newer index another process wrote since), before each question;
    `failed(error)` the line said for a question an error kept from being answered, the chat
    going on (a database out of reach a moment had ended it), or None to end it."""
    # Looked up now, not when this module was imported: the standard output may have been
    # replaced since (a test's capture, a redirection).
    out = sys.stdout if out is None else out
    from articlebot.collection import no_such_articles, sources_of
    from articlebot.retrieval.conversation import (
        articles_meant,
        ask_in_context,
        points_back,
    )
    from articlebot.retrieval.reader import answered_elsewhere, articles_in_scope
    from articlebot.retrieval.retriever import normalize_question
    from articlebot.retrieval.small_talk import detect_small_talk

    # Read from a file or a pipe, a line is not shown as typed: it is shown after the prompt,
    # so that the answer starts on a line of its own, as in a transcript.
    echo = not sys.stdin.isatty()
    interactive = not echo and out.isatty()
    bold = out.isatty()
    width = shutil.get_terminal_size().columns - 1 if out.isatty() else None
    documents = retriever.index.documents
    scope = articles_in_scope(retriever, doc_ids)
    titles = sorted({documents[d].title for d in scope}, key=_natural)

    def say(text: str) -> None:
        print(wrap(text, width), file=out, flush=True)

    save = enable_line_editing(history_file) if interactive and history_file else lambda: None
    more = f" and {len(titles) - 5} more (`articlebot list`)" if len(titles) > 5 else ""
    say(f"Ask me about: {'; '.join(titles[:5])}{more}")
    say("Type a question, 'more' for further passages, 'help' for commands, or 'quit'.")
    state = ChatState(bold=bold)
    interrupted = False
    try:
        while True:
            try:
                line = input("> ").strip()
            except EOFError:
                print(file=out)
                return 0
            except KeyboardInterrupt:  # Ctrl-C drops the line being typed, as in a shell
                print("^C" if not interactive else "", file=out)
                if not interactive or interrupted:
                    return 130  # twice in a row: leave
                interrupted = True
                say(LEAVE_HINT)
                continue
            interrupted = False
            if echo:
                # As read, without the control characters (an escape would reach the terminal).
                print(normalize_question(line, len(line)), file=out, flush=True)
            command = command_of(line)
            if not line:
                continue
            if not any(character.isalnum() for character in line):
                command = "?"  # "...!!!???" asks nothing: shown what to ask, as for "?"
            if interactive:
                # "quit?" too: told how to leave, it is no question to recall.
                commanded = command in QUIT | MORE | HELPS | CLEAR or command in _COMMAND_HINTS
                _tidy_history(is_command=commanded)
            if command in QUIT:
                return 0
            if command in HELPS:
                say(HELP)
            elif command in CLEAR:
                state = ChatState(bold=bold)
                if out.isatty():
                    out.write("\033[H\033[2J")
                say("Forgotten; ask anything.")
            elif command in MORE:
                if refresh is not None and (now := refresh(retriever)) is not retriever:
                    retriever, scope = now, articles_in_scope(now, doc_ids)
                say(_more(state, set(retriever.index.documents)))
            elif command in _COMMAND_HINTS:
                say(_COMMAND_HINTS[command])
            elif (bot := bot_command(line)) == "/ask" and not _asks(bot, line):
                say(ASK_WHAT)
            elif bot is not None and not _asks(bot, line):
                say(BOT_COMMAND_LINE.format(command=bot))
            else:
                try:
                    if refresh is not None and (now := refresh(retriever)) is not retriever:
                        # `add` or `remove` in another terminal: asked of the articles now.
                        retriever, scope = now, articles_in_scope(now, doc_ids)
                    asked_of = doc_ids
                    if bot == "/summary":  # the summary, as "summarize" asks for it
                        line, wanted = "summarize", _summary_id(line)
                        if wanted and wanted not in scope:
                            known = retriever.index.documents
                            say(no_such_articles([wanted], scope, sources_of(known)))
                            continue
                        asked_of = [wanted] if wanted else doc_ids
                    elif bot == "/ask":  # "/ask who is witkoff", as a group asks the bot
                        line = asked_after(line)
                    previous = state.turn
                    # "Which articles do you have about X" asks of the chat's articles, not
                    # of the one `/summary ID` or `--doc` is on.
                    answer, state.turn = ask_in_context(
                        retriever,
                        line,
                        previous,
                        doc_ids=asked_of,
                        english_only=english_only,
                        seen=list(retriever.index.documents),
                    )
                    articles = articles_meant(previous, answer, len(scope))
                    # Not for a follow-up: "how old is he?" means someone of this article.
                    other = (
                        None
                        if points_back(line)
                        else answered_elsewhere(
                            retriever, answer, doc_ids, english_only=english_only
                        )
                    )
                    # Where another article answers, that line matters, not this one's runner-up.
                    mine = answer if other is None else dataclasses.replace(answer, also=None)
                    reply = format_answer_text(mine, bold=bold, articles=articles)
                    if other is not None:
                        reply += "\n" + elsewhere_line(other)
                    say(reply)
                    if answer.reply is not None and answer.reply.kind in ("chat", "language"):
                        # "thanks", "ok" or a question to ask again in English leaves `more`
                        # paging the last answer; "bye" leaves.
                        if detect_small_talk(line) == "goodbye":
                            return 0
                        continue
                    state.last, state.shown = mine, 1
                except KeyboardInterrupt:  # Ctrl-C while answering stops the answer, not the chat
                    print("^C" if not interactive else "", file=out)
                    if not interactive:
                        return 130
                    say(STOPPED)
                except Exception as exc:
                    said = failed(exc) if failed is not None else None
                    if said is None:
                        raise
                    say(said)
    finally:
        save()


def _more(state: ChatState, indexed: Collection[str]) -> str:
    """The next passage of the last answer, or why there is none; passages of an article no
    longer `indexed` (removed by another process since) are skipped, and said so."""
    if state.last is None:
        return "Ask a question first."
    passages = state.last.passages
    # A byline or a summary came from the article's structure: no ranking kept more.
    if state.last.outcome == "none" or not passages or state.last.reply is not None:
        return NO_MORE
    also = state.last.also
    while (
        also is not None
        and state.shown < len(passages)
        and passages[state.shown].row == also.row
        and passages[state.shown].text.strip() == also.highlight_text.strip()
    ):
        # Shown whole on the answer's "Also:" line. A passage of more than that sentence is
        # shown: its best evidence may be another of its sentences (a new user).
        state.shown += 1
    gone = 0
    while state.shown < len(passages) and passages[state.shown].doc_id not in indexed:
        state.shown += 1
        gone += 1
    if state.shown >= len(passages) and gone:
        return f"{NO_MORE} (the rest are of an article removed since; ask again)"
    if state.shown >= len(passages):
        # Say why, and how to keep more: the answer held only the passages retrieved for it.
        kept = "the one kept was" if len(passages) == 1 else f"all {len(passages)} kept were"
        return f"{NO_MORE} ({kept} shown; --top-k N keeps more)"
    state.shown += 1
    # Another article's is not more of the answer: after "what did Lindqvist say?", a story
    # never naming him.
    return format_passage_of(passages[state.shown - 1], passages[0].doc_id, bold=state.bold)

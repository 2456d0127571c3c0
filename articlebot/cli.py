"""The `articlebot` command line: index, ask, chat, eval and run (the Telegram bot)."""

from __future__ import annotations

import argparse
import difflib
import io
import itertools
import json
import logging
import os
import re
import shlex
import sys
import tempfile
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from articlebot import __version__
from articlebot.config import (
    ConfigError,
    Settings,
    bot_token,
    bot_token_problem,
    configured_token,
    default_index_dir,
    explain_invalid,
    load_settings,
    prepare_process,
    unknown_settings,
)
from articlebot.masking import REDACTED, masked_url, shown_source, without_password, without_tokens
from articlebot.system_text import printable

if TYPE_CHECKING:
    from articlebot.ingest.documents import Document

log = logging.getLogger("articlebot")


class CliError(Exception):
    """A failure to report as one line, with exit status 1."""


class UsageError(CliError):
    """Flags that do not fit together: one line, exit status 2."""


def _setup_logging(verbose: int, quiet_by_default: bool) -> None:
    if verbose:
        chosen = logging.DEBUG if verbose > 1 else logging.INFO
    else:
        # A command's output is its answers or its one-line report (progress bars on a
        # terminal); the log's progress lines are the running bot's, and -v's.
        chosen = logging.WARNING if quiet_by_default else logging.INFO
    # The running bot's log has times and sources; a command's warnings read as its own lines.
    handler = logging.StreamHandler()
    handler.setFormatter(
        _CommandLines()
        if quiet_by_default and not verbose
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    logging.getLogger("articlebot").setLevel(chosen)
    # Third-party chatter stays at WARNING; httpx logs request URLs, which hold the bot token.
    for noisy in ("httpx", "httpcore", "bm25s", "sentence_transformers", "transformers"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if not verbose:
        # trafilatura logs a page it can make nothing of ("ERROR trafilatura.core: empty HTML
        # tree") before articlebot says the same of the file or link in its one line.
        for extractor in ("trafilatura", "htmldate", "courlan", "justext"):
            logging.getLogger(extractor).setLevel(logging.CRITICAL)
        # PTB logs a reply it cannot parse (a server that is not the Bot API, a proxy's error
        # page) with the page and a traceback, then raises an error saying the same, which is
        # reported in one line; -v keeps the log.
        for handler in logging.getLogger().handlers:
            handler.addFilter(_one_line)
    if quiet_by_default and not verbose:
        # The pool warns at each try to reach a database out of reach (15 lines in 15 s)
        # before the command says so in one line; the running bot's log keeps them.
        logging.getLogger("psycopg.pool").setLevel(logging.ERROR)


class _CommandLines(logging.Formatter):
    """A command's log line as its other lines: "articlebot: warning: ...", on one line."""

    def format(self, record: logging.LogRecord) -> str:
        super().format(record)
        text = one_line(" ".join(record.message.split()))
        return f"articlebot: {record.levelname.lower()}: {text}"


def _one_line(record: logging.LogRecord) -> bool:
    """Drop PTB's HTTP layer's records of an exception it raises next; the rest of its
    records as one line of at most 300 characters."""
    if record.name.startswith("telegram.request"):
        if record.exc_info is not None:
            return False
        text = " ".join(record.getMessage().split())
        record.msg, record.args = (text[:299] + "…" if len(text) > 300 else text), ()
        record.exc_info = record.exc_text = None
    return True


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index-dir", type=_folder, help="index folder (ARTICLEBOT_INDEX_DIR)")
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="keep the index in PostgreSQL with pgvector instead: postgresql://user:pass@host/db"
        " (ARTICLEBOT_DATABASE_URL)",
    )
    parser.add_argument("--model", help="embedding model: folder or hub name (ARTICLEBOT_MODEL)")
    # Counted on from a -v before the command (`articlebot -v ask ...`).
    parser.add_argument(
        "-v", "--verbose", action="count", default=argparse.SUPPRESS, help="more logging"
    )


#: Words other tools use for a command, and the one meant here.
_COMMAND_WORDS = {
    "help": "--help",
    "rm": "remove",
    "del": "remove",
    "delete": "remove",
    "bot": "run",
    "start": "run",
    "serve": "run",
    "build": "index",
    "query": "ask",
    "search": "ask",
}


#: A connection string's password setting, as libpq reads it (spaces around the "=" too).
_PASSWORD_SETTING = re.compile(r"(\bpassword\s*=\s*)(?!\*\*\*)\S+", re.IGNORECASE)
#: A Telegram bot token, as BotFather makes them (its secret is 35 characters).
_BOT_TOKEN = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}")


def _goes_after(option: str, command: str, value: str = "") -> str:
    """The line for a command's option put before the command."""
    given = f"{option} {value}" if value else option
    return f"{option} goes after the command: articlebot {command} {given} ..."


class _Parser(argparse.ArgumentParser):
    """argparse with its usage errors in one line, naming the command's help and, for a
    mistyped command, the one meant."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Each command's parser, by name (filled on the top-level parser by `build_parser`).
        self.commands: dict[str, argparse.ArgumentParser] = {}
        #: The command line being read (set by `_main`), to tell where an option was put.
        self.words: list[str] = []

    def error(self, message: str) -> typing.NoReturn:
        """Print the error in one line and exit with status 2."""
        choice = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)$", message)
        if choice is not None:
            commands = re.findall(r"'?([\w-]+)'?", choice.group(2))
            typed = choice.group(1)
            close = [_COMMAND_WORDS[typed]] if typed in _COMMAND_WORDS else []
            close = close or difflib.get_close_matches(typed, commands, n=1)
            message = f"no command {choice.group(1)!r}" + (
                f": did you mean {close[0]!r}?" if close else ""
            )
            words = self.words
            at = words.index(typed) if typed in words else 0
            option = words[at - 1] if at > 0 else ""
            if option.startswith("-") and option not in self._option_string_actions:
                # "articlebot --index-dir /tmp/x list": a command's option, put before it.
                named = next((w for w in words[at:] if w in self.commands), "COMMAND")
                message = _goes_after(option, named, typed)
        dashed = next((w for w in self.words if w[:1] == "-" and _is_path(w)), None)
        if dashed is not None:
            # "index -bridge.txt" read the file's name as an option.
            message += f"; {dashed} is a file: write it ./{dashed}, or after --"
        if "arguments are required: file" in message and "--docs" in self.words:
            # "eval --docs news/ my.jsonl": --docs took the eval file as one more document.
            message += "; give the eval file before --docs (eval FILE --docs DOC ...)"
        for word in self.words:
            # A database's or Bot API server's URL (or a "password=..." connection string)
            # given in the wrong place is quoted back without its password: as typed, and as
            # argparse and this message quote it (a backslash doubled, once or twice).
            url = word.partition("=")[2] if word.startswith("-") else word
            if "://" not in url and not _PASSWORD_SETTING.search(url):
                continue
            forms = {url}
            for _ in range(2):
                forms |= {repr(form)[1:-1] for form in forms}
            for form in sorted(forms, key=len, reverse=True):
                message = message.replace(form, masked_url(url))
            message = without_password(message, url)
        # libpq's "password = ..." with spaces, and a bot token typed into a webhook URL.
        message = _PASSWORD_SETTING.sub(r"\g<1>***", message)
        message = _BOT_TOKEN.sub(REDACTED, message)
        self.exit(2, f"{self.prog}: error: {_clipped(message)} (see '{self.prog} --help')\n")


def _with_index_dir(message: str, index_dir: Path | None) -> str:
    """`message` with the --index-dir it was run with added to the command it advises: pasted
    as shown, "`articlebot index --rebuild`" rebuilt the default index, not the damaged one."""
    if index_dir is None:
        return message
    flag = f" --index-dir {shlex.quote(str(index_dir))}"
    return message.replace("`articlebot index --rebuild`", f"`articlebot index --rebuild{flag}`")


def _is_path(word: str) -> bool:
    """Whether a command-line word names a file or folder that exists (not "-", stdin)."""
    try:
        return word != "-" and os.path.exists(word)
    except (OSError, ValueError):
        return False


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = _Parser(
        prog="articlebot",
        description="Answer questions about news articles, in the terminal or on Telegram.",
    )
    parser.add_argument("--version", action="version", version=f"articlebot {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    parser.commands = sub.choices

    p = sub.add_parser(
        "index",
        help="build or update the index from documents",
        description="Index .txt, .md, .html and .jsonl documents (default: the "
        "configured documents, else the files the index was built from, else the bundled "
        "article), adding new ones and updating changed ones; other indexed articles are kept "
        "unless --prune or --rebuild. Only documents whose content changed are embedded again.",
    )
    p.add_argument(
        "paths", nargs="*", metavar="PATH|URL", help="files, folders or links to web pages"
    )
    p.add_argument(
        "--prune",
        action="store_true",
        help="also drop indexed articles whose file is gone, or that a file read now no longer "
        "holds",
    )
    p.add_argument(
        "--rebuild",
        action="store_true",
        help="start over: the index holds exactly these documents, all embedded again",
    )
    p.add_argument("--device", help="torch device for embedding: cpu, cuda, cuda:N, mps")
    _common(p)

    p = sub.add_parser(
        "add",
        help="add articles (files or links) to the index, keeping the others",
        description="Add documents or web pages to the index; only they are embedded.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH|URL", help="files, folders or links")
    p.add_argument("--id", dest="doc_id", help="the article's id (one article only)")
    p.add_argument(
        "--replace",
        action="store_true",
        help="replace an indexed article from another source that has the same id",
    )
    _common(p)

    p = sub.add_parser(
        "remove",
        help="remove articles from the index by doc_id",
        description="Remove documents from the index (see `articlebot list` for their ids).",
    )
    p.add_argument("doc_ids", nargs="+", metavar="DOC_ID", help="an article's id (see `list`)")
    _common(p)

    p = sub.add_parser("list", help="list the indexed articles", description="List articles.")
    p.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object per article (doc_id, title, source, added, passages)",
    )
    _common(p)

    p = sub.add_parser(
        "ask",
        help="answer one question, or one per line from stdin",
        description="Answer a question from the index (built on first use).",
    )
    p.add_argument(
        "question",
        nargs="*",
        help="the question (quoted or not), or - to read one question per line from stdin "
        "(the default when stdin is not a terminal), each on its own: `chat` follows up",
    )
    # No argparse type: the settings check the number, so "abc" and "0" get the same line.
    p.add_argument(
        "--top-k", metavar="N", help="passages to show (default: the best one; --json lists 3)"
    )
    _doc_option(p)
    p.add_argument("--json", action="store_true", help="print one JSON object per question")
    _common(p)

    p = sub.add_parser(
        "summary",
        help="an article in a few sentences",
        description="Print an article's title and its most central sentences (default: the "
        "only article, or the newest one).",
    )
    p.add_argument("doc_id", nargs="?", metavar="DOC_ID", help="the article (see `list`)")
    # As `ask` and `chat` name an article.
    p.add_argument("--doc", dest="doc_option", metavar="ID", help="the article, as DOC_ID")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    _common(p)

    p = sub.add_parser(
        "chat",
        help="interactive chat in the terminal",
        description="Ask questions interactively; the answers are the bot's.",
    )
    p.add_argument("--top-k", metavar="N", help="passages to keep for 'more' (default 3)")
    _doc_option(p)
    _common(p)

    p = sub.add_parser(
        "show",
        help="an article's paragraphs and passages",
        description="Print an article's paragraphs, numbered as answers cite them, and the "
        "passages it was split into.",
    )
    p.add_argument("doc_id", metavar="DOC_ID", help="the article (see `list`)")
    p.add_argument("--json", action="store_true", help="print the article as JSON")
    _common(p)

    p = sub.add_parser(
        "eval",
        help="measure retrieval on a dev set",
        description="Index the file's documents (plus distractors) into a temporary "
        "index and print hit@1, hit@k and MRR@k. Files of {q, answers} or {q} lines "
        "are asked against the bundled article (or --docs). With --database-url the index "
        "is that database's, replaced by these documents: give it a database of its own.",
    )
    p.add_argument("file", type=_local_path, help="a .jsonl dev set")
    p.add_argument(
        "--distractors",
        type=partial(_local_path, documents=True),
        action="append",
        default=[],
        help="extra documents to index alongside (repeatable)",
    )
    p.add_argument(
        "--docs",
        type=partial(_local_path, documents=True),
        nargs="+",
        default=[],
        help="documents (files or folders, not links) for {q, answers} / {q} files "
        "(default: the bundled article)",
    )
    p.add_argument(
        "--top-k", type=int, default=5, metavar="N", help="k of hit@k and MRR@k (default 5)"
    )
    p.add_argument("--json", action="store_true", help="print the metrics as JSON")
    p.add_argument(
        "--per-article",
        action="store_true",
        help="ask each question of its own article only (as under a channel post or after /use)",
    )
    p.add_argument(
        "--misses",
        action="store_true",
        help="print each missed, wrongly refused or wrongly answered question with what was shown "
        "(for a dialogue set: each line whose answer is not in bold, after its context)",
    )
    p.add_argument(
        "--report",
        action="store_true",
        help="print an ablation table: each ranking stage and what it buys",
    )
    p.add_argument(
        "--out-of-scope",
        type=_local_path,
        action="append",
        default=[],
        help="{q} questions the documents cannot answer, for refusal rates "
        "(repeatable; used by --report)",
    )
    _common(p)

    p = sub.add_parser(
        "webhook",
        help="register, show or delete the bot's webhook (once for all replicas)",
        description="Register the webhook once for every `articlebot run --webhook` replica, "
        "with the shared ARTICLEBOT_WEBHOOK_SECRET; show what Telegram has; or delete it.",
    )
    p.add_argument(
        "action",
        choices=["set", "info", "delete"],
        help="set: register URL with Telegram; info: what Telegram has; delete: remove it",
    )
    p.add_argument("url", nargs="?", help="public HTTPS URL (for set)")
    p.add_argument("--api-url", metavar="URL", help="root URL of a self-hosted Bot API server")
    _common(p)

    p = sub.add_parser(
        "run",
        help="run the Telegram bot",
        description="Run the Telegram bot on the index (built on first use). The "
        "token comes from TELEGRAM_BOT_TOKEN (environment or .env), never a flag.",
    )
    p.add_argument("--webhook", metavar="URL", help="public HTTPS URL for webhook mode")
    p.add_argument("--listen", help="address the webhook server binds (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port the webhook server binds (default 8443)")
    p.add_argument(
        "--api-url",
        metavar="URL",
        help="root URL of a self-hosted Bot API server, e.g. http://127.0.0.1:8081",
    )
    _common(p)
    return parser


def _settings(args: argparse.Namespace, **extra: Any) -> Settings:
    # A command's own flags (--top-k, --device) override the environment and .env wherever
    # the settings are read, so a bad value there is never checked in their place.
    for flag in ("top_k", "device"):
        extra.setdefault(flag, getattr(args, flag, None))
    settings = load_settings(
        index_dir=args.index_dir, model=args.model or None, database_url=args.database_url, **extra
    )
    from articlebot.index.store import file_in_the_way, not_a_folder

    uses_index = args.command not in ("eval", "webhook")  # eval's index is a temporary one
    if uses_index and args.index_dir is not None and settings.database_url is not None:
        # The folder would be ignored: a `remove X --index-dir scratch` would change the
        # database that ARTICLEBOT_DATABASE_URL in .env names.
        raise UsageError(
            "--index-dir names an index folder, but the index is kept in PostgreSQL"
            " (--database-url, or ARTICLEBOT_DATABASE_URL in the environment or .env); give one"
            " of them (--database-url '' uses the folder)"
        )
    if settings.database_url is None and file_in_the_way(settings.index_dir) is not None:
        raise CliError(not_a_folder(settings.index_dir))
    return settings


def cmd_index(args: argparse.Namespace) -> int:
    """`articlebot index`."""
    from articlebot.collection import (
        add_documents,
        database_url,
        document_paths,
        load_encoder,
        rebuild_index,
        update_index,
    )
    from articlebot.index.identity import origin
    from articlebot.ingest.documents import DocumentError, iter_documents

    settings = _settings(args)
    if args.prune and database_url(settings) is not None:
        # Said before any file is read or link fetched (it came once all were).
        raise UsageError(
            "--prune works on an index folder, not on a database (its files may be on other "
            "machines); `articlebot remove ID` drops an article"
        )
    # A rebuild embeds what the index holds again, ARTICLEBOT_DOCUMENTS or not: read instead,
    # they had dropped every article added since (uploads, links, channel posts).
    held = None if args.paths else _indexed_sources(settings, configured=not args.rebuild)
    if held is not None and args.rebuild:
        # Rebuilt from the index's own copies, as it holds them under the writer lock:
        # articles from links, from files since moved and with ids given by `add --id` come
        # back as they were, and what another writer did meanwhile stays done.
        encoder = load_encoder(settings, for_indexing=True, on_status=_status())
        _, report = rebuild_index(settings, encoder, progress=sys.stderr.isatty(), on_wait=_waiting)
        _print_report(settings, report)
        return 0
    if args.paths:
        sources = list(args.paths)
    elif held is not None:
        sources = _refreshable_sources(held, say_gone=not args.prune)
    else:
        sources = [str(p) for p in document_paths(settings)]
    # Files first: a link that cannot be fetched ("ftp://...") is refused before any page
    # is fetched.
    files = _files(sources)
    fetched = _fetch_links(sources, settings)
    # Read every file once before any work, so a bad one stops the run at once with one
    # line; the build then reads them again as it goes (a large .jsonl corpus never sits
    # in memory whole).
    # Refreshed from the files the index names, one that cannot be read now keeps its
    # article as indexed (it was readable once) rather than stopping every refresh.
    refresh = held is not None
    partly_read: set[str] = set()
    kept: set[str] = set()

    said: set[str] = set()

    def skip_note(error: DocumentError) -> None:
        said.add(str(error))
        if not refresh:
            _skipped(error)
            return
        _kept_as_indexed(error)
        # Its other lines read, this one's article is not pruned; a .jsonl read no further
        # than a bad line keeps the articles of the lines after it.
        if error.doc_id is not None:
            kept.add(error.doc_id)
        elif error.jsonl is not None:
            partly_read.add(origin(str(error.jsonl)))

    first_read: set[str] = set()
    read = iter_documents(files, on_skip=skip_note, skip_named=refresh)
    count = sum(1 for _ in _noting_files(read, first_read)) + len(fetched)
    if args.paths and count == 0:
        raise UsageError(_no_documents(args.paths))
    log.info("read %d document(s)", count)

    def skip_new(error: DocumentError) -> None:
        # A file changed or deleted since the first read is said as that read says it (it
        # was left out without a word); what that read said is not said twice.
        if str(error) not in said:
            skip_note(error)

    second_read: set[str] = set()
    documents = itertools.chain(
        _noting_files(iter_documents(files, on_skip=skip_new, skip_named=refresh), second_read),
        fetched,
    )
    encoder = load_encoder(settings, for_indexing=True, on_status=_status())
    progress = sys.stderr.isatty()
    if args.rebuild:
        _, report = update_index(
            settings,
            encoder,
            documents,
            rebuild=True,
            progress=progress,
            on_wait=_waiting,
            total_documents=count,
        )
    else:
        _, report = add_documents(
            settings,
            encoder,
            documents,
            prune=args.prune,
            refresh=refresh,
            # ARTICLEBOT_DOCUMENTS read again is not a file named by hand: what was removed
            # from its .jsonl files stays removed.
            configured=not args.paths and not refresh,
            progress=progress,
            on_wait=_waiting,
            total_documents=count,
            partly_read=partly_read,
            kept=kept,
        )
    # A file deleted between the two reads is walked past, not refused: said all the same.
    for gone in sorted(first_read - second_read):
        if not os.path.lexists(gone):
            _skipped(DocumentError(f"{gone}: deleted while the folder was being indexed"))
    _print_report(settings, report)
    return 0


def _noting_files(documents: Iterable[Document], files: set[str]) -> Iterator[Document]:
    """`documents`, the file each came from added to `files` as it is read."""
    from articlebot.index.identity import origin

    for document in documents:
        files.add(origin(document.source))
        yield document


def _skipped(error: Exception) -> None:
    """A file in a folder left out of the index: said on one line, and the rest goes on."""
    print(f"articlebot: skipped {one_line(str(error))}", file=sys.stderr, flush=True)


def _kept_as_indexed(error: Exception) -> None:
    """A file the index names that cannot be read now: its article stays as it was."""
    print(f"articlebot: kept as indexed, {one_line(str(error))}", file=sys.stderr, flush=True)


def _waiting(message: str) -> None:
    print(f"articlebot: {one_line(message)}", file=sys.stderr, flush=True)


#: The most of an error's text one line shows: a 200,000-character folder name in .env made
#: a 200 KB line.
MAX_ERROR_CHARS = 1000


def _clipped(text: str) -> str:
    """An error's text on one line, its start only when very long."""
    line = one_line(text)
    return line if len(line) <= MAX_ERROR_CHARS else line[:MAX_ERROR_CHARS] + "…"


def one_line(text: str) -> str:
    """`text` with its control characters written as escapes: a file named with a line break
    or a terminal escape sequence must not forge a line or clear the reader's screen."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


def _status() -> Any:
    """Where slow first steps are announced: standard error on a terminal, else nowhere (with
    -v the log says the same)."""
    return _waiting if sys.stderr.isatty() else None


def _progress(items: Sequence[Any], desc: str, unit: str) -> Iterable[Any]:
    """`items` with a progress bar (total and time left) on a terminal; as they are otherwise."""
    if not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit=f" {unit}", leave=False, dynamic_ncols=True)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _where(settings: Settings) -> str:
    """The index folder, or the database's URL without its password."""
    if settings.database_url is not None:
        return masked_url(settings.database_url.get_secret_value())
    return str(settings.index_dir)


def _print_report(settings: Settings, report: Any) -> None:
    """What a write did: copies of articles already indexed, then what went and the totals."""
    for doc_id, twin in report.copies.items():
        # Both may be new: two copies in the folder just indexed.
        already = ", added with it" if twin in report.added else ", already indexed"
        print(
            f"articlebot: {doc_id} has the same text as {twin}{already} "
            f"(`articlebot remove {doc_id}` if it was added by mistake)",
            file=sys.stderr,
        )
    for file, count in report.kept_out.items():
        # A refresh reads the whole .jsonl again: said, or the removal would look forgotten.
        print(
            one_line(
                f"articlebot: kept out {_plural(count, 'removed article')} of {file} "
                f"(add the file again to bring {'it' if count == 1 else 'them'} back)"
            ),
            file=sys.stderr,
        )
    for doc_id in report.removed:
        now = report.renamed.get(doc_id)
        print(f"removed {doc_id}" if now is None else f"renamed {doc_id} to {now}")
    print(f"{_where(settings)}: {report.summary()}")


def _folder(value: str) -> Path:
    """A folder named on the command line; an empty one would quietly mean the current one."""
    if not value.strip():
        raise argparse.ArgumentTypeError("needs a folder")
    if _is_link(value):
        # As a Path it is "http:/host/x", a folder the user never named, made by `index`.
        raise argparse.ArgumentTypeError(
            f"{masked_url(value)} is a link, and --index-dir takes a folder (an index in "
            "PostgreSQL is named with --database-url URL)"
        )
    return Path(value)


def _is_link(value: str) -> bool:
    """Whether a word meant as a path is a link ("scheme://..."), not a file that exists."""
    return re.match(r"[A-Za-z][\w+.-]*://", value) is not None and not os.path.exists(value)


def _local_path(value: str, documents: bool = False) -> Path:
    """A file or folder `eval` reads; a link is refused as typed, since a Path made of it
    collapses its "//" into a name the user never typed ("http:/host/page")."""
    if _is_link(value):
        shown = masked_url(value)  # a password in the link is not printed
        how = "save it and give its file"
        if documents and value.lower().startswith(("http://", "https://")):
            how = f"save the page and give its file, or `articlebot add {shown}` then ask about it"
        raise argparse.ArgumentTypeError(
            f"{shown} is a link, and eval reads files and folders, not links: {how}"
        )
    return Path(value)


def _indexed_sources(settings: Settings, configured: bool = True) -> list[str] | None:
    """Where the articles the index holds (folder or database) were read from, for `index`
    with no paths; None where the documents come from the settings (with `configured`), or no
    index was made yet."""
    from articlebot.index.identity import origin
    from articlebot.index.store import IndexCorruptError, IndexStoreError, read_manifest
    from articlebot.storage.local_index import stored_documents

    if settings.documents and configured:
        return None
    if settings.database_url is not None:
        from articlebot.storage.postgres.collection import stored_sources

        # The database's own articles: their files may be on another machine, and the sample
        # article alone (the settings' default) would replace them all. Their texts are read
        # only by what needs them (a rebuild, under the writer lock).
        return stored_sources(settings.database_url.get_secret_value()) or None
    try:
        held = stored_documents(settings.index_dir)
        return None if held is None else [doc.source for doc in held]
    except IndexCorruptError as exc:
        # Nothing to rebuild from but the files: name them, where the manifest still can.
        try:
            documents = read_manifest(settings.index_dir).documents.values()
            # Files to paste into the command: a .jsonl once, without its lines' ":LINE".
            sources = sorted({origin(str(meta["source"])) for meta in documents})
        except (IndexStoreError, KeyError, TypeError):
            sources = []
        room = MAX_ERROR_CHARS - len(one_line(str(exc))) - 2
        raise CliError(f"{exc}; {_rebuild_advice(settings.index_dir, sources, room)}") from None


#: The file `index` writes the rebuild command into where it is too long for its error line.
REBUILD_SCRIPT = "rebuild-from-files.sh"


def _rebuild_advice(index_dir: Path, sources: Sequence[str], room: int) -> str:
    """How to rebuild an index whose stored articles cannot be read, from `sources` (each file
    or link its articles came from, once): a command naming every one of them (pasted, one
    left out is an article removed), written to REBUILD_SCRIPT in `index_dir` when too long
    for the `room` left on the error's line, and the articles no file or link there now can
    bring back."""
    from articlebot.index.identity import origin_is_gone

    if not sources:
        return "rebuild it from the articles' files: `articlebot index --rebuild PATH ...`"
    gone = [s for s in sources if s.startswith("upload:") or origin_is_gone(s)]
    readable = [s for s in sources if s not in gone]
    lost = ""
    if gone:
        lost = (
            f"; {_plural(len(gone), 'source')} of its articles cannot be read again (uploads,"
            f" files since gone: {_first_named(gone)}), and a rebuild leaves their articles out"
        )
    if not readable:
        return f"its articles' files are gone{lost}"
    command = _rebuild_command(index_dir, readable)
    advice = f"rebuild it from the {_plural(len(readable), 'file')} its articles came from"
    inline = f"{advice}: `{' '.join(command)}`{lost}"
    if len(one_line(inline)) <= room:
        return inline
    script = index_dir / REBUILD_SCRIPT
    try:
        script.write_text(_rebuild_script(command), encoding="utf-8")
    except OSError as exc:
        return (
            f"{advice} ({_first_named(readable)}), too many for this line, and the command"
            f" naming them could not be written to {script} ({exc.strerror or exc}){lost}"
        )
    return (
        f"{advice}: the command naming each one is in {script}; run"
        f" `sh {shlex.quote(str(script))}`{lost}"
    )


def _rebuild_command(index_dir: Path, sources: Sequence[str]) -> list[str]:
    """`articlebot index --rebuild` for `index_dir` naming `sources`, each word shell-quoted."""
    words = ["articlebot", "index", "--rebuild", "--index-dir", str(index_dir), *sources]
    return [shlex.quote(word) for word in words]


def _rebuild_script(command: Sequence[str]) -> str:
    """A shell script running `command` (quoted words), one file a line."""
    lines = [" ".join(command[:5]), *command[5:]]
    return "#!/bin/sh\n" + " \\\n  ".join(lines) + "\n"


def _first_named(sources: Sequence[str], shown: int = 3) -> str:
    """The first `shown` of `sources` (links masked), with "…" when there are more."""
    named = ", ".join(shown_source(s) for s in sources[:shown])
    return named + (" …" if len(sources) > shown else "")


def _refreshable_sources(held: Sequence[str], say_gone: bool = True) -> list[str]:
    """Of the sources the indexed articles were read from (`held`), the files still there
    (read again to pick up edits); articles from links and from files since gone are kept as
    indexed (and the gone files named, unless --prune is about to drop their articles)."""
    from articlebot.index.identity import is_file, origin, origin_is_gone

    origins = dict.fromkeys(origin(source) for source in held)
    files = [o for o in origins if is_file(o)]
    fetched = sum(not is_file(source) for source in held)
    if fetched:
        # A refresh reads files only: these articles were silently left out of its report.
        print(
            f"articlebot: kept {_plural(fetched, 'article')} added from links or uploads as "
            "indexed (a refresh reads files only)",
            file=sys.stderr,
        )
    gone = [o for o in files if origin_is_gone(o)]
    if gone and say_gone:
        print(
            f"articlebot: kept as indexed, their files are gone: {', '.join(gone)}",
            file=sys.stderr,
        )
    return [o for o in files if o not in gone]


def _no_documents(paths: Sequence[str]) -> str:
    shown = ", ".join(printable(path) for path in paths)  # a Latin-1 folder's name: U+FFFD
    return (
        f"no articles in {shown}: give .txt, .md, .html or .jsonl files, folders "
        "holding them, or links"
    )


def _read_sources(items: Sequence[str], settings: Settings) -> list[Any]:
    """Documents from files and folders, and articles fetched from links."""
    from articlebot.ingest.documents import read_documents

    return [*read_documents(_files(items), on_skip=_skipped), *_fetch_links(items, settings)]


def _files(items: Sequence[str]) -> list[Path]:
    from articlebot.ingest.documents import SUPPORTED_SUFFIXES
    from articlebot.ingest.fetch import is_url, link_without_scheme

    for item in items:
        if not item.strip():
            # `articlebot add "$FILE"` with FILE unset: Path("") is the working folder, whose
            # every file would be published.
            raise UsageError("an empty path was given (an unset variable?): nothing was added")
        # "ftp://host/file" read as a path is "ftp:/host/file": no such file, said of a name
        # the user never typed.
        scheme = re.match(r"([A-Za-z][\w+.-]*)://", item)
        if scheme is not None and not is_url(item) and not Path(item).exists():
            shown = masked_url(item)  # a password in the link is not printed
            if scheme.group(1).lower() in ("http", "https"):
                raise UsageError(f"{shown}: not a whole link (no host)")
            raise UsageError(f"{shown}: only http and https links can be fetched")
        if (
            scheme is None
            and (link := link_without_scheme(item)) is not None
            and not Path(item).exists()
            and (
                item.lower().startswith("www.")
                or "/" in item
                or Path(item).suffix.lower() not in (*SUPPORTED_SUFFIXES, *_FILE_SUFFIXES)
            )
        ):
            raise UsageError(
                f"{item}: no such file or folder; a link starts with "
                f"{link.split('://', 1)[0]}:// (articlebot add {link})"
            )
    return [Path(item) for item in items if not is_url(item)]


#: Ends of file names no host has: a missing "notes.docx" is a file, not a link to one.
_FILE_SUFFIXES = (".doc", ".docx", ".pdf", ".odt", ".rtf", ".epub", ".pages", ".csv", ".json")


def _fetch_links(items: Sequence[str], settings: Settings) -> list[Any]:
    """The articles behind the links among `items`."""
    import asyncio

    from articlebot.index.identity import source_key
    from articlebot.ingest.fetch import fetch_article, is_url
    from articlebot.ingest.links import link_key

    # One page named twice ("koeln" and "koeln", "köln" and "k%C3%B6ln", a link with and
    # without its tracking parameters) is fetched once: it had become two articles.
    links = _first_of_each([item for item in items if is_url(item)], link_key)
    fetched = [asyncio.run(fetch_article(item, allow=settings.fetch_allow_hosts)) for item in links]
    # And one page reached by two links (a short link and the page's own) is added once.
    return _first_of_each(fetched, lambda document: source_key(document.source))


T = TypeVar("T")


def _first_of_each(items: Sequence[T], key: Callable[[T], str]) -> list[T]:
    """`items` without those whose key an earlier one has, in order."""
    first: dict[str, T] = {}
    for item in items:
        first.setdefault(key(item), item)
    return list(first.values())


def cmd_add(args: argparse.Namespace) -> int:
    """`articlebot add`."""
    import dataclasses

    from articlebot.collection import add_documents, load_encoder
    from articlebot.ingest.documents import DocumentError, checked_doc_id

    settings = _settings(args)
    try:
        documents = _read_sources(args.paths, settings)
    except DocumentError as exc:
        if len(args.paths) < 2:
            raise
        # One unreadable file or link stops the whole command: the others were not added
        # either, which "the site answered 404" alone left the reader to guess.
        raise DocumentError(f"{exc}; nothing was added") from None
    if not documents:
        raise UsageError(_no_documents(args.paths))
    if args.doc_id is not None:
        if len(documents) != 1:
            raise UsageError(f"--id names one article, but {len(documents)} were read")
        doc_id = checked_doc_id(args.doc_id.strip(), "--id")
        if not doc_id:
            raise UsageError("--id needs a value")
        if not re.fullmatch(r"[\w.-]+", doc_id):
            # It is typed back in `--doc ID`, `/use ID` and `remove ID`: one word.
            raise UsageError("--id takes one word: letters, digits, '-', '_' and '.'")
        from articlebot.ingest.documents import GROUP_DOC_ID

        if GROUP_DOC_ID.fullmatch(doc_id):
            raise UsageError(
                f"--id {doc_id}: ids of that shape are a Telegram group's own articles, kept "
                "from every other chat; give another"
            )
        documents = [dataclasses.replace(documents[0], doc_id=doc_id, id_given=True)]
    data, report = add_documents(
        settings,
        load_encoder(settings, for_indexing=True, on_status=_status()),
        documents,
        replace=args.replace,
        on_wait=_waiting,
        progress=sys.stderr.isatty(),
    )
    unchanged = set(report.unchanged)
    titles = {document.doc_id: document.title for document in documents}
    for doc_id in report.given:
        # A file added again as it was is named as such, not as if it were added now.
        same = " (unchanged)" if doc_id in unchanged else ""
        found = data.documents.get(doc_id)
        if found is None:
            # Another writer removed it between this write and the state read after it.
            title = titles.get(doc_id, "")
            print(one_line(f"{doc_id}: {title} (added, then removed by another writer)"))
            continue
        print(one_line(f"{doc_id}: {found.title}{same}"))  # as `list` shows it
    _print_report(settings, report)
    if report.first and not settings.documents:
        # `ask` on a new folder indexes the sample article; `add` makes an index of what it
        # was given, which a reader who expected the sample beside it should hear of.
        from articlebot.ingest.documents import bundled_article_path

        print(
            f"articlebot: a new index, with only what was added; the sample article is added "
            f"with `{_add_command(settings, args)} {bundled_article_path()}`",
            file=sys.stderr,
        )
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    """`articlebot remove`."""
    from articlebot.collection import record_post_removals, remove_documents

    settings = _settings(args)
    _, report = remove_documents(settings, args.doc_ids, on_wait=_waiting)
    try:
        record_post_removals(settings, report.removed)
    except Exception as exc:
        if not _is_chat_state_error(exc):
            raise
        # The articles are gone from the index already: said as removed, then what is left.
        _print_report(settings, report)
        raise CliError(_unrecorded_removal(report.removed, exc)) from None
    _print_report(settings, report)
    return 0


def _is_chat_state_error(exc: BaseException) -> bool:
    """Whether `exc` is the chat state's failure to open or write (a damaged file, a full
    disk, the database's refusal)."""
    import sqlite3

    from articlebot.index.store import IndexStoreError

    chat_state = (IndexStoreError, OSError, sqlite3.Error)
    return isinstance(exc, chat_state) or _is_database_error(exc)


def _unrecorded_removal(removed: Sequence[str], exc: BaseException) -> str:
    """What `remove` says when it removed channel posts' articles (`removed`, posts and not)
    from the index but could not record in the chat state that they stay out (`exc`)."""
    from articlebot.ingest.posts import is_post

    posts = [doc_id for doc_id in removed if is_post(doc_id)]
    named = _first_named(posts)
    why = str(exc).strip() or type(exc).__name__
    return (
        f"{named} {'was' if len(posts) == 1 else 'were'} removed from the index, but the"
        f" record that keeps {'its post' if len(posts) == 1 else 'their posts'} out could not"
        f" be written to the chat state ({why}): an edit or a late forward of the post may"
        " bring it back to a running bot; once the chat state is fixed, remove it again if so"
    )


def cmd_list(args: argparse.Namespace) -> int:
    """`articlebot list`."""
    import json
    import time
    from datetime import datetime

    from articlebot.index.store import read_manifest

    settings = _settings(args)
    if settings.database_url is not None:
        from articlebot.storage.postgres.collection import manifest_of

        manifest = manifest_of(settings.database_url.get_secret_value())
    else:
        manifest = read_manifest(settings.index_dir)
    if not manifest.documents:
        print(f"articlebot: {_empty(settings, args)}", file=sys.stderr)
    # Oldest first, as added: the index's own order changes when a folder is indexed again.
    listed = sorted(
        manifest.documents.items(), key=lambda item: (float(item[1].get("added", 0)), item[0])
    )
    for doc_id, meta in listed:
        if args.json:
            # The time added in ISO 8601 with its offset: scripts compare and sort it as is.
            when = datetime.fromtimestamp(float(meta.get("added", 0))).astimezone()
            row = {
                "doc_id": doc_id,
                "title": meta["title"],
                "source": shown_source(meta["source"]),
                "added": when.isoformat(timespec="seconds"),
                "passages": int(meta["passages"]),
            }
            print(json.dumps(row, ensure_ascii=False))
            continue
        added = time.strftime("%Y-%m-%d %H:%M", time.localtime(float(meta.get("added", 0))))
        passages = _plural(int(meta["passages"]), "passage")
        fields = (doc_id, meta["title"], shown_source(meta["source"]), added, passages)
        # A tab or line break in a file's name must not split its article's line.
        print("\t".join(one_line(str(field)) for field in fields))
    return 0


def _retriever(args: argparse.Namespace) -> Any:
    from articlebot.collection import open_retriever

    settings = _settings(args)
    # Said piped too: a new index folder is written, maybe where a mistyped --index-dir points.
    retriever = open_retriever(
        settings, progress=sys.stderr.isatty(), on_status=_status(), on_build=_waiting
    )
    if not retriever.index.documents:  # every article removed: nothing could answer
        raise CliError(_empty(settings, args))
    return retriever


def _empty(settings: Settings, args: argparse.Namespace) -> str:
    """The line for an index without articles, with the way to fill it (the sample article
    too: an emptied index stays empty when refreshed, as a deployment's may be meant to)."""
    from articlebot.ingest.documents import bundled_article_path

    add = _add_command(settings, args)
    return (
        f"{_where(settings)} holds no articles; add some with `{add}` (the sample "
        f"article: `{add} {bundled_article_path()}`)"
    )


def _add_command(settings: Settings, args: argparse.Namespace) -> str:
    """`articlebot add` for the index in use: with its folder when it is not the default, so
    that the command, pasted, adds to this index and not the default one."""
    import shlex

    if settings.database_url is not None:
        # A URL given on the command line is needed again (without it `add` writes to the
        # index folder), but it may hold a password and is never printed: its place is named.
        return "articlebot add --database-url URL" if args.database_url else "articlebot add"
    if settings.index_dir == default_index_dir():
        return "articlebot add"
    return f"articlebot add --index-dir {shlex.quote(str(settings.index_dir))}"


def _doc_option(parser: argparse.ArgumentParser) -> None:
    """`--doc DOC_ID`, repeatable: the articles `ask` and `chat` are limited to."""
    parser.add_argument(
        "--doc",
        metavar="DOC_ID",
        action="append",
        help="ask only this article; repeat for several (see `list`)",
    )


def _no_article(doc_ids: Sequence[str], known: Mapping[str, Any]) -> CliError:
    """The one line for ids no article has, with the nearest one of each near miss."""
    from articlebot.collection import no_such_articles, sources_of

    return CliError(f"{no_such_articles(doc_ids, known, sources_of(known))}; see `articlebot list`")


def _scope(retriever: Any, doc_ids: Sequence[str] | None) -> list[str] | None:
    """The articles a question is asked of: those `--doc` names, checked, or all (None)."""
    if not doc_ids:
        return None
    known = retriever.index.documents
    missing = [doc_id for doc_id in dict.fromkeys(doc_ids) if doc_id not in known]
    if missing:
        raise _no_article(missing, known)
    return list(dict.fromkeys(doc_ids))


def cmd_ask(args: argparse.Namespace) -> int:
    """`articlebot ask`."""
    import dataclasses

    from articlebot.chat import asked_of_ask
    from articlebot.retrieval.conversation import ask_in_context
    from articlebot.retrieval.reader import answered_elsewhere
    from articlebot.terminal import elsewhere_line, format_answer_text

    if not args.question and sys.stdin.isatty():
        raise UsageError(
            'give a question (articlebot ask "..."), or pipe questions on standard input, '
            "one a line; `articlebot chat` asks interactively"
        )
    # Unquoted, the shell hands the question over word by word.
    question = printable(" ".join(args.question)) if args.question else "-"
    if not question.strip():
        raise UsageError('the question is empty: give one (articlebot ask "...")')
    if question == "-" and sys.stdin.isatty():
        print("articlebot: reading questions, one a line; Ctrl-D ends", file=sys.stderr)
    retriever = _retriever(args)
    scope = _scope(retriever, args.doc)
    articles = len(scope) if scope is not None else len(retriever.index.documents)
    settings = _settings(args)
    english_only = not settings.multilingual_model
    shown = settings.top_k if args.top_k is not None else 1
    questions = [question] if question != "-" else (line for line in sys.stdin if line.strip())
    bold = sys.stdout.isatty()
    asked = 0
    for text in questions:
        asked += 1
        asked_text, said = asked_of_ask(text)
        if said is not None:
            _print_unasked(text.strip(), said, as_json=args.json)
            continue
        text = asked_text
        # Each question alone, as a chat's first one: "how old is she" about one article asks
        # the age of the person its lead names.
        # "Which articles do you have about X" asks of the whole index, whatever --doc says.
        answer, _ = ask_in_context(
            retriever,
            text,
            None,
            doc_ids=scope,
            english_only=english_only,
            seen=list(retriever.index.documents),
        )
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        else:
            other = answered_elsewhere(retriever, answer, scope, english_only=english_only)
            # Where another article answers, that line matters, not this one's runner-up.
            mine = answer if other is None else dataclasses.replace(answer, also=None)
            reply = format_answer_text(mine, bold=bold, shown=shown, articles=articles)
            if other is not None:
                reply += "\n" + elsewhere_line(other)
            print(f"Q: {answer.question}\n{reply}\n", flush=True)
    if not asked:
        # `articlebot ask` from a script with nothing piped in: say so rather than nothing.
        raise UsageError(
            'no question on standard input: give one (articlebot ask "...") or pipe them in, '
            "one a line"
        )
    return 0


def _print_unasked(question: str, line: str, as_json: bool) -> None:
    """What `ask` prints for a line it does not search (a command of the Telegram bot): the
    `line` said instead, or as JSON the answer it is (outcome none, a reply of kind
    "command")."""
    if not as_json:
        print(f"Q: {question}\n{line}\n", flush=True)
        return
    from articlebot.retrieval.results import Answer, ArticleReply

    reply = ArticleReply("command", "", (line,))
    answer = Answer(question=question, answered=False, confidence=0.0, reply=reply)
    print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)


def cmd_chat(args: argparse.Namespace) -> int:
    """`articlebot chat`."""
    from articlebot.chat import run_chat
    from articlebot.collection import refreshed

    retriever = _retriever(args)
    settings = _settings(args)
    return run_chat(
        retriever,
        doc_ids=_scope(retriever, args.doc),
        english_only=not settings.multilingual_model,
        history_file=settings.cache_dir / "chat_history",
        refresh=partial(refreshed, settings),
        failed=_database_line,
    )


def _database_line(exc: BaseException) -> str | None:
    """What a chat says of a question the database failed (out of reach a moment, a
    permission): one line, and the chat goes on; None for any other error."""
    if not _is_database_error(exc):
        return None
    said = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"(Not answered: the database said: {_clipped(said)}. Ask again.)"


def cmd_summary(args: argparse.Namespace) -> int:
    """`articlebot summary`."""
    from articlebot.retrieval.about import newest_article, summary_reply
    from articlebot.terminal import format_reply_text

    if args.doc_option is not None:
        if args.doc_id is not None and args.doc_id != args.doc_option:
            raise UsageError("name the article once: DOC_ID or --doc ID")
        args.doc_id = args.doc_option
    index = _retriever(args).index
    if args.doc_id is not None and args.doc_id not in index.documents:
        raise _no_article([args.doc_id], index.documents)
    doc_id = args.doc_id or newest_article(index)
    if doc_id is None:
        raise CliError("no articles are indexed")
    reply = summary_reply(index, doc_id)
    if args.json:
        print(json.dumps(reply.to_json(), ensure_ascii=False))
    else:
        bold = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("", "")
        print(format_reply_text(reply, *bold))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """`articlebot show`: an article's paragraphs, numbered as answers cite them, and passages."""
    from articlebot.collection import open_stored_index
    from articlebot.ingest.cleaning import paragraph_spans

    index = open_stored_index(_settings(args))
    try:
        if args.doc_id not in index.documents:
            raise _no_article([args.doc_id], index.documents)
        doc = index.documents[args.doc_id]
        rows = index.passage_rows(index.document_numbers([doc.doc_id]))
        passages = [index.passages[int(row)] for row in rows]
    finally:
        close = getattr(index, "close", None)
        if close is not None:
            close()
    spans = paragraph_spans(doc.text, doc.body_start)
    paragraphs = [doc.text[s.start : s.end] for s in spans]
    # A heading joins the paragraph after it in one passage: it spans both, and an answer
    # cites the one its bold sentence is in.
    last = [max(p.paragraph, sum(s.start < p.end for s in spans)) for p in passages]
    if args.json:
        print(
            json.dumps(
                {
                    "doc_id": doc.doc_id,
                    "title": doc.title,
                    "byline": doc.byline,
                    "source": shown_source(doc.source),
                    "paragraphs": paragraphs,
                    "passages": [
                        {"paragraph": p.paragraph, "last_paragraph": end}
                        | {"start": p.start, "end": p.end, "text": doc.text[p.start : p.end]}
                        for p, end in zip(passages, last, strict=True)
                    ],
                },
                ensure_ascii=False,
            )
        )
        return 0
    header = [doc.title, *([doc.byline] if doc.byline else []), one_line(shown_source(doc.source))]
    print("\n".join(header))
    print(f"\n{_plural(len(paragraphs), 'paragraph')}")
    for number, text in enumerate(paragraphs, start=1):
        print(f"\n[{number}] {text}")
    print(f"\n{_plural(len(passages), 'passage')}")
    for number, (passage, end) in enumerate(zip(passages, last, strict=True), start=1):
        text = " ".join(doc.text[passage.start : passage.end].split())
        where = (
            f"paragraph {passage.paragraph}"
            if end == passage.paragraph
            else f"paragraphs {passage.paragraph}-{end}"
        )
        print(f"\n#{number} ({where}) {text}")
    return 0


def _check_no_index_in(url: str) -> None:
    """Refuse a database that holds articles: eval writes exactly its own documents there."""
    from articlebot.storage.postgres.collection import has_index, open_store

    store = open_store(url)
    try:
        held = len(store.manifest.documents) if has_index(store) else 0
    finally:
        store.close()
    if held:
        raise CliError(_holds_an_index(url, held))


def _holds_an_index(url: str, held: int) -> str:
    return (
        f"{masked_url(url)} holds an index ({_plural(held, 'article')}), which eval would "
        "replace with its own documents; give it an empty database, or no --database-url "
        "(a temporary folder)"
    )


def cmd_eval(args: argparse.Namespace) -> int:
    """`articlebot eval`."""
    from functools import partial

    from articlebot.collection import load_encoder, make_retriever, update_index
    from articlebot.evaluation import (
        AblationRow,
        CachingEncoder,
        EvalQuestion,
        ablation_stages,
        ablation_table,
        load_eval_file,
        misses,
        run,
        run_chats,
        run_dialogue,
        score,
    )
    from articlebot.index.store import IndexNotEmptyError
    from articlebot.ingest.documents import bundled_article_path, read_documents
    from articlebot.retrieval.reader import read_answer
    from articlebot.retrieval.retriever import Retriever

    eval_set = load_eval_file(args.file)
    if eval_set.kind in ("spans", "chats"):
        documents = list(eval_set.documents)
    else:
        documents = read_documents(args.docs or [bundled_article_path()], on_skip=_skipped)
    if args.distractors:
        documents += read_documents(args.distractors, on_skip=_skipped)
    if args.database_url:  # "" is no database, as elsewhere
        _check_no_index_in(args.database_url)
    with tempfile.TemporaryDirectory(prefix="articlebot-eval-") as tmp:
        # The encoder (and its cached ONNX export) comes from the usual settings; only the index
        # is temporary.
        encoder = CachingEncoder(load_encoder(_settings(args)))
        settings = load_settings(
            index_dir=Path(tmp),
            model=args.model or None,
            top_k=args.top_k,
            database_url=args.database_url,
        )
        if args.database_url is None:
            # A database only when given on the command line: the environment's or .env's is
            # the index the bot serves, which the eval's documents would replace.
            settings = settings.model_copy(update={"database_url": None})
        try:
            data, _ = update_index(
                settings,
                encoder,
                documents,
                progress=sys.stderr.isatty(),
                only_if_empty=settings.database_url is not None,
            )
        except IndexNotEmptyError as exc:
            # Checked again under the writer lock: an article added since the look above.
            raise CliError(_holds_an_index(args.database_url, exc.held)) from None
        if args.database_url is not None:
            # Said, not undone: a removal is remembered (a .jsonl line removed stays out), and
            # would keep the same documents out of the next eval (a CLI attacker: the second
            # run was refused without a word why the database held articles).
            print(
                f"articlebot: the eval left {_plural(len(data.documents), 'article')} in"
                f" {masked_url(args.database_url)}; another eval needs an empty database",
                file=sys.stderr,
            )
        english_only = not settings.multilingual_model

        def retriever(ranking: Any = None) -> Retriever:
            return make_retriever(settings, data, encoder, ranking)

        def ask_all(questions: list[EvalQuestion], ranking: Any = None) -> list[Any]:
            # Scored as a reader gets them: the byline, the summary, "who is" introductions,
            # small talk and other languages answered as `ask` and the bot answer them.
            shown = _progress(questions, "asking", "question")
            ask = partial(read_answer, retriever(ranking), english_only=english_only)
            return run(shown, ask, per_article=args.per_article)

        if args.report:
            out_of_scope = [q for path in args.out_of_scope for q in load_eval_file(path).questions]
            rows = []
            for stage, ranking in ablation_stages():
                answers = ask_all(eval_set.questions, ranking)
                refused = ask_all(out_of_scope, ranking) if out_of_scope else []
                rows.append(
                    AblationRow(
                        stage,
                        score(eval_set.questions, answers, args.top_k),
                        sum(not a.answered for a in refused) / max(len(refused), 1),
                        sum(not a.answered for a in answers) / max(len(answers), 1),
                    )
                )
            print(
                f"{args.file}: {len(eval_set.questions)} questions, {len(documents)} documents, "
                f"{data.passage_count} passages; {len(out_of_scope)} out-of-scope questions\n"
            )
            print(ablation_table(rows))
            return 0
        if eval_set.kind == "dialogue":
            dialogue = run_dialogue(eval_set.questions, retriever())
            figures = dialogue.figures
            if args.misses:
                print("\n".join(dialogue.misses), end="\n\n" if dialogue.misses else "")
            print(
                json.dumps(figures)
                if args.json
                else "\n".join(f"{key:>28}: {value}" for key, value in figures.items())
            )
            return 0
        if eval_set.kind == "chats":
            shown = _progress(eval_set.questions, "asking", "question")
            answers = run_chats(shown, retriever(), english_only=english_only)
        else:
            answers = ask_all(eval_set.questions)
    metrics = score(eval_set.questions, answers, args.top_k)
    if args.misses:
        for block in misses(eval_set.questions, answers):
            print(block)
        print()
    result: dict[str, Any] = {
        "file": str(args.file),
        "kind": eval_set.kind,
        "documents": len(documents),
        "passages": data.passage_count,
    }
    if eval_set.kind == "unanswerable":
        result.update(questions=metrics.questions, not_answered=round(metrics.not_answered, 4))
        result.update({name: round(share, 4) for name, share in metrics.outcomes.items()})
    else:
        result.update(metrics.as_dict())
    if args.json:
        print(json.dumps(result))
    else:
        width = max(map(len, result))
        for key, value in result.items():
            print(f"{key:>{width}}: {value}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """`articlebot run`."""
    from articlebot.bot.app import run_bot

    settings = _settings(
        args, webhook_url=args.webhook, listen=args.listen, port=args.port, api_url=args.api_url
    )
    if settings.webhook_url:
        from articlebot.bot.webhook import WebhookSecretError, shared_secret, webhook_url_problem

        problem = webhook_url_problem(settings.webhook_url, settings)
        if problem is not None:
            from articlebot.masking import without_token

            token = bot_token(settings)  # the URL may be made of it: https://host/<token>
            raise UsageError(without_token(problem, token) if token else problem)
        try:
            shared_secret(settings)
        except WebhookSecretError as exc:
            raise UsageError(str(exc)) from None
    return run_bot(settings)


def cmd_webhook(args: argparse.Namespace) -> int:
    """`articlebot webhook`."""
    from telegram.error import InvalidToken, TelegramError

    from articlebot.bot.app import api_urls, one_line_reason, refused_line, unreached_line
    from articlebot.masking import without_password, without_token

    settings = _settings(args, api_url=args.api_url)
    token = bot_token(settings)
    problem = bot_token_problem(token)
    if problem is not None:
        raise UsageError(problem)
    urls = api_urls(settings.api_url)
    api_url = settings.api_url or ""
    where = masked_url(api_url) if api_url else "api.telegram.org"
    try:
        return _webhook_action(args, settings, token, urls)
    except UsageError as exc:
        # The URL refused may be made of the token (https://host/<token>), as a set one is.
        raise UsageError(without_token(str(exc), token)) from None
    except TelegramError as exc:
        # A server may echo the request's path back, the token in it encoded or cased anew.
        def safe(text: str) -> str:
            return one_line_reason(without_password(without_token(text, token), api_url))

        reason = safe(str(exc))
        line = unreached_line(exc, where, safe)
        if line is None and isinstance(exc, InvalidToken):
            # Not PTB's message for a rejected token: it quotes the token.
            line = refused_line(exc, where, bool(api_url))
        raise CliError(line or f"the Bot API refused: {reason}") from None
    except (AttributeError, TypeError, KeyError, ValueError):
        # PTB reads a reply of the wrong shape ({"ok": true, "result": true} to getWebhookInfo)
        # into attribute and type errors: not the Bot API, whatever answered.
        raise CliError(f"{where} did not answer as the Bot API does") from None


def _webhook_action(args: argparse.Namespace, settings: Settings, token: str, urls: Any) -> int:
    import asyncio

    from articlebot.bot import webhook

    if args.action == "set":
        if not args.url:
            raise UsageError("`articlebot webhook set` needs the public HTTPS URL")
        problem = webhook.webhook_url_problem(args.url, settings)
        if problem is not None:
            raise UsageError(problem)
        try:
            asyncio.run(webhook.set_webhook(settings, token, args.url, urls))
        except webhook.WebhookSecretError as exc:
            raise UsageError(str(exc)) from None
        # A path made of the token is a common convention: masked (another bot's too), as
        # `info` shows it.
        print(one_line(without_tokens(f"webhook set to {args.url}", token)))
    elif args.action == "info":
        info = asyncio.run(webhook.webhook_info(token, urls))
        if not info["url"]:
            print("no webhook is set (the bot uses long polling)")
            return 0
        for key, value in info.items():
            if value is None or value == "":
                continue  # Telegram leaves out what it has not got (no error yet)
            # The webhook's URL or last error may hold the token (a path made of it).
            print(one_line(without_tokens(f"{key}: {value}", token)))
    else:
        asyncio.run(webhook.delete_webhook(token, urls))
        print("webhook deleted")
    return 0


COMMANDS = {
    "index": cmd_index,
    "add": cmd_add,
    "remove": cmd_remove,
    "list": cmd_list,
    "ask": cmd_ask,
    "chat": cmd_chat,
    "summary": cmd_summary,
    "show": cmd_show,
    "eval": cmd_eval,
    "run": cmd_run,
    "webhook": cmd_webhook,
}


_CONNECTION_MODULE = "articlebot.storage.postgres.connection"


def _open_pools() -> set[int]:
    module = sys.modules.get(_CONNECTION_MODULE)  # not imported: no pool is open
    return module.open_pools() if module is not None else set()


def _close_database_connections(keep: set[int]) -> None:
    """Close the database connection pools the command opened, if it opened any: their worker
    threads must not outlive it (a command run in-process, as the tests do)."""
    module = sys.modules.get(_CONNECTION_MODULE)
    if module is not None:
        module.close_pools(keep)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `articlebot` script."""
    import os

    if sys.stdout is None:  # started with `>&-`: nothing could be printed, not even help
        if sys.stderr is not None:
            print("articlebot: error: standard output is closed", file=sys.stderr)
        return 1
    if sys.stdin is None:  # `<&-`: no questions to read, as from an empty file
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 (the process's own)
    try:
        code = _main(argv)
        sys.stdout.flush()  # here, so that a closed pipe is met while it can still be caught
        return code
    except BrokenPipeError:
        # The reader went away (`| head -1`): stop quietly, as `cat` would, with SIGPIPE's status.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 128 + 13


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    parser.words = list(sys.argv[1:] if argv is None else argv)
    for command in parser.commands.values():
        command.words = parser.words  # type: ignore[attr-defined]
    if not parser.words:
        parser.print_help()
        return 0
    args, extra = parser.parse_known_args(parser.words)
    if (
        extra
        and args.command == "ask"
        and args.question
        and not any(word.startswith("-") for word in extra)
    ):
        # An option in the middle of an unquoted question: the words after it are its rest.
        args.question = [*args.question, *extra]
    elif extra:
        command = parser.commands.get(args.command, parser)
        words = parser.words
        before = words[: words.index(args.command)] if args.command in words else []
        misplaced = [
            word
            for word in extra
            if word in before and word.split("=")[0] in command._option_string_actions
        ]
        if misplaced:
            # "articlebot --json ask hi": the option is the command's, put before it.
            command.error(_goes_after(misplaced[0], args.command))
        options = [o for o in command._option_string_actions if o.startswith("--")]
        close = difflib.get_close_matches(extra[0].split("=")[0], options, n=1)
        hint = f": did you mean {close[0]}?" if extra[0].startswith("--") and close else ""
        command.error(f"unrecognized arguments: {' '.join(extra)}{hint}")
    prepare_process()
    _setup_logging(args.verbose, quiet_by_default=args.command != "run")
    for line in unknown_settings():
        print(f"articlebot: warning: {one_line(line)}", file=sys.stderr)
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from articlebot.encoders.sentence_transformer import ModelLoadError
    from articlebot.index.store import IndexStoreError
    from articlebot.ingest.documents import DocumentError

    # A stray byte that is not UTF-8 in a question is a replacement character, not a crash.
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="replace")
    pools = _open_pools()
    try:
        return COMMANDS[args.command](args)
    except BrokenPipeError:
        raise
    except (UsageError, ConfigError) as exc:
        print(f"articlebot: error: {_clipped(str(exc))}", file=sys.stderr)
        return 2
    except (CliError, DocumentError, IndexStoreError, ModelLoadError) as exc:
        said = _with_index_dir(str(exc), getattr(args, "index_dir", None))
        print(f"articlebot: error: {_clipped(said)}", file=sys.stderr)
        return 1
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"articlebot: error: {_clipped(f'{where}{exc.strerror or exc}')}", file=sys.stderr)
        return 1
    except ValidationError as exc:
        said = explain_invalid(exc, token=configured_token())
        print(f"articlebot: error: {said}", file=sys.stderr)
        return 2
    except SettingsError as exc:
        # pydantic-settings names the field in its message: 'error parsing value for field "x"'.
        detail = without_tokens(" ".join(str(exc).split()), configured_token())
        print(f"articlebot: error: invalid configuration: {detail}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("articlebot: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if not _is_database_error(exc):
            raise
        said = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"articlebot: error: the database said: {_clipped(said)}", file=sys.stderr)
        return 1
    finally:
        _close_database_connections(pools)


def _is_database_error(exc: BaseException) -> bool:
    """Whether `exc` is PostgreSQL's answer (a permission, a missing column): said in one line.
    Only a command that used the database has loaded psycopg."""
    psycopg = sys.modules.get("psycopg")
    return psycopg is not None and isinstance(exc, psycopg.Error)

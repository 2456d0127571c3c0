"""The command line against a real PostgreSQL: index, ask, add, list and remove through
`--database-url` / ARTICLEBOT_DATABASE_URL, with nothing written to the index folder."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from cli_run import CliRun

from articlebot.collection import add_documents
from articlebot.config import load_settings
from articlebot.encoders import Encoder
from articlebot.ingest.documents import Document, iter_documents
from articlebot.masking import shown_source, without_password
from articlebot.retrieval.about import source_line
from articlebot.storage.postgres.connection import masked_url
from articlebot.storage.postgres.schema import create_search_indexes

pytest_plugins = ["postgres"]
# Commands run in this process reuse the session's encoder (see conftest.shared_model).
pytestmark = pytest.mark.usefixtures("shared_model")

Cli = Callable[..., CliRun]

SWAP = "Who was Vinatier swapped for?"
LIGHTHOUSE = (
    "Harbour lighthouse restored\n\n"
    "The old harbour lighthouse at Pennick Point was restored by volunteers this summer. "
    "Its lamp was relit on 14 August after forty years of darkness.\n\n"
    "The restoration cost 120,000 pounds, raised by the Pennick Lighthouse Trust."
)


def _with_password(url: str) -> str:
    """The same database, with a password in the URL (the test server trusts any)."""
    return url.replace("postgresql://postgres@", "postgresql://postgres:s3cr3t-pw@")


def test_index_ask_add_list_remove_in_the_database(
    cli: Cli, index_dir: Path, database_url: str, tmp_path: Path
) -> None:
    url = _with_password(database_url)
    built = cli("index", "--database-url", url, index_dir=index_dir)
    assert built.returncode == 0, built.stderr
    assert "1 added" in built.stdout and "s3cr3t-pw" not in built.stdout + built.stderr
    assert "postgres:***@" in built.stdout
    assert not (index_dir / "CURRENT").exists()

    asked = cli("ask", SWAP, "--json", index_dir=index_dir, ARTICLEBOT_DATABASE_URL=url)
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["answered"] and "Daniil Kasatkin" in answer["passages"][0]["text"]

    article = tmp_path / "lighthouse.txt"
    article.write_text(LIGHTHOUSE, encoding="utf-8")
    added = cli("add", str(article), "--database-url", url, index_dir=index_dir)
    assert added.returncode == 0, added.stderr
    assert "lighthouse: Harbour lighthouse restored" in added.stdout
    assert "1 added, 0 updated, 1 unchanged" in added.stdout  # the article, kept

    listed = cli("list", "--database-url", url, index_dir=index_dir)
    assert listed.returncode == 0, listed.stderr
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert sorted(row[0] for row in rows) == ["article", "lighthouse"]

    when = cli(
        "ask", "When was the lighthouse lamp relit?", "--database-url", url, index_dir=index_dir
    )
    assert when.returncode == 0, when.stderr
    assert "14 August" in when.stdout

    shown = cli("show", "lighthouse", "--database-url", url, index_dir=index_dir)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("Harbour lighthouse restored\n")
    assert "[1] The old harbour lighthouse at Pennick Point" in shown.stdout
    assert "[2] The restoration cost 120,000 pounds" in shown.stdout
    assert "(paragraph 1)" in shown.stdout
    data = json.loads(
        cli("show", "lighthouse", "--json", "--database-url", url, index_dir=index_dir).stdout
    )
    assert data["passages"] and data["passages"][0]["text"].startswith("The old harbour")
    unknown = cli("show", "nope", "--database-url", url, index_dir=index_dir)
    assert unknown.returncode == 1
    assert unknown.stderr == "articlebot: error: no article with id 'nope'; see `articlebot list`\n"
    # The article's file given for its id names the id, in the database too.
    by_file = cli("remove", str(article), "--database-url", url, index_dir=index_dir)
    assert by_file.returncode == 1
    assert "(the file of article 'lighthouse': give its id); nothing was removed" in by_file.stderr

    again = cli("index", "--database-url", url, index_dir=index_dir)
    assert again.returncode == 0, again.stderr
    assert "0 added, 0 updated, 2 unchanged" in again.stdout and "removed light" not in again.stdout
    # Pruning is an index folder's: said at once, with the way to drop an article (it was said
    # once every file had been read and every link fetched).
    pruned = cli(
        "index", "--prune", "http://127.0.0.1:9/gone", "--database-url", url, index_dir=index_dir
    )
    assert pruned.returncode == 2 and "cannot fetch" not in pruned.stderr
    assert "--prune works on an index folder, not on a database" in pruned.stderr
    assert "`articlebot remove ID`" in pruned.stderr
    # A rebuild embeds the database's own articles again: it had rebuilt the sample article
    # alone (the settings' default) and removed every article added (a helper's probe).
    rebuilt = cli("index", "--rebuild", "--database-url", url, index_dir=index_dir)
    assert rebuilt.returncode == 0, rebuilt.stderr
    # Reported by content as a local rebuild's are (it said "2 updated" of unchanged ones).
    assert "0 added, 0 updated, 2 unchanged, 0 removed; embedded 17 of 17" in rebuilt.stdout
    listed = cli("list", "--database-url", url, index_dir=index_dir).stdout
    assert sorted(line.split("\t")[0] for line in listed.splitlines()) == ["article", "lighthouse"]
    when = cli(
        "ask", "When was the lighthouse lamp relit?", "--database-url", url, index_dir=index_dir
    )
    assert "14 August" in when.stdout

    removed = cli("remove", "article", "lighthouse", "--database-url", url, index_dir=index_dir)
    assert removed.returncode == 0, removed.stderr
    assert "removed article" in removed.stdout
    gone = cli("list", "--database-url", url, index_dir=index_dir)
    assert gone.stdout.strip() == ""
    # The way to add articles names the database when its URL was a flag (pasted without it,
    # `add` wrote to the index folder), by its place: the URL holds a password.
    assert "add some with `articlebot add --database-url URL` (" in gone.stderr
    assert "s3cr3t-pw" not in gone.stderr
    from_environment = cli("list", index_dir=index_dir, ARTICLEBOT_DATABASE_URL=url)
    assert "add some with `articlebot add` (" in from_environment.stderr
    missing = cli("remove", "article", "--database-url", url, index_dir=index_dir)
    assert missing.returncode == 1 and "no article with id 'article'" in missing.stderr


def test_a_copy_added_to_the_database_is_named_as_in_a_local_index(
    cli: Cli, index_dir: Path, database_url: str, tmp_path: Path
) -> None:
    # The database had added a copied file as a second article without a word, whose passages
    # then answered every question twice; a local index says so.
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "lighthouse.txt").write_text(LIGHTHOUSE, encoding="utf-8")
    url = database_url
    first = cli(
        "add", str(tmp_path / "one" / "lighthouse.txt"), "--database-url", url, index_dir=index_dir
    )
    assert first.returncode == 0 and "same text" not in first.stderr, first.stderr
    again = cli(
        "add", str(tmp_path / "two" / "lighthouse.txt"), "--database-url", url, index_dir=index_dir
    )
    assert again.returncode == 0, again.stderr
    [copy] = [line.split(":")[0] for line in again.stdout.splitlines() if "Harbour light" in line]
    assert copy.startswith("lighthouse-")
    assert f"articlebot: {copy} has the same text as lighthouse, already indexed" in again.stderr
    # Added again under a new id, the file takes its old id's place: a rename, not a copy of
    # what it replaced (the other folder's file still is one).
    renamed = cli(
        "add",
        "--id",
        "pennick",
        str(tmp_path / "one" / "lighthouse.txt"),
        "--database-url",
        url,
        index_dir=index_dir,
    )
    assert renamed.returncode == 0, renamed.stderr
    assert "renamed lighthouse to pennick" in renamed.stdout.splitlines()
    assert f"pennick has the same text as {copy}" in renamed.stderr
    assert "same text as lighthouse," not in renamed.stderr
    listed = cli("list", "--database-url", url, index_dir=index_dir).stdout
    assert sorted(line.split("\t")[0] for line in listed.splitlines()) == [copy, "pennick"]


def test_a_file_archived_and_replaced_at_its_path_is_no_copy_in_the_database(
    cli: Cli, index_dir: Path, database_url: str, tmp_path: Path
) -> None:
    # A CLI attacker's probe, as in a local index: the archived story was called a copy of the
    # id that had just taken the new story's words, and removing it lost the story.
    docs, archive = tmp_path / "docs", tmp_path / "archive"
    docs.mkdir()
    archive.mkdir()
    (docs / "news.txt").write_text(LIGHTHOUSE, encoding="utf-8")
    url = ("--database-url", database_url)
    assert cli("index", str(docs), *url, index_dir=index_dir).returncode == 0
    (docs / "news.txt").rename(archive / "news.txt")
    (docs / "news.txt").write_text(
        "Council approves new bridge\n\nThe council voted on Monday to build a new bridge.\n",
        encoding="utf-8",
    )
    moved = cli("index", str(docs), str(archive), *url, index_dir=index_dir)
    assert moved.returncode == 0, moved.stderr
    assert "same text" not in moved.stderr and "articlebot remove" not in moved.stderr


def test_a_bad_database_url_is_named_without_its_password(cli: Cli, index_dir: Path) -> None:
    result = cli("list", "--database-url", "mysql://root:hunter2@db/x", index_dir=index_dir)
    assert result.returncode == 2
    assert "--database-url must be a postgresql://" in result.stderr
    assert "hunter2" not in result.stderr


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:ab%zzhunter2@127.0.0.1:1/db",  # libpq quotes what it cannot parse
        "postgresql://u:hunter2 x@127.0.0.1:1/db",
        "postgresql://u:hunter2@127.0.0.1:1/db",  # nothing listens on port 1
        "postgresql://u@127.0.0.1:1/db?password=hunter2",
        # An attacker's probe: a host Python cannot parse made the masking itself raise, and
        # the traceback quoted the whole URL twice.
        "postgresql://u:hunter2@[::1/db",
        # An @ left unescaped: libpq quoted "hunter2@127.0.0.1" as a host it could not resolve.
        "postgresql://u:hun@hunter2@127.0.0.1:1/db",
        # The verifier's probes: libpq ends that host at a : or ? too, and an @ in the
        # password parameter had made the rest of the URL read as the user part.
        "postgresql://u:hun@hunter2:x@127.0.0.1:1/db",
        "postgresql://u:hun@x?hunter2@127.0.0.1:1/db",
        "postgresql://u@127.0.0.1:1/db?password=hun@hunter2",
    ],
)
def test_a_database_that_cannot_be_reached_is_one_line_without_its_password(
    cli: Cli, index_dir: Path, url: str
) -> None:
    result = cli("list", "--database-url", url, index_dir=index_dir)
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("articlebot: error: cannot connect to postgresql://u")
    assert "hunter2" not in result.stderr + result.stdout + result.log


def test_masked_url_hides_every_password_and_keeps_hosts_as_written() -> None:
    assert (
        masked_url("postgresql://u:pw@h1:5432,h2:5433/db")
        == "postgresql://u:***@h1:5432,h2:5433/db"
    )
    assert masked_url("postgresql://u:pw@[::1]:5/db") == "postgresql://u:***@[::1]:5/db"
    assert (
        masked_url("postgresql://u@h/db?password=pw&x=1") == "postgresql://u@h/db?password=***&x=1"
    )
    assert masked_url("postgresql://h/db") == "postgresql://h/db"
    # A database URL's user part alone is a user name, kept; a web URL's is a key.
    assert masked_url("postgresql://bob@h/db") == "postgresql://bob@h/db"
    assert masked_url("HTTPS://k3y@h/x") == "HTTPS://***@h/x"
    # A web link's @ after its host is no user part (a probe: "https://***@alice/x" was shown
    # for every such article's source).
    for link in ("https://medium.com/@alice/x", "http://127.0.0.1:8/@a/s", "https://h/a?x=a@b"):
        assert masked_url(link) == link
    assert masked_url("https://u:pw@h/@alice") == "https://u:***@h/@alice"
    assert (
        masked_url("postgresql://u@h:5/db?password=pw@tail") == "postgresql://u@h:5/db?password=***"
    )
    assert (
        without_password("401 for https://k3y@h/x", "https://k3y@h/x") == "401 for https://***@h/x"
    )
    assert masked_url("postgresql://bob:pw@[::1/db") == "postgresql://bob:***@[::1/db"
    # A password with # ? or / unescaped, which libpq reads as the password: urlsplit ends the
    # user part there, and the password had been printed whole (a helper's probe).
    for password in ("S3c#retPW", "S3c?retPW", "S3c/retPW"):
        url = f"postgresql://postgres:{password}@127.0.0.1:5432/db"
        assert masked_url(url) == "postgresql://postgres:***@127.0.0.1:5432/db"
        assert without_password(f"cannot connect to {url}", url) == (
            "cannot connect to postgresql://postgres:***@127.0.0.1:5432/db"
        )
    # A password of a letter or two is masked where it stands, not inside every word (a
    # verifier's probe: "***ostgresql://u:***@h/db is a link").
    url = "postgresql://u:p@h/db"
    assert without_password(f"{masked_url(url)} is a link; u:p@h refused p", url) == (
        "postgresql://u:***@h/db is a link; u:***@h refused ***"
    )


def test_late_interaction_reads_its_sentences_from_the_database(
    cli: Cli, index_dir: Path, database_url: str
) -> None:
    """Over a database index late interaction is on by default, as over an index folder: the
    same bold sentence ("vinatier age" -> his age), the sentences' token vectors read
    from PostgreSQL; ARTICLEBOT_LATE_INTERACTION=0 turns it off."""
    built = cli("index", "--database-url", database_url, index_dir=index_dir)
    assert built.returncode == 0, built.stderr

    def bold(**env: str) -> str:
        asked = cli(
            "ask", "--json", "vinatier age", index_dir=index_dir,
            ARTICLEBOT_DATABASE_URL=database_url, **env,
        )  # fmt: skip
        assert asked.returncode == 0, asked.stderr
        passage = json.loads(asked.stdout)["passages"][0]
        span = passage["highlight"]
        start = span["start"] - passage["start"]
        return passage["text"][start : start + span["end"] - span["start"]]

    assert "Laurent Vinatier, 49" in bold()
    assert "49" not in bold(ARTICLEBOT_LATE_INTERACTION="0")


def test_a_refresh_never_brings_back_an_article_removed_before_it_held_the_lock(
    cli: Cli, index_dir: Path, database_url: str, tmp_path: Path, encoder: Encoder
) -> None:
    # A refresh reads the articles' files before it waits for the writer lock; an article
    # another writer removed meanwhile came back, as it no longer does in a local index.
    kept, going = tmp_path / "kept.txt", tmp_path / "going.txt"
    kept.write_text(LIGHTHOUSE, encoding="utf-8")
    going.write_text(LIGHTHOUSE.replace("Pennick", "Corran"), encoding="utf-8")
    added = cli("add", str(kept), str(going), "--database-url", database_url, index_dir=index_dir)
    assert added.returncode == 0, added.stderr
    read_before = list(iter_documents([kept, going]))
    removed = cli("remove", "going", "--database-url", database_url, index_dir=index_dir)
    assert removed.returncode == 0, removed.stderr

    settings = load_settings(index_dir=index_dir, database_url=database_url)
    _, report = add_documents(settings, encoder, read_before, refresh=True)
    assert report.added == [] and report.unchanged == ["kept"]
    listed = cli("list", "--database-url", database_url, index_dir=index_dir).stdout
    assert [line.split("\t")[0] for line in listed.splitlines()] == ["kept"]


def test_eval_never_replaces_the_articles_of_the_database_in_use(
    cli: Cli, index_dir: Path, database_url: str, tmp_path: Path
) -> None:
    url = _with_password(database_url)
    assert cli("index", "--database-url", url, index_dir=index_dir).returncode == 0
    dev = tmp_path / "dev.jsonl"
    text = LIGHTHOUSE
    start = text.index("14 August")
    dev.write_text(
        json.dumps(
            {
                "doc_id": "lighthouse",
                "title": "Harbour lighthouse restored",
                "text": text,
                "questions": [
                    {"q": "When was the lamp relit?", "answer": "14 August", "start": start}
                ],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    # The database the bot serves, from the environment (or .env): eval replaced its articles
    # with the eval's own documents, without a word.
    result = cli("eval", str(dev), "--json", index_dir=index_dir, ARTICLEBOT_DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["hit@1"] == 1.0
    listed = cli("list", "--database-url", url, index_dir=index_dir).stdout
    assert [line.split("\t")[0] for line in listed.splitlines()] == ["article"]
    # Given on the command line, a database holding articles is refused, and kept.
    refused = cli("eval", str(dev), "--database-url", url, index_dir=index_dir)
    assert refused.returncode == 1
    assert "holds an index (1 article), which eval would replace" in refused.stderr
    assert "s3cr3t-pw" not in refused.stderr
    listed = cli("list", "--database-url", url, index_dir=index_dir).stdout
    assert [line.split("\t")[0] for line in listed.splitlines()] == ["article"]


def test_eval_says_it_leaves_its_articles_in_the_database(
    cli: Cli, index_dir: Path, database_url: str, tmp_path: Path
) -> None:
    # A CLI attacker: an eval on an empty database left its articles there without a word, and
    # the same eval run again was refused for "an index (1 article)".
    url = _with_password(database_url)
    dev = tmp_path / "dev.jsonl"
    question = {"q": "When was the lamp relit?", "answers": ["14 August"]}
    line = {"doc_id": "lighthouse", "title": "Lamp", "text": LIGHTHOUSE, "chat": [question]}
    dev.write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = cli("eval", str(dev), "--json", "--database-url", url, index_dir=index_dir)
    assert result.returncode == 0, result.stderr
    assert "the eval left 1 article in" in result.stderr and "another eval needs an empty" in (
        result.stderr
    )
    assert "s3cr3t-pw" not in result.stderr


def test_a_connection_lost_while_writing_is_one_line_and_frees_the_lock(
    database_url: str, encoder: Encoder
) -> None:
    from articlebot.ingest.chunking import ChunkSettings
    from articlebot.ingest.documents import Document
    from articlebot.storage.postgres.collection import write_documents
    from articlebot.storage.postgres.connection import DatabaseConnectError

    url = _with_password(database_url)
    lighthouse = Document("lighthouse", "Harbour lighthouse restored", LIGHTHOUSE, "l.txt")

    def read_while_the_server_drops_the_writer() -> Iterator[Document]:
        # As a restart or failover would, while the documents are read and embedded under
        # the writer's lock: two stacked tracebacks (the unlock failed on the dead connection).
        with psycopg.connect(database_url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        yield lighthouse

    with pytest.raises(DatabaseConnectError) as lost:
        write_documents(url, encoder, ChunkSettings(), read_while_the_server_drops_the_writer())
    message = str(lost.value)
    assert message.startswith("lost the connection to postgresql://postgres:***@")
    assert "while writing" in message and "s3cr3t-pw" not in message and "\n" not in message
    # The lock went with the lost session: the next writer takes it, and writes.
    store, report = write_documents(url, encoder, ChunkSettings(), [lighthouse])
    store.close()
    assert report.added == ["lighthouse"]
    # A statement's failure is no lost connection (a verifier's probe: a statement timeout
    # was said to be one): said as the database's refusal, nothing written.
    from articlebot.index.store import IndexWriteError

    hasty = f"{url}?options=-c%20statement_timeout%3D1"
    other = Document("ferry", "Ferry returns", "Ferry returns\n\nThe ferry is back.", "f.txt")
    with pytest.raises(IndexWriteError) as refused:
        write_documents(hasty, encoder, ChunkSettings(), [other] * 1)
    assert "refused the write (canceling statement due to statement timeout)" in str(refused.value)
    assert "s3cr3t-pw" not in str(refused.value)
    # A read-only database (a hot standby) is one such refusal, not a traceback.
    standby = f"{url}?options=-c%20default_transaction_read_only%3Don"
    with pytest.raises(IndexWriteError, match=r"refused the write .*read-only transaction"):
        write_documents(standby, encoder, ChunkSettings(), [other])


def test_a_read_only_connection_answers_and_says_plainly_what_it_cannot_do(
    cli: Cli, index_dir: Path, database_url: str
) -> None:
    # An attacker's finding: the README's read replica (and a read-only role) crashed every
    # reader with a traceback, as opening the index ran the schema's DDL
    # ("cannot execute CREATE EXTENSION in a read-only transaction").
    assert cli("index", "--database-url", database_url, index_dir=index_dir).returncode == 0
    # As the README's archive does, with IVFFlat for HNSW (the verifier's probe: a reader then
    # found the schema incomplete, and on the primary rebuilt HNSW).
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("DROP INDEX passages_hnsw")
        create_search_indexes(conn, dense="ivfflat")
    read_only = f"{database_url}?options=-c%20default_transaction_read_only%3Don"
    asked = cli("ask", SWAP, "--database-url", read_only, index_dir=index_dir)
    assert asked.returncode == 0, asked.stderr
    assert "Kasatkin" in asked.stdout
    listed = cli("list", "--database-url", read_only, index_dir=index_dir)
    assert listed.returncode == 0 and listed.stdout.startswith("article\t"), listed.stderr
    # A database without the schema, on a read-only connection: one line saying what to run.
    name = f"empty_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        nothing = f"{database_url.rsplit('/', 1)[0]}/{name}{read_only[len(database_url) :]}"
        empty = cli("list", "--database-url", nothing, index_dir=index_dir)
    finally:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    assert empty.returncode == 1 and "Traceback" not in empty.stderr
    assert empty.stderr.count("\n") == 1 and "run `articlebot index` once" in empty.stderr
    # The bot must write its chats' state: refused in one line, not at its first question.
    from articlebot.index.store import IndexStoreError
    from articlebot.storage.sql_chat_state import postgres_chat_state

    with pytest.raises(IndexStoreError, match="point ARTICLEBOT_DATABASE_URL at the primary"):
        postgres_chat_state(read_only)
    # An older schema, and a database error, are one line each too.
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("UPDATE articlebot_schema SET version = 1")
    with psycopg.connect(database_url) as conn:
        indexes = {row[0] for row in conn.execute("SELECT indexname FROM pg_indexes")}
        assert "passages_hnsw" not in indexes  # no reader made it again
    old = cli("list", "--database-url", database_url, index_dir=index_dir)
    assert old.returncode == 1 and "Traceback" not in old.stderr
    assert "schema version 1" in old.stderr and "a new database" in old.stderr


def test_a_link_s_password_parameter_is_never_shown_as_its_source() -> None:
    # An attacker's probe: masked in every error about the link, `?password=` was shown in
    # full by `list`, `show` and the bot's /articles.
    assert shown_source("https://news.example/s?password=q5&id=3&token=t7") == (
        "https://news.example/s?password=***&id=3&token=***"
    )
    # "who wrote this?" and "when was it published?" name the source too (the verifier's probe).
    story = Document("s", "Storm", "Storm\n\nText.", "https://news.example/s?api_key=k9")
    assert source_line(story) == "Source: https://news.example/s?api_key=***"
    assert shown_source("https://news.example/story?id=3") == "https://news.example/story?id=3"
    # libpq's sslpassword= stays masked, and a word ending in "key" is no key.
    assert masked_url("postgresql://u@h/db?sslpassword=s5&monkey=1") == (
        "postgresql://u@h/db?sslpassword=***&monkey=1"
    )
    assert shown_source("/home/me/news/harbour.txt") == "/home/me/news/harbour.txt"
    # A CLI attacker's probe: a key named with others' words (a signed S3 link, OAuth's
    # client_secret, access-token) was shown in full.
    signed = "https://s3.example/a.html?X-Amz-Credential=AK/x&X-Amz-Signature=f00d&X-Amz-Date=1"
    assert shown_source(signed) == (
        "https://s3.example/a.html?X-Amz-Credential=***&X-Amz-Signature=***&X-Amz-Date=1"
    )
    assert shown_source("https://e.example/a?client_secret=c1&access-token=t2&page=2") == (
        "https://e.example/a?client_secret=***&access-token=***&page=2"
    )
    assert shown_source("https://e.example/a?keyword=storm&tokens=3&authority=x") == (
        "https://e.example/a?keyword=storm&tokens=3&authority=x"
    )
    # A verifier's probe: camelCase, percent-encoded and bracketed names, one-word names.
    spelled = (
        "https://e.example/a?clientSecret=c1&accessToken=a2&client%5Fsecret=c3&auth[token]=t4"
        "&AWSAccessKeyId=k5&jwt=j6&accesstoken=t7&token_type=bearer&sig_figs=3&page=2"
    )
    # A password with spaces in a database URL is masked whole; a keyword string's to its end.
    assert masked_url("postgresql://u@h/db?password=correct horse battery") == (
        "postgresql://u@h/db?password=***"
    )
    assert masked_url("host=h password=s3 dbname=x") == "host=h password=*** dbname=x"
    assert shown_source(spelled) == (
        "https://e.example/a?clientSecret=***&accessToken=***&client%5Fsecret=***"
        "&auth[token]=***&AWSAccessKeyId=***&jwt=***&accesstoken=***&token_type=bearer"
        "&sig_figs=3&page=2"
    )
    # A CLI attacker's probe: a password, an authorization, a session, a cookie, a ticket, a
    # one-time code or an OAuth grant; a zip code is no secret.
    given = (
        "https://e.example/a?user=bob&pass=p1&authorization=Bearer%20e2&PHPSESSID=s3&cookie=c4"
        "&ticket=t5&otp=o6&code=g7&zip_code=90210&bypass=1"
    )
    assert shown_source(given) == (
        "https://e.example/a?user=bob&pass=***&authorization=***&PHPSESSID=***&cookie=***"
        "&ticket=***&otp=***&code=***&zip_code=90210&bypass=1"
    )
    # Names with those words that are no secrets are shown (a verifier's probe).
    innocent = "https://e.example/a?ticket_id=7&cookie_consent=yes&season_pass=gold&otp_mode=sms"
    assert shown_source(innocent) == innocent
    # WordPress's action token in an editor's link ("?action=trash&_wpnonce=...").
    assert shown_source("https://e.example/wp-admin/post.php?post=7&_wpnonce=9f2c1a") == (
        "https://e.example/wp-admin/post.php?post=7&_wpnonce=***"
    )


def test_an_index_folder_named_with_a_database_configured_is_refused_not_ignored(
    cli: Cli, index_dir: Path, database_url: str, tmp_path: Path
) -> None:
    # An attacker's probe: with ARTICLEBOT_DATABASE_URL in .env, `add X --index-dir scratch`
    # wrote to the database and never made the folder.
    scratch = tmp_path / "scratch"
    article = tmp_path / "lighthouse.txt"
    article.write_text(LIGHTHOUSE, encoding="utf-8")
    env = {"ARTICLEBOT_DATABASE_URL": database_url}
    refused = cli("add", str(article), "--index-dir", str(scratch), index_dir=index_dir, **env)
    assert refused.returncode == 2 and "--database-url ''" in refused.stderr
    assert not scratch.exists()
    with psycopg.connect(database_url) as conn:
        made = conn.execute("SELECT to_regclass('documents') IS NOT NULL").fetchone()[0]
        assert not made or not conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    both = ("--index-dir", str(scratch), "--database-url", database_url)
    refused = cli("add", str(article), *both, index_dir=index_dir)
    assert refused.returncode == 2 and not scratch.exists()  # not the folder ignored either
    folder = cli(
        "add",
        str(article),
        "--index-dir",
        str(scratch),
        "--database-url",
        "",
        index_dir=index_dir,
        **env,
    )
    assert folder.returncode == 0, folder.stderr
    assert (scratch / "CURRENT").exists()


def test_a_first_index_published_while_another_waited_for_the_lock_is_kept(
    database_url: str, encoder: Encoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A CLI attacker's probe: `ask` (or a bot starting) found the database empty while the
    # first `articlebot index` was writing, then built it from the sample article alone once
    # it had the lock, and the 25 articles just published were gone. And eval, on a database
    # seen empty, replaced an article `add` published meanwhile.
    import articlebot.storage.postgres.collection as database
    from articlebot.collection import open_index, update_index
    from articlebot.index.store import IndexNotEmptyError

    story = tmp_path / "lighthouse.txt"
    story.write_text(LIGHTHOUSE, encoding="utf-8")
    settings = load_settings(index_dir=tmp_path / "unused", database_url=database_url)
    add_documents(settings, encoder, iter_documents([story]))
    monkeypatch.setattr(database, "has_index", lambda store: False)  # as seen before the lock
    store = open_index(settings, encoder)
    try:
        assert sorted(store.manifest.documents) == ["lighthouse"]
    finally:
        store.close()
    eval_documents = [Document("dev", "Dev", "A dev set's own article, seven words.", "dev")]
    with pytest.raises(IndexNotEmptyError):
        update_index(settings, encoder, eval_documents, only_if_empty=True)
    monkeypatch.undo()
    store = open_index(settings, encoder)
    try:
        assert sorted(store.manifest.documents) == ["lighthouse"]
    finally:
        store.close()


def test_a_write_with_other_chunking_than_the_database_s_is_refused(
    cli: Cli, index_dir: Path, database_url: str, tmp_path: Path
) -> None:
    # As an index folder's (a CLI attacker's probe there): the index is not embedded again
    # under the write's settings, which the bot and `ask` with the index's would then refuse.
    assert cli("index", "--database-url", database_url, index_dir=index_dir).returncode == 0
    article = tmp_path / "lighthouse.txt"
    article.write_text(LIGHTHOUSE, encoding="utf-8")
    for args in (["add", str(article)], ["index"]):
        refused = cli(
            *args,
            "--database-url",
            database_url,
            index_dir=index_dir,
            ARTICLEBOT_MAX_PASSAGE_TOKENS="100",
        )
        assert refused.returncode == 1 and refused.stdout == "", refused.stderr
        assert refused.stderr.startswith(f"articlebot: error: the index in {database_url} was ")
        assert "'max_tokens': 160" in refused.stderr and "'max_tokens': 100" in refused.stderr
        assert refused.stderr.count("\n") == 1
    listed = cli("list", "--database-url", database_url, index_dir=index_dir)
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == ["article"]
    asked = cli("ask", SWAP, "--database-url", database_url, index_dir=index_dir)
    assert asked.returncode == 0 and "Daniil Kasatkin" in asked.stdout


def _in_database(
    cli: Cli, database_url: str, index_dir: Path, **env: str
) -> tuple[Callable[..., CliRun], Callable[[], list[str]]]:
    """`run(*args)`: a command on the database (with `env`), checked to succeed; `ids()`: the
    ids it lists, sorted."""

    def run(*args: str) -> CliRun:
        done = cli(*args, "--database-url", database_url, index_dir=index_dir, **env)
        assert done.returncode == 0, done.stderr
        return done

    def ids() -> list[str]:
        return sorted(line.split("\t")[0] for line in run("list").stdout.splitlines())

    return run, ids


def test_a_removed_jsonl_article_stays_removed_in_the_database(
    cli: Cli, index_dir: Path, database_url: str, tmp_path: Path
) -> None:
    # An attacker's probe: `remove ferry`, then `index` (a refresh reads feed.jsonl again)
    # brought ferry back; the removal is kept with the database's index now.
    run, ids = _in_database(cli, database_url, index_dir)

    feed = tmp_path / "feed.jsonl"
    ferry = {"doc_id": "ferry", "title": "Ferry strike", "text": "Ferry workers struck."}
    tram = {"doc_id": "tram", "title": "New tram line", "text": "A tram line opened."}
    feed.write_text("".join(json.dumps(line) + "\n" for line in (ferry, tram)))
    run("add", str(feed))
    assert "1 removed" in run("remove", "ferry").stdout
    for flags in ((), ("--rebuild",)):
        refreshed = run("index", *flags)
        assert "0 added" in refreshed.stdout and ids() == ["tram"], flags
    assert f"kept out 1 removed article of {feed}" in run("index").stderr
    assert "1 added" in run("add", str(feed)).stdout and ids() == ["ferry", "tram"]
    assert "kept out" not in run("index").stderr and ids() == ["ferry", "tram"]


def test_a_removed_line_of_a_configured_jsonl_stays_removed_from_the_database(
    cli: Cli, index_dir: Path, database_url: str, tmp_path: Path
) -> None:
    # An attacker's probe: with ARTICLEBOT_DOCUMENTS naming a .jsonl, `index` read it as a
    # file named by hand, and the article removed from it came back.
    feed = tmp_path / "feed.jsonl"
    ferry = {"doc_id": "ferry", "title": "Ferry strike", "text": "Ferry workers struck."}
    tram = {"doc_id": "tram", "title": "New tram line", "text": "A tram line opened."}
    feed.write_text("".join(json.dumps(line) + "\n" for line in (ferry, tram)))

    run, ids = _in_database(cli, database_url, index_dir, ARTICLEBOT_DOCUMENTS=str(feed))

    run("index")
    assert "1 removed" in run("remove", "ferry").stdout
    assert f"kept out 1 removed article of {feed}" in run("index").stderr
    assert ids() == ["tram"]
    run("index", str(feed))
    assert ids() == ["ferry", "tram"]


def test_an_add_to_the_database_counts_the_articles_it_kept_as_unchanged(
    cli: Cli, index_dir: Path, database_url: str, tmp_path: Path
) -> None:
    # An attacker's probe: an add said "0 unchanged" beside 32 articles it left as they were,
    # which an index folder, and a refresh of the database, count as unchanged.
    for name in ("one", "two"):
        (tmp_path / f"{name}.txt").write_text(LIGHTHOUSE.replace("Pennick", name.title()))
    first = cli(
        "add", str(tmp_path / "one.txt"), "--database-url", database_url, index_dir=index_dir
    )
    assert first.returncode == 0, first.stderr
    added = cli(
        "add", str(tmp_path / "two.txt"), "--database-url", database_url, index_dir=index_dir
    )
    assert added.returncode == 0, added.stderr
    assert "1 added, 0 updated, 1 unchanged, 0 removed" in added.stdout


def test_a_jsonl_article_added_back_under_another_id_is_not_kept_out_of_the_database(
    cli: Cli, index_dir: Path, database_url: str, tmp_path: Path
) -> None:
    # Removed under its suffixed id, a line added back (its file named again) under the plain
    # id was said to be "kept out" by the next refresh: naming the file ends every removal
    # recorded for its lines.
    run, ids = _in_database(cli, database_url, index_dir)

    (tmp_path / "d1").mkdir()
    (tmp_path / "d2").mkdir()
    d1, d2 = tmp_path / "d1" / "feed.jsonl", tmp_path / "d2" / "feed.jsonl"
    harbour = {"title": "Harbour plan approved", "text": "The council approved the plan."}
    ferry = {"doc_id": "ferry", "title": "Ferry strike", "text": "Ferry workers struck."}
    tram = {"doc_id": "tram", "title": "New tram line", "text": "A tram line opened."}
    d1.write_text("".join(json.dumps(line) + "\n" for line in (harbour, ferry)))
    edited = {**harbour, "text": "The port's plan was approved."}
    d2.write_text("".join(json.dumps(line) + "\n" for line in (edited, tram)))
    run("index", str(d1))
    run("add", str(d2))
    [own] = [d for d in ids() if d.startswith("feed-harbour-plan-approved-")]
    run("remove", "feed-harbour-plan-approved", own)
    run("add", str(d2))
    assert ids() == ["feed-harbour-plan-approved", "ferry", "tram"]
    refreshed = run("index")
    assert f"kept out 1 removed article of {d1} " in refreshed.stderr
    assert str(d2) not in refreshed.stderr, refreshed.stderr
    assert ids() == ["feed-harbour-plan-approved", "ferry", "tram"]


def test_a_remove_from_the_database_counts_the_articles_left_as_unchanged(
    cli: Cli, index_dir: Path, database_url: str, tmp_path: Path
) -> None:
    # It said "0 unchanged, 2 removed" with two articles left, where a folder says 2 unchanged.
    feed = tmp_path / "feed.jsonl"
    lines = [
        {"doc_id": name, "title": f"{name} news", "text": f"News about the {name}."}
        for name in ("ferry", "tram", "bus", "port")
    ]
    feed.write_text("".join(json.dumps(line) + "\n" for line in lines))
    added = cli("add", str(feed), "--database-url", database_url, index_dir=index_dir)
    assert added.returncode == 0, added.stderr
    removed = cli("remove", "ferry", "tram", "--database-url", database_url, index_dir=index_dir)
    assert removed.returncode == 0, removed.stderr
    assert "0 added, 0 updated, 2 unchanged, 2 removed" in removed.stdout, removed.stdout


def test_a_rebuild_counts_the_passages_it_wrote_though_a_remove_followed_at_once(
    cli: Cli, index_dir: Path, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An attacker's finding: `index --rebuild` beside a `remove` said "9 unchanged, 0 removed;
    # embedded 453 of 445 passages": its total was counted once the remove, waiting for the
    # writer lock, had published.
    import articlebot.storage.postgres.collection as database
    from articlebot.collection import remove_documents
    from articlebot.storage.postgres.connection import close_pools, open_pools

    kept, going = tmp_path / "kept.txt", tmp_path / "going.txt"
    kept.write_text(LIGHTHOUSE, encoding="utf-8")
    going.write_text(LIGHTHOUSE.replace("Pennick", "Corran"), encoding="utf-8")
    added = cli("add", str(kept), str(going), "--database-url", database_url, index_dir=index_dir)
    assert added.returncode == 0, added.stderr
    settings = load_settings(index_dir=index_dir, database_url=database_url)
    opened = database.open_store

    def removed_first(url: str, **kwargs: object) -> object:
        # The remove waiting for the lock publishes the moment the rebuild lets it go.
        monkeypatch.setattr(database, "open_store", opened)
        before = open_pools()
        remove_documents(settings, ["going"])
        close_pools(before)  # its pool, as a command closes its own (not left to the collector)
        return opened(url, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(database, "open_store", removed_first)
    rebuilt = cli("index", "--rebuild", "--database-url", database_url, index_dir=index_dir)
    assert rebuilt.returncode == 0, rebuilt.stderr
    summary = rebuilt.stdout.splitlines()[-1]
    assert "0 added, 0 updated, 2 unchanged, 0 removed; embedded " in summary
    embedded, total = summary.split("; embedded ")[1].split(" passages")[0].split(" of ")
    assert embedded == total


def _add_lighthouse(cli: Cli, index_dir: Path, database_url: str, tmp_path: Path) -> None:
    """The lighthouse article added to the database, to damage by hand."""
    article = tmp_path / "lighthouse.txt"
    article.write_text(LIGHTHOUSE, encoding="utf-8")
    added = cli("add", str(article), "--database-url", database_url, index_dir=index_dir)
    assert added.returncode == 0, added.stderr


def _ask_of_lighthouse(cli: Cli, index_dir: Path, database_url: str) -> CliRun:
    """`ask` of the lighthouse article, from the database."""
    return cli(
        "ask",
        "When was the lighthouse lamp relit?",
        "--database-url",
        database_url,
        index_dir=index_dir,
    )


def test_a_database_missing_rows_it_lists_is_one_line_not_a_traceback(
    cli: Cli, index_dir: Path, database_url: str, tmp_path: Path
) -> None:
    # A CLI attacker: with one passage row deleted by hand, `ask` ended in a KeyError
    # traceback from the store.
    _add_lighthouse(cli, index_dir, database_url, tmp_path)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "DELETE FROM passages WHERE id = (SELECT min(id) FROM passages"
            " WHERE doc_id = 'lighthouse')"
        )
    asked = _ask_of_lighthouse(cli, index_dir, database_url)
    assert asked.returncode == 1
    assert "Traceback" not in asked.stderr and len(asked.stderr.strip().splitlines()) == 1
    assert "the database's index lacks" in asked.stderr and "index --rebuild" in asked.stderr


def test_a_database_whose_manifest_was_emptied_says_so_and_a_rebuild_keeps_its_articles(
    cli: Cli, index_dir: Path, database_url: str, tmp_path: Path
) -> None:
    # A CLI attacker: with the generation's manifest emptied by hand, `ask` ended in a
    # LookupError traceback and `index --rebuild` then removed every article.
    _add_lighthouse(cli, index_dir, database_url, tmp_path)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("UPDATE generations SET manifest = 'null'")  # JSON null too (a verifier)
    asked = _ask_of_lighthouse(cli, index_dir, database_url)
    assert asked.returncode == 1 and "1 article;" in asked.stderr, asked.stderr
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("UPDATE generations SET manifest = '{}'")
    # An update without --rebuild says so too, not "(index already up to date)".
    # `remove` too (it said "no article with ids ; nothing was removed", a CLI attacker).
    commands = [("ask", "When was the lighthouse lamp relit?"), ("list",), ("index",)]
    for command in (*commands, ("remove", "lighthouse")):
        failed = cli(*command, "--database-url", database_url, index_dir=index_dir)
        assert failed.returncode == 1 and "Traceback" not in failed.stderr
        assert len(failed.stderr.strip().splitlines()) == 1
        assert "damaged" in failed.stderr and "index --rebuild" in failed.stderr
    rebuilt = cli("index", "--rebuild", "--database-url", database_url, index_dir=index_dir)
    assert rebuilt.returncode == 0, rebuilt.stderr
    listed = cli("list", "--database-url", database_url, index_dir=index_dir)
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == ["lighthouse"]
    asked = cli(
        "ask",
        "When was the lighthouse lamp relit?",
        "--json",
        "--database-url",
        database_url,
        index_dir=index_dir,
    )
    assert "14 August" in json.loads(asked.stdout)["passages"][0]["text"]

"""The ChatState contract, run against every implementation: in memory, the SQLite file in the
index folder, and PostgreSQL; the durable ones also across a restart and two processes."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from articlebot.retrieval.conversation import Turn
from articlebot.storage.chat_state import (
    ChatState,
    InMemoryChatState,
    Limit,
    PostVersion,
    Refusal,
)
from articlebot.storage.sql_chat_state import file_chat_state, postgres_chat_state

pytest_plugins = ["postgres", "botkit"]
# Commands run in this process reuse the session's encoder (see conftest.shared_model).
pytestmark = pytest.mark.usefixtures("shared_model")

IMPLEMENTATIONS = ["memory", "file", "postgres"]


def _open(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> ChatState:
    if kind == "memory":
        return InMemoryChatState()
    if kind == "file":
        return file_chat_state(tmp_path / "index")
    return postgres_chat_state(request.getfixturevalue("database_url"))


@pytest.fixture(params=IMPLEMENTATIONS)
def state(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ChatState]:
    opened = _open(request.param, request, tmp_path)
    yield opened
    if hasattr(opened, "close"):
        opened.close()


@pytest.fixture(params=["file", "postgres"])
def reopen(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator:
    """Opens the same durable store again each time it is called (a restart, or a replica)."""
    opened: list = []

    def make() -> ChatState:
        opened.append(_open(request.param, request, tmp_path))
        return opened[-1]

    yield make
    for store in opened:
        store.close()


def test_scope_is_kept_per_chat_in_order_and_cleared_by_an_empty_one(state: ChatState) -> None:
    assert state.scope(1) == []
    state.set_scope(1, ["b", "a"])
    assert state.scope(1) == ["b", "a"] and state.scope(2) == []
    state.set_scope(1, [])
    assert state.scope(1) == []


def test_last_turn_reads_back_field_by_field(state: ChatState) -> None:
    assert state.last_turn(5) is None
    turn = Turn("Who is Vinatier?", "Laurent Vinatier is a researcher.", 12.5, "article")
    state.set_last_turn(5, turn)
    state.set_last_turn(6, Turn("who wrote this?", "", -math.inf))
    assert state.last_turn(5) == turn
    assert state.last_turn(6) == Turn("who wrote this?", "", -math.inf)


def test_thread_turns_are_kept_per_post_thread_apart_from_the_chat_turn(state: ChatState) -> None:
    asked = Turn("How many homes were flooded?", "40 homes were flooded.", 3.0)
    assert state.thread_turn(-100, 7) is None
    state.set_thread_turn(-100, 7, asked)
    state.set_thread_turn(-100, 8, Turn("Who?", "", -math.inf))
    assert state.thread_turn(-100, 7) == asked
    assert state.thread_turn(-100, 8) == Turn("Who?", "", -math.inf)
    assert state.thread_turn(-200, 7) is None and state.last_turn(-100) is None


def test_pending_posts_are_kept_oldest_first_until_dropped(state: ChatState) -> None:
    assert state.pending_posts() == []
    state.add_pending_post("tg1-1", '{"n": 1}')
    state.add_pending_post("tg1-2", '{"n": 2}')
    state.count_post_tries("tg1-1", '{"n": 1}', 2)  # its page down twice
    state.count_post_tries("tg1-2", '{"n": 9}', 5)  # another version's count: not this one's
    assert state.pending_posts() == [("tg1-1", '{"n": 1}', 2), ("tg1-2", '{"n": 2}', 0)]
    state.add_pending_post("tg1-1", '{"n": 1}')  # delivered again: its count goes on
    assert state.pending_posts() == [("tg1-2", '{"n": 2}', 0), ("tg1-1", '{"n": 1}', 2)]
    state.add_pending_post("tg1-1", '{"n": 3}')  # an edit of post 1: its newer record, last
    assert state.pending_posts() == [("tg1-2", '{"n": 2}', 0), ("tg1-1", '{"n": 3}', 0)]
    state.drop_pending_post("tg1-1", '{"n": 1}')  # the older job finishing keeps the edit's
    assert state.pending_posts() == [("tg1-2", '{"n": 2}', 0), ("tg1-1", '{"n": 3}', 0)]
    state.drop_pending_post("tg1-1", '{"n": 3}')
    state.drop_pending_post("tg1-2", '{"n": 2}')
    assert state.pending_posts() == []


def test_post_threads_are_kept_newest_last_and_forgotten_when_old(state: ChatState) -> None:
    assert state.thread_posts(0.0, 10) == []
    state.set_thread_post(-100, 7, '{"post_id": 1}', 10.0)
    state.set_thread_post(-100, 8, '{"post_id": 2}', 20.0)
    state.set_thread_post(-200, 7, '{"post_id": 3}', 30.0)
    assert state.thread_posts(0.0, 10) == [
        (-100, 7, '{"post_id": 1}'),
        (-100, 8, '{"post_id": 2}'),
        (-200, 7, '{"post_id": 3}'),
    ]
    recent = [(-100, 8, '{"post_id": 2}'), (-200, 7, '{"post_id": 3}')]
    assert state.thread_posts(15.0, 10) == recent
    assert state.thread_posts(0.0, 1) == [(-200, 7, '{"post_id": 3}')]  # the newest
    state.set_thread_post(-100, 7, '{"post_id": 1}', 40.0)  # seen again: newest now
    assert state.thread_posts(0.0, 10)[-1] == (-100, 7, '{"post_id": 1}')
    assert state.forget_old(hits_before=0.0, turns_before=0.0, threads_before=25.0) == 1
    assert [t.root_id for t in state.thread_posts(0.0, 10)] == [7, 7]


def test_one_post_thread_is_read_by_its_group_and_root_while_recent(state: ChatState) -> None:
    # A replica that did not see a post's automatic forward reads its thread's post here.
    assert state.thread_post(-100, 7, 0.0) is None
    state.set_thread_post(-100, 7, '{"post_id": 1}', 10.0)
    state.set_thread_post(-200, 7, '{"post_id": 3}', 30.0)
    assert state.thread_post(-100, 7, 0.0) == '{"post_id": 1}'
    assert state.thread_post(-200, 7, 0.0) == '{"post_id": 3}'
    assert state.thread_post(-100, 8, 0.0) is None
    assert state.thread_post(-100, 7, 15.0) is None  # kept too long ago


def test_a_damaged_thread_row_is_that_thread_alone(tmp_path: Path) -> None:
    # A verifier's probe: one row SQLite kept with a word for its chat id lost every thread.
    import sqlite3

    from articlebot.storage.sql_chat_state import CHAT_STATE_FILE

    state = file_chat_state(tmp_path)
    state.set_thread_post(-100, 7, '{"post_id": 1}', 10.0)
    state.close()
    with closing(sqlite3.connect(tmp_path / CHAT_STATE_FILE)) as conn, conn:
        conn.execute("INSERT INTO thread_post VALUES ('abc', 8, 'x', 20.0)")
    state = file_chat_state(tmp_path)
    try:
        assert state.thread_posts(0.0, 10) == [(-100, 7, '{"post_id": 1}')]
    finally:
        state.close()


def test_a_post_s_newest_version_is_kept_and_forgotten_when_old(state: ChatState) -> None:
    assert state.post_version("tg1-5") is None
    state.set_post_version("tg1-5", PostVersion(100, False, "a1"), 10.0)
    state.set_post_version("tg1-5", PostVersion(105, True, "b2"), 20.0)  # its edit
    state.set_post_version("tg1-6", PostVersion(200, False, "c3"), 30.0)
    assert state.post_version("tg1-5") == PostVersion(105, True, "b2")
    assert state.forget_old(hits_before=0.0, turns_before=0.0, threads_before=25.0) == 1
    assert state.post_version("tg1-5") is None
    assert state.post_version("tg1-6") == PostVersion(200, False, "c3")


def test_a_post_s_removal_is_never_replaced_by_a_later_version(state: ChatState) -> None:
    # A verifier's probe: a replica that had not heard of the removal overwrote it.
    from articlebot.storage.chat_state import REMOVED, PostVersion

    state.set_post_version("tg1-2", PostVersion(100, True, REMOVED), 10.0)
    state.set_post_version("tg1-2", PostVersion(200, True, "abc"), 20.0)
    assert state.post_version("tg1-2") == (100, True, REMOVED)
    # Nor forgotten with old records (a verifier's probe: back after 30 days' sweep).
    state.forget_old(hits_before=0.0, turns_before=0.0, threads_before=1e12)
    assert state.post_version("tg1-2") == (100, True, REMOVED)


def test_autoindex_is_off_until_turned_on_per_chat(state: ChatState) -> None:
    assert not state.autoindex(-100)
    state.set_autoindex(-100, True)
    assert state.autoindex(-100) and not state.autoindex(-200)
    state.set_autoindex(-100, False)
    assert not state.autoindex(-100)


def test_a_group_become_supergroup_keeps_its_choices_under_its_new_id(state: ChatState) -> None:
    turn = Turn("who won?", "Nair won the final.", 9.0, "final")
    state.set_scope(-42, ["final"])
    state.set_autoindex(-42, True)
    state.set_last_turn(-42, turn)
    assert state.former_ids(-1009) == []
    state.migrate(-42, -1009)
    assert state.former_ids(-1009) == [-42] and state.former_ids(-42) == []
    assert state.scope(-1009) == ["final"] and state.autoindex(-1009)
    assert state.last_turn(-1009) == turn
    # Told again (the new supergroup's own message) after the new chat chose for itself.
    state.set_scope(-1009, ["other"])
    state.set_autoindex(-1009, False)
    state.migrate(-42, -1009)
    assert state.former_ids(-1009) == [-42]
    assert state.scope(-1009) == ["other"] and not state.autoindex(-1009)


def test_a_supergroup_with_choices_of_its_own_keeps_them(state: ChatState) -> None:
    state.set_scope(-1009, ["mine"])
    state.set_scope(-42, ["old"])
    state.migrate(-42, -1009)
    assert state.scope(-1009) == ["mine"] and not state.autoindex(-1009)
    assert state.last_turn(-1009) is None


def test_hit_counts_within_the_window_and_refuses_once_then_again(state: ChatState) -> None:
    two = [Limit("sender:1", 2, 10.0)]
    assert state.hit(two, 0.0) is None
    assert state.hit(two, 1.0) is None
    assert state.hit(two, 2.0) == Refusal("sender:1", again=False)
    assert state.hit(two, 3.0) == Refusal("sender:1", again=True)
    assert state.hit(two, 10.0) is None  # the hit at 0.0 left the window (now - 10 < t)
    assert state.hit(two, 10.5) == Refusal("sender:1", again=False)  # counted: marks cleared


def test_hit_is_all_or_nothing_across_keys(state: ChatState) -> None:
    chat = Limit("chat:-1", 1, 60.0)
    assert state.hit([Limit("sender:1", 5, 60.0), chat], 0.0) is None
    assert state.hit([Limit("sender:2", 1, 60.0), chat], 1.0) == Refusal("chat:-1", False)
    # sender:2 was not counted when the chat refused: its one request is still free.
    assert state.hit([Limit("sender:2", 1, 60.0)], 2.0) is None
    assert state.hit([Limit("sender:3", 0, 60.0)], 3.0) is None  # count 0: no limit


def test_durable_state_survives_a_restart_and_is_shared(reopen) -> None:
    first = reopen()
    first.set_scope(1, ["a", "b"])
    first.set_last_turn(1, Turn("Who?", "Vinatier.", -math.inf))
    first.set_thread_turn(-100, 7, Turn("How many?", "40.", 2.0))
    first.set_autoindex(-100, True)
    first.add_pending_post("tg1-1", '{"n": 1}')
    first.migrate(-100, -1000100)
    first.count_post_tries("tg1-1", '{"n": 1}', 3)
    limit = [Limit("sender:1", 2, 60.0)]
    assert first.hit(limit, 100.0) is None
    first.close()
    second, other = reopen(), reopen()
    assert second.pending_posts() == [("tg1-1", '{"n": 1}', 3)]
    assert second.scope(1) == ["a", "b"]
    assert second.last_turn(1) == Turn("Who?", "Vinatier.", -math.inf)
    assert second.thread_turn(-100, 7) == Turn("How many?", "40.", 2.0)
    assert second.autoindex(-100)
    assert other.former_ids(-1000100) == [-100] and other.autoindex(-1000100)
    # The limit is counted across processes: one request left, taken by one of the two.
    assert other.hit(limit, 101.0) is None
    assert second.hit(limit, 102.0) == Refusal("sender:1", again=False)
    assert other.hit(limit, 103.0) == Refusal("sender:1", again=True)


def test_concurrent_hits_never_pass_a_full_limit(reopen) -> None:
    import threading

    stores = [reopen() for _ in range(4)]
    limit = [Limit("chat:-5", 10, 60.0)]
    passed: list[bool] = []

    def ask(store: ChatState, at: float) -> None:
        for i in range(5):
            passed.append(store.hit(limit, at + i * 0.01) is None)

    threads = [threading.Thread(target=ask, args=(s, float(n))) for n, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(passed) == 10 and len(passed) == 20


def test_a_damaged_chat_state_file_is_one_clear_error(tmp_path: Path) -> None:
    from articlebot.index.store import IndexStoreError
    from articlebot.storage.sql_chat_state import CHAT_STATE_FILE, file_chat_state

    (tmp_path / CHAT_STATE_FILE).write_bytes(b"\x00garbage, not sqlite\xff" * 200)
    with pytest.raises(IndexStoreError, match=r"not a usable chat state file.*move it away"):
        file_chat_state(tmp_path)


@pytest.mark.parametrize("read_only", ["folder", "file"])
def test_a_chat_state_that_cannot_be_written_is_said_so(tmp_path: Path, read_only: str) -> None:
    # It was "not a usable chat state file ...; move it away", of a file that was not there;
    # a file that could not be written (left by another user) started the bot, and every
    # answer then failed (a verifier's probe).
    from articlebot.storage.sql_chat_state import CHAT_STATE_FILE

    folder = tmp_path / "index"
    folder.mkdir()
    if read_only == "file":
        file_chat_state(folder).close()
        (folder / CHAT_STATE_FILE).chmod(0o444)
        for left in folder.glob(f"{CHAT_STATE_FILE}-*"):
            left.unlink()
    else:
        folder.chmod(0o555)
    # Root writes in any folder: the run drops the capabilities that let it, as a user has none.
    unprivileged = (
        ["setpriv", "--inh-caps=-dac_override", "--bounding-set=-dac_override", "--"]
        if os.geteuid() == 0
        else []
    )
    opening = (
        "import sys; from pathlib import Path\n"
        "from articlebot.storage.sql_chat_state import file_chat_state\n"
        "try:\n    file_chat_state(Path(sys.argv[1]))\n"
        "except Exception as exc:\n    print(exc)\n"
    )
    try:
        run = subprocess.run(
            [*unprivileged, sys.executable, "-c", opening, str(folder)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        folder.chmod(0o755)
    expected = {
        "folder": f"cannot write the chat state in {folder} (Permission denied)",
        "file": f"cannot write the chat state {folder / CHAT_STATE_FILE} (attempt to write a "
        "readonly database)",
    }
    assert run.stdout == expected[read_only] + "\n", run


def test_forget_old_deletes_expired_counts_and_turns_and_keeps_live_ones(state: ChatState) -> None:
    limit = [Limit("sender:1", 2, 60.0)]
    assert state.hit(limit, 0.0) is None
    assert state.hit(limit, 50.0) is None
    state.set_last_turn(1, Turn("Who is Vinatier?", "A researcher.", 10.0))
    state.set_last_turn(2, Turn("Who swapped him?", "Kasatkin.", 100.0))
    state.set_thread_turn(-100, 7, Turn("How many?", "40.", 5.0))
    state.set_thread_turn(-100, 8, Turn("Where?", "Kyiv.", 100.0))
    state.set_scope(1, ["a"])
    state.set_autoindex(-100, True)

    assert state.forget_old(hits_before=40.0, turns_before=50.0) > 0
    assert state.forget_old(hits_before=40.0, turns_before=50.0) == 0  # nothing left to go

    assert state.last_turn(1) is None and state.thread_turn(-100, 7) is None
    assert state.last_turn(2) == Turn("Who swapped him?", "Kasatkin.", 100.0)
    assert state.thread_turn(-100, 8) == Turn("Where?", "Kyiv.", 100.0)
    assert state.scope(1) == ["a"] and state.autoindex(-100)  # kept however old
    # The count at 50.0 is still in its window: one request left, then a refusal.
    assert state.hit(limit, 55.0) is None
    assert state.hit(limit, 56.0) == Refusal("sender:1", again=False)


@pytest.fixture(params=["file", "postgres"])
def durable(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[ChatState, Any]]:
    """A durable store, and a function counting the rows of one of its tables."""
    store = _open(request.param, request, tmp_path)
    if request.param == "file":
        import sqlite3

        from articlebot.storage.sql_chat_state import CHAT_STATE_FILE

        def rows(table: str) -> int:
            with closing(sqlite3.connect(tmp_path / "index" / CHAT_STATE_FILE)) as conn:
                return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    else:
        import psycopg

        url = request.getfixturevalue("database_url")

        def rows(table: str) -> int:
            with psycopg.connect(url) as conn:
                return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    yield store, rows
    store.close()


def test_forget_old_empties_the_tables_of_what_expired(durable) -> None:
    store, rows = durable
    for n in range(5):
        store.hit([Limit(f"sender:{n}", 3, 60.0)], float(n))
        store.set_last_turn(n, Turn(f"question {n}?", "", float(n)))
    store.hit([Limit("sender:live", 3, 60.0)], 100.0)
    store.set_last_turn(99, Turn("live?", "yes", 100.0))
    assert (rows("rate_hit"), rows("rate_key"), rows("chat_turn")) == (6, 6, 6)
    store.forget_old(hits_before=50.0, turns_before=50.0)
    assert (rows("rate_hit"), rows("rate_key"), rows("chat_turn")) == (1, 1, 1)


@pytest.mark.asyncio
async def test_the_bot_deletes_old_chat_state_in_a_job(api, retriever, tmp_path: Path) -> None:
    import time

    from botkit import launch_polling, shut_down

    from articlebot.bot.app import build_application
    from articlebot.bot.chat_sweep import SWEEP_JOB
    from articlebot.config import load_settings
    from articlebot.retrieval.conversation import CONTEXT_TTL_SECONDS

    chats = file_chat_state(tmp_path / "index")
    now = time.time()
    chats.set_last_turn(1, Turn("Who is Vinatier?", "A researcher.", now - CONTEXT_TTL_SECONDS - 1))
    chats.set_last_turn(2, Turn("Who swapped him?", "Kasatkin.", now))
    settings = load_settings(api_url=api.url, index_dir=tmp_path / "index")
    app = build_application(settings, api.token, retriever, chats)
    await launch_polling(app)
    try:
        assert app.job_queue is not None
        (job,) = app.job_queue.get_jobs_by_name(SWEEP_JOB)
        await job.run(app)
        assert chats.last_turn(1) is None
        assert chats.last_turn(2) == Turn("Who swapped him?", "Kasatkin.", now)
    finally:
        await shut_down(app)
        chats.close()


def test_a_chat_state_file_from_before_turns_kept_their_article_is_read(tmp_path: Path) -> None:
    import sqlite3

    from articlebot.storage.sql_chat_state import CHAT_STATE_FILE

    folder = tmp_path / "index"
    folder.mkdir()
    with closing(sqlite3.connect(folder / CHAT_STATE_FILE)) as old, old:
        # The table as earlier versions made it.
        old.execute(
            "CREATE TABLE chat_turn (chat_id BIGINT NOT NULL, root_id BIGINT NOT NULL,"
            " question TEXT NOT NULL, highlight TEXT NOT NULL, at DOUBLE PRECISION NOT NULL,"
            " stamp BIGINT NOT NULL, PRIMARY KEY (chat_id, root_id))"
        )
        old.execute("INSERT INTO chat_turn VALUES (1, 0, 'Who?', 'Vinatier.', 2.0, 1)")
    state = file_chat_state(folder)
    try:
        assert state.last_turn(1) == Turn("Who?", "Vinatier.", 2.0)
        state.set_last_turn(1, Turn("When?", "In June.", 3.0, "article"))
        assert state.last_turn(1) == Turn("When?", "In June.", 3.0, "article")
    finally:
        state.close()


@pytest.mark.parametrize("kind", ["file", "postgres"])
def test_posts_recorded_before_tries_were_counted_are_read_with_none(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # A chat state written by an earlier release has no count of tries: it gains one, at 0.
    old_table = (
        "CREATE TABLE pending_post"
        " (doc_id TEXT PRIMARY KEY, post TEXT NOT NULL, stamp BIGINT NOT NULL)"
    )
    row = "INSERT INTO pending_post VALUES ('tg1-1', '{\"n\": 1}', 1)"
    if kind == "file":
        import sqlite3

        from articlebot.storage.sql_chat_state import CHAT_STATE_FILE

        (tmp_path / "index").mkdir()
        with closing(sqlite3.connect(tmp_path / "index" / CHAT_STATE_FILE)) as conn, conn:
            conn.execute(old_table)
            conn.execute(row)
    else:
        import psycopg

        with psycopg.connect(request.getfixturevalue("database_url")) as conn:
            conn.execute(old_table)
            conn.execute(row)
    with closing(_open(kind, request, tmp_path)) as store:  # type: ignore[type-var]
        assert store.pending_posts() == [("tg1-1", '{"n": 1}', 0)]
        store.count_post_tries("tg1-1", '{"n": 1}', 1)
        assert store.pending_posts() == [("tg1-1", '{"n": 1}', 1)]

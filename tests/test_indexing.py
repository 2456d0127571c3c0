"""The indexing worker: one job at a time, a queue of fixed size, a stop that ends in time."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from articlebot.bot.indexing import IndexingQueue


@pytest.mark.asyncio
async def test_a_full_queue_refuses_and_keeps_what_it_holds(caplog) -> None:
    queue = IndexingQueue(capacity=2)
    queue.start()
    done: list[str] = []
    release = asyncio.Event()

    def job(name: str, wait: bool = False):
        async def run() -> None:
            if wait:
                await release.wait()
            done.append(name)

        return run

    assert queue.offer("first", job("first", wait=True))
    await asyncio.sleep(0)  # the worker takes it: the queue is empty again
    assert queue.offer("second", job("second")) and queue.offer("third", job("third"))
    assert not queue.offer("fourth", job("fourth"))
    assert "indexing queue full for fourth (2 waiting)" in caplog.text
    release.set()
    await queue.stop(timeout=5)
    assert done == ["first", "second", "third"]  # in order; nothing queued was lost
    assert not queue.offer("fifth", job("fifth"))  # stopped


@pytest.mark.asyncio
async def test_a_failing_job_is_logged_and_the_next_one_runs(caplog) -> None:
    queue = IndexingQueue(capacity=4)
    queue.start()
    done: list[str] = []

    async def fails() -> None:
        raise ValueError("a page that breaks the reader")

    async def works() -> None:
        done.append("next")

    assert queue.offer("the broken post", fails) and queue.offer("the next post", works)
    await queue.stop(timeout=5)
    assert done == ["next"]
    assert any(
        r.levelno == logging.ERROR and "the broken post" in r.getMessage() for r in caplog.records
    )


@pytest.mark.asyncio
async def test_stop_ends_in_time_with_a_job_that_hangs(caplog) -> None:
    queue = IndexingQueue(capacity=4)
    queue.start()
    hung = asyncio.Event()

    async def hangs() -> None:
        await asyncio.Event().wait()

    async def never() -> None:
        hung.set()

    told: list[str] = []

    def telling(what: str):
        async def tell() -> None:
            told.append(what)

        return tell

    assert queue.offer("a site that never answers", hangs, telling("running"))
    assert queue.offer("after it", never, telling("waiting")) and queue.offer("quiet", never)
    started = time.monotonic()
    await queue.stop(timeout=0.5)
    assert time.monotonic() - started < 2
    assert not hung.is_set()
    assert "the job running cancelled, 2 queued not started" in caplog.text
    # Each dropped job that has someone to tell (an admin's /add) is said to be dropped: the
    # admin had been told "Reading the article…" and then nothing.
    assert sorted(told) == ["running", "waiting"]


@pytest.mark.asyncio
async def test_one_group_s_jobs_take_a_quarter_of_the_queue_and_give_it_back() -> None:
    queue = IndexingQueue(capacity=8)
    release = asyncio.Event()

    async def slow() -> None:
        await release.wait()

    async def fail() -> None:
        raise RuntimeError("a bad page")

    async def quick() -> None:
        return None

    group = -100123
    assert queue.offer("link 1", fail, owner=group) and queue.offer("link 2", slow, owner=group)
    assert not queue.offer("link 3", slow, owner=group)  # its share (8 // 4) is taken
    assert queue.offer("the channel's post", quick) and queue.offer("another group", slow, owner=-5)
    queue.start()
    # The channel's post runs first (the operator's lane), then link 1, which fails (logged):
    # its place is given back.
    await asyncio.sleep(0.05)
    assert queue.offer("link 3", slow, owner=group)
    assert not queue.offer("link 4", slow, owner=group)
    release.set()
    await queue.stop(timeout=5)


@pytest.mark.asyncio
async def test_the_operator_s_work_runs_before_groups_own_queued_earlier() -> None:
    # An attacker's probe: two groups' slow links kept a listed channel's post and an admin's
    # /add waiting 33 s; the worker now takes the operator's work first.
    queue = IndexingQueue(capacity=8)
    ran: list[str] = []

    def job(name: str):
        async def run() -> None:
            ran.append(name)

        return run

    assert queue.offer("group link 1", job("g1"), owner=-1)
    assert queue.offer("group link 2", job("g2"), owner=-2)
    assert queue.offer("channel post", job("post"))
    assert queue.offer("admin's link", job("add"))
    queue.start()
    await queue.stop(timeout=5)  # runs what is queued, then ends
    assert ran == ["post", "add", "g1", "g2"]
    # A channel posting without pause does not hold a group's back for ever (a verifier's
    # probe: 95 of the operator's jobs ran ahead of one group's): one after every few.
    queue, ran = IndexingQueue(capacity=16), []
    assert queue.offer("group link", job("g"), owner=-1)
    assert all(queue.offer(f"post {n}", job(f"p{n}")) for n in range(6))
    queue.start()
    await queue.stop(timeout=5)
    assert ran == ["p0", "p1", "p2", "p3", "g", "p4", "p5"]


def test_all_groups_together_take_half_the_queue() -> None:
    # The verifier's probe: six strangers' groups, each within its quarter, filled the whole
    # queue, and the listed channel's post and an admin's /add waited without bound.
    queue = IndexingQueue(capacity=8)

    async def job() -> None:
        return None

    taken = [queue.offer(f"group {g} link {n}", job, owner=-g) for g in range(1, 5) for n in (1, 2)]
    assert taken == [True] * 4 + [False] * 4  # two groups' quarters make the half
    assert all(queue.offer(f"channel post {n}", job) for n in range(4))

"""Questions from many chats are answered together, each asker gets its own answer, and one bad
question fails alone."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from articlebot.bot import render
from articlebot.bot.questions import QuestionQueue, answer_batch
from articlebot.collection import make_retriever, update_index
from articlebot.config import load_settings
from articlebot.encoders import Encoder
from articlebot.ingest.documents import bundled_article_path, read_documents
from articlebot.retrieval.conversation import Request, Turn, answer_requests
from articlebot.retrieval.results import Answer
from articlebot.retrieval.retriever import Retriever

# Commands run in this process reuse the session's encoder (see conftest.shared_model).
pytestmark = pytest.mark.usefixtures("shared_model")

QUESTIONS = [
    "Who was Laurent Vinatier swapped for?",
    "How many households lost electricity in Dnipropetrovsk?",
    "What did the Kremlin say about the exchange?",
    "Who is Daniil Kasatkin?",
    "What is the capital of Peru?",
    "<b>Who</b> freed the researcher?",
] * 4


class HeldFirstBatch:
    """Answers with the real retriever, holding the first batch until the others queue up."""

    def __init__(self, retriever: Retriever, fail_on: str | None = None) -> None:
        self.retriever, self.fail_on = retriever, fail_on
        self.release = threading.Event()
        self.batches: list[list[str]] = []
        self.threads: set[int] = set()
        self.active = self.most_active = 0
        self._lock = threading.Lock()

    def __call__(self, requests: Sequence[Request]) -> list[tuple[Answer, Turn]]:
        with self._lock:
            self.batches.append([r.question for r in requests])
            self.threads.add(threading.get_ident())
            self.active += 1
            self.most_active = max(self.most_active, self.active)
        try:
            if len(self.batches) == 1:
                self.release.wait(timeout=10)
            if any(r.question == self.fail_on for r in requests):
                raise RuntimeError("answering failed")
            return answer_requests(self.retriever, requests)
        finally:
            with self._lock:
                self.active -= 1


async def _ask_all(queue: QuestionQueue, answer: HeldFirstBatch, requests: list[Request]) -> list:
    tasks = [asyncio.create_task(queue.ask(requests[0]))]
    while not answer.batches:  # the first question is answered at once, on its own...
        await asyncio.sleep(0.001)
    tasks += [asyncio.create_task(queue.ask(r)) for r in requests[1:]]
    await asyncio.sleep(0.05)  # ...while the others arrive
    assert answer.batches[0] == [requests[0].question]
    answer.release.set()
    return await asyncio.gather(*tasks, return_exceptions=True)


@pytest.mark.asyncio
async def test_questions_arriving_together_share_batches_and_get_their_own_answers(
    retriever: Retriever,
) -> None:
    answer = HeldFirstBatch(retriever)
    batch_sizes: list[int] = []
    queue = QuestionQueue(answer, max_batch=8, running=2, on_batch=batch_sizes.append)
    results = await _ask_all(queue, answer, [Request(q) for q in QUESTIONS])
    for question, (got, _) in zip(QUESTIONS, results, strict=True):
        want = retriever.ask(question)
        assert (got.question, got.answered) == (want.question, want.answered)
        assert [p.row for p in got.passages] == [p.row for p in want.passages]
    assert batch_sizes[0] == 1 and max(batch_sizes) == 8
    assert sum(batch_sizes) == len(QUESTIONS)
    assert len(batch_sizes) == 1 + -(-(len(QUESTIONS) - 1) // 8)
    assert answer.most_active <= 2  # never more batches at once than asked for


@pytest.mark.asyncio
async def test_a_question_that_breaks_answering_fails_alone(retriever: Retriever) -> None:
    bad = QUESTIONS[3]
    answer = HeldFirstBatch(retriever, fail_on=bad)
    batch_sizes: list[int] = []
    queue = QuestionQueue(answer, max_batch=32, on_batch=batch_sizes.append)
    requests = [Request(q) for q in QUESTIONS[:6]]
    results = await _ask_all(queue, answer, requests)
    assert isinstance(results[3], RuntimeError)
    assert all(isinstance(r, tuple) and r[0].question for i, r in enumerate(results) if i != 3)
    # The batch holding it was answered again one by one; the queue goes on afterwards.
    assert batch_sizes == [1, 5, 1, 1, 1, 1, 1]
    again, _ = await queue.ask(Request(QUESTIONS[0]))
    assert again.answered and "Vinatier" in again.passages[0].text


@pytest.mark.asyncio
async def test_an_asker_that_gives_up_does_not_hold_up_the_others(retriever: Retriever) -> None:
    answer = HeldFirstBatch(retriever)
    batch_sizes: list[int] = []
    queue = QuestionQueue(answer, max_batch=32, running=1, on_batch=batch_sizes.append)
    first = asyncio.create_task(queue.ask(Request(QUESTIONS[0])))
    while not answer.batches:
        await asyncio.sleep(0.001)
    gave_up = asyncio.create_task(queue.ask(Request(QUESTIONS[1])))
    stays = asyncio.create_task(queue.ask(Request(QUESTIONS[2])))
    await asyncio.sleep(0.01)
    gave_up.cancel()
    answer.release.set()
    (one, _), (two, _) = await asyncio.gather(first, stays)
    assert one.answered and two.question == QUESTIONS[2]
    assert gave_up.cancelled() and batch_sizes == [1, 1]


def test_follow_ups_from_several_chats_answered_together_match_one_by_one(
    retriever: Retriever,
) -> None:
    arrest = "When was he arrested?"
    turns = {
        "vinatier": answer_requests(retriever, [Request("Who is Laurent Vinatier?", at=0.0)])[0][1],
        "kasatkin": answer_requests(retriever, [Request("Who is Daniil Kasatkin?", at=0.0)])[0][1],
    }
    requests = [
        Request(arrest, turns["vinatier"], at=60.0),
        Request(arrest, turns["kasatkin"], at=60.0),
        Request(arrest, turns["vinatier"], at=3600.0),  # the context has expired
        Request("How many households lost electricity in Dnipropetrovsk?", turns["vinatier"]),
        Request("   "),
    ]
    together = answer_requests(retriever, requests)
    for request, (answer, turn) in zip(requests, together, strict=True):
        alone, alone_turn = answer_requests(retriever, [request])[0]
        assert [p.row for p in answer.passages] == [p.row for p in alone.passages]
        assert (answer.answered, turn) == (alone.answered, alone_turn)
    assert "Moscow restaurant in June 2024" in together[0][0].passages[0].text
    expired = retriever.ask(arrest)
    assert [p.row for p in together[2][0].passages] == [p.row for p in expired.passages]
    assert not together[4][0].answered and together[4][0].passages == []


@pytest.mark.asyncio
async def test_closing_finishes_the_batch_in_flight_and_refuses_the_rest() -> None:
    from articlebot.bot.questions import QueueClosed

    release = threading.Event()

    def answer(requests: Sequence[str]) -> list[str]:
        release.wait(10)
        return [f"answer to {r}" for r in requests]

    queue: QuestionQueue[str, str] = QuestionQueue(answer, max_batch=2, running=1)
    asked = [asyncio.ensure_future(queue.ask(f"q{i}")) for i in range(5)]
    await asyncio.sleep(0.1)  # q0 and q1 are being answered; the others wait
    queue.close()
    release.set()
    results = await asyncio.gather(*asked, return_exceptions=True)
    assert results[:2] == ["answer to q0", "answer to q1"]
    assert all(isinstance(r, QueueClosed) for r in results[2:])
    with pytest.raises(QueueClosed):
        await queue.ask("late")


#: The group whose own article `group_private_retriever` serves.
PRIVATE_GROUP = -100123456


def test_a_question_sees_only_what_its_chat_may_see_in_the_index_it_is_answered_from(
    group_private_retriever: Retriever,
) -> None:
    # The scope a handler saw when the question arrived was "everything" (no group's own
    # article was served yet); by the time the batch runs, group PRIVATE_GROUP's own article is.
    question = "Who was Laurent Vinatier swapped for?"
    asked = [
        Request(question, chat_id=-200),
        Request(question),
        # A user whose id is the group's without its sign: a private chat, not the group.
        Request(question, chat_id=-PRIVATE_GROUP),
        Request(question, chat_id=PRIVATE_GROUP),
    ]
    *strangers, own_group = answer_batch(lambda: group_private_retriever, True, asked)
    for stranger in strangers:
        assert not stranger.answer.answered and not stranger.answer.passages
        assert stranger.articles == 0
    assert own_group.answer.answered and "Kasatkin" in own_group.answer.passages[0].text
    assert own_group.articles == 1


def test_a_question_in_another_language_does_not_name_another_groups_own_article(
    group_private_retriever: Retriever,
) -> None:
    [doc_id] = group_private_retriever.index.doc_order
    title = group_private_retriever.index.documents[doc_id].title
    asked = [Request("Кого обменяли на Лорана Винатье?", chat_id=chat) for chat in (-200, None)]
    asked.append(Request("Кого обменяли на Лорана Винатье?", chat_id=PRIVATE_GROUP))
    *strangers, own_group = answer_batch(lambda: group_private_retriever, True, asked)
    for stranger in strangers:
        [line] = stranger.answer.reply.lines
        assert "по-английски" in line and title not in line and "«" not in line
    assert title in own_group.answer.reply.lines[0]


def test_a_hedge_in_a_chat_on_one_article_speaks_of_that_article(
    tmp_path: Path, encoder: Encoder
) -> None:
    harbour = tmp_path / "harbour.txt"
    harbour.write_text("Harbour reopens\n\nThe harbour reopened on Monday after repairs.\n")
    documents = read_documents([bundled_article_path(), harbour])
    settings = load_settings(index_dir=tmp_path / "index")
    data, _ = update_index(settings, encoder, documents)
    two = make_retriever(settings, data, encoder)
    hedged = "what is the population of ukraine?"
    [first] = answer_batch(lambda: two, True, [Request("Who was Vinatier swapped for?", at=10.0)])
    on_one, fresh = answer_batch(
        lambda: two, True, [Request(hedged, first.turn, at=20.0), Request(hedged, at=20.0)]
    )
    assert on_one.answer.outcome == fresh.answer.outcome == "closest"
    assert on_one.articles == 1 and fresh.articles == 2
    assert render.answer_html(on_one.answer, on_one.articles).startswith(
        "The article may not say exactly."
    )

"""Asked of one article what it does not say, a reader is pointed to another article only when
the question names something that article names and this one never mentions."""

from __future__ import annotations

import pytest

from articlebot.retrieval.reader import answered_elsewhere, read_answer

BREACH = """Hackers stole data of 9 million users from fitness app PulseTrack

SAN FRANCISCO (AP) — Hackers stole names, email addresses and workout histories of about 9.2 \
million users of the fitness app PulseTrack, the company said Tuesday.

About 5.6 million of the affected users are in the United States, the company said.

PulseTrack chief executive Maya Ortiz, 41, apologized to users in a statement.
"""

STUDY = """Daily walking cut heart failure readmissions by a third, study finds

COPENHAGEN, Denmark — Patients with heart failure who walked for 30 minutes a day were a third \
less likely to return to hospital, a Danish study of 1,200 people found.

About 400 people were affected by side effects, mostly sore knees, the researchers said.

Dr. Henrik Lassen, 52, the study's lead author, said walking was cheap and safe.
"""


@pytest.fixture(scope="module")
def two(retriever_of):
    return retriever_of(breach=BREACH, study=STUDY)


def test_a_name_only_another_article_has_points_there(two) -> None:
    answer = read_answer(two, "how old is lassen", ["breach"])
    assert not answer.answered
    other = answered_elsewhere(two, answer, ["breach"])
    assert other is not None and other.passages[0].doc_id == "study"
    assert "52" in other.passages[0].highlight_text


@pytest.mark.parametrize(
    "question",
    [
        "what did the researchers say",
        "who is the lead author",
        "how many ppl were affected",
        "when is the funeral",
    ],
)
def test_a_question_in_common_words_is_about_the_article_at_hand(two, question: str) -> None:
    # The study's researchers and its lead author match the words, but a reader asked the
    # breach story: its own author, its researchers (there are none) were meant.
    answer = read_answer(two, question, ["breach"])
    assert answered_elsewhere(two, answer, ["breach"]) is None

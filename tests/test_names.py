"""Names in text: who a sentence names, and whether it names anyone a "who" question asks for."""

from __future__ import annotations

import pytest

from articlebot.retrieval.names import names_in, names_someone


def test_a_name_may_begin_with_any_capital_letter() -> None:
    text = "Dinamo were reduced to 10 men when defender Petar Šimunić was sent off; Łukasz Nowak"
    assert names_in(text) == ["Dinamo", "Petar Šimunić", "Łukasz Nowak"]


@pytest.mark.parametrize(
    ("sentence", "question", "names"),
    [
        ("It overturns a ruling made by a single judge.", "who took them to court", False),
        ("Nováková, 22, had to win three matches in qualifying.", "who did novakova beat", False),
        ("The march was calm, though police said two were arrested.", "who was arrested", False),
        ("Hundreds of residents queued to ride the first trams.", "who rode first", False),
        # Someone or some body, by a full name, one name alone, or a saying verb after one.
        ("The Reserve Bank has noted that rents keep rising.", "who said rents are rising", True),
        ("Defender Petar Šimunić was sent off.", "who got sent off", True),
        ("Sandoval told reporters a crew would be stationed there.", "who said that", True),
        ("MELBOURNE — Riders had to win three matches.", "who won", False),
    ],
)
def test_a_sentence_names_someone_besides_whom_the_question_names(
    sentence: str, question: str, names: bool
) -> None:
    assert names_someone(sentence, question) is names

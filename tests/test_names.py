"""Names in text: who a sentence names, and whether it names anyone a "who" question asks for."""

from __future__ import annotations

import pytest

from articlebot.retrieval.names import (
    identified_after,
    names_in,
    names_someone,
    opening_person,
    people,
)


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


def test_a_person_described_first_is_named_in_the_next_sentence() -> None:
    lead = "A retired teacher digging potatoes on her allotment has found 312 Roman coins."
    named = "The coins were spotted by Brenda Hollis, 67, who has kept the plot for 30 years."
    later = "Finds officer Tom Becker, 41, said they were minted between AD 193 and 235."
    assert identified_after([lead, named, later], 0) == 1
    # The sentence after names no one with an age: no one is identified.
    assert identified_after([lead, "Hollis said it was a surprise.", later], 0) is None
    # The sentence already names its person: nobody else is whom it describes.
    assert identified_after(["Brenda Hollis found 312 Roman coins.", later], 0) is None
    # Nothing after the last sentence; a position outside the article is none.
    assert identified_after([lead, named], 1) is None
    assert identified_after([lead, named], 5) is None


def test_a_body_described_first_is_named_where_the_next_sentence_opens() -> None:
    lead = "A regional water company was fined 4.2 million pounds over spills into the River Avon."
    named = "Severnvale Water, which supplies 1.3 million homes, admitted it."
    assert identified_after([lead, named], 0) == 1
    assert identified_after([lead, "Nexatel, which has 3 million customers, said so."], 0) == 1
    # Named with what they are ("a retired postman"), or who runs them.
    hiker = "A 66-year-old hiker who went missing in the hills was found alive on Tuesday."
    postman = "Martin Fogarty, a retired postman from Drogheda, had set out alone."
    assert identified_after([hiker, postman], 0) == 1
    bakery = "A family bakery in Ludlow has been named maker of the best sourdough loaf."
    assert identified_after([bakery, "Crumb & Copper, run by Elena Moretti, won."], 0) == 1
    assert identified_after([hiker, "Officials, a spokesman said, were relieved."], 0) is None
    # A lone word before "who" is mostly no name; a name opening without "which" is not what
    # the sentence before describes.
    assert identified_after([lead, "Officials, who declined to be named, said so."], 0) is None
    assert identified_after([lead, "Severnvale Water said it was sorry."], 0) is None
    # Whom the sentence names already is the one asked about.
    macron = "French President Emmanuel Macron said it could involve thousands of troops."
    assert identified_after([macron, "Russia, which launched the war, objected."], 0) is None


def test_a_party_or_people_after_an_article_describes_someone_and_is_not_their_name() -> None:
    lead = (
        "NORWICH, Oct 9 (Eastern Press) - A Liberal Democrat candidate was declared the winner "
        "of the Fenmarsh by-election after a recount gave her a majority of seven votes."
    )
    named = "Claire Ashdown, 38, a headteacher from Swaffham, finished with 14,212 votes."
    assert "Liberal Democrat" not in people(lead)
    # So the lead describes whom the next sentence names ("who won in fenmarsh").
    assert identified_after([lead, named], 0) == 1
    # Nor is a place: "what did he do" after this sentence is not about Fort William.
    flown = "The 67-year-old was flown to Belford Hospital in Fort William, said Ann Lee."
    assert people(flown) == ["Ann Lee"]
    # A month written short is no one: "how long could he go to prison for" after this
    # sentence had been asked as "how long could Nov go to prison for".
    assert people("He is due to appear in federal court on Nov. 19.") == []
    # A name written without an article stays a name; a title before one is no part of it.
    assert people("Sarah Jones, a Liberal Democrat, and the Reverend Paul Hale spoke.") == [
        "Sarah Jones",
        "Paul Hale",
    ]
    # A football club is no one: "how old is he" after this sentence had been asked as "how
    # old is City Athletic".
    match = (
        "Harbour Rovers beat City Athletic 2-1 at Meadow Park on Saturday, with captain Sam "
        "Okafor heading in the winner three minutes from time."
    )
    assert people(match) == ["Sam Okafor"]
    assert people("Bolton Wanderers and Plymouth Argyle drew; Ana Reis scored.") == ["Ana Reis"]


def test_a_sentence_opening_with_who_someone_is_names_that_person() -> None:
    sentence = "Amara Osei, who is in her fifth year at Harris Academy, won with 7.5 points."
    assert opening_person(sentence) == "Amara Osei"
    # A body, which; a lone word; a name not followed by who they are.
    assert opening_person("Severnvale Water, which supplies 1.3 million homes, said so.") is None
    assert opening_person("Officials, who declined to be named, said so.") is None
    assert opening_person("Amara Osei finished with 7.5 points.") is None

"""A quoted phrase in a question: the passage and sentence that hold it word for word."""

from __future__ import annotations

import pytest

from articlebot.retrieval.quotes import (
    holds_phrase,
    quotation_around,
    quoted_phrases,
    sentence_quoted,
)

STRIKE = """Tram drivers in Kraków strike over pay

By Marta Nowak

KRAKÓW, Poland — Tram drivers in Kraków walked out on Monday in a dispute over pay, halting \
all 25 tram lines in Poland's second-largest city.

The city's transport company, MPK, said it had offered a 6% raise. "We made a fair offer and \
they said no," said MPK spokesman Piotr Zieliński.

Union leader Agnieszka Wójcik said drivers had not had a real raise since 2019. "We warned \
them in 2019. They did nothing," she said. "Now the city stands still."

Mayor Aleksander Miszalski called the strike "irresponsible" and urged both sides to return \
to talks.
"""


@pytest.mark.parametrize(
    ("question", "phrases"),
    [
        ('Who said "they said no"?', (" they said no ",)),
        ("who said “We warned them”", (" we warned them ",)),
        ("who said 'a fair offer'?", (" a fair offer ",)),
        ("who said «Łódź is closed»", (" lodz is closed ",)),
        # An apostrophe is no quotation mark, and one quoted word is just a word.
        ("what's the mayor's view on the drivers' pay", ()),
        ('what does "requisition" mean', ()),
        ("who said they said no", ()),
    ],
)
def test_quoted_phrases_are_two_or_more_words_in_quotation_marks(
    question: str, phrases: tuple[str, ...]
) -> None:
    assert quoted_phrases(question) == phrases


def test_a_phrase_matches_across_punctuation_case_and_line_breaks() -> None:
    phrases = quoted_phrases('who said "we warned them in 2019, they did nothing"')
    assert holds_phrase('"We warned them in 2019.\nThey did nothing," she said.', phrases)
    assert not holds_phrase("We warned them in 2018. They did nothing.", phrases)
    # The bold goes where the phrase starts, though it runs on into the next sentence.
    sentences = ["Wójcik spoke.", '"We warned them in 2019.', 'They did nothing," she said.']
    assert sentence_quoted(sentences, phrases) == 1
    assert sentence_quoted(["Nothing here."], phrases) is None


@pytest.fixture(scope="module")
def strike(retriever_of):
    return retriever_of(strike=STRIKE)


@pytest.mark.parametrize(
    ("question", "bold"),
    [
        # Without the quotation marks read as such, Wójcik's "They did nothing," she said was
        # shown: "said" and "they" are in every quote.
        ('Who said "they said no"?', "said MPK spokesman Piotr Zieliński"),
        ("who said “a fair offer”", "said MPK spokesman Piotr Zieliński"),
        ('who said "now the city stands still"', "Now the city stands still"),
    ],
)
def test_a_quoted_phrase_leads_to_the_sentence_that_holds_it(
    strike, question: str, bold: str
) -> None:
    answer = strike.ask(question)
    assert bold in answer.passages[0].highlight_text


@pytest.mark.parametrize(
    ("place", "around"),
    # The last, naming nobody, goes on from the quotation before it, which says "she said".
    [(0, (0, 0)), (1, (1, 2)), (2, (1, 2)), (3, (1, 3))],
)
def test_a_sentence_of_a_longer_quotation_is_widened_to_all_of_it(
    place: int, around: tuple[int, int]
) -> None:
    sentences = [
        "Union leader Agnieszka Wójcik said drivers had not had a real raise since 2019.",
        '"We warned them in 2019.',
        'They did nothing," she said.',
        '"Now the city stands still."',
    ]
    assert quotation_around(sentences, place) == around


def test_a_quotation_too_long_or_left_open_stays_one_sentence() -> None:
    long = ["“One.", "Two.", "Three.", "Four,” he said."]
    assert quotation_around(long, 1) == (1, 1)
    assert quotation_around(['"Opened here.', "Never closed."], 0) == (0, 0)


def test_the_bold_quotation_is_shown_whole(strike) -> None:
    answer = strike.ask("since when has the union been warning them")
    assert (
        answer.passages[0].highlight_text == '"We warned them in 2019. They did nothing," she said.'
    )
    # Asked who, "she" is no answer: the sentence naming her comes with the quotation.
    who = strike.ask("who said we warned them")
    assert who.passages[0].highlight_text == (
        "Union leader Agnieszka Wójcik said drivers had not had a real raise since 2019. "
        '"We warned them in 2019. They did nothing," she said.'
    )


def test_a_quotation_going_on_from_an_attributed_one_takes_the_speaker_in() -> None:
    sentences = [
        "The port kept working, according to Ihor Tkachenko, an adviser.",
        '"The Russians want the world to see our ports stop," Mr. Tkachenko said.',
        '"They will not see it.',
        'Three vessels left for Egypt this morning, on schedule."',
    ]
    # "They will not see it." alone names nobody: the sentence naming him comes with it.
    assert quotation_around(sentences, 2) == (1, 3)
    # A quotation naming its own speaker stays as it is.
    attributed = [
        "Lyle spoke.",
        '"It is a labor provision," she said.',
        '"We must vote no," he said.',
    ]
    assert quotation_around(attributed, 2) == (2, 2)


DERBY = """Late Okafor header gives Rovers derby win

Harbour Rovers beat City Athletic 2-1 at Meadow Park on Saturday, with captain Sam Okafor heading \
in the winner three minutes from time.

Athletic had taken the lead through Luis Ferreira's penalty in the 34th minute after Rovers \
goalkeeper Tom Reid brought down Jamal Hughes.

Rovers equalised early in the second half when 19-year-old substitute Kieran Doyle curled a shot \
into the top corner on his debut.

Okafor, 31, then rose above two defenders to meet a corner in the 87th minute. "It's the best \
goal I've ever scored," he said afterwards.
"""


def test_who_shows_a_sentence_naming_someone_by_surname_and_age_alone(retriever_of) -> None:
    retriever = retriever_of(derby=DERBY)
    doc = retriever.index.documents["derby"]
    start = doc.text.index("Okafor, 31")
    row = next(
        row
        for row in range(retriever.size)
        if retriever.index.passage(row).start <= start < retriever.index.passage(row).end
    )
    shown = retriever.passage(row, 1.0, (start, doc.text.index(" minute.", start) + 8))
    assert shown.paragraphs() == "paragraph 4"
    # "he" there is Okafor, named by his surname and age: the bold went back to the sentence
    # before, naming the substitute Doyle, and was cited as paragraph 3 alone.
    kept = retriever.whole_quotation(shown, "who scored the winner")
    assert kept.highlight_text.startswith("Okafor, 31") and kept.paragraphs() == "paragraph 4"
    # Bold running on from one paragraph into the next cites both.
    earlier = doc.text.index("Rovers equalised")
    both = retriever.passage(row - 1, 1.0, (earlier, doc.text.index(" minute.", start) + 8))
    assert both.paragraph == 3 and both.paragraphs() == "paragraphs 3-4"

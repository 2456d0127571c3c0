"""Who said it: a quotation whose speaker is only "she", or named a paragraph before, is shown
with the sentence naming them when a reader asks who; what someone said runs on to the rest of
their quotation."""

from __future__ import annotations

import pytest

from articlebot.bot import render
from articlebot.retrieval.conversation import ask_in_context
from articlebot.retrieval.reader import read_answer
from articlebot.retrieval.speakers import (
    detail_after,
    first_statement,
    named_before,
    names_someone,
    outside_quotes,
    said_after,
    speaker_asked,
)
from articlebot.terminal import format_answer_text

FLOODS = """Floods leave hundreds homeless in Porto suburbs

By Ana Ribeiro

PORTO, Portugal — Floodwater swept through three suburbs of Porto on Tuesday, leaving about \
400 people homeless after the Leça river burst its banks overnight, the city's civil \
protection service said.

Maria Lopes, 52, a nurse at the São João hospital, lost her home in Valongo when the water \
rose to the first floor within an hour. She had lived there with her two sons since 2009.

"We have nothing left, not even the photographs of my mother," she said, standing outside a \
school gymnasium that the council has turned into a shelter for the families.

The mayor, Rui Teixeira, said the council had asked the government for emergency funds to \
rehouse the families and to rebuild the embankment before the winter rains, which he called \
the most urgent work in the city.

"We warned the government about this river in 2019, and we warned it again last spring when \
the first cracks appeared in the embankment," Teixeira told reporters at the shelter.

"Nobody in Lisbon wanted to spend the money. Now we will spend ten times as much on \
rebuilding the houses."

Not everyone welcomed the plan. Shopkeepers on the riverfront said a higher embankment would \
hide their cafés from the water and drive away the summer visitors they depend on.
"""


@pytest.fixture(scope="module")
def floods(retriever_of):
    return retriever_of(floods=FLOODS)


def test_who_names_a_person() -> None:
    assert names_someone("The hero was Thomas Riou, 23, a delivery driver.")
    assert names_someone("Whitcomb testified that the family drew water from the well.")
    assert names_someone('"They knew for months," Fallon said.')
    assert names_someone('"It is a wonderful book," said Conor Dunphy.')
    # Named again by the surname and age: the "he" after it is him, not someone named before.
    assert names_someone('Okafor, 31, then rose above two defenders. "It\'s the best," he said.')
    assert not names_someone("In March, 12, then 14 people fell ill, he said.")
    # "I'd", a team after a sentence's first word, a day or a place saying nothing: nobody.
    assert not names_someone('"I\'d give every dollar of this back."')
    assert not names_someone("He saved three of Lyon's four penalties.")
    assert not names_someone("Tomorrow at seven I'm back in the van.")
    assert not names_someone("In Paris, he said no.")
    assert not names_someone("The Russians want it.")


def test_a_name_counts_outside_what_the_sentence_quotes() -> None:
    # "People told me ..." is her quotation's subject, not a person; "Nora" hers too.
    assert outside_quotes('"People told me it would cost me my job," she said.') == "  she said."
    assert outside_quotes('They did nothing," she said.') == " she said."
    assert not names_someone('"People told me it would cost me my job," she said.')
    assert not names_someone('"We beat Paris Saint-Germain," he said.')
    assert names_someone('"It is," said Conor Dunphy, whose novel "Harbour Lights" won.')


def test_a_who_question_reaches_back_to_the_name_a_pronoun_means() -> None:
    sentences = [
        "The hero was Thomas Riou, 23, a delivery driver.",
        "He saved three of Lyon's four penalties.",
        '"I had no plan," he said.',
    ]
    assert named_before(sentences, 2, 2, "who said he had no plan") == 0
    # Not asked who, or the sentence names its speaker: as it is.
    assert named_before(sentences, 2, 2, "did he have a plan") == 2
    named = ["Riou spoke.", '"I had no plan," Riou said.']
    assert named_before(named, 1, 1, "who said he had no plan") == 1
    # A paragraph of her quotation between: still her.
    raman = [
        '"I kept thinking I had made an error," Ms. Raman said.',
        '"I checked it five or six times.',
        'When I realized the numbers were real, I knew I could not stay quiet."',
        "She added that colleagues had warned her.",
        '"People told me it would cost me my job," she said.',
    ]
    assert named_before(raman, 4, 4, "who said people told me it would cost me my job") == 0
    # Nobody named within reach: as it is (never a sentence further back).
    far = ["Thomas Riou played.", *["It rained."] * 4, '"No," he said.']
    assert named_before(far, 5, 5, "who said no") == 5


def test_a_topic_sentence_too_short_to_say_anything_comes_with_the_next() -> None:
    sentences = ["Side effects were mild.", "Four children had blurred vision.", "It ended."]
    assert detail_after(sentences, 0, 0, 3) == 1
    # Not past the passage, nor for a sentence that says something itself.
    assert detail_after(sentences, 0, 0, 1) == 0
    said = ["Eleven of the 14 fires started while the batteries were charging indoors.", "No."]
    assert detail_after(said, 0, 0, 2) == 0
    # Nor for one that gives what is asked: the day the results are due is the answer.
    due = ["The final results are due on Wednesday.", "The commission had 212 complaints."]
    assert detail_after(due, 0, 0, 2, "when r the final results") == 0
    assert detail_after(due, 0, 0, 2, "what about the results") == 1


def test_what_someone_said_runs_on_to_the_rest_of_their_quotation() -> None:
    named = ["Maria Lopes, 52, lost her home.", '"We have nothing left," she said.', "It rained."]
    assert said_after(named, 0, 0, "what did lopes say") == 1
    runs_on = ['"We warned them," Teixeira said.', '"Nobody wanted to spend.', 'Now we pay."']
    assert said_after(runs_on, 0, 0, "what did teixeira say about the money") == 2
    # Another speaker's quotation, or a question not asking what was said: not theirs.
    other = ['"We warned them," Teixeira said.', '"Nonsense," a minister replied.']
    assert said_after(other, 0, 0, "what did teixeira say") == 0
    assert said_after(runs_on, 0, 0, "when did teixeira warn them") == 0


def test_who_said_shows_the_speaker_named_a_paragraph_before(floods) -> None:
    answer = floods.ask("who said they had nothing left")
    top = answer.passages[0]
    assert top.highlight_text.startswith("Maria Lopes, 52, a nurse")
    assert top.highlight_text.endswith("for the families.")
    # The passage shown starts where the bold does, and says which paragraphs the bold spans
    # (her quotation is the next one).
    assert top.text.startswith("Maria Lopes") and top.paragraph == 2
    shown = format_answer_text(answer)
    assert "**Maria Lopes, 52" in shown and "paragraphs 2-3" in shown
    assert render.fits(render.answer_html(answer))
    # The same sentence asked about otherwise is the quotation alone.
    photos = floods.ask("did she keep the photographs of her mother")
    assert photos.passages[0].highlight_text.startswith('"We have nothing left')


def test_what_someone_said_shows_the_quotation_running_into_the_next_paragraph(floods) -> None:
    top = floods.ask("what did teixeira say about lisbon").passages[0]
    assert top.highlight_text.startswith('"We warned the government')
    assert top.highlight_text.endswith('rebuilding the houses."')
    assert top.text.endswith('rebuilding the houses."') and top.paragraph == 5


def test_a_short_topic_sentence_is_shown_with_what_it_is_about(floods) -> None:
    top = floods.ask("did everyone welcome the plan").passages[0]
    assert top.highlight_text == (
        "Not everyone welcomed the plan. Shopkeepers on the riverfront said a higher "
        "embankment would hide their cafés from the water and drive away the summer visitors "
        "they depend on."
    )


VERDICT = """Former treasurer found guilty of stealing from school fund

By Jo Marsh

HARLOW, Ohio — A jury on Thursday found former county treasurer Dennis Whitcombe guilty of \
stealing $2.3 million from a fund meant to repair the county's schools.

Whitcombe showed no emotion as the verdict was read. His wife, Linda, wept in the front row.

The scheme came to light in March 2023, when a new finance director noticed that a boiler \
replacement at Harlow Middle School had been paid for twice.
"""


def test_a_short_sentence_naming_whom_who_asks_about_is_shown_alone(retriever_of) -> None:
    # A new user's find: the bold ran on into the next paragraph, cited as paragraphs 2-3.
    top = retriever_of(verdict=VERDICT).ask("who is linda").passages[0]
    assert top.highlight_text == "His wife, Linda, wept in the front row."
    assert top.paragraph == top.last_paragraph == 2
    # A thing named beside "his" is no person asked about: whose it is goes back before it
    # (XQuAD's "Who authored the Liber servitoris?").
    assert (
        named_before(
            ["Abu Qasim Zahrawi pioneered distillation.", "His Liber servitoris gives recipes."],
            1,
            1,
            "Who authored the Liber servitoris?",
        )
        == 0
    )


def test_an_answer_from_the_lead_is_paragraph_1_without_the_byline_above_it(floods) -> None:
    # The byline is no paragraph of the story: the lead is the first, as a reader counts.
    top = floods.ask("how many people were left homeless").passages[0]
    assert top.highlight_text.startswith("PORTO, Portugal")
    assert top.text.startswith("PORTO, Portugal") and top.paragraph == 1
    # Asked who wrote it, the byline is what is said.
    byline = read_answer(floods, "who wrote this")
    assert byline.reply is not None and "Ana Ribeiro" in byline.reply.lines[0]


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        ("what did teixeira say", "teixeira"),
        ("so what did Rui Teixeira say?", "Rui Teixeira"),
        ("what did the council say about it", "council"),
        # Narrowed to something ("about lisbon"), a pronoun's, or no one's words.
        ("what did teixeira say about lisbon", None),
        ("what did he say", None),
        ("what did the floods do", None),
    ],
)
def test_whose_words_are_asked(question: str, speaker: str | None) -> None:
    assert speaker_asked(question) == speaker


def test_a_persons_first_statement_is_where_a_saying_verb_stands_by_their_name() -> None:
    sentences = [
        "Teixeira is the mayor.",
        'The landing is hard, a stage that Teixeira described as "the worst".',
        '"We warned them," Mayor Rui Teixeira, 61, told reporters.',
        "Teixeira said the council would pay.",
    ]
    assert first_statement(sentences, "teixeira") == 2
    assert first_statement(sentences, "Rui Teixeira") == 2
    assert first_statement(sentences, "lopes") is None


def test_what_someone_said_is_their_first_statement_with_confidence(floods) -> None:
    answer = read_answer(floods, "what did teixeira say")
    assert answer.outcome == "answer"
    assert answer.passages[0].highlight_text.startswith("The mayor, Rui Teixeira, said")


def test_what_he_said_after_who_he_is_is_his_first_statement(floods) -> None:
    _, turn = ask_in_context(floods, "who is the mayor", None, now=100.0)
    said, _ = ask_in_context(floods, "what did he say", turn, now=120.0)
    assert said.outcome == "answer"
    assert said.passages[0].highlight_text.startswith("The mayor, Rui Teixeira, said")


def test_a_quotation_its_sentence_gives_a_speaker_for_is_shown_alone(retriever_of) -> None:
    # A bot attacker: "who called the decision a disaster?" was answered with confidence by
    # two paragraphs in bold, opening with the chief executive's, because the union's sentence
    # holds a quotation; the union names its speaker itself.
    mill = retriever_of(
        mill="Paper mill in Kemi to close, 450 jobs lost\n\n"
        "The Finnish paper company Nordpaper will close its mill in Kemi by the end of June, "
        "cutting 450 jobs, it said on Thursday.\n\n"
        "Chief executive Anna Salo said falling demand for printing paper had made the mill "
        "unprofitable. The company lost 80 million euros last year.\n\n"
        "The mill opened in 1919 and produced 500,000 tonnes of paper a year at its peak. "
        'Workers\' union Paperiliitto called the decision "a disaster for the whole region".\n'
    )
    top = mill.ask("who called the decision a disaster?").passages[0]
    assert top.highlight_text.startswith("Workers' union Paperiliitto called")
    assert top.paragraph == top.last_paragraph == 3
    # A sentence naming only a role still reaches back to the name (a verifier's probe).
    court = retriever_of(
        court="Accountant jailed for theft\n\nAn accountant was jailed for six years on Friday.\n\n"
        "Judge Richard Hale said Whitcombe had spent the money on racehorses. The judge called "
        'the crime "a cold and careful deception".\n'
    )
    top = court.ask("who called the crime a cold and careful deception").passages[0]
    assert "Judge Richard Hale" in top.highlight_text
    # So does a capitalised title describing whom the sentence before named (a verifier's
    # probe: "The Sheriff called ..." handed the answer to the next paragraph's name).
    sheriff = retriever_of(
        sheriff="Man jailed for attack on bus driver\n\nA man was jailed on Friday.\n\n"
        "Sheriff Andrew Cubie said the attack on driver Ahmed Raza was cowardly. The Sheriff "
        'called the attacker "a danger to every worker in this city".\n\n'
        "Raza's daughter, Nadia Raza, 24, a nurse, spoke outside court.\n"
    )
    top = sheriff.ask("who called the attacker a danger to every worker").passages[0]
    assert "Sheriff Andrew Cubie" in top.highlight_text

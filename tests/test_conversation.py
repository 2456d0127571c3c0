"""Follow-up questions use the chat's last turn; independent ones are left alone."""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path

import pytest
from probe_articles import TEACHERS_STRIKE

from articlebot.collection import update_index
from articlebot.config import load_settings
from articlebot.encoders import Encoder
from articlebot.ingest.documents import Document
from articlebot.retrieval.conversation import (
    Turn,
    _as_written,
    _called,
    ask_in_context,
    depends_on_context,
    leading_person,
    swapped_subject,
    swapped_time,
    with_context,
)
from articlebot.retrieval.names import names_in, people
from articlebot.retrieval.results import Answer, Highlight, RetrievedPassage
from articlebot.retrieval.retriever import Retriever


def test_dependency_and_names() -> None:
    assert depends_on_context("When was he arrested?")
    assert depends_on_context("And Kasatkin?")
    assert not depends_on_context("Who is Laurent Vinatier?")
    assert names_in("Who is Laurent Vinatier?") == ["Laurent Vinatier"]
    assert names_in("What did Jean-Noel Barrot say in Paris?") == ["Jean-Noel Barrot", "Paris"]
    # "what did she say" became "what did Dr say"; "his name" after a farmer, "One's name".
    assert names_in("The state vet, Dr. Helen Park, said") == ["Helen Park"]
    assert names_in("One farmer, Tom Reyes, lost buyers.") == ["Tom Reyes"]
    turn = Turn("Who is Laurent Vinatier?", "", 0.0)
    assert with_context("When was he arrested?", turn) == [
        "When was Laurent Vinatier arrested?",
        "When was Vinatier arrested?",
    ]
    assert with_context("What did he say?", Turn("What happened?", "", 0.0)) == [
        "What happened? What did he say?"
    ]


def test_a_question_word_alone_asks_the_last_question_again_with_it() -> None:
    previous = Turn("When does the bridge close?", "", 0.0)
    assert depends_on_context("why?") and depends_on_context("Where exactly?")
    assert with_context("from where?", previous) == ["from where does the bridge close?"]
    assert not depends_on_context("why is the bridge closed")
    assert with_context("why?", previous) == ["why does the bridge close?"]
    assert with_context("How long", previous) == ["How long does the bridge close?"]
    assert with_context("why", Turn("Vinatier was freed", "", 0.0)) == ["why Vinatier was freed"]
    # The last question's word is swapped only before an auxiliary; a greeting is left out.
    assert with_context("where", Turn("who won the final", "", 0.0)) == ["where who won the final"]
    assert with_context("why", Turn("hi, when will work begin", "", 0.0)) == ["why will work begin"]


def test_where_after_when_finds_the_place(retriever: Retriever) -> None:
    _, turn = ask_in_context(retriever, "When was Vinatier arrested?", None, now=100.0)
    where, turn = ask_in_context(retriever, "Where?", turn, now=130.0)
    assert where.outcome != "none" and "Moscow restaurant" in where.passages[0].highlight_text
    assert where.question == "Where?" and turn.question == "Where was Vinatier arrested?"
    # A second one still has the question: the turn keeps it as it was asked.
    who, _ = ask_in_context(retriever, "who?", turn, now=150.0)
    assert "Vinatier" in who.passages[0].text


def test_follow_up_finds_the_arrest_passage(retriever: Retriever) -> None:
    first, turn = ask_in_context(retriever, "Who is Laurent Vinatier?", None, now=100.0)
    assert first.answered
    follow, _ = ask_in_context(retriever, "When was he arrested?", turn, now=160.0)
    assert follow.answered
    assert "Moscow restaurant in June 2024" in follow.passages[0].text


def test_a_follow_up_to_an_answer_from_a_removed_article_is_answered(
    retriever: Retriever,
) -> None:
    # The last answer's article was removed since (an admin's /remove, the CLI): "she" is
    # still read from the last answer's words, and the articles left are searched.
    gone = Turn("who is the mayor?", "Hester Lyle, 54, has been mayor since 2019.", 100.0, "gone")
    for question in ("how old is she?", "and Kasatkin?", "where?", "who wrote it?"):
        answer, turn = ask_in_context(retriever, question, gone, now=130.0)
        assert all(p.doc_id != "gone" for p in answer.passages)
        assert turn.doc_id != "gone"


def test_context_expires_and_independent_questions_are_untouched(retriever: Retriever) -> None:
    _, turn = ask_in_context(retriever, "Who is Laurent Vinatier?", None, now=0.0)
    stale, _ = ask_in_context(retriever, "When was he arrested?", turn, now=3600.0)
    assert stale.passages[0].text == retriever.ask("When was he arrested?").passages[0].text
    question = "How many households lost electricity in Dnipropetrovsk?"
    independent, _ = ask_in_context(retriever, question, turn, now=10.0)
    assert independent.passages[0].text == retriever.ask(question).passages[0].text
    assert "500,000 households" in independent.passages[0].text


def test_a_short_question_naming_someone_in_lower_case_is_asked_of_them(
    retriever: Retriever,
) -> None:
    first, turn = ask_in_context(retriever, "how old is vinatier", None, now=100.0)
    assert first.answered and "Vinatier, 49" in first.passages[0].highlight_text
    # Typed as chats type names; the article gives no age for Kasatkin, so no confident
    # "49" for him out of the last question's "vinatier".
    second, _ = ask_in_context(retriever, "how old is kasatkin", turn, now=130.0)
    assert not second.answered
    assert second.to_json() == retriever.ask("how old is kasatkin").to_json()
    # Short and naming no one the article names: still the last question's.
    follow, _ = ask_in_context(retriever, "arrested when?", turn, now=130.0)
    assert "Moscow restaurant in June 2024" in follow.passages[0].highlight_text


def test_he_stays_a_name_typed_in_lower_case_over_an_unanswered_follow_up(
    retriever: Retriever,
) -> None:
    # The README's chat: "he" is Kasatkin in both follow-ups. The article gives no age for
    # him, and that hedged answer must not hand "he" to Vinatier, whom its sentence names
    # first.
    _, turn = ask_in_context(retriever, "who is kasatkin", None, now=100.0)
    age, turn = ask_in_context(retriever, "how old is he", turn, now=120.0)
    assert not age.answered
    # Remembered by the whole name the sentence gives, as it writes it.
    assert turn.question == "how old is Daniil Kasatkin"
    where, _ = ask_in_context(retriever, "where was he arrested", turn, now=140.0)
    assert "Kasatkin, a Russian basketball player arrested at a Paris airport" in (
        where.passages[0].highlight_text
    )
    assert "Moscow restaurant" not in where.passages[0].highlight_text


def test_an_ellipsis_asks_the_last_question_of_its_new_subject() -> None:
    assert swapped_subject("and kasatkin?", "how old is vinatier", {"vinatier"}) == (
        "how old is kasatkin"
    )
    assert swapped_subject("And Kasatkin?", "How old is Laurent Vinatier?") == (
        "How old is Kasatkin?"
    )
    asked = "how many points did darnell hayes score for unicaja"
    assert swapped_subject("what about ferraro", asked, {"darnell", "hayes", "unicaja"}) == (
        "how many points did ferraro score for unicaja"
    )
    assert swapped_subject("and what about the topix", "how did the nikkei do", {"nikkei"}) == (
        "how did the topix do"
    )
    assert swapped_subject("And the Topix?", "How did the Nikkei do?") == "How did the Topix do?"
    # A name is swapped whole: with its small words, after a capitalised question word.
    assert swapped_subject(
        "and the Quai d’Orsay?", "What is the Centre for Humanitarian Dialogue?"
    ) == ("What is the Quai d’Orsay?")
    assert swapped_subject("and dtek?", "where is the quai d'orsay", {"quai", "orsay"}) == (
        "where is the dtek"
    )
    assert swapped_subject("And Kasatkin?", "Did Vinatier go home?") == "Did Kasatkin go home?"
    # Not an ellipsis, a question of its own after "and", or nobody named to swap.
    assert swapped_subject("kasatkin?", "how old is vinatier", {"vinatier"}) is None
    assert swapped_subject("and how does it end?", "how old is vinatier", {"vinatier"}) is None
    assert swapped_subject("and kasatkin?", "how old is he", set()) is None
    for nothing_new in ("and you?", "and then?", "and?", "what about it"):
        assert swapped_subject(nothing_new, "how old is vinatier", {"vinatier"}) is None


def test_an_ellipsis_of_a_time_asks_the_last_question_of_that_time() -> None:
    assert swapped_time("and last year?", "how big was the harvest this year") == (
        "how big was the harvest last year"
    )
    assert swapped_time("and in 2019?", "how many passengers used it last yr") == (
        "how many passengers used it in 2019"
    )
    assert swapped_time("and now?", "how many schools did finland have in 1990?") == (
        "how many schools did finland have now"
    )
    assert swapped_time("what about before", "how long is the trip now") == (
        "how long is the trip before"
    )
    assert swapped_time("and now?", "how many copies did it sell back in the day") == (
        "how many copies did it sell now"
    )
    assert swapped_time("and now?", "how many signatures") == "how many signatures now"
    # The first time given; "before" only as the question's last word (a verifier: "in
    # 2019, before the pandemic" became "in 2019, now the pandemic").
    assert swapped_time("and last year?", "how many came this year compared with 2019") == (
        "how many came last year compared with 2019"
    )
    assert swapped_time("and now?", "how many came before the pandemic") == (
        "how many came before the pandemic now"
    )
    for no_time in ("and kasatkin?", "and how about now he is back?", "now?"):
        assert swapped_time(no_time, "how old is vinatier") is None


LIDO = """Riverside Lido to close after 91 years

The Riverside Lido in Ashford will close for good at the end of September, the town council
said on Tuesday, ending 91 years of open-air swimming beside the river.

At its peak in the 1960s, the lido drew about 3,000 swimmers a day in summer. By this year,
attendance had fallen to about 400 a day, and the pool has lost money every season since 2015.

"Children now learn to swim at the leisure centre in town, and families go abroad for the
sun," said Peter Lang, 58, who has managed the lido for 22 years.

The lido sold 41,000 tickets this summer, the council said. Last year it sold 52,000.
"""


def test_and_now_is_not_answered_by_a_sentence_saying_now(retriever_of) -> None:
    # A blind trial: "and now?" after "how many copies did it sell back in the day" was
    # answered with confidence by "... who'll print the footy results now." (0.95), asked
    # alone, of whatever says "now"; it asks the copies sold now.
    lido = retriever_of(lido=LIDO)
    _, turn = ask_in_context(lido, "how many people swam there a day in the 1960s", None, now=100)
    answer, _ = ask_in_context(lido, "and now", turn, now=120.0)
    bold = answer.passages[0].highlight_text
    assert "now learn to swim" not in bold
    assert not answer.answered or "400" in bold
    # Where a sentence of that time gives what was asked, it is the answer (a follow-up set:
    # "and last year?" had found "Last year's event attracted about 150,000 people" asked
    # alone, and lost it asked as "how many ... last year").
    _, turn = ask_in_context(lido, "how many tickets did the lido sell this summer", None, now=200)
    answer, turn = ask_in_context(lido, "and last year?", turn, now=220.0)
    assert "52,000" in answer.passages[0].highlight_text
    assert turn.question == "how many tickets did the lido sell last year"


def test_and_someone_else_is_not_answered_with_the_last_one_s_age(retriever: Retriever) -> None:
    # The article gives Vinatier's age, not Kasatkin's: "and kasatkin?" asks "how old is
    # kasatkin", which gets the closest passage, not Vinatier's "49" as a confident answer.
    for first, ellipsis in (
        ("how old is vinatier", "and kasatkin?"),
        ("How old is Vinatier?", "And Kasatkin?"),
    ):
        _, turn = ask_in_context(retriever, first, None, now=100.0)
        answer, after = ask_in_context(retriever, ellipsis, turn, now=130.0)
        assert answer.outcome == "closest" and answer.question == ellipsis
        assert after.question.lower() == "how old is kasatkin" + ("?" if first[0] == "H" else "")
    _, turn = ask_in_context(retriever, "who was vinatier swapped for", None, now=100.0)
    answer, _ = ask_in_context(retriever, "and what about kasatkin", turn, now=130.0)
    assert answer.answered and "Kasatkin" in answer.passages[0].highlight_text


def test_a_short_question_naming_no_one_goes_on_from_the_last() -> None:
    for question in ("what minute?", "by how much", "from where?", "highest since when"):
        assert depends_on_context(question), question
    assert not depends_on_context("Who is Kasatkin?")  # short, but it names its subject
    assert not depends_on_context("...!!!???")  # punctuation asks nothing, nor goes on
    assert not depends_on_context("how many seabirds were found dead in galicia")


def test_a_dateline_or_a_word_opening_a_sentence_is_not_who_he_is() -> None:
    # The last question names no one: "he" is the first name in the last answer's sentence,
    # which is not where the story was filed nor the word that opens it.
    scorer = "BRAGA, Portugal — Substitute Tiago Ferreira scored with a glancing header."
    rewrites = with_context("how old is he", Turn("who scored the winner", scorer, 0.0))
    assert rewrites == [
        "who scored the winner? how old is he",
        "how old is Substitute Tiago Ferreira",
        "how old is Ferreira",
    ]
    crowd = "Hundreds of residents queued to ride the first trams, said Marit Olsen."
    assert with_context("what did she say", Turn("who opened it", crowd, 0.0))[1:] == [
        "what did Marit Olsen say",
        "what did Olsen say",
    ]
    # Other datelines, and a possessive that names whose bank it is.
    for sentence, name in [
        ("LONDON (Reuters) - Finance minister Rachel Green said taxes would rise.", "Rachel Green"),
        ("Oslo, Norway — Culture minister Anne Berg opened the hall.", "Anne Berg"),
        ("PRAGUE, Oct 26 — Eighteen-year-old qualifier Nina Havelka won.", "Nina Havelka"),
        ("WELLINGTON — New Zealand's central bank governor Ann Whitcombe said", "Ann Whitcombe"),
        # A sentence opening with a word no name ("The", "In") still names the one after it.
        ("The shop's manager, Sarah Whitfield, said her staff were unhurt.", "Sarah Whitfield"),
        ("In a statement, director Ben Thorley warned of higher prices.", "Ben Thorley"),
        # A full name before a nationality or an adjective capitalised alone.
        ("The record was held by Greek forward Yannis Mavridis in 2022.", "Yannis Mavridis"),
    ]:
        rewrites = with_context("how old is she?", Turn("who spoke", sentence, 0.0))
        assert rewrites[1] == f"how old is {name}?", sentence
    # "it" is no person: the last question says what it is.
    assert with_context("how heavy is it", Turn("what did india launch", crowd, 0.0)) == [
        "what did india launch? how heavy is it"
    ]
    # Nor is "it" in "how long did it take": "him" is the pronoun a person's name replaces.
    spotted = "The panda was spotted by retired postman Keith Lindqvist, 71, at 6:50 a.m."
    rewrites = with_context("how long did it take to get him down", Turn("who saw it", spotted, 0))
    assert "how long did it take to get Keith Lindqvist down" in rewrites
    assert not any("did Keith Lindqvist take" in rewrite for rewrite in rewrites)


@pytest.mark.parametrize(
    ("first", "follow_up", "expected"),
    [
        # Other articles say what "it cost" or who "said that" more plainly than this one.
        ("how long is bergen's new light rail line", "how much did it cost", "7.2 billion"),
        ("how long will the spanish heatwave last", "who said that?", "Castañeda"),
        ("what time did varuna-2 lift off", "from where?", "Satish Dhawan"),
    ],
)
def test_a_follow_up_among_many_articles_stays_with_the_last_answer_s(
    many_articles: Retriever, first: str, follow_up: str, expected: str
) -> None:
    _, turn = ask_in_context(many_articles, first, None, now=100.0)
    answer, _ = ask_in_context(many_articles, follow_up, turn, now=130.0)
    assert answer.outcome != "none"
    assert answer.passages[0].doc_id == turn.doc_id
    assert expected in many_articles.index.documents[turn.doc_id].text


@pytest.mark.parametrize(
    ("first", "follow_up"),
    [
        ("who won stage 6 of the tour de suisse", "how long was the stage"),
        ("what did the court decide about the riders", "what did the company say"),
    ],
)
def test_a_question_naming_the_last_story_s_thing_stays_with_it(
    many_articles: Retriever, first: str, follow_up: str
) -> None:
    # No pronoun and no name, but "the stage" is the last story's: asked alone it finds a
    # rocket's upper stage and a wind farm's cost; in a chat it goes on from the last answer.
    _, turn = ask_in_context(many_articles, first, None, now=100.0)
    assert not depends_on_context(follow_up)
    alone = many_articles.ask(follow_up)
    answer, _ = ask_in_context(many_articles, follow_up, turn, now=130.0)
    assert alone.passages[0].doc_id != turn.doc_id
    assert answer.outcome != "none" and answer.passages[0].doc_id == turn.doc_id


def _retriever_of(encoder: Encoder, folder: Path, documents: list[Document]) -> Retriever:
    """A retriever over `documents`, indexed in `folder`."""
    data, _ = update_index(load_settings(index_dir=folder / "index"), encoder, documents)
    return Retriever(data, encoder)


def test_an_ellipsis_swaps_in_only_a_name_the_article_writes(
    retriever: Retriever, encoder: Encoder, tmp_path: Path
) -> None:
    # "and heating?" asks something else of the same place, not "how many households in
    # heating lost power": asked as before, it finds the heating sentence.
    first = "How many households in Dnipropetrovsk lost power?"
    _, turn = ask_in_context(retriever, first, None, now=100.0)
    answer, after = ask_in_context(retriever, "and heating?", turn, now=130.0)
    assert "heating" in answer.passages[0].highlight_text and after.question == "and heating?"
    # A hyphenated or apostrophised name is swapped whole.
    text = (
        "Two climbers reached the summit on Sunday. The first, Jean-Luc Moreau, 38, is a "
        "mountain guide from Chamonix. The second, Marie d'Angelo, 61, is a retired teacher."
    )
    climbers = _retriever_of(
        encoder,
        tmp_path,
        [Document(doc_id="climb", title="Two climbers reach the summit", text=text, source="")],
    )
    _, turn = ask_in_context(climbers, "how old is jean-luc moreau", None, now=100.0)
    answer, after = ask_in_context(climbers, "and d'angelo?", turn, now=130.0)
    assert after.question == "how old is d'angelo"
    assert "d'Angelo, 61" in answer.passages[0].highlight_text


def test_she_stays_who_she_was_over_two_follow_ups(encoder: Encoder, tmp_path: Path) -> None:
    # "how old is she" after "what did she say" read "she" from that answer's sentence, whose
    # first name was her son's: "Her son Tomasz, 34" answered, with confidence.
    text = (
        "A family bakery in Krakow has won Poland's national bread prize. Anna Kowalczyk, 61, "
        'founded the Chleb i Sol bakery in 1989 with her late husband. "Good bread is only '
        'patience and flour," she said. The prize comes with 50,000 zloty and a trip to Paris. '
        "Her son Tomasz, 34, will take over the bakery next year."
    )
    bakery = _retriever_of(
        encoder,
        tmp_path,
        [Document(doc_id="bakery", title="Krakow bakery wins bread prize", text=text, source="")],
    )
    turn = None
    for question in ("who is Anna Kowalczyk", "what did she say", "how old is she"):
        answer, turn = ask_in_context(bakery, question, turn, now=100.0)
    assert "Kowalczyk, 61" in answer.passages[0].highlight_text, answer


def test_get_or_go_say_nothing_of_what_a_follow_up_is_about(
    encoder: Encoder, tmp_path: Path
) -> None:
    # "water" is in the battery story and the port's "deep-water" terminal, "get" in the port
    # story and not the battery one: read as a topic word, it took the question away from the
    # last answer's story (to "none").
    from articlebot.evaluation import load_eval_file

    fresh = load_eval_file(Path(__file__).resolve().parents[1] / "eval" / "reader_dev_fresh.jsonl")
    stories = _retriever_of(encoder, tmp_path, fresh.documents)
    _, turn = ask_in_context(stories, "what went wrong with the batteries", None, now=100.0)
    answer, _ = ask_in_context(stories, "how does the water get in", turn, now=130.0)
    assert turn.doc_id == "fresh-003" and answer.outcome != "none"
    assert "washed with a hose" in answer.passages[0].text


@pytest.mark.parametrize(
    ("first", "switch"),
    [
        ("who won stage 6 of the tour de suisse", "who is tereza nováková"),
        ("who won stage 6 of the tour de suisse", "who is wade kowalchuk"),
        ("how long is bergen's new light rail line", "whats the quickplate ruling"),
        # Its words are in the last article too ("strike" in a match report), but another
        # article answers it with confidence and it points back at nothing.
        ("who scored the winner for Braga?", "what about the teachers' strike"),
        # "about" frames the follow-up: the words it asks about are the others.
        ("how long is bergen's new light rail line", "what about the salt road film"),
        ("who scored the winner for Braga?", "what about the quickplate riders"),
        # Naming no one in capitals, its words shared with the last article ("points",
        # "leading"), but pointing at another one at least as much.
        ("how many did perera score", "how many points did hayes have"),
        ("who did novakova beat", "how much were madrid leading by"),
        # A new user's probes: "there" and "it" that point at nothing kept a question naming
        # another story's subject on the last answer's article ("is there a second tram line
        # planned?" after the bridge story got the bridge's designer).
        ("who scored the winner for Braga?", "is there a fourth light-rail line in bergen?"),
        ("how hot did it get in andalusia", "how much does it cost to ride the bergen light rail?"),
        ("who won the tour de suisse stage", "were there any measles deaths in cluj?"),
        ("how long is bergen's new light rail line", "is there a teachers strike in kenya?"),
        # A bot attacker's probe: naming someone only another article names, with "he" for
        # them, was asked of the last answer's article ("how old was Tom Baker when he started
        # fishing?" answered with the ferry captain's age).
        ("who scored the winner for Braga?", "what did Jan Keller say after he won the stage?"),
        (
            "how long is bergen's new light rail line",
            "how old was Tadesse when he broke the record?",
        ),
        ("who won the tour de suisse stage", "what did Ferreira say after he scored?"),
    ],
)
def test_a_question_about_another_article_leaves_the_last_one(
    many_articles: Retriever, first: str, switch: str
) -> None:
    _, turn = ask_in_context(many_articles, first, None, now=100.0)
    answer, _ = ask_in_context(many_articles, switch, turn, now=130.0)
    alone = many_articles.ask(switch)
    assert answer.passages[0].doc_id == alone.passages[0].doc_id != turn.doc_id


def test_a_long_run_of_spaces_is_read_once() -> None:
    # The terminal chat takes any length: a name pattern trying each split of 40,000 spaces
    # took 10 s a question.
    question = "Tell me what Vinatier" + " " * 40_000 + "did in Moscow Region please"
    # Once first: its first call loads bm25s's stopword list (~0.2 s, more on a busy machine),
    # which is not what is timed.
    assert swapped_subject("and Kasatkin?", "How old is Vinatier?") == "How old is Kasatkin?"
    started = time.perf_counter()
    assert names_in(question) == ["Vinatier", "Moscow Region"]
    assert swapped_subject("and Kasatkin?", question) is not None
    assert time.perf_counter() - started < 0.5


def test_a_chat_question_is_read_as_the_retriever_reads_it(retriever: Retriever) -> None:
    # The terminal chat takes lines of any length: spaces are collapsed before the follow-up
    # rules read the question, as retrieval does.
    _, turn = ask_in_context(retriever, "Who is Laurent Vinatier?", None, now=100.0)
    started = time.perf_counter()
    answer, _ = ask_in_context(
        retriever, "When was he" + " " * 40_000 + "arrested?", turn, now=130.0
    )
    assert time.perf_counter() - started < 2.0
    assert answer.question == "When was he arrested?"
    assert "Moscow restaurant in June 2024" in answer.passages[0].text


def test_a_long_capitalised_word_is_no_slow_dateline() -> None:
    # "he" after a question naming no one reads the last sentence's names: a sentence opening
    # with a 250-letter code took 34 s in a chat, tried as every split into a place name.
    previous = Turn("what marker did the lab find", "A" * 250 + " is the marker.", 0.0)
    started = time.perf_counter()
    with_context("when did he find it", previous)
    assert time.perf_counter() - started < 0.5


def test_an_ellipsis_is_not_answered_by_a_passage_without_its_subject(
    many_articles: Retriever,
) -> None:
    # No article says how Veltrix's shares did in New York; "and in new york?" as typed found a
    # sentence on New Zealand with confidence. What does not mention New York is only the
    # closest; an ellipsis whose passage names its subject is still answered.
    _, turn = ask_in_context(
        many_articles, "how much did veltrix shares fall in taipei", None, now=100.0
    )
    answer, _ = ask_in_context(many_articles, "and in new york?", turn, now=130.0)
    assert answer.outcome != "answer"
    answer, _ = ask_in_context(many_articles, "what about the nikkei", turn, now=160.0)
    assert answer.outcome == "answer" and "Nikkei" in answer.passages[0].highlight_text


def test_he_after_who_is_someone_typed_in_lower_case_is_that_one(retriever: Retriever) -> None:
    # The answer's sentence names Vinatier first; "he" is whom the reader asked about.
    _, turn = ask_in_context(retriever, "who is kasatkin", None, now=100.0)
    answer, _ = ask_in_context(retriever, "where was he arrested?", turn, now=130.0)
    assert "Paris airport" in answer.passages[0].highlight_text
    # A name typed so elsewhere in a question is as often a place's or a team's.
    turn = Turn("who won the valencia marathon", "Tadesse Bekele won in Valencia.", 0.0)
    assert with_context("how old is he", turn, {"valencia"}) == [
        "who won the valencia marathon? how old is he",
        "how old is Tadesse Bekele",
        "how old is Bekele",
    ]


def test_a_long_run_of_spaces_in_the_last_sentence_is_read_at_once() -> None:
    # The sentence is the article's own text: its dateline's optional spaces, met by a long
    # run of them, were tried against each other (6 s for 16,000 characters, at every "he").
    turn = Turn("who scored?", "A" + " " * 20_000 + "x", 0.0)
    start = time.perf_counter()
    assert with_context("how old is he?", turn) == ["who scored? how old is he?"]
    assert time.perf_counter() - start < 0.5


def test_a_pronoun_or_an_ellipsis_points_back() -> None:
    from articlebot.retrieval.conversation import points_back

    assert points_back("how old is she?") and points_back("when did this happen")
    assert points_back("and kasatkin?")
    # Short, but pointing at nothing said before: another article may answer it.
    assert not points_back("who was convicted") and not points_back("who won the final")
    # "there" and "it" that point at nothing; and those that do.
    for nothing in (
        "is there a second line planned?",
        "how many were there in 2022",
        "is it safe to eat turkey",
        "how much does it cost to ride the tram",
    ):
        assert not points_back(nothing), nothing
    for back in ("how much does it cost?", "what happened there", "is it safe?", "was there?"):
        assert points_back(back), back


def test_after_a_role_holder_she_is_the_holder_not_the_company() -> None:
    # "Meridian Crest" and "The Monetary Board" come first in the sentences; the question asked
    # for the chief executive and the governor, whom the title names.
    ceo = Turn(
        "who is the ceo",
        "Meridian Crest chief executive Laura Whitfield said the company would cooperate.",
        0.0,
    )
    assert with_context("what did she say", ceo)[1:] == [
        "what did Laura Whitfield say",
        "what did Whitfield say",
    ]
    governor = Turn(
        "who's the governor of the central bank",
        '"The Monetary Board judged that action was needed," Governor Ramon Villacorta said.',
        0.0,
    )
    assert "how old is Villacorta" in with_context("how old is he", governor)


MATCH_REPORT = """Harcourt Rovers stun leaders Kingsbridge 3-1

KINGSBRIDGE, England — Harcourt Rovers ended Kingsbridge United's unbeaten run on Saturday, \
winning 3-1 at Ashdown Park.

Kingsbridge had looked comfortable after striker Thiago Mendes headed them in front in the \
11th minute. It was the 27-year-old's 19th league goal of the season.

"I told the players at half-time that we had nothing to fear," said Harcourt manager Gavin \
Lowe, 48, who took charge of the club in 2022.
"""


def test_after_what_a_role_holder_said_he_is_the_holder(retriever_of) -> None:
    # The quote's sentence opens with no name and names the club first; "he" is the manager
    # the question asked about, and the article gives his age beside his name (a reader's
    # trial got the other team's 27-year-old striker).
    said = Turn(
        "what did the harcourt coach say after",
        '"I told the players," said Harcourt manager Gavin Lowe, 48, who took charge in 2022.',
        0.0,
    )
    assert "how old is Gavin Lowe" in with_context("how old is he", said)
    match = retriever_of(match=MATCH_REPORT)
    _, turn = ask_in_context(match, "what did the harcourt coach say", None, doc_ids=["match"])
    answer, _ = ask_in_context(match, "how old is he", turn, doc_ids=["match"])
    assert "Lowe, 48" in answer.passages[0].highlight_text


def test_she_is_no_ocean_no_weekday() -> None:
    # The lead names no one; "she" is then asked after the last question, not of a place.
    lead = Turn(
        "who found it",
        "Marine biologists have discovered a snailfish in the southwest Pacific Ocean, "
        "according to a study published on Wednesday.",
        0.0,
    )
    assert with_context("how old is she", lead) == ["who found it? how old is she"]


def test_he_after_who_is_her_coach_is_the_coach_not_her(retriever_of) -> None:
    # The last question put in front ("whos her coach? what did he say") found her own words,
    # "she said"; the rewrite naming the coach says whom "he" means.
    tennis = retriever_of(
        tennis=(
            "Teenager Lindqvist stuns top seed Moreau to win Rotterdam Indoor title\n\n"
            "ROTTERDAM (Sportswire) - Nineteen-year-old Swede Elin Lindqvist beat Camille "
            "Moreau 6-4 3-6 7-6(5) on Sunday to win the Rotterdam Indoor Open.\n\n"
            "Lindqvist's coach, the former Dutch doubles player Ruud Schilder, 52, said the win "
            'had been coming for months. "Since the autumn she has been winning sets against '
            'top-10 players," Schilder said. "Her serve under pressure was the difference."\n\n'
            "Schilder, who began working with Lindqvist in 2022, said they had spent the "
            "off-season in Valencia working on her second serve.\n\n"
            "Lindqvist started playing at a club where her mother, Karin, was a coach.\n\n"
            "Asked how she would celebrate, Lindqvist laughed and said she would probably eat "
            '"a very big pizza". "My coach will say no, but I think today I am allowed," she '
            "said.\n"
        )
    )
    _, turn = ask_in_context(tennis, "whos her coach", None, doc_ids=["tennis"])
    answer, _ = ask_in_context(tennis, "what did he say", turn, doc_ids=["tennis"])
    shown = answer.passages[0].highlight_text
    assert "Schilder" in shown and "I think today I am allowed" not in shown


def test_why_after_how_many_asks_why_of_what_was_counted() -> None:
    # Written "why how many ppl r they laying off" before, which found nothing.
    laid_off = Turn("how many ppl r they laying off", "x", 0.0)
    assert with_context("why", laid_off) == ["why are they laying off people"]
    assert with_context("why", Turn("how much did he steal", "x", 0.0)) == ["why did he steal"]


JAILED = """Former Szeged mayor jailed for six years over construction bribes

BUDAPEST — A Hungarian court on Tuesday sentenced the former mayor of Szeged, Laszlo Bartha, \
to six years in prison for taking bribes worth more than 380 million forints from builders.

Bartha, 63, who led the city for 11 years, was found guilty of bribery and money laundering.

Zoltan Vida, 57, the owner of a road-building company, was jailed for three years for paying \
the bribes, and two other businessmen received suspended sentences.
"""


def test_how_long_after_who_got_jailed_asks_of_the_one_named(retriever_of) -> None:
    """'for how long' after 'who got jailed' (answered by the lead naming Bartha) asks how
    long Bartha got, not who else 'jailed for' finds; 'he' then is Bartha too."""
    court = retriever_of(jailed=JAILED)
    first, turn = ask_in_context(court, "who got jailed", None, now=100.0)
    assert first.answered and "Laszlo Bartha" in first.passages[0].highlight_text
    how_long, turn = ask_in_context(court, "for how long", turn, now=120.0)
    assert "six years" in how_long.passages[0].highlight_text
    age, _ = ask_in_context(court, "how old is he", turn, now=140.0)
    assert "Bartha, 63" in age.passages[0].highlight_text


MARATHON = """Kiptoo smashes Berlin Marathon record, Bekele wins women's race

BERLIN — Kenyan runner Daniel Kiptoo won the Berlin Marathon on Sunday in a course record of \
2 hours 0 minutes 41 seconds.

Kiptoo, 26, broke away from a leading group of four at the 32-kilometre mark.

In the women's race, Bekele, 24, pulled away from Kenya's Ruth Chepngetich in the final five \
kilometres to win in 2:16:22, a personal best by more than two minutes.

Chepngetich, 30, finished second in 2:17:05 and Germany's Laura Hahn, 28, was third.
"""


def test_she_is_the_first_named_in_the_answer_though_a_phrase_opens_it(retriever_of) -> None:
    """ "In the women's race, Bekele, 24, pulled away from Kenya's Ruth Chepngetich": "she" is
    Bekele, named first with her age, though the sentence opens with "In"."""
    race = retriever_of(marathon=MARATHON)
    first, turn = ask_in_context(race, "who won the women's race", None, now=100.0)
    assert first.passages[0].highlight_text.startswith("In the women's race, Bekele")
    age, _ = ask_in_context(race, "how old is she", turn, now=120.0)
    assert age.passages[0].highlight_text.startswith("In the women's race, Bekele, 24")


PRIZE = """Norwegian biologist wins Nordic prize for a plastic-eating enzyme

COPENHAGEN, Denmark — Norwegian marine biologist Ingrid Salvesen has won the Nordic Science \
Prize for discovering an enzyme that breaks down plastic in cold seawater, the prize committee \
said on Wednesday.

Salvesen, 58, a professor at the University of Bergen, will receive 8 million Danish kroner \
at a ceremony in Copenhagen on December 10. She said she would spend it on her laboratory.

Maria Lindgren, 49, a waste policy analyst in Stockholm, welcomed the award but said enzymes \
alone would not solve the plastic crisis.
"""


def test_a_first_question_with_she_means_the_one_the_story_opens_with(retriever_of) -> None:
    # Nothing asked before: "she" is the person the lead names, not the analyst quoted later.
    retriever = retriever_of(prize=PRIZE)
    answer, _ = ask_in_context(retriever, "how old is she", None)
    assert answer.passages[0].highlight_text.startswith("Salvesen, 58")
    # "he" is not the woman the article calls "she".
    answer, _ = ask_in_context(retriever, "how old is he", None)
    assert not (answer.answered and "Salvesen, 58" in answer.passages[0].highlight_text)
    # Asked of one article among several (a channel post, /use): that article's lead.
    two = retriever_of(prize=PRIZE, flood=FLOOD_FOR_PRIZE)
    answer, _ = ask_in_context(two, "how old is she", None, doc_ids=["prize"])
    assert answer.passages[0].highlight_text.startswith("Salvesen, 58")


CHESS = """Dundee teenager becomes youngest Scottish chess champion

EDINBURGH, Jul 21 (Caledonian News Service) - A 16-year-old schoolgirl from Dundee became the \
youngest ever winner of the Scottish Chess Championship on Sunday, defeating the top seed in a \
final-round game that lasted more than five hours.

Amara Osei, who is in her fifth year at Harris Academy, finished the tournament with 7.5 \
points, half a point ahead of grandmaster Colin MacRae.

The previous record for the youngest champion was held by Ewan Forsyth, who won in 1997 aged 17.

Osei said she would celebrate with a takeaway pizza and a day off from chess.
"""


def test_she_described_by_her_age_in_the_lead_and_named_next_is_that_age(retriever_of) -> None:
    # The lead describes her ("A 16-year-old schoolgirl"), the next sentence names her: "how old
    # is she" asked first, and "how old is amara osei", are the lead's 16, not the old record
    # holder's "aged 17".
    retriever = retriever_of(chess=CHESS)
    for question in ("how old is she", "how old is amara osei"):
        answer, _ = ask_in_context(retriever, question, None)
        assert "A 16-year-old schoolgirl" in answer.passages[0].highlight_text, question


RIDGE = """Climber rescued from Glen Coe ridge after two nights in snow hole

FORT WILLIAM, March 3 (Midland Wire) - A retired geography teacher who spent two nights in a \
snow hole on one of Scotland's most notorious ridges was airlifted to safety on Sunday.

Graham Lockhart, 67, from Stirling, had set out alone at 7:15 a.m. on Friday to walk the \
Aonach Eagach ridge above Glen Coe.

The 67-year-old was winched aboard the helicopter and flown to Belford Hospital in Fort William.
"""


def test_he_is_remembered_by_name_not_by_age(retriever_of) -> None:
    # "how old is he" is asked as "how old is Graham Lockhart" and as "how old is the
    # 67-year-old", as long: the chat remembers the name (it had been either, by the order of
    # a set), so the next "he" is still him, not "Fort William" in the sentence shown.
    retriever = retriever_of(ridge=RIDGE)
    _, turn = ask_in_context(retriever, "who was the climber that got rescued", None, now=0.0)
    _, turn = ask_in_context(retriever, "how old is he", turn, now=10.0)
    assert "Graham Lockhart" in turn.question
    answer, _ = ask_in_context(retriever, "where is he from", turn, now=20.0)
    assert "from Stirling" in answer.passages[0].highlight_text


STARTUP = """Founder of start-up Brightlattice charged with defrauding investors

NEW YORK, Nov 6 (Continental Wire Service) - The founder and former chief executive of \
Brightlattice, a logistics software start-up valued at $1.3 billion, was charged on Wednesday \
with defrauding investors out of more than $212 million, prosecutors said.

Nathaniel Creed, 36, was arrested at his home in Palo Alto at about 6 a.m. and charged with \
securities fraud and wire fraud.

Brightlattice's former chief financial officer, Dana Whitcombe, 41, pleaded guilty last month \
and is cooperating with prosecutors.

Founded in 2017, Brightlattice sold software to match freight with empty space on trucks. A \
funding round in 2022 valued the company at $1.3 billion.

In August, Brightlattice laid off 140 of its 310 staff, and Creed resigned as chief executive in \
September, saying he wanted to focus on his family. The company is now run by interim chief \
executive Tom Haverly, 52.
"""


def test_he_after_a_lead_describing_someone_is_whom_the_next_sentence_names(retriever_of) -> None:
    # The answer was the lead, which names no one but the company: "he" is Nathaniel Creed,
    # whom the next sentence names, and is remembered so (it had been "Brightlattice").
    retriever = retriever_of(startup=STARTUP)
    answer, turn = ask_in_context(retriever, "how much was the startup worth", None, now=0.0)
    assert answer.passages[0].highlight_text.startswith("NEW YORK")
    answer, turn = ask_in_context(retriever, "when did he quit as ceo", turn, now=10.0)
    assert "resigned" in answer.passages[0].highlight_text
    assert "Nathaniel Creed" in turn.question  # not "when did Brightlattice quit as ceo"


LISBON_OPEN = """Twelve-year-old Amara Diallo becomes youngest champion of the Lisbon Open

By Daniel Ferreira, 9 August 2024

LISBON — Amara Diallo, a 12-year-old from Dakar, won the Lisbon Open chess tournament on \
Sunday, becoming the youngest player ever to take the title in its 58-year history.

Diallo finished with 7.5 points from nine rounds, half a point ahead of the top seed, \
Grandmaster Viktor Sorensen of Denmark, 41, whom she beat in the seventh round after a \
five-hour game.

"I was very tired at the end, but I knew his king was weak," Diallo said after the prize \
ceremony. "My coach told me never to accept a draw when I can still win."

Her coach, Ibrahima Ndiaye, 67, a former national champion of Senegal, has trained her since \
she was six. He said she studies chess for four hours a day after school. "She does not play \
like a child," Ndiaye said. "She plays like someone who has lost many times and learned from \
each one."

The tournament drew 212 players from 31 countries. The winner receives 15,000 euros and an \
invitation to the European Championship in Vienna in November.

Sorensen, who had won the Lisbon Open twice before, in 2011 and 2018, was gracious in defeat. \
"She outplayed me in the endgame. There is nothing to be ashamed of in losing to the future," \
he said.

## A record that stood for 30 years

The previous record for the youngest winner belonged to Hungarian player Zsofia Bartok, who \
won in 1994 at the age of 15. Bartok, now 45 and a chess commentator, was in the hall for the \
final round. She called Diallo's play "fearless and precise."

Diallo's rating is expected to rise to about 2,410 after the event, which would make her the \
highest-rated player under 13 in the world. The International Chess Federation has not yet \
confirmed the figure.

The tournament director, Rui Almeida, said attendance had doubled compared with last year, \
largely because of interest in Diallo's games, which were streamed online to more than 80,000 \
viewers.

Diallo's mother, Fatou Diallo, a nurse, said the family had raised money from neighbours to \
pay for the trip to Lisbon. "We did not expect this," she said. "We only hoped she would have \
a good experience."

Diallo said she planned to celebrate by going to the beach and eating ice cream. Her next \
tournament is in Barcelona in October.
"""


def test_she_is_the_winner_and_he_her_coach_by_how_the_article_calls_them(retriever_of) -> None:
    # "Amara Diallo, a 12-year-old from Dakar" gives her age; "he" after "who is her coach" is
    # the coach, not the girl the rewrite had put in the last question ("who is Amara
    # Diallo's coach"); a new user's chat had answered both with the old record holder.
    retriever = retriever_of(lisbon=LISBON_OPEN)
    answer, turn = ask_in_context(retriever, "how old is she", None, now=0.0)
    assert "a 12-year-old from Dakar" in answer.passages[0].highlight_text
    answer, turn = ask_in_context(retriever, "who is her coach", turn, now=10.0)
    assert "Ibrahima Ndiaye, 67" in answer.passages[0].highlight_text
    answer, _ = ask_in_context(retriever, "how old is he", turn, now=20.0)
    assert "Ibrahima Ndiaye, 67" in answer.passages[0].highlight_text


def test_who_won_bare_is_the_win_the_lead_tells(retriever_of) -> None:
    # Not "The previous record ... belonged to Hungarian player Zsofia Bartok, who won in 1994".
    answer, _ = ask_in_context(retriever_of(lisbon=LISBON_OPEN), "who won", None)
    assert answer.passages[0].highlight_text.startswith("LISBON — Amara Diallo")


SIGNING = """Harbour City sign striker Lindqvist for club-record 38 million euros

HARBOUR CITY, Jul 28 (Coastline Press) - Harbour City FC have signed Swedish striker Mateo \
Lindqvist from Dutch side FC Vlaardam for a club-record fee of 38 million euros, the club \
announced on Monday.

The 24-year-old, who scored 27 league goals last season, has signed a five-year contract worth \
a reported 140,000 euros a week.

The deal beats the previous club record of 26 million euros paid for Brazilian midfielder \
Caio Ramos in 2019. Ramos left for Spain two years later.

Lindqvist passed a medical at the club's Westfield training ground on Saturday and was \
presented to around 3,000 supporters at the Anchor Stadium on Monday afternoon, where he will \
wear the number nine shirt.

Harbour City manager Roberto Falcone, 51, has been searching for a striker since veteran \
forward Danny Keane retired in May at the age of 36 after 14 years at the club.
"""


def test_a_rewrite_not_given_is_not_remembered_as_whom_he_meant(retriever_of) -> None:
    # "what shirt number will he wear" after the record signing before him was rewritten
    # "... will Caio Ramos wear"; the question as asked was answered with confidence (the
    # signing's shirt), yet the chat remembered Caio Ramos, and "who is the manager" was then
    # asked of him: "The deal beats the previous club record ... Caio Ramos".
    retriever = retriever_of(signing=SIGNING)
    _, turn = ask_in_context(retriever, "who was the previous record signing", None, now=0.0)
    answer, turn = ask_in_context(retriever, "what shirt number will he wear", turn, now=10.0)
    assert answer.answered and "number nine shirt" in answer.passages[0].highlight_text
    assert "Ramos" not in turn.question
    answer, _ = ask_in_context(retriever, "who is the manager", turn, now=20.0)
    assert "manager Roberto Falcone" in answer.passages[0].highlight_text


FLOOD_FOR_PRIZE = """River bursts its banks in Carrick

CARRICK, Ireland — The river burst its banks on Sunday, flooding 40 homes, said Mayor Ann Doyle.

Residents were moved to a school hall overnight.
"""


def test_he_after_and_the_ceo_is_the_chief_executive_not_ceo() -> None:
    # "CEO" is a title, not a name: "how old is he" had been asked as "how old is CEO?" and
    # answered "not in the article" though the sentence just shown gives his age.
    ceo = Turn(
        "and the CEO?",
        "The company's chief executive, Daniel Okafor, 47, said an investigation had been "
        "opened together with the Marine Accident Investigation Branch.",
        0.0,
    )
    rewrites = with_context("how old is he?", ceo)
    assert "how old is Daniel Okafor?" in rewrites
    assert not any("CEO?" in rewrite and "old is CEO" in rewrite for rewrite in rewrites)
    assert names_in("CEO Tim Cook and MP Jane Holt") == ["Tim Cook", "Jane Holt"]


def test_an_ellipsis_whose_words_the_passage_holds_is_at_least_the_closest(retriever_of) -> None:
    # "what about the 1994 one" found the sentence on the 1994 walkout and was refused as
    # "not in the article": the topic gate reads its three short words as little.
    strike = retriever_of(strike=TEACHERS_STRIKE)
    turn = None
    for question in ("when did the strike start", "how long did it last"):
        _, turn = ask_in_context(strike, question, turn, doc_ids=["strike"])
    answer, _ = ask_in_context(strike, "what about the 1994 one", turn, doc_ids=["strike"])
    assert answer.outcome in ("answer", "closest")
    assert "since 1994" in answer.passages[0].highlight_text


FINE = """Regulator fines Streamly 1.1 billion euros over children's data

DUBLIN — Ireland's data regulator fined the video app Streamly 1.1 billion euros on Friday.

"We are disappointed that the commission did not give proper weight to our changes," \
Streamly's chief privacy officer, Nathaniel Brooks, said in a statement.

Streamly Plus will launch on July 15 in 12 countries, Chief Executive Marisa Delgado said at an \
event in San Jose. "Our users want a choice about ads," Delgado said.
"""


def test_an_ellipsis_naming_someone_by_title_asks_the_last_question_of_them(
    retriever_of,
) -> None:
    # A reader's probe: "what about the ceo" after "what did he say" (the privacy officer)
    # showed the privacy officer's statement again.
    fine = retriever_of(fine=FINE)
    turn = None
    for question in ("who is the chief privacy officer", "what did he say"):
        _, turn = ask_in_context(fine, question, turn, doc_ids=["fine"])
    answer, _ = ask_in_context(fine, "what about the ceo", turn, doc_ids=["fine"])
    assert "Delgado" in answer.passages[0].highlight_text


LIBRARY = """Council approves new library after long debate

BRAMFORD, Oct 3 (Shire Wire) - Bramford council approved a new 6 million pound library on \
Tuesday after a four-hour debate.

Council leader David Marsh, 58, and opposition leader Priya Shah, 44, both backed the plan, \
which passed by 31 votes to 9.

Shah said she had campaigned for the library for six years and called the vote "a win for \
every child in this town".

Marsh said he expected building work to start next spring and the library to open in 2028.
"""


def test_she_after_an_answer_naming_a_man_first_is_the_woman_it_names(retriever_of) -> None:
    # The answer names David Marsh first, then Priya Shah, whom the article calls "she".
    library = retriever_of(library=LIBRARY)
    first, turn = ask_in_context(library, "who backed the plan", None, now=100.0)
    assert "Priya Shah" in first.passages[0].highlight_text
    said, _ = ask_in_context(library, "what did she say", turn, now=120.0)
    assert said.passages[0].highlight_text.startswith("Shah said she had campaigned")
    said, _ = ask_in_context(library, "when did he say work would start", turn, now=120.0)
    assert said.passages[0].highlight_text.startswith("Marsh said he expected")
    # Without knowing how the article calls them, the first named stays whom "she" means.
    both = Turn("who backed the plan", first.passages[0].highlight_text, 0.0)
    assert with_context("what did she say", both)[1] == "what did David Marsh say"


RESCUE = """Injured walker rescued after two nights on a ridge

FORT WILLIAM, Mar 3 (Glen Wire) - A retired teacher who spent two nights in a snow hole on a \
ridge above the glen was airlifted to safety on Sunday morning, rescuers said.

Graham Lockhart, 67, from Stirling, had set out alone on Friday to walk the ridge, a route he \
had completed more than 20 times. He slipped on ice at around 2 p.m., breaking his ankle.

His wife raised the alarm at 9 p.m. on Friday when he failed to return to their cottage. The \
mountain rescue team sent 18 volunteers onto the hill overnight despite strong winds.

Speaking from his hospital bed, Lockhart said he had survived on two cereal bars and a flask \
of coffee.

A coastguard helicopter from Inverness reached the ridge at first light on Sunday after two \
earlier attempts were called off because of low cloud.

The 67-year-old was flown to Belford Hospital in Fort William, where he was treated for \
hypothermia and frostbite.

Team leader Ewan Grant, 52, said the operation had been one of the hardest of the winter.
"""


def test_he_is_also_asked_as_the_age_news_goes_on_to_call_him(retriever_of) -> None:
    # "Graham Lockhart, 67" is later "The 67-year-old": the rewrite by name alone found the
    # sentence naming him ("his hospital bed"), not the one saying which hospital.
    lockhart = Turn("who was rescued", "Graham Lockhart, 67, from Stirling, set out.", 0.0)
    rewrites = with_context("which hospital was he taken to", lockhart)
    assert "which hospital was the 67-year-old taken to" in rewrites
    rescue = retriever_of(rescue=RESCUE)
    answer, _ = ask_in_context(rescue, "wich hospital was he taken to", None)
    assert "Belford Hospital" in answer.passages[0].highlight_text


def test_he_asked_first_of_a_story_naming_a_body_after_its_lead_is_asked_as_typed(
    retriever_of,
) -> None:
    # The lead describes a company, the next sentence names it: no person for "he" (this had
    # looked for one among nobody).
    fine = retriever_of(
        fine="""Water company fined record sum over sewage spills

BRISTOL, Mar 14 (West Wire) - A regional water company was ordered on Thursday to pay a record \
4.2 million pound fine for letting sewage into a river on 37 occasions.

Severnvale Water, which supplies about 1.3 million households, pleaded guilty in January.

Its chief executive, Paul Drury, 55, said he was sorry.
"""
    )
    answer, _ = ask_in_context(fine, "how old is he", None)
    assert answer.passages


FRAUD = """Startup founder charged with defrauding investors of $90 million

By Lena Ortiz

NEW YORK, Oct 2 (Wire) - Marcus Hale, the founder of payments startup Ledgerly, was charged on \
Tuesday with defrauding investors of about $90 million by inventing customers and revenue.

Hale, 39, was arrested at his apartment in Brooklyn. He has pleaded not guilty.

Ledgerly's former finance chief, Dana Whitcombe, 41, pleaded guilty last month to conspiracy \
and is cooperating with prosecutors. She is due to be sentenced in March.

A judge released Hale on $2 million bail secured by his parents' house. He is due back in court \
on Nov. 19.

The company, which once employed 220 people, closed in May.
"""


def test_he_after_a_woman_is_the_story_s_own_man(retriever_of) -> None:
    # A readers' trial: "how much is his bial" after "whos dana whitcombe", whom the article
    # calls "she", was asked of her ("how old is he" was answered "Dana Whitcombe, 41").
    retriever = retriever_of(fraud=FRAUD)
    for first in ("whos dana whitcombe", "who pleaded guilty"):
        _, turn = ask_in_context(retriever, first, None, now=0.0)
        assert "Dana Whitcombe, 41" in turn.highlight
        answer, _ = ask_in_context(retriever, "how old is he", turn, now=10.0)
        assert answer.passages[0].highlight_text.startswith("Hale, 39"), first
        # "She" after her is still her.
        answer, _ = ask_in_context(retriever, "how old is she", turn, now=20.0)
        assert "Dana Whitcombe, 41" in answer.passages[0].highlight_text
    told = "The finance chief, Dana Whitcombe, 41, pleaded guilty."
    previous = Turn("whos dana whitcombe", told, 0.0)
    article = [told, "She is due to be sentenced.", "Marcus Hale was charged.", "He denies it."]
    called = partial(_called, sentences=article)
    lead = partial(leading_person, article)
    assert with_context("how much is his bial", previous, (), called, lead) == [
        "how much is Marcus Hale's bial",
        "how much is Hale's bial",
    ]
    # A coach the article calls "he" beside the runner it calls "she" may be either: no one
    # is taken from the lead for him.
    article = ["Her coach, Marc Dubois, said he was sure she had not cheated.", *article]
    assert leading_person(article, "he", ["Marc Dubois"]) is None
    assert leading_person(article, "he", ["Dana Whitcombe"]) == "Marcus Hale"
    # A pronoun after a name speaks of it up to the next person named, and a sentence's
    # opening "She" of the first person the one before names (a reader's probe: "when will she
    # take office" after a turn on Pike was not asked of Alvarez, as a voter's "She" after
    # "who voted for Pike" had made Pike "she").
    recount = [
        "The recount gave Deborah Alvarez a victory over Gerald Pike, who said he would appeal.",
        "Alvarez, 36, said she was delighted.",
        "Pike, 71, has represented the ward since 2003.",
        "Ann Lee, who voted for Pike in every election, did not begrudge the newcomer.",
        "She said so.",
    ]
    assert leading_person(recount, "she", ["Pike"]) == "Deborah Alvarez"


def test_the_story_s_own_man_is_looked_for_near_its_top_only() -> None:
    # Every sentence of a book-length text read for its people, each asked how the text calls
    # them, would take minutes for one follow-up.
    book = ["Dana Whitcombe pleaded guilty.", "She is due to be sentenced."] + [
        f"On day {n} the committee met again, Ann Lee said." for n in range(50_000)
    ]
    start = time.perf_counter()
    assert leading_person(book, "he", ["Dana Whitcombe"]) is None
    assert time.perf_counter() - start < 5.0


@pytest.mark.parametrize(
    ("rewrite", "question", "bold", "remembered"),
    [
        (
            "how old is eleanor whitfield",
            "how old is she",
            "Eleanor Whitfield, 67, a retired head teacher, said residents were overjoyed.",
            "how old is Eleanor Whitfield",
        ),
        (
            "wat was lotte vermeulen's time",
            "wat was her time",
            "Lotte Vermeulen, 29, finished more than a minute ahead of Kenya's Grace Chebet.",
            "wat was Lotte Vermeulen's time",
        ),
        # A sentence's first word is no name; what the asker typed stays as typed.
        (
            "what is her mother called",
            "whats the mother called",
            "Her mother, Nuru, 14, arrived from Prague.",
            "what is her mother called",
        ),
    ],
)
def test_a_name_put_in_for_a_pronoun_is_remembered_whole(rewrite, question, bold, remembered):
    passage = RetrievedPassage(
        "doc", "Title", 1, 0, len(bold), bold, 1.0, Highlight(0, len(bold)), bold
    )
    answer = Answer(question, answered=False, confidence=0.5, passages=[passage])
    assert _as_written(rewrite, question, answer) == remembered


def test_he_stays_the_person_over_an_age_given_before_the_name(retriever_of) -> None:
    # The age stands in the lead, before the name ("A 71-year-old fisherman ..."): "how old is
    # he" named Colm Brady's daughter (same surname, her age after it); answered by the lead,
    # which names nobody, the next "he" lost him to the rescuer.
    sea = retriever_of(
        sea=(
            "Fisherman found alive on rocks after two nights at sea\n\n"
            "KILKEE, Ireland, May 3 — A 71-year-old fisherman whose boat sank off the Clare "
            "coast on Thursday was found alive on Saturday morning by a kayaker, the coast "
            "guard said.\n\n"
            "Colm Brady, a retired harbour master from Kilrush, had gone out alone to check "
            "lobster pots at about 6 a.m. on Thursday.\n\n"
            "He was found clinging to rocks below the Loop Head lighthouse by Aoife Kinsella, "
            "26, a kayaking instructor who heard him whistling.\n\n"
            "Brady was flown by helicopter to University Hospital Limerick, where he was "
            "treated for a broken wrist and hypothermia.\n\n"
            'His daughter, Sinead Brady, 38, said the family had "feared the worst".\n'
        )
    )
    turn = None
    for question in ("who was the fisherman", "how old is he"):
        answer, turn = ask_in_context(sea, question, turn, doc_ids=["sea"])
    assert "71-year-old" in answer.passages[0].highlight_text
    for question, told in (
        ("wat did he used to do for work", "retired harbour master"),
        ("where was he from", "Kilrush"),
        ("was he hurt", "broken wrist"),
    ):
        answer, _ = ask_in_context(sea, question, turn, doc_ids=["sea"])
        assert told in answer.passages[0].highlight_text, question


STUDY = """Alpine lakes warming twice as fast as the air, study finds

GENEVA, May 4 (Wire) - Lakes high in the Alps are warming twice as fast as the air around \
them, a study published on Monday found.

The study, led by limnologist Petra Imhof of the University of Bern, used temperature loggers \
in 62 lakes over 15 years.

"We did not expect the lakes to outpace the air," said Imhof, 47. "It changes what lives in \
them."

The research was paid for by the Swiss National Science Foundation.
"""


def test_she_after_who_led_it_is_the_leader_not_her_university(retriever_of) -> None:
    # "led by glaciologist Anna Keller of ETH Zurich": "what did she say" was asked of "ETH
    # Zurich", the name ending the "by" phrase, and answered with the dateline.
    retriever = retriever_of(study=STUDY)
    _, turn = ask_in_context(retriever, "who led the study", None, now=0.0)
    answer, turn = ask_in_context(retriever, "what did she say", turn, now=10.0)
    assert "said Imhof, 47" in answer.passages[0].highlight_text
    assert "Petra Imhof" in turn.question
    assert people("The panel, chaired by Ruth Adler of Oxford, met.") == ["Ruth Adler"]
    assert people("The Bank of England raised rates again.") == []


TRANSFER = """Rovers sign Brazilian striker for club-record £18m

Carrick Rovers have signed the Brazilian striker Lucas Moreira from Benfica for a club-record \
fee of £18 million, the club announced on Thursday.

Moreira, 24, has signed a five-year contract. He scored 21 goals in 33 league games for the \
Portuguese club last season.

Manager Tom Keane said Moreira was "exactly the type of player we need". Rovers finished ninth \
in the league last season, scoring only 38 goals.
"""


def test_after_who_signed_for_a_club_he_is_the_player_not_the_club(retriever_of) -> None:
    # A CLI attacker's probe: after "who signed for Rovers?", "how old is he?" was asked of
    # Rovers ("Rovers finished ninth ... 38 goals"), and "how many goals did he score?" got
    # the club's 38 with confidence. "He" is the striker the answer names.
    club = retriever_of(transfer=TRANSFER)
    signed, turn = ask_in_context(club, "who signed for Rovers?", None)
    assert "Lucas Moreira" in signed.passages[0].highlight_text
    age, turn = ask_in_context(club, "how old is he?", turn)
    assert "Moreira, 24" in age.passages[0].highlight_text, age.passages[0].highlight_text
    goals, _ = ask_in_context(club, "how many goals did he score?", turn)
    assert "21 goals" in goals.passages[0].highlight_text
    assert not ("38 goals" in goals.passages[0].highlight_text and goals.answered)


HARBOUR_VOTE = """Port Elm council rejects harbour expansion after heated vote

By Maria Okafor

PORT ELM — The town council voted 7 to 5 on Tuesday night against a plan to expand the \
harbour, ending two years of debate over the project.

Mayor Helen Brandt, who had backed the project, said she was "deeply disappointed" by the \
result. "This was our chance to bring 400 jobs to the town," she said.

Councillor Peter Lindqvist, who led the opposition, said the plan would have destroyed the \
seagrass beds that shelter young cod. He did not rule out supporting a smaller scheme in future.

The council will meet again on 14 March to discuss the town's budget.
"""


def test_and_before_a_follow_up_keeps_the_kind_of_answer_it_asks_for(retriever_of) -> None:
    # A bot attacker's probe: "and how old is he?" after "what did Lindqvist say?" repeated
    # his words with confidence; "and" hid the question's "how old" from the checks.
    town = retriever_of(vote=HARBOUR_VOTE)
    said, turn = ask_in_context(town, "what did Lindqvist say?", None)
    assert "seagrass" in said.passages[0].highlight_text
    for question in ("and how old is he?", "so how old is he?"):
        age, _ = ask_in_context(town, question, turn)
        assert not age.answered, (question, age.passages[0].highlight_text)


MINE = """Portuguese villagers win court fight against lithium mine

LISBON — A court in Lisbon has suspended the licence for an open-pit lithium mine in the
north of Portugal after villagers argued that its water use had not been assessed.

The mine, planned by the British-listed company Savannah Resources, would produce enough
lithium each year for about 500,000 electric car batteries. The company says it would create
300 direct jobs in a region that has lost a third of its population since 1990.

Savannah Resources said it was "disappointed" by the ruling. Its chief executive has said the
company hopes to start production in 2028. The company's shares fell 18% in London on Friday.
"""


def test_a_question_word_alone_is_answered_by_the_sentence_just_shown(retriever_of) -> None:
    # A new user: after "The company's shares fell 18% in London on Friday.", "and where?"
    # got a hedge on another passage and "when?" got "doesn't seem to answer".
    mine = retriever_of(mine=MINE)
    first, turn = ask_in_context(mine, "how much did savannah shares fall?", None)
    assert "fell 18%" in first.passages[0].highlight_text
    for follow_up in ("and where?", "when?"):
        answer, turn = ask_in_context(mine, follow_up, turn)
        assert answer.outcome == "answer", follow_up
        assert "fell 18% in London on Friday" in answer.passages[0].highlight_text, follow_up
    # Where the sentence shown does not hold it, the question is asked as before.
    _, turn = ask_in_context(mine, "what would the mine produce?", None)
    answer, _ = ask_in_context(mine, "when?", turn)
    assert "enough lithium" not in answer.passages[0].highlight_text

"""The answer-type check: a sentence about the subject that lacks the asked age or count."""

from __future__ import annotations

import time

import pytest

from articlebot.config import load_settings
from articlebot.retrieval.answer_type import (
    NameQuestion,
    PlacingQuestion,
    VerdictQuestion,
    aged_thing_sentence,
    answer_type_missing,
    clause_tells,
    count_doer_asked,
    counted_thing,
    counts_directly,
    denies_asked,
    finished_behind,
    first_tally,
    gives_reason,
    leaves_out_the_doer,
    leaves_party_out,
    leaves_unnamed,
    mentions_verb,
    name_asked,
    names_winner,
    naming_sentence,
    opens_with_age,
    placing_asked,
    reason_asked,
    says_work,
    score_asked,
    states_age_of,
    states_placing,
    suffered_asked,
    tally_asked,
    tells_a_similar_one,
    tells_an_earlier_one,
    tells_what_would_have_been,
    thing_age_asked,
    verdict_asked,
    verdict_of,
    verdicts_of,
    wanted_type,
    winner_asked,
    with_news_words,
    withholds_name,
)
from articlebot.retrieval.reader import counted_not_refused, read_answer
from articlebot.retrieval.results import Answer, Highlight, RetrievedPassage

VINATIER = (
    "Laurent Vinatier, 49, who was serving a three-year sentence, was swapped for Daniil "
    "Kasatkin, a Russian basketball player arrested at a Paris airport last June."
)
FIRE = (
    "Firefighters were battling a blaze near the town of Almonte that had burned about 600 "
    "hectares of scrub by Sunday evening."
)


@pytest.mark.parametrize(
    ("question", "sentence", "missing"),
    [
        ("How old is Vinatier?", VINATIER, 0.0),
        # Both are named; the age is Vinatier's.
        ("How old is kasatkin?", VINATIER, 1.0),
        # A name the sentence lacks: the age is whoever it names'.
        ("how old is putin", VINATIER, 1.0),
        ("how old is the french researcher", VINATIER, 0.0),
        ("how old is the kid who scored the winner", "Said Ferreira, 20, who came through.", 0.0),
        ("how old is the guy they arrested", "Police arrested a 34-year-old man on Friday.", 0.0),
        ("how old is the hall", "It has been the heart of the town for 140 years.", 0.0),
        ("how old is the bridge", "The bridge, built in 1968, was closed.", 0.0),
        # A duration is no age.
        ("how old is he", "Kovač joined in a deal worth €12 million over three years.", 1.0),
        # How long someone named has done something is no age of theirs (a thing's, above).
        (
            "how old is lynette harrow",
            "Lynette Harrow, who has directed the department for 12 years, said so.",
            1.0,
        ),
        ("how old is harrow", "Harrow, who is 61, has directed it for 12 years.", 0.0),
        # Numbers, but no age.
        ("how old is chepkoech", "Chepkoech said she had aimed to run under 2:16.", 1.0),
        ("how old is hayes", "Darnell Hayes led Unicaja with 24 points and seven assists.", 1.0),
        ("how old is germany", "In Germany, 12.5% of people voted.", 1.0),
    ],
)
def test_an_age_is_asked_of_the_person_it_belongs_to(question, sentence, missing):
    assert answer_type_missing(question, sentence) == missing


@pytest.mark.parametrize(
    ("question", "sentence", "missing"),
    [
        ("age of vinatier", VINATIER, 0.0),
        ("what is kasatkin's age?", VINATIER, 1.0),
        ("whats her age", "Kovač joined in a deal worth €12 million over three years.", 1.0),
        ("and his age", "Said Ferreira, 20, who came through.", 0.0),
        ("what is the age of the bridge", "The bridge, built in 1968, was closed.", 0.0),
        ("the age of putin?", VINATIER, 1.0),
    ],
)
def test_an_age_asked_without_how_old_is_asked_as_one(question, sentence, missing):
    # "whats her age" had wanted any answer: a deal's three years were as good as an age.
    assert wanted_type(question) == "number"
    assert answer_type_missing(question, sentence) == missing


@pytest.mark.parametrize(
    "question", ["what is the age limit", "how did the stone age end", "is there an age limit"]
)
def test_age_as_another_words_part_asks_no_age(question):
    assert answer_type_missing(question, "Kovač joined in a deal over three years.") == 0.0


@pytest.mark.parametrize(
    ("question", "sentence", "missing"),
    [
        # The firefighters are there; the number counts hectares.
        ("How many firefighters are fighting the blaze", FIRE, 1.0),
        ("how many helicopters did the team use", "A team using helicopters found it.", 1.0),
        ("How many jobs were promised", "It promised about 1,900 permanent jobs.", 0.0),
        ("how many measles cases in cluj", "Confirmed measles cases had risen to 214.", 0.0),
        ("how many soldiers could france send", "It could send thousands of French troops.", 0.0),
        # Counted in other words: the check cannot tell, so it does not object.
        ("How many homes are without power", "Nearly 500,000 households were cut off.", 0.0),
        ("how many people lost heating and water", "Over 1 million consumers had no heating.", 0.0),
        # No number at all.
        ("how many drones did russia launch", "Drone attacks triggered blackouts.", 1.0),
    ],
)
def test_a_count_stands_near_what_it_counts(question, sentence, missing):
    assert answer_type_missing(question, sentence) == missing


@pytest.mark.parametrize(
    ("question", "sentence", "missing"),
    [
        # An age, a duration, a time of day, money, a year: none counts the trapped.
        (
            "how many ppl were trapped",
            "Yaw Mensah, 32, a drill operator, spent 52 hours underground.",
            1.0,
        ),
        ("how many died", "It gave way at 2 a.m. on Tuesday in 2024, costing $4 million.", 1.0),
        ("how many musicians are in the orchestra", "She will conduct 10 weeks a season.", 1.0),
        ("how many jobs did the project create", "The project cost around NT$150 billion.", 1.0),
        ("how many died", "The death toll rose to 12.", 0.0),
        ("how many people marched", "Thousands of people marched in the capital.", 0.0),
        ("how many were trapped", "It happened at 2 a.m., trapping 21 workers.", 0.0),
        # What is counted is itself a measure: the measure answers.
        ("how many years did he serve", "He served 12 years on the bench.", 0.0),
        ("how many hours were they trapped", "They spent 52 hours underground.", 0.0),
    ],
)
def test_a_count_is_not_an_age_a_time_or_a_measure(question, sentence, missing):
    assert answer_type_missing(question, sentence) == missing


@pytest.mark.parametrize(
    "question",
    ["how strong were the winds", "how hot did it get", "how fast was the car"],
)
def test_how_strong_or_hot_wants_a_number(question):
    assert wanted_type(question) == "number"
    assert answer_type_missing(question, "Winds were strong and it was hot.") == 1.0
    assert answer_type_missing(question, "Gusts reached 80 mph; it hit 41C.") == 0.0


def test_how_expensive_wants_money():
    assert answer_type_missing("how expensive are the tickets", "About 40,000 came.") == 1.0
    assert answer_type_missing("how expensive are the tickets", "Tickets cost £95.") == 0.0


def test_how_long_is_answered_by_an_end_too():
    sentence = "The heatwave was expected to last until at least Wednesday."
    assert answer_type_missing("How long will the heat last", sentence) == 0.0
    assert answer_type_missing("How long will the heat last", "It was very hot.") == 1.0


def test_the_counted_thing_is_the_noun_before_the_verb():
    assert counted_thing("how many permanent jobs were promised") == "job"
    assert counted_thing("How many buses did they add?") == "bus"
    assert counted_thing("how many did fernando make") is None
    # A verb in the present ends the counted thing once it has begun, not before.
    assert counted_thing("how many crew work on the ferry") == "crew"
    assert counted_thing("how many people live in the town") == "people"
    assert counted_thing("how many work permits were issued") == "permit"
    assert counted_thing("how many lives were lost") == "live"
    assert counted_thing("who won") is None


@pytest.mark.parametrize(
    ("question", "sentence", "missing"),
    [
        ("How much will the new hub cost", "It would allow an extra 6,000 operations a year.", 1.0),
        ("how much will she be paid", "She will conduct at least 10 weeks of concerts.", 1.0),
        (
            "How much will rebuilding the hall cost?",
            "Councillors approved a £14.2 million scheme.",
            0.0,
        ),
        ("how much did the mission cost", "The mission cost about 420 million euros.", 0.0),
        # Currencies written with letters of their own, or the list lacked (a new user's
        # "how much money did the bakery win" was only "closest" for its "50,000 złoty").
        ("how much money did the bakery win", "The prize comes with 50,000 złoty.", 0.0),
        ("how much will the pension pay", "It rises from 830 pula to 900 pula.", 0.0),
        ("how much was the fine", "The court fined it 2 million forints.", 0.0),
        # Not money: any number answers.
        ("How much over budget did it go", "Costs rose by roughly 18 percent.", 0.0),
        # A prize won (a new user's "how much did she win" was answered with confidence by
        # her winning time); a margin won by is any number.
        ("how much did she win", "Achieng won in 2 hours 19 minutes.", 1.0),
        ("how much did she win", "She will take home a prize of $50,000.", 0.0),
        ("how much did they win by", "They won by 14 points.", 0.0),
        # "What would it cost" asks for money as "how much" does (a blind trial's was
        # answered with confidence by "raise the height of the dam by 6 metres").
        ("what would the second phase cost", "It would raise the dam by 6 metres.", 1.0),
        ("what would the second phase cost", "It is estimated to cost $310 million.", 0.0),
        ("what did the repairs cost them", "Repairs took 18 months.", 1.0),
        # What an event cost someone is no amount (a verifier's probe: "his job").
        ("what did the defeat cost Whitley", "The defeat cost Whitley his job.", 0.0),
    ],
)
def test_money_is_answered_in_a_currency(question, sentence, missing):
    assert answer_type_missing(question, sentence) == missing


@pytest.mark.parametrize(
    ("question", "sentence", "missing"),
    [
        ("what's the satellite called", "India launched the Varuna-2 satellite on Saturday.", 0.0),
        # The only name is the one asked about ("Tadesse's" is Tadesse).
        ("what's the name of tadesse's coach", '"I felt good," Tadesse said.', 1.0),
        ("what is the name of the company", "Two farms run by the same company were culled.", 1.0),
    ],
)
def test_a_name_is_a_name_the_question_does_not_give(question, sentence, missing):
    assert answer_type_missing(question, sentence) == missing


@pytest.mark.parametrize(
    ("question", "sentence", "missing"),
    [
        # The thing is there, no name beside it (a reader's "whats the ship called" got this).
        (
            "whats the ship called",
            "The team used a lander, which is dropped from a ship and sits on the seafloor.",
            1.0,
        ),
        (
            "what is the fish called",
            "The pale fish, which grows to 24 centimeters, was filmed.",
            1.0,
        ),
        ("what is the name of the injured worker", "An injured worker was taken to Ede.", 1.0),
        # Named beside it, named by a verb, or called something else.
        (
            "whats the name of the tanker",
            "The Maltese-flagged tanker Aurora Bay began leaking.",
            0.0,
        ),
        ("what is the fish called", "The researchers have named it Pseudoliparis lumenis.", 0.0),
        ("whats the ship called", "It sailed aboard the research vessel RV Tangaroa.", 0.0),
        ("what's the shop's name", "The shop, Ruby Lane Jewellers, was robbed.", 0.0),
        ("whats her husbands name", "Her husband, Tom Hale, milks the herd.", 0.0),
        ("whats his name", "His lawyer, Edward Debono, told reporters.", 0.0),
        ("which route does he drive", "Marek Nowak has driven the No. 36 route.", 0.0),
        (
            "which journal was it published in",
            "It was published in the Journal of Vertebrate Palaeontology.",
            0.0,
        ),
        # A name with a preposition between is another thing's: the place, not the husband.
        (
            "whats her husbands name",
            "Ruth Penhaligon, 46, who milks 240 cows near Wiveliscombe with her husband, said "
            "the cut would cost the farm 8,500 pounds a month.",
            1.0,
        ),
        (
            "what is the captain's name",
            "The captain of the Aurora Bay, a 51-year-old Greek national, was questioned.",
            1.0,
        ),
        # A day or a month is no name: not the hospital's, nor anyone's.
        (
            "which hospital did they take him to",
            "The hospital said on Tuesday evening that he was in a stable condition.",
            1.0,
        ),
        (
            "which hospital did they take him to",
            "He was airlifted to St Vincent's University Hospital in Dublin.",
            0.0,
        ),
    ],
)
def test_a_things_name_stands_beside_it(question, sentence, missing):
    assert answer_type_missing(question, sentence) == missing


def test_an_amount_asked_for_by_name_wants_a_number():
    # "citing falling steel prices" gives no price; an amount in a currency (pence too) does.
    prices = "The company cited falling steel prices and higher energy costs."
    assert answer_type_missing("what is the price of steel", prices) == 1.0
    milk = "The cut will take Valewood's standard litre price to 34.5p, down from 37.5p."
    assert answer_type_missing("so whats the new price", milk) == 0.0
    turnout = "Turnout was 52.6 percent, up from 47 percent."
    assert answer_type_missing("what was the turnout", turnout) == 0.0
    assert answer_type_missing("what was the turnout", "Voters queued all day.") == 1.0
    # Not an amount: a reason, a pay deal's share, a town's first settlement.
    assert wanted_type("what is the reason for the strike") is None
    assert wanted_type("what was the first recorded settlement there") is None


def test_a_population_is_a_count_of_people():
    households = "DTEK said nearly 500,000 households in Dnipropetrovsk were without power."
    assert answer_type_missing("What is the population of Ukraine?", households) == 1.0
    city = "Bergen, a city of about 290,000 people, opened its fourth line."
    assert answer_type_missing("what's the population of bergen", city) == 0.0


def test_when_will_wants_what_is_to_come():
    past = "State officials closed the bridge on Tuesday evening."
    coming = "Demolition is expected to begin in September."
    assert answer_type_missing("when will the bridge reopen", past) == 1.0
    assert answer_type_missing("when will the bridge reopen", coming) == 0.0
    # Asked of the past, a past time answers.
    assert answer_type_missing("when was the bridge closed", past) == 0.0
    # A count says nothing of when; a date, abbreviated or not, a year or a time of day does.
    sold = "About 51,000 of the bikes were sold in Denmark."
    assert answer_type_missing("when were they sold", sold) == 1.0
    for sentence in (
        "They were sold between March 2022 and August 2023.",
        "Parliament is expected to vote on the budget on Feb. 27.",
        "The fire broke out at 4:17 a.m.",
        "The Tran defeated the Mongols at the Battle of Bach Dang (1288).",
        "He was sent off in the 80th minute.",
    ):
        assert answer_type_missing("when did it happen", sentence) == 0.0, sentence
    # News writes a schedule in the present.
    scheduled = "The motion returns to council on March 18."
    assert answer_type_missing("when will they vote on it again", scheduled) == 0.0
    assert answer_type_missing("when is the next hearing", "The trial resumes on Monday.") == 0.0
    # "when can ...", "when's his next ...", "when does X start" ask what is to come too: the
    # lead's "voted late on Tuesday" was the bold sentence for "when does the ban start".
    lead = "The city council voted late on Tuesday to ban private cars from the old town."
    for question, sentence in (
        ("when does the ban start", "The ban will take effect on April 1."),
        ("when does the fare hike start", "The new fare takes effect on January 6."),
        ("when can i see it at the museum", "It will go on display from January 10."),
        ("when are the next strikes", "The union plans further walkouts on March 18."),
        ("when's his next court date", "He is due back in court on Nov. 19."),
        ("when could he make his debut", "He could make his debut on August 16."),
    ):
        assert answer_type_missing(question, lead) == 1.0, question
        assert answer_type_missing(question, sentence) == 0.0, question
    assert answer_type_missing("when did the ban start", lead) == 0.0
    # "may" is to come; "May" the month is not.
    assert answer_type_missing("when will the bridge reopen", "It was shut in May 2024.") == 1.0
    assert answer_type_missing("when will the bridge reopen", "It may reopen in June.") == 0.0
    # "The first since 1998" dates the one before: it says when the last strike was, not this.
    before = "The strike is the first at the plant since 1998, when workers stayed out 11 days."
    assert answer_type_missing("when did the strike start", before) == 1.0
    assert answer_type_missing("when was the last strike", before) == 0.0
    # The same for a count: the one before's acres are not this fire's, unless it is asked of.
    fire = (
        "The fire is the largest in the county since the Canyon Creek Fire of 2018, which "
        "burned about 45,000 acres."
    )
    assert answer_type_missing("how big is the fire", fire) == 1.0
    assert answer_type_missing("how many acres did the canyon creek fire burn", fire) == 0.0


def test_names_are_asked_without_an_apostrophe_too():
    company = "Two farms run by the same company were culled."
    assert answer_type_missing("whats the name of the company", company) == 1.0


def test_a_follow_up_after_the_last_question_wants_its_own_kind_of_answer():
    # How a chat asks "how much did it cost" after "how long is the new line" (conversation's
    # rewrite): the money question, not the length one.
    asked = "how long is bergen's new light rail line? how much did it cost"
    assert answer_type_missing(asked, "It opened a 9.8-kilometre route on Monday.") == 1.0
    assert answer_type_missing(asked, "The line cost 7.2 billion Norwegian crowns.") == 0.0


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        ("how old is the lead scientist", "The code " + "ACGT" * 5000 + " Marchenko, 49, who"),
        ("what is the population of kharkiv", "Census " + "1" * 20000 + " at 1.4 million people."),
        (
            "how many people live there",
            "Census " + "1," * 10000 + " puts it at 1.4 million people.",
        ),
        ("how many people died", "-" * 20000 + " people."),
    ],
)
def test_a_sentence_the_splitter_left_whole_is_read_quickly(question, sentence):
    # An unsplit blob (a DNA string, a table) took seconds to scan; a sentence is read no
    # further than a long sentence's length, in linear time.
    started = time.perf_counter()
    answer_type_missing(question, sentence)
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        ("how old is Tom Reyes?", "Police named the owner as Tom Reyes, 34."),
        ("how old is Tom Reyes?", "Tom Reyes (34) was held overnight."),
        ("how old was the mayor when he died", "He died at the age of 87."),
        ("how much will the repairs cost?", "Repairs will cost 2 million USD."),
        ("how much did the bridge cost", "It cost 5 billion roubles."),
        ("how many were killed", "Sixty people were killed."),
    ],
)
def test_more_ways_news_gives_an_age_a_price_a_count(question, sentence):
    assert answer_type_missing(question, sentence) == 0.0


def test_population_as_a_subject_is_no_number_question():
    assert wanted_type("how did the local population react?") is None
    assert wanted_type("whats the population of bergen") == "number"


def test_an_age_after_a_name_with_any_capital_letter() -> None:
    assert states_age_of("Łukasz Żółkiewski-Čermák", "Żółkiewski-Čermák, 31, beat the mark.")


def test_an_age_before_a_word_of_who_they_are_and_the_name() -> None:
    # A new user's "how old is adeyemi" was answered, with confidence, by the age he joined
    # the academy at.
    sentence = "One of the players she sent on, 19-year-old striker Tomi Adeyemi, scored twice."
    assert states_age_of("Adeyemi", sentence)
    assert not states_age_of("Owen Pryce", sentence)
    # What someone of that age did to him is not his age (a verifier's probe).
    # Who one is, though a word of it is a verb's form too (a second verifier's probe).
    for role in ("left winger", "sports presenter", "shot stopper"):
        assert states_age_of("Adeyemi", f"The 19-year-old {role} Tomi Adeyemi scored.")
    for verb in ("hit", "shot", "beat", "faced", "attacked"):
        assert not states_age_of("Adeyemi", f"A 23-year-old fan {verb} Tomi Adeyemi on Friday.")


def test_a_relatives_age_is_not_the_persons_of_the_same_surname() -> None:
    # "who was the missing hiker" -> Martin Fogarty; "how old is he" was his daughter's 34.
    daughter = 'His daughter, Niamh Fogarty, 34, said the family had "started to prepare".'
    assert not states_age_of("Martin Fogarty", daughter)
    assert states_age_of("Niamh Fogarty", daughter)
    assert not states_age_of("Martin Fogarty", "Bernadette Fogarty, 64, said he knew the area.")
    # A middle name between, or the long form of the given name asked, is still them (a
    # verifier's probes: "How old is Jan Keller?" of "Jan Willem Keller, 41," was hedged).
    assert states_age_of("Jan Keller", "Nordhaven named Jan Willem Keller, 41, as its chief.")
    assert states_age_of("Tom Brandt", "Thomas Brandt, 55, a dock worker, said it was fair.")
    assert not states_age_of("Tom Brandt", "His daughter, Niamh Brandt, 24, disagreed.")
    # His surname alone, with a title or an honorific before it, is still him.
    for sentence in (
        "Fogarty, 66, was airlifted to hospital.",
        "Mr Fogarty, 66, was airlifted to hospital.",
        "Superintendent Fogarty, 66, said he was retiring.",
        "The hiker, Martin Fogarty, 66, was airlifted to hospital.",
    ):
        assert states_age_of("Martin Fogarty", sentence), sentence
    # Asked by surname alone, any Fogarty's age is the best there is.
    assert states_age_of("Fogarty", daughter)


def test_a_named_persons_age_is_the_one_right_after_the_name() -> None:
    from articlebot.retrieval.answer_type import age_asked, states_age_of

    assert age_asked("how old is okafor?") == "okafor"
    assert age_asked("how old is the mayor") is None and age_asked("how old is she") is None
    assert age_asked("how old is O'Sullivan's husband") is None  # his age, not hers
    assert states_age_of("vinatier", VINATIER)
    # Kasatkin is named there, but the age is Vinatier's.
    assert not states_age_of("kasatkin", VINATIER)
    assert states_age_of("nováková", "Nováková, 22 and ranked 97th, had to qualify.")
    assert states_age_of("okafor", "Mr. Okafor, 54, showed little emotion.")
    # After who they are: an age apposed ("a 12-year-old from Dakar"), or after a home.
    assert states_age_of("amara diallo", "Amara Diallo, a 12-year-old from Dakar, won.")
    assert states_age_of("sorensen", "the top seed, Viktor Sorensen of Denmark, 41, lost.")
    assert not states_age_of("diallo", "Diallo, a former champion, won in 2:05.")


def test_an_age_given_with_another_name_is_not_the_asked_persons() -> None:
    from articlebot.retrieval.answer_type import ages_only_others

    goals = (
        "Striker Jamal Okoro scored twice in the first half, and the 21-year-old midfielder "
        "Lena Fischer sealed the win."
    )
    assert ages_only_others("okoro", goals) and ages_only_others("Striker Jamal Okoro", goals)
    assert not ages_only_others("lena fischer", goals)
    assert ages_only_others("Kasatkin", "Vinatier, 49, was swapped for Kasatkin.")
    assert not ages_only_others("Vinatier", "Vinatier, 49, was swapped for Kasatkin.")
    # Whose age it is, the sentence does not say: it may be theirs.
    assert not ages_only_others("amara osei", "A 16-year-old schoolgirl from Dundee won.")
    assert not ages_only_others("okoro", "Okoro scored twice.")  # no age at all


def test_a_name_of_three_words_asked_by_any_of_them_with_or_without_accents() -> None:
    from articlebot.retrieval.answer_type import age_asked, states_age_of

    # "how old is Siobhán Ó Briain" had been no age question at all (two words at most), and
    # "how old is siobhan" missed her: the age follows her surname, and "á" is not "a".
    cafe = "The owner of Zoë's Café in Dúnmore, Siobhán Ó Briain, 39, won the award on Friday."
    assert age_asked("how old is Siobhán Ó Briain?") == "Siobhán Ó Briain"
    assert age_asked("how old is ursula von der leyen") == "ursula von der leyen"
    for name in ("Siobhán Ó Briain", "Siobhan O Briain", "siobhan", "o briain", "Briain"):
        assert states_age_of(name, cafe), name
    assert not states_age_of("zoe", cafe)
    # A first name is someone else's when another given name stands before the surname.
    assert not states_age_of("martin", "His daughter, Niamh Fogarty, 34, raised the alarm.")
    assert states_age_of("martin", "The hiker, Martin Fogarty, 66, was airlifted to hospital.")


@pytest.mark.parametrize(
    ("sentence", "missing"),
    [
        # Her age beside her husband, who is named without one: not his age.
        (
            "The bride, Niamh O'Sullivan, 31, a physiotherapist from Bandon, said she and her "
            "husband Ciaran had cancelled their honeymoon.",
            1.0,
        ),
        ("She and her husband, Ciaran Walsh, 34, left early.", 0.0),
        ("Her 34-year-old husband was unhurt.", 0.0),
        # The husband not named at all: whoever's age it is may be his.
        ("Ciaran Walsh, 34, said they had cancelled the trip.", 0.0),
    ],
)
def test_a_relations_age_is_the_one_given_with_them(sentence: str, missing: float) -> None:
    assert answer_type_missing("how old is her husband", sentence) == missing
    # As a chat rewrites "her": by her name.
    assert answer_type_missing("how old is Niamh O'Sullivan's husband", sentence) == missing


WILDFIRE = """Wildfire forces 28,000 to flee in southern Oregon

By Dana Reyes

REDFORD COUNTY, Oregon (AP) - A fast-moving wildfire forced about 28,000 people to evacuate \
their homes on Saturday as gusts of up to 55 miles per hour drove flames toward two towns.

The fire had burned 46,300 acres by Saturday evening and was 6% contained, according to the \
state forestry department. About 1,450 firefighters were assigned to it.

A further 11,000 residents were told to be ready to leave at short notice, and the county \
opened shelters at its fairgrounds.

Meteorologist Kevin Albright said a red flag warning would remain in place until Sunday night. \
Humidity had fallen to 9%, he said, and temperatures were expected to reach 101 degrees \
Fahrenheit.

"The winds should ease on Monday, which would give firefighters a window," Albright said.
"""


@pytest.mark.parametrize(
    ("question", "shown"),
    [
        # The article says "temperatures", never "hot"; "gonna" and "r" are chat for
        # "going to" and "are" (a reader's "how hot is it gonna get" got "doesn't seem to
        # answer that").
        ("how hot is it gonna get", "101 degrees"),
        ("how hot will it be on sunday", "101 degrees"),
        ("how hot r temperatures gonna get", "101 degrees"),
    ],
)
def test_a_quantity_asked_by_its_adjective_finds_the_measure(retriever_of, question, shown):
    from articlebot.retrieval.reader import read_answer

    answer = read_answer(retriever_of(wildfire=WILDFIRE), question, ["wildfire"])
    assert answer.outcome != "none"
    assert shown in answer.passages[0].highlight_text


def test_the_quantity_is_named_for_the_search_only():
    assert with_news_words("how hot did it get?") == "how hot did it get? (temperature)"
    assert with_news_words("how deep is the trench") == "how deep is the trench (depth)"
    assert with_news_words("how hot-headed is he") == "how hot-headed is he"
    assert with_news_words("who won") == "who won"
    # A workforce is what an employer employs, not the people it serves.
    asked = "how many people work for the trust"
    assert with_news_words(asked) == f"{asked} (employs staff)"
    assert with_news_words("how many ppl work there?") == "how many ppl work there? (employs staff)"
    assert with_news_words("how many people were hurt") == "how many people were hurt"
    # A reader's probe: "how many workers does brightway have" missed "employs about 2,300".
    for asked in ("how many workers does brightway have", "how many staff does the trust employ"):
        assert with_news_words(asked) == f"{asked} (employs staff)"
    assert (
        with_news_words("how many people did police arrest") == "how many people did police arrest"
    )
    # A court's term as news gives it ("was sentenced Thursday to seven years in prison"), not
    # what a charge carries ("how long could he go to prison", "the max sentence he faces").
    for asked in (
        "what sentence did she get",
        "how long did she get",
        "how long did Creed get in prison?",
        "what was her sentence",
        "how long is the defendant's sentence",
    ):
        assert with_news_words(asked) == f"{asked} (sentenced to years in prison)", asked
    # Casualties as news counts them ("No deaths have been reported", "was treated for a
    # broken wrist"), not in a chat's "did anyone die" / "was anyone hurt".
    assert with_news_words("did anyone die") == "did anyone die (deaths killed)"
    assert with_news_words("were there any deaths?") == "were there any deaths? (deaths killed)"
    assert with_news_words("was anybody hurt") == "was anybody hurt (injured hurt treated hospital)"
    assert with_news_words("was anyone arrested") == "was anyone arrested"
    for asked in (
        "how long could he go to prison for",
        "what is the max sentence he faces",
        "how long did the flight get delayed",
        "how long did the search take",
    ):
        assert with_news_words(asked) == asked, asked


@pytest.mark.parametrize(
    ("asked", "words"),
    [
        # Two readers' probes: "who won the game" bolded the loser's manager, "who do they play
        # in the final" the lead, "how much of a raise do they want" the other side's offer,
        # "when was the last strike" the start of this one ("the city's first transit strike
        # since 2011"), "who did the study" the expert "not involved in the research".
        ("who won the game", "beat"),
        ("who won saturday's match", "beat"),
        ("who won the final?", "beat"),
        ("who do they play in the final", "face"),
        ("who will city meet next", "face"),
        ("how much of a raise do they want", "seeking demanding"),
        ("how big a pay rise do the pilots want", "seeking demanding"),
        ("who led the study", "lead author led"),
        ("who did the research", "lead author led"),
        ("who carried out the trial", "lead author led"),
        ("what did the outside expert think", "not involved in the research"),
        ("what do other scientists say", "not involved in the research"),
        ("when was the last strike", "previous, first since"),
        ("when was their previous title", "previous, first since"),
        # A prize's winner, a club played for, the day's last train, a wish, a co-author are
        # asked as they are.
        ("who won the prize", None),
        ("who did he play for", None),
        ("when did the last train leave", None),
        ("what does she want the government to do", None),
        ("what does the local mayor want", None),
        ("and the other researcher?", None),
    ],
)
def test_a_fixture_a_demand_a_study_and_the_last_one_are_searched_in_news_words(
    asked: str, words: str | None
) -> None:
    assert with_news_words(asked) == (asked if words is None else f"{asked} ({words})")


STRIKE = """Ferry crews walk out in Halvik as pay talks fail

HALVIK, Norway — Crews on Halvik's four harbour ferries walked out at dawn on Tuesday after \
talks with the operator, Fjordlink, broke down overnight. The strike began at 5 a.m., when the \
first ferry of the day was due to sail.

Fjordlink said it had offered a 6 percent rise over two years. The seafarers' union is seeking \
11 percent and an end to 14-hour shifts.

Union leader Ingrid Solheim said members had voted 88 percent in favour of the walkout. It is \
the first strike on the ferries since 2009, when crews stayed out for a week.
"""


@pytest.mark.parametrize(
    ("question", "shown"),
    [
        ("how much of a pay rise do they want", "seeking 11 percent"),
        ("when was the last strike", "since 2009"),
    ],
)
def test_a_demand_and_the_last_strike_are_found_in_the_words_news_gives_them(
    retriever_of, question, shown
) -> None:
    answer = read_answer(retriever_of(strike=STRIKE), question)
    assert shown in answer.passages[0].highlight_text


MATCH = """Hajduk come from two goals down to beat Dinamo in Split

SPLIT, Croatia — Hajduk Split kept their title hopes alive on Saturday, coming from two goals \
down to beat Dinamo Zagreb 3-2 at a packed Poljud stadium.

Brazilian forward Gabriel Souto volleyed Dinamo ahead in the 18th minute, and captain Mislav \
Rukavina doubled the lead from the penalty spot in the 41st.

Erion Hoxhaj curled in a shot in the 57th minute, and Nikola Jurcic headed in a corner to level \
the score in the 74th. Ante Bralic, 19, scored the winner in stoppage time.
"""


@pytest.mark.parametrize(
    "question", ["wat was the score", "final score?", "what was the score in the end"]
)
def test_the_score_is_the_match_result_the_report_leads_with(retriever_of, question):
    from articlebot.retrieval.reader import read_answer

    # The sentence most like "score" levels it in the 74th minute; the result is the lead's.
    answer = read_answer(retriever_of(match=MATCH), question, ["match"])
    assert answer.outcome == "answer"
    assert "3-2" in answer.passages[0].highlight_text


STUDY = """Daily walks linked to slower memory decline, study finds

BOSTON — Older adults who walked for about 30 minutes a day showed slower memory decline over \
eight years than those who walked little, according to a study of 4,812 people.

"The curve starts to bend early," said Dr. Elena Vasquez, a neurologist at Massachusetts \
General Hospital and the study's lead author.

Dr. Priya Raman, a geriatrician in San Francisco who was not involved in the research, called \
the study "carefully done" but said it should not be over-read.
"""


def test_the_outside_expert_is_the_one_not_involved_in_the_study(retriever_of) -> None:
    # A reader's probe: "what did the outside expert think" was "not in the article".
    answer = read_answer(retriever_of(study=STUDY), "what did the outside expert think")
    assert answer.outcome != "none"
    assert "Raman" in answer.passages[0].highlight_text


@pytest.mark.parametrize("question", ["who led the study", "who did the study"])
def test_a_study_s_leader_is_its_lead_author_not_the_outside_expert(retriever_of, question) -> None:
    # A reader's probe: "who did the study" named the geriatrician "who was not involved in
    # the research", with confidence.
    answer = read_answer(retriever_of(study=STUDY), question)
    assert "the study's lead author" in answer.passages[0].highlight_text


SEMIFINAL = """Harlow rally to reach the cup final

HARLOW, England — Harlow Town came from a goal down to beat Stoneleigh Rovers 2-1 on Saturday \
and reach the County Cup final for the first time since 2004.

"We were second best for an hour. The game was gone and the lads dug in," Stoneleigh manager \
Paul Tenby said.

Harlow will face Brentwick in the final at Meadow Park on May 9.
"""


@pytest.mark.parametrize(
    ("question", "shown"),
    [("who won the game", "to beat Stoneleigh Rovers 2-1"), ("who do they play next", "face")],
)
def test_a_match_s_winner_and_next_opponent_are_found_as_reports_write_them(
    retriever_of, question, shown
) -> None:
    answer = read_answer(retriever_of(semifinal=SEMIFINAL), question)
    assert shown in answer.passages[0].highlight_text


@pytest.mark.parametrize(
    ("question", "sentence", "missing"),
    [
        ("what was the score", "Jurcic headed in a corner to level the score in the 74th.", 1.0),
        ("final score?", "Unicaja Malaga beat Real Madrid 94–91 in overtime.", 0.0),
        ("what's sri lanka's score", "Sri Lanka piled up 412 for five on the opening day.", 0.0),
        # Not a score: a range of thousands, a year.
        ("what was the score", "Fish were seen between 6,900-7,450 metres in 2024.", 1.0),
    ],
)
def test_a_score_is_written_as_scores_are(question, sentence, missing):
    assert answer_type_missing(question, sentence) == missing


def test_only_the_score_alone_is_asked_of_the_lead():
    assert score_asked("what was the score?") and score_asked("final score")
    assert not score_asked("what was the score when perera came in to bat")
    assert not score_asked("how can i improve my credit score")


@pytest.mark.parametrize(
    ("question", "sentence", "headline", "names"),
    [
        ("who won", "Ana Varga won the presidential runoff on Sunday.", "", True),
        (
            "who won the election",
            "Ana Varga won Valdoria's presidential runoff on Sunday.",
            "Varga wins Valdoria election",
            True,
        ),
        # The final's winner is no answer to the semi; a sentence naming no winner none at all.
        ("who won the semi", "Lindqvist beat Moreau 7-5 in the final.", "Lindqvist wins", False),
        ("who won", "The runoff was held on Sunday in Miravel.", "", False),
    ],
)
def test_a_winner_is_named_with_what_was_won(question, sentence, headline, names):
    narrowing = winner_asked(question)
    assert narrowing is not None
    assert names_winner(sentence, narrowing, headline) == names


def test_who_won_is_answered_with_confidence_by_the_lead_naming_the_winner(retriever_of):
    from articlebot.retrieval.reader import read_answer

    vote = retriever_of(
        vote=(
            "Varga wins Valdoria presidency in runoff\n\n"
            "MIRAVEL (CNA) - Former central bank governor Ana Varga won Valdoria's presidential "
            "runoff on Sunday with 52.6 percent of the vote, defeating Tomas Rebane.\n\n"
            "Turnout was 61 percent, the electoral commission said.\n\n"
            "Rebane conceded late on Sunday and congratulated Varga in a speech to supporters.\n"
        )
    )
    answer = read_answer(vote, "who won", ["vote"])
    assert answer.outcome == "answer" and "Ana Varga won" in answer.passages[0].highlight_text
    assert winner_asked("who won the women's race") == ("race", "women")
    assert winner_asked("who scored") is None
    assert winner_asked("which bakery won") == ()
    assert winner_asked("what did she win") is None


def test_whom_a_lead_describes_is_named_by_the_next_sentence(retriever_of):
    """The lead tells what happened to someone it only describes; the next sentence names
    them: "who was found guilty", "who was the missing hiker", "which bakery won"."""
    from articlebot.retrieval.reader import read_answer

    found = retriever_of(
        court=(
            "Landlord guilty of manslaughter over tenant's death\n\n"
            "BRISTOL, Nov 21 — A landlord who ignored repeated warnings about a faulty boiler "
            "was found guilty on Thursday of the manslaughter of a 24-year-old student who "
            "died from carbon monoxide poisoning in his flat.\n\n"
            "A jury at Bristol Crown Court took six hours to convict Raymond Keeble, 58, of "
            "Clifton, over the death of Joel Abara, a nursing student.\n\n"
            "Keeble, who owns 11 rental properties across the city, had denied the charge.\n"
        ),
        hiker=(
            "Missing hiker found alive after four nights in ravine\n\n"
            "GLENDALOUGH, Ireland — A 66-year-old hiker who went missing in the Wicklow "
            "Mountains on Friday was found alive on Tuesday by a forestry worker.\n\n"
            "Martin Fogarty, a retired postman from Drogheda, had set out alone to walk a "
            "12-kilometre loop.\n\n"
            "His wife raised the alarm that night when he failed to return.\n"
        ),
        bakery=(
            "Family bakery wins national sourdough title\n\n"
            "LUDLOW, England — A three-generation family bakery in Ludlow has been named maker "
            "of the best sourdough loaf in Britain, beating more than 600 entries.\n\n"
            "Crumb & Copper, run by Elena Moretti, 41, won the top prize on Monday.\n\n"
            "The win comes with a trophy and a 2,500-pound prize for the bakery.\n"
        ),
    )
    for question, doc_id, name in (
        ("who was found guilty", "court", "Raymond Keeble"),
        ("who was the missing hiker", "hiker", "Martin Fogarty"),
        ("which bakery won", "bakery", "Crumb & Copper"),
    ):
        answer = read_answer(found, question, [doc_id])
        assert name in answer.passages[0].highlight_text, question


@pytest.mark.parametrize(
    ("name", "sentence", "states"),
    [
        ("Elin Lindqvist", "Nineteen-year-old Swede Elin Lindqvist beat Camille Moreau.", True),
        ("Lindqvist", "Nineteen-year-old Swede Elin Lindqvist beat Camille Moreau.", True),
        ("Moreau", "Nineteen-year-old Swede Elin Lindqvist beat Camille Moreau.", False),
        ("Okafor", "The 34-year-old Okafor scored twice.", True),
        # Someone else's age before the name.
        ("Okafor", "A 34-year-old man attacked Okafor.", False),
        # Names begin with any capital letter.
        ("Żółkiewski-Čermák", "The 31-year-old Łukasz Żółkiewski-Čermák won.", True),
    ],
)
def test_an_age_written_before_the_name(name, sentence, states):
    assert states_age_of(name, sentence) == states
    assert answer_type_missing("how old is she", sentence) == 0.0


def test_a_things_name_is_the_first_sentence_naming_it():
    sentences = [
        "A slick from a damaged tanker could reach the shellfish beds by the weekend.",
        "The Maltese-flagged tanker Aurora Bay began leaking on Sunday.",
    ]
    assert naming_sentence(sentences, name_asked("whats the name of the tanker").thing) == 1
    fish = [
        "The pale fish, which grows to 24 centimeters, was filmed in the Kermadec Trench.",
        "The researchers have named it Pseudoliparis lumenis, from the Latin for light.",
    ]
    assert naming_sentence(fish, name_asked("what is the fish called").thing) == 1
    # A possessive names no tanker; a thing never named, nothing.
    assert naming_sentence(["The tanker's Captain Ruiz spoke."], "tanker") is None
    assert naming_sentence(["A lander is dropped from a ship."], "ship") is None
    # Narrowed ("the old satellite", "the mayor of marseille"): the first naming need not be
    # it, so it is no confident answer, or not looked for.
    assert name_asked("What was the old satellite called?") == NameQuestion("satellite", True)
    assert name_asked("whats the new law going to be called") == NameQuestion("law", True)
    assert name_asked("what is the name of the mayor of marseille") is None
    # Family words as readers type them find them as news writes them.
    calf = [
        "A black rhino has given birth to a healthy female calf in Dublin.",
        "Her mother, Nuru, 14, arrived from a zoo in the Czech Republic in 2019.",
        "The father, Kito, came from a safari park in England a year later.",
    ]
    assert naming_sentence(calf, name_asked("whats the mum called").thing) == 1
    assert naming_sentence(calf, name_asked("whats the dads name").thing) == 2


def test_which_one_thing_asks_for_its_name() -> None:
    """ "which museum is it" is "the Lindenhof Museum of World Cultures", a name the thing's
    own word ends; "which crops" may be named in lowercase, so it asks for no name."""
    museum = [
        "A German museum on Thursday returned 23 Maya artefacts to Guatemala.",
        "Officials from the Lindenhof Museum of World Cultures in Hamburg attended.",
    ]
    assert naming_sentence(museum, name_asked("which museum is it").thing) == 1
    assert name_asked("which strain of bird flu is it") == NameQuestion("strain")
    assert wanted_type("which court made the ruling") == "name"
    ruling = "It overturns a ruling made last year by a single judge."
    assert answer_type_missing("which court made the ruling", ruling) == 1.0
    assert answer_type_missing("which court made the ruling", "The Federal Court agreed.") == 0.0
    for question in ("which crops are hit", "which year did it open", "which is the biggest"):
        assert wanted_type(question) != "name"
    # A sentence's first word begins no name.
    assert naming_sentence(["Museum staff wept."], "museum") is None


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("whats the vote", True),
        ("what was the final tally?", True),
        ("how did the council vote", True),
        ("how did the senator vote", False),
        ("what was the vote on the board", True),
        ("what was the vote about", False),
        ("what was the score", False),
    ],
)
def test_a_votes_tally_asked_alone(question: str, asked: bool) -> None:
    assert tally_asked(question) is asked


def test_the_tally_is_the_first_sentence_counting_votes() -> None:
    sentences = [
        "The study followed 1,140 children aged 4 to 9.",
        "The council voted 6-3 early on Wednesday to approve the stadium.",
        "An earlier motion passed by 21 votes to 9.",
    ]
    assert first_tally(sentences) == 1
    assert first_tally(sentences[2:]) == 0
    assert first_tally(sentences[:1]) is None
    # A deadlock or a split is a vote's tally too.
    assert first_tally(["The council deadlocked 4-4 on a motion to end the subsidy."]) == 0
    assert first_tally(["The board split 5-4 on the plan."]) == 0


COUNCIL = """Council approves stadium after stormy night of protests

SACRAMENTO, Calif. — The city council voted 6-3 early on Wednesday to approve a new \
32,000-seat soccer stadium in the Railyards district, after a nine-hour meeting.

Mayor Rosa Delgado, 52, who cast the deciding vote on an earlier procedural motion, said the \
vote was about jobs for the city.

Opponents said they would try to put the project to a public vote next year.
"""


@pytest.mark.parametrize("question", ["whats the vote", "how did the council vote"])
def test_the_vote_is_the_tally_the_report_leads_with(retriever_of, question) -> None:
    # The sentences most like "vote" are the mayor's deciding vote and a vote next year.
    answer = read_answer(retriever_of(council=COUNCIL), question)
    assert answer.outcome == "answer"
    assert "voted 6-3" in answer.passages[0].highlight_text


def test_a_clause_before_the_question_asks_nothing() -> None:
    # "When ..., what is it called?" asks for a name, not a time.
    assert wanted_type("When imperialism impacts social norms, what is it called?") == "name"
    assert wanted_type("if the deal fails, how many jobs go?") == "number"
    assert wanted_type("when did the war end") == "time"


TRUST = """Cyberattack forces Leeds hospitals to cancel operations

LEEDS, England — A cyberattack hit the computer systems of Aire Valley Teaching Hospitals NHS \
Trust, which runs three hospitals in Leeds and Bradford serving about 1.2 million people.

Chief executive Dr. Helen Marsh said the trust had cancelled 340 operations since Monday.

The trust employs about 14,500 staff and has an annual budget of 1.4 billion pounds.
"""


def test_how_many_people_work_there_is_a_workforce(retriever_of) -> None:
    answer = read_answer(retriever_of(trust=TRUST), "how many people work for the trust")
    assert "14,500 staff" in answer.passages[0].highlight_text


@pytest.mark.parametrize(
    ("sentence", "counts"),
    [
        ("Firefighters backed by 14 planes and nine helicopters battled the fire.", True),
        ("The airline bought 14 new wide-body planes.", True),
        ("Planes dropped water on at least 23 blazes.", False),
        ("Thousands of planes are grounded.", False),
        ("The planes flew for 52 hours.", False),
    ],
)
def test_a_count_right_before_the_thing_counts_it(sentence: str, counts: bool) -> None:
    assert counts_directly(sentence, "plane") is counts


FIRES = """Thousands flee as wildfires rage across Sardinia in record heatwave

CAGLIARI, Italy — Wildfires forced thousands of people to flee their homes in Sardinia on \
Tuesday as temperatures reached a record 48.2 degrees Celsius.

Firefighters were battling at least 23 blazes across the island, the worst of them near the \
town of Oristano, where flames destroyed about 60 homes.

Italy's Civil Protection Department said six Canadair water-bombing planes had been sent from \
the mainland, and the European Union had activated aircraft from Greece and France. Fabrizio \
Serra, head of the department, said a total of 14 planes and 9 helicopters were operating over \
the island by Thursday afternoon.
"""


def test_how_many_of_a_thing_is_the_sentence_counting_it(retriever_of) -> None:
    # "Firefighters were battling at least 23 blazes" is most like the question; the planes
    # are counted in the paragraph after it.
    answer = read_answer(retriever_of(fires=FIRES), "How many planes are fighting the fires?")
    assert "six Canadair water-bombing planes" in answer.passages[0].highlight_text


TRIAL = """Drug slows muscle loss in children with rare disease, trial finds

BOSTON — An experimental drug slowed the loss of muscle strength in children with a rare \
genetic disease by almost half over two years, researchers said on Monday.

The drug, velorastat, was tested in 86 children aged 4 to 15 with Kessler-Moore syndrome, a \
disorder that causes progressive weakness in the legs and arms.

Half of the children received the drug and half a placebo. Families were not told which \
children had received the real drug until the trial ended.
"""


def test_how_many_is_the_sentence_counting_them_not_one_only_naming_them(retriever_of) -> None:
    # "Families were not told which children had received the real drug" names the children
    # but counts none: the 86 are counted two sentences before.
    answer = read_answer(retriever_of(trial=TRIAL), "how many kids were in the trial")
    assert "86 children" in answer.passages[0].highlight_text


def test_how_many_in_the_askers_words_is_not_refused_where_the_bold_counts_it() -> None:
    # "chipped in" is no word of the article's: the gate had read the question as off the
    # subject and said "not in the article" while showing the sentence counting the people.
    counted = "More than 310 people, most of them from the village, bought shares."
    shown = RetrievedPassage("pub", "T", 4, 0, len(counted), counted, 1.0, Highlight(0, 5), counted)
    refused = Answer("how many people chipped in", False, 0.27, [shown], outcome="none")
    assert counted_not_refused(refused, "how many people chipped in").outcome == "closest"
    # A count of something else, or a question counting nothing, stays refused.
    assert counted_not_refused(refused, "how many moons does jupiter have").outcome == "none"
    assert counted_not_refused(refused, "who chipped in").outcome == "none"


@pytest.mark.parametrize(
    ("question", "sentence", "denies"),
    [
        ("which models are affected", "Other models, such as the Box, are not affected.", True),
        ("who was injured", "The driver was not injured, police said.", True),
        ("which models are affected", "The recall covers the Haul 2 and Haul 2 Plus.", False),
        # A question that denies, or asks yes or no, may be answered by a "not".
        ("which models are not affected", "Other models are not affected.", False),
        ("were any flights cancelled", "No flights were cancelled.", False),
        ("who said rivers werent designed for this", "They were not designed for this.", False),
        # What someone said or wanted to know may be a "not".
        ("who said the roof comes first", "The city has not yet said how much it costs.", False),
        ("what did the mp want to know", "I don't know what I'll do now.", False),
        # "No heating" is no denial of losing it; "if not opposing" is "or even opposing".
        ("how many people lost heating", "A million had no heating or water.", False),
        ("whose goals oppose the ipcc", "States follow different, if not opposing goals.", False),
        ("who is the russian minister", "It threatens not only Russia but Europe.", False),
        ("how long will it take", '"We don\'t take chances," he said.', False),
        # The outside expert had no part in the study whose leader is asked for.
        ("who led the study", "Dr. Priya Raman, who was not involved in the research, said.", True),
        ("who did the research", "Dr. Ng, who had no role in the study, called it solid.", True),
        ("who led the study", "said Dr. Elena Vasquez, the study's lead author.", False),
        ("what did dr raman say", "Dr. Priya Raman, who was not involved in it, said.", False),
    ],
)
def test_a_sentence_denying_what_is_asked(question: str, sentence: str, denies: bool) -> None:
    assert denies_asked(question, sentence) is denies


RECALL = """Bike maker recalls 41,000 cargo bikes over cracking forks

AMSTERDAM — Dutch bicycle maker Velomarc said on Wednesday it was recalling about 41,000 \
electric cargo bikes after customers reported that the front fork could crack while riding.

Owners of other Velomarc models, including the original Haul and the Velomarc Box, are not \
affected, the company said.

The company said a supplier in Taiwan had changed its welding process in 2023.
"""


def test_a_sentence_saying_the_opposite_is_no_confident_answer(retriever_of) -> None:
    # The only sentence with the question's words says the opposite: shown, but not as the
    # answer (it had been, with confidence 0.99).
    answer = read_answer(retriever_of(recall=RECALL), "which models are affected")
    assert "are not affected" in answer.passages[0].highlight_text
    assert answer.outcome == "closest"


@pytest.mark.parametrize(
    ("question", "sentence", "missing"),
    [
        # A fare, a bid or a rent is money.
        ("how much is the new fare", "The new fare takes effect on January 6.", 1.0),
        ("how much is the new fare", "The fare rises from $2.00 to $2.50.", 0.0),
        ("how much was the bid", "Last year, 38 listed companies received bids.", 1.0),
        # Asked how much it changed, a share answers too.
        ("how much did fares go up", "Fares rose 25% on Monday.", 0.0),
        ("how much did prices rise", "Prices rose 3.1 percent in May.", 0.0),
        # The amount of another clause is another thing's change (a verifier's probe).
        (
            "how much did the peso drop",
            "Copper fell by 3 per cent, and the peso dropped for the first time in years.",
            1.0,
        ),
        (
            "how much did copper fall",
            "Copper fell by 3 per cent, and the peso dropped for the first time in years.",
            0.0,
        ),
        # Asked "by how much" or "how far" (a verifier's probes: confident on copper's 3%).
        (
            "by how much did the peso drop",
            "Copper fell by 3 per cent, and the peso dropped for the first time in years.",
            1.0,
        ),
        (
            "how far did the peso drop",
            "Copper fell by 3 per cent, and the peso dropped for the first time in years.",
            1.0,
        ),
        ("how much of their income goes on rent", "Renters spend 41% of their income.", 0.0),
        ("how much of their income goes on rent", "Many spend more than half of it.", 0.0),
        # How wide, deep or tall, in those words: not the altitude beside it.
        ("how wide was the slide", "It broke away at an altitude of 2,800 metres.", 1.0),
        ("how wide was the slide", "The slide was about 300 metres wide.", 0.0),
        ("how deep is the lake", "It lies at a depth of 40 metres.", 0.0),
        ("how wide is the zone", "The zone reaches 10 km across.", 0.0),
        # A number right before another plural counts that.
        ("how many patients were in the trial", "It enrolled patients at 61 hospitals.", 1.0),
        ("how many patients were in the trial", "It enrolled 412 patients.", 0.0),
        ("how many cases are there", "Cases had risen to 214 since January.", 0.0),
    ],
)
def test_money_measures_and_counts_of_the_asked_thing(question, sentence, missing) -> None:
    assert answer_type_missing(question, sentence) == missing


@pytest.mark.parametrize(
    ("question", "sentence", "missing"),
    [
        # "How long" wants a time or a length, or an end or a start: not the strike's cost.
        ("how long is the strike", "The strike would cost it 25 to 30 million euros.", 1.0),
        ("how long is the strike", "Pilots began a 72-hour strike over pay.", 0.0),
        ("how long did the works take", "The works took nearly six years.", 0.0),
        ("how long did it last", "The blackout lasted for a week.", 0.0),
        ("how long has she been mayor", "She has been mayor since 2019.", 0.0),
        ("how long is the new line", "The 9.8-kilometre line has 14 stops.", 0.0),
        ("how long is the strike", "Fares will rise by 300 euros a year.", 1.0),
        # "What time" wants the time of day, not the day alone; "what time frame" a period.
        ("what time did it start", "The fire started at 11:40 p.m. on Tuesday.", 0.0),
        ("what time did it start", "The fire started late on Tuesday night.", 1.0),
        ("what time does it open", "It opens at 5 am and at noon on Sundays.", 0.0),
        ("what time frame does the war cover", "It lasted from 1756 to 1763.", 0.0),
        ("what time framd does the war cover", "It lasted from 1756 to 1763.", 0.0),
        # "How heavy" / "how much does it weigh" wants a weight, not the wingspan beside it.
        ("how heavy was the pterosaur", "It had a wingspan of about 9 metres.", 1.0),
        ("how heavy was the pterosaur", "It probably weighed around 220 kilograms.", 0.0),
        ("how much does the satellite weigh", "The 1,140-kilogram satellite was launched.", 0.0),
        ("how much does the satellite weigh", "The satellite cost 90 million euros.", 1.0),
        # A thing's age as a century or a date it goes back to; not a person's ("putin").
        ("how old are the sculptures", "The largest, a 10th-century statue, is 1.6m tall.", 0.0),
        ("how old is the church", "The church dates back to the 12th century.", 0.0),
        ("how old is the manuscript", "It dates from around 1450.", 0.0),
        ("how old is putin", "He spoke in a 10th-century church.", 1.0),
        # Revenue, profit, tax, bail, what was stolen or owed: money, in a currency that may
        # stand words away from it.
        ("how much revenue did he say they had", "He faked contracts with two shippers.", 1.0),
        ("how much revenue did he claim", "He said revenue was as much as $48 million.", 0.0),
        ("how much did he steal", "He stole from 14 investors.", 1.0),
        # A part of a group counted elsewhere is no count of it.
        ("how many were injured", "He said 35 of the most seriously injured were flown out.", 1.0),
        ("how many were injured", "The quake killed 47 people and injured 312.", 0.0),
        # A name a thing gives itself: "a group calling itself ShadowLedger".
        ("whats the hacker group called", 'The group, which has been calling itself "Orca".', 0.0),
    ],
)
def test_a_duration_a_time_of_day_a_weight_an_age_a_name(question, sentence, missing) -> None:
    assert answer_type_missing(question, sentence) == missing


def test_why_asks_for_a_reason() -> None:
    assert reason_asked("why was it late") and reason_asked("what caused the fires")
    assert not reason_asked("who caused the crash?") and not reason_asked("when was it late")
    assert gives_reason("It opened late after storms damaged the breakwater.")
    assert gives_reason("The increase is needed to close a C$64 million budget deficit.")
    assert not gives_reason("The delay added 140 million zlotys to the cost.")


TERMINAL = """Container terminal opens six months late

GDANSK, Poland — A new deep-water container terminal opened on Monday at the port of Gdansk. \
Chief executive Joanna Sikorska said the delay had added about 140 million zlotys to the \
final bill. The terminal opened about six months behind schedule after storms in the winter \
of 2023 damaged part of a new breakwater.

It can handle 1.6 million containers a year.
"""


def test_why_is_answered_by_the_sentence_giving_a_reason(retriever_of) -> None:
    # The sentence about the delay's cost matched "late" as well; the reason is the next one.
    answer = read_answer(retriever_of(terminal=TERMINAL), "why was it late")
    assert "after storms" in answer.passages[0].highlight_text


WAITS = """Patients wait longer than ever for hip and knee operations

CARDIFF, Wales — The number of patients in Wales waiting more than two years for hip and knee \
operations rose to a record 4,120 in March, official figures showed on Thursday.

Patients described long and painful waits. Elaine Morgan, a former school cook from Neath, \
has waited 27 months for a new knee and now walks with two sticks.

The health minister said a new surgical centre in Llanelli would open next year.
"""


def test_a_why_answered_without_a_reason_is_only_the_closest(retriever_of) -> None:
    # Confident by the model (the sentence has every word asked), but it gives no reason.
    answer = read_answer(retriever_of(waits=WAITS), "why are waits so long")
    assert "long and painful waits" in answer.passages[0].highlight_text
    assert answer.confidence >= load_settings().min_confidence
    assert answer.outcome == "closest" and not answer.answered


@pytest.mark.parametrize(
    ("question", "sentence", "withheld"),
    [
        (
            "whats the name of the captain",
            "The ship's master, whose name has not been released, has been with the company "
            "for 14 years, Westmarch said.",
            True,
        ),
        ("who is the driver", "The driver, a 44-year-old man, has not been named.", True),
        ("what is the guards name", "The guard, who asked not to be named, was not hurt.", True),
        # A count asked of a sentence about someone unnamed; a name asked and given.
        ("how many teachers came", "A head who asked not to be named said four came.", False),
        ("who is the driver", "The driver, Tom Reyes, 44, was not hurt.", False),
        ("who won", "Osei won, though officials declined to say more.", False),
    ],
)
def test_a_name_the_sentence_says_is_not_given_is_no_answer(question, sentence, withheld):
    assert withholds_name(question, sentence) is withheld


@pytest.mark.parametrize(
    ("sentence", "a_person"),
    [
        ("The 24-year-old, who scored 27 league goals, signed on Monday.", True),
        ("The 22-year-old Spaniard, seeded fifth, saved two break points.", True),
        ("“The 30-year-old striker is ready,” he said.", True),
        ("The 62-year-old chain, which began as a single shop, will close.", False),
        ("The 96-year-old bridge carries about 7,000 vehicles a day.", False),
        ("He signed the 24-year-old, who scored 27 goals.", False),
    ],
)
def test_a_sentence_may_open_with_someones_age_in_place_of_their_name(
    sentence: str, a_person: bool
) -> None:
    assert opens_with_age(sentence) is a_person


@pytest.mark.parametrize(
    "question",
    [
        "what is the night guards name",
        "whats her dogs name?",
        "what's the shop's name",
        "what is his name",
        "what are the names of the victims",
    ],
)
def test_a_name_asked_after_whose_it_is_wants_a_name(question: str) -> None:
    assert wanted_type(question) == "name"
    # A sentence describing the person without a name does not give it.
    guard = "The museum's single night guard, a 44-year-old man, was not hurt."
    assert answer_type_missing(question, guard) == 1.0


def test_a_name_question_answered_by_a_description_is_not_a_confident_answer(
    retriever_of,
) -> None:
    # "a 44-year-old man who has worked there for nine years" is who, not his name.
    theft = retriever_of(
        theft="""Thieves take gold brooches from village museum

KELLSBY, May 2 (Dale Wire) - Thieves stole seven gold brooches from the Kellsby Museum early \
on Tuesday, police said.

The museum's single night guard, a 44-year-old man who has worked there for nine years, was \
not hurt.

Curator Ann Marlowe, 61, said the brooches were worth about 2 million pounds.
"""
    )
    answer = read_answer(theft, "what is the night guards name")
    assert not answer.answered


def test_a_things_name_asked_after_whose_it_is_is_its_first_naming() -> None:
    # "whats the pandas name": the lead's red panda, then "The three-year-old male, named Bao".
    asked = name_asked("whats the pandas name")
    assert asked == NameQuestion("panda")
    panda = [
        "A red panda that escaped from Ashcombe Zoo was recaptured on Wednesday.",
        "The three-year-old male, named Bao, was spotted at about 6:50 a.m.",
    ]
    assert naming_sentence(panda, asked.thing) == 1
    assert name_asked("what is the ship's name") == NameQuestion("ship")
    # A naming of something the sentence brings in ("a group calling itself ShadowLedger") is
    # not the name of the contractor the sentence before mentioned.
    breach = [
        "The attackers used the login of an employee at an outside software contractor.",
        'Nexatel learned that a group calling itself "ShadowLedger" had offered the data.',
    ]
    assert naming_sentence(breach, name_asked("what was the contractors name").thing) is None


def test_a_things_age_is_the_sentence_giving_it_or_calling_it_by_its_age() -> None:
    assert thing_age_asked("how old is the panda") == "panda"
    assert thing_age_asked("how old is lindqvist") is None
    panda = [
        "A red panda that escaped from Ashcombe Zoo was recaptured on Wednesday.",
        "The three-year-old male, named Bao, was spotted at about 6:50 a.m.",
    ]
    assert aged_thing_sentence(panda, "panda") == 1
    assert aged_thing_sentence(["The 96-year-old bridge carries 7,000 cars."], "bridge") == 0
    # Another thing's age is none of its own.
    assert aged_thing_sentence(["The 62-year-old chain will close.", panda[1]], "panda") is None


@pytest.mark.parametrize(
    ("question", "sentence", "unnamed"),
    [
        # Brought in unnamed: "a" or "one" before every mention, no name beside it.
        (
            "who was the metal detectorist that found them",
            "The brooches were found by a metal detectorist in a field near Fenwick Marsh.",
            True,
        ),
        ("whats the name of the judge", "A magistrate judge released Creed on bond.", True),
        (
            "who was the member that left in 2021",
            "One former member, who left the syndicate in 2021, could not be reached.",
            True,
        ),
        # Named beside the mention, before it or after it; or the question asks no one.
        ("who is the postman", "Martin Fogarty, a retired postman, had set out alone.", False),
        ("who is the farmer", "It was found by a local farmer, John Smith, on Tuesday.", False),
        ("who is the farmer", "The farmer John Smith found it.", False),
        ("who found them", "They were found by a metal detectorist.", False),
    ],
)
def test_someone_asked_for_by_what_they_are_brought_in_unnamed(question, sentence, unnamed):
    assert leaves_unnamed(question, sentence) == unnamed


HOARD = """Thieves take Fenwick Hoard from county museum

NORTHAM — Thieves broke into the Northam County Museum overnight on Sunday and stole seven \
Anglo-Saxon gold brooches worth an estimated 2.4 million pounds, police said.

The brooches, known collectively as the Fenwick Hoard, were found by a metal detectorist in a \
field near the village of Fenwick Marsh in 2009 and acquired by the museum in 2012.

Detective Inspector Ruth Calder said the thieves had cut through a skylight.
"""


def test_who_someone_is_that_the_article_never_names_is_only_the_closest(retriever_of):
    from articlebot.retrieval.reader import read_answer

    museum = retriever_of(hoard=HOARD)
    answer = read_answer(museum, "who was the metal detectorist that found them", ["hoard"])
    assert "metal detectorist" in answer.passages[0].highlight_text
    assert answer.outcome == "closest"


@pytest.mark.parametrize(
    ("question", "sentence", "left_out"),
    [
        (
            "what party is joanna creswell in",
            "Local MP Joanna Creswell, who has received 300 letters, called for funding.",
            True,
        ),
        (
            "which party ran the city before her",
            "It ended 14 years in which the centre-right Reform Party controlled city hall.",
            False,
        ),
        ("which party won the seat", "Labour's Anna Reid won by 312 votes.", False),
        ("who won the seat", "Anna Reid won by 312 votes.", False),  # no party asked
    ],
)
def test_which_party_is_answered_by_a_party(question, sentence, left_out):
    assert leaves_party_out(question, sentence) == left_out


NORDAVIA = """Nordavia pilots vote to strike over rosters

By Ines Dahl, Transport Correspondent

OSLO, May 4 — Pilots at Nordavia, Norway's second-largest airline, have voted to strike over
rosters and pay, the union said on Monday, threatening hundreds of flights at the start of the
summer season.

The union said 91 percent of its 1,150 members at the airline had backed the strike, which
would begin on May 20 unless talks resume.

Nordavia chief executive Lars Fjeld said the airline would "do everything it can" to avoid
cancellations and called the vote disappointing.

The last pilots' strike at Nordavia, in 2012, lasted nine days and led to the cancellation of
more than 3,000 flights.
"""


@pytest.mark.parametrize(
    ("question", "sentence", "earlier"),
    [
        (
            "how many flights a day does nordavia fly",
            "The last pilots' strike at Nordavia, in 2012, lasted nine days and led to the "
            "cancellation of more than 3,000 flights.",
            True,
        ),
        (
            "how much did they sell him for",
            "The deal beats the previous club record of 26 million euros paid in 2019.",
            True,
        ),
        (
            "how much will they save",
            "The district last closed schools in 2011, when it saved an estimated $3.1 million.",
            True,
        ),
        # "last" the verb asks nothing of the past.
        (
            "how long will the strike last",
            "The last strike at the port, in 2012, lasted nine days.",
            True,
        ),
        # A runner's time asks nothing of the past either; "the last time" does.
        (
            "wat was his time",
            "The last time the record fell, in 2018, Okello won by more than three minutes.",
            True,
        ),
        (
            "when was the last time a scottish woman won",
            "The last Scottish woman to win the race was Kirsty McLeod in 2008.",
            False,
        ),
        # Asked of the past, the earlier event may be the answer.
        (
            "how long did the last strike go on",
            "A previous teachers' strike in 2015 lasted five weeks.",
            False,
        ),
        (
            "has this happened before",
            "A previous teachers' strike in 2015 lasted five weeks.",
            False,
        ),
        # Set beside what is told now, it is only a comparison.
        (
            "whats the turnout",
            "Turnout was 52.6 percent, up from 47 percent at the last municipal vote in 2021.",
            False,
        ),
        # Not an earlier event: last year's figure, a count dated this year.
        ("how much did they earn", "The firm earned 4 million pounds last year.", False),
        ("how many flights were cancelled", "More than 640 flights were cancelled in 2024.", False),
    ],
)
def test_an_earlier_event_answers_only_a_question_about_the_past(question, sentence, earlier):
    assert tells_an_earlier_one(question, sentence) == earlier


def test_an_earlier_dated_event_is_only_the_closest_to_a_question_about_now(retriever_of):
    airline = retriever_of(nordavia=NORDAVIA)
    now = read_answer(airline, "how many flights a day does nordavia fly", ["nordavia"])
    assert "in 2012" in now.passages[0].highlight_text
    assert now.outcome == "closest"
    before = read_answer(airline, "how long did the last strike last", ["nordavia"])
    assert "in 2012" in before.passages[0].highlight_text
    assert before.outcome == "answer"


COURT = """Former bank manager jailed for fraud

By Lucy Grant

A former bank manager was jailed for six years on Friday for stealing 2.3 million pounds from \
elderly customers.

Mark Fenton, 47, of Redhill, admitted 14 counts of fraud at Kingston Crown Court. His wife, \
Sarah Fenton, 45, was cleared of money laundering.

Judge Helen Carr said Fenton had shown "no remorse". Prosecutor David Ames said the money was \
spent on cars and holidays.

Storm damage closed the court's car park in Dunmore for a week in March.
"""


def test_an_answer_about_a_namesake_of_the_one_named_is_only_the_closest(retriever_of):
    # A CLI attacker's probe: "How many counts did Sarah Fenton admit?" was answered with
    # confidence by her husband's "Mark Fenton ... admitted 14 counts". (A passage merely not
    # writing every word of a name asked is no sign: "how old is Jan Keller" is answered by
    # "Keller, 26, ...", "the mayor of Carrick" by "this city's".)
    from articlebot.retrieval.reader import _names_namesake, read_answer

    court = retriever_of(court=COURT)
    her = read_answer(court, "How many counts did Sarah Fenton admit?", ["court"])
    assert "Mark Fenton" in her.passages[0].highlight_text and her.outcome == "closest"
    him = read_answer(court, "How many counts did Mark Fenton admit?", ["court"])
    assert "14 counts" in him.passages[0].highlight_text and him.outcome == "answer"
    assert _names_namesake("what did Sarah Fenton say", "Mark Fenton, 47, admitted it.")
    assert not _names_namesake("how old is Sarah Fenton", "His wife, Sarah Fenton, 45, was.")
    assert not _names_namesake("how old is Jan Keller", "Keller, 26, rides for Tudor.")
    # A body's name or a typo of the one asked is no namesake (XQuAD: "Newcastle University"
    # answered by "the Sunday Times University of the Year award"; "Sentanta Sports" by
    # "Setanta Sports" had been hedged).
    assert not _names_namesake(
        "What did Newcastle University win?", "It won the Sunday Times University of the Year."
    )
    assert not _names_namesake("What was Sentanta Sports planning?", "Setanta Sports said so.")
    # A verifier's probe: "how old is Tom Keller?" was answered with confidence by "Keller,
    # 26, ..." where the article names only "striker Jan Keller": the surname alone is no
    # sign of the one asked where the article names another of it in full, and not them.
    article = "Striker Jan Keller scored twice.\n\nKeller, 26, rides for Tudor."
    assert _names_namesake("how old is Tom Keller", "Keller, 26, rides for Tudor.", article)
    assert not _names_namesake("how old is Jan Keller", "Keller, 26, rides for Tudor.", article)
    both = article + "\n\nHis brother Tom Keller watched."
    # The long form in the bold sentence is the one asked, whoever else the article names.
    family = "Thomas Brandt, 55, said so.\n\nHis daughter, Niamh Brandt, 24, disagreed."
    assert not _names_namesake("how old is Tom Brandt", "Thomas Brandt, 55, said so.", family)
    assert not _names_namesake("how old is Tom Keller", "Keller, 26, rides for Tudor.", both)
    # A middle name or the long form of the name asked is no other person (a verifier's
    # probes: "Jan Willem Keller", "Thomas Keller" had the right answers hedged).
    for full in ("Jan Willem Keller", "Thomas Keller"):
        named = f"Striker {full} scored twice.\n\nKeller, 26, rides for Tudor."
        asked = "how old is Jan Keller" if full.startswith("Jan") else "how old is Tom Keller"
        assert not _names_namesake(asked, "Keller, 26, rides for Tudor.", named), full
    # A word a sentence opens with, a title or a month is no other given name.
    for bold in ("The Tesla coil was shown.", "President Tesla said so.", "In May Tesla left."):
        assert not _names_namesake("What did Nikola Tesla show?", bold), bold


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        # A CLI attacker's probes, each answered with confidence by a sentence that does not
        # give what was asked: a duration for a person's age, a duration for an amount, the
        # toll of an earlier quake, the cuts of an earlier year.
        (
            "how old is the bank manager?",
            "A former bank manager who stole £1.2 million from elderly customers over nine "
            "years has been jailed for seven years.",
        ),
        ("how old is he", "He has coached the team for 12 years."),
        (
            "how much did the waiting list fall?",
            "Waiting lists in England fell in October for the first time in three years.",
        ),
        # A verifier's probes: people named by what they did.
        ("how old is the gunman?", "A gunman who shot two men has been jailed for 18 years."),
        (
            "how old is the man who was jailed?",
            "A gunman who shot two men has been jailed for 18 years.",
        ),
    ],
)
def test_a_sentence_without_the_kind_of_number_asked_does_not_answer(question, sentence) -> None:
    from articlebot.retrieval.answer_type import has_type, wanted_type

    assert not has_type(wanted_type(question), sentence, question)


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        ("how old is the manager", "Manager Tom Reyes, 44, said the side would recover."),
        ("how old is the bridge", "The bridge has stood for 140 years."),
        ("how much did the waiting list fall?", "It fell by 42,000 to 7.4 million."),
        # A length is an amount: the dev chats' "how much rain fell" lost its passage when
        # every unit was taken for a stretch of time.
        ("how much rain fell", "112 millimetres of rain fell on the hills in 48 hours."),
        # A change by a stretch of time is an amount too (a verifier's probe: answered before
        # the rule, hedged by its first version).
        ("how much did average waits fall?", "Average waits fell by three weeks to 14 weeks."),
        ("how much did life expectancy fall?", "Life expectancy in Blackpool fell by 1.3 years."),
        ("how old is the gunman?", "Doyle, 31, of Leeds, admitted both killings."),
    ],
)
def test_the_kind_of_number_asked_answers(question, sentence) -> None:
    from articlebot.retrieval.answer_type import has_type, wanted_type

    assert has_type(wanted_type(question), sentence, question)


@pytest.mark.parametrize(
    ("question", "sentence", "earlier"),
    [
        (
            "how many people died in the earthquake?",
            "Chile is one of the most earthquake-prone countries; a magnitude 8.8 quake in 2010 "
            "killed more than 500 people.",
            True,
        ),
        (
            "how many jobs will be lost?",
            "The company employed 1,400 people in 2019, but cut 550 jobs in 2023.",
            True,
        ),
        ("how many died in the 2010 quake?", "A quake in 2010 killed more than 500 people.", False),
        # A plan is no earlier event (a verifier's probe).
        (
            "how many jobs will the bank cut?",
            "The bank said it would cut 300 jobs in 2027 as branches close.",
            False,
        ),
        ("how many people died?", "Two people were killed when a wall collapsed in Talca.", False),
    ],
)
def test_an_earlier_event_by_its_year_is_no_answer_to_now(question, sentence, earlier) -> None:
    from articlebot.retrieval.answer_type import tells_an_earlier_one

    assert tells_an_earlier_one(question, sentence) is earlier


ROWING = """Oxford crew wins the Head of the Tyne

By Mark Ellis

NEWCASTLE — An Oxford college eight led by stroke Hannah Cole won the Head of the Tyne on
Saturday, crossing the line 12 seconds ahead of the Durham crew coached by Peter Ames.

Cole, 22, said the crew had trained on the river for a week. Cole, who works nights as a
junior doctor in Oxford, took up rowing at school. "The wind made it a lottery,"
she said.

Tyneside Rowing Club finished third, a minute behind. The race has been held every
November since 1987.

The second race of the day, for junior crews, was cancelled because of the wind.
"""


def test_who_came_second_is_answered_by_the_placing_or_whom_the_winner_beat(
    retriever_of,
) -> None:
    # Blind trials: "who came second" and "who came 2nd" in two sled-race reports were
    # answered by the third-placed musher (the winner had finished "ahead of" the second).
    assert placing_asked("who came 2nd") == PlacingQuestion(2)
    assert placing_asked("so who finished third?") == PlacingQuestion(3)
    assert placing_asked("who was the runner-up") == PlacingQuestion(2)
    # A verifier: of a marathon's two races, the women's runner-up was given for the men's.
    women = placing_asked("who was runner up in the women's race")
    assert women == PlacingQuestion(2, ("women",))
    assert women.narrows("In the women's race, Aoife Kelly finished as runner-up.")
    assert not women.narrows("He crossed the line ahead of Abebe Tadesse.")
    assert placing_asked("who is second in command") is None
    assert placing_asked("who won") is None
    assert states_placing("Tyneside Rowing Club finished third, a minute behind.", 3)
    assert not states_placing("Tyneside Rowing Club finished third, a minute behind.", 2)
    assert not states_placing("The second race, for Durham juniors, was cancelled.", 2)
    assert finished_behind("Cole's eight crossed the line 12 seconds ahead of the Durham crew.")
    assert not finished_behind("They met ahead of Friday's race.")
    rowing = retriever_of(rowing=ROWING)
    for question, said in (
        ("who came second", "ahead of the Durham crew"),
        ("who finished 3rd?", "Tyneside Rowing Club finished third"),
    ):
        answer = read_answer(rowing, question, ["rowing"])
        assert said in answer.passages[0].highlight_text, question
    # Said, it is the answer; whom the winner beat is inferred, its outcome as the search's.
    assert read_answer(rowing, "who finished 3rd?", ["rowing"]).outcome == "answer"


def test_what_someone_does_for_a_living_is_answered_by_where_or_as_what_they_work(
    retriever_of,
) -> None:
    # A blind trial: "what does eira do for a living" was answered with confidence by her
    # introduction ("a reindeer herder's daughter"), not "who works part-time as a
    # veterinary nurse".
    assert says_work("Eira, who works part-time as a veterinary nurse, took up mushing.")
    assert says_work("He is employed by the council.")
    assert not says_work("The crew had trained on the river for a week.")
    rowing = retriever_of(rowing=ROWING)
    for question in ("what does hannah cole do for a living", "whats coles job"):
        answer = read_answer(rowing, question, ["rowing"])
        assert "junior doctor" in answer.passages[0].highlight_text, question
        assert answer.outcome == "answer", question


ACQUITTAL = """Council leader cleared of bribery

A jury at Leeds Crown Court on Thursday cleared the former council leader Alan Price of
bribery after a six-week trial.

Price, 61, had been accused of taking 80,000 pounds from a building firm in return for
planning votes. He denied the charges.

His former deputy, Sandra Holt, 47, was found guilty of misconduct in public office. The jury
could not reach a verdict on a second charge against her.
"""


def test_a_verdict_question_is_answered_by_the_verdict_not_the_accusation(retriever_of) -> None:
    # A CLI attacker: "was Hurst found guilty?" and "what was Hurst convicted of?" were
    # answered with confidence by "Hurst, 55, had been accused of ...", of a man the jury
    # cleared; "what was Karen Bell cleared of?" by her guilty verdict, with confidence.
    assert verdict_asked("was Price found guilty?") == VerdictQuestion("Price", None, "guilty")
    assert verdict_asked("what was Sandra Holt cleared of") == VerdictQuestion(
        "Sandra Holt", "cleared", "cleared"
    )
    assert verdict_asked("who was found guilty") is None
    assert verdict_of("Price was cleared, but Holt was found guilty.", "Holt") == "guilty"
    assert verdict_of("Price was cleared, but Holt was found guilty.", "Price") == "cleared"
    assert verdict_of("Price had been accused of taking bribes.", "Price") is None
    # A verifier's probes: a plea is no verdict; two verdicts parted by "but" alone; a
    # verdict with the name between "found" and "guilty".
    assert verdict_of("Gary Stone, 34, pleaded not guilty at a hearing.", "Stone") is None
    both = "The jury acquitted Paul Mills of misconduct but convicted Lee Grant of bribery."
    assert verdict_of(both, "Grant") == "guilty" and verdict_of(both, "Mills") == "cleared"
    named = "A jury found former warehouse manager Daniel Hurst guilty of fraud."
    assert verdict_of(named, "Hurst") == "guilty"
    # The second verifier round: a clause without a name is the named one's ("cleared of
    # fraud but convicted of theft"), a guilty plea convicts, "X's partner, Y," is Y, and
    # "what was the verdict on X" names X.
    both = "Mills was cleared of fraud but convicted of stealing from a charity."
    assert verdicts_of(both, "Mills") == ["cleared", "guilty"]
    plea = "Ellison's partner, Jodie Marsh, 29, had earlier pleaded guilty to child cruelty."
    assert verdicts_of(plea, "Jodie Marsh") == ["guilty"] and verdicts_of(plea, "Ellison") == []
    assert verdict_asked("what was the verdict on Sarah Lyle?") == VerdictQuestion(
        "Sarah Lyle", None
    )
    assert verdict_asked("was Hurst found guilty").asked == "guilty"
    trial = retriever_of(trial=ACQUITTAL)
    for question, said, outcome in (
        ("was Price found guilty?", "cleared the former council leader Alan Price", "answer"),
        ("what was alan price convicted of", "cleared the former council leader", "closest"),
        ("what was Sandra Holt cleared of?", "Holt, 47, was found guilty", "closest"),
        ("what was holt convicted of", "Holt, 47, was found guilty", "answer"),
        ("what was the verdict", "cleared the former council leader", "answer"),
    ):
        answer = read_answer(trial, question, ["trial"])
        assert said in answer.passages[0].highlight_text, question
        assert answer.outcome == outcome, question


RAID = """Two charged after jewellery raid

Police have charged two men after a raid on a jewellery shop in Elmstead in which a security
guard was injured.

Officers arrested Dean Cole, 31, and Marek Nowak, 27, on Sunday. A third man, aged 19, was
released without charge.

The guard, Peter Lim, 64, was hit with a hammer during the raid on Friday evening.
"""


def test_who_underwent_something_is_answered_by_a_sentence_saying_so(retriever_of) -> None:
    # A CLI attacker: "who was injured?" was answered with confidence by the arrests, "who
    # was released?" and "who hit the guard?" by the guard's sentence, which names no one
    # who hit him.
    assert suffered_asked("who was injured?") == "injured"
    assert suffered_asked("who was found guilty") is None
    assert mentions_verb("A third man was released without charge.", "released")
    assert not mentions_verb("A third man was released without charge.", "charged")
    assert leaves_out_the_doer("who hit the guard", "The guard was hit with a hammer.")
    assert not leaves_out_the_doer("who hit the guard", "The guard was hit by a man, 19.")
    raid = retriever_of(raid=RAID)
    for question, said in (
        ("who was injured?", "guard was injured"),
        ("who was released?", "A third man, aged 19"),
    ):
        answer = read_answer(raid, question, ["raid"])
        assert said in answer.passages[0].highlight_text, question
    assert read_answer(raid, "who was released?", ["raid"]).outcome == "closest"
    assert read_answer(raid, "who hit the guard?", ["raid"]).outcome != "answer"


def test_what_would_have_been_is_no_confident_answer_to_what_is(retriever_of) -> None:
    # A bot attacker: "how much will it cost?" of a dam story was answered with confidence by
    # "The first plan, rejected in 2016, would have cost 80 million dollars."
    rejected = "The first plan, rejected in 2016, would have cost 80 million dollars."
    assert tells_what_would_have_been("how much will it cost?", rejected)
    assert not tells_what_would_have_been("how much would the first plan have cost", rejected)
    # Asked of the plan itself, it answers (a verifier: hedged).
    assert not tells_what_would_have_been("how much did the first plan cost", rejected)
    assert not tells_what_would_have_been("how much will it cost?", "It will cost $120 million.")
    dam = retriever_of(
        dam="Valley dam approved\n\nRIVERTON — The board approved a 120 million dollar dam on "
        "Thursday.\n\nBuilding starts in 2027. " + rejected + "\n"
    )
    answer = read_answer(dam, "how much will it cost?", ["dam"])
    assert answer.outcome != "answer" or "120 million" in answer.passages[0].highlight_text


def test_how_many_a_named_one_did_is_answered_by_the_clause_naming_them(retriever_of) -> None:
    # A CLI attacker: "how many goals did Brandt score?" was answered with confidence by "City
    # had two goals ruled out for offside." (moved there from his "scored twice").
    assert count_doer_asked("how many goals did Brandt score?") == ("Brandt", "score")
    assert count_doer_asked("how many people did the company lay off") is None
    assert clause_tells("City led, but Rovers striker Leo Brandt scored twice.", "Brandt", "score")
    assert not clause_tells(
        "City led, but Rovers striker Leo Brandt scored twice.", "City", "score"
    )
    match = retriever_of(
        match="Rovers beat City in cup semi-final\n\nHarbour Rovers beat Kingsbridge City 3-1 on "
        "Saturday.\n\nCity took the lead through Sam Okoro after 12 minutes, but Rovers striker "
        "Leo Brandt, 19, scored twice before half-time.\n\nCity manager Ruth Adler said her side "
        "had been unlucky. City had two goals ruled out for offside.\n"
    )
    brandt = read_answer(match, "how many goals did Brandt score?", ["match"])
    assert "Brandt, 19, scored twice" in brandt.passages[0].highlight_text


def test_a_name_after_a_passive_verb_is_no_doer_and_a_count_needs_no_verb() -> None:
    # A verifier: "who hit the guard?" of "was hit with a crowbar outside the office of depot
    # manager Steve Wragg" had been confident (a bystander, a place); only "by" names a doer.
    outside = "The guard was hit with a crowbar outside the office of manager Steve Wragg."
    assert leaves_out_the_doer("who hit the guard", outside)
    # "how many votes did Richard Pellow get": a count news gives in other words.
    assert count_doer_asked("how many votes did Richard Pellow get") is None
    # A count in other words than the verb asked: "netted a hat-trick", "added a third",
    # "finished with 31 points" (the verifier's probes had them hedged).
    for said in (
        "Kieran Walsh netted a hat-trick.",
        "Captain Ryan Coles added a third from the penalty spot.",
        "Justin Robinson finished with 31 points and nine assists.",
    ):
        who = said.split()[-3] if "points" in said else said.split()[1]
        assert clause_tells(said, "Walsh" if "Walsh" in said else who, "score", "point"), said


def test_a_figure_of_the_past_s_best_answers_no_question_of_now() -> None:
    # A bot attacker: "how many people does the plant employ now?" was answered with
    # confidence by "It employed 12,000 people at its height", of a plant sold in administration.
    from articlebot.retrieval.answer_type import tells_a_past_peak

    peak = (
        "The plant produced 3 million tonnes a year at its peak. It employed 12,000 at its height."
    )
    assert tells_a_past_peak("how many people does the plant employ now?", peak)
    assert tells_a_past_peak("how much steel does it make?", peak)
    assert not tells_a_past_peak("how many people did the plant employ at its height?", peak)
    assert not tells_a_past_peak("how many people does it employ now?", "It employs 300 people.")
    # Today's figure beside the past's (a verifier's probes).
    both = "The works, which employed 18,000 people at its peak, now employs about 3,200."
    assert not tells_a_past_peak("how many people does the works employ now", both)
    rowe = "Rowe, who at one point had scored in ten games in a row, has 19 goals this season."
    assert not tells_a_past_peak("how many goals does Rowe have", rowe)


@pytest.mark.parametrize(
    ("question", "sentence", "similar"),
    [
        # A CLI attacker: answered "2019" with confidence for the story's own crash.
        (
            "when did the crash happen?",
            "A similar crash on the same stretch in 2019 injured 7.",
            True,
        ),
        (
            "where did the crash happen?",
            "A similar crash on the same stretch in 2019 injured 7.",
            True,
        ),
        (
            "was there a similar crash before?",
            "A similar crash on the same stretch in 2019.",
            False,
        ),
        ("has this happened before", "A similar attack in Leeds in 2021 killed two men.", False),
        # The other one named, as the sentence names it (a verifier: hedged right answers).
        (
            "what happened to the skerry bank project",
            "A similar project at Skerry Bank failed.",
            False,
        ),
        (
            "what is the rent in london?",
            "The rent for a similar flat in London is 2,100 pounds.",
            False,
        ),
        # Not another event: a like number, a like way.
        ("how many came", "A similar number of people came on Sunday.", False),
        ("how did they do it", "They did it in a similar way to last time.", False),
        (
            "what % died",
            "4.1 percent died, against 7.9 percent in a similar group of clinics.",
            False,
        ),
    ],
)
def test_a_similar_one_is_another_event(question: str, sentence: str, similar: bool) -> None:
    assert tells_a_similar_one(question, sentence) == similar

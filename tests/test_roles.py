"""Asked who holds a role ("who is the mayor of fremont", "who's the ceo"), a reader gets the
sentence naming the holder beside the title, with confidence; and no holder of another role,
another place's or another team's."""

from __future__ import annotations

import pytest

from articlebot.retrieval.conversation import ask_in_context
from articlebot.retrieval.reader import read_answer, with_role_holder
from articlebot.retrieval.roles import (
    role_aged,
    role_asked,
    role_holder,
    role_led,
    role_speaking,
)

DERAILMENT = """Freight train carrying chemicals derails in Ohio town, 2,000 residents evacuated

By Dana Whitlow

FREMONT, Ohio (AP) — A freight train carrying hazardous chemicals derailed early Friday near \
the center of Fremont, Ohio, setting off a fire and forcing about 2,000 residents to leave \
their homes, officials said. No injuries were reported.

Twenty-three of the train's 112 cars left the tracks near the Sandusky River bridge. Fire \
crews from six counties worked through the night to keep the flames away from tank cars.

Deputy Mayor Tom Reyes, 44, said shelters had opened at two schools. Mayor Sarah Lindqvist, 58, \
urged people outside the evacuation area to keep their windows closed and to avoid the river.

Ohio Gov. Mike DeWine said he had spoken with the railroad's chief executive, Linda Park, and \
with federal officials. "The railroad is going to pay for this cleanup, all of it," DeWine \
said.

DeWine, 78, said state inspectors would examine every rail bridge in the county.
"""

DERBY = """Perera century puts Sri Lanka in control of first Test against Bangladesh

GALLE, Sri Lanka — Ravindu Perera struck an unbeaten 164 as Sri Lanka piled up 412 for five on \
the opening day of the first Test against Bangladesh in Galle on Wednesday.

Perera came to the crease with Sri Lanka on 54 for two. He shared a partnership of 187 with \
captain Chamika Fernando, who made 89 before he was bowled.

"We bowled well in patches," said Bangladesh bowling coach Grant Elliott-Hayes.
"""


@pytest.fixture(scope="module")
def stories(retriever_of):
    return retriever_of(derailment=DERAILMENT, cricket=DERBY)


@pytest.mark.parametrize(
    ("question", "titles", "qualifiers"),
    [
        ("who is the mayor of millbrook", (("mayor",),), ("millbrook",)),
        ("Who's the zaporizhzhia governor?", (("governor",), ("gov",)), ("zaporizhzhia",)),
        ("who is the current pm", (("prime", "minister"), ("premier",)), ()),
        ("who is france's foreign minister", (("minister",),), ("france", "foreign")),
        ("whos the ceo at vindla", (("chief", "executive"), ("ceo",)), ("vindla",)),
        # Asked for the name (a new user's "what is the name of the french foreign minister"
        # was answered with the deputy prime minister's sentence).
        (
            "what is the name of the french foreign minister",
            (("minister",),),
            ("french", "foreign"),
        ),
        ("whats the mayor of millbrooks name", (("mayor",),), ("millbrook",)),
        ("what is the zaporizhzhia governor called?", (("governor",), ("gov",)), ("zaporizhzhia",)),
    ],
)
def test_the_role_a_question_asks_the_holder_of(question, titles, qualifiers) -> None:
    asked = role_asked(question)
    assert asked is not None
    assert asked.titles == titles and asked.qualifiers == qualifiers


def test_a_title_that_only_loosely_stands_for_the_role_must_stand_alone() -> None:
    # A health minister is called a secretary in some cabinets, but a union's general
    # secretary is no minister; the minister named later is.
    sentences = [
        "Prince Adjei, the union's general secretary, said the union had written.",
        "Ghana's Minister for Lands and Natural Resources, Abena Kusi-Mensah, visited the site.",
    ]
    text = " ".join(sentences)
    minister = role_holder(
        sentences, "Ghana mine collapse", role_asked("who is the minister"), text
    )
    assert minister is not None and minister.name == "Abena Kusi-Mensah"
    # The head of something else is no leader of what was asked (a blind trial: "who led the
    # reserch" was answered with confidence by the head of a fishing cooperative).
    reef = ["Daeng Nassa, 57, head of a fishing cooperative, said catches had improved."]
    asked = role_led("who led the research")
    assert role_holder(reef, "Reef sounds bring fish back", asked, reef[0]) is None
    cooperative = role_holder(reef, "Reef", role_asked("who is the head of the cooperative"))
    assert cooperative is not None and cooperative.name == "Daeng Nassa"
    # "its chairman" is the chairman of what "its" stands for (a bot attacker: "who is the
    # chairman of the council?" named the trust's chairman with confidence).
    trust = [
        "The Nordvik Harbour Trust has bought the old factory, its chairman Ola Berg said.",
        "The council will give 500,000 kroner toward the repairs.",
    ]
    text = " ".join(trust)
    chairman = role_asked("who is the chairman of the council")
    assert role_holder(trust, "Harbour trust buys factory", chairman, text) is None
    anyone = role_holder(trust, "Harbour trust", role_asked("who is the chairman"), text)
    assert anyone is not None and anyone.name == "Ola Berg"
    # Which one, in plain words ("of the local school"), before the name (a verifier's probe).
    school = ["The head teacher of the local school, Maria Lopez, said it was a good neighbour."]
    head = role_holder(school, "Port chief named", role_asked("who is the headmaster"), school[0])
    assert head is not None and head.name == "Maria Lopez"
    kenya = ["Education Cabinet Secretary Peter Kirui said he would meet union leaders."]
    asked = role_asked("who is the education minister")
    holder = role_holder(kenya, "Kenyan teachers strike", asked, kenya[0])
    assert holder is not None and holder.name == "Peter Kirui"
    # A deputy is the deputy asked for.
    deputy = ["Deputy Governor Francisco Ilagan said reserves stood at $98.6 billion."]
    assert role_holder(deputy, "Peso", role_asked("who is the governor"), deputy[0]) is None
    asked = role_asked("who is the deputy governor")
    assert role_holder(deputy, "Peso", asked, deputy[0]) is not None


@pytest.mark.parametrize(
    "question",
    [
        "who is laurent vinatier",  # a name
        "who was the judge who ruled for quickplate last year",  # a person described
        "who is the dutch partner",  # no title one person holds
        "who won",
        "what is the name of the ship",
        "whats the giraffe called",
    ],
)
def test_other_who_questions_ask_no_role(question: str) -> None:
    assert role_asked("who is the guy") is None
    assert role_asked(question) is None


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        ("who's the braga coach", "Braga coach Nuno Almeida said his side were too slow."),
        ("who is the mayor of muxia", "said Rosa Iglesias, the mayor of Muxía, on the beach."),
        ("who is the shop manager", "The shop's manager, Sarah Whitfield, said staff were safe."),
        (
            "who is the french foreign minister",
            "France’s foreign minister, Jean-Noel Barrot, spoke.",
        ),
        ("who is the chief vet", "said the UK's chief veterinary officer, Dr. Fiona Carradine."),
        ("who's the defending champ", "Defending champion Yulia Akhmetova also advanced."),
        ("whos the ref", "Referee Simon Tate had booked Holloway in the first half."),
        # "The X guy": whoever holds a title of X's, X beside it, by name or initials.
        ("whos the union guy", "Declan Forsyth, 54, the union's general secretary, said so."),
        (
            "who is the paho guy",
            "Dr. Samuel Ortega, the Pan American Health Organization's representative, said.",
        ),
        # The name closing a description after the title.
        (
            "whos her coach",
            "Lindqvist's coach, the former Dutch doubles player Ruud Schilder, 52, said so.",
        ),
        # An American prosecutor's title.
        (
            "who is the prosecutor",
            '"It was deliberate," Assistant U.S. Attorney Rachel Okonkwo said.',
        ),
        ("who is the prosecutor", "District Attorney Alvin Bragg filed the charges."),
        # The one who argued the case (a new user's: hedged as another role's).
        ("who is the prosecutor", "Assistant Prosecutor Karen Obi told jurors it was theft."),
        # A team's position is held as a title is (a new user's "who is the goalkeeper").
        ("whats the keepers name", "Riverside goalkeeper Aaron Pryce, 34, saved twice."),
        (
            "who was the prosecutor",
            '"It was no accident," Assistant County Attorney Rebecca Sorensen told jurors.',
        ),
        # Whoever leads something, by title or by what news says they do.
        ("who runs the museum", "the museum's director, Dr. Katrin Vollmer, said on Friday."),
        ("who is in charge of the rescue", "Efua Sarpong, who is coordinating the rescue, said."),
        ("who's leading the search", "said Rear Admiral Budi Santoso, who is leading the search."),
        # Asked in the past tense; a study's leader is its lead author.
        (
            "who led the study",
            '"It held up," said Dr. Samuel Osei, a neurologist and the study\'s lead author.',
        ),
        ("who ran the raid", "Captain Ana Ruiz, who led the raid, declined to comment."),
        # "The case", "the game" are the story's own: they narrow nothing.
        ("who is the judge in the case", "Circuit Judge Maria Okafor adjourned until Monday."),
        ("whos the ref in the game", "Referee Simon Tate had booked Holloway in the first half."),
        # A school's head is its headteacher.
        ("who is the head", "Headteacher Priya Venkatesh, 47, told parents it would close."),
        # A union's leader is its general secretary; an agency's, its administrator, named
        # in full where the question has its initials.
        ("who leads the eis", "said Andrea Bradley, the general secretary of the EIS."),
        ("who is the head of the union", "Declan Forsyth, the union's general secretary, said."),
        (
            "who runs fema",
            "Federal Emergency Management Agency Administrator Angela Ruiz said she would go.",
        ),
        # Named to it in a participle: no verb doing something to the title's holder (a
        # verifier's probe of the check for "Sergio Lanza, sent the goalkeeper").
        ("who is the coach", "Maria Lopez, appointed coach in May, said the squad was ready."),
        # A title written as one word or two, in British or American spelling, either way
        # asked (a verifier's probe: "Harbour master Colin Dunn" was hedged).
        ("who is the harbour master", "Harbour master Colin Dunn said the quay was shut."),
        ("who is the harbourmaster", "Harbour master Colin Dunn said the quay was shut."),
        ("who is the harbour master", "Harbourmaster Colin Dunn said the quay was shut."),
        ("whos the harbor master", "said Colin Dunn, the harbourmaster, on Monday."),
        ("who is the headmaster", "Head master Peter Crane, 61, told parents."),
        # Another name of the title, written as two words (a verifier's probe).
        ("who is the head teacher", "Head master Peter Crane, 61, told parents."),
        ("who is the head master", "Headteacher Jane Roe, 48, told parents."),
    ],
)
def test_the_holder_is_named_beside_the_title(question: str, sentence: str) -> None:
    sentences = ["The match was played on Sunday in front of a record crowd.", sentence]
    asked = role_asked(question) or role_led(question)
    holder = role_holder(sentences, "A headline", asked, " ".join(sentences))
    assert holder is not None and holder.sentence == 1


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        # Another country's minister, a deputy, another team's captain in its own sentence.
        (
            "who is the russian foreign minister",
            "France’s foreign minister, Jean-Noel Barrot, spoke.",
        ),
        ("who is the mayor", "Deputy Mayor Tom Reyes said shelters had opened."),
        (
            "who is hajduk's captain",
            "Captain Mislav Rukavina doubled the lead from the spot after Hajduk's keeper fouled.",
        ),
        ("who is the governor of arizona", "Arizona Governor's office spokesperson Dan Ruiz said."),
        ("who is the head of the space agency", "said mission director K. Radhakrishnan Nair."),
        # "Former" three words back is still another role (a reader's trial got her, with
        # confidence, for the trial's prosecutor).
        (
            "who is the prosecutor",
            "said Laura Menendez, a former federal prosecutor who now teaches law.",
        ),
        ("who is the minister", "Deputy Prime Minister Oleksiy Kuleba said."),
        # "The union guy" is the union's, not any title-holder of the story.
        ("whos the union guy", "Transport Secretary Amara Oyelaran said talks would resume."),
        # What someone was, not a title beside a name.
        ("who is her coach", "She began at a club where her mother, Karin, was a coach."),
        # A word of a body's name, no one's title.
        ("who is the head", "The National Association of Head Teachers said it was too slow."),
        # A name before a verb, not set off as the title's (a new user's article: Lanza, a
        # midfielder, for the goalkeeper the lead names, so that it named no one).
        (
            "who is the goalkeeper",
            "Rovers' fifth taker, midfielder Sergio Lanza, sent the goalkeeper the wrong way.",
        ),
        ("who is the goalkeeper", "Sergio Lanza, sent Ashford's goalkeeper the wrong way."),
    ],
)
def test_no_holder_of_another_role(question: str, sentence: str) -> None:
    text = f"Russian officials and Arizona's space agency met.\n{sentence}"
    assert role_holder([sentence], "Dinamo lose in Split", role_asked(question), text) is None


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        ("who is the opposition finance minister", "Finance minister Clara Voss said so."),
        ("who is the deputy mayor", "Mayor Tom Reyes said shelters had opened."),
        ("who is the former coach", "Coach Nuno Almeida said the team played well."),
    ],
)
def test_a_word_making_it_another_role_is_never_left_to_the_story(question, sentence) -> None:
    # A CLI attacker's probe: "who is the opposition finance minister?" got the finance
    # minister, with confidence: "opposition", a common word of the article ("The
    # opposition's finance spokesman, Ben Ito"), was read as one the story's subject tells.
    text = f"{sentence}\nThe opposition's finance spokesman, Ben Ito, spoke. A deputy and a "
    text += "former player came."
    assert role_holder([sentence], "Jobs fall", role_asked(question), text) is None


def test_a_title_two_people_hold_in_the_story_names_no_one_for_its_subject() -> None:
    # A story on Ukraine naming two presidents by the title alone: neither is Ukraine's by it.
    sentences = [
        "Russian strikes hit Ukraine overnight.",
        "The United States will not send troops, but President Donald Trump backs the plan.",
        "President Volodymyr Zelensky said the strikes were aimed at breaking Ukraine.",
    ]
    text = " ".join(sentences)
    headline = "Ukraine hit by Russian strikes"
    asked = role_asked("who is the president of ukraine")
    assert role_holder(sentences, headline, asked, text) is None
    # With one, the story's subject tells whose title it is.
    alone = role_holder([sentences[0], sentences[2]], headline, asked, text)
    assert alone is not None and alone.name == "Volodymyr Zelensky"
    # Two holders of another title the question may mean leave the first title's one alone.
    port = [
        "Gdansk port opened a terminal on Monday.",
        "Chief executive Joanna Sikorska said the cost rose.",
        "Director Tomasz Nowak and director Ewa Lis spoke.",
    ]
    boss = role_holder(
        port,
        "Gdansk port opens terminal",
        role_asked("who is the boss of the port"),
        " ".join(port),
    )
    assert boss is not None and boss.name == "Joanna Sikorska"


def test_a_bare_title_two_people_plainly_hold_names_no_one() -> None:
    sentences = [
        "The United States will not send troops, but President Donald Trump backs the plan.",
        "President Volodymyr Zelensky said the strikes were aimed at breaking Ukraine.",
        "French President Emmanuel Macron said troops could follow.",
    ]
    text = " ".join(sentences)
    headline = "Ukraine hit by Russian strikes"
    assert role_holder(sentences, headline, role_asked("who is the president"), text) is None
    # The one the question narrows it to is still named.
    french = role_holder(sentences, headline, role_asked("who is the french president"), text)
    assert french is not None and french.name == "Emmanuel Macron"
    # One plain holder beside one another name narrows: the plain one.
    one = role_holder(sentences[1:], headline, role_asked("who is the president"), text)
    assert one is not None and one.name == "Volodymyr Zelensky"
    # Two, each another country's, and none plainly the story's: no one.
    abroad = [
        "President Amara Nkosi of Ghana opened the summit on Monday.",
        "President Luis Ferreira of Portugal said trade would double.",
    ]
    bare = role_asked("who is the president")
    assert role_holder(abroad, "Summit opens", bare, " ".join(abroad)) is None
    ghana = role_holder(abroad, "Summit opens", role_asked("who is the president of ghana"), "")
    assert ghana is not None and ghana.name == "Amara Nkosi"


def test_who_led_it_is_the_one_it_was_led_by() -> None:
    sentences = [
        "The collapse of a flood wall was entirely avoidable, an independent inquiry concluded.",
        "The 340-page report, led by the retired High Court judge Dame Eleanor Whitcombe, 68, "
        "found that engineers had flagged cracks at least four times.",
        "Joanne Pryce, 52, who chairs the Kelmsford Flood Action Group, said residents were angry.",
    ]
    text = " ".join(sentences)
    holder = role_holder(
        sentences, "Flood wall collapse was avoidable", role_led("who led it"), text
    )
    # The first leader named, as before: one holder of each title is no ambiguity.
    assert holder is not None and holder.name == "Dame Eleanor Whitcombe"


def test_a_holder_given_another_place_is_not_the_subjects() -> None:
    sentences = [
        "The presidents of Veloria and Istran agreed on Saturday to reopen two crossings.",
        "President Adrian Moret of Istran called the agreement a first step.",
        "President Moret said trucks would be allowed through from next month.",
    ]
    text = " ".join(sentences)
    headline = "Leaders of Veloria and Istran agree on border deal"
    veloria = role_asked("who is the president of veloria")
    assert role_holder(sentences, headline, veloria, text) is None
    istran = role_holder(sentences, headline, role_asked("who is the president of istran"), text)
    assert istran is not None and istran.name == "Adrian Moret"


def test_a_title_alone_is_the_story_subjects(stories) -> None:
    # "Mayor Sarah Lindqvist" is Fremont's: the dateline says where the story is; the deputy
    # mayor, named first, is not the mayor.
    answer = read_answer(stories, "who is the mayor of fremont", ["derailment"])
    assert answer.outcome == "answer"
    assert "Mayor Sarah Lindqvist" in answer.passages[0].highlight_text
    # Asked of every article, the same: the top passage's article is asked.
    assert "Lindqvist" in read_answer(stories, "who is the mayor of fremont").passages[0].text


def test_a_title_abbreviated_and_a_boss_by_any_title(stories) -> None:
    governor = read_answer(stories, "who is the governor", ["derailment"])
    assert governor.outcome == "answer"
    assert "Gov. Mike DeWine" in governor.passages[0].highlight_text
    boss = read_answer(stories, "who's the ceo of the railroad", ["derailment"])
    assert "chief executive, Linda Park" in boss.passages[0].highlight_text


@pytest.mark.parametrize(
    ("question", "age"),
    [("how old is the mayor", "Mayor Sarah Lindqvist, 58"), ("how old is the governor", "78")],
)
def test_how_old_is_the_role_holder(stories, question: str, age: str) -> None:
    # The deputy mayor's age comes first; the governor's is given where no title is.
    answer = read_answer(stories, question, ["derailment"])
    assert answer.answered and age in answer.passages[0].highlight_text
    assert role_aged("what age is the mayor of fremont?") is not None
    assert role_aged("how old is lindqvist") is None


STRIKE = """Marlow County teachers strike for third day as pay talks stall

MARLOW, Ohio (AP) — About 1,400 teachers in Marlow County stayed off the job for a third day \
on Wednesday as talks over pay and class sizes stalled.

"We are not asking for anything unreasonable," said Linda Marsh, 56, the union's president \
and a former high school chemistry teacher.

The district's superintendent, Robert Keane, said the union's demands would cost $48 million \
over three years.

Mayor Patricia Gomez urged both sides to return to the table and offered City Hall as a \
neutral venue. A state mediator is expected to arrive on Thursday.
"""


def test_a_holder_without_an_age_is_shown_as_the_closest_not_another_age(
    retriever_of, stories
) -> None:
    # The article names the mayor and gives no age: her sentence is the closest, not the
    # union president's age (a new user's probe had been shown "Linda Marsh, 56"); no holder
    # at all, and the search's age is no confident answer either.
    strike = retriever_of(strike=STRIKE)
    mayor = read_answer(strike, "How old is the mayor?", ["strike"])
    assert mayor.outcome == "closest"
    assert "Mayor Patricia Gomez" in mayor.passages[0].highlight_text
    president = read_answer(strike, "how old is the union president", ["strike"])
    assert president.outcome == "answer" and "56" in president.passages[0].highlight_text
    assert read_answer(stories, "how old is the mayor", ["cricket"]).outcome != "answer"
    # A holder the article gives an age but no name is answered by the sentence naming the
    # title with it.
    spill = retriever_of(
        spill="Oil slick reaches Galician beaches\n\n"
        "A CORUÑA, Spain — Clean-up crews worked for a third day to scrape fuel oil from beaches "
        "after the tanker Aurora Bay collided with a container ship in heavy fog.\n\n"
        "The captain of the Aurora Bay, a 51-year-old Greek national, was questioned by police "
        "on Tuesday but has not been arrested, a court spokesperson said.\n\n"
        "Environmental groups said the spill had already taken a heavy toll on wildlife.\n"
    )
    captain = read_answer(spill, "how old is the captain", ["spill"])
    assert captain.outcome == "answer" and "51-year-old" in captain.passages[0].highlight_text


def test_a_role_no_one_is_named_in_is_only_the_closest(stories) -> None:
    # The search finds the title's word ("the railroad's chief executive" is no mayor of
    # another town); without a holder beside the title it is offered as the closest only.
    answer = read_answer(stories, "who is the mayor of toledo", ["derailment"])
    assert answer.outcome != "answer"
    led = read_answer(stories, "who runs the railroad", ["derailment"])
    assert led.outcome == "answer" and "Linda Park" in led.passages[0].highlight_text


@pytest.mark.parametrize(
    "question",
    ["who runs the museum", "who is in charge of the rescue", "who's leading it", "who led it"],
)
def test_who_leads_something_asks_for_its_leader(question) -> None:
    assert role_led(question) is not None
    assert role_led("who runs") is None and role_led("who won the race") is None


def test_another_teams_captain_is_no_answer(stories) -> None:
    # Fernando captains Sri Lanka, whom the headline names first; Bangladesh's is not given.
    answer = read_answer(stories, "who's the bangladesh captain", ["cricket"])
    assert "Chamika Fernando" not in answer.passages[0].highlight_text or not answer.answered


ARSON = """Police arrest man over string of car fires in Lyon suburbs

LYON, France (AP) — French police on Thursday arrested a man suspected of setting fire to at \
least 27 cars over four months in the eastern suburbs of Lyon.

The man, a delivery driver identified by prosecutors only as Karim B., was detained at dawn at \
his apartment in Vaulx-en-Velin, Lyon prosecutor Nicolas Perrin said at a news conference.

"This man is presumed innocent, but the material we found is serious and consistent," Perrin \
told reporters. "He will be brought before an investigating judge tomorrow."

The mayor of Vaulx-en-Velin, Hélène Geoffroy, thanked the police and said the town would \
install 30 more street cameras this year.

The delivery company, which prosecutors did not name, said in a statement that it was \
"shocked" and was cooperating fully with investigators.
"""


@pytest.mark.parametrize(
    ("question", "role", "qualifiers"),
    [
        ("what did the prosecutor say", "the prosecutor", ()),
        ("what does the mayor of fremont think about it?", "the mayor of fremont", ("fremont",)),
        ("what did his lawyer say", "his lawyer", ()),
    ],
)
def test_a_question_about_a_role_holders_words(question, role, qualifiers) -> None:
    spoken = role_speaking(question)
    assert spoken is not None and question[spoken.start : spoken.end] == role
    assert spoken.asked.qualifiers == qualifiers


def test_a_question_with_a_subject_of_its_own_is_searched_by_it() -> None:
    assert role_speaking("what did the ceo say about modernising the factory") is None
    assert role_speaking("what did perrin say") is None


def test_the_holders_name_as_the_article_writes_it() -> None:
    sentences = [
        "said the UK's chief veterinary officer, Dr. Fiona Carradine.",
        "said Dr. Henrik Lassen, 52, the study's lead author.",
    ]
    vet = role_holder(sentences, "Bird flu", role_asked("who is the chief vet"))
    assert vet is not None and (vet.sentence, vet.name) == (0, "Dr. Fiona Carradine")
    author = role_holder(sentences, "A study", role_asked("who is the lead author"))
    assert author is not None and (author.sentence, author.name) == (1, "Dr. Henrik Lassen")


def test_what_the_prosecutor_said_is_what_the_prosecutor_named_said(retriever_of) -> None:
    # "prosecutors did not name" in the company's statement matches the words best; the
    # prosecutor is Nicolas Perrin, whose words are wanted.
    arson = retriever_of(arson=ARSON)
    answer = read_answer(arson, "what did the prosecutor say")
    assert "Perrin" in answer.passages[0].highlight_text
    assert answer.question == "what did the prosecutor say"


SUMMIT = """Leaders of Veloria and Istran agree on border crossing deal
By Katarina Volkova

GENEVA - The presidents of Veloria and Istran agreed on Saturday to reopen two border crossings
closed since a trade dispute last year, ending months of tension between the neighbours.

President Adrian Moret of Istran called the agreement "a first step back to normal life." The
Velorian president did not speak to reporters after the meeting, and Veloria's delegation left
Geneva on Saturday evening.

President Moret said trucks would be allowed through the crossings from next month. Veloria and
Istran will meet again in June.
"""
TREATY = """Fishing treaty signed after decade of disputes
By Tomas Greer

LISBON - Four coastal countries signed a fishing treaty on Thursday, ending a decade of
disputes over catch limits in the northern gulf.

"This protects the fish and the families who live from them," said President Anna Kovar of
Veloria, whose government proposed the joint patrols.

The treaty sets a joint quota for cod and hake. Fishing crews in the port of Saldera welcomed
the deal but said the quotas were still too low.
"""


def test_a_role_holder_another_article_names_beside_every_word_asked(retriever_of) -> None:
    both = retriever_of(summit=SUMMIT, treaty=TREATY)
    veloria = read_answer(both, "who is the president of veloria")
    assert veloria.outcome == "answer"
    assert "Anna Kovar" in veloria.passages[0].highlight_text
    # The search's best article is the summit's, which does not name him.
    assert veloria.passages[0].doc_id == "treaty"
    istran = read_answer(both, "who is the president of istran")
    assert "Adrian Moret" in istran.passages[0].highlight_text


TERMINAL = """Kelmouth council approves ferry terminal after seven-hour debate
By Priya Raman

Kelmouth District Council voted 23 to 17 on Tuesday night to approve a new £48 million ferry
terminal on the town's north quay.

Council leader Martin Oduya said the vote was "the most important decision this chamber has made
in a generation".

Westward Sea Lines chief executive Helen Marsh, 52, said the company would commit to running its
Kelmouth-Roscoff route for at least 15 years once the terminal opens.

Campaign spokesperson Gwen Tallis, a retired teacher who has lived on the quay for 41 years, said
residents felt ignored.
"""

BEES = """Wild bee numbers rebound on restored Dutch farmland, study finds
By Tomas Berglund

Wild bee populations on farmland in the eastern Netherlands have almost tripled in five years
after farmers planted hedgerows and wildflower strips, a study published on Thursday found.

"We honestly did not expect the recovery to be this fast," said Dr. Annelies Vos, the ecologist
who led the study.

Professor Mark Ellison of the University of Reading, who was not involved in the research,
called the results "encouraging but local".
"""

RUNNERS = """Teenager wins Lakeside Marathon in course record
By Daniel Whitcombe

Amara Okafor, 19, won the Lakeside Marathon on Sunday in 2 hours 24 minutes, a course record.

Race director Paul Hendry said 4,200 runners had finished, the most in the race's history.
"""


def test_who_is_the_ceo_of_a_few_articles_is_the_one_they_name(retriever_of) -> None:
    # A new user's three articles and the sample: "who is the ceo" was hedged with a professor
    # from the bee story, the search's best passage; the ferry story names a chief executive.
    few = retriever_of(bees=BEES, terminal=TERMINAL, runners=RUNNERS)
    role = role_asked("who is the ceo")
    assert role is not None
    led = with_role_holder(few, few.ask("who is the ceo"), "bees", role)
    assert led.outcome == "answer"
    assert led.passages[0].highlight_text.startswith("Westward Sea Lines chief executive Helen")
    assert read_answer(few, "who is the ceo").passages[0].doc_id == "terminal"
    # When two other articles name one, the question may mean either: the best passage stays,
    # offered as the closest.
    other = TERMINAL.replace("Westward Sea Lines", "Harbour Ferries")
    two = retriever_of(
        bees=BEES, terminal=TERMINAL, harbour=other.replace("Helen Marsh", "Ian Roe")
    )
    hedged = with_role_holder(two, two.ask("who is the ceo"), "bees", role)
    assert hedged.outcome != "answer"
    # A new operator's probe: where the search's passages are all other stories' (here the
    # best alone is shown), the one article of a few naming a chief executive still answers
    # "who is the ceo" and "how old is the ceo" (both were "don't seem to answer that").
    vacant = (
        "Museum still without a leader\n\nThe CEO post at the Kelmouth Museum has been vacant "
        "since March, and the board said a new CEO would be chosen by the summer. The museum's "
        "chair said the search for a CEO had drawn 40 applicants.\n"
    )
    museum = retriever_of(bees=BEES, terminal=TERMINAL, museum=vacant)
    museum.top_k = 1
    for question, said in (("who is the ceo", "Helen Marsh"), ("how old is the ceo", "52")):
        answer = read_answer(museum, question)
        assert answer.outcome == "answer" and said in answer.passages[0].highlight_text, question


def test_the_boss_of_the_company_is_the_story_subjects_chief_executive() -> None:
    # "Halvorsen chief executive" stands loosely for "the boss", narrowed by the company the
    # headline is about: that is the company asked of (a reader's trial had it hedged).
    sentence = '"It is painful," said Halvorsen chief executive Ingrid Solberg, 51, in Derby.'
    text = f"{sentence} The company makes gearboxes."
    asked = role_asked("who's the boss of the company")
    holder = role_holder([sentence], "Halvorsen to close Derby plant", asked, text)
    assert holder is not None and holder.name == "Ingrid Solberg"
    assert role_holder([sentence], "Derby plant to close", asked, text) is None


def test_the_managing_director_is_the_boss_and_fewer_words_left_out_win() -> None:
    # "Bureau head Anastasia Korakis" is named first, but says neither "ferry" nor "company";
    # "the company's managing director" says the company, and the headline says the ferry.
    sentences = [
        "Bureau head Anastasia Korakis said a preliminary report would follow.",
        '"Our first thought is with the passengers," said the company\'s managing director, '
        "Yiannis Stavrou, 58.",
    ]
    headline = "Ferry hits harbour wall in Greek island port"
    text = " ".join(sentences) + " The company runs nine ferries."
    for question in ("whos the boss of the ferry company", "who runs the ferry company"):
        asked = role_asked(question) or role_led(question)
        holder = role_holder(sentences, headline, asked, text)
        assert holder is not None and holder.name == "Yiannis Stavrou", question


def test_who_leads_it_is_who_would_lead_it() -> None:
    sentences = [
        "Its chief executive, Peter Lindqvist, 61, said the company would cooperate fully.",
        "The minister announced that retired High Court judge Sir Anthony Keel would lead an "
        "independent inquiry into the crash.",
    ]
    asked = role_led("whos leading the inquiry")
    holder = role_holder(sentences, "Train derails", asked, " ".join(sentences))
    assert holder is not None and holder.name == "Sir Anthony Keel"
    # A company that would do something leads nothing.
    assert role_holder(sentences[:1], "Train derails", asked, sentences[0]) is None


@pytest.mark.parametrize(
    ("question", "title", "qualifier"),
    [
        ("who was driving the train", "driver", "train"),
        ("whos flying the plane?", "pilot", "plane"),
        ("who is coaching the team", "coach", "team"),
    ],
)
def test_who_was_doing_it_asks_for_the_doer(question, title, qualifier) -> None:
    asked = role_asked(question)
    assert asked is not None and asked.titles[0] == (title,)
    assert asked.qualifiers == (qualifier,)


def test_a_holder_named_as_such() -> None:
    named = "Police named the train's driver as Graham Pollard, 58, a driver for 22 years."
    asked = role_asked("who was driving the train")
    holder = role_holder([named], "Train derails", asked, named)
    assert holder is not None and holder.name == "Graham Pollard"
    # "as" after a title names no one where nothing names the holder.
    other = "The train's driver slowed down as Oxford came into view."
    assert role_holder([other], "Train derails", asked, other) is None


def test_who_chaired_it_asks_for_a_chair_not_the_boss() -> None:
    sentences = [
        "Halbrook's chief executive, Daniel Okafor, 52, said the company was disappointed.",
        "Panel chair Margaret Liu said the evidence was a hopeful signal.",
    ]
    asked = role_led("who chaired the panel")
    holder = role_holder(sentences, "Regulator rejects drug", asked, " ".join(sentences))
    assert holder is not None and holder.name == "Margaret Liu"
    # Without a chair named, no chief executive stands in for one.
    assert role_holder(sentences[:1], "Regulator rejects drug", asked, sentences[0]) is None


def test_a_named_person_without_an_age_is_shown_as_the_closest(retriever_of) -> None:
    # "how old is he" after "who is the board president" had been offered "Gary Whitfield, a
    # 49-year-old plumber" (a new user's probe); the article names the superintendent and
    # gives no age: his sentence, as the closest.
    strike = retriever_of(strike=STRIKE)
    keane = read_answer(strike, "how old is robert keane", ["strike"])
    assert keane.outcome == "closest" and "Robert Keane" in keane.passages[0].highlight_text
    marsh = read_answer(strike, "how old is linda marsh", ["strike"])
    assert marsh.outcome == "answer" and "Linda Marsh, 56" in marsh.passages[0].highlight_text
    _, turn = ask_in_context(strike, "who is the superintendent", None, doc_ids=["strike"])
    he, _ = ask_in_context(strike, "how old is he", turn, doc_ids=["strike"])
    assert he.outcome == "closest" and "Robert Keane" in he.passages[0].highlight_text


def test_an_auditor_or_a_curator_is_a_title_someone_holds(retriever_of) -> None:
    # "how old is the auditor" had found the defence's sentence: "auditor" was no title.
    from articlebot.retrieval.reader import read_answer

    court = retriever_of(
        court="""Former treasurer jailed over pension theft

HARWICK, Ohio — A former city treasurer who stole $4.2 million from the town's pension fund \
was sentenced on Thursday to six years in federal prison.

The theft came to light in 2023 when a new auditor, Priya Natarajan, noticed that pension \
statements did not match bank records. Natarajan, 34, told reporters she felt relieved.

The defence had asked for four years, citing the treasurer's age and poor health.
"""
    )
    answer = read_answer(court, "how old is the auditor")
    assert answer.passages[0].highlight_text.startswith("Natarajan, 34")


def test_their_title_is_the_body_named_just_before_it() -> None:
    # A new user's probe: "who is the manager of kilbride rovers" was hedged with the lead,
    # "Their manager, Deirdre Walsh" naming the manager of the team the sentence before names
    # (by its short name); and Ashford's manager stood for "who is the rovers manager".
    sentences = [
        "Kilbride Rovers won the league on Saturday, beating Ashford City 3-1.",
        "The victory gives Rovers an unassailable nine-point lead.",
        "Their manager, Deirdre Walsh, became the first woman to win the title.",
        "Ashford City remain second, but their manager, Colin Barrett, was not pleased.",
    ]
    text = " ".join(sentences)
    headline = "Rovers clinch first league title in 31 years"
    for question, name in (
        ("who is the manager of kilbride rovers", "Deirdre Walsh"),
        ("who is the rovers manager", "Deirdre Walsh"),
        ("who is the manager of ashford city", "Colin Barrett"),
        ("who is the ashford manager", "Colin Barrett"),
    ):
        holder = role_holder(sentences, headline, role_asked(question), text)
        assert holder is not None and holder.name == name, question
    # A name's words as another name's part are not it: "the Russian Foreign Ministry" makes
    # France's foreign minister no Russian one.
    ministry = [
        "The Russian Foreign Ministry said the declarations were militaristic.",
        "France's foreign minister, Jean-Noel Barrot, welcomed him in Paris.",
    ]
    asked = role_asked("who is the russian foreign minister")
    assert role_holder(ministry, "Researcher freed", asked, " ".join(ministry)) is None


def test_her_title_is_the_person_named_just_before_it() -> None:
    # A new user's probe: "who is priya nair's coach" (a name of two words before the "'s")
    # asked no role, and "Her coach, Stefan Kovacs," was no coach of hers: the game sentence
    # naming her came first, in a chat too.
    sentences = [
        "A 12-year-old schoolgirl from Leeds has become the youngest British chess champion.",
        "Priya Nair won her final game against Daniel Whitmore, 34, in 61 moves on Saturday.",
        "Her coach, Stefan Kovacs, said she trains for about four hours a day after school.",
    ]
    text = " ".join(sentences)
    for question in ("who is priya nair's coach", "who is Nair's coach"):
        asked = role_asked(question)
        assert asked is not None and asked.qualifiers == ("nair",), question
        holder = role_holder(sentences, "Twelve-year-old wins chess title", asked, text)
        assert holder is not None and holder.name == "Stefan Kovacs", question
    # Hers only: not the coach of the other person the sentence before names, nor of anyone
    # where "her" may be either of two, nor of a man (a verifier's probes: each was answered
    # "Stefan Kovacs" with confidence).
    headline = "Twelve-year-old wins chess title"
    asked = role_asked("who is whitmore's coach")
    assert role_holder(sentences, headline, asked, text) is None
    lost = [sentences[0], "Daniel Whitmore, 34, lost his final game to Priya Nair.", sentences[2]]
    for question in ("who is whitmore's coach", "who is priya nair's coach"):
        assert role_holder(lost, headline, role_asked(question), " ".join(lost)) is None
    praised = [sentences[0], "Daniel Whitmore said the girl played brilliantly.", sentences[2]]
    asked = role_asked("who is daniel whitmore's coach")
    assert role_holder(praised, headline, asked, " ".join(praised)) is None
    his = [*sentences[:2], "His coach, Anna Berg, said he would be back."]
    assert role_holder(his, headline, role_asked("who is nair's coach"), " ".join(his)) is None
    # A "she" after the second name is the subject's as often (a second verifier's probe:
    # Kovacs was given as Whitmore's coach).
    beat = [
        sentences[0],
        "Priya Nair beat Daniel Whitmore in the final, and she said it was her best game.",
        "Her coach, Stefan Kovacs, said the win was deserved.",
    ]
    for question in ("who is whitmore's coach", "who is priya nair's coach"):
        assert role_holder(beat, headline, role_asked(question), " ".join(beat)) is None


def test_a_holder_s_own_name_narrows_no_title() -> None:
    # A blind trial: "whos afridis coach" was answered with confidence by "His grandfather,
    # Gul Afridi, was ... later a coach", the name being the holder's own.
    squash = [
        "Zarak Afridi, 19, won the Heliopolis Squash Classic on Sunday.",
        "His grandfather, Gul Afridi, was a ball boy and later a coach at a club in the city.",
        "Afridi's coach, Rehmat Khan, said the federation needed to invest more.",
    ]
    headline = "Pakistani teenager wins Cairo squash title"
    holder = role_holder(squash, headline, role_asked("who is afridi's coach"), " ".join(squash))
    assert holder is not None and holder.name == "Rehmat Khan"


def test_her_coach_after_her_quotation_is_hers_and_former_may_open_the_appositive() -> None:
    # A new user's probe: "who is her coach?" (after "who won the marathon?") and "who is
    # lowe's coach" were hedged: "Her coach, former Olympian Graham Tully," named no one (an
    # appositive opening without "the"), and the sentence before it, a quotation, no one whom
    # "her" meant; its speaker is in the sentence before that.
    sentences = [
        "Amara Lowe, a 19-year-old student from Hexham, won the Riverside Marathon on Sunday.",
        "Organisers said the race had raised £2.3 million for charity.",
        '"I didn\'t expect to win, I just wanted to finish under two thirty," Lowe said.',
        '"When I looked behind me at 38k and nobody was there, I started crying."',
        "Her coach, former Olympian Graham Tully, said she trained six days a week.",
    ]
    text = " ".join(sentences)
    headline = "Teenager Amara Lowe wins Riverside Marathon in course record"
    for question in ("who is lowe's coach", "who is amara lowe's coach?", "who is the coach"):
        holder = role_holder(sentences, headline, role_asked(question), text)
        assert holder is not None and holder.name.endswith("Graham Tully"), question
    # "Their campaign leader, retired teacher Margaret Wilde," (a CLI attacker's "who leads
    # the campaign?" got the company's chief executive, named with "the" after his title).
    quarry = [
        "Councillors rejected a plan by Granite Holdings to expand its quarry near Ashby.",
        "Residents had collected 2,300 signatures against the plan.",
        "Their campaign leader, retired teacher Margaret Wilde, 74, said she was delighted.",
        "Granite Holdings' chief executive, Paul Stone, said the company would not appeal.",
    ]
    holder = role_holder(
        quarry,
        "Council rejects quarry expansion",
        role_led("who leads the campaign?"),
        " ".join(quarry),
    )
    assert holder is not None and holder.name == "Margaret Wilde"

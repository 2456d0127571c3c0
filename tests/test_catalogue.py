"""Questions about the collection of articles ("which articles do you have about trams") and
summaries of live blogs, asked of a live blog, a council budget story and a ferry fire story."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from articlebot.bot.questions import answer_batch
from articlebot.collection import make_retriever, update_index
from articlebot.config import load_settings
from articlebot.encoders import Encoder
from articlebot.ingest.documents import read_documents
from articlebot.retrieval.about import about_itself, summary_reply
from articlebot.retrieval.conversation import Request, ask_in_context
from articlebot.retrieval.reader import read_answer
from articlebot.retrieval.retriever import Retriever

LIVE_BLOG = """\
Live: Wildfire forces evacuation of Kessling Valley

Live coverage by Marta Oyelaran, regional correspondent

Updated 7 December 2026

Firefighters are battling a fast-moving wildfire in Kessling Valley, where about 2,300 \
residents were ordered to leave their homes on Sunday night. Follow our live updates below.

09:05 Fire chief Tomas Bekele, 52, said the blaze had grown to 1,450 hectares overnight, \
pushed by gusts of up to 70 km/h. "We have never seen it move this fast in December," he told \
reporters at the command post in Arnhollow.

09:40 The regional health authority said three firefighters were treated for smoke inhalation \
at St Brigid's Hospital. None of the injuries is life-threatening, a spokeswoman said.

10:15 Schools in Arnhollow and Lower Kessling will stay closed on Monday and Tuesday, the \
education office announced. About 640 pupils are affected.

10:52 Mayor Ilse Vandermeer, 47, opened the sports hall on Quarry Road as an emergency \
shelter. "Nobody will sleep in their car tonight," she said. The hall has 400 camp beds, and \
the Red Cross is bringing 250 more from Dunmore.

11:30 Police closed the B417 between Arnhollow and the Kessling pass. Drivers are asked to use \
the coast road, which adds about 40 minutes to the journey.

12:10 Two water-bombing aircraft arrived from the national reserve in Carrow. Pilot Daniel \
Achterberg, 38, said visibility over the ridge was "close to zero" because of the smoke.

13:25 The cause of the fire is still unknown. Investigator Ruth Kamau said her team would \
examine a power line near Hollins Farm, where witnesses first saw flames at about 21:40 on \
Saturday. "It is far too early to point a finger at anyone," she said.

14:05 The electricity company Northgrid confirmed that 5,100 homes were without power. It \
expects to restore supply to most of them by Wednesday.

14:50 Farmers' union leader Piet Molenaar, 61, said at least 900 sheep had been moved to \
safety from the upper pastures, but some flocks were still unaccounted for. "Our members have \
lost fences, hay and sheds," he said.

15:35 The national weather service forecast that the wind would drop on Tuesday evening, with \
light rain expected on Wednesday. Chief Bekele said that would give crews "a real chance" to \
contain the fire.

16:20 Regional minister Sofia Lindqvist, 55, promised 3 million euros in emergency aid for the \
valley and said she would visit the shelter on Monday morning.

17:00 That is all from us for today. Our coverage continues tomorrow from 08:00.
"""

BUDGET = """\
Carrick council approves 48 million euro budget with new tram line

By Jonas Whitfield

Published: 4 December 2026

CARRICK — The city council of Carrick on Thursday approved a budget of 48 million euros for \
2027, including the first money for a tram line to the university, after a debate that lasted \
more than seven hours.

The budget passed by 23 votes to 14, with two abstentions. Mayor Helena Strand, 58, of the \
Civic Alliance called it "the most ambitious plan this city has seen in a generation."

Key points:

- The tram line to the university will receive 6.5 million euros in 2027, mostly for design \
work and land purchases. Construction is due to start in 2029.
- Property tax rises by 2.5 percent, the first increase since 2019.
- Bus fares for pupils under 18 are abolished from 1 March 2027.
- The city will hire 35 new teachers and 12 social workers.
- The library on Mill Street, closed since the floods of 2024, reopens in September 2027 after \
a 4.2 million euro renovation.

Opposition leader Farid Haddad, 44, of the Liberal Union voted against the plan. He said the \
tram would cost far more than the council admits. "They are promising a tram and handing \
residents the bill," Haddad said. He estimated the full cost of the line at 180 million euros, \
against the council's estimate of 120 million.

Finance chief Agnes Morley, 39, defended the figures. She said the national transport fund \
would pay 60 percent of the construction cost, and that the council had already set aside 9 \
million euros in reserves. "Every euro in this budget is accounted for," Morley said.

The students' union welcomed the tram plan. Its president, Lukas Brenner, 22, said about \
14,000 students travel to the campus every day, most of them on crowded buses. "A tram is not \
a luxury for us, it is how we get to class," he said.

Residents of the Eastfield district, where the tram depot is planned, were less enthusiastic. \
A petition against the depot has gathered 3,100 signatures. Its organiser, retired engineer \
Martha Quinlan, 67, said the council had not consulted the neighbourhood. "We read about the \
depot in the newspaper," she said.

Councillors also approved a motion to plant 2,000 trees along the tram route, proposed by the \
Green group.

The budget now goes to the regional authority, which has 30 days to review it. The council \
expects the review to be finished before the end of January.
"""

FERRY = """\
Dutch ferry operator cancels night crossings after engine fire

By Kofi Mensah-Larsen

ROTTERDAM, Dec 5 (Wire Press) - The ferry operator NordZee Lines has cancelled all night \
crossings between Rotterdam and Harwich until at least 20 December after a fire broke out in \
the engine room of its largest ship on Wednesday, the company said on Friday.

The fire on the MV Stella Borealis started at about 02:15 local time, when the ship was 40 \
nautical miles off the Dutch coast with 612 passengers and 148 crew on board. The crew put it \
out within 35 minutes, and nobody was hurt, the company said. The ship returned to Rotterdam \
under its own power and docked at 07:50.

Chief executive Annelies de Groot, 51, said the ship would be in dry dock for at least two \
weeks. "The safety of our passengers comes before our timetable," she told a news conference. \
"We will not sail at night again until we understand exactly what happened."

The Dutch Safety Board has opened an investigation. A spokesman, Willem Jansen, said \
investigators had recovered the ship's voyage data recorder and would interview the crew this \
week. He declined to say what might have caused the fire.

Passengers described a calm evacuation to the muster stations. Retired teacher Brigitte \
Holloway, 69, from Norwich, said she was woken by an alarm and a loudspeaker announcement. \
"The crew were wonderful. We sat in our life jackets for an hour and they brought us tea," she \
said.

About 9,000 travellers had booked night crossings before 20 December. NordZee Lines said they \
could move to day sailings at no extra cost or ask for a full refund. The company expects the \
cancellations to cost it about 4 million euros.

The Stella Borealis, built in 2011, is 188 metres long and can carry 1,200 passengers and 420 \
cars. It had its last full safety inspection in March, the company said.

The seafarers' union Nautilus said the fire showed that the ship's maintenance had been cut \
back. Union official Erik Bakker, 46, said engineers had reported problems with a fuel pump in \
October. NordZee Lines denied the claim and said all repairs had been carried out on time.

Freight traffic on the route is not affected, because NordZee's two cargo ships use a \
different engine design, the company said.

Shares in NordZee's parent company, Holland Maritime Group, fell 3.8 percent in Amsterdam on \
Friday.

(Reporting by Kofi Mensah-Larsen; Editing by Sara Lindholm)
"""


@pytest.fixture(scope="module")
def three(retriever_of: Callable[..., Retriever]) -> Retriever:
    """A live blog on a wildfire, a budget story with a tram line, a ferry's engine fire."""
    return retriever_of(liveblog=LIVE_BLOG, budget=BUDGET, ferry=FERRY)


def test_a_live_blogs_summary_leaves_out_its_notes_on_its_own_coverage(three: Retriever) -> None:
    title, *sentences = summary_reply(three.index, "liveblog").lines
    assert title == "Live: Wildfire forces evacuation of Kessling Valley"
    shown = " ".join(sentences)
    # Its sign-off and "Follow our live updates below" are about the page, not the fire (a new
    # user's summary had ended with "Our coverage continues tomorrow from 08:00.").
    assert "Our coverage continues" not in shown
    assert "Follow our live updates" not in shown
    assert sentences[0].startswith("Firefighters are battling a fast-moving wildfire")


@pytest.mark.parametrize(
    ("sentence", "itself"),
    [
        ("Our coverage continues tomorrow from 08:00.", True),
        ("Follow our live coverage of the summit here.", True),
        ("We will bring you updates as they come in.", True),
        ("This is a developing story and will be updated.", True),
        ("This page will be updated as we learn more.", True),
        ("Refresh for the latest.", True),
        ("That is all from us for today.", True),
        # News, not the page: a quotation, the US, updates to something else.
        ('"We will bring updates to families as soon as we can," the police said.', False),
        ("US officials said the coverage of the talks was thin.", False),
        ("The company said updates to its software had fixed the fault.", False),
        ("We sat in our life jackets for an hour, she said.", False),
        # A verifier's probes: news with "our" and "coverage" or "feed" in it.
        (
            "Our flood coverage for existing customers ends in March, the insurer told "
            "12,000 homeowners.",
            False,
        ),
        ("Farmers said our feed costs have doubled since the war began.", False),
        # Verifier round 3: a live blog's own notes in other words.
        ("We will bring you live updates throughout the day.", True),
        ("Thanks for following our coverage.", True),
    ],
)
def test_a_sentence_about_the_coverage_itself_is_told_apart(sentence: str, itself: bool) -> None:
    assert about_itself(sentence) is itself


def test_a_plural_finds_the_article_its_singular_names(three: Retriever) -> None:
    # A new user's "which articles do you have about trams" was told no article is about
    # "trams", above the title "... with new tram line".
    for question, wanted in (
        ("which articles do you have about trams", "budget"),
        ("do you have articles about trams?", "budget"),
        ("any stories about trams", "budget"),
        ("which articles do you have about buses", "budget"),
        ("is there a story on ferries", "ferry"),
    ):
        answer = read_answer(three, question)
        assert answer.reply is not None and answer.reply.kind == "summary", question
        assert answer.reply.doc_id == wanted, question


def test_several_articles_about_a_subject_are_listed(three: Retriever) -> None:
    # Both the wildfire and the ferry's engine fire are about fires: "do you have articles
    # about fires" had been the wildfire's summary alone.
    for question in ("do you have articles about fires", "which articles do you have about fire"):
        answer = read_answer(three, question)
        assert answer.reply is not None and answer.reply.kind == "articles", question
        assert answer.reply.lines[0] == f"2 articles are about “{question.split()[-1]}”:"
        assert set(answer.reply.lines[1:]) == {
            "“Live: Wildfire forces evacuation of Kessling Valley”",
            "“Dutch ferry operator cancels night crossings after engine fire”",
        }
        assert answer.answered and {p.doc_id for p in answer.passages} == {"liveblog", "ferry"}
    # One article about it: its gist, as before; a question about one article names one.
    ferry_fire = read_answer(three, "do you have an article about the ferry fire?")
    assert ferry_fire.reply is not None and ferry_fire.reply.kind == "summary"
    assert ferry_fire.reply.doc_id == "ferry"
    byline = read_answer(three, "who wrote the fire story")
    assert byline.reply is not None and byline.reply.kind == "byline"


def test_a_catalogue_of_a_large_collection_reads_its_newest_and_says_so(
    three: Retriever, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every article is read whole for the subject's words: of thousands, only the newest are,
    # and the count says so rather than passing for all of them.
    from articlebot.retrieval import reader

    monkeypatch.setattr(reader, "CATALOGUE_READ", 2)
    answer = read_answer(three, "do you have articles about fires")
    assert answer.reply is not None and answer.reply.kind == "articles"
    assert answer.reply.lines[0] == "2 articles are about “fires” (counted among the 2 newest):"


def test_a_word_of_the_same_stem_is_no_subject(retriever_of: Callable[..., Retriever]) -> None:
    # A verifier's probe: a jobs story saying "fired 300 workers ... who were fired" was listed
    # among the articles about fires; only a singular or a plural counts.
    jobs = (
        "Northgrid cuts 300 jobs after record loss\n\nThe utility Northgrid fired 300 workers on "
        "Monday after a record loss. Union leaders said those who were fired had no warning.\n"
    )
    four = retriever_of(liveblog=LIVE_BLOG, budget=BUDGET, ferry=FERRY, jobs=jobs)
    answer = read_answer(four, "do you have articles about fires")
    assert answer.reply is not None and answer.reply.kind == "articles"
    assert not any("Northgrid" in line for line in answer.reply.lines)
    # Verifier round 3: an article saying "protesters" is about protests; "new" is no "news".
    rally = (
        "Crowds fill the square\n\nThousands of protesters filled the main square on Sunday. "
        "The protesters demanded new elections and stayed until midnight.\n"
    )
    ferry = "New ferry link opens\n\nA new ferry link to the island opened on Monday.\n"
    two = retriever_of(rally=rally, ferrylink=ferry, jobs=jobs)
    protests = read_answer(two, "which articles do you have about protests")
    assert protests.reply is not None and protests.reply.doc_id == "rally"
    news = read_answer(two, "which articles do you have about news")
    assert news.reply is not None and news.reply.kind == "unnamed"  # none is about news


def test_irregular_plurals_and_hyphenated_subjects_find_their_articles(
    retriever_of: Callable[..., Retriever],
) -> None:
    # Known since round 3: "children" found no article about a child, "cease-fire" none saying
    # "ceasefire" (only a regular plural counted, and a hyphenated word never matched).
    school = (
        "Village school saves its last class\n\nThe village school will stay open after the "
        "council found places for one more child. Parents said every child deserved a school "
        "close to home.\n"
    )
    truce = (
        "Border truce holds for a third day\n\nA ceasefire between the two militias held on "
        "Wednesday. Observers said the ceasefire was the longest since 2019.\n"
    )
    boats = (
        "Fishermen protest new quotas\n\nHundreds of fishermen blocked the harbour on Monday "
        "over new quotas for cod.\n"
    )
    three = retriever_of(school=school, truce=truce, boats=boats, ferry=FERRY)
    for question, wanted in (
        ("which articles do you have about children", "school"),
        ("any stories about the cease-fire", "truce"),
        ("do you have an article about a fisherman", "boats"),
    ):
        answer = read_answer(three, question)
        assert answer.reply is not None and answer.reply.kind == "summary", question
        assert answer.reply.doc_id == wanted, question
    hyphenated = retriever_of(truce=truce.replace("ceasefire", "cease-fire"), ferry=FERRY)
    answer = read_answer(hyphenated, "is there an article on the ceasefire")
    assert answer.reply is not None and answer.reply.doc_id == "truce"
    # Its end is no subject of its own, in the plural either (a bot attacker: "fires" found
    # the war story whose only fire is in "cease-fire", where "fire" found none; "fires" was
    # also read as "fir", the start of "first").
    no_fire = retriever_of(truce=truce.replace("ceasefire", "cease-fire"), school=school)
    for subject in ("fire", "fires"):
        answer = read_answer(no_fire, f"do you have an article about {subject}?")
        assert answer.reply is not None and answer.reply.kind == "unnamed", subject
        # The ferry's engine fire is one.
        answer = read_answer(hyphenated, f"do you have an article about {subject}?")
        assert answer.reply is not None and answer.reply.doc_id == "ferry", subject


def test_the_story_named_is_the_one_about_the_word_not_one_saying_it_in_passing(
    retriever_of: Callable[..., Retriever],
) -> None:
    # A new user's probe: "who wrote the storm story?", "summarize the storm article" gave the
    # ferry strike, whose islander is "used to storms cancelling the boats" (its best passage
    # for "storm"), and "which articles do you have about storms?" listed it.
    strike = (
        "Island ferry crews strike over pay\n\nBy Fiona MacRae\n\nFerry crews on routes to "
        "the islands walked out on Sunday in a dispute over pay, cancelling all 42 sailings.\n\n"
        'Shops reported running out of milk and bread. "We are used to storms cancelling the '
        'boats, but this is different," said Catriona Macneil, who runs a grocery.\n\n'
        "The union said its 380 members had rejected a 3.5% pay offer.\n"
    )
    flood = (
        "Storm Ida: Carrick flood damage worse than feared\n\nBy Sean Gallagher\n\nFlood "
        "damage in Carrick is worse than first feared, the county council said on Thursday, "
        "with 230 homes and 41 businesses now known to have been flooded.\n\nInsurers said "
        "claims would pass 12 million euros.\n"
    )
    two = retriever_of(strike=strike, flood=flood, budget=BUDGET)
    byline = read_answer(two, "who wrote the storm story?")
    assert byline.reply is not None and byline.reply.doc_id == "flood"
    gist = read_answer(two, "summarize the storm article")
    assert gist.reply is not None and gist.reply.doc_id == "flood"
    listed = read_answer(two, "which articles do you have about storms?")
    assert listed.reply is not None and listed.reply.kind == "summary"
    assert listed.reply.doc_id == "flood"
    # A verifier's probe: with a monsoon story beside them, whose passages the search ranks
    # first for "storm", the strike story was named again: the article about it is looked for
    # among them all.
    import json
    from pathlib import Path

    lines = Path(__file__).resolve().parents[1] / "eval" / "reader_dev.jsonl"
    monsoon = next(
        r["text"]
        for r in map(json.loads, lines.read_text().splitlines())
        if r.get("doc_id") == "news-006"
    )
    three = retriever_of(strike=strike, flood=flood, budget=BUDGET, monsoon=monsoon)
    # "the storm story" typed alone (a verifier's probe) was searched as a question.
    for question in ("who wrote the storm story?", "summarize the storm story", "the storm story"):
        answer = read_answer(three, question)
        assert answer.reply is not None and answer.reply.doc_id == "flood", question


#: The group whose own article the ferry story is in `channel`.
GROUP = -100123456


@pytest.fixture(scope="module")
def channel(tmp_path_factory: pytest.TempPathFactory, encoder: Encoder) -> Retriever:
    """The three articles, the ferry story as group `GROUP`'s own (a link posted there)."""
    folder = tmp_path_factory.mktemp("channel")
    for name, text in (("liveblog", LIVE_BLOG), ("budget", BUDGET), ("ferry", FERRY)):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    documents = read_documents([folder / f"{n}.txt" for n in ("liveblog", "budget", "ferry")])
    own = f"chat{-GROUP}-7"
    documents = [
        dataclasses.replace(d, doc_id=own, id_given=True) if d.doc_id == "ferry" else d
        for d in documents
    ]
    settings = load_settings(index_dir=folder / "index")
    data, _ = update_index(settings, encoder, documents)
    return make_retriever(settings, data, encoder)


#: Asked under the wildfire post by a new user, of another of the channel's articles.
OF_ANOTHER = (
    "do you have an article about the ferry fire?",
    "which articles do you have about the ferry",
    "summarize the ferry story",
    "who wrote the ferry story",
)


def test_a_question_naming_another_article_asks_every_article_not_the_one_in_scope(
    three: Retriever,
) -> None:
    # `ask --doc liveblog`: the wildfire's summary had answered "do you have an article about
    # the ferry fire?", and "summarize the ferry story" had said no article is about "ferry".
    everything = list(three.index.documents)
    for question in OF_ANOTHER:
        answer, _ = ask_in_context(three, question, None, doc_ids=["liveblog"], seen=everything)
        assert answer.reply is not None and answer.reply.doc_id == "ferry", question
    # Verifiers' probe: its follow-ups went back to the article in scope ("who wrote it?" gave
    # the wildfire's byline); the article just shown is theirs, as without a scope.
    _, turn = ask_in_context(
        three, "summarize the ferry story", None, doc_ids=["liveblog"], seen=everything
    )
    for question in ("who wrote it?", "when was it published?"):
        answer, _ = ask_in_context(three, question, turn, doc_ids=["liveblog"], seen=everything)
        assert answer.reply is not None and answer.reply.doc_id == "ferry", question
    # "This" is the article in scope (a bot attacker's probe: "who wrote this?" under the
    # post, after another story's byline, gave that story's author and source).
    for question in ("who wrote this?", "where is this from?", "when was this published?"):
        answer, _ = ask_in_context(three, question, turn, doc_ids=["liveblog"], seen=everything)
        assert answer.reply is not None and answer.reply.doc_id == "liveblog", question
    # Without a scope beyond the article in it, the follow-up stays there.
    answer, _ = ask_in_context(three, "who wrote it?", turn, doc_ids=["liveblog"])
    assert answer.reply is not None and answer.reply.doc_id == "liveblog"
    # A question of its own goes back to the article in scope (verifier round 3: "who is the
    # fire chief?" had been answered from the ferry story's chief executive).
    chief, _ = ask_in_context(
        three, "who is the fire chief?", turn, doc_ids=["liveblog"], seen=everything
    )
    assert chief.passages and chief.passages[0].doc_id == "liveblog"
    # The article in scope is still the one meant where it is about the subject; "this" too.
    for question in ("who wrote the fire story", "summarize the wildfire story", "summarize"):
        answer, _ = ask_in_context(three, question, None, doc_ids=["liveblog"], seen=everything)
        assert answer.reply is not None and answer.reply.doc_id == "liveblog", question
    # Both fire stories, whatever the scope.
    fires, _ = ask_in_context(
        three, "do you have articles about fires", None, doc_ids=["liveblog"], seen=everything
    )
    assert fires.reply is not None and fires.reply.kind == "articles"


def test_under_a_post_a_question_naming_another_article_asks_what_the_chat_may_see(
    channel: Retriever,
) -> None:
    own = f"chat{-GROUP}-7"
    for question in OF_ANOTHER:
        # Under the wildfire post in the group whose own the ferry story is: that story.
        [served] = answer_batch(
            lambda: channel, True, [Request(question, None, ["liveblog"], chat_id=GROUP)]
        )
        assert served.answer.reply is not None, question
        assert served.answer.reply.doc_id == own, question
        # Under the same post in another group: that group may not see it, nor its title.
        [elsewhere] = answer_batch(
            lambda: channel, True, [Request(question, None, ["liveblog"], chat_id=-200)]
        )
        reply = elsewhere.answer.reply
        assert reply is not None and reply.kind == "unnamed", question
        assert not any("ferry operator" in line for line in reply.lines), question


def test_a_subject_with_an_ampersand_names_its_article(
    retriever_of: Callable[..., Retriever],
) -> None:
    # A bot attacker's probe: "summarize the AT&T story", "tl;dr AT&T" and "who wrote the AT&T
    # story?" were "may not say exactly. Closest: ..." ("AT&T" was read as "at t"), while
    # "summarize the Stankey story" found it.
    att = (
        "AT&T profits rise 5% as wireless subscribers grow\n\nBy Dana Whitlock\n\nAT&T said on "
        "Wednesday that its quarterly profit rose 5%, helped by 410,000 new wireless "
        "subscribers.\n\nChief executive John Stankey said the company would keep investing "
        "in fibre, which now reaches 28 million homes.\n"
    )
    two = retriever_of(att=att, budget=BUDGET, ferry=FERRY)
    for question, kind in (
        ("summarize the AT&T story", "summary"),
        ("tl;dr AT&T", "summary"),
        ("who wrote the AT&T story?", "byline"),
        ("do you have an article about AT&T?", "summary"),
    ):
        answer = read_answer(two, question)
        assert answer.reply is not None and answer.reply.kind == kind, question
        assert answer.reply.doc_id == "att", question
    # Two articles about it are both listed: each says "AT&T" as a word of its own.
    strike = (
        "Workers at AT&T call centres strike over pay\n\nBy Omar Reyes\n\nAbout 3,000 call "
        "centre workers at AT&T walked out on Monday. AT&T said customers would see longer "
        "waits.\n"
    )
    both = retriever_of(att=att, strike=strike, budget=BUDGET)
    listed = read_answer(both, "which articles do you have about AT&T?")
    assert listed.reply is not None and listed.reply.kind == "articles"
    assert {p.doc_id for p in listed.passages} == {"att", "strike"}

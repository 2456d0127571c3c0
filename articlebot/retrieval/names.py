"""Names in text: the proper-noun phrases of a question or an article's sentence, and which of
them may be people's (whom "he" means, who a "who" question is answered by)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from articlebot.retrieval.spelling import plain_letters

#: Capital letters names begin with: "Šimunić", "Ørsted", "Łukasz" as well as "Smith".
CAPITALS = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0x250)) if c.isupper())
# Runs of capitalized words (allowing lower-case particles and hyphens inside a name).
# One way to split each run of spaces (a particle between two), so a long run is read once.
_NAME = re.compile(
    rf"\b[{CAPITALS}][\w’'\-]+(?:\s+(?:(?:of|de|du|la|van|von|al|bin)\s+)?[{CAPITALS}][\w’'\-]+)*"
)

#: Words a question is made of around what it names: question words, auxiliaries, articles.
QUESTION_WORDS = {
    "who", "what", "when", "where", "why", "how", "which", "whom", "whose", "is", "are", "was",
    "were", "did", "does", "do", "can", "could", "will", "would", "should", "has", "have",
    "had", "tell", "and", "the", "a", "an", "in", "on", "at", "i", "me", "please",
}  # fmt: skip


# Capitalized words that are no name: titles before one ("Dr. Helen Park", "CEO Tim Cook": "how
# old is he" after "and the CEO?" had asked "how old is CEO") and the closed
# classes that start sentences ("One farmer, Tom Reyes, ...").
NOT_NAMES = {
    "dr", "mr", "mrs", "ms", "mx", "prof", "sir", "dame", "rev", "reverend", "st", "gen", "col",
    "capt", "sgt", "lt", "one", "two", "three", "four", "five", "some", "many", "most", "several",
    "each", "every", "both", "all", "another", "other", "such", "no", "not", "but", "so",
    "yet", "however", "meanwhile", "still", "also", "then", "now", "here", "there", "if",
    "ceo", "cfo", "coo", "cto", "pm", "mp", "mep",
}  # fmt: skip


#: Titles a single person holds, as a reader types them.
TITLES = frozenset(
    {
        "minister", "president", "leader", "envoy", "governor", "mayor", "chief", "head",
        "ceo", "spokesman", "spokeswoman", "spokesperson", "secretary", "chancellor",
        "premier", "director", "coach", "captain", "manager", "chairman", "chairwoman", "chair",
        "judge", "prosecutor", "lawyer", "attorney", "senator", "commissioner", "superintendent",
        "principal", "conductor", "champion", "founder", "owner", "boss", "executive",
        "sheriff", "inspector", "commander", "editor", "pm", "champ", "vet", "cfo", "coo",
        "chairperson", "dean", "rector", "provost", "bishop", "archbishop", "pope", "king",
        "queen", "ambassador", "speaker", "treasurer", "administrator", "trainer", "skipper",
        "pastor", "priest", "headteacher", "headmaster", "headmistress", "mp", "ombudsman",
        "author", "referee", "ref", "umpire", "driver", "pilot", "auditor", "curator",
        "coroner", "magistrate", "warden", "organiser", "organizer", "chef", "architect",
        "designer", "promoter", "detective", "investigator",
        # Written as one word or two ("Harbour master Colin Dunn"): both are read as one.
        "harbourmaster", "harbormaster", "postmaster", "stationmaster", "quartermaster",
        "ringmaster", "groundskeeper", "gamekeeper",
        # A team's positions: "Riverside goalkeeper Aaron Pryce, 34," holds one as a coach does.
        "goalkeeper", "goalie", "keeper", "striker", "midfielder", "defender", "winger",
        "quarterback", "pitcher", "batsman", "batter", "bowler", "wicketkeeper", "jockey",
    }
)  # fmt: skip


def names_in(text: str) -> list[str]:
    """Proper-noun phrases in `text`, without question words, titles and the like that merely
    start a sentence or come before a name."""
    found = []
    for match in _NAME.finditer(text):
        words = match.group(0).split()
        while words and (
            words[0].lower() in QUESTION_WORDS or words[0].lower().strip(".") in NOT_NAMES
        ):
            words = words[1:]
        phrase = " ".join(words)
        if phrase and phrase not in found:
            found.append(phrase)
    return found


# A news story's dateline ("BERGEN, Norway — ", "MELBOURNE — ", "Oslo, Norway — ",
# "PRAGUE, Oct 26 — ", "LONDON (Reuters) - "): where and when it was filed, and by whom.
# Up to four capitalised words, each after whitespace: one long word split into pieces
# would be tried every way (seconds for a 150-letter word).
_PLACE = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}\s*"
_DATELINE = re.compile(
    rf"^\s*{_PLACE}(?:,[^—–\n(]{{1,40}}?)?\s*(?:\([A-Z][\w .&-]{{1,30}}\)\s*)?[—–-]{{1,2}}\s+"
)


#: Days and months, capitalised in any sentence and never a person or a thing asked about.
CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december".split()
)
#: Last words of names that are places, bodies or things, never whom "he" or "she" means
#: ("the southwest Pacific Ocean", "the University of Canterbury", "Harcourt Rovers").
_NOT_PEOPLE = CALENDAR | frozenset(
    """ocean sea river lake bay gulf coast island islands trench mountains mountain valley
    forest park street road avenue bridge square station airport port harbour harbor canal
    county state city town village region province district republic kingdom union
    university college school institute academy hospital museum library church cathedral
    court council parliament congress senate assembly ministry department agency office
    commission committee authority service services board bank fund foundation trust
    company corporation corp inc ltd plc group holdings systems airlines party army navy
    police league cup club united rovers fc athletic wanderers albion rangers hotspur argyle
    villa harriers dynamo festival prize award times news post
    press wire journal organisation organization jan feb mar apr jun jul aug sep sept oct
    nov dec""".split()
)


def personal(name: str) -> bool:
    """Whether `name` may be a person's: not a place, body or thing by its last word."""
    return name.split()[-1].lower().strip(".,") not in _NOT_PEOPLE


def people(sentence: str) -> list[str]:
    """The names in an article's sentence that may be people's, full names and names given an
    age first: "Greek forward Yannis Mavridis" is whom "his" means, not "Greek"."""
    names = [
        name
        for name in map(_without_affiliation, sentence_names(sentence))
        if personal(name) and not _describing_or_place(name, sentence)
    ]
    return sorted(names, key=lambda name: " " not in name and not aged(name, sentence))


def _without_affiliation(name: str) -> str:
    """A full name without the body it is "of" ("Anna Keller of ETH Zurich" is Anna Keller);
    "Bank of England", one word before its "of", is a name of its own."""
    person, of, _ = name.partition(" of ")
    return person if of and " " in person and personal(person) else name


def _describing_or_place(name: str, sentence: str) -> bool:
    """Whether `name` comes only right after "a", "an" or "the" in `sentence`, a party, people
    or make describing someone ("A Liberal Democrat candidate was declared the winner"), or
    after "in", "at" or "near", a place ("flown to hospital in Fort William")."""
    places = [m.start() for m in re.finditer(rf"(?<![\w’'-]){re.escape(name)}\b", sentence)]
    return bool(places) and all(
        re.search(r"\b(?:a|an|the|in|at|near)\s+$", sentence[:at], re.IGNORECASE) for at in places
    )


def aged(name: str, sentence: str) -> bool:
    """Whether `sentence` gives `name` an age right after it ("Bekele, 24,")."""
    return re.search(rf"\b{re.escape(name)},\s*\d{{1,3}}\b", sentence) is not None


def identified_after(sentences: Sequence[str], at: int) -> int | None:
    """The sentence after `at` when it names whom `at` only describes: news describes a person
    or a body first ("found by a retired postman", "A regional water company was ordered") and
    names them in the next sentence, a person with their age ("its discoverer, Peter Rowan,
    71"), a body opening it ("Severnvale Water, which supplies ..."). None when `at` names a
    person by a full name or an age, or the next sentence names no one new so."""
    if not 0 <= at < len(sentences) - 1:
        return None
    this, after = sentences[at], sentences[at + 1]
    if any(
        (" " in name or aged(name, this)) and not _NOT_PEOPLE.intersection(name.lower().split())
        for name in people(this)
    ):
        return None  # "the River Avonmere" is no one
    opening = _NAMED_OPENING.match(after)
    if opening is not None and (opening.group(1) or opening.group(2)) not in this:
        return at + 1
    return at + 1 if any(aged(name, after) for name in people(after)) else None


#: A sentence opening with a name and what it is: "Severnvale Water, which supplies",
#: "Martin Fogarty, a retired postman", "Crumb & Copper, run by", "Nexatel, which"; a lone
#: word before "who" or "a" is mostly none ("Officials, who declined").
_NAMED_OPENING = re.compile(
    rf"^([{CAPITALS}][\w’'-]+(?:\s+(?:&\s+)?[{CAPITALS}][\w’'-]+)+),"
    r"\s+(?:which|who|an?|(?:run|owned|led|founded)\s+by)\b"
    rf"|^([{CAPITALS}][\w’'-]+),\s+which\b"
)


def opening_person(sentence: str) -> str | None:
    """The full name `sentence` opens with when it goes on to say who they are ("Amara Osei,
    who is in her fifth year at Harris Academy, ...")."""
    opening = _NAMED_OPENING.match(sentence)
    if opening is None or opening.group(1) is None:
        return None
    if not re.match(r",\s+who\b", sentence[opening.end(1) :]) or not personal(opening.group(1)):
        return None
    return opening.group(1)


def sentence_names(sentence: str) -> list[str]:
    """Names in an article's sentence: not its dateline, nor a lone capitalised word opening
    it ("Hundreds of residents", "Researchers say"), which is mostly no name, unless the first
    name is given an age ("In the women's race, Bekele, 24, pulled away")."""
    # Whitespace collapsed first: the dateline's optional spaces, met by a long run of them,
    # were tried against each other (6 s for a 16,000-character sentence).
    text = _DATELINE.sub("", " ".join(sentence.split()), count=1)
    # "New Zealand's central bank": a possessive names whose something it is, not a person.
    found = [name for name in names_in(text) if not name.endswith(("'s", "’s"))]
    first = _NAME.search(text)
    if (
        found
        and first is not None
        and found[0] == first.group(0)
        and not text[: first.start()].strip(" \"“'‘(")
        and " " not in first.group(0)
        and not re.search(rf"\b{re.escape(found[0])},\s*\d{{1,3}},", text)
    ):
        found = found[1:]
    return found


def names_someone(sentence: str, question: str) -> bool:
    """Whether `sentence` names anyone or any body besides whom `question` names ("the Reserve
    Bank", "Sandoval told reporters"): not "It overturns a ruling made by a single judge" for
    "who took the company to court", nor "Novakova, 22, had to win three matches" for "who did
    novakova beat"."""
    asked = {plain_letters(word) for word in re.findall(r"[\w’'-]+", question.casefold())}
    speaker = _SPEAKER_FIRST.match(_DATELINE.sub("", " ".join(sentence.split()), count=1))
    names = sentence_names(sentence) + ([speaker.group(1)] if speaker else [])
    return any(
        not all(
            plain_letters(word.casefold().removesuffix("'s").removesuffix("’s")) in asked
            for word in name.split()
        )
        for name in names
    )


#: A sentence opening with a name alone and a saying verb ("Sandoval told reporters"): a name,
#: though a lone capitalised word opening a sentence mostly is none ("Hundreds of residents").
_SPEAKER_FIRST = re.compile(
    rf"^[\"“‘(]?([{CAPITALS}][\w’'-]+)\s+(?:said|says|told|added|asked|wrote|explained|"
    r"argued|warned|noted|insisted|replied)\b"
)


def surname_pattern(name: str) -> re.Pattern[str]:
    """The last word of `name`, as a word; in any case for a name typed in lower case ("whos
    dana whitcombe"), which the article capitalises."""
    return re.compile(rf"\b{re.escape(name.split()[-1])}\b", re.IGNORECASE if name.islower() else 0)


def plainly_called(name: str, sentences: Sequence[str]) -> str | None:
    """ "he" or "she" where the article calls `name` only that: in the rest of each sentence
    naming them (by the last word of the name) up to the next person named, and by the word
    opening the next sentence where they are the first person this one names ("Dana
    Whitcombe, 41, pleaded guilty. She is due to be sentenced"); None when it uses both, as
    beside someone else ("Her coach, Marc Dubois, said he was sure she had not cheated"), or
    neither."""
    surname = surname_pattern(name)
    he = she = mentions = 0
    for i, sentence in enumerate(sentences):
        found = surname.search(sentence)
        if found is None:
            continue
        mentions += 1
        if mentions > MAX_MENTIONS:
            break  # enough to tell; a book-length text naming them on every page is not read
        told = sentence[found.end() :]
        # Up to the next person named: "giving Deborah Alvarez a victory over Gerald Pike,
        # who said he ..." calls Pike "he", not her.
        others = [told.find(other) for other in people(told) if not surname.search(other)]
        told = told[: min(others, default=len(told))]
        # The next sentence's opening "She" is whom this one is about: its first person named.
        named = people(sentence)
        if i + 1 < len(sentences) and named and surname.search(named[0]):
            told += " " + " ".join(sentences[i + 1].split()[:1])
        he += len(HE_WORDS.findall(told))
        she += len(SHE_WORDS.findall(told))
    if he and she:
        return None
    return "he" if he else "she" if she else None


#: The sentences naming someone that `plainly_called` reads, at most.
MAX_MENTIONS = 60

HE_WORDS = re.compile(r"\b(?:he|him|his|himself)\b", re.IGNORECASE)
SHE_WORDS = re.compile(r"\b(?:she|her|hers|herself)\b", re.IGNORECASE)


def same_given_name(given: str, asked: str) -> bool:
    """Whether `asked` may be `given`: the same typed wrong, or one the other's short form."""
    one, other = given.lower(), asked.lower()
    if SequenceMatcher(None, one, other).ratio() >= _TYPO_RATIO:
        return True
    if _NICKNAMES.get(one) == other or _NICKNAMES.get(other) == one:
        return True
    short, long = sorted((one.replace("th", "t"), other.replace("th", "t")), key=len)
    return len(short) >= 3 and long.startswith(short)


#: Short forms that are not the start of the name they stand for ("Tom" is "Thomas" by the
#: start once its "th" is read as "t").
_NICKNAMES = {
    "bill": "william", "will": "william", "bob": "robert", "rob": "robert", "jim": "james",
    "dick": "richard", "rick": "richard", "mike": "michael", "jack": "john", "kate": "katherine",
    "liz": "elizabeth", "beth": "elizabeth", "peggy": "margaret", "tony": "anthony",
    "ted": "edward", "ned": "edward", "sasha": "alexander", "chuck": "charles",
}  # fmt: skip


#: Two given names this alike are one typed wrong ("Lor" for "Lord", "Sentanta" for "Setanta").
_TYPO_RATIO = 0.75


def mentions_surname(text: str, name: str) -> bool:
    """Whether `text` names the person `name` by their last name (accents or none)."""
    last = plain_letters(name.split()[-1])
    return re.search(rf"\b{re.escape(last)}\b", plain_letters(text), re.IGNORECASE) is not None


def named_only_at(text: str, word: str) -> list[int] | None:
    """Where `text` writes `word` (lower case, accents aside), where it always writes it as a
    name ("She climbed Everest in 2019"): capitalised, and so at least once inside a sentence;
    None where it also writes it in lower case (a common word) or only opening sentences."""
    wanted = plain_letters(word)
    places: list[int] = []
    inside = False
    for found in re.finditer(r"\w+", text):
        if plain_letters(found.group().casefold()) != wanted:
            continue
        if not found.group()[:1].isupper():
            return None
        places.append(found.start())
        inside = (
            inside
            or _SENTENCE_OPENS.search(text[max(0, found.start() - 3) : found.start()]) is None
        )
    return places if inside else None


#: What comes before a word opening a sentence or a line (whose capital says nothing).
_SENTENCE_OPENS = re.compile(r"(?:^|[.!?:;\n][\"“'‘(\s]*|^[\"“'‘(]+)\s*$")

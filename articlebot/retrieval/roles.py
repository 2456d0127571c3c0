"""Who holds a role: "who is the mayor of bergen", "who's the braga coach", "who is the ceo".
News names a role's holder right beside the title ("Mayor Kari Holmefjord", "Braga coach Nuno
Almeida", "Rosa Iglesias, the mayor of Muxía,", "The shop's manager, Sarah Whitfield,"), so
the sentence that answers is found by that shape, not by how much it resembles the question
(which the article's every mention of Bergen or Braga resembles as well)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from articlebot.index.word_forms import only_a_verb
from articlebot.ingest.cleaning import DATELINE
from articlebot.retrieval.names import CALENDAR, CAPITALS, TITLES, people, plainly_called
from articlebot.retrieval.spelling import plain_letters

_BOSS = (
    ("chief", "executive"), ("ceo",), ("president",), ("head",), ("managing", "director"),
    ("director",), ("general", "secretary"), ("chairman",),
    ("chairwoman",), ("chair",), ("governor",), ("manager",), ("leader",), ("owner",),
    ("founder",), ("chief",), ("principal",), ("rector",), ("dean",), ("administrator",),
)  # fmt: skip
_SPOKESPERSON = (("spokesman",), ("spokeswoman",), ("spokesperson",))
_SCHOOL_HEAD = (("headteacher",), ("head", "teacher"), ("headmaster",), ("headmistress",))
#: What a reader calls someone whose title they do not know: "the union guy".
_SOMEONE = frozenset({"guy", "man", "woman", "person", "lady", "bloke", "dude", "rep"})
_ANY_TITLE = (
    *sorted((title,) for title in TITLES - {"author", "owner", "champion", "champ"}),
    ("general", "secretary"), ("representative",), ("official",),
)  # fmt: skip
#: Other names of the title a reader typed: "ceo" is the chief executive, "pm" the prime
#: minister, "gov" the governor.
_SAME_AS: dict[str, tuple[tuple[str, ...], ...]] = {
    "ceo": (("chief", "executive"), ("ceo",)),
    "cfo": (("chief", "financial", "officer"), ("cfo",)),
    "coo": (("chief", "operating", "officer"), ("coo",)),
    "pm": (("prime", "minister"), ("premier",)),
    "premier": (("premier",), ("prime", "minister")),
    "champ": (("champion",),),
    "vet": (("veterinary", "officer"), ("vet",), ("veterinarian",)),
    "governor": (("governor",), ("gov",)),
    "senator": (("senator",), ("sen",)),
    "superintendent": (("superintendent",), ("supt",)),
    "skipper": (("captain",), ("skipper",)),
    "captain": (("captain",), ("skipper",)),
    "chair": (("chair",), ("chairman",), ("chairwoman",), ("chairperson",)),
    "chairman": (("chairman",), ("chair",), ("chairwoman",)),
    # An American prosecutor is titled an attorney, the assistant ones too.
    "prosecutor": (
        ("prosecutor",),
        ("district", "attorney"),
        ("u.s", "attorney"),
        ("assistant", "district", "attorney"),
        ("assistant", "u.s", "attorney"),
        ("county", "attorney"),
        ("assistant", "county", "attorney"),
        # The one who argues the case in court: "Assistant Prosecutor Karen Obi told jurors".
        ("assistant", "prosecutor"),
        ("prosecuting", "attorney"),
        ("assistant", "prosecuting", "attorney"),
        ("state", "attorney"),
        ("assistant", "state", "attorney"),
    ),
    "lawyer": (("lawyer",), ("attorney",), ("counsel",)),
    "attorney": (("attorney",), ("lawyer",)),
    "headteacher": _SCHOOL_HEAD,
    "headmaster": _SCHOOL_HEAD,
    "headmistress": _SCHOOL_HEAD,
    "spokesman": _SPOKESPERSON,
    "spokeswoman": _SPOKESPERSON,
    "spokesperson": _SPOKESPERSON,
    "mp": (("mp",), ("member", "of", "parliament")),
    "ref": (("referee",), ("ref",)),
    "goalie": (("goalkeeper",), ("goalie",), ("keeper",)),
    "keeper": (("goalkeeper",), ("keeper",), ("goalie",)),
    "goalkeeper": (("goalkeeper",), ("keeper",), ("goalie",)),
}
#: Titles that often stand for the one typed, where nothing else narrows them: "boss" is a
#: chief executive, president or governor; a health minister a health secretary where the
#: cabinet calls them so (a union's "general secretary" is no minister, nor a "mission
#: director" the agency's head).
_LOOSELY: dict[str, tuple[tuple[str, ...], ...]] = {
    "boss": _BOSS,
    # A school's head: "Headteacher Priya Venkatesh".
    "head": (*_BOSS, ("headteacher",), ("headmaster",), ("headmistress",)),
    "leader": (("head",), ("chief",), ("chairman",), ("president",)),
    "chief": (("head",), ("chief", "executive")),
    "minister": (("secretary",),),
    "secretary": (("minister",),),
    "coach": (("manager",), ("head", "coach")),
    "manager": (("coach",),),
    "headteacher": (("principal",),),
    "mp": (("lawmaker",),),
}
#: Words of a question that do not narrow the role down: "the current pm", "the new coach".
_FILLERS = frozenset({"current", "new", "present", "now", "actual", "real", "main", "top"})
#: Words before a title that make it another role: a deputy mayor is not the mayor.
_OTHER_ROLE = frozenset(
    {"deputy", "vice", "assistant", "former", "ex", "associate", "late", "sub", "junior",
     "shadow", "opposition", "previous", "incoming", "honorary"}
)  # fmt: skip
_ARTICLES = frozenset({"the", "a", "an"})
#: Words that may stand right before a title that narrows nothing: "said Governor Fedorov".
_OPEN_BEFORE = frozenset(
    {"the", "a", "an", "its", "their", "his", "her", "our", "said", "says", "told", "by",
     "and", "with", "from", "of", "to", "for", "as", "according", "acting", "interim",
     "newly", "appointed", "named", "elected", "current", "longtime", "veteran", "who",
     "while", "but", "when", "after", "before", "also", "then", "that", "is", "was"}
)  # fmt: skip
#: Words within a title that narrow nothing: "Education Cabinet Secretary Peter Kirui".
_GENERIC = frozenset({"cabinet", "state", "senior", "acting", "interim", "chief"})
#: Capitalised words that start no name: "Minister Tuesday said", "Mayor On".
_NOT_NAMES = CALENDAR | frozenset(
    {"the", "a", "an", "on", "in", "at", "for", "he", "she", "it", "they", "we", "i", "his",
     "her", "their", "its", "this", "that", "but", "and", "said", "says", "told", "who",
     "which", "when", "after", "before", "of", "to"}
)  # fmt: skip
#: Joining words inside a name: "Ursula von der Leyen", "Rosa de la Cruz", "Ali al-Sadr".
_NAME_JOINS = frozenset(
    {"de", "da", "do", "dos", "das", "del", "della", "di", "van", "von", "der", "den", "la",
     "le", "al", "el", "bin", "ibn", "ben", "y"}
)  # fmt: skip
#: Demonyms that do not share the first letters of their country's name.
_DEMONYMS = {
    "french": "france", "dutch": "netherlands", "polish": "poland", "spanish": "spain",
    "danish": "denmark", "welsh": "wales", "swiss": "switzerland", "greek": "greece",
    "turkish": "turkey", "british": "britain", "english": "england", "scottish": "scotland",
    "irish": "ireland", "norwegian": "norway", "finnish": "finland", "swedish": "sweden",
    "portuguese": "portugal", "filipino": "philippines", "thai": "thailand", "czech": "czechia",
    "peruvian": "peru", "belgian": "belgium", "chinese": "china", "japanese": "japan",
    "ukrainian": "ukraine", "icelandic": "iceland", "hungarian": "hungary",
}  # fmt: skip

#: "the braga coach", "france's foreign minister", "the mayor of bergen".
_ROLE_PHRASE = (
    r"(?P<phrase>(?:(?P<det>the|their|his|her|its)\s+|(?P<owner>(?:[\w-]+\s+){0,2}[\w-]+)['’]s?\s+)"
    r"(?P<role>(?:[\w-]+\s+){0,3}?[\w-]+)"
    r"(?:\s+(?:of|at|for|in)\s+(?:the\s+)?(?P<of>(?:[\w.'’-]+\s+){0,3}?[\w.'’-]+))?)"
)
_QUESTION = re.compile(
    r"^\s*(?:so\s+|and\s+|ok\s+)?who(?:['’]?s|\s+is|\s+was|\s+are|\s+were)\s+"
    + _ROLE_PHRASE
    + r"(?:\s+(?:now|again|then|please))?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
#: "what did the prosecutor say", "what does the mayor of fremont think about it"; not with a
#: subject of its own ("what did the ceo say about the factory"), which search finds by.
_SPOKEN = re.compile(
    r"^\s*(?:so\s+|and\s+|ok\s+)?(?:what|how)\s+(?:did|does|do|has|had|is|was|will|would)\s+"
    + _ROLE_PHRASE
    + r"\s+(?:say|said|saying|tell|told|think|want|announce|announced|claim|argue|respond|"
    r"react|reply|replied|warn|warned|promise|promised|mean)"
    r"(?:\s+(?:about\s+(?:it|this|that)|then|again|afterwards|after))?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
#: "how old is the governor", "what age is the mayor of fremont".
_AGED = re.compile(
    r"^\s*(?:so\s+|and\s+|ok\s+)?(?:how\s+old|what\s+age)\s+(?:is|was)\s+"
    + _ROLE_PHRASE
    + r"(?:\s+(?:now|then))?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
#: "who runs the museum", "who is in charge of the rescue", "who's leading the search".
_LEADS = re.compile(
    r"^\s*(?:so\s+|and\s+|ok\s+)?who(?:['’]?s|\s+is|\s+was)?\s+(?:in\s+charge\s+of|leads|"
    r"runs|heads|oversees|chairs|directs|coordinates|commands|manages|led|ran|headed|"
    r"oversaw|chaired|directed|coordinated|commanded|managed|(?:is\s+|was\s+)?"
    r"(?:leading|running|heading|overseeing|coordinating|directing|commanding|managing))\s+"
    r"(?:the\s+|this\s+|that\s+)?(?P<of>(?:[\w.'’-]+\s+){0,3}?[\w.'’-]+)"
    r"(?:\s+(?:now|then))?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
#: The titles of whoever leads something, and the words news puts after a leader's name to
#: say so: "Dr. Katrin Vollmer, the museum's director", "Budi Santoso, who is leading the
#: search operation", "Efua Sarpong, who is coordinating the rescue", "Dr. Margaret Liu, who
#: chaired the panel".
_LEADERS = (
    *_BOSS, ("commander",), ("coordinator",), ("in", "charge"), ("leads",), ("runs",),
    ("heads",), ("oversees",), ("chairs",), ("directs",), ("coordinates",), ("commands",),
    ("leading",), ("running",), ("heading",), ("overseeing",), ("coordinating",),
    ("directing",), ("commanding",), ("would", "lead"), ("will", "lead"), ("led",),
    ("chaired",), ("headed",), ("oversaw",), ("directed",), ("coordinated",), ("commanded",),
    ("lead", "author"), ("lead", "researcher"), ("lead", "investigator"),
    ("principal", "investigator"),
)  # fmt: skip
_CHAIRS = (
    ("chair",), ("chairman",), ("chairwoman",), ("chairperson",), ("chairs",), ("chaired",),
)  # fmt: skip
_WORD = re.compile(r"[^\W\d_][\w’'.-]*")


@dataclass(frozen=True, slots=True)
class RoleQuestion:
    """A role a question asks the holder of, and the words that narrow it down."""

    #: The titles that name it, each as lowercase words: (("chief", "executive"), ("ceo",)).
    titles: tuple[tuple[str, ...], ...]
    #: Words the holder is of: "braga" in "the braga coach", "bergen" in "the mayor of bergen".
    qualifiers: tuple[str, ...]
    #: Titles that may stand for it where nothing else narrows them ("secretary" for a
    #: minister).
    loosely: tuple[tuple[str, ...], ...] = ()
    #: Every narrowing word must stand beside the title: "the union guy" is whoever holds a
    #: title of the union's, not any title-holder of the story.
    strict: bool = False


#: "who was driving the train" asks for the train's driver.
_DOING = re.compile(
    r"^\s*(?P<who>(?:so\s+|and\s+|ok\s+)?who(?:['’]?s|\s+is|\s+was)?)\s+"
    r"(?P<doing>driving|flying|piloting|refereeing|coaching|captaining|skippering)\s+",
    re.IGNORECASE,
)
#: "what is the name of the french foreign minister": who the minister is.
_NAME_OF = re.compile(
    r"^\s*(?:so\s+|and\s+|ok\s+)?(?:what(?:['’]?s|\s+is|\s+was)\s+)?the\s+name\s+of\s+"
    r"(?P<rest>the\s+.+)$",
    re.IGNORECASE,
)
#: "whats the goalkeepers name", "what is the mayor called": who the goalkeeper is.
_NAME_ASKED = re.compile(
    r"^\s*(?:so\s+|and\s+|ok\s+)?what(?:['’]?s|\s+is|\s+was)\s+(?P<rest>the\s+.+?)"
    r"(?:['’]?s\s+name|\s+called)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_DOER = {
    "driving": "driver", "flying": "pilot", "piloting": "pilot", "refereeing": "referee",
    "coaching": "coach", "captaining": "captain", "skippering": "skipper",
}  # fmt: skip


def role_asked(question: str) -> RoleQuestion | None:
    """The role "who is the mayor of bergen" (or "who was driving the train", "what is the name
    of the mayor", "whats the mayors name") asks the holder of, or None for another question
    (a name, "who is the man who ...", a title no one person holds)."""
    named = _NAME_OF.match(question) or _NAME_ASKED.match(question)
    if named is not None:
        question = f"who is {named.group('rest')}"
    doing = _DOING.match(question)
    if doing is not None:
        title = _DOER[doing.group("doing").casefold()]
        question = f"who is the {title} of {question[doing.end() :]}"
    found = _QUESTION.match(question)
    return None if found is None else _role_of(found)


def role_led(question: str) -> RoleQuestion | None:
    """The lead of what "who runs the museum" or "who is in charge of the rescue" asks about,
    as a role (a director, a chief executive, whoever "is leading" it), or None for another
    question."""
    found = _LEADS.match(question)
    if found is None:
        return None
    of = [_bare(w) for w in found.group("of").split()]
    # "who's leading it": whatever "it" is, the article's leader of it is named as leading.
    qualifiers = tuple(w for w in of if w not in _ARTICLES and w not in {"it", "this", "that"})
    # "Who chaired the panel" asks for its chair, not the company's chief executive.
    if re.search(r"\bchair(?:s|ed)\b", found.group(0), re.IGNORECASE):
        return RoleQuestion(titles=_CHAIRS, qualifiers=qualifiers)
    return RoleQuestion(titles=_LEADERS, qualifiers=qualifiers)


def role_aged(question: str) -> RoleQuestion | None:
    """The role whose holder's age "how old is the governor" asks, or None for another
    question."""
    found = _AGED.match(question)
    return None if found is None else _role_of(found)


@dataclass(frozen=True, slots=True)
class SpokenRole:
    """A question about what a role's holder said: the role, and where the question names it."""

    asked: RoleQuestion
    #: question[start:end] is "the prosecutor" in "what did the prosecutor say".
    start: int
    end: int


def role_speaking(question: str) -> SpokenRole | None:
    """The role whose holder's words a question asks for ("what did the prosecutor say"), or
    None for another question (one asking about something, "what did the ceo say about the
    factory", is searched by that)."""
    found = _SPOKEN.match(question)
    if found is None or (asked := _role_of(found)) is None:
        return None
    return SpokenRole(asked, found.start("phrase"), found.end("phrase"))


#: Endings of titles written as one word or two: "harbourmaster" and "harbour master",
#: "headmaster" and "head master", "gamekeeper" and "game keeper".
_COMPOUND_ENDS = ("master", "mistress", "keeper")


def _spellings(head: str) -> tuple[tuple[str, ...], ...]:
    """The ways an article may write the title a reader typed: its other names (`_SAME_AS`),
    a compound title also as two words and the other way round ("harbourmaster", "harbour
    master"), British and American ("harbour", "harbor")."""
    titles = list(_SAME_AS.get(head, ((head,),)))
    for word in [title[0] for title in titles if len(title) == 1]:
        for end in _COMPOUND_ENDS:
            if word.endswith(end) and len(word) > len(end) + 2:
                start = word[: -len(end)]
                british = start if "our" in start else start.replace("or", "our")
                for spelt in (british, british.replace("our", "or")):
                    titles += [(spelt + end,), (spelt, end)]
    return tuple(dict.fromkeys(titles))


def _role_of(found: re.Match[str]) -> RoleQuestion | None:
    """The role a matched `_ROLE_PHRASE` names, or None when it names no title one person
    holds."""
    words = [_bare(w) for w in found.group("role").split()]
    if len(words) > 1 and words[-2] + words[-1] in TITLES:
        words[-2:] = [words[-2] + words[-1]]  # "the harbour master" is the harbourmaster
    head = words[-1]
    anyone = head in _SOMEONE
    if head not in TITLES and not anyone:
        return None
    before = [w for w in words[:-1] if w not in _FILLERS]
    if any(w in {"who", "that", "which", "whose"} for w in before):
        return None
    qualifiers = list(before)
    owner = found.group("owner")
    if owner and owner.lower() not in {"who", "whos", "what"}:
        # "priya nair's coach": hers, as news names her again, by her surname.
        qualifiers.insert(0, _bare(owner.split()[-1]))
    if found.group("of"):
        qualifiers += [_bare(w) for w in found.group("of").split() if _bare(w) not in _ARTICLES]
    qualifiers = [q for q in qualifiers if q]
    if anyone:
        # "the union guy", "the paho woman": the person with a title of the union's.
        if not qualifiers:
            return None
        return RoleQuestion(titles=_ANY_TITLE, qualifiers=tuple(qualifiers), strict=True)
    return RoleQuestion(
        titles=_spellings(head),
        qualifiers=tuple(qualifiers),
        loosely=_LOOSELY.get(head, ()),
    )


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds a role, as an article names them: the sentence, and the name in it."""

    #: Position of the sentence among those searched.
    sentence: int
    #: The name as written beside the title ("Kari Holmefjord", "Dr. Fiona Carradine").
    name: str


def role_holder(
    sentences: Sequence[str], headline: str, asked: RoleQuestion, text: str = ""
) -> Holder | None:
    """Who holds the `asked` role as `sentences` (an article's, in order) name them: the first
    sentence naming the holder beside the title, every word narrowing it down said beside the
    title ("Braga coach Nuno Almeida", "Rosa Iglesias, the mayor of Muxía") and nothing else
    narrowing it; else the first narrowed by another name too ("Izmir Governor Selim
    Karaağaç" for "the governor"); else the one whose title leaves out only what the
    article's own subject tells ("Mayor Kari Holmefjord" in the Bergen story); None when no
    sentence does, when such titles name two people ("President Donald Trump" and
    "President Volodymyr Zelensky" for "the president of ukraine" in a story on Ukraine), or
    when the title alone names two ("who is the president" there). A holder the article
    elsewhere gives another place or body ("President Adrian Moret of Istran") is not the
    subject's ("the president of veloria").
    `text` (the whole article) tells a proper name's word ("Russian", "Estrella") from a
    common one ("club") and gives the story's dateline."""
    # How well a sentence answers ((0, 0) best; among titles the story's subject narrows, the
    # fewer asked words left out the better) -> the first that does.
    found: dict[tuple[int, int], Holder] = {}
    # Whom each title names that only the story's subject would narrow: with two holders of
    # one title ("President Donald Trump", "President Volodymyr Zelensky"), the subject tells
    # no one ("who runs the port" may be asked of a chief executive and a port director).
    told_by_subject: dict[tuple[str, ...], set[str]] = {}
    titled: dict[tuple[int, int], tuple[str, ...]] = {}
    plainly: dict[tuple[str, ...], set[str]] = {}
    narrowed: dict[tuple[str, ...], set[str]] = {}
    # Whose title a name other than the one asked narrows somewhere ("Moret of Istran" for
    # the president of Veloria), and the holders whose title only the story's subject
    # narrows, weighed once every sentence is read.
    elsewhere: set[str] = set()
    subject_told: list[tuple[int, tuple[str, ...], str, Holder]] = []
    common = _lower_case_words(text)
    for position, sentence in enumerate(sentences):
        words = list(_WORD.finditer(sentence))
        for start, end, name, loose in _titles_naming(sentence, words, asked):
            beside = " ".join(w.group() for w in words[max(0, start - _BEFORE) : end + _AFTER])
            owner = _bare(words[start - 1].group()) if start else ""
            if owner in _ITS and position:
                # "The victory gives Rovers a nine-point lead. Their manager, Deirdre Walsh,":
                # whose it is, the words before it say; "her coach" is the one person the
                # sentence before names, whom the article calls "she".
                before = sentences[position - 1]
                if owner in _PERSONS:
                    before = _whose(before, _PERSONS[owner], sentences, position)
                beside = f"{before} {sentence[: words[start].start()]} {beside}"
            if owner in _ITS and asked.qualifiers:
                # "The Nordvik Harbour Trust has bought ..., its chairman Ola Berg": whose
                # title it is, what "its" stands for says; a body the question does not name
                # ("who is the chairman of the council") is another's.
                whose = sentences[position - 1] if position else ""
                if owner in _PERSONS and position:
                    # Past a quotation to its speaker ('"...," Lowe said. "..." Her coach').
                    whose += " " + _whose(whose, _PERSONS[owner], sentences, position)
                whose += " " + sentence[: words[start - 1].start()]
                if not any(q in _THIS_STORY or _mentions(whose, q) for q in asked.qualifiers):
                    continue
            # The holder's own name narrows nothing: "Gul Afridi, ... later a coach" is no
            # coach of Afridi's.
            around = beside.replace(name, " ")
            missing = [
                q for q in asked.qualifiers if q not in _THIS_STORY and not _mentions(around, q)
            ]
            if missing != list(asked.qualifiers) and _one_name(asked.qualifiers, text, beside):
                missing = []  # "Rovers" beside it is "Kilbride Rovers", as news shortens names
            if any(q in _OTHER_ROLE for q in missing):
                # "The opposition finance minister" is not "Finance minister Clara Voss", nor
                # "the deputy mayor" the mayor: the word makes it another role.
                continue
            narrowing = (
                _narrowing_word(sentence, words, start, asked)
                or _narrowed_after(sentence, name, asked)
                or _narrowed_by_of(sentence, words, end, asked)
            )
            # A loose title narrowed by anything but the story's own subject is another role
            # ("Halvorsen chief executive" is the boss of "the company" in the Halvorsen story).
            if (
                loose
                and narrowing is not None
                and not _subject_tells([_bare(narrowing)], headline, text, frozenset())
            ):
                continue
            holder = Holder(position, name)
            surname = _bare(name.split()[-1])
            title = tuple(_bare(w.group()) for w in words[start:end])
            if not missing:
                found.setdefault((0 if narrowing is None else 1, 0), holder)
                tier = plainly if narrowing is None else narrowed
                tier.setdefault(title, set()).add(surname)
            elif asked.strict:
                continue
            elif not _left_out(narrowing, missing, common):
                if narrowing is not None and not _common(common, _bare(narrowing)):
                    elsewhere.add(surname)
            elif _subject_tells(missing, headline, text, common):
                subject_told.append((len(missing), title, surname, holder))
    for left_out, title, surname, holder in subject_told:
        # "President Moret" is not the subject's president where the article calls him
        # "President Adrian Moret of Istran".
        if surname in elsewhere:
            continue
        if (2, left_out) not in found:
            found[(2, left_out)] = holder
            titled[(2, left_out)] = title
        told_by_subject.setdefault(title, set()).add(surname)
    if not found:
        return None
    best = min(found)
    # Two people the title plainly names ("President Donald Trump", "President Vladimir
    # Putin" for a bare "who is the president"): the article does not say which one is meant.
    if best == (0, 0) and any(len(names) > 1 for names in plainly.values()):
        return None
    # Nor when each is another's ("President Amara Nkosi of Ghana", "President Luis Ferreira
    # of Portugal") and none plainly the story's.
    if best == (1, 0) and any(len(names) > 1 for names in narrowed.values()):
        return None
    if best[0] == 2 and len(told_by_subject[titled[best]]) > 1:
        return None
    return found[best]


#: Words for the story itself, which narrow no title: "the judge in the case" is the story's
#: judge, "the ref in the game" its referee.
_THIS_STORY = frozenset({"case", "trial", "story", "article", "game", "match"})
#: How many words before a title, and after it, may say whose it is: "the UK's chief
#: veterinary officer", "the mayor of Muxía", "conductor Valentina Ortúzar as its next chief".
_BEFORE = 4
_AFTER = 6


#: Possessives that stand for a body or a person named before: "its chief executive", "their
#: manager", "Her coach, Stefan Kovacs," after a sentence on Priya Nair.
_ITS = frozenset({"its", "their", "his", "her"})
#: Of those, a person's, and what the article calls that person.
_PERSONS = {"his": "he", "her": "she"}


#: How many sentences back from "Her coach" the one naming whom "her" means may be, past a
#: quotation.
_WHOSE_REACH = 3
_QUOTED = re.compile(r"[\"“”]")


def _whose(sentence: str, pronoun: str, sentences: Sequence[str], at: int) -> str:
    """Whom "her" (`pronoun` "she") or "his" in sentence `at` means: the first person
    `sentence` (the one before) names, its subject as news writes it ("Priya Nair won her final
    game against Daniel Whitmore. Her coach, ..."), when the article (read without sentence
    `at`, whose "Her" would count for them) calls them so and never the other; "" otherwise.
    A "she" after someone named second is often the subject's ("Nair beat Whitmore, and she
    said ..."), and a name the article gives no pronoun tells nothing."""
    named = people(sentence)
    back, quoting = at - 2, False
    while not named and back >= max(at - _WHOSE_REACH, 0) and _QUOTED.search(sentence):
        # A quotation names no one: its speaker is in the sentence before it ('"...," Lowe
        # said. "When I looked behind me ..." Her coach, ...'), whom "her" goes on about.
        named, quoting = people(sentences[back]), True
        sentence, back = sentences[back], back - 1
    if not named:
        return ""
    others = [*sentences[:at], "", *sentences[at + 1 :]]
    called = plainly_called(named[0], others)
    return named[0] if called == pronoun or (quoting and called is None) else ""


def _one_name(qualifiers: Sequence[str], text: str, beside: str) -> bool:
    """Whether the asked words are one whole proper name of the article's, in order ("kilbride
    rovers" of "Kilbride Rovers won ...", not "russian foreign" of "the Russian Foreign
    Ministry"), and `beside` (the words around a title) names it by one of them, capitalised."""
    if len(qualifiers) < 2:
        return False
    said = plain_letters(beside)
    if not any(re.search(rf"\b{re.escape(q[:1].upper() + q[1:])}\b", said) for q in qualifiers):
        return False  # checked first: it reads a few words, the rest the whole article
    plain = plain_letters(text)
    phrase = r"\s+".join(re.escape(q) for q in qualifiers)
    return any(
        all(w[:1].isupper() for w in m.group().split())
        and not _CAPITAL_NEXT.match(plain, m.end())
        # The word before, from a few characters back (searched at the end of all the text
        # before, every match re-read the article up to it).
        and not _CAPITAL_BEFORE.search(plain, max(0, m.start() - 80), m.start())
        for m in re.finditer(rf"\b{phrase}\b", plain, re.IGNORECASE)
    )


#: A capitalised word right after a matched name, or right before it: the name goes on.
_CAPITAL_NEXT = re.compile(rf"\s+[{CAPITALS}]")
_CAPITAL_BEFORE = re.compile(rf"[{CAPITALS}][\w’'-]*\s+$")


def _left_out(narrowing: str | None, missing: list[str], common: frozenset[str]) -> bool:
    """Whether a title may stand for the asked one although `missing` is not said beside it:
    nothing else narrows it, or a proper name does where only common words are missing
    ("Estrella president" for "the club president"; not "France's foreign minister" for the
    Russian one, nor "mission director" for the agency's head)."""
    if narrowing is None:
        return True
    return not _common(common, _bare(narrowing)) and all(_common(common, q) for q in missing)


def _subject_tells(missing: list[str], headline: str, text: str, common: frozenset[str]) -> bool:
    """Whether the words missing beside a title are the article's subject as its headline
    opens with it ("Bergen opens ...", "Supermarket chain Greenfield says ..."), its dateline's
    place ("FREMONT, Ohio (AP) —"), or common words: the story's mayor is Bergen's, but
    "captain Chamika Fernando" in "Perera century puts Sri Lanka in control of first Test
    against Bangladesh" is not Bangladesh's."""
    subject = " ".join([*_headline_subject(headline), _dateline(text)])
    return all(_mentions(subject, q) or _common(common, q) for q in missing)


def _dateline(text: str) -> str:
    """The dateline opening the story's body ("FREMONT, Ohio (AP) —"), or ""."""
    for line in text.splitlines()[:_DATELINE_LINES]:
        found = DATELINE.match(line)
        if found is not None:
            return found.group(0)
    return ""


#: How far down an article its dateline may be: past the headline, a byline, a date.
_DATELINE_LINES = 12


def _headline_subject(headline: str) -> list[str]:
    """The names a headline opens with: its first run of capitalised words, and the next run
    when that is only its first word ("Supermarket chain Greenfield", "Danish e-bike maker
    Vindla"), where a description comes before the name."""
    runs: list[list[str]] = []
    previous_capital = False
    for word in _WORD.findall(headline):
        capital = word[:1].isupper()
        if capital and not previous_capital:
            runs.append([])
        if capital:
            runs[-1].append(word)
        previous_capital = capital
    if not runs:
        return []
    first = runs[0]
    opens = _WORD.findall(headline)[:1] == first[:1]
    return first + (runs[1] if len(runs) > 1 and opens and len(first) == 1 else [])


def _titles_naming(
    sentence: str, words: list[re.Match[str]], asked: RoleQuestion
) -> list[tuple[int, int, str, bool]]:
    """Where in `sentence` (its `words`, from..to) one of the `asked` role's titles stands
    beside a person's name, the name, and whether the title only loosely stands for the role:
    "Mayor Kari Holmefjord", "president, Richard Coleman,", "Rosa Iglesias, the mayor"."""
    bare = [_bare(w.group()) for w in words]
    titles = [(title, False) for title in asked.titles] + [(t, True) for t in asked.loosely]
    found: list[tuple[int, int, str, bool]] = []
    for start in range(len(words)):
        for title, loose in titles:
            end = start + len(title)
            if tuple(bare[start:end]) != title or _possessive(words[end - 1].group()):
                continue
            if _in_body_name(words, start):
                continue
            if _another_role(sentence, words, bare, start, asked):
                continue
            name = (
                _name_after(sentence, words, end)
                or _name_before(sentence, words, start)
                or _subject_of(sentence, words, start, title)
                or _agent_of(sentence, words, end, title)
            )
            if name:
                found.append((start, end, name, loose))
    return found


def _in_body_name(words: list[re.Match[str]], start: int) -> bool:
    """Whether the title at `start` is a word of a body's name ("the National Association of
    Head Teachers", "the Department for Education"), no one's title."""
    return (
        start >= 2
        and words[start].group()[:1].isupper()
        and words[start - 1].group() in ("of", "for")
        and words[start - 2].group()[:1].isupper()
    )


#: Leading verbs whose subject is the leader: "Sir Anthony Keel would lead an independent
#: inquiry", "Kari Holmefjord heads the council".
_LEADING_VERBS = frozenset(
    {("would", "lead"), ("will", "lead"), ("leads",), ("heads",), ("chairs",), ("oversees",),
     ("directs",), ("coordinates",), ("commands",)}
)  # fmt: skip


def _subject_of(
    sentence: str, words: list[re.Match[str]], start: int, title: tuple[str, ...]
) -> str:
    """The name right before a leading verb at word `start` ("Keel would lead"), or ""."""
    if title not in _LEADING_VERBS or start == 0 or _gap(sentence, words, start):
        return ""
    return _name_ending(sentence, words, start - 1)


#: Leading verbs whose agent follows "by": "The report, led by the retired High Court judge
#: Dame Eleanor Whitcombe, 68, found ...".
_LED_BY = frozenset(
    {("led",), ("headed",), ("chaired",), ("directed",), ("coordinated",), ("commanded",)}
)


def _agent_of(sentence: str, words: list[re.Match[str]], at: int, title: tuple[str, ...]) -> str:
    """The name of two or more capitalised words that ends the "by" phrase after a leading
    verb ending before word `at` ("led by the retired High Court judge Dame Eleanor
    Whitcombe,"), or ""."""
    if title not in _LED_BY or at >= len(words) or words[at].group() != "by":
        return ""
    if _gap(sentence, words, at):
        return ""
    end = at + 1  # the phrase runs to the first punctuation
    while end < len(words) and not _gap(sentence, words, end):
        end += 1
    if end - at > _AGENT_WORDS:
        return ""
    for k in range(at + 2, end):
        if words[k].group() in _AFFILIATION and words[k - 1].group()[:1].isupper():
            end = k  # "led by Anna Keller of ETH Zurich": her, not the body she is of
            break
    name = _name_ending(sentence, words, end - 1)
    return name if " " in name else ""


#: Words after a leader's name that say where they are from.
_AFFILIATION = frozenset({"of", "at", "from"})
#: How many words a "by" phrase may describe a leader with, the name's included.
_AGENT_WORDS = 12


def _another_role(
    sentence: str, words: list[re.Match[str]], bare: list[str], start: int, asked: RoleQuestion
) -> bool:
    """Whether the title at word `start` is made another role by a word of its phrase before
    it, unless the question asks for that: "deputy mayor", "a former federal prosecutor",
    "Deputy Prime Minister" for the minister."""
    position = start
    for _ in range(_OTHER_ROLE_REACH):
        if position == 0 or _gap(sentence, words, position):
            return False
        word = bare[position - 1]
        if word in _OTHER_ROLE:
            return word not in asked.qualifiers
        if word in _OPEN_BEFORE:
            return False
        position -= 1
    return False


#: How many words of a title's phrase before it may make it another role.
_OTHER_ROLE_REACH = 3


def _name_after(sentence: str, words: list[re.Match[str]], at: int) -> str:
    """The name following the title that ends before word `at` (see `_name_right_after`), or
    the one closing an appositive description after a comma ("Lindqvist's coach, the former
    Dutch doubles player Ruud Schilder, 52,")."""
    return _name_right_after(sentence, words, at) or _described_name_after(sentence, words, at)


#: How many words an appositive may describe a title's holder with before the name.
_DESCRIPTION = 6
#: Words an appositive opens with, as "the" and "a" do: "Her coach, former Olympian Graham
#: Tully," (a new user's probe: no one was named).
_DESCRIBING = frozenset({"former", "longtime", "veteran", "retired", "fellow", "ex"})


def _described_name_after(sentence: str, words: list[re.Match[str]], at: int) -> str:
    """The name of two or more capitalised words ending an appositive that opens after the
    title with a comma and "the" or "a" ("coach, the former Dutch doubles player Ruud
    Schilder,"), or ""."""
    if at >= len(words) or _gap(sentence, words, at) != ",":
        return ""
    if _bare(words[at].group()) not in _ARTICLES | _DESCRIBING:
        return ""
    end = at + 1  # the appositive runs to the first punctuation
    while end < len(words) and not _gap(sentence, words, end):
        end += 1
    if end - at > _DESCRIPTION + 1:
        return ""
    name = _name_ending(sentence, words, end - 1)
    return name if " " in name else ""


#: Verbs that name a title's holder after "as": "police named the driver as Graham Pollard".
_NAMED_AS = re.compile(r"\b(?:named|identified|confirmed|gave)\b", re.IGNORECASE)


def _name_right_after(sentence: str, words: list[re.Match[str]], at: int) -> str:
    """The name following the title that ends before word `at` ("Governor Ivan Fedorov",
    "manager, Sarah Whitfield,", "Minister for Lands and Natural Resources, Abena
    Kusi-Mensah,"), or ""."""
    at = _past_portfolio(sentence, words, at)
    if (
        at + 1 < len(words)
        and words[at].group() == "as"
        and not _gap(sentence, words, at)
        and _NAMED_AS.search(sentence, 0, words[at].start())
    ):
        at += 1  # "Police named the train's driver as Graham Pollard"
    if at >= len(words) or not _starts_name(words[at].group()):
        return ""
    if _gap(sentence, words, at) not in {"", ","}:
        return ""
    end = at + 1
    while end < len(words) and not _gap(sentence, words, end):
        if not _in_name(words[end].group()):
            break
        end += 1
    while end > at + 1 and words[end - 1].group().lower() in _NAME_JOINS:
        end -= 1
    return _without_stop(sentence[words[at].start() : words[end - 1].end()])


def _without_stop(name: str) -> str:
    """A name without the full stop ending its sentence ("Carradine."), an initial's kept."""
    last = name.split()[-1]
    return name[:-1] if name.endswith(".") and len(last) > 2 else name


def _past_portfolio(sentence: str, words: list[re.Match[str]], at: int) -> int:
    """Word `at`, or the word after the comma closing a title's portfolio that starts there
    ("for Lands and Natural Resources, ", "of the local school, "), where the name follows."""
    if at >= len(words) or words[at].group().lower() not in {"for", "of"}:
        return at
    end = at + 1
    lower = 0
    while end < len(words) and (
        words[end].group()[:1].isupper()
        or words[end].group().lower() in {"and", "of", "the"}
        # A few plain words say which one ("of the local school"); a verb ends the title.
        or (lower < _PORTFOLIO_WORDS and not only_a_verb(words[end].group()))
    ):
        if words[end].group()[:1].islower():
            lower += 1
        gap = _gap(sentence, words, end)
        if gap == ",":
            return end if end > at + 1 else at
        if gap:
            return at
        end += 1
    return at


#: How many plain words a title's "of ..." may say which one with before the name's comma.
_PORTFOLIO_WORDS = 3


#: How many words may stand between a name's comma and the title: "Ortega, the Pan American
#: Health Organization's representative".
_APPOSITIVE_WORDS = 6
#: Between a name and its title: a comma, or an age set off by commas ("Lassen, 52, the").
_APPOSITION = re.compile(r",(?:\s*\d{1,3}\s*,)?")


def _name_before(sentence: str, words: list[re.Match[str]], at: int) -> str:
    """The name before the title starting at word `at`, set off by a comma ("Rosa Iglesias,
    the mayor of Muxía", "Lin Wei-ting, Veltrix's chief executive", "Dr. Henrik Lassen, 52,
    the study's lead author"), or ""."""
    position = at
    for _ in range(_APPOSITIVE_WORDS):  # "the", "study's", "lead", ... up to the comma
        if position == 0:
            return ""
        gap = _gap(sentence, words, position)
        if _APPOSITION.fullmatch(gap):
            return _name_ending(sentence, words, position - 1)
        if gap or _clause_verb(words, position - 1):
            return ""  # "her mother, Karin, was a coach" says what Karin was, not whose coach
        word = words[position - 1].group()
        if (
            word[:1].islower()
            and only_a_verb(word)
            and (
                _bare(words[position].group()) in _DETERMINERS
                or _possessive(words[position].group())
            )
        ):
            # "midfielder Sergio Lanza, sent the goalkeeper the wrong way" (but "Maria
            # Lopez, appointed coach in May" is the coach).
            return ""
        position -= 1
    return ""


#: Words that open what a verb does to someone: "sent the goalkeeper", "beat a defender".
_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "their", "its"})
#: Verbs that make "Name, was a coach" a clause about Name, no title beside a name.
_VERBS = frozenset({"was", "is", "were", "are", "had", "has", "became", "becomes", "remains"})


def _clause_verb(words: list[re.Match[str]], at: int) -> bool:
    """Whether word `at` is a verb saying what someone before it was ("Karin, was a coach"),
    not one of a relative clause naming their role ("Ellison, who is leading the inquiry")."""
    return _bare(words[at].group()) in _VERBS and (at == 0 or _bare(words[at - 1].group()) != "who")


def _name_ending(sentence: str, words: list[re.Match[str]], last: int) -> str:
    """The run of capitalised words ending at word `last`, or "" when it is no name."""
    if not _ends_name(words[last].group()):
        return ""
    first = last
    while first > 0 and not _gap(sentence, words, first):
        if not _in_name(words[first - 1].group()):
            break
        first -= 1
    while first < last and words[first].group().lower() in _NAME_JOINS:
        first += 1
    return _without_stop(sentence[words[first].start() : words[last].end()])


def _gap(sentence: str, words: list[re.Match[str]], at: int) -> str:
    """What stands between word `at` and the one before it, spaces aside ("", ",", ", 52,")."""
    return sentence[words[at - 1].end() : words[at].start()].strip()


def _in_name(word: str) -> bool:
    """Whether `word` may go on a name: capitalised, or a joining word ("von", "de")."""
    return (word[:1].isupper() or word.lower() in _NAME_JOINS) and _bare(word) not in _NOT_NAMES


def _starts_name(word: str) -> bool:
    return word[:1].isupper() and _bare(word) not in _NOT_NAMES and _bare(word) not in TITLES


def _ends_name(word: str) -> bool:
    return word[:1].isupper() and _bare(word) not in _NOT_NAMES and not _possessive(word)


def _narrowing_word(
    sentence: str, words: list[re.Match[str]], start: int, asked: RoleQuestion
) -> str | None:
    """The word right before the title at word `start`, past those the question gives, when it
    narrows the title down ("France's foreign minister", "mission director", "Estrella
    president"); None when the title opens its phrase ("said Governor Fedorov")."""
    position = start
    while position > 0:
        if _gap(sentence, words, position):
            return None  # punctuation: the title opens its phrase
        word = words[position - 1].group()
        if any(_same_word(_bare(word), q) for q in asked.qualifiers) or _bare(word) in _GENERIC:
            position -= 1
            continue
        narrows = _possessive(word) or _bare(word) not in _OPEN_BEFORE
        return word if narrows else None
    return None


def _narrowed_by_of(
    sentence: str, words: list[re.Match[str]], end: int, asked: RoleQuestion
) -> str | None:
    """The first word of an "of" phrase right after the title ending before word `end` that
    makes it the head of something the question does not name ("head of a fishing
    cooperative" for "who led the research"); None where the question names nothing, the
    phrase names what it asks, or no "of" follows."""
    if not asked.qualifiers or end + 1 >= len(words) or words[end].group().lower() != "of":
        return None
    if _gap(sentence, words, end) or _gap(sentence, words, end + 1):
        return None
    at = end + 1
    if _bare(words[at].group()) in _DETERMINERS and at + 1 < len(words):
        at += 1
    phrase = [_bare(w.group()) for w in words[at : at + 3]]
    if any(_same_word(word, q) for word in phrase for q in asked.qualifiers):
        return None
    if phrase[0] in _THIS_STORY:
        return None
    return words[at].group()


#: A place or body after a title's holder that says whose title it is: "President Adrian
#: Moret of Istran", "Mayor Rosa Iglesias of Muxía".
_OF_AFTER = re.compile(r"\s+of\s+(?:the\s+)?(?P<whose>[^\W\d_][\w’'-]*)")


def _narrowed_after(sentence: str, name: str, asked: RoleQuestion) -> str | None:
    """The capitalised word an "of" right after the holder's `name` gives the title to
    ("Istran" in "President Adrian Moret of Istran"), unless the question gives it; None
    where none follows."""
    at = sentence.find(name)
    found = _OF_AFTER.match(sentence, at + len(name)) if at >= 0 else None
    if found is None or not found.group("whose")[:1].isupper():
        return None
    whose = _bare(found.group("whose"))
    return None if any(_same_word(whose, q) for q in asked.qualifiers) else found.group("whose")


def says_every_qualifier(sentence: str, asked: RoleQuestion) -> bool:
    """Whether the question narrows the role down and `sentence` says every word it narrows
    it by ("veloria" in "President Anna Kovar of Veloria")."""
    return bool(asked.qualifiers) and all(_mentions(sentence, q) for q in asked.qualifiers)


def _mentions(text: str, qualifier: str) -> bool:
    """Whether `text` has a word that is `qualifier`, accents, case and possessive aside
    ("muxia" in "Muxía", "veltrix" in "Veltrix's", "russian" in "Russia", "french" in "France"),
    or a name whose initials it is ("paho" for "Pan American Health Organization's")."""
    words = _WORD.findall(text)
    if any(_same_word(_bare(w), qualifier) for w in words):
        return True
    return len(qualifier) >= 3 and qualifier in _initials(words)


#: Small words a name's initials leave out: "Food and Drug Administration" is the FDA.
_UNINITIALLED = frozenset({"of", "and", "for", "the", "on", "in", "&"})


def _initials(words: list[str]) -> set[str]:
    """The initials of every run of capitalised words in `words`, and of each part of one
    ("paho", "aho", "pa", ...): a title or a name may follow the body's name without a break
    ("Federal Emergency Management Agency Administrator Angela Ruiz" holds "fema")."""
    found: set[str] = set()
    run: list[str] = []
    for word in [*words, "."]:
        if word[:1].isupper():
            run.append(word[0].lower())
        elif word.lower() not in _UNINITIALLED or not run:
            initials = "".join(run)
            found.update(
                initials[start:end]
                for start in range(len(initials))
                for end in range(start + 1, min(len(initials), start + _LONGEST_INITIALS) + 1)
            )
            run = []
    return found


#: The most letters of a name's initials: "Pan American Health Organization" is four.
_LONGEST_INITIALS = 8


def _same_word(word: str, qualifier: str) -> bool:
    if word == qualifier or _DEMONYMS.get(qualifier) == word or _DEMONYMS.get(word) == qualifier:
        return True
    short, long = sorted((word, qualifier), key=len)
    return len(short) >= 4 and long.startswith(short) and len(long) - len(short) <= 3


def _lower_case_words(text: str) -> frozenset[str]:
    """The words an article writes in lower case (accents aside), read once per question."""
    return frozenset(re.findall(r"\b[a-z][\w-]*", plain_letters(text)))


def _common(lower_case: frozenset[str], qualifier: str) -> bool:
    """Whether the article writes `qualifier` in lower case (`lower_case`: its words so
    written): a common noun ("the club"), which describes the role's holder without telling
    one from another as a name does."""
    return any(
        w == qualifier or (len(qualifier) >= 4 and w.startswith(qualifier)) for w in lower_case
    )


def mentions_title(sentence: str, asked: RoleQuestion) -> bool:
    """Whether `sentence` names one of the asked role's titles ("The captain of the Aurora
    Bay, a 51-year-old Greek national" names the captain, unnamed)."""
    words = [_bare(word) for word in re.findall(r"[\w’'.-]+", sentence)]
    return any(
        tuple(words[at : at + len(title)]) == title
        for title in asked.titles
        for at in range(len(words) - len(title) + 1)
    )


def _possessive(word: str) -> bool:
    return word.endswith(("'s", "’s", "s'", "s’"))


def _bare(word: str) -> str:
    """A word as compared: lower case, no accents, no possessive, no closing full stop."""
    plain = plain_letters(word).lower().strip(".")
    for ending in ("'s", "’s", "'", "’"):
        plain = plain.removesuffix(ending)
    return plain

"""Questions about the article itself (its author, its gist, who someone in it is), told apart
from ordinary questions by their wording alone."""

from __future__ import annotations

import difflib
import re
from typing import Literal

from articlebot.index.word_forms import past_participle

Intent = Literal["byline", "summary", "date"]

#: Words the patterns below key on; a typo of one (one letter off or so) is read as the word.
_KEYWORDS = (
    "author",
    "authors",
    "article",
    "byline",
    "journalist",
    "newspaper",
    "publication",
    "published",
    "reporter",
    "source",
    "summary",
    "summarize",
    "summarise",
    "gist",
    "overview",
    "happened",
    "about",
)
#: Real words a typo rule must leave alone (they are close to a keyword but mean something else).
_NOT_TYPOS = {"authority", "reported", "sourced", "resource", "abbot", "above", "publican"}

_LEAD = r"(?:(?:hey|hi|ok|okay|so|and|um|please|pls|plz|bot|just|quick|quickly|also|now)\s+)*"
_ASK = r"(?:(?:can|could|would|will)\s+(?:you|u)\s+|(?:do\s+you\s+know|tell\s+me|i\s+wonder)\s+)*"
_TAIL = (
    r"(?:\s+(?:please|pls|plz|for\s+me|again|quickly|briefly|thanks|thank\s+you|thx|then|here))*"
)
_THIS = r"(?:this|the|that)"
_ARTICLE = (
    r"(?:article|story|piece|news|report|text|post|item|news\s+story|news\s+article|"
    r"press\s+release|release|live\s+blog|liveblog|blog|column|interview)"
)
_THE_ARTICLE = rf"(?:{_THIS}(?:\s+{_ARTICLE})?|it|{_ARTICLE})"
_IN_IT = rf"(?:\s+(?:in|of|from|for)\s+{_THE_ARTICLE})?"
_IS = r"(?:is|s|was|are|were)"
_THIS_ARTICLE = rf"(?:this(?:\s+{_ARTICLE})?|(?:the|that)\s+{_ARTICLE})"

_BYLINE_PATTERNS = (
    rf"(?:who|wo)\s+(?:wrote|writes|write|written|authored|penned|reported|published)"
    rf"(?:\s+{_THIS}(?:\s+{_ARTICLE})?|\s+{_ARTICLE}|\s+it)?",
    r"(?:written|authored)\s+by(?:\s+(?:who|whom))?",
    rf"who\s+(?:has|had|did)\s+(?:write|written|wrote|author|authored|publish|published)"
    rf"\s+{_THIS}(?:\s+{_ARTICLE})?",
    rf"{_THIS}\s+{_ARTICLE}\s+(?:was\s+|is\s+)?(?:written|authored|published)\s+by\s+(?:who|whom)",
    rf"(?:who|whos|what|whats|which)(?:\s+{_IS})?\s+(?:the\s+|its\s+)?"
    rf"(?:author|authors|writer|writers|journalist|reporter|byline|correspondent|interviewer)"
    rf"(?:\s+name)?{_IN_IT}",
    rf"(?:the\s+)?(?:author|authors|writer|byline|journalist|reporter)(?:\s+name)?{_IN_IT}",
    rf"(?:the\s+)?name\s+of\s+the\s+(?:author|writer|journalist|reporter){_IN_IT}",
    rf"(?:the\s+)?(?:source|sources|link|url|origin|original|original\s+link|publication|"
    rf"publisher|outlet|newspaper|news\s+outlet|news\s+agency)(?:\s+please)?{_IN_IT}",
    rf"(?:who|whos)(?:\s+{_IS})?\s+{_THE_ARTICLE}\s+by",
    rf"(?:what|whats|which)(?:\s+{_IS})?\s+(?:the\s+|its\s+)?"
    rf"(?:source|sources|link|url|origin|original\s+link|outlet|publication|publisher|"
    rf"newspaper|paper|website|site|media\s+outlet|news\s+outlet|news\s+agency){_IN_IT}",
    rf"where(?:\s+{_IS}|\s+does|\s+did)?\s+(?:{_THIS}\s+{_ARTICLE}|{_ARTICLE})"
    r"(?:\s+(?:come|comes|coming|published|from))*",
    # "where is it from", "where does this come from"; "where was that?" asks where the last
    # answer's event was, and "where did it / that come from" where the thing asked about did
    # (a ship, a fire, the money).
    r"where(?:\s+(?:is|s|was|does|did))?\s+this(?:\s+(?:come|comes|coming))?\s+from",
    r"where(?:\s+(?:is|s|was))?\s+(?:it|that)\s+from",
    rf"where\s+(?:was|is|has)\s+{_THIS}(?:\s+{_ARTICLE})?\s+(?:been\s+)?(?:published|posted|"
    r"printed|from)",
    rf"(?:which|what)\s+(?:newspaper|paper|publication|outlet|website|site|media|magazine|"
    rf"agency|news\s+agency|news\s+outlet)(?:\s+(?:is|was|published|ran|wrote|printed|"
    rf"posted))?(?:\s+(?:{_THIS}|it)(?:\s+{_ARTICLE})?)?(?:\s+(?:from|in))?",
    rf"who\s+(?:published|posted|printed|ran|released|put\s+out)\s+(?:{_THIS}|it)"
    rf"(?:\s+{_ARTICLE})?",
    rf"who\s+(?:put|puts|sent|send)\s+(?:{_THIS}|it)(?:\s+{_ARTICLE})?\s+out",
    r"(?:whose|who\s+is\s+the)\s+(?:article|story|piece|reporting)\s+is\s+(?:this|it)",
)

# An article named by what it is about: "who wrote the bridge article", "summarize the story
# about the bridge". Of several articles, it is the one these words find, not the newest.
# The naming words hold no "in", "of", "the" ...: "the letter in the story" is a letter.
#: A word, "&" inside it kept: "at&t", "p&g", "m&s" are names of their own.
_WORD = r"[^\W_]+(?:&[^\W_]+)*"
# "at" is no naming word, but "at&t" is: the small word ends where a space or the text does.
_NAMING_WORD = r"(?!(?:the|a|an|this|that|in|of|on|at|for|from|to|with|by|about)(?:\s|$))" + _WORD
_NAMED_KIND = r"(?:article|story|piece|post|press\s+release|live\s+blog|liveblog|blog|column)"
_NAMED = rf"(?:the|that|this)\s+(?:{_NAMING_WORD}\s+){{1,4}}{_NAMED_KIND}"
# Not "the post on x": a post on X is no article.
_NAMED_ABOUT = rf"(?:the|that|this)\s+(?:article|story|piece)\s+(?:about|on)(?:\s+{_WORD}){{1,5}}"
#: "tldr nordvik steel": tl;dr and the subject alone ("summary of the charges" asks of the
#: charges, not of an article).
_SUBJECT = rf"(?:(?:of|on|about)\s+)?(?:the\s+)?({_NAMING_WORD}(?:\s+{_NAMING_WORD}){{0,3}})"
_NAMED_ARTICLE = rf"(?:{_NAMED}|{_NAMED_ABOUT})"
#: "do you have an article about bitcoin", "is there a story on brexit": answered with that
#: article's gist, or that none is about it. Not "is there anything about the families" nor
#: "any news on the swap", which ask what the article says of them.
_CATALOGUE = (
    r"(?:(?:(?:is|are)\s+there|do\s+you\s+have|have\s+you\s+got|you\s+got|got)\s+"
    r"(?:an?\s+|any\s+|some\s+)?"
    # "which articles do you have about x", "any stories about sport", "list the stories
    # about ukraine": the same question, typed otherwise.
    r"|(?:which|what|any|some)\s+(?:other\s+)?"
    r"|(?:list|show(?:\s+me)?|find|give\s+me)\s+(?:all\s+)?(?:(?:the|your|any)\s+)?)"
    r"(?:article|articles|story|stories|piece|pieces)"
    r"(?:\s+(?:do\s+you\s+have|have\s+you\s+got|you\s+have|you\s+got|are\s+there|"
    r"there\s+are|are|exist))?"
    # The subject names a thing: "what story about the war did zelensky tell" asks a question;
    # an auxiliary opening it is a name's ("what articles about will smith").
    rf"\s+(?:about|on)(\s+{_WORD}(?:\s+(?!(?:did|does|do|is|are|was|were|has|have|had|would|"
    rf"could)\b){_WORD}){{0,4}})"
    # "what articles about the floods are there", "... are available".
    r"(?:\s+(?:are|is)\s+(?:there|available))?"
)
_BYLINE_NAMED_PATTERNS = (
    rf"(?:who|wo)\s+(?:wrote|writes|authored|penned|reported|published|posted)\s+{_NAMED_ARTICLE}",
    rf"(?:(?:who|whos|what|whats)(?:\s+{_IS})?\s+)?(?:the\s+)?(?:author|authors|writer|byline|"
    rf"journalist|reporter|source)(?:\s+name)?\s+(?:of|for|on)\s+{_NAMED_ARTICLE}",
    rf"{_NAMED_ARTICLE}\s+(?:was\s+|is\s+)?(?:written|authored|published)\s+by(?:\s+(?:who|whom))?",
)
_SUMMARY_NAMED_PATTERNS = (
    rf"(?:summarize|summarise|sum\s+up|recap|explain|brief\s+me\s+on)\s+{_NAMED_ARTICLE}",
    rf"(?:(?:what|whats)(?:\s+{_IS})?\s+|give\s+me\s+|i\s+want\s+|show\s+me\s+)?"
    rf"(?:a\s+|the\s+)?(?:short\s+|quick\s+|brief\s+)?"
    rf"(?:summary|gist|overview|recap|tldr|main\s+points|key\s+points)\s+(?:of|for)\s+"
    rf"{_NAMED_ARTICLE}",
    rf"(?:what|whats)(?:\s+{_IS})?\s+{_NAMED}\s+about",
    # "the article about the riders" names an article; "what's the story about the money"
    # asks what is going on with the money.
    rf"(?:what|whats)(?:\s+{_IS})?\s+(?:the|that|this)\s+(?:article|piece)\s+(?:about|on)"
    rf"(?:\s+{_WORD}){{1,5}}",
    rf"what\s+happened\s+in\s+{_NAMED_ARTICLE}",
    rf"(?:what|whats)\s+(?:is\s+)?going\s+on\s+in\s+{_NAMED_ARTICLE}",
    rf"(?:tell|give)\s+me\s+(?:about|the\s+gist\s+of)\s+{_NAMED_ARTICLE}",
    # Words after the article's name: named before its kind ("the bridge story"), never
    # after "about", where they would run into the name.
    rf"what\s+(?:does|did)\s+{_NAMED}\s+(?:say|talk\s+about|cover|tell\s+(?:me|us))",
    rf"(?:tldr|tl\s+dr)\s+{_SUBJECT}",
    # The article named alone, as one picks it from a list: "the storm story", "that article
    # about the tram".
    _NAMED_ARTICLE,
    _CATALOGUE,
)

_SUMMARY_PATTERNS = (
    rf"(?:what|whats)(?:\s+{_IS})?\s+(?:{_THE_ARTICLE}|all\s+this|all\s+of\s+this)"
    r"(?:\s+all)?\s+about",
    rf"(?:what|whats)(?:\s+{_IS})?\s+(?:{_THIS}|the)\s+(?:whole\s+)?(?:{_ARTICLE})"
    r"(?:\s+all)?\s+about",
    rf"what\s+(?:does|did)\s+(?:{_THE_ARTICLE})\s+(?:say|talk\s+about|cover|tell\s+(?:me|us))",
    rf"what\s+happened(?:\s+here|\s+today|\s+in\s+{_THE_ARTICLE}|\s+in\s+the\s+news)?",
    rf"(?:what|whats)(?:\s+{_IS})?\s+(?:the\s+)?(?:news|story|headline|latest)",
    # "what's the latest story", "what is the top news".
    rf"(?:what|whats)(?:\s+{_IS})?\s+(?:the\s+)?(?:latest|newest|top|main|big)\s+"
    r"(?:news|story|article|headline)",
    rf"(?:(?:what|whats)(?:\s+{_IS})?\s+)?(?:the\s+|its\s+)?(?:title|headline){_IN_IT}",
    rf"(?:give\s+me\s+|get\s+me\s+|i\s+want\s+|i\s+need\s+|need\s+|want\s+|show\s+me\s+)?"
    rf"(?:a\s+|an\s+|the\s+)?(?:short\s+|quick\s+|brief\s+)?"
    rf"(?:summary|summarization|summarisation|overview|gist|recap|rundown|synopsis|digest|"
    rf"tldr|tl\s+dr|main\s+points|key\s+points|main\s+idea|highlights|short\s+version)"
    rf"(?:\s+(?:(?:of|for|on)\s+)?{_THE_ARTICLE})?",
    rf"(?:what|whats)(?:\s+{_IS})?\s+(?:the\s+)?(?:summary|gist|overview|main\s+point|"
    rf"main\s+points|key\s+points|main\s+idea|point|tldr|tl\s+dr|short\s+version|takeaway|"
    rf"main\s+takeaway|key\s+takeaways|bottom\s+line)(?:\s+(?:of|in|for)\s+{_THE_ARTICLE})?",
    rf"(?:summarize|summarise|summarized|summarised|sum\s+up|recap|brief\s+me\s+on|"
    rf"explain)(?:\s+(?:{_THE_ARTICLE}|everything|all\s+this))?(?:\s+(?:up|for\s+me))?",
    r"sum\s+(?:it|this|that)\s+up|brief\s+me|in\s+short|in\s+a\s+nutshell|"
    r"(?:in\s+)?(?:a\s+)?few\s+(?:words|sentences|lines)",
    rf"(?:tell|give)\s+me\s+(?:about|the\s+gist\s+of)\s+{_THE_ARTICLE}",
    rf"(?:what|whats)\s+(?:is\s+)?going\s+on\s+in\s+{_THE_ARTICLE}",
    # "what's going on?", "whats happening here": the story, not what goes on in it ("what is
    # going on with the strike" asks of the strike).
    r"(?:what|whats)\s+(?:is\s+)?(?:going\s+on|happening)(?:\s+(?:here|now|today))?",
    r"(?:the\s+|any\s+)?(?:key\s+|main\s+)?takeaways?",
)


_DATE_PATTERNS = (
    # "when was it published" too (readers ask it right after "who wrote this"), but not
    # "what's the date", which asks what day something happens.
    rf"when\s+(?:was|is|were)\s+(?:{_THIS_ARTICLE}|it)\s+(?:published|posted|written|printed|"
    r"released|put\s+out|updated|dated)",
    rf"(?:(?:what|whats)(?:\s+{_IS})?\s+)?(?:the\s+)?(?:publication\s+date|published\s+date|"
    rf"date\s+published|pub\s+date|date\s+of\s+{_THIS_ARTICLE}|{_ARTICLE}\s+date)"
    rf"{_IN_IT}",
    rf"how\s+old\s+is\s+{_THIS_ARTICLE}",
    rf"is\s+{_THIS_ARTICLE}\s+(?:new|recent|current|old|up\s+to\s+date)",
)


def _compile(patterns: tuple[str, ...]) -> re.Pattern[str]:
    body = "|".join(f"(?:{pattern})" for pattern in patterns)
    return re.compile(rf"{_LEAD}{_ASK}(?:{body}){_TAIL}")


_BYLINE = _compile(_BYLINE_PATTERNS)
_SUMMARY = _compile(_SUMMARY_PATTERNS)
_BYLINE_NAMED = _compile(_BYLINE_NAMED_PATTERNS)
_DATE = _compile(_DATE_PATTERNS)
_SUMMARY_NAMED = _compile(_SUMMARY_NAMED_PATTERNS)
_DATE_NAMED = _compile(
    (
        rf"when\s+(?:was|is|were)\s+{_NAMED_ARTICLE}\s+(?:published|posted|written|printed|"
        r"released|put\s+out|updated|dated)",
    )
)
_WHO_IS = re.compile(
    r"(?:(?:hey|so|and|ok|okay|please)\s+)*(?:(?:do\s+you\s+know|tell\s+me)\s+)?"
    r"(?:who\s+(?:is|was|s)|whos|whois|who\s+exactly\s+is|tell\s+me\s+about)\s+(.+)"
)
#: Subjects of "who is ..." that are not a name: a role ("who is the minister") asks for a
#: name, a pronoun leans on the previous question.
_NOT_A_NAME = {
    "the", "a", "an", "this", "that", "these", "those", "he", "she", "they", "it", "him",
    "her", "them", "his", "its", "their", "there", "here", "you", "i", "we", "me", "us",
    "behind", "responsible", "in", "on", "at", "to", "for", "being", "going", "doing", "your",
    "our", "my", "one", "which", "what", "who", "author", "writer", "journalist", "reporter",
}  # fmt: skip
#: "who is the/France's X" with one of these asks who holds the role, which retrieval answers.
_ROLES = {
    "minister", "president", "leader", "envoy", "governor", "mayor", "chief", "head", "ceo",
    "spokesman", "spokeswoman", "spokesperson", "secretary", "chancellor", "premier", "king",
    "queen", "director", "coach", "captain", "manager", "chairman", "chair", "official",
}  # fmt: skip
_POSSESSIVE = re.compile(r"\w['’]s\b", re.IGNORECASE)
_WHOS = re.compile(r"^\W*who['’]s\b", re.IGNORECASE)


def normalize(text: str) -> str:
    """Lowercase words with punctuation and apostrophes dropped ("Who's the author?" ->
    "whos the author"), "tl;dr" kept as "tldr" and "&" inside a word kept ("at&t")."""
    lowered = text.lower().replace("’", "'").replace("'", "")
    lowered = re.sub(r"\btl\s*[;:/,.\- ]\s*dr\b", "tldr", lowered)
    # "AT&T" split at its "&" was "at t": no subject a story is named by ("at" is a small word).
    words = re.findall(_WORD, lowered)
    return " ".join(_fix_typo(word) for word in words)


#: Short words typed as people type them in a chat, too short for the near-miss rule.
_SHORT_TYPOS = {
    "wrot": "wrote", "wroe": "wrote", "wrte": "wrote", "wats": "whats", "wat": "what",
    "wot": "what", "whta": "what", "waht": "what", "abt": "about", "bout": "about",
    "abou": "about", "tldr": "tldr",
}  # fmt: skip


def _fix_typo(word: str) -> str:
    """A keyword for a near miss of it ("auther", "summery", "artical", "wrot"), else the word."""
    if word in _SHORT_TYPOS:
        return _SHORT_TYPOS[word]
    if len(word) < 5 or word in _KEYWORDS or word in _NOT_TYPOS:
        return word
    near = [k for k in _KEYWORDS if abs(len(k) - len(word)) <= 1]
    match = difflib.get_close_matches(word, near, n=1, cutoff=0.8)
    return match[0] if match else word


def detect_intent(question: str) -> Intent | None:
    """ "byline" for a question about who wrote the article or where it is from, "summary" for
    one asking what it is about, "date" for when it was published, None for anything else."""
    text = normalize(question)
    if not text:
        return None
    if _BYLINE.fullmatch(text) or _BYLINE_NAMED.fullmatch(text):
        return "byline"
    if _SUMMARY.fullmatch(text) or _SUMMARY_NAMED.fullmatch(text):
        return "summary"
    if _DATE.fullmatch(text) or _DATE_NAMED.fullmatch(text):
        return "date"
    return None


_TOPIC_ABOUT = re.compile(r"\b(?:article|story|piece)\s+(?:about|on)\s+(.+)$")
# The fewest naming words: "the storm brenna live blog" names "storm brenna".
_TOPIC_BEFORE = re.compile(rf"\b(?:the|that|this)\s+((?:{_NAMING_WORD}\s+){{1,4}}?){_NAMED_KIND}\b")
_TOPIC_AFTER = re.compile(rf"^(?:tldr|tl\s+dr)\s+{_SUBJECT}$")
_TOPIC_CATALOGUE = re.compile(rf"{_LEAD}{_ASK}{_CATALOGUE}{_TAIL}")


#: Words before "story" that say which one of the chat's, not what it is about: "the whole
#: story", "the latest article" are the article in scope (else the newest), as "this" is.
_NOT_A_SUBJECT = frozenset(
    "whole full entire complete main real actual same latest newest last recent new top big "
    "current original inside live this that".split()
)


def named_article(question: str) -> str | None:
    """The words naming the article a question about an article asks of ("bridge" in "who
    wrote the bridge story?"), or None when it says "this", "the whole ...", or nothing."""
    text = normalize(question)
    if _BYLINE.fullmatch(text) or _SUMMARY.fullmatch(text):
        return None  # "summary please" names no article
    if not any(p.fullmatch(text) for p in (_BYLINE_NAMED, _SUMMARY_NAMED, _DATE_NAMED)):
        return None
    found = (
        _TOPIC_CATALOGUE.fullmatch(text)  # its subject without "are there" after it
        or _TOPIC_ABOUT.search(text)
        or _TOPIC_BEFORE.search(text)
        or _TOPIC_AFTER.match(text)
    )
    if found is None or set(found.group(1).split()) <= _NOT_A_SUBJECT:
        return None
    return found.group(1).strip()


def asks_for_articles(question: str) -> bool:
    """Whether a question asks which articles there are on a subject ("which articles do you
    have about trams", "is there a story on brexit"), not about one article."""
    return _TOPIC_CATALOGUE.fullmatch(normalize(question)) is not None


#: "where does tane work", "who does she work for", "what does okafor do", "what is lin's
#: job": asked of what the sentence introducing someone says ("a deep-sea ecologist at the
#: University of Canterbury").
_JOB = re.compile(
    r"(?:(?:so|and|ok|okay)\s+)?(?:where\s+(?:does|did|do)\s+(.+?)\s+work"
    r"|who\s+(?:does|did|do)\s+(.+?)\s+work\s+for"
    r"|what\s+(?:does|do)\s+(.+?)\s+do(?:\s+for\s+(?:a\s+)?(?:living|work))?"
    r"|what(?:s|\s+is|\s+s|\s+was)\s+(.+?)s\s+(?:job|role|position|title|occupation))"
    r"(?:\s+(?:now|then|exactly))?"
)


def job_asked(question: str) -> str | None:
    """The name whose job or employer "where does tane work" asks for (1-4 words), or None."""
    match = _JOB.fullmatch(normalize(question))
    if match is None:
        return None
    words = next(group for group in match.groups() if group).split()
    if not words or len(words) > 4 or words[0] in _NOT_A_NAME or words[-1] in _ROLES:
        return None
    return " ".join(words)


def who_is_the(question: str) -> str | None:
    """The noun whose person "who is the climber" or "who was the missing hiker" asks for
    ("climber", "hiker"), or None for another question (a name, a plural, one with more to it
    than two describing words)."""
    found = _WHO_IS_THE.fullmatch(
        re.sub(r"(?:\s+(?:again|please|exactly|then|now))+$", "", normalize(question))
    )
    if found is None:
        return None
    noun = found.group("noun")
    if noun in _NOT_A_NAME or noun in _DONE_BY or (noun.endswith("s") and not noun.endswith("ss")):
        return None
    return noun


#: Whom an event makes so, which the sentence telling the event names ("The race was won by
#: ..."), not whom the story opens with: "Surprise winner as favourite drops out".
_DONE_BY = frozenset({"winner", "loser", "champion", "champ", "victor", "runner"})


_WHO_IS_THE = re.compile(
    r"(?:(?:so|and|ok|okay)\s+)?(?:who\s+(?:is|was|s)|whos)\s+(?:the|this|that)\s+"
    r"(?:[a-z-]+\s+){0,2}(?P<noun>[a-z]{3,})"
)


def who_is_subject(question: str) -> str | None:
    """The name asked about in "who is X?" (as typed, 1-4 words), or None."""
    match = _WHO_IS.fullmatch(normalize(question))
    if match is None or _POSSESSIVE.search(_WHOS.sub("", question)):
        return None  # "who is France's foreign minister" asks for a role's holder, not a name
    words = match.group(1).split()
    while words and words[-1] in {"again", "please", "exactly", "then", "now"}:
        words.pop()
    if not words or len(words) > 4 or words[0] in _NOT_A_NAME or words[-1] in _ROLES:
        return None
    if past_participle(words[0]):
        return None  # "who was found guilty", "who was arrested": who did or suffered it
    return " ".join(words)

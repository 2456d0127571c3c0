"""Messages to the bot rather than questions about the article ("hi", "thanks", "who are
you?", "tell me a joke"), told apart by their wording alone; the line each gets instead of a
passage; and the greeting or thanks in front of a question ("hello, who wrote this?"), taken
off before it is asked."""

from __future__ import annotations

import re
from typing import Literal

from articlebot.retrieval.intents import normalize

SmallTalk = Literal["greeting", "thanks", "ack", "goodbye", "bot", "task"]

#: Words said to the bot alongside a greeting or thanks ("hi there", "thanks mate").
_TO_BOT = (
    r"(?:\s+(?:there|bot|articlebot|again|everyone|anyone|all|guys|friend|mate|buddy|man|dude|"
    r"bro|folks))*"
)
_HELLO = (
    r"(?:hi+|hello+|helo|hey+|heya|hiya|howdy|yo|hallo|greetings|sup|wassup|whats\s+up|"
    r"good\s+(?:morning|afternoon|evening|day)|morning|evening|bonjour|hola|salut|ciao)"
)
_THANK = (
    r"(?:thanks|thank\s+(?:you|u)|thankyou|thank|thx|thnx|thnks|thanx|tnx|ty|tysm|tyvm|cheers|"
    r"many\s+thanks|much\s+appreciated|appreciate\s+it|merci|danke|gracias)"
)
_OK = (
    r"(?:ok+|okay|okey|k|kk|alright|all\s+right|cool|great|perfect|awesome|nice|got\s+it|"
    r"i\s+see|understood|makes\s+sense|good\s+to\s+know|interesting|wow|lol|haha+|fine|"
    r"thats\s+(?:great|interesting|helpful|all)|great\s+(?:job|answer)|nice\s+one|"
    r"well\s+done|good\s+(?:bot|job|answer))"
)
_GREETING = (
    rf"{_HELLO}{_TO_BOT}(?:\s+(?:how\s+are\s+(?:you|u)(?:\s+doing)?(?:\s+today)?|"
    r"hows\s+it\s+going))?",
    r"(?:how\s+are\s+(?:you|u)|how\s+r\s+u)(?:\s+doing)?(?:\s+today)?",
    r"hows\s+it\s+going|how\s+do\s+you\s+do",
    r"(?:nice|pleased|glad)\s+to\s+meet\s+(?:you|u)",
)
_THANKS = (
    rf"(?:{_OK}\s+)*{_THANK}"
    r"(?:\s+(?:a\s+lot|a\s+ton|so\s+much|very\s+much|a\s+bunch|kindly|again|bot|mate|buddy|"
    r"man|dude|bro|for\s+(?:the|your)\s+(?:help|answer|answers|info|information|reply)|"
    r"for\s+helping))*"
    r"(?:\s+(?:that\s+(?:helps|answers\s+it|helped)|thats\s+(?:helpful|all|it)))?",
    rf"(?:thats\s+all|that\s+is\s+all)\s+{_THANK}",
)
_ACK = (rf"{_OK}(?:\s+{_OK})*{_TO_BOT}",)
_GOODBYE = (
    rf"(?:(?:{_OK}|{_THANK})(?:\s+(?:so\s+much|a\s+lot))?\s+)*"
    r"(?:bye|goodbye|good\s+bye|bye\s+bye|see\s+(?:you|ya)(?:\s+(?:later|soon|tomorrow))?|"
    r"(?:catch|talk\s+to)\s+you\s+later|talk\s+later|ttyl|cya|good\s+night|goodnight|gn|"
    r"take\s+care|have\s+a\s+(?:nice|good|great)\s+(?:day|evening|night|one))"
    r"(?:\s+(?:now|for\s+now|then|bot))*",
)
#: What the articles are called in "what articles do you have" ("articles" is read as
#: "article" by the typo rule of `normalize`).
_PIECES = r"(?:articles?|stories|news\s+stories|reports|documents|texts|pieces)"
_BOT = (
    r"(?:who|what)\s+(?:are|r)\s+(?:you|u)",
    r"who\s+(?:made|created|built|programmed|designed|owns|runs)\s+(?:you|u|this\s+bot|the\s+bot)",
    r"what\s+(?:can|do)\s+(?:you|u)\s+(?:do|know)(?:\s+for\s+me)?",
    r"what\s+(?:can|does)\s+(?:this|the)\s+bot\s+do",
    r"what\s+are\s+you\s+able\s+to\s+do",
    r"(?:can|could)\s+(?:you|u)\s+help(?:\s+me)?|how\s+can\s+(?:you|u)\s+help(?:\s+me)?|help\s+me",
    r"what\s+(?:can|should)\s+i\s+ask(?:\s+(?:you|u|here|about))?",
    r"(?:can|may)\s+i\s+ask(?:\s+(?:you|u))?(?:\s+a\s+question|\s+something)?",
    r"i\s+have\s+a\s+question",
    r"what\s+(?:is|s)\s+(?:this|this\s+bot|articlebot)(?:\s+for)?",
    r"whats\s+(?:this|this\s+bot|articlebot)(?:\s+for)?",
    r"whats\s+your\s+name|what\s+is\s+your\s+name",
    r"are\s+(?:you|u)\s+(?:a\s+|an\s+)?(?:real\s+)?(?:bot|robot|human|person|real|machine|ai|"
    r"chatbot|chatgpt|gpt|computer|program)",
    r"(?:are\s+)?(?:you|u)\s+there|(?:is\s+)?any\s*one\s+(?:there|here)|anybody\s+(?:there|here)",
    r"(?:help|how\s+does\s+this\s+work|how\s+do\s+i\s+use\s+(?:this|you|it)(?:\s+bot)?|"
    r"how\s+(?:do|does)\s+(?:you|this\s+bot)\s+work|what\s+are\s+you\s+for)",
    # What it holds: "what articles do you have", "list the stories", "how many articles are
    # there", "what are the articles about" (one article's gist is a summary).
    rf"(?:what|which)\s+{_PIECES}\s+(?:do|can)\s+(?:you|u)\s+(?:have|know|cover|read)"
    r"(?:\s+about)?",
    rf"(?:what|which)\s+{_PIECES}\s+(?:are|r)\s+(?:there|here|available|in\s+here)",
    rf"(?:list|show)(?:\s+me)?(?:\s+(?:the|all|all\s+the|your))?\s+{_PIECES}",
    rf"how\s+many\s+{_PIECES}\s+(?:do\s+(?:you|u)\s+have|are\s+there|have\s+(?:you|u)\s+got)",
    rf"what\s+(?:are|r)\s+(?:the|these|your|all\s+the)\s+{_PIECES}\s+about",
    # The news it has, asked of no subject: "what's the latest news?", "any news?", "what's new"
    # (a passage was offered as the closest, of whatever "latest" matched).
    r"(?:what\s+(?:is|s)|whats)\s+(?:the\s+)?(?:latest|new|newest)(?:\s+news)?(?:\s+today)?",
    r"(?:what\s+(?:is|s)|whats)\s+the\s+news(?:\s+today)?",
    r"(?:any|the\s+latest|latest|todays|today\s+s)\s+news(?:\s+today)?",
)

#: Work asked of the bot that no article answers: writing something, a joke, homework, a
#: game. Only with the thing to make named ("write me a poem about the sea"), so a question
#: about what someone in the story wrote or told is still asked.
_ASK_YOU = (
    r"(?:(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+)?|please\s+|pls\s+|"
    r"i\s+want\s+you\s+to\s+)?"
)
_MADE = (
    r"(?:poem|poems|story|stories|essay|essays|song|songs|joke|jokes|limerick|haiku|rap|"
    r"letter|email|cover\s+letter|speech|recipe|code|program|script|tweet|riddle|riddles|"
    r"bedtime\s+story|fun\s+fact)"
)
#: What is told rather than made: "tell me a story about the blackout" may want the news.
_TOLD = r"(?:joke|jokes|riddle|riddles|bedtime\s+story|fun\s+fact|poem)"
_TASK = (
    rf"{_ASK_YOU}(?:write|compose|draft|make\s+up|create|generate|give)\s+(?:me\s+|us\s+)?"
    rf"(?:a|an|some|another|one\s+more)\s+(?:\w+\s+){{0,2}}{_MADE}(?:\s+.*)?",
    rf"{_ASK_YOU}tell\s+(?:me|us)\s+(?:a|an|some|another|one\s+more)\s+(?:\w+\s+){{0,2}}{_TOLD}"
    r"(?:\s+.*)?",
    rf"{_ASK_YOU}help\s+(?:me\s+|us\s+)?with\s+(?:my|our)\s+(?:homework|essay|assignment|"
    r"coursework|thesis|taxes|cv|resume|code|maths?|math\s+homework)(?:\s+.*)?",
    r"(?:lets|let\s+us|can\s+we|shall\s+we|do\s+you\s+want\s+to|wanna)\s+play(?:\s+.*)?",
)


def _compile(patterns: tuple[str, ...]) -> re.Pattern[str]:
    body = "|".join(f"(?:{pattern})" for pattern in patterns)
    lead = rf"(?:(?:ok|okay|so|and|well|um|oh|{_HELLO}|{_THANK}){_TO_BOT}\s+)*"
    tail = r"(?:\s+(?:please|pls|then|again|bot|articlebot))*"
    return re.compile(rf"{lead}(?:{body}){tail}")


_KINDS: tuple[tuple[SmallTalk, re.Pattern[str]], ...] = (
    ("goodbye", _compile(_GOODBYE)),
    ("thanks", _compile(_THANKS)),
    ("ack", _compile(_ACK)),
    ("bot", _compile(_BOT)),
    ("greeting", _compile(_GREETING)),
    ("task", _compile(_TASK)),
)
#: The longest message read as small talk: the longest of it ("thank you so much for your
#: help, that answers it, bye for now") is under 100 characters.
MAX_SMALL_TALK_CHARS = 200
#: Acknowledgements and goodbyes asked as questions ("ok?", "later?", "great?") are not small
#: talk: in a chat they ask something ("and later?").
_ASKING = ("thanks", "ack", "goodbye")
#: Emoji that are a whole message: a wave says hello, the rest thank or agree.
_WAVE = "👋"
_NODS = set("👍🙏🙌👌❤♥😊🙂😀😁✅💯")

#: A greeting, thanks or "ok" in front of a question, and what ends it: punctuation, or the
#: question's first word.
_GREETED = (
    rf"(?:{_HELLO}|{_THANK}|{_OK})"
    r"(?:\s+(?:there|bot|articlebot|everyone|all|again|so\s+much|a\s+lot|mate|buddy))*"
)
_PREFIX = re.compile(
    rf"^\W*(?:{_GREETED}(?:\s+{_GREETED})*"
    r"(?:\s*[,.!:;…—–-]+\s*|\s+(?=(?:who|whos|what|whats|when|where|why|how|which|whom|"
    r"whose|is|are|was|were|did|does|do|can|could|will|would|has|have|had|should|tell|give|"
    r"show|summari[sz]e|explain)\b)))+",
    re.IGNORECASE,
)


def detect_small_talk(message: str) -> SmallTalk | None:
    """What kind of message to the bot itself `message` is, or None for anything else (every
    question about the article)."""
    bare = "".join(message.split())
    if bare and not any(char.isalnum() for char in bare):
        if _WAVE in bare:
            return "greeting"
        if set(bare) & _NODS:
            return "thanks"
        return None
    text = normalize(message)
    # Longer is a question, however it opens; and "ok ok ok ... x" read whole by these
    # patterns takes time growing with the square of its length (34 s for 30,000 characters).
    if not text or len(text) > MAX_SMALL_TALK_CHARS:
        return None
    asking = message.rstrip().endswith("?")
    for kind, pattern in _KINDS:
        if pattern.fullmatch(text) and not (asking and kind in _ASKING):
            return kind
    return None


def without_small_talk(question: str) -> str:
    """The question without a greeting, thanks or "ok" in front ("Hello, who wrote this?" ->
    "who wrote this?"); unchanged when nothing would be left."""
    rest = _PREFIX.sub("", question, count=1).strip()
    return rest if any(char.isalnum() for char in rest) else question


#: Words a chat puts around what it asks about: "tell me about the swap", "what's going on
#: with the blackouts", "any news on the talks". They name nothing the article says: the
#: topic gate read "tell me about the swap" as off the subject ("none") where "the swap" alone
#: is answered with confidence.
_FRAMING = re.compile(
    r"^\W*(?:(?:so|and|ok|okay|now)\s+)?"
    r"(?:(?:can|could|would)\s+(?:you|u)\s+)?"
    r"(?:tell\s+me\s+(?:more\s+|a\s+bit\s+|a\s+little\s+)?about"
    r"|what\s+about"
    r"|what(?:['’]?s|\s+is)\s+(?:going\s+on|happening|up)\s+with"
    r"|what(?:['’]?s|\s+is)\s+the\s+(?:deal|story|situation|latest|news)\s+(?:with|on)"
    r"|(?:any|anything)\s+(?:new\s+)?(?:news|updates?|info)?\s*(?:on|about)"
    r"|(?:more\s+)?(?:info|information|details)\s+(?:on|about)"
    r"|what\s+(?:do\s+you\s+know|can\s+you\s+tell\s+me)\s+about)"
    r"\s+(?P<subject>.+)$",
    re.IGNORECASE,
)
#: What is left that names nothing by itself ("tell me about him" points back).
_NOTHING_NAMED = re.compile(
    r"^\W*(?:it|this|that|him|her|them|they|he|she|the\s+article|the\s+story|this\s+article|"
    r"this\s+story|the\s+news)?\W*$",
    re.IGNORECASE,
)


#: The most framings taken off one question ("tell me about tell me about the swap").
MAX_FRAMINGS = 5


def without_framing(question: str) -> str:
    """What a chat-framed question asks about ("tell me about the swap" -> "the swap", "info
    on any news on dtek" -> "dtek"); the question itself when nothing else is left, or only a
    pronoun ("tell me about him")."""
    subject = question
    for _ in range(MAX_FRAMINGS):
        framed = _FRAMING.match(subject)
        if framed is None:
            break
        subject = framed.group("subject").strip()
    return question if _NOTHING_NAMED.match(subject) else subject


def small_talk_reply(kind: SmallTalk, titles: list[str]) -> str:
    """The one line answering a message to the bot, naming the article (or the first few of
    several; "the articles here" when `titles` is empty)."""
    more = len(titles) - 3
    others = f" and {more} other{'s' if more > 1 else ''}" if more > 0 else ""
    about = "“" + "”, “".join(titles[:3]) + "”" + others if titles else "the articles here"
    if kind == "thanks":
        return f"Glad to help. Ask me anything else about {about}."
    if kind == "ack":
        return f"Ask me anything else about {about}."
    if kind == "goodbye":
        return f"Bye! Ask me about {about} any time."
    if kind == "bot":
        says = "the article says" if len(titles) == 1 else "the articles say"
        return (
            f"I'm a bot that answers questions about {about}: ask who, what, when, where or "
            f"why, or say “summarize” for the gist. I only know what {says}."
        )
    if kind == "task":
        says = "the article says" if len(titles) == 1 else "the articles say"
        return (
            f"I can't do that: I only answer questions about {about}, from what {says}. "
            "Ask who, what, when, where or why, or say “summarize” for the gist."
        )
    return f"Hi! Ask me anything about {about}, or say “summarize” for the gist."

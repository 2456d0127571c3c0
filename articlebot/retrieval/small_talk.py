"""Messages to the bot rather than questions about the article ("hi", "thanks", "who are
you?"), told apart by their wording alone, and the line each gets instead of a passage."""

from __future__ import annotations

import re
from typing import Literal

from articlebot.retrieval.intents import normalize

SmallTalk = Literal["greeting", "thanks", "goodbye", "bot"]

_TO_BOT = r"(?:\s+(?:there|bot|articlebot|again|everyone|all|guys|friend|mate|buddy))*"
_GREETING = (
    rf"(?:(?:hi|hello|hey|heya|hiya|howdy|yo|hallo|greetings|sup|wassup|whats\s+up|"
    rf"good\s+(?:morning|afternoon|evening|day))){_TO_BOT}"
    rf"(?:\s+(?:how\s+are\s+(?:you|u)(?:\s+doing)?(?:\s+today)?|hows\s+it\s+going))?",
    r"(?:how\s+are\s+(?:you|u)|how\s+r\s+u|hows\s+it\s+going|how\s+is\s+it\s+going|"
    r"how\s+do\s+you\s+do|how\s+are\s+things)(?:\s+doing)?(?:\s+today)?",
    r"(?:nice|pleased|glad)\s+to\s+meet\s+(?:you|u)",
)
_THANKS = (
    r"(?:(?:ok|okay|great|cool|perfect|awesome|nice|got\s+it|thats\s+helpful|"
    r"that\s+helps|very\s+helpful|good)\s+)*"
    r"(?:thanks|thank\s+(?:you|u)|thankyou|thx|thnx|ty|tysm|cheers|many\s+thanks|"
    r"much\s+appreciated|appreciate\s+it)"
    r"(?:\s+(?:a\s+lot|so\s+much|very\s+much|a\s+bunch|again|bot|mate|buddy))*",
    r"(?:ok|okay|k|kk|cool|great|perfect|awesome|nice|got\s+it|i\s+see|understood|"
    r"makes\s+sense|good\s+to\s+know|interesting|wow|thats\s+(?:great|interesting|helpful))",
)
_GOODBYE = (
    r"(?:(?:ok|okay|thanks|thank\s+you)\s+)?(?:bye|goodbye|good\s+bye|bye\s+bye|see\s+(?:you|ya)"
    r"(?:\s+later)?|later|cya|good\s+night|goodnight|take\s+care)"
    r"(?:\s+(?:now|for\s+now|then|bot))*",
)
_BOT = (
    r"(?:who|what)\s+(?:are|r)\s+(?:you|u)",
    r"who\s+(?:made|created|built|wrote|programmed|designed|owns|runs)\s+(?:you|u|this\s+bot)",
    r"what\s+(?:can|do)\s+(?:you|u)\s+do(?:\s+for\s+me)?",
    r"what\s+(?:can|should)\s+i\s+ask(?:\s+(?:you|u|here|about))?",
    r"what\s+(?:is|s)\s+this\s+bot(?:\s+for)?",
    r"are\s+(?:you|u)\s+(?:a\s+|an\s+)?(?:bot|robot|human|person|real|machine|ai|chatbot|"
    r"computer|program)",
    r"(?:help|how\s+does\s+this\s+work|how\s+do\s+i\s+use\s+(?:this|you|it)|"
    r"how\s+(?:do|does)\s+(?:you|this\s+bot)\s+work|what\s+are\s+you\s+for)",
)


def _compile(patterns: tuple[str, ...]) -> re.Pattern[str]:
    body = "|".join(f"(?:{pattern})" for pattern in patterns)
    lead = r"(?:(?:ok|okay|so|and|well|um|oh|hey|hi|hello|thanks|thank\s+you|thx)\s+)*"
    tail = r"(?:\s+(?:please|pls|then|again|today|now|bot|articlebot))*"
    return re.compile(rf"{lead}(?:{body}){tail}")


_KINDS: tuple[tuple[SmallTalk, re.Pattern[str]], ...] = (
    ("thanks", _compile(_THANKS)),
    ("goodbye", _compile(_GOODBYE)),
    ("bot", _compile(_BOT)),
    ("greeting", _compile(_GREETING)),
)


def detect_small_talk(message: str) -> SmallTalk | None:
    """What kind of message to the bot itself `message` is, or None for anything else (every
    question about the article)."""
    text = normalize(message)
    if not text:
        return None
    for kind, pattern in _KINDS:
        if pattern.fullmatch(text):
            return kind
    return None


def small_talk_reply(kind: SmallTalk, titles: list[str]) -> str:
    """The one line answering a message to the bot, naming the article (or the first few of
    several; "the articles here" when `titles` is empty)."""
    about = (
        "“" + "”, “".join(titles[:3]) + "”" + (" and others" if len(titles) > 3 else "")
        if titles
        else "the articles here"
    )
    if kind == "thanks":  # "thanks", and "ok" or "got it" alike
        return f"Glad to help. Ask me anything else about {about}."
    if kind == "goodbye":
        return f"Bye! Ask me about {about} any time."
    if kind == "bot":
        return (
            f"I'm a bot that answers questions about {about} from its text: ask who, what, "
            "when, where or why, or say “summarize” for the gist. I only know what the "
            "article says."
        )
    return f"Hi! Ask me anything about {about}, or say “summarize” for the gist."

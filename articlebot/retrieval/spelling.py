"""Typos in questions: a word that neither the articles nor the model know is taken for the
article word one edit away ("vinatir" -> "vinatier", "electricty" -> "electricity"); a word
typed without the accents an article writes it with is that word ("novakova" -> "nováková");
initials an article only writes out are its name ("eib" -> "European Investment Bank")."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable

#: Shorter words are too often another word one edit away.
MIN_LETTERS = 4
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
#: A name of several capitalised words, small joining words between them: "European Investment
#: Bank", "Bank of Japan", "Teachers Service Commission".
_NAME = re.compile(r"\b[A-Z][\w’'-]*(?:\s+(?:(?:of|for|and|the|&)\s+)*[A-Z][\w’'-]*)+", re.UNICODE)
_JOINING = frozenset({"of", "for", "and", "the", "&"})


class Speller:
    """Corrects question words against the words of the indexed articles."""

    def __init__(self, texts: Iterable[str], known: Callable[[str], bool]) -> None:
        counts: Counter[str] = Counter()
        documents = list(texts)
        for text in documents:
            counts.update(w for w in _WORD.findall(text.lower()) if len(w) >= MIN_LETTERS)
        self._counts = counts
        self._words = list(counts)
        #: Article words with accents by their plain letters ("novakova"), the most frequent
        #: first: readers type names as their keyboard does.
        self._accented: dict[str, str] = {}
        for word, _ in counts.most_common():
            self._accented.setdefault(plain_letters(word), word)
        for word in counts:
            self._accented.pop(word, None)
        #: Whether the model has the word as one piece of its vocabulary: a real word, even if
        #: no article uses it ("teach", "hardest"), is never "corrected" into an article's word.
        self._known = known
        #: The articles' names by their initials ("eib", "boj"), where the articles never write
        #: those initials themselves.
        self._initials: dict[str, str] = {}
        used: set[str] = set()
        for text in documents:
            used.update(_WORD.findall(text.lower()))
            for found in _NAME.finditer(text):
                self._add_initials(found.group(0))
        for key in used.intersection(self._initials):
            del self._initials[key]

    def _add_initials(self, name: str) -> None:
        """Files `name` under its initials, with and without its small joining words
        ("Bank of Japan": "bj" and "boj"); the first name of the same initials stays."""
        words = name.split()
        while words and words[0] in ("The", "A", "An"):
            words = words[1:]
        if len(words) < 2:
            return
        name = " ".join(words)
        for key in (
            "".join(w[0] for w in words if w.lower() not in _JOINING),
            "".join(w[0] for w in words if w != "&"),
        ):
            if len(key) >= 2:
                self._initials.setdefault(key.lower(), name)

    def correct(self, question: str) -> str:
        """`question` with initials an article only writes out replaced by its name, and its
        unknown words by the article word one edit away (the most frequent, when several are)."""
        from rapidfuzz import process
        from rapidfuzz.distance import DamerauLevenshtein

        def fix(match: re.Match[str]) -> str:
            word = match.group(0)
            low = word.lower()
            if low in self._initials and (
                # Typed as initials (not a question typed all in capitals: "HOW MANY"), or as
                # no word the model knows ("eib"; two letters are too often something else);
                # "the nhs" too.
                (word.isupper() and not shouted)
                or (len(low) > 2 and not self._known(low))
                or question[: match.start()].rstrip().lower().endswith(" the")
                or question[: match.start()].rstrip().lower() == "the"
            ):
                return self._initials[low]
            if len(low) < MIN_LETTERS or low in self._counts:
                return word
            if low in self._accented:
                return self._accented[low]
            if self._known(low) or (low.endswith("s") and self._known(low[:-1])):
                return word  # a real word, or the plural of one ("dads", not "days")
            if low.endswith("s") and low[:-1] in self._counts:
                return f"{word[:-1]}'s"  # "afridis coach": Afridi's, typed without the apostrophe
            found = process.extract(
                low, self._words, scorer=DamerauLevenshtein.distance, score_cutoff=1, limit=5
            )
            if not found:
                return word
            return max(found, key=lambda item: self._counts[item[0]])[0]

        shouted = question.isupper()
        return _WORD.sub(fix, question)


#: Chat shorthand no article writes: "how many ppl died", "what did the govt say". Lower case
#: only: "Gov." and "U.S." are an article's.
_CHAT_WORDS = {
    "ppl": "people", "govt": "government", "govts": "governments", "yr": "year",
    "yrs": "years", "abt": "about", "bc": "because", "cuz": "because", "coz": "because",
    "thru": "through", "tmrw": "tomorrow", "mins": "minutes", "hrs": "hours",
    "dept": "department", "intl": "international", "natl": "national", "cops": "police",
    "cop": "police officer", "r": "are", "u": "you", "ur": "your", "wat": "what",
    "wut": "what", "gonna": "going to", "wanna": "want to", "gotta": "got to",
    "rn": "right now", "tho": "though", "b4": "before", "w": "with", "eps": "earnings per share",
}  # fmt: skip
#: Contractions typed without the apostrophe, which the speller would take for a typo one
#: letter from a word ("whos" -> "whom", "whats" -> "what"); at a sentence's start too.
_CONTRACTIONS = {
    "whos": "who is", "whats": "what is", "wheres": "where is", "whens": "when is",
    "hows": "how is", "whys": "why is", "thats": "that is", "theres": "there is",
    "isnt": "is not", "arent": "are not", "wasnt": "was not", "werent": "were not",
    "dont": "do not", "doesnt": "does not", "didnt": "did not", "cant": "cannot",
    "wont": "will not", "wouldnt": "would not", "couldnt": "could not", "hasnt": "has not",
    "havent": "have not", "hadnt": "had not", "shouldnt": "should not",
}  # fmt: skip
#: Not an initial or a symbol: "U.S.", "R&D", "a U-turn", "w/o".
_CHAT_WORD = re.compile(rf"\b(?:{'|'.join(_CHAT_WORDS)})\b(?![.&/’'-]\w|\s+turn\b)")
_CONTRACTION = re.compile(rf"\b(?:{'|'.join(_CONTRACTIONS)})\b(?![.&/’'-]\w)", re.IGNORECASE)


def chat_words(text: str) -> str:
    """`text` with chat shorthand written out ("ppl" -> "people", "govt" -> "government",
    "whos" -> "who is")."""
    text = _CHAT_WORD.sub(lambda match: _CHAT_WORDS[match.group(0)], text)
    return _CONTRACTION.sub(_written_out, text)


def _written_out(match: re.Match[str]) -> str:
    """A contraction written out, capitalised where it was: "Whats" -> "What is"."""
    full = _CONTRACTIONS[match.group(0).lower()]
    return full[:1].upper() + full[1:] if match.group(0)[:1].isupper() else full


#: Letters that are no accented letter to Unicode but that keyboards without them replace with
#: a plain one ("Łódka" is typed "lodka", "Øresund" "oresund", "Straße" "strasse").
_PLAIN = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ı": "i", "ß": "ss",
     "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th"}
)  # fmt: skip


def plain_letters(word: str) -> str:
    """`word` without its accents ("nováková" -> "novakova", "dvořák" -> "dvorak", "łódź" ->
    "lodz")."""
    if word.isascii():  # most words, on the hot path of answering: nothing to take off
        return word
    decomposed = unicodedata.normalize("NFKD", word.translate(_PLAIN))
    return "".join(char for char in decomposed if not unicodedata.combining(char))

"""The language a question is written in, told by its script (and for Latin letters by
py3langid), and the reply to a question the English-only model cannot read."""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, cast

from articlebot.retrieval.spelling import plain_letters

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

Language = Literal[
    "en", "ru", "uk", "de", "es", "fr", "it", "pt", "pl", "nl", "tr", "sv", "da", "no", "fi",
    "cs", "sk", "ro", "hu", "hr", "other",
]  # fmt: skip

#: Letters only Ukrainian among the Cyrillic languages asked in uses.
_UKRAINIAN_LETTERS = set("іїєґІЇЄҐ")
#: Common Ukrainian words spelled with letters Russian shares (Russian says что, кто, как, где).
_UKRAINIAN_WORDS = {"що", "хто", "як", "де", "чи", "це", "та", "але", "який", "яка", "яке", "цей"}


#: Scripts written without spaces between words: each character counts as a word.
_UNSPACED = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "THAI", "LAO", "KHMER", "MYANMAR")


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    if name.startswith("LATIN"):
        return "latin"
    if name.startswith("CYRILLIC"):
        return "cyrillic"
    return "unspaced" if name.startswith(_UNSPACED) else "other"


def script_words(question: str) -> dict[str, int]:
    """Words per script ("latin", "cyrillic", "unspaced", "other"): runs of letters of one
    script, each character a word in scripts written without spaces (谁是 is two words)."""
    counts = {"latin": 0, "cyrillic": 0, "unspaced": 0, "other": 0}
    previous = None
    for char in question:
        script = _script(char) if char.isalpha() else None
        if script is not None and (script != previous or script == "unspaced"):
            counts[script] += 1
        previous = script
    return counts


def question_language(question: str, latin: LatinLanguages | None = None) -> Language:
    """ "ru" or "uk" for a question mostly in Cyrillic words, "other" for one mostly in another
    non-Latin script; for one in Latin letters what `latin` tells ("de", "es", ...: see
    `LatinLanguages.of`), "en" without it. Words, not letters, are counted, so a Latin
    question with a Cyrillic name in it stays Latin and "谁是Vinatier?" or "Кто такой
    Vinatier?" does not."""
    words = script_words(question)
    latin_words, cyrillic = words["latin"], words["cyrillic"]
    other = words["unspaced"] + words["other"]
    # As many Cyrillic words as Latin ones ("Где арестовали Laurent Vinatier?", "Who is Лоран
    # Винатье?"): the question word, which comes first, says which language it is.
    first = next((_script(c) for c in question if c.isalpha()), None)
    if cyrillic and cyrillic == latin_words and first == "cyrillic":
        latin_words -= 1
    if cyrillic > latin_words and cyrillic >= other:
        lowered = set(re.findall(r"\w+", question.lower()))
        if _UKRAINIAN_LETTERS & set(question) or _UKRAINIAN_WORDS & lowered:
            return "uk"
        return "ru"
    if other > latin_words:
        return "other"
    return "en" if latin is None else latin.of(question)


#: Languages in Latin letters told apart (py3langid's codes): those a reader is answered in,
#: and their neighbours, so that a Danish question is not taken for a German one.
_LATIN_CANDIDATES = (
    "en", "de", "es", "fr", "it", "pt", "pl", "nl", "tr", "sv", "da", "no", "fi", "cs", "sk",
    "hu", "ro", "hr", "id", "vi", "ca", "lt", "lv", "et", "sl",
)  # fmt: skip

#: Words no question in another language has: one of them and the question is English.
#: Besides the small words, those terse news queries are made of ("un sanctions update",
#: "je ne sais quoi meaning").
_ENGLISH_WORDS = frozenset(
    "the what who whom whose when where why how which did does are were has have had would "
    "could should of about this that it they he she his their there many much and not with "
    "from for after before said says you your been being whats who's what's any anyone "
    "anybody tell explain meaning mean means translate translation summary summarize "
    "summarise update updates news latest happen happened happening won win lost killed "
    "died dead injured arrested".split()
)

#: Each language's question words (`_QUESTION_WORDS`) and commonest small words and verbs of
#: saying (`_SMALL_WORDS`), accents left off as chats often type them; none an English word
#: too ("die", "will", "come", "comment", "to"). A name-heavy English query ("rutte nato
#: chief", "tour de france winner") can look Italian or French to the letter statistics: only
#: the language's own words, a question word or two small ones, say it is.
_QUESTION_WORDS: dict[str, frozenset[str]] = {
    language: frozenset(words.split())
    for language, words in {
        "de": "wer wie wo wann warum wieso weshalb welche welcher welches wieviel wieviele worum",
        "es": "que quien quienes cuando donde porque cuanto cuanta cuantos cuantas cual cuales "
        "como",
        "fr": "qui que quoi quand pourquoi combien quel quelle quels quelles qu'est qu'a",
        "it": "che quando perche quanto quanta quanti quante quale quali",
        "pt": "quem quando onde porque quanto quanta quantos quantas qual quais",
        "pl": "kto co kiedy gdzie dlaczego czemu ile ilu jaki jaka jakie czy",
        "nl": "wie wanneer waarom hoeveel welke welk",
        "tr": "ne kimin neden niye nerede nereye nasıl nasil kac hangi nedir kimdir",
        "sv": "vem vad nar varfor hur vilken vilket vilka",
        "da": "hvem hvad hvornar hvor hvorfor hvordan hvilken hvilket hvilke",
        "no": "hvem hva nar hvor hvorfor hvordan hvilken hvilket hvilke",
        "fi": "kuka ketka mita mika milloin missa miksi miten kuinka montako paljonko kenen",
        "cs": "kdo co kdy kde proc jak kolik ktery ktera ktere",
        "sk": "kto co kedy kde preco ako kolko ktory ktora ktore",
        "ro": "cine ce cand unde cati cate",
        "hu": "ki kik mi mit mikor hol miert hogyan hany mennyi melyik kinek",
        "hr": "tko ko sto kada kad gdje zasto kako koliko koji koja koje",
    }.items()
}
_SMALL_WORDS: dict[str, frozenset[str]] = {
    language: frozenset(words.split())
    for language, words in {
        "de": "was viele ist sind war waren hat haben wird wurde wurden der das den dem des und "
        "nicht ein eine einen einem mit von zu fur auf uber es sie er gibt kannst du ich mir "
        "diesen dieser dieses bitte noch schon sagt sagte gesagt",
        "es": "por el la los las es son esta estan fue fueron ha han hay del una se lo le "
        "con para puedes sobre este eso esto dijo dice",
        "fr": "ou est sont le la les des du de une et il elle ils elles ce cet cette c'est à "
        "tu peux dit ont ete pour sur avec dans",
        "it": "chi cosa dove è il lo la gli le di del della dei delle una ha hanno sono c'e per "
        "puoi questo questa con su nel nella dice detto",
        "pt": "que é à os por sao foi foram um uma da dos das de isso isto ele ela pode tem com "
        "para sobre esse essa este esta aconteceu disse diz",
        "pl": "jak kim jest sa sie nie na ten ta te ze został zostal została zostala było "
        "bylo był byl mozesz tego jego jej powiedział powiedziala powiedziała mowi",
        "nl": "waar hoe is zijn de het een er en niet met voor kun kan je ik dit deze heeft "
        "hebben werd wordt over zegt zei",
        "tr": "kim mı mi mu var yok bu su icin ile ve oldu mıdır midir dedi diyor",
        "sv": "ar var har hade en ett det den och inte om pa till med av som sa sager skrev kan "
        "du jag denna detta artikeln manga",
        "da": "er var har havde en et det den og ikke om pa til fra med af som sagde siger "
        "skrev kan du jeg denne dette artiklen mange",
        "no": "er var har hadde en et det den og ikke om pa til fra med av som sa sier skrev kan "
        "du jeg denne dette artikkelen mange",
        "fi": "oli ovat ja ei se etta tama taman tasta sanoi kirjoitti voitko artikkeli artikkelin",
        "cs": "je jsou byl byla bylo se to na ve ze ale ne tento tato tohle clanek rekl rekla "
        "napsal muzes",
        "sk": "je su bol bola bolo sa to na vo zo ale nie tento tato clanok povedal povedala "
        "napisal mozes",
        "ro": "este sunt au fost si nu la cu din pe despre acest aceasta articolul spus zis "
        "scris poti cum",
        "hu": "az es nem van volt vannak hogy ez ezt ebben mondta irta cikk cikket meg mar",
        "hr": "je su bio bila bilo se to na iz ali ne ovaj ova ovo clanak rekao rekla napisao "
        "mozes",
    }.items()
}
#: Each language's "who is" (accents left off), the commonest question of all, which names
#: leave short: "Chi è Steve Witkoff?", "Wie is Daniil Kasatkin?".
_WHO_IS: dict[str, frozenset[str]] = {
    "de": frozenset({"wer ist", "wer war"}),
    "es": frozenset({"quien es", "quien era"}),
    "fr": frozenset({"qui est", "c'est qui"}),
    "it": frozenset({"chi e", "chi è", "chi era"}),
    "pt": frozenset({"quem e", "quem é", "quem era"}),
    "pl": frozenset({"kim jest", "kim byl", "kto to"}),
    "nl": frozenset({"wie is", "wie was"}),
    "tr": frozenset({"kimdir"}),
    "sv": frozenset({"vem ar", "vem var"}),
    "da": frozenset({"hvem er", "hvem var"}),
    "no": frozenset({"hvem er", "hvem var"}),
    "fi": frozenset({"kuka on", "kuka oli"}),
    "cs": frozenset({"kdo je", "kdo byl"}),
    "sk": frozenset({"kto je", "kto bol"}),
    "ro": frozenset({"cine este", "cine e", "cine a"}),
    "hu": frozenset({"ki az", "ki volt"}),
    "hr": frozenset({"tko je", "ko je"}),
}
#: Small words that are as often part of a name in an English question ("place de la
#: concorde", "folha de sao paulo", "van der poel"): no sign of the language.
_NAME_WORDS = frozenset(
    "de du des da do dos das di del della delle dei degli la le les los las el van von der "
    "den ter ten al".split()
)

#: The probability py3langid must give the question's language; English questions without
#: an English word seldom pass 0.4 (measured on 3,700 English questions: eval/ and terse
#: queries full of foreign names). With `_MANY_WORDS` of its own, `_LEAST_PROBABILITY` will do.
_MIN_PROBABILITY = 0.5
_MANY_WORDS = 3
_LEAST_PROBABILITY = 0.2
#: The least probability for the language with the most words of its own, when py3langid
#: prefers another.
_FLOOR = 0.05
#: Sure enough for one word of its own (0.9 took "het laatste nieuws report" for Dutch).
_SURE = 0.99

_LETTERS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


class LatinLanguages:
    """Tells the language of a question in Latin letters with py3langid's letter statistics,
    confirmed by the question's own words. The model (~0.5 s to load) is read on first need: an
    English question is told by its words without it."""

    def __init__(self) -> None:
        self._model: LanguageIdentifier | None = None

    def of(self, question: str) -> Language:
        """The language of `question`: one the bot answers in, "en" otherwise (in English, or
        too short to say, or a language it has no reply in)."""
        letters = _LETTERS.findall(question)
        typed = [w.lower().replace("’", "'") for w in letters]
        # English words as typed: Swedish "för" and Romanian "are" stay apart from "for", "are".
        if len(typed) < 2 or _ENGLISH_WORDS & set(typed):
            return "en"
        # A capital inside the question marks a name ("Michelle Wie", "Ko Wen-je", "Kim"): its
        # words are nobody's small words. All in capitals, nothing is told by them.
        shouting = question.isupper()
        words = [
            "" if i and word[:1].isupper() and not shouting else _own_form(lower)
            for i, (word, lower) in enumerate(zip(letters, typed, strict=True))
        ]
        points = {language: _own_words(language, words) for language in _QUESTION_WORDS}
        # Every language told needs a word of its own: without one the model is not loaded.
        if not any(points.values()):
            return "en"
        chances = self._chances(question)
        code = max(chances, key=chances.__getitem__)
        # Two of its own words are needed (a question word counts two); with three ("quem é
        # witkoff", "wie is witkoff": names leave little text to go by) a less sure guess will
        # do.
        own = points.get(code, 0.0)
        if own >= 2 and (
            chances[code] >= _MIN_PROBABILITY
            or (own >= _MANY_WORDS and chances[code] >= _LEAST_PROBABILITY)
        ):
            return cast(Language, code)
        # A longer question py3langid is all but certain of needs only one word of its own
        # that is no part of a name ("Bu haberi kısaca özetleyebilir misin?").
        if (
            chances[code] >= _SURE
            and len(words) >= 3
            and _own_words(code, [w for w in words if w not in _NAME_WORDS]) >= 1
        ):
            return cast(Language, code)
        # Names can take the letter statistics elsewhere ("Qui est Steve Witkoff ?" looks
        # Catalan): the language with the most words of its own, by far, if it is likely at all.
        (best, language), (second, _) = sorted(
            ((count, language) for language, count in points.items()), reverse=True
        )[:2]
        if best >= _MANY_WORDS and best >= 2 * second and chances[language] >= _FLOOR:
            return cast(Language, language)
        return "en"

    def _chances(self, question: str) -> dict[str, float]:
        """py3langid's probability of each of `_LATIN_CANDIDATES`."""
        if self._model is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            model.set_languages(list(_LATIN_CANDIDATES))
            self._model = model
        return {str(code): float(p) for code, p in self._model.rank(question)}


def _own_form(word: str) -> str:
    """`word` as the word lists have it: without accents, but a one-letter word as typed (the
    Italian "è", the Portuguese "é" are words of theirs; a plain "e", "o" or "w" is nobody's)."""
    return word if len(word) == 1 else plain_letters(word)


def _own_words(language: str, words: list[str]) -> float:
    """How many of `words` are `language`'s own: a question word counts two, a small word one,
    one that may be part of a name ("de", "la") a half; its "who is" two more."""
    if language not in _QUESTION_WORDS:
        return 0.0
    asking, small = _QUESTION_WORDS[language], _SMALL_WORDS[language]
    found = sum(
        2.0 if w in asking else 0.5 if w in _NAME_WORDS and w in small else float(w in small)
        for w in words
    )
    pairs = {f"{a} {b}" for a, b in itertools.pairwise(words)}
    return found + 2.0 * len(pairs & _WHO_IS[language])


@dataclass(frozen=True, slots=True)
class _Wording:
    """How a language says "I answer in English, ask in English about ..."."""

    answer: str
    #: "{about}" for where the articles are named.
    ask: str
    #: "{}" for the quoted titles.
    about_one: str
    about_many: str
    quotes: tuple[str, str]
    others: str


_WORDINGS: dict[str, _Wording] = {
    "en": _Wording(
        "I answer questions in English", " — please ask in English{about}", " about {}",
        " about the articles {}", ("“", "”"), " and others",
    ),
    "ru": _Wording(
        "Я отвечаю на вопросы на английском.", " Спросите, пожалуйста, по-английски{about}",
        " о статье {}", " о статьях {}", ("«", "»"), " и других",
    ),
    "uk": _Wording(
        "Я відповідаю на запитання англійською.", " Запитайте, будь ласка, англійською{about}",
        " про статтю {}", " про статті {}", ("«", "»"), " та інших",
    ),
    "de": _Wording(
        "Ich beantworte Fragen auf Englisch.", " Bitte fragen Sie auf Englisch{about}",
        " zum Artikel {}", " zu den Artikeln {}", ("„", "“"), " und weiteren",
    ),
    "es": _Wording(
        "Respondo preguntas en inglés.", " Por favor, pregunte en inglés{about}",
        " sobre el artículo {}", " sobre los artículos {}", ("«", "»"), " y otros",
    ),
    "fr": _Wording(
        "Je réponds aux questions en anglais.", " Merci de poser votre question en anglais{about}",
        " sur l'article {}", " sur les articles {}", ("« ", " »"), " et d'autres",
    ),
    "it": _Wording(
        "Rispondo alle domande in inglese.", " Per favore, chieda in inglese{about}",
        " sull'articolo {}", " sugli articoli {}", ("«", "»"), " e altri",
    ),
    "pt": _Wording(
        "Respondo a perguntas em inglês.", " Por favor, pergunte em inglês{about}",
        " sobre o artigo {}", " sobre os artigos {}", ("«", "»"), " e outros",
    ),
    "pl": _Wording(
        "Odpowiadam na pytania po angielsku.", " Proszę zapytać po angielsku{about}",
        " o artykuł {}", " o artykuły {}", ("„", "”"), " i inne",
    ),
    "nl": _Wording(
        "Ik beantwoord vragen in het Engels.", " Stel je vraag in het Engels{about}",
        " over het artikel {}", " over de artikelen {}", ("‘", "’"), " en andere",
    ),
    "sv": _Wording(
        "Jag svarar på frågor på engelska.", " Ställ gärna frågan på engelska{about}",
        " om artikeln {}", " om artiklarna {}", ("”", "”"), " med flera",
    ),
    "da": _Wording(
        "Jeg besvarer spørgsmål på engelsk.", " Stil gerne spørgsmålet på engelsk{about}",
        " om artiklen {}", " om artiklerne {}", ("»", "«"), " og flere",
    ),
    "no": _Wording(
        "Jeg svarer på spørsmål på engelsk.", " Still gjerne spørsmålet på engelsk{about}",
        " om artikkelen {}", " om artiklene {}", ("«", "»"), " og flere",
    ),
    "fi": _Wording(
        "Vastaan kysymyksiin englanniksi.", " Kysy englanniksi{about}",
        " artikkelista {}", " artikkeleista {}", ("”", "”"), " ja muista",
    ),
    "cs": _Wording(
        "Odpovídám na otázky v angličtině.", " Zeptejte se prosím anglicky{about}",
        " na článek {}", " na články {}", ("„", "“"), " a další",
    ),
    "sk": _Wording(
        "Odpovedám na otázky v angličtine.", " Opýtajte sa, prosím, po anglicky{about}",
        " na článok {}", " na články {}", ("„", "“"), " a ďalšie",
    ),
    "ro": _Wording(
        "Răspund la întrebări în engleză.", " Vă rog să întrebați în engleză{about}",
        " despre articolul {}", " despre articolele {}", ("„", "”"), " și altele",
    ),
    "hu": _Wording(
        "Angol nyelvű kérdésekre válaszolok.", " Kérem, kérdezzen angolul{about}",
        " a(z) {} című cikkről", " a következő cikkekről: {}", ("„", "”"), " és továbbiak",
    ),
    "hr": _Wording(
        "Odgovaram na pitanja na engleskom.", " Molim vas, pitajte na engleskom{about}",
        " o članku {}", " o člancima {}", ("„", "“"), " i drugima",
    ),
    "tr": _Wording(
        "Soruları İngilizce yanıtlıyorum.", " Lütfen{about} İngilizce sorun",
        " {} makalesi hakkında", " {} makaleleri hakkında", ("“", "”"), " ve diğer",
    ),
}  # fmt: skip


def english_only_reply(language: Language, titles: list[str]) -> str:
    """The line telling a reader in `language` that questions are answered in English, naming
    the article, or the first three of several each in its own quotes (none when `titles` is
    empty)."""
    wording = _WORDINGS.get(language, _WORDINGS["en"])
    if not titles:
        return f"{wording.answer}{wording.ask.format(about='')}."
    left, right = wording.quotes
    quoted = ", ".join(f"{left}{t}{right}" for t in titles[:3])
    quoted += wording.others if len(titles) > 3 else ""
    about = wording.about_one if len(titles) == 1 else wording.about_many
    return f"{wording.answer}{wording.ask.format(about=about.format(quoted))}."

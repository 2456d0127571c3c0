"""Other forms of an English verb or noun: a reader asks "how much did he steal" of an article
that says "stole", and Snowball stems join only regular endings ("steals", "stealing")."""

from __future__ import annotations

import functools

#: Adjectives are left out: their other forms say another thing ("much" / "more", "old" /
#: "elder", "high" / "highest").
_KINDS = ("VERB", "NOUN")
#: Modal verbs say nothing a question is about: "what can you do" shares no word with an
#: article that says "could".
_AUXILIARIES = frozenset({"can", "will", "shall", "may", "must"})


@functools.cache
def other_forms(word: str) -> tuple[str, ...]:
    """The forms of `word`'s verb and noun lemmas other than `word` itself, each lemma and its
    inflections ("steal" -> "stole", "stolen", ...; "children" -> "child"); none for a word
    that lemminflect's word lists lack."""
    import lemminflect

    forms: dict[str, None] = {}
    for kind in _KINDS:
        for lemma in lemminflect.getAllLemmas(word, upos=kind).get(kind, ()):
            if lemma in _AUXILIARIES:
                continue
            forms[lemma] = None
            for inflected in lemminflect.getAllInflections(lemma, upos=kind).values():
                forms.update(dict.fromkeys(inflected))
    forms.pop(word, None)
    return tuple(forms)


@functools.cache
def past_participle(word: str) -> bool:
    """Whether `word` is a verb's past participle ("arrested", "found", "hurt"): "who was found
    guilty" asks who was, not who "found guilty" is."""
    import lemminflect

    for lemma in lemminflect.getAllLemmas(word, upos="VERB").get("VERB", ()):
        forms = lemminflect.getAllInflections(lemma, upos="VERB")
        # A regular verb's participle is listed only as its past tense ("arrested").
        if word in (forms.get("VBN") or forms.get("VBD", ())):
            return True
    return False


@functools.cache
def finite_verb(word: str) -> bool:
    """Whether `word` is a verb's past tense or third person ("hit", "shot", "faces"): "a
    23-year-old fan hit Tomi Adeyemi" says what the fan did, not who Adeyemi is."""
    import lemminflect

    word = word.lower()
    for lemma in lemminflect.getAllLemmas(word, upos="VERB").get("VERB", ()):
        forms = lemminflect.getAllInflections(lemma, upos="VERB")
        if word in (*forms.get("VBD", ()), *forms.get("VBZ", ())):
            return True
    return False


@functools.cache
def only_a_verb(word: str) -> bool:
    """Whether lemminflect knows `word` as a verb and as nothing else ("sent", "told"; not
    "lead", "acting" or "former"): no word of a title."""
    import lemminflect

    kinds = lemminflect.getAllLemmas(word.lower())
    return set(kinds) == {"VERB"}

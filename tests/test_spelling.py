"""Questions with typos find what they would find spelled right."""

from __future__ import annotations

import dataclasses

from articlebot.retrieval.retriever import Retriever
from articlebot.retrieval.spelling import Speller


def test_unknown_words_become_the_article_word_one_edit_away() -> None:
    speller = Speller(
        ["Laurent Vinatier was swapped. Electricity returned. The electricity grid."],
        known=lambda word: word in {"teach", "swapped"},
    )
    assert speller.correct("how long was vinatir's sentence") == "how long was vinatier's sentence"
    assert speller.correct("without electricty?") == "without electricity?"
    # Real words are left alone even when an article word is one edit away, and so are short
    # words and words two edits away.
    assert speller.correct("where does she teach") == "where does she teach"
    assert speller.correct("who is vint") == "who is vint"
    assert speller.correct("elektrisity") == "elektrisity"
    # The plural of a real word is a real word: "whats the dads name" is not about "days".
    speller = Speller(["It took three days."], known=lambda word: word in {"dad", "day"})
    assert speller.correct("whats the dads name") == "whats the dads name"
    # An article's name with an "s" is its possessive typed without the apostrophe (a blind
    # trial's "whos afridis coach" had lost the "'s", and with it whose coach).
    speller = Speller(["Afridi's coach, Rehmat Khan, said so."], known=lambda word: False)
    assert speller.correct("whos afridis coach") == "whos afridi's coach"


def test_initials_are_the_name_an_article_writes_out() -> None:
    speller = Speller(
        [
            "The European Investment Bank lent 900 million zlotys. The Bank of Japan held "
            "rates. The Teachers Service Commission employs 340,000 teachers. Police Scotland "
            "said the NHS had been told. Write to us."
        ],
        known=lambda word: word in {"lend", "say", "us", "nhs", "ps", "employ", "tell"},
    )
    assert speller.correct("how much did the eib lend") == (
        "how much did the European Investment Bank lend"
    )
    assert speller.correct("what did the BOJ say") == "what did the Bank of Japan say"
    assert speller.correct("who does the tsc employ") == (
        "who does the Teachers Service Commission employ"
    )
    # Initials the article writes itself, a word the model knows, two lower-case letters: as
    # typed ("ps" is no "Police Scotland", "us" no "United States" here).
    assert speller.correct("what did the NHS say") == "what did the NHS say"
    assert speller.correct("what did ps say") == "what did ps say"
    assert speller.correct("did they tell us") == "did they tell us"
    # A question typed all in capitals is shouted, not initials: "HOW" is no "Harbour
    # Operations Workers".
    words = {"how", "did", "they", "vote", "what"}
    workers = Speller(["Harbour Operations Workers voted."], known=words.__contains__)
    assert workers.correct("HOW DID THEY VOTE") == "HOW DID THEY VOTE"
    assert workers.correct("what did HOW vote") == "what did Harbour Operations Workers vote"


def test_a_name_typed_without_its_accents_is_the_article_s() -> None:
    speller = Speller(
        ["Tereza Nováková beat Dvořák. A café opened; the cafe was full."],
        known=lambda word: word in {"dvorak", "novakova"},
    )
    # Two letters apart, and words the model may know: still the article's names.
    assert speller.correct("did novakova beat dvorak?") == "did nováková beat dvořák?"
    # A word the article also writes plainly stays as typed.
    assert speller.correct("which cafe") == "which cafe"


def test_letters_unicode_does_not_call_accented_are_typed_plain_too() -> None:
    # "ł", "ø", "ß" decompose into no plain letter: "lodka" found nothing of "Łódka".
    speller = Speller(
        ["The prize went to a bakery in Łódka near Øresund, on the Hauptstraße."],
        known=lambda word: False,
    )
    assert speller.correct("where is lodka") == "where is łódka"
    assert speller.correct("oresund bridge") == "øresund bridge"
    assert speller.correct("hauptstrasse") == "hauptstraße"


def test_a_typo_in_a_name_finds_the_same_passage(retriever: Retriever) -> None:
    right = retriever.ask("Who was Vinatier swapped for?")
    typo = retriever.ask("who was vinatir swaped for")
    assert retriever.spelled("who was vinatir swaped for") == "who was vinatier swapped for"
    assert typo.question == "who was vinatir swaped for"  # the asker's words are kept
    assert typo.passages[0].highlight == right.passages[0].highlight
    plain = Retriever(
        retriever.index,
        retriever.encoder,
        ranking=dataclasses.replace(retriever.ranking, spelling=False),
    )
    assert plain.spelled("who was vinatir swaped for") == "who was vinatir swaped for"


def test_chat_shorthand_is_written_out() -> None:
    from articlebot.retrieval.spelling import chat_words

    assert chat_words("how many ppl died") == "how many people died"
    assert chat_words("what did the govt say abt it") == "what did the government say about it"
    assert chat_words("what did the cops say") == "what did the police say"
    # A model reading "r" and "gonna" as it reads "are" and "going to" would not need them
    # written out: "how strong r the wind gusts" was taken for a question off the subject.
    assert chat_words("how strong r the winds") == "how strong are the winds"
    assert chat_words("wat is u gonna do w it rn") == "what is you going to do with it right now"
    assert chat_words("did eps beat estimates") == "did earnings per share beat estimates"
    assert chat_words("r&d, a u-turn, u turn, w/o") == "r&d, a u-turn, u turn, w/o"
    # Contractions without their apostrophe, which the speller read as "whom" and "what".
    assert chat_words("whos the ref") == "who is the ref"
    assert chat_words("Whats the app called") == "What is the app called"
    # An article's capitals and abbreviations are not chat.
    assert chat_words("Gov. Newsom and the U.S. Dept") == "Gov. Newsom and the U.S. Dept"


def test_a_contraction_is_read_as_its_words_not_as_a_typo(retriever: Retriever) -> None:
    # The speller took "whos" for "whom", one letter away: "whom the governor" asks no role.
    assert retriever.spelled("whos the governor") == "who is the governor"
    assert retriever.spelled("whats the name of the governor") == (
        "what is the name of the governor"
    )

"""Questions about the article itself, people's introductions and other languages, as a reader
sees the answers (the real bundled model and article)."""

from __future__ import annotations

import dataclasses
import json
import time
import unicodedata

import pytest

from articlebot.bot.render import MAX_MESSAGE_CHARS, answer_html, fits, reply_html
from articlebot.config import load_settings
from articlebot.ingest.documents import Document
from articlebot.retrieval.about import (
    article_date,
    byline_reply,
    central_sentences,
    introduces,
    introduction,
    newest_article,
    stands_alone,
    summary_reply,
)
from articlebot.retrieval.conversation import ask_in_context
from articlebot.retrieval.intents import named_article
from articlebot.retrieval.languages import question_language
from articlebot.retrieval.reader import read_answer, read_answers
from articlebot.retrieval.results import ArticleReply
from articlebot.retrieval.retriever import Retriever
from articlebot.retrieval.small_talk import detect_small_talk, small_talk_reply
from articlebot.terminal import format_answer_text

TITLE = "Russia warns foreign forces in Ukraine would be lawful military targets"


@pytest.mark.parametrize("question", ["Who wrote this?", "author?", "where is this from"])
def test_byline_questions_get_the_byline_and_source(retriever: Retriever, question: str) -> None:
    answer = read_answer(retriever, question)
    assert answer.answered and answer.reply is not None and answer.reply.kind == "byline"
    text = format_answer_text(answer)
    assert f"By Abdiwahab Ahmed — {TITLE}" in text
    assert "Source: the file article.txt" in text
    # The outlet as its closing line names it, without that line's full stop.
    assert "\nPublished by: Axadle Times international–Monitoring\n" in text
    assert "/" not in text.split("Source:")[1].strip()  # the server's path is not shown
    assert answer.passages[0].highlight_text == "By Abdiwahab Ahmed"
    data = json.loads(json.dumps(answer.to_json()))
    assert data["reply"]["kind"] == "byline" and data["answered"] is True
    assert "topical" not in data  # the byline answered, not the topic gate


def test_an_article_without_a_byline_says_so_and_gives_its_source() -> None:
    doc = Document("n", "Bridge opens", "Bridge opens\nThe bridge opened.", "https://ex.com/b")
    lines = byline_reply(doc).lines
    assert lines[0] == "The article doesn't name its author — Bridge opens"
    assert lines[-1] == "Source: https://ex.com/b"


def test_summary_is_the_title_and_central_sentences_in_order(retriever: Retriever) -> None:
    answer = read_answer(retriever, "what is this article about?")
    assert answer.answered and answer.reply is not None and answer.reply.kind == "summary"
    title, *sentences = answer.reply.lines
    text = retriever.index.documents["article"].text
    assert title == TITLE and len(sentences) == 3
    positions = [text.index(sentence) for sentence in sentences]
    assert positions == sorted(positions)  # article order
    assert sentences[0].startswith("Russia warns Western troops")  # the lead
    # The story's other thread, the prisoner swap, is in; the lead's echo is not.
    assert any("Vinatier" in sentence for sentence in sentences)
    assert not any("considered legitimate combat targets" in s for s in sentences)
    # Its passages are the summary's sentences, for the More/Paragraph buttons.
    assert [p.highlight_text for p in answer.passages] == sentences
    assert summary_reply(retriever.index, "article") == answer.reply


def test_a_book_length_article_is_summarised_without_a_sentence_by_sentence_matrix() -> None:
    # A new user's probe: `summary` of a 5 MB file (~50,000 sentences) died of a segmentation
    # fault after taking 8 GB; 2 MB took 10 s and 2 GB. 60,000 sentences: 14 GB as a matrix.
    import numpy as np

    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((60_000, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    start = time.perf_counter()
    chosen = central_sentences(vectors, 3)
    assert len(chosen) == 3 and chosen == sorted(chosen)
    assert time.perf_counter() - start < 5.0
    # A repeat of a chosen sentence is never chosen beside it.
    twice = np.vstack([vectors[:50], vectors[:1]])
    assert not {0, 50} <= set(central_sentences(twice, 10))


#: People of the bundled article and what the reader should learn on asking who they are.
PEOPLE = {
    "Laurent Vinatier": "Laurent Vinatier, 49, who was serving",
    "Daniil Kasatkin": "Daniil Kasatkin, a Russian basketball player",
    "Kasatkin": "Daniil Kasatkin, a Russian basketball player",
    "Steve Witkoff": "special envoy Steve Witkoff",
    "Oleksiy Kuleba": "Deputy Prime Minister Oleksiy Kuleba",
    "Ivan Fedorov": "Governor Ivan Fedorov",
    "Jean-Noel Barrot": "foreign minister, Jean-Noel Barrot",
    "Alexander Pushkin": "Russian poet Alexander Pushkin",
    "Volodymyr Zelensky": "President Volodymyr Zelensky",
    "Vladimir Putin": "President Vladimir Putin",
}


def test_who_is_shows_the_sentence_introducing_the_person(retriever: Retriever) -> None:
    questions = [f"who is {name}?" for name in PEOPLE]
    answers = read_answers(retriever, questions)
    shown = [a.passages[0].highlight_text if a.answered else "" for a in answers]
    missed = [
        q for q, s, intro in zip(questions, shown, PEOPLE.values(), strict=True) if intro not in s
    ]
    assert missed == []


def test_introduces_needs_a_role_or_an_appositive() -> None:
    assert introduces("Laurent Vinatier, 49, who was serving a sentence", "Vinatier")
    assert introduces("Priya Nair, 16, became the youngest champion", "Priya Nair")  # an age
    assert not introduces("Nair, 16 and 17 in the rankings, won", "Nair")
    assert introduces("its special envoy Steve Witkoff said", "Steve Witkoff")
    assert not introduces("The FSB said Vinatier was pardoned.", "Vinatier")
    # A role right after the comma, a trade before the name, a name typed without accents.
    kelly = "Kelly Brannigan, chief economist at Harbourline Securities, said rates would fall."
    assert introduces(kelly, "kelly brannigan")
    assert introduces("Crop extension specialist Shannon Friesen said fields were dry.", "friesen")
    assert introduces("Argentine guard Matías Ferraro scored 22 points.", "matias ferraro")
    assert introduces("said Ioana Mureșan, head of infectious diseases at the hospital.", "muresan")
    assert not introduces("Brannigan, speaking on Monday, said rates would fall.", "brannigan")
    # A surname alone is not someone else's of the same surname.
    miner = "Among those rescued was Yaw Mensah, 32, a drill operator."
    assert not introduces(miner, "mensah", asked="abena kusi mensah")
    assert introduces(
        "Mr. Mensah, 32, a drill operator, was rescued.", "mensah", asked="yaw mensah"
    )
    sentences = [miner, "Ghana's Minister for Lands, Abena Kusi-Mensah, visited the site."]
    text = " ".join(sentences)
    spans = [(0, len(miner)), (len(miner) + 1, len(text))]
    assert introduction(text, spans, "abena kusi-mensah") == spans[1]
    # Each mention reads only the words just before it: a sentence of many took seconds. About
    # 0.65 s on an idle 2-core AVX2 machine; reading every mention's whole sentence before it
    # would take minutes at this length, so a loaded CI worker gets room.
    start = time.perf_counter()
    assert not introduces("Vinatier-" * 14_000 + "x", "Vinatier")
    assert time.perf_counter() - start < 5.0


@pytest.mark.parametrize(
    ("question", "language", "start"),
    [
        ("Кто освободил Винатье?", "ru", "Я отвечаю на вопросы на английском."),
        ("Хто звільнив Вінатьє?", "uk", "Я відповідаю на запитання англійською."),
        ("Що сталося в Парижі?", "uk", "Я відповідаю на запитання англійською."),
        ("من هو فيناتييه؟", "other", "I answer questions in English"),
        ("誰が書いたの？", "other", "I answer questions in English"),
        # Words are counted, not letters: a Latin name does not make these English.
        ("谁是Vinatier?", "other", "I answer questions in English"),
        ("Кто такой Vinatier?", "ru", "Я отвечаю на вопросы на английском."),
        ("Где арестовали Laurent Vinatier?", "ru", "Я отвечаю на вопросы на английском."),
        # Latin letters: py3langid's guess, confirmed by the language's own small words.
        ("Wer hat diesen Artikel geschrieben?", "de", "Ich beantworte Fragen auf Englisch."),
        ("warum wurde vinatier verhaftet", "de", "Ich beantworte Fragen auf Englisch."),
        ("¿Quién liberó a Vinatier?", "es", "Respondo preguntas en inglés."),
        ("cuantos soldados va a enviar francia", "es", "Respondo preguntas en inglés."),
        ("Pourquoi la Russie menace-t-elle les troupes ?", "fr", "Je réponds aux questions"),
        ("quando è stato arrestato vinatier", "it", "Rispondo alle domande in inglese."),
        ("o que aconteceu com a rede elétrica", "pt", "Respondo a perguntas em inglês."),
        ("Dlaczego Rosja grozi żołnierzom?", "pl", "Odpowiadam na pytania po angielsku."),
        ("hoeveel huishoudens zaten zonder stroom", "nl", "Ik beantwoord vragen in het Engels."),
        ("Fransız araştırmacı neden tutuklandı?", "tr", "Soruları İngilizce yanıtlıyorum."),
        # "Who is" and a name: little text of its own, which the name takes elsewhere.
        ("Qui est Steve Witkoff ?", "fr", "Je réponds aux questions en anglais."),
        ("Chi è Daniil Kasatkin?", "it", "Rispondo alle domande in inglese."),
        ("Cosa è successo a Cracovia?", "it", "Rispondo alle domande in inglese."),
        ("Wie is Daniil Kasatkin?", "nl", "Ik beantwoord vragen in het Engels."),
        # Nordic, Central European: "för" and "are" are Swedish and Romanian words there.
        ("Vem skrev den här artikeln?", "sv", "Jag svarar på frågor på engelska."),
        ("varför sa ryssland det", "sv", "Jag svarar på frågor på engelska."),
        ("Kuka kirjoitti tämän artikkelin?", "fi", "Vastaan kysymyksiin englanniksi."),
        ("Kdo napsal tento článek?", "cs", "Odpovídám na otázky v angličtině."),
        ("Cine a scris acest articol?", "ro", "Răspund la întrebări în engleză."),
        ("Ki írta ezt a cikket?", "hu", "Angol nyelvű kérdésekre válaszolok."),
        ("Tko je napisao ovaj članak?", "hr", "Odgovaram na pitanja na engleskom."),
    ],
)
def test_other_languages_are_told_in_their_language(
    retriever: Retriever, question: str, language: str, start: str
) -> None:
    assert question_language(question, retriever.languages) == language
    answer = read_answer(retriever, question)
    assert answer.reply is not None and answer.reply.kind == "language"
    assert answer.reply.lines[0].startswith(start) and TITLE in answer.reply.lines[0]
    assert "couldn't find" not in answer_html(answer)


@pytest.mark.parametrize(
    "question",
    [
        # Terse English full of names the letter statistics take for Italian, French or
        # Spanish (py3langid: it 0.97, fr 0.62, es 0.99), and English words other languages
        # have too.
        "rutte nato chief",
        "sybiha comments",
        "dia de los muertos parade",
        "tour de france winner",
        "corriere della sera poll",
        "was le pen convicted",
        "is de jong fit",
        "chi square test result",
        "kim jong un missile test",
        # Found by a helper red-teaming the check: the UN, "w" for "with", "wat" for "what",
        # football's VAR, two words of a name or title, a capitalised name inside.
        "un sanctions",
        "kim w putin",
        "wat is nato",
        "var update",
        "cosa nostra",
        "Michelle Wie West",
        "je ne sais quoi meaning",
        "Wie viel",  # too short to tell
        "how many soldiers will france send",
    ],
)
def test_english_with_foreign_names_is_read_as_english(retriever: Retriever, question: str) -> None:
    assert question_language(question, retriever.languages) == "en"
    answer = read_answer(retriever, question)
    assert answer.reply is None or answer.reply.kind != "language"


def test_a_long_message_is_read_as_its_last_question(retriever: Retriever) -> None:
    # Text pasted before the question: its language, its intent and its words are the
    # question's (pasted Russian made an English question "Russian"; pasted Latin hid "who
    # wrote this" and the German; "sun." was read as "Sunday" and kept the text glued on).
    russian = "Погода в городе на этой неделе была мягкой, и жители гуляли в парках. " * 20
    lorem = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod. " * 20
    weather = "The weather was mild, and residents sat in the parks in the late autumn sun. " * 20
    english, byline, german, spanish, sunny, pasted = read_answers(
        retriever,
        [
            russian + "Who was Laurent Vinatier swapped for?",
            lorem + "\n\nWho wrote this article?",
            lorem + "Wer hat diesen Artikel geschrieben?",
            lorem + "¿Por quién fue intercambiado Laurent Vinatier?",
            weather + "Who was Laurent Vinatier swapped for?",
            "Axadle Times international–Monitoring\n\nWho was Laurent Vinatier swapped for?\n"
            + lorem,
        ],
    )
    for answer in (english, sunny, pasted):
        assert answer.question == "Who was Laurent Vinatier swapped for?"
        assert answer.reply is None and "Kasatkin" in answer.passages[0].text
    assert byline.reply is not None and byline.reply.lines[0].startswith("By Abdiwahab Ahmed")
    assert german.reply is not None and german.reply.lines[0].startswith("Ich beantworte")
    assert spanish.reply is not None and spanish.reply.lines[0].startswith("Respondo")
    # A run-on sentence without stops ends in its question (a bot attacker's probe: only its
    # first 1,000 characters were searched); full-width letters, as Chinese and Japanese
    # keyboards type them, are English (it was refused as another language).
    run_on = "I read this: " + "the ministry said troops would be targets; " * 30
    dictated, wide = read_answers(
        retriever,
        [
            run_on + "so who was vinatier swapped for?",
            "ｗｈｏ ｗａｓ ｖｉｎａｔｉｅｒ ｓｗａｐｐｅｄ ｆｏｒ？",
        ],
    )
    assert dictated.question == "so who was vinatier swapped for?"
    # Nor a semicolon: it starts at its last question word (a verifier's probe, with commas).
    [commas] = read_answers(
        retriever,
        ["I read this, " + "troops would be targets, " * 50 + "so who was vinatier swapped for?"],
    )
    assert commas.question == "who was vinatier swapped for?"
    assert "Kasatkin" in commas.passages[0].highlight_text
    assert wide.question == "who was vinatier swapped for?"
    for answer in (dictated, wide):
        assert answer.reply is None and "Kasatkin" in answer.passages[0].highlight_text


def test_english_questions_leave_the_language_model_unloaded() -> None:
    from articlebot.retrieval.languages import LatinLanguages

    # Loading it takes ~0.5 s of a cold `ask`: only a question with some other language's
    # own words needs it ("wer", "quien", "jest"), not "final score?" or "any helicopters?".
    latin = LatinLanguages()
    for question in ("final score?", "any helicopters?", "rutte nato chief", "who won"):
        assert latin.of(question) == "en"
    assert latin._model is None
    assert latin.of("wer hat gewonnen") == "de" and latin._model is not None


def test_a_follow_up_in_german_is_told_in_german(retriever: Retriever) -> None:
    _, turn = ask_in_context(retriever, "Who is Laurent Vinatier?", None, now=100.0)
    german, kept = ask_in_context(retriever, "Wann wurde er verhaftet?", turn, now=110.0)
    assert german.reply is not None and german.reply.kind == "language"
    assert german.reply.lines[0].startswith("Ich beantworte Fragen auf Englisch.")
    follow, _ = ask_in_context(retriever, "When was he arrested?", kept, now=120.0)
    assert "June 2024" in follow.passages[0].text


def test_several_articles_are_named_each_in_its_quotes_in_the_plural() -> None:
    from articlebot.retrieval.languages import english_only_reply

    # They were joined inside one pair of quotes, as one article ("о статье «A; B; C …»").
    assert english_only_reply("ru", ["Мост", "Шахматы"]).endswith("о статьях «Мост», «Шахматы».")
    assert english_only_reply("uk", ["A", "B", "C", "D"]).endswith(
        "про статті «A», «B», «C» та інших."
    )
    assert english_only_reply("ru", ["Мост"]).endswith("о статье «Мост».")
    assert english_only_reply("other", ["A", "B"]).endswith("about the articles “A”, “B”.")
    assert english_only_reply("de", ["A", "B"]).endswith("zu den Artikeln „A“, „B“.")
    assert english_only_reply("tr", ["A"]) == (
        "Soruları İngilizce yanıtlıyorum. Lütfen “A” makalesi hakkında İngilizce sorun."
    )


def test_an_english_question_with_a_cyrillic_name_stays_english(retriever: Retriever) -> None:
    assert question_language("Who is Винатье, the French researcher?") == "en"
    assert question_language("Who is Лоран Винатье?") == "en"
    answer = read_answer(retriever, "When was Vinatier (Винатье) arrested?")
    assert answer.reply is None and "June 2024" in answer.passages[0].text


def test_a_multilingual_model_answers_other_languages_itself(retriever: Retriever) -> None:
    answer = read_answer(retriever, "Кто освободил Винатье?", english_only=False)
    assert answer.reply is None  # retrieval's own answer, whatever the model makes of it


def test_a_byline_is_nobodys_context_for_the_next_question(retriever: Retriever) -> None:
    _, turn = ask_in_context(retriever, "Who is Laurent Vinatier?", None, now=100.0)
    byline, kept = ask_in_context(retriever, "who wrote this article?", turn, now=110.0)
    assert byline.reply is not None and kept == turn
    follow, _ = ask_in_context(retriever, "When was he arrested?", kept, now=120.0)
    assert "June 2024" in follow.passages[0].text


@pytest.mark.parametrize(
    ("message", "start"),
    [
        ("hi", "Hi! Ask me anything about"),
        ("Hello there, how are you?", "Hi! Ask me anything about"),
        ("thanks!", "Glad to help."),
        ("ok thank you so much", "Glad to help."),
        ("who are you?", "I'm a bot that answers questions about"),
        ("What can you do", "I'm a bot that answers questions about"),
        ("are you a robot?", "I'm a bot that answers questions about"),
        ("bye", "Bye!"),
        ("can you write me a poem about the sea?", "I can't do that: I only answer questions"),
        ("tell me a joke", "I can't do that: I only answer questions"),
        # What it holds (a new user's probe had got "The articles don't seem to answer that").
        ("what articles do you have", "I'm a bot that answers questions about"),
        ("how many articles do you have?", "I'm a bot that answers questions about"),
        ("list the stories", "I'm a bot that answers questions about"),
        # The news asked of no subject (a new user's "what's the latest news?" got a passage).
        ("what's the latest news?", "I'm a bot that answers questions about"),
        ("any news?", "I'm a bot that answers questions about"),
        ("whats new", "I'm a bot that answers questions about"),
        # A question word alone asks nothing of its own (had been answered with confidence).
        ("who", "I'm a bot that answers questions about"),
        ("Why?", "I'm a bot that answers questions about"),
    ],
)
def test_small_talk_gets_a_line_saying_what_the_bot_answers(
    retriever: Retriever, message: str, start: str
) -> None:
    answer = read_answer(retriever, message)
    assert answer.reply is not None and answer.reply.kind == "chat"
    assert answer.outcome == "none" and not answer.answered and not answer.passages
    [line] = answer.reply.lines
    assert line.startswith(start) and TITLE in line
    assert "doesn't" not in answer_html(answer)  # not "the article doesn't answer that"
    assert json.loads(json.dumps(answer.to_json()))["outcome"] == "none"


def test_articles_with_the_same_title_are_told_apart_by_id(retriever_of) -> None:
    # A new user's probe: two articles titled alike were listed as "Bridge collapse ...",
    # "Bridge collapse ..." in the greeting and the other-language replies.
    story = "Bridge collapse closes river crossing\n\nThe old bridge fell on {day}.\n"
    both = retriever_of(monday=story.format(day="Monday"), tuesday=story.format(day="Tuesday"))
    line = read_answer(both, "hi").reply.lines[0]
    assert "“Bridge collapse closes river crossing (monday)”" in line
    assert "“Bridge collapse closes river crossing (tuesday)”" in line
    russian = read_answer(both, "Когда рухнул мост?").reply.lines[0]
    assert "(monday)" in russian and "(tuesday)" in russian


@pytest.mark.parametrize(
    "question",
    [
        "hi, who was Vinatier swapped for?",
        "thanks, and who is Ivan Fedorov?",
        "who are the foreign forces?",
        "what can Russia do?",
        "who made the warning?",
    ],
)
def test_questions_that_start_like_small_talk_are_answered(
    retriever: Retriever, question: str
) -> None:
    answer = read_answer(retriever, question)
    assert answer.reply is None and answer.passages


@pytest.mark.parametrize(
    ("question", "bare"),
    [
        ("Hello, who wrote this?", "who wrote this?"),
        ("thanks, summarize please", "summarize please"),
        (
            "Good evening, what is the coalition of the willing?",
            "What is the coalition of the willing?",
        ),
        ("Hey bot, how many households lost power?", "How many households lost power?"),
    ],
)
def test_a_greeting_in_front_changes_nothing_in_the_answer(
    retriever: Retriever, question: str, bare: str
) -> None:
    greeted, plain = read_answers(retriever, [question, bare])
    assert greeted.question == question  # shown as typed
    assert (greeted.outcome, greeted.reply) == (plain.outcome, plain.reply)
    assert greeted.passages == plain.passages and greeted.confidence == plain.confidence


@pytest.mark.parametrize(
    "question",
    [
        "tell me about the swap",
        "what's going on with the swap",
        "whats the latest on the swap",
        "any news on the swap?",
    ],
)
def test_a_chat_s_words_around_the_subject_are_not_what_is_asked(
    retriever: Retriever, question: str
) -> None:
    # The topic gate read "tell me about the swap" as off the subject ("not in the article")
    # while "the swap" alone was answered with confidence.
    [answer] = read_answers(retriever, [question])
    assert answer.question == question  # shown as typed
    assert answer.outcome == "answer"
    assert "swapped for Daniil Kasatkin" in answer.passages[0].highlight_text


def test_a_chat_framed_title_is_asked_who_holds_it(retriever: Retriever) -> None:
    # An attacker's probe: "the prime minister" alone finds "Deputy Prime Minister Oleksiy
    # Kuleba" with confidence; "who is the prime minister" knows a deputy is not the one.
    [answer] = read_answers(retriever, ["what about the prime minister?"])
    assert answer.outcome != "answer"


def test_a_chat_framed_question_off_the_subject_is_still_refused(retriever: Retriever) -> None:
    # "the us election" alone is only hedged: the framed question's own refusal stands.
    [answer] = read_answers(retriever, ["what's happening with the us election"])
    assert (answer.question, answer.outcome) == ("what's happening with the us election", "none")


@pytest.mark.parametrize(
    ("question", "kind"), [("hello, who wrote this?", "byline"), ("thanks, summarize", "summary")]
)
def test_a_greeted_article_question_after_another_is_about_the_article(
    retriever: Retriever, question: str, kind: str
) -> None:
    _, turn = ask_in_context(retriever, "Who is Laurent Vinatier?", None, now=100.0)
    answer, _ = ask_in_context(retriever, question, turn, now=110.0)
    assert answer.reply is not None and answer.reply.kind == kind


def test_what_it_holds_names_every_article_or_how_many_more() -> None:
    titles = [f"Story {n}" for n in range(1, 6)]
    line = small_talk_reply("bot", titles)
    assert "“Story 1”, “Story 2”, “Story 3” and 2 others" in line
    assert "“Story 1”, “Story 2”, “Story 3” and 1 other:" in small_talk_reply("bot", titles[:4])
    assert detect_small_talk("what are the articles about") == "bot"
    assert detect_small_talk("what is the article about") is None  # its summary


def test_small_talk_is_nobodys_context_and_takes_none(retriever: Retriever) -> None:
    _, turn = ask_in_context(retriever, "Who is Laurent Vinatier?", None, now=100.0)
    thanks, kept = ask_in_context(retriever, "thanks, how are you?", turn, now=110.0)
    assert thanks.reply is not None and thanks.reply.kind == "chat" and kept == turn
    follow, _ = ask_in_context(retriever, "When was he arrested?", kept, now=120.0)
    assert "June 2024" in follow.passages[0].text


def test_reply_html_escapes_and_fits() -> None:
    reply = ArticleReply("summary", "x", ("<b>Title</b> & co", *["<script>" * 400] * 20))
    html = reply_html(reply)
    assert "<script>" not in html and "&lt;b&gt;Title&lt;/b&gt; &amp; co" in html
    assert fits(html) and len(html) > MAX_MESSAGE_CHARS / 4


def test_a_reply_cut_to_fit_keeps_its_line_breaks() -> None:
    # Long enough that the reply must lose lines to fit one message.
    lines = tuple(f"Line {n}: " + "word " * 60 for n in range(40))
    byline = reply_html(ArticleReply("byline", "x", lines))
    assert fits(byline) and "Line 1:" in byline and "Line 39:" not in byline
    assert "\n\n" not in byline and byline.count("\n") == byline.count("Line ") - 1
    summary = reply_html(ArticleReply("summary", "x", lines))
    assert fits(summary) and "Line 39:" not in summary
    assert summary.count("\n\n") == summary.count("Line ") - 1


def test_newest_article_is_the_last_added(retriever: Retriever) -> None:
    assert newest_article(retriever.index) == "article"
    assert newest_article(retriever.index, ["gone"]) is None


def test_this_is_the_newest_article_for_every_question_about_it(
    encoder, tmp_path, article_index, monkeypatch
) -> None:
    """Of several articles, "who wrote this?", "summarize" and "what is this about?" all mean
    the newest one (as /summary does), not whichever article a word like "wrote" matches; a
    question scoped to one article gets that one's."""
    from articlebot.collection import make_retriever, update_index
    from articlebot.config import load_settings

    text = (
        "Rover finds ice on Mars\n"
        "A NASA rover found water ice under the surface of Mars, mission scientists said.\n"
        "The ice lies a metre down near the crater the rover has explored since landing.\n"
        "By Jane Doe\n"
    )
    mars = Document(
        "mars", "Rover finds ice on Mars", text, "mars.txt", byline="By Jane Doe", body_start=24
    )
    settings = load_settings(index_dir=tmp_path / "index")
    bundled = article_index.documents["article"]
    bridge = Document(
        "bridge",
        "Bridge opens",
        "Bridge opens\nThe new bridge over the river opened today.\n",
        "b.txt",
    )
    data, _ = update_index(settings, encoder, [bundled, bridge, mars])
    retriever = make_retriever(settings, data, encoder)
    questions = ["who wrote this?", "who is the author?", "summarize", "what is this about?"]
    for answer in read_answers(retriever, questions):
        assert answer.reply is not None and answer.passages[0].doc_id == "mars", answer.question
        assert "Rover finds ice on Mars" in answer.reply.lines[0], answer.reply
    byline = read_answer(retriever, "who wrote this?", doc_ids=["article"])
    assert byline.reply is not None and "Abdiwahab Ahmed" in byline.reply.lines[0]
    # An article named by its subject is that one, not the newest.
    named = read_answers(
        retriever, ["who wrote the ukraine story", "summarize the article about the bridge"]
    )
    assert [a.reply.doc_id if a.reply else None for a in named] == ["article", "bridge"]
    assert "Abdiwahab Ahmed" in named[0].reply.lines[0]  # type: ignore[union-attr]
    # No article about it: none, not the newest one's byline; said so, with titles the reader
    # can name instead (it had been "The articles don't seem to answer that").
    football = read_answer(retriever, "who wrote the football story")
    assert (football.answered, football.outcome, football.passages) == (False, "none", [])
    assert football.reply is not None and football.reply.lines == (
        "No article here is about “football”.",
        "The articles: “Rover finds ice on Mars”; “Bridge opens”; “Russia warns foreign forces "
        "in Ukraine would be lawful military targets”.",
    )
    monkeypatch.setattr("articlebot.retrieval.about.LISTED_TITLES", 2)
    football = read_answer(retriever, "who wrote the football story")
    assert football.reply is not None and football.reply.lines[1] == (
        "The newest: “Rover finds ice on Mars”; “Bridge opens” and 1 more."
    )
    # Of the articles a chat may see, only those are named, and "the articles" when all are.
    election = read_answer(
        retriever, "summarize the article about the election", doc_ids=["bridge", "mars"]
    )
    assert election.reply is not None and election.reply.lines == (
        "No article here is about “the election”.",
        "The articles: “Rover finds ice on Mars”; “Bridge opens”.",
    )
    # Every word of the subject, not one: the war story has strikes, no port strike (a new
    # user's probe: it had been summarized).
    port = read_answer(retriever, "summarize the article on the port strike")
    assert port.reply is not None and port.reply.kind == "unnamed", port.reply
    # Asked what there is on a subject: its article's gist, or that none is about it; of a
    # chat's one article too ("who wrote the football story" of the Mars story).
    bridge = read_answer(retriever, "do you have an article about the bridge?")
    assert bridge.reply is not None and bridge.reply.kind == "summary"
    assert bridge.reply.doc_id == "bridge"
    # A word the one article says only in passing is no subject of it (a new user's probe:
    # "who wrote the fire story" was the war story's byline, for its "cease-fire").
    for question in ("who wrote the fire story", "any articles about basketball?"):
        passing = read_answer(retriever, question, doc_ids=["article"])
        assert passing.reply is not None and passing.reply.kind == "unnamed", question
    swap = read_answer(retriever, "do you have an article about the prisoner swap", ["article"])
    assert swap.reply is not None and swap.reply.doc_id == "article"
    for question in ("is there a story on bitcoin?", "who wrote the football story"):
        alone = read_answer(retriever, question, doc_ids=["mars"])
        assert alone.reply is not None and alone.reply.lines == (
            f"No article here is about “{named_article(question)}”.",
            "The articles: “Rover finds ice on Mars”.",
        ), question
    # Named in the words readers use for the gist.
    for question in ("what happened in the bridge story", "tell me about the mars article"):
        gist = read_answer(retriever, question)
        assert gist.reply is not None and gist.reply.kind == "summary", question
        assert gist.reply.doc_id == question.split()[-2], question
    # In a chat, "this" is the article the last answer came from while it is fresh.
    asked, turn = ask_in_context(retriever, "When was Vinatier arrested?", None, now=100.0)
    assert asked.answered and turn.doc_id == "article"
    for question in ("who wrote this?", "summarize"):
        about, _ = ask_in_context(retriever, question, turn, now=110.0)
        assert about.reply is not None and about.reply.doc_id == "article", question
    later, _ = ask_in_context(retriever, "who wrote this?", turn, now=100.0 + 3600)
    assert later.reply is not None and later.reply.doc_id == "mars"
    # After an answer from one article, one named by its subject is still that one; and
    # "this" is that one next (it was still the earlier answer's).
    named_after, named_turn = ask_in_context(retriever, "who wrote the mars story", turn, now=110.0)
    assert named_after.reply is not None and named_after.reply.doc_id == "mars"
    assert named_turn.doc_id == "mars" and named_turn.question == turn.question  # "he" kept
    this_after, _ = ask_in_context(retriever, "summarize", named_turn, now=120.0)
    assert this_after.reply is not None and this_after.reply.doc_id == "mars"
    _, fresh = ask_in_context(retriever, "summarize the bridge article", None, now=130.0)
    assert fresh.doc_id == "bridge" and not fresh.question
    # The article of a passage offered only as the closest is as much "this": the reader saw it.
    retriever.min_confidence = 1.01
    hedged, turn = ask_in_context(retriever, "When was Vinatier arrested?", None, now=100.0)
    assert hedged.outcome == "closest" and turn.doc_id == "article"
    assert "Vinatier" in turn.highlight
    about, _ = ask_in_context(retriever, "who wrote this?", turn, now=110.0)
    assert about.reply is not None and about.reply.doc_id == "article"
    # An article that names no author says so: shown, but not an answer.
    unnamed = read_answer(retriever, "who wrote this?", doc_ids=["bridge"])
    assert unnamed.reply is not None
    assert unnamed.reply.lines[0] == "The article doesn't name its author — Bridge opens"
    assert (unnamed.answered, unnamed.outcome) == (False, "none")


def test_a_short_story_s_first_line_is_not_its_publisher() -> None:
    from articlebot.ingest.documents import parse_plain_text
    from articlebot.retrieval.about import byline_reply

    story = parse_plain_text(
        "Council votes on parking\n\nBy Anna Smith\n\nThe council voted 7 to 2 for new "
        "parking fees.\n\nFees start in May.",
        "short",
        "short.txt",
    )
    lines = byline_reply(story).lines
    assert lines[0] == "By Anna Smith — Council votes on parking"
    assert not any(line.startswith("Published by") for line in lines)


def test_the_writer_s_desk_before_the_outlet_is_not_the_publisher() -> None:
    from articlebot.ingest.documents import parse_plain_text
    from articlebot.retrieval.about import byline_reply

    story = parse_plain_text(
        "Teenager wins marathon\n\nBy Daniel Whitcombe\nSports Desk, Lakeside Gazette\n"
        "Sunday 30 November 2026\n\nAmara Okafor, 19, won the Lakeside Marathon on Sunday.",
        "marathon",
        "marathon.txt",
    )
    assert "Published by: Lakeside Gazette" in byline_reply(story).lines


FLOOD = """Residents clean up after river bursts its banks in Millbrook

By Hannah Price

Volunteers clear mud from a flooded shop on Bridge Street on Sunday morning. Photo: Mark Ellis \
/ Millbrook Echo

Residents and shopkeepers in Millbrook spent Sunday pumping water out of homes and businesses \
after the River Wend burst its banks overnight, flooding more than 80 properties in the town centre.

"I have seen floods here before, but never like this," she said.

Heavy rain fell for almost 36 hours across the upper valley, and the river rose by nearly two \
metres at the town bridge, according to the Environment Agency.

Firefighters rescued 14 people from homes on Mill Lane using boats, and a rest centre was \
opened at Millbrook Community School. No one was seriously hurt.

"We will not leave anyone behind. Every family will get help to go home," said council leader \
Priya Shah. "That is a promise."

The council said households would be able to apply for grants of up to £500 to help with the \
cost of cleaning and replacing damaged belongings.

Dele Okafor, a 19-year-old volunteer on leave from the army, led one of the boat crews.

Okafor, who has now helped in three floods, said the water had risen faster than ever.

Editor's note: This story is part of our series on flooding in the valley.

Flood facts
- Homes flooded: more than 80 in the town centre
- Rescues by boat: 14 people from Mill Lane

Tom Reed pumped water out of his cellar on Mill Lane until dawn.

Reed, who has lived on the lane for 30 years, said it was the worst flood he had seen.

This article first appeared in the Millbrook Echo.
"""


@pytest.fixture(scope="module")
def flood(tmp_path_factory: pytest.TempPathFactory, encoder) -> Retriever:
    from articlebot.collection import make_retriever, update_index
    from articlebot.config import load_settings
    from articlebot.ingest.documents import read_documents

    folder = tmp_path_factory.mktemp("flood")
    (folder / "flood.txt").write_text(FLOOD, encoding="utf-8")
    settings = load_settings(index_dir=folder / "index")
    data, _ = update_index(settings, encoder, read_documents([folder / "flood.txt"]))
    return make_retriever(settings, data, encoder)


def test_a_summary_leaves_out_captions_bare_quotes_and_the_closing_note(flood: Retriever) -> None:
    title, *sentences = summary_reply(flood.index, "flood").lines
    assert title == "Residents clean up after river bursts its banks in Millbrook"
    assert sentences[0].startswith("Residents and shopkeepers in Millbrook")
    shown = " ".join(sentences)
    # A caption, a quote with nobody named, a piece of a quote, where the story first ran, an
    # editor's note, a fact box's items.
    for left_out in (
        "Volunteers clear mud",
        "never like this",
        "That is a promise",
        "first appeared",
        "Editor's note",
        "Homes flooded",
        "Rescues by boat",
    ):
        assert left_out not in shown


def test_the_byline_reply_names_the_outlet_of_a_closing_note(flood: Retriever) -> None:
    lines = read_answer(flood, "which paper published this").reply.lines
    assert lines[0].startswith("By Hannah Price — ")
    assert "Published by: Millbrook Echo" in lines


@pytest.mark.parametrize(
    ("text", "first", "outlet"),
    [
        (
            "Steel cuts\nOSLO, Feb 14 (Reuters) - Nordvik said.\n\n(Reporting by Nora Berg; "
            "Editing by Mark Potter)",
            "Reporting by Nora Berg; Editing by Mark Potter — Steel cuts",
            "Published by: Reuters",
        ),
        (
            "Rates jump\nAnna Kowalski | Reuters\n\nLONDON - Rates rose.",
            "By Anna Kowalski — Rates jump",
            "Published by: Reuters",
        ),
        (
            "Teachers strike\n\nBy Jamal Henderson | The Marlow Courier\n\nMARLOW — They struck.",
            "By Jamal Henderson — Teachers strike",
            "Published by: The Marlow Courier",
        ),
        (
            "Bike lanes\nPosted by Sam Whitfield on March 3, 2025\n\nSix months ago.",
            "Posted by Sam Whitfield on March 3, 2025 — Bike lanes",
            None,
        ),
        (
            "Library plan\nStaff reporter\n\nPeople came.\n\nThis article first appeared in the "
            "Harbridge Evening Post.",
            "Staff reporter — Library plan",
            "Published by: Harbridge Evening Post",
        ),
        # The outlet on the line under a top byline; a photo credit there is none.
        (
            "Steel strike\nBy Hannah Whitfield\nBBC News, Manchester\n\nWorkers walked out.",
            "By Hannah Whitfield — Steel strike",
            "Published by: BBC News, Manchester",
        ),
        (
            "Wildfire grows\n\nAhmed Farouk\nUSA TODAY\n\nA fire grew.\n\nIt spread.",
            "By Ahmed Farouk — Wildfire grows",
            "Published by: USA TODAY",
        ),
        (
            "Museum raid\n\nBy Pieter van Dam, Amsterdam correspondent\nThe Continental Post | "
            "14 February 2025\n\nThieves struck.",
            "By Pieter van Dam, Amsterdam correspondent — Museum raid",
            "Published by: The Continental Post",
        ),
        (
            "The last keeper\n\nBy Siobhan Keane\nPhotographs by Eamon Doyle\n\nHe stayed.",
            "By Siobhan Keane — The last keeper",
            None,
        ),
        # The writer's desk or whereabouts under the byline is no outlet; a closing "Source:".
        (
            "Bronzes return\n\nBy Claudia Fenwick\nArts Correspondent\nMarch 1\n\nThey go.",
            "By Claudia Fenwick — Bronzes return",
            None,
        ),
        (
            "Odesa power\n\nBy Maria Kovalenko\nReporting from Kyiv, Ukraine\n\nIt went out.",
            "By Maria Kovalenko — Odesa power",
            None,
        ),
        (
            "Teachers strike\n\nTeachers struck.\n\nSource: Al Jazeera and news agencies",
            "The article doesn't name its author — Teachers strike",
            "Published by: Al Jazeera and news agencies",
        ),
        # A local paper's capitals and e-mail address; an agency opening without a place.
        (
            "Board votes\nBy JOHN SMITH jsmith@gazette.example\nMILLBROOK — The board voted.",
            "By John Smith — Board votes",
            None,
        ),
        (
            "Dam fails\n\nBy JANE HOLLOWAY Associated Press\n\nTULSA — A dam failed.",
            "By Jane Holloway, Associated Press — Dam fails",
            None,
        ),
        (
            "Shares jump\n\n(Bloomberg) -- Tessaro shares jumped.\n\nMore.",
            "The article doesn't name its author — Shares jump",
            "Published by: Bloomberg",
        ),
        # A press release: the headline under "FOR IMMEDIATE RELEASE", its issuer at the end.
        (
            "FOR IMMEDIATE RELEASE\n\nAcme Reports Results\n\nAcme said.\n\n###\n\n"
            "SOURCE Acme Therapeutics, Inc.",
            "The article doesn't name its author — Acme Reports Results",
            "Published by: Acme Therapeutics, Inc.",
        ),
    ],
)
def test_credits_of_many_kinds_are_the_byline_reply(
    text: str, first: str, outlet: str | None
) -> None:
    from articlebot.ingest.documents import parse_plain_text

    lines = byline_reply(parse_plain_text(text, "d", "/srv/d.txt")).lines
    assert lines[0] == first
    assert (outlet in lines) if outlet else not any(line.startswith("Published") for line in lines)


PLANT_FIRE = """Fire destroys Halbrook packaging plant, 140 jobs at risk

HALBROOK, England — A fire tore through the Corrow Packaging plant on the edge of Halbrook on
Tuesday evening, destroying its main warehouse and putting 140 jobs at risk, the company said
on Wednesday.

Around 60 firefighters and 12 engines from across the county fought the blaze, which broke out
at about 6:15 p.m. and was declared under control shortly after 2 a.m. Nobody was hurt. Forty
workers on the evening shift were evacuated within ten minutes, according to the fire service.

Station commander Ruth Okonkwo, 49, who led the response, said the fire had spread quickly
through stacks of cardboard and plastic film. "When our first crews arrived, the roof of the
warehouse was already well alight," Okonkwo said. "Our priority was stopping it from reaching
the chemical store next door, and we managed that."

The cause of the fire is not yet known. Okonkwo said investigators would return to the site
once the building was judged safe, which could take several days.

Residents of about 200 homes in the nearby Millbeck estate were told to keep their windows and
doors shut overnight because of the smoke. The county council said air quality readings on
Wednesday morning were back to normal.

Corrow Packaging, which makes boxes and trays for supermarket chains, has operated in Halbrook
since 1974. Its chief executive, Martin Corrow, 66, the founder's grandson, said the company
would keep paying all staff while it worked out whether production could move to its second
site in Redditch, 40 miles away.

"This plant is where my grandfather started the business with six people," Corrow said. "We
will do everything we can to keep these jobs in Halbrook, but I will not make promises to our
people that I cannot keep."

The warehouse held about £3 million of finished stock, according to the company. Corrow said
the plant was insured but that rebuilding could take 18 months.

Unite union regional officer Sandra Beaumont, 58, said workers had been told little. "People
found out from Facebook that their workplace had burned down," Beaumont said. "They need to
hear from the company, in person, what happens to their wages after this month."

Halbrook's member of parliament, Tom Whitfield, said he had spoken to the company and would ask
ministers for help. The plant is the town's second-largest private employer after the Halbrook
Foods dairy, which employs about 310 people.

It is the second large fire at the site. In 2009 a smaller blaze damaged a loading bay and
closed the plant for three weeks.

Packer Jamie Lowther, 23, who was on the evening shift on Tuesday, said the alarm sounded as
workers were finishing their break. "We could smell it before we saw it," he said. "By the time
we got to the car park, you could see flames through the skylights."
"""


def test_who_is_answered_from_the_introduction_says_a_confidence_that_is_one(
    retriever_of,
) -> None:
    # A new user's probe: --json gave "answered": true at confidence 0.63 for "who is okonkwo",
    # below the 0.644 it says an answer needs.
    retriever = retriever_of(fire=PLANT_FIRE)
    answer = read_answer(retriever, "who is okonkwo")
    assert answer.passages[0].highlight_text.startswith("Station commander Ruth Okonkwo, 49")
    assert answer.answered and answer.confidence >= retriever.min_confidence


def test_who_is_shows_where_the_article_first_says_who_they_are(flood: Retriever) -> None:
    # Not the later "Okafor, who has now helped in three floods".
    answer = read_answer(flood, "who is okafor")
    assert answer.passages[0].highlight_text.startswith("Dele Okafor, a 19-year-old volunteer")
    # Named without being introduced: where the article first names her.
    answer = read_answer(flood, "who is priya shah")
    assert "said council leader" in answer.passages[0].highlight_text
    # Where he is first named, not the later "Reed, who has lived on the lane": a clause
    # about someone says less than the sentence that brings them in.
    answer = read_answer(flood, "who is reed")
    assert answer.passages[0].highlight_text.startswith("Tom Reed pumped water")


@pytest.mark.parametrize(
    ("text", "date"),
    [
        (
            "Rates jump\nAnna Kowalski | Reuters\nPublished: 12 May 2025\n\nRates rose.",
            "Published: 12 May 2025",
        ),
        (
            "Bike lanes\nPosted by Sam Whitfield on March 3, 2025\n\nLanes work.",
            "Posted by Sam Whitfield on March 3, 2025",
        ),
        (
            "Steel cuts\n\nOSLO, Feb 14 (Reuters) - Nordvik cut jobs.\n\nMore.",
            "OSLO, Feb 14 (Reuters)",
        ),
        # Dates in the story are no date of it.
        ("Board vote\n\nThe board voted.\n\nThe next meeting is on Oct. 8.", None),
        ("Launch\n\nKey points\n- Landing is due on 19 March\n\nIt flew.", None),
    ],
)
def test_an_article_date_is_a_header_line_or_its_dateline(text: str, date: str | None) -> None:
    from articlebot.ingest.documents import parse_plain_text

    assert article_date(parse_plain_text(text, "d", "/srv/d.txt")) == date


def test_when_was_this_published_gets_the_date_or_says_there_is_none(flood: Retriever) -> None:
    answer = read_answer(flood, "when was this article published?")
    assert answer.reply is not None and answer.reply.kind == "date"
    assert answer.outcome == "none"
    assert answer.reply.lines[0].startswith("The article doesn't give its date — Residents clean")
    assert answer.reply.lines[1].startswith("Indexed on ")


COURT = """Jury convicts former hospital director in kickback scheme

HARTFORD, Conn. — A federal jury on Thursday convicted Daniel Okafor, the former finance \
director of St. Brendan's Medical Center, on six counts of wire fraud for steering nearly $4.2 \
million in hospital contracts to a supply company secretly run by his brother-in-law.

The verdict came after three days of deliberations and a four-week trial that featured \
testimony from more than 20 witnesses. Mr. Okafor, 54, showed little emotion as the verdict was \
read in the courtroom of U.S. District Judge Helen Marchetti.

His lawyer, Sandra Whitcomb, said the defense would appeal.

"We trusted him with the hospital. He lied to all of us," said Grace Adeyemi, 61, a nurse who \
testified for the prosecution.
"""


def test_how_old_is_a_named_person_is_answered_where_the_article_gives_the_age(
    retriever_of,
) -> None:
    from articlebot.retrieval.reader import read_answer

    court = retriever_of(court=COURT)
    okafor = read_answer(court, "how old is okafor")
    assert okafor.answered
    assert okafor.passages[0].highlight_text.startswith("Mr. Okafor, 54, showed")
    # The article gives no age for his lawyer: never a confident answer with his.
    assert not read_answer(court, "how old is whitcomb").answered
    # An age given in a quotation's attribution: the quotation is shown from its start.
    nurse = read_answer(court, "how old is adeyemi")
    assert nurse.answered
    assert nurse.passages[0].highlight_text.startswith('"We trusted him')


def test_where_someone_works_is_the_sentence_introducing_them(retriever_of) -> None:
    study = retriever_of(
        fish=(
            "Glowing snailfish found in Pacific trench\n\n"
            "WELLINGTON - Marine biologists have discovered a glowing snailfish in the "
            "Kermadec Trench, according to a study published on Wednesday.\n\n"
            "Tane's team plans to return to the trench in November aboard the Tangaroa.\n\n"
            '"We assumed it was a reflection," said lead author Dr. Aroha Tane, a 39-year-old '
            "deep-sea ecologist at the University of Canterbury in Christchurch.\n"
        )
    )
    answer = read_answer(study, "where does tane work", ["fish"])
    assert answer.answered and "University of Canterbury" in answer.passages[0].highlight_text


APPEAL = """Three delivery riders win appeal against app in Federal Court

MELBOURNE — A full bench of Australia's Federal Court ruled on Thursday that three riders who \
delivered meals for the app QuickPlate were its employees, not contractors.

It overturns a ruling made last year by a single judge, who had found in the company's favour.

The judges said the company had pervasive control over when and where the riders worked.
"""


def test_a_who_answered_by_no_one_is_only_the_closest(retriever_of) -> None:
    # The model is sure of the sentence (it has "company" and a ruling), which names no one.
    answer = read_answer(retriever_of(appeal=APPEAL), "who took the company to court")
    assert answer.passages[0].highlight_text.startswith("It overturns a ruling")
    assert answer.confidence >= load_settings().min_confidence
    assert answer.outcome == "closest" and not answer.answered


SKATER = """Polish skater Małgorzata Wiśniewska-Dvořák wins world title in Montréal

By Zoë Lefèvre, Sports Reporter

MONTRÉAL, March 9 (Reuters) - Małgorzata Wiśniewska-Dvořák, 24, won the world speed skating \
title on Sunday, finishing the 1,000 metres in a time that her coach, Jiří Dvořák, 66, called \
the best of her career.

She had been sixth a year ago in Hämeenlinna, where a fall in the final bend cost her a medal.

The crowd at the Maurice-Richard arena rose when the time appeared: one minute 12.4 seconds, \
a Polish record.

Her father, Łukasz, drove from Kraków with her brother to see the race.
"""


def test_an_article_saved_with_decomposed_accents_answers_as_its_composed_twin(
    retriever_of,
) -> None:
    # Some editors and macOS file names write "é" as "e" plus a combining accent: the same on
    # screen, other words to search, and another passage had been answered for the same question.
    decomposed = unicodedata.normalize("NFD", SKATER)
    assert decomposed != SKATER
    composed_bot, decomposed_bot = retriever_of(skater=SKATER), retriever_of(skater=decomposed)
    questions = [
        "how old is Małgorzata Wiśniewska-Dvořák",
        "who is jiří dvořák",
        "where was she sixth a year ago",
        unicodedata.normalize("NFD", "how old is Małgorzata Wiśniewska-Dvořák"),
        "how fast was she",
    ]
    composed = read_answers(composed_bot, questions)
    twins = read_answers(decomposed_bot, questions)
    for asked, mine, twin in zip(questions, composed, twins, strict=True):
        assert mine.question == twin.question == unicodedata.normalize("NFC", asked)
        assert [p.text for p in twin.passages] == [p.text for p in mine.passages]
        assert twin.outcome == mine.outcome and twin.confidence == pytest.approx(mine.confidence)
    assert "24" in composed[0].passages[0].text and "24" in composed[3].passages[0].text
    assert composed[3].outcome == composed[0].outcome


CAFE = """Café owner wins award

The owner of Zoë's Café in Dúnmore, Siobhán Ó Briain, 39, won the regional small business \
award on Friday. The café opened in 2019 and employs fourteen people. Ó Briain said she would \
use the 5,000 euro prize to buy a new coffee machine.
"""


def test_how_old_is_someone_is_answered_by_their_full_name_first_name_or_surname(
    retriever_of,
) -> None:
    # A new user's probe: only "how old is Ó Briain" was answered with confidence; her whole
    # name (three words), her first name and the name typed without accents were hedged.
    cafe = retriever_of(cafe=CAFE)
    for asked in (
        "how old is Siobhán Ó Briain",
        "how old is Siobhan O Briain",
        "how old is siobhan",
        "how old is o briain",
    ):
        answer = read_answer(cafe, asked)
        assert answer.outcome == "answer", asked
        assert "Siobhán Ó Briain, 39" in answer.passages[0].highlight_text, asked


TITLE_RACE = """Rovers clinch first league title in 31 years

Kilbride Rovers won the national football league for the first time since 1994 on Saturday, \
beating Ashford City 3-1 in front of a record crowd of 14,200 at Mill Lane.

Striker Jamal Okoro scored twice in the first half, and the 21-year-old midfielder Lena Fischer \
sealed the win with a curling shot in the 78th minute.

Walsh, 46, took over in 2022 when the club was close to relegation.
"""


def test_how_old_is_he_is_not_answered_with_the_age_of_someone_beside_him(
    retriever_of,
) -> None:
    # A new user's chat: "who scored twice" then "how old is he" was answered with confidence
    # by "... the 21-year-old midfielder Lena Fischer", Okoro's age being nowhere.
    race = retriever_of(race=TITLE_RACE)
    answer, turn = ask_in_context(race, "who scored twice", None)
    assert "Jamal Okoro scored twice" in answer.passages[0].highlight_text
    age, _ = ask_in_context(race, "how old is he", turn)
    assert age.outcome == "closest"
    assert read_answer(race, "how old is okoro").outcome == "closest"
    fischer = read_answer(race, "how old is lena fischer")
    assert fischer.outcome == "answer" and "21-year-old" in fischer.passages[0].highlight_text


MARATHON = """Kenyan runner Achieng wins Riverside Marathon in course record

Grace Achieng of Kenya won the Riverside Marathon on Sunday in 2 hours 19 minutes 40 seconds, \
breaking the course record by almost a minute.

The 27-year-old pulled away from Ethiopia's Meseret Tola at the 35-kilometre mark and crossed \
the line alone. Tola finished second, 48 seconds behind, and Britain's Holly Barnes was third.

In the men's race, defending champion Daniel Kiprop dropped out after 30 kilometres with a calf \
injury. The title went to Uganda's Moses Okello in 2:07:55.
"""


def test_an_age_opening_a_sentence_is_not_that_of_a_name_it_goes_on_to_mention(
    retriever_of,
) -> None:
    # A new user's probe: "how old is tola" was answered with confidence (0.98) by "The
    # 27-year-old pulled away from Ethiopia's Meseret Tola": the age is the winner's.
    race = retriever_of(marathon=MARATHON)
    for asked in ("how old is tola", "how old is meseret tola"):
        answer = read_answer(race, asked)
        assert answer.outcome == "closest", asked
        assert answer.passages[0].highlight_text.startswith("The 27-year-old"), asked
    # Nor of "he" after the men's race: it was answered with confidence by the same sentence.
    _, turn = ask_in_context(race, "who won the men's race", None)
    age, _ = ask_in_context(race, "how old is he", turn)
    assert age.outcome == "closest" and "Kiprop" in age.passages[0].highlight_text


def test_emoji_or_marks_beside_a_question_change_nothing_in_its_answer(
    retriever: Retriever,
) -> None:
    # Read as unknown pieces no article word matches, they had cost an answer a fifth of its
    # confidence ("who is dave okafor 😂😂": 0.87 -> 0.66) and moved another's passages.
    plain, laughing, hearts, marks, thumbs = read_answers(
        retriever,
        [
            "who was Laurent Vinatier swapped for?",
            "who was Laurent Vinatier swapped for? 😂😂",
            "❤️who was Laurent Vinatier swapped for👍🏽?",
            "who was Laurent Vinatier swapped for??!!",
            "👍",
        ],
    )
    assert marks.question == "who was Laurent Vinatier swapped for?"
    for answer in (laughing, hearts, marks):
        assert answer.question.startswith("who was Laurent") and "😂" not in answer.question
        assert [p.text for p in answer.passages] == [p.text for p in plain.passages]
        assert answer.outcome == plain.outcome == "answer"
        assert answer.confidence == pytest.approx(plain.confidence)
    assert "Kasatkin" in plain.passages[0].text
    assert thumbs.question == "👍" and thumbs.outcome == "none"


def test_a_name_the_article_says_is_not_released_is_only_the_closest(retriever_of) -> None:
    # The article says the master's name was not released: that sentence is the closest, never
    # the confident answer to "whats the name of the captain" (a readers' trial's).
    ferry = retriever_of(
        ferry="Ferry strikes harbour wall in fog, 39 injured\n\n"
        "PORTHAVEN, Oct 3 (Coastline News) - A passenger ferry struck the harbour wall at "
        "Porthaven in thick fog on Tuesday evening, injuring 39 people, the operator Westmarch "
        "Ferries said.\n\n"
        "The Island Spirit, carrying 212 passengers and 18 crew, was arriving from the island "
        "of Carrow at about 7:40 p.m. when it hit the eastern breakwater.\n\n"
        "The ship's master, whose name has not been released, has been with the company for 14 "
        "years, Westmarch said.\n\n"
        "The Marine Accident Investigation Branch said it had sent three inspectors.\n"
    )
    answer = read_answer(ferry, "whats the name of the captain", ["ferry"])
    assert answer.outcome == "closest"
    assert "whose name has not been released" in answer.passages[0].highlight_text


COINS = """Retired teacher finds Roman coin hoard on her allotment

HOLMFIRTH, Apr 2 (Pennine Wire) - A retired teacher digging potatoes on her allotment has \
found a hoard of 312 Roman silver coins, the county's finds officer said on Monday.

The coins were spotted by Brenda Hollis, 67, who has kept the plot on Cliff Road for 30 years. \
She said she had first taken one for a bottle top.

Finds officer Tom Becker, 41, said the coins were minted between AD 193 and 235 and were \
probably buried by a soldier.
"""


def test_who_did_it_of_a_lead_that_describes_them_is_answered_with_their_name(
    retriever, retriever_of
) -> None:
    # News describes the person first ("A retired teacher ... has found") and names them in the
    # next sentence: a reader asking who wants the name.
    coins = retriever_of(coins=COINS)
    answer = read_answer(coins, "who found the coins")
    assert "Brenda Hollis" in answer.passages[0].highlight_text
    # The bundled article: "a French researcher imprisoned in Russia was freed", then his name.
    answer = read_answer(retriever, "who was freed in the prisoner swap")
    assert answer.passages[0].highlight_text.startswith("Laurent Vinatier, 49")
    # "she", asked first, is that person too.
    answer, _ = ask_in_context(coins, "how old is she", None)
    assert "Hollis, 67" in answer.passages[0].highlight_text


SIGNING = """Harbour Town sign striker Oduya for a club-record fee

HARBOUR TOWN, Jul 28 (Coast Wire) - Harbour Town have signed Kenyan striker Samuel Oduya from \
Ajax for a club-record fee of 31 million euros, the club said on Monday.

The 23-year-old, who scored 19 league goals last season, has signed a five-year contract.

Head coach Ines Barros, 51, said the club had followed him for two years.
"""


def test_how_old_is_someone_the_next_sentence_calls_by_their_age(retriever_of) -> None:
    # "Samuel Oduya ..." then "The 23-year-old, who scored": news gives the age in place of
    # the name; the coach's "Barros, 51" is someone else's.
    signing = retriever_of(signing=SIGNING)
    answer = read_answer(signing, "how old is oduya")
    assert answer.answered
    assert answer.passages[0].highlight_text.startswith("The 23-year-old")


def test_which_one_it_is_of_a_lead_that_describes_it_is_the_name_after(retriever_of) -> None:
    fine = retriever_of(
        fine="""Water company fined record sum over sewage spills

BRISTOL, Mar 14 (West Wire) - A regional water company was ordered on Thursday to pay a record \
4.2 million pound fine for letting sewage into the River Avonmere on 37 occasions.

Severnvale Water, which supplies about 1.3 million households, pleaded guilty in January.

Judge Harriet Okonedo said the company had shown a deplorable disregard for the river.
"""
    )
    answer = read_answer(fine, "which water company is it")
    assert answer.passages[0].highlight_text.startswith("Severnvale Water, which supplies")


def test_a_narrowed_name_question_is_answered_by_the_first_naming_of_such_a_thing(
    retriever_of,
) -> None:
    # "the new species": the article's first naming of a species, shown; as "the new" one
    # might be another than the first named, no more confidently than the search found it.
    fossil = retriever_of(
        fossil="""Schoolgirl's beach find is a new species of marine reptile

LYME, Jun 3 (Coast Wire) - A fossil found by a schoolgirl on a beach near Lyme has been \
identified as a previously unknown species of marine reptile, scientists said on Tuesday.

The species, named Lymeosaurus annae after its finder, lived about 190 million years ago.

The skull will go on show at the Lyme Museum in the spring.
"""
    )
    plain = read_answer(fossil, "what is the new species called")
    assert plain.passages[0].highlight_text.startswith("The species, named Lymeosaurus annae")


def test_who_was_charged_of_a_lead_that_describes_them_is_the_name_after(retriever_of) -> None:
    # "who got charged" is the story's main event (the headline's), which the lead tells; the
    # lead describes the man, the next sentence names him.
    fraud = retriever_of(
        fraud="""Founder of delivery start-up charged with fraud

NEW YORK, Nov 6 (City Wire) - The founder and former chief executive of Parcelwise, a \
delivery start-up once valued at 900 million dollars, was charged on Wednesday with \
defrauding investors of 120 million dollars, prosecutors said.

Daniel Ostrow, 39, was arrested at his home in Brooklyn and released on bail.

The company said it was cooperating with investigators.
"""
    )
    answer = read_answer(fraud, "who got charged")
    assert answer.passages[0].highlight_text.startswith("Daniel Ostrow, 39")


def test_a_date_in_the_datelines_brackets_is_not_its_publisher() -> None:
    from articlebot.ingest.documents import parse_plain_text
    from articlebot.retrieval.about import publisher

    story = parse_plain_text(
        "Battery maker to build plant\n\nNASHVILLE, Tenn. (April 2) — A battery maker will "
        "build a plant.\n\nIt opens in 2027.",
        "plant",
        "plant.txt",
    )
    assert publisher(story) is None
    wired = parse_plain_text(
        "Battery maker to build plant\n\nNASHVILLE, Tenn. (AP) — A battery maker will build "
        "a plant.",
        "plant",
        "plant.txt",
    )
    assert publisher(wired) == "AP"


def test_a_summary_line_does_not_open_with_whom_the_sentence_before_named(retriever_of) -> None:
    # "She also ordered Pruitt to repay ..." read alone: who is she?
    assert not stands_alone("She also ordered Pruitt to repay $4.27 million in restitution.")
    assert not stands_alone("They said the branch lends 40,000 books a year.")
    assert stands_alone("It was the town's largest theft in living memory.")
    # "It" doing what the body named before does (a CLI attacker's summary read "It said 30
    # jobs would have been created" after a sentence about the council).
    assert not stands_alone("It said 30 jobs would have been created.")
    assert not stands_alone("It will employ about 2,100 staff.")
    assert not stands_alone("Its chairman said the club would appeal.")
    assert stands_alone("It has emerged that the barrier was never switched on.")
    # Nor with what it named: "The remaining £18 million" of what? (a new user's summary).
    assert not stands_alone("The remaining £18 million will be borrowed by the council.")
    assert not stands_alone("This means the bridge will close for two years.")
    assert not stands_alone("But the plan was defeated.")
    assert stands_alone("This year the council will borrow £18 million.")
    # "The former" before a title is who someone was (a verifier: the new manager's sentence
    # had left the summary).
    assert stands_alone("The former Liverpool striker Emile Heskey has been named manager.")
    # Sentences left out so leave a nine-sentence story its three lines (a verifier: two).
    mill = retriever_of(
        mill="Mill fire destroys historic building\n\nA fire destroyed the old textile mill in "
        "Burnley on Tuesday night, the fire service said. About 60 firefighters fought the "
        "blaze for six hours. But the roof had already collapsed by midnight.\n\nThe council "
        "had planned to turn the mill into flats at a cost of 48 million pounds. This means "
        "the plan must now start again. Local residents said they heard explosions at around "
        "10pm.\n\nThe cause of the fire is not yet known, said station manager Alan Pike. "
        "However, arson has not been ruled out by the police. The mill was built in 1862 by "
        "a cotton family from Manchester.\n"
    )
    _title, *lines = summary_reply(mill.index, "mill").lines[:4]
    assert len([line for line in lines if not line.startswith(("—", "By "))]) >= 3, lines
    assert stands_alone("Judge Ellen Kessler ordered Pruitt to repay $4.27 million.")
    court = retriever_of(
        court="""Former treasurer jailed over pension theft

HARWICK, Ohio — A former city treasurer who stole $4.2 million from the town's pension fund \
was sentenced on Thursday to six years in federal prison.

Gerald Pruitt, 61, pleaded guilty in March to wire fraud and money laundering.

Judge Ellen Kessler said the theft had betrayed retired firefighters and teachers. She also \
ordered Pruitt to repay $4.27 million in restitution to the pension fund.

He spent the money on a lake house, two boats and gambling trips, prosecutors said.

The theft came to light in 2023 when a new auditor noticed that pension statements did not \
match bank records.
"""
    )
    _, *lines = summary_reply(court.index, "court").lines
    assert lines and not any(line.split()[0] in ("He", "She", "They") for line in lines)


def test_a_passage_the_structure_puts_first_keeps_its_own_score(retriever_of) -> None:
    # "how old is oduya" is led by the sentence giving his age, which the search found too,
    # though not first: its score had read 0 in `ask --json`, as if it had not matched at all.
    signing = retriever_of(signing=SIGNING)
    found = read_answer(signing, "how old is oduya").passages
    assert found[0].highlight_text.startswith("The 23-year-old")
    assert found[0].score > 0


SENTENCING = """Former county treasurer sentenced for diverting $3.2 million

PORTSMOUTH, Virginia (AP) - A former county treasurer who moved more than $3.2 million of \
public money into accounts she controlled was sentenced Thursday to seven years in federal \
prison.

Denise Vandermolen, 58, pleaded guilty in March to wire fraud and filing a false tax return.

Prosecutors had asked for nine years. Her lawyer, Russell Okonkwo, argued for four years, citing \
her lack of a criminal record and her work caring for her mother.

Vandermolen read a short statement before the sentence was announced.
"""


AGROUND = """Cargo ship runs aground off Norwegian coast in storm

BERGEN, Norway (AP) - A cargo ship carrying timber ran aground on rocks off the Norwegian coast \
early Saturday after losing engine power in a storm, and all 14 crew were airlifted to safety.

Police chief Lars Aasen said there was no indication that anyone was drunk or that the ship was \
in poor condition.

One sailor, a 22-year-old deckhand, was treated for a broken wrist; the others were released by \
Sunday afternoon.

The Nordic Tern was built in 2004 in Gdansk.
"""


def test_was_anyone_hurt_finds_the_injury_news_reports(retriever_of) -> None:
    # A reader's probe: "was anyone hurt" bolded "no indication that anyone was drunk".
    ship = retriever_of(aground=AGROUND)
    answer = read_answer(ship, "was anyone hurt")
    assert "broken wrist" in answer.passages[0].highlight_text


def test_how_long_she_got_is_the_term_the_court_gave(retriever_of) -> None:
    # A reader's probe: "how long did she get" bolded the lawyer's "argued for four years".
    court = retriever_of(sentencing=SENTENCING)
    for question in ("how long did she get", "what was her sentence"):
        answer = read_answer(court, question)
        assert "sentenced Thursday to seven years" in answer.passages[0].highlight_text, question


def test_how_old_is_the_animal_whose_age_stands_before_it_is_answered(retriever_of) -> None:
    # A reader's probe: "how old is the orangutan" bolded "A 23-year-old Sumatran orangutan
    # named Kemala escaped ..." but only as the closest, where "how old is kemala" answered.
    zoo = retriever_of(
        orangutan="""Orangutan escapes zoo enclosure and wanders service road for four hours

DAYTON, Ohio (AP) - A 23-year-old Sumatran orangutan named Kemala escaped from her enclosure \
at the Fairhaven Zoo on Tuesday morning and spent nearly four hours on a service road before \
keepers coaxed her back with a bucket of mangoes.

Head keeper Dana Achebe, 46, said the ape had climbed a drainage pipe left by builders.

The zoo, which opened in 1931, said no visitors had been in danger.
"""
    )
    answer = read_answer(zoo, "how old is the orangutan")
    assert answer.outcome == "answer"
    assert answer.passages[0].highlight_text.startswith("DAYTON, Ohio (AP) - A 23-year-old")


def test_how_old_is_the_animal_the_story_calls_by_its_age(retriever_of) -> None:
    zoo = retriever_of(
        zoo="""Red panda recaptured in a garden after two days on the run

ASHCOMBE, Aug 22 (Vale Wire) - A red panda that escaped from Ashcombe Zoo on Monday was \
recaptured unharmed on Wednesday morning in an oak tree in a residential garden, zoo officials \
said.

The three-year-old male, named Bao, was spotted at about 6:50 a.m. by a retired postman who \
was letting his dog out.

Keepers coaxed him down with pieces of apple after about an hour.
"""
    )
    answer = read_answer(zoo, "how old is the panda")
    assert answer.passages[0].highlight_text.startswith("The three-year-old male")
    assert (
        read_answer(zoo, "whats the pandas name")
        .passages[0]
        .highlight_text.startswith("The three-year-old male, named Bao")
    )


STRIKE = """Nordvik Steel workers strike over pay

By Anders Holm

About 3,400 workers at Nordvik Steel walked off the job on Tuesday after talks over a new
contract collapsed, the United Metalworkers union said.

The union is demanding a 9 percent pay raise over two years. The company has offered 4
percent, citing falling steel prices and higher energy costs.

Nordvik chief executive Erik Lund said the company remained open to talks.
"""


def test_who_is_the_writer_named_only_in_the_byline_is_the_byline(retriever_of) -> None:
    steel = retriever_of(strike=STRIKE)
    for question in ("who is anders holm", "who is holm"):
        writer = read_answer(steel, question, doc_ids=["strike"])
        assert writer.answered and writer.reply is not None and writer.reply.kind == "byline"
        assert writer.reply.lines[0] == "By Anders Holm — Nordvik Steel workers strike over pay"
    # Someone the story names is who the story says they are.
    boss = read_answer(steel, "who is erik lund", doc_ids=["strike"])
    assert boss.reply is None and "chief executive Erik Lund" in boss.passages[0].highlight_text


@pytest.mark.parametrize(
    ("byline", "shown"),
    [
        # An attacker's probes: an address first, after a slash, or with a label left
        # "By, John Doe", "By Jane Roe /", "Reporter:", "By Jane Roe (email:)".
        ("By jdoe@gazette.example, John Doe", "By John Doe"),
        ("By Jane Roe / jroe@gazette.example", "By Jane Roe"),
        ("Reporter: jroe@gazette.example", ""),
        ("By Jane Roe (email: jroe@gazette.example)", "By Jane Roe"),
        ("By Jane Roe. Contact: jroe@gazette.example", "By Jane Roe"),
        ("By Jane Roe, reach her at jroe@gazette.example", "By Jane Roe"),
        ("By Tom Ames Jr. tames@gazette.example", "By Tom Ames Jr."),
        ("Lee Park [lee@gazette.example], Staff Writer", "Lee Park, Staff Writer"),
        ("By Jane Roe, Staff Writer", "By Jane Roe, Staff Writer"),
    ],
)
def test_a_byline_loses_its_addresses_and_what_set_them_off(byline: str, shown: str) -> None:
    from articlebot.ingest.cleaning import without_addresses

    assert without_addresses(byline) == shown


def test_the_bot_s_list_of_articles_shows_no_reporter_s_address() -> None:
    from articlebot.bot.render import sources_html
    from articlebot.ingest.documents import Document

    doc = Document("d", "Board votes", "The board voted.", "/srv/d.txt")
    listed = sources_html([dataclasses.replace(doc, byline="By Jane Roe <jroe@gazette.example>")])
    assert "Board votes</b> — By Jane Roe" in listed and "@" not in listed


CLIMBER = """Kyrgyz climber becomes first Central Asian woman to summit all 14 highest peaks

KATHMANDU, Oct. 4 (AFP) - Kyrgyz mountaineer Aizada Toktogulova has become the first woman \
from Central Asia to climb all 14 of the world's mountains higher than 8,000 metres, after \
reaching the summit of Shishapangma in Tibet on Thursday, her expedition organiser said.

Toktogulova, 38, stood on the summit with two Nepali guides, said Chhiring Lama, managing \
director of Sky Ridge Expeditions.

Born in Naryn, Toktogulova worked as an English teacher in Bishkek before turning to \
climbing full-time in 2014.

Her first 8,000-metre peak was Manaslu in Nepal in 2016. She climbed Everest in 2019 and K2 \
in 2022. She used supplementary oxygen on nine of the 14 peaks.

Nurlan Abdyrakhmanov, 55, president of the Kyrgyz Alpine Federation, said her success had \
inspired a new generation of climbers in the mountainous country.
"""

HIKER = """Missing hiker found alive after four nights in Wicklow ravine

GLENDALOUGH, Ireland - A 66-year-old hiker who went missing in the Wicklow Mountains on \
Friday was found alive on Tuesday by a forestry worker who heard him shouting, police said.

Martin Fogarty, a retired postman from Drogheda, had set out alone to walk a 12-kilometre \
loop. His wife raised the alarm that night.

Declan Furlong, 29, the forestry worker, said he heard a faint voice from a ravine.
"""


def test_who_is_the_word_the_headline_uses_is_the_person_the_story_opens_with(
    retriever_of,
) -> None:
    # A blind trial: "who is the climber" of "Kyrgyz climber becomes first ..." was answered
    # by the federation president ("a new generation of climbers"), and "she" then meant him
    # ("how old is she": 55, with confidence).
    articles = retriever_of(climber=CLIMBER, hiker=HIKER)
    answer = read_answer(articles, "who is the climber", ["climber"])
    assert "Aizada Toktogulova" in answer.passages[0].highlight_text
    assert answer.outcome == "answer"
    # Described in the lead and named in the next sentence, as news does.
    for question in ("who was the missing hiker", "who is the hiker?"):
        answer = read_answer(articles, question, ["hiker"])
        assert "Martin Fogarty" in answer.passages[0].highlight_text, question
    # A word the headline does not use is left to the search ("the worker" is Furlong).
    answer = read_answer(articles, "who is the forestry worker", ["hiker"])
    assert "Declan Furlong" in answer.passages[0].highlight_text
    # A verifier's probes: the lead describing two people, the one asked is named beside the
    # word later; another one called so is not; a winner is whom "won" names, not the lead.
    farm = retriever_of(
        farm="Farmer fined after cows trample walker\n\n"
        "A farmer has been fined after his cattle trampled a walker on a footpath near Penrith.\n\n"
        "Susan Pike, 68, a retired teacher, broke three ribs.\n\n"
        "The previous owner of the land, a farmer called Peter Hall, had fenced the path.\n\n"
        "The farmer, John Ellis, 59, of Kirkoswald, admitted failing to keep the cows away.\n",
        race="Surprise winner as favourite drops out of York Marathon\n\n"
        "Kenyan favourite Daniel Kiprop pulled out of the York Marathon at 30 kilometres.\n\n"
        "The race was won by Tom Ashworth, 29, a postman from Harrogate.\n",
    )
    for question in ("who was the farmer", "whos the farmer"):
        answer = read_answer(farm, question, ["farm"])
        assert "John Ellis" in answer.passages[0].highlight_text, question
    answer = read_answer(farm, "who was the winner", ["race"])
    assert "Tom Ashworth" in answer.passages[0].highlight_text
    # A lead naming only someone titled is not about them (a verifier's probe: the judge for
    # "who is the hacker").
    hack = retriever_of(
        hack="Hacker who stole NHS records jailed\n\nA teenager who hacked into NHS computers "
        "was jailed for five years by Judge Mary Stacey on Friday.\n\n"
        "Liam Price, 19, of Luton, sold the records to criminals for about 40,000 pounds.\n"
    )
    answer = read_answer(hack, "who is the hacker")
    assert "Liam Price" in answer.passages[0].highlight_text
    chat = retriever_of(climber=CLIMBER)
    _, turn = ask_in_context(chat, "who is the climber", None)
    age, _ = ask_in_context(chat, "how old is she", turn)
    assert "Toktogulova, 38" in age.passages[0].highlight_text


def test_a_name_only_one_passage_gives_leads_over_the_story_s_main_person(retriever_of) -> None:
    # A blind trial: "when did she climb everest" was answered with confidence by the lead,
    # which names her (as the question did, rewritten), not the passage saying "She climbed
    # Everest in 2019", which calls her "she".
    climber = retriever_of(climber=CLIMBER)
    for question in (
        "when did Toktogulova climb everest",
        "when did Aizada Toktogulova climb Everest",
    ):
        answer = read_answer(climber, question)
        assert "Everest in 2019" in answer.passages[0].highlight_text, question
    _, turn = ask_in_context(climber, "who is Aizada Toktogulova", None)
    answer, _ = ask_in_context(climber, "when did she climb everest", turn)
    assert "Everest in 2019" in answer.passages[0].highlight_text
    # A name the story gives throughout is the search's to weigh.
    answer = read_answer(climber, "where was Toktogulova born")
    assert "Naryn" in answer.passages[0].highlight_text
    # A place named once in passing is not what is asked (a verifier's probe: the lead, the
    # only one naming England, answered "what did Khan say about ... before the England Test").
    cricket = retriever_of(
        cricket="Afridi ruled out of first Test with knee injury\n\n"
        "LAHORE - Shaheen Afridi will miss the first Test against England next month with a "
        "knee injury, the Pakistan Cricket Board said on Monday.\n\n"
        "Afridi has taken 212 wickets in 58 Tests since his debut in 2018.\n\n"
        "Afridi's coach, Rehmat Khan, said the decision was made after a scan showed damage "
        "to his left knee.\n"
    )
    answer = read_answer(cricket, "what did Khan say about Afridi's knee before the England Test")
    assert "Rehmat Khan" in answer.passages[0].highlight_text


def test_a_job_someone_quit_is_their_job(retriever_of) -> None:
    # A blind trial: "what was her job" (of Kayla Sorensen) was answered with confidence by
    # "Sorensen, 31, was back at work", her introduction by age; the lead said "before she
    # quit her job as a dental hygienist".
    care = retriever_of(
        care="County opens its own day care centre\n\n"
        "HOLMQUIST, Minn. - When the town's only day care closed, Kayla Sorensen drove her "
        "children 38 miles each way before she quit her job as a dental hygienist.\n\n"
        "On Monday, Sorensen, 31, was back at work, and her son was among the first 34 "
        "children at the new county centre.\n"
    )
    answer = read_answer(care, "what was Sorensen's job", ["care"])
    assert "dental hygienist" in answer.passages[0].highlight_text


def test_an_article_on_one_long_line_is_read_for_captions_once_a_line(
    retriever_of, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A CLI attacker: a .jsonl article of one 160 KB line took a minute a question, each of
    # its 1,764 sentences searching the whole line for a photo caption.
    from articlebot.retrieval import about

    line = " ".join(
        f"The council met on day {i} and the mayor spoke about item {i}." for i in range(300)
    )
    text = f"Council news\n\n{line}\n\nPhoto: Mark Ellis / Echo\n"
    long = retriever_of(long=text)
    searched: list[int] = []
    caption = about._CAPTION

    class Counted:
        def search(self, *args: object) -> object:
            searched.append(1)
            return caption.search(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(about, "_CAPTION", Counted())
    kept = about.body_sentences(long.index, "long")
    assert len(kept) == 300  # the caption's sentence left out
    assert len(searched) <= text.count("\n") + 1  # not once a sentence

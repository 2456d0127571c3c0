"""Chunking: sentence windows under the model's word-piece limit, with overlap."""

from __future__ import annotations

import itertools

from articlebot.encoders import WordPieceCounter
from articlebot.index.builder import embedding_text
from articlebot.ingest.chunking import ChunkSettings, chunk_document, split_sentences
from articlebot.ingest.cleaning import Span
from articlebot.ingest.documents import Document, parse_plain_text


def test_sentence_split_respects_abbreviations_and_initials() -> None:
    text = (
        'The U.K. and France met. Dr. Smith said "yes." John F. Kennedy agreed! Was it 3.5%? Yes.'
    )
    spans = split_sentences(text, Span(0, len(text)))
    assert [text[s.start : s.end] for s in spans] == [
        "The U.K. and France met.",
        'Dr. Smith said "yes."',
        "John F. Kennedy agreed!",
        "Was it 3.5%?",
        "Yes.",
    ]


def test_a_us_dateline_s_state_does_not_end_the_lead() -> None:
    # "Tenn." had cut the lead in two: answers bolded it from "(April 2)", and the summary and
    # the byline reply read the date as who published it.
    text = "NASHVILLE, Tenn. (AP) — A battery maker will build a plant. It opens in 2027."
    spans = split_sentences(text, Span(0, len(text)))
    assert [text[s.start : s.end] for s in spans] == [
        "NASHVILLE, Tenn. (AP) — A battery maker will build a plant.",
        "It opens in 2027.",
    ]


def test_sentence_split_after_words_that_only_look_like_abbreviations() -> None:
    # "sun." and "no." end sentences ("Sun." and "No. 5" do not); "Kraków." is no initial
    # "w."; a sentence may open with Cyrillic or Spanish's ¿, and end with a full-width "？".
    text = (
        "They walked in the autumn sun. It opens Sun. at noon. They said no. See No. 5 now. "
        "We met in Kraków. Тогда пошёл дождь. Y luego? ¿Quién ganó? Fin？ The end."
    )
    spans = split_sentences(text, Span(0, len(text)))
    assert [text[s.start : s.end] for s in spans] == [
        "They walked in the autumn sun.",
        "It opens Sun. at noon.",
        "They said no.",
        "See No. 5 now.",
        "We met in Kraków.",
        "Тогда пошёл дождь.",
        "Y luego?",
        "¿Quién ganó?",
        "Fin？",
        "The end.",
    ]


def test_a_time_of_day_ends_a_sentence_unless_the_time_goes_on() -> None:
    # A reader's probe: "no earlier than 8:30 a.m. California became the first state ..." was
    # one bold sentence; "a.m. Monday", "p.m. EST", "a.m. Pacific time" go on with the time.
    text = (
        "Schools may start no earlier than 8:30 a.m. California became the first state. "
        "Ovens are lit at 3 a.m. Sam Moretti bakes. It ended at 4 P.M. The next day it went on. "
        "They meet at 9 a.m. Monday in the hall. He landed at 10 a.m. EST and left. "
        "Cuts came shortly after 6 a.m. Pacific time, not later. It began at 11 a.m. Sept. 4 here."
    )
    spans = split_sentences(text, Span(0, len(text)))
    assert [text[s.start : s.end] for s in spans] == [
        "Schools may start no earlier than 8:30 a.m.",
        "California became the first state.",
        "Ovens are lit at 3 a.m.",
        "Sam Moretti bakes.",
        "It ended at 4 P.M.",
        "The next day it went on.",
        "They meet at 9 a.m. Monday in the hall.",
        "He landed at 10 a.m. EST and left.",
        "Cuts came shortly after 6 a.m. Pacific time, not later.",
        "It began at 11 a.m. Sept. 4 here.",
    ]


def test_windows_stay_under_the_limit_and_overlap(count_tokens: WordPieceCounter) -> None:
    sentence = "The council approved a new budget for the harbour district after a long debate."
    body = " ".join(f"{sentence[:-1]} number {i}." for i in range(40))
    doc = parse_plain_text(f"Harbour budget\n{body}\n", "harbour", "harbour.txt")
    settings = ChunkSettings(max_tokens=64, overlap_sentences=1)
    passages = chunk_document(doc, count_tokens, settings).passages
    assert len(passages) > 5
    for passage in passages:
        text = doc.text[passage.start : passage.end]
        assert count_tokens([text])[0] <= 64
        assert count_tokens([embedding_text(doc.title, text)])[0] + 2 <= 256
    for left, right in itertools.pairwise(passages):
        assert right.start < left.end  # one sentence shared with the previous window


def test_an_endless_sentence_is_cut_at_word_boundaries(count_tokens: WordPieceCounter) -> None:
    words = " ".join(f"word{i}" for i in range(600))
    doc = Document("long", "Long", words, "long.txt")
    passages = chunk_document(doc, count_tokens, ChunkSettings(max_tokens=128)).passages
    assert len(passages) > 3
    covered = " ".join(doc.text[p.start : p.end] for p in passages)
    assert "word0 " in covered and covered.endswith("word599")
    for passage in passages:
        assert count_tokens([doc.text[passage.start : passage.end]])[0] <= 128
        assert not doc.text[passage.start].isspace()


def test_short_paragraphs_join_the_next_one(count_tokens: WordPieceCounter) -> None:
    # A subheading in a plain-text file (Markdown and HTML leave theirs out).
    text = "Title\n\nBackground\n\nThe long paragraph that follows the heading has words."
    doc = parse_plain_text(text, "t", "t.txt")
    passages = chunk_document(doc, count_tokens, ChunkSettings()).passages
    assert doc.text[passages[0].start : passages[0].end].startswith("Background")
    assert passages[0].end == len(doc.text.rstrip())


def test_a_closing_credit_is_a_passage_of_its_own(count_tokens: WordPieceCounter) -> None:
    # A new user's wire story: the credit joined the short last paragraph and was shown under
    # its sentence; dropped, "who edited the story?" found nothing (a verifier).
    text = (
        "Bus drivers to strike\n\nAround 350 bus drivers in Carlow will walk out for 48 hours "
        "from next Monday after talks over pay broke down, their union said on Thursday.\n\n"
        "The last strike, in 2017, lasted five days.\n\n"
        "(Reporting by Niamh Doherty; Editing by Mark Potter)\n"
    )
    doc = parse_plain_text(text, "t", "t.txt")
    passages = chunk_document(doc, count_tokens, ChunkSettings()).passages
    shown = [doc.text[p.start : p.end] for p in passages]
    assert shown[-2] == "The last strike, in 2017, lasted five days."
    assert shown[-1] == "(Reporting by Niamh Doherty; Editing by Mark Potter)"
    # However long (a second verifier's probes: these still joined it).
    for credit in (
        "(Reporting by Olena Harmash in Kyiv; additional reporting by Tom Balmforth in London; "
        "Writing by Mark Trevelyan; Editing by Alex Richardson)",
        "(Writing by Mark Trevelyan; Editing by Alex Richardson)",
    ):
        long_doc = parse_plain_text(text.replace(shown[-1], credit), "t", "t.txt")
        long_passages = chunk_document(long_doc, count_tokens, ChunkSettings()).passages
        last = long_passages[-2]
        assert long_doc.text[last.start : last.end] == shown[-2], credit


def test_sentence_splitting_reads_each_boundary_once() -> None:
    # Each boundary read the whole sentence before it: "A. A. A. ..." (abbreviations all,
    # one sentence) or a long run of letters before "!" took 30 s for 64,000 characters.
    import time

    start = time.perf_counter()
    for text in ("A. " * 20_000 + "x", "a" * 60_000 + "! Then"):
        split_sentences(text, Span(0, len(text)))
    # 0.2 s on a 2-core machine; 3 s leaves room for a loaded one, ten times under the 30 s.
    assert time.perf_counter() - start < 3.0

"""Cleaning keeps article text (with exact offsets) and drops page furniture."""

from __future__ import annotations

from articlebot.ingest.cleaning import find_byline, is_furniture, paragraph_spans


def test_advertisement_lines_are_furniture_but_sentences_about_ads_are_not() -> None:
    assert is_furniture("- Advertisement -")
    assert is_furniture("ADVERTISEMENT")
    assert is_furniture("Story continues below advertisement")
    assert is_furniture("* * *")
    assert not is_furniture("The advertisement ran for three weeks before it was pulled.")
    assert not is_furniture("By Abdiwahab Ahmed")


def test_one_paragraph_per_line_without_blank_lines() -> None:
    text = "First para.\n- Advertisement -\nSecond para.\n\n"
    spans = paragraph_spans(text.rstrip("\n"))
    assert [text[s.start : s.end] for s in spans] == ["First para.", "Second para."]


def test_blank_lines_separate_paragraphs_and_single_newlines_wrap() -> None:
    text = "Line one\nwraps here.\n\n  Second paragraph.  \n\nAdvertisement\n\nThird."
    spans = paragraph_spans(text)
    assert [text[s.start : s.end] for s in spans] == [
        "Line one\nwraps here.",
        "Second paragraph.",
        "Third.",
    ]


def test_body_start_skips_the_title() -> None:
    text = "Headline\nBody text."
    spans = paragraph_spans(text, body_start=len("Headline\n"))
    assert [text[s.start : s.end] for s in spans] == ["Body text."]


def test_byline_is_found_at_the_end() -> None:
    assert find_byline("Story.\nMore story.\nBy Jane Doe\nThe Daily") == "By Jane Doe"
    assert find_byline("Nothing of the sort here.") is None

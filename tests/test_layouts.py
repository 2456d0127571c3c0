"""Articles laid out as 36 real outlets lay them out (written by three helpers trying the bot,
and bylines a new user and a verifier wrote, `eval/about_layouts.jsonl`): the title, byline,
outlet and date a reader should be told, as checked by reading each article."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from articlebot.ingest.documents import parse_plain_text
from articlebot.retrieval.about import article_date, byline_reply

LAYOUTS = [
    json.loads(line)
    for line in (Path(__file__).resolve().parents[1] / "eval" / "about_layouts.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


@pytest.mark.parametrize("layout", LAYOUTS, ids=[layout["name"] for layout in LAYOUTS])
def test_each_layout_gets_its_title_byline_outlet_and_date(layout: dict[str, str]) -> None:
    document = parse_plain_text(layout["text"], layout["name"], f"/srv/{layout['name']}.txt")
    lines = byline_reply(document).lines
    assert document.title == layout["title"]
    assert lines[0] == f"{layout['byline']} — {layout['title']}"
    published = [line.removeprefix("Published by: ") for line in lines if "Published by" in line]
    assert published == ([layout["outlet"]] if layout["outlet"] else [])
    assert article_date(document) == layout["date"]

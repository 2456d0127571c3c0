"""Plain-text answers for the terminal (the bot renders the same answers as HTML)."""

from __future__ import annotations

from articlebot.retrieval.results import Answer, ArticleReply, RetrievedPassage

NOT_ANSWERED = "The article doesn't seem to answer that."
CLOSEST_LEAD = "The article doesn't say exactly. Closest:"


def mark_highlight(passage: RetrievedPassage, open_mark: str, close_mark: str) -> str:
    """The passage text with its highlighted sentence wrapped in the given marks."""
    a = passage.highlight.start - passage.start
    b = passage.highlight.end - passage.start
    text = passage.text
    return f"{text[:a]}{open_mark}{text[a:b]}{close_mark}{text[b:]}"


def source_line(passage: RetrievedPassage) -> str:
    """Where a passage comes from: article title and paragraph."""
    return f"— {passage.title}, paragraph {passage.paragraph}"


def format_answer_text(answer: Answer, *, more: bool = False, bold: bool = False) -> str:
    """A readable answer: best passage with its highlight marked, then its source."""
    open_mark, close_mark = ("\033[1m", "\033[0m") if bold else ("**", "**")
    if answer.reply is not None:
        return format_reply_text(answer.reply, open_mark, close_mark)
    if not answer.passages or answer.outcome == "none":
        return NOT_ANSWERED
    shown = answer.passages if more else answer.passages[:1]
    blocks = [CLOSEST_LEAD] if answer.outcome == "closest" and not more else []
    for passage in shown:
        blocks.append(f"{mark_highlight(passage, open_mark, close_mark)}\n{source_line(passage)}")
    if answer.also is not None and not more:
        also = answer.also
        blocks.append(f"Also: {also.highlight_text} {source_line(also)}")
    return "\n\n".join(blocks)


def format_reply_text(reply: ArticleReply, open_mark: str = "**", close_mark: str = "**") -> str:
    """A reply about the article itself: a summary's title marked, one line each."""
    lines = list(reply.lines)
    if reply.kind == "summary" and lines:
        lines[0] = f"{open_mark}{lines[0]}{close_mark}"
    return "\n".join(lines)

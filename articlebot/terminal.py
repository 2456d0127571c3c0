"""Plain-text answers for the terminal (the bot renders the same answers as HTML)."""

from __future__ import annotations

from articlebot.ingest.cleaning import without_furniture
from articlebot.retrieval.results import Answer, ArticleReply, RetrievedPassage

NOT_ANSWERED = "The article doesn't seem to answer that."
CLOSEST_LEAD = "The article may not say exactly. Closest:"
#: The same, when the question was asked of several articles.
NOT_ANSWERED_MANY = "The articles don't seem to answer that."
CLOSEST_LEAD_MANY = "The articles may not say exactly. Closest:"
NO_MORE = "No more passages."


def elsewhere_line(elsewhere: Answer) -> str:
    """The line under an answer the chosen articles do not give, naming another article that
    does (or, not confidently, may)."""
    top = elsewhere.passages[0]
    verb = "answers" if elsewhere.answered else "may answer"
    return f"Another article {verb} that: {top.title} (id {top.doc_id})."


def not_answered(articles: int = 1) -> str:
    """'Not answered', in the number of the articles asked."""
    return NOT_ANSWERED if articles <= 1 else NOT_ANSWERED_MANY


def closest_lead(articles: int = 1) -> str:
    """The lead before a closest passage, in the number of the articles asked."""
    return CLOSEST_LEAD if articles <= 1 else CLOSEST_LEAD_MANY


def shown_parts(passage: RetrievedPassage) -> tuple[str, str, str]:
    """The passage's text before its highlighted sentences, those sentences, and after, as a
    reader is shown them: without the furniture between paragraphs ("- Advertisement -")."""
    a = passage.highlight.start - passage.start
    b = passage.highlight.end - passage.start
    text = passage.text
    before, mark, after = (without_furniture(part) for part in (text[:a], text[a:b], text[b:]))
    return before, mark, after


def said_in_one_line(passage: RetrievedPassage) -> str:
    """The highlighted sentences on one line, where they run on into the next paragraph (the
    Also line), without what stands between."""
    return " ".join(without_furniture(passage.highlight_text).split())


def mark_highlight(passage: RetrievedPassage, open_mark: str, close_mark: str) -> str:
    """The passage text with its highlighted sentence wrapped in the given marks."""
    before, mark, after = shown_parts(passage)
    return f"{before}{open_mark}{mark}{close_mark}{after}"


def source_line(passage: RetrievedPassage) -> str:
    """Where a passage comes from: article title and paragraph."""
    return f"— {passage.title}, {passage.paragraphs()}"


def also_source_line(also: RetrievedPassage, top: RetrievedPassage | None) -> str:
    """Where the Also line comes from: its paragraph when it is in the `top` passage's
    article (whose title is just above), the title too when it is another's."""
    if top is not None and top.doc_id == also.doc_id:
        return f"— {also.paragraphs()}"
    return source_line(also)


def format_answer_text(
    answer: Answer,
    *,
    more: bool = False,
    bold: bool = False,
    shown: int = 1,
    articles: int = 1,
) -> str:
    """A readable answer: the best `shown` passages with their highlight marked and source
    (`more`: all of them), or a reply about the article, or 'not answered'."""
    open_mark, close_mark = ("\033[1m", "\033[0m") if bold else ("**", "**")
    if answer.reply is not None:
        return format_reply_text(answer.reply, open_mark, close_mark)
    if not answer.passages or answer.outcome == "none":
        return not_answered(articles)
    passages = answer.passages if more else answer.passages[: max(shown, 1)]
    lead = [closest_lead(articles)] if answer.outcome == "closest" and not more else []
    also = []
    if answer.also is not None and not more and answer.also not in passages:
        top = answer.passages[0] if answer.passages else None
        said = said_in_one_line(answer.also)
        also = [f"Also: {said} {also_source_line(answer.also, top)}"]
    # Passages of another article than the first's are labelled as such, nothing of them in
    # bold, as `more` and the bot's More show them.
    first = passages[0].doc_id
    shown = [format_passage_of(p, first, bold=bold) for p in passages]
    return "\n\n".join([*lead, *shown, *also])


def format_passages(passages: list[RetrievedPassage], *, bold: bool = False) -> str:
    """Passages with their highlight marked, each followed by its source."""
    open_mark, close_mark = ("\033[1m", "\033[0m") if bold else ("**", "**")
    return "\n\n".join(
        f"{mark_highlight(p, open_mark, close_mark)}\n{source_line(p)}" for p in passages
    )


#: Before a passage `more` shows of another article than the answer's (as the bot's More).
OTHER_ARTICLE_LEAD = "From another article"


def format_passage_of(passage: RetrievedPassage, answer_doc: str, *, bold: bool = False) -> str:
    """A passage shown after an answer from article `answer_doc`: its highlight marked when it
    is of that article, else labelled as another's (`format_other_passage`)."""
    if passage.doc_id == answer_doc:
        return format_passages([passage], bold=bold)
    return format_other_passage(passage)


def format_other_passage(passage: RetrievedPassage) -> str:
    """A passage of another article than the answer's: led by that article's title, and no
    sentence marked, which would read as answering the question."""
    before, mark, after = shown_parts(passage)
    return (
        f"{OTHER_ARTICLE_LEAD}, “{passage.title}”:\n{before}{mark}{after}\n— {passage.paragraphs()}"
    )


def format_reply_text(reply: ArticleReply, open_mark: str = "**", close_mark: str = "**") -> str:
    """A reply about the article itself: a summary's title marked, one line each."""
    lines = list(reply.lines)
    if reply.kind == "summary" and lines:
        lines[0] = f"{open_mark}{lines[0]}{close_mark}"
    return "\n".join(lines)

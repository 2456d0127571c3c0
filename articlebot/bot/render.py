"""Telegram HTML for answers, help and sources. Everything from articles and users is escaped."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape, unescape
from typing import Any

from articlebot.ingest.cleaning import without_addresses
from articlebot.ingest.documents import Document, ids_like
from articlebot.masking import shown_source
from articlebot.retrieval.results import Answer, ArticleReply, RetrievedPassage
from articlebot.terminal import OTHER_ARTICLE_LEAD, closest_lead, said_in_one_line, shown_parts

#: Telegram's limit on a message, in characters after entity parsing.
MAX_MESSAGE_CHARS = 4096
#: A list (of articles, of sources) stops short of the limit by this much, leaving room for
#: its "… and N more." line.
LIST_MARGIN = 100
#: Telegram's limit on callback_data, in bytes.
MAX_CALLBACK_BYTES = 64
#: Room left for one passage with its source line; context around the highlight is cut to fit.
PASSAGE_BUDGET = 1500
#: An article title as shown anywhere (titles come from pages and files: some run to pages).
MAX_TITLE_CHARS = 200
#: A byline or a source link's text as shown in lists.
MAX_LINE_CHARS = 200
#: Telegram's limits on an inline result's title and description (in practice).
MAX_INLINE_TITLE_CHARS = 120
MAX_INLINE_DESCRIPTION_CHARS = 200
_TAG = re.compile(r"<[^>]*>")

#: The runner-up's sentence on the "Also:" line is cut to this.
MAX_ALSO_CHARS = 600
NOT_ANSWERED_HTML = (
    "I couldn't find that in the article. Try asking it another way, or see /help for what I know."
)
NOT_ANSWERED_MANY_HTML = (
    "I couldn't find that in the articles. Try asking it another way, or see /help for what I know."
)


#: The reply to anything asked of an index without articles (all of them removed).
NO_ARTICLES = "No articles are indexed yet."


def not_answered_inline(question: str, articles: int = 1) -> str:
    """'Not found' as an inline result sends it into another chat: the question asked, and that
    the article (or articles) the bot has do not answer it; plain text."""
    where = "the article" if articles <= 1 else "the articles"
    asked = clip(" ".join(question.split()), MAX_INLINE_TITLE_CHARS)
    return f"“{asked}”: not answered in {where} I have."


def not_answered_html(articles: int = 1) -> str:
    """'Not found', in the number of the articles asked."""
    return NOT_ANSWERED_HTML if articles <= 1 else NOT_ANSWERED_MANY_HTML


@dataclass(frozen=True, slots=True)
class Button:
    """An inline keyboard button (kept free of PTB types so rendering stays pure)."""

    text: str
    callback_data: str


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)] + "…"


def said_back(text: str) -> str:
    """A user's words as a reply repeats them: without format characters (Unicode Cf:
    direction overrides, zero-width spaces), one left open turns the rest of the line around."""
    return "".join(char for char in text if not is_invisible(char))


def stripped_input(text: str) -> str:
    """What a user typed without format characters (Cf: a direction override, a zero-width
    space), lone surrogates and the spaces around it: "arti\u200bcle" is the id "article" it
    shows as, and input made only of them is empty."""
    kept = "".join(char for char in text if not is_invisible(char)).strip()
    # Joiners with no word around them join nothing: "\u200d" alone is no question either.
    return kept if kept.strip(f"{_JOINER_CHARS} \t\n") else ""


#: Format characters that join letters inside a word (Persian's and Hindi's zero-width
#: non-joiner, an emoji sequence's joiner): part of what is written, no direction's override.
_JOINER_CHARS = "\u200c\u200d"
_JOINERS = frozenset(_JOINER_CHARS)


#: Letters that show as nothing: Hangul fillers, the blank Braille pattern, the grapheme
#: joiner, Khmer's inherent vowels and the variation selectors, sent as
#: "empty" messages (a bot attacker's "\u3164" was answered as a foreign language).
_BLANK_LETTERS = frozenset(
    "\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5"
    "\ufe00\ufe01\ufe02\ufe03\ufe04\ufe05\ufe06\ufe07\ufe08\ufe09\ufe0a\ufe0b\ufe0c\ufe0d\ufe0e\ufe0f"
)


def is_invisible(char: str) -> bool:
    """Whether `char` is a format character (Unicode Cf) other than a joiner within a word,
    half of a surrogate pair alone (Cs: half an emoji, no character at all), or a letter that
    shows as nothing (`_BLANK_LETTERS`)."""
    category = unicodedata.category(char)
    return category == "Cs" or (category == "Cf" and char not in _JOINERS) or char in _BLANK_LETTERS


def visible_length(html_text: str) -> int:
    """The length Telegram counts for a message: its text after entity parsing, in UTF-16
    code units."""
    plain = unescape(_TAG.sub("", html_text))
    return len(plain.encode("utf-16-le")) // 2


def fits(html_text: str) -> bool:
    """Whether a rendered message is within Telegram's limit."""
    return visible_length(html_text) <= MAX_MESSAGE_CHARS


def counted(n: int | str, noun: str) -> str:
    """`n` and the noun, plural unless `n` is 1 ("1 passage", "3 passages", "? passages")."""
    return f"{n} {noun}" if str(n) == "1" else f"{n} {noun}s"


def plain_fit(text: str) -> str:
    """A plain-text message cut to Telegram's limit in UTF-16 code units (an echo of what a
    user typed may run to thousands of emoji)."""
    while len(text.encode("utf-16-le")) // 2 > MAX_MESSAGE_CHARS:
        text = clip(text, len(text) * 9 // 10)
    return text


def title_html(title: str, limit: int = MAX_TITLE_CHARS) -> str:
    """An article title, cut to `limit` characters and escaped."""
    return escape(clip(title, limit))


def _clip_around(text: str, a: int, b: int, budget: int) -> tuple[str, str, str]:
    """Split text into (before, highlight, after), trimming the context to `budget` chars."""
    before, mark, after = text[:a], text[a:b], text[b:]
    if len(mark) > budget:
        return "", mark[: budget - 1] + "…", ""
    room = budget - len(mark)
    if len(before) + len(after) > room:
        keep_before = min(len(before), room // 2)
        keep_after = min(len(after), room - keep_before)
        keep_before = min(len(before), room - keep_after)
        before = (
            ("…" + before[len(before) - keep_before + 1 :]) if keep_before < len(before) else before
        )
        after = (after[: max(keep_after - 1, 0)] + "…") if keep_after < len(after) else after
    return before, mark, after


def passage_html(
    passage: RetrievedPassage, budget: int = PASSAGE_BUDGET, title_chars: int = MAX_TITLE_CHARS
) -> str:
    """A passage with its highlighted sentence in bold, and where it comes from."""
    before, mark, after = shown_parts(passage)
    before, mark, after = _clip_around(
        before + mark + after, len(before), len(before) + len(mark), budget
    )
    body = f"{escape(before)}<b>{escape(mark)}</b>{escape(after)}"
    return f"{body}\n<i>— {title_html(passage.title, title_chars)}, {passage.paragraphs()}</i>"


def answer_html(answer: Answer, articles: int = 1, budget: int = PASSAGE_BUDGET) -> str:
    """The reply to a question asked of `articles` articles: what the article itself says when
    asked about it, the best passage (about `budget` characters of it), the closest one said
    to be only that, or a short 'not in the article(s)'; with no article at all, that."""
    if articles == 0:
        # Every article removed: nothing could answer, rephrased or not.
        return NO_ARTICLES
    if answer.reply is not None:
        return reply_html(answer.reply)
    if not answer.passages or answer.outcome == "none":
        return not_answered_html(articles)
    html = led_passage_html(answer.passages[0], answer.outcome == "closest", articles, budget)
    if answer.also is not None:
        also = answer.also
        # The title only when it is another article's: the same one's is just above.
        where = also.paragraphs()
        if also.doc_id != answer.passages[0].doc_id:
            where = f"{title_html(also.title)}, {where}"
        said = said_in_one_line(also)
        line = f"<b>Also:</b> {escape(clip(said, MAX_ALSO_CHARS))} <i>— {where}</i>"
        # Characters beyond the Basic Multilingual Plane (emoji) count twice in Telegram's
        # limit: a passage and an Also line full of them may not fit together.
        if fits(f"{html}\n\n{line}"):
            html = f"{html}\n\n{line}"
    return html


def led_passage_html(
    passage: RetrievedPassage, closest: bool, articles: int = 1, budget: int = PASSAGE_BUDGET
) -> str:
    """A passage (about `budget` characters of it) as an answer shows it: when it is only the
    closest one, said to be that first."""
    html = passage_html(passage, budget)
    return f"{escape(closest_lead(articles), quote=False)}\n{html}" if closest else html


def inline_description(passage: RetrievedPassage, closest: bool, articles: int = 1) -> str:
    """An inline result's line under its title: where the passage is from, after the closest
    one's lead."""
    where = f"{passage.title}, {passage.paragraphs()}"
    return clip(
        f"{closest_lead(articles)} {where}" if closest else where, MAX_INLINE_DESCRIPTION_CHARS
    )


def reply_html(reply: ArticleReply) -> str:
    """A reply about the article itself, one line each (a summary's title in bold), escaped
    and cut to fit one message."""
    lines = [escape(clip(line, PASSAGE_BUDGET)) for line in reply.lines]
    if reply.kind == "summary" and lines:
        lines[0] = f"<b>{escape(clip(reply.lines[0], MAX_TITLE_CHARS))}</b>"
    # A summary's sentences are paragraphs; any other reply (a byline, a date) is one block.
    join = "\n\n" if reply.kind == "summary" else "\n"
    text = join.join(lines)
    while not fits(text) and len(lines) > 1:  # never more than one message
        lines.pop()
        text = join.join(lines)
    return text


def more_html(passages: Sequence[RetrievedPassage], elsewhere: Sequence[bool] = ()) -> str:
    """Further passages, numbered, within one message; those `elsewhere` marks (of another
    article than the answer's) said to be from that article, by its title."""
    if not passages:
        return "That was everything I found."
    # Each passage's share of the message pays for its number, its text and its title line.
    share = (MAX_MESSAGE_CHARS - 100) // len(passages)
    title_chars = max(16, min(MAX_TITLE_CHARS, share // 3))
    parts = []
    # Another article's lead ("From another article, “Title”:") pays for its words too.
    other_title_chars = max(16, min(MAX_TITLE_CHARS, (share - len(OTHER_ARTICLE_LEAD)) // 3))
    for number, passage in enumerate(passages, start=2):
        other = number - 2 < len(elsewhere) and elsewhere[number - 2]
        if other:
            title = clip(passage.title, other_title_chars)
            said = len(f"{OTHER_ARTICLE_LEAD}, “{title}”:\n\n— {passage.paragraphs()}")
        else:
            said = len(f"\n— {clip(passage.title, title_chars)}, {passage.paragraphs()}")
        budget = max(16, min(PASSAGE_BUDGET, share - said - len(f"{number}. ") - 2))
        shown = (
            other_article_html(passage, budget, other_title_chars)
            if other
            else passage_html(passage, budget, title_chars)
        )
        parts.append(f"{number}. {shown}")
    text = "\n\n".join(parts)
    while not fits(text) and len(parts) > 1:  # the budget errs; never the message
        parts.pop()
        text = "\n\n".join(parts)
    return text


def other_article_html(
    passage: RetrievedPassage, budget: int = PASSAGE_BUDGET, title_chars: int = MAX_TITLE_CHARS
) -> str:
    """A passage of another article than the answer's: led by that article's title, and no
    sentence in bold, which would read as answering the question."""
    before, mark, after = shown_parts(passage)
    before, mark, after = _clip_around(
        before + mark + after, len(before), len(before) + len(mark), budget
    )
    lead = f"<i>{OTHER_ARTICLE_LEAD}, “{title_html(passage.title, title_chars)}”:</i>"
    return f"{lead}\n{escape(before + mark + after)}\n<i>— {passage.paragraphs()}</i>"


def paragraph_html(document: Document, start: int, end: int, paragraph: int) -> str:
    """A whole paragraph of an article, clipped to fit one message."""
    text = clip(document.text[start:end], MAX_MESSAGE_CHARS - 300)
    source = f"\n<i>— {title_html(document.title)}, paragraph {paragraph}</i>"
    while not fits(escape(text) + source):  # characters outside the BMP count twice
        text = clip(text, len(text) * 9 // 10)
    return escape(text) + source


#: The part of /help only the bot's admins are shown: what they alone may do.
ADMIN_HELP_HTML = (
    "<b>For admins</b>: /add LINK (or a link sent to me) adds an article, and so does a .txt, "
    ".md or .html file sent to me here; /remove ID drops one (/articles shows the ids); /stats "
    "says what is served and how many questions were answered."
)


def help_html(documents: Sequence[Document], bot_username: str, admin: bool = False) -> str:
    """What the bot knows and how to ask it, in private and in groups; for one of its admins
    (`admin`), also what only they may do."""
    # Ten titles, fewer when theirs would not fit (emoji count twice toward the limit).
    for shown in range(min(len(documents), 10), -1, -1):
        text = _help_html(documents, shown, bot_username)
        if admin:
            text += f"\n\n{ADMIN_HELP_HTML}"
        if fits(text):
            break
    return text


def _help_html(documents: Sequence[Document], shown: int, bot_username: str) -> str:
    titles = "\n".join(f"• {title_html(doc.title)}" for doc in documents[:shown])
    if len(documents) > shown:
        titles += f"\n… and {len(documents) - shown} more (/source)"
    at = f"@{escape(bot_username)}" if bot_username else "the bot"
    known = (
        f"I answer questions about these articles with the passage that answers them:\n{titles}"
        if documents
        else "I answer questions about news articles with the passage that answers them, but I "
        "have none yet: an admin adds them (/add, or a link sent to me)."
    )
    return (
        f"{known}\n\n"
        "<b>In a private chat</b> just send your question.\n"
        f"<b>In a group</b> use /ask your question, mention me ({at} your question), or reply "
        "to one of my messages.\n"
        f"<b>Anywhere</b> type {at} followed by a question to share an answer inline.\n\n"
        "Under each answer, <i>More</i> shows further passages and <i>Paragraph</i> the whole "
        "paragraph. /source lists the articles, /summary gives one in a few sentences; ask "
        '"who wrote this?" for its author.'
    )


def fit_lines(lines: Sequence[str], room: int = MAX_MESSAGE_CHARS - LIST_MARGIN) -> str:
    """The lines, one per row, as many as fit in `room` visible characters, then how many more
    there are."""
    shown: list[str] = []
    used = 0
    for line in lines:
        if used + visible_length(line) > room:
            shown.append(f"… and {len(lines) - len(shown)} more.")
            break
        shown.append(line)
        used += visible_length(line) + 1
    return "\n".join(shown)


def no_article_line(wanted: str, visible: Sequence[str]) -> str:
    """The reply to an id no article (the chat may see) has: with the ids it may mean."""
    like = ids_like(wanted, visible)
    hint = f" Did you mean {' or '.join(like)}?" if like else ""
    # A link pasted for an id: no password.
    shown = clip(shown_source(said_back(wanted)), MAX_LINE_CHARS)
    return f"There is no article with id {shown}.{hint} /articles lists them."


def sources_html(documents: Sequence[Document]) -> str:
    """The indexed articles: title, byline and link or file."""
    if not documents:
        return NO_ARTICLES
    lines = []
    for doc in documents:
        line = f"• <b>{title_html(doc.title)}</b>"
        # A reporter's address is the paper's to print, not a chat list's.
        if byline := without_addresses(doc.byline or ""):
            line += f" — {escape(clip(byline, MAX_LINE_CHARS))}"
        if doc.source.startswith(("http://", "https://")):
            shown = shown_source(doc.source)
            link = escape(clip(said_back(shown), MAX_LINE_CHARS))
            line += f'\n  <a href="{escape(shown, quote=True)}">{link}</a>'
        lines.append(line)
    return fit_lines(lines)


@dataclass(frozen=True, slots=True)
class ArticleLine:
    """One indexed article as /articles lists it."""

    doc_id: str
    title: str
    passages: str
    added: str
    where: str
    in_use: bool


def article_pages(articles: Sequence[ArticleLine], hint: str) -> list[list[str]]:
    """/articles's lines (each article with its id, size, date and source), cut into pages
    that fit a message with `hint` and the page line under them."""
    lines = [
        f"• <b>{title_html(a.title)}</b>{' (in use)' if a.in_use else ''}\n"
        f"  <code>{escape(a.doc_id)}</code> · {escape(counted(a.passages, 'passage'))} · "
        f"added {escape(a.added)}\n  {escape(clip(said_back(a.where), MAX_LINE_CHARS))}"
        for a in articles
    ]
    room = MAX_MESSAGE_CHARS - LIST_MARGIN - visible_length(f"\n\n{escape(hint)}")
    return _pages(lines, room - PAGE_NOTE_ROOM) if lines else []


def articles_html(
    articles: Sequence[ArticleLine], hint: str, page: int = 1, matching: str = ""
) -> str:
    """/articles: a page of `article_pages`, then `hint`; `matching` names the words the list
    was narrowed to."""
    footer = f"\n\n{escape(hint)}"
    matching = said_back(matching)
    pages = article_pages(articles, hint)
    if not pages:
        what = (
            f"No article's title or id has “{escape(clip(matching, MAX_TITLE_CHARS))}”."
            if matching
            else "No articles are indexed."
        )
        return what + footer
    if len(pages) == 1 and page == 1:
        return "\n".join(pages[0]) + footer
    # The next page's command, to copy; words too long to repeat are left to the asker.
    words = escape(matching)
    command = f"/articles {words} " if matching else "/articles "
    if visible_length(command) > PAGE_NOTE_ROOM // 2:
        command = "/articles (the same words) "
    if not 1 <= page <= len(pages):
        return (
            f"There {'is' if len(pages) == 1 else 'are'} {counted(len(pages), 'page')} of "
            f"articles; {command}1 is the first.{footer}"
        )
    note = f"Page {page} of {len(pages)}, {counted(len(articles), 'article')}."
    if page < len(pages):
        note += f" Next: {command}{page + 1}"
    return "\n".join(pages[page - 1]) + f"\n\n{note}" + footer


#: Room (UTF-16 units) kept on each /articles page for its "Page 2 of 9, 300 articles. Next:
#: /articles WORDS 3" line, the words at most half of it.
PAGE_NOTE_ROOM = 400


def _pages(lines: Sequence[str], room: int) -> list[list[str]]:
    """The lines cut into pages of at most `room` visible characters (a line longer than a
    page is a page of its own; the list's lines are clipped well under one)."""
    pages: list[list[str]] = [[]]
    used = 0
    for line in lines:
        length = visible_length(line)
        if pages[-1] and used + length > room:
            pages.append([])
            used = 0
        pages[-1].append(line)
        used += length + 1
    return pages


def stats_text(
    documents: int, passages: int, answered: int, closest: int, not_answered: int
) -> str:
    """/stats: what is served, and how many questions since start were answered, offered only
    the closest passage, or not in the articles."""
    return (
        f"{counted(documents, 'document')}, {counted(passages, 'passage')}. "
        f"Since start: {answered} answered, {closest} offered the closest passage, "
        f"{not_answered} not in the articles."
    )


#: How a More button's data begins (a Paragraph button's "p:").
_MORE_DATA = "m:"


def is_more_data(data: object) -> bool:
    """Whether a button's callback data is a More button's (`answer_buttons`)."""
    return isinstance(data, str) and data.startswith(_MORE_DATA)


def answer_buttons(answer: Answer, articles: Mapping[str, Mapping[str, Any]]) -> list[Button]:
    """'More' (the next passages) and 'Paragraph' (around the best one) for an answer.

    A button names each passage by its article's content (`articles`: the manifest's metadata
    by doc_id, with its "hash") and where it starts, so it still works after other articles
    are added or removed, and goes stale only when its own article changes."""
    if answer.outcome == "none" or not answer.passages:
        return []
    refs = [_passage_ref(p, articles) for p in answer.passages]
    buttons = []
    rest = [ref for ref in refs[1:] if ref]
    if rest:
        # The answer's article first, by its key alone: More says which passages are another's.
        first = [refs[0].partition(".")[0]] if refs[0] else []
        while True:
            data = f"{_MORE_DATA}{'~'.join(first + rest)}"
            if len(data.encode()) <= MAX_CALLBACK_BYTES or len(rest) == 1:
                break
            rest.pop()
        buttons.append(Button("More", data))
    if refs[0]:
        # Where the bold sentence starts: the paragraph shown is the one the answer names, not
        # the first of a passage that joined a short paragraph to a long one.
        at = answer.passages[0].highlight.start
        buttons.append(Button("Paragraph", f"p:{refs[0]}@{at}"))
    return buttons


#: Characters of an article's content hash that name it in a button (2^32 to one against two
#: articles of an index sharing them).
ARTICLE_KEY_CHARS = 8


def _passage_ref(passage: RetrievedPassage, articles: Mapping[str, Mapping[str, Any]]) -> str:
    content = str(articles.get(passage.doc_id, {}).get("hash") or "")
    if passage.row < 0 or len(content) < ARTICLE_KEY_CHARS:
        return ""
    return f"{content[:ARTICLE_KEY_CHARS]}.{passage.start}"


@dataclass(frozen=True, slots=True)
class CallbackAction:
    """A parsed button press: its passages, each as (article key, where it starts)."""

    kind: str  # "more" or "paragraph"
    passages: tuple[tuple[str, int], ...]
    #: Where the answer's bold sentence starts, for "paragraph" (None in older buttons).
    at: int | None = None
    #: The key of the answer's article, for "more" (None in older buttons).
    answer: str | None = None

    def elsewhere(self) -> list[bool]:
        """Whether each passage is of another article than the answer's (none known: no)."""
        return [self.answer is not None and key != self.answer for key, _ in self.passages]


_REF = re.compile(rf"([0-9a-f]{{{ARTICLE_KEY_CHARS}}})\.(\d{{1,10}})")
_KEY = re.compile(rf"[0-9a-f]{{{ARTICLE_KEY_CHARS}}}")
_OFFSET = re.compile(r"\d{1,10}")


def parse_callback(data: str | None) -> CallbackAction | None:
    """Parse callback_data made by `answer_buttons`; None for anything else."""
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        return None
    kind, _, body = data.partition(":")
    if kind not in {"m", "p"} or not body:
        return None
    at = None
    if kind == "p" and "@" in body:
        body, _, offset = body.partition("@")
        if not _OFFSET.fullmatch(offset):
            return None
        at = int(offset)
    items = body.split("~")
    answer = items.pop(0) if kind == "m" and _KEY.fullmatch(items[0]) else None
    refs = [_REF.fullmatch(ref) for ref in items]
    if not refs or any(ref is None for ref in refs) or (kind == "p" and len(refs) != 1):
        return None
    passages = tuple((ref[1], int(ref[2])) for ref in refs if ref is not None)
    return CallbackAction("more" if kind == "m" else "paragraph", passages, at, answer)

"""Which channel post a message in a discussion group is about.

A channel's post reaches its linked discussion group as an automatic forward; readers' comments
under the post are a thread there, rooted at that forward: each comment's message_thread_id is
the forward's message id, and a comment that replies to nobody in particular replies to the
forward itself. Pure: PTB messages in, values out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from telegram import Message, MessageOriginChannel

from articlebot.bot.render import stripped_input
from articlebot.ingest.posts import PostRef

#: The commands answered under a post from its article; others go to the usual handlers.
THREAD_COMMANDS = ("ask", "summary")
_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,64})(?:@([A-Za-z0-9_]{3,32}))?(?:\s+(.*))?$", re.S)


@dataclass(frozen=True, slots=True)
class Thread:
    """A comment thread: the discussion group, the forward it hangs under, and the post."""

    chat_id: int
    root_id: int
    post: PostRef


def forwarded_post(message: Message) -> PostRef | None:
    """The channel post an automatic forward in a discussion group copies; None for any other
    message (a member forwarding a channel's post by hand is not the channel's thread)."""
    origin = message.forward_origin
    if not message.is_automatic_forward or not isinstance(origin, MessageOriginChannel):
        return None
    return PostRef(origin.chat.id, origin.message_id, origin.chat.username)


def thread_root(message: Message) -> int | None:
    """The message id of the thread's first message, for a message in a reply thread of a
    group that is not a forum (in a forum the thread is a topic, not a post's comments)."""
    if message.is_topic_message or message.chat.is_forum:
        return None
    replied = message.reply_to_message
    if message.message_thread_id is not None:
        return message.message_thread_id
    if replied is not None:
        return replied.message_thread_id or replied.message_id
    return None


def thread_of(message: Message, roots: Mapping[int, PostRef]) -> Thread | None:
    """The post thread `message` is in: from the forward it replies to, or from its thread's
    root among the automatic forwards seen in this group (`roots`: forward id -> post)."""
    if message.is_automatic_forward:
        return None  # the post itself, not a comment on it
    replied = message.reply_to_message
    if replied is not None:
        post = forwarded_post(replied)
        if post is not None:
            return Thread(message.chat.id, replied.message_id, post)
    root = thread_root(message)
    if root is None:
        return None
    post = roots.get(root)
    return Thread(message.chat.id, root, post) if post is not None else None


@dataclass(frozen=True, slots=True)
class Asked:
    """What a message under a post asks of the bot: a question, or a command of its own."""

    question: str
    #: "ask" or "summary" for those commands, None for a question without one.
    command: str | None = None


def said(message: Message) -> tuple[str, list[str]]:
    """A message's words (its text, or a photo's caption) and the @mentions among them; ("",
    []) for a sticker or a photo without a caption."""
    if message.text is not None:
        return message.text, list(message.parse_entities(["mention"]).values())
    if message.caption is not None:
        return message.caption, list(message.parse_caption_entities(["mention"]).values())
    return "", []


def mentions_bot(mentions: list[str], username: str) -> bool:
    """Whether `mentions` (as `said` gives them) name the bot."""
    return bool(username) and any(m.lower() == f"@{username.lower()}" for m in mentions)


def without_mention(text: str, username: str) -> str:
    """`text` without the bot's @name, wherever it stands."""
    return stripped_input(re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE))


def question_in_thread(message: Message, bot_id: int, username: str) -> Asked | None:
    """What a message in a post's thread asks the bot, or None when it is not for the bot:
    /ask (its question may be empty), /summary, a mention, a reply to the bot's message, or a
    question (ending in "?") replying to the post itself."""
    if message.is_automatic_forward:
        return None  # the post itself, which may name the bot ("ask @bot in the comments")
    words, mentions = said(message)
    text = stripped_input(words)
    if not text:
        return None  # a sticker or a photo replying to the bot asks nothing, as in groups
    command = _COMMAND.match(text)
    if command is not None:
        name, addressee, rest = command.group(1).lower(), command.group(2), command.group(3)
        if addressee is not None and addressee.lower() != username.lower():
            return None  # another bot's command
        return Asked(stripped_input(rest or ""), name) if name in THREAD_COMMANDS else None
    mentioned = mentions_bot(mentions, username)
    if mentioned:
        # Left in, the bot's own name was searched with the question, in a reply to it too.
        text = without_mention(text, username)
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return Asked(text)
    if mentioned:
        return Asked(text)
    if replied is not None and replied.is_automatic_forward and text.endswith("?"):
        return Asked(text)
    return None

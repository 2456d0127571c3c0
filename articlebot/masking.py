"""Secrets kept out of messages: a URL's password, the bot token, as pure functions."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

#: A password given as a URL parameter (libpq's `?password=...`).
PASSWORD_PARAMETER = re.compile(r"(?i)(password=)[^&]*")


def masked_url(url: str) -> str:
    """`url` with any password (in the user part or a `password=` parameter) replaced by ***,
    fit for messages and logs. The host part is kept as written: libpq accepts several hosts
    and ports that `urlsplit` cannot parse."""
    try:
        parts = urlsplit(url)
    except ValueError:  # "postgresql://bob:pw@[::1/db": no URL to Python, a password still
        head, sep, rest = url.partition("://")
        userinfo, at, hosts = rest.rpartition("@")
        if at and ":" in userinfo:
            url = f"{head}{sep}{userinfo.partition(':')[0]}:***@{hosts}"
        return PASSWORD_PARAMETER.sub(r"\1***", url)
    userinfo, at, hosts = parts.netloc.rpartition("@")
    if at and ":" in userinfo:
        parts = parts._replace(netloc=f"{userinfo.partition(':')[0]}:***@{hosts}")
    return urlunsplit(parts._replace(query=PASSWORD_PARAMETER.sub(r"\1***", parts.query)))


def without_password(message: str, url: str) -> str:
    """`message` (an error's text, which may quote `url`) with `url`'s passwords, as written
    and decoded, replaced by ***, on one line."""
    passwords = [_password(url), *(m.group(0)[9:] for m in PASSWORD_PARAMETER.finditer(url))]
    for secret in {p for password in passwords for p in (password, unquote(password))} - {""}:
        message = message.replace(secret, "***")
    return " ".join(message.split())


def _password(url: str) -> str:
    try:
        netloc = urlsplit(url).netloc
    except ValueError:  # a malformed host ("[::1/db"): the user part is still before the @
        netloc = url.partition("://")[2]
    userinfo, at, _ = netloc.rpartition("@")
    return userinfo.partition(":")[2] if at else ""


REDACTED = "<redacted-token>"


def _char_pattern(char: str) -> str:
    """`char` as it may appear in a log line: itself, percent-encoded (once or twice) or as an
    HTML character reference."""
    code = ord(char)
    forms = [re.escape(char)]
    if code < 0x80:
        forms += [f"%{code:02x}", f"%25{code:02x}", f"&#{code};", f"&#x{code:x};"]
    return "(?:" + "|".join(forms) + ")"


#: BotFather's secrets are 35 characters; one this short is matched alone too.
MIN_SECRET_ALONE = 8


def token_pattern(token: str) -> re.Pattern[str]:
    """Matches the token, or its secret part after the colon alone, in any of the encodings a
    URL or an echoed error page may give it. A secret shorter than `MIN_SECRET_ALONE` is
    matched only with the bot's number before it: alone, "t" of "5:t" is in every word."""
    secret = token.split(":", 1)[-1]
    alone = secret and secret != token and len(secret) >= MIN_SECRET_ALONE
    parts = [token, secret] if alone else [token]
    return re.compile(
        "|".join("".join(_char_pattern(c) for c in part) for part in parts), re.IGNORECASE
    )


def without_token(text: str, token: str) -> str:
    """`text` with every form of the bot `token` (`token_pattern`) replaced by REDACTED."""
    return token_pattern(token).sub(REDACTED, text) if token else text

"""Secrets kept out of messages: a URL's password, as pure functions."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

#: A password given as a URL parameter (libpq's `?password=...`).
PASSWORD_PARAMETER = re.compile(r"(?i)(password=)[^&]*")


def masked_url(url: str) -> str:
    """`url` with any password (in the user part or a `password=` parameter) replaced by ***,
    fit for messages and logs. The host part is kept as written: libpq accepts several hosts
    and ports that `urlsplit` cannot parse."""
    parts = urlsplit(url)
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
    userinfo, at, _ = urlsplit(url).netloc.rpartition("@")
    return userinfo.partition(":")[2] if at else ""

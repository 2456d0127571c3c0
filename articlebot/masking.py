"""Secrets kept out of messages: a URL's password, the bot token, as pure functions."""

from __future__ import annotations

import re
from urllib.parse import unquote

#: A URL's parameter: its name after ? & ; # or a space, its value up to the next & or # (a
#: database URL's password may hold spaces); in a libpq keyword string, up to a space.
_PARAMETER = re.compile(r"(?:(?<=[?&;#\s])|^)(?P<name>[^=&#?;\s]+)=(?P<value>[^&#]*)")
_KEYWORD = re.compile(r"(?:(?<=[?&;#\s])|^)(?P<name>[^=&#?;\s]+)=(?P<value>[^&#\s]*)")
#: Words of a parameter's name that make it a secret: a password (libpq's `?password=`), or a
#: link's key or token (who holds the link holds the page).
_SECRET_WORDS = frozenset({
    "password", "sslpassword", "passwd", "pwd", "token", "secret", "key", "apikey", "sig",
    "signature", "credential", "credentials", "auth", "jwt", "hmac", "session", "sessionid",
    "jsessionid", "sid", "authorization", "phpsessid",
})  # fmt: skip
#: Names that are a secret only alone: "?code=" is an OAuth grant, "?pass=" a password, but
#: "zip_code", "season_pass", "ticket_id", "cookie_consent" and "otp_mode" are no secrets.
_SECRET_NAMES = frozenset({"code", "pass", "ticket", "cookie", "otp"})
#: Whole names ending so, written as one word: "accesstoken", "clientsecret", WordPress's
#: "_wpnonce" (a logged-in editor's token for the action the link does).
_SECRET_ENDINGS = ("token", "secret", "password", "passwd", "apikey", "signature", "nonce")
#: Last words that say what a secret is, not the secret: "token_type=bearer", "sig_figs=3".
_ABOUT_A_SECRET = frozenset({
    "type", "types", "count", "figs", "length", "size", "format", "algorithm", "method",
    "version", "expires", "expiry", "hint",
})  # fmt: skip
_NAME_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
#: Where a URL parser may end a password or a host.
_SEPARATORS = re.compile(r"[@:?/#]")


def shown_source(source: str) -> str:
    """An article's source as shown to anyone: a link's password masked, in its user part (an
    index written before links were kept without theirs may still hold one) or a parameter
    (`password=`, `token=`, `api_key=`: masked in every error about the link too)."""
    if "@" in source or _secret_parameters(source):
        return masked_url(source)
    return source


def _is_secret_name(name: str) -> bool:
    """Whether a parameter's name (as written, percent-encoded or not) names a secret: one of
    its words, between "-", "_", ".", brackets or a capital, is a secret's ("X-Amz-Signature",
    "client_secret", "accessToken", "auth[token]"), or it ends in one ("accesstoken"); not
    "monkey", "keyword", "tokens", nor "token_type"."""
    plain = unquote(name)
    words = [w.lower() for w in _NAME_WORD.findall(plain)]
    if not words or words[-1] in _ABOUT_A_SECRET:
        return False
    whole = re.sub(r"[^a-z0-9]", "", plain.lower())
    return (
        bool(_SECRET_WORDS.intersection(words))
        or whole.endswith(_SECRET_ENDINGS)
        or whole in _SECRET_NAMES
    )


def _parameters(url: str) -> re.Pattern[str]:
    """How `url`'s parameters are written: a URL's, or a libpq keyword string's."""
    return _PARAMETER if "://" in url else _KEYWORD


def _secret_parameters(url: str) -> list[re.Match[str]]:
    """The parameters of `url` whose names name a secret."""
    return [m for m in _parameters(url).finditer(url) if _is_secret_name(m.group("name"))]


def _without_secret_values(url: str, mask: str = "") -> str:
    """`url` with each secret parameter's value replaced by `mask`."""
    return _parameters(url).sub(
        lambda m: f"{m.group('name')}={mask}" if _is_secret_name(m.group("name")) else m.group(0),
        url,
    )


def masked_url(url: str) -> str:
    """`url` with any password (in the user part or a `password=` parameter) replaced by ***,
    and anything shaped as a bot token masked, fit for messages and logs. The host part is
    kept as written: libpq accepts several hosts and ports that `urlsplit` cannot parse."""
    # The parameter first: a password=... holding an @ would otherwise read as the user part.
    url = _without_secret_values(url, "***")
    split = _user_part(url)
    if split is not None:
        head, userinfo, hosts = split
        if ":" in userinfo:
            url = f"{head}{userinfo.partition(':')[0]}:***@{hosts}"
        elif _is_web(head):
            url = f"{head}***@{hosts}"
    # A bot token in the path ("http://host/bot123:ABC.../"), the bot's or another's.
    return _TOKEN_SHAPED.sub(REDACTED, url)


def _is_web(head: str) -> bool:
    """Whether `head` (scheme://) is a web URL's, whose user part alone is a key by convention
    (`https://TOKEN@host`), where a database URL's is a user name."""
    return head.lower() in ("http://", "https://")


def _user_part(url: str) -> tuple[str, str, str] | None:
    """`url` as (scheme://, user part, what follows its @), or None without a user part. A
    database URL's user part runs to the last @: a password may hold # ? / unescaped, which
    libpq still reads as the password, where `urlsplit` ends it at the first of them."""
    head, sep, rest = url.partition("://")
    # A web link's user part ends where its host part does, at the first / ? #, as browsers
    # and httpx read it: "https://medium.com/@alice/x" has none.
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0] if _is_web(head + sep) else rest
    at = authority.rfind("@")
    if not sep or at < 0:
        return None
    return head + sep, rest[:at], rest[at + 1 :]


def without_password(message: str, url: str) -> str:
    """`message` (an error's text, which may quote `url`) with `url`'s passwords, as written
    and decoded, replaced by ***, on one line."""
    parameters = [m.group("value") for m in _secret_parameters(url)]
    passwords = [_password(_without_secret_values(url)), *parameters]
    secrets = {p for password in passwords for p in (password, unquote(password))}
    # libpq may end a password, or a host it then quotes, at an @ : ? / or # that this reads
    # as the password's own ("S3CR@ETpw@host": "S3CR", then the host "ETpw@host"); each piece
    # is masked too (not one of two letters, which would mask every word holding them).
    secrets |= {
        piece for secret in secrets for piece in _SEPARATORS.split(secret) if len(piece) >= 3
    }
    for secret in sorted(secrets - {""}, key=len, reverse=True):
        if len(secret) < _SHORT_SECRET:
            # A password of a letter or two is masked where it stands alone ("u:p@h"), not
            # inside every word holding it ("***ostgresql://u:***@h/db").
            message = re.sub(rf"(?<![^\W_]){re.escape(secret)}(?![^\W_])", "***", message)
        else:
            message = message.replace(secret, "***")
    return " ".join(message.split())


#: Secrets shorter than this are masked only where no letter or digit touches them.
_SHORT_SECRET = 4


def _password(url: str) -> str:
    split = _user_part(url)
    if split is None:
        return ""
    head, userinfo, _ = split
    user, colon, password = userinfo.partition(":")
    return password if colon or not _is_web(head) else user


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


#: Anything shaped as @BotFather's tokens are: the bot's number, a colon, 30 or more letters,
#: digits, _ and -. A token pasted into another setting is masked though it is not the one set.
_TOKEN_SHAPED = re.compile(r"(?<![0-9])[0-9]{1,20}(?::|%3[Aa])[A-Za-z0-9_-]{30,}")


def without_tokens(text: str, token: str = "") -> str:
    """`text` with the bot `token` (any form) and anything shaped as a bot token masked."""
    return _TOKEN_SHAPED.sub(REDACTED, without_token(text, token))

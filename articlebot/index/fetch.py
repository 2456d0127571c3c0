"""Fetching an article from a link: a real HTTP client, a size limit, trafilatura for the text."""

from __future__ import annotations

import hashlib
from urllib.parse import urlparse

from articlebot.index.documents import Document, DocumentError, parse_html, slugify

#: Pages larger than this are refused: an article is well under a megabyte of HTML.
MAX_PAGE_BYTES = 5 * 1024 * 1024
TIMEOUT_SECONDS = 15.0
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_url(text: str) -> bool:
    """Whether `text` is an http(s) link."""
    parsed = urlparse(text.strip())
    return parsed.scheme in {"http", "https"} and bool(parsed.netloc)


def doc_id_for(url: str) -> str:
    """A stable, readable doc_id for a link: its last path part and a short hash."""
    parsed = urlparse(url)
    tail = slugify(parsed.path.rstrip("/").rsplit("/", 1)[-1] or parsed.netloc)[:60]
    return f"{tail}-{hashlib.sha1(url.encode()).hexdigest()[:6]}"


async def fetch_article(
    url: str, *, max_bytes: int = MAX_PAGE_BYTES, timeout: float = TIMEOUT_SECONDS
) -> Document:
    """Download `url` and extract its article; DocumentError says why when that fails."""
    import httpx

    if not is_url(url):
        raise DocumentError(f"{url}: not an http(s) link")
    try:
        async with (
            httpx.AsyncClient(follow_redirects=True, timeout=timeout) as client,
            client.stream("GET", url, headers={"User-Agent": "articlebot/0.1"}) as response,
        ):
            if response.status_code >= 400:
                raise DocumentError(
                    f"{url}: the site answered {response.status_code} {response.reason_phrase}"
                )
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind and kind not in _HTML_TYPES:
                raise DocumentError(f"{url}: not a web page ({kind})")
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise DocumentError(f"{url}: page is larger than {max_bytes // 1_000_000} MB")
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body.extend(chunk)
                if len(body) > max_bytes:
                    raise DocumentError(f"{url}: page is larger than {max_bytes // 1_000_000} MB")
            encoding = response.encoding or "utf-8"
    except httpx.TimeoutException:
        raise DocumentError(f"{url}: the site did not answer within {timeout:.0f} s") from None
    except httpx.HTTPError as exc:
        raise DocumentError(f"{url}: cannot fetch the page ({type(exc).__name__})") from None
    html = bytes(body).decode(encoding, errors="replace")
    return parse_html(html, doc_id_for(url), url)

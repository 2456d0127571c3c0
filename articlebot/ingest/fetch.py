"""Fetching an article from a link: a real HTTP client, a size limit, trafilatura for the text."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import socket
import zlib
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

from articlebot.ingest.addresses import AllowList, parse_address
from articlebot.ingest.documents import (
    Document,
    DocumentError,
    check_article_length,
    document_text,
    looks_binary,
    page_text,
    parse_html,
    parse_plain_text,
    slugify,
)
from articlebot.ingest.links import canonical_link
from articlebot.masking import masked_url
from articlebot.system_text import is_utf8, printable

if TYPE_CHECKING:
    import httpx

    from articlebot.ingest.pinning import PinnedBackend

#: Pages larger than this are refused: an article is well under a megabyte of HTML.
MAX_PAGE_BYTES = 5 * 1024 * 1024
#: The whole fetch (every redirect, the headers and the body) must finish within this.
TIMEOUT_SECONDS = 15.0
#: Browsers give up after about 20; a news link needs one or two (http to https, a short link).
MAX_REDIRECTS = 5
_HTML_TYPES = ("text/html", "application/xhtml+xml")
#: Plain text and Markdown links (a press release's .txt, a raw .md) are read as files are.
_TEXT_TYPES = ("text/plain", "text/markdown", "text/x-markdown")
_MARKDOWN_SUFFIXES = (".md", ".markdown")
_ALLOW_HINT = "set ARTICLEBOT_FETCH_ALLOW_HOSTS to allow intranet hosts"


def is_url(text: str) -> bool:
    """Whether `text` is an http(s) link."""
    try:
        parsed = urlparse(text.strip())
    except ValueError:  # "http://[::1/": not a link we could fetch
        return False
    return parsed.scheme in {"http", "https"} and bool(parsed.netloc)


#: A link typed without its scheme, as browsers show them: "www.bbc.co.uk/news/x",
#: "example.com/story".
_BARE_HOST = re.compile(
    r"(?:(?P<www>www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?P<tld>[a-z]{2,})|localhost"
    r"|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:.]+\])"
    r"(?P<port>:\d+)?(?P<rest>[/?#]\S*)?",
    re.IGNORECASE,
)
#: Top-level domains a host typed alone ("example.com", "bbc.co.uk") is known by: every
#: country's, and the common generic ones. Any other word after a dot ("Vinatier.Russia?",
#: "node.js") is no host: a question.
_KNOWN_TLDS = frozenset(
    """ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bl bm bn bo
    bq br bs bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk
    dm do dz ec ee eg eh er es et eu fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq
    gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg kh ki
    km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mf mg mh mk ml mm mn mo
    mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk
    pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sj sk sl sm sn so sr ss
    st sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk um us uy uz va vc
    ve vg vi vn vu wf ws ye yt za zm zw
    com org net info biz gov edu mil int name pro mobi news app dev blog online site xyz tech
    cloud website museum media press shop store live today world global network digital
    agency studio space top club art fm ltd group company center report review tv radio
    """.split()
)
#: "localhost:8000/story.html", "127.0.0.1:8000/story.html", "[::1]:8000/story.html": a page
#: served on this machine.
_LOCAL_HOST = re.compile(
    r"(?:localhost|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:.]+\])(?=[:/?#]|$)", re.IGNORECASE
)


def link_without_scheme(text: str) -> str | None:
    """The link `text` means when it is one typed without "https://" ("www.bbc.co.uk/news/x",
    "example.com/story", "example.com"), with its scheme; None when it is no such link: a
    host alone must end in a known top-level domain ("Vinatier.Russia?" is a question)."""
    text = text.strip()
    found = _BARE_HOST.fullmatch(text)
    if found is None:
        return None
    if (
        found["tld"] is not None
        and found["www"] is None
        and found["port"] is None  # "intranet.local:8080" names a machine
        and not (found["rest"] or "").startswith("/")
        and found["tld"].lower() not in _KNOWN_TLDS
    ):
        return None
    # A machine of one's own is served over http:// more often than not.
    return f"{'http' if _LOCAL_HOST.match(text) else 'https'}://{text}"


# Page names that say nothing of the article ("/2026/05/ferry-strike/index.html"): the folder
# above names it.
_GENERIC_PAGES = frozenset({"index", "default", "home", "amp", "print", "document"})
_PAGE_SUFFIX = re.compile(r"\.(?:s?html?|php\d?|aspx?|jsp|cfm|txt|md|markdown)$", re.IGNORECASE)


def doc_id_for(url: str) -> str:
    """A readable doc_id for a link: its page name without ".html" ("ferry-strike"); the
    write that indexes it adds a short hash only when another source has that id."""
    parsed = urlparse(url)
    parts = [unquote(part) for part in parsed.path.split("/") if part]
    while parts:
        name = slugify(_PAGE_SUFFIX.sub("", parts[-1]))
        if name not in _GENERIC_PAGES and not name.isdigit():
            return name[:60].rstrip("-")
        parts.pop()
    return slugify(parsed.hostname or parsed.netloc)[:60].rstrip("-")


async def fetch_article(
    url: str,
    *,
    allow: Iterable[str] = (),
    max_bytes: int = MAX_PAGE_BYTES,
    timeout: float = TIMEOUT_SECONDS,
) -> Document:
    """Download `url` and extract its article; DocumentError says why when that fails.

    Only public addresses are fetched, for the link and every redirect, unless `allow` (host
    names, IPs, CIDR networks) names them.
    """
    import httpx

    # A password in the link (a subscriber's https://user:pw@site/...) is used to fetch the
    # page, never shown: not in a message, nor kept as the article's source, which every
    # reader sees (/source, /articles, `list`).
    shown = masked_url(url)
    if not is_url(url):
        raise DocumentError(f"{shown}: not an http(s) link")
    if not is_utf8(url):  # bytes a command line had that are not UTF-8
        raise DocumentError(f"{printable(shown)}: not a valid link (it is not UTF-8 text)")
    try:
        first = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise DocumentError(f"{shown!r}: not a valid link ({exc})") from None
    try:
        # One deadline for everything: httpx's timeout is per read, and a page that sends a
        # byte every few seconds would otherwise be read for as long as it likes.
        async with asyncio.timeout(timeout):
            final, body, encoding, kind = await _download(
                shown, first, AllowList.parse(allow), max_bytes, timeout
            )
    except (TimeoutError, httpx.TimeoutException):
        raise PageUnavailable(
            f"{shown}: the site did not send the page within {timeout:g} s"
        ) from None
    except httpx.HTTPError as exc:
        raise PageUnavailable(f"{shown}: cannot fetch the page ({_why(exc)})") from None
    # The page is known by where it is (after redirects), not by how its link was written
    # ("#comments", "?utm_source=telegram", "HTTP://"): one article, whichever link is added.
    # Not redirected, the link as typed: httpx's copy spells "Köln" "K%C3%B6ln".
    source = canonical_link(url if final == first else str(final))
    doc_id = doc_id_for(source)
    if kind in _TEXT_TYPES:
        document = await asyncio.to_thread(
            _text_document, shown, body, encoding, kind, doc_id, source
        )
    else:
        # Reading a page takes up to seconds of CPU: not on the event loop, which serves
        # every other chat meanwhile.
        document = await asyncio.to_thread(_html_document, body, encoding, doc_id, source)
    asked = canonical_link(url)
    return dataclasses.replace(document, aliases=(asked,)) if asked != source else document


def _html_document(body: bytes, encoding: str, doc_id: str, source: str) -> Document:
    """A web page's article, its bytes read as a saved .html file's are."""
    return parse_html(page_text(body, encoding), doc_id, source)


def _text_document(
    shown: str, body: bytes, encoding: str, kind: str, doc_id: str, source: str
) -> Document:
    """A plain text or Markdown link's article, read as the same file would be."""
    # Decoded first: UTF-16 text (a byte-order mark, or its charset) is half zero bytes.
    text = page_text(body, encoding, html=False)
    if looks_binary(text):  # a download served as text/plain
        raise DocumentError(f"{shown}: not a web page or text (binary data)")
    # As for a page: "Rate limit exceeded" is a site's error.
    check_article_length(text, shown, "", "an error page?")
    markdown = kind != "text/plain" or urlparse(source).path.lower().endswith(_MARKDOWN_SUFFIXES)
    return parse_plain_text(document_text(text), doc_id, source, markdown)


async def _download(
    url: str, first: httpx.URL, allow: AllowList, max_bytes: int, timeout: float
) -> tuple[httpx.URL, bytes, str, str]:
    """The page's final link, bytes, encoding and media type, following redirects ourselves
    so each hop is checked (`url` names the link in messages)."""
    import httpx

    from articlebot.ingest.pinning import PinnedBackend, PinnedTransport

    # Each connection goes to the address its host was checked at (_check_destination pins
    # it). trust_env=False: a proxy from the environment would see the real address instead
    # of us, and only articlebot.config reads the environment.
    backend = PinnedBackend()
    async with httpx.AsyncClient(
        follow_redirects=False,
        timeout=timeout,
        trust_env=False,
        transport=PinnedTransport(backend),
    ) as client:
        current = first
        for _ in range(MAX_REDIRECTS + 1):
            await _check_destination(url, current, allow, first, backend)
            request = client.build_request(
                "GET",
                current,
                headers={"User-Agent": "articlebot/0.1", "Accept-Encoding": _ACCEPTED},
            )
            try:
                response = await client.send(request, stream=True)
            except (UnicodeError, httpx.InvalidURL):
                # httpx reads a redirect's Location as it answers, even unfollowed: a host
                # that is no valid international name ("xn--zz.com"), or "http:\\host/x",
                # fails there.
                raise DocumentError(f"{url}: the site redirected to an invalid link") from None
            try:
                _check_peer(url, current, response, allow, first)
                if response.is_redirect:
                    current = _redirect_target(url, response)
                    continue
                body = await _read_page(url, response, max_bytes)
                # The header's charset ("" when none): page_text weighs it with the page's own.
                return current, body, response.charset_encoding or "", _media_type(response)
            finally:
                await response.aclose()
    raise DocumentError(f"{url}: too many redirects (more than {MAX_REDIRECTS})")


def _media_type(response: httpx.Response) -> str:
    """The answer's media type, lower case, without its parameters ("" when not given)."""
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def _redirect_target(url: str, response: httpx.Response) -> httpx.URL:
    """Where a redirect points; only http(s) links are followed."""
    location = response.headers.get("location", "").strip()
    if not location:
        raise DocumentError(f"{url}: the site answered {response.status_code} without a Location")
    try:
        target = response.url.join(location)
    except Exception:  # httpx.InvalidURL and friends: a malformed Location header
        raise DocumentError(f"{url}: the site redirected to an invalid link") from None
    if target.scheme not in {"http", "https"} or not target.raw_host:
        raise DocumentError(f"{url}: refused: it redirects to a {target.scheme or 'relative'} link")
    return target


def _refusal(url: str, current: httpx.URL, address: str, first: httpx.URL) -> DocumentError:
    # Compared as URLs, with the link as asked for (`url` is as shown, its passwords masked):
    # httpx writes "http://LOCALHOST/" as "http://localhost/", no redirect.
    redirected = current.copy_with(userinfo=b"") != first.copy_with(userinfo=b"")
    where = f"it redirects to {masked_url(str(current))}, and " if redirected else ""
    return DocumentError(
        f"{url}: refused: {where}the address {address} is not public ({_ALLOW_HINT})"
    )


async def _check_destination(
    url: str, current: httpx.URL, allow: AllowList, first: httpx.URL, backend: PinnedBackend
) -> None:
    """Refuse `current` unless every address its host resolves to may be fetched; the
    connection is then made to the first of them (`backend`), not to a new lookup's."""
    if current.port is not None and not 0 < current.port < 65536:
        # httpx takes port 99999, and the socket's OverflowError came out as a traceback.
        raise DocumentError(f"{url}: not a valid link (port {current.port})")
    host = current.raw_host.decode("ascii")  # IDNA-encoded, as DNS knows it
    try:
        shown = current.host  # decoded: "xn--zz.com" is no name, and says so as UnicodeError
    except UnicodeError:
        raise DocumentError(f"{url}: not a valid link (its host {host} is no valid name)") from None
    if allow.allows_host(host) or allow.allows_host(shown):
        return
    literal = parse_address(host)
    if literal is not None:
        addresses = [str(literal)]
    else:
        port = current.port or (443 if current.scheme == "https" else 80)
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except (OSError, UnicodeError):
            raise PageUnavailable(f"{url}: cannot fetch the page (no address for {host})") from None
        addresses = [str(info[4][0]) for info in infos]
    for text in addresses:
        address = parse_address(text)
        if address is None or not allow.allows_address(address):
            raise _refusal(url, current, text, first)
    backend.pin(host, addresses[0])


def _check_peer(
    url: str, current: httpx.URL, response: httpx.Response, allow: AllowList, first: httpx.URL
) -> None:
    """Refuse the answer if the connection went to an address that may not be fetched.

    A second guard: the connection is made to the address checked (`PinnedBackend`), where a
    new lookup could answer otherwise (DNS rebinding); checked before any of the body is read.
    """
    # The host was decoded once already (_check_destination): no UnicodeError here.
    if allow.allows_host(current.raw_host.decode("ascii")) or allow.allows_host(current.host):
        return
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if not peer:
        raise DocumentError(f"{url}: refused: cannot tell which address answered")
    address = parse_address(str(peer[0]))
    if address is None or not allow.allows_address(address):
        raise _refusal(url, current, str(peer[0]), first)


def _why(exc: Exception) -> str:
    """An httpx error in words ("the site refused the connection"), not its class name."""
    import httpx

    for kind, words in (
        (httpx.ConnectError, "the site refused the connection or cannot be reached"),
        (httpx.RemoteProtocolError, "the site broke off the connection"),
        (httpx.ReadError, "the connection broke while the page was read"),
        (httpx.ProxyError, "the proxy refused"),
        (httpx.UnsupportedProtocol, "not an http(s) link"),
    ):
        if isinstance(exc, kind):
            return words
    return type(exc).__name__


class PageGone(DocumentError):
    """The site says the page is not there (404, 410): taken down, or never there; unlike a
    site that is down or slow, asking again later will not help."""


class PageUnavailable(DocumentError):
    """The site could not be reached, was too slow, or answered with a failure of its own
    (5xx, 408, 429): asking again later may help. Any other DocumentError of a link (not a
    web page, no article in it, too large, refused) will be the same next time."""


#: Answers of a site that is busy or down for a while, not of a page that is not there; and
#: 403, which an anti-bot wall or a region's block gives and may lift.
_PASSING_STATUSES = frozenset({403, 408, 425, 429})


async def _read_page(url: str, response: httpx.Response, max_bytes: int) -> bytes:
    """The body of a successful HTML answer, at most `max_bytes`."""
    if response.status_code in (404, 410):
        raise PageGone(f"{url}: the site answered {response.status_code} {response.reason_phrase}")
    if response.status_code >= 400:
        failure = (
            PageUnavailable
            if response.status_code >= 500 or response.status_code in _PASSING_STATUSES
            else DocumentError
        )
        raise failure(f"{url}: the site answered {response.status_code} {response.reason_phrase}")
    kind = _media_type(response)
    if kind and kind not in _HTML_TYPES + _TEXT_TYPES:
        raise DocumentError(f"{url}: not a web page or text ({kind})")
    too_big = DocumentError(f"{url}: page is larger than {max_bytes // 1_000_000} MB")
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise too_big
    decoder = _decoder(url, response.headers.get("content-encoding", ""))
    body = bytearray()
    # Read raw and unpacked here, never more than the limit at a time: httpx unpacks a chunk
    # whole, and 300 bytes of gzip within gzip within gzip unpack to gigabytes.
    try:
        async for chunk in response.aiter_raw():
            if decoder is not None:
                chunk = decoder.unpack(chunk, max_bytes + 1 - len(body))
            body.extend(chunk)
            if len(body) > max_bytes:
                raise too_big
        if decoder is not None:
            body.extend(decoder.finish())
    except zlib.error:
        raise DocumentError(f"{url}: the page's compressed data is damaged") from None
    if len(body) > max_bytes:
        raise too_big
    return bytes(body)


#: The content encodings read (one at most): those every site can send.
_ACCEPTED = "gzip, deflate"
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


def _decoder(url: str, content_encoding: str) -> _Unpacker | None:
    """What unpacks a body sent with `content_encoding` (None: as it is); DocumentError for
    an encoding not asked for, or more than one."""
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if not codings:
        return None
    if len(codings) > 1 or codings[0] not in _WBITS:
        raise DocumentError(f"{url}: the page is sent packed as {', '.join(codings)}, not as asked")
    return _Unpacker(_WBITS[codings[0]])


class _Unpacker:
    """Unpacks gzip or deflate as it arrives, never more than asked at a time: gzip members
    one after another (as some servers send them), deflate with or without its zlib wrapper
    (as browsers and httpx read it)."""

    def __init__(self, wbits: int) -> None:
        self._wbits = wbits
        self._zlib = zlib.decompressobj(wbits)
        self._started = False

    def unpack(self, data: bytes, limit: int) -> bytes:
        """Up to `limit` bytes unpacked from `data` and what came before; more than `limit`
        when the data would unpack to more (the caller refuses the page then)."""
        out = bytearray()
        while data and len(out) <= limit:
            try:
                out += self._zlib.decompress(data, limit + 1 - len(out))
            except zlib.error:
                if self._started or self._wbits != zlib.MAX_WBITS:
                    raise
                self._wbits = -zlib.MAX_WBITS  # raw deflate, without the zlib wrapper
                self._zlib = zlib.decompressobj(self._wbits)
                continue
            self._started = True
            if self._zlib.unconsumed_tail:
                break  # `limit` + 1 bytes out already: the caller refuses the page
            # A gzip member ended and another follows: unpack it too.
            data = self._zlib.unused_data if self._zlib.eof else b""
            if data:
                self._zlib = zlib.decompressobj(self._wbits)
        return bytes(out)

    def finish(self) -> bytes:
        """What the last member holds back once all its input is in (at most a window)."""
        return self._zlib.flush()

"""A link's identity: the one address a page has, whatever a share button or a typist added."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

import idna

#: Query parameters that say who shared a link or which campaign it came from, never which
#: page it is: the same page shared from Telegram and from a newsletter is one article.
_TRACKING = frozenset(
    """fbclid gclid dclid gbraid wbraid msclkid yclid twclid ttclid li_fat_id igshid mc_cid
    mc_eid ref_src ref_url _ga _gl _hsenc _hsmi mkt_tok oly_anon_id oly_enc_id vero_id
    wickedid s_cid cmpid""".split()
)
#: Campaign parameters by prefix: utm_source, utm_medium, utm_campaign and the rest.
_TRACKING_PREFIXES = ("utm_",)
_DEFAULT_PORTS = {"http": 80, "https": 443}
#: A host's port at its end: "host:8080", "[::1]:8080".
_PORT = re.compile(r":(\d*)$")
#: Characters a link's path or query holds as they are: RFC 3986's unreserved ones, which
#: mean the same percent-encoded ("%41" is "A"), and its reserved ones, which do not ("%2F"
#: in a path, "%26", "%3D" or "%23" in a query value are not "/", "&", "=", "#"): those stay
#: as written, a percent-encoded one in upper case.
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_RESERVED = frozenset(b":/?#[]@!$&'()*+,;=")
_ENCODED = re.compile(rb"%([0-9A-Fa-f]{2})")


def canonical_link(url: str) -> str:
    """`url` as the page's identity: scheme and host in lower case, without a password, the
    scheme's default port, the fragment ("#comments") or tracking parameters (utm_*, fbclid,
    gclid, ...); the path and the other parameters, in their order, kept as they are. Anything
    but an http(s) link is returned as it is."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # "http://[::1/": no link to normalize
        return url
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.netloc:
        return url
    query = "&".join(p for p in parts.query.split("&") if p and not _is_tracking(p))
    return urlunsplit((scheme, _host(parts.netloc, scheme), parts.path or "/", query, ""))


def _host(netloc: str, scheme: str) -> str:
    """A link's host and port as its identity: lower case, no password, no default port."""
    host = netloc.rpartition("@")[2].lower()
    port = _PORT.search(host) if not host.endswith("]") else None
    if port is not None and (not port[1] or int(port[1]) == _DEFAULT_PORTS[scheme]):
        host = host[: port.start()]
    return host


def _is_tracking(parameter: str) -> bool:
    """Whether a query's `name=value` is a tracking parameter."""
    name = unquote(parameter.partition("=")[0]).strip().lower()
    return name in _TRACKING or name.startswith(_TRACKING_PREFIXES)


def link_key(url: str) -> str:
    """The key two forms of one page's link share (`canonical_link`'s, then its host in IDNA
    form and its path and query percent-encoded one way): "köln", "k%C3%B6ln" and "k%c3%b6ln"
    are one path, "bücher.example" and "xn--bcher-kva.example" one host. What users are shown
    is `canonical_link`'s, as typed; this is only compared."""
    link = canonical_link(url)
    if not _is_link(link):
        return link
    parts = urlsplit(link)
    return urlunsplit(
        (parts.scheme, _ascii_host(parts.netloc), _encoded(parts.path), _encoded(parts.query), "")
    )


def _is_link(url: str) -> bool:
    """Whether `url` is an http(s) link with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in _DEFAULT_PORTS and bool(parts.netloc)


def _ascii_host(netloc: str) -> str:
    """A host (and port) as DNS asks for it: an internationalized name in its "xn--" form."""
    if netloc.isascii():
        return netloc
    host, port = netloc, ""
    found = _PORT.search(netloc) if not netloc.endswith("]") else None
    if found is not None:
        host, port = netloc[: found.start()], netloc[found.start() :]
    try:
        host = idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return netloc
    return host.lower() + port


def _encoded(part: str) -> str:
    """A path or query percent-encoded one way: characters outside ASCII as their UTF-8
    bytes, "%c3" as "%C3", an unreserved character as itself ("%41" as "A"), a reserved one
    as it was written, encoded or not."""
    out = []
    raw = part.encode("utf-8", "surrogatepass")
    i = 0
    while i < len(raw):
        byte = raw[i]
        found = _ENCODED.match(raw, i) if byte == ord("%") else None
        if found is not None:
            value = int(found[1], 16)
            out.append(chr(value) if value in _UNRESERVED else f"%{value:02X}")
            i = found.end()
            continue
        if byte in _UNRESERVED or byte in _RESERVED:
            out.append(chr(byte))
        else:
            out.append(f"%{byte:02X}")
        i += 1
    return "".join(out)

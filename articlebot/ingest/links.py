"""A link's identity: the one address a page has, whatever a share button or a typist added."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

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

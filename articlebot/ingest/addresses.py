"""Which network addresses a link may be fetched from: public ones, and what the operator allows."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: Ranges that are not public whatever this Python's `is_global` says (its tables have changed
#: between versions): carrier-grade NAT, IETF protocol assignments, benchmarking, reserved,
#: unique-local, link-local and site-local IPv6, and NAT64's local-use prefix.
_NOT_PUBLIC = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",
        "100.64.0.0/10",
        "192.0.0.0/24",
        "198.18.0.0/15",
        "240.0.0.0/4",
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
        "64:ff9b:1::/48",
        "100::/64",
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def parse_address(text: str) -> IPAddress | None:
    """The IP address `text` spells (an IPv6 zone like %eth0 is dropped), or None."""
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64, IPv4-compatible), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    """Whether `address` is on the public internet (so fetching it reaches no intranet)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            # ::ffff:10.0.0.5 or 2002:0a00:0005:: reach 10.0.0.5: judge the address inside.
            return is_public(embedded)
    if (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    ):
        return False
    return not any(address in net for net in _NOT_PUBLIC if net.version == address.version)


@dataclass(frozen=True, slots=True)
class AllowList:
    """Host names and networks the operator lets us fetch even though they are not public."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> AllowList:
        """Entries are host names, IP addresses or CIDR networks (10.0.0.0/8)."""
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in entries:
            entry = entry.strip()
            if not entry:
                continue
            network = _network(entry)
            if network is not None:
                networks.append(network)
            else:
                hosts.add(normalize_host(entry))
        return cls(frozenset(hosts), tuple(networks))

    def allows_host(self, host: str) -> bool:
        """Whether the operator named this host."""
        return normalize_host(host) in self.hosts

    def allows_address(self, address: IPAddress) -> bool:
        """Whether `address` is public or inside a network the operator named."""
        if is_public(address):
            return True
        candidates = [address]
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            candidates.append(address.ipv4_mapped)  # 127.0.0.1 allows ::ffff:127.0.0.1 too
        return any(
            a in net for a in candidates for net in self.networks if net.version == a.version
        )


#: A host name's label, as DNS has them.
_LABEL = r"[^\W_](?:[\w-]*[^\W_])?"
_HOST = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?")


def _network(entry: str) -> IPNetwork | None:
    """The IP address or CIDR network an allow-list entry spells (brackets allowed), or None."""
    # "[2001:db8::]/32": the address in a URL's brackets, its prefix length after them; not a
    # port ("[::1]:8765" read as the address ::1:8765 allowed another host without a word).
    bracketed = re.fullmatch(r"\[([^\]]*)\](/\d+)?", entry.strip())
    plain = "".join(bracketed.groups("")) if bracketed else entry.strip()
    try:
        return ipaddress.ip_network(plain, strict=False)
    except ValueError:
        return None


def is_allow_entry(entry: str) -> bool:
    """Whether `entry` is one host name, IP address or network: "10.0.0.0/8 192.168.0.0/16",
    "a;b" or a range ("10.0.0.1-10.0.0.5": digits and dots that are no IP) is none."""
    if _network(entry) is not None:
        return True
    host = entry.strip()
    return _HOST.fullmatch(host) is not None and re.fullmatch(r"[\d.-]+", host) is None


def normalize_host(host: str) -> str:
    """A host name compared case-insensitively and without a trailing dot or IPv6 brackets."""
    return host.strip().strip("[]").rstrip(".").lower()

"""What a badge fetch may reach and what it gives back: the policy, the address rules, the errors.

The bottom of the safe fetcher (see :mod:`core.badges.net.fetcher`, its face, and
:mod:`core.badges.net.http`, its HTTP half, which both build on this): plain Python, no HTTP
client, so every verifier module can name these without loading one.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

JSON_TYPES = (
    "application/json",
    "application/ld+json",
    "application/vc+ld+json",
    "application/did+json",
    "application/did+ld+json",
)
HTML_TYPES = ("text/html", "application/xhtml+xml")

Resolver = Callable[[str, int], list[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_PORTS = {"http": 80, "https": 443}  # the schemes a badge link may use, and their ports


class FetchCause(StrEnum):
    """Why a fetch failed, in the few kinds a learner is told about in plain words (the dialogue has
    one text per cause; ``FetchError.reason`` keeps the precise detail for the report)."""

    UNREACHABLE = "unreachable"  # no such site, refused connection, broken connection or certificate
    TIMEOUT = "timeout"
    NOT_FOUND = "not_found"  # the site answered, but has nothing at that address (HTTP 404)
    NOT_A_BADGE = "not_a_badge"  # a web page or other document, not badge JSON
    TOO_BIG = "too_big"
    LINK = "link"  # a link SkillStack does not follow (plain http, private address, bad redirect...)
    BROKEN = "broken"  # the site's answer could not be read


class FetchError(Exception):
    """A fetch that was refused or failed; ``reason`` is safe to show a learner, ``cause`` sorts it."""

    def __init__(self, reason: str, cause: FetchCause) -> None:
        super().__init__(reason)
        self.reason = reason
        self.cause = cause


@dataclass(frozen=True)
class Fetched:
    url: str  # the final URL, after redirects (as the badge would name it)
    status: int
    content_type: str  # media type, lowercase, without parameters
    body: bytes

    def json(self) -> Any:
        """The body as JSON; FetchError when it is not UTF-8 JSON (NaN and Infinity included)."""
        try:
            text = self.body.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FetchError("the document is not UTF-8 text", FetchCause.NOT_A_BADGE) from None
        try:
            return json.loads(text, parse_constant=_reject_constant)
        except (ValueError, RecursionError):
            raise FetchError("the document is not valid JSON", FetchCause.NOT_A_BADGE) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


@dataclass(frozen=True)
class FetchPolicy:
    max_redirects: int = 5
    request_timeout: float = 5.0
    total_timeout: float = 20.0
    max_bytes: int = 2 * 1024 * 1024
    max_fetches: int = 20
    user_agent: str = "SkillStack-BadgeVerifier/1.0 (Open Badges and Verifiable Credentials verification)"
    # TEST ONLY: these "host:port" may be loopback and are spoken to over plain http even for
    # https:// URLs, because a local test server cannot hold a real certificate.
    test_hosts: frozenset[str] = frozenset()
    resolver: Resolver | None = None  # host, port -> IP strings; None: the system resolver


# --- Which addresses may be contacted ---------------------------------------------------------

# Python's is_global misses several of these (multicast, 6to4 relay, NAT64, site-local...), and its
# lists change between versions, so the refused ranges are spelled out.
_REFUSED_V4 = tuple(
    ipaddress.IPv4Network(network)
    for network in (
        "0.0.0.0/8",  # "this network", unspecified
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, cloud metadata
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation
        "203.0.113.0/24",  # documentation
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, broadcast
    )
)
_REFUSED_V6 = tuple(
    ipaddress.IPv6Network(network)
    for network in (
        "::/96",  # unspecified, loopback, deprecated IPv4-compatible
        "::ffff:0:0:0/96",  # IPv4-translated
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard
        "2001::/23",  # IETF protocol assignments: Teredo, benchmarking, ORCHID...
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation
        "5f00::/16",  # segment routing
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def is_public_address(address: IPAddress) -> bool:
    """True when ``address`` is a public unicast address, IPv4 embedded in IPv6 included."""
    refused: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public_address(embedded)
        refused = _REFUSED_V6
    else:
        refused = _REFUSED_V4
    return address.is_global and not any(address in network for network in refused)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address that IPv4-mapped, 6to4 and NAT64 addresses lead to (the one really reached)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def timeout_reason(*, out_of_session_time: bool) -> str:
    """Why a request ran out of time, as the learner reads it."""
    if out_of_session_time:
        return "checking this badge took too long"
    return "the site took too long to answer"

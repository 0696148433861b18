"""The one way badge verification reaches the network.

Every URL a badge or a learner supplies is attacker-controlled, so a careless fetch is a
server-side request forgery: "verify this badge" could make the bot read cloud metadata
(169.254.169.254), an admin page on localhost or a service on the private network.  Hence:

- only ``https`` (plain ``http`` only when the caller opts in for legacy Open Badges 2.0, and then
  with a warning), no credentials in URLs, no odd numeric host forms;
- the host is resolved once, *every* address must be public, and the TCP connection goes to one of
  those checked addresses (a network backend under httpcore does this, so a DNS answer that changes
  between check and connect cannot win) while TLS still verifies the original host name;
- redirects are followed here, one validated hop at a time;
- each session (one verification) has a fetch count and a time budget, and every response a size
  budget measured *after* gzip decoding, so a slow, huge or compressed-bomb answer cannot stall or
  exhaust the bot;
- no cookies, no proxies from the environment, no automatic anything.

``FetchError.reason`` is a short sentence that is safe to show the learner.
"""

from __future__ import annotations

import contextvars
import functools
import ipaddress
import json
import logging
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

logger = logging.getLogger(__name__)

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

_MAX_URL_LENGTH = 4096
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_GZIP_WBITS = zlib.MAX_WBITS | 16
# WHATWG URL parsing treats a host whose last label is a number (decimal, octal or hex) as an IPv4
# address ("2130706433", "0x7f.1", "127.1" are all 127.0.0.1 to a browser or to inet_aton).
_NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+", re.IGNORECASE)
_MEDIA_TYPE = re.compile(r"[a-z0-9!#$&^_.+-]{1,64}/[a-z0-9!#$&^_.+-]{1,64}")


class FetchError(Exception):
    """A fetch that was refused or failed; ``reason`` is safe to show a learner."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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
            raise FetchError("the document is not UTF-8 text") from None
        try:
            return json.loads(text, parse_constant=_reject_constant)
        except (ValueError, RecursionError):
            raise FetchError("the document is not valid JSON") from None


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


def _literal_address(host: str) -> IPAddress | None:
    """The address a host names literally, None for a DNS name; refuses non-canonical numeric forms."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _NUMERIC_LABEL.fullmatch(host.rstrip(".").rsplit(".", 1)[-1]):
        raise FetchError("the link uses an unusual numeric address, which is not accepted")
    return None


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the operating system resolves ``host`` to, each once, in its order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _host_key(host: str, port: int) -> str:
    """The "host:port" form test_hosts lists."""
    return f"{_bracketed(host)}:{port}"


# --- The connection layer ---------------------------------------------------------------------

# When the current request must be finished (monotonic clock); every socket operation is clamped to it,
# so neither a slow drip of bytes nor a stalled handshake can outlive the request's budget.
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("badge_fetch_deadline", default=None)


def _clamp(timeout: float | None) -> float | None:
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    remaining = deadline - time.monotonic()
    if remaining <= 0:  # not a tiny timeout: a server trickling bytes fast enough would beat that
        raise httpcore.TimeoutException("the request ran out of time")
    return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    """A stream whose every operation ends by the current request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _clamp(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolves, checks every address, and connects only to a checked address.

    httpcore hands us the host name from the URL; TLS (started later on the returned stream) is
    still given that name for SNI and certificate verification, so connecting by IP loses nothing.
    """

    def __init__(self, policy: FetchPolicy) -> None:
        self._policy = policy
        self._resolver = policy.resolver or system_resolver
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        failure: Exception = FetchError("the site could not be reached")
        for address in self._checked_addresses(host, port, _clamp(timeout)):
            try:
                stream = self._inner.connect_tcp(
                    str(address), port, _clamp(timeout), local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
                continue
            return _DeadlineStream(stream)
        raise failure

    def _checked_addresses(self, host: str, port: int, timeout: float | None) -> list[IPAddress]:
        """All addresses of ``host``, each verified; FetchError unless every one may be contacted."""
        literal = _literal_address(host)
        addresses = [literal] if literal is not None else self._resolve(host, port, timeout)
        test_host = _host_key(host, port) in self._policy.test_hosts
        if not addresses:
            raise FetchError("the site's name could not be resolved")
        if not all(is_public_address(a) or (test_host and a.is_loopback) for a in addresses):
            raise FetchError("the link leads to a private or reserved network address")
        return addresses

    def _resolve(self, host: str, port: int, timeout: float | None) -> list[IPAddress]:
        """Resolves in a helper thread, because getaddrinfo itself cannot be given a timeout."""
        answer: Future[list[str]] = Future()

        def lookup() -> None:
            try:
                answer.set_result(self._resolver(host, port))
            except BaseException as error:  # noqa: BLE001  (handed over to the waiting thread)
                answer.set_exception(error)

        threading.Thread(target=lookup, name="badge-dns", daemon=True).start()
        try:
            names = answer.result(timeout)
        except TimeoutError:
            raise FetchError("the site's name took too long to resolve") from None
        except (OSError, UnicodeError, ValueError):
            names = []
        try:
            return [ipaddress.ip_address(name) for name in names]
        except ValueError:
            raise FetchError("the site's name resolved to an invalid address") from None


# --- URLs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    url: httpx.URL  # as the badge names it
    wire: httpx.URL  # what is actually requested (http for test hosts)

    @classmethod
    def parse(cls, url: str, policy: FetchPolicy, *, allow_http: bool) -> _Target:
        parsed = _parse_url(url)
        if parsed.scheme not in _DEFAULT_PORTS:
            raise FetchError("only https links can be checked")
        if parsed.scheme == "http" and not allow_http:
            raise FetchError("the link uses plain http; only https links are accepted")
        if parsed.userinfo:
            raise FetchError("links containing a user name or password are not accepted")
        if not parsed.host:
            raise FetchError("the link has no host name")
        port = parsed.port or _DEFAULT_PORTS[parsed.scheme]
        test_host = _host_key(parsed.host, port) in policy.test_hosts
        literal = _literal_address(parsed.host)
        if literal is not None and not test_host and not is_public_address(literal):
            raise FetchError("the link leads to a private or reserved network address")
        wire = parsed.copy_with(scheme="http", port=port) if test_host else parsed
        return cls(parsed.copy_with(fragment=None), wire.copy_with(fragment=None))


def _parse_url(url: str) -> httpx.URL:
    if not isinstance(url, str) or len(url) > _MAX_URL_LENGTH:
        raise FetchError("the link is not a valid web address")
    try:
        return httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError, ValueError):
        raise FetchError("the link is not a valid web address") from None


def _loggable(url: str) -> str:
    """Scheme, host and path only: query strings and fragments may carry tokens or emails."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return "<invalid url>"
    path = "/…" if "@" in parsed.path else parsed.path
    host = _host_key(parsed.host, parsed.port) if parsed.port else _bracketed(parsed.host)
    return f"{parsed.scheme}://{host}{path}"[:300]


def _media_type(headers: httpx.Headers) -> str:
    return headers.get("content-type", "").split(";", 1)[0].strip().lower()


# --- Bodies -----------------------------------------------------------------------------------


class _GzipDecoder:
    """Gzip decoding that never produces more than asked for, so a bomb is caught at the limit."""

    def __init__(self) -> None:
        self._inflate = zlib.decompressobj(_GZIP_WBITS)

    def feed(self, data: bytes, limit: int) -> bytes:
        out = bytearray()
        try:
            while data and len(out) < limit:
                if self._inflate.eof:  # a further gzip member
                    self._inflate = zlib.decompressobj(_GZIP_WBITS)
                out += self._inflate.decompress(data, limit - len(out))
                data = self._inflate.unused_data if self._inflate.eof else self._inflate.unconsumed_tail
        except zlib.error:
            raise FetchError("the compressed response is corrupt") from None
        return bytes(out)

    def finish(self) -> None:
        if not self._inflate.eof:
            raise FetchError("the compressed response was cut short")


def _decoder(headers: httpx.Headers) -> _GzipDecoder | None:
    encoding = headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return _GzipDecoder()
    raise FetchError("the server used a compression that is not supported")


# --- Sessions ---------------------------------------------------------------------------------


class FetchSession:
    """The network as one verification sees it: its own fetch count, time budget and warnings."""

    def __init__(self, pool: Callable[[], httpcore.ConnectionPool], policy: FetchPolicy) -> None:
        self._pool = pool
        self._policy = policy
        self._deadline = time.monotonic() + policy.total_timeout
        self._fetches = 0
        self._lock = threading.Lock()
        self.warnings: list[str] = []

    def get(self, url: str, *, accept: Sequence[str], allow_http: bool = False) -> Fetched:
        """GET ``url``, following redirects; any HTTP status is returned, a refusal raises FetchError.

        A 2xx response must have one of the ``accept`` media types.
        """
        accepted = tuple(media.lower() for media in accept)
        current, previous = url, None
        for _ in range(self._policy.max_redirects + 1):
            try:
                target = self._target(current, previous, allow_http=allow_http)
                result = self._fetch_once(target, accepted)
            except FetchError as error:
                logger.info("badge fetch refused: %s (%s)", error.reason, _loggable(current))
                raise
            if isinstance(result, Fetched):
                return result
            current, previous = result, target
        logger.info("badge fetch refused: too many redirects (%s)", _loggable(url))
        raise FetchError("the link redirected too many times")

    def _target(self, url: str, previous: _Target | None, *, allow_http: bool) -> _Target:
        downgrade = (
            previous is not None and previous.url.scheme == "https" and _parse_url(url).scheme == "http"
        )
        if downgrade and not allow_http:
            raise FetchError("the site redirected from https to plain http")
        target = _Target.parse(url, self._policy, allow_http=allow_http)
        if target.url.scheme == "http":
            warning = f"{target.url.host} was fetched over plain http, which anyone on the way could alter"
            if warning not in self.warnings:
                self.warnings.append(warning)
        return target

    def _fetch_once(self, target: _Target, accept: tuple[str, ...]) -> Fetched | str:
        """One request: a Fetched, or the absolute URL a redirect points to."""
        timeout, out_of_session_time = self._start_request()
        headers = [
            (b"Host", target.wire.netloc),
            (b"User-Agent", self._policy.user_agent.encode("ascii")),
            (b"Accept", ", ".join(accept).encode("ascii") if accept else b"*/*"),
            (b"Accept-Encoding", b"gzip"),
        ]
        wire = target.wire
        request_url = httpcore.URL(
            scheme=wire.raw_scheme, host=wire.raw_host, port=wire.port, target=wire.raw_path
        )
        extensions = {"timeout": dict.fromkeys(("connect", "read", "write", "pool"), timeout)}
        token = _DEADLINE.set(time.monotonic() + timeout)
        try:
            with self._pool().stream("GET", request_url, headers=headers, extensions=extensions) as response:
                return self._response(target, response, accept)
        except httpcore.TimeoutException:
            raise FetchError(self._timeout_reason(out_of_session_time)) from None
        except httpcore.ConnectError as error:
            if "CERTIFICATE_VERIFY_FAILED" in str(error):
                raise FetchError("the site's security certificate could not be verified") from None
            raise FetchError("the site could not be reached") from None
        except httpcore.NetworkError:
            raise FetchError("the connection to the site broke off") from None
        except (httpcore.ProtocolError, httpcore.UnsupportedProtocol):
            raise FetchError("the site sent a malformed response") from None
        finally:
            _DEADLINE.reset(token)

    def _start_request(self) -> tuple[float, bool]:
        """Counts the fetch; the request's timeout and whether the session's deadline bounds it."""
        with self._lock:
            if self._fetches >= self._policy.max_fetches:
                raise FetchError("checking this badge needed too many downloads")
            self._fetches += 1
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(self._timeout_reason(True))
        return min(self._policy.request_timeout, remaining), remaining <= self._policy.request_timeout

    @staticmethod
    def _timeout_reason(out_of_session_time: bool) -> str:
        if out_of_session_time:
            return "checking this badge took too long"
        return "the site took too long to answer"

    def _response(
        self, target: _Target, response: httpcore.Response, accept: tuple[str, ...]
    ) -> Fetched | str:
        headers = httpx.Headers(response.headers)
        if response.status in _REDIRECT_STATUSES and "location" in headers:
            try:
                return str(target.url.join(headers["location"]))
            except (httpx.InvalidURL, ValueError):
                raise FetchError("the site redirected to an invalid address") from None
        content_type = _media_type(headers)
        if 200 <= response.status < 300 and content_type not in accept:
            shown = content_type if _MEDIA_TYPE.fullmatch(content_type) else "an unlabelled document"
            raise FetchError(f"the site sent {shown}, not the expected kind of document")
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._policy.max_bytes:
            raise self._too_large()
        body = self._read_body(response.iter_stream(), _decoder(headers))
        return Fetched(str(target.url), response.status, content_type, body)

    def _read_body(self, chunks: Iterable[bytes], decoder: _GzipDecoder | None) -> bytes:
        limit = self._policy.max_bytes
        body = bytearray()
        received = 0
        for chunk in chunks:
            received += len(chunk)
            body += decoder.feed(chunk, limit + 1 - len(body)) if decoder else chunk
            if received > limit or len(body) > limit:
                raise self._too_large()
        if decoder:
            decoder.finish()
        return bytes(body)

    def _too_large(self) -> FetchError:
        return FetchError(f"the response is larger than the {self._policy.max_bytes // 1024} KB limit")


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying context (certifi's CA bundle) for the process: loading the bundle takes ~50 ms."""
    return httpx.create_ssl_context()


class SafeFetcher:
    """Owns the connection pool; hands out one FetchSession per verification.

    The pool (and its TLS context: loading the CA bundle takes ~50 ms) is made at the first request,
    so verifying a badge that needs no network, or ``skillstack verify`` of a local file, never pays
    for it."""

    def __init__(self, policy: FetchPolicy | None = None) -> None:
        self.policy = policy or FetchPolicy()
        self._pool: httpcore.ConnectionPool | None = None
        self._pool_lock = threading.Lock()

    def session(self) -> FetchSession:
        return FetchSession(self._connection_pool, self.policy)

    def _connection_pool(self) -> httpcore.ConnectionPool:
        with self._pool_lock:
            if self._pool is None:
                self._pool = httpcore.ConnectionPool(
                    ssl_context=_ssl_context(),
                    max_connections=20,
                    max_keepalive_connections=10,
                    keepalive_expiry=30.0,
                    http1=True,
                    http2=False,
                    retries=0,
                    network_backend=_GuardedBackend(self.policy),
                )
            return self._pool

    def close(self) -> None:
        with self._pool_lock:
            if self._pool is not None:
                self._pool.close()

    def __enter__(self) -> SafeFetcher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

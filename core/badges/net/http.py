"""The HTTP half of :mod:`core.badges.net.fetcher`: URLs, the guarded connection layer, one request.

Kept apart so that importing the fetcher (every verifier module names its errors) does not import
httpx and httpcore: a badge that needs no network, or ``skillstack verify`` of a local file, never
loads them.  Everything here is reached only through :class:`~core.badges.net.fetcher.FetchSession`,
which keeps the session's budget; the rules are the fetcher module's (see its docstring).
"""

from __future__ import annotations

import contextvars
import functools
import ipaddress
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from core.badges.net import rules as fetch_rules
from core.badges.net.rules import (
    DEFAULT_PORTS,
    FetchCause,
    Fetched,
    FetchError,
    FetchPolicy,
    IPAddress,
    timeout_reason,
)

_MAX_URL_LENGTH = 4096
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_GZIP_WBITS = zlib.MAX_WBITS | 16
# WHATWG URL parsing treats a host whose last label is a number (decimal, octal or hex) as an IPv4
# address ("2130706433", "0x7f.1", "127.1" are all 127.0.0.1 to a browser or to inet_aton).
_NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+", re.IGNORECASE)
_MEDIA_TYPE = re.compile(r"[a-z0-9!#$&^_.+-]{1,64}/[a-z0-9!#$&^_.+-]{1,64}")


# --- Hosts ------------------------------------------------------------------------------------


def _literal_address(host: str) -> IPAddress | None:
    """The address a host names literally, None for a DNS name; refuses non-canonical numeric forms."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _NUMERIC_LABEL.fullmatch(host.rstrip(".").rsplit(".", 1)[-1]):
        raise FetchError("the link uses an unusual numeric address, which is not accepted", FetchCause.LINK)
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
        failure: Exception = FetchError("the site could not be reached", FetchCause.UNREACHABLE)
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
            raise FetchError("the site's name could not be resolved", FetchCause.UNREACHABLE)
        if not all(fetch_rules.is_public_address(a) or (test_host and a.is_loopback) for a in addresses):
            raise FetchError("the link leads to a private or reserved network address", FetchCause.LINK)
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
            raise FetchError("the site's name took too long to resolve", FetchCause.TIMEOUT) from None
        except (OSError, UnicodeError, ValueError):
            names = []
        try:
            return [ipaddress.ip_address(name) for name in names]
        except ValueError:
            raise FetchError(
                "the site's name resolved to an invalid address", FetchCause.UNREACHABLE
            ) from None


# --- URLs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    url: httpx.URL  # as the badge names it
    wire: httpx.URL  # what is actually requested (http for test hosts)

    @classmethod
    def parse(cls, url: str, policy: FetchPolicy, *, allow_http: bool) -> Target:
        parsed = parse_url(url)
        if parsed.scheme not in DEFAULT_PORTS:
            raise FetchError("only https links can be checked", FetchCause.LINK)
        if parsed.scheme == "http" and not allow_http:
            raise FetchError("the link uses plain http; only https links are accepted", FetchCause.LINK)
        if parsed.userinfo:
            raise FetchError("links containing a user name or password are not accepted", FetchCause.LINK)
        if not parsed.host:
            raise FetchError("the link has no host name", FetchCause.LINK)
        port = parsed.port or DEFAULT_PORTS[parsed.scheme]
        test_host = _host_key(parsed.host, port) in policy.test_hosts
        literal = _literal_address(parsed.host)
        if literal is not None and not test_host and not fetch_rules.is_public_address(literal):
            raise FetchError("the link leads to a private or reserved network address", FetchCause.LINK)
        wire = parsed.copy_with(scheme="http", port=port) if test_host else parsed
        return cls(parsed.copy_with(fragment=None), wire.copy_with(fragment=None))


def next_target(
    url: str, previous: Target | None, policy: FetchPolicy, warnings: list[str], allow_http: bool
) -> Target:
    """The next hop's target, checked; a plain-http hop adds its warning to the session's."""
    downgrade = previous is not None and previous.url.scheme == "https" and parse_url(url).scheme == "http"
    if downgrade and not allow_http:
        raise FetchError("the site redirected from https to plain http", FetchCause.LINK)
    target = Target.parse(url, policy, allow_http=allow_http)
    if target.url.scheme == "http":
        warning = f"{target.url.host} was fetched over plain http, which anyone on the way could alter"
        if warning not in warnings:
            warnings.append(warning)
    return target


def parse_url(url: str) -> httpx.URL:
    if not isinstance(url, str) or len(url) > _MAX_URL_LENGTH:
        raise FetchError("the link is not a valid web address", FetchCause.LINK)
    try:
        return httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError, ValueError):
        raise FetchError("the link is not a valid web address", FetchCause.LINK) from None


def loggable(url: str) -> str:
    """Scheme, host and path only: query strings and fragments may carry tokens or emails."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return "<invalid url>"
    path = "/…" if "@" in parsed.path else parsed.path
    host = _host_key(parsed.host, parsed.port) if parsed.port else _bracketed(parsed.host)
    return f"{parsed.scheme}://{host}{path}"[:300]


def _media_type(headers: httpx.Headers) -> str:
    content_type: str = headers.get("content-type", "")
    return content_type.split(";", 1)[0].strip().lower()


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
            raise FetchError("the compressed response is corrupt", FetchCause.BROKEN) from None
        return bytes(out)

    def finish(self) -> None:
        if not self._inflate.eof:
            raise FetchError("the compressed response was cut short", FetchCause.BROKEN)


def _decoder(headers: httpx.Headers) -> _GzipDecoder | None:
    encoding = headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return _GzipDecoder()
    raise FetchError("the server used a compression that is not supported", FetchCause.BROKEN)


# --- One request ----------------------------------------------------------------------


class Request:
    """One GET on the session's pool: a Fetched, or the absolute URL a redirect points to."""

    def __init__(
        self, pool: httpcore.ConnectionPool, policy: FetchPolicy, timeout: float, out_of_session_time: bool
    ) -> None:
        self._pool = pool
        self._policy = policy
        self._timeout = timeout
        self._out_of_session_time = out_of_session_time

    def send(self, target: Target, accept: tuple[str, ...]) -> Fetched | str:
        """One request: a Fetched, or the absolute URL a redirect points to."""
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
        extensions = {"timeout": dict.fromkeys(("connect", "read", "write", "pool"), self._timeout)}
        token = _DEADLINE.set(time.monotonic() + self._timeout)
        try:
            with self._pool.stream("GET", request_url, headers=headers, extensions=extensions) as response:
                return self._response(target, response, accept)
        except httpcore.TimeoutException:
            raise FetchError(
                timeout_reason(out_of_session_time=self._out_of_session_time), FetchCause.TIMEOUT
            ) from None
        except httpcore.ConnectError as error:
            if "CERTIFICATE_VERIFY_FAILED" in str(error):
                raise FetchError(
                    "the site's security certificate could not be verified", FetchCause.UNREACHABLE
                ) from None
            raise FetchError("the site could not be reached", FetchCause.UNREACHABLE) from None
        except httpcore.NetworkError:
            raise FetchError("the connection to the site broke off", FetchCause.UNREACHABLE) from None
        except (httpcore.ProtocolError, httpcore.UnsupportedProtocol):
            raise FetchError("the site sent a malformed response", FetchCause.BROKEN) from None
        finally:
            _DEADLINE.reset(token)

    def _response(
        self, target: Target, response: httpcore.Response, accept: tuple[str, ...]
    ) -> Fetched | str:
        headers = httpx.Headers(response.headers)
        if response.status in _REDIRECT_STATUSES and "location" in headers:
            try:
                return str(target.url.join(headers["location"]))
            except (httpx.InvalidURL, ValueError):
                raise FetchError("the site redirected to an invalid address", FetchCause.LINK) from None
        content_type = _media_type(headers)
        if 200 <= response.status < 300 and content_type not in accept:
            shown = content_type if _MEDIA_TYPE.fullmatch(content_type) else "an unlabelled document"
            raise FetchError(
                f"the site sent {shown}, not the expected kind of document", FetchCause.NOT_A_BADGE
            )
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
        return FetchError(
            f"the response is larger than the {self._policy.max_bytes // 1024} KB limit", FetchCause.TOO_BIG
        )


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying context (certifi's CA bundle) for the process: loading the bundle takes ~50 ms."""
    return httpx.create_ssl_context()


def connection_pool(policy: FetchPolicy) -> httpcore.ConnectionPool:
    """A pool whose connections go only to checked addresses (see :class:`_GuardedBackend`)."""
    return httpcore.ConnectionPool(
        ssl_context=_ssl_context(),
        max_connections=20,
        max_keepalive_connections=10,
        keepalive_expiry=30.0,
        http1=True,
        http2=False,
        retries=0,
        network_backend=_GuardedBackend(policy),
    )

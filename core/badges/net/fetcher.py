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

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from core.badges.net.rules import (
    DEFAULT_PORTS,
    HTML_TYPES,
    JSON_TYPES,
    FetchCause,
    Fetched,
    FetchError,
    FetchPolicy,
    is_public_address,
    timeout_reason,
)

if TYPE_CHECKING:
    from httpcore import ConnectionPool


# The fetcher's face: its rules and results are defined in fetch_rules (which its HTTP half,
# fetch_http, imports too), and every verifier module takes them from here.
__all__ = [
    "DEFAULT_PORTS",
    "HTML_TYPES",
    "JSON_TYPES",
    "FetchCause",
    "FetchError",
    "FetchPolicy",
    "FetchSession",
    "Fetched",
    "SafeFetcher",
    "is_public_address",
]

logger = logging.getLogger(__name__)

# --- Sessions ---------------------------------------------------------------------------------


class FetchSession:
    """The network as one verification sees it: its own fetch count, time budget and warnings."""

    def __init__(self, pool: Callable[[], ConnectionPool], policy: FetchPolicy) -> None:
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
        from core.badges.net import http as fetch_http  # httpx and httpcore: only once something is fetched

        accepted = tuple(media.lower() for media in accept)
        current, previous = url, None
        for _ in range(self._policy.max_redirects + 1):
            try:
                target = fetch_http.next_target(current, previous, self._policy, self.warnings, allow_http)
                timeout, out_of_session_time = self._start_request()
                result = fetch_http.Request(self._pool(), self._policy, timeout, out_of_session_time).send(
                    target, accepted
                )
            except FetchError as error:
                logger.info("badge fetch refused: %s (%s)", error.reason, fetch_http.loggable(current))
                raise
            if isinstance(result, Fetched):
                return result
            current, previous = result, target
        logger.info("badge fetch refused: too many redirects (%s)", fetch_http.loggable(url))
        raise FetchError("the link redirected too many times", FetchCause.LINK)

    def _start_request(self) -> tuple[float, bool]:
        """Counts the fetch; the request's timeout and whether the session's deadline bounds it."""
        with self._lock:
            if self._fetches >= self._policy.max_fetches:
                raise FetchError("checking this badge needed too many downloads", FetchCause.TOO_BIG)
            self._fetches += 1
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(timeout_reason(out_of_session_time=True), FetchCause.TIMEOUT)
        return min(self._policy.request_timeout, remaining), remaining <= self._policy.request_timeout


class SafeFetcher:
    """Owns the connection pool; hands out one FetchSession per verification.

    The pool (and its TLS context: loading the CA bundle takes ~50 ms) is made at the first request,
    so verifying a badge that needs no network, or ``skillstack verify`` of a local file, never pays
    for it."""

    def __init__(self, policy: FetchPolicy | None = None) -> None:
        self.policy = policy or FetchPolicy()
        self._pool: ConnectionPool | None = None
        self._pool_lock = threading.Lock()

    def session(self) -> FetchSession:
        return FetchSession(self._connection_pool, self.policy)

    def _connection_pool(self) -> ConnectionPool:
        from core.badges.net import http as fetch_http

        with self._pool_lock:
            if self._pool is None:
                self._pool = fetch_http.connection_pool(self.policy)
            return self._pool

    def close(self) -> None:
        with self._pool_lock:
            if self._pool is not None:
                self._pool.close()

    def __enter__(self) -> SafeFetcher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

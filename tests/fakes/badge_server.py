"""A real HTTP server on 127.0.0.1 for badge tests: badges, contexts, keys and status lists are
served locally so verification runs through the real SafeFetcher without touching the internet.

Badges name it with https:// URLs (``https_url``); the fetchers it hands out list its host in the
TEST-ONLY ``test_hosts`` policy, which lets the fetcher reach this loopback port over plain http.
"""

from __future__ import annotations

import contextlib
import json
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from core.badges.net.fetcher import FetchPolicy, SafeFetcher

_CHUNK = 16 * 1024


@dataclass(frozen=True)
class _Route:
    status: int
    body: bytes
    headers: Mapping[str, str]
    delay: float = 0.0  # before the status line: a slow server
    chunked: bool = False  # no Content-Length, chunked transfer encoding
    drip: float = 0.0  # pause between chunks (chunked only): a server that trickles
    chunk_size: int = _CHUNK


@dataclass
class _State:
    routes: dict[str, _Route] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    request_headers: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _encode(body: bytes | str | dict[str, Any] | list[Any]) -> bytes:
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    return json.dumps(body).encode("utf-8")


class BadgeServer:
    """Threaded HTTP/1.1 server on a random loopback port; use as a context manager."""

    def __init__(self, *, tls: ssl.SSLContext | None = None) -> None:
        """``tls``: serve https with this server context (only for tests of the fetcher's TLS layer;
        badge tests use plain http through ``test_hosts``)."""
        self._state = _State()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self._state))
        self._scheme = "https" if tls else "http"
        if tls:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        self._httpd.daemon_threads = True  # a handler still sleeping in `delay` must not block shutdown
        self._thread = threading.Thread(target=self._serve, name="badge-server", daemon=True)
        self._fetchers: list[SafeFetcher] = []

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def origin(self) -> str:
        return f"{self._scheme}://{self.host}"

    def https_url(self, path: str) -> str:
        """The URL a badge should contain (the test fetcher downgrades it to http for this host)."""
        return f"https://{self.host}{path}"

    @property
    def requests(self) -> list[str]:
        """Request targets (path and query) in the order they arrived."""
        with self._state.lock:
            return list(self._state.requests)

    @property
    def request_headers(self) -> list[dict[str, str]]:
        """Headers of each request (names lowercased), parallel to ``requests``."""
        with self._state.lock:
            return [dict(headers) for headers in self._state.request_headers]

    def route(
        self,
        path: str,
        body: bytes | str | dict[str, Any] | list[Any],
        *,
        status: int = 200,
        content_type: str = "application/json",
        headers: Mapping[str, str] | None = None,
        delay: float = 0.0,
        chunked: bool = False,
        drip: float = 0.0,
        chunk_size: int = _CHUNK,
    ) -> str:
        """Serve ``body`` at ``path`` (dicts and lists as JSON); returns ``https_url(path)``."""
        all_headers = {"Content-Type": content_type, **(headers or {})}
        route = _Route(status, _encode(body), all_headers, delay, chunked, drip, chunk_size)
        with self._state.lock:
            self._state.routes[path] = route
        return self.https_url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        """Answer ``path`` with a redirect to ``location``; returns ``https_url(path)``."""
        return self.route(path, b"", status=status, content_type="text/plain", headers={"Location": location})

    def fetcher(self, **policy_overrides: Any) -> SafeFetcher:
        """A SafeFetcher that may reach this server (closed with the server)."""
        test_hosts = frozenset({self.host}) | frozenset(policy_overrides.pop("test_hosts", ()))
        fetcher = SafeFetcher(FetchPolicy(test_hosts=test_hosts, **policy_overrides))
        self._fetchers.append(fetcher)
        return fetcher

    def __enter__(self) -> BadgeServer:
        self._thread.start()
        return self

    def _serve(self) -> None:
        self._httpd.serve_forever(poll_interval=0.02)  # shutdown() waits up to one poll interval

    def __exit__(self, *_exc: object) -> None:
        for fetcher in self._fetchers:
            fetcher.close()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def _handler_for(state: _State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in two sends: no delayed-ACK wait

        def handle(self) -> None:
            # The client hanging up (a refused or timed-out fetch) is expected, not worth a traceback.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                super().handle()

        def do_GET(self) -> None:
            with state.lock:
                state.requests.append(self.path)
                state.request_headers.append({name.lower(): value for name, value in self.headers.items()})
                route = state.routes.get(self.path) or state.routes.get(self.path.split("?", 1)[0])
            self._answer(route or _Route(404, b"not found", {"Content-Type": "text/plain"}))

        def _answer(self, route: _Route) -> None:
            if route.delay:
                time.sleep(route.delay)
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            if not route.chunked:
                if not any(name.lower() == "content-length" for name in route.headers):  # a route may lie
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)
                return
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(route.body), route.chunk_size):
                piece = route.body[start : start + route.chunk_size]
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                self.wfile.flush()
                if route.drip:
                    time.sleep(route.drip)
            self.wfile.write(b"0\r\n\r\n")

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test output is for assertions."""

    return Handler

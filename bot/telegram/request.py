"""The HTTP client for Bot API calls: python-telegram-bot's request interface on aiohttp.

PTB's own client is httpx.  Under load most of the bot's event-loop time went into it: in the
conversation benchmark, 54% of the event loop's CPU was httpx and httpcore (request building,
cookie and auth hooks, the pool's idle-socket checks, h11), more than parsing updates and running
the dialogue together.  aiohttp parses HTTP in C and keeps its connection pool simple; a bare
echo bot on it used 0.45-0.72 ms of event-loop CPU per update against 1.4-2.5 ms on PTB's default
client (measured in the same runs, same fake Bot API).  PTB supports other clients through
:class:`~telegram.request.BaseRequest`; this is one, with PTB's timeout defaults and error types,
so retries, 429 handling and the rest of PTB work unchanged.  httpx stays for fetching badge
links (:mod:`core.badges.net.fetcher`), where its transport hooks carry the SSRF checks.

Parameters go as a JSON body, which the Bot API accepts as well as a form: PTB's clients
form-encode them, and percent-encoding a plan's few kilobytes of text in ``urllib.parse`` (pure
Python) cost more of the event loop than the JSON encoder does for the whole call.  Calls with
files are multipart forms, as Telegram requires.
"""

from __future__ import annotations

import json

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput, UploadFileDict
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    """At most ``connections`` kept-alive connections to the Bot API, shared by all calls.

    Timeouts default to PTB's (5 s to connect, write and read, 1 s waiting for a free connection,
    20 s to upload a file); a call may override each, as PTB's methods do for long polling.  The
    session is made in :meth:`initialize`, because aiohttp binds it to the running event loop.
    """

    def __init__(
        self,
        connections: int,
        *,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self.connections = connections
        self._connect_timeout, self._pool_timeout = connect_timeout, pool_timeout
        self._write_timeout, self._media_write_timeout = write_timeout, media_write_timeout
        self._read_timeout = read_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self.connections, limit_per_host=self.connections)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        files = request_data.multipart_data if request_data is not None else {}
        body, headers = _body(request_data, files) if request_data is not None else (None, None)
        timeout = _timeout(
            _chosen(connect_timeout, self._connect_timeout),
            _chosen(pool_timeout, self._pool_timeout),
            _chosen(write_timeout, self._media_write_timeout if files else self._write_timeout),
            _chosen(read_timeout, self._read_timeout),
        )
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's own timeouts are TimeoutErrors too
            raise TimedOut(f"aiohttp.{type(error).__name__}: {error}") from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error


def _chosen(given: ODVInput[float], default: float | None) -> float | None:
    """A call's own timeout, or the client's when the call left it at PTB's default marker."""
    return default if isinstance(given, DefaultValue) else given


JSON_HEADERS = {"Content-Type": "application/json"}


def _body(
    request_data: RequestData, files: UploadFileDict
) -> tuple[bytes | aiohttp.FormData, dict[str, str] | None]:
    """The body and its headers: the parameters as JSON; with files, one multipart form."""
    if not files:
        return json.dumps(request_data.parameters).encode(), JSON_HEADERS
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in files.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form, None


def _timeout(
    connect: float | None, pool: float | None, write: float | None, read: float | None
) -> aiohttp.ClientTimeout:
    """PTB's four timeouts in aiohttp's terms.

    aiohttp has no write timeout, so the whole call is also capped at the sum of the four (when
    none is unlimited): a stalled upload still ends.  Its ``connect`` includes waiting for a free
    connection, ``sock_connect`` is the TCP connect alone.
    """
    parts = (connect, pool, write, read)
    total = None if any(part is None for part in parts) else sum(parts)  # type: ignore[arg-type]
    waiting = None if connect is None or pool is None else connect + pool
    return aiohttp.ClientTimeout(total=total, connect=waiting, sock_connect=connect, sock_read=read)

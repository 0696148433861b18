"""The HTTP client for Bot API calls: several single-connection clients instead of one shared pool.

PTB's default is one httpx client with a pool of connections.  httpcore (1.0, under httpx) hands
every waiting request to any idle connection whenever a request starts or ends, without noting
that it already handed that connection to another request in the same turn of the event loop;
the loser fails with ``ConnectionNotAvailable`` and waits again, and every round checks every
pooled socket (two system calls each).  In the conversation benchmark that churn made 1,152
connection attempts for 520 messages.  Here each client owns one connection and serves one
request at a time, handed out by an asyncio queue, so a request never competes for a connection
and the bookkeeping touches one socket.
"""

from __future__ import annotations

import asyncio
from typing import Any

from telegram.request import BaseRequest, HTTPXRequest


class ClientPoolRequest(BaseRequest):
    """``connections`` single-connection :class:`HTTPXRequest` clients, one request at a time each."""

    def __init__(self, connections: int, **client_options: Any) -> None:
        self._clients = [HTTPXRequest(connection_pool_size=1, **client_options) for _ in range(connections)]
        self._free: asyncio.Queue[HTTPXRequest] = asyncio.Queue()
        for client in self._clients:
            self._free.put_nowait(client)

    @property
    def read_timeout(self) -> float | None:
        return self._clients[0].read_timeout

    async def initialize(self) -> None:
        for client in self._clients:
            await client.initialize()

    async def shutdown(self) -> None:
        for client in self._clients:
            await client.shutdown()

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        client = await self._free.get()
        try:
            return await client.do_request(*args, **kwargs)
        finally:
            self._free.put_nowait(client)

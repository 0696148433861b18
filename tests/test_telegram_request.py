"""The Bot API client pool: one request per connection at a time, nothing lost, nothing doubled."""

from __future__ import annotations

import asyncio
from pathlib import Path

from telegram import Bot

from bot.telegram.request import ClientPoolRequest
from tests.fakes.fake_bot_api import FakeBotApi, Fault, SpecChecker

TOKEN = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-Ew"


async def test_concurrent_sends_share_a_fixed_set_of_connections(shared_dir: Path) -> None:
    api = FakeBotApi(SpecChecker.load(shared_dir / "telegram" / "api.json"))
    url = api.start()
    api.inject("sendMessage", *[Fault(200, "", delay=0.05) for _ in range(6)])  # slow: calls overlap
    try:
        async with Bot(TOKEN, base_url=f"{url}/bot", request=ClientPoolRequest(3)) as bot:
            await asyncio.gather(*(bot.send_message(chat_id, f"hello {chat_id}") for chat_id in range(1, 41)))
        sent = sorted(call.params["chat_id"] for call in api.calls if call.method == "sendMessage")
        assert sent == list(range(1, 41))  # each message exactly once
        assert api.max_in_flight == 3  # the slow calls filled every connection, and no more
        assert len(api.client_ports) == 3  # getMe included: every call went over those three
        assert api.violations == []
    finally:
        api.stop()

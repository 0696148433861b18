"""The Bot API client on aiohttp: a fixed set of connections, PTB's timeouts and error types."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.telegram.request import AiohttpRequest
from tests.e2e.conftest import TOKEN
from tests.fakes.fake_bot_api import FakeBotApi, Fault


async def test_concurrent_sends_share_a_fixed_set_of_connections(fake_api: tuple[FakeBotApi, str]) -> None:
    server, url = fake_api
    server.inject("sendMessage", *[Fault(200, "", delay=0.05) for _ in range(6)])  # slow: calls overlap
    async with Bot(TOKEN, base_url=f"{url}/bot", request=AiohttpRequest(3)) as bot:
        await asyncio.gather(*(bot.send_message(chat_id, f"hello {chat_id}") for chat_id in range(1, 41)))
    sent = sorted(call.params["chat_id"] for call in server.calls if call.method == "sendMessage")
    assert sent == list(range(1, 41))  # each message exactly once
    assert server.max_in_flight == 3  # the slow calls filled every connection, and no more
    assert len(server.client_ports) == 3  # getMe included: every call went over those three
    assert server.violations == []


async def test_a_slow_answer_is_ptbs_timed_out(fake_api: tuple[FakeBotApi, str]) -> None:
    server, url = fake_api
    server.inject("sendMessage", Fault(200, "", delay=1.0))
    async with Bot(TOKEN, base_url=f"{url}/bot", request=AiohttpRequest(2, read_timeout=0.2)) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(1, "hello")
        await bot.send_message(1, "again")  # the client is still usable
    assert "again" in [call.params["text"] for call in server.calls if call.method == "sendMessage"]


async def test_a_call_can_set_its_own_read_timeout(fake_api: tuple[FakeBotApi, str]) -> None:
    """As PTB does for long polling: the call's timeout wins over the client's default."""
    server, url = fake_api
    server.inject("sendMessage", Fault(200, "", delay=0.4))
    async with Bot(TOKEN, base_url=f"{url}/bot", request=AiohttpRequest(1, read_timeout=0.1)) as bot:
        message = await bot.send_message(1, "patient", read_timeout=2.0)
    assert message.text == "patient"


async def test_an_unreachable_server_is_a_network_error_without_the_token() -> None:
    request = AiohttpRequest(1, connect_timeout=1.0)
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as raised:
            await request.do_request(f"http://127.0.0.1:9/bot{TOKEN}/getMe", "POST")
    finally:
        await request.shutdown()
    assert not isinstance(raised.value, TimedOut)
    assert "AAEhBOweik6ad9r" not in str(raised.value)


async def test_a_request_before_initialize_is_a_clear_error() -> None:
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest(1).do_request("http://127.0.0.1:9/", "POST")

"""The fake Bot API itself: it must reject what Telegram rejects, or the end-to-end tests prove nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.fake_bot_api import FakeBotApi, SpecChecker

TOKEN = "123:abc"


@pytest.fixture
def api(shared_dir: Path) -> Iterator[tuple[FakeBotApi, str]]:
    server = FakeBotApi(SpecChecker.load(shared_dir / "telegram" / "api.json"))
    url = server.start()
    yield server, url
    server.stop()


def call(url: str, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = httpx.post(f"{url}/bot{TOKEN}/{method}", json=params, timeout=5)
    return response.status_code, response.json()


@pytest.mark.parametrize(
    ("method", "params", "problem"),
    [
        ("sendMesage", {"chat_id": 1, "text": "hi"}, "unknown method"),
        ("sendMessage", {"chat_id": 1, "text": "hi", "colour": "red"}, "unknown parameter colour"),
        ("sendMessage", {"text": "hi"}, "missing required chat_id"),
        ("sendMessage", {"chat_id": 1, "text": "x" * 4097}, "text of 4097 characters"),
        ("sendMessage", {"chat_id": 1, "text": ""}, "text of 0 characters"),
        ("sendMessage", {"chat_id": [1], "text": "hi"}, "chat_id"),
        (
            "sendMessage",
            {
                "chat_id": 1,
                "text": "hi",
                "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "x" * 65}]]},
            },
            "callback_data of 65 bytes",
        ),
        (
            "sendMessage",
            {"chat_id": 1, "text": "hi", "reply_markup": {"inline_keyboard": [[{"txt": "a"}]]}},
            "reply_markup",
        ),
    ],
)
def test_spec_violations_are_refused_and_recorded(
    api: tuple[FakeBotApi, str], method: str, params: dict[str, Any], problem: str
) -> None:
    server, url = api
    status, body = call(url, method, params)
    assert status == 400
    assert body["ok"] is False
    assert any(problem in violation for violation in server.violations), server.violations


def test_a_valid_call_is_recorded(api: tuple[FakeBotApi, str]) -> None:
    server, url = api
    status, body = call(
        url,
        "sendMessage",
        {
            "chat_id": 7,
            "text": "hello",
            "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "1.0"}]]},
        },
    )
    assert status == 200
    assert body["result"]["chat"]["id"] == 7
    assert server.violations == []
    assert server.sent_to(7)[0]["text"] == "hello"


def test_long_polling_hands_out_updates_by_offset(api: tuple[FakeBotApi, str]) -> None:
    server, url = api
    first = server.message(1, "one")
    second = server.message(1, "two")
    _, body = call(url, "getUpdates", {"timeout": 0})
    assert [u["update_id"] for u in body["result"]] == [first, second]
    _, body = call(url, "getUpdates", {"offset": second, "timeout": 0})
    assert [u["update_id"] for u in body["result"]] == [second]
    _, body = call(url, "getUpdates", {"offset": second + 1, "timeout": 0})
    assert body["result"] == []

"""The fake Bot API itself: it must reject what Telegram rejects, or the end-to-end tests prove nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.fake_bot_api import FakeBotApi, SpecChecker, UploadedFile

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


def test_an_upload_is_checked_and_recorded_byte_for_byte(api: tuple[FakeBotApi, str]) -> None:
    server, url = api
    content = bytes(range(256)) * 40  # every byte value, CR and LF included
    response = httpx.post(
        f"{url}/bot{TOKEN}/sendDocument",
        data={"chat_id": "7", "caption": "your data"},
        files={"document": ("export.json", content, "application/json")},
        timeout=5,
    )
    assert response.status_code == 200, response.text
    assert response.json()["result"]["document"]["file_name"] == "export.json"
    assert server.documents_sent_to(7) == [UploadedFile("export.json", content, "application/json")]
    assert server.violations == []


@pytest.mark.parametrize(
    ("data", "files", "problem"),
    [
        ({"chat_id": "7"}, {"document": ("a.txt", b"a"), "caption": ("c.txt", b"c")}, "caption="),
        (
            {"chat_id": "7", "document": "x", "caption": "c" * 1025},
            {"thumbnail": ("t", b"t")},
            "caption of 1025",
        ),
        ({"document": "x"}, {"thumbnail": ("t.jpg", b"t")}, "missing required chat_id"),
    ],
)
def test_uploads_that_break_the_spec_are_refused(
    api: tuple[FakeBotApi, str], data: dict[str, str], files: dict[str, Any], problem: str
) -> None:
    server, url = api
    response = httpx.post(f"{url}/bot{TOKEN}/sendDocument", data=data, files=files, timeout=5)
    assert response.status_code == 400
    assert any(problem in violation for violation in server.violations), server.violations


def test_an_input_file_cannot_be_sent_as_json(api: tuple[FakeBotApi, str]) -> None:
    server, url = api
    status, _ = call(url, "sendDocument", {"chat_id": 7, "document": {"name": "a.json"}})
    assert status == 400
    assert any("document=" in violation for violation in server.violations)


def test_get_file_then_download(api: tuple[FakeBotApi, str]) -> None:
    server, url = api
    document = server.add_file("f1", b"\x89PNG\r\n", file_name="b.png", size_in_file=False)
    assert document == {"file_id": "f1", "file_unique_id": "u-f1", "file_name": "b.png", "file_size": 6}
    status, body = call(url, "getFile", {"file_id": "f1"})
    assert status == 200
    assert "file_size" not in body["result"]
    download = httpx.get(f"{url}/file/bot{TOKEN}/{body['result']['file_path']}", timeout=5)
    assert download.content == b"\x89PNG\r\n"
    assert server.downloads == [body["result"]["file_path"]]
    assert httpx.get(f"{url}/file/bot{TOKEN}/documents/nope", timeout=5).status_code == 404
    assert call(url, "getFile", {"file_id": "nope"})[0] == 400


def test_get_file_refuses_files_telegram_would_not_serve(api: tuple[FakeBotApi, str]) -> None:
    server, url = api
    server.add_file("big", b"\x00" * (20 * 1024 * 1024 + 1))
    status, body = call(url, "getFile", {"file_id": "big"})
    assert status == 400
    assert "too big" in body["description"]

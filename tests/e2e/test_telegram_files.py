"""Files both ways through the real PTB bot and the spec-checking fake Bot API.

Out: /export arrives as a JSON document (multipart sendDocument, retried on a 429).  In: a
learner's document is fetched with getFile and the file URL and handed to the dialogue byte for
byte; a file over the limit, a photo (recompressed by Telegram, useless as a baked badge) and a
failed download reach the dialogue as a FILE with no attachment, so the learner still gets an
answer.  A spy on the dialogue shows exactly what the channel handed over.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

import pytest

from bot.telegram.app import MAX_FILE_BYTES
from core.badges.jsonld.contexts import ContextStore
from core.badges.verify import BadgeVerifier
from core.i18n import t
from core.messages import Identity, Inbound, InboundKind, Reply
from tests.e2e.conftest import NOW, RunningBot, eventually
from tests.fakes.badge_server import BadgeServer
from tests.fakes.fake_bot_api import Fault
from tests.integration.dialogue.test_badges import host_badge
from tests.scripts import ENGLISH_TYPED_ONBOARDING

UNREADABLE = t("badges.file_unreadable", "en")  # the dialogue's answer to a FILE with no attachment


def tiny_png() -> bytes:
    """A valid 1x1 PNG with no badge baked in: real image bytes, including CR and LF bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    pixels = zlib.compress(b"\x00\xff\x0d\x0a")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@pytest.fixture
def inbounds(bot: RunningBot, monkeypatch: pytest.MonkeyPatch) -> list[Inbound]:
    """Every Inbound the channel hands to the dialogue, in order."""
    seen: list[Inbound] = []
    original = bot.dialogue.handle

    def spy(identity: Identity, inbound: Inbound) -> list[Reply]:
        seen.append(inbound)
        return original(identity, inbound)

    monkeypatch.setattr(bot.dialogue, "handle", spy)
    return seen


def methods(bot: RunningBot, name: str) -> list[dict[str, Any]]:
    return [call.params for call in bot.api.calls if call.method.lower() == name.lower()]


async def onboard(bot: RunningBot, user_id: int) -> None:
    await bot.say(user_id, "/start")
    for answer in ENGLISH_TYPED_ONBOARDING:
        await bot.say(user_id, answer)


async def test_export_arrives_as_a_json_document_after_its_message(bot: RunningBot) -> None:
    await onboard(bot, 701)
    replies = await bot.say(701, "/export")
    assert replies  # the text that says what the file is
    await eventually(lambda: bot.api.documents_sent_to(701))
    [upload] = bot.api.documents_sent_to(701)
    assert upload.filename.startswith("skillstack-export-")
    assert upload.filename.endswith(".json")
    exported = json.loads(upload.content)
    assert exported["format"] == "skillstack-export/1"
    assert exported["profile"]["onboarded_at"] is not None
    assert exported["plans"]  # the plan made during onboarding
    order = [c.method for c in bot.api.calls if c.params.get("chat_id") == 701]
    assert order[-1] == "sendDocument"  # the text came first
    assert order[-2] == "sendMessage"
    assert bot.api.violations == []


async def test_a_document_is_downloaded_and_handed_over_byte_for_byte(
    bot: RunningBot, inbounds: list[Inbound]
) -> None:
    await onboard(bot, 702)
    png = tiny_png()
    replies = await bot._exchange(
        702, lambda: bot.api.document(702, png, file_name="badge.png", mime_type="image/png")
    )
    assert replies  # what it says depends on the verifier: that it answers is the channel's part
    [get_file] = methods(bot, "getFile")
    assert bot.api.downloads == [f"documents/{get_file['file_id']}"]
    attachment = inbounds[-1].attachment
    assert inbounds[-1].kind is InboundKind.FILE
    assert attachment is not None
    assert (attachment.filename, attachment.content, attachment.mime_type) == ("badge.png", png, "image/png")
    assert bot.api.violations == []


async def test_a_document_without_name_or_type_gets_neutral_ones(
    bot: RunningBot, inbounds: list[Inbound]
) -> None:
    await bot._exchange(703, lambda: bot.api.document(703, b'{"a": 1}'))
    attachment = inbounds[-1].attachment
    assert attachment is not None
    assert (attachment.filename, attachment.mime_type) == ("file", "application/octet-stream")
    assert bot.api.violations == []


@pytest.mark.parametrize(
    ("size_in_message", "size_in_file", "fetched", "downloaded"),
    [
        (True, True, False, False),  # Telegram states the size: nothing is fetched
        (False, True, True, False),  # only getFile states it: the bytes are not downloaded
        (False, False, True, True),  # nobody states it: checked on the bytes
    ],
)
async def test_a_file_over_the_limit_reaches_the_dialogue_without_content(
    bot: RunningBot,
    inbounds: list[Inbound],
    size_in_message: bool,
    size_in_file: bool,
    fetched: bool,
    downloaded: bool,
) -> None:
    big = b"\x00" * (MAX_FILE_BYTES + 1)
    replies = await bot._exchange(
        704,
        lambda: bot.api.document(
            704,
            big,
            file_name="huge.png",
            mime_type="image/png",
            size_in_message=size_in_message,
            size_in_file=size_in_file,
        ),
    )
    assert replies == [UNREADABLE]
    assert bool(methods(bot, "getFile")) is fetched
    assert bool(bot.api.downloads) is downloaded
    assert inbounds[-1] == Inbound(InboundKind.FILE)
    assert bot.api.violations == []


async def test_a_file_of_exactly_the_limit_is_accepted(bot: RunningBot, inbounds: list[Inbound]) -> None:
    await bot._exchange(705, lambda: bot.api.document(705, b"x" * MAX_FILE_BYTES, file_name="a.json"))
    attachment = inbounds[-1].attachment
    assert attachment is not None
    assert len(attachment.content) == MAX_FILE_BYTES


async def test_a_photo_is_answered_without_a_download(bot: RunningBot, inbounds: list[Inbound]) -> None:
    replies = await bot._exchange(706, lambda: bot.api.photo(706))
    assert replies == [UNREADABLE]
    assert methods(bot, "getFile") == []
    assert inbounds[-1] == Inbound(InboundKind.FILE)
    assert bot.api.violations == []


async def test_a_failed_download_is_logged_and_still_answered(
    bot: RunningBot, inbounds: list[Inbound], caplog: pytest.LogCaptureFixture
) -> None:
    bot.api.inject("getFile", Fault(400, "Bad Request: wrong file_id or the file is temporarily unavailable"))
    replies = await bot._exchange(707, lambda: bot.api.document(707, b"{}", file_name="badge.json"))
    assert replies == [UNREADABLE]
    assert inbounds[-1] == Inbound(InboundKind.FILE)
    assert "could not download a document" in caplog.text
    assert bot.api.downloads == []


async def test_files_in_groups_are_ignored(bot: RunningBot, inbounds: list[Inbound]) -> None:
    group = -100600
    bot.api.document(708, tiny_png(), file_name="badge.png", chat_id=group, chat_type="supergroup")
    await bot.say(708, "/help")  # something after, so the group document was processed
    assert methods(bot, "getFile") == []
    assert bot.api.sent_to(group) == []
    assert [inbound.kind for inbound in inbounds] == [InboundKind.COMMAND]


async def test_a_429_on_the_document_is_waited_out(bot: RunningBot) -> None:
    bot.api.inject("sendDocument", Fault(429, "Too Many Requests: retry after 1", retry_after=1))
    await bot.say(709, "/start")
    await bot.say(709, "/export")
    await eventually(lambda: bot.api.documents_sent_to(709))
    assert not bot.api.faults["senddocument"]  # the 429 was really served, then retried
    [upload] = bot.api.documents_sent_to(709)
    assert json.loads(upload.content)["format"] == "skillstack-export/1"
    assert bot.api.violations == []


def baked_png(text: str) -> bytes:
    """``tiny_png`` with ``text`` baked in, as an Open Badges 2.0 baker does (iTXt ``openbadges``)."""
    png = tiny_png()
    data = b"openbadges\x00\x00\x00\x00\x00" + text.encode()
    itxt = len(data).to_bytes(4, "big") + b"iTXt" + data + zlib.crc32(b"iTXt" + data).to_bytes(4, "big")
    end = png.rindex(b"\x00\x00\x00\x00IEND")
    return png[:end] + itxt + png[end:]


async def test_a_baked_badge_sent_as_a_document_is_verified(
    bot: RunningBot, badge_server: BadgeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Document -> getFile -> download -> baked PNG -> hosted OB 2.0 assertion -> verified reply."""
    verifier = BadgeVerifier(badge_server.fetcher(), ContextStore(None), clock=lambda: NOW)
    monkeypatch.setattr(bot.dialogue.shared, "given_verifier", verifier)
    url = host_badge(badge_server, "Spreadsheet Basics", "Some Academy")
    await onboard(bot, 91)
    png = baked_png(url)
    replies = await bot._exchange(
        91, lambda: bot.api.document(91, png, file_name="badge.png", mime_type="image/png")
    )
    assert any("✅ Verified: “Spreadsheet Basics” from “Some Academy”" in text for text in replies), replies
    assert badge_server.requests[0] == "/assertions/1"
    assert methods(bot, "sendChatAction") == [{"chat_id": 91, "action": "typing"}]  # while it checks
    assert bot.api.violations == []

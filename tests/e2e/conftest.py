"""A running SkillStack Telegram bot (real PTB Application) against the fake Bot API server."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application

from bot.telegram.app import TelegramChannel, build_application
from core.catalog import Catalog
from core.dialogue.engine import Dialogue
from core.settings import load_settings
from core.storage.db import Database
from tests.fakes.fake_bot_api import FakeBotApi, SpecChecker

TOKEN = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-Ew"
NOW = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def fake_api(shared_dir: Path) -> Iterator[tuple[FakeBotApi, str]]:
    server = FakeBotApi(SpecChecker.load(shared_dir / "telegram" / "api.json"))
    url = server.start()
    try:
        yield server, url
    finally:
        server.stop()


async def eventually(predicate: Callable[[], Any], timeout: float = 15.0) -> None:
    """Wait (without blocking the bot's event loop) until ``predicate()`` is true."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting for the bot")
        await asyncio.sleep(0.01)


@dataclass
class RunningBot:
    api: FakeBotApi
    channel: TelegramChannel
    dialogue: Dialogue
    application: Application  # type: ignore[type-arg]

    def texts(self, chat_id: int) -> list[str]:
        return [m["text"] for m in self.api.sent_to(chat_id)]

    def last_buttons(self, chat_id: int) -> list[dict[str, Any]]:
        for message in reversed(self.api.sent_to(chat_id)):
            markup = message.get("reply_markup")
            if isinstance(markup, dict) and "inline_keyboard" in markup:
                return [button for row in markup["inline_keyboard"] for button in row]
        return []

    async def say(self, user_id: int, text: str, *, language: str = "en") -> list[str]:
        """Send a message and wait for the replies it causes (until the bot is quiet)."""
        return await self._exchange(user_id, lambda: self.api.message(user_id, text, language=language))

    async def press(self, user_id: int, label: str, *, language: str = "en") -> list[str]:
        button = next(b for b in self.last_buttons(user_id) if label.casefold() in b["text"].casefold())
        return await self._exchange(
            user_id, lambda: self.api.callback(user_id, button["callback_data"], language=language)
        )

    async def _exchange(self, user_id: int, send: Callable[[], Any]) -> list[str]:
        before = len(self.api.sent_to(user_id))
        send()
        await eventually(lambda: len(self.api.sent_to(user_id)) > before)
        settled = -1
        while settled != len(self.api.sent_to(user_id)):  # let multi-message replies finish
            settled = len(self.api.sent_to(user_id))
            await asyncio.sleep(0.15)
        return self.texts(user_id)[before:]


@pytest.fixture
async def bot(
    fake_api: tuple[FakeBotApi, str], catalog: Catalog, tmp_path: Path
) -> AsyncIterator[RunningBot]:
    api, url = fake_api
    # worker threads (not processes), so the tests' fixed clock and patches reach the dialogue
    settings = load_settings(
        telegram_bot_token=TOKEN, telegram_api_url=url, data_dir=tmp_path, dialogue_processes=0
    )
    database = Database(f"sqlite:///{tmp_path / 'bot.db'}")
    database.upgrade()
    dialogue = Dialogue(database, catalog, clock=lambda: NOW)
    application, channel = build_application(settings, dialogue)
    async with application:
        await channel.set_commands(application)
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(
            poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES
        )
        try:
            yield RunningBot(api, channel, dialogue, application)
        finally:
            await application.updater.stop()
            await application.stop()
    database.dispose()

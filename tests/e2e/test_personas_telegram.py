"""The four personas of issue #15 on Telegram: the real PTB bot behind the spec-checking fake Bot API.

The scripts and what each learner must read live in :mod:`tests.personas` (shared with the
terminal); here a learner is a Telegram user, and every call the bot made must follow the Bot API.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest

from core.badges.jsonld.contexts import ContextStore
from core.badges.verify import BadgeVerifier
from tests import personas
from tests.e2e.conftest import NOW, RunningBot
from tests.fakes.badge_server import BadgeServer
from tests.integration.dialogue.test_badges import host_badge
from tests.personas import AlexBadges, Check, Persona, Said


class TelegramLearner:
    """One Telegram user talking to the running bot: typed messages and button taps."""

    def __init__(self, bot: RunningBot, user_id: int, language: str) -> None:
        self.bot = bot
        self.user_id = user_id
        self.language = language

    async def say(self, text: str) -> Said:
        return await self._exchange(lambda: self.bot.api.message(self.user_id, text, language=self.language))

    async def press(self, label: str) -> Said:
        button = next(b for b in self.bot.last_buttons(self.user_id) if b["text"] == label)
        return await self._exchange(
            lambda: self.bot.api.callback(self.user_id, button["callback_data"], language=self.language)
        )

    async def _exchange(self, send: Callable[[], Any]) -> Said:
        before = len(self.bot.api.sent_to(self.user_id))
        texts = await self.bot._exchange(self.user_id, send)
        buttons = [
            button["text"]
            for message in self.bot.api.sent_to(self.user_id)[before:]
            if isinstance(message.get("reply_markup"), dict)
            for row in message["reply_markup"].get("inline_keyboard", [])
            for button in row
        ]
        return Said("\n".join(texts), buttons)


def assert_clean(check: Check, bot: RunningBot) -> None:
    assert check.problems == [], "what the learner read:\n" + check.report()
    assert bot.api.violations == []


def served(server: BadgeServer, url: str) -> dict[str, object]:
    """A document the badge server serves at ``url`` (its https address, reached over http)."""
    with urllib.request.urlopen(url.replace("https://", "http://", 1), timeout=5) as response:  # noqa: S310
        return json.loads(response.read())


def alex_badges(server: BadgeServer) -> AlexBadges:
    """A verified “Teamwork” badge from Example Corp (an issuer no registry lists), pasted as JSON."""
    teamwork = host_badge(server, personas.BADGE_NAME, personas.BADGE_ISSUER, number=1)
    second = host_badge(server, "Data Storytelling", personas.BADGE_ISSUER, number=2)
    return AlexBadges(pasted_json=personas.pretty(served(server, teamwork)), second_link=second)


@pytest.mark.parametrize(
    ("play", "user_id", "language"),
    [
        pytest.param(
            personas.sari, 1501, "id", id="sari-types-informal-indonesian-and-her-finished-course-counts"
        ),
        pytest.param(personas.mark, 1502, "en", id="mark-changes-career-and-settings-show-what-he-said"),
        pytest.param(personas.dewi, 1503, "id", id="dewi-taps-buttons-gets-stuck-and-her-swap-lasts"),
    ],
)
async def test_persona_on_telegram(play: Persona, user_id: int, language: str, bot: RunningBot) -> None:
    check = Check()
    await play(TelegramLearner(bot, user_id, language), check)
    assert_clean(check, bot)


async def test_alex_brings_badges_that_count_only_where_they_belong(
    bot: RunningBot, badge_server: BadgeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the bot's verifier may reach the local badge server (and nothing else on loopback)
    verifier = BadgeVerifier(badge_server.fetcher(), ContextStore(None), clock=lambda: NOW)
    monkeypatch.setattr(bot.dialogue.shared, "given_verifier", verifier)
    check = Check()
    await personas.alex(TelegramLearner(bot, 1504, "en"), check, alex_badges(badge_server))
    assert_clean(check, bot)

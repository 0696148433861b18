"""A due check-in travels the whole way: tick -> outbox -> sender -> fake Telegram -> buttons work."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlmodel import select

from bot.telegram.proactive import Proactive
from core.dialogue.engine import Dialogue
from core.settings import load_settings
from core.storage.models import ReminderSchedule
from tests.e2e.conftest import TOKEN, RunningBot, eventually
from tests.fakes.fake_bot_api import FakeBotApi
from tests.scripts import ENGLISH_TYPED_ONBOARDING

LEARNER = 77
DECEMBER_MONDAY = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)  # 19:00 in Jakarta, plan month 1


async def test_a_due_check_in_is_delivered_and_its_buttons_work(
    bot: RunningBot, fake_api: tuple[FakeBotApi, str], tmp_path: Path
) -> None:
    await bot.say(LEARNER, "/start")
    for answer in ENGLISH_TYPED_ONBOARDING:
        await bot.say(LEARNER, answer)
    database = bot.dialogue.database
    with database.unit_of_work() as session:
        schedule = session.exec(select(ReminderSchedule)).one()
        schedule.next_due_at = DECEMBER_MONDAY
    _, url = fake_api
    settings = load_settings(
        telegram_bot_token=TOKEN, telegram_api_url=url, data_dir=tmp_path, reminder_tick_seconds=3600
    )
    proactive = Proactive(settings, Dialogue(database, bot.dialogue.catalog, clock=lambda: DECEMBER_MONDAY))
    before = len(bot.api.sent_to(LEARNER))
    await proactive.start()
    try:
        await eventually(lambda: len(bot.api.sent_to(LEARNER)) > before)
    finally:
        await proactive.stop()
    [reminder] = bot.texts(LEARNER)[before:]
    assert "A new plan month starts today" in reminder and "How far along" in reminder
    answer = await bot.press(LEARNER, "Done")
    assert any("paste its link" in text for text in answer)
    assert bot.api.violations == []

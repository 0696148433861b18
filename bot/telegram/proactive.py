"""Proactive messages inside the bot process: the reminder tick and the outbox sender.

APScheduler's AsyncIOScheduler runs one periodic job, the tick (:meth:`Dialogue.remind`, in a
worker thread because the core is synchronous); who is due comes from the database, so there is
no job per learner and nothing to rebuild after a restart.  The first tick runs at start-up, so
reminders missed while the bot was down go out at once (coalesced, outside quiet hours).  The
sender delivers what the tick queued, on its own Bot and connections (:mod:`bot.telegram.sender`).
Both can run in several bot processes on one PostgreSQL database: ticks and claims take disjoint
rows.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.telegram.sender import build_sender
from core.dialogue.engine import Dialogue
from core.settings import Settings

log = logging.getLogger(__name__)


class Proactive:
    """Start with the bot, stop with it: :meth:`start` and :meth:`stop` (PTB's post hooks)."""

    def __init__(self, settings: Settings, dialogue: Dialogue) -> None:
        self.dialogue = dialogue
        self.tick_seconds = settings.reminder_tick_seconds
        self.sender = build_sender(settings, dialogue.database)
        self.scheduler = AsyncIOScheduler(timezone=dt.UTC)
        self._stop = asyncio.Event()
        self._sending: asyncio.Task[None] | None = None

    async def tick(self) -> None:
        """Queue every due reminder; a failure is logged and the next tick tries again."""
        try:
            result = await asyncio.to_thread(self.dialogue.remind)
        except Exception:
            log.exception("reminder tick failed")
            return
        if result.sent or result.postponed:
            log.info(
                "reminders: %d queued, %d postponed, %d paused", result.sent, result.postponed, result.paused
            )

    async def start(self) -> None:
        await self.sender.bot.initialize()
        self._sending = asyncio.create_task(self.sender.run(self._stop))
        self.scheduler.add_job(
            self.tick,
            "interval",
            seconds=self.tick_seconds,
            next_run_time=dt.datetime.now(dt.UTC),  # at once: catch up after downtime
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )
        self.scheduler.start()

    async def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self._stop.set()
        if self._sending is not None:
            await self._sending
        await self.sender.bot.shutdown()

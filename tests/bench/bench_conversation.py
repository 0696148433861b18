"""200 simulated learners chatting at once with the real bot, through the fake Bot API over HTTP.

Prints one JSON object.  Each learner goes through onboarding (12 messages, /start to a plan),
sending the next message as soon as the bot has answered the previous one; all learners run at
once.  Measured: updates per second (all updates / wall time) and the latency from pushing an
update to the bot's first message in reply (p50, p99).  Baseline in the same run, same server and
workload shape: a bare python-telegram-bot echo bot (one handler, ``send_message`` back).  The
SkillStack bot runs on SQLite, and on PostgreSQL when SKILLSTACK_TEST_POSTGRES_URL is set.
Needs ../shared/telegram/api.json (the fake server checks every call against it).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.telegram.app import build_application
from bot.telegram.render import message_parts
from core.catalog import load_catalog
from core.db import Database
from core.dialogue.engine import Dialogue
from core.dialogue.messages import Identity, Inbound
from core.settings import SHIPPED_DATA_DIR, load_settings
from tests.fakes.fake_bot_api import FakeBotApi, SpecChecker

LEARNERS = 200
TOKEN = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-Ew"
SCRIPT = [
    "/start",
    "I want to become a data analyst",
    "1",
    "beginner",
    "excel",
    "5",
    "free",
    "any",
    "english",
    "Jakarta",
    "monday",
    "19:00",
]
SPEC = Path(__file__).resolve().parents[3] / "shared" / "telegram" / "api.json"
NOW = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)


def expected_replies(catalog: Any) -> list[int]:
    """How many messages the bot sends for each step of the script (dry run, no Telegram)."""
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{folder}/dry.db")
        database.upgrade()
        dialogue = Dialogue(database, catalog, clock=lambda: NOW)
        counts = []
        for line in SCRIPT:
            replies = dialogue.handle(Identity(telegram_id=1), Inbound.from_text(line))
            counts.append(sum(len(message_parts(r)) + bool(r.location_button) for r in replies))
        database.dispose()
    return counts


async def drive(api: FakeBotApi, script: list[str], replies_per_step: list[int]) -> dict[str, Any]:
    """Run every learner through ``script``; latency = push -> first reply message."""
    users = list(range(10_000, 10_000 + LEARNERS))
    step = dict.fromkeys(users, 0)
    awaited = dict.fromkeys(users, 0)
    pushed_at: dict[int, float] = {}
    latencies: list[float] = []
    started = time.monotonic()
    for user in users:
        pushed_at[user] = time.monotonic()
        api.message(user, script[0])
        awaited[user] = replies_per_step[0]
    active = set(users)
    deadline = started + 600
    while active and time.monotonic() < deadline:
        await asyncio.sleep(0.002)
        for user in list(active):
            times = api.reply_times.get(user, [])
            if len(times) < awaited[user]:
                continue
            first_reply = times[awaited[user] - replies_per_step[step[user]]]
            latencies.append(first_reply - pushed_at[user])
            step[user] += 1
            if step[user] == len(script):
                active.discard(user)
                continue
            pushed_at[user] = time.monotonic()
            api.message(user, script[step[user]])
            awaited[user] += replies_per_step[step[user]]
    elapsed = time.monotonic() - started
    done = len(latencies)
    ordered = sorted(latencies)
    return {
        "updates": done,
        "complete": not active,
        "seconds": round(elapsed, 2),
        "updates_per_second": round(done / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))] * 1000, 1),
    }


async def run_app(application: Application, api: FakeBotApi, replies: list[int]) -> dict[str, Any]:  # type: ignore[type-arg]
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(
            poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES
        )
        try:
            return await drive(api, SCRIPT, replies)
        finally:
            await application.updater.stop()
            await application.stop()


def echo_application(url: str) -> Application:  # type: ignore[type-arg]
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None and update.effective_message is not None
        await context.bot.send_message(update.effective_chat.id, update.effective_message.text or "?")

    application = Application.builder().token(TOKEN).base_url(f"{url}/bot").concurrent_updates(64).build()
    application.add_handler(MessageHandler(filters.ALL, echo))
    return application


def measure(
    name: str,
    make_database: Callable[[], tuple[Database, Callable[[], None]]],
    catalog: Any,
    replies: list[int],
) -> dict[str, Any]:
    api = FakeBotApi(SpecChecker.load(SPEC))
    url = api.start()
    database, cleanup = make_database()
    try:
        database.upgrade()
        settings = load_settings(telegram_bot_token=TOKEN, telegram_api_url=url)
        application, _ = build_application(settings, Dialogue(database, catalog, clock=lambda: NOW))
        result = asyncio.run(run_app(application, api, replies))
    finally:
        api.stop()
        database.dispose()
        cleanup()
    return {"bot": name, **result, "spec_violations": len(api.violations)}


def sqlite_database() -> tuple[Database, Callable[[], None]]:
    folder = tempfile.TemporaryDirectory()
    return Database(f"sqlite:///{folder.name}/bench.db"), folder.cleanup


def postgres_database() -> tuple[Database, Callable[[], None]]:
    base = os.environ["SKILLSTACK_TEST_POSTGRES_URL"]
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))

    def cleanup() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return Database(url), cleanup


def main() -> None:
    if not SPEC.is_file():
        print(json.dumps({"benchmark": "conversation", "skipped": f"{SPEC} not found"}))
        return
    catalog = load_catalog(SHIPPED_DATA_DIR)
    replies = expected_replies(catalog)
    api = FakeBotApi(SpecChecker.load(SPEC))
    url = api.start()
    try:
        echo = {"bot": "ptb-echo", **asyncio.run(run_app(echo_application(url), api, [1] * len(SCRIPT)))}
    finally:
        api.stop()
    results = [echo, measure("skillstack-sqlite", sqlite_database, catalog, replies)]
    if os.environ.get("SKILLSTACK_TEST_POSTGRES_URL"):
        results.append(measure("skillstack-postgresql", postgres_database, catalog, replies))
    for result in results[1:]:
        result["rate_vs_echo"] = round(result["updates_per_second"] / echo["updates_per_second"], 2)
    print(
        json.dumps(
            {
                "benchmark": "conversation",
                "learners": LEARNERS,
                "messages_each": len(SCRIPT),
                "targets": {"updates_per_second": 300, "rate_vs_echo": 0.5, "p99_ms": 150},
                "results": results,
            }
        )
    )


if __name__ == "__main__":
    main()

"""Memory of the running bot with 100,000 learners in the database: idle, and during a reminder tick.

Prints one JSON object.  Seeds ``LEARNERS`` onboarded Telegram learners, ``DUE`` of them due now,
then starts the real ``skillstack run`` (long polling against the fake Bot API, two dialogue
workers, the APScheduler tick and the outbox sender in the main process) and reads the bot
process's resident memory from /proc: the peak while its first tick queues the due check-ins
(in batches of 50, one transaction each, so memory should not grow with the number due), and
the resident size a few seconds later, while the sender delivers in the background.  The same
bot on an empty database is the baseline.  Target: <= 200 MB for the bot process.  SQLite, and
PostgreSQL when SKILLSTACK_TEST_POSTGRES_URL is set.  Needs ../shared/telegram/api.json.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from core.storage.db import Database
from core.storage.models import Conversation, Learner, LearnerProfile, ReminderSchedule
from tests.bench.scratch_databases import postgres_url, sqlite_url
from tests.fakes.fake_bot_api import FakeBotApi, SpecChecker

LEARNERS = int(os.environ.get("BENCH_LEARNERS", "100000"))
DUE = int(os.environ.get("BENCH_DUE", "5000"))
NOW = dt.datetime.now(dt.UTC)  # the bot runs on the real clock
ZONE = "Etc/GMT-3"  # UTC+3: quiet hours are 19:00-04:00 UTC (run the benchmark outside them)
CHUNK = 5000
TOKEN = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-Ew"
SPEC = Path(__file__).resolve().parents[3] / "shared" / "telegram" / "api.json"


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak) of process ``pid``, from /proc (Linux)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


def children_rss_kb(pid: int) -> int:
    """Resident memory of ``pid``'s child processes (the dialogue workers)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                total += memory_kb(int(stat.parent.name))["VmRSS"]
        except (OSError, KeyError, ValueError):
            continue
    return total


def seed(database: Database, learners: int, due: int) -> None:
    """``learners`` onboarded Telegram learners; the first ``due`` are due at NOW, the rest next week."""
    created = NOW - dt.timedelta(days=30)
    with database.engine.begin() as connection:
        for start in range(0, learners, CHUNK):
            ids = range(start + 1, min(start + CHUNK, learners) + 1)
            connection.execute(
                insert(Learner),
                [
                    {
                        "id": i,
                        "telegram_id": 10_000_000 + i,
                        "language": "en" if i % 3 else "id",
                        "timezone": ZONE,
                        "status": "active",
                        "created_at": created,
                        "updated_at": created,
                    }
                    for i in ids
                ],
            )
            connection.execute(
                insert(LearnerProfile),
                [
                    {
                        "learner_id": i,
                        "goal_id": "data-analyst",
                        "hours_per_week": 5,
                        "checkin_weekday": 0,
                        "checkin_time": dt.time(19, 0),
                        "onboarded_at": created,
                        "skills_held": [],
                        "preferred_formats": [],
                        "course_languages": ["en"],
                        "avoid_providers": [],
                        "budget_currency": "USD",
                        "updated_at": created,
                    }
                    for i in ids
                ],
            )
            connection.execute(
                insert(Conversation), [{"learner_id": i, "state": {}, "updated_at": created} for i in ids]
            )
            connection.execute(
                insert(ReminderSchedule),
                [
                    {
                        "learner_id": i,
                        "next_due_at": NOW - dt.timedelta(minutes=1)
                        if i <= due
                        else NOW + dt.timedelta(days=7),
                        "every_weeks": 1,
                        "gentle": False,
                        "quiet_start": dt.time(22, 0),
                        "quiet_end": dt.time(7, 0),
                        "paused": False,
                        "unanswered": 0,
                        "reviewed_month": 0,
                        "updated_at": created,
                    }
                    for i in ids
                ],
            )


def queued(database: Database) -> int:
    with database.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM outbound_messages")).scalar_one())


def measure(url: str, due: int) -> dict[str, Any]:
    """``skillstack run`` on ``url``: peak memory until its first tick has queued ``due``, then idle."""
    api = FakeBotApi(SpecChecker.load(SPEC))
    api_url = api.start()
    database = Database(url)
    with tempfile.TemporaryDirectory() as home:
        environment = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": home,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "SKILLSTACK_TELEGRAM_API_URL": api_url,
            "SKILLSTACK_DATABASE_URL": url,
            "SKILLSTACK_DATA_DIR": home,
            "SKILLSTACK_LOG_LEVEL": "WARNING",
        }
        script = Path(sys.executable).parent / "skillstack"
        bot = subprocess.Popen([str(script), "run"], env=environment, cwd=home)
        try:
            started = time.monotonic()
            while (
                not any(c.method == "setMyCommands" for c in api.calls) and time.monotonic() - started < 120
            ):
                time.sleep(0.1)
            peak = memory_kb(bot.pid)["VmRSS"]
            while queued(database) < due and time.monotonic() - started < 1200:
                peak = max(peak, memory_kb(bot.pid)["VmRSS"])
                time.sleep(0.2)
            seconds = time.monotonic() - started
            time.sleep(5)
            idle = memory_kb(bot.pid)
            workers = children_rss_kb(bot.pid)
            count = queued(database)
        finally:
            bot.send_signal(signal.SIGINT)
            bot.wait(timeout=60)
            api.stop()
            database.dispose()
    return {
        "bot_process_peak_mb": round(max(peak, idle["VmHWM"]) / 1024, 1),
        "bot_process_rss_after_mb": round(idle["VmRSS"] / 1024, 1),
        "dialogue_workers_rss_mb": round(workers / 1024, 1),
        "queued": count,
        "start_to_all_queued_seconds": round(seconds, 1),
        "delivered_meanwhile": sum(1 for c in api.calls if c.method == "sendMessage"),
    }


def run(name: str, make_url_for: Any) -> dict[str, Any]:
    results: dict[str, Any] = {"database": name}
    for label, learners, due in (("baseline_empty", 0, 0), ("learners", LEARNERS, DUE)):
        url, cleanup = make_url_for()
        try:
            database = Database(url)
            database.upgrade()
            seed(database, learners, due)
            database.dispose()
            results[label] = measure(url, due)
        finally:
            cleanup()
    return results


def main() -> None:
    if not SPEC.is_file():
        print(json.dumps({"benchmark": "reminder_memory", "skipped": f"{SPEC} not found"}))
        return
    results = [run("sqlite", sqlite_url)]
    if os.environ.get("SKILLSTACK_TEST_POSTGRES_URL"):
        results.append(run("postgresql", postgres_url))
    summary = {"benchmark": "reminder_memory", "learners": LEARNERS, "due_in_tick": DUE, "target_mb": 200}
    print(json.dumps({**summary, "results": results}))


if __name__ == "__main__":
    main()

"""200 simulated learners chatting at once with the real bot, through the fake Bot API over HTTP.

Prints one JSON object.  The Telegram side (the fake Bot API server and the 200 learners) runs in
a separate process, so the bot under test has a core of its own, as it would in production.
Each learner goes through onboarding (12 messages, /start to a plan).  Two kinds of run:
- throughput: every learner sends its next message as soon as the previous one is answered
  (closed loop, 200 at once); updates per second = all updates / wall time;
- latency: learners start spread over one pause and pause ``THINK_SECONDS`` after each answer,
  like people reading it (200 learners then offer about 60 updates a second); latency = from
  pushing an update to the bot's first message in reply (p50, p99).
Baseline in the same run, same server and workload: a bare python-telegram-bot echo bot.  This
machine's speed drifts by half within minutes, so throughput is measured in ``ROUNDS`` rounds,
each running the echo bot, SkillStack on SQLite and SkillStack on PostgreSQL (when
SKILLSTACK_TEST_POSTGRES_URL is set) one after the other, every run with a fresh bot and a fresh
database; a bot's figure is its median over the rounds, and its ratio to the echo bot the median
of the rounds' ratios.  Latency is one run per bot, after the rounds.  For reference, the echo bot
on SkillStack's Bot API client (:class:`bot.telegram.request.AiohttpRequest`) runs once too.
Needs ../shared/telegram/api.json (the fake server checks every call against it).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import heapq
import json
import multiprocessing
import os
import queue
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.telegram.app import build_application
from bot.telegram.render import message_parts
from bot.telegram.request import AiohttpRequest
from core.catalog import Catalog, load_catalog
from core.dialogue.engine import Dialogue
from core.messages import Identity, Inbound
from core.settings import SHIPPED_DATA_DIR, load_settings
from core.storage.db import Database
from tests.bench.scratch_databases import postgres_database, sqlite_database
from tests.fakes.fake_bot_api import FakeBotApi, SpecChecker

LEARNERS = int(os.environ.get("BENCH_LEARNERS", "200"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
THINK_SECONDS = 3.0  # a quick reader: see a question, tap or type an answer
PROCESSES = int(os.environ.get("BENCH_DIALOGUE_PROCESSES", "2"))  # SKILLSTACK_DIALOGUE_PROCESSES for the bot
TOKEN = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-Ew"
WARM_UP = "warm_up"  # bot_data key: the SkillStack bot's start-up (workers, GC freeze), run before measuring
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
Factory = Callable[[str], Application]  # type: ignore[type-arg]
Run = Callable[[list[int], float], dict[str, Any]]  # (replies expected per step, think seconds) -> result


def expected_replies(catalog: Catalog) -> list[int]:
    """How many messages the bot sends for each step of the script (a dry run, no Telegram)."""
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


def drive(api: FakeBotApi, replies_per_step: list[int], think: float, first_user: int) -> dict[str, Any]:
    """Run every learner through ``SCRIPT``; latency = push -> first reply message.

    Event-driven, so the driver costs little CPU: the server reports each reply on a queue, and
    the next message of a learner is scheduled on a heap of due times.
    """
    replies: queue.Queue[tuple[int, float]] = queue.Queue()
    api.on_reply = lambda chat_id, when: replies.put((chat_id, when))
    users = list(range(first_user, first_user + LEARNERS))
    step = dict.fromkeys(users, 0)
    seen = dict.fromkeys(users, 0)  # replies received for the current message
    first_reply: dict[int, float] = {}
    pushed_at: dict[int, float] = {}
    started = time.monotonic()
    # learners start spread over one pause (people do not all press /start in the same millisecond)
    due = [(started + think * index / len(users), user) for index, user in enumerate(users)]
    latencies: list[float] = []
    remaining = len(users)
    while remaining and time.monotonic() < started + 600:
        now = time.monotonic()
        while due and due[0][0] <= now:
            _, user = heapq.heappop(due)
            pushed_at[user] = time.monotonic()
            api.message(user, SCRIPT[step[user]])
        wait = max(0.0, due[0][0] - time.monotonic()) if due else 0.05
        try:
            user, when = replies.get(timeout=min(wait, 0.05))
        except queue.Empty:
            continue
        if user not in seen:
            continue
        seen[user] += 1
        if seen[user] == 1:
            first_reply[user] = when
        if seen[user] < replies_per_step[step[user]]:
            continue
        latencies.append(first_reply[user] - pushed_at[user])
        seen[user] = 0
        step[user] += 1
        if step[user] == len(SCRIPT):
            remaining -= 1
        else:
            heapq.heappush(due, (when + think, user))
    elapsed = time.monotonic() - started
    api.on_reply = None
    ordered = sorted(latencies) or [float("nan")]
    return {
        "updates": len(latencies),
        "complete": remaining == 0,
        "seconds": round(elapsed, 2),
        "updates_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))] * 1000, 1),
    }


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def tree_cpu_seconds(root: int, exclude: int) -> float:
    """CPU seconds used so far by ``root`` and its descendants, except the ``exclude`` subtree (Linux)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        times[pid] = (int(fields[11]) + int(fields[12])) / tick
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid != exclude and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    return sum(times.get(pid, 0.0) for pid in tree)


def telegram_side(connection: Connection, replies_per_step: list[int]) -> None:
    """Child process: the fake Bot API and the learners; one phase per request."""
    api = FakeBotApi(SpecChecker.load(SPEC))
    gc.freeze()  # the harness's own start-up (the parsed spec) is never garbage: no pauses scanning it
    connection.send(api.start())
    try:
        phase = 0
        while (think := connection.recv()) is not None:
            phase += 1  # new learners each phase, so each one starts with /start
            cpu = own_cpu_seconds()
            result = drive(api, replies_per_step, think, first_user=phase * 100_000)
            telegram_ms = (own_cpu_seconds() - cpu) * 1000 / max(1, result["updates"])
            connection.send(
                {
                    **result,
                    "telegram_side_cpu_ms_per_update": round(telegram_ms, 2),
                    "spec_violations": len(api.violations),
                }
            )
    finally:
        api.stop()


async def run_phase(
    application: Application,  # type: ignore[type-arg]
    connection: Connection,
    telegram_pid: int,
    think: float,
) -> dict[str, Any]:
    """One run; the result also says how much CPU the bot (with its workers) used per update."""
    loop = asyncio.get_running_loop()
    async with application:
        warm_up = application.bot_data.get(WARM_UP)
        if warm_up is not None:  # as the bot's post_init does: every dialogue worker up before learners
            await warm_up()
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(
            poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES
        )
        try:
            cpu, main_cpu = tree_cpu_seconds(os.getpid(), exclude=telegram_pid), own_cpu_seconds()
            connection.send(think)
            result = await loop.run_in_executor(None, connection.recv)
            updates = max(1, result["updates"])
            bot_ms = (tree_cpu_seconds(os.getpid(), exclude=telegram_pid) - cpu) * 1000 / updates
            main_ms = (own_cpu_seconds() - main_cpu) * 1000 / updates
            return {
                **result,
                "bot_cpu_ms_per_update": round(bot_ms, 2),
                "bot_event_loop_cpu_ms_per_update": round(main_ms, 2),
            }
        finally:
            await application.updater.stop()
            await application.stop()


def measure(make_application: Factory, replies: list[int], think: float) -> dict[str, Any]:
    """One run of a fresh bot against a fresh Telegram side."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=telegram_side, args=(child, replies))
    process.start()
    try:
        return asyncio.run(run_phase(make_application(parent.recv()), parent, process.pid, think))
    finally:
        parent.send(None)
        process.join(timeout=30)


def echo_application(url: str, *, skillstack_client: bool = False) -> Application:  # type: ignore[type-arg]
    """The bare echo bot; ``skillstack_client``: on SkillStack's Bot API client instead of PTB's."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None and update.effective_message is not None
        await context.bot.send_message(update.effective_chat.id, update.effective_message.text or "?")

    builder = Application.builder().token(TOKEN).base_url(f"{url}/bot").concurrent_updates(64)
    if skillstack_client:
        builder = builder.request(AiohttpRequest(32)).get_updates_request(AiohttpRequest(1))
    application = builder.build()
    application.add_handler(MessageHandler(filters.ALL, echo))
    return application


def skillstack_factory(database: Database, catalog: Catalog) -> Factory:
    def make(url: str) -> Application:  # type: ignore[type-arg]
        settings = load_settings(
            telegram_bot_token=TOKEN,
            telegram_api_url=url,
            dialogue_processes=PROCESSES,
            database_url=database.url.render_as_string(hide_password=False),
        )
        application, channel = build_application(settings, Dialogue(database, catalog, clock=lambda: NOW))
        application.bot_data[WARM_UP] = channel.start
        return application

    return make


def skillstack_run(make_database: Callable[[], tuple[Database, Callable[[], None]]], catalog: Catalog) -> Run:
    """One SkillStack run on a fresh database from ``make_database``."""

    def run(replies: list[int], think: float) -> dict[str, Any]:
        database, cleanup = make_database()
        try:
            database.upgrade()
            return measure(skillstack_factory(database, catalog), replies, think)
        finally:
            database.dispose()
            cleanup()

    return run


def summary(name: str, throughput: list[dict[str, Any]], latency: dict[str, Any]) -> dict[str, Any]:
    """A bot's medians over the rounds, with every round's figures."""
    return {
        "bot": name,
        "updates_per_second": round(statistics.median(r["updates_per_second"] for r in throughput), 1),
        "updates_per_second_by_round": [r["updates_per_second"] for r in throughput],
        "bot_cpu_ms_per_update": round(statistics.median(r["bot_cpu_ms_per_update"] for r in throughput), 2),
        "bot_event_loop_cpu_ms_per_update": round(
            statistics.median(r["bot_event_loop_cpu_ms_per_update"] for r in throughput), 2
        ),
        "telegram_side_cpu_ms_per_update": round(
            statistics.median(r["telegram_side_cpu_ms_per_update"] for r in throughput), 2
        ),
        "p50_ms": latency["p50_ms"],
        "p99_ms": latency["p99_ms"],
        "complete": all(r["complete"] for r in [*throughput, latency]),
        "spec_violations": max(r["spec_violations"] for r in [*throughput, latency]),
        "latency_run": latency,
    }


def main() -> None:
    if not SPEC.is_file():
        print(json.dumps({"benchmark": "conversation", "skipped": f"{SPEC} not found"}))
        return
    catalog = load_catalog(SHIPPED_DATA_DIR)
    replies = expected_replies(catalog)
    one_each = [1] * len(SCRIPT)
    bots: dict[str, tuple[Run, list[int]]] = {
        "ptb-echo": (partial(measure, echo_application), one_each),
        "skillstack-sqlite": (skillstack_run(sqlite_database, catalog), replies),
    }
    if os.environ.get("SKILLSTACK_TEST_POSTGRES_URL"):
        bots["skillstack-postgresql"] = (skillstack_run(postgres_database, catalog), replies)
    rounds: list[dict[str, dict[str, Any]]] = [
        {name: run(expected, 0.0) for name, (run, expected) in bots.items()} for _ in range(ROUNDS)
    ]
    latency = {name: run(expected, THINK_SECONDS) for name, (run, expected) in bots.items()}
    same_client = measure(partial(echo_application, skillstack_client=True), one_each, 0.0)
    results = [summary(name, [r[name] for r in rounds], latency[name]) for name in bots]
    for result in results[1:]:
        name = result["bot"]
        ratios = [r[name]["updates_per_second"] / r["ptb-echo"]["updates_per_second"] for r in rounds]
        result["rate_vs_echo"] = round(statistics.median(ratios), 2)
        result["rate_vs_echo_by_round"] = [round(ratio, 2) for ratio in ratios]
        result["rate_vs_echo_on_skillstack_client"] = round(
            result["updates_per_second"] / same_client["updates_per_second"], 2
        )
    print(
        json.dumps(
            {
                "benchmark": "conversation",
                "learners": LEARNERS,
                "messages_each": len(SCRIPT),
                "think_seconds": THINK_SECONDS,
                "rounds": ROUNDS,
                "targets": {"updates_per_second": 300, "rate_vs_echo": 0.5, "p99_ms": 150},
                "results": results,
                "echo_on_skillstack_client": same_client,
            }
        )
    )


if __name__ == "__main__":
    main()

"""The outbox sender at Telegram's pace: 10,000 queued messages to 10,000 private chats.

Prints one JSON object.  The fake Bot API runs in its own process (its HTTP threads do not share
the sender's GIL) and enforces ``RATE`` sendMessage calls per second the way Telegram's flood
control does: a call over the limit in the last second is answered 429 with ``retry_after`` 1.
The sender runs as the bot would (:func:`bot.telegram.sender.build_sender`, settings with
``send_rate_per_second`` = ``RATE``), on SQLite, and on PostgreSQL when
SKILLSTACK_TEST_POSTGRES_URL is set.

Measured at the fake server, from its own clock: the achieved rate (accepted calls over the time
from the first to the last), its ratio to the enforced rate, the most calls accepted in any one
second, 429s (all, and after the first second), messages lost (queued, never accepted) and
duplicated (accepted more than once).  Targets: ratio >= 0.95, no 429 after the first second,
nothing lost, nothing duplicated.  Needs ../shared/telegram/api.json.

The fake server's process runs without Python's cyclic garbage collector.  With it, a full
collection over the ~8,000 recorded calls stalls every server thread for 50-80 ms; requests
arriving meanwhile are then stamped together, and the window that follows holds more than the
sender sent in any second (measured: 9-15 refusals, all in one burst at the same call count).
That stall is the instrument's, not the sender's, and Telegram does not bill it to the bot.
"""

from __future__ import annotations

import asyncio
import gc
import json
import multiprocessing
import os
import resource
import time
from collections import Counter, deque
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from bot.telegram.sender import build_sender
from core import outbox
from core.messages import Button, Reply
from core.settings import load_settings
from core.storage.db import Database
from core.storage.models import MessageKind, MessageStatus
from tests.bench.bench_conversation import SPEC, TOKEN
from tests.bench.scratch_databases import postgres_database, sqlite_database
from tests.fakes.fake_bot_api import FakeBotApi, SpecChecker

MESSAGES = int(os.environ.get("BENCH_MESSAGES", "10000"))
RATE = 300
CONCURRENCY = 32
FIRST_CHAT = 10_000_000


def telegram_side(connection: Connection) -> None:
    """Child process: the fake Bot API enforcing ``RATE``; reports what it accepted when asked."""
    gc.disable()  # see the module docstring: its pauses would be counted against the sender
    api = FakeBotApi(SpecChecker.load(SPEC), rate_limit_per_second=RATE)
    connection.send(api.start())
    try:
        connection.recv()
        connection.send(server_report(api))
    finally:
        api.stop()


def busiest_second(times: list[float]) -> int:
    """The most calls accepted in any one-second window."""
    window: deque[float] = deque()
    most = 0
    for at in times:
        window.append(at)
        while window[0] <= at - 1.0:
            window.popleft()
        most = max(most, len(window))
    return most


def server_report(api: FakeBotApi) -> dict[str, Any]:
    sends = [(call.params["chat_id"], call.at) for call in api.calls if call.method == "sendMessage"]
    times = sorted(at for _, at in sends)
    per_chat = Counter(chat for chat, _ in sends)
    expected = set(range(FIRST_CHAT, FIRST_CHAT + MESSAGES))
    span = times[-1] - times[0] if len(times) > 1 else float("nan")
    rate = (len(times) - 1) / span
    return {
        "accepted": len(sends),
        "achieved_per_second": round(rate, 1),
        "ratio_to_enforced": round(rate / RATE, 3),
        "busiest_second": busiest_second(times),
        "rate_limited_429": len(api.rate_limited),
        "rate_limited_after_first_second": sum(1 for at in api.rate_limited if at > times[0] + 1.0),
        "lost": len(expected - set(per_chat)),
        "duplicated": sum(count - 1 for count in per_chat.values()),
        "spec_violations": len(api.violations),
        "server_seconds": round(span, 2),
    }


def queue_messages(database: Database) -> None:
    with database.unit_of_work() as session:
        for index in range(MESSAGES):
            reply = Reply(f"Time for your weekly check-in, learner {index}!", ((Button("Done", "1.0"),),))
            outbox.enqueue(session, chat_id=FIRST_CHAT + index, kind=MessageKind.CHECKIN, reply=reply)


async def deliver(database: Database, url: str) -> dict[str, Any]:
    """Run the sender until every message has an outcome; wall time and the sender's CPU."""
    settings = load_settings(
        telegram_bot_token=TOKEN,
        telegram_api_url=url,
        database_url=database.url.render_as_string(hide_password=False),
        send_rate_per_second=RATE,
    )
    sender = build_sender(settings, database, concurrency=CONCURRENCY)
    stop = asyncio.Event()
    async with sender.bot:
        started, cpu = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF)
        running = asyncio.create_task(sender.run(stop))
        counts = outbox.status_counts(database)
        while counts[MessageStatus.SENT] + counts[MessageStatus.FAILED] < MESSAGES:
            if time.monotonic() - started > 10 * MESSAGES / RATE:
                break
            await asyncio.sleep(0.25)
            counts = await asyncio.to_thread(outbox.status_counts, database)
        stop.set()
        await running
        elapsed = time.monotonic() - started
        usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_seconds = usage.ru_utime + usage.ru_stime - cpu.ru_utime - cpu.ru_stime
    return {
        "wall_seconds": round(elapsed, 2),
        "sent": counts[MessageStatus.SENT],
        "failed": counts[MessageStatus.FAILED],
        "sender_cpu_ms_per_message": round(cpu_seconds * 1000 / MESSAGES, 3),
    }


def measure(name: str, make_database: Callable[[], tuple[Database, Callable[[], None]]]) -> dict[str, Any]:
    database, cleanup = make_database()
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=telegram_side, args=(child,))
    try:
        database.upgrade()
        queue_messages(database)
        process.start()
        sender_side = asyncio.run(deliver(database, parent.recv()))
        parent.send("report")
        return {"database": name, **parent.recv(), **sender_side}
    finally:
        process.join(timeout=30)
        database.dispose()
        cleanup()


def main() -> None:
    if not SPEC.is_file():
        print(json.dumps({"benchmark": "delivery", "skipped": f"{SPEC} not found"}))
        return
    results = [measure("sqlite", sqlite_database)]
    if os.environ.get("SKILLSTACK_TEST_POSTGRES_URL"):
        results.append(measure("postgresql", postgres_database))
    print(
        json.dumps(
            {
                "benchmark": "delivery",
                "messages": MESSAGES,
                "chats": MESSAGES,
                "enforced_per_second": RATE,
                "sender_rate_per_second": RATE,
                "concurrency": CONCURRENCY,
                "targets": {"ratio_to_enforced": 0.95, "rate_limited_after_first_second": 0},
                "results": results,
            }
        )
    )


if __name__ == "__main__":
    main()

"""The outbox sender against the fake Bot API: order, pacing, retries, blocked chats, crashes.

Each test runs on SQLite and on PostgreSQL (the ``database`` fixture).  Limits are scaled down
(intervals of a fraction of a second, rates of tens per second) so each test takes seconds.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlmodel import select
from telegram import Bot

from bot.telegram.request import AiohttpRequest
from bot.telegram.sender import OutboxSender
from core import outbox
from core.messages import Button, Reply
from core.storage.db import Database
from core.storage.models import Learner, LearnerStatus, MessageKind, MessageStatus, OutboundMessage
from tests.e2e.conftest import TOKEN, eventually
from tests.fakes.fake_bot_api import FakeBotApi, Fault
from tests.integration.test_outbox import rows
from tests.paths import REPO_ROOT

FAST = {  # no pacing unless a test asks for it; quick retries
    "rate_per_second": 1000.0,
    "private_chat_interval": 0.0,
    "group_messages_per_minute": 60_000,
    "poll_interval": 0.02,
    "backoff_base": 0.05,
}


def sender_for(url: str, database: Database, *, read_timeout: float = 5.0, **options: Any) -> OutboxSender:
    concurrency = options.pop("concurrency", 8)
    bot = Bot(TOKEN, base_url=f"{url}/bot", request=AiohttpRequest(concurrency, read_timeout=read_timeout))
    return OutboxSender(bot, database, concurrency=concurrency, **(FAST | options))


async def drain(sender: OutboxSender) -> None:
    async with sender.bot:
        await asyncio.wait_for(sender.drain(), timeout=30)


def queue(database: Database, messages: Iterable[tuple[int, str]], **extra: Any) -> list[str]:
    """Queue ``(chat id, text)`` messages in one transaction; returns the texts in order."""
    queued = []
    with database.unit_of_work() as session:
        for chat_id, text in messages:
            outbox.enqueue(session, chat_id=chat_id, kind=MessageKind.NOTICE, reply=Reply(text), **extra)
            queued.append(text)
    return queued


def interleaved(chats: Iterable[int], each: int) -> list[tuple[int, str]]:
    """``each`` messages per chat, queued round-robin (so the chats' queues overlap)."""
    chats = list(chats)
    return [(chat, f"{chat}:{n}") for n in range(each) for chat in chats]


def texts_to(api: FakeBotApi, chat_id: int) -> list[str]:
    return [message["text"] for message in api.sent_to(chat_id)]


def all_texts(api: FakeBotApi) -> list[str]:
    return [call.params["text"] for call in list(api.calls) if call.method == "sendMessage"]


def first_occurrences(texts: list[str]) -> list[str]:
    return list(dict.fromkeys(texts))


def assert_in_order(api: FakeBotApi, messages: list[tuple[int, str]]) -> None:
    """Every chat got its messages in the order they were queued (repeats ignored)."""
    for chat in {chat for chat, _ in messages}:
        assert first_occurrences(texts_to(api, chat)) == [text for c, text in messages if c == chat], chat


def gaps(times: list[float]) -> list[float]:
    return [later - earlier for earlier, later in itertools.pairwise(times)]


def learner(database: Database, telegram_id: int) -> int:
    with database.unit_of_work() as session:
        person = Learner(telegram_id=telegram_id)
        session.add(person)
        session.flush()
        assert person.id is not None
        return person.id


def status_of_learner(database: Database, learner_id: int) -> LearnerStatus:
    with database.unit_of_work() as session:
        person = session.get(Learner, learner_id)
        assert person is not None
        return person.status


# -- the instrument -----------------------------------------------------------------------------


def test_the_fake_refuses_sends_over_its_rate_and_to_blocked_chats(fake_api: tuple[FakeBotApi, str]) -> None:
    """The rate and blocked-chat tests below mean something only if the fake really refuses."""
    api, url = fake_api
    api.rate_limit_per_second = 3
    api.blocked_chats = {13}

    def send(chat_id: int) -> dict[str, Any]:
        body = {"chat_id": chat_id, "text": "hi"}
        answer: dict[str, Any] = httpx.post(f"{url}/bot{TOKEN}/sendMessage", json=body, timeout=5).json()
        return answer

    answers = [send(chat) for chat in (13, 1, 2, 3, 4, 5)]
    assert [a.get("error_code") for a in answers] == [403, None, None, None, 429, 429]
    assert answers[0]["description"] == "Forbidden: bot was blocked by the user"
    assert answers[-1]["parameters"] == {"retry_after": 1}
    assert (len(api.forbidden), len(api.rate_limited), len(api.calls)) == (1, 2, 3)  # refusals not recorded
    time.sleep(1.0)
    assert send(6)["ok"] is True  # the window has moved on


# -- delivery -----------------------------------------------------------------------------------


async def test_every_message_arrives_once_in_order_per_chat(
    fake_api: tuple[FakeBotApi, str], database: Database
) -> None:
    api, url = fake_api
    messages = interleaved([*range(1, 21), -1001], 6)
    queue(database, messages)
    long_text = "\n".join(f"Month {n}: a line of the plan review" for n in range(200))  # > 4096 characters
    with database.unit_of_work() as session:
        reply = Reply(long_text, ((Button("Looks good", "4.0"), Button("Change it", "4.1")),))
        outbox.enqueue(session, chat_id=99, kind=MessageKind.REVIEW, reply=reply)
    await drain(sender_for(url, database))
    assert_in_order(api, messages)
    assert len(all_texts(api)) == len(messages) + 2  # nothing twice; the review in two parts
    first_part, last_part = api.sent_to(99)
    assert first_part["text"] + "\n" + last_part["text"] == long_text
    assert "reply_markup" not in first_part
    assert [b["callback_data"] for b in last_part["reply_markup"]["inline_keyboard"][0]] == ["4.0", "4.1"]
    assert outbox.status_counts(database)[MessageStatus.SENT] == len(messages) + 1
    assert api.violations == []


async def test_flood_control_holds_only_that_chat(
    fake_api: tuple[FakeBotApi, str], database: Database
) -> None:
    api, url = fake_api
    api.inject("sendMessage", Fault(429, "Too Many Requests: retry after 1", retry_after=1))
    messages = interleaved(range(1, 7), 3)
    queue(database, messages)
    started = time.monotonic()
    await drain(sender_for(url, database))
    first_arrival = {chat: api.reply_times[chat][0] - started for chat in range(1, 7)}
    held = [chat for chat, at in first_arrival.items() if at >= 0.95]
    assert len(held) == 1, first_arrival  # the chat that got the 429 waited retry_after ...
    others_done = max(api.reply_times[chat][-1] for chat in range(1, 7) if chat not in held) - started
    assert others_done < 0.9  # ... and the others did not
    assert_in_order(api, messages)
    assert len(all_texts(api)) == len(messages)
    retried = [row for row in rows(database).values() if row.attempts == 2]
    assert [row.chat_id for row in retried] == held
    assert retried[0].last_error is not None and retried[0].last_error.startswith("RetryAfter")
    assert outbox.status_counts(database)[MessageStatus.SENT] == len(messages)


async def test_server_errors_and_timeouts_are_retried(
    fake_api: tuple[FakeBotApi, str], database: Database
) -> None:
    api, url = fake_api
    api.inject(
        "sendMessage",
        Fault(502, "Bad Gateway"),
        Fault(500, "Internal Server Error"),
        Fault(200, "", delay=1.0),  # answered after the sender gave up (read timeout 0.3 s)
    )
    messages = interleaved(range(1, 5), 3)
    queue(database, messages)
    await drain(sender_for(url, database, read_timeout=0.3))
    assert api.wait_for(lambda: api.in_flight == 0)  # the slow answer has been recorded too
    assert_in_order(api, messages)
    counts = Counter(all_texts(api))
    assert set(counts) == {text for _, text in messages}
    # a timeout is ambiguous: Telegram (here the fake) may have accepted it, and the retry repeats it
    assert sorted(counts.values()) == [1] * (len(messages) - 1) + [2]
    errors = sorted(row.last_error or "" for row in rows(database).values() if row.attempts == 2)
    assert [error.split(":")[0] for error in errors] == ["NetworkError", "NetworkError", "TimedOut"]
    assert outbox.status_counts(database)[MessageStatus.SENT] == len(messages)


# -- chats that refuse the bot ------------------------------------------------------------------


async def test_a_blocked_chat_fails_its_queue_and_blocks_the_learner(
    fake_api: tuple[FakeBotApi, str], database: Database
) -> None:
    api, url = fake_api
    api.blocked_chats = {777}
    blocked, fine = learner(database, 777), learner(database, 778)
    queue(database, [(777, "777:0"), (777, "777:1"), (777, "777:2")], learner_id=blocked)
    expected = queue(database, [(778, "778:0"), (778, "778:1")], learner_id=fine)
    await drain(sender_for(url, database))
    assert len(api.forbidden) == 1  # not retried, and the rest of its queue not tried
    assert texts_to(api, 777) == []
    assert texts_to(api, 778) == expected
    state = rows(database)
    assert [state[f"777:{n}"].status for n in range(3)] == [MessageStatus.FAILED] * 3
    assert state["777:0"].last_error == "Forbidden: Forbidden: bot was blocked by the user"
    assert state["777:1"].last_error == state["777:2"].last_error == outbox.BLOCKED_ERROR
    assert status_of_learner(database, blocked) is LearnerStatus.BLOCKED
    assert status_of_learner(database, fine) is LearnerStatus.ACTIVE


async def test_chat_not_found_blocks_but_another_bad_request_fails_one_message(
    fake_api: tuple[FakeBotApi, str], database: Database
) -> None:
    api, url = fake_api
    gone = learner(database, 5)
    queue(database, [(5, "5:0"), (5, "5:1")], learner_id=gone)
    api.inject("sendMessage", Fault(400, "Bad Request: chat not found"))
    await drain(sender_for(url, database))
    assert texts_to(api, 5) == []
    assert status_of_learner(database, gone) is LearnerStatus.BLOCKED

    queue(database, [(6, "6:0"), (6, "6:1")])
    api.inject("sendMessage", Fault(400, "Bad Request: can't parse entities"))
    await drain(sender_for(url, database))
    assert texts_to(api, 6) == ["6:1"]
    state = rows(database)
    assert (state["6:0"].status, state["6:0"].attempts) == (MessageStatus.FAILED, 1)
    assert [state[t].status for t in ("5:0", "5:1", "6:1")] == [
        MessageStatus.FAILED,
        MessageStatus.FAILED,
        MessageStatus.SENT,
    ]


# -- pacing -------------------------------------------------------------------------------------


async def test_private_chats_are_paced_one_by_one(
    fake_api: tuple[FakeBotApi, str], database: Database
) -> None:
    api, url = fake_api
    messages = interleaved([1, 2], 4)
    queue(database, messages)
    await drain(sender_for(url, database, private_chat_interval=0.25))
    assert_in_order(api, messages)
    for chat in (1, 2):
        assert min(gaps(api.reply_times[chat])) >= 0.25, gaps(api.reply_times[chat])
    assert api.reply_times[2][0] < api.reply_times[1][-1]  # paced per chat, not one chat after another


async def test_groups_are_paced_per_minute_and_a_long_queue_goes_back_to_wait(
    fake_api: tuple[FakeBotApi, str], database: Database
) -> None:
    """300 a minute is one every 0.2 s; a lease of 1.2 s lets a sender hold 0.3 s of a chat's queue."""
    api, url = fake_api
    group = interleaved([-1002], 6)
    private = interleaved([9], 3)
    queue(database, group + private)
    sender = sender_for(url, database, group_messages_per_minute=300, lease=dt.timedelta(seconds=1.2))
    await drain(sender)
    assert_in_order(api, group + private)
    assert min(gaps(api.reply_times[-1002])) >= 0.2, gaps(api.reply_times[-1002])
    # the group's pace is its own: the private chat does not wait behind the group's second (1 s) of queue
    assert api.reply_times[9][-1] < api.reply_times[-1002][-1]
    deferred = [
        row
        for row in rows(database).values()
        if row.available_at - row.created_at > dt.timedelta(seconds=0.3)
    ]
    assert deferred and {row.chat_id for row in deferred} == {-1002}


async def test_the_overall_rate_holds_without_flood_errors(
    fake_api: tuple[FakeBotApi, str], database: Database
) -> None:
    api, url = fake_api
    api.rate_limit_per_second = 40
    messages = [(chat, f"{chat}:0") for chat in range(1, 81)]
    queue(database, messages)
    await drain(sender_for(url, database, rate_per_second=40))
    assert api.rate_limited == []
    times = sorted(at for chat in range(1, 81) for at in api.reply_times[chat])
    assert len(times) == 80
    assert 30 <= (len(times) - 1) / (times[-1] - times[0]) <= 40


async def test_stopping_gives_back_what_was_not_sent(
    fake_api: tuple[FakeBotApi, str], database: Database
) -> None:
    api, url = fake_api
    messages = interleaved([1], 3)
    queue(database, messages)
    sender = sender_for(url, database, private_chat_interval=0.5)
    stop = asyncio.Event()
    async with sender.bot:
        running = asyncio.create_task(sender.run(stop))
        await eventually(lambda: texts_to(api, 1) == ["1:0"])
        stop.set()
        await asyncio.wait_for(running, timeout=5)
    state = rows(database)
    assert [(state[t].status, state[t].claimed_by) for t in ("1:1", "1:2")] == [
        (MessageStatus.PENDING, None)
    ] * 2
    await drain(sender_for(url, database))
    assert texts_to(api, 1) == ["1:0", "1:1", "1:2"]


# -- separate processes: crashes and company ----------------------------------------------------


@contextmanager
def sender_process(
    url: str, database: Database, log: Path, *options: str
) -> Iterator[subprocess.Popen[bytes]]:
    """``tests/fakes/sender_process.py`` on this database; stopped (SIGTERM) when the block ends."""
    environment = {"PATH": os.environ.get("PATH", ""), "HOME": str(log.parent), "TELEGRAM_BOT_TOKEN": TOKEN}
    database_url = database.url.render_as_string(hide_password=False)
    with log.open("ab") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.fakes.sender_process", url, database_url, *options],
            cwd=REPO_ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def sent_rows(database: Database) -> int:
    return outbox.status_counts(database)[MessageStatus.SENT]


def test_a_killed_sender_repeats_at_most_its_messages_in_flight(
    fake_api: tuple[FakeBotApi, str], database: Database, tmp_path: Path
) -> None:
    """SIGKILL midway: the next sender delivers the rest after the lease, each chat still in order.

    A message is in flight from its sendMessage until the database records it SENT; the killed
    sender had at most ``--concurrency`` (4) of them, and only those can arrive twice.
    """
    api, url = fake_api
    messages = interleaved(range(1, 201), 10)  # 2,000
    queue(database, messages)
    options = ("--concurrency", "4", "--lease", "1.0")
    log = tmp_path / "senders.log"
    with sender_process(url, database, log, *options) as first:
        assert api.wait_for(lambda: len(all_texts(api)) >= 500, timeout=60)
        first.kill()
        first.wait(timeout=10)
    assert first.returncode == -signal.SIGKILL
    assert len(all_texts(api)) < len(messages)
    with sender_process(url, database, log, *options) as second:
        assert api.wait_for(lambda: sent_rows(database) == len(messages), timeout=60)
    assert second.returncode == 0
    counts = Counter(all_texts(api))
    assert set(counts) == {text for _, text in messages}  # nothing lost
    assert sum(count - 1 for count in counts.values()) <= 4  # repeats: at most what was in flight
    assert_in_order(api, messages)
    errors = log.read_text()
    assert "Traceback" not in errors
    assert TOKEN not in errors


def test_two_sender_processes_share_a_queue_without_duplicates(
    fake_api: tuple[FakeBotApi, str], database: Database, tmp_path: Path
) -> None:
    api, url = fake_api
    messages = interleaved(range(1, 201), 10)
    queue(database, messages)
    options = ("--concurrency", "4", "--lease", "30")
    log = tmp_path / "senders.log"
    with (
        sender_process(url, database, log, *options) as first,
        sender_process(url, database, log, *options) as second,
    ):
        assert api.wait_for(lambda: sent_rows(database) == len(messages), timeout=60)
    assert (first.returncode, second.returncode) == (0, 0)
    texts = all_texts(api)
    assert sorted(texts) == sorted(text for _, text in messages)  # each exactly once
    with database.unit_of_work() as session:
        senders = set(session.exec(select(OutboundMessage.claimed_by)))
    assert len(senders) == 2  # both did part of the work
    assert "Traceback" not in log.read_text()

"""The outbox sender: delivers queued proactive messages to Telegram, paced, retried, safe to kill.

It claims due rows from the outbox (:mod:`core.outbox`), sends each through ``sendMessage`` (a
long text as several messages, in order) and records the outcome.  Several senders, in one
process or many, can share one queue.

Limits, all three at once (Telegram's published ones by default, from
:class:`~core.settings.Settings`):
- overall messages per second, an :class:`aiolimiter.AsyncLimiter` (a leaky bucket).  A bucket
  of :data:`BURST` messages may go out at once after a quiet moment, and a full second at the
  bucket's rate follows, so that rate is the limit less ``BURST - 1``; and Telegram counts
  arrivals, so jitter on the way could push a stream paced exactly at the limit over it for a
  moment: the rate is :data:`RATE_HEADROOM` of that (at 300/s, 289/s: ~30 ms of jitter fit);
- a minimum interval per private chat (``private_chat_interval``);
- messages per minute per group (chat ids below zero), spread evenly over the minute.  That is
  stricter than a sliding window, but never bursts into a wall that then blocks the group.
  The parts of one long message go out back to back (Telegram tolerates short bursts in a chat,
  and they belong together); the chat then waits one interval per part.

Why not PTB's ``AIORateLimiter``: on a 429 it pauses every request of the bot, replies to
learners included, and it keeps its state in memory, so a retry cannot survive a restart.  Here
a 429 re-queues that one message in the database (``retry_after`` later) and holds only that
chat; other chats keep going, and learners' replies (sent by the channel on its own Bot) never
wait for bulk messages.

Failures: 429 -> retry after ``retry_after``; network errors, timeouts and 5xx -> retry with
exponential back-off and full jitter (``base * 2**attempt``, capped), failed after
``max_attempts``; 403, or "chat not found" -> failed, and the chat blocked (see
:func:`core.outbox.mark_failed`); any other 400 -> failed (the message itself is wrong), and so
does a group that became a supergroup (``ChatMigrated``: the group's chat id must be updated
first).  A retried message keeps its place: its chat's later messages wait behind it.

Crash safety: up to ``concurrency`` messages are in flight at once, and each holds its slot from
its first ``sendMessage`` until the database says SENT.  So a sender killed at any instant has
at most ``concurrency`` messages that Telegram accepted but the database does not know about;
those are sent again when their lease runs out.  Marks of messages finishing together share one
commit (group commit), so recording is not what limits the rate.  A timed-out request is
ambiguous (Telegram may have delivered it) and is retried, so it may arrive twice as well; so
may the first parts of a long message whose later part failed (it is retried whole).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import secrets
import socket
import warnings
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum

from aiolimiter import AsyncLimiter
from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.ext import ExtBot
from telegram.warnings import PTBDeprecationWarning

from bot.telegram.outgoing import send_text
from bot.telegram.render import OutgoingPart, message_parts
from bot.telegram.request import AiohttpRequest
from core import outbox
from core.outbox import Claimed
from core.settings import Settings
from core.storage.db import Database
from core.storage.db_types import utc_now
from core.storage.models import MessageStatus

log = logging.getLogger(__name__)
DEFAULT_CONCURRENCY = 32
DEFAULT_LEASE = dt.timedelta(minutes=2)
DEFAULT_POLL_INTERVAL = 0.2
DEFAULT_MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 300.0
RATE_HEADROOM = 0.97  # absorbs ~30 ms of arrival jitter at any rate (see the module docstring)
BURST = 2  # a bucket of one would lose capacity each time the event loop wakes a waiter late
BLOCKED_CHAT_ERRORS = ("chat not found",)  # 400s that mean the chat is gone, like a 403


def new_sender_id() -> str:
    """``host:pid:random``: unique per sender, and says where a stuck claim came from."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


def retry_after_seconds(error: RetryAfter) -> float:
    """Seconds to wait; PTB 22 warns when ``retry_after`` is read as a number, so both forms are taken."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, dt.timedelta) else float(wait)


def overall_limiter(rate_per_second: float) -> AsyncLimiter:
    """The bucket for ``rate_per_second`` (see the module docstring for the arithmetic).

    Below about ten messages a second the burst would cost more than a tenth of the rate, and
    the bucket holds a single message instead.
    """
    paced = rate_per_second * RATE_HEADROOM
    burst = BURST if paced >= 10 * (BURST - 1) else 1
    paced -= burst - 1
    return AsyncLimiter(burst, burst / paced)


class _Outcome(Enum):
    DONE = "done"  # the chat's next message may follow
    CHAT_HELD = "chat_held"  # the chat's queue was given back or failed: drop it here


@dataclass(frozen=True)
class _Job:
    message: Claimed
    parts: list[OutgoingPart]
    problem: str = ""  # a payload we cannot render: fail it instead of sending


def _job(message: Claimed) -> _Job:
    try:
        return _Job(message, message_parts(outbox.payload_reply(message.payload)))
    except ValueError as exc:
        return _Job(message, [], problem=f"malformed payload: {exc}")


class _SentRecorder:
    """Group commit of deliveries: one transaction marks every message that finished meanwhile.

    Each caller waits for the commit that covers its message, so a slot is only freed once the
    database knows the message was sent (the crash bound in the module docstring).
    """

    def __init__(self, database: Database, sender_id: str, clock: Callable[[], dt.datetime]) -> None:
        self._database = database
        self._sender_id = sender_id
        self._clock = clock
        self._waiting: list[tuple[int, asyncio.Future[bool]]] = []
        self._flushing: asyncio.Task[None] | None = None

    async def record(self, message_id: int) -> bool:
        """True once recorded; False when another sender had taken the message over."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((message_id, future))
        if self._flushing is None:
            self._flushing = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                ids = [message_id for message_id, _ in batch]
                try:
                    owned = await asyncio.to_thread(
                        outbox.mark_sent_many, self._database, ids, self._sender_id, self._clock()
                    )
                except SQLAlchemyError as exc:
                    for _, future in batch:
                        future.set_exception(exc)
                else:
                    for message_id, future in batch:
                        future.set_result(message_id in owned)
        finally:
            self._flushing = None


class OutboxSender:
    """Claims due outbox rows and delivers them through ``bot`` within Telegram's limits.

    ``clock`` gives the time written to the database (claims, retries, ``sent_at``); pacing
    uses the event loop's monotonic clock, which is what sleeping needs.
    """

    def __init__(
        self,
        bot: Bot,
        database: Database,
        *,
        rate_per_second: float = 30.0,
        group_messages_per_minute: int = 20,
        private_chat_interval: float = 1.0,
        concurrency: int = DEFAULT_CONCURRENCY,
        lease: dt.timedelta = DEFAULT_LEASE,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        backoff_base: float = BACKOFF_BASE_SECONDS,
        backoff_cap: float = BACKOFF_CAP_SECONDS,
        clock: Callable[[], dt.datetime] = utc_now,
        sender_id: str | None = None,
    ) -> None:
        self.bot = bot
        self.database = database
        self.sender_id = sender_id or new_sender_id()
        self.lease = lease
        self.poll_interval = poll_interval
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.clock = clock
        self._private_interval = private_chat_interval
        self._group_interval = 60.0 / group_messages_per_minute
        # a claimed row waits here at most a quarter of its lease; later ones go back (defer)
        self._max_hold = lease.total_seconds() / 4
        self._backlog = 2 * concurrency  # claimed and not finished; claims refill half of it
        self._limiter = overall_limiter(rate_per_second)
        self._slots = asyncio.Semaphore(concurrency)
        self._recorder = _SentRecorder(database, self.sender_id, clock)
        self._random = secrets.SystemRandom()  # jitter only; any generator would do
        self._queues: dict[int, deque[_Job]] = {}  # chat id -> its claimed messages, in order
        self._workers: set[asyncio.Task[None]] = set()
        self._held: set[int] = set()  # ids of claimed messages not finished yet
        self._next_at: dict[int, float] = {}  # chat id -> loop time its next message may start
        self._prune_above = 4096
        self._room = asyncio.Event()
        self._halt = asyncio.Event()

    # -- the loop ------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; then finish the sends in flight and give back the rest."""
        await self._serve(stop, until_empty=False)

    async def drain(self) -> None:
        """Deliver until no message is left pending or being sent (retries included); for tests.

        A message scheduled for later keeps it waiting, so use it on a queue of due messages.
        """
        await self._serve(asyncio.Event(), until_empty=True)

    async def _serve(self, stop: asyncio.Event, *, until_empty: bool) -> None:
        self._halt.clear()
        try:
            while not stop.is_set():
                room = self._backlog - len(self._held)
                if room < self._backlog // 2:
                    self._room.clear()
                    await _first_of(stop, self._room)
                    continue
                if await self._claim(room) == room:
                    continue  # more may be due: claim again while there is room
                if until_empty and not self._held and await self._outbox_empty():
                    return
                await _first_of(stop, timeout=self.poll_interval)
        finally:
            await self._shut_down()

    async def _outbox_empty(self) -> bool:
        counts = await asyncio.to_thread(outbox.status_counts, self.database)
        return counts[MessageStatus.PENDING] + counts[MessageStatus.SENDING] == 0

    async def _claim(self, limit: int) -> int:
        """Claim up to ``limit`` rows and queue them per chat; returns how many were claimed."""
        try:
            claimed = await asyncio.to_thread(
                outbox.claim,
                self.database,
                sender_id=self.sender_id,
                now=self.clock(),
                limit=limit,
                lease=self.lease,
            )
        except SQLAlchemyError:
            log.exception("claiming from the outbox failed; trying again in %.1f s", self.poll_interval)
            return 0
        by_chat: defaultdict[int, list[_Job]] = defaultdict(list)
        for message in claimed:
            if message.id not in self._held:  # our own claim renewed after a long wait: already queued
                by_chat[message.chat_id].append(_job(message))
        deferred = [self._queue(chat_id, jobs) for chat_id, jobs in by_chat.items()]
        for first, until in filter(None, deferred):
            await asyncio.to_thread(outbox.defer, self.database, first, self.sender_id, until)
        self._forget_idle_chats()
        return len(claimed)

    def _queue(self, chat_id: int, jobs: list[_Job]) -> tuple[Claimed, dt.datetime] | None:
        """Queue a chat's new jobs, starting its worker if it has none.

        Jobs that could not start within ``_max_hold`` (the chat is paced that far ahead) are not
        kept: the first of them is returned with the time it can go, to be given back (deferred).
        Synchronous on purpose, so no worker can finish and drop the chat's queue meanwhile.
        """
        now = asyncio.get_running_loop().time()
        queue = self._queues.setdefault(chat_id, deque())
        ready = max(self._next_at.get(chat_id, now), now)
        ready += sum(max(1, len(job.parts)) for job in queue) * self._interval(chat_id)
        deferred = None
        for index, job in enumerate(jobs):
            if ready - now > self._max_hold:
                deferred = job.message, self.clock() + dt.timedelta(seconds=ready - now)
                jobs = jobs[:index]
                break
            ready += max(1, len(job.parts)) * self._interval(chat_id)
        queue.extend(jobs)
        self._held.update(job.message.id for job in jobs)
        if not queue:
            del self._queues[chat_id]
        elif len(queue) == len(jobs):  # the chat had nothing queued, so no worker
            worker = asyncio.create_task(self._work_chat(chat_id, queue))
            self._workers.add(worker)
            worker.add_done_callback(self._worker_done(chat_id))
        return deferred

    def _interval(self, chat_id: int) -> float:
        return self._private_interval if chat_id > 0 else self._group_interval

    def _forget_idle_chats(self) -> None:
        """Drop pacing entries in the past, once the table has doubled: memory stays bounded."""
        if len(self._next_at) <= self._prune_above:
            return
        now = asyncio.get_running_loop().time()
        self._next_at = {chat: at for chat, at in self._next_at.items() if at > now}
        self._prune_above = max(4096, 2 * len(self._next_at))

    # -- one chat ------------------------------------------------------------------------

    async def _work_chat(self, chat_id: int, queue: deque[_Job]) -> None:
        """Deliver one chat's queue in order, one message at a time, paced."""
        while queue and not self._halt.is_set():
            wait = self._next_at.get(chat_id, 0.0) - asyncio.get_running_loop().time()
            if wait > 0 and await _first_of(self._halt, timeout=wait):
                return
            outcome = await self._deliver(queue[0])
            if outcome is None:
                return  # stopping: the rest is given back by _shut_down
            self._finish([queue.popleft()])
            if outcome is _Outcome.CHAT_HELD:
                self._finish(queue)
                queue.clear()
        if not queue:
            self._queues.pop(chat_id, None)

    def _worker_done(self, chat_id: int) -> Callable[[asyncio.Task[None]], None]:
        def done(worker: asyncio.Task[None]) -> None:
            self._workers.discard(worker)
            if worker.cancelled() or worker.exception() is None:
                return
            # the database may or may not know what happened: the rows wait for their lease
            log.error("delivery to chat %s failed", chat_id, exc_info=worker.exception())
            self._finish(self._queues.pop(chat_id, ()))

        return done

    def _finish(self, jobs: Iterable[_Job]) -> None:
        self._held.difference_update(job.message.id for job in jobs)
        if len(self._held) <= self._backlog // 2:
            self._room.set()

    async def _deliver(self, job: _Job) -> _Outcome | None:
        """Send one message (all its parts) and record the outcome; None if stopping first."""
        async with self._slots:
            if self._halt.is_set():
                return None
            if job.problem:
                return await self._give_up(job, job.problem, blocked=False)
            chat_id = job.message.chat_id
            sent = 0
            error: TelegramError | None = None
            try:
                for part in job.parts:
                    await self._limiter.acquire()
                    await send_text(self.bot, chat_id, part.text, part.markup)
                    sent += 1
            except TelegramError as exc:
                error = exc
            self._hold(chat_id, sent * self._interval(chat_id))
            if error is not None:
                return await self._failed(job, error)
            _check_owned(await self._recorder.record(job.message.id), job.message)
            return _Outcome.DONE

    def _hold(self, chat_id: int, seconds: float) -> None:
        until = asyncio.get_running_loop().time() + seconds
        self._next_at[chat_id] = max(self._next_at.get(chat_id, until), until)

    # -- failures ------------------------------------------------------------------------

    async def _failed(self, job: _Job, error: TelegramError) -> _Outcome:
        message = job.message
        text = self._describe(error)
        if isinstance(error, RetryAfter):
            return await self._retry(job, retry_after_seconds(error), text)
        if isinstance(error, Forbidden) or (
            isinstance(error, BadRequest) and any(e in error.message.lower() for e in BLOCKED_CHAT_ERRORS)
        ):
            return await self._give_up(job, text, blocked=True)
        if isinstance(error, BadRequest | ChatMigrated):
            return await self._give_up(job, text, blocked=False)
        if message.attempts + 1 >= self.max_attempts:
            return await self._give_up(job, f"{text} (after {message.attempts + 1} attempts)", blocked=False)
        ceiling = min(self.backoff_cap, self.backoff_base * 2**message.attempts)
        return await self._retry(job, self._random.uniform(0, ceiling), text)

    async def _retry(self, job: _Job, delay: float, error: str) -> _Outcome:
        message = job.message
        log.warning(
            "outbox message %s to chat %s: %s; retrying in %.1f s", message.id, message.chat_id, error, delay
        )
        self._hold(message.chat_id, delay)
        retried = await asyncio.to_thread(
            outbox.mark_retry,
            self.database,
            message,
            self.sender_id,
            self.clock(),
            dt.timedelta(seconds=delay),
            error,
        )
        _check_owned(retried, message)
        return _Outcome.CHAT_HELD

    async def _give_up(self, job: _Job, error: str, *, blocked: bool) -> _Outcome:
        message = job.message
        log.warning(
            "outbox message %s to chat %s failed%s: %s",
            message.id,
            message.chat_id,
            " (the chat refuses the bot)" if blocked else "",
            error,
        )
        failed = await asyncio.to_thread(
            outbox.mark_failed, self.database, message, self.sender_id, self.clock(), error, blocked=blocked
        )
        _check_owned(failed, message)
        return _Outcome.CHAT_HELD if blocked else _Outcome.DONE

    def _describe(self, error: TelegramError) -> str:
        """The error for logs and ``last_error``, never with the token (an HTTP error may quote the URL)."""
        return f"{type(error).__name__}: {error}".replace(self.bot.token, "[REDACTED]")

    # -- stopping ------------------------------------------------------------------------

    async def _shut_down(self) -> None:
        """Let sends in flight finish and be recorded; give back what was claimed but not started."""
        self._halt.set()
        if self._workers:
            await asyncio.gather(*self._workers, return_exceptions=True)
        unstarted = [job.message.id for queue in self._queues.values() for job in queue]
        self._queues.clear()
        self._held.clear()
        if unstarted:
            await asyncio.to_thread(outbox.release, self.database, unstarted, self.sender_id)


def _check_owned(applied: bool, message: Claimed) -> None:
    """A mark that changed nothing means our lease ran out and another sender took the message."""
    if not applied:
        log.warning("outbox message %s: another sender had taken it over before it was recorded", message.id)


async def _first_of(*events: asyncio.Event, timeout: float | None = None) -> bool:
    """Wait until one of ``events`` is set (True) or ``timeout`` passes (False)."""
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        done, _ = await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
    return bool(done)


def build_sender(
    settings: Settings,
    database: Database,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    lease: dt.timedelta = DEFAULT_LEASE,
    poll_interval: float = DEFAULT_POLL_INTERVAL,
) -> OutboxSender:
    """A sender with a Bot and HTTP connections of its own, limits from ``settings``.

    Its own connections (one per message in flight) mean bulk delivery never queues ahead of a
    reply to a learner on the channel's connections.  The caller initializes and shuts down
    ``sender.bot`` (``async with sender.bot:``).
    """
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    bot = ExtBot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=settings.telegram_base_url,
        base_file_url=settings.telegram_base_file_url,
        request=AiohttpRequest(concurrency),
    )
    return OutboxSender(
        bot,
        database,
        rate_per_second=settings.send_rate_per_second,
        group_messages_per_minute=settings.group_messages_per_minute,
        private_chat_interval=settings.private_chat_interval_seconds,
        concurrency=concurrency,
        lease=lease,
        poll_interval=poll_interval,
    )

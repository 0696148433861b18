"""The outbox: proactive messages written with the change that caused them, delivered by a sender.

A check-in, a review or a broadcast is a row in ``outbound_messages``, inserted in the same
transaction as the state change behind it (:func:`enqueue`).  Either both land or neither does,
so a crash can neither lose a promised message nor send one for a change that was rolled back.
A sender (``bot/telegram/sender.py``) then claims due rows, delivers them and marks the outcome.
Everything here is plain SQL on the database, so any number of sender processes, on either
backend, share one queue without knowing of each other.

Delivery is at least once.  A sender that dies between Telegram accepting a message and
:func:`mark_sent` leaves the row in SENDING; when its lease runs out another sender claims it
again and the learner sees it twice.  The sender keeps that window small (it records a message
before it takes another one into its place); Telegram has no idempotency key that could close
it.

Order per chat.  Rows are claimed in ``(available_at, id)`` order, and a chat with a row being
sent (a live claim) is not claimed again until that row is done, so one sender delivers a chat's
messages in order, and a crashed sender's rows go out before that chat's later ones.  When a row
has to wait (a retry, or the chat is paced further out than a sender may hold a claim), the
chat's later rows are moved behind it (:func:`mark_retry`, :func:`defer`).  Two senders claiming
at the same instant can still split a chat between them; order across senders is best effort.

Every mark is guarded by ``claimed_by``: a sender whose claim ran out and was taken over changes
nothing, so a row is never marked twice by two owners.  A finished row keeps ``claimed_by``, so
it says which sender sent it or gave up on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, func, inspect, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel

from core.messages import Button, Reply
from core.storage.db import Database
from core.storage.db_types import utc_now
from core.storage.models import Group, Learner, LearnerStatus, MessageKind, MessageStatus, OutboundMessage


def _table(model: type[SQLModel]) -> Table:
    """The table ``model`` is mapped to (SQLModel does not declare ``__table__`` to type checkers)."""
    table = inspect(model).local_table
    assert isinstance(table, Table)  # noqa: S101  (a table model maps one table)
    return table


OUTBOX = _table(OutboundMessage)
LEARNERS = _table(Learner)
GROUPS = _table(Group)

BLOCKED_ERROR = "blocked"
_INSERTS: dict[str, Callable[[Table], Any]] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


# -- payloads ---------------------------------------------------------------------------------


def reply_payload(reply: Reply) -> dict[str, Any]:
    """``reply`` as JSON: its text and rows of ``[label, payload]`` buttons.

    A location button or a file cannot wait in a queue: the first only makes sense as an answer
    to the learner's last message, the second would put binary data in the database.
    """
    if reply.location_button or reply.attachment is not None:
        raise ValueError("the outbox carries text and inline buttons only")
    return {"text": reply.text, "buttons": [[[b.label, b.payload] for b in row] for row in reply.buttons]}


def _is_button(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(part, str) for part in value)


def payload_reply(payload: dict[str, Any]) -> Reply:
    """The :class:`Reply` a payload describes; ValueError for a payload :func:`reply_payload` never wrote."""
    text = payload.get("text")
    rows = payload.get("buttons", [])
    if not isinstance(text, str) or not isinstance(rows, list):
        raise ValueError("an outbox payload needs a text and a list of button rows")
    if not all(isinstance(row, list) and all(_is_button(b) for b in row) for row in rows):
        raise ValueError("an outbox button row is a list of [label, payload] pairs")
    return Reply(text, tuple(tuple(Button(label, data) for label, data in row) for row in rows))


# -- writing ----------------------------------------------------------------------------------


def enqueue(
    session: Session,
    *,
    chat_id: int,
    kind: MessageKind,
    reply: Reply,
    learner_id: int | None = None,
    group_id: int | None = None,
    dedupe_key: str | None = None,
    available_at: dt.datetime | None = None,
) -> bool:
    """Queue a message in the caller's transaction; False when ``dedupe_key`` is already queued.

    A duplicate is skipped by the database (``INSERT ... ON CONFLICT DO NOTHING``), not caught as
    an error: a failed INSERT would abort a PostgreSQL transaction, and with it the caller's
    change.  So a scheduler that runs twice for the same due check-in queues it once.
    """
    now = utc_now()
    insert = _INSERTS[session.get_bind().dialect.name]
    statement = (
        insert(OUTBOX)
        .values(
            chat_id=chat_id,
            learner_id=learner_id,
            group_id=group_id,
            kind=kind,
            payload=reply_payload(reply),
            status=MessageStatus.PENDING,
            attempts=0,
            available_at=available_at or now,
            dedupe_key=dedupe_key,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=[OUTBOX.c.dedupe_key])
        .returning(OUTBOX.c.id)  # not rowcount: with its implicit RETURNING, psycopg reports -1
    )
    return session.execute(statement).scalar_one_or_none() is not None


# -- claiming ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    """A row a sender now owns: what to send, where, and where it stands in its chat's queue."""

    id: int
    chat_id: int
    learner_id: int | None
    group_id: int | None
    kind: MessageKind
    payload: dict[str, Any]
    attempts: int
    available_at: dt.datetime


def _claimable(now: dt.datetime, lease: dt.timedelta) -> ColumnElement[bool]:
    """Due and waiting, or claimed by a sender that has not finished within its lease (it died)."""
    return or_(
        and_(OUTBOX.c.status == MessageStatus.PENDING, OUTBOX.c.available_at <= now),
        and_(OUTBOX.c.status == MessageStatus.SENDING, OUTBOX.c.claimed_at < now - lease),
    )


def claim(
    database: Database, *, sender_id: str, now: dt.datetime, limit: int, lease: dt.timedelta
) -> list[Claimed]:
    """Take up to ``limit`` due rows for ``sender_id``, oldest first; they become SENDING.

    One ``WITH chosen AS (SELECT ... LIMIT n) UPDATE ... WHERE id IN chosen RETURNING``, so a
    claim is one round trip.  On PostgreSQL the SELECT locks its rows ``FOR UPDATE SKIP LOCKED``:
    a concurrent claimer skips them instead of waiting, and a row another claimer changed
    meanwhile is checked again.  It is ``MATERIALIZED``, that is run exactly once: as a plain
    subquery the planner may rescan it for every candidate row (a nested-loop semi-join), a
    rescan can return other rows than the first scan, and a claim took more than ``limit`` rows
    (seen in the tests).  SQLite renders no lock clause; it runs one writing statement at a
    time, so the statement is atomic there.  The outer WHERE repeats the condition
    (compare-and-set), so a row is only taken if it is still claimable when it is written.
    Chats with a live claim are left alone, which keeps each chat's messages in order.
    """
    busy_chats = select(OUTBOX.c.chat_id).where(
        OUTBOX.c.status == MessageStatus.SENDING, OUTBOX.c.claimed_at >= now - lease
    )
    chosen = (
        select(OUTBOX.c.id)
        .where(_claimable(now, lease), OUTBOX.c.chat_id.not_in(busy_chats))
        .order_by(OUTBOX.c.available_at, OUTBOX.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("chosen")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    statement = (
        update(OUTBOX)
        .where(OUTBOX.c.id.in_(select(chosen.c.id)), _claimable(now, lease))
        .values(status=MessageStatus.SENDING, claimed_by=sender_id, claimed_at=now)
        .returning(
            OUTBOX.c.id,
            OUTBOX.c.chat_id,
            OUTBOX.c.learner_id,
            OUTBOX.c.group_id,
            OUTBOX.c.kind,
            OUTBOX.c.payload,
            OUTBOX.c.attempts,
            OUTBOX.c.available_at,
        )
    )
    rows = database.transaction(lambda session: session.execute(statement).all())
    claimed = [Claimed(*row) for row in rows]
    return sorted(claimed, key=lambda message: (message.available_at, message.id))


# -- outcomes ---------------------------------------------------------------------------------


def _owned(sender_id: str) -> ColumnElement[bool]:
    return and_(OUTBOX.c.status == MessageStatus.SENDING, OUTBOX.c.claimed_by == sender_id)


def mark_sent_many(database: Database, ids: Sequence[int], sender_id: str, now: dt.datetime) -> set[int]:
    """Record several deliveries in one transaction; returns the ids this sender still owned.

    The sender commits the deliveries that finished while the previous commit was running
    together, so a busy sender pays one commit for many messages.  ``last_error`` stays: it
    tells why a message that got through needed more than one attempt.
    """
    statement = (
        update(OUTBOX)
        .where(OUTBOX.c.id.in_(ids), _owned(sender_id))
        .values(status=MessageStatus.SENT, sent_at=now, attempts=OUTBOX.c.attempts + 1)
        .returning(OUTBOX.c.id)
    )
    return set(database.transaction(lambda session: session.execute(statement).scalars().all()))


def mark_sent(database: Database, message_id: int, sender_id: str, now: dt.datetime) -> bool:
    """Record one delivery; False when the claim was lost (the row was reclaimed)."""
    return message_id in mark_sent_many(database, [message_id], sender_id, now)


def _hold_chat(session: Session, *, chat_id: int, after: Claimed, until: dt.datetime, sender_id: str) -> None:
    """Make the chat's messages queued behind ``after`` (and ``after`` itself) wait until ``until``.

    Covers the rows this sender holds behind it (released: they were never sent; the rows in
    front of it are still on their way) and pending rows that would otherwise become due first
    and overtake the one that has to wait.
    """
    behind = or_(
        OUTBOX.c.available_at > after.available_at,
        and_(OUTBOX.c.available_at == after.available_at, OUTBOX.c.id >= after.id),
    )
    session.execute(
        update(OUTBOX)
        .where(
            OUTBOX.c.chat_id == chat_id,
            behind,
            or_(
                _owned(sender_id),
                and_(OUTBOX.c.status == MessageStatus.PENDING, OUTBOX.c.available_at < until),
            ),
        )
        .values(status=MessageStatus.PENDING, claimed_by=None, claimed_at=None, available_at=until)
    )


def mark_retry(
    database: Database,
    message: Claimed,
    sender_id: str,
    now: dt.datetime,
    delay: dt.timedelta,
    error: str,
) -> bool:
    """Put a failed attempt back for ``now + delay``, with the chat's later messages behind it.

    Takes the :class:`Claimed` row rather than its id: holding the chat needs its place in the
    queue, which the sender already has.  False (and no change) when the claim was lost.
    """
    until = now + delay

    def work(session: Session) -> bool:
        retried = session.exec(
            update(OUTBOX)
            .where(OUTBOX.c.id == message.id, _owned(sender_id))
            .values(
                status=MessageStatus.PENDING,
                attempts=OUTBOX.c.attempts + 1,
                available_at=until,
                claimed_by=None,
                claimed_at=None,
                last_error=error,
            )
        )
        if retried.rowcount != 1:
            return False
        _hold_chat(session, chat_id=message.chat_id, after=message, until=until, sender_id=sender_id)
        return True

    return database.transaction(work)


def defer(database: Database, first: Claimed, sender_id: str, until: dt.datetime) -> None:
    """Give back ``first`` and the rest of its chat's queue, due at ``until``; no attempt counted.

    For a chat paced so far ahead that holding its rows would outlast the sender's lease.
    """
    database.transaction(
        lambda session: _hold_chat(
            session, chat_id=first.chat_id, after=first, until=until, sender_id=sender_id
        )
    )


def release(database: Database, ids: Sequence[int], sender_id: str) -> None:
    """Give back claimed rows that were never attempted (a sender stopping), due as before."""
    database.transaction(
        lambda session: session.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id.in_(ids), _owned(sender_id))
            .values(status=MessageStatus.PENDING, claimed_by=None, claimed_at=None)
        )
    )


def mark_failed(
    database: Database, message: Claimed, sender_id: str, now: dt.datetime, error: str, *, blocked: bool
) -> bool:
    """Give up on a message; ``blocked`` when the chat refuses the bot (blocked, kicked, gone).

    A blocked chat would refuse every later message too, so its queue fails with it, the learner
    is marked BLOCKED (nothing is sent until they write to the bot again) and a group is marked
    inactive.  False (and no change) when the claim was lost.
    """

    def work(session: Session) -> bool:
        failed = session.exec(
            update(OUTBOX)
            .where(OUTBOX.c.id == message.id, _owned(sender_id))
            .values(status=MessageStatus.FAILED, attempts=OUTBOX.c.attempts + 1, last_error=error)
        )
        if failed.rowcount != 1:
            return False
        if not blocked:
            return True
        session.execute(
            update(OUTBOX)
            .where(
                OUTBOX.c.chat_id == message.chat_id,
                or_(OUTBOX.c.status == MessageStatus.PENDING, _owned(sender_id)),
            )
            .values(status=MessageStatus.FAILED, last_error=BLOCKED_ERROR)
        )
        if message.learner_id is not None:
            session.execute(
                update(LEARNERS)
                .where(LEARNERS.c.id == message.learner_id)
                .values(status=LearnerStatus.BLOCKED, updated_at=now)
            )
        if message.group_id is not None:
            session.execute(update(GROUPS).where(GROUPS.c.id == message.group_id).values(active=False))
        return True

    return database.transaction(work)


# -- looking ----------------------------------------------------------------------------------


def status_counts(database: Database) -> dict[MessageStatus, int]:
    """How many rows are in each status (every status present, zero when none)."""
    statement = select(OUTBOX.c.status, func.count()).group_by(OUTBOX.c.status)
    rows = database.transaction(lambda session: session.execute(statement).all())
    return dict.fromkeys(MessageStatus, 0) | {MessageStatus(status): count for status, count in rows}

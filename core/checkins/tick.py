"""Who is due a proactive message, and the tick that sends it through the outbox.

The database is the source of truth: each learner has one :class:`ReminderSchedule` row with the
next instant something is due.  A tick claims due rows and, in the same transaction, writes the
outbox message, the check-in record, the learner's conversation state (so the buttons work) and
the next due time; a crash before commit leaves everything as it was, a crash after it leaves the
message safely queued.

Every learner has a schedule, the terminal's too; the tick delivers only to Telegram learners.
The terminal takes what is due for its own learner when they are at the keyboard
(:func:`take_due`): the same claim, the same bookkeeping, so a check-in is shown once either way.

Claiming: ``UPDATE ... SET claim_token = <new> WHERE learner_id IN (SELECT ... LIMIT n)``.  On
PostgreSQL the inner select is ``FOR UPDATE SKIP LOCKED``, so two bot processes take disjoint rows
and never wait for each other.  SQLite has one writer at a time: the update is the first statement
of the transaction, so a second process waits for the first to commit (busy timeout) and then
finds the rows no longer due.

The rules (when, and what, is due) are :mod:`core.checkins.policy`; this module keeps the
schedules in the database.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from core.checkins.policy import (
    describe_due,
    next_slot,
    plan_months_started,
    sending_kind,
    slot_kind_at,
    unanswered_after_send,
)
from core.checkins.times import (
    in_quiet_hours,
    out_of_quiet_hours,
)
from core.plans.store import active_plan
from core.storage.models import (
    Learner,
    LearnerProfile,
    LearnerStatus,
    Plan,
    ReminderSchedule,
)

BUSY_POSTPONE = dt.timedelta(hours=1)  # the learner is mid-conversation: do not cut in
TICK_BATCH = 50  # short transactions: on SQLite, replies and the sender get the write lock in between


@dataclass(frozen=True)
class DueItem:
    """One learner due at an instant, and why (``skillstack reminders due``)."""

    learner_id: int
    telegram_id: int | None
    kind: str  # "checkin" | "review" | "nudge"
    due_at: dt.datetime
    local_time: str
    reason: str


def refresh(
    session: Session, learner: Learner, profile: LearnerProfile, now: dt.datetime
) -> ReminderSchedule | None:
    """Create or recompute the learner's schedule (after onboarding, a new plan, or a changed time)."""
    if learner.id is None:
        return None
    return refresh_for_plan(session, learner, profile, active_plan(session, learner.id), now)


def refresh_for_plan(
    session: Session, learner: Learner, profile: LearnerProfile, plan: Plan | None, now: dt.datetime
) -> ReminderSchedule | None:
    """:func:`refresh` when the caller has the learner's active ``plan`` at hand (it just saved it).

    A new schedule joins the session with its times set, so it is one INSERT (adding it first
    let the next query flush it, and the times followed as an UPDATE).
    """
    if learner.id is None:
        return None
    schedule = session.get(ReminderSchedule, learner.id)
    is_new = schedule is None
    if schedule is None:
        schedule = ReminderSchedule(learner_id=learner.id)
    if plan is not None and profile.checkin_time is not None:
        schedule.reviewed_month = plan_months_started(
            plan, ZoneInfo(learner.timezone), profile.checkin_time, now
        )
    schedule.next_due_at = None if schedule.paused else next_slot(schedule, learner, profile, plan, now)
    schedule.updated_at = now
    if is_new:
        session.add(schedule)
    return schedule


def due_at(session: Session, at: dt.datetime) -> list[DueItem]:
    """Learners due at ``at`` and why: the operator's dry run (nothing is claimed or sent).

    A learner whose due time has come but who is in quiet hours at ``at`` is not due yet.
    """
    query = (
        _with_learner_and_profile()
        .where(
            col(ReminderSchedule.paused).is_(False),
            col(ReminderSchedule.next_due_at) <= at,
            col(Learner.status) == LearnerStatus.ACTIVE,
        )
        .order_by(col(ReminderSchedule.next_due_at), col(ReminderSchedule.learner_id))
    )
    items = []
    for schedule, learner, profile in session.exec(query):
        due = _what_is_due(session, schedule, learner, profile, at)
        if due is None:
            continue
        kind, slot_kind, zone = due.kind, due.slot_kind, due.zone
        assert schedule.next_due_at is not None  # noqa: S101  (filtered above)
        items.append(
            DueItem(
                learner_id=schedule.learner_id,
                telegram_id=learner.telegram_id,
                kind="nudge" if kind == "pause" else kind,
                due_at=schedule.next_due_at,
                local_time=at.astimezone(zone).isoformat(timespec="minutes"),
                reason=describe_due(schedule, learner, profile, kind, slot_kind, at),
            )
        )
    return items


def _with_learner_and_profile() -> Select[ReminderSchedule, Learner, LearnerProfile]:
    """Schedules with their learner and profile: one query, for the dry run and the tick alike."""
    return (
        select(ReminderSchedule, Learner, LearnerProfile)
        .join(Learner, col(Learner.id) == ReminderSchedule.learner_id)
        .join(LearnerProfile, col(LearnerProfile.learner_id) == ReminderSchedule.learner_id)
    )


@dataclass(frozen=True)
class _Due:
    zone: ZoneInfo
    plan: Plan | None
    slot_kind: str  # what the slot is: "checkin" or "review"
    kind: str  # what is sent: the slot's kind, "nudge" or "pause"


def _what_is_due(
    session: Session, schedule: ReminderSchedule, learner: Learner, profile: LearnerProfile, at: dt.datetime
) -> _Due | None:
    """What a due learner is sent at ``at``; None inside their quiet hours (the dry run and the tick
    read it the same way, so ``reminders due`` predicts the tick)."""
    zone = ZoneInfo(learner.timezone)
    if in_quiet_hours(at, zone, schedule.quiet_start, schedule.quiet_end):
        return None
    return _due(session, schedule, zone, profile)


def _due(session: Session, schedule: ReminderSchedule, zone: ZoneInfo, profile: LearnerProfile) -> _Due:
    """What a due schedule's message is, whatever the hour."""
    plan = active_plan(session, schedule.learner_id)
    slot_kind = slot_kind_at(schedule, plan, zone, profile)
    return _Due(zone, plan, slot_kind, sending_kind(schedule, slot_kind))


# -- the tick ---------------------------------------------------------------------------------

Compose = Callable[[Session, Learner, LearnerProfile, str, dt.datetime], bool]


def claim_due(
    session: Session, now: dt.datetime, limit: int = TICK_BATCH, *, learner_id: int | None = None
) -> list[tuple[ReminderSchedule, Learner, LearnerProfile]]:
    """Mark up to ``limit`` due schedules as this transaction's (see the module docstring), and
    read them back with their learners and profiles in one query.

    Telegram learners' by default (the tick's); with ``learner_id``, that one learner's alone
    (the terminal's, when its learner is at the keyboard)."""
    token = uuid.uuid4().hex
    whose = (
        col(ReminderSchedule.learner_id) == learner_id
        if learner_id is not None
        else col(Learner.telegram_id).is_not(None)
    )
    due = (
        select(ReminderSchedule.learner_id)
        .join(Learner, col(Learner.id) == ReminderSchedule.learner_id)
        .where(col(ReminderSchedule.paused).is_(False), col(ReminderSchedule.next_due_at) <= now, whose)
        .order_by(col(ReminderSchedule.next_due_at))
        .limit(limit)
        .with_for_update(skip_locked=True, of=ReminderSchedule)
    )
    session.exec(
        update(ReminderSchedule)
        .where(col(ReminderSchedule.learner_id).in_(due.scalar_subquery()))
        .values(claim_token=token)
    )
    query = _with_learner_and_profile().where(col(ReminderSchedule.claim_token) == token)
    return list(session.exec(query))


@dataclass
class TickResult:
    claimed: int = 0
    sent: int = 0
    postponed: int = 0
    paused: int = 0


def tick(session: Session, now: dt.datetime, compose: Compose, limit: int = TICK_BATCH) -> TickResult:
    """Handle up to ``limit`` due learners in the caller's transaction.

    ``compose`` writes the message for one learner (outbox row, check-in record, conversation
    state) and returns False when the learner is busy in another conversation.
    """
    result = TickResult()
    claimed = claim_due(session, now, limit)
    result.claimed = len(claimed)
    for schedule, learner, profile in claimed:
        schedule.claim_token = None
        schedule.updated_at = now
        if learner.status is not LearnerStatus.ACTIVE:
            schedule.next_due_at = None  # blocked: a later /start sets a new schedule
            continue
        due = _what_is_due(session, schedule, learner, profile, now)
        if due is None:
            zone = ZoneInfo(learner.timezone)
            schedule.next_due_at = out_of_quiet_hours(now, zone, schedule.quiet_start, schedule.quiet_end)
            result.postponed += 1
            continue
        if not compose(session, learner, profile, due.kind, now):
            schedule.next_due_at = now + BUSY_POSTPONE
            result.postponed += 1
            continue
        _sent(schedule, learner, profile, due, now)
        if due.kind == "pause":
            result.paused += 1
        result.sent += 1
    return result


def _sent(
    schedule: ReminderSchedule, learner: Learner, profile: LearnerProfile, due: _Due, now: dt.datetime
) -> None:
    """The message for ``due`` went out at ``now``: count it, and set what comes next."""
    schedule.unanswered = unanswered_after_send(schedule)
    schedule.last_sent_at = now
    schedule.snoozed_until = None
    if due.slot_kind == "review":
        schedule.reviewed_month += 1
    if due.kind == "pause":
        schedule.paused, schedule.next_due_at = True, None
    else:
        schedule.gentle = due.kind == "nudge"
        schedule.next_due_at = next_slot(schedule, learner, profile, due.plan, now)


def take_due(session: Session, learner: Learner, now: dt.datetime, compose: Compose) -> bool:
    """What is due for a learner at the keyboard (the terminal), composed by ``compose`` now.

    Quiet hours do not hold it back: the learner is there, reading.  If ``compose`` finds them
    busy the schedule stays due, to be taken at the next prompt.  True when something was composed.
    """
    if learner.id is None or learner.status is not LearnerStatus.ACTIVE:
        return False
    claimed = claim_due(session, now, 1, learner_id=learner.id)
    if not claimed:
        return False
    [(schedule, _, profile)] = claimed
    schedule.claim_token = None
    schedule.updated_at = now
    due = _due(session, schedule, ZoneInfo(learner.timezone), profile)
    if not compose(session, learner, profile, due.kind, now):
        return False
    _sent(schedule, learner, profile, due, now)
    return True


def answered(session: Session, learner_id: int, now: dt.datetime) -> None:
    """The learner answered a check-in: back to the normal rhythm."""
    schedule = session.get(ReminderSchedule, learner_id)
    if schedule is None:
        return
    schedule.last_answered_at = now
    if schedule.unanswered or schedule.gentle:
        schedule.unanswered, schedule.gentle = 0, False
        learner = session.get(Learner, learner_id)
        profile = session.get(LearnerProfile, learner_id)
        if learner is not None and profile is not None and not schedule.paused:
            schedule.next_due_at = next_slot(
                schedule, learner, profile, active_plan(session, learner_id), now
            )


def set_paused(
    session: Session, learner: Learner, profile: LearnerProfile, paused: bool, now: dt.datetime
) -> bool:
    """Pause or resume reminders (a learner onboarded before they had a schedule gets one now);
    False when they already were, so a second /pause or /resume can say so.  Resuming reminders
    that were on still starts their rhythm afresh (a learner gone quiet asked for them)."""
    schedule = session.get(ReminderSchedule, learner.id) or refresh(session, learner, profile, now)
    if schedule is None:
        return True
    changed = schedule.paused != paused
    if paused and not changed:
        return False
    schedule.paused = paused
    if not paused:
        schedule.unanswered, schedule.gentle = 0, False
    refresh(session, learner, profile, now)
    return changed


def snooze(session: Session, learner: Learner, until: dt.datetime, now: dt.datetime) -> None:
    """Bring the reminder back at ``until`` (from the reminder's own buttons)."""
    schedule = session.get(ReminderSchedule, learner.id)
    if schedule is None:
        return
    schedule.snoozed_until = until
    schedule.next_due_at = out_of_quiet_hours(
        until, ZoneInfo(learner.timezone), schedule.quiet_start, schedule.quiet_end
    )
    schedule.last_answered_at = now  # snoozing is an answer: the learner is there
    schedule.updated_at = now

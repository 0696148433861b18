"""Check-ins as use cases: the reminder tick, which plan items a check-in asks about, whether the
learner is behind, their streak, and closing a check-in with its answers.

Who is due and how a due learner's message is queued is :mod:`core.checkins.tick`; the
conversation about a check-in (and so what the message says) is :mod:`core.dialogue.flows.checkin`.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from core.checkins import tick
from core.dates import months_between
from core.plans.store import active_plan, plan_items
from core.storage.db import Database
from core.storage.models import CheckIn, CheckInStatus, Plan, PlanItem, PlanItemStatus

MAX_ITEMS = 5
OPEN = (PlanItemStatus.PLANNED, PlanItemStatus.IN_PROGRESS)


def remind(database: Database, now: dt.datetime, compose: tick.Compose) -> tick.TickResult:
    """One scheduler tick: every learner due at ``now`` gets their message queued by ``compose``.

    Batches of :data:`~core.checkins.tick.TICK_BATCH`, each its own short transaction, so on SQLite
    replies and the outbox sender get the write lock in between."""
    total = tick.TickResult()
    while True:
        batch = database.transaction(lambda session: tick.tick(session, now, compose))
        total.sent += batch.sent
        total.postponed += batch.postponed
        total.paused += batch.paused
        if batch.claimed < tick.TICK_BATCH:
            return total


def plan_month_now(plan: Plan, today: dt.date) -> int:
    """Which plan month ``today`` is in (1-based; 0 before the plan starts)."""
    return months_between(plan.starts_on, today) + 1


def open_items(session: Session, plan: Plan, month: int) -> list[PlanItem]:
    """Items due by ``month`` and not finished: this month's, and earlier ones still open."""
    rows = [row for row in plan_items(session, plan) if row.month <= month and row.status in OPEN]
    seen: set[str] = set()
    unique = []
    for row in rows:  # a course split over months is asked about once
        if row.course_id not in seen:
            seen.add(row.course_id)
            unique.append(row)
    return unique[:MAX_ITEMS]


def is_behind(session: Session, learner_id: int, today: dt.date) -> bool:
    """Courses from past months still open: the plan no longer matches the calendar."""
    plan = active_plan(session, learner_id)
    if plan is None:
        return False
    month = plan_month_now(plan, today)
    return any(row.month < month and row.status in OPEN for row in plan_items(session, plan))


def streak(session: Session, learner_id: int) -> int:
    """Consecutive answered check-ins, most recent first."""
    query = select(CheckIn.status).where(CheckIn.learner_id == learner_id)
    count = 0
    for status in session.exec(query.order_by(col(CheckIn.due_at).desc())):
        if status is not CheckInStatus.ANSWERED:
            break
        count += 1
    return count


def close(
    session: Session, learner_id: int, check_in_id: int | None, answers: dict[str, str], now: dt.datetime
) -> None:
    """The check-in answered: its answers kept, the streak counted, the normal rhythm restored."""
    check_in = session.get(CheckIn, check_in_id) if check_in_id is not None else None
    if check_in is not None:
        check_in.status, check_in.answered_at = CheckInStatus.ANSWERED, now
        check_in.response = dict(answers)
    tick.answered(session, learner_id, now)

"""When a learner is due a proactive message, and what it is: pure rules over one schedule.

Rules for one learner (all in local time):
- a weekly check-in on their day and time; a review on the first day of each plan month (the
  review replaces a check-in that falls on the same day);
- at most one proactive message per local day, never in quiet hours (default 22:00-07:00);
- reminders missed while the bot was down become one message at the next tick, not one per slot;
- a check-in every week, or every 2 or 4 weeks if the learner asks (/settings);
- :data:`GENTLE_AFTER` unanswered messages in a row switch to a gentler message, half as often;
  after :data:`PAUSE_AFTER`, one last message says reminders are paused (and how to resume).

The tick (:mod:`core.checkins.tick`) applies them to the schedules in the database.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from core.checkins.times import at_local, next_weekly, out_of_quiet_hours, plan_month_start
from core.storage.models import Learner, LearnerProfile, Plan, ReminderSchedule

GENTLE_AFTER = 2
PAUSE_AFTER = 4


def unanswered_after_send(schedule: ReminderSchedule) -> int:
    """How many messages in a row will have gone unanswered once the next one is sent."""
    last_ignored = schedule.last_sent_at is not None and (
        schedule.last_answered_at is None or schedule.last_answered_at < schedule.last_sent_at
    )
    return schedule.unanswered + 1 if last_ignored else 0


def next_slot(
    schedule: ReminderSchedule,
    learner: Learner,
    profile: LearnerProfile,
    plan: Plan | None,
    after: dt.datetime,
) -> dt.datetime | None:
    """The next instant after ``after`` something (a check-in or a review) is due for this learner.

    What is due is read when it comes (``slot_kind_at``): a plan change in between can alter it."""
    if profile.checkin_weekday is None or profile.checkin_time is None:
        return None
    zone = ZoneInfo(learner.timezone)
    every = schedule.every_weeks * (2 if schedule.gentle else 1)
    when = next_weekly(after, zone, profile.checkin_weekday, profile.checkin_time, every)
    review = next_review(schedule, plan, zone, profile.checkin_time)
    if review is not None:
        review = max(review, after + dt.timedelta(seconds=1))
        if review.astimezone(zone).date() <= when.astimezone(zone).date():
            when = review
    if schedule.snoozed_until is not None and schedule.snoozed_until > after:
        when = schedule.snoozed_until
    when = out_of_quiet_hours(when, zone, schedule.quiet_start, schedule.quiet_end)
    if schedule.last_sent_at is not None:
        last_day = schedule.last_sent_at.astimezone(zone).date()
        if when.astimezone(zone).date() <= last_day:  # one proactive message per local day
            when = out_of_quiet_hours(
                at_local(last_day + dt.timedelta(days=1), profile.checkin_time, zone),
                zone,
                schedule.quiet_start,
                schedule.quiet_end,
            )
    return when


def next_review(
    schedule: ReminderSchedule, plan: Plan | None, zone: ZoneInfo, time: dt.time
) -> dt.datetime | None:
    """When the review of the first plan month not yet reviewed is due (None: all reviewed)."""
    if plan is None or schedule.reviewed_month >= plan.horizon_months:
        return None
    return plan_month_start(plan.starts_on, schedule.reviewed_month + 1, zone, time)


def plan_months_started(plan: Plan, zone: ZoneInfo, time: dt.time, now: dt.datetime) -> int:
    """Plan months whose first day has already come (their review would be late: skip it)."""
    started = 0
    while started < plan.horizon_months and plan_month_start(plan.starts_on, started + 1, zone, time) <= now:
        started += 1
    return started


def sending_kind(schedule: ReminderSchedule, slot_kind: str) -> str:
    """What is actually sent: the slot's own kind, a gentle nudge, or the last message before a pause."""
    unanswered = unanswered_after_send(schedule)
    if unanswered >= PAUSE_AFTER:
        return "pause"
    if unanswered >= GENTLE_AFTER:
        return "nudge"
    return slot_kind


def describe_due(
    schedule: ReminderSchedule,
    learner: Learner,
    profile: LearnerProfile,
    kind: str,
    slot_kind: str,
    at: dt.datetime,
) -> str:
    """Why a learner is due, in words an operator reads (``skillstack reminders due``)."""
    zone = ZoneInfo(learner.timezone)
    due = schedule.next_due_at
    assert due is not None  # noqa: S101  (only due rows are described)
    parts = []
    if slot_kind == "review":
        parts.append(f"plan month {schedule.reviewed_month + 1} starts")
    else:
        weekday = dt.date(2024, 1, 1 + (profile.checkin_weekday or 0)).strftime("%A")
        time = profile.checkin_time.strftime("%H:%M") if profile.checkin_time else "?"
        parts.append(f"weekly check-in {weekday} {time} {learner.timezone}")
    if schedule.snoozed_until is not None and schedule.snoozed_until <= at:
        parts.append("snoozed until " + schedule.snoozed_until.astimezone(zone).strftime("%a %H:%M"))
    if at - due > dt.timedelta(hours=1):
        parts.append(f"missed since {due.astimezone(zone).strftime('%Y-%m-%d %H:%M')} local, sent once")
    unanswered = unanswered_after_send(schedule)
    if kind == "nudge":
        parts.append(f"{unanswered} unanswered in a row: gentler, every other week")
    if kind == "pause":
        parts.append(f"{unanswered} unanswered in a row: last message, then paused")
    if learner.telegram_id is None:
        parts.append("shown when the terminal chat is next open")
    return "; ".join(parts)


def slot_kind_at(
    schedule: ReminderSchedule, plan: Plan | None, zone: ZoneInfo, profile: LearnerProfile
) -> str:
    """Whether the due slot is a plan month's review (its first day has come) or a check-in."""
    assert schedule.next_due_at is not None  # noqa: S101  (only due slots are asked about)
    review = next_review(schedule, plan, zone, profile.checkin_time) if profile.checkin_time else None
    due_day = schedule.next_due_at.astimezone(zone).date()
    return "review" if review is not None and review.astimezone(zone).date() <= due_day else "checkin"

"""Local wall-clock rules turned into UTC instants: weekly check-ins, quiet hours, snoozes.

Everything is computed in the learner's IANA time zone and stored in UTC, so a 09:00 check-in
stays at 09:00 local across daylight-saving changes.  Two edge cases of local time:
- a time that does not exist (clocks jump from 02:00 to 03:00) is read with the offset before
  the jump (``fold=0``), which lands the same amount of time after the jump: 02:30 -> 03:30;
- a time that happens twice (clocks go back) is the first of the two.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from core.dates import add_months


def at_local(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of ``time`` on ``day`` in ``zone`` (rules for gaps and repeats above)."""
    return dt.datetime.combine(day, time).replace(tzinfo=zone, fold=0).astimezone(dt.UTC)


def next_weekly(
    after: dt.datetime, zone: ZoneInfo, weekday: int, time: dt.time, every_weeks: int = 1
) -> dt.datetime:
    """The first ``weekday`` at ``time`` (local) strictly after ``after``, ``every_weeks`` apart.

    With ``every_weeks`` > 1 the first candidate is pushed by the extra weeks: the gentler
    rhythm after unanswered check-ins.
    """
    local_day = after.astimezone(zone).date()
    day = local_day + dt.timedelta(days=(weekday - local_day.weekday()) % 7)
    when = at_local(day, time, zone)
    if when <= after:
        day += dt.timedelta(days=7)
        when = at_local(day, time, zone)
    if every_weeks > 1:
        when = at_local(day + dt.timedelta(weeks=every_weeks - 1), time, zone)
    return when


def time_in_quiet_hours(time: dt.time, start: dt.time, end: dt.time) -> bool:
    """Whether the wall-clock ``time`` is inside the quiet window (which may wrap past midnight;
    an empty window, start == end, holds no time)."""
    if start == end:
        return False
    if start < end:
        return start <= time < end
    return time >= start or time < end


def in_quiet_hours(when: dt.datetime, zone: ZoneInfo, start: dt.time, end: dt.time) -> bool:
    """Whether ``when`` falls inside the local quiet window."""
    return time_in_quiet_hours(when.astimezone(zone).time(), start, end)


def out_of_quiet_hours(when: dt.datetime, zone: ZoneInfo, start: dt.time, end: dt.time) -> dt.datetime:
    """``when``, or the end of the quiet window it falls in."""
    if not in_quiet_hours(when, zone, start, end):
        return when
    local = when.astimezone(zone)
    day = local.date()
    if start > end and local.time() >= start:  # late evening: quiet ends tomorrow morning
        day += dt.timedelta(days=1)
    return at_local(day, end, zone)


def snooze_until(now: dt.datetime, zone: ZoneInfo, choice: str, time: dt.time) -> dt.datetime:
    """When a snoozed reminder comes back: in an hour, tomorrow or next week at the check-in time."""
    if choice == "hour":
        return now + dt.timedelta(hours=1)
    today = now.astimezone(zone).date()
    days = 1 if choice == "tomorrow" else 7
    return at_local(today + dt.timedelta(days=days), time, zone)


def plan_month_start(plan_start: dt.date, month: int, zone: ZoneInfo, time: dt.time) -> dt.datetime:
    """The first day of plan month ``month`` (1-based) at the check-in time, local."""
    return at_local(add_months(plan_start, month - 1), time, zone)

"""Local-time rules: weekly check-ins across daylight-saving changes, quiet hours, snoozes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core.checkins.times import (
    at_local,
    in_quiet_hours,
    next_weekly,
    out_of_quiet_hours,
    plan_month_start,
    snooze_until,
    time_in_quiet_hours,
)

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
JAKARTA = ZoneInfo("Asia/Jakarta")
MONDAY = 0
NINE = dt.time(9, 0)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("zone", "start", "dst_week"),
    [
        (NEW_YORK, utc(2026, 2, 23), 2),  # US clocks go forward on Sunday 8 March 2026
        (BERLIN, utc(2026, 3, 16), 2),  # EU clocks go forward on Sunday 29 March 2026
        (NEW_YORK, utc(2026, 10, 19), 2),  # US clocks go back on Sunday 1 November 2026
        (BERLIN, utc(2026, 10, 12), 2),  # EU clocks go back on Sunday 25 October 2026
    ],
)
def test_a_nine_oclock_check_in_stays_at_nine_local_across_dst(
    zone: ZoneInfo, start: dt.datetime, dst_week: int
) -> None:
    when, offsets = start, []
    for _ in range(5):
        when = next_weekly(when, zone, MONDAY, NINE)
        local = when.astimezone(zone)
        assert (local.weekday(), local.time()) == (MONDAY, NINE)
        offsets.append(local.utcoffset())
    assert len(set(offsets)) == 2  # the UTC instant moved by an hour...
    assert offsets[dst_week - 1] != offsets[dst_week]  # ...exactly at the change


def test_a_zone_without_dst_keeps_its_utc_time() -> None:
    when = next_weekly(utc(2026, 3, 1), JAKARTA, MONDAY, NINE)
    assert when == utc(2026, 3, 2, 2, 0)  # 09:00 WIB = 02:00 UTC


def test_next_weekly_is_strictly_after() -> None:
    monday_nine = at_local(dt.date(2026, 12, 7), NINE, JAKARTA)
    assert next_weekly(monday_nine, JAKARTA, MONDAY, NINE) == monday_nine + dt.timedelta(days=7)
    assert next_weekly(monday_nine - dt.timedelta(seconds=1), JAKARTA, MONDAY, NINE) == monday_nine


def test_every_other_week_skips_a_week() -> None:
    after = utc(2026, 12, 1)
    assert next_weekly(after, JAKARTA, MONDAY, NINE, 2) - next_weekly(
        after, JAKARTA, MONDAY, NINE
    ) == dt.timedelta(days=7)


def test_a_time_skipped_by_dst_moves_forward_by_the_gap() -> None:
    when = at_local(dt.date(2026, 3, 8), dt.time(2, 30), NEW_YORK)  # 02:00-03:00 does not exist that night
    assert when.astimezone(NEW_YORK).time() == dt.time(3, 30)


def test_a_repeated_time_is_the_first_of_the_two() -> None:
    when = at_local(dt.date(2026, 11, 1), dt.time(1, 30), NEW_YORK)  # 01:00-02:00 happens twice
    assert when == utc(2026, 11, 1, 5, 30)  # still on daylight time (UTC-4)


@pytest.mark.parametrize(
    ("local_time", "quiet"),
    [(dt.time(21, 59), False), (dt.time(22, 0), True), (dt.time(3, 0), True), (dt.time(7, 0), False)],
)
def test_quiet_hours_wrap_past_midnight(local_time: dt.time, quiet: bool) -> None:
    when = at_local(dt.date(2026, 12, 7), local_time, JAKARTA)
    assert in_quiet_hours(when, JAKARTA, dt.time(22), dt.time(7)) is quiet


@pytest.mark.parametrize(
    ("time", "start", "end", "quiet"),
    [
        (dt.time(5), dt.time(22), dt.time(7), True),
        (dt.time(17), dt.time(22), dt.time(7), False),
        (dt.time(9), dt.time(8), dt.time(12), True),
        (dt.time(12), dt.time(8), dt.time(12), False),
        (dt.time(3), dt.time(0), dt.time(0), False),  # an empty window: quiet hours off
    ],
)
def test_a_wall_clock_time_in_quiet_hours(time: dt.time, start: dt.time, end: dt.time, quiet: bool) -> None:
    assert time_in_quiet_hours(time, start, end) is quiet


def test_out_of_quiet_hours_moves_to_the_morning() -> None:
    late = at_local(dt.date(2026, 12, 7), dt.time(23, 15), JAKARTA)
    early = at_local(dt.date(2026, 12, 8), dt.time(5, 0), JAKARTA)
    morning = at_local(dt.date(2026, 12, 8), dt.time(7, 0), JAKARTA)
    assert out_of_quiet_hours(late, JAKARTA, dt.time(22), dt.time(7)) == morning
    assert out_of_quiet_hours(early, JAKARTA, dt.time(22), dt.time(7)) == morning
    noon = at_local(dt.date(2026, 12, 8), dt.time(12, 0), JAKARTA)
    assert out_of_quiet_hours(noon, JAKARTA, dt.time(22), dt.time(7)) == noon


def test_snooze_choices() -> None:
    now = at_local(dt.date(2026, 12, 7), dt.time(19, 5), JAKARTA)
    seven_pm = dt.time(19, 0)
    assert snooze_until(now, JAKARTA, "hour", seven_pm) == now + dt.timedelta(hours=1)
    assert snooze_until(now, JAKARTA, "tomorrow", seven_pm) == at_local(
        dt.date(2026, 12, 8), seven_pm, JAKARTA
    )
    assert snooze_until(now, JAKARTA, "week", seven_pm) == at_local(dt.date(2026, 12, 14), seven_pm, JAKARTA)


def test_plan_month_start_crosses_years() -> None:
    assert plan_month_start(dt.date(2026, 11, 1), 3, JAKARTA, NINE) == at_local(
        dt.date(2027, 1, 1), NINE, JAKARTA
    )

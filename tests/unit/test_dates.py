"""Calendar months as plans count them: month 1 is the month a plan starts, across year ends."""

from __future__ import annotations

import datetime as dt

from core.dates import add_months, months_between


def test_add_months_lands_on_the_first_of_the_month_across_a_year_end() -> None:
    assert add_months(dt.date(2026, 11, 17), 0) == dt.date(2026, 11, 1)
    assert add_months(dt.date(2026, 11, 17), 2) == dt.date(2027, 1, 1)
    assert add_months(dt.date(2027, 1, 31), -1) == dt.date(2026, 12, 1)


def test_months_between_undoes_add_months() -> None:
    start = dt.date(2026, 12, 15)
    steps = (-13, -1, 0, 1, 12, 25)
    assert [months_between(start, add_months(start, n)) for n in steps] == list(steps)
    assert months_between(dt.date(2027, 3, 31), dt.date(2027, 3, 1)) == 0

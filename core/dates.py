"""Calendar arithmetic on plain dates: the bottom of ``core``, importing nothing of the project.

Plans count in calendar months (month 1 is the month a plan starts), so the planner, the plan
store, the check-in rules and the CLI all step months the same way here.
"""

from __future__ import annotations

import datetime as dt


def add_months(start: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``start``'s month."""
    total = start.year * 12 + start.month - 1 + months
    return dt.date(total // 12, total % 12 + 1, 1)


def months_between(start: dt.date, later: dt.date) -> int:
    """How many month boundaries lie from ``start``'s month to ``later``'s (the inverse of
    :func:`add_months`: ``months_between(d, add_months(d, n)) == n``; negative when ``later`` is earlier)."""
    return (later.year - start.year) * 12 + later.month - start.month

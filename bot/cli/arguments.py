"""Argument types of ``skillstack``'s options, from the standard library only.

argparse calls these while parsing, before any command runs, so they must not import the catalog,
pydantic or the planner: ``skillstack --help`` and a typo in an option are answered at once.
"""

from __future__ import annotations

import argparse
import datetime as dt
from decimal import Decimal, InvalidOperation

from core.limits import MAX_HOURS_PER_WEEK, MIN_HOURS_PER_WEEK

MAX_MONTHS = 24
# The values of core.catalog.schema.Level, written out so that parsing need not load the catalog
# schema (and pydantic); tests/e2e/test_cli_startup.py keeps the two equal.
LEVELS = ("beginner", "intermediate", "advanced")


def instant(text: str) -> dt.datetime:
    """An ISO-8601 instant with an offset or Z (a naive time would be ambiguous across zones)."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 time: {text!r}") from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"add a UTC offset or Z to {text!r}, like 2026-12-07T12:00:00Z")
    return value.astimezone(dt.UTC)


def positive_hours(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of hours, got {text!r}") from None
    if not MIN_HOURS_PER_WEEK <= value <= MAX_HOURS_PER_WEEK:
        raise argparse.ArgumentTypeError(
            f"expected between {MIN_HOURS_PER_WEEK:g} and {MAX_HOURS_PER_WEEK:g} hours a week"
        )
    return value


def budget_amount(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"expected an amount of money, got {text!r}") from None
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError("expected 0 (free only) or a positive amount")
    return value


def month_count(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_MONTHS:
        raise argparse.ArgumentTypeError(f"expected a whole number of months from 1 to {MAX_MONTHS}")
    return int(text)


def start_month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").replace(tzinfo=dt.UTC).date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a month like 2027-01, got {text!r}") from None

"""Typed answers read as the learner meant them: every item of a list answer is kept."""

from __future__ import annotations

import pytest

from core.catalog.schema import CourseFormat
from core.dialogue import parsing

BOTH = frozenset({"en", "id"})


@pytest.mark.parametrize(
    ("text", "languages"),
    [
        ("english and indonesian", BOTH),
        ("English, Indonesian", BOTH),
        ("bahasa inggris dan indonesia", BOTH),
        ("inggris & indonesia", BOTH),
        ("both", BOTH),
        ("keduanya", BOTH),
        ("english", frozenset({"en"})),
        ("bahasa inggris", frozenset({"en"})),  # "bahasa" is part of the English name here
        ("bahasa indonesia saja", frozenset({"id"})),
        ("indonesia", frozenset({"id"})),
        ("in english please", frozenset({"en"})),
    ],
)
def test_every_course_language_named_is_kept(text: str, languages: frozenset[str]) -> None:
    assert parsing.parse_course_languages(text) == languages


def test_no_language_named_is_no_answer() -> None:
    assert parsing.parse_course_languages("whatever works for me tomorrow") is None


@pytest.mark.parametrize(
    ("text", "formats"),
    [
        ("self-paced and with a class", {CourseFormat.SELF_PACED, CourseFormat.COHORT}),
        ("mandiri atau kelas", {CourseFormat.SELF_PACED, CourseFormat.COHORT}),
        ("bootcamp", {CourseFormat.BOOTCAMP}),
    ],
)
def test_every_format_named_is_kept(text: str, formats: set[CourseFormat]) -> None:
    assert parsing.parse_formats(text) == frozenset(formats)


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("5", 5.0),
        ("about 5 hrs a week", 5.0),
        ("an hour a day", 7.0),
        ("2 hours on weekdays", 10.0),
        ("weekends only, 3 hours each day", 6.0),
        ("1 jam sehari", 7.0),
        ("2 jam tiap hari kerja", 10.0),
        ("4 jam tiap akhir pekan", 8.0),
        ("30 menit sehari", 3.5),
        ("45 minutes every day", 5.25),
        ("lima jam", 5.0),
    ],
)
def test_hours_per_day_and_per_weekday_become_hours_per_week(text: str, hours: float) -> None:
    assert parsing.parse_hours(text) == hours


def test_more_hours_than_a_week_can_hold_are_no_answer() -> None:
    assert parsing.parse_hours("12 hours a day") is None

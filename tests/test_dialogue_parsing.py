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

"""Typed answers -> values: every question accepts words as well as buttons.

"5", "five", "lima", "5 hours" and "5 jam" are all five hours a week; "Rp 200.000", "200rb" and
"200 ribu" are the same budget; "senin" is Monday.  Each parser returns ``None`` when the text
does not fit, so the dialogue can answer with a hint and ask again instead of guessing.
The words live in ``data/locales/vocabulary.yaml``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import yaml

from core.catalog.schema import CourseFormat, Level
from core.i18n import LOCALES_DIR
from core.text import fold

MAX_HOURS_PER_WEEK = 60.0
MAX_BUDGET = Decimal(100_000_000)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@cache
def vocabulary() -> dict[str, Any]:
    """The vocabulary, every scalar read as text (BaseLoader: "yes", "no", "on" stay words)."""
    with (LOCALES_DIR / "vocabulary.yaml").open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=yaml.BaseLoader)  # noqa: S506  (BaseLoader builds only str/list/dict)


@cache
def _folded(meaning: str) -> dict[str, tuple[str, ...]] | tuple[str, ...]:
    """A vocabulary entry with every word folded once, longest first (parsing runs per message)."""
    entry = vocabulary()[meaning]

    def phrases(words: list[Any]) -> tuple[str, ...]:
        return tuple(sorted((fold(str(word)) for word in words), key=len, reverse=True))

    if isinstance(entry, dict):
        return {key: phrases(words) for key, words in entry.items()}
    return phrases(entry)


def _table(meaning: str) -> dict[str, tuple[str, ...]]:
    table = _folded(meaning)
    assert isinstance(table, dict)  # noqa: S101  (the vocabulary file's shape)
    return table


def _words(meaning: str) -> tuple[str, ...]:
    words = _folded(meaning)
    assert isinstance(words, tuple)  # noqa: S101  (the vocabulary file's shape)
    return words


def _contains(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![0-9a-z]){re.escape(phrase)}(?![0-9a-z])", text) is not None


def _meaning(text: str, meaning: str) -> str | None:
    """The key of ``meaning`` whose words appear in ``text`` as a whole phrase (longest wins)."""
    folded = fold(text)
    best: tuple[int, str] | None = None
    for key, phrases in _table(meaning).items():
        for phrase in phrases:
            if phrase and _contains(folded, phrase) and (best is None or len(phrase) > best[0]):
                best = (len(phrase), str(key))
    return best[1] if best else None


def _meanings(text: str, meaning: str) -> set[str]:
    """Every key of ``meaning`` named in ``text``: the longest phrases first, each word used once,
    so "bahasa inggris dan indonesia" is English and Indonesian (not "bahasa" as Indonesian too)."""
    folded = fold(text)
    found: list[tuple[int, int, str]] = []  # (start, end, key)
    for key, phrases in _table(meaning).items():
        for phrase in phrases:
            if not phrase:
                continue
            pattern = rf"(?<![0-9a-z]){re.escape(phrase)}(?![0-9a-z])"
            found.extend((m.start(), m.end(), str(key)) for m in re.finditer(pattern, folded))
    taken: list[tuple[int, int]] = []
    keys: set[str] = set()
    for start, end, key in sorted(found, key=lambda f: (f[0] - f[1], f[0], f[2])):  # longest first
        if all(end <= s or start >= e for s, e in taken):
            taken.append((start, end))
            keys.add(key)
    return keys


def is_word(text: str, meaning: str) -> bool:
    """Whether ``text`` is one of the words for ``meaning`` (yes, none, any, free)."""
    return fold(text) in _words(meaning)


def _decimal(token: str, *, thousands_dot: bool) -> Decimal | None:
    if thousands_dot and re.fullmatch(r"\d{1,3}(\.\d{3})+", token):
        token = token.replace(".", "")
    elif re.fullmatch(r"\d{1,3}(,\d{3})+", token):
        token = token.replace(",", "")
    else:
        token = token.replace(",", ".")
    try:
        return Decimal(token)
    except InvalidOperation:
        return None


def parse_number(text: str, *, thousands_dot: bool = False) -> Decimal | None:
    """The first number in ``text``, in digits or words ("lima", "twenty five")."""
    match = _NUMBER.search(text)
    if match:
        return _decimal(match.group(), thousands_dot=thousands_dot)
    word = _meaning(text, "numbers")
    return Decimal(word) if word is not None else None


def parse_hours(text: str) -> float | None:
    """Hours per week, 0.5-60: "5", "about 5 hrs a week", "an hour a day" (7), "2 hours on weekdays"
    (10), "weekends only, 3 hours each day" (6), "30 menit sehari" (3.5)."""
    number = parse_number(text)
    if number is None:
        return None
    days = _meanings(text, "study_days")
    if days:
        number *= min(Decimal(day) for day in days)  # "weekends only ... each day": the weekend days
    if any(_contains(fold(text), word) for word in _words("minutes")):
        number /= 60
    if not Decimal("0.5") <= number <= Decimal(str(MAX_HOURS_PER_WEEK)):
        return None
    return float(round(number, 2))


def parse_budget(text: str, currency: str) -> Decimal | None:
    """A monthly amount in ``currency``; the words for free mean 0."""
    folded = fold(text)
    if is_word(text, "free"):
        return Decimal(0)
    compact = text.lower().replace(" ", "") if currency == "IDR" else text
    number = parse_number(compact, thousands_dot=currency == "IDR")
    if number is None:
        return None
    if _has_suffix(folded, "million_suffixes"):
        number *= 1_000_000
    elif _has_suffix(folded, "thousand_suffixes"):
        number *= 1000
    if number < 0 or number > MAX_BUDGET:
        return None
    return number.quantize(Decimal("0.01"))


def _has_suffix(folded: str, meaning: str) -> bool:
    """A multiplier word after a number: "200 ribu", "200rb", "1,5 juta"."""
    return any(
        _contains(folded, suffix) or re.search(rf"\d{re.escape(suffix)}\b", folded)
        for suffix in _words(meaning)
    )


def parse_level(text: str) -> Level | None:
    key = _meaning(text, "levels")
    return Level(key) if key else None


def parse_weekday(text: str) -> int | None:
    """0 = Monday ... 6 = Sunday."""
    key = _meaning(text, "weekdays")
    return int(key) if key is not None else None


def parse_formats(text: str) -> frozenset[CourseFormat] | None:
    """Formats named in ``text``; "any" means all of them."""
    if is_word(text, "any"):
        return frozenset(CourseFormat)
    return frozenset(CourseFormat(key) for key in _meanings(text, "formats")) or None


def parse_course_languages(text: str) -> frozenset[str] | None:
    """Every course language named ("english and indonesian", "bahasa inggris dan indonesia")."""
    keys = _meanings(text, "course_languages")
    if not keys:
        return None
    return frozenset({"en", "id"}) if "both" in keys else frozenset(keys)


_CLOCK = re.compile(r"(?<!\d)(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?(?!\d)")
_DEFAULT_HOURS = {"morning": 8, "noon": 12, "afternoon": 16, "evening": 19}


def parse_time(text: str) -> dt.time | None:
    """A time of day: "9", "09:30", "9pm", "21.00", "jam 7 malam", "evening"."""
    folded = fold(text)
    lowered = text.lower()
    part_of_day = _meaning(text, "times")
    match = _CLOCK.search(lowered.replace(".", ":") if "." in lowered and ":" not in lowered else lowered)
    if match is None:
        if part_of_day is None:
            return None
        return dt.time(_DEFAULT_HOURS[part_of_day], 0)
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    meridiem = (match.group(3) or "").replace(".", "")
    if meridiem == "pm" or (not meridiem and part_of_day in {"afternoon", "evening"} and hour < 12):
        hour = hour % 12 + 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    if not folded or hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)

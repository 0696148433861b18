"""Typed answers -> values: every question accepts words as well as buttons.

"5", "five", "lima", "5 hours" and "5 jam" are all five hours a week; "Rp 200.000", "200rb" and
"200 ribu" are the same budget; "senin" is Monday.  Each parser returns ``None`` when the text
does not fit, so the dialogue can answer with a hint and ask again instead of guessing.
Learners type casually: informal spellings ("udah", "gak") are read as the word they stand for,
filler words ("pls", "aja", "dong") around a whole-word answer are ignored, and a typo in a
longer vocabulary word ("begginer", "mondays") is forgiven when it is close enough.
The words live in ``data/locales/vocabulary.yaml``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import yaml
from rapidfuzz import fuzz, process

from core.catalog.schema import CourseFormat, Level
from core.i18n import LOCALES_DIR
from core.text import STOPWORDS_BY_LANGUAGE, fold

MAX_HOURS_PER_WEEK = 60.0
MAX_BUDGET = Decimal(100_000_000)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
TYPO_MIN_LENGTH = 5  # shorter words are too alike to correct ("sen", "sel", "min" are all days)
TYPO_SCORE = 85.0  # plain ratio: one dropped or doubled letter in a word of 7 passes, "expert" != "export"


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


@cache
def _spellings() -> dict[str, str]:
    """Informal spellings -> the word the vocabulary uses ("udah" -> "sudah", "gak" -> "tidak")."""
    table: dict[str, list[str]] = vocabulary()["spellings"]
    return {fold(variant): fold(word) for word, variants in table.items() for variant in variants}


@cache
def _known_words(meaning: str) -> tuple[str, ...]:
    """The single words of ``meaning`` long enough to correct a typo towards."""
    entry = _folded(meaning)
    phrases = [p for group in entry.values() for p in group] if isinstance(entry, dict) else list(entry)
    words = {word for phrase in phrases for word in phrase.split() if len(word) >= TYPO_MIN_LENGTH}
    return tuple(sorted(words))


def _prepared(text: str, meaning: str) -> str:
    """``text`` folded, informal spellings replaced, and each longer word that is not in the
    vocabulary of ``meaning`` but close to one of its words (rapidfuzz) read as that word."""
    known = _known_words(meaning)
    tokens = []
    for token in fold(text).split():
        token = _spellings().get(token, token)
        if len(token) >= TYPO_MIN_LENGTH and known and token not in known:
            found = process.extractOne(token, known, scorer=fuzz.ratio, score_cutoff=TYPO_SCORE)
            token = found[0] if found else token
        tokens.append(token)
    return " ".join(tokens)


@cache
def _whole(phrase: str) -> re.Pattern[str]:
    """``phrase`` as whole words: "sen" is Monday in "sen", not in "sendiri"."""
    return re.compile(rf"(?<![0-9a-z]){re.escape(phrase)}(?![0-9a-z])")


def _contains(text: str, phrase: str) -> bool:
    return _whole(phrase).search(text) is not None


def _meaning(text: str, meaning: str) -> str | None:
    """The key of ``meaning`` whose words appear in ``text`` as a whole phrase (longest wins)."""
    folded = _prepared(text, meaning)
    best: tuple[int, str] | None = None
    for key, phrases in _table(meaning).items():
        for phrase in phrases:
            if phrase and _contains(folded, phrase) and (best is None or len(phrase) > best[0]):
                best = (len(phrase), str(key))
    return best[1] if best else None


def _meanings(text: str, meaning: str) -> set[str]:
    """Every key of ``meaning`` named in ``text``: the longest phrases first, each word used once,
    so "bahasa inggris dan indonesia" is English and Indonesian (not "bahasa" as Indonesian too)."""
    folded = _prepared(text, meaning)
    found: list[tuple[int, int, str]] = []  # (start, end, key)
    for key, phrases in _table(meaning).items():
        for phrase in phrases:
            if not phrase:
                continue
            found.extend((m.start(), m.end(), str(key)) for m in _whole(phrase).finditer(folded))
    taken: list[tuple[int, int]] = []
    keys: set[str] = set()
    for start, end, key in sorted(found, key=lambda f: (f[0] - f[1], f[0], f[2])):  # longest first
        if all(end <= s or start >= e for s, e in taken):
            taken.append((start, end))
            keys.add(key)
    return keys


def is_word(text: str, meaning: str) -> bool:
    """Whether ``text`` is one of the words for ``meaning`` (yes, none, any, free), also with filler
    words around it: "gratis aja", "yes please", "gak ada dong"."""
    words = _words(meaning)
    prepared = _prepared(text, meaning)
    bare = prepared
    for filler in _words("fillers"):  # longest first: "thank you" before "you" could be a word
        bare = _whole(filler).sub(" ", bare)
    return prepared in words or " ".join(bare.split()) in words


def mentions(text: str, meaning: str) -> bool:
    """Whether one of the phrases of ``meaning`` appears anywhere in ``text`` ("free only pls")."""
    prepared = _prepared(text, meaning)
    return any(_contains(prepared, phrase) for phrase in _words(meaning))


def _negated(folded: str, start: int) -> bool:
    """Whether one of the two words before ``start`` denies what follows ("not done", "belum selesai")."""
    before = folded[:start].split()[-2:]
    return any(word in _words("negations") for word in before)


def affirmed(text: str, meaning: str) -> bool:
    """Whether a phrase of ``meaning`` appears in ``text`` and is not denied by a word just before
    it: "udah selesai" and "im stuck, its too hard" say it, "not done yet" does not."""
    prepared = _prepared(text, meaning)
    for phrase in _words(meaning):
        for match in _whole(phrase).finditer(prepared):
            if not _negated(prepared, match.start()):
                return True
    return False


def written_in(text: str) -> str | None:
    """The language ``text`` is plainly written in, by its everyday little words ("aku mau jadi data
    analyst" is Indonesian): at least two of one language's, and more than of any other."""
    tokens = fold(text).split()
    counts = sorted(
        (
            (sum(token in words for token in tokens), language)
            for language, words in STOPWORDS_BY_LANGUAGE.items()
        ),
        reverse=True,
    )
    if not counts or counts[0][0] < 2 or (len(counts) > 1 and counts[1][0] == counts[0][0]):
        return None
    return counts[0][1]


def foreign_language(text: str) -> bool:
    """Whether ``text`` looks written in a language we do not read: mostly letters of another
    script, or common words of Spanish, Portuguese, French or German (Malay reads as Indonesian)."""
    letters = [ch for ch in text if ch.isalpha()]
    other_script = sum(1 for ch in letters if not unicodedata.name(ch, "").startswith("LATIN"))
    if letters and other_script * 2 > len(letters):
        return True
    tokens = fold(text).split()
    foreign = {word for group in _table("foreign_words").values() for word in group}
    hits = sum(1 for token in tokens if token in foreign)
    return hits >= 2 or (hits >= 1 and hits * 2 >= len(tokens))


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


def parse_number(text: str, *, words: bool, thousands_dot: bool = False) -> Decimal | None:
    """The first number in ``text``, in digits or, with ``words``, in words ("lima", "twenty five").

    Words count only where the question asks for an amount: "the teacher one" names an option,
    not option 1, and "a" or "se" are numbers only in "an hour a day" or "sejam"."""
    match = _NUMBER.search(text)
    if match:
        return _decimal(match.group(), thousands_dot=thousands_dot)
    if not words:
        return None
    word = _meaning(text, "numbers")
    return Decimal(word) if word is not None else None


def parse_hours(text: str) -> float | None:
    """Hours per week, 0.5-60: "5", "about 5 hrs a week", "an hour a day" (7), "2 hours on weekdays"
    (10), "weekends only, 3 hours each day" (6), "30 menit sehari" (3.5)."""
    number = parse_number(text, words=True)
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
    """A monthly amount in ``currency``; the words for free mean 0, and so does a sentence that
    says free without naming an amount ("free only pls, i have no money")."""
    folded = fold(text)
    if is_word(text, "free") or (not _NUMBER.search(text) and mentions(text, "free_mentions")):
        return Decimal(0)
    compact = text.lower().replace(" ", "") if currency == "IDR" else text
    number = parse_number(compact, words=True, thousands_dot=currency == "IDR")
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


def part_of_day(text: str) -> str | None:
    """ "morning", "noon", "afternoon" or "evening" when ``text`` names one ("pagi", "tonight")."""
    return _meaning(text, "times")


def is_ambiguous_time(text: str) -> bool:
    """Whether ``text`` gives an hour of 1-12 without am/pm, a leading zero or a part of the day:
    "5" or "7:30" may be morning or afternoon; "5pm", "05:00", "17:00", "jam 5 sore" may not."""
    match = _CLOCK.search(text.lower())
    if match is None or match.group(3) or part_of_day(text) is not None:
        return False
    return not match.group(1).startswith("0") and 1 <= int(match.group(1)) <= 12


def parse_time(text: str) -> dt.time | None:
    """A time of day: "9", "09:30", "9pm", "21.00", "jam 7 malam", "evening"."""
    folded = fold(text)
    lowered = text.lower()
    day_part = part_of_day(text)
    match = _CLOCK.search(lowered.replace(".", ":") if "." in lowered and ":" not in lowered else lowered)
    if match is None:
        if day_part is None:
            return None
        return dt.time(_DEFAULT_HOURS[day_part], 0)
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    meridiem = (match.group(3) or "").replace(".", "")
    if meridiem == "pm" or (not meridiem and day_part in {"afternoon", "evening"} and hour < 12):
        hour = hour % 12 + 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    if not folded or hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)

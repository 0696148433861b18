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
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import yaml
from rapidfuzz import fuzz, process

from core.catalog.schema import CourseFormat, Level
from core.catalog.text import STOPWORDS_BY_LANGUAGE, fold
from core.i18n import LOCALES_DIR
from core.limits import MAX_HOURS_PER_WEEK, MIN_HOURS_PER_WEEK

MAX_BUDGET = Decimal(100_000_000)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
TYPO_MIN_LENGTH = 5  # shorter words are too alike to correct ("sen", "sel", "min" are all days)
NOT_A_VALUE = "-"  # a vocabulary key for phrases that only look like a value ("a lot", "minggu depan")
TYPO_SCORE = 85.0  # plain ratio: one dropped or doubled letter in a word of 7 passes, "expert" != "export"


@cache
def vocabulary() -> dict[str, Any]:
    """The vocabulary, every scalar read as text (BaseLoader: "yes", "no", "on" stay words)."""
    with (LOCALES_DIR / "vocabulary.yaml").open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.load(handle, Loader=yaml.BaseLoader)  # noqa: S506  (str/list/dict only)
        return loaded


_CONTRACTION = re.compile(r"\b(\w+?)(n['’]t)\b", re.IGNORECASE)
_IRREGULAR_NOT = {"can": "can", "won": "will", "wo": "will", "ca": "can", "shan": "shall"}
_CLAUSE = re.compile(r"[,;!?]|\.(?!\d)|\s(?:and then|lalu)\s")
NEGATION_WINDOW = 3  # words before a phrase that may deny it: "i don't want to skip"


def _words_of(text: str) -> str:
    """``text`` folded, with "n't" written out ("don't" -> "do not", "can't" -> "can not"), so
    the vocabulary and the learner's words meet in one spelling and a negation is one word."""

    def spelled(match: re.Match[str]) -> str:
        stem = match.group(1).casefold()
        return f"{_IRREGULAR_NOT.get(stem, stem)} not"

    return fold(_CONTRACTION.sub(spelled, text))


@cache
def _folded(meaning: str) -> dict[str, tuple[str, ...]] | tuple[str, ...]:
    """A vocabulary entry with every word folded once, longest first (parsing runs per message)."""
    entry = vocabulary()[meaning]

    def phrases(words: list[Any]) -> tuple[str, ...]:
        return tuple(sorted((_words_of(str(word)) for word in words), key=len, reverse=True))

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


def _keyed(meaning: str) -> dict[str, tuple[str, ...]]:
    """A table as it is (``formats``), or a plain list as one key named after the meaning (``yes``)."""
    entry = _folded(meaning)
    return entry if isinstance(entry, dict) else {meaning: entry}


@cache
def _spellings() -> dict[str, str]:
    """Informal spellings -> the word the vocabulary uses ("udah" -> "sudah", "gak" -> "tidak")."""
    table: dict[str, list[str]] = vocabulary()["spellings"]
    return {fold(variant): fold(word) for word, variants in table.items() for variant in variants}


@cache
def _known_words(meaning: str) -> tuple[str, ...]:
    """The single words of ``meaning`` long enough to correct a typo towards."""
    phrases = [p for group in _keyed(meaning).values() for p in group]
    words = {word for phrase in phrases for word in phrase.split() if len(word) >= TYPO_MIN_LENGTH}
    return tuple(sorted(words))


def _prepared(text: str, meaning: str) -> str:
    """``text`` folded, informal spellings replaced, and each longer word that is not in the
    vocabulary of ``meaning`` but close to one of its words (rapidfuzz) read as that word."""
    known = _known_words(meaning)
    tokens = []
    for token in _words_of(text).split():
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


@dataclass(frozen=True)
class Said:
    """One phrase of a meaning found in the learner's text, and whether the words before it deny it."""

    key: str
    position: tuple[int, int]  # (clause, character) where it starts: the reading order
    negated: bool


def _denied(clause: str, start: int) -> bool:
    """Whether a negation ends in the few words before ``start`` of the same clause: "not done",
    "belum selesai", "i don't want to skip", "anything but english"; never "no problem, done"."""
    before = " ".join(clause[:start].split()[-NEGATION_WINDOW:])
    return any(_contains(before, negation) for negation in _words("negations"))


def _said(text: str, meaning: str) -> list[Said]:
    """Every phrase of ``meaning`` in ``text``, in reading order: clause by clause, the longest
    phrases first and each word used once ("bahasa inggris dan indonesia" is English and
    Indonesian, not "bahasa" as Indonesian too), each marked when denied within its clause.

    This is the one place phrases are found; every reading below filters what it returns."""
    found: list[Said] = []
    for number, part in enumerate(_CLAUSE.split(text)):
        clause = _prepared(part, meaning)
        spans: list[tuple[int, int, str]] = []
        for key, phrases in _keyed(meaning).items():
            for phrase in phrases:
                if phrase:
                    spans.extend((m.start(), m.end(), str(key)) for m in _whole(phrase).finditer(clause))
        taken: list[tuple[int, int]] = []
        for start, end, key in sorted(spans, key=lambda s: (s[0] - s[1], s[0], s[2])):  # longest first
            if all(end <= s or start >= e for s, e in taken):
                taken.append((start, end))
                found.append(Said(key, (number, start), _denied(clause, start)))
    return sorted(found, key=lambda said: said.position)


def _meanings(text: str, meaning: str) -> set[str]:
    """Every key of ``meaning`` the text says and does not deny."""
    return {said.key for said in _said(text, meaning) if not said.negated}


def _denied_keys(text: str, meaning: str) -> set[str]:
    """Every key of ``meaning`` the text only denies ("no bootcamp", "not english")."""
    said = _said(text, meaning)
    return {s.key for s in said if s.negated} - {s.key for s in said if not s.negated}


def _meaning(text: str, meaning: str, *, first: bool = False) -> str | None:
    """The one key of ``meaning`` the text says: None when it names none, only denies it ("not
    monday"), or names two different ones ("monday or tuesday"), unless the ``first`` said counts."""
    keys = [said.key for said in _said(text, meaning) if not said.negated]
    if not keys or (not first and len(set(keys)) > 1):
        return None
    return keys[0]


def is_word(text: str, meaning: str) -> bool:
    """Whether ``text`` is one of the words for ``meaning`` (yes, none, any, free), also with filler
    words around it: "gratis aja", "yes please", "gak ada dong"."""
    words = _words(meaning)
    prepared = _prepared(text, meaning)
    bare = prepared
    for filler in _words("fillers"):  # longest first: "thank you" before "you" could be a word
        bare = _whole(filler).sub(" ", bare)
    return prepared in words or " ".join(bare.split()) in words


def affirmed(text: str, meaning: str) -> bool:
    """Whether a phrase of ``meaning`` appears in ``text`` and is not denied by a word just before
    it in the same clause: "udah selesai", "no problem, done" say it, "not done yet" does not."""
    return any(not said.negated for said in _said(text, meaning))


def yes_or_no(text: str) -> str | None:
    """ "yes" or "no" for a yes/no question, None when the text is neither.  A question is never a
    yes ("yes?", "yakin?", "wait what?" keep things as they are), nor is a denied one ("nggak yakin")."""
    if "?" in text or any(said.negated for said in _said(text, "yes")):
        return "no"
    if is_word(text, "yes"):
        return "yes"
    return "no" if is_word(text, "none") else None


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
    script, or two common words of Spanish, Portuguese, French or German (Malay reads as
    Indonesian; words those languages share with ours or with place names are not listed)."""
    letters = [ch for ch in text if ch.isalpha()]
    other_script = sum(1 for ch in letters if not unicodedata.name(ch, "").startswith("LATIN"))
    if letters and other_script * 2 > len(letters):
        return True
    foreign = {word for group in _table("foreign_words").values() for word in group}
    return sum(1 for token in fold(text).split() if token in foreign) >= 2


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
    """The first number in ``text``, in digits or, with ``words``, in words ("lima", "twenty five",
    "a couple", "half an hour", "sejam").

    Words count only where the question asks for an amount: "the teacher one" names an option,
    not option 1.  Phrases that sound like an amount but name none ("a lot") are no number."""
    match = _NUMBER.search(text)
    if match:
        return _decimal(match.group(), thousands_dot=thousands_dot)
    if not words:
        return None
    word = _meaning(text, "numbers", first=True)
    return Decimal(word) if word is not None and word != NOT_A_VALUE else None


def parse_hours(text: str) -> float | None:
    """Hours per week, 0.5-60: "5", "about 5 hrs a week", "an hour a day" (7), "2 hours on weekdays"
    (10), "weekends only, 3 hours each day" (6), "30 menit sehari" (3.5), "2h/day" (14).  Money
    ("5 dollars", "Rp 50rb") is not hours."""
    text = text.replace("/", " per ")
    if "$" in text or affirmed(text, "money_words"):
        return None
    number = parse_number(text, words=True)
    if number is None:
        return None
    days = _meanings(text, "study_days")
    if days:
        number *= min(Decimal(day) for day in days)  # "weekends only ... each day": the weekend days
    if affirmed(text, "minutes"):
        number /= 60
    if not Decimal(str(MIN_HOURS_PER_WEEK)) <= number <= Decimal(str(MAX_HOURS_PER_WEEK)):
        return None
    return float(round(number, 2))


def parse_budget(text: str, currency: str) -> Decimal | None:
    """A monthly amount in ``currency``.  An amount named wins ("lima puluh ribu, ga gratis", "not
    free, maybe fifty"); without one, the words for free mean 0 and so does a sentence that says
    free without denying it ("free only pls, i have no money"; never "not free", "bukan gratis")."""
    folded = fold(text)
    compact = text.lower().replace(" ", "") if currency == "IDR" else text
    number = parse_number(compact, words=False, thousands_dot=currency == "IDR")
    if number is None:
        number = parse_number(text, words=True)
    if number is None:
        free = is_word(text, "free") or affirmed(text, "free_mentions")
        return Decimal(0).quantize(Decimal("0.01")) if free else None
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
    """The one level named and not denied: "not a beginner" or "I'm no expert" is no answer (it
    leaves two levels open)."""
    key = _meaning(text, "levels")
    return Level(key) if key else None


def parse_weekday(text: str) -> int | None:
    """0 = Monday ... 6 = Sunday; None for no day, a denied one ("not monday"), two ("monday or
    tuesday") or a phrase that only contains a day's word ("minggu depan" is next week)."""
    key = _meaning(text, "weekdays")
    return int(key) if key is not None and key != NOT_A_VALUE else None


def _kept(named: set[str], denied: set[str], every: set[str]) -> set[str]:
    """What a list answer keeps: what it names, or when it only denies some ("no bootcamp",
    "anything but english"), all the others."""
    return named or (every - denied if denied else set())


def parse_formats(text: str) -> frozenset[CourseFormat] | None:
    """Formats named in ``text``; "any" means all of them; "no bootcamp" means the others."""
    if is_word(text, "any"):
        return frozenset(CourseFormat)
    every = {f.value for f in CourseFormat}
    kept = _kept(_meanings(text, "formats"), _denied_keys(text, "formats"), every)
    return frozenset(CourseFormat(key) for key in kept) or None


def parse_course_languages(text: str) -> frozenset[str] | None:
    """Every course language named ("english and indonesian", "bahasa inggris dan indonesia");
    "not english" is the other one."""
    keys = _kept(_meanings(text, "course_languages"), _denied_keys(text, "course_languages"), {"en", "id"})
    if not keys:
        return None
    return frozenset({"en", "id"}) if "both" in keys else frozenset(keys)


_CLOCK = re.compile(r"(?<!\d)(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.?|p\.m\.?)?(?!\d)")
_DEFAULT_HOURS = {"morning": 8, "noon": 12, "afternoon": 16, "evening": 19, "midnight": 0}
AFTER_NOON_UNTIL = 7  # "jam 1 siang" is 13:00, "jam 11 siang" is 11:00


def part_of_day(text: str) -> str | None:
    """ "morning", "noon", "afternoon", "evening" or "midnight" when ``text`` names one ("pagi",
    "tonight", "tengah malam")."""
    return _meaning(text, "times")


def is_ambiguous_time(text: str) -> bool:
    """Whether ``text`` gives an hour of 1-12 without am/pm, a leading zero or a part of the day:
    "5" or "7:30" may be morning or afternoon; "5pm", "05:00", "17:00", "jam 5 sore" may not."""
    match = _CLOCK.search(text.lower())
    if match is None or match.group(3) or part_of_day(text) is not None:
        return False
    return not match.group(1).startswith("0") and 1 <= int(match.group(1)) <= 12


def _hour_of_day(hour: int, meridiem: str, day_part: str | None) -> int:
    """The 24-hour clock hour of ``hour`` said with am/pm or a part of the day."""
    if meridiem == "pm" or (not meridiem and day_part in {"afternoon", "evening"} and hour < 12):
        return hour % 12 + 12
    if (meridiem == "am" or day_part == "midnight") and hour == 12:
        return 0
    if not meridiem and day_part == "noon" and hour < AFTER_NOON_UNTIL:
        return hour + 12
    return hour


@cache
def _range_separator() -> re.Pattern[str]:
    """Between the two times of a range, from the vocabulary: "-", "to", "sampai", "s/d"..."""
    words = sorted(vocabulary()["range_separators"], key=len, reverse=True)
    alternatives = "|".join(rf"\b{re.escape(w)}\b" if w[0].isalpha() else re.escape(w) for w in words)
    return re.compile(rf"\s*(?:{alternatives})\s*", re.IGNORECASE)


def parse_time_range(text: str) -> tuple[dt.time, dt.time] | None:
    """Two different times of day: "22:00-07:00", "10pm to 7am", "jam 10 malam sampai jam 7 pagi"."""
    parts = _range_separator().split(text.strip(), maxsplit=1)
    if len(parts) != 2:
        return None
    start, end = parse_time(parts[0]), parse_time(parts[1])
    if start is None or end is None or start == end:
        return None
    return start, end


def parse_time(text: str) -> dt.time | None:
    """A time of day: "9", "09:30", "9pm", "7 p.m.", "21.00", "jam 7 malam", "jam 1 siang", "evening"."""
    lowered = re.sub(r"(\d)\.(\d{2})(?!\d)", r"\1:\2", text.lower())
    day_part = part_of_day(text)
    match = _CLOCK.search(lowered)
    if match is None:
        return dt.time(_DEFAULT_HOURS[day_part], 0) if day_part is not None else None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    meridiem = (match.group(3) or "").replace(".", "")
    hour = _hour_of_day(hour, meridiem, day_part)
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)

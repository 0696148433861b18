"""The questions SkillStack asks, one small class per question.

Each step says how to ask (:meth:`Step.ask` -> :class:`Question`) and what to do with a typed
answer, a pressed button or a shared location.  An answer that does not fit returns
:class:`Retry` with a hint; the engine shows the hint and asks again, so there is no dead end.
The flows at the bottom of this module are plain lists of step names: reading them tells the
whole conversation, and adding a question is one class and one entry.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from core.catalog import Catalog
from core.catalog.matching import CONFIDENT_SCORE, Matcher
from core.catalog.schema import CourseFormat, Level
from core.catalog.text import STOPWORDS, fold
from core.checkins.times import time_in_quiet_hours
from core.dialogue import parsing
from core.dialogue.state import ConversationState
from core.dialogue.timezones import nearest_zone, read_timezone, zone_label
from core.goals import GoalIntent, GoalReader, GoalTarget, IntentKind
from core.goals.target import EMPHASIS_WEIGHT
from core.goals.vocabulary import MAX_SHORTLIST
from core.goals.wording import shortlist_text, target_label, transferable_sentence
from core.i18n import format_money, t
from core.plans.store import profile_target, store_target
from core.storage.db_types import utc_now
from core.storage.models import (
    DEFAULT_QUIET_END,
    DEFAULT_QUIET_START,
    Learner,
    LearnerProfile,
    ReminderSchedule,
)

POPULAR_GOALS = (
    "data-analyst",
    "web-developer",
    "digital-marketer",
    "ux-designer",
    "cybersecurity-analyst",
    "online-seller",
)
MAX_SKILL_CHOICES = 12
DAYS_IN_WEEK = 7
HOUR_CHOICES = (2, 3, 5, 8, 10, 15)
BUDGET_CHOICES = {"USD": (10, 25, 50, 100), "IDR": (100_000, 250_000, 500_000, 1_000_000)}
CHECKIN_EVERY = (1, 2, 4)  # weeks between check-ins
QUIET_CHOICES = ("22:00-07:00", "23:00-08:00", "21:00-06:00", "00:00-09:00")
QUIET_OFF = "off"
TIME_CHOICES = ("07:00", "09:00", "12:00", "19:00", "21:00")
ZONE_CHOICES = {
    "id": ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"),
    "en": ("UTC", "Europe/London", "America/New_York", "Asia/Singapore"),
}
DONE = "_done"
NONE = "_none"
ANY = "_any"
OTHER = "_other"
EVENING_FROM = 18  # a later reading from this hour on is "in the evening", before it "in the afternoon"
QUOTE_CHARS = 40  # a refusal quotes the learner's answer, cut to this length


@dataclass
class Context:
    """What a step may read and change while handling one message."""

    session: Session
    catalog: Catalog
    matcher: Matcher
    learner: Learner
    profile: LearnerProfile
    state: ConversationState
    goals: GoalReader
    said: str | None = None  # the text typed in this message; None for a button, a file, a location

    @property
    def language(self) -> str:
        return self.learner.language

    def text(self, key: str, **values: object) -> str:
        return t(key, self.language, **values)

    def touch(self) -> None:
        self.profile.updated_at = utc_now()


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass
class Question:
    text: str
    options: list[Option] = field(default_factory=list)
    columns: int = 2
    ask_location: bool = False


@dataclass(frozen=True)
class Next:
    """The answer is stored: go on, leaving out the ``skip`` questions it already answered, first
    saying ``note`` (how the answer was read: "Time zone: Paris (CET).") when there is one."""

    skip: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class Stay:
    """Ask the same question again (a multi-choice toggle changed)."""


@dataclass(frozen=True)
class Retry:
    """The answer does not fit: show ``hint`` and ask again."""

    hint: str


@dataclass(frozen=True)
class Goto:
    """Continue at another step (e.g. "something else" goes back to the goal question)."""

    step: str


Outcome = Next | Stay | Retry | Goto


def quoted(text: str) -> str:
    """The learner's answer as a refusal quotes it: on one line, at most ``QUOTE_CHARS`` long."""
    line = " ".join(text.split())
    return line if len(line) <= QUOTE_CHARS else line[: QUOTE_CHARS - 1].rstrip() + "…"


def refusal(ctx: Context, key: str, text: str, **values: object) -> str:
    """A hint for an answer that does not fit: it quotes the answer, says what would work, and for
    an answer in a language we do not read, which languages we do."""
    hint = ctx.text(key, answer=quoted(text), **values)
    if parsing.foreign_language(text):
        hint += "\n" + ctx.text("hint.languages")
    return hint


def toggled(chosen: list[str], value: str) -> list[str]:
    """A multi-choice answer after pressing ``value``: added if absent, removed if present."""
    return [item for item in chosen if item != value] if value in chosen else [*chosen, value]


class Step:
    name = ""

    def ask(self, ctx: Context) -> Question:
        raise NotImplementedError

    def on_text(self, ctx: Context, text: str) -> Outcome:
        raise NotImplementedError

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        return self.on_text(ctx, value)

    def on_location(self, ctx: Context, latitude: float, longitude: float) -> Outcome:
        return Retry(ctx.text("hint.location_not_needed"))


def _target_data(target: GoalTarget) -> dict[str, object]:
    """A goal choice as the conversation state stores it (JSON)."""
    return {
        "goal": target.goal,
        "skills": list(target.skills),  # a list keeps the learner's order (JSONB would sort keys)
        "origin": target.origin,
        "transferable": sorted(target.transferable),
    }


def _target(data: dict[str, Any]) -> GoalTarget:
    skills = dict.fromkeys(data["skills"], EMPHASIS_WEIGHT)
    return GoalTarget(data["goal"], skills, data["origin"], frozenset(data["transferable"]))


def offer_goals(ctx: Context, intent: GoalIntent) -> bool:
    """Keep what the learner's goal statement offers for confirmation; False when it offers nothing."""
    target = intent.target
    if target is not None:
        choices = [target]
    else:
        choices = [intent.choose(item.goal) for item in intent.shortlist[:MAX_SHORTLIST]]
    if not choices:
        return False
    ctx.state.scratch["goal_choices"] = [_target_data(choice) for choice in choices]
    ctx.state.scratch["goal_kind"] = intent.kind.value
    return True


class GoalStep(Step):
    """What the learner wants: a role, skills, a career change, or something vague to narrow down."""

    name = "goal"

    def ask(self, ctx: Context) -> Question:
        options = [
            Option(g, ctx.catalog.goals[g].name.get(ctx.language))
            for g in POPULAR_GOALS
            if g in ctx.catalog.goals
        ]
        return Question(ctx.text("ask.goal"), options)

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        """A goal's own button needs no "Did I get that right?": it is stored at once.  A typed goal
        is confirmed, even one typed as a button's label (read as words, it may say more)."""
        if ctx.said is not None:
            return self.on_text(ctx, ctx.said)
        ctx.profile.goal_text = ctx.catalog.goals[value].name.get(ctx.language)
        store_target(ctx.profile, GoalTarget(value))
        ctx.touch()
        return Next(skip=(ConfirmGoalStep.name,))

    def on_text(self, ctx: Context, text: str) -> Outcome:
        if not offer_goals(ctx, ctx.goals.read(text)):
            return Retry(refusal(ctx, "hint.goal_not_found", text))
        ctx.profile.goal_text = text.strip()[:500]
        return Next()


class ConfirmGoalStep(Step):
    """Confirm what was understood, or pick from a shortlist (vague goals, close goals)."""

    name = "confirm_goal"

    def _choices(self, ctx: Context) -> list[GoalTarget]:
        return [_target(data) for data in ctx.state.scratch.get("goal_choices", [])]

    def _labels(self, ctx: Context, choices: list[GoalTarget]) -> list[str]:
        """The options' labels: the one goal understood, or the names of the shortlist's goals."""
        if len(choices) == 1:
            return [target_label(ctx.catalog, ctx.goals, choices[0], ctx.language)]
        return [ctx.catalog.goals[choice.goal or ""].name.get(ctx.language) for choice in choices]

    def ask(self, ctx: Context) -> Question:
        choices = self._choices(ctx)
        reader, language = ctx.goals, ctx.language
        if len(choices) == 1:
            sentence = transferable_sentence(ctx.catalog, reader, choices[0], language)
            text = "\n\n".join(part for part in (ctx.text("ask.confirm_goal_one"), sentence) if part)
        else:
            kind = IntentKind(ctx.state.scratch.get("goal_kind", IntentKind.UNKNOWN.value))
            goals = [choice.goal or "" for choice in choices]
            text = "\n".join(shortlist_text(ctx.catalog, reader, kind, goals, choices[0].origin, language))
        options = [Option(str(index), label) for index, label in enumerate(self._labels(ctx, choices))]
        options.append(Option(OTHER, ctx.text("choice.something_else")))
        return Question(text, options, columns=1)

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        if value == OTHER:
            return Goto("goal")
        store_target(ctx.profile, self._choices(ctx)[int(value)])
        ctx.touch()
        return Next()

    def on_text(self, ctx: Context, text: str) -> Outcome:
        """ "yes", an option's number in digits, a word of one option's label ("the teacher one"),
        or the goal told again in other words."""
        choices = self._choices(ctx)
        if parsing.is_word(text, "yes") and len(choices) == 1:
            return self.on_choice(ctx, "0")
        stripped = text.strip().rstrip(".")
        if stripped.isdigit() and 1 <= int(stripped) <= len(choices):
            return self.on_choice(ctx, str(int(stripped) - 1))
        named = self._named(ctx, choices, text)
        if named is not None:
            return self.on_choice(ctx, named)
        intent = ctx.goals.read(text)
        if (intent.confident or intent.shortlist) and offer_goals(ctx, intent):
            ctx.profile.goal_text = text.strip()[:500]
            return Stay()
        return Retry(refusal(ctx, "hint.pick_goal", text))

    def _named(self, ctx: Context, choices: list[GoalTarget], text: str) -> str | None:
        """The one option whose label shares a word with ``text`` (filler words aside), if only one does."""
        words = _content_words(text)
        labels = self._labels(ctx, choices)
        hits = [str(index) for index, label in enumerate(labels) if words & _content_words(label)]
        return hits[0] if len(hits) == 1 else None


def _content_words(text: str) -> set[str]:
    """The words of ``text`` that can name an option: folded, without filler words or numbers."""
    return {word for word in fold(text).split() if word not in STOPWORDS and not word.isdigit()}


class LevelStep(Step):
    name = "level"

    def ask(self, ctx: Context) -> Question:
        return Question(
            ctx.text("ask.level"),
            [Option(level.value, ctx.text(f"level.{level.value}")) for level in Level],
            columns=3,
        )

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        ctx.profile.level = Level(value)
        ctx.touch()
        return Next()

    def on_text(self, ctx: Context, text: str) -> Outcome:
        level = parsing.parse_level(text)
        if level is None:
            return Retry(refusal(ctx, "hint.level", text))
        return self.on_choice(ctx, level.value)


class SkillsHeldStep(Step):
    name = "skills_held"

    def _goal_skills(self, ctx: Context) -> list[str]:
        """The goal's skills the learner may already have (not those counted from earlier work)."""
        target = profile_target(ctx.profile)
        weights = target.goal_skills(ctx.catalog)
        brought = target.counted_as_held(ctx.catalog)
        ranked = sorted((s for s in weights if s not in brought), key=lambda s: (-weights[s], s))
        return ranked[:MAX_SKILL_CHOICES]

    def ask(self, ctx: Context) -> Question:
        held = set(ctx.profile.skills_held)
        options = [
            Option(s, ("✓ " if s in held else "") + ctx.catalog.skills[s].name.get(ctx.language))
            for s in self._goal_skills(ctx)
        ]
        options += [Option(NONE, ctx.text("choice.none_yet")), Option(DONE, ctx.text("choice.done"))]
        return Question(ctx.text("ask.skills_held"), options)

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        if value == DONE:
            return Next()
        if value == NONE:
            ctx.profile.skills_held = [s for s in ctx.profile.skills_held if s not in self._goal_skills(ctx)]
            ctx.touch()
            return Next()
        ctx.profile.skills_held = toggled(ctx.profile.skills_held, value)
        ctx.touch()
        return Stay()

    def on_text(self, ctx: Context, text: str) -> Outcome:
        if parsing.is_word(text, "none"):
            return self.on_choice(ctx, NONE)
        if parsing.is_word(text, "yes") or parsing.is_word(text, "done_words"):
            return Next()
        candidates = self._goal_skills(ctx)
        found: list[str] = []
        for part in text.replace(" and ", ",").replace(" dan ", ",").split(","):
            if not part.strip():
                continue
            for match in ctx.matcher.match(part).skills[:3]:
                if match.id in candidates and match.score >= CONFIDENT_SCORE:
                    found.append(match.id)
                    break
        if not found:
            return Retry(refusal(ctx, "hint.skills_held", text, example=self._example(ctx)))
        ctx.profile.skills_held = sorted({*ctx.profile.skills_held, *found})
        ctx.touch()
        return Next()

    def _example(self, ctx: Context) -> str:
        """Two skills the question shows, as a typed answer would name them ("Excel, SQL")."""
        names = [ctx.catalog.skills[s].name.get(ctx.language) for s in self._goal_skills(ctx)[:2]]
        return ", ".join(names) or ctx.text("choice.none_yet")


class HoursStep(Step):
    name = "hours"

    def ask(self, ctx: Context) -> Question:
        options = [Option(str(h), ctx.text("choice.hours", hours=h)) for h in HOUR_CHOICES]
        return Question(ctx.text("ask.hours"), options, columns=3)

    def on_text(self, ctx: Context, text: str) -> Outcome:
        hours = parsing.parse_hours(text)
        if hours is None:
            return Retry(refusal(ctx, "hint.hours", text))
        ctx.profile.hours_per_week = hours
        ctx.touch()
        return Next()


def currency_for(language: str) -> str:
    return "IDR" if language == "id" else "USD"


class BudgetStep(Step):
    name = "budget"

    def ask(self, ctx: Context) -> Question:
        currency = currency_for(ctx.language)
        options = [Option("0", ctx.text("choice.free_only"))]
        options += [
            Option(str(amount), format_money(Decimal(amount), currency, ctx.language))
            for amount in BUDGET_CHOICES[currency]
        ]
        return Question(ctx.text("ask.budget"), options, columns=3)

    def on_text(self, ctx: Context, text: str) -> Outcome:
        currency = currency_for(ctx.language)
        amount = parsing.parse_budget(text, currency)
        if amount is None:
            example = format_money(Decimal(BUDGET_CHOICES[currency][1]), currency, ctx.language)
            return Retry(refusal(ctx, "hint.budget", text, example=example))
        ctx.profile.monthly_budget = amount
        ctx.profile.budget_currency = currency
        ctx.touch()
        return Next()


class FormatsStep(Step):
    name = "formats"

    def ask(self, ctx: Context) -> Question:
        chosen = set(ctx.profile.preferred_formats)
        options = [
            Option(f.value, ("✓ " if f.value in chosen else "") + ctx.text(f"format.{f.value}"))
            for f in CourseFormat
        ]
        options += [Option(ANY, ctx.text("choice.any")), Option(DONE, ctx.text("choice.done"))]
        return Question(ctx.text("ask.formats"), options, columns=3)

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        if value == DONE:
            return Next()
        if value == ANY:
            ctx.profile.preferred_formats = []
            ctx.touch()
            return Next()
        ctx.profile.preferred_formats = toggled(ctx.profile.preferred_formats, value)
        ctx.touch()
        return Stay()

    def on_text(self, ctx: Context, text: str) -> Outcome:
        formats = parsing.parse_formats(text)
        if formats is None:
            return Retry(refusal(ctx, "hint.formats", text))
        ctx.profile.preferred_formats = (
            [] if formats == frozenset(CourseFormat) else sorted(f.value for f in formats)
        )
        ctx.touch()
        return Next()


class CourseLanguagesStep(Step):
    name = "course_languages"

    def ask(self, ctx: Context) -> Question:
        options = [
            Option("en", ctx.text("choice.english")),
            Option("id", ctx.text("choice.indonesian")),
            Option("both", ctx.text("choice.both")),
        ]
        return Question(ctx.text("ask.course_languages"), options, columns=3)

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        ctx.profile.course_languages = ["en", "id"] if value == "both" else [value]
        ctx.touch()
        return Next()

    def on_text(self, ctx: Context, text: str) -> Outcome:
        languages = parsing.parse_course_languages(text)
        if languages is None:
            return Retry(refusal(ctx, "hint.course_languages", text))
        ctx.profile.course_languages = sorted(languages)
        ctx.touch()
        return Next()


class TimezoneStep(Step):
    name = "timezone"

    CHOICES = "zone_choices"  # scratch: the zones of a place that has several ("Indonesia")

    def ask(self, ctx: Context) -> Question:
        asked = ctx.state.scratch.get(self.CHOICES)
        if asked:
            options = [Option(zone, self._label(ctx, zone)) for zone in asked["zones"]]
            text = ctx.text("ask.timezone_which", place=asked["place"])
            return Question(text, options, columns=1, ask_location=True)
        zones = ZONE_CHOICES["id" if ctx.language == "id" else "en"]
        options = [Option(zone, ctx.text(f"zone.{zone.replace('/', '_')}")) for zone in zones]
        return Question(ctx.text("ask.timezone"), options, columns=2, ask_location=True)

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        return self._set(ctx, value)

    def _label(self, ctx: Context, zone: str) -> str:
        """A zone's button: the locale's name for the zones offered at first ("Makassar, Bali
        (WITA)"), else its place and abbreviation."""
        offered = {zone for zones in ZONE_CHOICES.values() for zone in zones}
        return ctx.text(f"zone.{zone.replace('/', '_')}") if zone in offered else zone_label(zone, utc_now())

    def _set(self, ctx: Context, zone: str) -> Outcome:
        """Store ``zone`` and say which it is, so a misread place is seen at once."""
        ctx.state.scratch.pop(self.CHOICES, None)
        ctx.learner.timezone = zone
        ctx.learner.updated_at = utc_now()
        return Next(note=ctx.text("ask.timezone_picked", zone=zone_label(zone, utc_now())))

    def on_text(self, ctx: Context, text: str) -> Outcome:
        answer = read_timezone(text)
        if answer.zone is not None:
            return self._set(ctx, answer.zone)
        if answer.choices:
            ctx.state.scratch[self.CHOICES] = {"place": answer.place, "zones": list(answer.choices)}
            return Stay()
        return Retry(refusal(ctx, "hint.timezone" if answer.agreed else "hint.timezone_parts", text))

    def on_location(self, ctx: Context, latitude: float, longitude: float) -> Outcome:
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            return Retry(refusal(ctx, "hint.timezone", f"{latitude:g}, {longitude:g}"))
        return self._set(ctx, nearest_zone(latitude, longitude))


class CheckinDayStep(Step):
    name = "checkin_day"

    def ask(self, ctx: Context) -> Question:
        options = [Option(str(day), ctx.text(f"weekday.{day}")) for day in range(DAYS_IN_WEEK)]
        return Question(ctx.text("ask.checkin_day"), options, columns=4)

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        ctx.profile.checkin_weekday = int(value)
        ctx.touch()
        return Next()

    def on_text(self, ctx: Context, text: str) -> Outcome:
        stripped = text.strip()
        if stripped.isdigit():  # a typed number is a day of the week counted from 1 = Monday
            day = int(stripped) - 1 if 1 <= int(stripped) <= DAYS_IN_WEEK else None
        else:
            day = parsing.parse_weekday(text)
        if day is None:
            return Retry(refusal(ctx, "hint.checkin_day", text))
        return self.on_choice(ctx, str(day))


class CheckinEveryStep(Step):
    """How often to check in: every week, every 2 weeks or every 4 (settings only)."""

    name = "checkin_every"

    def ask(self, ctx: Context) -> Question:
        options = [Option(str(weeks), ctx.text(f"checkin_every.{weeks}")) for weeks in CHECKIN_EVERY]
        return Question(ctx.text("ask.checkin_every"), options, columns=3)

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        schedule = ctx.session.get(ReminderSchedule, ctx.learner.id)
        if schedule is not None:  # the terminal learner has none: nothing to change
            schedule.every_weeks = int(value)
        return Next()

    def on_text(self, ctx: Context, text: str) -> Outcome:
        number = parsing.parse_number(text, words=True)
        if number is None or int(number) not in CHECKIN_EVERY:
            return Retry(refusal(ctx, "hint.checkin_every", text))
        return self.on_choice(ctx, str(int(number)))


class QuietHoursStep(Step):
    """When no proactive message may arrive (settings only); "off" allows any time."""

    name = "quiet_hours"

    def ask(self, ctx: Context) -> Question:
        options = [Option(value, value) for value in QUIET_CHOICES]
        options.append(Option(QUIET_OFF, ctx.text("quiet_hours.off")))
        return Question(ctx.text("ask.quiet_hours"), options, columns=2)

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        if value == QUIET_OFF:
            return self.store(ctx, dt.time(0), dt.time(0))  # an empty window
        start, _, end = value.partition("-")
        return self.store(ctx, dt.time.fromisoformat(start), dt.time.fromisoformat(end))

    def on_text(self, ctx: Context, text: str) -> Outcome:
        window = parsing.parse_time_range(text)
        if window is None:
            return Retry(refusal(ctx, "hint.quiet_hours", text))
        return self.store(ctx, *window)

    def store(self, ctx: Context, start: dt.time, end: dt.time) -> Outcome:
        schedule = ctx.session.get(ReminderSchedule, ctx.learner.id)
        if schedule is not None:  # the terminal learner has none: nothing to change
            schedule.quiet_start, schedule.quiet_end = start, end
        return Next()


class CheckinTimeStep(Step):
    """When the check-in comes.  A bare "5" or "7:30" that would fall in the learner's quiet hours
    as written is asked about ("5 in the morning or 5 in the afternoon?"), not guessed."""

    name = "checkin_time"
    PAIR = "time_pair"  # scratch: the two readings offered for an ambiguous time

    def ask(self, ctx: Context) -> Question:
        pair = ctx.state.scratch.get(self.PAIR)
        if pair:
            early, late = (dt.time.fromisoformat(value) for value in pair)
            part = "afternoon" if late.hour < EVENING_FROM else "evening"
            minute = f"{early.minute:02d}"
            clock = ctx.text("ask.clock", hour=early.hour, minute=minute) if early.minute else str(early.hour)
            text = ctx.text(f"ask.checkin_time_which.{part}", clock=clock)
            return Question(text, [Option(value, value) for value in pair], columns=2)
        return Question(
            ctx.text("ask.checkin_time"), [Option(value, value) for value in TIME_CHOICES], columns=3
        )

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        return self.store(ctx, dt.time.fromisoformat(value))

    def on_text(self, ctx: Context, text: str) -> Outcome:
        picked = self.picked(ctx, text)
        if picked is not None:
            return self.on_choice(ctx, picked)
        moment = parsing.parse_time(text)
        if moment is None:
            return Retry(refusal(ctx, "hint.checkin_time", text))
        if parsing.is_ambiguous_time(text) and self.in_quiet_hours(ctx, moment):
            later = dt.time((moment.hour + 12) % 24, moment.minute)
            ctx.state.scratch[self.PAIR] = [moment.strftime("%H:%M"), later.strftime("%H:%M")]
            return Stay()
        return self.store(ctx, moment)

    def picked(self, ctx: Context, text: str) -> str | None:
        """Which of the two readings offered a typed "1" or "2", "morning" or "sore" chooses."""
        pair = ctx.state.scratch.get(self.PAIR)
        if not pair:
            return None
        stripped = text.strip()
        if stripped in ("1", "2"):
            return str(pair[int(stripped) - 1])
        day_part = parsing.part_of_day(text) if not any(ch.isdigit() for ch in text) else None
        if day_part == "morning":
            return str(pair[0])
        if day_part in ("afternoon", "evening"):
            return str(pair[1])
        return None  # "noon" or "midnight" is neither reading: read as a time of its own

    def in_quiet_hours(self, ctx: Context, moment: dt.time) -> bool:
        """Whether ``moment`` is in the learner's quiet hours (the default ones before they are set)."""
        schedule = ctx.session.get(ReminderSchedule, ctx.learner.id)
        start, end = (
            (schedule.quiet_start, schedule.quiet_end)
            if schedule is not None
            else (DEFAULT_QUIET_START, DEFAULT_QUIET_END)
        )
        return time_in_quiet_hours(moment, start, end)

    def store(self, ctx: Context, moment: dt.time) -> Outcome:
        ctx.state.scratch.pop(self.PAIR, None)
        ctx.profile.checkin_time = dt.time(moment.hour, moment.minute)
        ctx.touch()
        return Next()


class EmailStep(Step):
    """The address badges are issued to (settings only, optional): compared locally, never sent."""

    name = "email"
    SHAPE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s.]{2,63}$")

    def ask(self, ctx: Context) -> Question:
        return Question(ctx.text("ask.email"), [Option(NONE, ctx.text("email.remove"))])

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        ctx.profile.email = None
        ctx.touch()
        return Next()

    def on_text(self, ctx: Context, text: str) -> Outcome:
        if parsing.is_word(text, "none"):
            return self.on_choice(ctx, NONE)
        address = text.strip()
        if len(address) > 320 or not self.SHAPE.match(address):
            return Retry(refusal(ctx, "hint.email", text))
        ctx.profile.email = address
        ctx.touch()
        return Next()


STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        GoalStep(),
        ConfirmGoalStep(),
        LevelStep(),
        SkillsHeldStep(),
        HoursStep(),
        BudgetStep(),
        FormatsStep(),
        CourseLanguagesStep(),
        TimezoneStep(),
        CheckinDayStep(),
        CheckinTimeStep(),
        CheckinEveryStep(),
        QuietHoursStep(),
        EmailStep(),
    )
}

# The flows: which questions, in which order.
ONBOARDING = (
    "goal",
    "confirm_goal",
    "level",
    "skills_held",
    "hours",
    "budget",
    "formats",
    "course_languages",
    "timezone",
    "checkin_day",
    "checkin_time",
)
SETTINGS = {  # what /settings can change, and the questions each change asks
    "goal": ("goal", "confirm_goal", "skills_held"),
    "level": ("level",),
    "skills_held": ("skills_held",),
    "hours": ("hours",),
    "budget": ("budget",),
    "formats": ("formats",),
    "course_languages": ("course_languages",),
    "timezone": ("timezone",),
    "checkin_day": ("checkin_day",),
    "checkin_time": ("checkin_time",),
    "checkin_every": ("checkin_every",),
    "quiet_hours": ("quiet_hours",),
    "email": ("email",),
}
AFFECTS_PLAN = {"goal", "level", "skills_held", "hours", "budget", "formats", "course_languages"}

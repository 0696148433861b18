"""Onboarding: the first questions, one small step class each, then the first plan.

Each step says how to ask (:meth:`~core.dialogue.context.Step.ask` -> a
:class:`~core.dialogue.asking.Question`) and what a typed answer, a pressed button or a shared
location does.  An answer that does not fit returns :class:`~core.dialogue.asking.Retry` with a
hint; the runner (:mod:`core.dialogue.questions`) shows it and asks again.  :data:`ONBOARDING`
is the order of the questions: adding one is a step class and an entry there.  Also here: /start,
/help, /back, /cancel, and "start over" (the questions again, the plan kept until they are done).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from core.catalog.matching import CONFIDENT_SCORE
from core.catalog.schema import CourseFormat, Level
from core.catalog.text import STOPWORDS, fold
from core.checkins import tick
from core.checkins.times import time_in_quiet_hours
from core.dialogue import parsing, questions
from core.dialogue.asking import Goto, Next, Option, Outcome, Question, Retry, Stay, toggled
from core.dialogue.commands import command_list
from core.dialogue.context import Context, Router, Step
from core.dialogue.flows.plan import make_plan, show_plan
from core.dialogue.state import QUESTION_FLOWS, Flow, MenuName, StepName, Values
from core.dialogue.timezones import nearest_zone, read_timezone, zone_label
from core.goals import GoalIntent, GoalTarget, IntentKind
from core.goals.target import EMPHASIS_WEIGHT
from core.goals.vocabulary import MAX_SHORTLIST
from core.goals.wording import shortlist_text, target_label, transferable_sentence
from core.i18n import format_money
from core.messages import Reply
from core.plans.store import profile_target, store_target
from core.storage.db_types import utc_now
from core.storage.models import DEFAULT_QUIET_END, DEFAULT_QUIET_START, LearnerProfile, ReminderSchedule

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


class TargetChoice(BaseModel):
    """A goal choice as the conversation state stores it."""

    goal: str | None
    skills: list[str]  # a list keeps the learner's order (JSONB would sort keys)
    origin: str | None
    transferable: list[str]

    @classmethod
    def of(cls, target: GoalTarget) -> TargetChoice:
        return cls(
            goal=target.goal,
            skills=list(target.skills),
            origin=target.origin,
            transferable=sorted(target.transferable),
        )

    def target(self) -> GoalTarget:
        skills = dict.fromkeys(self.skills, EMPHASIS_WEIGHT)
        return GoalTarget(self.goal, skills, self.origin, frozenset(self.transferable))


class GoalChoices(Values):
    """What the learner's goal statement offered for confirmation."""

    goal_choices: list[TargetChoice] = Field(default_factory=list)
    goal_kind: IntentKind = IntentKind.UNKNOWN


class ZoneChoices(BaseModel):
    place: str
    zones: list[str]


class TimezoneValues(Values):
    zone_choices: ZoneChoices | None = None  # the zones of a place that has several ("Indonesia")


class TimeValues(Values):
    time_pair: list[str] | None = None  # the two readings offered for an ambiguous time


def offer_goals(ctx: Context, intent: GoalIntent) -> bool:
    """Keep what the learner's goal statement offers for confirmation; False when it offers nothing."""
    target = intent.target
    if target is not None:
        choices = [target]
    else:
        choices = [intent.choose(item.goal) for item in intent.shortlist[:MAX_SHORTLIST]]
    if not choices:
        return False
    offered = ctx.state.values(GoalChoices)
    offered.goal_choices = [TargetChoice.of(choice) for choice in choices]
    offered.goal_kind = intent.kind
    return True


class GoalStep(Step):
    """What the learner wants: a role, skills, a career change, or something vague to narrow down."""

    name = StepName.GOAL

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
            return Retry(ctx.refusal("hint.goal_not_found", text))
        ctx.profile.goal_text = text.strip()[:500]
        return Next()


class ConfirmGoalStep(Step):
    """Confirm what was understood, or pick from a shortlist (vague goals, close goals)."""

    name = StepName.CONFIRM_GOAL

    def _choices(self, ctx: Context) -> list[GoalTarget]:
        return [choice.target() for choice in ctx.state.values(GoalChoices).goal_choices]

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
            kind = ctx.state.values(GoalChoices).goal_kind
            goals = [choice.goal or "" for choice in choices]
            text = "\n".join(shortlist_text(ctx.catalog, reader, kind, goals, choices[0].origin, language))
        options = [Option(str(index), label) for index, label in enumerate(self._labels(ctx, choices))]
        options.append(Option(OTHER, ctx.text("choice.something_else")))
        return Question(text, options, columns=1)

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        if value == OTHER:
            return Goto(StepName.GOAL)
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
        return Retry(ctx.refusal("hint.pick_goal", text))

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
    name = StepName.LEVEL

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
            return Retry(ctx.refusal("hint.level", text))
        return self.on_choice(ctx, level.value)


class SkillsHeldStep(Step):
    name = StepName.SKILLS_HELD

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
            return Retry(ctx.refusal("hint.skills_held", text, example=self._example(ctx)))
        ctx.profile.skills_held = sorted({*ctx.profile.skills_held, *found})
        ctx.touch()
        return Next()

    def _example(self, ctx: Context) -> str:
        """Two skills the question shows, as a typed answer would name them ("Excel, SQL")."""
        names = [ctx.catalog.skills[s].name.get(ctx.language) for s in self._goal_skills(ctx)[:2]]
        return ", ".join(names) or ctx.text("choice.none_yet")


class HoursStep(Step):
    name = StepName.HOURS

    def ask(self, ctx: Context) -> Question:
        options = [Option(str(h), ctx.text("choice.hours", hours=h)) for h in HOUR_CHOICES]
        return Question(ctx.text("ask.hours"), options, columns=3)

    def on_text(self, ctx: Context, text: str) -> Outcome:
        hours = parsing.parse_hours(text)
        if hours is None:
            return Retry(ctx.refusal("hint.hours", text))
        ctx.profile.hours_per_week = hours
        ctx.touch()
        return Next()


def currency_for(language: str) -> str:
    return "IDR" if language == "id" else "USD"


class BudgetStep(Step):
    name = StepName.BUDGET

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
            return Retry(ctx.refusal("hint.budget", text, example=example))
        ctx.profile.monthly_budget = amount
        ctx.profile.budget_currency = currency
        ctx.touch()
        return Next()


class FormatsStep(Step):
    name = StepName.FORMATS

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
            return Retry(ctx.refusal("hint.formats", text))
        ctx.profile.preferred_formats = (
            [] if formats == frozenset(CourseFormat) else sorted(f.value for f in formats)
        )
        ctx.touch()
        return Next()


class CourseLanguagesStep(Step):
    name = StepName.COURSE_LANGUAGES

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
            return Retry(ctx.refusal("hint.course_languages", text))
        ctx.profile.course_languages = sorted(languages)
        ctx.touch()
        return Next()


class TimezoneStep(Step):
    name = StepName.TIMEZONE

    def ask(self, ctx: Context) -> Question:
        asked = ctx.state.values(TimezoneValues).zone_choices
        if asked:
            options = [Option(zone, self._label(ctx, zone)) for zone in asked.zones]
            text = ctx.text("ask.timezone_which", place=asked.place)
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
        ctx.state.values(TimezoneValues).zone_choices = None
        ctx.learner.timezone = zone
        ctx.learner.updated_at = utc_now()
        return Next(note=ctx.text("ask.timezone_picked", zone=zone_label(zone, utc_now())))

    def on_text(self, ctx: Context, text: str) -> Outcome:
        answer = read_timezone(text)
        if answer.zone is not None:
            return self._set(ctx, answer.zone)
        if answer.choices:
            choices = ZoneChoices(place=answer.place, zones=list(answer.choices))
            ctx.state.values(TimezoneValues).zone_choices = choices
            return Stay()
        return Retry(ctx.refusal("hint.timezone" if answer.agreed else "hint.timezone_parts", text))

    def on_location(self, ctx: Context, latitude: float, longitude: float) -> Outcome:
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            return Retry(ctx.refusal("hint.timezone", f"{latitude:g}, {longitude:g}"))
        return self._set(ctx, nearest_zone(latitude, longitude))


class CheckinDayStep(Step):
    name = StepName.CHECKIN_DAY

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
            return Retry(ctx.refusal("hint.checkin_day", text))
        return self.on_choice(ctx, str(day))


class CheckinTimeStep(Step):
    """When the check-in comes.  A bare "5" or "7:30" that would fall in the learner's quiet hours
    as written is asked about ("5 in the morning or 5 in the afternoon?"), not guessed."""

    name = StepName.CHECKIN_TIME

    def ask(self, ctx: Context) -> Question:
        pair = ctx.state.values(TimeValues).time_pair
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
            return Retry(ctx.refusal("hint.checkin_time", text))
        if parsing.is_ambiguous_time(text) and self.in_quiet_hours(ctx, moment):
            later = dt.time((moment.hour + 12) % 24, moment.minute)
            ctx.state.values(TimeValues).time_pair = [moment.strftime("%H:%M"), later.strftime("%H:%M")]
            return Stay()
        return self.store(ctx, moment)

    def picked(self, ctx: Context, text: str) -> str | None:
        """Which of the two readings offered a typed "1" or "2", "morning" or "sore" chooses."""
        pair = ctx.state.values(TimeValues).time_pair
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
        ctx.state.values(TimeValues).time_pair = None
        ctx.profile.checkin_time = dt.time(moment.hour, moment.minute)
        ctx.touch()
        return Next()


ABOUT_THE_PLAN: tuple[StepName, ...] = (  # the answers a plan is made from
    StepName.GOAL,
    StepName.CONFIRM_GOAL,
    StepName.LEVEL,
    StepName.SKILLS_HELD,
    StepName.HOURS,
    StepName.BUDGET,
    StepName.FORMATS,
    StepName.COURSE_LANGUAGES,
)
ABOUT_CHECKINS: tuple[StepName, ...] = (StepName.TIMEZONE, StepName.CHECKIN_DAY, StepName.CHECKIN_TIME)
ONBOARDING = ABOUT_THE_PLAN + ABOUT_CHECKINS  # the questions, in order
STEPS: tuple[Step, ...] = (
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
)
ANSWER_FIELDS = (  # what the questions set: restored when a restart is cancelled
    "goal_id",
    "goal_text",
    "goal_skills",
    "origin_id",
    "transferable_skills",
    "level",
    "skills_held",
    "hours_per_week",
    "monthly_budget",
    "budget_currency",
    "preferred_formats",
    "course_languages",
    "avoid_providers",
    "checkin_weekday",
    "checkin_time",
)


class Restart(Values):
    """The profile's answers before "start over" began the questions again (/cancel puts them back:
    the plan was made for them)."""

    earlier_answers: dict[str, Any] | None = None


def cmd_start(ctx: Context, _args: str) -> list[Reply]:
    """/start: the questions (where they were left), or welcome back."""
    if ctx.state.flow is Flow.ONBOARDING:
        return [Reply(ctx.text("start.continue")), questions.ask(ctx)]
    if ctx.profile.onboarded_at is None:
        return [Reply(ctx.text("start.greeting")), questions.start(ctx, Flow.ONBOARDING, ONBOARDING)]
    ctx.state.reset()
    tick.refresh(ctx.session, ctx.learner, ctx.profile, ctx.now())  # back after blocking the bot
    return [Reply(ctx.text("start.welcome_back") + "\n\n" + command_list(ctx.language))]


def cmd_help(ctx: Context, _args: str) -> list[Reply]:
    """/help: the commands, then the open question again."""
    replies = [Reply(ctx.text("help.about") + "\n\n" + command_list(ctx.language))]
    if ctx.state.flow in QUESTION_FLOWS:
        replies.append(questions.ask(ctx))
    return replies


def cmd_cancel(ctx: Context, _args: str) -> list[Reply]:
    """/cancel: out of whatever is open (a restart of the questions puts the answers back)."""
    if ctx.state.flow is None:
        return [Reply(ctx.text("cancel.nothing"))]
    was_onboarding = ctx.state.flow is Flow.ONBOARDING
    if was_onboarding and restore_answers(ctx):
        ctx.state.reset()
        return [Reply(ctx.text("plan.start_over.cancelled"))]
    ctx.state.reset()
    return [Reply(ctx.text("cancel.onboarding" if was_onboarding else "cancel.done"))]


def restore_answers(ctx: Context) -> bool:
    """Put back the answers a "Start over -> Answer the questions again" began from, so the
    profile and the plan made for it stay in step (False: not a restart)."""
    earlier = ctx.state.values(Restart).earlier_answers
    if earlier is None:
        return False
    restored = LearnerProfile.model_validate({**earlier, "learner_id": ctx.profile.learner_id})
    for name in ANSWER_FIELDS:
        setattr(ctx.profile, name, getattr(restored, name))
    ctx.touch()
    return True


def on_start_over(ctx: Context, answer: str) -> list[Reply]:
    """ "Yes": the questions again from the first (the answers and plan stay until the last one is
    answered); "no": a fresh plan from the current answers."""
    if answer == "yes":
        answers = ctx.profile.model_dump(mode="json", include=set(ANSWER_FIELDS))
        first = questions.start(ctx, Flow.ONBOARDING, ONBOARDING)
        ctx.state.values(Restart).earlier_answers = answers
        return [Reply(ctx.text("plan.start_over.restarting")), first]
    ctx.state.reset()
    return show_plan(ctx, make_plan(ctx, fresh=True))


def finish(ctx: Context) -> list[Reply]:
    """The last question answered: set up, and the first plan."""
    ctx.state.reset()
    ctx.profile.onboarded_at = utc_now()
    return [Reply(ctx.text("onboarding.done")), *show_plan(ctx, make_plan(ctx))]


router = Router(
    commands={"start": cmd_start, "help": cmd_help, "back": questions.cmd_back, "cancel": cmd_cancel},
    steps={step.name: step for step in STEPS},
    menus={MenuName.START_OVER: on_start_over},
    inputs={Flow.ONBOARDING: questions.on_input},
    finishes={Flow.ONBOARDING: finish},
)

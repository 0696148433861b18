"""Settings: /settings (each answer shown, any one changed by its questions), /language,
/pause and /resume.

:data:`SETTINGS` says what /settings can change and which questions each change asks (most are
onboarding's; the three asked only here are below).  A change that affects the plan re-plans at
once; a new day, time or zone reschedules the check-ins.
"""

from __future__ import annotations

import datetime as dt
import re

from core.checkins import tick
from core.dialogue import parsing, questions
from core.dialogue.asking import Next, Option, Outcome, Question, Retry
from core.dialogue.context import Context, Router, Step
from core.dialogue.flows.onboarding import ABOUT_THE_PLAN, NONE
from core.dialogue.flows.plan import make_plan, plan_is_current, show_plan
from core.dialogue.flows.settings_view import QUIET_OFF, settings_summary
from core.dialogue.state import QUESTION_FLOWS, Flow, MenuName, Paused, StepName, Values
from core.i18n import LANGUAGES, normalize_language
from core.messages import Reply
from core.storage.db_types import utc_now
from core.storage.models import ReminderSchedule

CHECKIN_EVERY = (1, 2, 4)  # weeks between check-ins
QUIET_CHOICES = ("22:00-07:00", "23:00-08:00", "21:00-06:00", "00:00-09:00")
LANGUAGE_OPTION = "language"  # the /settings button that opens the language menu


class CheckinEveryStep(Step):
    """How often to check in: every week, every 2 weeks or every 4 (settings only)."""

    name = StepName.CHECKIN_EVERY

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
            return Retry(ctx.refusal("hint.checkin_every", text))
        return self.on_choice(ctx, str(int(number)))


class QuietHoursStep(Step):
    """When no proactive message may arrive (settings only); "off" allows any time."""

    name = StepName.QUIET_HOURS

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
            return Retry(ctx.refusal("hint.quiet_hours", text))
        return self.store(ctx, *window)

    def store(self, ctx: Context, start: dt.time, end: dt.time) -> Outcome:
        schedule = ctx.session.get(ReminderSchedule, ctx.learner.id)
        if schedule is not None:  # the terminal learner has none: nothing to change
            schedule.quiet_start, schedule.quiet_end = start, end
        return Next()


class EmailStep(Step):
    """The address badges are issued to (settings only, optional): compared locally, never sent."""

    name = StepName.EMAIL
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
            return Retry(ctx.refusal("hint.email", text))
        ctx.profile.email = address
        ctx.touch()
        return Next()


SETTINGS: dict[StepName, tuple[StepName, ...]] = {  # what /settings can change: the questions each asks
    StepName.GOAL: (StepName.GOAL, StepName.CONFIRM_GOAL, StepName.SKILLS_HELD),
    StepName.LEVEL: (StepName.LEVEL,),
    StepName.SKILLS_HELD: (StepName.SKILLS_HELD,),
    StepName.HOURS: (StepName.HOURS,),
    StepName.BUDGET: (StepName.BUDGET,),
    StepName.FORMATS: (StepName.FORMATS,),
    StepName.COURSE_LANGUAGES: (StepName.COURSE_LANGUAGES,),
    StepName.TIMEZONE: (StepName.TIMEZONE,),
    StepName.CHECKIN_DAY: (StepName.CHECKIN_DAY,),
    StepName.CHECKIN_TIME: (StepName.CHECKIN_TIME,),
    StepName.CHECKIN_EVERY: (StepName.CHECKIN_EVERY,),
    StepName.QUIET_HOURS: (StepName.QUIET_HOURS,),
    StepName.EMAIL: (StepName.EMAIL,),
}
AFFECTS_PLAN = frozenset(ABOUT_THE_PLAN)  # a change of these re-plans at once


class Changing(Values):
    """The setting whose questions are open."""

    setting: StepName | None = None


class LanguageValues(Values):
    """The question flow the language menu interrupted, given back once a language is picked."""

    interrupted: Paused | None = None


def cmd_settings(ctx: Context, _args: str) -> list[Reply]:
    """/settings: every answer as it stands, and a button for each."""
    blocked = ctx.needs_onboarding()
    if blocked:
        return blocked
    options = [Option(key, ctx.text(f"settings.option.{key}")) for key in SETTINGS]
    options.append(Option(LANGUAGE_OPTION, ctx.text(f"settings.option.{LANGUAGE_OPTION}")))
    text = settings_summary(ctx) + "\n\n" + ctx.text("settings.which")
    return [ctx.ask(Question(text, options), flow=Flow.MENU, step=MenuName.SETTINGS_MENU)]


def on_settings_pick(ctx: Context, key: str) -> list[Reply]:
    if key == LANGUAGE_OPTION:
        return cmd_language(ctx, "")
    setting = StepName(key)
    reply = questions.start(ctx, Flow.SETTINGS, SETTINGS[setting])
    ctx.state.values(Changing).setting = setting
    return [reply]


def finish(ctx: Context) -> list[Reply]:
    """A setting's last question answered: re-plan if it changes the plan, else reschedule."""
    changed = ctx.state.values(Changing).setting
    ctx.state.reset()
    if changed in AFFECTS_PLAN and ctx.profile.onboarded_at is not None:
        if plan_is_current(ctx):  # the same value saved again: nothing to re-plan
            return [Reply(ctx.text("plan.settings_unchanged"))]
        return [Reply(ctx.text("settings.saved")), *show_plan(ctx, make_plan(ctx))]
    if ctx.profile.onboarded_at is not None:  # a new day, time or zone: rescheduled at once
        tick.refresh(ctx.session, ctx.learner, ctx.profile, ctx.now())
    return [Reply(ctx.text("settings.saved"))]


def cmd_language(ctx: Context, args: str) -> list[Reply]:
    """Change the bot's language; in the middle of the questions, they go on where they were.

    The menu replaces the current question, so the question's place (flow, step, answers so
    far) is kept aside and given back once a language is picked.
    """
    interrupted = (
        ctx.state.pause()
        if ctx.state.flow in QUESTION_FLOWS
        else ctx.state.values(LanguageValues).interrupted
    )
    wanted = args.strip().lower()[:8]
    if wanted:
        return pick_language(ctx, normalize_language(wanted), interrupted)
    options = [Option(code, ctx.text(f"language.name.{code}")) for code in LANGUAGES]
    reply = ctx.ask(Question(ctx.text("language.which"), options), flow=Flow.MENU, step=MenuName.LANGUAGE)
    ctx.state.values(LanguageValues).interrupted = interrupted
    return [reply]


def on_language_pick(ctx: Context, code: str) -> list[Reply]:
    return pick_language(ctx, code, ctx.state.values(LanguageValues).interrupted)


def pick_language(ctx: Context, code: str, interrupted: Paused | None) -> list[Reply]:
    ctx.learner.language = normalize_language(code)
    ctx.learner.updated_at = utc_now()
    ctx.state.reset()
    changed = Reply(ctx.text("language.changed"))
    if interrupted is None:
        return [changed]
    ctx.state.resume_paused(interrupted)
    return [changed, questions.ask(ctx)]  # the same question, now in the new language


def cmd_pause(ctx: Context, _args: str) -> list[Reply]:
    return set_paused(ctx, paused=True)


def cmd_resume(ctx: Context, _args: str) -> list[Reply]:
    return set_paused(ctx, paused=False)


def set_paused(ctx: Context, *, paused: bool) -> list[Reply]:
    """/pause and /resume: the reminders stop or go on."""
    blocked = ctx.needs_onboarding()
    if blocked:
        return blocked
    changed = tick.set_paused(ctx.session, ctx.learner, ctx.profile, paused, ctx.now())
    if paused:
        return [Reply(ctx.text("reminder.paused_now" if changed else "reminder.already_paused"))]
    return [Reply(ctx.text("reminder.resumed" if changed else "reminder.already_running"))]


router = Router(
    commands={
        "pause": cmd_pause,
        "resume": cmd_resume,
        "settings": cmd_settings,
        "language": cmd_language,
    },
    steps={step.name: step for step in (CheckinEveryStep(), QuietHoursStep(), EmailStep())},
    menus={MenuName.SETTINGS_MENU: on_settings_pick, MenuName.LANGUAGE: on_language_pick},
    inputs={Flow.SETTINGS: questions.on_input},
    finishes={Flow.SETTINGS: finish},
)

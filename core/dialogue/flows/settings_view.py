"""What /settings shows above its buttons: each setting's current value, in the learner's words.

A learner deciding what to change should not have to remember what they answered weeks ago, so
every setting is listed with its value, formatted as the plan formats it (money, hours, days).
"""

from __future__ import annotations

from collections.abc import Callable

from core.dialogue.context import Context
from core.goals.wording import target_label
from core.i18n import format_money, join_list, messages
from core.plans.render_text import format_hours
from core.plans.store import has_goal, profile_target
from core.storage.models import ReminderSchedule

QUIET_OFF = "off"  # the quiet hours' value (and button) for none: an empty window
COURSE_LANGUAGE_NAMES = {"en": "choice.english", "id": "choice.indonesian"}


def _goal(ctx: Context) -> str | None:
    if not has_goal(ctx.catalog, ctx.profile):
        return None
    return target_label(ctx.catalog, ctx.goals, profile_target(ctx.profile), ctx.language)


def _level(ctx: Context) -> str | None:
    return ctx.text(f"level.{ctx.profile.level.value}") if ctx.profile.level else None


def _skills_held(ctx: Context) -> str | None:
    names = [
        ctx.catalog.skills[s].name.get(ctx.language)
        for s in ctx.profile.skills_held
        if s in ctx.catalog.skills
    ]
    return join_list(names, ctx.language) or ctx.text("settings.value.none")


def _hours(ctx: Context) -> str | None:
    hours = ctx.profile.hours_per_week
    return ctx.text("settings.value.hours", hours=format_hours(hours, ctx.language)) if hours else None


def _budget(ctx: Context) -> str | None:
    budget = ctx.profile.monthly_budget
    if budget is None:
        return None
    if budget == 0:
        return ctx.text("choice.free_only")
    return ctx.text(
        "settings.value.budget", amount=format_money(budget, ctx.profile.budget_currency, ctx.language)
    )


def _formats(ctx: Context) -> str | None:
    chosen = [ctx.text(f"format.{value}") for value in ctx.profile.preferred_formats]
    return join_list(chosen, ctx.language) or ctx.text("choice.any")


def _course_languages(ctx: Context) -> str | None:
    names = [ctx.text(COURSE_LANGUAGE_NAMES[code]) for code in ctx.profile.course_languages]
    return join_list(names, ctx.language) or None


def _timezone(ctx: Context) -> str | None:
    """The zone's button label where it has one ("Jakarta (WIB)"), else its IANA name."""
    key = f"zone.{ctx.learner.timezone.replace('/', '_')}"
    return ctx.text(key) if key in messages(ctx.language) else ctx.learner.timezone


def _checkin_day(ctx: Context) -> str | None:
    day = ctx.profile.checkin_weekday
    return ctx.text(f"weekday.{day}") if day is not None else None


def _checkin_time(ctx: Context) -> str | None:
    time = ctx.profile.checkin_time
    return time.strftime("%H:%M") if time is not None else None


def _schedule(ctx: Context) -> ReminderSchedule | None:
    return ctx.session.get(ReminderSchedule, ctx.learner.id)


def _checkin_every(ctx: Context) -> str | None:
    schedule = _schedule(ctx)
    return ctx.text(f"checkin_every.{schedule.every_weeks}") if schedule is not None else None


def _quiet_hours(ctx: Context) -> str | None:
    schedule = _schedule(ctx)
    if schedule is None:
        return None
    if schedule.quiet_start == schedule.quiet_end:
        return ctx.text(f"quiet_hours.{QUIET_OFF}")
    return f"{schedule.quiet_start:%H:%M}-{schedule.quiet_end:%H:%M}"


def _email(ctx: Context) -> str | None:
    return ctx.profile.email or ctx.text("settings.value.none")


def _language(ctx: Context) -> str | None:
    return ctx.text(f"language.name.{ctx.language}")


VALUES: dict[str, Callable[[Context], str | None]] = {
    "goal": _goal,
    "level": _level,
    "skills_held": _skills_held,
    "hours": _hours,
    "budget": _budget,
    "formats": _formats,
    "course_languages": _course_languages,
    "timezone": _timezone,
    "checkin_day": _checkin_day,
    "checkin_time": _checkin_time,
    "checkin_every": _checkin_every,
    "quiet_hours": _quiet_hours,
    "email": _email,
    "language": _language,
}


def settings_summary(ctx: Context) -> str:
    """One line per setting, "Hours per week: 5 h"; a setting not answered yet shows a dash."""
    lines = [ctx.text("settings.current")]
    for key, value in VALUES.items():
        shown = value(ctx) or ctx.text("settings.value.unset")
        lines.append(ctx.text("settings.line", setting=ctx.text(f"settings.option.{key}"), value=shown))
    return "\n".join(lines)

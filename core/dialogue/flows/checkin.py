"""The check-in conversation: what a reminder says, and how the learner's answers update the plan.

A reminder asks about each current plan item in turn (done / a percentage / stuck / skip, by
button or typed, plus snooze buttons).  "Done" asks for the badge or certificate (a link, the
JSON or the image), which is verified and credited to that course; "stuck" offers alternative
courses; answering everything closes the check-in, counts it for the streak, restores the
normal reminder rhythm, and re-plans when the learner is behind, saying plainly what moved.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from pydantic import Field
from sqlmodel import Session

from core.badges.inputs.evidence import Evidence
from core.checkins import tick
from core.checkins.times import snooze_until
from core.dialogue import parsing
from core.dialogue.asking import Option, Question
from core.dialogue.context import Context, Router, Shared
from core.dialogue.flows import badges
from core.dialogue.flows.plan import make_plan, offer_swaps, show_plan
from core.dialogue.state import QUESTION_FLOWS, ConversationState, Flow, MenuName, Values
from core.i18n import month_label
from core.learners import load_for_message
from core.messages import Identity, Inbound, InboundKind, Reply
from core.outbox import enqueue
from core.plans.store import active_plan, plan_items, set_course_status
from core.services import checkins
from core.storage.models import (
    CheckIn,
    CheckInKind,
    Conversation,
    Learner,
    LearnerProfile,
    MessageKind,
    Plan,
    PlanItem,
    PlanItemStatus,
    ReminderSchedule,
)

ANSWERS = ("done", "75", "50", "25", "stuck", "skip")
SNOOZES = ("hour", "tomorrow", "week")
SNOOZE = "snooze:"  # the snooze buttons' values: "snooze:hour"...
BUSY_FOR = dt.timedelta(minutes=30)
_PERCENT = re.compile(r"(?<![\d.,])(\d{1,3})\s*(?:%|persen\b|percent\b|pct\b)", re.IGNORECASE)
_BARE_NUMBER = re.compile(r"(\d{1,3})")  # typed alone at the question of how far: a percentage
PARTIAL = "_partial"  # a part of the course is done: asked how far, as a percentage
KIND_OF_MESSAGE = {
    "checkin": MessageKind.CHECKIN,
    "review": MessageKind.REVIEW,
    "nudge": MessageKind.NUDGE,
    "pause": MessageKind.NUDGE,
}
Deliver = Callable[[Session, Learner, str, dt.datetime, Reply], None]  # where a prepared reminder goes


class CheckinValues(Values):
    """The open check-in: its row, the plan items it asks about, where it is, the answers so far."""

    checkin: int | None = None
    items: list[int] = Field(default_factory=list)
    index: int = 0
    answers: dict[str, str] = Field(default_factory=dict)


# -- proactive side (the scheduler's tick for Telegram, the terminal's prompt for its learner) ------


def composer(shared: Shared, routes: Router, deliver: Deliver) -> tick.Compose:
    """The reminder tick's ``compose``: the reminder prepared and handed to ``deliver``; False (and
    nothing delivered) while the learner is busy answering something else."""

    def compose(
        session: Session, learner: Learner, profile: LearnerProfile, kind: str, now: dt.datetime
    ) -> bool:
        reply = prepare(shared, routes, session, learner, profile, kind, now)
        if reply is not None:
            deliver(session, learner, kind, now, reply)
        return reply is not None

    return compose


def send(session: Session, learner: Learner, kind: str, now: dt.datetime, reply: Reply) -> None:
    """A Telegram learner's reminder, queued in the outbox (sent after the tick's commit)."""
    assert learner.telegram_id is not None  # noqa: S101  (the tick only composes for Telegram learners)
    enqueue(
        session,
        chat_id=learner.telegram_id,
        kind=KIND_OF_MESSAGE[kind],
        reply=reply,
        learner_id=learner.id,
        dedupe_key=f"{kind}:{learner.id}:{now.isoformat(timespec='minutes')}",
    )


def prepare(
    shared: Shared,
    routes: Router,
    session: Session,
    learner: Learner,
    profile: LearnerProfile,
    kind: str,
    now: dt.datetime,
) -> Reply | None:
    """The reminder's message, with the conversation set up for its buttons; None if they are busy."""
    conversation = session.get(Conversation, learner.id) or Conversation(learner_id=learner.id)  # type: ignore[arg-type]
    state = ConversationState.model_validate(conversation.state or {})
    ctx = Context(shared, routes, session, learner, profile, state)
    if state.flow in QUESTION_FLOWS and conversation.updated_at > now - BUSY_FOR:
        return None
    reply = Reply(ctx.text("reminder.paused")) if kind == "pause" else open_checkin(ctx, kind, now)
    conversation.state = state.stored()
    conversation.updated_at = now
    session.add(conversation)
    return reply


def due_for(shared: Shared, routes: Router, identity: Identity, now: dt.datetime) -> list[Reply]:
    """The reminder due for a learner at the keyboard (the terminal): shown, not sent.

    One transaction claims the schedule, opens the check-in and moves the schedule on, so the
    reminder is shown once; nothing when nothing is due or the learner is busy answering
    something else (it stays due for the next prompt).
    """

    def work(session: Session) -> list[Reply]:
        learner, _, _ = load_for_message(session, identity, shared.default_timezone)
        shown: list[Reply] = []
        show = composer(shared, routes, lambda _session, _learner, _kind, _now, reply: shown.append(reply))
        tick.take_due(session, learner, now, show)
        return shown

    return shared.database.transaction(work)


def open_checkin(ctx: Context, kind: str, now: dt.datetime, *, early: bool = False) -> Reply:
    """Record a check-in and ask about its first item (or say there is nothing open).

    Before the plan's first month a reminder only says when it starts; a check-in the learner
    asks for (``early``) covers the first month's courses, for those who started ahead.
    """
    plan = active_plan(ctx.session, ctx.learner.id or 0)
    today = ctx.local_today()
    month = checkins.plan_month_now(plan, today) if plan is not None else 0
    items = (
        checkins.open_items(ctx.session, plan, max(month, 1) if early else month) if plan is not None else []
    )
    check_in = CheckIn(learner_id=ctx.learner.id or 0, kind=CheckInKind(kind), due_at=now)
    ctx.session.add(check_in)
    ctx.session.flush()
    intro = ctx.text(f"checkin.intro.{kind}")
    if kind == "review" and plan is not None:
        intro += "\n\n" + review_summary(ctx, plan, today)
    ctx.state.reset()
    if not items:
        if plan is not None and month < 1:
            starts = month_label(plan.starts_on, ctx.language)
            return Reply(intro + "\n\n" + ctx.text("checkin.not_started", month=starts))
        return Reply(intro + "\n\n" + ctx.text("checkin.nothing_open"))
    values = ctx.state.values(CheckinValues)
    values.items, values.index, values.checkin = [row.id or 0 for row in items], 0, check_in.id
    reply = ask_item(ctx)
    return Reply(intro + "\n\n" + reply.text, reply.buttons)


def review_summary(ctx: Context, plan: Plan, today: dt.date) -> str:
    month = checkins.plan_month_now(plan, today)
    rows = plan_items(ctx.session, plan)
    done = [r for r in rows if r.month < month and r.status is PlanItemStatus.DONE]
    upcoming = [r for r in rows if r.month == month]
    titles = ctx.catalog.courses

    def names(items: list[PlanItem]) -> str:
        found = [titles[r.course_id].title for r in items if r.course_id in titles]
        return "\n".join(f"• {name}" for name in found) or ctx.text("checkin.none")

    return ctx.text("checkin.review", done=names(done), month=month, upcoming=names(upcoming))


# -- the learner's side ---------------------------------------------------------------------------


def cmd_checkin(ctx: Context, _args: str) -> list[Reply]:
    """/checkin: a check-in now, without waiting for the reminder."""
    blocked = ctx.needs_onboarding()
    if blocked:
        return blocked
    return [open_checkin(ctx, "checkin", ctx.now(), early=True)]


def current_item(ctx: Context) -> PlanItem | None:
    values = ctx.state.values(CheckinValues)
    if values.index >= len(values.items):
        return None
    return ctx.session.get(PlanItem, values.items[values.index])


def ask_item(ctx: Context) -> Reply:
    item = current_item(ctx)
    assert item is not None  # noqa: S101  (asked only while items remain)
    course = ctx.catalog.courses.get(item.course_id)
    title = course.title if course else item.course_id
    options = [Option(a, ctx.text(f"checkin.answer.{a}")) for a in ANSWERS]
    if ctx.session.get(ReminderSchedule, ctx.learner.id) is not None:  # no schedule: nothing to snooze
        options += [Option(f"{SNOOZE}{s}", ctx.text(f"checkin.snooze.{s}")) for s in SNOOZES]
    question = Question(
        ctx.text("checkin.ask_item", title=title, percent=item.progress_percent), options, columns=3
    )
    return ctx.ask(question, flow=Flow.CHECKIN, step=MenuName.CHECKIN_ITEM)


def on_item(ctx: Context, value: str) -> list[Reply]:
    """A button (or typed answer) about the current item."""
    item = current_item(ctx)
    if item is None:
        return ctx.expired()
    if value.startswith(SNOOZE):
        return snooze(ctx, value.removeprefix(SNOOZE))
    ctx.state.values(CheckinValues).answers[item.course_id] = value
    if value == "done":
        set_status(ctx, item, PlanItemStatus.DONE, 100)
        return [ask_badge(ctx)]
    if value == "skip":
        set_status(ctx, item, PlanItemStatus.SKIPPED, item.progress_percent)
    elif value != "stuck":  # stuck: read from the answers when the check-in closes
        set_status(ctx, item, PlanItemStatus.IN_PROGRESS, int(value))
    return next_item(ctx)


def on_input(ctx: Context, inbound: Inbound) -> list[Reply] | None:
    """While a check-in is open: the badge for the course just done, or a typed answer."""
    evidence = badges.evidence_of(inbound)
    if ctx.state.step is MenuName.CHECKIN_BADGE and evidence is not None:
        return record_badge(ctx, evidence)
    if inbound.kind is InboundKind.TEXT:
        return on_text(ctx, inbound.text)
    return None


def on_text(ctx: Context, text: str) -> list[Reply]:
    """Typed answers: "done", "50%", "stuck", "skip", "selesai"..., or a badge link.  A part of
    the course done ("almost done", "done with chapter 1") is asked as a percentage."""
    if ctx.state.step is MenuName.CHECKIN_BADGE:
        return on_badge(ctx, text)
    value = parse_answer(ctx, text)
    if value == PARTIAL:
        return [Reply(ctx.refusal("hint.checkin_partial", text)), ask_item(ctx)]
    if value is None:
        return [Reply(ctx.refusal("hint.checkin_answer", text)), ask_item(ctx)]
    return on_item(ctx, value)


def parse_answer(ctx: Context, text: str) -> str | None:
    """What a typed answer says, in this order: a percentage anywhere ("I'm at 60%", "60 persen",
    a bare "25": the question asks how far), stuck or skip said alone, half (50), a part of the
    course (:data:`PARTIAL`), done, then a button's label.  "No problem, done" is done; "I don't
    want to skip", "far from done" and "completed module 1 of 4" are not."""
    percent = _PERCENT.search(text) or _BARE_NUMBER.fullmatch(text.strip())
    if percent is not None:
        value = int(percent.group(1))
        return None if value > 100 else "done" if value == 100 else str(value)
    said = {answer for answer in ("done", "stuck", "skip") if parsing.affirmed(text, f"checkin_{answer}")}
    if len(said) == 1 and said != {"done"}:  # "im stuck, its too hard"; never "I don't want to skip"
        return said.pop()
    if parsing.affirmed(text, "checkin_half"):
        return "50"
    if parsing.affirmed(text, "checkin_partial"):
        return PARTIAL
    if said == {"done"}:  # "udah selesai", "No problem, done"; never "not done yet"
        return "done"
    return ctx.typed_choice(text)


def ask_badge(ctx: Context) -> Reply:
    question = Question(ctx.text("checkin.badge_ask"), [Option("skip", ctx.text("checkin.badge_skip"))])
    return ctx.ask(question, flow=Flow.CHECKIN, step=MenuName.CHECKIN_BADGE)


def on_badge(ctx: Context, value: str) -> list[Reply]:
    """ "Skip" (button or typed) moves on; anything else that is not a badge gets a hint.  While a
    question about the badge just sent is open (is it for this course? keep it anyway?), its yes
    or no settles it and the check-in moves on."""
    if current_item(ctx) is None:
        return ctx.expired()
    pending = ctx.state.values(badges.BadgeValues).badge_pending
    if pending is not None:
        answer = ctx.typed_choice(value) or value
        if answer not in ("yes", "no"):
            return [Reply(ctx.text("checkin.badge_answer_hint"))]
        ctx.state.values(badges.BadgeValues).badge_pending = None
        return badges.settle(ctx, pending, answer) + next_item(ctx)
    if value != "skip" and not parsing.is_word(value, "none"):
        return [Reply(ctx.text("checkin.badge_hint")), ask_badge(ctx)]
    return next_item(ctx)


def record_badge(ctx: Context, evidence: Evidence) -> list[Reply]:
    """The badge for the course just finished: verified, stored, and credited to that course if it
    is that course's (else the learner is asked first, and the check-in waits for the answer)."""
    item = current_item(ctx)
    if item is None:
        return ctx.expired()
    values = ctx.state.values(badges.BadgeValues)
    values.badge_pending = None  # a new badge replaces an unanswered question
    replies = badges.record(ctx, evidence, course_hint=item.course_id)
    if values.badge_pending is not None:
        return replies
    return replies + next_item(ctx)


def set_status(ctx: Context, item: PlanItem, status: PlanItemStatus, percent: int) -> None:
    plan = ctx.session.get(Plan, item.plan_id)
    assert plan is not None  # noqa: S101  (foreign key)
    set_course_status(ctx.session, plan, item.course_id, status, percent, ctx.now())


def next_item(ctx: Context) -> list[Reply]:
    ctx.state.values(CheckinValues).index += 1
    if current_item(ctx) is not None:
        return [ask_item(ctx)]
    return finish(ctx)


def finish(ctx: Context) -> list[Reply]:
    """Close the check-in: streak, rhythm, a re-plan when behind or a course was skipped (its room
    goes to the next courses), then alternatives for each course the learner is stuck on, one
    after the other (the re-plan first, so the swap works on the plan that stands)."""
    values = ctx.state.values(CheckinValues)
    learner_id = ctx.learner.id or 0
    checkins.close(ctx.session, learner_id, values.checkin, values.answers, ctx.now())
    answers = dict(values.answers)
    stuck = [course_id for course_id, answer in answers.items() if answer == "stuck"]
    behind = checkins.is_behind(ctx.session, learner_id, ctx.local_today())
    skipped = "skip" in answers.values()  # a skipped course leaves the plan
    ctx.state.reset()
    replies = [Reply(ctx.text("checkin.thanks", streak=checkins.streak(ctx.session, learner_id)))]
    if behind or skipped:
        result = make_plan(ctx)
        replies.append(Reply(ctx.text("checkin.replanned" if behind else "checkin.replanned_skipped")))
        if not stuck:  # else the plan comes with the swap
            replies.extend(show_plan(ctx, result))
    if stuck:
        replies.extend(offer_swaps(ctx, stuck))
    return replies


def snooze(ctx: Context, choice: str) -> list[Reply]:
    now = ctx.now()
    time = ctx.profile.checkin_time or dt.time(19, 0)
    until = snooze_until(now, ctx.zone(), choice, time)
    tick.snooze(ctx.session, ctx.learner, until, now)
    ctx.state.reset()
    return [Reply(ctx.text(f"checkin.snoozed.{choice}"))]


router = Router(
    commands={"checkin": cmd_checkin},
    menus={MenuName.CHECKIN_ITEM: on_item, MenuName.CHECKIN_BADGE: on_badge},
    inputs={Flow.CHECKIN: on_input},
)

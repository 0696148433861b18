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
from typing import TYPE_CHECKING

from sqlmodel import Session

from core.badges.inputs.evidence import Evidence
from core.checkins import tick as service
from core.checkins.times import snooze_until
from core.dates import months_between
from core.dialogue import parsing
from core.dialogue.state import QUESTION_FLOWS, Flow
from core.dialogue.steps import Context, Option, Question, refusal
from core.i18n import month_label
from core.learners import load_for_message
from core.messages import Identity, Reply
from core.outbox import enqueue
from core.plans.store import active_plan, plan_items, set_course_status
from core.storage.models import (
    CheckIn,
    CheckInKind,
    CheckInStatus,
    Conversation,
    Learner,
    LearnerProfile,
    MessageKind,
    Plan,
    PlanItem,
    PlanItemStatus,
    ReminderSchedule,
)

if TYPE_CHECKING:
    from core.dialogue.engine import Dialogue

ANSWERS = ("done", "75", "50", "25", "stuck", "skip")
SNOOZES = ("hour", "tomorrow", "week")
MAX_ITEMS = 5
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


def plan_month_now(plan: Plan, today: dt.date) -> int:
    """Which plan month ``today`` is in (1-based; 0 before the plan starts)."""
    return months_between(plan.starts_on, today) + 1


def open_items(session: Session, plan: Plan, month: int) -> list[PlanItem]:
    """Items due by ``month`` and not finished: this month's, and earlier ones still open."""
    rows = [
        row
        for row in plan_items(session, plan)
        if row.month <= month and row.status in (PlanItemStatus.PLANNED, PlanItemStatus.IN_PROGRESS)
    ]
    seen: set[str] = set()
    unique = []
    for row in rows:  # a course split over months is asked about once
        if row.course_id not in seen:
            seen.add(row.course_id)
            unique.append(row)
    return unique[:MAX_ITEMS]


class CheckIns:
    """Check-ins for one :class:`Dialogue` (it owns the question and plan machinery)."""

    def __init__(self, dialogue: Dialogue) -> None:
        self.dialogue = dialogue

    # -- proactive side (the scheduler's tick for Telegram, the terminal's prompt for its learner) --

    def compose(
        self,
        session: Session,
        learner: Learner,
        profile: LearnerProfile,
        kind: str,
        now: dt.datetime,
    ) -> bool:
        """Queue the reminder for a Telegram ``learner`` and set up its buttons; False if they are busy."""
        reply = self.prepare(session, learner, profile, kind, now)
        if reply is None:
            return False
        assert learner.telegram_id is not None  # noqa: S101  (the tick only composes for Telegram learners)
        enqueue(
            session,
            chat_id=learner.telegram_id,
            kind=KIND_OF_MESSAGE[kind],
            reply=reply,
            learner_id=learner.id,
            dedupe_key=f"{kind}:{learner.id}:{now.isoformat(timespec='minutes')}",
        )
        return True

    def prepare(
        self, session: Session, learner: Learner, profile: LearnerProfile, kind: str, now: dt.datetime
    ) -> Reply | None:
        """The reminder's message, with the conversation set up for its buttons; None if they are busy."""
        conversation = session.get(Conversation, learner.id) or Conversation(learner_id=learner.id)  # type: ignore[arg-type]
        ctx = self.dialogue.context(session, learner, profile, conversation)
        if ctx.state.flow in QUESTION_FLOWS and conversation.updated_at > now - BUSY_FOR:
            return None
        reply = Reply(ctx.text("reminder.paused")) if kind == "pause" else self.open_checkin(ctx, kind, now)
        conversation.state = ctx.state.model_dump(mode="json")
        conversation.updated_at = now
        session.add(conversation)
        return reply

    def due_for(self, identity: Identity, now: dt.datetime | None = None) -> list[Reply]:
        """The reminder due for a learner at the keyboard (the terminal): shown, not sent.

        One transaction claims the schedule, opens the check-in and moves the schedule on, so the
        reminder is shown once; nothing when nothing is due or the learner is busy answering
        something else (it stays due for the next prompt).
        """
        when = now or self.dialogue.clock()

        def work(session: Session) -> list[Reply]:
            learner, _, _ = load_for_message(session, identity, self.dialogue.default_timezone)
            shown: list[Reply] = []

            def show(
                session: Session, learner: Learner, profile: LearnerProfile, kind: str, now: dt.datetime
            ) -> bool:
                reply = self.prepare(session, learner, profile, kind, now)
                if reply is None:
                    return False
                shown.append(reply)
                return True

            service.take_due(session, learner, when, show)
            return shown

        return self.dialogue.database.transaction(work)

    def open_checkin(self, ctx: Context, kind: str, now: dt.datetime, *, early: bool = False) -> Reply:
        """Record a check-in and ask about its first item (or say there is nothing open).

        Before the plan's first month a reminder only says when it starts; a check-in the learner
        asks for (``early``) covers the first month's courses, for those who started ahead.
        """
        plan = active_plan(ctx.session, ctx.learner.id or 0)
        today = self.dialogue.local_today(ctx)
        month = plan_month_now(plan, today) if plan is not None else 0
        items = open_items(ctx.session, plan, max(month, 1) if early else month) if plan is not None else []
        check_in = CheckIn(
            learner_id=ctx.learner.id or 0,
            kind=CheckInKind(kind),
            due_at=now,
        )
        ctx.session.add(check_in)
        ctx.session.flush()
        intro = ctx.text(f"checkin.intro.{kind}")
        if kind == "review" and plan is not None:
            intro += "\n\n" + self.review_summary(ctx, plan, today)
        if not items:
            ctx.state.reset()
            if plan is not None and month < 1:
                starts = month_label(plan.starts_on, ctx.language)
                return Reply(intro + "\n\n" + ctx.text("checkin.not_started", month=starts))
            return Reply(intro + "\n\n" + ctx.text("checkin.nothing_open"))
        ctx.state.reset()
        ctx.state.scratch.update(
            {"items": [row.id for row in items], "index": 0, "checkin": check_in.id, "answers": {}}
        )
        reply = self.ask_item(ctx)
        return Reply(intro + "\n\n" + reply.text, reply.buttons)

    def review_summary(self, ctx: Context, plan: Plan, today: dt.date) -> str:
        month = plan_month_now(plan, today)
        rows = plan_items(ctx.session, plan)
        done = [r for r in rows if r.month < month and r.status is PlanItemStatus.DONE]
        upcoming = [r for r in rows if r.month == month]
        titles = self.dialogue.catalog.courses

        def names(items: list[PlanItem]) -> str:
            found = [titles[r.course_id].title for r in items if r.course_id in titles]
            return "\n".join(f"• {name}" for name in found) or ctx.text("checkin.none")

        return ctx.text("checkin.review", done=names(done), month=month, upcoming=names(upcoming))

    # -- the learner's side -------------------------------------------------------------------

    def current_item(self, ctx: Context) -> PlanItem | None:
        scratch = ctx.state.scratch
        items, index = scratch.get("items", []), scratch.get("index", 0)
        if index >= len(items):
            return None
        return ctx.session.get(PlanItem, items[index])

    def ask_item(self, ctx: Context) -> Reply:
        item = self.current_item(ctx)
        assert item is not None  # noqa: S101  (asked only while items remain)
        course = self.dialogue.catalog.courses.get(item.course_id)
        title = course.title if course else item.course_id
        options = [Option(a, ctx.text(f"checkin.answer.{a}")) for a in ANSWERS]
        if ctx.session.get(ReminderSchedule, ctx.learner.id) is not None:  # no schedule: nothing to snooze
            options += [Option(f"snooze:{s}", ctx.text(f"checkin.snooze.{s}")) for s in SNOOZES]
        question = Question(
            ctx.text("checkin.ask_item", title=title, percent=item.progress_percent), options, columns=3
        )
        return self.dialogue.question_reply(ctx, question, flow=Flow.CHECKIN, step="checkin_item")

    def on_item(self, ctx: Context, value: str) -> list[Reply]:
        """A button (or typed answer) about the current item."""
        item = self.current_item(ctx)
        if item is None:
            return self.dialogue.expired(ctx)
        if value.startswith("snooze:"):
            return self.snooze(ctx, value.removeprefix("snooze:"))
        ctx.state.scratch["answers"][item.course_id] = value
        if value == "done":
            self.set_status(ctx, item, PlanItemStatus.DONE, 100)
            return [self.ask_badge(ctx)]
        if value == "skip":
            self.set_status(ctx, item, PlanItemStatus.SKIPPED, item.progress_percent)
        elif value != "stuck":  # stuck: read from the answers when the check-in closes
            self.set_status(ctx, item, PlanItemStatus.IN_PROGRESS, int(value))
        return self.next_item(ctx)

    def on_text(self, ctx: Context, text: str) -> list[Reply]:
        """Typed answers: "done", "50%", "stuck", "skip", "selesai"..., or a badge link.  A part of
        the course done ("almost done", "done with chapter 1") is asked as a percentage."""
        if ctx.state.step == "checkin_badge":
            return self.on_badge(ctx, text)
        value = self.parse_answer(ctx, text)
        if value == PARTIAL:
            return [Reply(refusal(ctx, "hint.checkin_partial", text)), self.ask_item(ctx)]
        if value is None:
            return [Reply(refusal(ctx, "hint.checkin_answer", text)), self.ask_item(ctx)]
        return self.on_item(ctx, value)

    def parse_answer(self, ctx: Context, text: str) -> str | None:
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
        return self.dialogue.typed_choice(ctx, text)

    def ask_badge(self, ctx: Context) -> Reply:
        question = Question(ctx.text("checkin.badge_ask"), [Option("skip", ctx.text("checkin.badge_skip"))])
        return self.dialogue.question_reply(ctx, question, flow=Flow.CHECKIN, step="checkin_badge")

    def on_badge(self, ctx: Context, value: str) -> list[Reply]:
        """ "Skip" (button or typed) moves on; anything else that is not a badge gets a hint.  While a
        question about the badge just sent is open (is it for this course? keep it anyway?), its yes
        or no settles it and the check-in moves on."""
        if self.current_item(ctx) is None:
            return self.dialogue.expired(ctx)
        pending = ctx.state.scratch.get("badge_pending")
        if pending is not None:
            answer = self.dialogue.typed_choice(ctx, value) or value
            if answer not in ("yes", "no"):
                return [Reply(ctx.text("checkin.badge_answer_hint"))]
            del ctx.state.scratch["badge_pending"]
            return self.dialogue.badges.settle(ctx, pending, answer) + self.next_item(ctx)
        if value != "skip" and not parsing.is_word(value, "none"):
            return [Reply(ctx.text("checkin.badge_hint")), self.ask_badge(ctx)]
        return self.next_item(ctx)

    def record_badge(self, ctx: Context, evidence: Evidence) -> list[Reply]:
        """The badge for the course just finished: verified, stored, and credited to that course if
        it is that course's (else the learner is asked first, and the check-in waits for the answer)."""
        item = self.current_item(ctx)
        if item is None:
            return self.dialogue.expired(ctx)
        ctx.state.scratch.pop("badge_pending", None)  # a new badge replaces an unanswered question
        replies = self.dialogue.badges.record(ctx, evidence, course_hint=item.course_id)
        if "badge_pending" in ctx.state.scratch:
            return replies
        return replies + self.next_item(ctx)

    def set_status(self, ctx: Context, item: PlanItem, status: PlanItemStatus, percent: int) -> None:
        set_course_status(
            ctx.session, self.plan_of(ctx, item), item.course_id, status, percent, self.dialogue.clock()
        )

    def plan_of(self, ctx: Context, item: PlanItem) -> Plan:
        plan = ctx.session.get(Plan, item.plan_id)
        assert plan is not None  # noqa: S101  (foreign key)
        return plan

    def next_item(self, ctx: Context) -> list[Reply]:
        ctx.state.scratch["index"] = ctx.state.scratch.get("index", 0) + 1
        if self.current_item(ctx) is not None:
            return [self.ask_item(ctx)]
        return self.finish(ctx)

    def finish(self, ctx: Context) -> list[Reply]:
        """Close the check-in: streak, rhythm, a re-plan when behind or a course was skipped (its
        room goes to the next courses), then alternatives for each course the learner is stuck on,
        one after the other (the re-plan first, so the swap works on the plan that stands)."""
        now = self.dialogue.clock()
        scratch = ctx.state.scratch
        check_in = ctx.session.get(CheckIn, scratch.get("checkin"))
        if check_in is not None:
            check_in.status, check_in.answered_at = CheckInStatus.ANSWERED, now
            check_in.response = dict(scratch.get("answers", {}))
        service.answered(ctx.session, ctx.learner.id or 0, now)
        answers: dict[str, str] = scratch.get("answers", {})
        stuck = [course_id for course_id, answer in answers.items() if answer == "stuck"]
        behind = self.is_behind(ctx)
        skipped = "skip" in answers.values()  # a skipped course leaves the plan
        ctx.state.reset()
        replies = [Reply(ctx.text("checkin.thanks", streak=self.dialogue.streak(ctx)))]
        if behind or skipped:
            result = self.dialogue.make_plan(ctx)
            replies.append(Reply(ctx.text("checkin.replanned" if behind else "checkin.replanned_skipped")))
            if not stuck:  # else the plan comes with the swap
                replies.extend(self.dialogue.show_plan(ctx, result))
        if stuck:
            replies.extend(self.dialogue.offer_swaps(ctx, stuck))
        return replies

    def is_behind(self, ctx: Context) -> bool:
        """Courses from past months still open: the plan no longer matches the calendar."""
        plan = active_plan(ctx.session, ctx.learner.id or 0)
        if plan is None:
            return False
        month = plan_month_now(plan, self.dialogue.local_today(ctx))
        return any(
            row.month < month and row.status in (PlanItemStatus.PLANNED, PlanItemStatus.IN_PROGRESS)
            for row in plan_items(ctx.session, plan)
        )

    def snooze(self, ctx: Context, choice: str) -> list[Reply]:
        now = self.dialogue.clock()
        time = ctx.profile.checkin_time or dt.time(19, 0)
        until = snooze_until(now, self.dialogue.zone(ctx), choice, time)
        service.snooze(ctx.session, ctx.learner, until, now)
        ctx.state.reset()
        return [Reply(ctx.text(f"checkin.snoozed.{choice}"))]

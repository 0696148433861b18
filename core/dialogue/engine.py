"""The dialogue engine: (learner, channel-neutral input) -> replies, one transaction per message.

Everything a learner says goes through :meth:`Dialogue.handle`: the learner is found (or
created), their conversation state is loaded from the database, the input is routed (a command,
a button, typed text, a location), and the new state is saved in the same unit of work.  A
restart between two messages therefore continues at the same question.

Routing, top to bottom:
- commands (``COMMANDS``) work everywhere, including in the middle of a question;
- a button is accepted only if the current question issued it (else: "this button has expired",
  and nothing changes); typed text is never told about buttons: a question that no longer
  applies (:meth:`Dialogue.expired`) reads it as if none were open;
- inside a flow, typed text and locations go to the current step (:mod:`core.dialogue.steps`);
- outside a flow, a menu (plan actions, settings, language, swap) takes the button or a number;
- anything else gets a helpful answer, never silence.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import replace
from operator import attrgetter
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from core.badges.verify import BadgeVerifier
from core.catalog import Catalog
from core.catalog.matching import Matcher
from core.checkins import tick as schedule
from core.dates import add_months
from core.dialogue import parsing
from core.dialogue.badges import BadgeDesk, evidence_of
from core.dialogue.checkin import CheckIns
from core.dialogue.commands import COMMANDS, command_list
from core.dialogue.settings_view import settings_summary
from core.dialogue.state import QUESTION_FLOWS, ConversationState, Flow
from core.dialogue.steps import (
    AFFECTS_PLAN,
    ONBOARDING,
    SETTINGS,
    STEPS,
    Context,
    Goto,
    Option,
    Outcome,
    Question,
    Retry,
    Stay,
)
from core.goals import GoalReader
from core.goals.wording import target_label
from core.i18n import LANGUAGES, join_list, normalize_language, t
from core.learners import load_for_message
from core.limits import MAX_HOURS_PER_WEEK, MIN_HOURS_PER_WEEK
from core.messages import Button, Identity, Inbound, InboundKind, Reply
from core.planner import PlanRequest, PlanResult, alternatives, plan_months, replan
from core.planner.standing import standing
from core.plans.render_text import alternative_label, format_hours, render_plan
from core.plans.store import (
    active_plan,
    has_goal,
    hours_studied_since,
    learner_progress,
    load_plan,
    profile_target,
    request_from_profile,
    same_goal,
    same_settings,
    save_plan,
    starting_months,
)
from core.settings import SHIPPED_DATA_DIR
from core.storage.db import Database
from core.storage.db_types import utc_now
from core.storage.models import CheckIn, CheckInStatus, Conversation, Learner, LearnerProfile

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]
_SHARED_TRANSACTION: ContextVar[bool] = ContextVar("shared_transaction", default=False)
EARLIER_ANSWERS = "earlier_answers"  # scratch: the profile's answers before a restart of the questions
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
LESS_HOURS = 0.8  # "too much" then "too little" comes back to the same hours: 0.8 x 1.25 = 1
MORE_HOURS = 1.25
START_THIS_MONTH_UNTIL_DAY = 7  # a plan made in the first week starts this month, later ones next month
PLAN_ACTIONS = ("swap", "less", "more", "regenerate")
KEEP = "keep"  # the swap menu's "keep it": the course stays


def _payload(version: int, index: int) -> str:
    return f"{version}.{index}"


class HandleAlone(Exception):
    """A message in a group needs a transaction of its own: the group is handled one by one."""


# menus that show something with buttons to act on it (the plan, the badges), not a question
# waiting for its answer: a learner coming back is not shown them again (see Dialogue.resume)
VIEWS = frozenset({"plan_actions", "badges_menu"})


def _rows(buttons: list[Button], columns: int) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(buttons[i : i + columns]) for i in range(0, len(buttons), columns))


def merge_plain(replies: list[Reply]) -> list[Reply]:
    """Join a plain reply (no buttons, no file) with the one after it: one message, not two.

    "Saved." followed by the plan, or a hint followed by the question again, read better as one
    message, and a learner's phone buzzes once.
    """
    merged: list[Reply] = []
    for reply in replies:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and not previous.buttons
            and not previous.attachment
            and not previous.location_button
        ):
            merged[-1] = replace(reply, text=f"{previous.text}\n\n{reply.text}")
        else:
            merged.append(reply)
    return merged


class Dialogue:
    """The conversation, shared by every channel."""

    def __init__(
        self,
        database: Database,
        catalog: Catalog,
        *,
        default_timezone: str = "UTC",
        matcher: Matcher | None = None,
        goal_reader: GoalReader | None = None,
        clock: Clock | None = None,
        verifier: BadgeVerifier | None = None,
    ) -> None:
        self.database = database
        self.catalog = catalog
        self.matcher = matcher or (goal_reader.matcher if goal_reader is not None else Matcher(catalog))
        self.goal_reader = goal_reader or GoalReader.for_catalog(catalog, SHIPPED_DATA_DIR, self.matcher)
        self.default_timezone = default_timezone
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._verifier = verifier
        self.checkins = CheckIns(self)
        self.badges = BadgeDesk(self)
        self.commands: dict[str, Callable[[Context, str], list[Reply]]] = {
            command.name: attrgetter(command.handler)(self) for command in COMMANDS
        }
        self.menus: dict[str, Callable[[Context, str], list[Reply]]] = {
            "plan_actions": self.on_plan_action,
            "swap_pick": self.on_swap_pick,
            "swap_with": self.on_swap_with,
            "start_over": self.on_start_over,
            "settings_menu": self.on_settings_pick,
            "language": self.on_language_pick,
            "checkin_item": self.checkins.on_item,
            "checkin_badge": self.checkins.on_badge,
            "badges_menu": self.badges.on_menu,
            "badge_pick": self.badges.on_pick,
            "badge_add": self.badges.on_add_choice,
            "badge_course": self.badges.on_course,
            "forget_confirm": self.badges.on_forget,
        }

    @property
    def verifier(self) -> BadgeVerifier:
        """The badge verifier; without one given, a default with contexts cached in memory only.

        Not inside a shared transaction: checking a badge fetches over the network for seconds,
        and the group's other learners would wait for it (see :meth:`handle_together`).
        """
        if _SHARED_TRANSACTION.get():
            raise HandleAlone("a badge is checked in a transaction of its own")
        if self._verifier is None:
            self._verifier = BadgeVerifier.for_data_dir(None, clock=self.clock)
        return self._verifier

    # -- entry point -------------------------------------------------------------------------

    def handle(self, identity: Identity, inbound: Inbound) -> list[Reply]:
        """Everything that one message from one learner causes, in one transaction."""
        return self.database.transaction(lambda session: self._answer(session, identity, inbound))

    def handle_together(
        self, messages: Sequence[tuple[Identity, Inbound]], budget_seconds: float = math.inf
    ) -> list[list[Reply] | Exception]:
        """Messages of different learners in one transaction: one BEGIN and one COMMIT for several.

        A busy worker on PostgreSQL has several learners waiting; their messages are independent
        (a learner has one message in flight at a time), and each transaction's BEGIN and COMMIT is
        two of a simple answer's five round trips.  Nobody is answered before the commit, so the
        transaction takes messages in order only until ``budget_seconds`` have gone by, and the
        answers are for that first part of ``messages`` (at least one); the caller offers the rest
        again.  If a message fails, nothing of the group is kept and the messages it had taken are
        handled again alone, so one learner's failure costs the others only time.  Each answer is
        the replies, or the exception the message raised alone.
        """
        if len(messages) == 1:
            return [self._alone(*messages[0])]
        taken: list[tuple[Identity, Inbound]] = []

        def work(session: Session) -> list[list[Reply] | Exception]:
            taken.clear()  # a retry on a new connection starts the group again
            deadline = time.monotonic() + budget_seconds
            answers: list[list[Reply] | Exception] = []
            for identity, inbound in messages:
                taken.append((identity, inbound))
                answers.append(self._answer(session, identity, inbound))
                if time.monotonic() >= deadline:
                    break
            return answers

        shared = _SHARED_TRANSACTION.set(True)
        try:
            return self.database.transaction(work)
        except HandleAlone:
            pass
        except Exception:  # whatever it was, each message taken gets its own try below
            log.warning("a group of %d messages failed; handling each alone", len(taken), exc_info=True)
        finally:
            _SHARED_TRANSACTION.reset(shared)
        return [self._alone(identity, inbound) for identity, inbound in taken or messages[:1]]

    def _alone(self, identity: Identity, inbound: Inbound) -> list[Reply] | Exception:
        try:
            return self.handle(identity, inbound)
        except Exception as exc:  # noqa: BLE001  (returned to the caller, who logs and apologises)
            return exc

    def _answer(self, session: Session, identity: Identity, inbound: Inbound) -> list[Reply]:
        learner, profile, conversation = load_for_message(session, identity, self.default_timezone)
        ctx = self.context(session, learner, profile, conversation)
        replies = self.route(ctx, inbound)
        conversation.state = ctx.state.model_dump(mode="json")
        conversation.updated_at = utc_now()
        return merge_plain(replies)

    def context(
        self, session: Session, learner: Learner, profile: LearnerProfile, conversation: Conversation
    ) -> Context:
        state = ConversationState.model_validate(conversation.state or {})
        return Context(session, self.catalog, self.matcher, learner, profile, state, self.goal_reader)

    def remind(self, now: dt.datetime | None = None) -> schedule.TickResult:
        """One scheduler tick: every learner due at ``now`` gets their message queued (in batches)."""
        now = now or self.clock()
        total = schedule.TickResult()
        while True:
            batch = self.database.transaction(
                lambda session: schedule.tick(session, now, self.checkins.compose)
            )
            total.sent += batch.sent
            total.postponed += batch.postponed
            total.paused += batch.paused
            if batch.claimed < schedule.TICK_BATCH:
                return total

    def route(self, ctx: Context, inbound: Inbound) -> list[Reply]:
        """Send one message where it belongs: a command to its handler, a button to the question
        that issued it, text to the open flow (questions, check-in, badge), a badge anywhere to the
        badge desk, "I finished X" to recording it; anything else gets the help."""
        state = ctx.state
        ctx.said = inbound.text if inbound.kind is InboundKind.TEXT else None
        if inbound.kind is InboundKind.COMMAND:
            handler = self.commands.get(inbound.command)
            if handler is None:
                return [
                    Reply(
                        ctx.text("unknown_command", command=inbound.command[:32])
                        + "\n\n"
                        + command_list(ctx.language)
                    )
                ]
            return handler(ctx, inbound.text)
        if inbound.kind is InboundKind.CHOICE:
            value = state.offered.get(inbound.payload)
            if value is None:
                return [Reply(ctx.text("button_expired"))]
            if state.flow in QUESTION_FLOWS:
                return self.advance(ctx, STEPS[state.step or ""].on_choice(ctx, value))
            return self.menus[state.step or ""](ctx, value)
        if state.flow in QUESTION_FLOWS:
            step = STEPS[state.step or ""]
            if (
                inbound.kind is InboundKind.LOCATION
                and inbound.latitude is not None
                and inbound.longitude is not None
            ):
                return self.advance(ctx, step.on_location(ctx, inbound.latitude, inbound.longitude))
            if inbound.kind is InboundKind.TEXT and inbound.text.strip():
                labelled = self.label_choice(ctx, inbound.text)
                if labelled is not None:  # typing a button's label is pressing it
                    return self.advance(ctx, step.on_choice(ctx, labelled))
                switched = self.follow_written_language(ctx, inbound.text)
                return [*switched, *self.advance(ctx, step.on_text(ctx, inbound.text))]
            return [Reply(ctx.text("hint.text_please")), self.ask(ctx)]
        evidence = evidence_of(inbound)
        if inbound.kind is InboundKind.FILE and evidence is None:
            key = "badges.file_unreadable" if inbound.attachment is None else "badges.not_a_badge_file"
            return [Reply(ctx.text(key))]
        if state.flow == Flow.CHECKIN and state.step == "checkin_badge" and evidence is not None:
            return self.checkins.record_badge(ctx, evidence)
        if state.flow == Flow.CHECKIN and inbound.kind is InboundKind.TEXT:
            return self.checkins.on_text(ctx, inbound.text)
        if state.flow == Flow.BADGE:
            return self.badges.on_add(ctx, inbound, evidence)
        if state.flow == Flow.MENU and inbound.kind is InboundKind.TEXT:
            chosen = self.typed_choice(ctx, inbound.text)
            if chosen is not None:
                return self.menus[state.step or ""](ctx, chosen)
        if evidence is not None and ctx.profile.onboarded_at is not None:
            ctx.state.reset()
            return self.badges.record(ctx, evidence)
        finished = self.finished_course(ctx, inbound)
        if finished is not None:
            return finished
        return self.outside_flow(ctx, inbound)

    def follow_written_language(self, ctx: Context, text: str) -> list[Reply]:
        """The first answer of the questions, written plainly in the other language we speak, moves
        the conversation to that language (a phone set to English, a learner writing Indonesian),
        and says so, with how to go back."""
        state = ctx.state
        if state.flow != Flow.ONBOARDING or state.history:
            return []
        written = parsing.written_in(text)
        if written is None or written == ctx.language or written not in LANGUAGES:
            return []
        previous = ctx.language
        ctx.learner.language = written
        ctx.learner.updated_at = utc_now()
        return [Reply(ctx.text("language.followed", back=previous))]

    def label_choice(self, ctx: Context, text: str) -> str | None:
        """The value of the current question's button whose label is ``text`` (ticks ignored)."""
        wanted = text.strip().casefold()
        for value, label in ctx.state.scratch.get("labels", {}).items():
            if label.removeprefix("✓ ").strip().casefold() == wanted:
                return str(value)
        return None

    def typed_choice(self, ctx: Context, text: str) -> str | None:
        """A menu answered by typing its number or its label; a yes/no menu also by "yes", "ya",
        "no", "tidak" and the like.  A question ("yes?", "wait what?") or a denied yes ("nggak
        yakin") is a no: nothing is confirmed, least of all deleting everything (/forget)."""
        options = list(ctx.state.offered.values())
        stripped = text.strip()
        if stripped.isdigit() and 1 <= int(stripped) <= len(options):
            return options[int(stripped) - 1]
        answer = parsing.yes_or_no(stripped)
        if answer is not None and answer in options and {"yes", "no"} <= set(options):
            return answer
        return self.label_choice(ctx, stripped)

    def finished_course(self, ctx: Context, inbound: Inbound) -> list[Reply] | None:
        """ "I finished X" / "saya sudah selesai X" outside a question, once set up: the courses it may
        be, to record as self-reported (as /badges -> Add does); None for any other text."""
        if inbound.kind is not InboundKind.TEXT or ctx.profile.onboarded_at is None:
            return None
        return self.badges.on_finished(ctx, inbound.text)

    def outside_flow(self, ctx: Context, inbound: Inbound) -> list[Reply]:
        """Input no question is waiting for; a text in a language we do not read first hears which
        languages we do."""
        foreign = inbound.kind is InboundKind.TEXT and parsing.foreign_language(inbound.text)
        languages = [ctx.text("hint.languages")] if foreign else []
        if ctx.profile.onboarded_at is None:
            return [Reply("\n\n".join([*languages, ctx.text("free_text.start_first")]))]
        if inbound.kind is InboundKind.TEXT:
            return [Reply("\n\n".join([*languages, ctx.text("free_text.help")]))]
        return [Reply(ctx.text("hint.unsupported") + "\n\n" + ctx.text("free_text.help"))]

    def expired(self, ctx: Context) -> list[Reply]:
        """The answer to input for a question that no longer applies (its course or plan is gone):
        a pressed button has expired; typed text is read as if no question were open."""
        if ctx.said is None:
            return [Reply(ctx.text("button_expired"))]
        ctx.state.reset()
        return self.outside_flow(ctx, Inbound(InboundKind.TEXT, text=ctx.said))

    # -- asking ------------------------------------------------------------------------------

    def question_reply(self, ctx: Context, question: Question, *, flow: Flow | None, step: str) -> Reply:
        """Show ``question`` and remember the buttons it issued (older ones expire)."""
        state = ctx.state
        state.flow, state.step = flow, step
        state.version += 1
        state.offered = {
            _payload(state.version, i): option.value for i, option in enumerate(question.options)
        }
        state.scratch["labels"] = {option.value: option.label for option in question.options}
        buttons = [
            Button(option.label, _payload(state.version, i)) for i, option in enumerate(question.options)
        ]
        location = ctx.text("ask.location_button") if question.ask_location else ""
        state.scratch["asked"] = {"text": question.text, "columns": question.columns, "location": location}
        return Reply(question.text, _rows(buttons, question.columns), location_button=location)

    def resume(self, identity: Identity) -> Reply | None:
        """The question a learner left open (a check-in, a menu, the setup questions), asked again
        with the same buttons, for a channel the learner comes back to (the terminal reopened):
        greeting them instead would leave it open and their next answer unread.  None when no
        question is open."""

        def work(session: Session) -> Reply | None:
            learner, _, conversation = load_for_message(session, identity, self.default_timezone)
            state = ConversationState.model_validate(conversation.state or {})
            asked = state.scratch.get("asked")
            if state.flow is None or asked is None or state.step in VIEWS:
                return None
            labels = state.scratch.get("labels", {})
            buttons = [Button(labels.get(value, value), payload) for payload, value in state.offered.items()]
            text = f"{t('start.continue', learner.language)}\n\n{asked['text']}"  # where they left off
            return Reply(text, _rows(buttons, asked["columns"]), location_button=asked["location"])

        return self.database.transaction(work)

    def ask(self, ctx: Context) -> Reply:
        state = ctx.state
        step = STEPS[state.step or ""]
        question = step.ask(ctx)
        sequence = state.scratch.get("sequence", [])
        if state.flow == Flow.ONBOARDING and state.step in sequence:
            position = ctx.text(
                "onboarding.position", number=sequence.index(state.step) + 1, total=len(sequence)
            )
            question.text = f"{position}\n{question.text}"
        return self.question_reply(ctx, question, flow=state.flow, step=state.step or "")

    def start_flow(self, ctx: Context, flow: Flow, sequence: tuple[str, ...]) -> Reply:
        ctx.state.reset()
        ctx.state.flow, ctx.state.step = flow, sequence[0]
        ctx.state.scratch["sequence"] = list(sequence)
        return self.ask(ctx)

    def advance(self, ctx: Context, outcome: Outcome) -> list[Reply]:
        state = ctx.state
        if isinstance(outcome, Retry):
            return [Reply(outcome.hint), self.ask(ctx)]
        if isinstance(outcome, Stay):
            return [self.ask(ctx)]
        if isinstance(outcome, Goto):
            state.step = outcome.step
            return [self.ask(ctx)]
        noted = [Reply(outcome.note)] if outcome.note else []  # how the answer was read
        sequence = state.scratch.get("sequence", [])
        current = state.step or ""
        state.history.append(current)
        following = sequence[sequence.index(current) + 1 :] if current in sequence else []
        following = [step for step in following if step not in outcome.skip]
        if following:
            state.step = following[0]
            return [*noted, self.ask(ctx)]
        return [*noted, *self.finish_flow(ctx)]

    def finish_flow(self, ctx: Context) -> list[Reply]:
        flow = ctx.state.flow
        changed = ctx.state.scratch.get("setting")
        ctx.state.reset()
        if flow == Flow.ONBOARDING:
            ctx.profile.onboarded_at = utc_now()
            replies = [Reply(ctx.text("onboarding.done")), *self.show_plan(ctx, self.make_plan(ctx))]
        elif changed in AFFECTS_PLAN and ctx.profile.onboarded_at is not None:
            if self.plan_is_current(ctx):  # the same value saved again: nothing to re-plan
                return [Reply(ctx.text("plan.settings_unchanged"))]
            replies = [Reply(ctx.text("settings.saved")), *self.show_plan(ctx, self.make_plan(ctx))]
        else:
            replies = [Reply(ctx.text("settings.saved"))]
            if ctx.profile.onboarded_at is not None:
                # a new day, time or zone: rescheduled at once
                schedule.refresh(ctx.session, ctx.learner, ctx.profile, self.clock())
        return replies

    # -- plans -------------------------------------------------------------------------------

    def zone(self, ctx: Context) -> ZoneInfo:
        return ZoneInfo(ctx.learner.timezone)

    def local_today(self, ctx: Context) -> dt.date:
        return self.clock().astimezone(self.zone(ctx)).date()

    def plan_start(self, ctx: Context) -> dt.date:
        today = self.local_today(ctx)
        first = today.replace(day=1)
        return first if today.day <= START_THIS_MONTH_UNTIL_DAY else add_months(first, 1)

    def make_plan(
        self,
        ctx: Context,
        *,
        keep: tuple[str, ...] = (),
        fresh: bool = False,
    ) -> PlanResult:
        """Plan (or re-plan) from the profile, store it, and return it.

        A new goal plans afresh: the old goal's courses are not kept, and swaps whose chosen course
        teaches none of the new goal's skills are dropped (finished courses count as always).

        Reading the old plan and planning happen before this message's first write (the answer just
        given is not flushed for them: they read plans, not the profile).  On SQLite the first write
        takes the database's one write lock until commit, and planning under it kept the other
        dialogue worker waiting: onboarding's last answers, which arrive together, queued in turn.
        """
        assert ctx.learner.id is not None  # noqa: S101  (flushed on creation)
        with ctx.session.no_autoflush:
            previous = active_plan(ctx.session, ctx.learner.id)
            request = self.plan_request(ctx)
            if previous is not None and not same_goal(previous, request):
                fresh = True
                self.drop_swaps_off_goal(ctx.profile, request)
            chosen = tuple(ctx.profile.chosen_courses)  # the learner's swaps stay, a fresh plan too
            if previous is None or fresh:
                request = replace(request, keep=keep or chosen)
                result = plan_months(self.catalog, request)
            else:
                starts = starting_months(ctx.session, previous)
                request = replace(request, keep=keep or tuple(dict.fromkeys([*starts, *chosen])))
                result = replan(self.catalog, request, starts)
        saved = save_plan(ctx.session, ctx.learner.id, request.goal, result, previous)
        # monthly reviews follow the plan
        schedule.refresh_for_plan(ctx.session, ctx.learner, ctx.profile, saved, self.clock())
        return result

    def plan_request(self, ctx: Context) -> PlanRequest:
        """The planner's input from the profile: the learner's progress over all their plans and
        badges, the courses they swapped away, and their own language preferred."""
        assert ctx.learner.id is not None  # noqa: S101  (flushed on creation)
        progress = learner_progress(ctx.session, ctx.learner.id)
        start = self.plan_start(ctx)
        request = request_from_profile(self.catalog, ctx.profile, start, progress)
        own = ctx.language if ctx.language in ctx.profile.course_languages else None  # same skill, own words
        studied = 0.0
        if start == self.local_today(ctx).replace(day=1):  # planning the month already under way
            month_began = dt.datetime.combine(start, dt.time(0), self.zone(ctx)).astimezone(dt.UTC)
            studied = hours_studied_since(ctx.session, self.catalog, ctx.learner.id, month_began)
        return replace(request, preferred_language=own, studied_first_month=studied)

    def plan_is_current(self, ctx: Context) -> bool:
        """Whether the active plan was made from the settings the profile holds now."""
        with ctx.session.no_autoflush:  # reads plans only: the answer just given stays unflushed
            plan = active_plan(ctx.session, ctx.learner.id or 0)
            return plan is not None and same_settings(plan, self.plan_request(ctx))

    def show_plan(self, ctx: Context, result: PlanResult) -> list[Reply]:
        text = "\n".join(render_plan(self.catalog, result, ctx.language))
        options = [Option(action, ctx.text(f"plan.action.{action}")) for action in PLAN_ACTIONS]
        return [self.question_reply(ctx, Question(text, options), flow=Flow.MENU, step="plan_actions")]

    def current_plan(self, ctx: Context) -> PlanResult | None:
        assert ctx.learner.id is not None  # noqa: S101
        plan = active_plan(ctx.session, ctx.learner.id)
        return load_plan(ctx.session, plan, self.catalog) if plan is not None else None

    def on_plan_action(self, ctx: Context, action: str) -> list[Reply]:
        """The plan's buttons: swap a course (one not finished yet), fewer or more hours a week
        (re-planned at once), or start over (asked first)."""
        if action == "swap":
            result = self.current_plan(ctx)
            open_ids = result.open_course_ids if result is not None else []
            if not open_ids:  # a finished course is not offered: there is nothing left to swap
                return [Reply(ctx.text("plan.nothing_to_swap"))]
            options = [Option(cid, self.catalog.courses[cid].display_title(ctx.language)) for cid in open_ids]
            return [
                self.question_reply(
                    ctx,
                    Question(ctx.text("plan.swap_which"), options, columns=1),
                    flow=Flow.MENU,
                    step="swap_pick",
                )
            ]
        if action in ("less", "more"):
            hours = ctx.profile.hours_per_week or MIN_HOURS_PER_WEEK
            factor = LESS_HOURS if action == "less" else MORE_HOURS
            # kept unrounded (to the 1/1000 h), so the steps undo each other; shown to 1 decimal
            changed = min(max(hours * factor, MIN_HOURS_PER_WEEK), MAX_HOURS_PER_WEEK)
            ctx.profile.hours_per_week = round(changed, 3)
            shown = format_hours(ctx.profile.hours_per_week, ctx.language)
            note = Reply(ctx.text("plan.hours_changed", hours=shown))
            return [note, *self.show_plan(ctx, self.make_plan(ctx))]
        options = [Option(value, ctx.text(f"plan.start_over.{value}")) for value in ("yes", "no")]
        question = Question(ctx.text("plan.start_over.ask"), options, columns=1)
        return [self.question_reply(ctx, question, flow=Flow.MENU, step="start_over")]

    def on_start_over(self, ctx: Context, answer: str) -> list[Reply]:
        """ "Yes": the questions again from the first (the answers and plan stay until the last
        one is answered); "no": a fresh plan from the current answers."""
        if answer == "yes":
            answers = ctx.profile.model_dump(mode="json", include=set(ANSWER_FIELDS))
            first = self.start_flow(ctx, Flow.ONBOARDING, ONBOARDING)
            ctx.state.scratch[EARLIER_ANSWERS] = answers  # /cancel puts them back: the plan was made for them
            return [Reply(ctx.text("plan.start_over.restarting")), first]
        ctx.state.reset()
        return self.show_plan(ctx, self.make_plan(ctx, fresh=True))

    def offer_swaps(self, ctx: Context, stuck: list[str]) -> list[Reply]:
        """Alternatives for each course a check-in said the learner is stuck on, one after the
        other: the first that has some is asked now, the rest after its answer
        (:meth:`on_swap_with`); one with none says so and the next is tried."""
        replies: list[Reply] = []
        for position, course_id in enumerate(stuck):
            offered = self.on_swap_pick(ctx, course_id)
            if ctx.state.step == "swap_with":
                ctx.state.scratch["stuck_next"] = stuck[position + 1 :]
                return replies + offered
            if position < len(stuck) - 1:
                offered = offered[:1]  # "nothing like it": the plan is shown once, at the end
            replies.extend(offered)
        return replies

    def on_swap_pick(self, ctx: Context, course_id: str) -> list[Reply]:
        """The courses that could replace ``course_id`` (picked from the plan's Swap menu, or a
        course the learner is stuck on), with "keep it"; none: says so and shows the plan."""
        result = self.current_plan(ctx)
        if result is None:
            return [Reply(ctx.text("plan.none_yet"))]
        options = [
            Option(c.id, alternative_label(c, ctx.language))
            for c in alternatives(self.catalog, self.plan_request(ctx), course_id, result.course_ids)
        ]
        title = self.catalog.courses[course_id].display_title(ctx.language)
        if not options:
            return [Reply(ctx.text("plan.no_alternatives", title=title)), *self.show_plan(ctx, result)]
        options.append(Option(KEEP, ctx.text("plan.keep_it", title=title)))
        ctx.state.scratch["swap_out"] = course_id
        return [
            self.question_reply(
                ctx,
                Question(ctx.text("plan.swap_with", title=title), options, columns=1),
                flow=Flow.MENU,
                step="swap_with",
            )
        ]

    def on_swap_with(self, ctx: Context, course_id: str) -> list[Reply]:
        """The learner's pick for :meth:`on_swap_pick`: keep the course, or swap it (a lasting
        choice, re-planned at once); then the next course they are stuck on, if any."""
        result = self.current_plan(ctx)
        swap_out = ctx.state.scratch.get("swap_out")
        if result is None or swap_out is None:
            return self.expired(ctx)
        waiting = list(ctx.state.scratch.get("stuck_next", []))
        ctx.state.reset()
        old = self.catalog.courses[swap_out].display_title(ctx.language)
        if course_id == KEEP:
            replies = [Reply(ctx.text("plan.kept", title=old))]
        else:
            self.remember_swap(ctx.profile, swap_out, course_id)
            keep = tuple(course_id if cid == swap_out else cid for cid in result.course_ids)
            new = self.make_plan(ctx, keep=keep)
            title = self.catalog.courses[course_id].display_title(ctx.language)
            replies = [Reply(ctx.text("plan.swapped", old=old, new=title))]
            if not waiting:
                replies.extend(self.show_plan(ctx, new))
        return replies + (self.offer_swaps(ctx, waiting) if waiting else [])

    def drop_swaps_off_goal(self, profile: LearnerProfile, request: PlanRequest) -> None:
        """Forget the swaps whose chosen course teaches none of ``request``'s goal skills (the
        goal changed: they served the old one)."""
        kept = [
            cid
            for cid in profile.chosen_courses
            if cid in self.catalog.courses
            and not set(self.catalog.courses[cid].main_skills).isdisjoint(request.goal_skills)
        ]
        if kept != profile.chosen_courses:
            profile.chosen_courses = kept
            profile.updated_at = utc_now()

    @staticmethod
    def remember_swap(profile: LearnerProfile, swapped_out: str, chosen: str) -> None:
        """A swap is a preference that lasts: the course swapped away is never planned again and
        the one chosen instead stays through every re-plan (until it is swapped away in turn)."""
        profile.excluded_courses = [*(c for c in profile.excluded_courses if c != chosen), swapped_out]
        profile.chosen_courses = [*(c for c in profile.chosen_courses if c != swapped_out), chosen]
        profile.updated_at = utc_now()

    # -- commands ----------------------------------------------------------------------------

    def cmd_start(self, ctx: Context, _args: str) -> list[Reply]:
        if ctx.state.flow == Flow.ONBOARDING:
            return [Reply(ctx.text("start.continue")), self.ask(ctx)]
        if ctx.profile.onboarded_at is None:
            return [Reply(ctx.text("start.greeting")), self.start_flow(ctx, Flow.ONBOARDING, ONBOARDING)]
        ctx.state.reset()
        schedule.refresh(ctx.session, ctx.learner, ctx.profile, self.clock())  # back after blocking the bot
        return [Reply(ctx.text("start.welcome_back") + "\n\n" + command_list(ctx.language))]

    def cmd_help(self, ctx: Context, _args: str) -> list[Reply]:
        replies = [Reply(ctx.text("help.about") + "\n\n" + command_list(ctx.language))]
        if ctx.state.flow in QUESTION_FLOWS:
            replies.append(self.ask(ctx))
        return replies

    def needs_onboarding(self, ctx: Context) -> list[Reply] | None:
        if ctx.profile.onboarded_at is None or not has_goal(self.catalog, ctx.profile):
            return [Reply(ctx.text("free_text.start_first"))]
        return None

    def cmd_plan(self, ctx: Context, _args: str) -> list[Reply]:
        blocked = self.needs_onboarding(ctx)
        if blocked:
            return blocked
        result = self.current_plan(ctx) or self.make_plan(ctx)
        return self.show_plan(ctx, result)

    def cmd_progress(self, ctx: Context, _args: str) -> list[Reply]:
        """Where the learner stands today, by the planner's own measure (so it agrees with /plan's
        "where this plan takes you"): depth per goal skill, certificates started, courses finished."""
        blocked = self.needs_onboarding(ctx)
        if blocked:
            return blocked
        target = profile_target(ctx.profile)
        request = self.plan_request(ctx)
        now = standing(self.catalog, request)

        def names(skills: list[str]) -> str:
            return (
                join_list([self.catalog.skills[s].name.get(ctx.language) for s in skills], ctx.language)
                or "-"
            )

        lines = [
            ctx.text(
                "progress.summary",
                goal=target_label(self.catalog, self.goal_reader, target, ctx.language),
                percent=round(now.coverage * 100),
                have=names([d.skill for d in now.depth if d.share >= 1]),
                missing=names([d.skill for d in now.depth if d.share == 0]),
                courses=len(request.finished),
                streak=self.streak(ctx),
            )
        ]
        partial = [
            ctx.text(
                "plan.depth_item",
                skill=self.catalog.skills[d.skill].name.get(ctx.language),
                done=format_hours(d.credited_hours, ctx.language),
                target=format_hours(d.target_hours, ctx.language),
            )
            for d in now.depth
            if 0 < d.share < 1
        ]
        if partial:
            lines.append(ctx.text("progress.partial", items=", ".join(partial)))
        for certificate in now.certificates:
            lines.append(
                ctx.text(
                    "progress.certificate",
                    name=certificate.name,
                    done=certificate.done,
                    total=certificate.total,
                )
            )
        return [Reply("\n".join(lines))]

    def streak(self, ctx: Context) -> int:
        """Consecutive answered check-ins, most recent first."""
        query = select(CheckIn.status).where(CheckIn.learner_id == ctx.learner.id)
        count = 0
        for status in ctx.session.exec(query.order_by(col(CheckIn.due_at).desc())):
            if status is not CheckInStatus.ANSWERED:
                break
            count += 1
        return count

    def cmd_checkin(self, ctx: Context, _args: str) -> list[Reply]:
        """A check-in now, without waiting for the reminder."""
        blocked = self.needs_onboarding(ctx)
        if blocked:
            return blocked
        return [self.checkins.open_checkin(ctx, "checkin", self.clock(), early=True)]

    def cmd_pause(self, ctx: Context, _args: str) -> list[Reply]:
        return self._set_paused(ctx, paused=True)

    def cmd_resume(self, ctx: Context, _args: str) -> list[Reply]:
        return self._set_paused(ctx, paused=False)

    def _set_paused(self, ctx: Context, *, paused: bool) -> list[Reply]:
        blocked = self.needs_onboarding(ctx)
        if blocked:
            return blocked
        changed = schedule.set_paused(ctx.session, ctx.learner, ctx.profile, paused, self.clock())
        if paused:
            return [Reply(ctx.text("reminder.paused_now" if changed else "reminder.already_paused"))]
        return [Reply(ctx.text("reminder.resumed" if changed else "reminder.already_running"))]

    def cmd_settings(self, ctx: Context, _args: str) -> list[Reply]:
        blocked = self.needs_onboarding(ctx)
        if blocked:
            return blocked
        options = [Option(key, ctx.text(f"settings.option.{key}")) for key in SETTINGS]
        options.append(Option("language", ctx.text("settings.option.language")))
        text = settings_summary(ctx) + "\n\n" + ctx.text("settings.which")
        return [self.question_reply(ctx, Question(text, options), flow=Flow.MENU, step="settings_menu")]

    def on_settings_pick(self, ctx: Context, key: str) -> list[Reply]:
        if key == "language":
            return self.cmd_language(ctx, "")
        reply = self.start_flow(ctx, Flow.SETTINGS, SETTINGS[key])
        ctx.state.scratch["setting"] = key
        return [reply]

    def cmd_language(self, ctx: Context, args: str) -> list[Reply]:
        """Change the bot's language; in the middle of the questions, they go on where they were.

        The menu replaces the current question, so the question's place (flow, step, answers so
        far) is kept aside and given back once a language is picked.
        """
        interrupted = (
            ctx.state.model_dump(include={"flow", "step", "history", "scratch"})
            if ctx.state.flow in QUESTION_FLOWS
            else ctx.state.scratch.get("interrupted")
        )
        wanted = args.strip().lower()[:8]
        if wanted:
            return self.on_language_pick(ctx, normalize_language(wanted), interrupted)
        options = [Option(code, ctx.text(f"language.name.{code}")) for code in LANGUAGES]
        reply = self.question_reply(
            ctx, Question(ctx.text("language.which"), options), flow=Flow.MENU, step="language"
        )
        ctx.state.scratch["interrupted"] = interrupted
        return [reply]

    def on_language_pick(
        self, ctx: Context, code: str, interrupted: dict[str, Any] | None = None
    ) -> list[Reply]:
        interrupted = interrupted or ctx.state.scratch.get("interrupted")
        ctx.learner.language = normalize_language(code)
        ctx.learner.updated_at = utc_now()
        ctx.state.reset()
        changed = Reply(ctx.text("language.changed"))
        if not interrupted:
            return [changed]
        ctx.state.flow, ctx.state.step = Flow(interrupted["flow"]), interrupted["step"]
        ctx.state.history, ctx.state.scratch = interrupted["history"], interrupted["scratch"]
        return [changed, self.ask(ctx)]  # the same question, now in the new language

    def cmd_cancel(self, ctx: Context, _args: str) -> list[Reply]:
        if ctx.state.flow is None:
            return [Reply(ctx.text("cancel.nothing"))]
        was_onboarding = ctx.state.flow == Flow.ONBOARDING
        if was_onboarding and self.restore_answers(ctx):
            ctx.state.reset()
            return [Reply(ctx.text("plan.start_over.cancelled"))]
        ctx.state.reset()
        return [Reply(ctx.text("cancel.onboarding" if was_onboarding else "cancel.done"))]

    def restore_answers(self, ctx: Context) -> bool:
        """Put back the answers a "Start over -> Answer the questions again" began from, so the
        profile and the plan made for it stay in step (False: not a restart)."""
        earlier = ctx.state.scratch.get(EARLIER_ANSWERS)
        if earlier is None:
            return False
        restored = LearnerProfile.model_validate({**earlier, "learner_id": ctx.profile.learner_id})
        for name in ANSWER_FIELDS:
            setattr(ctx.profile, name, getattr(restored, name))
        ctx.profile.updated_at = utc_now()
        return True

    def cmd_back(self, ctx: Context, _args: str) -> list[Reply]:
        state = ctx.state
        if state.flow not in QUESTION_FLOWS:
            return [Reply(ctx.text("back.nothing"))]
        if not state.history:
            return [Reply(ctx.text("back.first_question")), self.ask(ctx)]
        state.step = state.history.pop()
        return [self.ask(ctx)]

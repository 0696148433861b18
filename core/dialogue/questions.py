"""The question flows' runner: ask the current step, read its answer, go on to the next, /back.

A question flow (onboarding, one setting) is a sequence of step names; the steps themselves are
registered by the flow modules (``Router.steps``) and reach this runner through the context, as
does what happens after the last answer (``Router.finishes``).  An answer that does not fit shows
its hint and asks again, so there is no dead end.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from core.dialogue import parsing
from core.dialogue.asking import Goto, Outcome, Retry, Stay
from core.dialogue.context import Context, Step
from core.dialogue.state import QUESTION_FLOWS, Flow, StepName, Values
from core.i18n import LANGUAGES
from core.messages import Inbound, InboundKind, Reply
from core.storage.db_types import utc_now


class QuestionFlow(Values):
    """The questions of the open flow, in order."""

    sequence: list[StepName] = Field(default_factory=list)


def current_step(ctx: Context) -> Step:
    step = ctx.state.step
    assert isinstance(step, StepName)  # noqa: S101  (a question flow is at a step)
    return ctx.routes.steps[step]


def ask(ctx: Context) -> Reply:
    """The open flow's current question (numbered during onboarding: "Question 3 of 11")."""
    state = ctx.state
    step = current_step(ctx)
    question = step.ask(ctx)
    sequence = state.values(QuestionFlow).sequence
    if state.flow is Flow.ONBOARDING and step.name in sequence:
        position = ctx.text("onboarding.position", number=sequence.index(step.name) + 1, total=len(sequence))
        question.text = f"{position}\n{question.text}"
    return ctx.ask(question, flow=state.flow, step=step.name)


def start(ctx: Context, flow: Flow, steps: Sequence[StepName]) -> Reply:
    """Open ``flow`` at the first of ``steps`` (whatever was open before is left)."""
    ctx.state.reset()
    ctx.state.flow, ctx.state.step = flow, steps[0]
    ctx.state.values(QuestionFlow).sequence = list(steps)
    return ask(ctx)


def advance(ctx: Context, outcome: Outcome) -> list[Reply]:
    """After an answer: the hint and the question again, the same question, another step, the
    next question, or (after the last) what the flow does with its answers."""
    state = ctx.state
    if isinstance(outcome, Retry):
        return [Reply(outcome.hint), ask(ctx)]
    if isinstance(outcome, Stay):
        return [ask(ctx)]
    if isinstance(outcome, Goto):
        state.step = outcome.step
        return [ask(ctx)]
    noted = [Reply(outcome.note)] if outcome.note else []  # how the answer was read
    sequence = state.values(QuestionFlow).sequence
    current = current_step(ctx).name
    state.history.append(current)
    following = sequence[sequence.index(current) + 1 :] if current in sequence else []
    following = [step for step in following if step not in outcome.skip]
    if following:
        state.step = following[0]
        return [*noted, ask(ctx)]
    assert state.flow is not None  # noqa: S101  (a question flow is open)
    return [*noted, *ctx.routes.finishes[state.flow](ctx)]


def on_choice(ctx: Context, value: str) -> list[Reply]:
    """A button of the current question."""
    return advance(ctx, current_step(ctx).on_choice(ctx, value))


def on_input(ctx: Context, inbound: Inbound) -> list[Reply]:
    """Typed text or a location for the current question; anything else asks for text."""
    step = current_step(ctx)
    if (
        inbound.kind is InboundKind.LOCATION
        and inbound.latitude is not None
        and inbound.longitude is not None
    ):
        return advance(ctx, step.on_location(ctx, inbound.latitude, inbound.longitude))
    if inbound.kind is InboundKind.TEXT and inbound.text.strip():
        labelled = ctx.label_choice(inbound.text)
        if labelled is not None:  # typing a button's label is pressing it
            return advance(ctx, step.on_choice(ctx, labelled))
        switched = follow_written_language(ctx, inbound.text)
        return [*switched, *advance(ctx, step.on_text(ctx, inbound.text))]
    return [Reply(ctx.text("hint.text_please")), ask(ctx)]


def follow_written_language(ctx: Context, text: str) -> list[Reply]:
    """The first answer of the questions, written plainly in the other language we speak, moves
    the conversation to that language (a phone set to English, a learner writing Indonesian),
    and says so, with how to go back."""
    state = ctx.state
    if state.flow is not Flow.ONBOARDING or state.history:
        return []
    written = parsing.written_in(text)
    if written is None or written == ctx.language or written not in LANGUAGES:
        return []
    previous = ctx.language
    ctx.learner.language = written
    ctx.learner.updated_at = utc_now()
    return [Reply(ctx.text("language.followed", back=previous))]


def cmd_back(ctx: Context, _args: str) -> list[Reply]:
    """/back: the previous question of the open flow."""
    state = ctx.state
    if not in_questions(ctx):
        return [Reply(ctx.text("back.nothing"))]
    if not state.history:
        return [Reply(ctx.text("back.first_question")), ask(ctx)]
    state.step = state.history.pop()
    return [ask(ctx)]


def in_questions(ctx: Context) -> bool:
    """Whether a question flow (onboarding, a setting) is open."""
    return ctx.state.flow in QUESTION_FLOWS

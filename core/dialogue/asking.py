"""What a question is made of: its options, how a step's answer turns out, and the buttons it issued.

Plain data, below the context: a flow builds a :class:`Question` and asks it through its context
(:meth:`core.dialogue.context.Context.ask`), which keeps the :class:`Asked` values so the buttons
can be checked, typed by label, and shown again to a learner who comes back.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from pydantic import BaseModel, Field

from core.dialogue.state import StepName, Values
from core.messages import Button, Reply

QUOTE_CHARS = 40  # a refusal quotes the learner's answer, cut to this length


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

    skip: tuple[StepName, ...] = ()
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

    step: StepName


Outcome = Next | Stay | Retry | Goto


class AskedText(BaseModel):
    """The open question's text and layout, to ask it again as it was (see Dialogue.resume)."""

    text: str
    columns: int
    location: str


class Asked(Values):
    """The buttons of the open question: their labels (a label typed is the button pressed)."""

    labels: dict[str, str] = Field(default_factory=dict)
    asked: AskedText | None = None


def payload(version: int, index: int) -> str:
    return f"{version}.{index}"


def rows(buttons: list[Button], columns: int) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(buttons[i : i + columns]) for i in range(0, len(buttons), columns))


def quoted(text: str) -> str:
    """The learner's answer as a refusal quotes it: on one line, at most ``QUOTE_CHARS`` long."""
    line = " ".join(text.split())
    return line if len(line) <= QUOTE_CHARS else line[: QUOTE_CHARS - 1].rstrip() + "…"


def toggled(chosen: list[str], value: str) -> list[str]:
    """A multi-choice answer after pressing ``value``: added if absent, removed if present."""
    return [item for item in chosen if item != value] if value in chosen else [*chosen, value]


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

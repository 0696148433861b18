"""Conversation state, stored as JSON per learner (``conversations`` table).

``version`` changes every time a question is asked; the buttons of a question carry that
version, so a button from an older message (or one nobody issued) is recognised as expired
and changes nothing.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class Flow(StrEnum):
    """What the learner is in the middle of.  The values are the words stored states have always
    held, so a conversation saved before this enum reads the same."""

    ONBOARDING = "onboarding"  # the first questions, in order
    SETTINGS = "settings"  # the questions of one setting
    MENU = "menu"  # a menu of buttons: plan actions, swap, language, badges...
    CHECKIN = "checkin"  # a check-in, course by course
    BADGE = "badge"  # adding a badge: waiting for its link, file or course name


QUESTION_FLOWS = (Flow.ONBOARDING, Flow.SETTINGS)  # the flows of steps (core.dialogue.steps), with /back


class ConversationState(BaseModel):
    flow: Flow | None = None
    step: str | None = None
    version: int = 0
    offered: dict[str, str] = Field(default_factory=dict)  # payload -> value, for the current question
    history: list[str] = Field(default_factory=list)  # steps answered in this flow, for /back
    scratch: dict[str, Any] = Field(default_factory=dict)  # per-flow working values (goal candidates...)

    def reset(self) -> None:
        self.flow = None
        self.step = None
        self.offered = {}
        self.history = []
        self.scratch = {}

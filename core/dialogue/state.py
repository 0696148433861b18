"""Conversation state, stored as JSON per learner (``conversations`` table).

``version`` changes every time a question is asked; the buttons of a question carry that
version, so a button from an older message (or one nobody issued) is recognised as expired
and changes nothing.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ConversationState(BaseModel):
    flow: str | None = None  # "onboarding", "settings", "swap" ...
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

"""Conversation state, stored as JSON per learner (``conversations`` table).

``version`` changes every time a question is asked; the buttons of a question carry that
version, so a button from an older message (or one nobody issued) is recognised as expired
and changes nothing.

Flow, step and menu names are enums whose values are the words stored states have always held,
so a conversation saved before they were enums reads the same.  Each flow keeps its working
values (the goal candidates offered, the check-in's items...) in a typed model, a :class:`Values`
subclass, read with :meth:`ConversationState.values`; in the stored JSON they sit under
``scratch``, each field under its own key, as they always have.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr


class Flow(StrEnum):
    """What the learner is in the middle of."""

    ONBOARDING = "onboarding"  # the first questions, in order
    SETTINGS = "settings"  # the questions of one setting
    MENU = "menu"  # a menu of buttons: plan actions, swap, language, badges...
    CHECKIN = "checkin"  # a check-in, course by course
    BADGE = "badge"  # adding a badge: waiting for its link, file or course name


QUESTION_FLOWS = (Flow.ONBOARDING, Flow.SETTINGS)  # the flows of steps (core.dialogue.questions), with /back


class StepName(StrEnum):
    """The questions of the question flows (onboarding, settings), one step class each."""

    GOAL = "goal"
    CONFIRM_GOAL = "confirm_goal"
    LEVEL = "level"
    SKILLS_HELD = "skills_held"
    HOURS = "hours"
    BUDGET = "budget"
    FORMATS = "formats"
    COURSE_LANGUAGES = "course_languages"
    TIMEZONE = "timezone"
    CHECKIN_DAY = "checkin_day"
    CHECKIN_TIME = "checkin_time"
    CHECKIN_EVERY = "checkin_every"
    QUIET_HOURS = "quiet_hours"
    EMAIL = "email"


class MenuName(StrEnum):
    """The menus: buttons (or their number, or their label typed) answered by one handler each."""

    PLAN_ACTIONS = "plan_actions"
    SWAP_PICK = "swap_pick"
    SWAP_WITH = "swap_with"
    START_OVER = "start_over"
    SETTINGS_MENU = "settings_menu"
    LANGUAGE = "language"
    CHECKIN_ITEM = "checkin_item"
    CHECKIN_BADGE = "checkin_badge"
    BADGES_MENU = "badges_menu"
    BADGE_PICK = "badge_pick"
    BADGE_ADD = "badge_add"
    BADGE_COURSE = "badge_course"
    FORGET_CONFIRM = "forget_confirm"


class Values(BaseModel):
    """A flow's working values: typed fields, each stored under its name in ``scratch``.

    Keys of other flows' values are ignored on reading, so two flows never see each other's.
    """

    model_config = ConfigDict(extra="ignore", validate_assignment=True)


V = TypeVar("V", bound=Values)


class Paused(BaseModel):
    """A question flow's place kept aside while a menu (the language) replaces its question."""

    flow: Flow | None
    step: StepName | MenuName | None
    history: list[StepName]
    scratch: dict[str, Any]


class ConversationState(BaseModel):
    flow: Flow | None = None
    step: StepName | MenuName | None = None
    version: int = 0
    offered: dict[str, str] = Field(default_factory=dict)  # payload -> value, for the current question
    history: list[StepName] = Field(default_factory=list)  # steps answered in this flow, for /back
    scratch: dict[str, Any] = Field(default_factory=dict)  # the flows' working values, as stored
    _values: dict[type[Values], Values] = PrivateAttr(default_factory=dict)

    def values(self, kind: type[V]) -> V:
        """The working values of ``kind``, read from ``scratch`` once; changes are kept by :meth:`stored`."""
        found = self._values.get(kind)
        if found is None:
            found = kind.model_validate({k: v for k, v in self.scratch.items() if k in kind.model_fields})
            self._values[kind] = found
        assert isinstance(found, kind)  # noqa: S101  (keyed by its own type)
        return found

    def reset(self) -> None:
        """Out of every flow: no question open, no working values."""
        self.flow = None
        self.step = None
        self.offered = {}
        self.history = []
        self.scratch = {}
        self._values.clear()

    def stored(self) -> dict[str, Any]:
        """The state as the ``conversations`` row keeps it (JSON): the typed values back in ``scratch``."""
        scratch = dict(self.scratch)
        for values in self._values.values():
            for name in type(values).model_fields:
                scratch.pop(name, None)
            scratch.update(values.model_dump(mode="json", exclude_defaults=True))
        return {**self.model_dump(mode="json", exclude={"scratch"}), "scratch": scratch}

    def pause(self) -> Paused:
        """This flow's place (step, answers so far, working values), for :meth:`resume_paused`."""
        stored = self.stored()
        return Paused(flow=self.flow, step=self.step, history=list(self.history), scratch=stored["scratch"])

    def resume_paused(self, paused: Paused) -> None:
        self.flow, self.step = paused.flow, paused.step
        self.history, self.scratch = list(paused.history), dict(paused.scratch)
        self._values.clear()

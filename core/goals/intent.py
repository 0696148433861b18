"""What a goal statement means, as one value: :class:`GoalIntent` (made by :mod:`core.goals.reader`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from core.catalog.matching import MatchResult
from core.goals.shortlist import ShortlistItem
from core.goals.target import GoalTarget


class IntentKind(StrEnum):
    ROLE = "role"
    SKILLS = "skills"
    ROLE_AND_SKILLS = "role_and_skills"
    CAREER_CHANGE = "career_change"
    VAGUE = "vague"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class GoalIntent:
    """What a learner's goal statement means.

    ``skills``: a skill goal's skills, or the skills a role's learner emphasised.  ``transferable``:
    the skills of the work the learner leaves (``origin``), all of them; a plan counts those its
    goal needs.  ``shortlist``: paths to offer when the intent is not ``confident`` (vague, close
    or unknown), best first.
    """

    text: str
    kind: IntentKind
    confident: bool
    goal: str | None = None
    skills: Mapping[str, float] = field(default_factory=dict)
    origin: str | None = None
    transferable: frozenset[str] = frozenset()
    shortlist: tuple[ShortlistItem, ...] = ()
    match: MatchResult | None = None  # the matcher's view of the whole text

    @property
    def target(self) -> GoalTarget | None:
        """What to plan for, when the intent is confident."""
        if not self.confident:
            return None
        return GoalTarget(self.goal, dict(self.skills), self.origin, self.transferable)

    def choose(self, goal_id: str) -> GoalTarget:
        """The target when the learner picks ``goal_id`` from the shortlist (a career change stays one)."""
        return GoalTarget(goal_id, {}, self.origin, self.transferable)

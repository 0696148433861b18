"""What a plan aims at, and the one place a planner request is built from it.

A target is a catalog goal, a set of skills, or both (a role with emphasised skills), plus the
skills a career changer brings from the work they leave.  The chat (from the learner's profile)
and the command line (from ``--goal``) both build their :class:`PlanRequest` here, so a skill goal
or a career change plans the same way wherever it was stated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.catalog import Catalog
from core.planner.types import PlanRequest

EMPHASIS_WEIGHT = 1.0  # a skill the learner named weighs like a core skill of the goal


@dataclass(frozen=True)
class GoalTarget:
    """A catalog goal (or None), skills named by the learner, and skills held from an earlier career."""

    goal: str | None
    skills: Mapping[str, float] = field(default_factory=dict)
    origin: str | None = None
    transferable: frozenset[str] = frozenset()

    def goal_skills(self, catalog: Catalog) -> dict[str, float]:
        """The goal's skills with the named ones raised to a core weight (or the named ones alone)."""
        found = catalog.goals.get(self.goal or "")
        weights = dict(found.skills) if found is not None else {}
        for skill, weight in self.skills.items():
            if skill in catalog.skills:
                weights[skill] = max(weights.get(skill, 0.0), weight)
        return weights

    def counted_as_held(self, catalog: Catalog) -> frozenset[str]:
        """The transferable skills this goal needs: what the plan counts as held and names."""
        return self.transferable & frozenset(self.goal_skills(catalog))

    def request(self, catalog: Catalog, *, start: dt.date, **settings: Any) -> PlanRequest:
        """The planner's input: ``settings`` are the learner's other answers (hours, budget...)."""
        return PlanRequest(
            goal_skills=self.goal_skills(catalog),
            goal=self.goal if self.goal in catalog.goals else None,
            transferable=self.counted_as_held(catalog),
            start=start,
            **settings,
        )

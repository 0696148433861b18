"""The monthly micro-credential planner (see :mod:`core.planner.engine` for the algorithm)."""

from core.planner.engine import alternatives, plan_months, replan
from core.planner.types import (
    PlanMonth,
    PlannedItem,
    PlanRequest,
    PlanResult,
    Progress,
    ProgressState,
    UncoveredReason,
    UncoveredSkill,
)

__all__ = [
    "PlanMonth",
    "PlanRequest",
    "PlanResult",
    "PlannedItem",
    "Progress",
    "ProgressState",
    "UncoveredReason",
    "UncoveredSkill",
    "alternatives",
    "plan_months",
    "replan",
]

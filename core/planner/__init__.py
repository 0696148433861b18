"""The monthly micro-credential planner (see :mod:`core.planner.engine` for the algorithm)."""

from core.planner.plan import alternatives, plan_months, replan
from core.planner.types import (
    PathwayProgress,
    Phase,
    PlanMonth,
    PlannedItem,
    PlanRequest,
    PlanResult,
    Progress,
    ProgressState,
    SkillDepth,
    UncoveredReason,
    UncoveredSkill,
)

__all__ = [
    "PathwayProgress",
    "Phase",
    "PlanMonth",
    "PlanRequest",
    "PlanResult",
    "PlannedItem",
    "Progress",
    "ProgressState",
    "SkillDepth",
    "UncoveredReason",
    "UncoveredSkill",
    "alternatives",
    "plan_months",
    "replan",
]

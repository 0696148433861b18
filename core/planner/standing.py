"""Where a learner stands today: depth per goal skill and certificates under way, before any plan.

/progress asks this.  It uses the planner's own measure (held skills, the learner's level and
finished courses count as depth, by the same rules as a plan), so "Progress: 40%" today and
"40% of the way" in a plan mean the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.catalog import Catalog
from core.planner.rules import Rules
from core.planner.types import PlanRequest, SkillDepth


@dataclass(frozen=True)
class CertificateProgress:
    """A pathway the learner has started: courses finished of how many."""

    name: str
    done: int
    total: int


@dataclass(frozen=True)
class Standing:
    depth: tuple[SkillDepth, ...]  # highest weight first; planned_hours is 0 (nothing is planned here)
    coverage: float  # weighted share of the goal's depth reached, 0..1
    certificates: tuple[CertificateProgress, ...]


def standing(catalog: Catalog, request: PlanRequest) -> Standing:
    """The learner's depth and certificates from ``request`` (its held skills, level and progress)."""
    planner = Rules(catalog, request)
    depth = planner.depths({})
    coverage = planner.coverage(depth)
    certificates = tuple(
        CertificateProgress(
            pathway.name, sum(c in planner.done for c in pathway.courses), len(pathway.courses)
        )
        for pathway_id, pathway in sorted(catalog.pathways.items())
        if any(c in planner.done for c in pathway.courses)
    )
    return Standing(depth, round(coverage, 4), certificates)

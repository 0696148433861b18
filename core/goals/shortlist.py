"""A shortlist of paths for a learner who has not picked one: what each work is, how to start.

Each path shows the goal's one-line ``summary`` (from ``goals.yaml``) and its typical first
credential, which is derived from the catalog rather than written down, so it follows the catalog
as courses and pathways change: the recognised pathway that best covers the goal's skills, among
those with a course on one of the goal's top skills; without such a pathway, the credential-bearing
beginner course on a top skill that covers the most of the goal.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.catalog import Catalog
from core.catalog.schema import CourseKind, CredentialKind, Goal, Level, LocalizedText, Recognition

TOP_SKILL_SHARE = 0.9  # a top skill weighs at least this share of the goal's heaviest skill


@dataclass(frozen=True)
class ShortlistItem:
    """One path offered to an undecided learner."""

    goal: str
    summary: LocalizedText | None  # what the work is, in a line
    first_credential: str | None  # the pathway or course most learners start this goal with


def top_skills(goal: Goal) -> frozenset[str]:
    heaviest = max(goal.skills.values())
    return frozenset(skill for skill, weight in goal.skills.items() if weight >= heaviest * TOP_SKILL_SHARE)


def _covered_weight(goal: Goal, skills: set[str]) -> float:
    return sum(weight for skill, weight in goal.skills.items() if skill in skills)


def first_credential(catalog: Catalog, goal_id: str) -> str | None:
    """The name of the credential a coach would start this goal with, from the catalog.

    Pathways are ranked by how many of the goal's top skills they teach, then by how much of their
    time goes to what the goal values (hours weighted by the goal's weight of each course's main
    skill, per hour: a networking certificate beats a broad IT one for a network administrator),
    then by fewer hours.
    """
    goal = catalog.goals[goal_id]
    top = top_skills(goal)
    ranked: list[tuple[int, float, float, str, str]] = []
    for pathway in catalog.pathways.values():
        courses = [catalog.courses[c] for c in pathway.courses if c in catalog.courses]
        main = {skill for course in courses for skill in course.main_skills}
        if not courses or not main & top:
            continue
        hours = sum(course.hours for course in courses)
        valued = sum(
            course.hours * max(goal.skills.get(s, 0.0) for s in course.main_skills) for course in courses
        )
        ranked.append((-len(main & top), -valued / hours, hours, pathway.id, pathway.name))
    if ranked:
        return min(ranked)[-1]
    singles = [
        (
            course.level is not Level.BEGINNER,
            course.recognition is not Recognition.INDUSTRY,
            -_covered_weight(goal, set(course.main_skills)),
            course.id,
            f"{course.title} ({course.provider})",
        )
        for course in catalog.courses.values()
        if course.kind is CourseKind.COURSE
        and course.credential.kind is not CredentialKind.NONE
        and set(course.main_skills) & top
    ]
    return min(singles)[-1] if singles else None


def shortlist_item(catalog: Catalog, goal_id: str) -> ShortlistItem:
    return ShortlistItem(goal_id, catalog.goals[goal_id].summary, first_credential(catalog, goal_id))

"""A shortlist of paths for a learner who has not picked one: what each work is, how to start.

Each path shows the goal's one-line ``summary`` (from ``goals.yaml``) and its typical first
credential, derived from the catalog rather than written down, so it follows the catalog as
courses and pathways change: the recognised pathway whose first course teaches one of the goal's
top skills, or else the credential-bearing beginner course on a top skill that covers most of the
goal.  Each language gets its own: a pathway in the learner's language first.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.catalog import Catalog
from core.catalog.schema import (
    Course,
    CourseKind,
    CredentialKind,
    Goal,
    Level,
    LocalizedText,
    Recognition,
    SkillKind,
)

TOP_SKILL_SHARE = 0.9  # a top skill weighs at least this share of the goal's heaviest skill
LANGUAGES = ("en", "id")


@dataclass(frozen=True)
class ShortlistItem:
    """One path offered to an undecided learner."""

    goal: str
    summary: LocalizedText | None  # what the work is, in a line
    first_credential: LocalizedText | None  # what most learners of each language start with

    def credential(self, language: str) -> str | None:
        return self.first_credential.get(language) if self.first_credential else None


def top_skills(catalog: Catalog, goal: Goal) -> frozenset[str]:
    """The goal's heaviest skills; only its hard ones when a hard skill is among them (a credential
    is for the craft, not for the teamwork that weighs as much)."""
    heaviest = max(goal.skills.values())
    top = {skill for skill, weight in goal.skills.items() if weight >= heaviest * TOP_SKILL_SHARE}
    hard = {
        skill for skill in top if skill in catalog.skills and catalog.skills[skill].kind is SkillKind.HARD
    }
    return frozenset(hard or top)


def _valued(goal: Goal, course: Course) -> float:
    """The goal's weight of what the course is mainly about (its heaviest main skill)."""
    return max(goal.skills.get(skill, 0.0) for skill in course.main_skills)


def first_credential(catalog: Catalog, goal_id: str, language: str) -> str | None:
    """The name of the credential a coach would start this goal with, from the catalog.

    A pathway whose first course teaches a top skill, else a credential-bearing course mainly about
    one; in ``language`` when there is one (a pathway, then a course), else in any language.
    Pathways rank by how many top skills they teach, then by how much of their time goes to what
    the goal values (hours weighted by the goal's weight of each course's main skill, per hour: a
    networking certificate beats a broad IT one for a network administrator), then by fewer hours;
    courses by being for beginners, recognised by industry, and covering more of the goal.
    """
    goal = catalog.goals[goal_id]
    top = top_skills(catalog, goal)
    pathways: list[tuple[bool, int, float, float, str, str]] = []
    for pathway in catalog.pathways.values():
        courses = [catalog.courses[c] for c in pathway.courses if c in catalog.courses]
        if not courses or not set(courses[0].main_skills) & top:
            continue
        main = {skill for course in courses for skill in course.main_skills}
        hours = sum(course.hours for course in courses)
        valued = sum(course.hours * _valued(goal, course) for course in courses) / hours
        foreign = language not in courses[0].languages
        pathways.append((foreign, -len(main & top), -valued, hours, pathway.id, pathway.name))
    singles = [
        (
            language not in course.languages,
            course.level is not Level.BEGINNER,
            course.recognition is not Recognition.INDUSTRY,
            -sum(goal.skills.get(skill, 0.0) for skill in course.main_skills),
            course.id,
            f"{course.title} ({course.provider})",
        )
        for course in catalog.courses.values()
        if course.kind is CourseKind.COURSE
        and course.credential.kind is not CredentialKind.NONE
        and set(course.main_skills) & top
    ]
    for foreign in (False, True):
        for found in (pathways, singles):
            candidates = [entry for entry in found if entry[0] is foreign]
            if candidates:
                return min(candidates)[-1]
    return None


def shortlist_item(catalog: Catalog, goal_id: str) -> ShortlistItem:
    names = {language: first_credential(catalog, goal_id, language) for language in LANGUAGES}
    en, id_ = names["en"] or names["id"], names["id"] or names["en"]
    credential = LocalizedText(en=en, id=id_) if en and id_ else None
    return ShortlistItem(goal_id, catalog.goals[goal_id].summary, credential)

"""The loaded, cross-checked catalog: skills, goals and courses with the lookups services need."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from core.catalog.schema import CostModel, Course, Goal, Pathway, Recognition, Skill, SkillKind


@dataclass(frozen=True)
class Catalog:
    """Everything under ``data/``; built only by :func:`core.catalog.loader.load_catalog`."""

    skills: Mapping[str, Skill]
    goals: Mapping[str, Goal]
    courses: Mapping[str, Course]
    units_per_usd: Mapping[str, Decimal] = field(default_factory=lambda: {"USD": Decimal(1)})
    pathways: Mapping[str, Pathway] = field(default_factory=dict)

    @cached_property
    def pathway_of(self) -> Mapping[str, tuple[Pathway, int]]:
        """Course id -> its pathway and its place in it (0-based); exams map to their pathway's end."""
        index: dict[str, tuple[Pathway, int]] = {}
        for pathway in self.pathways.values():
            for position, course_id in enumerate(pathway.courses):
                index.setdefault(course_id, (pathway, position))
            if pathway.exam:
                index.setdefault(pathway.exam, (pathway, len(pathway.courses)))
        return index

    def pathway_name(self, course_id: str) -> str | None:
        """The name of the pathway ``course_id`` belongs to, if any."""
        found = self.pathway_of.get(course_id)
        return found[0].name if found else None

    @cached_property
    def courses_by_skill(self) -> Mapping[str, tuple[Course, ...]]:
        """Skill id -> the courses that teach it, in catalog order."""
        index: dict[str, list[Course]] = defaultdict(list)
        for course in self.courses.values():
            for skill_id in course.skills:
                index[skill_id].append(course)
        return {skill_id: tuple(courses) for skill_id, courses in index.items()}

    def convert(self, amount: Decimal, from_currency: str, to_currency: str) -> Decimal:
        """``amount`` in another currency, by the catalog's approximate rates."""
        if from_currency == to_currency:
            return amount
        return amount / self.units_per_usd[from_currency] * self.units_per_usd[to_currency]

    @cached_property
    def courses_by_main_skill(self) -> Mapping[str, tuple[Course, ...]]:
        """Skill id -> the courses mostly about it (what counts towards the skill's depth)."""
        index: dict[str, list[Course]] = defaultdict(list)
        for course in self.courses.values():
            for skill_id in course.main_skills:
                index[skill_id].append(course)
        return {skill_id: tuple(courses) for skill_id, courses in index.items()}

    @cached_property
    def planning_order(self) -> Mapping[str, tuple[Course, ...]]:
        """Skill id -> the courses mostly about it: recognised first, then fewest hours per main skill.

        The planner walks these lists to build its candidate pool, so a plan touches a few
        dozen courses per skill however large the catalog is.
        """
        return {
            skill_id: tuple(
                sorted(
                    courses,
                    key=lambda c: (
                        c.recognition is Recognition.NONE,
                        c.hours / len(c.main_skills),
                        c.id,
                    ),
                )
            )
            for skill_id, courses in self.courses_by_main_skill.items()
        }

    @property
    def providers(self) -> list[str]:
        return sorted({course.provider for course in self.courses.values()})

    def free_courses_for(self, skill_id: str) -> list[Course]:
        return [c for c in self.courses_by_skill.get(skill_id, ()) if c.cost.model is CostModel.FREE]

    def skills_of_kind(self, kind: SkillKind) -> list[Skill]:
        return [skill for skill in self.skills.values() if skill.kind is kind]

    def courses_in_language(self, language: str) -> list[Course]:
        return [course for course in self.courses.values() if language in course.languages]

"""The loaded, cross-checked catalog: skills, goals and courses with the lookups services need."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from core.catalog.schema import CostModel, Course, Goal, Skill, SkillKind


@dataclass(frozen=True)
class Catalog:
    """Everything under ``data/``; built only by :func:`core.catalog.loader.load_catalog`."""

    skills: Mapping[str, Skill]
    goals: Mapping[str, Goal]
    courses: Mapping[str, Course]
    sources: tuple[str, ...] = field(default=())

    @cached_property
    def courses_by_skill(self) -> Mapping[str, tuple[Course, ...]]:
        """Skill id -> the courses that teach it, in catalog order."""
        index: dict[str, list[Course]] = defaultdict(list)
        for course in self.courses.values():
            for skill_id in course.skills:
                index[skill_id].append(course)
        return {skill_id: tuple(courses) for skill_id, courses in index.items()}

    @property
    def providers(self) -> list[str]:
        return sorted({course.provider for course in self.courses.values()})

    def free_courses_for(self, skill_id: str) -> list[Course]:
        return [c for c in self.courses_by_skill.get(skill_id, ()) if c.cost.model is CostModel.FREE]

    def skills_of_kind(self, kind: SkillKind) -> list[Skill]:
        return [skill for skill in self.skills.values() if skill.kind is kind]

    def courses_in_language(self, language: str) -> list[Course]:
        return [course for course in self.courses.values() if language in course.languages]

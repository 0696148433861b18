"""The normalized catalog as plain JSON-ready data (``skillstack catalog export --json``).

Other tools (spreadsheets, the educator's own scripts, tests) read this instead of our YAML,
so the shape is stable and documented in docs/catalog.md.
"""

from __future__ import annotations

from typing import Any

from core.catalog.model import Catalog
from core.catalog.schema import Course


def _course(course: Course, pathway: str | None) -> dict[str, Any]:
    return {
        "id": course.id,
        "title": course.title,
        "provider": course.provider,
        "platform": course.platform,
        "url": str(course.url),
        "skills": list(course.skills),
        "level": course.level.value,
        "hours": course.hours,
        "cost": {
            "model": course.cost.model.value,
            "amount": float(course.cost.amount),
            "currency": course.cost.currency,
            "audit_free": course.cost.audit_free,
        },
        "format": course.format.value,
        "languages": list(course.languages),
        "credential": {"kind": course.credential.kind.value, "platform": course.credential.platform},
        "recognition": course.recognition.value,
        "prerequisites": list(course.prerequisites),
        "prerequisite_skills": list(course.prerequisite_skills),
        "kind": course.kind.value,
        "main_skills": list(course.main_skills),
        "pathway": pathway,
        "last_checked": course.last_checked.isoformat(),
    }


def export_catalog(catalog: Catalog) -> dict[str, Any]:
    """Courses, skills and goals, sorted by id so two exports of one catalog are identical."""
    return {
        "courses": [
            _course(catalog.courses[key], catalog.pathway_name(key)) for key in sorted(catalog.courses)
        ],
        "skills": [
            {
                "id": skill.id,
                "name": skill.name.en,
                "names": {"en": skill.name.en, "id": skill.name.id},
                "kind": skill.kind.value,
                "digcomp_area": skill.digcomp_area.value if skill.digcomp_area else None,
                "aliases": skill.aliases.all(),
            }
            for skill in (catalog.skills[key] for key in sorted(catalog.skills))
        ],
        "goals": [
            {
                "id": goal.id,
                "name": goal.name.en,
                "names": {"en": goal.name.en, "id": goal.name.id},
                "aliases": goal.aliases.all(),
                "skills": dict(goal.skills),
            }
            for goal in (catalog.goals[key] for key in sorted(catalog.goals))
        ],
    }

"""Small in-memory catalogs for planner tests: every rule is easiest to see on a handful of courses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from core.catalog import Catalog
from core.catalog.schema import Course, Goal, Pathway, Skill

CHECKED = dt.date(2026, 11, 1)


def skill(skill_id: str, kind: str = "hard") -> Skill:
    data: dict[str, Any] = {
        "id": skill_id,
        "name": {"en": skill_id.title(), "id": skill_id.title()},
        "kind": kind,
    }
    if kind == "digital-literacy":
        data["digcomp_area"] = "safety"
    return Skill.model_validate(data)


def course(
    course_id: str,
    skills: list[str],
    hours: float,
    *,
    cost: str = "free",
    amount: float = 0,
    currency: str = "USD",
    level: str = "beginner",
    prerequisites: list[str] | None = None,
    prerequisite_skills: list[str] | None = None,
    languages: list[str] | None = None,
    provider: str = "Acme",
    platform: str | None = None,
    recognition: str = "none",
    credential: str = "certificate",
    main_skills: list[str] | None = None,
    course_format: str = "self-paced",
) -> Course:
    return Course.model_validate(
        {
            "id": course_id,
            "title": course_id.replace("-", " ").title(),
            "provider": provider,
            "platform": platform or provider,
            "url": f"https://example.org/{course_id}",
            "skills": skills,
            "main_skills": main_skills or skills[:1],
            "level": level,
            "hours": hours,
            "cost": {"model": cost, "amount": Decimal(str(amount)), "currency": currency},
            "format": course_format,
            "languages": languages or ["en"],
            "credential": {"kind": credential},
            "recognition": recognition,
            "prerequisites": prerequisites or [],
            "prerequisite_skills": prerequisite_skills or [],
            "last_checked": CHECKED,
        }
    )


def pathway(pathway_id: str, courses: list[str], *, exam: str | None = None) -> Pathway:
    return Pathway.model_validate(
        {
            "id": pathway_id,
            "name": pathway_id.replace("-", " ").title(),
            "provider": "Acme",
            "url": f"https://example.org/{pathway_id}",
            "courses": courses,
            "exam": exam,
        }
    )


def catalog_of(
    courses: list[Course],
    skills: list[Skill] | None = None,
    goals: list[Goal] | None = None,
    pathways: list[Pathway] | None = None,
) -> Catalog:
    skill_ids = {s for c in courses for s in (*c.skills, *c.prerequisite_skills)}
    known = {s.id: s for s in skills or []}
    all_skills = {sid: known.get(sid, skill(sid)) for sid in sorted(skill_ids | set(known))}
    return Catalog(
        skills=all_skills,
        goals={g.id: g for g in goals or []},
        courses={c.id: c for c in courses},
        units_per_usd={"USD": Decimal(1), "IDR": Decimal(16000)},
        pathways={p.id: p for p in pathways or []},
    )

"""Generated catalogs for benchmarks: the real taxonomy and goals, many made-up courses.

Shapes follow the shipped catalog: 1-5 skills per course (popular skills more often), hours
log-normally spread around ~15 h, about half free, a quarter on subscription and a quarter
one-off, a third with a prerequisite sharing a skill, levels mostly beginner, languages mostly
English with some Indonesian.  Courses are built with ``model_construct`` (no validation: the
numbers are generated within the schema's ranges) so that 100,000 of them take seconds.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from core.catalog import Catalog, load_catalog
from core.catalog.schema import (
    Cost,
    CostModel,
    Course,
    CourseFormat,
    CourseKind,
    Credential,
    CredentialKind,
    Level,
    Recognition,
)
from core.settings import SHIPPED_DATA_DIR

PROVIDERS = [
    "Coursera",
    "edX",
    "Google",
    "IBM",
    "Microsoft",
    "AWS",
    "Cisco",
    "freeCodeCamp",
    "Udemy",
    "LinkedIn Learning",
    "Dicoding",
    "Khan Academy",
    "HubSpot Academy",
    "OpenLearn",
]
CHECKED = dt.date(2026, 11, 1)


def _cost(rng: random.Random) -> Cost:
    draw = rng.random()
    if draw < 0.5:
        return Cost.model_construct(model=CostModel.FREE, amount=Decimal(0), currency="USD", audit_free=False)
    if draw < 0.75:
        return Cost.model_construct(
            model=CostModel.SUBSCRIPTION,
            amount=Decimal(rng.choice([29, 39, 49, 59])),
            currency="USD",
            audit_free=True,
        )
    return Cost.model_construct(
        model=CostModel.ONE_OFF, amount=Decimal(rng.randint(10, 300)), currency="USD", audit_free=False
    )


def generated_catalog(size: int, seed: int = 1) -> Catalog:
    """The shipped skills and goals with ``size`` generated courses."""
    base = load_catalog(SHIPPED_DATA_DIR)
    rng = random.Random(seed)
    skill_ids = sorted(base.skills)
    popularity = [1.0 / (rank + 1) ** 0.6 for rank in range(len(skill_ids))]
    rng.shuffle(popularity)
    courses: dict[str, Course] = {}
    by_skill: dict[str, list[str]] = {}
    for number in range(size):
        count = rng.choice([1, 1, 2, 2, 2, 3, 3, 4, 5])
        skills = list(dict.fromkeys(rng.choices(skill_ids, weights=popularity, k=count)))
        prerequisites = []
        if rng.random() < 0.33 and by_skill.get(skills[0]):
            prerequisites = [rng.choice(by_skill[skills[0]][-50:])]
        provider = rng.choice(PROVIDERS)
        course_id = f"gen-{number:06d}"
        courses[course_id] = Course.model_construct(
            id=course_id,
            title=f"Generated course {number}",
            provider=provider,
            platform=provider,
            url=f"https://example.org/{course_id}",
            skills=skills,
            level=rng.choices(list(Level), weights=[6, 3, 1])[0],
            hours=round(min(max(rng.lognormvariate(2.6, 0.8), 1.0), 300.0), 1),
            cost=_cost(rng),
            format=CourseFormat.SELF_PACED,
            languages=rng.choices([["en"], ["id"], ["en", "id"]], weights=[16, 3, 1])[0],
            credential=Credential.model_construct(kind=rng.choice(list(CredentialKind)), platform=None),
            recognition=rng.choice(list(Recognition)),
            prerequisites=prerequisites,
            prerequisite_skills=[],
            main_skills=skills[:1],
            kind=CourseKind.COURSE,
            localized_title=None,
            brief=None,
            last_checked=CHECKED,
            notes=None,
        )
        for skill in skills:
            by_skill.setdefault(skill, []).append(course_id)
    return Catalog(skills=base.skills, goals=base.goals, courses=courses, units_per_usd=base.units_per_usd)

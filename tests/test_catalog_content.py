"""The shipped catalog: loads cleanly and has the breadth the product promises."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from core.catalog import Catalog
from core.catalog.schema import CostModel, DigCompArea, SkillKind

REQUIRED_GOALS = {
    "data-analyst",
    "web-developer",
    "ux-designer",
    "digital-marketer",
    "cloud-practitioner",
    "cybersecurity-analyst",
    "it-support-specialist",
    "project-manager",
    "online-seller",
    "teacher-digital-tools",
}


def test_sizes(catalog: Catalog) -> None:
    assert len(catalog.courses) >= 150
    assert len(catalog.providers) >= 12
    assert len(catalog.skills) >= 120
    assert len(catalog.goals) >= 25


def test_goals_cover_the_promised_roles(catalog: Catalog) -> None:
    assert set(catalog.goals) >= REQUIRED_GOALS


def test_every_kind_and_digcomp_area_is_present(catalog: Catalog) -> None:
    assert {skill.kind for skill in catalog.skills.values()} == set(SkillKind)
    areas = {skill.digcomp_area for skill in catalog.skills_of_kind(SkillKind.DIGITAL_LITERACY)}
    assert areas == set(DigCompArea)


def test_every_skill_has_aliases_in_both_languages(catalog: Catalog) -> None:
    missing = [s.id for s in catalog.skills.values() if not (s.aliases.en and s.aliases.id)]
    assert missing == []


def test_every_goal_has_aliases_in_both_languages(catalog: Catalog) -> None:
    missing = [g.id for g in catalog.goals.values() if not (g.aliases.en and g.aliases.id)]
    assert missing == []


def test_every_goal_mixes_hard_and_soft_skills(catalog: Catalog) -> None:
    for goal in catalog.goals.values():
        kinds = Counter(catalog.skills[skill_id].kind for skill_id in goal.skills)
        assert kinds[SkillKind.HARD] and kinds[SkillKind.SOFT], goal.id


def test_every_skill_has_a_free_option(catalog: Catalog) -> None:
    """A free option: a free course, or one whose material is free to audit (only the certificate costs)."""
    without_free = sorted(
        skill_id
        for skill_id in catalog.skills
        if not any(
            c.cost.model is CostModel.FREE or c.cost.audit_free
            for c in catalog.courses_by_skill.get(skill_id, ())
        )
    )
    assert without_free == []


def test_most_goal_skills_have_a_free_credential(catalog: Catalog) -> None:
    needed = {skill_id for goal in catalog.goals.values() for skill_id in goal.skills}
    with_free = [skill_id for skill_id in needed if catalog.free_courses_for(skill_id)]
    assert len(with_free) >= 0.95 * len(needed)


def test_every_skill_is_taught_somewhere(catalog: Catalog) -> None:
    untaught = sorted(set(catalog.skills) - set(catalog.courses_by_skill))
    assert untaught == []


def test_indonesian_courses(catalog: Catalog) -> None:
    assert len(catalog.courses_in_language("id")) >= 10


def test_levels_formats_and_costs_are_mixed(catalog: Catalog) -> None:
    courses = list(catalog.courses.values())
    assert {c.level for c in courses} == {"beginner", "intermediate", "advanced"}
    assert {c.cost.model for c in courses} == set(CostModel)
    assert sum(c.cost.model is CostModel.FREE for c in courses) >= 40


def test_last_checked_is_not_in_the_future(catalog: Catalog) -> None:
    today = dt.datetime.now(dt.UTC).date()
    assert [c.id for c in catalog.courses.values() if c.last_checked > today] == []


def test_aliases_do_not_point_at_two_goals(catalog: Catalog) -> None:
    owners: dict[str, set[str]] = {}
    for goal in catalog.goals.values():
        for alias in goal.aliases.all():
            owners.setdefault(alias.casefold(), set()).add(goal.id)
    assert {alias: ids for alias, ids in owners.items() if len(ids) > 1} == {}

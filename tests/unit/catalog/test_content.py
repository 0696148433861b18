"""The shipped catalog: loads cleanly and has the breadth the product promises."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from core.catalog import Catalog
from core.catalog.schema import CostModel, Course, CourseKind, DigCompArea, Level, SkillKind

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


MIN_COURSES = 400  # entries of kind course (issue #14, section 7); exams and projects do not count
PROJECT_HOURS = (10, 20)  # a portfolio project fills part of a practice month, not a whole term


def _courses_of_kind(catalog: Catalog, kind: CourseKind) -> list[Course]:
    return [course for course in catalog.courses.values() if course.kind is kind]


def _learnable_free(course: Course) -> bool:
    """Free to study: free outright, or audit-free (only the certificate costs)."""
    return course.cost.model is CostModel.FREE or course.cost.audit_free


def test_sizes(catalog: Catalog) -> None:
    assert len(catalog.courses) >= 150
    assert len(_courses_of_kind(catalog, CourseKind.COURSE)) >= MIN_COURSES
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


def test_every_goal_skill_has_a_beginner_and_a_next_level_course(catalog: Catalog) -> None:
    """Coverage rule of the catalog contract, counting only courses whose MAIN skill it is.

    A plan needs a first course and a next-level one for every skill a goal lists, and a free-only
    learner needs at least one of them to be free to study.  Basics marked ``beginner_only`` are
    never planned past beginner, so they need no next-level course.
    """
    by_main_skill: dict[str, list[Course]] = {}
    for course in _courses_of_kind(catalog, CourseKind.COURSE):
        for skill_id in course.main_skills:
            by_main_skill.setdefault(skill_id, []).append(course)
    gaps: dict[str, list[str]] = {}
    for skill_id in sorted({skill_id for goal in catalog.goals.values() for skill_id in goal.skills}):
        courses = by_main_skill.get(skill_id, [])
        beginner = [c for c in courses if c.level is Level.BEGINNER]
        next_level = [c for c in courses if c.level is not Level.BEGINNER]
        missing = []
        if not beginner:
            missing.append("beginner")
        if not next_level and not catalog.skills[skill_id].beginner_only:
            missing.append("next level")
        if not any(_learnable_free(c) for c in courses):
            missing.append("free or audit-free")
        if missing:
            gaps[skill_id] = missing
    assert gaps == {}


def test_every_goal_has_a_portfolio_project_that_applies_its_skills(catalog: Catalog) -> None:
    for goal in catalog.goals.values():
        assert goal.projects, goal.id
        for project_id in goal.projects:
            project = catalog.courses[project_id]
            assert project.kind is CourseKind.PROJECT, project_id
            assert set(project.main_skills) <= set(goal.skills), (goal.id, project_id)


def test_projects_are_free_practice_of_a_sensible_size(catalog: Catalog) -> None:
    low, high = PROJECT_HOURS
    for project in _courses_of_kind(catalog, CourseKind.PROJECT):
        assert low <= project.hours <= high, project.id
        assert project.cost.model is CostModel.FREE, project.id
        assert project.localized_title and project.brief, project.id


def test_every_project_is_set_by_some_goal(catalog: Catalog) -> None:
    listed = {project_id for goal in catalog.goals.values() for project_id in goal.projects}
    unused = sorted(p.id for p in _courses_of_kind(catalog, CourseKind.PROJECT) if p.id not in listed)
    assert unused == []


def test_next_goals_are_one_to_three_other_goals(catalog: Catalog) -> None:
    for goal in catalog.goals.values():
        assert 1 <= len(goal.next_goals) <= 3, goal.id
        assert goal.id not in goal.next_goals, goal.id


def test_beginner_only_skills_are_digital_basics(catalog: Catalog) -> None:
    """Only everyday digital basics may be skipped for non-beginners; a job skill never is."""
    flagged = [skill for skill in catalog.skills.values() if skill.beginner_only]
    assert flagged
    assert [s.id for s in flagged if s.kind is not SkillKind.DIGITAL_LITERACY] == []


def test_each_course_has_its_own_url(catalog: Catalog) -> None:
    urls = Counter(str(course.url) for course in catalog.courses.values())
    assert sorted(url for url, count in urls.items() if count > 1) == []


INDONESIAN_SKILLS = (
    "sql",
    "spreadsheets",
    "ux-design",
    "it-support",
    "linux",
    "digital-marketing",
    "educational-technology",
)


@pytest.mark.parametrize("skill_id", INDONESIAN_SKILLS)
def test_indonesian_learners_have_a_course_in_their_language_for_the_skills_the_issue_names(
    catalog: Catalog, skill_id: str
) -> None:
    taught = [
        course
        for course in _courses_of_kind(catalog, CourseKind.COURSE)
        if skill_id in course.main_skills and "id" in course.languages
    ]
    assert taught, skill_id

"""The coaching rules of the planner, one test each, on catalogs small enough to see the answer.

Depth per skill from main skills, months filled while the goal is incomplete, pathways in order
and finished or reported, exams booked when prepared and affordable, deeper then practice once the
core is reached, level that changes the plan, money as learners see it, the learner's language.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.catalog.schema import CourseKind, Goal, Level
from core.planner import Phase, PlanRequest, PlanResult, Progress, ProgressState, plan_months, replan
from core.planner.depth import target_hours
from core.planner.rules import FILL
from core.planner.standing import standing
from core.plans import store as plan_store
from core.plans.render_text import render_plan
from tests.catalog_factory import catalog_of, course, pathway, skill

START = dt.date(2027, 1, 1)


def request(goal_skills: dict[str, float], **options: object) -> PlanRequest:
    return PlanRequest(goal_skills=goal_skills, start=START, **options)  # type: ignore[arg-type]


def depth_of(result: PlanResult, skill_id: str) -> tuple[float, float, float]:
    found = next(d for d in result.depth if d.skill == skill_id)
    return found.target_hours, found.credited_hours, found.planned_hours


def months_of(result: PlanResult) -> list[list[str]]:
    return [[item.course.id for item in month.items] for month in result.months]


def goal(goal_id: str, skills: dict[str, float], **fields: object) -> Goal:
    return Goal.model_validate(
        {"id": goal_id, "name": {"en": goal_id, "id": goal_id}, "skills": skills, **fields}
    )


def project(project_id: str, skills: list[str], hours: float) -> object:
    return course(project_id, skills, hours).model_copy(
        update={
            "kind": CourseKind.PROJECT,
            "localized_title": {"en": "Build a dashboard", "id": "Bangun dasbor"},
            "brief": {"en": "Share it.", "id": "Bagikan."},
        }
    )


# -- depth -----------------------------------------------------------------------------------


def test_a_skill_is_covered_when_its_target_depth_is_reached_not_when_a_course_touches_it() -> None:
    catalog = catalog_of(
        [
            course("sql-intro", ["sql"], 10),
            course("sql-more", ["sql"], 20),
            course("sales-with-a-query", ["sales", "sql"], 40, main_skills=["sales"]),
        ]
    )
    result = plan_months(catalog, request({"sql": 1.0}, hours_per_week=10))
    assert set(result.course_ids) == {"sql-intro", "sql-more"}  # the 40 h sales course adds no SQL depth
    assert depth_of(result, "sql") == (30.0, 0.0, 30.0)
    assert result.covered_skills == ("sql",)


def test_depth_comes_from_the_goal_when_it_says_and_from_the_weight_otherwise() -> None:
    python = skill("python")
    assert target_hours(python, 1.0, None) == 30
    assert target_hours(python, 0.6, None) == 15
    assert target_hours(python, 0.3, None) == 8
    assert target_hours(skill("talk", "soft"), 1.0, None) == 10  # soft skills grow with use
    ml = goal("ml-engineer", {"python": 1.0, "ml": 1.0, "git": 0.5}, depth={"python": 40})
    assert target_hours(python, 1.0, ml) == 40


def test_a_soft_skill_is_served_only_by_a_course_mostly_about_it() -> None:
    catalog = catalog_of(
        [
            course("inbound-sales", ["sales", "communication"], 4, main_skills=["sales"]),
            course("speaking-at-work", ["communication"], 6),
        ],
        skills=[skill("communication", "soft")],
    )
    result = plan_months(catalog, request({"communication": 1.0}))
    assert result.course_ids == ["speaking-at-work"]


def test_the_plan_says_how_far_each_skill_gets_honestly() -> None:
    catalog = catalog_of([course("sql-intro", ["sql"], 12)])
    result = plan_months(catalog, request({"sql": 1.0}))
    text = "\n".join(render_plan(catalog, result, "en"))
    assert "40% of the way to your goal" in text
    assert "SQL 12 of 30 h" in text.replace("Sql", "SQL")


# -- filling the months ----------------------------------------------------------------------


def test_months_are_filled_to_the_planned_share_while_the_goal_is_incomplete() -> None:
    courses = [course(f"sql-{i}", ["sql"], 7) for i in range(12)] + [
        course(f"py-{i}", ["python"], 9) for i in range(12)
    ]
    goal_skills = {"sql": 1.0, "python": 1.0, "git": 0.3}
    catalog = catalog_of(courses, goals=[goal("analyst", goal_skills, depth={"sql": 100, "python": 100})])
    result = plan_months(catalog, request(goal_skills, goal="analyst", hours_per_week=5))
    assert result.complete_on is None
    for month in result.months:
        assert 0.7 * month.capacity_hours <= month.hours <= FILL * month.capacity_hours + 0.01, month


def test_a_course_waiting_for_money_leaves_its_room_to_a_free_one() -> None:
    catalog = catalog_of(
        [
            course("paid-a", ["a"], 20, cost="one-off", amount=49),
            course("paid-b", ["b"], 20, cost="one-off", amount=49),
            course("free-c", ["c"], 15),
        ]
    )
    result = plan_months(
        catalog, request({"a": 1.0, "b": 1.0, "c": 1.0}, hours_per_week=10, monthly_budget=Decimal(49))
    )
    assert set(months_of(result)[0]) == {"paid-a", "free-c"}  # first fit: the free course uses January
    assert months_of(result)[1] == ["paid-b"]


# -- pathways and exams ----------------------------------------------------------------------


def certificate_catalog(*, exam_fee: int = 100) -> object:
    steps = [course(f"cert-{i}", ["cloud"], 12, recognition="industry") for i in range(1, 5)]
    exam = course("cert-exam", ["cloud"], 8, cost="one-off", amount=exam_fee, recognition="industry")
    exam = exam.model_copy(update={"kind": CourseKind.EXAM})
    loose = course("other-cloud", ["cloud"], 12)
    return catalog_of(
        [*steps, exam, loose],
        pathways=[pathway("cloud-cert", [s.id for s in steps], exam="cert-exam")],
    )


def test_a_started_pathway_goes_on_in_order_and_its_exam_is_booked_when_affordable() -> None:
    catalog = certificate_catalog()
    result = plan_months(catalog, request({"cloud": 1.0}, hours_per_week=8, monthly_budget=Decimal(100)))
    ids = result.course_ids
    steps = [ids.index(f"cert-{i}") for i in range(1, 5)]
    assert steps == sorted(steps)
    assert ids.index("cert-exam") > steps[-1]
    progress = result.pathways[0]
    assert (progress.total, progress.planned, progress.left) == (4, 4, 0)
    assert progress.finished_on is not None and progress.exam_on is not None
    text = "\n".join(render_plan(catalog, result, "en"))
    assert "all 4 courses by" in text and "exam in" in text


def test_an_exam_the_budget_cannot_pay_is_not_booked() -> None:
    result = plan_months(
        certificate_catalog(), request({"cloud": 1.0}, hours_per_week=8, monthly_budget=Decimal(0))
    )
    assert "cert-exam" not in result.course_ids
    assert result.pathways[0].exam_on is None


def test_a_pathway_that_does_not_fit_says_what_is_left() -> None:
    result = plan_months(certificate_catalog(), request({"cloud": 1.0}, hours_per_week=2, months=3))
    progress = result.pathways[0]
    assert progress.planned < progress.total
    assert progress.left == progress.total - progress.planned
    assert progress.left_hours == 12 * progress.left
    text = "\n".join(render_plan(certificate_catalog(), result, "en"))
    assert f"{progress.planned} of 4 courses by the end of this plan; {progress.left} left" in text


def test_a_later_pathway_course_needs_the_earlier_ones_not_a_short_tagged_module() -> None:
    steps = [course("path-1", ["docker"], 10), course("path-2", ["cloud"], 10, level="intermediate")]
    module = course("one-hour-docker", ["cloud"], 1)
    catalog = catalog_of([*steps, module], pathways=[pathway("path", ["path-1", "path-2"])])
    result = plan_months(catalog, request({"cloud": 1.0}, hours_per_week=5))
    assert result.course_ids.index("path-1") < result.course_ids.index("path-2")
    reason = next(i.reason for m in result.months for i in m.items if i.course.id == "path-2")
    assert reason.pathway_step == (2, 2)


# -- after the core --------------------------------------------------------------------------


def test_once_the_core_is_reached_deeper_then_a_project_then_next_goals() -> None:
    catalog = catalog_of(
        [
            course("sql-basics", ["sql"], 30),
            course("sql-advanced", ["sql"], 15, level="intermediate"),
            project("project-dashboard", ["sql"], 12),
        ],
        goals=[
            goal(
                "analyst",
                {"sql": 1.0, "x": 0.3, "y": 0.3},
                projects=["project-dashboard"],
                next_goals=["scientist"],
            ),
            goal("scientist", {"sql": 1.0, "x": 0.3, "y": 0.3}),
        ],
    )
    result = plan_months(catalog, request({"sql": 1.0}, goal="analyst", hours_per_week=10))
    phases = {item.course.id: item.reason.phase for m in result.months for item in m.items}
    assert phases == {
        "sql-basics": Phase.CORE,
        "sql-advanced": Phase.DEEPER,
        "project-dashboard": Phase.PRACTICE,
    }
    assert result.course_ids == ["sql-basics", "sql-advanced", "project-dashboard"]
    assert result.complete_on == START
    assert result.next_goals == ("scientist",)
    text = "\n".join(render_plan(catalog, result, "id"))
    assert "Bangun dasbor" in text


def test_a_project_is_set_for_the_hours_left_when_its_brief_does_not_fit() -> None:
    catalog = catalog_of(
        [course("sql-basics", ["sql"], 30), project("project-dashboard", ["sql"], 20)],
        goals=[goal("analyst", {"sql": 1.0, "x": 0.3, "y": 0.3}, projects=["project-dashboard"])],
    )
    result = plan_months(catalog, request({"sql": 1.0}, goal="analyst", hours_per_week=3, months=4))
    hours = sum(i.hours for m in result.months for i in m.items if i.course.id == "project-dashboard")
    assert 6 <= hours < 20


# -- level -----------------------------------------------------------------------------------


def level_catalog() -> object:
    return catalog_of(
        [
            course("sql-basics", ["sql"], 12),
            course("sql-intermediate", ["sql"], 12, level="intermediate"),
            course("sql-advanced", ["sql"], 12, level="advanced"),
            course("computer-basics", ["computer-basics"], 5),
        ],
        skills=[
            skill("sql"),
            skill("computer-basics", "digital-literacy").model_copy(update={"beginner_only": True}),
        ],
    )


def test_level_changes_the_plan() -> None:
    catalog = level_catalog()
    goal_skills = {"sql": 1.0, "computer-basics": 0.5}
    beginner = plan_months(catalog, request(goal_skills, level=Level.BEGINNER))
    intermediate = plan_months(catalog, request(goal_skills, level=Level.INTERMEDIATE))
    advanced = plan_months(catalog, request(goal_skills, level=Level.ADVANCED))
    assert beginner.course_ids[0] == "sql-basics" and "computer-basics" in beginner.course_ids
    assert "sql-basics" not in intermediate.course_ids  # foundations skipped: a next-level course exists
    assert "computer-basics" not in intermediate.course_ids  # basics are for beginners only
    assert depth_of(intermediate, "sql")[1] == 10  # a third of the target counts as there
    assert advanced.course_ids[0] == "sql-advanced"


# -- money -----------------------------------------------------------------------------------


def test_a_free_only_learner_studies_audit_free_courses_free_and_is_told_the_certificate_is_optional() -> (
    None
):
    audited = course("coursera-sql", ["sql"], 20, cost="subscription", amount=49, platform="Coursera")
    audited = audited.model_copy(update={"cost": audited.cost.model_copy(update={"audit_free": True})})
    catalog = catalog_of([audited])
    result = plan_months(catalog, request({"sql": 1.0}, monthly_budget=Decimal(0)))
    assert result.course_ids == ["coursera-sql"]
    assert result.total_cost == 0
    assert result.months[0].items[0].reason.audited
    assert "learn free · certificate $49 optional" in "\n".join(render_plan(catalog, result, "en"))


def test_no_subscription_month_for_a_short_course_outside_a_pathway() -> None:
    catalog = catalog_of(
        [
            course("sub-quick", ["sql"], 3, cost="subscription", amount=20, platform="Skillsoft"),
            course("free-sql", ["sql"], 6),
        ]
    )
    result = plan_months(catalog, request({"sql": 1.0}, monthly_budget=Decimal(50)))
    assert result.course_ids == ["free-sql"]


def test_a_subscription_month_is_not_bought_for_a_few_hours_when_a_later_start_avoids_it() -> None:
    catalog = catalog_of(
        [
            course("free-a", ["a"], 15),
            course("sub-b", ["b"], 16, cost="subscription", amount=30, platform="Coursera"),
            course("free-c", ["c"], 5),
        ]
    )
    goal_skills = {"a": 1.0, "b": 1.0, "c": 0.3}
    result = plan_months(catalog, request(goal_skills, hours_per_week=5, monthly_budget=Decimal(30)))
    months = [m.index for m in result.months for i in m.items if i.course.id == "sub-b"]
    assert months == [2]  # starting in January would have bought a month for 4.9 h of it
    assert result.total_cost == 30
    assert "free-c" in months_of(result)[0]  # the room it left in January went to a free course


def test_a_one_off_course_is_paid_once_and_shown_as_paid_later() -> None:
    catalog = catalog_of([course("bootcamp", ["sql"], 30, cost="one-off", amount=20)])
    result = plan_months(catalog, request({"sql": 1.0}, hours_per_week=3, monthly_budget=Decimal(20)))
    costs = [i.cost for m in result.months for i in m.items]
    assert costs[0] == 20 and all(cost == 0 for cost in costs[1:])
    text = "\n".join(render_plan(catalog, result, "en"))
    assert "$20 once" in text and "already paid" in text and "· free" not in text


# -- language, skill goals, career changes ---------------------------------------------------


def test_an_indonesian_learner_gets_the_indonesian_course_for_the_same_skill() -> None:
    catalog = catalog_of(
        [
            course("sql-en", ["sql"], 10, recognition="industry"),
            course("sql-id", ["sql"], 10, languages=["id"]),
        ]
    )
    goal_skills = {"sql": 0.6}
    indonesian = plan_months(
        catalog, request(goal_skills, languages=frozenset({"id", "en"}), preferred_language="id")
    )
    english = plan_months(catalog, request(goal_skills, languages=frozenset({"id", "en"})))
    assert indonesian.course_ids[0] == "sql-id"
    assert english.course_ids[0] == "sql-en"


def test_a_skill_goal_plans_without_a_catalog_goal() -> None:
    catalog = catalog_of([course("py-1", ["python"], 15), course("py-2", ["python"], 15)])
    result = plan_months(catalog, request({"python": 1.0}))
    assert result.request.goal is None
    assert result.covered_skills == ("python",)
    assert "Your plan: Python" in "\n".join(render_plan(catalog, result, "en"))


def test_transferable_skills_count_as_held() -> None:
    catalog = catalog_of([course("talk", ["communication"], 10), course("ux", ["ux-design"], 30)])
    result = plan_months(
        catalog, request({"ux-design": 1.0, "communication": 0.5}, transferable=frozenset({"communication"}))
    )
    assert result.course_ids == ["ux"]
    assert depth_of(result, "communication")[1] == depth_of(result, "communication")[0]


def test_a_replan_keeps_the_same_rules() -> None:
    catalog = certificate_catalog()
    first = plan_months(catalog, request({"cloud": 1.0}, hours_per_week=4, monthly_budget=Decimal(100)))
    starts = {}
    for month in first.months:
        for item in month.items:
            starts.setdefault(item.course.id, month.starts_on)
    ahead = PlanRequest(
        goal_skills={"cloud": 1.0},
        start=dt.date(2027, 2, 1),
        hours_per_week=4,
        monthly_budget=Decimal(100),
        progress={"cert-1": Progress(ProgressState.DONE), "cert-2": Progress(ProgressState.DONE)},
    )
    again = replan(catalog, ahead, starts)
    ids = again.course_ids
    assert ids.index("cert-3") < ids.index("cert-4") < ids.index("cert-exam")
    assert again.pathways[0].done_before == 2
    assert all(month.items for month in again.months[:3])


def test_standing_counts_finished_courses_and_certificates_like_a_plan() -> None:
    catalog = certificate_catalog()
    now = standing(
        catalog,
        request({"cloud": 1.0}, progress={"cert-1": Progress(ProgressState.DONE)}),
    )
    assert now.depth[0].credited_hours == 12
    assert round(now.coverage, 2) == 0.4
    assert [(c.done, c.total) for c in now.certificates] == [(1, 4)]


def test_a_reason_stored_by_an_earlier_version_still_loads() -> None:
    stored = {
        "skills": ["sql"],
        "free": True,
        "prerequisite_for": [],
        "stacks_into": None,
        "stacks_with_plan": False,  # a field this version dropped
        "recognized": False,
        "soft_mix": False,
        "in_progress": False,
    }
    reason = plan_store._reason_from_json(stored)
    assert reason.skills == ("sql",)
    assert reason.phase is Phase.CORE and reason.pathway_step is None and not reason.audited

"""The coaching benchmark measures what it claims: its metrics on hand-made plans, its grid on one goal.

The metric functions (tests/bench/coaching_metrics.py) are checked on PlanResults built by hand,
where the right answer is known (an empty month while the goal is incomplete counts 1, an empty
month after completion counts 0, ...).  The runner is checked on a small grid of the shipped
catalog, and against the CLI: the benchmark must plan what ``skillstack plan`` would plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import pytest

import bot.cli.planning
from bot.cli.commands import main
from core.catalog import Catalog
from core.catalog.schema import Course, CourseKind, Level, Pathway
from core.planner import (
    PlanMonth,
    PlannedItem,
    PlanRequest,
    PlanResult,
    Progress,
    ProgressState,
    plan_months,
)
from core.planner.types import PathwayProgress, Reason
from tests.bench import bench_plan_coaching as bench
from tests.bench import coaching_metrics as metrics
from tests.catalog_factory import course, pathway

START = dt.date(2027, 1, 1)
GOAL = {"sql": 1.0, "spreadsheets": 0.8}
SQL = course("sql-basics", ["sql"], 10)
SHEETS = course("sheets", ["spreadsheets"], 8)
SALES = course("sales-talk", ["sales", "communication"], 4)
TOUCHES_SQL = course("mostly-sales", ["sales", "sql"], 6, main_skills=["sales"])
EXAM = course("sql-exam", ["sql"], 3, cost="one-off", amount=50).model_copy(update={"kind": CourseKind.EXAM})
PROJECT = course("dashboard", ["sql"], 6, languages=["en", "id"]).model_copy(
    update={"kind": CourseKind.PROJECT}
)
SQL_ID = course("sql-dasar", ["sql"], 10, languages=["id"])
TRACK = pathway("sql-track", ["sql-basics", "sheets", "sql-advanced"])


def item(entry: Course, hours: float | None = None) -> PlannedItem:
    return PlannedItem(
        course=entry,
        hours=entry.hours if hours is None else hours,
        cost=Decimal(0),
        part=1,
        parts=1,
        new_skills=(),
        reason=Reason(skills=(), free=True),
    )


def month(index: int, items: Sequence[PlannedItem], capacity: float = 20.0) -> PlanMonth:
    return PlanMonth(
        index=index,
        starts_on=dt.date(2027, index, 1),
        capacity_hours=capacity,
        hours=sum(entry.hours for entry in items),
        cost=Decimal(0),
        items=tuple(items),
    )


def plan(
    *months: Sequence[PlannedItem],
    complete_on: dt.date | None = None,
    pathways: Sequence[PathwayProgress] = (),
    progress: dict[str, Progress] | None = None,
) -> PlanResult:
    request = PlanRequest(goal_skills=GOAL, start=START, months=len(months), progress=progress or {})
    built = tuple(month(index, items) for index, items in enumerate(months, start=1))
    return PlanResult(
        request=request,
        months=built,
        covered_skills=(),
        uncovered=(),
        coverage=0.0,
        total_hours=sum(m.hours for m in built),
        total_cost=Decimal(0),
        pathways=tuple(pathways),
        complete_on=complete_on,
    )


def progress_of(track: Pathway, *, planned: int, left_hours: float, done_before: int = 0) -> PathwayProgress:
    return PathwayProgress(
        pathway_id=track.id,
        name=track.name,
        total=len(track.courses),
        done_before=done_before,
        planned=planned,
        finished_on=None,
        left_hours=left_hours,
    )


# --- months and capacity -------------------------------------------------------------------


def test_every_month_is_incomplete_when_the_goal_is_never_complete() -> None:
    result = plan([item(SQL)], [], [item(SHEETS)])
    assert [m.index for m in metrics.incomplete_months(result)] == [1, 2, 3]


def test_months_from_the_completion_month_on_are_not_incomplete() -> None:
    result = plan([item(SQL)], [item(SHEETS)], [], complete_on=dt.date(2027, 3, 1))
    assert [m.index for m in metrics.incomplete_months(result)] == [1, 2]


def test_an_empty_month_while_incomplete_counts_one() -> None:
    assert metrics.empty_months_while_incomplete(plan([item(SQL)], [], [item(SHEETS)])) == 1


def test_an_empty_month_after_completion_counts_nothing() -> None:
    result = plan([item(SQL)], [item(SHEETS)], [], complete_on=dt.date(2027, 3, 1))
    assert metrics.empty_months_while_incomplete(result) == 0


def test_capacity_share_per_month_and_per_plan() -> None:
    result = plan([item(SQL, 16)], [item(SHEETS, 4)], [item(SALES, 20)], complete_on=dt.date(2027, 3, 1))
    assert metrics.capacity_shares(result) == pytest.approx([0.8, 0.2])
    assert metrics.plan_capacity_share(result) == pytest.approx(20 / 40)


def test_a_plan_complete_from_the_start_has_no_capacity_share() -> None:
    result = plan([], complete_on=START)
    assert metrics.capacity_shares(result) == []
    assert metrics.plan_capacity_share(result) is None


# --- on-goal hours -----------------------------------------------------------------------------


def test_a_course_is_on_goal_by_its_main_skills_only() -> None:
    assert metrics.is_on_goal(SQL, GOAL)
    assert not metrics.is_on_goal(TOUCHES_SQL, GOAL)  # touches sql, is about sales
    assert not metrics.is_on_goal(SALES, GOAL)


def test_projects_and_exams_are_on_goal_whatever_their_skills() -> None:
    off_skill_project = PROJECT.model_copy(update={"main_skills": ["sales"], "skills": ["sales"]})
    assert metrics.is_on_goal(off_skill_project, GOAL)
    assert metrics.is_on_goal(EXAM, GOAL)


def test_on_goal_hours_add_up_over_months() -> None:
    result = plan([item(SQL), item(SALES)], [item(TOUCHES_SQL), item(EXAM)])
    assert metrics.on_goal_hours(result) == (SQL.hours + EXAM.hours, 10 + 4 + 6 + 3)


# --- pathways ---------------------------------------------------------------------------------


def test_a_started_pathway_missing_from_the_result_fails() -> None:
    result = plan([item(SQL)], [item(SHEETS)])
    assert metrics.started_pathways(result, [TRACK]) == [TRACK]
    assert not metrics.pathways_accounted(result, [TRACK])


def test_a_started_pathway_reported_with_what_is_left_passes() -> None:
    result = plan([item(SQL)], [item(SHEETS)], pathways=[progress_of(TRACK, planned=2, left_hours=12)])
    assert metrics.pathways_accounted(result, [TRACK])


def test_a_report_that_says_nothing_is_left_of_an_unfinished_pathway_fails() -> None:
    no_hours = plan([item(SQL)], [item(SHEETS)], pathways=[progress_of(TRACK, planned=2, left_hours=0)])
    assert not metrics.pathways_accounted(no_hours, [TRACK])
    claims_all = plan([item(SQL)], [item(SHEETS)], pathways=[progress_of(TRACK, planned=3, left_hours=12)])
    assert not metrics.pathways_accounted(claims_all, [TRACK])  # the months hold two of its courses


def test_a_pathway_finished_in_the_plan_passes_with_nothing_left() -> None:
    advanced = course("sql-advanced", ["sql"], 12)
    result = plan(
        [item(SQL)], [item(SHEETS), item(advanced)], pathways=[progress_of(TRACK, planned=3, left_hours=0)]
    )
    assert metrics.pathways_accounted(result, [TRACK])


def test_courses_done_before_the_plan_finish_a_pathway_too() -> None:
    result = plan(
        [item(SQL)],
        [item(SHEETS)],
        pathways=[progress_of(TRACK, planned=2, left_hours=0, done_before=1)],
        progress={"sql-advanced": Progress(ProgressState.DONE, 100)},
    )
    assert metrics.pathways_accounted(result, [TRACK])


def test_a_plan_that_starts_no_pathway_passes() -> None:
    result = plan([item(SALES)])
    assert metrics.started_pathways(result, [TRACK]) == []
    assert metrics.pathways_accounted(result, [TRACK])


def test_booking_a_pathways_exam_starts_it() -> None:
    with_exam = TRACK.model_copy(update={"exam": EXAM.id})
    assert metrics.started_pathways(plan([item(EXAM)]), [with_exam]) == [with_exam]


# --- levels, languages, reference plans ---------------------------------------------------------


def test_plans_differ_when_any_month_holds_other_courses() -> None:
    same = plan([item(SQL)], [item(SHEETS)])
    assert not metrics.any_differ([(same, plan([item(SQL)], [item(SHEETS)]))])
    assert metrics.any_differ([(same, same), (same, plan([item(SHEETS)], [item(SQL)]))])


def test_indonesian_options_count_courses_not_projects_and_main_skills_not_touched_ones() -> None:
    assert metrics.has_indonesian_option([SQL, SQL_ID], GOAL)
    assert not metrics.has_indonesian_option([SQL, PROJECT], GOAL)
    touches = course("jualan", ["sales", "sql"], 5, main_skills=["sales"], languages=["id"])
    assert not metrics.has_indonesian_option([touches], GOAL)


def test_english_hours_count_against_the_share_only_where_an_unused_indonesian_course_could_take_them() -> (
    None
):
    more_sql_id = course("sql-lanjutan", ["sql"], 4, languages=["id"])
    result = plan([item(SQL), item(SQL_ID), item(SHEETS)])
    options = {"sql": [SQL_ID, more_sql_id]}
    indonesian, replaceable = metrics.indonesian_hours_where_offered(
        result, lambda skill: options.get(skill, [])
    )
    # 10 h in Indonesian; of the 10 English SQL hours only 4 could have been Indonesian; spreadsheets had none
    assert (indonesian, replaceable) == (10, 14)


def test_indonesian_hours_leave_projects_out() -> None:
    result = plan([item(SQL_ID), item(SQL)], [item(PROJECT)])
    assert metrics.indonesian_hours(result) == (10, 20)


def test_reference_overlap_counts_each_course_of_the_first_months_once() -> None:
    result = plan([item(SQL, 5)], [item(SQL, 5), item(SALES)], [item(SHEETS)], [item(EXAM)])
    assert metrics.first_months_courses(result) == ["sql-basics", "sales-talk", "sheets"]
    assert metrics.reference_overlap(result, ["sheets", "sql-basics", "sql-exam"]) == (2, 3)


def test_share_of_nothing_is_unknown_not_zero() -> None:
    assert metrics.share(0, 0) is None
    assert metrics.share(1, 4) == 0.25


# --- the runner -------------------------------------------------------------------------------


def test_the_grid_covers_every_combination_once() -> None:
    cells = bench.grid(["a", "b"])
    assert len(set(cells)) == len(cells) == 2 * len(Level) * 3 * 3 * 2
    assert {cell.language for cell in cells} == {"en", "id"}


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_benchmark_plans_what_the_cli_plans(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    seen: list[PlanRequest] = []

    def recording(catalog: Catalog, request: PlanRequest) -> PlanResult:
        seen.append(request)
        return plan_months(catalog, request)

    monkeypatch.setattr(bot.cli.planning, "plan_months", recording)
    argv = ["plan", "--goal", "data-analyst", "--level", "intermediate", "--hours", "10", "--budget", "30"]
    assert main([*argv, "--lang", language, "--start", "2027-01", "--json"]) == 0
    cell = bench.Cell("data-analyst", Level.INTERMEDIATE, 10.0, Decimal(30), language)
    assert seen == [bench.request_for(catalog, cell)]


def test_the_report_on_a_small_grid_has_every_metric_and_honest_pass_flags(catalog: Catalog) -> None:
    cells = [c for c in bench.grid(["data-analyst"]) if c.hours_per_week == 5 and c.budget == Decimal(30)]
    plans, seconds = bench.run_grid(catalog, cells)
    assert len(plans) == len(cells) == len(Level) * 2
    assert seconds > 0
    assert all(len(result.months) == bench.MONTHS for result in plans.values())
    report = bench.coaching_report(catalog, plans)
    assert set(report) == {
        "capacity_share_while_incomplete",
        "empty_months_while_incomplete",
        "on_goal_hours_share",
        "pathways_finished_or_reported",
        "beginner_vs_intermediate_goals_differing",
        "indonesian_hours_share",
    }
    for name, metric in report.items():
        rule, target = metric["target"].split()
        value = metric["value"]
        expected = value is not None and (value >= float(target) if rule == ">=" else value <= float(target))
        assert metric["pass"] is expected, name
    assert report["beginner_vs_intermediate_goals_differing"]["value"] in {0.0, 1.0}  # one goal
    empty = sum(metrics.empty_months_while_incomplete(result) for result in plans.values())
    assert report["empty_months_while_incomplete"]["value"] == empty


# --- the reference plans ----------------------------------------------------------------------

BRIEF_GOALS = {
    "data-analyst",
    "it-support-specialist",
    "ux-designer",
    "cybersecurity-analyst",
    "project-manager",
    "digital-marketer",
    "cloud-practitioner",
    "front-end-developer",
    "teacher-digital-tools",
    "office-administrator",
}


def test_reference_plans_name_ten_goals_and_courses_that_exist(catalog: Catalog) -> None:
    references = bench.load_reference_plans()
    assert set(references) == BRIEF_GOALS
    for goal, reference in references.items():
        assert goal in catalog.goals
        assert [c for c in reference.courses if c not in catalog.courses] == [], goal
        assert len(set(reference.courses)) == len(reference.courses), goal
        assert reference.source.startswith("https://"), goal
        assert reference.cell == bench.Cell(goal, Level.BEGINNER, 5.0, Decimal(49), "en")


def test_reference_plans_keep_their_certificate_order(catalog: Catalog) -> None:
    """Where a reference plan follows a catalog pathway, it takes the pathway's courses in its order."""
    for reference in bench.load_reference_plans().values():
        for track in catalog.pathways.values():
            in_both = [c for c in reference.courses if c in track.courses]
            assert in_both == [c for c in track.courses if c in in_both], (reference.cell.goal, track.id)


def test_the_reference_report_counts_within_the_first_months(catalog: Catalog) -> None:
    references = bench.load_reference_plans()
    report = bench.reference_report(catalog, {goal: references[goal] for goal in ("cloud-practitioner",)})
    entry = report["goals"]["cloud-practitioner"]
    assert 0 <= entry["in_reference"] <= entry["first_months_courses"]
    assert report["mean_in_reference"] == entry["in_reference"]

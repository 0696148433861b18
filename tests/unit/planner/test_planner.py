"""Planner rules, each with a test that fails when the rule breaks."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from core.catalog import Catalog, load_catalog
from core.catalog.schema import CostModel, Level, SkillKind
from core.planner import (
    PlanRequest,
    PlanResult,
    Progress,
    ProgressState,
    UncoveredReason,
    alternatives,
    plan_months,
    replan,
)
from core.planner.packing import Packer, Work, lay_out, month_capacities
from core.planner.plan import requires
from core.settings import SHIPPED_DATA_DIR
from tests.catalog_factory import catalog_of, course, pathway, skill

START = dt.date(2027, 1, 1)


def request(goal: dict[str, float], **options: object) -> PlanRequest:
    return PlanRequest(goal_skills=goal, start=START, **options)  # type: ignore[arg-type]


def first_month_of(result: PlanResult, course_id: str) -> int:
    return min(m.index for m in result.months for item in m.items if item.course.id == course_id)


def order_of(result: PlanResult) -> list[str]:
    return result.course_ids


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load_catalog(SHIPPED_DATA_DIR)


# -- prerequisites ---------------------------------------------------------------------------


def test_prerequisites_come_before_dependants() -> None:
    catalog = catalog_of(
        [
            course("advanced-sql", ["sql-tuning"], 10, prerequisites=["intro-sql"]),
            course("intro-sql", ["sql"], 10),
        ]
    )
    result = plan_months(catalog, request({"sql-tuning": 1.0}, hours_per_week=5))
    assert order_of(result) == ["intro-sql", "advanced-sql"]
    assert result.depth[0].planned_hours == 10
    item = result.months[0].items[0]
    assert item.reason.prerequisite_for == ("advanced-sql",)


def test_a_prerequisite_already_held_counts() -> None:
    catalog = catalog_of(
        [
            course("advanced-sql", ["sql-tuning"], 10, prerequisites=["intro-sql"]),
            course("intro-sql", ["sql"], 10),
        ]
    )
    result = plan_months(catalog, request({"sql-tuning": 1.0}, held_skills=frozenset({"sql"})))
    assert order_of(result) == ["advanced-sql"]


def test_a_finished_prerequisite_counts() -> None:
    catalog = catalog_of(
        [
            course("advanced-sql", ["sql-tuning"], 10, prerequisites=["intro-sql"]),
            course("intro-sql", ["sql"], 10),
        ]
    )
    done = {"intro-sql": Progress(ProgressState.DONE)}
    result = plan_months(catalog, request({"sql-tuning": 1.0}, progress=done))
    assert order_of(result) == ["advanced-sql"]


def test_a_course_whose_prerequisite_cannot_be_taken_is_left_out() -> None:
    catalog = catalog_of(
        [
            course("advanced-sql", ["sql-tuning"], 10, prerequisites=["intro-sql"]),
            course("intro-sql", ["sql"], 10, languages=["id"]),
        ]
    )
    result = plan_months(catalog, request({"sql-tuning": 1.0}, languages=frozenset({"en"})))
    assert order_of(result) == []
    assert result.uncovered[0].skill == "sql-tuning"


# -- hours and money -------------------------------------------------------------------------


def test_a_month_is_never_over_capacity_and_long_courses_come_in_parts() -> None:
    catalog = catalog_of([course("long-course", ["python"], 40), course("short", ["git"], 3)])
    result = plan_months(catalog, request({"python": 1.0, "git": 0.5}, hours_per_week=4))
    for month in result.months:
        assert month.hours <= month.capacity_hours + 1e-6
    parts = [item for month in result.months for item in month.items if item.course.id == "long-course"]
    assert [(p.part, p.parts) for p in parts] == [(i, len(parts)) for i in range(1, len(parts) + 1)]
    assert len(parts) >= 3
    assert sum(p.hours for p in parts) == pytest.approx(40, abs=0.05)


def test_capacity_follows_the_length_of_each_month() -> None:
    result = plan_months(catalog_of([course("a", ["x"], 1)]), request({"x": 1.0}, hours_per_week=7))
    assert [m.capacity_hours for m in result.months[:2]] == [31.0, 28.0]  # January and February 2027


def test_a_monthly_budget_is_never_exceeded() -> None:
    catalog = catalog_of(
        [
            course("paid-a", ["a"], 5, cost="one-off", amount=40),
            course("paid-b", ["b"], 5, cost="one-off", amount=40),
            course("sub-c", ["c"], 10, cost="subscription", amount=30, platform="Coursera"),
        ]
    )
    result = plan_months(
        catalog, request({"a": 1.0, "b": 1.0, "c": 1.0}, hours_per_week=10, monthly_budget=Decimal(50))
    )
    assert set(result.course_ids) == {"paid-a", "paid-b", "sub-c"}
    for month in result.months:
        assert month.cost <= 50
    assert {first_month_of(result, "paid-a"), first_month_of(result, "paid-b")} == {1, 2}


def test_free_only_when_the_budget_is_zero() -> None:
    catalog = catalog_of(
        [
            course("paid-sql", ["sql"], 5, cost="one-off", amount=10),
            course("free-excel", ["excel"], 30),
        ]
    )
    result = plan_months(catalog, request({"sql": 1.0, "excel": 1.0}))
    assert result.course_ids == ["free-excel"]
    assert result.total_cost == 0
    assert [(gap.skill, gap.reason) for gap in result.uncovered] == [("sql", UncoveredReason.BUDGET)]


def test_one_subscription_covers_every_course_on_its_platform_that_month() -> None:
    catalog = catalog_of(
        [
            course("coursera-a", ["a"], 10, cost="subscription", amount=49, platform="Coursera"),
            course("coursera-b", ["b"], 10, cost="subscription", amount=49, platform="Coursera"),
        ]
    )
    result = plan_months(
        catalog, request({"a": 1.0, "b": 1.0}, hours_per_week=10, monthly_budget=Decimal(49))
    )
    assert result.months[0].cost == 49
    assert sorted(item.cost for item in result.months[0].items) == [0, 49]


def test_extending_a_packer_equals_laying_out_the_whole_sequence_and_leaves_it_unchanged() -> None:
    """The planner checks candidates by extending its selection's calendar: that must be exact."""
    rng = random.Random(5)
    costs = [("free", 0), ("one-off", 29), ("subscription", 49), ("subscription", 39)]
    courses = []
    for index in range(12):
        cost, amount = rng.choice(costs)
        hours = rng.choice([1.5, 4, 9, 20, 33])
        platform = rng.choice(["Coursera", "edX"])
        courses.append(course(f"c{index}", [f"s{index}"], hours, cost=cost, amount=amount, platform=platform))
    catalog = catalog_of(courses)
    capacities = month_capacities(dt.date(2027, 1, 1), 6, 4)
    price = lambda c: c.cost.amount  # noqa: E731
    for _ in range(200):
        first, second = rng.sample(courses, 3), rng.sample(courses, 2)
        work = [Work(catalog.courses[c.id], catalog.courses[c.id].hours) for c in first + second]
        budget = Decimal(rng.choice([0, 30, 60, 100]))
        prefix = Packer.empty(capacities, budget, price).extended(work[:3])
        whole = lay_out(work, capacities, budget, price)
        if prefix is None:
            assert whole is None
            continue
        before = (repr(prefix.layout), repr(prefix.subscriptions))
        extended = prefix.extended(work[3:])
        assert (extended.layout if extended is not None else None) == whole
        assert (repr(prefix.layout), repr(prefix.subscriptions)) == before


def test_prices_are_converted_to_the_learners_currency() -> None:
    catalog = catalog_of([course("kelas", ["a"], 5, cost="one-off", amount=160000, currency="IDR")])
    too_poor = plan_months(catalog, request({"a": 1.0}, monthly_budget=Decimal(9)))
    rich_enough = plan_months(catalog, request({"a": 1.0}, monthly_budget=Decimal(10)))
    assert too_poor.course_ids == []
    assert rich_enough.course_ids == ["kelas"]
    assert rich_enough.total_cost == Decimal(10)


def test_a_course_longer_than_the_horizon_is_reported() -> None:
    catalog = catalog_of([course("huge", ["a"], 300)])
    result = plan_months(catalog, request({"a": 1.0}, hours_per_week=5, months=6))
    assert result.course_ids == []
    assert result.uncovered[0].reason is UncoveredReason.TOO_LONG


# -- preferences and filters -----------------------------------------------------------------


def test_language_filter() -> None:
    catalog = catalog_of([course("kelas-sql", ["sql"], 5, languages=["id"]), course("excel", ["excel"], 30)])
    english = plan_months(catalog, request({"sql": 1.0, "excel": 1.0}, languages=frozenset({"en"})))
    assert english.course_ids == ["excel"]
    assert [(gap.skill, gap.reason) for gap in english.uncovered] == [("sql", UncoveredReason.LANGUAGE)]
    indonesian = plan_months(catalog, request({"sql": 1.0, "excel": 1.0}, languages=frozenset({"id", "en"})))
    assert set(indonesian.course_ids) == {"kelas-sql", "excel"}


def test_avoided_providers_and_formats() -> None:
    catalog = catalog_of(
        [
            course("udemy-sql", ["sql"], 5, provider="Udemy"),
            course("bootcamp-sql", ["sql"], 5, provider="Camp", course_format="bootcamp"),
        ]
    )
    result = plan_months(
        catalog,
        request({"sql": 1.0}, avoid_providers=frozenset({"Udemy"}), formats=frozenset({"self-paced"})),
    )
    assert result.course_ids == []
    # each filter removed one course; the one that removed the last is reported
    assert result.uncovered[0].reason is UncoveredReason.PROVIDER
    only_format = plan_months(catalog, request({"sql": 1.0}, formats=frozenset({"cohort"})))
    assert only_format.uncovered[0].reason is UncoveredReason.FORMAT


def test_highest_weight_gaps_come_first() -> None:
    catalog = catalog_of([course("minor", ["nice"], 10), course("major", ["core"], 10)])
    result = plan_months(catalog, request({"nice": 0.3, "core": 1.0}, hours_per_week=3))
    assert order_of(result) == ["major", "minor"]


def test_recognized_stackable_credentials_win_at_similar_cost() -> None:
    catalog = catalog_of(
        [
            course("aaa-plain", ["sql"], 10),
            course("zzz-google", ["sql"], 10, recognition="industry"),
            course("zzz-google-2", ["sql"], 10, recognition="industry"),
        ],
        pathways=[pathway("google-data-analytics", ["zzz-google", "zzz-google-2"])],
    )
    result = plan_months(catalog, request({"sql": 1.0}))
    assert result.course_ids[:2] == ["zzz-google", "zzz-google-2"]
    reason = result.months[0].items[0].reason
    assert reason.recognized
    assert reason.stacks_into == "Google Data Analytics"
    assert reason.pathway_step == (1, 2)


def test_coverage_beats_recognition_when_costs_differ_a_lot() -> None:
    catalog = catalog_of(
        [
            course("quick-plain", ["sql"], 5),
            course("slow-famous", ["sql"], 30, recognition="industry"),
        ]
    )
    result = plan_months(catalog, request({"sql": 1.0}, hours_per_week=2, months=2))
    assert result.course_ids == ["quick-plain"]


def test_level_foundations_come_first_for_a_beginner() -> None:
    catalog = catalog_of(
        [
            course("sql-intermediate", ["sql", "query-tuning"], 8, level="intermediate"),
            course("sql-basics", ["sql"], 8, level="beginner"),
        ]
    )
    beginner = plan_months(catalog, request({"sql": 1.0, "query-tuning": 1.0}, level=Level.BEGINNER))
    assert order_of(beginner) == ["sql-basics", "sql-intermediate"]
    intermediate = plan_months(catalog, request({"sql": 1.0, "query-tuning": 1.0}, level=Level.INTERMEDIATE))
    assert order_of(intermediate) == ["sql-intermediate"]


def test_an_advanced_course_without_foundations_is_not_given_to_a_beginner() -> None:
    catalog = catalog_of([course("deep-learning", ["neural-networks"], 20, level="advanced")])
    result = plan_months(catalog, request({"neural-networks": 1.0}, level=Level.BEGINNER))
    assert result.course_ids == []
    assert result.uncovered[0].reason is UncoveredReason.LEVEL


def test_soft_and_digital_skills_are_mixed_in_every_few_months() -> None:
    hard = [course(f"hard-{i}", [f"h{i}"], 20) for i in range(8)]
    soft = [course("talk", ["speaking"], 4), course("safety", ["staying-safe"], 4)]
    catalog = catalog_of(
        [*hard, *soft], skills=[skill("speaking", "soft"), skill("staying-safe", "digital-literacy")]
    )
    goal = {f"h{i}": 1.0 for i in range(8)} | {"speaking": 0.3, "staying-safe": 0.3}
    result = plan_months(catalog, request(goal, hours_per_week=6, months=6))
    assert len(result.course_ids) == 8  # the horizon is full: the mix is not free
    mix_months = {first_month_of(result, cid) for cid in ("talk", "safety") if cid in result.course_ids}
    assert any(m <= 3 for m in mix_months), result.course_ids
    assert any(4 <= m <= 6 for m in mix_months), result.course_ids


def test_shipped_plans_mix_soft_skills_when_the_goal_lists_them(shipped: Catalog) -> None:
    for goal in shipped.goals.values():
        result = plan_months(
            shipped,
            request(
                dict(goal.skills), hours_per_week=5, monthly_budget=Decimal(50), languages=frozenset({"en"})
            ),
        )
        kinds = {
            shipped.skills[s].kind
            for cid in result.course_ids
            for s in shipped.courses[cid].main_skills
            if s in goal.skills
        }
        lists_mix = any(shipped.skills[s].kind is not SkillKind.HARD for s in goal.skills)
        if lists_mix and result.course_ids:
            assert kinds - {SkillKind.HARD}, goal.id


# -- whole-catalog invariants ----------------------------------------------------------------


@pytest.mark.parametrize("budget", [0, 30, 100])
@pytest.mark.parametrize("hours", [2, 5, 12])
def test_every_shipped_goal_plan_respects_every_limit(shipped: Catalog, budget: int, hours: int) -> None:
    for goal in shipped.goals.values():
        result = plan_months(
            shipped,
            request(
                dict(goal.skills),
                hours_per_week=hours,
                monthly_budget=Decimal(budget),
                languages=frozenset({"en", "id"}),
            ),
        )
        seen: set[str] = set()
        for month in result.months:
            assert month.hours <= month.capacity_hours + 1e-6, goal.id
            assert month.cost <= budget, goal.id
            for item in month.items:
                assert "en" in item.course.languages or "id" in item.course.languages
                if budget == 0:
                    assert item.cost == 0
                    assert item.course.cost.model is CostModel.FREE or item.reason.audited
                for prerequisite in item.course.prerequisites:
                    if prerequisite in result.course_ids:
                        assert prerequisite in seen, (goal.id, item.course.id)
                seen.add(item.course.id)
        assert set(result.covered_skills) | {gap.skill for gap in result.uncovered} == set(goal.skills)


def test_determinism_regardless_of_catalog_order(shipped: Catalog) -> None:
    goal = dict(shipped.goals["data-analyst"].skills)
    reference = plan_months(shipped, request(goal, monthly_budget=Decimal(60)))
    items = list(shipped.courses.items())
    random.Random(7).shuffle(items)
    pathways = list(shipped.pathways.items())
    random.Random(7).shuffle(pathways)
    shuffled = Catalog(
        skills=shipped.skills,
        goals=shipped.goals,
        courses=dict(items),
        units_per_usd=shipped.units_per_usd,
        pathways=dict(pathways),
    )
    again = plan_months(shuffled, request(goal, monthly_budget=Decimal(60)))
    assert again == reference
    assert plan_months(shipped, request(goal, monthly_budget=Decimal(60))) == reference


def test_nothing_to_plan_when_every_skill_is_held() -> None:
    catalog = catalog_of([course("a", ["x"], 5)])
    result = plan_months(catalog, request({"x": 1.0}, held_skills=frozenset({"x"})))
    assert result.course_ids == []
    assert result.uncovered == ()
    assert result.coverage == 1.0


# -- re-planning -----------------------------------------------------------------------------


def _three_course_plan() -> tuple[Catalog, PlanResult]:
    catalog = catalog_of(
        [
            course("one", ["a"], 20),
            course("two", ["b"], 20),
            course("three", ["c"], 20),
        ]
    )
    result = plan_months(catalog, request({"a": 1.0, "b": 0.9, "c": 0.8}, hours_per_week=5))
    return catalog, result


def test_replan_keeps_done_and_in_progress_and_reports_what_moved() -> None:
    catalog, original = _three_course_plan()
    assert order_of(original) == ["one", "two", "three"]
    starts = {
        cid: original.months[first_month_of(original, cid) - 1].starts_on for cid in original.course_ids
    }
    progress = {"one": Progress(ProgressState.DONE), "two": Progress(ProgressState.IN_PROGRESS, 25)}
    later = PlanRequest(
        goal_skills={"a": 1.0, "b": 0.9, "c": 0.8},
        start=dt.date(2027, 3, 1),
        hours_per_week=5,
        progress=progress,
    )
    result = replan(catalog, later, starts)
    assert "one" not in result.course_ids
    assert result.course_ids[0] == "two"
    first = result.months[0].items[0]
    assert first.reason.in_progress and first.in_progress_percent == 25
    assert first.hours + sum(
        i.hours for m in result.months[1:] for i in m.items if i.course.id == "two"
    ) == pytest.approx(15, abs=0.05)
    assert {d.skill: d.credited_hours for d in result.depth}["a"] == 20  # the finished course counts
    moved = {move.course_id: (move.from_month, move.to_month) for move in result.moves}
    assert moved["two"][1] == dt.date(2027, 3, 1)
    assert first_month_of(result, "three") == 1  # it still starts in March, as before: no move to report
    assert "three" not in moved


def test_replan_drops_what_no_longer_fits_and_says_so() -> None:
    catalog, original = _three_course_plan()
    starts = {
        cid: original.months[first_month_of(original, cid) - 1].starts_on for cid in original.course_ids
    }
    squeezed = PlanRequest(
        goal_skills={"a": 1.0, "b": 0.9, "c": 0.8}, start=dt.date(2027, 6, 1), hours_per_week=5, months=1
    )
    result = replan(catalog, squeezed, starts)
    dropped = [move.course_id for move in result.moves if move.to_month is None]
    assert dropped
    assert set(dropped).isdisjoint(result.course_ids)


def test_replan_skipped_courses_are_not_planned_again() -> None:
    catalog, original = _three_course_plan()
    starts = {
        cid: original.months[first_month_of(original, cid) - 1].starts_on for cid in original.course_ids
    }
    progress = {"two": Progress(ProgressState.SKIPPED)}
    result = replan(
        catalog,
        PlanRequest(
            goal_skills={"a": 1.0, "b": 0.9, "c": 0.8}, start=START, hours_per_week=5, progress=progress
        ),
        starts,
    )
    assert "two" not in result.course_ids


# -- alternatives to a course the learner is stuck on ------------------------------------------


def test_alternatives_teach_the_same_skills_at_the_same_level_in_at_most_twice_the_hours(
    catalog: Catalog,
) -> None:
    wanted = request({"sql": 1.0, "python": 0.9, "data-analysis": 0.9}, monthly_budget=Decimal(50))
    result = plan_months(catalog, wanted)
    offered = 0
    for stuck_id in result.course_ids:
        stuck = catalog.courses[stuck_id]
        for other in alternatives(catalog, wanted, stuck_id, result.course_ids):
            offered += 1
            assert set(stuck.main_skills) <= set(other.main_skills)
            assert other.level is stuck.level
            assert other.hours <= 2 * stuck.hours
            assert other.id not in result.course_ids
            assert not requires(catalog, other.id, stuck_id)
    assert offered


def test_alternatives_never_need_the_course_the_learner_is_stuck_on() -> None:
    tiny = catalog_of(
        skills=[skill("sql")],
        courses=[
            course("basics", ["sql"], hours=10),
            course("after-basics", ["sql"], hours=12, prerequisites=["basics"]),
            course("after-that", ["sql"], hours=12, prerequisites=["after-basics"]),
            course("elsewhere", ["sql"], hours=15),
            course("too-long", ["sql"], hours=25),
        ],
    )
    offered = [c.id for c in alternatives(tiny, request({"sql": 1.0}), "basics", ["basics"])]
    assert offered == ["elsewhere"]  # the others need "basics" (directly or not) or take over twice as long
    assert requires(tiny, "after-that", "basics") and not requires(tiny, "elsewhere", "basics")


def test_alternatives_count_the_earlier_courses_they_still_need() -> None:
    """The bug this fixes: a 6-hour alternative pulled 25 hours of earlier courses in with it."""
    tiny = catalog_of(
        skills=[skill("sql")],
        courses=[
            course("stuck", ["sql"], hours=10),
            course("long-start", ["sql"], hours=25),
            course("short-after", ["sql"], hours=6),
            course("elsewhere", ["sql"], hours=15),
        ],
        pathways=[pathway("cert", ["long-start", "short-after"])],
    )
    offered = [c.id for c in alternatives(tiny, request({"sql": 1.0}), "stuck", ["stuck"])]
    assert offered == ["elsewhere"]
    planned = [c.id for c in alternatives(tiny, request({"sql": 1.0}), "stuck", ["stuck", "long-start"])]
    assert "short-after" in planned  # what it needs is in the plan already: 6 hours


def test_an_in_progress_course_swapped_away_is_not_pinned() -> None:
    catalog, _ = _three_course_plan()
    progress = {"two": Progress(ProgressState.IN_PROGRESS, 40)}
    result = plan_months(
        catalog,
        request({"a": 1.0, "b": 0.9, "c": 0.8}, progress=progress, exclude_courses=frozenset({"two"})),
    )
    assert "two" not in result.course_ids


@pytest.mark.parametrize("passed_over", ["skipped", "swapped"])
def test_a_certificate_goes_on_when_its_first_course_is_skipped_or_swapped(passed_over: str) -> None:
    """The bug this fixes: skipping or swapping a certificate's first course dropped the whole
    certificate ("no longer fits")."""
    catalog = catalog_of(
        [course("first", ["a"], 10), course("second", ["b"], 10), course("third", ["c"], 10)],
        pathways=[pathway("cert", ["first", "second", "third"])],
    )
    goal = {"a": 1.0, "b": 1.0, "c": 1.0}
    options: dict[str, object] = (
        {"progress": {"first": Progress(ProgressState.SKIPPED)}}
        if passed_over == "skipped"
        else {"exclude_courses": frozenset({"first"})}
    )
    result = plan_months(catalog, request(goal, hours_per_week=5, **options))
    assert result.course_ids == ["second", "third"]
    [cert] = result.pathways
    assert (cert.passed, cert.left, cert.planned) == (1, 0, 2)
    assert "first" not in result.course_ids

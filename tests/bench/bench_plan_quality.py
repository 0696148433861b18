"""Plan quality: weighted depth reached by the plan / the optimum found by exhaustive search.

Depth is the planner's measure (:mod:`core.planner.depth`): each goal skill counts up to its
target hours, from courses whose main skill it is, so a plan is worth sum(weight x share of
target reached).

Prints one JSON object.  200 random small instances (12-18 courses over 6-10 skills, hours
4-40, half free and half one-off at 5-40 USD, random prerequisites on earlier courses, random
recognition and skill weights; 3-8 h a week over 3-6 months; budget 0, 20 or 40 a month).

The optimum is searched exhaustively (depth-first with a coverage bound) over every subset that
respects the same constraints: prerequisites inside the subset, total hours within the horizon's
capacity, each paid course within one month's budget and the total within budget x months.
Those totals relax the planner's month-by-month limits, so the ratio can only understate the
planner.  Baseline in the same run: the same planner without partial enumeration (plain greedy).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import time
from decimal import Decimal

from core.catalog import Catalog
from core.catalog.schema import Course
from core.planner import PlanRequest, depth, engine, plan_months
from core.planner.packing import month_capacities
from core.planner.rules import FILL
from tests.catalog_factory import catalog_of, course

INSTANCES = 200


def instance(rng: random.Random, number: int) -> tuple[Catalog, PlanRequest]:
    skills = [f"s{number}-{i}" for i in range(rng.randint(6, 10))]
    courses = []
    for index in range(rng.randint(12, 18)):
        paid = rng.random() < 0.5
        prerequisites = [f"c{rng.randrange(index)}"] if index and rng.random() < 0.3 else []
        courses.append(
            course(
                f"c{index}",
                rng.sample(skills, rng.randint(1, 3)),
                rng.randint(4, 40),
                cost="one-off" if paid else "free",
                amount=rng.randint(5, 40) if paid else 0,
                prerequisites=prerequisites,
                recognition=rng.choice(["industry", "academic", "none"]),
            )
        )
    goal = {skill: rng.choice([0.3, 0.5, 0.7, 0.9, 1.0]) for skill in skills}
    request = PlanRequest(
        goal_skills=goal,
        start=dt.date(2027, 1, 1),
        hours_per_week=rng.randint(3, 8),
        months=rng.randint(3, 6),
        monthly_budget=Decimal(rng.choice([0, 20, 40])),
    )
    return catalog_of(courses), request


def optimum(catalog: Catalog, request: PlanRequest) -> float:
    """Best weighted depth over all feasible subsets (courses are in prerequisite order)."""
    hours_limit = sum(
        round(c * FILL, 2) for c in month_capacities(request.start, request.months, request.hours_per_week)
    )
    money_limit = request.monthly_budget * request.months
    skills = sorted(s for s in request.goal_skills if s in catalog.skills)  # as the planner: taught skills
    targets = [depth.target_hours(catalog.skills[s], request.goal_skills[s], None) for s in skills]
    weights = [request.goal_skills[s] for s in skills]
    usable: list[Course] = [c for c in catalog.courses.values() if c.cost.amount <= request.monthly_budget]
    adds = [[depth.contribution(c).get(s, 0.0) for s in skills] for c in usable]
    suffix = [[0.0] * len(skills) for _ in range(len(usable) + 1)]
    for i in range(len(usable) - 1, -1, -1):
        suffix[i] = [a + b for a, b in zip(suffix[i + 1], adds[i], strict=True)]

    def value(hours: list[float]) -> float:
        return sum(w * min(h, t) / t for w, h, t in zip(weights, hours, targets, strict=True))

    best = 0.0
    chosen: set[str] = set()

    def search(i: int, used: float, money: Decimal, hours: list[float]) -> None:
        nonlocal best
        best = max(best, value(hours))
        if i == len(usable):
            return
        bound = value([h + r for h, r in zip(hours, suffix[i], strict=True)])
        if bound <= best + 1e-12:
            return
        candidate = usable[i]
        if (
            all(p in chosen for p in candidate.prerequisites)
            and used + candidate.hours <= hours_limit
            and money + candidate.cost.amount <= money_limit
        ):
            chosen.add(candidate.id)
            grown = [h + a for h, a in zip(hours, adds[i], strict=True)]
            search(i + 1, used + candidate.hours, money + candidate.cost.amount, grown)
            chosen.discard(candidate.id)
        search(i + 1, used, money, hours)

    search(0, 0.0, Decimal(0), [0.0] * len(skills))
    return best


def planned(catalog: Catalog, request: PlanRequest) -> float:
    result = plan_months(catalog, request)
    return sum(request.goal_skills[d.skill] * d.share for d in result.depth)


def main() -> None:
    rng = random.Random(2026)
    instances = [instance(rng, n) for n in range(INSTANCES)]
    ratios, greedy_ratios, search_seconds = [], [], []
    for catalog, request in instances:
        started = time.perf_counter()
        best = optimum(catalog, request)
        search_seconds.append(time.perf_counter() - started)
        if best == 0:
            continue
        ratios.append(planned(catalog, request) / best)
        seeds = engine.FULL_SEEDING_POOL, engine.SEED_PICKS, engine.SEED_PICKS_BY_GAIN
        engine.FULL_SEEDING_POOL = engine.SEED_PICKS = engine.SEED_PICKS_BY_GAIN = 0
        try:
            greedy_ratios.append(planned(catalog, request) / best)
        finally:
            engine.FULL_SEEDING_POOL, engine.SEED_PICKS, engine.SEED_PICKS_BY_GAIN = seeds
    print(
        json.dumps(
            {
                "benchmark": "plan_quality",
                "instances": len(ratios),
                "targets": {"mean": 0.97, "min": 0.90},
                "mean_ratio": round(statistics.fmean(ratios), 4),
                "min_ratio": round(min(ratios), 4),
                "optimal_share": round(sum(r >= 1 - 1e-9 for r in ratios) / len(ratios), 3),
                "baseline_plain_greedy_mean_ratio": round(statistics.fmean(greedy_ratios), 4),
                "baseline_plain_greedy_min_ratio": round(min(greedy_ratios), 4),
                "exhaustive_search_median_ms": round(statistics.median(search_seconds) * 1000, 1),
            }
        )
    )


if __name__ == "__main__":
    main()

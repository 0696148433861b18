"""Plan latency on the shipped catalog and on generated catalogs of 10,000 and 100,000 courses.

Prints one JSON object.  For each catalog: median and p99 of ``plan_months`` over a fixed set of
learners (random goal, 3-12 h a week, budget 0/30/100 USD, every level, English or Indonesian),
after one warm-up plan that builds the catalog's per-skill index.  Baseline, measured in the same
run on the same learners: the same planner with the candidate pool unbounded (every eligible
course of every target skill is a candidate), which shows what the pool buys.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import time
from decimal import Decimal

from core.catalog import Catalog, load_catalog
from core.catalog.schema import Level
from core.planner import PlanRequest, engine, plan_months
from core.settings import SHIPPED_DATA_DIR
from tests.bench.synthetic import generated_catalog

LEARNERS = 60
BASELINE_LEARNERS = 15


def learners(catalog: Catalog, count: int, seed: int = 3) -> list[PlanRequest]:
    rng = random.Random(seed)
    goals = sorted(catalog.goals)
    requests = []
    for _ in range(count):
        goal = catalog.goals[rng.choice(goals)]
        requests.append(
            PlanRequest(
                goal_skills=dict(goal.skills),
                goal=goal.id,
                start=dt.date(2027, 1, 1),
                hours_per_week=rng.choice([3, 5, 8, 12]),
                monthly_budget=Decimal(rng.choice([0, 30, 100])),
                level=rng.choice(list(Level)),
                languages=frozenset(rng.choice([["en"], ["id", "en"]])),
            )
        )
    return requests


def timings_ms(catalog: Catalog, requests: list[PlanRequest]) -> list[float]:
    plan_months(catalog, requests[0])  # builds the per-skill planning order once
    samples = []
    for request in requests:
        started = time.perf_counter()
        plan_months(catalog, request)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(name: str, catalog: Catalog) -> dict[str, object]:
    requests = learners(catalog, LEARNERS)
    samples = timings_ms(catalog, requests)
    pool = engine.POOL_PER_SKILL
    engine.POOL_PER_SKILL = 10**9
    try:
        baseline = timings_ms(catalog, requests[:BASELINE_LEARNERS])
    finally:
        engine.POOL_PER_SKILL = pool
    bounded = statistics.median(samples[:BASELINE_LEARNERS])
    return {
        "catalog": name,
        "courses": len(catalog.courses),
        "plans": len(samples),
        "median_ms": round(statistics.median(samples), 2),
        "p99_ms": round(percentile(samples, 0.99), 2),
        "baseline_unbounded_pool_median_ms": round(statistics.median(baseline), 2),
        "speedup_vs_baseline_same_learners": round(statistics.median(baseline) / bounded, 1),
    }


def main() -> None:
    results = [measure("shipped", load_catalog(SHIPPED_DATA_DIR))]
    for size in (10_000, 100_000):
        started = time.perf_counter()
        catalog = generated_catalog(size)
        generated = time.perf_counter() - started
        result = measure(f"generated-{size}", catalog)
        result["generate_s"] = round(generated, 1)
        results.append(result)
    print(
        json.dumps(
            {
                "benchmark": "plan_latency",
                "targets": {"median_ms_10k": 10, "median_ms_100k": 50},
                "results": results,
            }
        )
    )


if __name__ == "__main__":
    main()

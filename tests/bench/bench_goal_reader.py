"""Reading goal statements: how many land right and how long one takes, on the shipped catalog.

Prints one JSON object.  Both phrasing files of ``tests/unit/goals/test_intent.py`` are read: the set the
reader was tuned against and the held-out set written after the first run, each with its share of
phrasings that land right (the right goal confidently, the right skills, or a shortlist containing
the expected goal; origins too).  Every phrasing is read ``ROUNDS`` times; the median and p95 of
one :meth:`GoalReader.read` are over all reads, after building the reader once (also timed).
"""

from __future__ import annotations

import json
import statistics
import time

from core.catalog import load_catalog
from core.goals import GoalReader
from core.settings import SHIPPED_DATA_DIR
from tests.bench.bench_plan_latency import percentile
from tests.unit.goals.test_intent import HOLDOUT, PHRASINGS, read_phrasings

ROUNDS = 5


def main() -> None:
    catalog = load_catalog(SHIPPED_DATA_DIR)
    started = time.perf_counter()
    reader = GoalReader.for_catalog(catalog, SHIPPED_DATA_DIR)
    build_ms = (time.perf_counter() - started) * 1000
    report: dict[str, object] = {"benchmark": "goal_reader", "rounds": ROUNDS, "build_ms": round(build_ms, 1)}
    samples: list[float] = []
    for name, path in (("tuned", PHRASINGS), ("held_out", HOLDOUT)):
        expected = read_phrasings(path)
        landed = sum(e.lands(reader.read(e.text)) for e in expected)
        report[f"{name}_phrasings"] = len(expected)
        report[f"{name}_land_right"] = round(landed / len(expected), 3)
        for _ in range(ROUNDS):
            for e in expected:
                begun = time.perf_counter()
                reader.read(e.text)
                samples.append((time.perf_counter() - begun) * 1000)
    report["targets"] = {"tuned_land_right": 0.95}
    report["read_median_ms"] = round(statistics.median(samples), 2)
    report["read_p95_ms"] = round(percentile(samples, 0.95), 2)
    print(json.dumps(report))


if __name__ == "__main__":
    main()

"""Start-up cost of loading and checking the shipped catalog.

Prints one JSON object: the median time to load + validate + cross-check the catalog, and, as a
baseline measured in the same run, the median time to merely parse the same YAML files with
PyYAML's SafeLoader (libyaml-backed when available, like ours). The ratio is what
validation and line tracking cost on top of parsing.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import yaml

from core.catalog import load_catalog
from core.settings import SHIPPED_DATA_DIR

ROUNDS = 15


def _median_seconds(action) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _parse_only(files: list[Path]) -> None:
    for path in files:
        yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


def main() -> None:
    files = sorted(SHIPPED_DATA_DIR.glob("taxonomy/*.yaml")) + sorted(
        SHIPPED_DATA_DIR.glob("catalog/courses/*.yaml")
    )
    catalog = load_catalog(SHIPPED_DATA_DIR)
    load = _median_seconds(lambda: load_catalog(SHIPPED_DATA_DIR))
    parse = _median_seconds(lambda: _parse_only(files))
    print(
        json.dumps(
            {
                "benchmark": "catalog_load",
                "courses": len(catalog.courses),
                "skills": len(catalog.skills),
                "goals": len(catalog.goals),
                "rounds": ROUNDS,
                "load_and_check_median_ms": round(load * 1000, 1),
                "baseline_yaml_parse_only_median_ms": round(parse * 1000, 1),
                "ratio_to_baseline": round(load / parse, 2),
            }
        )
    )


if __name__ == "__main__":
    main()

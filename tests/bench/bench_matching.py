"""Matching over 20,000 aliases: our prefiltered index against a full WRatio scan, same run.

Prints one JSON object.  The alias set is every real goal and skill alias (about 2,100) plus
generated ones up to 20,000: real aliases with qualifiers ("for beginners", "dasar",
"certificate"...) and pairs of real alias words, so word frequencies look like a grown taxonomy.

For each of the fixed phrases from the matching tests (68, English and Indonesian), normalized
the same way for every contender:
- ``baseline``: plain ``rapidfuzz.process.extract(query, aliases, scorer=WRatio)`` over all
  20,000 aliases (its default ``limit=5``, like our top-5 answers);
- ``index``: ``AliasIndex.best_aliases(query, 5)``, our prefilter + the same WRatio;
- ``match``: ``Matcher.match(text)``, the whole pipeline (normalization, coverage weighting,
  per-target ranking) over the same aliases.
Also reported, for transparency: the scan with ``limit=1``, which rapidfuzz can cut short as
soon as it meets a perfect score (most of these phrases have one).  Every phrase runs
``ROUNDS`` times; medians are over all runs.  ``same_top1`` counts phrases where the index's top-1
has the same WRatio score as the full scan's (the same alias, or one scoring equally).
"""

from __future__ import annotations

import json
import random
import statistics
import time

from rapidfuzz import fuzz, process

from core.catalog import load_catalog
from core.catalog.matching import AliasIndex, Matcher, Target, TargetKind
from core.catalog.text import normalize
from core.settings import SHIPPED_DATA_DIR
from tests.unit.catalog.test_matching import PHRASES

TOTAL_ALIASES = 20_000
ROUNDS = 5
QUALIFIERS = [
    "for beginners",
    "advanced",
    "basics",
    "fundamentals",
    "course",
    "certificate",
    "bootcamp",
    "101",
    "for work",
    "dasar",
    "tingkat lanjut",
    "untuk pemula",
    "kursus",
    "pelatihan",
    "sertifikasi",
]


def grown_entries(matcher: Matcher, total: int) -> list[tuple[Target, str]]:
    real = list(zip(matcher.goals_and_skills.targets, matcher.goals_and_skills.aliases, strict=True))
    rng = random.Random(11)
    words = sorted({word for _, alias in real for word in alias.split()})
    entries = list(real)
    number = 0
    while len(entries) < total:
        number += 1
        target = Target(TargetKind.SKILL, f"generated-{number}")
        _, base = rng.choice(real)
        entries.append((target, f"{base} {rng.choice(QUALIFIERS)}"))
        entries.append((target, f"{rng.choice(words)} {rng.choice(words)}"))
    return entries[:total]


def median_ms(action, queries: list[str]) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(ROUNDS):
        for query in queries:
            started = time.perf_counter()
            action(query)
            samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    matcher = Matcher(load_catalog(SHIPPED_DATA_DIR))
    index = AliasIndex(grown_entries(matcher, TOTAL_ALIASES))
    matcher.goals_and_skills = index
    aliases = list(index.aliases)
    texts = [text for text, _ in PHRASES]
    queries = [normalize(text) for text in texts]

    def scan(query: str) -> list[tuple[str, float, int]]:
        return process.extract(query, aliases, scorer=fuzz.WRatio)

    def scan_top1(query: str) -> list[tuple[str, float, int]]:
        return process.extract(query, aliases, scorer=fuzz.WRatio, limit=1)

    same = sum(
        bool(index.best_aliases(q, 1)) and round(index.best_aliases(q, 1)[0][1], 6) == round(scan(q)[0][1], 6)
        for q in queries
    )
    ours = median_ms(lambda q: index.best_aliases(q, 5), queries)
    whole = median_ms(matcher.match, texts)
    baseline = median_ms(scan, queries)
    baseline_top1 = median_ms(scan_top1, queries)
    print(
        json.dumps(
            {
                "benchmark": "matching",
                "aliases": len(index),
                "phrases": len(queries),
                "rounds": ROUNDS,
                "targets": {"median_ms": 3, "speedup": 5},
                "index_top5_median_ms": round(ours, 3),
                "full_match_median_ms": round(whole, 3),
                "baseline_wratio_scan_median_ms": round(baseline, 3),
                "baseline_wratio_scan_limit1_median_ms": round(baseline_top1, 3),
                "speedup_index_vs_baseline": round(baseline / ours, 1),
                "speedup_full_match_vs_baseline": round(baseline / whole, 1),
                "same_top1": same,
            }
        )
    )


if __name__ == "__main__":
    main()

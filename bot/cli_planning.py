"""``skillstack match`` and ``skillstack plan``: the matcher and the planner from the shell.

Their options are declared (and parsed) in :mod:`bot.cli`; this module, with the catalog and the
planner it imports, loads only when one of the two commands runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable

from bot import cli_installed_catalog, cli_settings
from bot.cli_exit import EXIT_USAGE
from core.catalog import Catalog
from core.catalog.schema import Goal, Level
from core.i18n import t
from core.matching import CONFIDENT_SCORE, Matcher, MatchResult, MatchStatus
from core.plan_json import match_to_json, plan_to_json
from core.plan_text import render_plan
from core.planner import PlanRequest, plan_months
from core.planner.packing import add_months


class UsageError(Exception):
    """A bad argument: the message is shown as is, and the command exits with code 2."""


def next_month_start(today: dt.date) -> dt.date:
    return add_months(today.replace(day=1), 1)


def _print_match(catalog: Catalog, result: MatchResult, language: str) -> None:
    status_key = {
        MatchStatus.CONFIDENT: "match.confident",
        MatchStatus.UNSURE: "match.unsure",
        MatchStatus.NO_MATCH: "match.no_match",
        MatchStatus.TOO_SHORT: "match.too_short",
    }
    print(t(status_key[result.status], language, query=result.query[:80]))
    for heading, matches, names in (
        ("match.goals", result.goals, catalog.goals),
        ("match.skills", result.skills, catalog.skills),
    ):
        if matches:
            print(t(heading, language))
            for match in matches:
                print(
                    "  "
                    + t(
                        "match.line",
                        language,
                        name=names[match.id].name.get(language),
                        score=f"{match.score:g}",
                    )
                )


def run_match(catalog: Catalog, args: argparse.Namespace, language: str) -> int:
    result = Matcher(catalog).match(" ".join(args.text))
    if args.json:
        print(json.dumps(match_to_json(catalog, result, language), ensure_ascii=False, indent=2))
    else:
        _print_match(catalog, result, language)
    return 0 if result.status is MatchStatus.CONFIDENT else 1


def resolve_goal(catalog: Catalog, matcher: Matcher, text: str, language: str) -> Goal:
    if text in catalog.goals:
        return catalog.goals[text]
    result = matcher.match(text)
    if result.best_goal is None:
        suggestions = ", ".join(catalog.goals[m.id].name.get(language) for m in result.goals[:3]) or "-"
        raise UsageError(f"--goal: no goal matches {text!r} well enough; closest: {suggestions}")
    return catalog.goals[result.best_goal.id]


def resolve_skills(catalog: Catalog, matcher: Matcher, names: list[str]) -> frozenset[str]:
    skills = set()
    for name in names:
        if name in catalog.skills:
            skills.add(name)
            continue
        found = matcher.match(name).skills
        if not found or found[0].score < CONFIDENT_SCORE:
            raise UsageError(f"--have: unknown skill {name!r}")
        skills.add(found[0].id)
    return frozenset(skills)


def run_plan(catalog: Catalog, args: argparse.Namespace, language: str) -> int:
    if args.currency not in catalog.units_per_usd:
        raise UsageError(f"--currency: expected one of {', '.join(sorted(catalog.units_per_usd))}")
    matcher = Matcher(catalog)
    goal = resolve_goal(catalog, matcher, args.goal, language)
    course_languages = args.course_lang or (["id", "en"] if language == "id" else ["en"])
    request = PlanRequest(
        goal_skills=goal.skills,
        goal=goal.id,
        start=args.start or next_month_start(dt.datetime.now(dt.UTC).date()),
        hours_per_week=args.hours,
        monthly_budget=args.budget,
        currency=args.currency,
        months=args.months,
        level=Level(args.level),
        held_skills=resolve_skills(catalog, matcher, args.have),
        languages=frozenset(course_languages),
        avoid_providers=frozenset(args.avoid),
        preferred_language=language if language in course_languages else None,
    )
    result = plan_months(catalog, request)
    if args.json:
        print(json.dumps(plan_to_json(catalog, result, language), ensure_ascii=False, indent=2))
    else:
        print("\n".join(render_plan(catalog, result, language)))
    return 0


def _run(command: Callable[[Catalog, argparse.Namespace, str], int], args: argparse.Namespace) -> int:
    settings = cli_settings.load()
    catalog = cli_installed_catalog.load(settings)
    try:
        return command(catalog, args, args.lang or settings.default_language)
    except UsageError as exc:
        print(f"skillstack {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE


def match(args: argparse.Namespace) -> int:
    return _run(run_match, args)


def plan(args: argparse.Namespace) -> int:
    return _run(run_plan, args)

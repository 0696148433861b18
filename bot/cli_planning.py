"""``skillstack match`` and ``skillstack plan``: the matcher and the planner from the shell."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from decimal import Decimal, InvalidOperation

from core.catalog import Catalog
from core.catalog.schema import Goal, Level
from core.i18n import t
from core.matching import CONFIDENT_SCORE, Matcher, MatchResult, MatchStatus
from core.plan_json import match_to_json, plan_to_json
from core.plan_text import render_plan
from core.planner import PlanRequest, plan_months
from core.planner.packing import add_months

EXIT_USAGE = 2
MAX_HOURS_PER_WEEK = 80
MAX_MONTHS = 24


class UsageError(Exception):
    """A bad argument: the message is shown as is, and the command exits with code 2."""


def positive_hours(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of hours, got {text!r}") from None
    if not 0 < value <= MAX_HOURS_PER_WEEK:
        raise argparse.ArgumentTypeError(f"expected between 0 and {MAX_HOURS_PER_WEEK} hours a week")
    return value


def budget_amount(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"expected an amount of money, got {text!r}") from None
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError("expected 0 (free only) or a positive amount")
    return value


def month_count(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_MONTHS:
        raise argparse.ArgumentTypeError(f"expected a whole number of months from 1 to {MAX_MONTHS}")
    return int(text)


def start_month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").replace(tzinfo=dt.UTC).date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a month like 2027-01, got {text!r}") from None


def next_month_start(today: dt.date) -> dt.date:
    return add_months(today.replace(day=1), 1)


def add_arguments(commands: argparse._SubParsersAction) -> None:
    match = commands.add_parser(
        "match",
        help="match free text to goals and skills",
        description="Match free text (English or Indonesian) to goals and skills.",
    )
    match.add_argument("text", nargs="+", help="what the learner typed")
    match.add_argument("--lang", choices=["en", "id"], default=None, help="language of the answer")
    match.add_argument("--json", action="store_true", help="machine-readable output")
    match.set_defaults(handler_name="match")

    plan = commands.add_parser(
        "plan",
        help="a monthly micro-credential plan for a goal",
        description="Plan months of courses for a goal.",
    )
    plan.add_argument("--goal", required=True, help="a goal in free text or a goal id")
    plan.add_argument("--hours", type=positive_hours, default=5.0, help="study hours per week (default 5)")
    plan.add_argument(
        "--budget",
        type=budget_amount,
        default=Decimal(0),
        help="monthly budget; 0 = free courses only (default 0)",
    )
    plan.add_argument("--currency", default="USD", help="currency of --budget (default USD)")
    plan.add_argument("--months", type=month_count, default=6, help="horizon in months (default 6)")
    plan.add_argument("--level", choices=[level.value for level in Level], default=Level.BEGINNER.value)
    plan.add_argument("--lang", choices=["en", "id"], default=None, help="language of the plan")
    plan.add_argument(
        "--course-lang",
        action="append",
        default=None,
        metavar="CODE",
        help="accepted course language (repeatable; default: en, plus id for --lang id)",
    )
    plan.add_argument(
        "--have",
        action="append",
        default=[],
        metavar="SKILL",
        help="a skill you already have (id or name; repeatable)",
    )
    plan.add_argument(
        "--avoid",
        action="append",
        default=[],
        metavar="PROVIDER",
        help="a provider or platform to leave out (repeatable)",
    )
    plan.add_argument(
        "--start", type=start_month, default=None, help="first month, like 2027-01 (default: next)"
    )
    plan.add_argument("--json", action="store_true", help="machine-readable output")
    plan.set_defaults(handler_name="plan")


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
        start=args.start or next_month_start(dt.datetime.now(dt.UTC).date()),
        hours_per_week=args.hours,
        monthly_budget=args.budget,
        currency=args.currency,
        months=args.months,
        level=Level(args.level),
        held_skills=resolve_skills(catalog, matcher, args.have),
        languages=frozenset(course_languages),
        avoid_providers=frozenset(args.avoid),
    )
    result = plan_months(catalog, request)
    if args.json:
        print(json.dumps(plan_to_json(catalog, result, goal, language), ensure_ascii=False, indent=2))
    else:
        print("\n".join(render_plan(catalog, result, goal, language)))
    return 0


def run(catalog: Catalog, args: argparse.Namespace, language: str) -> int:
    handler = run_match if args.handler_name == "match" else run_plan
    try:
        return handler(catalog, args, language)
    except UsageError as exc:
        print(f"skillstack {args.handler_name}: {exc}", file=sys.stderr)
        return EXIT_USAGE

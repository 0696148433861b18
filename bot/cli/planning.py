"""``skillstack match`` and ``skillstack plan``: the goal reader and the planner from the shell.

Their options are declared (and parsed) in :mod:`bot.cli.commands`; this module, with the catalog and the
planner it imports, loads only when one of the two commands runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass

from bot.cli import installed_catalog as cli_installed_catalog
from bot.cli import settings as cli_settings
from bot.cli.exit import EXIT_DATA_PROBLEM, EXIT_NO_PLAN, EXIT_USAGE, CommandFailed
from core.catalog import Catalog, CatalogError
from core.catalog.matching import CONFIDENT_SCORE, MatchResult, MatchStatus
from core.catalog.schema import Level
from core.dates import add_months
from core.goals import GoalIntent, GoalReader, GoalTarget, IntentKind
from core.goals.wording import shortlist_text, target_label, transferable_sentence
from core.i18n import t
from core.planner import plan_months
from core.plans.render_json import intent_to_json, match_to_json, plan_to_json
from core.plans.render_text import render_plan


class UsageError(Exception):
    """A bad argument: the message is shown as is, and the command exits with code 2."""


@dataclass(frozen=True)
class Planning:
    """What both commands work with: the installed catalog and its goal reader."""

    catalog: Catalog
    reader: GoalReader
    language: str


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


def intent_lines(planning: Planning, intent: GoalIntent) -> list[str]:
    """What the text means, as a learner reads it: its kind, the target, what carries over, the paths."""
    catalog, reader, language = planning.catalog, planning.reader, planning.language
    lines = [t("goals.understood", language, kind=t(f"goals.kind.{intent.kind.value}", language))]
    target = intent.target
    if target is not None:
        lines.append(target_label(catalog, reader, target, language))
        sentence = transferable_sentence(catalog, reader, target, language)
        if sentence:
            lines.append(sentence)
    elif intent.shortlist:
        goals = [item.goal for item in intent.shortlist]
        lines.extend(shortlist_text(catalog, reader, intent.kind, goals, intent.origin, language))
    return lines


def run_match(planning: Planning, args: argparse.Namespace) -> int:
    intent = planning.reader.read(" ".join(args.text))
    assert intent.match is not None  # noqa: S101  (the reader always matches)
    if args.json:
        data = match_to_json(planning.catalog, planning.reader, intent, planning.language)
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_match(planning.catalog, intent.match, planning.language)
        print("\n".join(intent_lines(planning, intent)))
    return 0 if intent.confident else 1


def resolve_target(planning: Planning, text: str, *, as_json: bool) -> GoalTarget:
    """The goal ``--goal`` names (an id, a role, skills, a career change), or the end of the command.

    A vague goal prints its shortlist and ends the command with :data:`EXIT_NO_PLAN`; text naming
    nothing is a usage error.
    """
    catalog, language = planning.catalog, planning.language
    if text in catalog.goals:
        return GoalTarget(text)
    intent = planning.reader.read(text)
    if intent.target is not None:
        return intent.target
    if intent.shortlist and intent.kind is not IntentKind.UNKNOWN:
        if as_json:
            data = intent_to_json(catalog, planning.reader, intent, language)
            print(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            print(t("goals.no_plan_vague", language))
            print("\n".join(intent_lines(planning, intent)[1:]))
        raise CommandFailed(EXIT_NO_PLAN)
    suggestions = ", ".join(item.goal for item in intent.shortlist[:3]) or "-"
    raise UsageError(f"--goal: no goal matches {text!r} well enough; closest: {suggestions}")


def resolve_skills(planning: Planning, names: list[str]) -> frozenset[str]:
    skills = set()
    for name in names:
        if name in planning.catalog.skills:
            skills.add(name)
            continue
        found = planning.reader.matcher.match(name).skills
        if not found or found[0].score < CONFIDENT_SCORE:
            raise UsageError(f"--have: unknown skill {name!r}")
        skills.add(found[0].id)
    return frozenset(skills)


def run_plan(planning: Planning, args: argparse.Namespace) -> int:
    catalog, language = planning.catalog, planning.language
    if args.currency not in catalog.units_per_usd:
        raise UsageError(f"--currency: expected one of {', '.join(sorted(catalog.units_per_usd))}")
    target = resolve_target(planning, args.goal, as_json=args.json)
    course_languages = args.course_lang or (["id", "en"] if language == "id" else ["en"])
    request = target.request(
        catalog,
        start=args.start or next_month_start(dt.datetime.now(dt.UTC).date()),
        hours_per_week=args.hours,
        monthly_budget=args.budget,
        currency=args.currency,
        months=args.months,
        level=Level(args.level),
        held_skills=resolve_skills(planning, args.have),
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


def _load(args: argparse.Namespace) -> Planning:
    settings = cli_settings.load()
    catalog = cli_installed_catalog.load(settings)
    language = args.lang or settings.default_language
    try:
        reader = GoalReader.for_catalog(catalog, settings.catalog_dir)
    except CatalogError as exc:
        print(t("cli.catalog_refused", settings.default_language, path=settings.catalog_dir), file=sys.stderr)
        for issue in exc.issues:
            print(f"  {issue}", file=sys.stderr)
        raise CommandFailed(EXIT_DATA_PROBLEM) from None
    return Planning(catalog, reader, language)


def _run(command: Callable[[Planning, argparse.Namespace], int], args: argparse.Namespace) -> int:
    planning = _load(args)
    try:
        return command(planning, args)
    except UsageError as exc:
        print(f"skillstack {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE


def match(args: argparse.Namespace) -> int:
    return _run(run_match, args)


def plan(args: argparse.Namespace) -> int:
    return _run(run_plan, args)

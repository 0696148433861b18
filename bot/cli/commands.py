"""``skillstack``: the command line for operators, curators and developers.

The parser is built from the standard library alone, and each command names its handler as
``"module:function"``: the module is imported only when that command runs.  ``skillstack --help``
then costs little more than starting Python, and ``skillstack verify`` or ``plan`` load only what
they use, never the bot, Telegram or the database layer (tests/e2e/test_cli_startup.py checks which
modules a command imports; tests/bench/bench_cli_startup.py times them).

Exit codes: 0 success, 1 a problem with the data (catalog errors), 2 bad usage or configuration
(argparse's convention, also used for a malformed setting); ``verify`` adds 3 for "unverifiable".
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

from bot.cli.arguments import LEVELS, budget_amount, instant, month_count, positive_hours, start_month
from bot.cli.exit import EXIT_DATA_PROBLEM, EXIT_INTERRUPTED, EXIT_USAGE, CommandFailed

__all__ = ["EXIT_DATA_PROBLEM", "EXIT_USAGE", "build_parser", "main"]  # the exit codes, for scripts and tests

Handler = Callable[[argparse.Namespace], int]
LANGUAGES = ("en", "id")


def _command(
    commands: argparse._SubParsersAction,
    name: str,
    handler: str,
    help_text: str,
    description: str | None = None,
) -> argparse.ArgumentParser:
    """A subcommand run by ``handler``, a ``"module:function"`` imported when the command runs."""
    command = commands.add_parser(name, help=help_text, description=description or help_text)
    command.set_defaults(handler=handler)
    return command


def _group(commands: argparse._SubParsersAction, name: str, help_text: str) -> argparse._SubParsersAction:
    """A command with subcommands of its own (``db upgrade``, ``catalog export``...)."""
    return commands.add_parser(name, help=help_text).add_subparsers(dest=f"{name}_command", required=True)


def _add_planning(commands: argparse._SubParsersAction) -> None:
    match = _command(
        commands,
        "match",
        "bot.cli.planning:match",
        "match free text to goals and skills",
        "Match free text (English or Indonesian) to goals and skills.",
    )
    match.add_argument("text", nargs="+", help="what the learner typed")
    match.add_argument("--lang", choices=LANGUAGES, default=None, help="language of the answer")
    match.add_argument("--json", action="store_true", help="machine-readable output")

    plan = _command(
        commands,
        "plan",
        "bot.cli.planning:plan",
        "a monthly micro-credential plan for a goal",
        "Plan months of courses for a goal.",
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
    plan.add_argument("--level", choices=LEVELS, default=LEVELS[0])
    plan.add_argument("--lang", choices=LANGUAGES, default=None, help="language of the plan")
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


def _add_badges(commands: argparse._SubParsersAction) -> None:
    verify = _command(
        commands,
        "verify",
        "bot.cli.badges:verify",
        "verify a badge: a link, a JSON/JWS file or string, or a baked PNG/SVG",
        "Verify an Open Badge 2.0/3.0 or Verifiable Credential and print every check.",
    )
    verify.add_argument("badge", metavar="URL_OR_FILE", help="a badge link, a file, or pasted JSON / JWS")
    verify.add_argument("--recipient", metavar="EMAIL", help="the email the badge should be issued to")
    verify.add_argument("--json", action="store_true", help="print the report as JSON")

    importing = _command(
        _group(commands, "contexts", "the JSON-LD context cache"),
        "import",
        "bot.cli.badges:contexts_import",
        "fill the context cache from local files (accepted only when a pinned hash matches)",
        "Copy JSON-LD context files whose SHA-256 matches a pinned context URL into the cache.",
    )
    importing.add_argument("directory", type=Path, help="a directory of context files")


def _add_operations(commands: argparse._SubParsersAction) -> None:
    db = _group(commands, "db", "database schema")
    upgrade = _command(db, "upgrade", "bot.cli.database:db_upgrade", "apply migrations")
    upgrade.add_argument("--revision", default="head", help="target revision (default: head)")
    _command(db, "current", "bot.cli.database:db_current", "show the applied revision")

    reminders = _group(commands, "reminders", "check-ins and reviews")
    due = _command(
        reminders,
        "due",
        "bot.cli.database:reminders_due",
        "who is due at a given instant and why (sends nothing)",
    )
    due.add_argument(
        "--at", required=True, type=instant, help="ISO-8601 instant with offset, e.g. 2026-12-07T12:00Z"
    )
    due.add_argument("--json", action="store_true", help="a JSON list")

    catalog = _group(commands, "catalog", "the course catalog")
    validate = _command(
        catalog,
        "validate",
        "bot.cli.catalog:validate",
        "check a catalog directory (and its issuers.yaml), or a YAML file against the installed catalog",
    )
    validate.add_argument(
        "path", help="a catalog directory, a skills/goals/courses YAML file, or an issuers.yaml"
    )
    export = _command(catalog, "export", "bot.cli.catalog:export", "print the normalized catalog")
    export.add_argument("--json", action="store_true", help="JSON with courses, skills and goals")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="skillstack", description="SkillStack micro-credential coach.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _command(
        commands,
        "run",
        "bot.cli.chat:run",
        "apply migrations and start the bot (terminal when no token is set)",
    )
    _command(commands, "chat", "bot.cli.chat:chat", "talk to SkillStack in the terminal")
    _add_planning(commands)
    _add_badges(commands)
    _add_operations(commands)
    return parser


def load_handler(reference: str) -> Handler:
    """The function named by ``"module:function"``, importing its module now: only its command pays for it."""
    module, _, function = reference.partition(":")
    return getattr(importlib.import_module(module), function)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(load_handler(args.handler)(args))
    except CommandFailed as failure:
        return failure.exit_code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())

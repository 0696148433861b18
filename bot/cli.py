"""``skillstack``: the command line for operators, curators and developers.

Exit codes: 0 success, 1 a problem with the data (catalog errors), 2 bad usage or configuration
(argparse's convention, also used for a malformed setting).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot import cli_badges, cli_planning
from bot.console import ConsoleChat, local_identity
from bot.workers import build_dialogue
from core.badges.issuers import REGISTRY_FILE, check_registry
from core.catalog import Catalog, CatalogError, check_catalog_path, load_catalog
from core.catalog.export import export_catalog
from core.db import Database
from core.i18n import t
from core.logging_setup import configure_logging
from core.schedule.service import due_at
from core.settings import Settings, SettingsError, load_settings

EXIT_DATA_PROBLEM = 1
EXIT_USAGE = 2
log = logging.getLogger("skillstack")


class CatalogRefused(Exception):
    """The catalog failed validation at start-up; the bot must not run on it."""


def _settings() -> Settings:
    settings = load_settings()
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    configure_logging(settings.log_level, secrets=[token])
    return settings


def _load_catalog_or_refuse(settings: Settings) -> Catalog:
    try:
        return load_catalog(settings.catalog_dir)
    except CatalogError as exc:
        print(t("cli.catalog_refused", settings.default_language, path=settings.catalog_dir), file=sys.stderr)
        for issue in exc.issues:
            print(f"  {issue}", file=sys.stderr)
        raise CatalogRefused from None


def _database(settings: Settings) -> Database:
    return Database(settings.sqlalchemy_url)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    settings = _settings()
    database = _database(settings)
    database.upgrade(args.revision)
    url = settings.sqlalchemy_url.render_as_string(hide_password=True)
    print(t("cli.db_upgraded", settings.default_language, revision=database.current_revision(), url=url))
    return 0


def cmd_db_current(_args: argparse.Namespace) -> int:
    settings = _settings()
    database = _database(settings)
    print(
        t(
            "cli.db_current",
            settings.default_language,
            current=database.current_revision() or "-",
            head=database.head_revision(),
        )
    )
    return 0


def cmd_catalog_validate(args: argparse.Namespace) -> int:
    settings = _settings()
    path = Path(args.path)
    installed = None if path.is_dir() else _load_catalog_or_refuse(settings)
    if path.name == REGISTRY_FILE and installed is not None:  # the issuer registry alone
        issues, checked = check_registry(path, installed)[0], installed
    else:
        issues, checked = check_catalog_path(path, installed)
    if path.is_dir() and (path / REGISTRY_FILE).exists():  # a data directory: its registry too
        issues += check_registry(path / REGISTRY_FILE, checked)[0]
    language = settings.default_language
    if issues:
        print(t("cli.catalog_problems", language, path=path, count=len(issues)))
        for issue in issues:
            print(f"  {issue}")
        return EXIT_DATA_PROBLEM
    print(
        t(
            "cli.catalog_clean",
            language,
            path=path,
            courses=len(checked.courses),
            skills=len(checked.skills),
            goals=len(checked.goals),
        )
    )
    return 0


def cmd_catalog_export(args: argparse.Namespace) -> int:
    catalog = _load_catalog_or_refuse(_settings())
    if args.json:
        json.dump(export_catalog(catalog), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    for course in sorted(catalog.courses.values(), key=lambda c: (c.provider, c.id)):
        cost = "free" if not course.cost.amount else f"{course.cost.amount} {course.cost.currency}"
        print(f"{course.id:<44} {course.provider:<22} {course.level.value:<12} {course.hours:>6g} h  {cost}")
    return 0


def _chat(settings: Settings, catalog: Catalog, database: Database) -> int:
    dialogue = build_dialogue(settings, database, catalog)
    identity = local_identity(settings.default_language)
    ConsoleChat(dialogue, identity, save_dir=settings.data_dir / "exports").run()
    return 0


def cmd_chat(_args: argparse.Namespace) -> int:
    """The terminal chat (migrates first, so it works on a fresh machine)."""
    settings = _settings()
    catalog = _load_catalog_or_refuse(settings)
    database = _database(settings)
    database.upgrade()
    return _chat(settings, catalog, database)


def cmd_run(_args: argparse.Namespace) -> int:
    """Migrate, then start the bot: Telegram with a token, otherwise the terminal chat."""
    settings = _settings()
    catalog = _load_catalog_or_refuse(settings)
    database = _database(settings)
    database.upgrade()
    if settings.telegram_bot_token is not None:
        from bot.telegram.app import run_polling

        return run_polling(settings, catalog, database)
    return _chat(settings, catalog, database)


def _instant(text: str) -> dt.datetime:
    """An ISO-8601 instant with an offset or Z (a naive time would be ambiguous across zones)."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 time: {text!r}") from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"add a UTC offset or Z to {text!r}, like 2026-12-07T12:00:00Z")
    return value.astimezone(dt.UTC)


def cmd_reminders_due(args: argparse.Namespace) -> int:
    """Who is due at ``--at`` and why; a dry run that claims and sends nothing."""
    settings = _settings()
    database = _database(settings)
    with database.unit_of_work() as session:
        items = due_at(session, args.at)
    if args.json:
        rows = [
            {
                "learner_id": item.learner_id,
                "telegram_id": item.telegram_id,
                "kind": item.kind,
                "due_at": item.due_at.isoformat(),
                "local_time": item.local_time,
                "reason": item.reason,
            }
            for item in items
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for item in items:
        print(f"{item.learner_id}\t{item.telegram_id}\t{item.kind}\t{item.local_time}\t{item.reason}")
    if not items:
        print("nobody is due at " + args.at.isoformat())
    return 0


def cmd_planning(args: argparse.Namespace) -> int:
    settings = _settings()
    catalog = _load_catalog_or_refuse(settings)
    return cli_planning.run(catalog, args, args.lang or settings.default_language)


def cmd_verify(args: argparse.Namespace) -> int:
    return cli_badges.run_verify(_settings(), args)


def cmd_contexts_import(args: argparse.Namespace) -> int:
    return cli_badges.run_contexts_import(_settings(), args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="skillstack", description="SkillStack micro-credential coach.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        sub: argparse._SubParsersAction,
        name: str,
        handler: Callable[[argparse.Namespace], int],
        help_text: str,
    ) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(handler=handler)
        return command

    add(commands, "run", cmd_run, "apply migrations and start the bot (terminal when no token is set)")
    add(commands, "chat", cmd_chat, "talk to SkillStack in the terminal")
    cli_planning.add_arguments(commands)
    for name in ("match", "plan"):
        commands.choices[name].set_defaults(handler=cmd_planning)
    cli_badges.add_arguments(commands, on_verify=cmd_verify, on_contexts_import=cmd_contexts_import)

    db = commands.add_parser("db", help="database schema").add_subparsers(dest="db_command", required=True)
    upgrade = add(db, "upgrade", cmd_db_upgrade, "apply migrations")
    upgrade.add_argument("--revision", default="head", help="target revision (default: head)")
    add(db, "current", cmd_db_current, "show the applied revision")

    reminders = commands.add_parser("reminders", help="check-ins and reviews").add_subparsers(
        dest="reminders_command", required=True
    )
    due = add(reminders, "due", cmd_reminders_due, "who is due at a given instant and why (sends nothing)")
    due.add_argument(
        "--at", required=True, type=_instant, help="ISO-8601 instant with offset, e.g. 2026-12-07T12:00Z"
    )
    due.add_argument("--json", action="store_true", help="a JSON list")

    catalog = commands.add_parser("catalog", help="the course catalog").add_subparsers(
        dest="catalog_command", required=True
    )
    validate = add(
        catalog,
        "validate",
        cmd_catalog_validate,
        "check a catalog directory (and its issuers.yaml), or a YAML file against the installed catalog",
    )
    validate.add_argument(
        "path", help="a catalog directory, a skills/goals/courses YAML file, or an issuers.yaml"
    )
    export = add(catalog, "export", cmd_catalog_export, "print the normalized catalog")
    export.add_argument("--json", action="store_true", help="JSON with courses, skills and goals")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except SettingsError as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return EXIT_USAGE
    except CatalogRefused:
        return EXIT_DATA_PROBLEM
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

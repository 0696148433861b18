"""``skillstack db upgrade``, ``db current`` and ``reminders due``: the commands on the database alone."""

from __future__ import annotations

import argparse
import json

from bot.cli import settings as cli_settings
from core.checkins.tick import due_at
from core.i18n import t
from core.storage.db import Database


def db_upgrade(args: argparse.Namespace) -> int:
    settings = cli_settings.load()
    database = Database(settings.sqlalchemy_url)
    database.upgrade(args.revision)
    url = settings.sqlalchemy_url.render_as_string(hide_password=True)
    print(t("cli.db_upgraded", settings.default_language, revision=database.current_revision(), url=url))
    return 0


def db_current(_args: argparse.Namespace) -> int:
    settings = cli_settings.load()
    database = Database(settings.sqlalchemy_url)
    print(
        t(
            "cli.db_current",
            settings.default_language,
            current=database.current_revision() or "-",
            head=database.head_revision(),
        )
    )
    return 0


def reminders_due(args: argparse.Namespace) -> int:
    """Who is due at ``--at`` and why; a dry run that claims and sends nothing."""
    database = Database(cli_settings.load().sqlalchemy_url)
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

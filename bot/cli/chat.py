"""``skillstack run`` and ``skillstack chat``: the bot itself, on Telegram or in the terminal."""

from __future__ import annotations

import argparse
import sys

from bot.cli import installed_catalog as cli_installed_catalog
from bot.cli import settings as cli_settings
from bot.console import ConsoleChat, local_identity, tty_reader
from bot.workers import build_dialogue
from core.catalog import Catalog
from core.settings import Settings
from core.storage.db import Database


def _migrated(settings: Settings) -> tuple[Catalog, Database]:
    """The catalog, and the database brought to the latest schema (so a fresh machine just works)."""
    catalog = cli_installed_catalog.load(settings)
    database = Database(settings.sqlalchemy_url)
    database.upgrade()
    return catalog, database


def _chat(settings: Settings) -> int:
    """The terminal chat; its logs go to a file first, so even migrating prints nothing into it."""
    cli_settings.log_to_file(settings)
    catalog, database = _migrated(settings)
    dialogue = build_dialogue(settings, database, catalog)
    identity = local_identity(settings.default_language)
    chat = ConsoleChat(dialogue, identity, save_dir=settings.data_dir / "exports")
    if sys.stdin.isatty():  # at a keyboard: a check-in that comes due shows while the prompt waits
        chat.read = tty_reader(lambda: chat.show_due(interrupting=True))
    chat.run()
    return 0


def chat(_args: argparse.Namespace) -> int:
    """The terminal chat (migrates first, so it works on a fresh machine); settings are read with
    no logging set up, so nothing is logged into the chat before its log file is."""
    return _chat(cli_settings.read())


def run(_args: argparse.Namespace) -> int:
    """Migrate, then start the bot: Telegram with a token, otherwise the terminal chat."""
    settings = cli_settings.read()
    if settings.telegram_bot_token is None:
        return _chat(settings)
    cli_settings.log_to_stderr(settings)
    from bot.telegram.app import run_polling  # the Telegram channel only when there is a token

    return run_polling(settings, *_migrated(settings))

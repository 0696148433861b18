"""``skillstack run`` and ``skillstack chat``: the bot itself, on Telegram or in the terminal."""

from __future__ import annotations

import argparse

from bot import cli_installed_catalog, cli_settings
from bot.console import ConsoleChat, local_identity
from bot.workers import build_dialogue
from core.catalog import Catalog
from core.db import Database
from core.settings import Settings


def _migrated(settings: Settings) -> tuple[Catalog, Database]:
    """The catalog, and the database brought to the latest schema (so a fresh machine just works)."""
    catalog = cli_installed_catalog.load(settings)
    database = Database(settings.sqlalchemy_url)
    database.upgrade()
    return catalog, database


def _chat(settings: Settings, catalog: Catalog, database: Database) -> int:
    dialogue = build_dialogue(settings, database, catalog)
    identity = local_identity(settings.default_language)
    ConsoleChat(dialogue, identity, save_dir=settings.data_dir / "exports").run()
    return 0


def chat(_args: argparse.Namespace) -> int:
    """The terminal chat (migrates first, so it works on a fresh machine)."""
    settings = cli_settings.load()
    return _chat(settings, *_migrated(settings))


def run(_args: argparse.Namespace) -> int:
    """Migrate, then start the bot: Telegram with a token, otherwise the terminal chat."""
    settings = cli_settings.load()
    catalog, database = _migrated(settings)
    if settings.telegram_bot_token is not None:
        from bot.telegram.app import run_polling  # the Telegram channel only when there is a token

        return run_polling(settings, catalog, database)
    return _chat(settings, catalog, database)

"""The settings every ``skillstack`` command starts from: read, checked, and logging set up."""

from __future__ import annotations

import sys

from bot.cli_exit import EXIT_USAGE, CommandFailed
from core.logging_setup import configure_logging
from core.settings import Settings, SettingsError, load_settings


def load() -> Settings:
    """The process's settings; a malformed variable ends the command with one line per problem (exit 2)."""
    try:
        settings = load_settings()
    except SettingsError as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        raise CommandFailed(EXIT_USAGE) from None
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    configure_logging(settings.log_level, secrets=[token])
    return settings

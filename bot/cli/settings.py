"""The settings every ``skillstack`` command starts from: read, checked, and logging set up."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.cli.exit import EXIT_USAGE, CommandFailed
from core.logging_setup import configure_logging
from core.settings import Settings, SettingsError, load_settings


def read() -> Settings:
    """The process's settings, with no logging set up yet (the caller chooses where logs go);
    a malformed variable ends the command with one line per problem (exit 2)."""
    try:
        return load_settings()
    except SettingsError as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        raise CommandFailed(EXIT_USAGE) from None


def load() -> Settings:
    """The process's settings, logging to stderr at the configured level (every command but the chat)."""
    settings = read()
    log_to_stderr(settings)
    return settings


def _secrets(settings: Settings) -> list[str]:
    return [settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""]


def log_file(settings: Settings) -> Path:
    """Where the terminal chat logs: a file in the data directory (see docs/conversation.md)."""
    return settings.data_dir / "logs" / "skillstack.log"


def log_to_stderr(settings: Settings) -> None:
    """Logging for commands whose output is not a conversation: stderr, at the configured level."""
    configure_logging(settings.log_level, secrets=_secrets(settings))


def log_to_file(settings: Settings) -> None:
    """Logging for the terminal chat: to :func:`log_file`, and only warnings and errors on stderr."""
    configure_logging(settings.log_level, secrets=_secrets(settings), log_file=log_file(settings))

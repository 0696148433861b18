"""Process-wide logging that can never print a secret.

Libraries log request URLs (httpx logs every Bot API call, and Telegram puts the bot token in
the URL path), so hiding the token at our call sites is not enough: a filter on every handler
rewrites any record that contains a secret before it is formatted.
"""

from __future__ import annotations

import logging
import logging.handlers
from collections.abc import Iterable
from pathlib import Path

REDACTED = "[REDACTED]"


class RedactSecrets(logging.Filter):
    """Replace each secret string in a record's message and arguments with ``[REDACTED]``."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if secret]

    def _clean(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        cleaned = self._clean(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return True


FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG_FILE_BYTES = 1_000_000
LOG_FILE_BACKUPS = 3


class PointToFile(logging.Formatter):
    """One short line that points to the log file, where the details and any traceback are."""

    def __init__(self, log_file: Path) -> None:
        super().__init__()
        self.log_file = log_file

    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname} {record.name}: {record.getMessage()} (details in {self.log_file})"


def configure_logging(level: str, secrets: Iterable[str] = (), log_file: Path | None = None) -> None:
    """Log at ``level`` to stderr, or to ``log_file`` with only warnings and errors on stderr.

    The terminal chat passes a file: its stdout and stderr are the conversation, and a log line
    there would read as something the bot said, so stderr gets one short line per warning or
    error, pointing to the file.  Every handler redacts ``secrets``.
    """
    stderr = logging.StreamHandler()
    stderr.setFormatter(logging.Formatter(FORMAT))
    handlers: list[logging.Handler] = [stderr]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        stderr.setLevel(logging.WARNING)
        stderr.setFormatter(PointToFile(log_file))
        to_file = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=LOG_FILE_BYTES, backupCount=LOG_FILE_BACKUPS, encoding="utf-8"
        )
        to_file.setFormatter(logging.Formatter(FORMAT))
        handlers.append(to_file)
    redact = RedactSecrets(secrets)
    for handler in handlers:
        handler.addFilter(redact)
    root = logging.getLogger()
    root.handlers[:] = handlers
    root.setLevel(level)
    quiet = max(logging.getLevelName(level), logging.WARNING)
    for chatty in ("httpx", "alembic", "apscheduler"):  # requests, migration steps, each tick: debugging only
        logging.getLogger(chatty).setLevel(quiet)

"""Settings: defaults, parsing, and one clear line (exit code 2) per malformed variable."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.cli.commands import main
from core.logging_setup import REDACTED, RedactSecrets
from core.settings import SettingsError, load_settings

TOKEN = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-Ew"


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.telegram_bot_token is None
    assert settings.default_timezone == "UTC"
    assert settings.default_language == "en"
    assert settings.fetch_test_hosts == frozenset()  # the badge fetcher's loopback door is shut
    assert settings.telegram_base_url == "https://api.telegram.org/bot"
    assert settings.sqlalchemy_url.get_backend_name() == "sqlite"
    assert settings.sqlalchemy_url.database == str((tmp_path / "var" / "skillstack.db").resolve())


def test_values_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SKILLSTACK_DEFAULT_TIMEZONE", "Asia/Jakarta")
    monkeypatch.setenv("SKILLSTACK_DEFAULT_LANGUAGE", "id")
    monkeypatch.setenv("SKILLSTACK_TELEGRAM_API_URL", "http://127.0.0.1:8081/")
    monkeypatch.setenv("SKILLSTACK_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    monkeypatch.setenv("SKILLSTACK_FETCH_TEST_HOSTS", "127.0.0.1:8443, [::1]:9000")
    settings = load_settings()
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == TOKEN
    assert TOKEN not in repr(settings)
    assert settings.fetch_test_hosts == frozenset({"127.0.0.1:8443", "[::1]:9000"})
    assert settings.default_timezone == "Asia/Jakarta"
    assert settings.default_language == "id"
    assert settings.telegram_base_url == "http://127.0.0.1:8081/bot"
    assert settings.telegram_base_file_url == "http://127.0.0.1:8081/file/bot"
    assert settings.sqlalchemy_url.get_backend_name() == "postgresql"


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SKILLSTACK_DEFAULT_LANGUAGE=id\n", encoding="utf-8")
    assert load_settings().default_language == "id"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("SKILLSTACK_DEFAULT_TIMEZONE", "Mars/Olympus", "IANA time zone"),
        ("SKILLSTACK_DEFAULT_LANGUAGE", "fr", "en or id"),
        ("SKILLSTACK_TELEGRAM_API_URL", "not a url", "root URL of a Bot API server"),
        ("SKILLSTACK_DATABASE_URL", "mysql://root@localhost/db", "SQLAlchemy URL"),
        ("SKILLSTACK_DATABASE_URL", "::nonsense::", "SQLAlchemy URL"),
        ("TELEGRAM_BOT_TOKEN", "not-a-token", "bot token from @BotFather"),
        ("SKILLSTACK_LOG_LEVEL", "LOUD", "DEBUG, INFO, WARNING or ERROR"),
        ("SKILLSTACK_FETCH_TEST_HOSTS", "127.0.0.1", "host:port pairs"),
    ],
)
def test_malformed_value_names_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert len(caught.value.lines) == 1
    line = caught.value.lines[0]
    assert line.startswith(f"{variable}: expected ")
    assert expected in line


def test_cli_stops_with_one_line_and_exit_code_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SKILLSTACK_DEFAULT_TIMEZONE", "Nowhere/Town")
    assert main(["db", "current"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["SKILLSTACK_DEFAULT_TIMEZONE: expected an IANA time zone name, like UTC or Asia/Jakarta"]


def test_malformed_token_is_never_echoed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    secret_looking = "999:short-but-secret-value"
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", secret_looking)
    assert main(["db", "current"]) == 2
    captured = capsys.readouterr()
    assert "TELEGRAM_BOT_TOKEN" in captured.err
    assert secret_looking not in captured.err + captured.out


def test_token_is_redacted_from_log_records() -> None:
    record = logging.LogRecord(
        "httpx",
        logging.INFO,
        __file__,
        1,
        'HTTP Request: POST %s "%s"',
        (f"https://api.telegram.org/bot{TOKEN}/getMe", "HTTP/1.1 200 OK"),
        None,
    )
    RedactSecrets([TOKEN]).filter(record)
    message = record.getMessage()
    assert TOKEN not in message
    assert f"/bot{REDACTED}/getMe" in message


def test_token_is_redacted_from_tracebacks() -> None:
    try:
        raise RuntimeError(f"failed calling /bot{TOKEN}/sendMessage")
    except RuntimeError:
        import sys

        record = logging.LogRecord("bot", logging.ERROR, __file__, 1, "oops", None, sys.exc_info())
    RedactSecrets([TOKEN]).filter(record)
    assert record.exc_text is not None
    assert TOKEN not in record.exc_text
    assert REDACTED in record.exc_text

"""One settings object for the whole process, read from the environment and an optional ``.env``.

Every knob lives here so that a deployment is described by its environment alone.  A malformed
value must stop start-up with a line an operator can act on (which variable, what was expected),
so :func:`load_settings` turns pydantic's error tree into :class:`SettingsError` lines, one per
bad variable, and never echoes a secret back.

It also says where the files SkillStack ships with live (:data:`SHIPPED_DATA_DIR`,
:func:`migrations_dir`): the repository keeps them in ``data/`` and ``core/storage/migrations/``, and the
wheel installs ``data/`` as the package ``skillstack_data`` (pyproject.toml maps one to the other).
Every module that reads a shipped file starts from these two, so ``pip install .`` works from any
working directory. A source checkout reads its own ``data/`` first: a worktree run with another
checkout's editable install must see its own catalog, not the one the editable install points at.
"""

from __future__ import annotations

import re
from functools import cached_property
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, HttpUrl, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

if TYPE_CHECKING:
    from sqlalchemy.engine import URL


DATA_PACKAGE = "skillstack_data"
_SOURCE_ROOT = Path(__file__).resolve().parent.parent


def shipped_data_dir() -> Path:
    """The shipped data directory: the checkout's ``data/``, else the installed ``skillstack_data``."""
    if (_SOURCE_ROOT / "pyproject.toml").is_file() and (_SOURCE_ROOT / "data").is_dir():
        return _SOURCE_ROOT / "data"
    return _package_directory(DATA_PACKAGE)


def migrations_dir() -> Path:
    """Alembic's script location: the ``core.storage.migrations`` package, wherever it is installed."""
    return _package_directory("core.storage.migrations")


def _package_directory(package: str) -> Path:
    """A package's directory on disk; the loaders glob and open files, so a zipped install cannot work."""
    location = files(package)
    if not isinstance(location, Path):
        raise RuntimeError(f"{package} is not installed as plain files ({location!r}); reinstall with pip")
    return location


SHIPPED_DATA_DIR = shipped_data_dir()

TELEGRAM_TOKEN_PATTERN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")
SUPPORTED_DATABASES = ("sqlite", "postgresql")
Language = Literal["en", "id"]


class SettingsError(Exception):
    """Configuration is unusable; ``lines`` say which variable and what it should look like."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class Settings(BaseSettings):
    """SkillStack's configuration. Field descriptions double as the 'expected' part of error lines."""

    model_config = SettingsConfigDict(
        env_prefix="SKILLSTACK_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
        populate_by_name=True,
    )

    telegram_bot_token: SecretStr | None = Field(
        default=None,
        validation_alias="TELEGRAM_BOT_TOKEN",
        description="a bot token from @BotFather, like 123456789:AAE... (or unset for the terminal chat)",
    )
    database_url: str | None = Field(
        default=None,
        description="an SQLAlchemy URL: sqlite:///path/to/file.db or postgresql+psycopg://user@host:5432/db",
    )
    data_dir: Path = Field(
        default=Path("var"),
        description="a writable directory for the SQLite file and caches",
    )
    catalog_dir: Path = Field(
        default=SHIPPED_DATA_DIR,
        description="a directory holding taxonomy/ and catalog/courses/ (default: the shipped data/)",
    )
    telegram_api_url: HttpUrl = Field(
        default=HttpUrl("https://api.telegram.org"),
        description="the root URL of a Bot API server, like https://api.telegram.org",
    )
    default_timezone: str = Field(
        default="UTC",
        description="an IANA time zone name, like UTC or Asia/Jakarta",
    )
    default_language: Language = Field(default="en", description="en or id")
    dialogue_processes: int = Field(
        default=2,
        ge=0,
        le=32,
        description="a number of worker processes for the dialogue, 0-32 (0 = worker threads)",
    )
    telegram_connections: int = Field(
        default=32,
        ge=1,
        le=256,
        description="a number of HTTP connections to the Bot API, 1-256",
    )
    send_rate_per_second: float = Field(
        default=30.0,
        gt=0,
        le=1000,
        description="proactive messages per second over all chats (Telegram allows about 30)",
    )
    group_messages_per_minute: int = Field(
        default=20, ge=1, le=600, description="proactive messages per minute to one group (Telegram: 20)"
    )
    private_chat_interval_seconds: float = Field(
        default=1.0, ge=0, le=60, description="seconds between proactive messages to one private chat"
    )
    reminder_tick_seconds: float = Field(
        default=30.0, gt=0, le=3600, description="seconds between checks for due check-ins"
    )
    fetch_test_hosts: Annotated[frozenset[str], NoDecode] = Field(
        default=frozenset(),
        description=(
            "TEST ONLY: comma-separated host:port pairs the badge fetcher may reach on loopback over plain "
            "http, like 127.0.0.1:8443 (leave unset in production)"
        ),
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="DEBUG, INFO, WARNING or ERROR"
    )

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _token_shape(cls, value: Any) -> Any:
        if value in (None, ""):
            return None
        if not TELEGRAM_TOKEN_PATTERN.match(str(value).strip()):
            raise ValueError("not a bot token")  # the value itself is never repeated
        return str(value).strip()

    @field_validator("database_url", mode="before")
    @classmethod
    def _database_url_shape(cls, value: Any) -> Any:
        if value in (None, ""):
            return None
        url = _database_url(str(value))
        if url.get_backend_name() not in SUPPORTED_DATABASES:
            raise ValueError(f"unsupported database {url.get_backend_name()!r}")
        return str(value)

    @field_validator("fetch_test_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: Any) -> Any:
        if isinstance(value, str):
            return frozenset(_comma_separated(value, r"[A-Za-z0-9.\-\[\]:]+:\d{1,5}", "host:port pairs"))
        return value

    @field_validator("default_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("unknown time zone") from exc
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _http_scheme(cls, value: HttpUrl) -> HttpUrl:
        if value.query or value.fragment:
            raise ValueError("must not carry a query or fragment")
        return value

    @cached_property
    def sqlalchemy_url(self) -> URL:
        """The database to use: the configured URL, or a SQLite file inside ``data_dir``."""
        if self.database_url:
            return _database_url(self.database_url)
        return _database_url(f"sqlite:///{(self.data_dir / 'skillstack.db').resolve()}")

    @property
    def telegram_base_url(self) -> str:
        """PTB's ``base_url``: the server root plus ``/bot`` (PTB appends the token)."""
        return f"{str(self.telegram_api_url).rstrip('/')}/bot"

    @property
    def telegram_base_file_url(self) -> str:
        return f"{str(self.telegram_api_url).rstrip('/')}/file/bot"


def _database_url(text: str) -> URL:
    """SQLAlchemy's reading of a database URL; a ValueError (pydantic's "invalid") when it has none.

    SQLAlchemy is imported here, not at the top, because most commands never touch the database: it
    costs about 150 ms of start-up that ``skillstack verify`` or ``plan`` would pay for nothing.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(text)
    except ArgumentError as exc:
        raise ValueError("not a database URL") from exc


def _comma_separated(value: str, pattern: str, what: str) -> list[str]:
    """The items of a comma-separated variable, each matching ``pattern`` (else: "not a list of ...")."""
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if not all(re.fullmatch(pattern, part) for part in parts):
        raise ValueError(f"not a list of {what}")
    return parts


def _env_name(field_name: str) -> str:
    field = Settings.model_fields[field_name]
    if isinstance(field.validation_alias, str):
        return field.validation_alias
    return f"{Settings.model_config.get('env_prefix', '')}{field_name}".upper()


def _field_for(location: str) -> str | None:
    """The settings field an error location refers to (by field name or by env alias)."""
    for name, field in Settings.model_fields.items():
        if location == name or (
            isinstance(field.validation_alias, str) and location.upper() == field.validation_alias.upper()
        ):
            return name
    return None


def describe_validation_error(error: ValidationError) -> list[str]:
    """One line per bad variable: its name and what it should look like (never the bad value)."""
    lines: dict[str, str] = {}
    for item in error.errors():
        location = str(item["loc"][0]) if item["loc"] else ""
        field_name = _field_for(location)
        if field_name is None:
            lines.setdefault(location, f"configuration: {item['msg']}")
            continue
        expected = Settings.model_fields[field_name].description or "a valid value"
        lines.setdefault(field_name, f"{_env_name(field_name)}: expected {expected}")
    return list(lines.values())


def load_settings(**overrides: Any) -> Settings:
    """Read settings from the environment (and ``.env``); raise :class:`SettingsError` when malformed."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc)) from None

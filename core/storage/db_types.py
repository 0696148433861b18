"""Column types that behave the same on SQLite and PostgreSQL.

SQLite has no time-zone-aware timestamp, and a naive ``datetime`` silently read back as local
time is the classic scheduling bug.  :class:`UTCDateTime` therefore refuses naive values on the
way in, stores UTC, and always hands back an aware UTC ``datetime``.  :data:`JSONDocument` is
JSON everywhere and JSONB on PostgreSQL (indexable, compact).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, DateTime, Dialect, Enum
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

JSONDocument = JSON().with_variant(JSONB(), "postgresql")


def utc_now() -> dt.datetime:
    """The current instant as an aware UTC datetime (the only kind the database accepts)."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware UTC timestamp on every backend; naive datetimes are a programming error."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware datetime (UTC)")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def enum_type(enum_class: type[StrEnum]) -> Enum:
    """Store a StrEnum by value as VARCHAR (no PostgreSQL enum types, which migrations handle badly)."""
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=max(len(member.value) for member in enum_class) + 8,
        values_callable=lambda members: [member.value for member in members],
    )

"""SQLModel tables: what SkillStack remembers about learners, their plans, badges and messages.

Conventions, so every table reads the same:
- timestamps are :class:`~core.storage.db_types.UTCDateTime` (aware UTC in, aware UTC out);
- enums are stored by value as short strings (see :func:`~core.storage.db_types.enum_type`);
- lists and reports are JSON (JSONB on PostgreSQL);
- everything a learner owns hangs off ``learners.id`` with ``ON DELETE CASCADE``, so forgetting a
  learner is one delete and cannot leave orphans behind;
- Telegram ids are 64-bit (``BIGINT``): user ids already exceed 2**31 and group ids are negative.

The schema itself is owned by Alembic (``core/migrations``); a test checks that these classes and
the migrations describe the same tables.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Index, Numeric, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.catalog.schema import Level
from core.storage.db_types import JSONDocument, UTCDateTime, enum_type, utc_now


class LearnerStatus(StrEnum):
    ACTIVE = "active"
    BLOCKED = "blocked"  # the learner blocked the bot: send nothing until they /start again


class PlanStatus(StrEnum):
    ACTIVE = "active"
    SUPERSEDED = "superseded"


class PlanItemStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"


class CheckInKind(StrEnum):
    CHECKIN = "checkin"
    REVIEW = "review"
    NUDGE = "nudge"


class CheckInStatus(StrEnum):
    SENT = "sent"
    ANSWERED = "answered"
    MISSED = "missed"


class BadgeSource(StrEnum):
    LINK = "link"
    JSON = "json"
    JWS = "jws"
    IMAGE = "image"
    MANUAL = "manual"


class BadgeStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    SELF_REPORTED = "self_reported"
    INVALID = "invalid"
    UNVERIFIABLE = "unverifiable"


class EducatorRole(StrEnum):
    EDUCATOR = "educator"
    ADMIN = "admin"


class MessageKind(StrEnum):
    CHECKIN = "checkin"
    REVIEW = "review"
    NUDGE = "nudge"
    BROADCAST = "broadcast"
    NOTICE = "notice"


class MessageStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


def _created_at() -> Any:
    return Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)


def _learner_fk(*, nullable: bool = False) -> Any:
    return Field(
        default=None if nullable else ...,
        foreign_key="learners.id",
        ondelete="CASCADE",
        index=True,
        nullable=nullable,
    )


class Learner(SQLModel, table=True):
    """A person who chats with the bot (or the local terminal user, who has no Telegram id)."""

    __tablename__ = "learners"

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int | None = Field(default=None, sa_type=BigInteger, unique=True, nullable=True)
    local_key: str | None = Field(default=None, max_length=100, unique=True)  # e.g. console:<os user>
    language: str = Field(default="en", max_length=8)
    timezone: str = Field(default="UTC", max_length=64)
    status: LearnerStatus = Field(default=LearnerStatus.ACTIVE, sa_type=enum_type(LearnerStatus))
    created_at: dt.datetime = _created_at()
    updated_at: dt.datetime = _created_at()


class LearnerProfile(SQLModel, table=True):
    """What the learner told us in onboarding; the planner's input."""

    __tablename__ = "learner_profiles"

    learner_id: int = Field(foreign_key="learners.id", ondelete="CASCADE", primary_key=True)
    goal_id: str | None = Field(default=None, max_length=80)  # None with goal_skills: a skill goal
    goal_text: str | None = Field(default=None, max_length=500)
    goal_skills: list[str] = Field(default_factory=list, sa_type=JSONDocument)  # named or emphasised
    origin_id: str | None = Field(default=None, max_length=80)  # a career changer's earlier work
    transferable_skills: list[str] = Field(default_factory=list, sa_type=JSONDocument)  # held from it
    level: Level | None = Field(default=None, sa_type=enum_type(Level))
    skills_held: list[str] = Field(default_factory=list, sa_type=JSONDocument)
    hours_per_week: float | None = Field(default=None, ge=0, le=80)
    monthly_budget: Decimal | None = Field(default=None, sa_type=Numeric(10, 2))
    budget_currency: str = Field(default="USD", max_length=3)
    preferred_formats: list[str] = Field(default_factory=list, sa_type=JSONDocument)
    course_languages: list[str] = Field(default_factory=list, sa_type=JSONDocument)
    avoid_providers: list[str] = Field(default_factory=list, sa_type=JSONDocument)
    checkin_weekday: int | None = Field(default=None, ge=0, le=6)  # 0 = Monday
    checkin_time: dt.time | None = Field(default=None)  # local time in the learner's time zone
    # the learner's swaps, a preference that lasts: courses swapped away never come back, and the
    # courses chosen instead stay in every re-plan (a fresh "start over" included)
    excluded_courses: list[str] = Field(default_factory=list, sa_type=JSONDocument)
    chosen_courses: list[str] = Field(default_factory=list, sa_type=JSONDocument)
    email: str | None = Field(default=None, max_length=320)  # matched against badge recipients, locally only
    onboarded_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: dt.datetime = _created_at()


class Plan(SQLModel, table=True):
    """A monthly plan; re-planning supersedes the old one instead of editing history."""

    __tablename__ = "plans"
    __table_args__ = (Index("ix_plans_learner_status", "learner_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learners.id", ondelete="CASCADE")
    goal_id: str | None = Field(default=None, max_length=80)  # None: a skill goal's plan
    status: PlanStatus = Field(default=PlanStatus.ACTIVE, sa_type=enum_type(PlanStatus))
    horizon_months: int = Field(default=6, ge=1, le=36)
    starts_on: dt.date
    summary: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDocument)  # request, coverage, gaps
    created_at: dt.datetime = _created_at()


class PlanItem(SQLModel, table=True):
    """One course (or one monthly part of a long course) in a plan month."""

    __tablename__ = "plan_items"
    __table_args__ = (
        UniqueConstraint("plan_id", "course_id", "part", name="uq_plan_items_plan_course_part"),
        CheckConstraint("progress_percent BETWEEN 0 AND 100", name="ck_plan_items_progress_range"),
        CheckConstraint("part >= 1 AND part <= parts", name="ck_plan_items_part_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plans.id", ondelete="CASCADE", index=True)
    course_id: str = Field(max_length=80)
    month: int = Field(ge=1)
    part: int = Field(default=1, ge=1)
    parts: int = Field(default=1, ge=1)
    position: int = Field(default=0, ge=0)
    status: PlanItemStatus = Field(default=PlanItemStatus.PLANNED, sa_type=enum_type(PlanItemStatus))
    progress_percent: int = Field(default=0, ge=0, le=100)
    reason: str = Field(default="", sa_type=Text)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDocument)  # hours, cost, reason facts
    updated_at: dt.datetime = _created_at()


class Conversation(SQLModel, table=True):
    """Where a learner is in a conversation, so a restart continues at the same question."""

    __tablename__ = "conversations"

    learner_id: int = Field(foreign_key="learners.id", ondelete="CASCADE", primary_key=True)
    state: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDocument)
    updated_at: dt.datetime = _created_at()


class CheckIn(SQLModel, table=True):
    """A check-in, review or nudge sent to a learner, and what they answered."""

    __tablename__ = "check_ins"

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = _learner_fk()
    plan_item_id: int | None = Field(default=None, foreign_key="plan_items.id", ondelete="SET NULL")
    kind: CheckInKind = Field(default=CheckInKind.CHECKIN, sa_type=enum_type(CheckInKind))
    status: CheckInStatus = Field(default=CheckInStatus.SENT, sa_type=enum_type(CheckInStatus))
    due_at: dt.datetime = Field(sa_type=UTCDateTime)
    answered_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    response: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDocument)
    created_at: dt.datetime = _created_at()


DEFAULT_QUIET_START = dt.time(22, 0)  # a learner's quiet hours until they choose their own
DEFAULT_QUIET_END = dt.time(7, 0)


class ReminderSchedule(SQLModel, table=True):
    """When a learner is next due a proactive message, and how they have been answering.

    The database, not the process, knows who is due: a tick selects rows whose ``next_due_at`` has
    passed (indexed), so there is no per-learner job to lose on a restart.  ``claim_token`` marks
    the rows one tick is working on (see :mod:`core.checkins.tick`).
    """

    __tablename__ = "reminder_schedules"
    __table_args__ = (Index("ix_reminder_schedules_due", "paused", "next_due_at"),)

    learner_id: int = Field(foreign_key="learners.id", ondelete="CASCADE", primary_key=True)
    next_due_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    every_weeks: int = Field(default=1, ge=1, le=4)  # the learner's choice: 1 = weekly, 2, 4
    gentle: bool = Field(default=False)  # after unanswered messages: softer words, half as often
    quiet_start: dt.time = Field(default=DEFAULT_QUIET_START)
    quiet_end: dt.time = Field(default=DEFAULT_QUIET_END)
    paused: bool = Field(default=False)
    snoozed_until: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    unanswered: int = Field(default=0, ge=0)  # proactive messages in a row without an answer
    last_sent_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_answered_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    reviewed_month: int = Field(default=0, ge=0)  # plan months whose review was sent (1 = the first)
    claim_token: str | None = Field(default=None, max_length=64)
    updated_at: dt.datetime = _created_at()


class Badge(SQLModel, table=True):
    """An earned credential: where it came from, what the verifier said, and the raw evidence."""

    __tablename__ = "badges"

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = _learner_fk()
    source: BadgeSource = Field(sa_type=enum_type(BadgeSource))
    source_url: str | None = Field(default=None, sa_type=Text)
    status: BadgeStatus = Field(default=BadgeStatus.PENDING, sa_type=enum_type(BadgeStatus))
    format: str | None = Field(default=None, max_length=40)
    name: str | None = Field(default=None, max_length=300)
    issuer_id: str | None = Field(default=None, sa_type=Text)
    issuer_name: str | None = Field(default=None, max_length=300)
    course_id: str | None = Field(default=None, max_length=80)
    skills: list[str] = Field(default_factory=list, sa_type=JSONDocument)  # credited to the profile
    issued_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    expires_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    raw_evidence: str | None = Field(default=None, sa_type=Text)
    verification_report: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDocument)
    recorded_at: dt.datetime = _created_at()
    checked_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class Educator(SQLModel, table=True):
    """A Telegram user allowed to broadcast to groups."""

    __tablename__ = "educators"

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int = Field(sa_type=BigInteger, unique=True)
    name: str = Field(default="", max_length=200)
    role: EducatorRole = Field(default=EducatorRole.EDUCATOR, sa_type=enum_type(EducatorRole))
    created_at: dt.datetime = _created_at()


class Group(SQLModel, table=True):
    """A Telegram group (a cohort) the bot was added to."""

    __tablename__ = "groups"

    id: int | None = Field(default=None, primary_key=True)
    telegram_chat_id: int = Field(sa_type=BigInteger, unique=True)
    title: str = Field(default="", max_length=255)
    educator_id: int | None = Field(default=None, foreign_key="educators.id", ondelete="SET NULL")
    active: bool = Field(default=True)
    created_at: dt.datetime = _created_at()


class OutboundMessage(SQLModel, table=True):
    """A proactive message waiting for (or past) delivery: the outbox.

    Written in the same transaction as the state change that caused it; a sender claims rows
    whose ``available_at`` has passed, so retries with back-off are just a later ``available_at``.
    """

    __tablename__ = "outbound_messages"
    __table_args__ = (Index("ix_outbound_messages_status_available", "status", "available_at"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=BigInteger)
    learner_id: int | None = _learner_fk(nullable=True)
    group_id: int | None = Field(default=None, foreign_key="groups.id", ondelete="CASCADE")
    kind: MessageKind = Field(sa_type=enum_type(MessageKind))
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDocument)
    status: MessageStatus = Field(default=MessageStatus.PENDING, sa_type=enum_type(MessageStatus))
    attempts: int = Field(default=0, ge=0)
    available_at: dt.datetime = _created_at()
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, sa_type=Text)
    dedupe_key: str | None = Field(default=None, max_length=200, unique=True)
    created_at: dt.datetime = _created_at()

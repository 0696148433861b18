"""Storage on every backend: migrations, time zones, JSON, constraints, cascades, unit of work."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, func, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import Session, SQLModel, select

from core.catalog.schema import Level
from core.storage.db import Database
from core.storage.models import (
    Badge,
    BadgeSource,
    BadgeStatus,
    CheckIn,
    Educator,
    Group,
    Learner,
    LearnerProfile,
    MessageKind,
    OutboundMessage,
    Plan,
    PlanItem,
    PlanItemStatus,
)

JAKARTA = dt.timezone(dt.timedelta(hours=7))
BIG_TELEGRAM_ID = 7_123_456_789  # above 2**32: real Telegram user ids are this large


def _learner_with_everything(database: Database) -> int:
    """A learner who owns one row in every learner-owned table; returns the learner id."""
    with database.unit_of_work() as session:
        learner = Learner(telegram_id=BIG_TELEGRAM_ID, language="id", timezone="Asia/Jakarta")
        session.add(learner)
        session.flush()
        assert learner.id is not None
        session.add(
            LearnerProfile(
                learner_id=learner.id,
                goal_id="data-analyst",
                level=Level.BEGINNER,
                skills_held=["spreadsheets"],
                hours_per_week=5,
                monthly_budget=Decimal("0"),
            )
        )
        plan = Plan(learner_id=learner.id, goal_id="data-analyst", starts_on=dt.date(2026, 12, 1))
        session.add(plan)
        session.flush()
        assert plan.id is not None
        item = PlanItem(plan_id=plan.id, course_id="google-da-foundations", month=1, reason="covers SQL")
        session.add(item)
        session.flush()
        session.add(
            CheckIn(
                learner_id=learner.id, plan_item_id=item.id, due_at=dt.datetime(2026, 12, 7, 2, tzinfo=dt.UTC)
            )
        )
        session.add(
            Badge(
                learner_id=learner.id,
                source=BadgeSource.MANUAL,
                status=BadgeStatus.SELF_REPORTED,
                verification_report={"checks": []},
            )
        )
        session.add(
            OutboundMessage(
                chat_id=BIG_TELEGRAM_ID,
                learner_id=learner.id,
                kind=MessageKind.CHECKIN,
                payload={"text": "hi"},
            )
        )
        return learner.id


def test_migrations_reach_head(database: Database) -> None:
    assert database.current_revision() == database.head_revision()


def test_models_and_migrations_describe_the_same_schema(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_upgrade_twice_is_harmless(database: Database) -> None:
    database.upgrade()
    assert database.current_revision() == database.head_revision()


def test_timestamps_come_back_aware_utc(database: Database) -> None:
    local_nine = dt.datetime(2026, 3, 29, 9, 0, tzinfo=JAKARTA)
    with database.unit_of_work() as session:
        learner = Learner(telegram_id=1)
        session.add(learner)
        session.flush()
        session.add(CheckIn(learner_id=learner.id, due_at=local_nine))
    with database.unit_of_work() as session:
        stored = session.exec(select(CheckIn)).one()
        assert stored.due_at.tzinfo is not None
        assert stored.due_at.utcoffset() == dt.timedelta(0)
        assert stored.due_at == local_nine
        assert stored.due_at.hour == 2
        assert stored.created_at.tzinfo is not None


def test_naive_timestamps_are_refused(database: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"), database.unit_of_work() as session:
        learner = Learner(telegram_id=2)
        session.add(learner)
        session.flush()
        session.add(CheckIn(learner_id=learner.id, due_at=dt.datetime(2026, 1, 1, 9)))  # noqa: DTZ001
        session.flush()


def test_json_decimal_and_enums_round_trip(database: Database) -> None:
    learner_id = _learner_with_everything(database)
    with database.unit_of_work() as session:
        profile = session.get(LearnerProfile, learner_id)
        assert profile is not None
        assert profile.skills_held == ["spreadsheets"]
        assert profile.level is Level.BEGINNER
        assert profile.monthly_budget == Decimal("0")
        message = session.exec(select(OutboundMessage)).one()
        assert message.payload == {"text": "hi"}
        assert message.kind is MessageKind.CHECKIN
        item = session.exec(select(PlanItem)).one()
        assert item.status is PlanItemStatus.PLANNED


def test_telegram_ids_are_64_bit(database: Database) -> None:
    with database.unit_of_work() as session:
        session.add(Learner(telegram_id=BIG_TELEGRAM_ID))
        session.add(Group(telegram_chat_id=-1_001_234_567_890, title="Cohort A"))
    with database.unit_of_work() as session:
        assert session.exec(select(Learner.telegram_id)).one() == BIG_TELEGRAM_ID
        assert session.exec(select(Group.telegram_chat_id)).one() == -1_001_234_567_890


def test_telegram_id_is_unique(database: Database) -> None:
    with database.unit_of_work() as session:
        session.add(Learner(telegram_id=42))
    with pytest.raises(IntegrityError), database.unit_of_work() as session:
        session.add(Learner(telegram_id=42))


def test_foreign_keys_are_enforced(database: Database) -> None:
    with pytest.raises(IntegrityError), database.unit_of_work() as session:
        session.add(PlanItem(plan_id=999_999, course_id="x", month=1))


def test_progress_outside_0_to_100_is_refused(database: Database) -> None:
    with database.unit_of_work() as session:
        learner = Learner(telegram_id=3)
        session.add(learner)
        session.flush()
        plan = Plan(learner_id=learner.id, goal_id="g", starts_on=dt.date(2026, 1, 1))
        session.add(plan)
        session.flush()
        plan_id = plan.id
    with pytest.raises(IntegrityError), database.unit_of_work() as session:
        session.add(PlanItem(plan_id=plan_id, course_id="x", month=1, progress_percent=140))


def test_forgetting_a_learner_deletes_everything_they_own(database: Database) -> None:
    learner_id = _learner_with_everything(database)
    with database.unit_of_work() as session:
        session.add(Learner(telegram_id=99))  # someone else, who must survive
    with database.unit_of_work() as session:
        session.delete(session.get(Learner, learner_id))
    owned = [LearnerProfile, Plan, PlanItem, CheckIn, Badge, OutboundMessage]
    with database.unit_of_work() as session:
        counts = {
            model.__name__: session.exec(select(func.count()).select_from(model)).one() for model in owned
        }
        assert counts == dict.fromkeys(counts, 0)
        assert session.exec(select(Learner.telegram_id)).all() == [99]


def test_unit_of_work_rolls_back_on_error(database: Database) -> None:
    with pytest.raises(RuntimeError), database.unit_of_work() as session:
        session.add(Educator(telegram_id=5, name="Ana"))
        session.flush()
        raise RuntimeError("boom")
    with database.unit_of_work() as session:
        assert session.exec(select(Educator)).all() == []


def test_unit_of_work_commits_on_success(database: Database) -> None:
    with database.unit_of_work() as session:
        session.add(Educator(telegram_id=6, name="Budi"))
    with database.unit_of_work() as session:
        assert [e.name for e in session.exec(select(Educator))] == ["Budi"]


@pytest.mark.postgres
def test_transaction_survives_a_dropped_connection(postgres_url: str) -> None:
    """The server ends the session behind the pool's back (a restart): the work runs once more."""
    database = Database(postgres_url)
    database.upgrade()
    try:
        with database.unit_of_work() as session:  # leaves one connection idle in the pool
            backend = session.exec(select(func.pg_backend_pid())).one()
        with create_engine(postgres_url, isolation_level="AUTOCOMMIT").connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        calls: list[int] = []

        def work(session: Session) -> int:
            calls.append(1)
            session.add(Educator(telegram_id=7, name="Citra"))
            session.flush()  # the first attempt fails here, on the dead connection
            return session.exec(select(func.pg_backend_pid())).one()

        assert database.transaction(work) != backend
        assert len(calls) == 2
        with database.unit_of_work() as session:
            assert [e.name for e in session.exec(select(Educator))] == ["Citra"]
    finally:
        database.dispose()


def test_transaction_does_not_retry_other_errors(database: Database) -> None:
    attempts = []

    def work(session: Session) -> None:
        attempts.append(1)
        session.add(Learner(telegram_id=8, language="en", timezone="UTC"))
        session.add(Learner(telegram_id=8, language="en", timezone="UTC"))
        session.flush()

    with pytest.raises(IntegrityError):
        database.transaction(work)
    assert attempts == [1]


def test_outbox_dedupe_key_is_unique(database: Database) -> None:
    with database.unit_of_work() as session:
        session.add(OutboundMessage(chat_id=1, kind=MessageKind.NOTICE, dedupe_key="checkin:1:2026-12-07"))
    with pytest.raises(IntegrityError), database.unit_of_work() as session:
        session.add(OutboundMessage(chat_id=1, kind=MessageKind.NOTICE, dedupe_key="checkin:1:2026-12-07"))


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path) -> None:  # type: ignore[no-untyped-def]
    database = Database(f"sqlite:///{tmp_path / 'nested' / 'dir' / 'wal.db'}")
    database.upgrade()
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    database.dispose()


def test_migrations_go_down_and_up_again(database: Database) -> None:
    from alembic import command

    from core.storage.db import alembic_config

    config = alembic_config(database.url)
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    assert database.current_revision() == "0001"
    database.upgrade()
    assert database.current_revision() == database.head_revision()

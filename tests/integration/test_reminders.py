"""Reminders end to end in the core: schedule after onboarding, ticks, check-in answers, rhythm."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.cli.commands import main as cli_main
from core.catalog import Catalog
from core.checkins.tick import answered
from core.dialogue.engine import Dialogue
from core.outbox import payload_reply
from core.storage.db import Database
from core.storage.models import (
    CheckIn,
    CheckInStatus,
    Learner,
    OutboundMessage,
    PlanItem,
    PlanItemStatus,
    ReminderSchedule,
)
from tests.integration.dialogue.test_dialogue import Learner_
from tests.scripts import ENGLISH_TYPED_ONBOARDING

ONBOARDED = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)  # Monday 10:00 in Jakarta
FIRST_DUE = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)  # Monday 19:00 in Jakarta ("senin", "7pm")
WEEK = dt.timedelta(days=7)


@dataclass
class Clock:
    now: dt.datetime

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(ONBOARDED)


@pytest.fixture
def dialogue(database: Database, catalog: Catalog, clock: Clock) -> Dialogue:
    return Dialogue(database, catalog, clock=clock)


@pytest.fixture
def learner(dialogue: Dialogue) -> Learner_:
    person = Learner_(dialogue, telegram_id=77)
    person.onboard(ENGLISH_TYPED_ONBOARDING)
    return person


def schedule_of(database: Database) -> ReminderSchedule:
    with database.unit_of_work() as session:
        found = session.exec(select(ReminderSchedule)).one()
        session.expunge(found)
        return found


def outbox(database: Database) -> list[OutboundMessage]:
    with database.unit_of_work() as session:
        rows = list(session.exec(select(OutboundMessage).order_by(OutboundMessage.id)))  # type: ignore[arg-type]
        for row in rows:
            session.expunge(row)
        return rows


def tick(dialogue: Dialogue, clock: Clock, when: dt.datetime) -> int:
    clock.now = when
    return dialogue.remind(when).sent


def test_onboarding_schedules_the_first_check_in(learner: Learner_, database: Database) -> None:
    assert schedule_of(database).next_due_at == FIRST_DUE


def test_nothing_is_sent_before_it_is_due(
    learner: Learner_, dialogue: Dialogue, clock: Clock, database: Database
) -> None:
    assert tick(dialogue, clock, FIRST_DUE - dt.timedelta(minutes=1)) == 0
    assert outbox(database) == []


@pytest.mark.parametrize(("city", "zone"), [("New York", "America/New_York"), ("Berlin", "Europe/Berlin")])
def test_check_ins_stay_at_seven_pm_local_through_the_spring_dst_change(
    learner: Learner_, dialogue: Dialogue, clock: Clock, database: Database, city: str, zone: str
) -> None:
    learner.say("/settings")
    learner.press("Time zone")
    learner.say(city)
    local = ZoneInfo(zone)
    sent = []
    while (due := schedule_of(database).next_due_at) is not None and due < dt.datetime(
        2027, 4, 15, tzinfo=dt.UTC
    ):
        assert tick(dialogue, clock, due) == 1
        sent.append(due.astimezone(local))
        with database.unit_of_work() as session:  # the learner answers, so the weekly rhythm holds
            answered(session, schedule_of(database).learner_id, due + dt.timedelta(minutes=5))
    mondays = [when for when in sent if when.weekday() == 0]
    assert len(mondays) >= 18
    assert {when.time() for when in sent} == {dt.time(19, 0)}  # reviews on the 1st too, same hour
    assert len({when.utcoffset() for when in mondays}) == 2  # the UTC instant moved with the clocks


def test_a_check_in_before_the_plan_starts_says_so(
    learner: Learner_, dialogue: Dialogue, clock: Clock, database: Database
) -> None:
    assert tick(dialogue, clock, FIRST_DUE) == 1
    [message] = outbox(database)
    assert message.chat_id == 77 and message.kind.value == "checkin"
    reply = payload_reply(message.payload)
    assert "Your plan starts in December 2026" in reply.text and not reply.buttons
    assert "How far along" in learner.say("/checkin")  # asked for: the first month's courses, early
    assert schedule_of(database).next_due_at == FIRST_DUE + WEEK


DECEMBER_MONDAY = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)  # the plan's first month


def open_check_in(dialogue: Dialogue, clock: Clock, database: Database, learner: Learner_) -> str:
    schedule = schedule_of(database)
    with database.unit_of_work() as session:  # as if the November check-ins had been answered
        row = session.get(ReminderSchedule, schedule.learner_id)
        assert row is not None
        row.next_due_at = DECEMBER_MONDAY
    assert tick(dialogue, clock, DECEMBER_MONDAY) == 1
    reply = payload_reply(outbox(database)[-1].payload)
    learner.last = [reply]  # the learner sees the delivered message and taps on it
    return reply.text


def test_a_check_in_walks_through_the_items_by_button_and_by_typing(
    learner: Learner_, dialogue: Dialogue, clock: Clock, database: Database
) -> None:
    text = open_check_in(dialogue, clock, database, learner)
    assert "A new plan month starts today" in text  # the review of month 1 was missed: sent now, once
    assert "How far along" in text
    first = learner.press("Done")
    assert "paste its link" in first
    learner.say("no")  # no badge for this one (badges at a check-in: test_badge_dialogue)
    while "How far along" in learner.last[-1].text:
        learner.say("40%")
    assert "Check-in streak: 1" in learner.last[0].text
    with database.unit_of_work() as session:
        items = session.exec(select(PlanItem)).all()
        check_in = session.exec(select(CheckIn).where(CheckIn.status == CheckInStatus.ANSWERED)).one()
    statuses = {i.status for i in items if i.month == 1}
    assert PlanItemStatus.DONE in statuses and PlanItemStatus.IN_PROGRESS in statuses
    assert "done" in check_in.response.values() and "40" in check_in.response.values()
    assert schedule_of(database).unanswered == 0


def test_typed_answers_in_indonesian_and_a_hint_for_nonsense(
    learner: Learner_, dialogue: Dialogue, clock: Clock, database: Database
) -> None:
    open_check_in(dialogue, clock, database, learner)
    assert "I couldn't read “bananas” as an answer about this course. Try “done”" in learner.say("bananas")
    assert "paste its link" in learner.say("selesai")
    assert "doesn't look like a badge" in learner.say("my badge")
    learner.say("lewati")


def test_stuck_offers_alternatives(
    learner: Learner_, dialogue: Dialogue, clock: Clock, database: Database
) -> None:
    open_check_in(dialogue, clock, database, learner)
    learner.press("Stuck")
    while "How far along" in learner.last[-1].text:
        learner.press("Skip")
    assert any(reply.buttons for reply in learner.last)  # alternatives to swap in (or the plan)


def test_missed_reminders_become_one_message(
    learner: Learner_, dialogue: Dialogue, clock: Clock, database: Database
) -> None:
    three_weeks_late = FIRST_DUE + 3 * WEEK + dt.timedelta(hours=2)  # the bot was down; 21:00 in Jakarta
    assert tick(dialogue, clock, three_weeks_late) == 1
    assert tick(dialogue, clock, three_weeks_late + dt.timedelta(minutes=1)) == 0
    assert len(outbox(database)) == 1
    assert schedule_of(database).next_due_at > three_weeks_late


def test_nothing_is_sent_in_quiet_hours(
    learner: Learner_, dialogue: Dialogue, clock: Clock, database: Database
) -> None:
    late_evening = dt.datetime(2026, 11, 23, 16, 30, tzinfo=dt.UTC)  # 23:30 in Jakarta, overdue
    assert tick(dialogue, clock, late_evening) == 0
    assert outbox(database) == []
    assert schedule_of(database).next_due_at == dt.datetime(2026, 11, 24, 0, 0, tzinfo=dt.UTC)  # 07:00 WIB
    assert tick(dialogue, clock, dt.datetime(2026, 11, 24, 0, 0, tzinfo=dt.UTC)) == 1


def test_unanswered_check_ins_get_gentler_then_pause(
    learner: Learner_, dialogue: Dialogue, clock: Clock, database: Database
) -> None:
    sent_at = []
    while (due := schedule_of(database).next_due_at) is not None and len(sent_at) < 10:
        tick(dialogue, clock, due)
        sent_at.append(due)
    messages = outbox(database)
    assert [m.kind.value for m in messages] == ["checkin", "checkin", "nudge", "nudge", "nudge"]
    gaps = [later - earlier for earlier, later in itertools.pairwise(sent_at)]
    assert gaps[0] == WEEK and gaps[2] > WEEK  # gentler: less often after two unanswered
    assert "No pressure" in payload_reply(messages[2].payload).text
    assert "paused reminders" in payload_reply(messages[-1].payload).text
    assert schedule_of(database).paused
    assert learner.say("/resume").startswith("Reminders are back on")
    assert schedule_of(database).next_due_at is not None


def test_snooze_from_the_reminder(
    learner: Learner_, dialogue: Dialogue, clock: Clock, database: Database
) -> None:
    open_check_in(dialogue, clock, database, learner)
    assert "tomorrow" in learner.press("Tomorrow")
    assert schedule_of(database).next_due_at == DECEMBER_MONDAY + dt.timedelta(days=1)


def test_pause_and_resume(learner: Learner_, database: Database) -> None:
    assert "paused" in learner.say("/pause")
    assert schedule_of(database).next_due_at is None
    learner.say("/resume")
    assert schedule_of(database).next_due_at == FIRST_DUE


def test_changing_the_check_in_time_reschedules_at_once(learner: Learner_, database: Database) -> None:
    learner.say("/settings")
    learner.press("Check-in time")
    learner.say("08:00")
    assert schedule_of(database).next_due_at == dt.datetime(
        2026, 11, 30, 1, 0, tzinfo=dt.UTC
    )  # Mon 08:00 WIB


def test_check_ins_every_two_weeks_on_request(learner: Learner_, database: Database) -> None:
    learner.say("/settings")
    learner.press("How often")
    learner.press("Every 2 weeks")
    assert schedule_of(database).next_due_at == FIRST_DUE + WEEK  # this evening skipped: every other Monday
    learner.say("/settings")
    learner.press("How often")
    assert "I couldn't read “every 3 weeks” as how often. Try “1”, “2” or “4”" in learner.say("every 3 weeks")
    learner.say("4")
    assert schedule_of(database).every_weeks == 4


def test_quiet_hours_can_be_changed_or_turned_off(
    learner: Learner_, dialogue: Dialogue, clock: Clock, database: Database
) -> None:
    learner.say("/settings")
    learner.press("Quiet hours")
    assert "two times" in learner.say("later please")
    learner.say("23:30 - 08:00")
    schedule = schedule_of(database)
    assert (schedule.quiet_start, schedule.quiet_end) == (dt.time(23, 30), dt.time(8, 0))
    late_evening = dt.datetime(2026, 11, 23, 15, 45, tzinfo=dt.UTC)  # 22:45 in Jakarta: no longer quiet
    assert tick(dialogue, clock, late_evening) == 1
    learner.say("/settings")
    learner.press("Quiet hours")
    learner.press("No quiet hours")
    assert schedule_of(database).quiet_start == schedule_of(database).quiet_end


def test_reminders_due_lists_who_and_why(
    learner: Learner_, database: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SKILLSTACK_DATABASE_URL", database.url.render_as_string(hide_password=False))
    assert cli_main(["reminders", "due", "--at", "2026-11-23T12:00:00Z", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["telegram_id"] == 77 and row["kind"] == "checkin"
    assert row["local_time"] == "2026-11-23T19:00+07:00"
    assert "weekly check-in Monday 19:00 Asia/Jakarta" in row["reason"]
    assert cli_main(["reminders", "due", "--at", "2026-11-23T11:59:00Z", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    with pytest.raises(SystemExit) as refused:  # no offset: ambiguous, refused
        cli_main(["reminders", "due", "--at", "2026-11-23T12:00:00"])
    assert refused.value.code == 2


@pytest.mark.postgres
def test_two_processes_ticking_at_once_send_one_message_each(postgres_url: str, catalog: Catalog) -> None:
    database = Database(postgres_url)
    database.upgrade()
    try:
        clock = Clock(ONBOARDED)
        setup = Dialogue(database, catalog, clock=clock)
        for telegram_id in range(100, 160):
            Learner_(setup, telegram_id=telegram_id).onboard(ENGLISH_TYPED_ONBOARDING)
        ticks = [Dialogue(Database(postgres_url), catalog, clock=lambda: FIRST_DUE) for _ in range(4)]
        barrier = threading.Barrier(len(ticks))

        def run(dialogue: Dialogue) -> None:
            barrier.wait()
            dialogue.remind(FIRST_DUE)

        threads = [threading.Thread(target=run, args=(d,)) for d in ticks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with database.unit_of_work() as session:
            chats = [m.chat_id for m in session.exec(select(OutboundMessage))]
            learners = session.exec(select(Learner)).all()
        assert sorted(chats) == sorted(learner.telegram_id for learner in learners)
        for dialogue in ticks:
            dialogue.database.dispose()
    finally:
        database.dispose()

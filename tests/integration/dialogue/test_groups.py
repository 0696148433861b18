"""Several learners' messages in one transaction (a busy worker on PostgreSQL): same answers, and one
learner's failure costs the others nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from core.catalog import Catalog
from core.dialogue.engine import Dialogue
from core.messages import Identity, Inbound
from core.storage.db import Database
from core.storage.models import Conversation, Learner
from tests.scripts import ENGLISH_TYPED_ONBOARDING

NOW = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)
SCRIPT = ["/start", *ENGLISH_TYPED_ONBOARDING]


def texts(answer: object) -> str:
    assert isinstance(answer, list), answer
    return "\n".join(reply.text for reply in answer)


def test_a_group_answers_as_each_message_alone_would(database: Database, catalog: Catalog) -> None:
    """Three learners onboard in lockstep, their messages grouped; a fourth alone, for comparison."""
    dialogue = Dialogue(database, catalog, clock=lambda: NOW)
    grouped = [Identity(telegram_id=n) for n in (1, 2, 3)]
    alone = Identity(telegram_id=4)
    for text in SCRIPT:
        answers = dialogue.handle_together([(identity, Inbound.from_text(text)) for identity in grouped])
        expected = texts(dialogue.handle(alone, Inbound.from_text(text)))
        assert [texts(answer) for answer in answers] == [expected] * 3
    assert "Your plan" in expected
    for identity in grouped:  # everything was kept: each has a plan and is past onboarding
        assert "Progress:" in texts(dialogue.handle(identity, Inbound.from_text("/progress")))


def test_a_failing_message_fails_alone_and_the_others_are_kept_once(
    database: Database, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialogue = Dialogue(database, catalog, clock=lambda: NOW)
    ok, broken = Identity(telegram_id=10), Identity(telegram_id=11)
    real_route = dialogue.route

    def route(ctx, inbound):  # type: ignore[no-untyped-def]
        if ctx.learner.telegram_id == broken.telegram_id:
            raise RuntimeError("this learner's message breaks")
        return real_route(ctx, inbound)

    monkeypatch.setattr(dialogue, "route", route)
    dialogue.handle(ok, Inbound.from_text("/start"))
    goal = Inbound.from_text(ENGLISH_TYPED_ONBOARDING[0])
    first = dialogue.handle_together([(ok, goal), (broken, Inbound.from_text("/start"))])
    assert "Question 2 of 11" in texts(first[0])
    assert isinstance(first[1], RuntimeError)
    # the group was rolled back and the first learner's answer handled again alone: kept once, just as
    # for a learner who gave the same answers alone (each question asked bumps the state's version)
    reference = Identity(telegram_id=12)
    dialogue.handle(reference, Inbound.from_text("/start"))
    dialogue.handle(reference, goal)
    assert state_version(database, ok) == state_version(database, reference)


def state_version(database: Database, identity: Identity) -> int:
    with database.unit_of_work() as session:
        learner = session.exec(select(Learner).where(Learner.telegram_id == identity.telegram_id)).one()
        conversation = session.get(Conversation, learner.id)
        assert conversation is not None
        return int(conversation.state["version"])


def test_a_group_of_one_is_a_plain_message(database: Database, catalog: Catalog) -> None:
    dialogue = Dialogue(database, catalog, clock=lambda: NOW)
    [answer] = dialogue.handle_together([(Identity(telegram_id=20), Inbound.from_text("/start"))])
    assert "Question 1 of 11" in texts(answer)


def test_a_group_stops_taking_messages_when_its_time_is_up(database: Database, catalog: Catalog) -> None:
    """Nobody is answered before the commit: past the budget, the rest wait for the next group."""
    dialogue = Dialogue(database, catalog, clock=lambda: NOW)
    learners = [Identity(telegram_id=n) for n in (30, 31, 32)]
    start = Inbound.from_text("/start")
    answers = dialogue.handle_together([(who, start) for who in learners], budget_seconds=0.0)
    assert len(answers) == 1  # the first message always goes; then the budget was spent
    assert "Question 1 of 11" in texts(answers[0])
    rest = dialogue.handle_together([(who, start) for who in learners[1:]])
    assert all("Question 1 of 11" in texts(answer) for answer in rest)

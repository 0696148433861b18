"""The outbox on every backend: queueing, claiming, leases, the ownership guard, retries, blocked chats."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlmodel import select

from core import outbox
from core.messages import Attachment, Button, Reply
from core.outbox import Claimed
from core.storage.db import Database
from core.storage.models import Group, Learner, LearnerStatus, MessageKind, MessageStatus, OutboundMessage

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(minutes=2)
SECOND = dt.timedelta(seconds=1)


def put(
    database: Database,
    chat_id: int,
    text: str,
    *,
    at: dt.datetime = NOW,
    learner_id: int | None = None,
    group_id: int | None = None,
) -> None:
    with database.unit_of_work() as session:
        outbox.enqueue(
            session,
            chat_id=chat_id,
            kind=MessageKind.NOTICE,
            reply=Reply(text),
            learner_id=learner_id,
            group_id=group_id,
            available_at=at,
        )


def take(
    database: Database, sender: str = "s1", *, now: dt.datetime = NOW, limit: int = 100
) -> list[Claimed]:
    return outbox.claim(database, sender_id=sender, now=now, limit=limit, lease=LEASE)


def take_one(database: Database, text: str) -> Claimed:
    """The claimed row with this text, as its owner holds it."""
    row = rows(database)[text]
    assert row.id is not None
    return Claimed(
        row.id,
        row.chat_id,
        row.learner_id,
        row.group_id,
        row.kind,
        row.payload,
        row.attempts,
        row.available_at,
    )


def texts(claimed: list[Claimed]) -> list[str]:
    return [message.payload["text"] for message in claimed]


def rows(database: Database) -> dict[str, OutboundMessage]:
    """Every row, by its text."""
    with database.unit_of_work() as session:
        found = list(session.exec(select(OutboundMessage)))
        for row in found:
            session.expunge(row)
    return {row.payload["text"]: row for row in found}


# -- payloads ---------------------------------------------------------------------------------


def test_a_reply_survives_the_round_trip_through_json() -> None:
    reply = Reply("Done this week?", ((Button("Yes", "3.0"), Button("No", "3.1")), (Button("Later", "3.2"),)))
    assert outbox.payload_reply(outbox.reply_payload(reply)) == reply


@pytest.mark.parametrize(
    "reply",
    [
        Reply("where are you?", location_button="Share location"),
        Reply("plan", attachment=Attachment("p.pdf", b"", "x")),
    ],
)
def test_location_buttons_and_files_cannot_be_queued(reply: Reply) -> None:
    with pytest.raises(ValueError, match="text and inline buttons only"):
        outbox.reply_payload(reply)


@pytest.mark.parametrize(
    "payload", [{}, {"text": 5}, {"text": "hi", "buttons": "no"}, {"text": "hi", "buttons": [[["label"]]]}]
)
def test_a_payload_we_did_not_write_is_refused(payload: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        outbox.payload_reply(payload)


# -- queueing ---------------------------------------------------------------------------------


def test_a_dedupe_key_queues_a_message_once_without_breaking_the_transaction(database: Database) -> None:
    with database.unit_of_work() as session:
        first = outbox.enqueue(
            session, chat_id=5, kind=MessageKind.CHECKIN, reply=Reply("check-in"), dedupe_key="checkin:5:w48"
        )
        again = outbox.enqueue(
            session, chat_id=5, kind=MessageKind.CHECKIN, reply=Reply("check-in"), dedupe_key="checkin:5:w48"
        )
        session.add(Learner(telegram_id=5))  # the caller's own change still commits
    with database.unit_of_work() as session:
        later = outbox.enqueue(
            session, chat_id=5, kind=MessageKind.CHECKIN, reply=Reply("check-in"), dedupe_key="checkin:5:w48"
        )
        unkeyed = [
            outbox.enqueue(session, chat_id=5, kind=MessageKind.NOTICE, reply=Reply("notice"))
            for _ in range(2)
        ]
    assert (first, again, later, unkeyed) == (True, False, False, [True, True])
    with database.unit_of_work() as session:
        assert len(session.exec(select(Learner)).all()) == 1
    assert outbox.status_counts(database)[MessageStatus.PENDING] == 3


def test_a_rolled_back_transaction_queues_nothing(database: Database) -> None:
    with pytest.raises(RuntimeError), database.unit_of_work() as session:
        outbox.enqueue(session, chat_id=5, kind=MessageKind.NOTICE, reply=Reply("never"))
        raise RuntimeError("the change behind the message failed")
    assert outbox.status_counts(database)[MessageStatus.PENDING] == 0


# -- claiming ---------------------------------------------------------------------------------


def test_claims_take_due_rows_oldest_first(database: Database) -> None:
    put(database, 1, "later", at=NOW + SECOND)
    put(database, 2, "b", at=NOW - SECOND)
    put(database, 3, "c", at=NOW - SECOND)
    put(database, 4, "a", at=NOW - 2 * SECOND)
    put(database, 5, "now", at=NOW)
    assert texts(take(database, limit=3)) == ["a", "b", "c"]
    assert texts(take(database)) == ["now"]
    assert take(database) == []
    assert texts(take(database, now=NOW + SECOND)) == ["later"]
    counts = outbox.status_counts(database)
    assert counts[MessageStatus.SENDING] == 5
    assert rows(database)["a"].claimed_by == "s1"
    assert rows(database)["a"].claimed_at == NOW


def test_a_chat_with_a_message_being_sent_waits_for_it(database: Database) -> None:
    """Claiming the next message of a chat before the current one is done could reorder them."""
    put(database, 1, "1a")
    put(database, 1, "1b")
    put(database, 2, "2a")
    assert texts(take(database, "s1", limit=1)) == ["1a"]
    assert texts(take(database, "s2")) == ["2a"]
    assert outbox.mark_sent(database, take_one(database, "1a").id, "s1", NOW)
    assert texts(take(database, "s2")) == ["1b"]


def test_a_dead_senders_claims_are_taken_over_after_the_lease(database: Database) -> None:
    put(database, 1, "1a")
    put(database, 1, "1b")
    [first] = take(database, "dead", limit=1)
    assert take(database, "s2", now=NOW + LEASE - SECOND) == []
    taken = take(database, "s2", now=NOW + LEASE + SECOND)
    assert texts(taken) == ["1a", "1b"]  # the stuck one first: the chat stays in order
    assert not outbox.mark_sent(database, first.id, "dead", NOW)  # the dead sender's mark is void
    assert outbox.mark_sent_many(database, [m.id for m in taken], "s2", NOW) == {m.id for m in taken}
    assert rows(database)["1a"].status is MessageStatus.SENT


def test_marks_by_a_sender_that_no_longer_owns_the_row_change_nothing(database: Database) -> None:
    put(database, 1, "a")
    [message] = take(database, "owner")
    assert not outbox.mark_sent(database, message.id, "other", NOW)
    assert not outbox.mark_retry(database, message, "other", NOW, SECOND, "boom")
    assert not outbox.mark_failed(database, message, "other", NOW, "boom", blocked=True)
    outbox.release(database, [message.id], "other")
    row = rows(database)["a"]
    assert (row.status, row.claimed_by, row.attempts) == (MessageStatus.SENDING, "owner", 0)
    assert outbox.mark_sent(database, message.id, "owner", NOW + SECOND)
    assert not outbox.mark_sent(database, message.id, "owner", NOW + SECOND)  # once only
    row = rows(database)["a"]
    assert (row.status, row.sent_at, row.attempts) == (MessageStatus.SENT, NOW + SECOND, 1)


# -- retries, deferral, release ------------------------------------------------------------------


def test_a_retry_waits_and_the_chats_later_messages_wait_behind_it(database: Database) -> None:
    put(database, 1, "1a")
    put(database, 1, "1b")
    put(database, 1, "1c", at=NOW + SECOND)  # due before the retry, still behind it
    put(database, 1, "1d", at=NOW + dt.timedelta(hours=1))  # due after the retry anyway
    put(database, 2, "2a")
    claimed = take(database, limit=2)
    assert texts(claimed) == ["1a", "1b"]
    assert outbox.mark_retry(database, claimed[0], "s1", NOW, 5 * SECOND, "NetworkError: Bad Gateway")
    state = rows(database)
    assert (state["1a"].status, state["1a"].attempts, state["1a"].last_error) == (
        MessageStatus.PENDING,
        1,
        "NetworkError: Bad Gateway",
    )
    assert [state[t].available_at for t in ("1a", "1b", "1c", "1d", "2a")] == [
        NOW + 5 * SECOND,
        NOW + 5 * SECOND,
        NOW + 5 * SECOND,
        NOW + dt.timedelta(hours=1),
        NOW,
    ]
    assert state["1b"].claimed_by is None  # handed back, to be claimed again behind 1a
    assert texts(take(database, "s2", now=NOW + 4 * SECOND)) == ["2a"]
    assert texts(take(database, "s2", now=NOW + 5 * SECOND)) == ["1a", "1b", "1c"]


def test_deferring_gives_back_the_rest_of_a_chats_queue_without_counting_an_attempt(
    database: Database,
) -> None:
    for text in ("1a", "1b", "1c"):
        put(database, -100, text)
    claimed = take(database)
    outbox.defer(database, claimed[1], "s1", NOW + 3 * SECOND)
    state = rows(database)
    assert state["1a"].status is MessageStatus.SENDING
    assert [(state[t].status, state[t].attempts, state[t].available_at) for t in ("1b", "1c")] == [
        (MessageStatus.PENDING, 0, NOW + 3 * SECOND)
    ] * 2


def test_released_messages_are_due_again_at_once(database: Database) -> None:
    put(database, 1, "a", at=NOW - SECOND)
    [message] = take(database)
    outbox.release(database, [message.id], "s1")
    assert texts(take(database, "s2")) == ["a"]
    assert rows(database)["a"].attempts == 0


# -- giving up --------------------------------------------------------------------------------


def test_a_blocked_chat_fails_its_queue_and_blocks_the_learner(database: Database) -> None:
    with database.unit_of_work() as session:
        learner = Learner(telegram_id=70)
        other = Learner(telegram_id=71)
        session.add_all([learner, other])
        session.flush()
        learner_id, other_id = learner.id, other.id
    put(database, 70, "70a", learner_id=learner_id)
    put(database, 70, "70b", learner_id=learner_id)
    put(database, 70, "70c", learner_id=learner_id)
    put(database, 70, "70-tomorrow", learner_id=learner_id, at=NOW + dt.timedelta(days=1))
    put(database, 71, "71a", learner_id=other_id)
    first, second, *_ = take(database, limit=2)
    assert outbox.mark_failed(
        database, first, "s1", NOW, "Forbidden: bot was blocked by the user", blocked=True
    )
    state = rows(database)
    assert state["70a"].last_error == "Forbidden: bot was blocked by the user"
    for text in ("70a", "70b", "70c", "70-tomorrow"):
        assert state[text].status is MessageStatus.FAILED, text
    assert state["70b"].last_error == outbox.BLOCKED_ERROR  # it was ours, claimed in the same batch
    assert state["71a"].status is MessageStatus.PENDING
    with database.unit_of_work() as session:
        assert session.get(Learner, learner_id).status is LearnerStatus.BLOCKED  # type: ignore[union-attr]
        assert session.get(Learner, other_id).status is LearnerStatus.ACTIVE  # type: ignore[union-attr]
    assert second.chat_id == 70


def test_a_group_that_removed_the_bot_is_marked_inactive(database: Database) -> None:
    with database.unit_of_work() as session:
        group = Group(telegram_chat_id=-1001, title="Cohort 7")
        session.add(group)
        session.flush()
        group_id = group.id
    put(database, -1001, "broadcast", group_id=group_id)
    [message] = take(database)
    assert outbox.mark_failed(database, message, "s1", NOW, "Forbidden: bot was kicked", blocked=True)
    with database.unit_of_work() as session:
        assert session.get(Group, group_id).active is False  # type: ignore[union-attr]


def test_a_failure_that_is_not_a_block_fails_only_that_message(database: Database) -> None:
    put(database, 1, "bad")
    put(database, 1, "next")
    [bad, _] = take(database)
    assert outbox.mark_failed(database, bad, "s1", NOW, "BadRequest: can't parse entities", blocked=False)
    state = rows(database)
    assert (state["bad"].status, state["bad"].attempts) == (MessageStatus.FAILED, 1)
    assert state["next"].status is MessageStatus.SENDING


# -- concurrency ------------------------------------------------------------------------------


def test_concurrent_claimers_never_take_the_same_row(database: Database) -> None:
    """Four threads claim and mark in small batches until the queue is empty: each row once."""
    total = 1200
    with database.unit_of_work() as session:
        for index in range(total):
            outbox.enqueue(
                session,
                chat_id=index + 1,
                kind=MessageKind.NOTICE,
                reply=Reply(f"m{index}"),
                available_at=NOW,
            )
    taken: dict[str, list[int]] = {}
    start = threading.Barrier(4)

    def claimer(name: str) -> None:
        mine = taken.setdefault(name, [])
        start.wait()
        while claimed := take(database, name, limit=25):
            mine.extend(message.id for message in claimed)
            assert outbox.mark_sent_many(database, [m.id for m in claimed], name, NOW) == {
                m.id for m in claimed
            }

    threads = [threading.Thread(target=claimer, args=(f"s{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [message_id for ids in taken.values() for message_id in ids]
    assert len(every) == len(set(every)) == total
    assert sum(1 for ids in taken.values() if ids) >= 2  # they really did share the work
    assert outbox.status_counts(database)[MessageStatus.SENT] == total

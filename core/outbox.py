"""The outbox: proactive messages written in the transaction that caused them, delivered later.

A check-in, a review or a broadcast is a row in ``outbound_messages`` committed together with the
state change that produced it, so a crash can neither send a message for a change that was rolled
back nor lose one for a change that was committed.  A sender delivers the rows afterwards.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from core.db_types import utc_now
from core.dialogue.messages import Button, Reply
from core.models import MessageKind, MessageStatus, OutboundMessage


def reply_payload(reply: Reply) -> dict[str, Any]:
    """A :class:`Reply` as JSON: text and button rows (label, payload)."""
    if reply.location_button or reply.attachment is not None:
        raise ValueError("the outbox carries text and inline buttons only")
    return {"text": reply.text, "buttons": [[[b.label, b.payload] for b in row] for row in reply.buttons]}


def payload_reply(payload: dict[str, Any]) -> Reply:
    rows = tuple(tuple(Button(label, data) for label, data in row) for row in payload.get("buttons", []))
    return Reply(payload["text"], rows)


def enqueue(
    session: Session,
    *,
    chat_id: int,
    kind: MessageKind,
    reply: Reply,
    learner_id: int | None = None,
    group_id: int | None = None,
    dedupe_key: str | None = None,
    available_at: dt.datetime | None = None,
) -> bool:
    """Queue a message in the caller's transaction; False when ``dedupe_key`` was already queued."""
    now = utc_now()
    values = {
        "chat_id": chat_id,
        "learner_id": learner_id,
        "group_id": group_id,
        "kind": kind,
        "payload": reply_payload(reply),
        "status": MessageStatus.PENDING,
        "attempts": 0,
        "available_at": available_at or now,
        "dedupe_key": dedupe_key,
        "created_at": now,
    }
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(OutboundMessage).values(**values).on_conflict_do_nothing()
    return bool(session.execute(statement).rowcount)

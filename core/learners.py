"""Learners, their profiles and conversation state: found (or created) together for each message."""

from __future__ import annotations

from sqlmodel import Session, select

from core.db_types import utc_now
from core.dialogue.messages import Identity
from core.i18n import normalize_language
from core.models import Conversation, Learner, LearnerProfile, LearnerStatus


def _new_learner(session: Session, identity: Identity, default_timezone: str) -> Learner:
    """First contact: a learner in the language Telegram reports, in the default time zone."""
    learner = Learner(
        telegram_id=identity.telegram_id,
        local_key=identity.local_key,
        language=normalize_language(identity.language_code),
        timezone=default_timezone,
    )
    session.add(learner)
    session.flush()
    return learner


def load_for_message(
    session: Session, identity: Identity, default_timezone: str
) -> tuple[Learner, LearnerProfile, Conversation]:
    """Learner, profile and conversation state in one query (created on first contact).

    Every message needs all three, so one joined SELECT replaces three round trips.
    """
    if identity.telegram_id is not None:
        condition = Learner.telegram_id == identity.telegram_id
    else:
        condition = Learner.local_key == identity.local_key
    query = (
        select(Learner, LearnerProfile, Conversation)
        .outerjoin(LearnerProfile, LearnerProfile.learner_id == Learner.id)  # type: ignore[arg-type]
        .outerjoin(Conversation, Conversation.learner_id == Learner.id)  # type: ignore[arg-type]
        .where(condition)
    )
    row = session.exec(query).first()
    if row is None:
        learner, profile, conversation = _new_learner(session, identity, default_timezone), None, None
    else:
        learner, profile, conversation = row
        if learner.status is LearnerStatus.BLOCKED:  # writing to us again means they unblocked the bot
            learner.status = LearnerStatus.ACTIVE
            learner.updated_at = utc_now()
    if profile is None:
        profile = LearnerProfile(learner_id=learner.id)  # type: ignore[arg-type]
        session.add(profile)
    if conversation is None:
        conversation = Conversation(learner_id=learner.id)  # type: ignore[arg-type]
        session.add(conversation)
    return learner, profile, conversation

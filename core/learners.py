"""Learners and their profiles: finding, creating, and reading them inside a unit of work."""

from __future__ import annotations

from sqlmodel import Session, select

from core.db_types import utc_now
from core.dialogue.messages import Identity
from core.i18n import normalize_language
from core.models import Learner, LearnerProfile, LearnerStatus


def find_or_create_learner(
    session: Session, identity: Identity, default_timezone: str
) -> tuple[Learner, bool]:
    """The learner behind ``identity`` (created on first contact); also whether it is new."""
    if identity.telegram_id is not None:
        query = select(Learner).where(Learner.telegram_id == identity.telegram_id)
    else:
        query = select(Learner).where(Learner.local_key == identity.local_key)
    learner = session.exec(query).first()
    if learner is not None:
        if learner.status is LearnerStatus.BLOCKED:  # writing to us again means they unblocked the bot
            learner.status = LearnerStatus.ACTIVE
            learner.updated_at = utc_now()
        return learner, False
    learner = Learner(
        telegram_id=identity.telegram_id,
        local_key=identity.local_key,
        language=normalize_language(identity.language_code),
        timezone=default_timezone,
    )
    session.add(learner)
    session.flush()
    return learner, True


def profile_of(session: Session, learner: Learner) -> LearnerProfile:
    """The learner's profile, created empty when missing."""
    assert learner.id is not None  # noqa: S101  (flushed by find_or_create_learner)
    profile = session.get(LearnerProfile, learner.id)
    if profile is None:
        profile = LearnerProfile(learner_id=learner.id)
        session.add(profile)
        session.flush()
    return profile

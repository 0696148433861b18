"""What a learner can take away or erase: the JSON export, "forget me", and LinkedIn links.

The export holds everything SkillStack keeps about the learner (profile, plans, check-ins, badges
with their original JSON and verification reports, reminder settings), so "what do you know about
me?" has a complete answer.  Forgetting deletes the learner row; every table that refers to a
learner does so with ``ON DELETE CASCADE`` (tested in test_storage), so nothing is left behind.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlencode

from sqlmodel import Session, SQLModel, col, delete, select

from core.storage.models import (
    Badge,
    BadgeStatus,
    CheckIn,
    Learner,
    LearnerProfile,
    Plan,
    PlanItem,
    ReminderSchedule,
)

EXPORT_FORMAT = "skillstack-export/1"
LINKEDIN_ADD_CERTIFICATION = "https://www.linkedin.com/profile/add"


def export_learner(session: Session, learner: Learner, now: dt.datetime) -> bytes:
    """The learner's whole record as indented UTF-8 JSON."""
    assert learner.id is not None  # noqa: S101  (a stored learner)
    plans = list(session.exec(select(Plan).where(Plan.learner_id == learner.id).order_by(col(Plan.id))))
    document = {
        "format": EXPORT_FORMAT,
        "exported_at": now.isoformat(),
        "learner": _row(learner, exclude={"id"}),
        "profile": _optional_row(session.get(LearnerProfile, learner.id), exclude={"learner_id"}),
        "reminders": _optional_row(
            session.get(ReminderSchedule, learner.id), exclude={"learner_id", "claim_token"}
        ),
        "plans": [
            {
                **_row(plan, exclude={"learner_id"}),
                "items": [
                    _row(item, exclude={"plan_id"})
                    for item in session.exec(
                        select(PlanItem).where(PlanItem.plan_id == plan.id).order_by(col(PlanItem.id))
                    )
                ],
            }
            for plan in plans
        ],
        "check_ins": [
            _row(check_in, exclude={"learner_id"})
            for check_in in session.exec(
                select(CheckIn).where(CheckIn.learner_id == learner.id).order_by(col(CheckIn.id))
            )
        ],
        "badges": [_badge(badge) for badge in learner_badges(session, learner.id)],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode()


def forget_learner(session: Session, learner: Learner) -> None:
    """Delete the learner and, through the cascades, everything that refers to them.

    The delete runs in SQL, after this message's pending changes, and the session then forgets
    every object it holds: the cascade removed their rows, so nothing of theirs is written back.
    """
    session.flush()
    session.exec(delete(Learner).where(col(Learner.id) == learner.id))
    session.expunge_all()


def learner_badges(session: Session, learner_id: int) -> list[Badge]:
    """The learner's badges, oldest first (the numbers /badges shows)."""
    query = select(Badge).where(Badge.learner_id == learner_id)
    return list(session.exec(query.order_by(col(Badge.recorded_at), col(Badge.id))))


def learner_badge(session: Session, learner_id: int, badge_id: int) -> Badge | None:
    """The badge, only if it belongs to this learner."""
    badge = session.get(Badge, badge_id)
    return badge if badge is not None and badge.learner_id == learner_id else None


def issuer_recognized(badge: Badge) -> bool:
    """Whether the badge's verification tied it to a provider in the issuer registry."""
    return bool(badge.verification_report.get("issuer_recognized"))


def linkedin_link(badge: Badge) -> str | None:
    """LinkedIn's "add licence or certification" form, pre-filled; only for verified badges.  The
    organisation is filled in only for a recognised provider: otherwise the name is only what the
    badge says of itself, and SkillStack does not put it on a learner's profile for them."""
    if badge.status is not BadgeStatus.VERIFIED or not badge.name:
        return None
    fields: dict[str, str | int] = {"startTask": "CERTIFICATION_NAME", "name": badge.name}
    if badge.issuer_name and issuer_recognized(badge):
        fields["organizationName"] = badge.issuer_name
    if badge.issued_at:
        fields["issueYear"], fields["issueMonth"] = badge.issued_at.year, badge.issued_at.month
    if badge.expires_at:
        fields["expirationYear"], fields["expirationMonth"] = badge.expires_at.year, badge.expires_at.month
    if badge.source_url:
        fields["certUrl"] = badge.source_url
    return f"{LINKEDIN_ADD_CERTIFICATION}?{urlencode(fields)}"


def _badge(badge: Badge) -> dict[str, Any]:
    return {**_row(badge, exclude={"learner_id"}), "linkedin": linkedin_link(badge)}


def _row(row: SQLModel, *, exclude: set[str]) -> dict[str, Any]:
    """A row as JSON values, without the columns that only tie it to the learner."""
    return row.model_dump(mode="json", exclude=exclude)


def _optional_row(row: SQLModel | None, *, exclude: set[str]) -> dict[str, Any] | None:
    """:func:`_row`, or None for a row the learner does not have (no profile yet, no reminders)."""
    return None if row is None else _row(row, exclude=exclude)

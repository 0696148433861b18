"""The badge use cases (core/services/badges.py), without a conversation: what the verifier found is
stored and credited, re-checked, or (nothing read) not stored at all."""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlmodel import Session

from core.badges.inputs.evidence import Evidence, from_text
from core.badges.report import Check, Recognition, Report
from core.badges.verify import BadgeVerifier
from core.catalog import Catalog
from core.catalog.matching import Matcher
from core.catalog.schema import Course
from core.learners import load_for_message
from core.messages import Identity
from core.portfolio import learner_badges
from core.services import badges
from core.storage.db import Database
from core.storage.models import Badge, BadgeStatus, LearnerProfile

NOW = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)
LINK = "https://badges.example.org/assertions/1"


class FixedVerifier:
    """A verifier that finds what it is told to (and counts what it was asked)."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.asked: list[tuple[Evidence, str | None]] = []

    def verify(self, evidence: Evidence, email: str | None) -> Report:
        self.asked.append((evidence, email))
        return self.report


def profile_of(session: Session) -> LearnerProfile:
    _, profile, _ = load_for_message(session, Identity(telegram_id=1), "UTC")
    profile.email = "learner@example.org"
    return profile


def verified_for(course: Course) -> Report:
    """A verified badge named as ``course``, from an identity registered for its provider."""
    recognition = Recognition(course.provider, course.provider, "test", (course.provider,))
    report = Report(
        format="ob2", issuer_name=course.provider, badge_name=course.title, recognition=recognition
    )
    report.checks.append(Check.passed("signature", "valid"))
    return report


def record(session: Session, catalog: Catalog, verifier: FixedVerifier) -> badges.Recorded:
    evidence = from_text(LINK)
    assert evidence is not None
    return badges.record_evidence(
        session,
        catalog,
        Matcher(catalog),
        cast(BadgeVerifier, verifier),
        profile_of(session),
        evidence,
        now=NOW,
    )


def a_course(catalog: Catalog) -> Course:
    return next(c for c in catalog.courses.values() if c.main_skills and len(c.title.split()) >= 3)


def test_a_verified_badge_of_a_recognised_provider_finishes_its_course(
    database: Database, catalog: Catalog
) -> None:
    course = a_course(catalog)
    verifier = FixedVerifier(verified_for(course))
    with database.unit_of_work() as session:
        recorded = record(session, catalog, verifier)
        assert recorded.badge is not None and recorded.earlier == []
        assert (recorded.badge.status, recorded.badge.course_id) == (BadgeStatus.VERIFIED, course.id)
        assert recorded.badge.skills == list(course.main_skills)
        assert verifier.asked[0][1] == "learner@example.org"  # checked against the learner's email


def test_a_badge_nothing_could_be_read_of_is_not_stored(database: Database, catalog: Catalog) -> None:
    with database.unit_of_work() as session:
        recorded = record(session, catalog, FixedVerifier(Report(format="unknown")))
        assert recorded.badge is None and recorded.report.unread
        assert learner_badges(session, 1) == []


def test_a_recheck_that_finds_the_badge_invalid_undoes_its_course(
    database: Database, catalog: Catalog
) -> None:
    course = a_course(catalog)
    with database.unit_of_work() as session:
        badge = record(session, catalog, FixedVerifier(verified_for(course))).badge
        assert badge is not None
        revoked = verified_for(course)
        revoked.checks.append(Check.failed("revocation", "revoked"))
        report = badges.recheck(
            session,
            catalog,
            Matcher(catalog),
            cast(BadgeVerifier, FixedVerifier(revoked)),
            profile_of(session),
            badge,
            NOW,
        )
        assert report is revoked
        assert (badge.status, badge.skills) == (BadgeStatus.INVALID, [])


def test_a_badge_recorded_by_hand_has_nothing_to_recheck(database: Database, catalog: Catalog) -> None:
    course = a_course(catalog)
    with database.unit_of_work() as session:
        profile = profile_of(session)
        manual = badges.record_self_reported(session, catalog, profile, course.id, NOW)
        verifier = FixedVerifier(verified_for(course))
        found = badges.recheck(
            session, catalog, Matcher(catalog), cast(BadgeVerifier, verifier), profile, manual, NOW
        )
        assert found is None and verifier.asked == []


def test_a_whole_certificate_records_each_of_its_courses_and_its_exam(
    database: Database, catalog: Catalog
) -> None:
    pathway = next(p for p in catalog.pathways.values() if p.exam)
    with database.unit_of_work() as session:
        profile = profile_of(session)
        members = badges.record_pathway(session, catalog, profile, pathway.id, NOW)
        assert members == [*pathway.courses, pathway.exam]
        stored: list[Badge] = learner_badges(session, profile.learner_id)
        assert sorted(b.course_id or "" for b in stored) == sorted(members)
        assert {b.status for b in stored} == {BadgeStatus.SELF_REPORTED}

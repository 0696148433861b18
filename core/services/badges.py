"""Badges as use cases: verify and record what a learner sent, re-check, credit the plan, remove.

The dialogue only asks and answers (:mod:`core.dialogue.flows.badges`); what a badge *does* is here.
Verification uses the network, so :func:`record_evidence` and :func:`recheck` verify before their
first database write: the transaction open around them has only read, and holds no write lock while
the fetcher waits.

A badge is always stored as its own record.  It *finishes a course* (the course is marked done in
the active plan, and its hours count towards the course's main skills in every re-plan and in
/progress) only when both of these hold:

- its **issuer** is the course's provider: the verification tied it to an identity the issuer
  registry lists for that provider (``report.recognition``, see :mod:`core.badges.issuers`); a badge
  whose issuer merely *calls itself* "Microsoft" finishes no Microsoft course;
- its **name** is that course: a confident match of the matcher (:mod:`core.catalog.matching`) among the
  provider's courses, or the learner's "yes, it's for that course" when asked at a check-in.

A badge that finishes no course only *lists* the skills it declares (its tags and alignments): they
never count as held skills.  Held skills count at the full depth a goal needs, and any issuer can tag
a badge "SQL, Python, Data analysis"; what a badge proves is measured by the course it finishes.

One badge finishes at most one course.  At a check-in "done", a badge whose name is clearly another
course of its recognised provider finishes that course (the reply says so) and nothing is asked; a
badge that matches no course is not credited to the course asked about: the dialogue asks.  "Yes"
credits it when the issuer is recognised for that course; for any other issuer the course counts as
done on the learner's word (a self-reported record, like "I finished X") and the badge stays its own.
Self-reported records finish their course too: they are the learner's word, labelled as such.

What a badge marks done in a plan is stamped with the badge's id (:func:`core.plans.store.credit_course`),
so moving it to another course, a re-check that no longer recognises it, or removing it undoes exactly
that and nothing the learner reported another way.

Every query filters on the learner's id: one learner never reads or removes another's badge.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from core.badges.inputs.evidence import Evidence, EvidenceKind, from_text
from core.badges.report import Recognition, Report, Status
from core.badges.verify import BadgeVerifier
from core.catalog import Catalog
from core.catalog.matching import CONFIDENT_SCORE, Matcher, TargetKind
from core.catalog.text import normalize
from core.plans.store import credit_course, uncredit_badge
from core.portfolio import learner_badges
from core.storage.models import Badge, BadgeSource, BadgeStatus, LearnerProfile

MAX_STORED_EVIDENCE = 256 * 1024  # the text re-checked later (a URL, JSON or token), not images
STATUS_OF_REPORT = {
    Status.VERIFIED: BadgeStatus.VERIFIED,
    Status.INVALID: BadgeStatus.INVALID,
    Status.UNVERIFIABLE: BadgeStatus.UNVERIFIABLE,
}
SOURCE_OF_EVIDENCE = {
    EvidenceKind.URL: BadgeSource.LINK,
    EvidenceKind.JSON: BadgeSource.JSON,
    EvidenceKind.JWS: BadgeSource.JWS,
    EvidenceKind.IMAGE: BadgeSource.IMAGE,
}


@dataclass(frozen=True)
class Recorded:
    """What sending a badge did: the verifier's report, the stored row (None when nothing could be
    read: nothing is stored) and the learner's badges from before it (the email tip reads them)."""

    report: Report
    badge: Badge | None
    earlier: list[Badge]


def record_evidence(
    session: Session,
    catalog: Catalog,
    matcher: Matcher,
    verifier: BadgeVerifier,
    profile: LearnerProfile,
    evidence: Evidence,
    *,
    course_hint: str | None = None,
    now: dt.datetime,
) -> Recorded:
    """Verify ``evidence`` (against the learner's email), store the result and credit the plan.

    A badge nothing could be read of (no name, no issuer) is not stored: the caller may offer a
    self-reported record instead (:func:`record_self_reported`, :func:`record_unreadable`).
    """
    report = verifier.verify(evidence, profile.email)
    if report.unread:
        return Recorded(report, None, [])
    earlier = learner_badges(session, profile.learner_id)
    badge = record_verified(
        session,
        catalog,
        matcher,
        profile,
        report,
        source=SOURCE_OF_EVIDENCE[evidence.kind],
        evidence_text=stored_text(evidence, report),
        course_hint=course_hint,
        now=now,
    )
    return Recorded(report, badge, earlier)


def recheck(
    session: Session,
    catalog: Catalog,
    matcher: Matcher,
    verifier: BadgeVerifier,
    profile: LearnerProfile,
    badge: Badge,
    now: dt.datetime,
) -> Report | None:
    """Verify a stored badge again and update it and the plan; None for one recorded by hand
    (there is nothing to check)."""
    evidence = from_text(badge.raw_evidence or "")
    if evidence is None:
        return None
    report = verifier.verify(evidence, profile.email)
    update_from_report(
        session, catalog, matcher, profile, badge, report, evidence_text=badge.raw_evidence or "", now=now
    )
    return report


def record_pathway(
    session: Session, catalog: Catalog, profile: LearnerProfile, pathway_id: str, now: dt.datetime
) -> list[str]:
    """A whole certificate finished: each of its courses (and its exam, which was passed too)
    recorded as self-reported, so each counts in every re-plan like a course finished one by one.
    Returns the courses recorded."""
    pathway = catalog.pathways[pathway_id]
    members = [*pathway.courses, *([pathway.exam] if pathway.exam else [])]
    for course_id in members:
        record_self_reported(session, catalog, profile, course_id, now)
    return members


def stored_text(evidence: Evidence, report: Report) -> str:
    """What a re-check verifies again: the text itself, or for an image the badge baked into it."""
    if evidence.kind is not EvidenceKind.IMAGE:
        return evidence.text
    credential = report.credential
    if isinstance(credential, str):
        return credential
    if isinstance(credential, dict):
        return json.dumps(credential, ensure_ascii=False)
    return report.source_url or ""


def match_course(
    catalog: Catalog,
    matcher: Matcher,
    name: str | None,
    recognition: Recognition | None,
    course_hint: str | None = None,
) -> str | None:
    """The catalog course a badge stands for: a confident match on the name, among the courses of
    the provider its verification recognised (none without a recognised provider).  ``course_hint``
    (the course a check-in asked about) wins when it is one of those matches, so a provider's
    "Capstone" badge finishes the capstone the learner just did rather than another provider course.

    The issuer's name is what the badge says about itself, so it never decides: a "Teamwork" badge
    must not finish another provider's "Teamwork" course, and a self-made badge whose issuer calls
    itself "Google" must not finish Google's.
    """
    if not name or recognition is None:
        return None
    found = [
        course_id
        for course_id in titles_matching(matcher, name)
        if creditable(catalog, recognition, course_id)
    ]
    return course_hint if course_hint in found else next(iter(found), None)


def titles_matching(matcher: Matcher, name: str) -> list[str]:
    """Courses whose *title* the badge's name confidently matches, best first.

    Titles only: the course search also matches a provider's or a skill's name, and then any badge
    of a recognised provider ("Teamwork" from the provider of "Belajar Dasar Data Science") would
    match every course of that provider.
    """
    scores = matcher.courses.score_targets(normalize(name))
    ranked = sorted(
        (-score, target.id)
        for target, (score, _alias) in scores.items()
        if target.kind is TargetKind.COURSE and score >= CONFIDENT_SCORE
    )
    return [course_id for _score, course_id in ranked]


def creditable(catalog: Catalog, recognition: Recognition | None, course_id: str | None) -> bool:
    """Whether a badge recognised as ``recognition`` may finish ``course_id``."""
    course = catalog.courses.get(course_id or "")
    return (
        course is not None
        and recognition is not None
        and recognition.covers(course.provider, course.platform)
    )


def record_verified(
    session: Session,
    catalog: Catalog,
    matcher: Matcher,
    profile: LearnerProfile,
    report: Report,
    *,
    source: BadgeSource,
    evidence_text: str,
    course_hint: str | None = None,
    now: dt.datetime,
) -> Badge:
    """Store a verification (updating the learner's earlier record of the same badge) and credit it.

    ``course_hint`` (the course just finished at a check-in) is preferred among the matches, never
    credited without one (see the module's rule); the caller asks the learner otherwise.
    """
    badge = _same_badge(session, profile.learner_id, evidence_text) or Badge(
        learner_id=profile.learner_id, source=source
    )
    matched = match_course(catalog, matcher, report.badge_name, report.recognition, course_hint)
    badge.course_id = matched or badge.course_id
    session.add(badge)
    update_from_report(
        session, catalog, matcher, profile, badge, report, evidence_text=evidence_text, now=now
    )
    return badge


def update_from_report(
    session: Session,
    catalog: Catalog,
    matcher: Matcher,
    profile: LearnerProfile,
    badge: Badge,
    report: Report,
    *,
    evidence_text: str,
    now: dt.datetime,
) -> None:
    """What a verification found, onto the row and into the plan (recording and re-checks alike).

    A course the badge was credited to before stays only while the badge is still recognised for
    its provider (a re-check after a registry change, or of a badge recorded before recognition).
    """
    _apply_report(badge, report, evidence_text=evidence_text, now=now)
    if not creditable(catalog, report.recognition, badge.course_id):
        badge.course_id = None
    credit(session, catalog, profile, badge, now, declared=skills_named(matcher, report.skills))


def record_unreadable(
    session: Session, profile: LearnerProfile, link: str, report: dict[str, Any], now: dt.datetime
) -> Badge:
    """A badge link nothing could be read from, kept on the learner's "yes": stored as could not be
    verified, with its link and what the verifier said (``report``, its JSON), so /badges -> "Check
    again" can verify it once the site answers.  It finishes no course: nothing of it was read."""
    badge = _same_badge(session, profile.learner_id, link) or Badge(
        learner_id=profile.learner_id, source=BadgeSource.LINK
    )
    badge.status, badge.format = BadgeStatus.UNVERIFIABLE, str(report.get("format") or "")[:40]
    badge.source_url, badge.raw_evidence, badge.verification_report = link, link, report
    badge.checked_at = now
    session.add(badge)
    return badge


def skills_named(matcher: Matcher, names: Sequence[str]) -> list[str]:
    """Taxonomy skills for the tags and alignments a badge declares (confident matches only)."""
    found: list[str] = []
    for name in names:
        skills = matcher.match(name, limit=1).skills
        if skills and skills[0].score >= CONFIDENT_SCORE and skills[0].id not in found:
            found.append(skills[0].id)
    return found


def record_self_reported(
    session: Session, catalog: Catalog, profile: LearnerProfile, course_id: str, now: dt.datetime
) -> Badge:
    """ "I finished X": no evidence, labelled self-reported, credited like any other badge.  Saying
    it twice keeps one record (the earlier one)."""
    course = catalog.courses[course_id]
    earlier = self_reported_of(session, profile.learner_id, course_id)
    if earlier is not None:
        return earlier
    badge = Badge(
        learner_id=profile.learner_id,
        source=BadgeSource.MANUAL,
        status=BadgeStatus.SELF_REPORTED,
        name=course.title,
        issuer_name=course.provider,
        course_id=course_id,
        issued_at=now,
        checked_at=now,
    )
    session.add(badge)
    credit(session, catalog, profile, badge, now)
    return badge


def self_reported_of(session: Session, learner_id: int, course_id: str) -> Badge | None:
    """The learner's self-reported record of ``course_id``, if they gave one."""
    query = select(Badge).where(
        Badge.learner_id == learner_id,
        Badge.status == BadgeStatus.SELF_REPORTED,
        Badge.course_id == course_id,
    )
    return session.exec(query).first()


def _apply_report(badge: Badge, report: Report, *, evidence_text: str, now: dt.datetime) -> None:
    """Copy what the verifier found onto the row."""
    badge.status = STATUS_OF_REPORT[report.status]
    badge.format = report.format[:40]
    badge.name = (report.badge_name or badge.name or "")[:300] or None
    badge.issuer_id = report.issuer_id
    badge.issuer_name = (report.issuer_name or "")[:300] or None
    badge.issued_at = report.issued
    badge.expires_at = report.expires
    badge.source_url = report.source_url
    badge.raw_evidence = evidence_text[:MAX_STORED_EVIDENCE]
    badge.verification_report = {**report.to_json(), "credential": _storable(report.credential)}
    badge.checked_at = now


def confirm_course(
    session: Session,
    catalog: Catalog,
    profile: LearnerProfile,
    badge: Badge,
    course_id: str,
    now: dt.datetime,
) -> None:
    """The learner says ``badge`` is for ``course_id`` (asked because the name did not match): the
    caller checked the issuer is recognised for that course, so the badge now finishes it, and only
    it (a course it finished before is undone)."""
    uncredit(session, badge, now)
    badge.course_id = course_id
    credit(session, catalog, profile, badge, now)


def credit(
    session: Session,
    catalog: Catalog,
    profile: LearnerProfile,
    badge: Badge,
    now: dt.datetime,
    *,
    declared: Sequence[str] = (),
) -> None:
    """A badge that is not invalid finishes its course in the plan; with no course, it lists the
    ``declared`` skills (taxonomy ids from the badge's tags and alignments) and nothing more.

    A finished course counts by its hours towards its main skills (the planner credits finished
    courses, :mod:`core.planner.rules`), so its skills are *not* marked held: a 10-hour capstone
    must not put three skills at the full depth a goal needs.  Declared skills are not held either:
    a tag is the issuer's word, and held skills count at full depth.  ``badge.skills`` names what
    the badge counts towards (a course) or declares (no course).
    """
    session.flush()  # the badge's id, stamped on what it marks done
    uncredit(session, badge, now)
    course = catalog.courses.get(badge.course_id or "")
    if badge.status is BadgeStatus.INVALID:
        badge.skills = []
        return
    if course is None:
        badge.skills = list(declared)
        return
    badge.skills = list(course.main_skills)
    profile.updated_at = now
    credit_course(session, profile.learner_id, course.id, badge.id or 0, now)


def uncredit(session: Session, badge: Badge, now: dt.datetime) -> None:
    """Undo what ``badge`` marked done (before it is moved, found invalid, or removed)."""
    if badge.id is not None:
        uncredit_badge(session, badge.learner_id, badge.id, now)


def remove(session: Session, badge: Badge, now: dt.datetime) -> None:
    """Remove ``badge`` and what only it marked done: a wrong badge leaves no course finished."""
    uncredit(session, badge, now)
    session.delete(badge)


def _same_badge(session: Session, learner_id: int, evidence_text: str) -> Badge | None:
    query = select(Badge).where(Badge.learner_id == learner_id, Badge.raw_evidence == evidence_text)
    return session.exec(query).first()


def _storable(credential: Any) -> Any:
    """The original badge document, kept for export when it is of a reasonable size."""
    if credential is None:
        return None
    size = len(credential) if isinstance(credential, str) else len(json.dumps(credential, default=str))
    return credential if size <= MAX_STORED_EVIDENCE else None

"""The badge conversation: record a badge (link, JSON, token, image file or "I finished X"),
list and manage them (/badges), take everything away (/export) or erase it (/forget).

Verification uses the network, so it runs before the message's first database write: the
transaction open around it has only read, and holds no write lock while the fetcher waits.
The reply says in plain words what was found (verified / could not be verified / not valid, and
which check decided it), whether the issuer is a recognised provider (the verification tied the
badge to an identity registered for it) or only names itself, whether the badge counted for the
plan, and for a verified badge offers LinkedIn's "add certification" link.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from core import badge_records
from core.badges.evidence import Evidence, EvidenceKind, from_file, from_text
from core.badges.report import Report
from core.dialogue.messages import Attachment, Inbound, InboundKind, Reply
from core.dialogue.steps import Context, Option, Question
from core.i18n import join_list
from core.models import Badge, BadgeSource, BadgeStatus
from core.portfolio import export_learner, forget_learner, issuer_recognized, linkedin_link

if TYPE_CHECKING:
    from core.dialogue.engine import Dialogue

MAX_COURSE_CHOICES = 5
BADGE_ACTIONS = ("add", "recheck", "remove", "export")  # the /badges menu ("add" alone when empty)
PICK_ACTIONS = ("recheck", "remove")  # actions that ask which badge
SOURCE_OF_EVIDENCE = {
    EvidenceKind.URL: BadgeSource.LINK,
    EvidenceKind.JSON: BadgeSource.JSON,
    EvidenceKind.JWS: BadgeSource.JWS,
    EvidenceKind.IMAGE: BadgeSource.IMAGE,
}
STATUS_ICON = {
    BadgeStatus.VERIFIED: "✅",
    BadgeStatus.SELF_REPORTED: "📝",
    BadgeStatus.UNVERIFIABLE: "❔",
    BadgeStatus.INVALID: "❌",
    BadgeStatus.PENDING: "…",
}
KNOWN_CHECKS = (
    "format",
    "fetch",
    "context",
    "properties",
    "signature",
    "key",
    "issuer",
    "origin",
    "revocation",
    "expiry",
    "issued",
    "recipient",
    "canonicalization",
)


def evidence_of(inbound: Inbound) -> Evidence | None:
    """The badge in a message, if the message carries one."""
    if inbound.kind is InboundKind.TEXT:
        return from_text(inbound.text)
    if inbound.kind is InboundKind.FILE and inbound.attachment is not None:
        return from_file(inbound.attachment.content, inbound.attachment.filename)
    return None


class BadgeDesk:
    """Badge commands and menus, plugged into :class:`~core.dialogue.engine.Dialogue`."""

    def __init__(self, dialogue: Dialogue) -> None:
        self.dialogue = dialogue

    # -- recording ----------------------------------------------------------------------------

    def record(self, ctx: Context, evidence: Evidence, *, course_hint: str | None = None) -> list[Reply]:
        """Verify ``evidence``, store the result, credit the plan, and say what happened."""
        report = self.dialogue.verifier.verify(evidence, ctx.profile.email)
        badge = badge_records.record_verified(
            ctx.session,
            self.dialogue.catalog,
            self.dialogue.matcher,
            ctx.profile,
            report,
            source=SOURCE_OF_EVIDENCE[evidence.kind],
            evidence_text=_stored_text(evidence, report),
            course_hint=course_hint,
            now=self.dialogue.clock(),
        )
        return [Reply(self.outcome_text(ctx, badge, report))]

    def outcome_text(self, ctx: Context, badge: Badge, report: Report) -> str:
        name = badge.name or ctx.text("badges.unnamed")
        # The paragraph after says why an unrecognised issuer's name is only quoted here.
        issuer = issuer_label(ctx, badge, explained=True)
        lines = [ctx.text(f"badges.result.{badge.status.value}", name=name, issuer=issuer)]
        if badge.status is not BadgeStatus.VERIFIED:
            lines.append(self.reason_text(ctx, report))
        if badge.status is not BadgeStatus.INVALID:
            lines.append(self.issuer_text(ctx, badge, report))
            lines.append(self.credit_text(ctx, badge))
        if report.recipient_match is None and not ctx.profile.email:
            lines.append(ctx.text("badges.email_tip"))
        link = linkedin_link(badge)
        if link:
            lines.append(ctx.text("badges.linkedin", link=link))
        return "\n\n".join(lines)

    def reason_text(self, ctx: Context, report: Report) -> str:
        """The deciding check, named in the learner's language, with the verifier's detail."""
        check = report.deciding_check
        if check is None:
            return ctx.text("badges.reason.nothing")
        label = ctx.text(f"badges.check.{check.name if check.name in KNOWN_CHECKS else 'format'}")
        return ctx.text(f"badges.reason.{check.result.value}", check=label, detail=check.detail)

    def issuer_text(self, ctx: Context, badge: Badge, report: Report) -> str:
        """Who issued it: a recognised provider, or only the name the badge gives itself."""
        if report.recognition is not None:
            return ctx.text("badges.recognized", provider=report.recognition.name)
        return ctx.text("badges.not_recognized", issuer=badge.issuer_name or "?")

    def credit_text(self, ctx: Context, badge: Badge) -> str:
        catalog = self.dialogue.catalog
        skills = join_list(
            [catalog.skills[s].name.get(ctx.language) for s in badge.skills if s in catalog.skills],
            ctx.language,
        )
        if badge.course_id in catalog.courses:
            return ctx.text(
                "badges.credited", course=catalog.courses[badge.course_id].title, skills=skills or "-"
            )
        if skills and badge.source is not BadgeSource.MANUAL and not issuer_recognized(badge):
            return ctx.text("badges.skills_only", skills=skills)
        if skills:
            return ctx.text("badges.credited_skills", skills=skills)
        return ctx.text("badges.no_course")

    # -- /badges --------------------------------------------------------------------------------

    def cmd_badges(self, ctx: Context, _args: str) -> list[Reply]:
        blocked = self.dialogue.needs_onboarding(ctx)
        if blocked:
            return blocked
        badges = badge_records.learner_badges(ctx.session, ctx.learner.id or 0)
        lines = [ctx.text("badges.title")]
        lines += [self.describe(ctx, number, badge) for number, badge in enumerate(badges, 1)]
        if not badges:
            lines.append(ctx.text("badges.empty"))
        if not ctx.profile.email:
            lines.append(ctx.text("badges.email_tip"))
        actions = BADGE_ACTIONS if badges else BADGE_ACTIONS[:1]
        options = [Option(action, ctx.text(f"badges.action.{action}")) for action in actions]
        question = Question("\n\n".join(lines), options)
        return [self.dialogue.question_reply(ctx, question, flow="menu", step="badges_menu")]

    def describe(self, ctx: Context, number: int, badge: Badge) -> str:
        catalog = self.dialogue.catalog
        parts = [f"{number}. {STATUS_ICON[badge.status]} {badge.name or ctx.text('badges.unnamed')}"]
        parts.append(ctx.text(f"badges.status.{badge.status.value}"))
        if badge.issuer_name:
            parts.append(ctx.text("badges.issuer", issuer=issuer_label(ctx, badge)))
        if badge.issued_at:
            parts.append(ctx.text("badges.issued", date=badge.issued_at.date().isoformat()))
        if badge.expires_at:
            parts.append(ctx.text("badges.expires", date=badge.expires_at.date().isoformat()))
        skills = [catalog.skills[s].name.get(ctx.language) for s in badge.skills if s in catalog.skills]
        if skills:
            parts.append(ctx.text("badges.skills", skills=join_list(skills, ctx.language)))
        link = linkedin_link(badge)
        if link:
            parts.append(ctx.text("badges.linkedin", link=link))
        return "\n   ".join(parts)

    def on_menu(self, ctx: Context, action: str) -> list[Reply]:
        if action == "add":
            return [self.ask_add(ctx)]
        if action == "export":
            return self.cmd_export(ctx, "")
        badges = badge_records.learner_badges(ctx.session, ctx.learner.id or 0)
        if not badges:
            return [Reply(ctx.text("badges.empty"))]
        options = [
            Option(f"{action}:{badge.id}", f"{number}. {badge.name or ctx.text('badges.unnamed')}")
            for number, badge in enumerate(badges, 1)
        ]
        question = Question(ctx.text(f"badges.pick.{action}"), options, columns=1)
        return [self.dialogue.question_reply(ctx, question, flow="menu", step="badge_pick")]

    def on_pick(self, ctx: Context, value: str) -> list[Reply]:
        action, _, badge_id = value.partition(":")
        badge = badge_records.learner_badge(ctx.session, ctx.learner.id or 0, int(badge_id))
        ctx.state.reset()
        if badge is None:
            return self.dialogue.expired(ctx)
        if action == "remove":
            ctx.session.delete(badge)
            return [Reply(ctx.text("badges.removed", name=badge.name or ctx.text("badges.unnamed")))]
        return self.recheck(ctx, badge)

    def recheck(self, ctx: Context, badge: Badge) -> list[Reply]:
        evidence = from_text(badge.raw_evidence or "")
        if evidence is None:  # recorded by hand: there is nothing to check
            return [Reply(ctx.text("badges.nothing_to_check"))]
        report = self.dialogue.verifier.verify(evidence, ctx.profile.email)
        badge_records.update_from_report(
            ctx.session,
            self.dialogue.catalog,
            self.dialogue.matcher,
            ctx.profile,
            badge,
            report,
            evidence_text=badge.raw_evidence or "",
            now=self.dialogue.clock(),
        )
        return [Reply(self.outcome_text(ctx, badge, report))]

    # -- adding ---------------------------------------------------------------------------------

    def ask_add(self, ctx: Context) -> Reply:
        question = Question(ctx.text("badges.add_ask"), [Option("cancel", ctx.text("badges.add_cancel"))])
        return self.dialogue.question_reply(ctx, question, flow="badge", step="badge_add")

    def on_add_choice(self, ctx: Context, _value: str) -> list[Reply]:
        ctx.state.reset()
        return [Reply(ctx.text("cancel.done"))]

    def on_add(self, ctx: Context, inbound: Inbound, evidence: Evidence | None) -> list[Reply]:
        """In the add flow: a badge to verify (``evidence``, sorted by the caller), or the name of a
        course finished ("by hand")."""
        if evidence is not None:
            ctx.state.reset()
            return self.record(ctx, evidence)
        if inbound.kind is not InboundKind.TEXT or not inbound.text.strip():
            return [Reply(ctx.text("badges.add_hint")), self.ask_add(ctx)]
        found = self.dialogue.matcher.find_courses(inbound.text[:200], limit=MAX_COURSE_CHOICES)
        if not found:
            return [Reply(ctx.text("badges.no_course_found")), self.ask_add(ctx)]
        catalog = self.dialogue.catalog
        options = [
            Option(match.id, f"{catalog.courses[match.id].title} ({catalog.courses[match.id].provider})")
            for match in found
        ]
        options.append(Option("none", ctx.text("badges.none_of_these")))
        question = Question(ctx.text("badges.pick_course"), options, columns=1)
        return [self.dialogue.question_reply(ctx, question, flow="menu", step="badge_course")]

    def on_course(self, ctx: Context, course_id: str) -> list[Reply]:
        if course_id == "none" or course_id not in self.dialogue.catalog.courses:
            return [self.ask_add(ctx)]
        ctx.state.reset()
        badge = badge_records.record_self_reported(
            ctx.session, self.dialogue.catalog, ctx.profile, course_id, self.dialogue.clock()
        )
        text = ctx.text("badges.result.self_reported", name=badge.name, issuer=badge.issuer_name)
        return [Reply(f"{text}\n\n{self.credit_text(ctx, badge)}")]

    # -- /export and /forget -------------------------------------------------------------------

    def cmd_export(self, ctx: Context, _args: str) -> list[Reply]:
        ctx.state.reset()
        ctx.session.flush()  # the export must include this message's own changes
        content = export_learner(ctx.session, ctx.learner, self.dialogue.clock())
        stamp = self.dialogue.clock().strftime("%Y%m%d")
        attachment = Attachment(f"skillstack-export-{stamp}.json", content, "application/json")
        return [Reply(ctx.text("export.ready"), attachment=attachment)]

    def cmd_forget(self, ctx: Context, _args: str) -> list[Reply]:
        options = [Option("yes", ctx.text("forget.yes")), Option("no", ctx.text("forget.no"))]
        question = Question(ctx.text("forget.confirm"), options)
        return [self.dialogue.question_reply(ctx, question, flow="menu", step="forget_confirm")]

    def on_forget(self, ctx: Context, answer: str) -> list[Reply]:
        ctx.state.reset()
        if answer != "yes":
            return [Reply(ctx.text("forget.kept"))]
        forget_learner(ctx.session, ctx.learner)
        return [Reply(ctx.text("forget.done"))]


def _stored_text(evidence: Evidence, report: Report) -> str:
    """What a re-check verifies again: the text itself, or for an image the badge baked into it."""
    if evidence.kind is not EvidenceKind.IMAGE:
        return evidence.text
    credential = report.credential
    if isinstance(credential, str):
        return credential
    if isinstance(credential, dict):
        return json.dumps(credential, ensure_ascii=False)
    return report.source_url or ""


def issuer_label(ctx: Context, badge: Badge, *, explained: bool = False) -> str:
    """The issuer's name as a learner should read it: plain when the verification tied the badge to
    a registered provider (or the learner recorded it by hand), quoted and qualified otherwise, so
    "from Microsoft" is never said of a badge only its own text calls Microsoft's."""
    name = badge.issuer_name or "?"
    if badge.source is BadgeSource.MANUAL or issuer_recognized(badge):
        return name
    return f"“{name}”" if explained else ctx.text("badges.issuer_as_said", issuer=name)

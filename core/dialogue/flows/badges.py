"""The badge conversation: record a badge (link, JSON, token, image file or "I finished X"),
list and manage them (/badges), take everything away (/export) or erase it (/forget).

Verification uses the network, so it runs before the message's first database write: the
transaction open around it has only read, and holds no write lock while the fetcher waits.
The reply says in plain words what was found (verified / could not be verified / not valid, and
which check decided it), whether the issuer is a recognised provider (the verification tied the
badge to an identity registered for it) or only names itself, whether the badge counted for the
plan, and for a verified badge offers LinkedIn's "add certification" link.

A badge of which nothing could be read (no name, no issuer: an unreachable link, a page that is no
badge) is not stored: the reply says what happened by its cause, and offers a self-reported record
instead, stored only on the learner's "yes".  A badge given at a check-in that does not match the
course asked about is stored as its own and the learner is asked whether it is for that course (the
rule is in :mod:`core.services.badges`).
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel

from core.badges.inputs import platforms
from core.badges.inputs.evidence import Evidence, EvidenceKind, from_file, from_text
from core.badges.report import CheckName, Outcome, Report
from core.catalog.text import fold, normalize
from core.dialogue import parsing
from core.dialogue.asking import Option, Question
from core.dialogue.context import Context, Router
from core.dialogue.flows import account
from core.dialogue.flows.plan import current_plan
from core.dialogue.state import Flow, MenuName, Values
from core.i18n import join_list
from core.messages import Inbound, InboundKind, Reply
from core.plans.store import active_plan, plan_items
from core.portfolio import issuer_recognized, learner_badge, learner_badges, linkedin_link
from core.services import badges as badge_service
from core.storage.models import Badge, BadgeSource, BadgeStatus

MAX_COURSE_CHOICES = 5
PATHWAY_PREFIX = "pathway:"  # a "which course?" option that stands for a whole certificate
COURSE_CANDIDATES = 20  # matches re-ranked before the first MAX_COURSE_CHOICES are offered
BADGE_ACTIONS = ("add", "recheck", "remove", "export")  # the /badges menu ("add" alone when empty)
PICK_ACTIONS = ("recheck", "remove")  # actions that ask which badge
STATUS_ICON = {
    BadgeStatus.VERIFIED: "✅",
    BadgeStatus.SELF_REPORTED: "📝",
    BadgeStatus.UNVERIFIABLE: "❔",
    BadgeStatus.INVALID: "❌",
    BadgeStatus.PENDING: "…",
}


class Pending(BaseModel):
    """A question about the badge just sent at a check-in, waiting for its yes or no: keep a badge
    that could not be read as self-reported (``unread``), or is this badge for the course
    (``course``; whether "yes" credits it was decided from its verification)."""

    kind: Literal["unread", "course"]
    course: str
    badge: int | None = None
    credit: bool = False


class UnreadLink(BaseModel):
    """A badge link nothing could be read from, and what the verifier said: kept on "yes"."""

    link: str
    report: dict[str, Any]


class BadgeValues(Values):
    badge_pending: Pending | None = None
    unread_link: UnreadLink | None = None


@cache
def _finished_phrases() -> tuple[str, ...]:
    """ "I finished", "saya sudah selesai"... (vocabulary ``finished_course``), folded, longest first."""
    words = parsing.vocabulary()["finished_course"]
    return tuple(sorted({fold(str(word)) for word in words}, key=len, reverse=True))


def finished_course_name(text: str) -> str | None:
    """The course named after "I finished" / "aku udah selesai" and the like, or None."""
    folded = fold(text)
    for phrase in _finished_phrases():
        if folded.startswith(phrase + " "):
            return folded[len(phrase) :].strip() or None
    return None


def evidence_of(inbound: Inbound) -> Evidence | None:
    """The badge in a message, if the message carries one."""
    if inbound.kind is InboundKind.TEXT:
        return from_text(inbound.text)
    if inbound.kind is InboundKind.FILE and inbound.attachment is not None:
        return from_file(inbound.attachment.content, inbound.attachment.filename)
    return None


# -- recording ----------------------------------------------------------------------------


def record(ctx: Context, evidence: Evidence, *, course_hint: str | None = None) -> list[Reply]:
    """Verify ``evidence``, store the result, credit the plan, and say what happened.

    Nothing is stored for a badge that could not be read: the learner is offered a self-reported
    record instead.  At a check-in (``course_hint``, the course just reported done) a stored badge
    that was not credited to that course ends with the question whether it is for it.
    """
    recorded = badge_service.record_evidence(
        ctx.session,
        ctx.catalog,
        ctx.matcher,
        ctx.verifier,
        ctx.profile,
        evidence,
        course_hint=course_hint,
        now=ctx.now(),
    )
    report, badge = recorded.report, recorded.badge
    if badge is None:
        return [offer_unread(ctx, report, evidence, course_hint)]
    tip = report.recipient_match is None and email_tip_due(ctx, recorded.earlier)
    text = outcome_text(ctx, badge, report, email_tip=tip)
    if course_hint is None or badge.course_id == course_hint or badge.status is BadgeStatus.INVALID:
        return [Reply(text)]
    if badge.course_id is not None:  # clearly another course: it counts for that one, nothing to ask
        other = ctx.catalog.courses[course_hint].display_title(ctx.language)
        return [Reply(f"{ctx.text('badges.course_of.other', course=other)}\n\n{text}")]
    return [Reply(text), ask_course_of(ctx, badge, report, course_hint)]


def email_tip_due(ctx: Context, badges: list[Badge]) -> bool:
    """Whether "add your email in /settings" is worth saying: once, not after every badge.

    It is due while the learner has no email and none of ``badges`` (their stored badges, before
    the one just sent) was checked without a recipient.  So the first such badge brings the tip,
    later ones do not, and /badges shows it only until then.  Derived from the stored rows (no
    flag to keep): removing those badges, or the email, makes it due again, which is right.
    """
    return not ctx.profile.email and not any(_recipient_unchecked(badge) for badge in badges)


def outcome_text(ctx: Context, badge: Badge, report: Report, *, email_tip: bool = False) -> str:
    name = badge.name or ctx.text("badges.unnamed")
    # The paragraph after says why an unrecognised issuer's name is only quoted here.
    issuer = issuer_label(ctx, badge, explained=True)
    lines = [ctx.text(f"badges.result.{badge.status.value}", name=name, issuer=issuer)]
    if badge.status is not BadgeStatus.VERIFIED:
        lines.append(reason_text(ctx, report))
    if badge.status is not BadgeStatus.INVALID:
        lines.append(issuer_text(ctx, badge, report))
        lines.append(credit_text(ctx, badge))
    if email_tip:
        lines.append(ctx.text("badges.email_tip"))
    link = linkedin_link(badge)
    if link:
        lines.append(ctx.text("badges.linkedin", link=link))
    return "\n\n".join(lines)


# -- a badge nothing could be read of ---------------------------------------------------------


def unread_text(ctx: Context, report: Report) -> str:
    """What went wrong, in plain words by its cause ("I couldn't reach Credly..."), not the
    fetcher's detail; a cause with no plain text of its own gets the deciding check."""
    cause = report.fetch_cause.value if report.fetch_cause is not None else None
    check = report.deciding_check
    if (
        cause is None
        and check is not None
        and check.name is CheckName.FORMAT
        and check.result is Outcome.FAILED
    ):
        cause = "not_a_badge"
    if cause is None:
        return ctx.text("badges.unread.other", reason=reason_text(ctx, report))
    return ctx.text(f"badges.unread.{cause}", site=site_of(ctx, report.source_url))


def site_of(ctx: Context, url: str | None) -> str:
    """The site a link points to, as a learner knows it: the platform's name, else the host."""
    link = platforms.resolve(url) if url else None
    if link is not None:
        return link.platform
    return (urlsplit(url).hostname if url else None) or ctx.text("badges.unread.the_site")


def offer_unread(ctx: Context, report: Report, evidence: Evidence, course_hint: str | None) -> Reply:
    """Say what went wrong, and offer to keep it as self-reported (nothing is stored yet): at a
    check-in for the course asked about, elsewhere for a course the learner names next.  A link
    is kept too on "yes" (as could not be verified), so it can be checked again later."""
    link = evidence.text if evidence.kind is EvidenceKind.URL else None
    values = ctx.state.values(BadgeValues)
    values.unread_link = UnreadLink(link=link, report=report.to_json()) if link else None
    keep, drop = "badges.unread.keep", "badges.unread.drop"
    text = unread_text(ctx, report)
    if course_hint is None:
        offer = f"{text}\n\n{ctx.text('badges.unread.offer')}"
        return ctx.yes_no(offer, flow=Flow.MENU, step=MenuName.BADGES_MENU, yes=keep, no=drop)
    course = ctx.catalog.courses[course_hint].display_title(ctx.language)
    values.badge_pending = Pending(kind="unread", course=course_hint)
    offer = f"{text}\n\n{ctx.text('badges.unread.offer_for', course=course)}"
    return ctx.yes_no(offer, flow=Flow.CHECKIN, step=MenuName.CHECKIN_BADGE, yes=keep, no=drop)


# -- a badge at a check-in that is not that course's ------------------------------------------


def ask_course_of(ctx: Context, badge: Badge, report: Report, course_id: str) -> Reply:
    """ "This badge is “Teamwork” from “Example Corp”; is it for <course>?" (the check-in goes on
    after the answer; what "yes" does is decided now, from this verification)."""
    catalog = ctx.catalog
    ctx.session.flush()  # the new row's id, for the answer to find it
    ctx.state.values(BadgeValues).badge_pending = Pending(
        kind="course",
        badge=badge.id,
        course=course_id,
        credit=badge_service.creditable(catalog, report.recognition, course_id),
    )
    text = ctx.text(
        "badges.course_of.ask",
        name=badge.name or ctx.text("badges.unnamed"),
        issuer=issuer_label(ctx, badge, explained=True),
        course=catalog.courses[course_id].display_title(ctx.language),
    )
    yes, no = "badges.course_of.yes", "badges.course_of.no"
    return ctx.yes_no(text, flow=Flow.CHECKIN, step=MenuName.CHECKIN_BADGE, yes=yes, no=no)


def settle(ctx: Context, pending: Pending, answer: str) -> list[Reply]:
    """The learner's yes or no to :func:`ask_course_of` or to :func:`offer_unread` at a check-in."""
    catalog, now = ctx.catalog, ctx.now()
    course_id = pending.course
    badge = learner_badge(ctx.session, ctx.learner.id or 0, pending.badge or 0)
    if answer != "yes":
        ctx.state.values(BadgeValues).unread_link = None
        if badge is None:
            return [Reply(ctx.text("badges.unread.dropped"))]
        return [Reply(ctx.text("badges.course_of.own", name=badge.name or ctx.text("badges.unnamed")))]
    if badge is not None and pending.credit:
        badge_service.confirm_course(ctx.session, catalog, ctx.profile, badge, course_id, now)
        return [Reply(credit_text(ctx, badge))]
    reported = badge_service.record_self_reported(ctx.session, catalog, ctx.profile, course_id, now)
    if badge is None:
        return [Reply(self_reported_text(ctx, reported)), *keep_unread_link(ctx)]
    text = ctx.text(
        "badges.course_of.on_your_word",
        course=catalog.courses[course_id].display_title(ctx.language),
        name=badge.name or ctx.text("badges.unnamed"),
        issuer=issuer_label(ctx, badge, explained=True),
    )
    return [Reply(text)]


def keep_unread_link(ctx: Context) -> list[Reply]:
    """Store the link of the badge that could not be read (when it was a link), as could not be
    verified, and say how to check it again; nothing when there was no link."""
    values = ctx.state.values(BadgeValues)
    kept, values.unread_link = values.unread_link, None
    if kept is None:
        return []
    badge_service.record_unreadable(ctx.session, ctx.profile, kept.link, kept.report, ctx.now())
    return [Reply(ctx.text("badges.unread.link_kept"))]


def reason_text(ctx: Context, report: Report) -> str:
    """The deciding check, named in the learner's language, with the verifier's detail."""
    check = report.deciding_check
    if check is None:
        return ctx.text("badges.reason.nothing")
    label = ctx.text(f"badges.check.{check.name}")
    return ctx.text(f"badges.reason.{check.result.value}", check=label, detail=check.detail)


def issuer_text(ctx: Context, badge: Badge, report: Report) -> str:
    """Who issued it: a recognised provider, or only the name the badge gives itself."""
    if report.recognition is not None:
        return ctx.text("badges.recognized", provider=report.recognition.name)
    return ctx.text("badges.not_recognized", issuer=badge.issuer_name or "?")


def credit_text(ctx: Context, badge: Badge) -> str:
    """What the badge did for the plan: the course it finished (marked done in the plan, or
    counted though the plan does not hold it), or, finishing none, the skills it only lists."""
    catalog = ctx.catalog
    skills = join_list(
        [catalog.skills[s].name.get(ctx.language) for s in badge.skills if s in catalog.skills],
        ctx.language,
    )
    course = catalog.courses.get(badge.course_id or "")
    if course is not None:
        key = "badges.credited" if in_plan(ctx, course.id) else "badges.credited_outside_plan"
        return ctx.text(key, course=course.display_title(ctx.language), skills=skills or "-")
    if skills:
        return ctx.text("badges.skills_listed", skills=skills)
    return ctx.text("badges.no_course")


def in_plan(ctx: Context, *course_ids: str) -> bool:
    """Whether the learner's active plan holds any of ``course_ids``."""
    plan = active_plan(ctx.session, ctx.learner.id or 0)
    return plan is not None and any(row.course_id in course_ids for row in plan_items(ctx.session, plan))


# -- /badges --------------------------------------------------------------------------------


def cmd_badges(ctx: Context, _args: str) -> list[Reply]:
    blocked = ctx.needs_onboarding()
    if blocked:
        return blocked
    badges = learner_badges(ctx.session, ctx.learner.id or 0)
    lines = [ctx.text("badges.title")]
    lines += [describe(ctx, number, badge) for number, badge in enumerate(badges, 1)]
    if not badges:
        lines.append(ctx.text("badges.empty"))
    if email_tip_due(ctx, badges):
        lines.append(ctx.text("badges.email_tip"))
    actions = BADGE_ACTIONS if badges else BADGE_ACTIONS[:1]
    options = [Option(action, ctx.text(f"badges.action.{action}")) for action in actions]
    question = Question("\n\n".join(lines), options)
    return [ctx.ask(question, flow=Flow.MENU, step=MenuName.BADGES_MENU)]


def describe(ctx: Context, number: int, badge: Badge) -> str:
    catalog = ctx.catalog
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


def on_menu(ctx: Context, action: str) -> list[Reply]:
    """A /badges action, or the answer to keeping a badge that could not be read ("yes": which
    course is it for?, "no": nothing is saved)."""
    if action == "add":
        return [ask_add(ctx)]
    if action == "yes":
        kept = keep_unread_link(ctx)
        return [*kept, ask_add(ctx, "badges.unread.which_course")]
    if action == "no":
        ctx.state.reset()
        return [Reply(ctx.text("badges.unread.dropped"))]
    if action == "export":
        return account.cmd_export(ctx, "")
    badges = learner_badges(ctx.session, ctx.learner.id or 0)
    if not badges:
        return [Reply(ctx.text("badges.empty"))]
    options = [
        Option(f"{action}:{badge.id}", f"{number}. {badge.name or ctx.text('badges.unnamed')}")
        for number, badge in enumerate(badges, 1)
    ]
    question = Question(ctx.text(f"badges.pick.{action}"), options, columns=1)
    return [ctx.ask(question, flow=Flow.MENU, step=MenuName.BADGE_PICK)]


def on_pick(ctx: Context, value: str) -> list[Reply]:
    action, _, badge_id = value.partition(":")
    badge = learner_badge(ctx.session, ctx.learner.id or 0, int(badge_id))
    ctx.state.reset()
    if badge is None:
        return ctx.expired()
    if action == "remove":
        badge_service.remove(ctx.session, badge, ctx.now())
        return [Reply(ctx.text("badges.removed", name=badge.name or ctx.text("badges.unnamed")))]
    return recheck(ctx, badge)


def recheck(ctx: Context, badge: Badge) -> list[Reply]:
    report = badge_service.recheck(
        ctx.session, ctx.catalog, ctx.matcher, ctx.verifier, ctx.profile, badge, ctx.now()
    )
    if report is None:  # recorded by hand: there is nothing to check
        return [Reply(ctx.text("badges.nothing_to_check"))]
    return [Reply(outcome_text(ctx, badge, report))]


# -- adding ---------------------------------------------------------------------------------


def ask_add(ctx: Context, key: str = "badges.add_ask") -> Reply:
    question = Question(ctx.text(key), [Option("cancel", ctx.text("badges.add_cancel"))])
    return ctx.ask(question, flow=Flow.BADGE, step=MenuName.BADGE_ADD)


def on_add_choice(ctx: Context, _value: str) -> list[Reply]:
    ctx.state.reset()
    return [Reply(ctx.text("cancel.done"))]


def on_add(ctx: Context, inbound: Inbound) -> list[Reply] | None:
    """In the add flow: a badge to verify, or the name of a course finished ("by hand"); a file
    that is no badge is left to :func:`not_a_badge`."""
    evidence = evidence_of(inbound)
    if inbound.kind is InboundKind.FILE and evidence is None:
        return None
    if evidence is not None:
        ctx.state.reset()
        return record(ctx, evidence)
    if inbound.kind is not InboundKind.TEXT or not inbound.text.strip():
        return [Reply(ctx.text("badges.add_hint")), ask_add(ctx)]
    return offer_courses(ctx, inbound.text)


def on_finished(ctx: Context, text: str) -> list[Reply] | None:
    """ "I finished X" (or "aku udah selesai X") typed outside a question: the courses X may be,
    to record as self-reported.  X that names no course ("it!") offers the courses of the plan;
    X that matches no course or certificate confidently ("finished for today, thanks") is not
    about a course: None, as for any text that says nothing of the kind."""
    name = finished_course_name(text)
    if name is None:
        return None
    if parsing.is_word(name, "finished_it"):
        return offer_plan_courses(ctx)
    matcher = ctx.matcher
    if not badge_service.titles_matching(matcher, name) and not matcher.find_pathways(name):
        return None
    return offer_courses(ctx, name)


def offer_plan_courses(ctx: Context) -> list[Reply] | None:
    """The plan's courses not finished yet, to pick the one just finished (None: nothing open)."""
    result = current_plan(ctx)
    open_ids = result.open_course_ids[:MAX_COURSE_CHOICES] if result is not None else []
    if not open_ids:
        return None
    courses = ctx.catalog.courses
    options = [Option(cid, courses[cid].display_title(ctx.language)) for cid in open_ids]
    options.append(Option("none", ctx.text("badges.none_of_these")))
    question = Question(ctx.text("badges.pick_course"), options, columns=1)
    return [ctx.ask(question, flow=Flow.MENU, step=MenuName.BADGE_COURSE)]


def offer_courses(ctx: Context, name: str) -> list[Reply]:
    """The catalog courses ``name`` may be, as buttons (the course picked is recorded)."""
    found = ranked_courses(ctx, name)
    catalog = ctx.catalog
    pathways = [catalog.pathways[pid] for pid in ctx.matcher.find_pathways(name)]
    if not found and not pathways:
        return [Reply(ctx.text("badges.no_course_found")), ask_add(ctx)]
    courses = catalog.courses
    options = [  # a whole certificate named: all of its courses, offered first
        Option(
            f"{PATHWAY_PREFIX}{p.id}",
            ctx.text("badges.whole_pathway", name=p.name, provider=p.provider),
        )
        for p in pathways
    ]
    options += [Option(cid, f"{courses[cid].title} ({courses[cid].provider})") for cid in found]
    options.append(Option("none", ctx.text("badges.none_of_these")))
    question = Question(ctx.text("badges.pick_course"), options, columns=1)
    return [ctx.ask(question, flow=Flow.MENU, step=MenuName.BADGE_COURSE)]


def ranked_courses(ctx: Context, name: str) -> list[str]:
    """Courses for a typed name, the obvious one first: the title typed exactly, then titles
    holding the whole name ("google data analytics" -> "Google Data Analytics Capstone", before
    "Google Advanced Data Analytics..."), then courses of the learner's active plan; the
    matcher's order within each (its scores alone can rank a one-word overlap level with them)."""
    wanted = normalize(name)
    found = ctx.matcher.find_courses(name[:200], limit=COURSE_CANDIDATES)
    plan = active_plan(ctx.session, ctx.learner.id or 0)
    planned = {row.course_id for row in plan_items(ctx.session, plan)} if plan is not None else set()
    courses = ctx.catalog.courses

    def rank(position: int) -> tuple[bool, bool, bool, int]:
        course_id = found[position].id
        title = normalize(courses[course_id].title)
        return (title != wanted, f" {wanted} " not in f" {title} ", course_id not in planned, position)

    return [found[position].id for position in sorted(range(len(found)), key=rank)][:MAX_COURSE_CHOICES]


def on_course(ctx: Context, course_id: str) -> list[Reply]:
    if course_id.startswith(PATHWAY_PREFIX):
        return on_pathway(ctx, course_id.removeprefix(PATHWAY_PREFIX))
    if course_id == "none" or course_id not in ctx.catalog.courses:
        return [ask_add(ctx)]
    ctx.state.reset()
    earlier = badge_service.self_reported_of(ctx.session, ctx.learner.id or 0, course_id)
    if earlier is not None:
        return [Reply(ctx.text("badges.already_recorded", name=earlier.name))]
    badge = badge_service.record_self_reported(ctx.session, ctx.catalog, ctx.profile, course_id, ctx.now())
    return [Reply(self_reported_text(ctx, badge))]


def on_pathway(ctx: Context, pathway_id: str) -> list[Reply]:
    """A whole certificate finished: each of its courses recorded as self-reported (so each
    counts, in every re-plan, like a course finished one by one)."""
    catalog = ctx.catalog
    pathway = catalog.pathways.get(pathway_id)
    if pathway is None:
        return [ask_add(ctx)]
    ctx.state.reset()
    members = badge_service.record_pathway(ctx.session, catalog, ctx.profile, pathway_id, ctx.now())
    skills = dict.fromkeys(s for cid in members for s in catalog.courses[cid].main_skills)
    names = [catalog.skills[s].name.get(ctx.language) for s in skills if s in catalog.skills]
    key = "badges.pathway_recorded" if in_plan(ctx, *members) else "badges.pathway_recorded_outside"
    text = ctx.text(
        key if pathway.exam is None else f"{key}_exam",
        name=pathway.name,
        count=len(pathway.courses),
        skills=join_list(names, ctx.language) or "-",
    )
    return [Reply(text)]


def self_reported_text(ctx: Context, badge: Badge) -> str:
    text = ctx.text("badges.result.self_reported", name=badge.name, issuer=badge.issuer_name)
    return f"{text}\n\n{credit_text(ctx, badge)}"


def _recipient_unchecked(badge: Badge) -> bool:
    """A verified-or-not badge whose recipient was not compared with an email (none was set)."""
    return badge.source is not BadgeSource.MANUAL and badge.verification_report.get("recipient_match") is None


def issuer_label(ctx: Context, badge: Badge, *, explained: bool = False) -> str:
    """The issuer's name as a learner should read it: plain when the verification tied the badge to
    a registered provider (or the learner recorded it by hand), quoted and qualified otherwise, so
    "from Microsoft" is never said of a badge only its own text calls Microsoft's."""
    name = badge.issuer_name or "?"
    if badge.source is BadgeSource.MANUAL or issuer_recognized(badge):
        return name
    return f"“{name}”" if explained else ctx.text("badges.issuer_as_said", issuer=name)


# -- input outside any question -------------------------------------------------------------------


def not_a_badge(ctx: Context, inbound: Inbound) -> list[Reply] | None:
    """A file that is no badge (or could not be downloaded): said so, whatever is open."""
    if inbound.kind is not InboundKind.FILE or evidence_of(inbound) is not None:
        return None
    key = "badges.file_unreadable" if inbound.attachment is None else "badges.not_a_badge_file"
    return [Reply(ctx.text(key))]


def badge_anywhere(ctx: Context, inbound: Inbound) -> list[Reply] | None:
    """A badge sent outside a question, once set up: verified and recorded."""
    evidence = evidence_of(inbound)
    if evidence is None or ctx.profile.onboarded_at is None:
        return None
    ctx.state.reset()
    return record(ctx, evidence)


def finished_course(ctx: Context, inbound: Inbound) -> list[Reply] | None:
    """ "I finished X" / "saya sudah selesai X" outside a question, once set up: the courses it may
    be, to record as self-reported (as /badges -> Add does); None for any other text."""
    if inbound.kind is not InboundKind.TEXT or ctx.profile.onboarded_at is None:
        return None
    return on_finished(ctx, inbound.text)


router = Router(
    commands={"badges": cmd_badges},
    menus={
        MenuName.BADGES_MENU: on_menu,
        MenuName.BADGE_PICK: on_pick,
        MenuName.BADGE_ADD: on_add_choice,
        MenuName.BADGE_COURSE: on_course,
    },
    inputs={Flow.BADGE: on_add},
    fallbacks=[not_a_badge, badge_anywhere, finished_course],
    views=frozenset({MenuName.BADGES_MENU}),
)

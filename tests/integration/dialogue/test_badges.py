"""Badges in the conversation: recording (link, pasted JSON, image file, by hand, at a check-in),
/badges (list, re-check, remove), the email setting, /export and /forget.

Badges are real Open Badges 2.0 hosted assertions served by a local badge server, verified by the
real verifier through the real safe fetcher (allowed to reach that one server only).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

import pytest
from sqlmodel import select

from core.badges.jsonld.contexts import ContextStore
from core.badges.verify import BadgeVerifier
from core.catalog import Catalog
from core.dialogue.engine import Dialogue
from core.messages import Attachment, Inbound, InboundKind
from core.plans.store import active_plan, plan_items
from core.storage.db import Database
from core.storage.models import Badge, BadgeStatus, Learner, LearnerProfile, PlanItem, PlanItemStatus
from tests.fakes.badge_server import BadgeServer
from tests.integration.dialogue.test_dialogue import Learner_
from tests.issuer_factory import registry_with
from tests.scripts import ENGLISH_TYPED_ONBOARDING

NOW = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)
EMAIL = "learner@example.com"


def conversation(database: Database, catalog: Catalog, badge_server: BadgeServer) -> Dialogue:
    """The dialogue with a verifier that reaches the local badge server (shipped issuer registry)."""
    verifier = BadgeVerifier(badge_server.fetcher(), ContextStore(None), clock=lambda: NOW)
    return Dialogue(database, catalog, clock=lambda: NOW, verifier=verifier)


@pytest.fixture
def dialogue(database: Database, catalog: Catalog, badge_server: BadgeServer) -> Dialogue:
    return conversation(database, catalog, badge_server)


@pytest.fixture
def learner(dialogue: Dialogue) -> Learner_:
    person = Learner_(dialogue)
    person.onboard(ENGLISH_TYPED_ONBOARDING)
    return person


def recognise_server_as(dialogue: Dialogue, server: BadgeServer, *catalog_names: str) -> None:
    """Register the badge server's origin (where its issuers live) for these catalog names."""
    dialogue.verifier.issuers = registry_with(f"https://{server.host}", catalog_names, name=catalog_names[0])


def first_plan_course(database: Database, catalog: Catalog) -> tuple[str, str, str]:
    """(course id, title, provider) of the first course in learner 1's plan."""
    with database.unit_of_work() as session:
        learner = session.exec(select(Learner).where(Learner.telegram_id == 1)).one()
        plan = active_plan(session, learner.id or 0)
        assert plan is not None
        course_id = plan_items(session, plan)[0].course_id
    course = catalog.courses[course_id]
    return course_id, course.title, course.provider


def host_badge(
    server: BadgeServer,
    name: str,
    issuer: str,
    *,
    number: int = 1,
    email: str = EMAIL,
    badge_class: dict[str, object] | None = None,
    **extra: object,
) -> str:
    """An OB 2.0 hosted assertion (with its BadgeClass and issuer Profile); returns its URL."""
    issuer_url = server.route(
        "/issuer",
        {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Issuer",
            "id": server.https_url("/issuer"),
            "name": issuer,
            "url": server.https_url("/"),
            "email": "badges@issuer.example",
        },
    )
    badge_url = server.route(
        f"/badges/{number}",
        {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "BadgeClass",
            "id": server.https_url(f"/badges/{number}"),
            "name": name,
            "description": f"Awarded for completing {name}.",
            "image": server.https_url("/image.png"),
            "criteria": {"narrative": "Finish every module."},
            "issuer": issuer_url,
            **(badge_class or {}),
        },
    )
    salt = "pepper"
    assertion_url = server.https_url(f"/assertions/{number}")
    server.route(
        f"/assertions/{number}",
        {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Assertion",
            "id": assertion_url,
            "recipient": {
                "type": "email",
                "hashed": True,
                "salt": salt,
                "identity": "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest(),
            },
            "badge": badge_url,
            "verification": {"type": "HostedBadge"},
            "issuedOn": "2026-10-01T00:00:00Z",
            **extra,
        },
    )
    return assertion_url


def stored_badges(database: Database) -> list[Badge]:
    with database.unit_of_work() as session:
        return list(session.exec(select(Badge).order_by(Badge.id)))  # type: ignore[arg-type]


def set_email(learner: Learner_, email: str) -> str:
    learner.say("/settings")
    learner.press("Email for badges")
    return learner.say(email)


def test_a_pasted_link_is_verified_recorded_and_credited(
    learner: Learner_,
    dialogue: Dialogue,
    database: Database,
    catalog: Catalog,
    badge_server: BadgeServer,
) -> None:
    course_id, title, provider = first_plan_course(database, catalog)
    recognise_server_as(dialogue, badge_server, provider)
    set_email(learner, EMAIL)
    url = host_badge(badge_server, title, provider)

    text = learner.say(f"Here it is: {url} !")

    assert f"✅ Verified: “{title}” from {provider}" in text
    assert f"🏛 Recognised provider: {provider}." in text
    assert f"It counts for “{title}”" in text
    assert "linkedin.com/profile/add" in text
    assert "organizationName=" in text  # a recognised provider's name may be pre-filled
    [badge] = stored_badges(database)
    assert badge.status is BadgeStatus.VERIFIED
    assert badge.course_id == course_id
    assert badge.verification_report["recipient_match"] is True
    assert badge.verification_report["credential"]["id"] == url
    assert badge_server.requests.count("/assertions/1") == 1  # read once to sort it, and verified from that
    with database.unit_of_work() as session:
        rows = session.exec(select(PlanItem).where(PlanItem.course_id == course_id)).all()
        assert rows and all(row.status is PlanItemStatus.DONE for row in rows)
        profile = session.exec(select(LearnerProfile)).one()
        # the course counts by its hours (the planner credits finished courses), not as held skills
        assert not set(catalog.courses[course_id].main_skills) & set(profile.skills_held)
    assert "its hours count towards" in text


def test_a_badge_for_someone_else_is_invalid_and_not_credited(
    learner: Learner_,
    database: Database,
    catalog: Catalog,
    badge_server: BadgeServer,
) -> None:
    course_id, title, provider = first_plan_course(database, catalog)
    set_email(learner, EMAIL)
    url = host_badge(badge_server, title, provider, email="someone.else@example.com")

    text = learner.say(url)

    assert "did not pass verification" in text
    assert "Failed check: recipient" in text
    [badge] = stored_badges(database)
    assert badge.status is BadgeStatus.INVALID and badge.skills == []
    with database.unit_of_work() as session:
        rows = session.exec(select(PlanItem).where(PlanItem.course_id == course_id)).all()
        assert all(row.status is not PlanItemStatus.DONE for row in rows)


def test_without_an_email_the_recipient_is_not_checked_and_the_learner_is_told_why(
    learner: Learner_,
    database: Database,
    badge_server: BadgeServer,
) -> None:
    url = host_badge(badge_server, "Some Workshop", "Some Academy")
    text = learner.say(url)
    assert "add the email your badges are issued to in /settings" in text
    assert stored_badges(database)[0].verification_report["recipient_match"] is None


def test_the_email_tip_is_given_once(learner: Learner_, badge_server: BadgeServer) -> None:
    tip = "add the email your badges are issued to in /settings"
    assert tip in learner.say("/badges")  # before any badge: how to make them checkable
    assert tip in learner.say(host_badge(badge_server, "Some Workshop", "Some Academy"))
    assert tip not in learner.say(host_badge(badge_server, "Another Workshop", "Some Academy", number=2))
    assert tip not in learner.say(host_badge(badge_server, "Some Workshop", "Some Academy"))  # sent again
    assert tip not in learner.say("/badges")


def test_a_revoked_badge_turns_invalid_on_recheck(
    learner: Learner_,
    database: Database,
    badge_server: BadgeServer,
) -> None:
    url = host_badge(badge_server, "Some Workshop", "Some Academy")
    learner.say(url)
    assert stored_badges(database)[0].status is BadgeStatus.VERIFIED
    badge_server.route("/assertions/1", {"error": "gone"}, status=410)

    learner.say("/badges")
    learner.press("Check again")
    text = learner.press("Some Workshop")

    assert "Failed check: revocation" in text
    assert stored_badges(database)[0].status is BadgeStatus.INVALID


def test_badges_lists_status_issuer_dates_and_skills_and_removes(
    learner: Learner_,
    dialogue: Dialogue,
    database: Database,
    catalog: Catalog,
    badge_server: BadgeServer,
) -> None:
    _, title, provider = first_plan_course(database, catalog)
    recognise_server_as(dialogue, badge_server, provider)  # the skills listed are its course's
    learner.say(host_badge(badge_server, title, provider, expires="2027-10-01T00:00:00Z"))

    listing = learner.say("/badges")

    assert f"1. ✅ {title}" in listing
    assert (
        f"from {provider}" in listing and "issued 2026-10-01" in listing and "expires 2027-10-01" in listing
    )
    assert "skills:" in listing
    learner.press("Remove")
    assert f"Removed “{title}”" in learner.press(title)
    assert stored_badges(database) == []


def test_a_badge_is_recorded_by_hand_as_self_reported(
    learner: Learner_, database: Database, catalog: Catalog
) -> None:
    course_id, title, provider = first_plan_course(database, catalog)
    learner.say("/badges")
    learner.press("Add a badge")
    learner.say(title)
    text = learner.press(f"{title} ({provider})")  # the whole label: a short title can be part of another

    assert "as self-reported" in text and f"It counts for “{title}”" in text
    [badge] = stored_badges(database)
    assert (badge.status, badge.course_id) == (BadgeStatus.SELF_REPORTED, course_id)
    assert "📝" in learner.say("/badges")


def test_a_pasted_assertion_json_counts_as_its_hosted_copy(
    learner: Learner_,
    database: Database,
    badge_server: BadgeServer,
) -> None:
    url = host_badge(badge_server, "Some Workshop", "Some Academy")
    learner.say("/badges")
    learner.press("Add a badge")
    pasted = hosted_copy(badge_server, url)
    pasted["issuedOn"] = "2020-01-01T00:00:00Z"  # edited before pasting: the issuer's copy is what counts

    assert "✅ Verified" in learner.say(json.dumps(pasted))
    assert "✅ Verified" in learner.say(json.dumps(pasted))  # the same JSON again updates its record

    [badge] = stored_badges(database)
    assert badge.issued_at == dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    assert badge.verification_report["credential"]["issuedOn"] == "2026-10-01T00:00:00Z"
    notes = [check["detail"] for check in badge.verification_report["checks"]]
    assert any("differs from the one given (changed: issuedOn)" in note for note in notes)


def hosted_copy(server: BadgeServer, url: str) -> dict[str, object]:
    return server.fetcher().session().get(url, accept=("application/json",)).json()  # type: ignore[no-any-return]


def test_files_that_are_not_badges_get_a_clear_answer(learner: Learner_) -> None:
    not_badge = Attachment("notes.txt", b"just some notes", "text/plain")
    assert "doesn't look like a badge" in learner.send(Inbound(InboundKind.FILE, attachment=not_badge))
    assert "Send badge images as a file" in learner.send(Inbound(InboundKind.FILE))


def test_the_email_setting_checks_the_address_and_can_be_removed(
    learner: Learner_, database: Database
) -> None:
    assert "doesn't look like an email address" in set_email(learner, "not an email")
    learner.say("me@example.com")
    with database.unit_of_work() as session:
        assert session.exec(select(LearnerProfile)).one().email == "me@example.com"
    set_email(learner, "none")
    with database.unit_of_work() as session:
        assert session.exec(select(LearnerProfile)).one().email is None


def test_export_sends_everything_as_a_json_file(
    learner: Learner_,
    badge_server: BadgeServer,
) -> None:
    learner.say(host_badge(badge_server, "Some Workshop", "Some Academy"))
    learner.say("/export")

    [reply] = learner.last
    assert reply.attachment is not None and reply.attachment.mime_type == "application/json"
    document = json.loads(reply.attachment.content)
    assert document["format"] == "skillstack-export/1"
    assert document["profile"]["goal_id"] == "data-analyst"
    assert document["plans"][0]["items"]
    assert document["badges"][0]["verification_report"]["credential"]["type"] == "Assertion"
    assert "telegram_id" in document["learner"]


def test_forget_asks_first_then_deletes_everything(
    learner: Learner_,
    dialogue: Dialogue,
    database: Database,
    badge_server: BadgeServer,
) -> None:
    other = Learner_(dialogue, telegram_id=2)
    other.onboard(ENGLISH_TYPED_ONBOARDING)
    learner.say(host_badge(badge_server, "Some Workshop", "Some Academy"))

    learner.say("/forget")
    assert "nothing was deleted" in learner.press("No, keep it")
    learner.say("/forget")
    assert "deleted everything" in learner.press("Yes, delete everything")

    with database.unit_of_work() as session:
        assert session.exec(select(Learner.telegram_id)).all() == [2]
        assert session.exec(select(Badge)).all() == []
    assert "Question 1 of 11" in learner.say("/start")  # a fresh start


@pytest.mark.parametrize(("yes", "no"), [("yes", "no"), ("ya", "tidak"), ("yakin", "nggak"), ("iya", "no")])
def test_forget_takes_a_typed_yes_or_no(
    learner: Learner_, dialogue: Dialogue, database: Database, yes: str, no: str
) -> None:
    learner.say("/forget")
    assert "nothing was deleted" in learner.say(no)
    learner.say("/forget")
    assert "deleted everything" in learner.say(yes)
    with database.unit_of_work() as session:
        assert session.exec(select(Learner.telegram_id)).all() == []


def held_skills(database: Database) -> list[str]:
    with database.unit_of_work() as session:
        return list(session.exec(select(LearnerProfile)).one().skills_held)


@pytest.fixture
def server_recognised(
    learner: Learner_, dialogue: Dialogue, database: Database, catalog: Catalog, badge_server: BadgeServer
) -> None:
    """The badge server registered for the provider of the learner's first plan course."""
    recognise_server_as(dialogue, badge_server, first_plan_course(database, catalog)[2])


def badge_at_check_in(
    learner: Learner_, database: Database, catalog: Catalog, server: BadgeServer, name: str | None = None
) -> tuple[str, str, str, str]:
    """Answer "Done" for the first plan course at a check-in, then send a badge named ``name`` (the
    course's title by default) from that course's provider: (course id, title, provider, reply)."""
    course_id, title, provider = first_plan_course(database, catalog)
    learner.say("/checkin")
    learner.press("Done")
    return course_id, title, provider, learner.say(host_badge(server, name or title, provider))


@pytest.mark.usefixtures("server_recognised")
def test_a_badge_given_at_a_check_in_that_is_that_course_completes_it(
    learner: Learner_, database: Database, catalog: Catalog, badge_server: BadgeServer
) -> None:
    course_id, title, _, text = badge_at_check_in(learner, database, catalog, badge_server)

    assert (
        f"It counts for “{title}”" in text and "is it for" not in text
    )  # issuer and name match: no question
    assert "How far along" in learner.last[-1].text  # on to the next item
    [badge] = stored_badges(database)
    assert badge.course_id == course_id


@pytest.mark.usefixtures("server_recognised")
def test_a_recognised_badge_with_another_name_is_credited_only_when_the_learner_says_so(
    learner: Learner_, database: Database, catalog: Catalog, badge_server: BadgeServer
) -> None:
    course_id, title, provider, text = badge_at_check_in(
        learner, database, catalog, badge_server, "Certificate of completion"
    )

    assert f"This badge is “Certificate of completion” from {provider}; is it for “{title}”?" in text
    assert stored_badges(database)[0].course_id is None  # stored as its own, not credited yet
    text = learner.say("yes")  # typed, like the button
    assert f"It counts for “{title}”" in text and "How far along" in learner.last[-1].text
    [badge] = stored_badges(database)
    assert badge.course_id == course_id
    assert badge.skills == catalog.courses[course_id].main_skills  # what its hours count towards


def test_a_teamwork_badge_at_a_check_in_is_not_the_course_asked_about(
    learner: Learner_,
    dialogue: Dialogue,
    database: Database,
    catalog: Catalog,
    badge_server: BadgeServer,
) -> None:
    """The bug this fixes: a verified "Teamwork" badge became the data course asked about."""
    course_id, title, _provider = first_plan_course(database, catalog)
    skills_before = held_skills(database)
    learner.say("/checkin")
    learner.press("Done")
    url = host_badge(badge_server, "Teamwork", "Example Corp", badge_class={"tags": ["Teamwork"]})

    text = learner.say(url)

    assert "✅ Verified" in text and "not a recognised provider" in text
    assert f"This badge is “Teamwork” from “Example Corp”; is it for “{title}”?" in text
    assert learner.buttons().keys() == {"Yes, it's for that course", "No, it's a different one"}
    text = learner.press("No, it's a different one")
    assert "“Teamwork” stays a badge of its own" in text and "How far along" in learner.last[-1].text
    [badge] = stored_badges(database)
    assert (badge.name, badge.course_id, badge.status) == ("Teamwork", None, BadgeStatus.VERIFIED)
    gained = set(held_skills(database)) - set(skills_before)
    assert not gained & (set(catalog.courses[course_id].skills) - set(badge.skills))  # no data skills


def test_yes_for_an_unrecognised_issuer_counts_the_course_on_the_learners_word(
    learner: Learner_,
    database: Database,
    catalog: Catalog,
    badge_server: BadgeServer,
) -> None:
    course_id, title, provider, _ = badge_at_check_in(  # nobody registered the server
        learner, database, catalog, badge_server, "Certificate of completion"
    )

    text = learner.press("Yes, it's for that course")

    assert f"“{title}” is done, on your word (self-reported)" in text
    assert f"“{provider}” is not a recognised provider of that course" in text
    badge, reported = stored_badges(database)
    assert (badge.status, badge.course_id) == (BadgeStatus.VERIFIED, None)  # the badge stays its own
    assert (reported.status, reported.course_id) == (BadgeStatus.SELF_REPORTED, course_id)


def no_site_resolves(dialogue: Dialogue, server: BadgeServer) -> None:
    """The verifier's fetcher finds no site by name (the local badge server, at an IP, still answers)."""

    def no_such_site(host: str, _port: int) -> list[str]:
        raise OSError(f"{host}: name or service not known")

    dialogue.verifier.fetcher = server.fetcher(resolver=no_such_site)


def test_an_unreachable_link_is_explained_and_nothing_is_stored_until_the_learner_says_so(
    learner: Learner_, dialogue: Dialogue, database: Database, catalog: Catalog, badge_server: BadgeServer
) -> None:
    no_site_resolves(dialogue, badge_server)
    course_id, title, provider = first_plan_course(database, catalog)

    text = learner.say("https://www.credly.com/badges/0b0b0b0b-1111-2222-3333-444455556666")

    assert "I couldn't reach Credly. Check the link and try again" in text
    assert "resolved" not in text and "(unnamed badge)" not in text
    assert "Nothing is saved" in text and stored_badges(database) == []
    text = learner.press("Yes, keep it as self-reported")
    assert "Which course is it for?" in text and "I kept the link too" in text
    learner.say(title)
    text = learner.press(f"{title} ({provider})")
    assert "as self-reported" in text
    link, badge = stored_badges(database)
    assert (badge.status, badge.course_id) == (BadgeStatus.SELF_REPORTED, course_id)
    assert (link.status, link.source_url, link.course_id) == (  # kept to check again later
        BadgeStatus.UNVERIFIABLE,
        "https://www.credly.com/badges/0b0b0b0b-1111-2222-3333-444455556666",
        None,
    )


def test_an_unreadable_badge_can_be_dropped(
    learner: Learner_, database: Database, badge_server: BadgeServer
) -> None:
    badge_server.route("/page", {"not": "a badge"}, status=404)
    text = learner.say(badge_server.https_url("/page"))
    assert f"{badge_server.host.split(':')[0]} has no badge at that link" in text
    assert "nothing was saved" in learner.say("no")
    assert stored_badges(database) == []


def test_an_unreachable_link_at_a_check_in_can_still_count_the_course_as_self_reported(
    learner: Learner_, dialogue: Dialogue, database: Database, catalog: Catalog, badge_server: BadgeServer
) -> None:
    no_site_resolves(dialogue, badge_server)
    course_id, title, _provider = first_plan_course(database, catalog)
    learner.say("/checkin")
    learner.press("Done")

    text = learner.say("https://badges.nowhere.example/assertions/1")

    assert "I couldn't reach badges.nowhere.example" in text
    assert f"Keep “{title}” as done anyway, as self-reported?" in text and stored_badges(database) == []
    text = learner.press("Yes, keep it as self-reported")
    assert "as self-reported" in text and "How far along" in learner.last[-1].text
    badge, link = stored_badges(database)
    assert (badge.status, badge.course_id) == (BadgeStatus.SELF_REPORTED, course_id)
    assert (link.status, link.raw_evidence) == (
        BadgeStatus.UNVERIFIABLE,
        "https://badges.nowhere.example/assertions/1",
    )


def test_a_badge_is_matched_to_a_course_of_the_recognised_provider_only(catalog: Catalog) -> None:
    from core.badges.report import Recognition
    from core.catalog.matching import Matcher
    from core.services.badges import match_course

    matcher = Matcher(catalog)
    course = next(c for c in catalog.courses.values() if c.provider == "Amazon Web Services")
    aws = Recognition("aws", "Amazon Web Services", "origin:https://aws.example", ("Amazon Web Services",))
    ibm = Recognition("ibm", "IBM", "credly:d5a90a02-5fe7-4915-a42d-8273c91cab0f", ("IBM",))
    assert match_course(catalog, matcher, course.title, aws) == course.id
    assert match_course(catalog, matcher, course.title, ibm) is None
    assert (
        match_course(catalog, matcher, course.title, None) is None
    )  # a name the badge gives itself: nothing


def test_the_same_badge_twice_is_one_record_and_nobody_else_can_reach_it(
    learner: Learner_, dialogue: Dialogue, database: Database, badge_server: BadgeServer
) -> None:
    from core.portfolio import learner_badge

    url = host_badge(badge_server, "Some Workshop", "Some Academy")
    learner.say(url)
    learner.say(url)
    [badge] = stored_badges(database)
    other = Learner_(dialogue, telegram_id=2)
    other.onboard(ENGLISH_TYPED_ONBOARDING)
    assert "No badges yet" in other.say("/badges")
    with database.unit_of_work() as session:
        owner = session.exec(select(Learner).where(Learner.telegram_id == 1)).one()
        stranger = session.exec(select(Learner).where(Learner.telegram_id == 2)).one()
        assert badge.id is not None
        assert learner_badge(session, owner.id or 0, badge.id) is not None
        assert learner_badge(session, stranger.id or 0, badge.id) is None


def test_a_verifier_bug_fails_closed_and_the_learner_still_gets_an_answer(
    learner: Learner_, database: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from core.badges.formats import ob2

    def broken(*_args: object) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(ob2, "verify_assertion_json", broken)
    text = learner.say('{"@context": "https://w3id.org/openbadges/v2", "id": "https://x.example/a"}')
    assert "I couldn't read a badge there" in text and "could not be processed" in text
    assert stored_badges(database) == []  # nothing of it was read: nothing stored as "(unnamed badge)"
    assert any("badge verification failed" in record.getMessage() for record in caplog.records)


def test_a_badge_with_no_catalog_course_lists_the_skills_it_declares_without_holding_them(
    learner: Learner_, database: Database, badge_server: BadgeServer
) -> None:
    alignments = [{"targetName": "Data visualization", "targetUrl": "https://example.org/dataviz"}]
    url = host_badge(
        badge_server,
        "Weekend Workshop",
        "Some Academy",
        badge_class={"tags": ["SQL", "Underwater basket weaving"], "alignment": alignments},
    )
    text = learner.say(url)
    assert "“Some Academy”, as the badge says: not a recognised provider" in text
    assert "The skills it declares (SQL and Data visualization) are listed on the badge" in text
    assert "linkedin.com/profile/add" in text
    assert "organizationName=" not in text  # a name only the badge gives is not put on LinkedIn
    [badge] = stored_badges(database)
    assert (badge.course_id, badge.skills) == (None, ["sql", "data-visualization"])
    assert not {"sql", "data-visualization"} & set(held_skills(database))  # a tag is not depth


def test_declared_skills_come_from_tags_and_alignments_of_either_version() -> None:
    from core.badges.report import declared_skills

    ob3_achievement = {"tag": ["Python", " "], "alignment": [{"targetName": "SQL"}, {"targetUrl": "x"}]}
    ob2_badge_class = {"tags": "Excel", "alignment": {"targetName": "Excel"}}
    assert declared_skills(ob3_achievement) == ["Python", "SQL"]
    assert declared_skills(ob2_badge_class) == ["Excel"]
    assert declared_skills("not a badge") == []


@pytest.mark.parametrize(
    ("said", "first"),
    [
        (
            "I finished Google Data Analytics Capstone",
            "Google Data Analytics Capstone: Complete a Case Study",
        ),
        (
            "i've completed the google data analytics capstone!",
            "Google Data Analytics Capstone: Complete a Case Study",
        ),
        ("saya sudah selesai Belajar Dasar Data Science", "Belajar Dasar Data Science"),
        ("aku udah selesai belajar dasar data science", "Belajar Dasar Data Science"),
        ("sudah lulus SQL for Data Science", "SQL for Data Science"),
    ],
)
def test_i_finished_x_outside_a_question_offers_the_obvious_course_first(
    learner: Learner_, database: Database, catalog: Catalog, said: str, first: str
) -> None:
    text = learner.say(said)

    assert "Which course did you finish?" in text
    labels = list(learner.buttons())
    assert labels[0].startswith(f"{first} (")
    learner.press(labels[0])
    [badge] = stored_badges(database)
    assert (badge.status, badge.name) == (BadgeStatus.SELF_REPORTED, first)


@pytest.mark.parametrize("said", ["I finished Google Data Analytics", "aku udah lulus google data analytics"])
def test_i_finished_a_certificate_offers_the_whole_certificate_first_and_counts_every_course(
    learner: Learner_, database: Database, catalog: Catalog, said: str
) -> None:
    pathway = catalog.pathways["google-data-analytics-professional-certificate"]
    learner.say(said)
    labels = list(learner.buttons())
    assert labels[0].startswith(f"{pathway.name}: ")  # the certificate named, before any one course
    assert labels[1].startswith("Google Advanced Data Analytics")  # also named, with more left over
    text = learner.press(labels[0])
    assert f"all of “{pathway.name}” ({len(pathway.courses)} courses)" in text
    assert sorted(b.course_id for b in stored_badges(database)) == sorted(pathway.courses)
    assert f"Courses finished: {len(pathway.courses)}" in learner.say("/progress")


def test_finished_twice_keeps_one_self_reported_record(learner: Learner_, database: Database) -> None:
    for _ in range(2):
        learner.say("I finished Belajar Dasar Data Science")
        learner.press("Belajar Dasar Data Science (")
    assert len(stored_badges(database)) == 1


def test_other_text_outside_a_question_still_gets_the_help(learner: Learner_, database: Database) -> None:
    assert "I'm not sure what to do with that" in learner.say("finished")
    assert "I'm not sure what to do with that" in learner.say("the weather is nice")
    assert stored_badges(database) == []


def progress_percent(learner: Learner_) -> int:
    found = re.search(r"(\d+)%", learner.say("/progress"))
    assert found is not None
    return int(found.group(1))


def test_an_unknown_issuers_tags_do_not_count_as_held_skills(
    learner: Learner_, database: Database, badge_server: BadgeServer
) -> None:
    """The bug this fixes: a "Teamwork" badge tagged SQL, Data analysis and Python took /progress
    from 12% to 42% (its tags became held skills, at full depth)."""
    before, held = progress_percent(learner), held_skills(database)
    learner.say("/checkin")
    learner.press("Done")
    tags = {"tags": ["SQL", "Data analysis", "Python"]}
    learner.say(host_badge(badge_server, "Teamwork", "Example Corp", badge_class=tags))
    learner.press("No, it's a different one")
    learner.say("/cancel")

    [badge] = stored_badges(database)
    assert badge.skills and badge.course_id is None  # listed on the badge
    assert held_skills(database) == held  # from the learner's answers only
    after = progress_percent(learner)
    assert before <= after <= before + 10  # the course reported done, by its hours; not the tags


def test_a_badge_clearly_for_another_course_counts_for_that_one_without_asking(
    learner: Learner_, dialogue: Dialogue, database: Database, catalog: Catalog, badge_server: BadgeServer
) -> None:
    """The bug this fixes: the badge finished the course its name matches, then "is it for the
    course asked about?" "yes" moved it there and left both done."""
    python = next(
        c for c in catalog.courses.values() if c.title == "Python for Data Science, AI & Development"
    )
    asked, asked_title, _ = first_plan_course(database, catalog)
    recognise_server_as(dialogue, badge_server, python.provider)
    learner.say("/checkin")
    learner.press("Done")

    text = learner.say(host_badge(badge_server, python.title, python.provider))

    assert f"This badge is for another course, not “{asked_title}”" in text
    assert f"It counts for “{python.title}”" in text and "is it for" not in text
    assert "How far along" in learner.last[-1].text  # on to the next course: nothing asked
    [badge] = stored_badges(database)
    assert badge.course_id == python.id != asked


def remove_badge(learner: Learner_, name: str) -> str:
    learner.say("/badges")
    learner.press("Remove")
    return learner.press(name)


def test_removing_a_wrong_badge_undoes_the_course_it_finished(
    learner: Learner_, database: Database, catalog: Catalog
) -> None:
    course_id, title, provider = first_plan_course(database, catalog)
    learner.say(f"I finished {title}")
    learner.press(f"{title} ({provider})")
    assert f"✓ 1. {title}" in learner.say("/plan")

    remove_badge(learner, title)

    assert f"✓ 1. {title}" not in learner.say("/plan") and f"1. {title}" in learner.say("/plan")
    assert "Courses finished: 0" in learner.say("/progress")
    with database.unit_of_work() as session:
        rows = session.exec(select(PlanItem).where(PlanItem.course_id == course_id)).all()
        assert {row.status for row in rows} == {PlanItemStatus.PLANNED}
        assert all("credited_by" not in row.details for row in rows)


def test_removing_a_badge_keeps_a_course_the_learner_reported_done_at_a_check_in(
    learner: Learner_, database: Database, catalog: Catalog
) -> None:
    _, title, provider = first_plan_course(database, catalog)
    learner.say("/checkin")
    learner.press("Done")
    learner.press("Skip")
    learner.say("/cancel")
    learner.say(f"I finished {title}")
    learner.press(f"{title} ({provider})")
    remove_badge(learner, title)
    assert f"✓ 1. {title}" in learner.say("/plan")  # done by the learner's own answer


def test_finishing_a_course_again_says_it_is_recorded(learner: Learner_, catalog: Catalog) -> None:
    learner.say("I finished Belajar Dasar Data Science")
    learner.press("Belajar Dasar Data Science (")
    learner.say("I finished Belajar Dasar Data Science")
    text = learner.press("Belajar Dasar Data Science (")
    assert "You told me that already: “Belajar Dasar Data Science” is recorded as finished." in text


def test_a_course_outside_the_plan_is_not_said_to_be_marked_done_in_it(learner: Learner_) -> None:
    learner.say("I finished Belajar Dasar Data Science")
    text = learner.press("Belajar Dasar Data Science (")
    assert "it isn't in your current plan" in text and "marked done in your plan" not in text


def test_finished_for_today_is_not_a_finished_course(learner: Learner_, database: Database) -> None:
    assert "I'm not sure what to do with that" in learner.say("finished for today, thanks")
    assert "Which course did you finish?" not in learner.last[-1].text


@pytest.mark.parametrize("said", ["I finished it!", "aku udah selesai itu"])
def test_i_finished_it_offers_the_courses_of_the_plan(
    learner: Learner_, database: Database, catalog: Catalog, said: str
) -> None:
    _, title, _ = first_plan_course(database, catalog)
    text = learner.say(said)
    assert "Which course did you finish?" in text
    labels = list(learner.buttons())
    assert labels[0] == title and labels[-1] == "None of these"
    learner.press(title)
    [badge] = stored_badges(database)
    assert (badge.status, badge.name) == (BadgeStatus.SELF_REPORTED, title)

"""The issuer registry: a verified signature proves a key, not a brand.

A badge is credited to a provider's catalog course only when the identity its verification
established is registered for that provider (``data/issuers.yaml``, ``core/badges/issuers.py``).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from nacl.signing import SigningKey

from bot.cli.commands import EXIT_DATA_PROBLEM, main
from core.badges import verify as verify_module
from core.badges.issuers import (
    SHIPPED_REGISTRY,
    Identity,
    IssuerRegistry,
    IssuerRegistryError,
    check_registry,
    load_registry,
    recognize,
)
from core.badges.jsonld.contexts import ContextStore
from core.badges.report import Check, Report, Status
from core.badges.run import VerificationRun
from core.catalog import Catalog
from core.dialogue.engine import Dialogue
from core.settings import SHIPPED_DATA_DIR
from core.storage.db import Database
from tests.fakes.badge_server import BadgeServer
from tests.integration.dialogue.test_badges import (
    EMAIL,
    conversation,
    host_badge,
    recognise_server_as,
    stored_badges,
)
from tests.integration.dialogue.test_dialogue import Learner_
from tests.issuer_factory import registry_with
from tests.scripts import ENGLISH_TYPED_ONBOARDING
from tests.unit.badges.test_data_integrity import did_key_of, sign_data_integrity

NOW = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)
SOURCE = "https://example.org/where-it-was-read"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


# --- the registry file ----------------------------------------------------------------------------


def write_registry(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "issuers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def one_provider(identity: str, *, catalog_names: str = "[IBM]", extra: str = "") -> str:
    return (
        "providers:\n"
        "  - id: ibm\n"
        "    name: IBM\n"
        f"    catalog_names: {catalog_names}\n"
        "    identities:\n"
        f"      - {identity}\n"
        f"{extra}"
    )


GOOD_ENTRY = (
    f"credly: d5a90a02-5fe7-4915-a42d-8273c91cab0f\n        source: {SOURCE}\n        checked: 2026-12-03"
)


def test_the_shipped_registry_validates_against_the_shipped_catalog(catalog: Catalog) -> None:
    issues, registry = check_registry(SHIPPED_REGISTRY, catalog)
    assert issues == []
    assert {"coursera", "ibm", "cisco"} <= {provider.id for provider in registry.providers}
    for provider in registry.providers:  # every identity says where it was read, and when
        assert all(identity.source.scheme == "https" and identity.checked for identity in provider.identities)


@pytest.mark.parametrize(
    ("identity", "problem"),
    [
        ("credly: d5a90a02-5fe7-4915-a42d-8273c91cab0f\n        checked: 2026-12-03", "source"),
        ("credly: not-a-uuid\n        source: " + SOURCE + "\n        checked: 2026-12-03", "UUID"),
        ("origin: http://ibm.example\n        source: " + SOURCE + "\n        checked: 2026-12-03", "https"),
        (
            "origin: https://ibm.example/path\n        source: " + SOURCE + "\n        checked: 2026-12-03",
            "origin",
        ),
        (
            "issuer_url: https://api.credly.com/x\n        source: "
            + SOURCE
            + "\n        checked: 2026-12-03",
            "shared",
        ),
        ("did_web: Not_A_Domain\n        source: " + SOURCE + "\n        checked: 2026-12-03", "domain"),
        ("did_key: did:key:abc\n        source: " + SOURCE + "\n        checked: 2026-12-03", "did:key"),
        (
            "origin: https://a.example\n        credly: d5a90a02-5fe7-4915-a42d-8273c91cab0f\n"
            "        source: " + SOURCE + "\n        checked: 2026-12-03",
            "exactly one",
        ),
    ],
)
def test_a_malformed_or_unsourced_identity_is_rejected_with_a_clear_message(
    tmp_path: Path, catalog: Catalog, identity: str, problem: str
) -> None:
    issues, registry = check_registry(write_registry(tmp_path, one_provider(identity)), catalog)
    assert len(issues) == 1 and problem in str(issues[0]), issues
    assert "provider 'ibm'" in str(issues[0]) and issues[0].line is not None
    assert registry.providers == ()
    with pytest.raises(IssuerRegistryError):
        load_registry(tmp_path / "issuers.yaml")


def test_a_provider_must_name_catalog_providers_or_platforms(tmp_path: Path, catalog: Catalog) -> None:
    path = write_registry(tmp_path, one_provider(GOOD_ENTRY, catalog_names="[IBM, Micro Soft]"))
    [issue] = check_registry(path, catalog)[0]
    assert "unknown catalog provider or platform 'Micro Soft'" in str(issue)
    assert check_registry(path, None)[0] == []  # without a catalog only the file itself is checked


def test_one_identity_cannot_belong_to_two_providers(tmp_path: Path, catalog: Catalog) -> None:
    second = (
        "  - id: cisco\n    name: Cisco\n    catalog_names: [Cisco Networking Academy]\n    identities:\n"
    )
    path = write_registry(tmp_path, one_provider(GOOD_ENTRY, extra=second + f"      - {GOOD_ENTRY}\n"))
    [issue] = check_registry(path, catalog)[0]
    assert "is already registered for 'ibm'" in str(issue)


def test_catalog_validate_checks_the_registry_of_a_data_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    shutil.copytree(SHIPPED_DATA_DIR, data, ignore=shutil.ignore_patterns("contexts", "locales"))
    assert main(["catalog", "validate", str(data)]) == 0
    (data / "issuers.yaml").write_text(one_provider(GOOD_ENTRY, catalog_names="[Nobody]"), encoding="utf-8")
    assert main(["catalog", "validate", str(data)]) == EXIT_DATA_PROBLEM
    assert "unknown catalog provider or platform 'Nobody'" in capsys.readouterr().out
    assert main(["catalog", "validate", str(data / "issuers.yaml")]) == EXIT_DATA_PROBLEM


# --- recognition: what the checks established, never what the badge says --------------------------


def report_of(format_: str, issuer_id: str | None, *checks: Check, source_url: str | None = None) -> Report:
    report = Report(format=format_, issuer_id=issuer_id, issuer_name="Google", source_url=source_url)
    report.checks.extend(checks)
    return report


KEY_AND_SIGNATURE = (Check.passed("key", "key belongs to the issuer"), Check.passed("signature", "valid"))
CREDLY_IBM = "https://api.credly.com/v1/obi/v2/issuers/d5a90a02-5fe7-4915-a42d-8273c91cab0f"


def test_a_credly_issuer_is_recognised_by_its_organisation_id_only() -> None:
    registry = load_registry(SHIPPED_REGISTRY)
    hosted = (Check.passed("issuer", "profile read"), Check.passed("origin", "on the issuer's site"))
    for issuer in (CREDLY_IBM, CREDLY_IBM.replace("api.credly.com/v1", "www.credly.com/api/v1")):
        found = recognize(report_of("ob2-hosted", issuer, *hosted), registry)
        assert found is not None and found.to_json() == {
            "provider": "ibm",
            "via": "credly:d5a90a02-5fe7-4915-a42d-8273c91cab0f",
        }
    other_org = CREDLY_IBM.replace("d5a90a02", "d5a90a03")
    assert recognize(report_of("ob2-hosted", other_org, *hosted), registry) is None
    origin_not_tied = (Check.passed("issuer", "profile read"), Check.skipped("origin", "not checked"))
    assert recognize(report_of("ob2-hosted", CREDLY_IBM, *origin_not_tied), registry) is None
    revoked = (*hosted, Check.failed("revocation", "revoked"))
    assert recognize(report_of("ob2-hosted", CREDLY_IBM, *revoked), registry) is None  # never when invalid


def test_a_did_key_is_recognised_only_when_listed_and_only_when_its_key_verified() -> None:
    did = did_key_of(SigningKey.generate())
    listed = registry_with("https://unused.example", ["IBM"])
    assert recognize(report_of("ob3-data-integrity", did, *KEY_AND_SIGNATURE), listed) is None
    entry = Identity(did_key=did, source=SOURCE, checked=dt.date(2026, 12, 3))  # type: ignore[arg-type]
    registry = IssuerRegistry((listed.providers[0].model_copy(update={"identities": [entry]}),))
    assert recognize(report_of("ob3-data-integrity", did, *KEY_AND_SIGNATURE), registry) is not None
    unsupported_proof = (*KEY_AND_SIGNATURE, Check.skipped("signature", "an unsupported proof suite"))
    assert recognize(report_of("ob3-data-integrity", did, *unsupported_proof), registry) is None


def test_a_certificate_page_is_recognised_for_its_platform_by_the_page_domain() -> None:
    registry = load_registry(SHIPPED_REGISTRY)
    page = report_of(
        "issuer-page",
        None,
        Check.passed("issuer", "issuer page found on coursera.org"),
        Check.skipped("signature", "not cryptographically verifiable"),
        source_url="https://www.coursera.org/account/accomplishments/verify/ABCDEF123456",
    )
    assert page.status is Status.UNVERIFIABLE
    found = recognize(page, registry)
    assert found is not None and (found.provider, found.via) == ("coursera", "certificate_page:coursera.org")
    assert found.covers("Google", "Coursera") and not found.covers("Google", "Google Cloud Skills Boost")
    not_found = report_of(
        "issuer-page", None, Check.skipped("issuer", "a sign-in page"), source_url=page.source_url
    )
    assert recognize(not_found, registry) is None


# --- the conversation -----------------------------------------------------------------------------


@pytest.fixture
def dialogue(database: Database, catalog: Catalog, badge_server: BadgeServer) -> Dialogue:
    return conversation(database, catalog, badge_server)


def self_made_badge(issuer_name: str, badge_name: str, tag: str) -> dict[str, Any]:
    """A valid eddsa-jcs-2022 Open Badge signed with a fresh did:key whose issuer calls itself
    ``issuer_name``: anyone can make one."""
    signing_key = SigningKey.generate()
    did = did_key_of(signing_key)
    credential = {
        "@context": [VC_V2, OB_V3],
        "id": "urn:uuid:0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": issuer_name},
        "validFrom": "2026-10-01T00:00:00Z",
        "name": badge_name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://self.example/achievements/1",
                "type": ["Achievement"],
                "name": badge_name,
                "description": "Anyone can sign this.",
                "criteria": {"narrative": "None."},
                "tag": [tag],
            },
        },
    }
    run = VerificationRun(None, ContextStore(None, shipped_dir=SHIPPED_DATA_DIR / "contexts"), NOW, None)  # type: ignore[arg-type]
    return sign_data_integrity(credential, signing_key, run)


@pytest.mark.parametrize(
    ("issuer", "language", "words"),
    [
        ("Microsoft", "en", "not a recognised provider"),
        ("Google", "id", "bukan penyedia yang dikenali"),
    ],
)
def test_a_did_key_badge_calling_itself_a_big_provider_is_not_credited_to_its_course(
    dialogue: Dialogue, database: Database, catalog: Catalog, issuer: str, language: str, words: str
) -> None:
    course = next(c for c in catalog.courses.values() if c.provider == issuer)
    learner = Learner_(dialogue)
    learner.onboard(ENGLISH_TYPED_ONBOARDING)
    learner.say(f"/language {language}")

    text = learner.say(json.dumps(self_made_badge(issuer, course.title, "Cloud computing")))

    [badge] = stored_badges(database)
    assert badge.status.value == "verified", badge.verification_report["checks"]
    assert badge.course_id is None  # the course of the provider it names is not finished
    assert f"“{issuer}”" in text and words in text
    assert badge.verification_report["issuer_recognized"] is None
    declared = dialogue.matcher.match("Cloud computing", limit=1).skills[0].id
    assert badge.skills == [declared]  # only the skill it declares


def test_a_badge_from_a_registered_origin_is_credited_to_its_providers_course(
    dialogue: Dialogue, database: Database, catalog: Catalog, badge_server: BadgeServer
) -> None:
    course = next(c for c in catalog.courses.values() if c.provider == "IBM")
    recognise_server_as(dialogue, badge_server, "IBM")
    learner = Learner_(dialogue)
    learner.onboard(ENGLISH_TYPED_ONBOARDING)

    text = learner.say(host_badge(badge_server, course.title, "IBM"))

    [badge] = stored_badges(database)
    assert badge.course_id == course.id
    assert "🏛 Recognised provider: IBM." in text and "not a recognised provider" not in text
    origin = f"https://{badge_server.host}"
    assert badge.verification_report["issuer_recognized"] == {
        "provider": "test-provider",
        "via": f"origin:{origin}",
    }


# --- skillstack verify ------------------------------------------------------------------------------


@pytest.fixture
def reachable(badge_server: BadgeServer, monkeypatch: pytest.MonkeyPatch) -> BadgeServer:
    monkeypatch.setenv("SKILLSTACK_FETCH_TEST_HOSTS", badge_server.host)
    return badge_server


def test_verify_json_says_whether_the_issuer_is_recognised(
    reachable: BadgeServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = host_badge(reachable, "Data Basics", "IBM")
    assert main(["verify", url, "--recipient", EMAIL, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["issuer_recognized"] is None
    assert main(["verify", url]) == 0
    assert "provider:  not a recognised provider" in capsys.readouterr().out

    origin = f"https://{reachable.host}"
    monkeypatch.setattr(verify_module, "shipped_registry", lambda: registry_with(origin, ["IBM"], name="IBM"))
    assert main(["verify", url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["issuer_recognized"] == {
        "provider": "test-provider",
        "via": f"origin:{origin}",
    }
    assert main(["verify", url]) == 0
    assert f"provider:  recognised: IBM (test-provider, matched origin:{origin})" in capsys.readouterr().out

"""Open Badges 2.0: every shared vector gives the outcome its README expects, plus the cases upstream lacks.

The vectors name https://example.org/... (and http://example.org/... for the 1EdTech keys) and the
signed ones cannot be changed without breaking their signatures.  So nothing is rewritten: each
test serves the files at the URLs they name on the local BadgeServer, and :class:`MappedSession`
maps *every* host onto that server (``https://HOST/path`` is served at ``/HOST/path``), exactly what
DNS plus a port mapping would do.  The requests still go through the real SafeFetcher, redirects
and all, and no test can reach the internet.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from core.badges.formats import ob2
from core.badges.inputs.baked import extract
from core.badges.jsonld.contexts import ContextStore
from core.badges.net.fetcher import Fetched, FetchSession
from core.badges.report import Outcome, Report, Status
from core.badges.run import VerificationRun
from tests.fakes.badge_server import BadgeServer

NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)
OB2_CONTEXT = "https://w3id.org/openbadges/v2"
NOBODY = "nobody@example.org"  # the recipient of the upstream vectors (hashed with salt "deadsea")
ASSERTION_URL = "https://example.org/beths-robotics-badge.json"


class MappedSession:
    """The real FetchSession with every host mapped onto the local BadgeServer (at ``/HOST/path``)."""

    def __init__(self, session: FetchSession, server: BadgeServer) -> None:
        self._session = session
        self._server = server

    @property
    def warnings(self) -> list[str]:
        return self._session.warnings

    def get(self, url: str, *, accept: Sequence[str], allow_http: bool = False) -> Fetched:
        parts = urlsplit(url)
        base = self._server.origin if parts.scheme == "http" else self._server.https_url("")
        local = f"{base}/{parts.netloc}{parts.path}" + (f"?{parts.query}" if parts.query else "")
        fetched = self._session.get(local, accept=accept, allow_http=allow_http)
        final = urlsplit(fetched.url)
        host, _, path = final.path.lstrip("/").partition("/")
        query = f"?{final.query}" if final.query else ""
        return dataclasses.replace(fetched, url=f"{final.scheme}://{host}/{path}{query}")


class Net:
    """Serve documents at the URLs badges name, and start verification runs that reach them."""

    def __init__(self, server: BadgeServer) -> None:
        self.server = server
        self.fetcher = server.fetcher()

    def serve(self, url: str, body: Any, **options: Any) -> str:
        parts = urlsplit(url)
        self.server.route(f"/{parts.netloc}{parts.path}", body, **options)
        return url

    def serve_files(self, folder: Path, mapping: dict[str, str]) -> None:
        for url, name in mapping.items():
            self.serve(url, (folder / name).read_bytes())

    def redirect(self, url: str, target: str) -> None:
        target_parts = urlsplit(target)
        base = self.server.origin if target_parts.scheme == "http" else self.server.https_url("")
        self.server.redirect(
            f"/{urlsplit(url).netloc}{urlsplit(url).path}", f"{base}/{target_parts.netloc}{target_parts.path}"
        )

    def run(self, email: str | None = None) -> VerificationRun:
        session = MappedSession(self.fetcher.session(), self.server)
        return VerificationRun(session, ContextStore(None), NOW, email)  # type: ignore[arg-type]

    def fetched(self) -> list[str]:
        return [path.split("?", 1)[0] for path in self.server.requests]


@pytest.fixture
def net(badge_server: BadgeServer) -> Net:
    return Net(badge_server)


@pytest.fixture
def vectors(shared_dir: Path) -> Path:
    return shared_dir / "vectors" / "ob2"


def outcome(report: Report, name: str) -> list[Outcome]:
    return [check.result for check in report.checks if check.name == name]


def failed(report: Report) -> tuple[str, str]:
    """(name, detail) of the first failed check."""
    check = next(check for check in report.checks if check.result is Outcome.FAILED)
    return check.name, check.detail


# --- validator-core: the hosted 2.0 trio and the legacy versions ------------------------------------

VALIDATOR_CORE_2_0 = {
    ASSERTION_URL: "2_0_basic_assertion.json",
    "https://example.org/robotics-badge.json": "2_0_basic_badgeclass.json",
    "https://example.org/organization.json": "2_0_basic_issuer.json",
}


def test_validator_core_hosted_assertion_is_verified(net: Net, vectors: Path) -> None:
    net.serve_files(vectors / "validator-core", VALIDATOR_CORE_2_0)
    report = ob2.verify_hosted(ASSERTION_URL, net.run())
    assert report.status is Status.VERIFIED, report.reason
    assert report.format == "ob2-hosted"
    assert (report.issuer_id, report.issuer_name) == (
        "https://example.org/organization.json",
        "An Example Badge Issuer",
    )
    assert report.badge_name == "Awesome Robotics Badge"
    assert report.issued == dt.datetime(2016, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
    assert report.expires is None
    assert report.recipient_match is None
    assert outcome(report, "recipient") == [Outcome.SKIPPED]
    assert outcome(report, "origin") == [Outcome.PASSED]
    assert report.credential["id"] == ASSERTION_URL
    assert report.source_url == ASSERTION_URL


def test_validator_core_recipient_email_matches_or_not(net: Net, vectors: Path) -> None:
    net.serve_files(vectors / "validator-core", VALIDATOR_CORE_2_0)
    matching = ob2.verify_hosted(ASSERTION_URL, net.run(NOBODY))
    assert (matching.status, matching.recipient_match) == (Status.VERIFIED, True)
    other = ob2.verify_hosted(ASSERTION_URL, net.run("someone@example.org"))
    assert (other.status, other.recipient_match) == (Status.INVALID, False)
    assert failed(other) == ("recipient", "awarded to a different email address")
    assert all("someone" not in check.detail for check in other.checks)


def test_pasted_assertion_is_verified_through_its_hosted_copy(net: Net, vectors: Path) -> None:
    net.serve_files(vectors / "validator-core", VALIDATOR_CORE_2_0)
    pasted = json.loads((vectors / "validator-core" / "2_0_basic_assertion.json").read_text())
    report = ob2.verify_assertion_json(pasted, net.run(NOBODY))
    assert report.status is Status.VERIFIED, report.reason
    assert report.credential == pasted  # here the same as the hosted copy, which is what is kept
    assert report.source_url == ASSERTION_URL
    assert "/example.org/beths-robotics-badge.json" in net.fetched()


def test_pasted_assertion_that_differs_from_the_hosted_one_is_reported(net: Net, vectors: Path) -> None:
    net.serve_files(vectors / "validator-core", VALIDATOR_CORE_2_0)
    pasted = json.loads((vectors / "validator-core" / "2_0_basic_assertion.json").read_text())
    pasted["issuedOn"] = "2015-12-31T23:59:59Z"
    pasted["evidence"] = "https://example.org/better-work.html"
    report = ob2.verify_assertion_json(pasted, net.run())
    # the spec: the hosted copy *is* the assertion; the one given only said where to find it
    assert report.status is Status.VERIFIED
    assert report.issued == dt.datetime(2016, 12, 31, 23, 59, 59, tzinfo=dt.UTC)  # the hosted copy's
    assert report.credential["issuedOn"] == "2016-12-31T23:59:59Z"
    note = next(check for check in report.checks if check.name == "properties")
    assert (note.result, note.required) == (Outcome.PASSED, False)
    assert note.detail == (
        "verified the issuer's hosted copy, which differs from the one given (changed: evidence, issuedOn)"
    )


def test_validator_core_1_1_hosted_assertion_is_legacy(net: Net, vectors: Path) -> None:
    net.serve_files(
        vectors / "validator-core",
        {
            ASSERTION_URL: "1_1_basic_assertion.json",
            "https://example.org/robotics-badge.json": "1_1_basic_badgeclass.json",
            "https://example.org/organization.json": "1_1_basic_issuer.json",
        },
    )
    report = ob2.verify_hosted(ASSERTION_URL, net.run())
    assert report.status is Status.UNVERIFIABLE
    assert (
        report.reason
        == "context: legacy Open Badges version (1.1); only Open Badges 2.0 and 3.0 are verified"
    )


@pytest.mark.parametrize(
    ("name", "version"),
    [("1_0_basic_assertion.json", "1.0"), ("0_5_assertion.json", "0.5"), ("0_5_1_assertion.json", "0.5")],
)
def test_pasted_legacy_assertions_are_unverifiable_and_nothing_is_fetched(
    net: Net, vectors: Path, name: str, version: str
) -> None:
    report = ob2.verify_assertion_json(json.loads((vectors / "validator-core" / name).read_text()), net.run())
    assert report.status is Status.UNVERIFIABLE
    assert report.reason.startswith(f"context: legacy Open Badges version ({version})")
    assert net.fetched() == []


# --- 1EdTech validator (ob20): signed JWTs, the baked PNG and the hosted variants ----------------------

ONEEDTECH_ASSETS = (
    "badge-from-organization-with-empty-revocation-list.json",
    "badge-from-organization-with-revocation-list.json",
    "organization-with-empty-revocation-list.json",
    "organization-with-revocation-list.json",
    "organization.json",
    "robotics-badge.json",
)
ONEEDTECH_HTTP_ASSETS = (
    "key1.json",
    "key2.json",
    "key3.json",
    "empty-revocation-list.json",
    "revocation-list.json",
)


@pytest.fixture
def oneedtech(net: Net, vectors: Path) -> Path:
    folder = vectors / "1edtech-validator-ob20"
    net.serve_files(folder / "assets", {f"https://example.org/{name}": name for name in ONEEDTECH_ASSETS})
    net.serve_files(folder / "assets", {f"http://example.org/{name}": name for name in ONEEDTECH_HTTP_ASSETS})
    return folder


@pytest.mark.parametrize("name", ["simple.jwt", "simple-not-revoked.jwt"])
def test_1edtech_signed_jwts_are_verified(net: Net, oneedtech: Path, name: str) -> None:
    token = (oneedtech / name).read_text().strip()
    run = net.run(NOBODY)
    report = ob2.verify_signed(token, run)
    assert report.status is Status.VERIFIED, report.reason
    assert report.format == "ob2-signed"
    assert report.credential == token
    assert report.recipient_match is True
    assert outcome(report, "signature") == [Outcome.PASSED]
    # the keys are published over plain http: fetched (legacy), and the fetcher says so
    assert any("plain http" in warning for warning in run.fetch.warnings)


def test_1edtech_signed_jwt_without_revocation_list_skips_revocation_without_weakening(
    net: Net, oneedtech: Path
) -> None:
    report = ob2.verify_signed((oneedtech / "simple.jwt").read_text(), net.run())
    assert [(c.result, c.required) for c in report.checks if c.name == "revocation"] == [
        (Outcome.SKIPPED, False)
    ]


def test_1edtech_empty_revocation_list_is_checked(net: Net, oneedtech: Path) -> None:
    report = ob2.verify_signed((oneedtech / "simple-not-revoked.jwt").read_text(), net.run())
    assert outcome(report, "revocation") == [Outcome.PASSED]
    assert "/example.org/empty-revocation-list.json" in net.fetched()


def test_1edtech_revoked_jwt(net: Net, oneedtech: Path) -> None:
    report = ob2.verify_signed((oneedtech / "simple-revoked.jwt").read_text(), net.run())
    assert report.status is Status.INVALID
    assert failed(report) == ("revocation", "the issuer has revoked this assertion: A good reason, for sure")
    assert outcome(report, "signature") == [Outcome.PASSED]


def test_1edtech_baked_png_is_verified_through_the_hosted_assertion(net: Net, oneedtech: Path) -> None:
    net.serve_files(oneedtech, {ASSERTION_URL: "basic-assertion.json"})
    payload = extract((oneedtech / "simple-badge.png").read_bytes())
    report = ob2.verify_assertion_json(json.loads(payload.text), net.run(NOBODY))
    assert report.status is Status.VERIFIED, report.reason


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("basic-assertion.json", None),
        ("basic-assertion-expired.json", ("expiry", "the badge expired on 2022-11-15")),
        ("basic-assertion-expired-before-issued.json", ("expiry", "the badge expires before its issue date")),
        ("basic-assertion-in-future.json", ("issued", "the issue date 2100-12-31 is in the future")),
    ],
)
def test_1edtech_hosted_assertions(
    net: Net, oneedtech: Path, name: str, expected: tuple[str, str] | None
) -> None:
    net.serve_files(oneedtech, {ASSERTION_URL: name})
    report = ob2.verify_hosted(ASSERTION_URL, net.run())
    if expected is None:
        assert report.status is Status.VERIFIED, report.reason
    else:
        assert report.status is Status.INVALID
        assert failed(report) == expected


# --- generated: RS256 JWS with a single-entry revocation list -----------------------------------------


@pytest.fixture
def generated(net: Net, vectors: Path) -> Path:
    folder = vectors / "generated"
    net.serve_files(
        folder,
        {
            "https://example.org/robotics-badge.json": "badgeclass.json",
            "https://example.org/organization.json": "issuer.json",
            "https://example.org/key1.json": "key1.json",
            "https://example.org/revocations.json": "revocations.json",
        },
    )
    return folder


def test_generated_signed_assertion_is_verified(net: Net, generated: Path) -> None:
    report = ob2.verify_signed((generated / "signed_assertion.jws").read_text(), net.run(NOBODY))
    assert report.status is Status.VERIFIED, report.reason
    assert outcome(report, "revocation") == [Outcome.PASSED]
    assert outcome(report, "key") == [Outcome.PASSED]


def test_generated_revoked_assertion_with_a_single_entry_list_is_revoked(net: Net, generated: Path) -> None:
    # badgecheck 1.1.2 calls this one valid (see the README): the single entry must count
    report = ob2.verify_signed((generated / "signed_assertion_revoked.jws").read_text(), net.run())
    assert report.status is Status.INVALID
    assert failed(report) == ("revocation", "the issuer has revoked this assertion: Issued in error")


def test_generated_tampered_assertion_fails_its_signature(net: Net, generated: Path) -> None:
    report = ob2.verify_signed((generated / "signed_assertion_tampered.jws").read_text(), net.run())
    assert report.status is Status.INVALID
    assert failed(report)[0] == "signature"


def test_generated_baked_heart_is_verified(net: Net, vectors: Path) -> None:
    net.serve_files(vectors / "validator-core", VALIDATOR_CORE_2_0)
    payload = extract((vectors / "generated" / "baked_heart_2_0_assertion.png").read_bytes())
    report = ob2.verify_assertion_json(json.loads(payload.text), net.run(NOBODY))
    assert report.status is Status.VERIFIED, report.reason


# --- every signed vector fails after a one-character change in a signed part ---------------------------

SIGNED_VECTORS = [  # (fixture serving what the token links to, file)
    ("oneedtech", "simple.jwt"),
    ("oneedtech", "simple-not-revoked.jwt"),
    ("generated", "signed_assertion.jws"),
]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _tamper_payload(token: str) -> str:
    header, payload, signature = token.split(".")
    changed = _unb64(payload).replace(b'"issuedOn":"2016', b'"issuedOn":"2015')
    assert changed != _unb64(payload)
    return ".".join((header, _b64(changed), signature))


def _tamper_header(token: str) -> str:
    header, payload, signature = token.split(".")
    changed = _unb64(header).replace(b'"JWT"', b'"JWS"')
    assert changed != _unb64(header)
    return ".".join((_b64(changed), payload, signature))


def _tamper_signature(token: str) -> str:
    header, payload, signature = token.split(".")
    middle = len(signature) // 2
    flipped = "A" if signature[middle] != "A" else "B"
    return ".".join((header, payload, signature[:middle] + flipped + signature[middle + 1 :]))


@pytest.mark.parametrize(("serving", "name"), SIGNED_VECTORS)
@pytest.mark.parametrize("tamper", [_tamper_payload, _tamper_header, _tamper_signature])
def test_one_character_changes_break_every_signed_vector(
    request: pytest.FixtureRequest, net: Net, serving: str, name: str, tamper: Callable[[str], str]
) -> None:
    folder: Path = request.getfixturevalue(serving)
    token = (folder / name).read_text().strip()
    assert ob2.verify_signed(token, net.run()).status is Status.VERIFIED
    report = ob2.verify_signed(tamper(token), net.run())
    assert report.status is Status.INVALID
    assert failed(report) == (
        "signature",
        "the signature does not match the assertion (altered or wrong key)",
    )


# --- spec examples ------------------------------------------------------------------------------------


def test_spec_example_hosted_assertion_has_expired(net: Net, vectors: Path) -> None:
    net.serve_files(
        vectors / "spec-examples",
        {
            ASSERTION_URL: "assertion.json",
            "https://example.org/robotics-badge.json": "badgeclass.json",
            "https://example.org/organization.json": "issuer.json",
        },
    )
    report = ob2.verify_hosted(ASSERTION_URL, net.run())
    assert report.status is Status.INVALID
    assert failed(report) == ("expiry", "the badge expired on 2017-06-30")
    assert report.expires == dt.datetime(2017, 6, 30, 23, 59, 59, tzinfo=dt.UTC)


@pytest.mark.parametrize("status", [410, 200])
def test_spec_example_revoked_hosted_assertion(net: Net, vectors: Path, status: int) -> None:
    body = (vectors / "spec-examples" / "revoked-hosted-assertion.json").read_bytes()
    net.serve(ASSERTION_URL, body, status=status)
    report = ob2.verify_hosted(ASSERTION_URL, net.run())
    assert report.status is Status.INVALID
    name, detail = failed(report)
    assert name == "revocation"
    assert detail.endswith("three stacked children in a trenchcoat with dryer vent hose arms.")
    assert ("HTTP 410" in detail) is (status == 410)


def test_spec_example_signed_badge_parses_but_its_key_is_not_the_issuers(net: Net, vectors: Path) -> None:
    # The spec says its example key does not exist; it names a creator the issuer does not list.
    net.serve_files(
        vectors / "spec-examples",
        {
            "https://example.org/robotics-badge.json": "badgeclass.json",
            "https://example.org/organization.json": "issuer.json",
        },
    )
    report = ob2.verify_signed(
        (vectors / "spec-examples" / "signed-example-NOT-VERIFIABLE.jws").read_text(), net.run()
    )
    assert report.status is Status.INVALID
    assert failed(report) == ("key", "the signing key is not listed in the issuer's publicKey")
    assert report.badge_name == "Awesome Robotics Badge"


@pytest.mark.parametrize(
    ("assertion_id", "uid", "reason"),
    [
        ("urn:uuid:3c574c87-b96f-4f06-8eb5-68a29335b60e", None, ""),  # a bare string entry
        ("urn:uuid:e79a6c18-787e-4868-8e65-e6a4530fb418", None, ": Honor code violation"),
        ("urn:uuid:00000000-0000-4000-8000-000000000000", "abc123", ": Issued in error."),  # legacy uid
    ],
)
def test_spec_example_revocation_list_entries(
    net: Net, vectors: Path, world: World, assertion_id: str, uid: str | None, reason: str
) -> None:
    net.serve(
        world.issuer["revocationList"], (vectors / "spec-examples" / "revocation-list.json").read_bytes()
    )
    extra = {"uid": uid} if uid else {}
    report = ob2.verify_signed(world.sign(id=assertion_id, **extra), net.run())
    assert failed(report) == ("revocation", "the issuer has revoked this assertion" + reason)


# --- cases upstream lacks: a test issuer with a key generated here -------------------------------------


@pytest.fixture(scope="module")
def private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclasses.dataclass
class World:
    """A signing issuer served at https://issuer.example/: profile, key, BadgeClass, revocation list."""

    net: Net
    private_key: rsa.RSAPrivateKey
    issuer: dict[str, Any] = dataclasses.field(default_factory=dict)
    key: dict[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        pem = self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.issuer = {
            "@context": OB2_CONTEXT,
            "type": "Issuer",
            "id": "https://issuer.example/issuer.json",
            "name": "Test Issuer",
            "url": "https://issuer.example",
            "email": "badges@issuer.example",
            "publicKey": "https://issuer.example/key.json",
            "revocationList": "https://issuer.example/revocations.json",
        }
        self.key = {
            "@context": OB2_CONTEXT,
            "type": "CryptographicKey",
            "id": "https://issuer.example/key.json",
            "owner": "https://issuer.example/issuer.json",
            "publicKeyPem": pem.decode(),
        }
        self.publish()
        self.net.serve(
            "https://issuer.example/badge.json",
            {
                "@context": OB2_CONTEXT,
                "type": "BadgeClass",
                "id": "https://issuer.example/badge.json",
                "name": "Test Badge",
                "description": "For tests.",
                "image": "https://issuer.example/badge.png",
                "criteria": "https://issuer.example/criteria.html",
                "issuer": "https://issuer.example/issuer.json",
            },
        )
        self.revoke()

    def publish(self) -> None:
        self.net.serve(self.issuer["id"], self.issuer)
        self.net.serve(self.key["id"], self.key)

    def revoke(self, *entries: Any) -> None:
        body = {
            "@context": OB2_CONTEXT,
            "type": "RevocationList",
            "id": "https://issuer.example/revocations.json",
            "revokedAssertions": entries[0] if len(entries) == 1 else list(entries),
        }
        self.net.serve("https://issuer.example/revocations.json", body)

    def assertion(self, **changes: Any) -> dict[str, Any]:
        assertion = {
            "@context": OB2_CONTEXT,
            "type": "Assertion",
            "id": "urn:uuid:2d3a1f1e-4c52-4f0b-9a57-6b3c1c0f0001",
            "recipient": {"type": "email", "hashed": False, "identity": "learner@example.org"},
            "badge": "https://issuer.example/badge.json",
            "issuedOn": "2024-01-15T10:00:00Z",
            "verification": {"type": "SignedBadge", "creator": "https://issuer.example/key.json"},
        }
        assertion.update(changes)
        return {key: value for key, value in assertion.items() if value is not None}

    def sign(self, *, algorithm: str = "RS256", key: Any = None, **changes: Any) -> str:
        payload = json.dumps(self.assertion(**changes)).encode()
        return jwt.api_jws.PyJWS().encode(payload, key or self.private_key, algorithm=algorithm)


@pytest.fixture
def world(net: Net, private_key: rsa.RSAPrivateKey) -> World:
    return World(net, private_key)


def test_own_signed_assertion_is_verified(net: Net, world: World) -> None:
    report = ob2.verify_signed(world.sign(), net.run("Learner@Example.org"))
    assert report.status is Status.VERIFIED, report.reason
    assert (report.issuer_id, report.issuer_name, report.badge_name) == (
        "https://issuer.example/issuer.json",
        "Test Issuer",
        "Test Badge",
    )
    assert report.recipient_match is True


def test_without_creator_the_issuers_listed_keys_are_tried(net: Net, world: World) -> None:
    report = ob2.verify_signed(world.sign(verification={"type": "signed"}), net.run())
    assert report.status is Status.VERIFIED, report.reason


@pytest.mark.parametrize("algorithm", ["md5", "sha256"])
@pytest.mark.parametrize("salt", ["s@lt", None])
def test_hashed_recipients_with_and_without_salt(
    net: Net, world: World, algorithm: str, salt: str | None
) -> None:
    digest = hashlib.new(algorithm, ("learner@example.org" + (salt or "")).encode()).hexdigest()
    recipient = {"type": "email", "hashed": True, "identity": f"{algorithm}${digest}"}
    if salt is not None:
        recipient["salt"] = salt
    token = world.sign(recipient=recipient)
    assert ob2.verify_signed(token, net.run("learner@example.org")).recipient_match is True
    wrong = ob2.verify_signed(token, net.run("other@example.org"))
    assert (wrong.status, wrong.recipient_match) == (Status.INVALID, False)


def test_recipient_by_url_is_not_compared(net: Net, world: World) -> None:
    token = world.sign(recipient={"type": "url", "hashed": False, "identity": "https://learner.example"})
    report = ob2.verify_signed(token, net.run("learner@example.org"))
    assert report.status is Status.VERIFIED
    assert report.recipient_match is None
    check = next(check for check in report.checks if check.name == "recipient")
    assert (check.result, check.required) == (Outcome.SKIPPED, False)
    assert check.detail == "the recipient is identified by url, not by email; not compared"


def test_unsupported_recipient_hash_is_invalid(net: Net, world: World) -> None:
    token = world.sign(recipient={"type": "email", "hashed": True, "identity": "sha1$" + "0" * 40})
    assert failed(ob2.verify_signed(token, net.run())) == (
        "recipient",
        "the recipient hash is malformed or not sha256 / md5",
    )


def test_key_not_listed_in_the_issuers_public_key(net: Net, world: World) -> None:
    world.issuer["publicKey"] = "https://issuer.example/other-key.json"
    world.publish()
    report = ob2.verify_signed(world.sign(), net.run())
    assert failed(report) == ("key", "the signing key is not listed in the issuer's publicKey")
    assert "/issuer.example/key.json" not in net.fetched()  # an unlisted key is never even fetched


def test_key_owned_by_someone_else(net: Net, world: World) -> None:
    world.key["owner"] = "https://attacker.example/issuer.json"
    world.publish()
    assert failed(ob2.verify_signed(world.sign(), net.run())) == (
        "key",
        "the signing key's owner is not the issuer",
    )


def test_key_document_claiming_another_id(net: Net, world: World) -> None:
    world.key["id"] = "https://issuer.example/key-v2.json"
    net.serve("https://issuer.example/key.json", world.key)
    assert failed(ob2.verify_signed(world.sign(), net.run())) == (
        "key",
        "the signing key at issuer.example declares a different id",
    )


@pytest.mark.filterwarnings("ignore:The RSA key is 1024 bits long")
def test_short_rsa_key_is_not_trusted(net: Net, world: World) -> None:
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 (the point)
    world.key["publicKeyPem"] = (
        weak.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    world.publish()
    report = ob2.verify_signed(world.sign(key=weak), net.run())
    assert report.status is Status.UNVERIFIABLE
    assert report.reason == "key: the issuer's RSA key has only 1024 bits, too few to trust"


def test_signature_by_another_key(net: Net, world: World) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert failed(ob2.verify_signed(world.sign(key=stranger), net.run()))[0] == "signature"


def test_hs256_with_the_public_key_as_secret_is_refused(net: Net, world: World) -> None:
    payload = json.dumps(world.assertion()).encode()
    forged = ".".join(
        (
            _b64(b'{"alg":"HS256"}'),
            _b64(payload),
            _b64(b"\0" * 32),
        )
    )
    assert failed(ob2.verify_signed(forged, net.run())) == (
        "signature",
        "Open Badges 2.0 signed assertions must use RS256",
    )
    assert net.fetched() == []


def test_alg_none_is_refused(net: Net, world: World) -> None:
    token = ".".join((_b64(b'{"alg":"none"}'), _b64(json.dumps(world.assertion()).encode()), ""))
    assert failed(ob2.verify_signed(token, net.run())) == (
        "signature",
        "Open Badges 2.0 signed assertions must use RS256",
    )


def test_not_a_jws(net: Net) -> None:
    assert failed(ob2.verify_signed("not.a.jws", net.run())) == ("format", "the token is not a compact JWS")


@pytest.mark.parametrize(
    "entries",
    [
        (
            {"id": "urn:uuid:2d3a1f1e-4c52-4f0b-9a57-6b3c1c0f0001", "revocationReason": "Cheated"},
        ),  # one, scalar
        (
            [{"id": "urn:uuid:2d3a1f1e-4c52-4f0b-9a57-6b3c1c0f0001", "revocationReason": "Cheated"}],
        ),  # one, list
        (
            "urn:uuid:other",
            {"id": "urn:uuid:2d3a1f1e-4c52-4f0b-9a57-6b3c1c0f0001", "revocationReason": "Cheated"},
        ),
    ],
)
def test_revocation_list_with_one_or_many_entries(net: Net, world: World, entries: tuple[Any, ...]) -> None:
    world.revoke(*entries)
    assert failed(ob2.verify_signed(world.sign(), net.run())) == (
        "revocation",
        "the issuer has revoked this assertion: Cheated",
    )


def test_assertion_not_on_a_list_of_others(net: Net, world: World) -> None:
    world.revoke("urn:uuid:other-1", {"id": "urn:uuid:other-2"}, {"uid": "x"})
    report = ob2.verify_signed(world.sign(), net.run())
    assert report.status is Status.VERIFIED
    assert outcome(report, "revocation") == [Outcome.PASSED]


@pytest.mark.parametrize("status", [404, 500])
def test_unreachable_revocation_list_makes_it_unverifiable(net: Net, world: World, status: int) -> None:
    net.serve("https://issuer.example/revocations.json", "down", status=status, content_type="text/plain")
    report = ob2.verify_signed(world.sign(), net.run())
    assert report.status is Status.UNVERIFIABLE
    assert report.reason.startswith("revocation: the revocation list could not be fetched")


def test_signed_assertion_expired_or_from_the_future(net: Net, world: World) -> None:
    expired = ob2.verify_signed(world.sign(expires="2024-03-01T00:00:00Z"), net.run())
    assert failed(expired) == ("expiry", "the badge expired on 2024-03-01")
    future = ob2.verify_signed(world.sign(issuedOn="2024-07-01T00:00:00+00:00"), net.run())
    assert failed(future) == ("issued", "the issue date 2024-07-01 is in the future")
    valid_until = ob2.verify_signed(world.sign(expires="2030-01-01T00:00:00Z"), net.run())
    assert valid_until.status is Status.VERIFIED
    assert valid_until.expires == dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def test_signed_assertion_pasted_as_json_needs_its_jws(net: Net, world: World) -> None:
    report = ob2.verify_assertion_json(world.assertion(), net.run())
    assert report.status is Status.UNVERIFIABLE
    assert report.format == "ob2-signed"
    assert net.fetched() == []


def test_embedded_issuer_cannot_vouch_for_its_own_key(net: Net, world: World) -> None:
    # The signed payload embeds a BadgeClass whose issuer claims a key the real issuer never listed.
    badge = {
        "type": "BadgeClass",
        "id": "urn:uuid:badge",
        "name": "Forged",
        "issuer": {**world.issuer, "publicKey": "https://attacker.example/key.json"},
    }
    attacker = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    net.serve("https://attacker.example/key.json", {**world.key, "id": "https://attacker.example/key.json"})
    creator = {"type": "SignedBadge", "creator": "https://attacker.example/key.json"}
    token = world.sign(key=attacker, badge=badge, verification=creator)
    assert failed(ob2.verify_signed(token, net.run())) == (
        "key",
        "the signing key is not listed in the issuer's publicKey",
    )


# --- hosted verification scope ------------------------------------------------------------------------


def _hosted(assertion_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": assertion_id,
        "recipient": {"type": "email", "hashed": False, "identity": "learner@example.org"},
        "badge": "https://issuer.example/badge.json",
        "issuedOn": "2024-01-15T10:00:00Z",
        "verification": {"type": "HostedBadge"},
        **changes,
    }


def test_hosted_on_the_issuers_host(net: Net, world: World) -> None:
    url = net.serve(
        "https://issuer.example/assertions/1.json", _hosted("https://issuer.example/assertions/1.json")
    )
    report = ob2.verify_hosted(url, net.run())
    assert report.status is Status.VERIFIED, report.reason


def test_the_default_port_written_out_is_still_the_issuers_host(net: Net, world: World) -> None:
    url = net.serve("https://issuer.example:443/1.json", _hosted("https://issuer.example:443/1.json"))
    report = ob2.verify_hosted(url, net.run())
    assert report.status is Status.VERIFIED, report.reason


def test_assertion_on_a_foreign_origin(net: Net, world: World) -> None:
    url = net.serve("https://evil.example/1.json", _hosted("https://evil.example/1.json"))
    assert failed(ob2.verify_hosted(url, net.run())) == (
        "origin",
        "the assertion is hosted on evil.example, not on the issuer's site",
    )


def test_embedded_issuer_with_forged_allowed_origins_is_not_trusted(net: Net, world: World) -> None:
    badge = {
        "type": "BadgeClass",
        "id": "https://evil.example/badge.json",
        "name": "Forged",
        "issuer": {**world.issuer, "verification": {"allowedOrigins": "evil.example"}},
    }
    url = net.serve("https://evil.example/1.json", _hosted("https://evil.example/1.json", badge=badge))
    report = ob2.verify_hosted(url, net.run())
    assert failed(report)[0] == "origin"
    assert "/issuer.example/issuer.json" in net.fetched()  # the issuer's own profile decided


@pytest.mark.parametrize(
    ("policy", "assertion_url", "verified"),
    [
        ({"allowedOrigins": "badges.partner.example"}, "https://badges.partner.example/1.json", True),
        (
            {"allowedOrigins": ["a.example", "badges.partner.example"]},
            "https://badges.partner.example/1.json",
            True,
        ),
        ({"allowedOrigins": "badges.partner.example"}, "https://issuer.example/1.json", False),  # list rules
        (
            {"startsWith": "https://issuer.example/assertions/"},
            "https://issuer.example/assertions/1.json",
            True,
        ),
        ({"startsWith": "https://issuer.example/assertions/"}, "https://issuer.example/other/1.json", False),
        ({"allowedOrigins": "badges.partner.example"}, "https://badges.partner.example:8443/1.json", False),
        (
            {"allowedOrigins": "badges.partner.example:8443"},
            "https://badges.partner.example:8443/1.json",
            True,
        ),
        (
            {"startsWith": ["https://x.example/", "https://issuer.example/assertions/"]},
            "https://issuer.example/assertions/2.json",
            True,
        ),
    ],
)
def test_issuer_verification_policy_is_honoured(
    net: Net, world: World, policy: dict[str, Any], assertion_url: str, verified: bool
) -> None:
    world.issuer["verification"] = {"type": "VerificationObject", **policy}
    world.publish()
    net.serve(assertion_url, _hosted(assertion_url))
    report = ob2.verify_hosted(assertion_url, net.run())
    assert (report.status is Status.VERIFIED) is verified, report.reason
    if not verified:
        assert failed(report)[0] == "origin"


def test_assertion_redirected_to_another_site(net: Net, world: World) -> None:
    net.serve("https://evil.example/1.json", _hosted("https://issuer.example/1.json"))
    net.redirect("https://issuer.example/1.json", "https://evil.example/1.json")
    assert failed(ob2.verify_hosted("https://issuer.example/1.json", net.run())) == (
        "origin",
        "the assertion URL redirected to another site (evil.example)",
    )


@pytest.mark.parametrize(
    ("target", "moved_to"),
    [
        ("https://issuer.example:8443/1.json", "issuer.example:8443"),  # another port, same host
        ("http://issuer.example/2.json", "issuer.example"),  # https to plain http
        ("https://www.issuer.example/1.json", None),  # www. is the same site
        ("https://issuer.example:443/2.json", None),  # the default port, written out
    ],
)
def test_a_redirect_must_stay_on_the_assertions_origin(
    net: Net, world: World, target: str, moved_to: str | None
) -> None:
    net.serve(target, _hosted("https://issuer.example/1.json"))
    net.redirect("https://issuer.example/1.json", target)
    report = ob2.verify_hosted("https://issuer.example/1.json", net.run())
    if moved_to is None:
        assert report.status is Status.VERIFIED, report.reason
    else:
        assert failed(report) == ("origin", f"the assertion URL redirected to another site ({moved_to})")


def _served_http_issuer(net: Net, world: World) -> dict[str, Any]:
    """An issuer Profile served over plain http, and a BadgeClass naming it."""
    world.issuer["id"] = "http://issuer.example/issuer.json"
    net.serve("http://issuer.example/issuer.json", world.issuer)
    return {
        "type": "BadgeClass",
        "id": "urn:uuid:b",
        "name": "B",
        "issuer": "http://issuer.example/issuer.json",
    }


def test_an_http_assertion_upgraded_to_https_on_the_same_host_is_verified(net: Net, world: World) -> None:
    badge = _served_http_issuer(net, world)
    net.serve("https://issuer.example/2.json", _hosted("http://issuer.example/1.json", badge=badge))
    net.redirect("http://issuer.example/1.json", "https://issuer.example/2.json")
    report = ob2.verify_hosted("http://issuer.example/1.json", net.run())
    assert report.status is Status.VERIFIED, report.reason


def test_a_redirect_to_another_local_server_on_the_same_host_is_another_origin(
    badge_server: BadgeServer,
) -> None:
    """Two real servers on 127.0.0.1, two ports: the port the fetcher ended on is the one compared."""
    with BadgeServer() as other:
        assertion_url = badge_server.https_url("/1.json")
        other.route("/1.json", _hosted(assertion_url))
        badge_server.redirect("/1.json", other.https_url("/1.json"))
        fetcher = badge_server.fetcher(test_hosts={other.host})
        run = VerificationRun(fetcher.session(), ContextStore(None), NOW, None)
        report = ob2.verify_hosted(assertion_url, run)
    assert failed(report) == ("origin", f"the assertion URL redirected to another site ({other.host})")
    assert other.requests == ["/1.json"]  # fetched there, and nothing after it


def test_platform_url_with_a_query_is_checked_at_the_assertions_own_id(net: Net, world: World) -> None:
    net.serve("https://issuer.example/1.json", _hosted("https://issuer.example/1.json"))
    report = ob2.verify_hosted("https://issuer.example/1.json?v=2_0", net.run())
    assert report.status is Status.VERIFIED, report.reason
    assert net.server.requests[:2] == ["/issuer.example/1.json?v=2_0", "/issuer.example/1.json"]


def test_hosted_copy_claiming_another_id(net: Net, world: World) -> None:
    net.serve("https://issuer.example/1.json", _hosted("https://issuer.example/2.json"))
    net.serve("https://issuer.example/2.json", _hosted("https://issuer.example/3.json"))
    report = ob2.verify_hosted("https://issuer.example/1.json", net.run())
    assert failed(report) == ("origin", "the hosted assertion's id is not the URL it is hosted at")


@pytest.mark.parametrize(
    ("status", "expected"),
    [(404, Status.INVALID), (500, Status.UNVERIFIABLE), (503, Status.UNVERIFIABLE)],
)
def test_missing_or_failing_hosted_assertion(net: Net, status: int, expected: Status) -> None:
    net.serve("https://issuer.example/1.json", "nope", status=status, content_type="text/plain")
    assert ob2.verify_hosted("https://issuer.example/1.json", net.run()).status is expected


def test_hosted_assertion_that_is_not_json(net: Net) -> None:
    net.serve("https://issuer.example/1.json", "<html></html>", content_type="text/html")
    report = ob2.verify_hosted("https://issuer.example/1.json", net.run())
    assert report.status is Status.UNVERIFIABLE
    assert report.reason.startswith("fetch: the assertion could not be fetched: the site sent text/html")


def test_missing_badge_class_is_invalid(net: Net, world: World) -> None:
    gone = "https://issuer.example/gone.json"
    url = net.serve("https://issuer.example/1.json", _hosted("https://issuer.example/1.json", badge=gone))
    assert failed(ob2.verify_hosted(url, net.run())) == (
        "fetch",
        "the BadgeClass is gone from issuer.example (HTTP 404)",
    )


def test_plain_http_hosted_assertion_is_fetched_and_flagged(net: Net, world: World) -> None:
    badge = _served_http_issuer(net, world)
    url = "http://issuer.example/1.json"
    net.serve(url, _hosted(url, badge=badge))
    run = net.run()
    report = ob2.verify_hosted(url, run)
    assert report.status is Status.VERIFIED, report.reason
    fetch_details = [check.detail for check in report.checks if check.name == "fetch"]
    assert fetch_details == ["assertion fetched from issuer.example (over plain HTTP)"]
    assert run.fetch.warnings  # the fetcher's own warning, which the dispatcher adds to the report


def test_unknown_context_is_invalid(net: Net) -> None:
    document = {"@context": "https://example.org/ctx", "id": "https://x.example/1"}
    report = ob2.verify_assertion_json(document, net.run())
    assert failed(report) == ("context", "the @context is not the Open Badges 2.0 context")


def test_malformed_assertion_lists_what_is_missing(net: Net) -> None:
    url = "https://issuer.example/1.json"
    net.serve(url, {"@context": OB2_CONTEXT, "id": url})
    assert failed(ob2.verify_hosted(url, net.run())) == (
        "properties",
        "the assertion is malformed: type is not Assertion; recipient is missing; badge is missing; "
        "issuedOn is missing; verification is missing",
    )

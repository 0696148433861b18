"""Open Badges 3.0 / VC Data Integrity credentials end to end: every OB 3.0 vector, then fresh ones.

Vector hosts (https://example.com/issuers/876543, raw.githubusercontent.com...) are real names on
port 443, which a local server cannot stand in for, so their documents are injected through
:class:`StaticSession`: "injected" rows serve the controller document the verificationMethod
implies (the key in its fragment, published by the issuer) and the status lists from ../shared.
Without injection such a vector is honestly unverifiable.  Fresh credentials use did:web on the
local :class:`BadgeServer` with the real fetcher.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from nacl.signing import SigningKey

from core.badges.formats import ob3
from core.badges.jsonld.contexts import ContextStore
from core.badges.report import Outcome, Report, Status
from tests.fakes.badge_server import BadgeServer
from tests.unit.badges.test_data_integrity import (
    NOW,
    StaticSession,
    did_key_of,
    make_run,
    sign_data_integrity,
)

DCC_LIST_URL = (
    "https://raw.githubusercontent.com/digitalcredentials/verifier-core/refs/heads/main/src/test-fixtures/status/"
    "e5WK8CbZ1GjycuPombrj"
)
BITSTRING_TESTLIST_URL = (
    "https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/main/"
    "inspector-vc/src/test/resources/ob30/bit-string-list/testlist"
)
OB3_CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]

# vector, injected?, expected status, first failing / skipped check (None when verified)
VECTORS = [
    ("1edtech-spec-ldp-vector/credential-signed.json", True, Status.VERIFIED, None),
    ("1edtech-spec-ldp-vector/credential-signed.json", False, Status.UNVERIFIABLE, "key"),
    ("1edtech-spec-ldp-vector/credential-unsigned.json", True, Status.UNVERIFIABLE, "signature"),
    ("1edtech-validator/simple.json", True, Status.VERIFIED, None),
    ("1edtech-validator/simple.json", False, Status.UNVERIFIABLE, "key"),
    ("1edtech-validator/simple_v1.json", True, Status.VERIFIED, None),
    ("1edtech-validator/simple-did-web-method.json", True, Status.VERIFIED, None),
    ("1edtech-validator/simple-eddsa-2022.json", True, Status.VERIFIED, None),
    ("1edtech-validator/endorsement-valid.json", True, Status.VERIFIED, None),
    # upstream: valid; here the did:key is not the issuer (urn:uuid), so the issuer never signed it
    ("1edtech-validator/simple-did-key-method.json", False, Status.INVALID, "key"),
    ("1edtech-validator/simple-multiple-proofs.json", True, Status.INVALID, "properties"),
    ("1edtech-validator/simple-noproof.json", True, Status.UNVERIFIABLE, "signature"),
    ("1edtech-validator/simple-err-proof-value.json", True, Status.INVALID, "signature"),
    ("1edtech-validator/simple-err-expired.json", True, Status.INVALID, "expiry"),
    ("1edtech-validator/simple-err-issued.json", True, Status.INVALID, "issued"),
    ("1edtech-validator/simple-err-context.json", True, Status.INVALID, "format"),
    ("1edtech-validator/simple-err-proof-method-unknown-did-method.json", False, Status.INVALID, "key"),
    ("1edtech-validator/bit-string-list/credential-status-revoked.json", True, Status.INVALID, "revocation"),
    # its did:web document and its live 1EdTech revocation list are not in ../shared
    ("1edtech-validator/credential-status-revoked.json", True, Status.UNVERIFIABLE, "key"),
    # upstream fails JSON-schema probes (not done here); its revocation list is not in ../shared
    ("1edtech-validator/complete.json", True, Status.UNVERIFIABLE, "revocation"),
    ("1edtech-validator/complete.json", False, Status.UNVERIFIABLE, "key"),
    ("dcc-verifier-core/v1OBv3SpecExample.json", False, Status.VERIFIED, None),
    ("dcc-verifier-core/v2OBv3SpecExample.json", False, Status.VERIFIED, None),
    ("dcc-verifier-core/v2NoStatus.json", False, Status.VERIFIED, None),
    ("dcc-verifier-core/e5WK8CbZ1GjycuPombrj.json", False, Status.VERIFIED, None),
    ("dcc-verifier-core/v1WithValidStatus.json", True, Status.VERIFIED, None),
    ("dcc-verifier-core/v2WithValidStatus.json", True, Status.VERIFIED, None),
    ("dcc-verifier-core/v2EddsaWithValidStatus.json", True, Status.VERIFIED, None),
    ("dcc-verifier-core/v2DoubleSigWithValidStatus.json", True, Status.VERIFIED, None),
    ("dcc-verifier-core/v2WithValidStatus.json", False, Status.UNVERIFIABLE, "revocation"),
    ("dcc-verifier-core/v1Revoked.json", True, Status.INVALID, "revocation"),
    ("dcc-verifier-core/v2Revoked.json", True, Status.INVALID, "revocation"),
    ("dcc-verifier-core/v1Expired.json", False, Status.INVALID, "expiry"),
    ("dcc-verifier-core/v2Expired.json", False, Status.INVALID, "expiry"),
    ("dcc-verifier-core/v2RevokedAndExpired.json", True, Status.INVALID, "expiry"),
    # did:web documents not in ../shared: the key cannot be fetched (never taken from the fragment)
    ("dcc-verifier-core/v2didWebWithValidStatus.json", True, Status.UNVERIFIABLE, "key"),
    ("dcc-verifier-core/v2WithBadDidWeb.json", True, Status.UNVERIFIABLE, "key"),
    ("dcc-verifier-core/safeModeBreaker.json", False, Status.INVALID, "properties"),
]
# the vectors whose signature verifies (all but the unsigned, the badly signed, the unresolvable)
SIGNATURE_VERIFIES = [
    "1edtech-spec-ldp-vector/credential-signed.json",
    "1edtech-validator/simple.json",
    "1edtech-validator/simple_v1.json",
    "1edtech-validator/simple-did-web-method.json",
    "1edtech-validator/simple-eddsa-2022.json",
    "1edtech-validator/endorsement-valid.json",
    "1edtech-validator/simple-multiple-proofs.json",
    "1edtech-validator/simple-err-expired.json",
    "1edtech-validator/simple-err-issued.json",
    "1edtech-validator/bit-string-list/credential-status-revoked.json",
    "1edtech-validator/complete.json",
    *(
        f"dcc-verifier-core/{name}.json"
        for name in (
            "v1OBv3SpecExample",
            "v2OBv3SpecExample",
            "v2NoStatus",
            "e5WK8CbZ1GjycuPombrj",
            "v1WithValidStatus",
            "v2WithValidStatus",
            "v2EddsaWithValidStatus",
            "v2DoubleSigWithValidStatus",
            "v1Revoked",
            "v2Revoked",
            "v1Expired",
            "v2Expired",
            "v2RevokedAndExpired",
        )
    ),
]


def _ob3(shared_dir: Path) -> Path:
    return shared_dir / "vectors" / "ob3"


def _load(shared_dir: Path, name: str) -> dict[str, Any]:
    return json.loads((_ob3(shared_dir) / name).read_text(encoding="utf-8"))


def _controller_document(method_id: str) -> dict[str, Any]:
    """What an issuer publishing the key in ``method_id``'s fragment would serve at its URL."""
    controller, _, key = method_id.partition("#")
    method = {"id": method_id, "type": "Multikey", "controller": controller, "publicKeyMultibase": key}
    return {"id": controller, "verificationMethod": [method], "assertionMethod": [method_id]}


def _injected_routes(shared_dir: Path, credential: dict[str, Any]) -> dict[str, Any]:
    proofs = credential.get("proof")
    routes: dict[str, Any] = {
        DCC_LIST_URL: _load(shared_dir, "dcc-verifier-core/e5WK8CbZ1GjycuPombrj.json"),
        BITSTRING_TESTLIST_URL: _load(shared_dir, "1edtech-validator/bit-string-list/testlist"),
    }
    for proof in proofs if isinstance(proofs, list) else [proofs] if proofs else []:
        method = proof.get("verificationMethod", "")
        if method.startswith("https://"):
            routes[method.partition("#")[0]] = _controller_document(method)
    return routes


def _verify_vector(
    shared_dir: Path,
    store: ContextStore,
    name: str,
    *,
    injected: bool,
    credential: dict[str, Any] | None = None,
) -> Report:
    document = credential or _load(shared_dir, name)
    fetch = StaticSession(_injected_routes(shared_dir, document) if injected else {})
    return ob3.verify_credential(document, make_run(store, fetch))


@pytest.mark.parametrize(("name", "injected", "status", "failing"), VECTORS)
def test_vector_outcome(
    shared_dir: Path, contexts: ContextStore, name: str, injected: bool, status: Status, failing: str | None
) -> None:
    report = _verify_vector(shared_dir, contexts, name, injected=injected)
    assert report.status is status, report.checks
    if failing is not None:
        assert report.reason.startswith(f"{failing}:"), report.reason


def _one_character_changed(credential: dict[str, Any]) -> dict[str, Any]:
    """The credential with the last character of a signed text field replaced."""
    tampered = copy.deepcopy(credential)
    holder = tampered if "name" in tampered else tampered["credentialSubject"]
    field = "name" if "name" in holder else "id"
    holder[field] = holder[field][:-1] + ("X" if holder[field][-1] != "X" else "Y")
    return tampered


@pytest.mark.parametrize("name", SIGNATURE_VERIFIES)
def test_each_signed_vector_fails_after_a_one_character_change(
    shared_dir: Path, contexts: ContextStore, name: str
) -> None:
    original = _verify_vector(shared_dir, contexts, name, injected=True)
    assert [check.result for check in original.checks if check.name == "signature"][-1] is Outcome.PASSED
    tampered = _one_character_changed(_load(shared_dir, name))
    report = _verify_vector(shared_dir, contexts, name, injected=True, credential=tampered)
    assert report.status is Status.INVALID
    signature_results = {check.result for check in report.checks if check.name == "signature"}
    assert Outcome.FAILED in signature_results


def test_revoked_and_expired_reports_both(shared_dir: Path, contexts: ContextStore) -> None:
    report = _verify_vector(shared_dir, contexts, "dcc-verifier-core/v2RevokedAndExpired.json", injected=True)
    failed = [check.name for check in report.checks if check.result is Outcome.FAILED]
    assert failed == ["expiry", "revocation"]


def test_bad_did_web_that_answers_404_is_invalid(shared_dir: Path, contexts: ContextStore) -> None:
    """What the DCC expects (did_web_unresolved) once the DID's host says the document does not exist."""
    document = _load(shared_dir, "dcc-verifier-core/v2WithBadDidWeb.json")
    fetch = StaticSession({"https://digitalcredentials.github.io/dcc-did-web-bad/did.json": 404})
    report = ob3.verify_credential(document, make_run(contexts, fetch))
    assert (report.status, report.reason.split(":")[0]) == (Status.INVALID, "key")


def test_dcc_did_web_vector_with_its_did_document_served(shared_dir: Path, contexts: ContextStore) -> None:
    """Key and signature then check out, but the DCC status list is signed by a did:key, not by this
    did:web issuer, so revocation stays not checkable."""
    document = _load(shared_dir, "dcc-verifier-core/v2didWebWithValidStatus.json")
    method = document["proof"]["verificationMethod"]
    did_document = _controller_document(method) | {"id": method.partition("#")[0]}
    fetch = StaticSession(
        {"https://digitalcredentials.github.io/dcc-did-web/did.json": did_document}
        | _injected_routes(shared_dir, document)
    )
    report = ob3.verify_credential(document, make_run(contexts, fetch))
    results = {check.name: check.result for check in report.checks}
    assert (results["key"], results["signature"]) == (Outcome.PASSED, Outcome.PASSED)
    assert (report.status, report.reason.split(":")[0]) == (Status.UNVERIFIABLE, "revocation")


def test_report_describes_the_badge(shared_dir: Path, contexts: ContextStore) -> None:
    document = _load(shared_dir, "1edtech-validator/complete.json")
    fetch = StaticSession(_injected_routes(shared_dir, document))
    report = ob3.verify_credential(document, make_run(contexts, fetch, email="Student@1edtech.edu"))
    assert report.format == "ob3-data-integrity"
    assert (report.issuer_id, report.issuer_name) == (
        "https://1edtech.edu/issuers/565049",
        "1EdTech University",
    )
    assert report.badge_name == document["credentialSubject"]["achievement"]["name"]
    assert report.badge_description == document["credentialSubject"]["achievement"]["description"]
    assert report.issued == dt.datetime(2010, 1, 1, tzinfo=dt.UTC)
    assert report.expires == dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    assert report.credential is document
    assert report.recipient_match is True
    assert all("student@" not in check.detail.lower() for check in report.checks)


def test_plain_vc_uses_its_own_name_and_the_vc_format(shared_dir: Path, contexts: ContextStore) -> None:
    report = _verify_vector(
        shared_dir, contexts, "dcc-verifier-core/e5WK8CbZ1GjycuPombrj.json", injected=False
    )
    assert report.format == "vc-data-integrity"
    assert report.issuer_id == "did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q"
    assert report.issuer_name is None


def test_unknown_context_is_unverifiable_and_nothing_is_fetched(
    shared_dir: Path, contexts: ContextStore
) -> None:
    document = _load(shared_dir, "1edtech-validator/simple.json")
    document["@context"] = [*document["@context"], "https://contexts.example/badge-extras.json"]
    fetch = StaticSession(_injected_routes(shared_dir, document))
    report = ob3.verify_credential(document, make_run(contexts, fetch))
    assert (report.status, report.reason.split(":")[0]) == (Status.UNVERIFIABLE, "context")
    assert fetch.requests == []


# --- fresh credentials, served by the local badge server --------------------------------------------


def _did_web(server: BadgeServer) -> str:
    return "did:web:" + server.host.replace(":", "%3A")


def _publish_did(server: BadgeServer, signing_key: SigningKey, did: str | None = None) -> tuple[str, str]:
    """Serve a did:web document on ``server`` listing the key under assertionMethod; (did, method id)."""
    did = did or _did_web(server)
    multikey = did_key_of(signing_key).removeprefix("did:key:")
    method_id = f"{did}#key-1"
    method = {"id": method_id, "type": "Multikey", "controller": did, "publicKeyMultibase": multikey}
    server.route(
        "/.well-known/did.json", {"id": did, "verificationMethod": [method], "assertionMethod": [method_id]}
    )
    return did, method_id


def _status_list(
    server: BadgeServer,
    issuer: str,
    revoked_index: int,
    *,
    signed_by: tuple[SigningKey, str] | None,
    store: ContextStore,
) -> str:
    """Serve a BitstringStatusListCredential with bit ``revoked_index`` set; ``signed_by`` (key,
    verification method) signs it (eddsa-jcs-2022), None serves it unsigned."""
    bits = bytearray(16 * 1024)
    bits[revoked_index // 8] |= 0x80 >> (revoked_index % 8)
    encoded = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits))).decode().rstrip("=")
    url = server.https_url("/status/1")
    status_list: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
    }
    if signed_by is not None:
        key, method_id = signed_by
        run = make_run(store, server.fetcher().session())
        status_list = sign_data_integrity(status_list, key, run, verificationMethod=method_id)
    server.route("/status/1", status_list)
    return url


def _open_badge(issuer: str, **extra: Any) -> dict[str, Any]:
    return {
        "@context": OB3_CONTEXTS,
        "id": "urn:uuid:7d0a9a32-1f0e-4f0c-8b8e-4a1c0e6f5a01",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example Academy"},
        "validFrom": "2025-03-01T00:00:00Z",
        "name": "Python Basics",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "sha256$" + hashlib.sha256(b"learner@example.orgpepper").hexdigest(),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": "pepper",
                }
            ],
            "achievement": {
                "id": "https://academy.example/achievements/python-basics",
                "type": ["Achievement"],
                "name": "Python Basics Achievement",
                "description": "Wrote and tested small Python programs.",
                "criteria": {"narrative": "Passed the final project."},
            },
        },
        **extra,
    }


def _signed_on(
    server: BadgeServer,
    store: ContextStore,
    *,
    email: str | None = None,
    now: dt.datetime = NOW,
    signing_key: SigningKey | None = None,
    **extra: Any,
) -> tuple[dict[str, Any], Any]:
    """A fresh eddsa-rdfc-2022 Open Badge by a did:web issuer on ``server``, and a run to verify it."""
    signing_key = signing_key or SigningKey.generate()
    did, method_id = _publish_did(server, signing_key)
    run = make_run(store, server.fetcher().session(), now=now, email=email)
    credential = _open_badge(did, **extra)
    signed = sign_data_integrity(
        credential, signing_key, run, cryptosuite="eddsa-rdfc-2022", verificationMethod=method_id
    )
    return signed, run


def _status_entry(server: BadgeServer, url: str, index: int) -> dict[str, Any]:
    return {
        "id": server.https_url(f"/status/1#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def test_fresh_did_web_badge_with_a_clear_status_list_verifies(
    server: BadgeServer,
    contexts: ContextStore,
) -> None:
    issuer_key = SigningKey.generate()
    did, method_id = _publish_did(server, issuer_key)
    url = _status_list(server, did, revoked_index=6, signed_by=(issuer_key, method_id), store=contexts)
    status = _status_entry(server, url, 5)
    signed, run = _signed_on(
        server, contexts, email="learner@example.org", credentialStatus=status, signing_key=issuer_key
    )
    report = ob3.verify_credential(signed, run)
    assert report.status is Status.VERIFIED, report.checks
    assert report.recipient_match is True
    assert set(server.requests) == {"/.well-known/did.json", "/status/1"}
    assert "signed status list" in next(c.detail for c in report.checks if c.name == "revocation")

    revoked = _status_entry(server, url, 6)
    signed, run = _signed_on(server, contexts, credentialStatus=revoked, signing_key=issuer_key)
    report = ob3.verify_credential(signed, run)
    assert (report.status, report.reason.split(":")[0]) == (Status.INVALID, "revocation")


@pytest.mark.parametrize(
    ("list_signer", "reason"),
    [
        ("nobody", "the status list is not signed"),  # its proof removed, the bit cleared
        ("someone else", "the status list's signature"),
    ],
)
def test_a_status_list_the_issuer_did_not_sign_leaves_revocation_not_checkable(
    server: BadgeServer, contexts: ContextStore, list_signer: str, reason: str
) -> None:
    """A revoked badge cannot be un-revoked by serving its list without a proof (or with another key's)."""
    issuer_key = SigningKey.generate()
    did, _ = _publish_did(server, issuer_key)
    other = SigningKey.generate()
    signer = None if list_signer == "nobody" else (other, f"{did_key_of(other)}#{did_key_of(other)[8:]}")
    url = _status_list(server, did, revoked_index=99, signed_by=signer, store=contexts)
    signed, run = _signed_on(
        server, contexts, credentialStatus=_status_entry(server, url, 6), signing_key=issuer_key
    )
    report = ob3.verify_credential(signed, run)
    assert (report.status, report.reason.split(":")[0]) == (Status.UNVERIFIABLE, "revocation")
    assert reason in report.reason
    assert "not checkable" in report.reason


@pytest.mark.parametrize(
    ("email", "status", "match", "result"),
    [
        ("learner@example.org", Status.VERIFIED, True, Outcome.PASSED),
        ("someone.else@example.org", Status.INVALID, False, Outcome.FAILED),
        (None, Status.VERIFIED, None, Outcome.SKIPPED),
    ],
)
def test_recipient_is_compared_with_the_hashed_identifier(
    server: BadgeServer,
    contexts: ContextStore,
    email: str | None,
    status: Status,
    match: bool | None,
    result: Outcome,
) -> None:
    signed, run = _signed_on(server, contexts, email=email)
    report = ob3.verify_credential(signed, run)
    assert (report.status, report.recipient_match) == (status, match)
    [check] = [check for check in report.checks if check.name == "recipient"]
    assert check.result is result
    assert all("example.org" not in check.detail for check in report.checks)


def test_a_subject_named_only_by_a_did_cannot_be_matched_to_an_email(
    server: BadgeServer,
    contexts: ContextStore,
) -> None:
    signing_key = SigningKey.generate()
    did, method_id = _publish_did(server, signing_key)
    run = make_run(contexts, server.fetcher().session(), email="learner@example.org")
    credential = _open_badge(did)
    credential["credentialSubject"] = {
        k: v for k, v in credential["credentialSubject"].items() if k != "identifier"
    }
    credential["credentialSubject"]["id"] = "did:example:learner"
    signed = sign_data_integrity(
        credential, signing_key, run, cryptosuite="eddsa-rdfc-2022", verificationMethod=method_id
    )
    report = ob3.verify_credential(signed, run)
    assert (report.status, report.recipient_match) == (Status.VERIFIED, None)
    [check] = [check for check in report.checks if check.name == "recipient"]
    assert (check.result, check.required) == (Outcome.SKIPPED, False)


@pytest.mark.parametrize(
    ("extra", "failing"),
    [
        ({"validUntil": "2025-12-31T23:59:59Z"}, "expiry"),
        ({"validFrom": "2026-02-01T00:00:00Z"}, "issued"),
        ({"validFrom": "soon"}, "issued"),
    ],
)
def test_validity_period_is_checked_against_the_pinned_clock(
    server: BadgeServer,
    contexts: ContextStore,
    extra: dict[str, str],
    failing: str,
) -> None:
    signed, run = _signed_on(server, contexts, **extra)
    report = ob3.verify_credential(signed, run)
    assert (report.status, report.reason.split(":")[0]) == (Status.INVALID, failing)
    signed, later = _signed_on(server, contexts, now=dt.datetime(2025, 7, 1, tzinfo=dt.UTC), **extra)
    if failing == "expiry":  # the same badge was fine before it expired
        assert ob3.verify_credential(signed, later).status is Status.VERIFIED


@pytest.mark.parametrize(
    ("cryptosuite", "status"),
    [("eddsa-rdfc-2022", Status.INVALID), ("eddsa-jcs-2022", Status.VERIFIED)],
)
def test_an_undefined_property_is_invalid_only_where_the_signature_leaves_it_out(
    server: BadgeServer, contexts: ContextStore, cryptosuite: str, status: Status
) -> None:
    """RDF canonicalization drops a property no context defines, so the signature does not cover it:
    it could say anything.  eddsa-jcs-2022 signs the JSON itself, stray property included."""
    signing_key = SigningKey.generate()
    did, method_id = _publish_did(server, signing_key)
    run = make_run(contexts, server.fetcher().session())
    credential = _open_badge(did)
    credential["credentialSubject"]["grade"] = "A+"
    signed = sign_data_integrity(
        credential, signing_key, run, verificationMethod=method_id, cryptosuite=cryptosuite
    )
    report = ob3.verify_credential(signed, run)
    assert report.status is status
    [properties] = [check for check in report.checks if check.name == "properties"]
    if status is Status.INVALID:  # what is shown is not what was signed: no signature is vouched for
        assert properties.detail == "no context defines credentialSubject.grade"
        assert [c.result for c in report.checks if c.name == "signature"] == []
    else:
        assert properties.detail == "signed as JSON: the signature covers every property"
        assert [c.result for c in report.checks if c.name == "signature"] == [Outcome.PASSED]


def test_a_key_the_issuer_does_not_control_is_refused(
    server: BadgeServer,
    contexts: ContextStore,
) -> None:
    """An attacker signs a badge naming a real did:web issuer with their own did:key."""
    _publish_did(server, SigningKey.generate())
    attacker = SigningKey.generate()
    run = make_run(contexts, server.fetcher().session())
    signed = sign_data_integrity(_open_badge(_did_web(server)), attacker, run)
    report = ob3.verify_credential(signed, run)
    assert (report.status, report.reason.split(":")[0]) == (Status.INVALID, "key")
    assert "not by the issuer" in report.reason


def test_an_unsupported_status_type_leaves_revocation_not_checkable(
    server: BadgeServer,
    contexts: ContextStore,
) -> None:
    status = {"id": "https://status.example/1", "type": "CustomStatus"}
    signed, run = _signed_on(server, contexts, credentialStatus=status)
    report = ob3.verify_credential(signed, run)  # no context defines the type: a property problem first
    assert report.reason == "properties: no context defines credentialStatus.type"
    inline = {"CustomStatus": "https://status.example/vocab#CustomStatus"}
    signed, run = _signed_on(
        server, contexts, credentialStatus=status, **{"@context": [*OB3_CONTEXTS, inline]}
    )
    report = ob3.verify_credential(signed, run)
    assert (report.status, report.reason.split(":")[0]) == (Status.UNVERIFIABLE, "revocation")
    assert "not checkable" in report.reason
    assert "/status" not in "".join(server.requests)


def test_did_key_issuer_needs_no_network(contexts: ContextStore) -> None:
    signing_key = SigningKey.generate()
    fetch = StaticSession()
    run = make_run(contexts, fetch)
    signed = sign_data_integrity(_open_badge(did_key_of(signing_key)), signing_key, run)
    report = ob3.verify_credential(signed, run)
    assert report.status is Status.VERIFIED, report.checks
    assert fetch.requests == []


def test_the_status_list_is_used_only_when_its_own_signature_verifies(
    shared_dir: Path, contexts: ContextStore
) -> None:
    """A list whose bits were changed after signing (a revoked badge made to look clear) proves nothing."""
    document = _load(shared_dir, "dcc-verifier-core/v2Revoked.json")
    report = _verify_vector(shared_dir, contexts, "dcc-verifier-core/v2Revoked.json", injected=True)
    assert report.reason.startswith("revocation: revoked by the issuer")
    clear = _verify_vector(shared_dir, contexts, "dcc-verifier-core/v2WithValidStatus.json", injected=True)
    [revocation] = [check for check in clear.checks if check.name == "revocation"]
    assert revocation.detail == "not revoked according to the issuer's signed status list"

    forged_list = _load(shared_dir, "dcc-verifier-core/e5WK8CbZ1GjycuPombrj.json")
    empty = base64.urlsafe_b64encode(gzip.compress(bytes(16 * 1024))).decode().rstrip("=")
    forged_list["credentialSubject"]["encodedList"] = "u" + empty  # every bit clear, proof unchanged
    routes = {**_injected_routes(shared_dir, document), DCC_LIST_URL: forged_list}
    report = ob3.verify_credential(document, make_run(contexts, StaticSession(routes)))
    assert report.status is Status.UNVERIFIABLE
    assert report.reason.startswith("revocation: the status list's signature does not verify")


# --- the document shown is the document signed -----------------------------------------------

EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"  # pinned, and it has an @vocab catch-all
OB_303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def _generic_vc11(issuer: str) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/data-integrity/v2"],
        "id": "urn:uuid:0c9b6f3e-6a55-4d0e-9d5e-2b8d1f0a7c11",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "issuanceDate": "2025-03-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
    }


@pytest.mark.parametrize(
    ("make", "appended", "added"),
    [
        (_open_badge, EXAMPLES_V2, {"gradeAwarded": "A+", "awardedBy": "Google"}),
        (_open_badge, {"@vocab": "https://attacker.example/vocab#"}, {"gradeAwarded": "A+"}),
        (_generic_vc11, OB_303, {"name": "Google Data Analytics Professional Certificate"}),
    ],
    ids=["pinned context with @vocab", "inline @vocab", "OB 3.0 context onto a VC 1.1"],
)
def test_a_context_appended_after_signing_is_refused(
    contexts: ContextStore, make: Any, appended: Any, added: dict[str, Any]
) -> None:
    """The review's forgery: sign, then append a context that defines new words, add claims, and
    point the proof's @context at the original list.  The signature covers the original meaning
    only, so the added claims must never be shown as verified."""
    signing_key = SigningKey.generate()
    fetch = StaticSession()
    run = make_run(contexts, fetch)
    credential = make(did_key_of(signing_key))
    original = list(credential["@context"])
    signed = sign_data_integrity(
        credential, signing_key, run, cryptosuite="eddsa-rdfc-2022", **{"@context": original}
    )
    assert ob3.verify_credential(signed, make_run(contexts, fetch)).status is Status.VERIFIED

    forged = {**copy.deepcopy(signed), "@context": [*original, appended], **added}
    report = ob3.verify_credential(forged, make_run(contexts, fetch))

    assert report.status is Status.INVALID, report.checks
    assert report.deciding_check is not None
    assert report.deciding_check.name in {"signature", "canonicalization", "properties"}


def test_a_proof_context_equal_to_the_document_context_verifies(contexts: ContextStore) -> None:
    signing_key = SigningKey.generate()
    run = make_run(contexts, StaticSession())
    credential = _open_badge(did_key_of(signing_key))
    signed = sign_data_integrity(
        credential, signing_key, run, cryptosuite="eddsa-rdfc-2022", **{"@context": OB3_CONTEXTS}
    )
    assert ob3.verify_credential(signed, run).status is Status.VERIFIED


@pytest.mark.parametrize(
    ("change", "found"),
    [
        ({"type": ["VerifiableCredential", "OpenBadgeCredential", "ForgedType"]}, "type[2]"),
        ({"awardedBy": "Google"}, "awardedBy"),
        ({"id": "relative/credential/7"}, "the relative reference relative/credential/7"),
    ],
    ids=["relative type", "undefined term", "relative id"],
)
def test_data_loss_is_detected_at_verify_time(
    contexts: ContextStore, change: dict[str, Any], found: str
) -> None:
    """W3C DATA_LOSS_DETECTION: whatever a JSON-LD processor would drop or cannot resolve is outside
    an RDF-canonicalized signature, even when the signer signed the lossy form."""
    signing_key = SigningKey.generate()
    run = make_run(contexts, StaticSession())
    credential = {**_open_badge(did_key_of(signing_key)), **change}
    signed = sign_data_integrity(credential, signing_key, run, cryptosuite="eddsa-rdfc-2022")
    report = ob3.verify_credential(signed, run)
    assert (report.status, report.reason) == (Status.INVALID, f"properties: no context defines {found}")


# --- the canonicalization budget ----------------------------------------------------------------


def _with_alignments(credential: dict[str, Any], count: int, description: str = "") -> dict[str, Any]:
    alignments = [
        {
            "type": ["Alignment"],
            "targetName": f"Skill {index} of the framework",
            "targetUrl": f"https://framework.example/skills/{index}",
            "targetFramework": "Example framework",
            "targetCode": f"S{index:04d}",
            **({"targetDescription": description} if description else {}),
        }
        for index in range(count)
    ]
    credential["credentialSubject"]["achievement"]["alignment"] = alignments
    return credential


def test_a_large_legitimate_credential_verifies_or_is_too_large_to_check(contexts: ContextStore) -> None:
    """900 alignments (~150 KB) signed by a real key: never "invalid" for its size."""
    signing_key = SigningKey.generate()
    run = make_run(contexts, StaticSession())
    credential = _with_alignments(_open_badge(did_key_of(signing_key)), 900)
    assert 140_000 < len(json.dumps(credential)) < 170_000
    signed = sign_data_integrity(credential, signing_key, run, cryptosuite="eddsa-rdfc-2022")
    report = ob3.verify_credential(signed, make_run(contexts, StaticSession()))
    assert report.status is Status.VERIFIED or (
        report.status is Status.UNVERIFIABLE and "too large to check here" in report.reason
    ), report.reason


def test_running_out_of_the_budget_is_unverifiable_not_invalid(contexts: ContextStore) -> None:
    signing_key = SigningKey.generate()
    run = make_run(contexts, StaticSession())
    description = "Demonstrates the skill at the level the framework describes. " * 3
    credential = _with_alignments(_open_badge(did_key_of(signing_key)), 1200, description)
    signed = sign_data_integrity(credential, signing_key, run, cryptosuite="eddsa-jcs-2022")
    signed["proof"]["cryptosuite"] = "eddsa-rdfc-2022"  # claims RDF: the verifier must canonicalize it
    report = ob3.verify_credential(signed, make_run(contexts, StaticSession()))
    assert (report.status, report.reason) == (
        Status.UNVERIFIABLE,
        "canonicalization: too large to check here (the credential is larger than 256 KB)",
    )


# --- proof sets with co-signers -----------------------------------------------------------------


def _proof_set(credential: dict[str, Any], keys: list[SigningKey], contexts: ContextStore) -> dict[str, Any]:
    run = make_run(contexts, StaticSession())
    proofs = [
        sign_data_integrity(credential, key, run, cryptosuite="eddsa-rdfc-2022")["proof"] for key in keys
    ]
    return {**credential, "proof": proofs}


def test_a_co_signed_proof_set_verifies_when_one_proof_is_the_issuers(contexts: ContextStore) -> None:
    """The W3C suite's chains carry a proof by another key (a co-signer); every proof must verify."""
    issuer, co_signer = SigningKey.generate(), SigningKey.generate()
    signed = _proof_set(_open_badge(did_key_of(issuer)), [co_signer, issuer], contexts)
    report = ob3.verify_credential(signed, make_run(contexts, StaticSession()))
    assert report.status is Status.VERIFIED, report.checks
    keys = [check.detail for check in report.checks if check.name == "key"]
    assert "a co-signer (not the issuer)" in keys[0]
    assert keys[1].endswith("belongs to the issuer")


@pytest.mark.parametrize("signers", [1, 2], ids=["one proof", "a proof set"])
def test_proofs_by_others_alone_are_refused(contexts: ContextStore, signers: int) -> None:
    issuer = SigningKey.generate()
    others = [SigningKey.generate() for _ in range(signers)]
    signed = _proof_set(_open_badge(did_key_of(issuer)), others, contexts)
    if signers == 1:
        signed["proof"] = signed["proof"][0]
    report = ob3.verify_credential(signed, make_run(contexts, StaticSession()))
    assert (report.status, report.deciding_check.name) == (Status.INVALID, "key")  # type: ignore[union-attr]

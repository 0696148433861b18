"""VC-JWT (RS256, ES256, EdDSA): fresh keys and a did:web issuer on the local badge server, plus the
1EdTech validator's simple.jwt."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path
from typing import Any

import base58
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

from core.badges.formats import ob3, vc_jwt
from core.badges.jsonld.contexts import ContextStore
from core.badges.jsonld.values import issuer_id
from core.badges.report import Outcome, Report, Status
from tests.fakes.badge_server import BadgeServer
from tests.unit.badges.test_data_integrity import StaticSession, make_run

V1_CONTEXTS = [
    "https://www.w3.org/2018/credentials/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
V2_CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
ISSUED = int(dt.datetime(2025, 3, 1, tzinfo=dt.UTC).timestamp())
ALGORITHMS = {  # alg -> (new private key, its public JWK)
    "RS256": (lambda: rsa.generate_private_key(65537, 2048), RSAAlgorithm.to_jwk),
    "ES256": (lambda: ec.generate_private_key(ec.SECP256R1()), ECAlgorithm.to_jwk),
    "EdDSA": (ed25519.Ed25519PrivateKey.generate, OKPAlgorithm.to_jwk),
}


def _did(server: BadgeServer) -> str:
    return "did:web:" + server.host.replace(":", "%3A")


def _public_jwk(alg: str, private_key: Any) -> dict[str, Any]:
    return json.loads(ALGORITHMS[alg][1](private_key.public_key()))


def _publish(server: BadgeServer, alg: str) -> tuple[Any, str]:
    """A new key for ``alg`` published in the server's did:web document; (private key, method id)."""
    private_key = ALGORITHMS[alg][0]()
    did = _did(server)
    method = {
        "id": f"{did}#key-1",
        "type": "JsonWebKey",
        "controller": did,
        "publicKeyJwk": _public_jwk(alg, private_key),
    }
    server.route(
        "/.well-known/did.json",
        {"id": did, "verificationMethod": [method], "assertionMethod": [method["id"]]},
    )
    return private_key, method["id"]


def _achievement_subject() -> dict[str, Any]:
    return {
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://academy.example/achievements/sql",
            "type": ["Achievement"],
            "name": "SQL Joins",
            "description": "Wrote queries joining several tables.",
            "criteria": {"narrative": "Passed the assessment."},
        },
    }


def _vc_claims(issuer: str, **claims: Any) -> dict[str, Any]:
    """VCDM 1.1 style: the credential in ``vc``, its issuer/issuance/id/subject in registered claims."""
    credential = {
        "@context": V1_CONTEXTS,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example Academy"},
        "name": "SQL Joins badge",
        "credentialSubject": _achievement_subject(),
    }
    return {
        "iss": issuer,
        "nbf": ISSUED,
        "jti": "urn:uuid:3f1b0c9e-5d4c-4c7e-9a0e-7b1f2a3c4d5e",
        "sub": "did:example:learner",
        "vc": credential,
        **claims,
    }


def _sign(payload: dict[str, Any], private_key: Any, alg: str, **header: Any) -> str:
    return jwt.encode(payload, private_key, algorithm=alg, headers=header or None)


def _verify(token: str, server: BadgeServer, store: ContextStore) -> Report:
    return ob3.verify_vc_jwt(token, make_run(store, server.fetcher().session()))


def _first_problem(report: Report) -> tuple[Status, str]:
    return report.status, report.reason.split(":")[0]


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_each_algorithm_verifies_with_the_issuers_published_key(
    server: BadgeServer, contexts: ContextStore, alg: str
) -> None:
    private_key, method_id = _publish(server, alg)
    token = _sign(_vc_claims(_did(server)), private_key, alg, kid=method_id)
    report = _verify(token, server, contexts)
    assert report.status is Status.VERIFIED, report.checks
    assert report.format == "ob3-jwt"
    assert (report.issuer_id, report.issuer_name) == (_did(server), "Example Academy")
    assert (report.badge_name, report.badge_description) == (
        "SQL Joins",
        "Wrote queries joining several tables.",
    )
    assert report.issued == dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    assert report.credential == token
    assert server.requests == ["/.well-known/did.json"]


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_one_character_changed_in_the_payload_breaks_the_signature(
    server: BadgeServer, contexts: ContextStore, alg: str
) -> None:
    private_key, method_id = _publish(server, alg)
    header, payload, signature = _sign(_vc_claims(_did(server)), private_key, alg, kid=method_id).split(".")
    claims = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).replace(b"SQL Joins", b"SQL Joinz")
    tampered = base64.urlsafe_b64encode(claims).decode().rstrip("=")
    report = _verify(f"{header}.{tampered}.{signature}", server, contexts)
    assert _first_problem(report) == (Status.INVALID, "signature")


def test_payload_that_is_the_credential_verifies_as_ob3_jwt(
    server: BadgeServer, contexts: ContextStore
) -> None:
    """VCDM 2.0 / OB 3.0 style: no ``vc`` claim, the payload is the credential."""
    private_key, method_id = _publish(server, "ES256")
    credential = {
        "@context": V2_CONTEXTS,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": _did(server),
        "validFrom": "2025-03-01T00:00:00Z",
        "name": "SQL Joins badge",
        "credentialSubject": _achievement_subject(),
    }
    token = _sign(
        {**credential, "iss": _did(server), "exp": ISSUED + 10 * 365 * 86400},
        private_key,
        "ES256",
        kid=method_id,
    )
    report = _verify(token, server, contexts)
    assert (report.status, report.format) == (Status.VERIFIED, "ob3-jwt"), report.checks
    assert report.expires == dt.datetime.fromtimestamp(ISSUED + 10 * 365 * 86400, dt.UTC)


def test_a_relative_kid_is_read_against_the_issuer(server: BadgeServer, contexts: ContextStore) -> None:
    private_key, _ = _publish(server, "EdDSA")
    report = _verify(_sign(_vc_claims(_did(server)), private_key, "EdDSA", kid="#key-1"), server, contexts)
    assert report.status is Status.VERIFIED, report.checks


def test_a_token_signed_by_another_key_is_invalid(server: BadgeServer, contexts: ContextStore) -> None:
    _, method_id = _publish(server, "RS256")
    other = rsa.generate_private_key(65537, 2048)
    report = _verify(_sign(_vc_claims(_did(server)), other, "RS256", kid=method_id), server, contexts)
    assert _first_problem(report) == (Status.INVALID, "signature")


def test_a_key_the_issuer_does_not_control_is_invalid(server: BadgeServer, contexts: ContextStore) -> None:
    """The attacker names a key they do control (their own did:web on the same server would need its
    host; a did:key is simplest) while claiming the real issuer."""
    _publish(server, "EdDSA")
    attacker = ed25519.Ed25519PrivateKey.generate()
    raw = attacker.public_key().public_bytes_raw()
    did_key = "did:key:z" + base58.b58encode(b"\xed\x01" + raw).decode()
    kid = f"{did_key}#{did_key.removeprefix('did:key:')}"
    report = _verify(_sign(_vc_claims(_did(server)), attacker, "EdDSA", kid=kid), server, contexts)
    assert _first_problem(report) == (Status.INVALID, "key")
    assert "not by the issuer" in report.reason


def test_an_embedded_jwk_alone_is_never_trusted(server: BadgeServer, contexts: ContextStore) -> None:
    attacker = rsa.generate_private_key(65537, 2048)
    token = _sign(_vc_claims(_did(server)), attacker, "RS256", jwk=_public_jwk("RS256", attacker))
    report = _verify(token, server, contexts)
    assert _first_problem(report) == (Status.UNVERIFIABLE, "key")
    assert "embedded in the token proves nothing" in report.reason
    assert server.requests == []


def test_a_header_jwk_must_be_the_issuers_own_key(server: BadgeServer, contexts: ContextStore) -> None:
    private_key, method_id = _publish(server, "ES256")
    honest = _sign(
        _vc_claims(_did(server)), private_key, "ES256", kid=method_id, jwk=_public_jwk("ES256", private_key)
    )
    assert _verify(honest, server, contexts).status is Status.VERIFIED
    attacker = ec.generate_private_key(ec.SECP256R1())
    forged = _sign(
        _vc_claims(_did(server)), attacker, "ES256", kid=method_id, jwk=_public_jwk("ES256", attacker)
    )
    report = _verify(forged, server, contexts)
    assert (report.status, report.reason) == (
        Status.INVALID,
        "key: the token embeds a key that is not the issuer's",
    )


@pytest.mark.parametrize("jwk", ["a string", ["a", "list"], 5])
def test_a_header_jwk_that_is_not_a_json_object_is_not_the_issuers_key(
    server: BadgeServer, contexts: ContextStore, jwk: Any
) -> None:
    private_key, method_id = _publish(server, "ES256")
    report = _verify(
        _sign(_vc_claims(_did(server)), private_key, "ES256", kid=method_id, jwk=jwk), server, contexts
    )
    assert (report.status, report.reason) == (
        Status.INVALID,
        "key: the token embeds a key that is not the issuer's",
    )


def test_the_algorithm_must_match_the_key_type(server: BadgeServer, contexts: ContextStore) -> None:
    _, method_id = _publish(server, "RS256")
    other = ec.generate_private_key(ec.SECP256R1())
    report = _verify(_sign(_vc_claims(_did(server)), other, "ES256", kid=method_id), server, contexts)
    assert _first_problem(report) == (Status.INVALID, "key")
    assert "is not a key for ES256" in report.reason


@pytest.mark.parametrize("alg", ["HS256", "none"])
def test_symmetric_and_unsigned_tokens_are_refused(
    server: BadgeServer, contexts: ContextStore, alg: str
) -> None:
    key = "a-shared-secret-of-32-bytes-long!" if alg == "HS256" else None
    report = _verify(_sign(_vc_claims(_did(server)), key, alg, kid=f"{_did(server)}#key-1"), server, contexts)
    assert _first_problem(report) == (Status.INVALID, "signature")
    assert server.requests == []


@pytest.mark.parametrize(
    ("claims", "failing"),
    [
        ({"exp": ISSUED + 86400}, "expiry"),  # expired long before the pinned clock (2026-01-01)
        ({"nbf": int(dt.datetime(2026, 6, 1, tzinfo=dt.UTC).timestamp())}, "issued"),  # not yet valid
        ({"iss": "did:web:impostor.example"}, "format"),  # contradicts vc.issuer
        ({"jti": "urn:uuid:something-else", "vc": None}, "format"),
    ],
)
def test_registered_claims_are_checked(
    server: BadgeServer, contexts: ContextStore, claims: dict[str, Any], failing: str
) -> None:
    private_key, method_id = _publish(server, "EdDSA")
    payload = _vc_claims(_did(server), **claims)
    if payload["vc"] is None:  # the credential states its own id, which the jti contradicts
        payload["vc"] = {
            **_vc_claims(_did(server))["vc"],
            "id": "urn:uuid:3f1b0c9e-5d4c-4c7e-9a0e-7b1f2a3c4d5e",
        }
    report = _verify(_sign(payload, private_key, "EdDSA", kid=method_id), server, contexts)
    assert _first_problem(report) == (Status.INVALID, failing)


def _subject(subject_id: str | None) -> dict[str, Any]:
    return {**_achievement_subject(), **({"id": subject_id} if subject_id else {})}


@pytest.mark.parametrize(
    ("subjects", "verified"),
    [
        ([_subject("did:example:someone-else")], False),  # one subject, given as a list
        ([_subject("did:example:a"), _subject("did:example:b")], False),  # sub names none of them
        ([_subject(None), _subject(None)], False),
        ([_subject("did:example:a"), _subject("did:example:learner")], True),
    ],
)
def test_sub_must_name_a_subject_given_as_a_list(
    server: BadgeServer, contexts: ContextStore, subjects: list[dict[str, Any]], verified: bool
) -> None:
    private_key, method_id = _publish(server, "EdDSA")
    payload = _vc_claims(_did(server))  # sub: did:example:learner
    payload["vc"]["credentialSubject"] = subjects
    report = _verify(_sign(payload, private_key, "EdDSA", kid=method_id), server, contexts)
    if verified:
        assert report.status is Status.VERIFIED, report.reason
    else:
        assert (report.status, report.reason) == (
            Status.INVALID,
            "format: the sub claim contradicts the credential's id"
            if len(subjects) == 1
            else "format: the sub claim names none of the credential's subjects",
        )


def test_sub_fills_in_the_id_of_a_single_subject_given_as_a_list(server: BadgeServer) -> None:
    payload = _vc_claims(_did(server))
    payload["vc"]["credentialSubject"] = [_subject(None)]
    credential = vc_jwt.credential_from_claims(payload)
    assert [subject["id"] for subject in credential["credentialSubject"]] == ["did:example:learner"]


def test_unknown_context_is_unverifiable_and_nothing_is_fetched(
    server: BadgeServer, contexts: ContextStore
) -> None:
    private_key, method_id = _publish(server, "EdDSA")
    payload = _vc_claims(_did(server))
    payload["vc"]["@context"] = [*V1_CONTEXTS, "https://contexts.example/extras.jsonld"]
    report = _verify(_sign(payload, private_key, "EdDSA", kid=method_id), server, contexts)
    assert _first_problem(report) == (Status.UNVERIFIABLE, "context")
    assert server.requests == []


def test_an_undefined_property_is_under_the_signature(server: BadgeServer, contexts: ContextStore) -> None:
    """A JWT signs the JSON itself, so a property no context defines cannot be slipped in unsigned."""
    private_key, method_id = _publish(server, "EdDSA")
    payload = _vc_claims(_did(server))
    payload["vc"]["credentialSubject"]["score"] = 97
    token = _sign(payload, private_key, "EdDSA", kid=method_id)
    assert _verify(token, server, contexts).status is Status.VERIFIED
    header, body, signature = token.split(".")
    tampered = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    tampered["vc"]["credentialSubject"]["score"] = 100
    forged = base64.urlsafe_b64encode(json.dumps(tampered).encode()).decode().rstrip("=")
    assert _verify(f"{header}.{forged}.{signature}", server, contexts).reason.startswith("signature")


def test_unreadable_tokens_are_malformed() -> None:
    for token in ("not.a.token", "e30.e30.", _sign({"vc": "text"}, "k" * 32, "HS256")):
        with pytest.raises(vc_jwt.TokenError) as raised:
            vc_jwt.read_token(token)
        assert (raised.value.check.name, raised.value.check.result) == ("format", Outcome.FAILED)


def _simple_jwt(shared_dir: Path) -> str:
    return (
        (shared_dir / "vectors" / "ob3" / "1edtech-validator" / "simple.jwt")
        .read_text(encoding="utf-8")
        .strip()
    )


def test_1edtech_simple_jwt_folds_its_claims_into_the_credential(shared_dir: Path) -> None:
    read = vc_jwt.read_token(_simple_jwt(shared_dir))
    assert read.header == {"alg": "RS256", "typ": "JWT"}
    assert issuer_id(read.credential) == "https://example.edu/issuers/565049"
    assert read.credential["id"] == "http://example.edu/credentials/3732"
    assert read.credential["issuanceDate"] == "2010-01-01T00:00:00Z"
    assert read.credential["credentialSubject"]["id"] == "did:example:ebfeb1f712ebc6f1c276e12ec21"


def test_1edtech_simple_jwt_is_unverifiable(shared_dir: Path, contexts: ContextStore) -> None:
    """Its context (imsglobal.github.io/.../context.json) is not a published OB 3.0 context, and its
    header names no key at all; either way nothing can be fetched or trusted."""
    fetch = StaticSession()
    report = ob3.verify_vc_jwt(_simple_jwt(shared_dir), make_run(contexts, fetch))
    assert _first_problem(report) == (Status.UNVERIFIABLE, "context")
    assert report.format == "ob3-jwt"
    assert fetch.requests == []
    read = vc_jwt.read_token(_simple_jwt(shared_dir))
    [check] = vc_jwt.verify_signature(read, "https://example.edu/issuers/565049", make_run(contexts, fetch))
    assert (check.name, check.result) == ("key", Outcome.SKIPPED)

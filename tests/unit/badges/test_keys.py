"""Verification keys: did:key decoding, did:web and HTTPS controller documents served by a real local
server, and every way a key can fail to be the issuer's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import base58
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from jwt.utils import base64url_encode

from core.badges.net.fetcher import FetchSession
from core.badges.proofs.keys import KeyResolutionError, VerificationKey, resolve_key
from tests.fakes.badge_server import BadgeServer

MESSAGE = b"the bytes a proof signs"


class _Offline:
    """A fetch session for keys that must resolve without the network."""

    def get(self, url: str, **_: Any) -> Any:
        raise AssertionError(f"unexpected fetch of {url}")


OFFLINE: Any = _Offline()


def _multibase(prefix: bytes, raw: bytes) -> str:
    return "z" + base58.b58encode(prefix + raw).decode()


def _ed25519_multikey(key: ed25519.Ed25519PrivateKey) -> str:
    return _multibase(b"\xed\x01", key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def _b64(number: int, size: int) -> str:
    return base64url_encode(number.to_bytes(size, "big")).decode()


def _public_jwk(key: Any) -> dict[str, str]:
    if isinstance(key, ed25519.Ed25519PrivateKey):
        raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": base64url_encode(raw).decode()}
    if isinstance(key, ec.EllipticCurvePrivateKey):
        numbers = key.public_key().public_numbers()
        return {"kty": "EC", "crv": "P-256", "x": _b64(numbers.x, 32), "y": _b64(numbers.y, 32)}
    numbers = key.public_key().public_numbers()
    return {"kty": "RSA", "n": _b64(numbers.n, 256), "e": _b64(numbers.e, 3)}


def _sign(key: Any, message: bytes) -> bytes:
    """A signature as the proofs carry it (raw r||s for P-256)."""
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(message)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        r, s = decode_dss_signature(key.sign(message, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return key.sign(message, padding.PKCS1v15(), hashes.SHA256())


def _assert_verifies(key: VerificationKey, private: Any) -> None:
    signature = _sign(private, MESSAGE)
    assert key.verify(MESSAGE, signature)
    assert not key.verify(MESSAGE + b"!", signature)
    assert not key.verify(MESSAGE, signature[:-1])


def _failure(method_id: str, issuer_id: str, fetch: Any = OFFLINE) -> KeyResolutionError:
    with pytest.raises(KeyResolutionError) as caught:
        resolve_key(method_id, issuer_id=issuer_id, fetch=fetch)
    return caught.value


@pytest.fixture
def session(badge_server: BadgeServer) -> FetchSession:
    return badge_server.fetcher().session()


@pytest.fixture
def ed_key() -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.generate()


# did:key ---------------------------------------------------------------------------------------------


def test_did_key_of_the_vc_di_eddsa_key_pair_verifies_the_vector_signature(shared_dir: Path) -> None:
    vectors = shared_dir / "vectors" / "vc-di-eddsa" / "TestVectors"
    encoded = json.loads((vectors / "keyPair.json").read_text())["publicKeyMultibase"]
    did = f"did:key:{encoded}"
    key = resolve_key(f"{did}#{encoded}", issuer_id=did, fetch=OFFLINE)
    assert (key.id, key.controller, key.algorithm_family) == (f"{did}#{encoded}", did, "Ed25519")
    raw = key.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert raw.hex() == "b00d8d938e7f773d51565aad36a623f5344f7f5d1960f9cf3e8e12620ea2810f"
    suite = vectors / "eddsa-rdfc-2022"
    message = bytes.fromhex((suite / "combinedHashDataInt.txt").read_text().strip())
    signature = bytes.fromhex((suite / "sigHexDataInt.txt").read_text().strip())
    assert key.verify(message, signature)
    assert not key.verify(message[:-1] + bytes([message[-1] ^ 1]), signature)


def test_a_bare_did_key_names_its_only_key(ed_key: ed25519.Ed25519PrivateKey) -> None:
    did = f"did:key:{_ed25519_multikey(ed_key)}"
    key = resolve_key(did, issuer_id=did, fetch=OFFLINE)
    assert key.id == f"{did}#{did.removeprefix('did:key:')}"
    _assert_verifies(key, ed_key)


def test_did_key_p256() -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    point = private.public_key().public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
    did = "did:key:" + _multibase(b"\x80\x24", point)
    key = resolve_key(did, issuer_id=did, fetch=OFFLINE)
    assert key.algorithm_family == "P-256"
    _assert_verifies(key, private)


def test_did_key_of_someone_else_is_not_the_issuers(ed_key: ed25519.Ed25519PrivateKey) -> None:
    did = f"did:key:{_ed25519_multikey(ed_key)}"
    error = _failure(f"{did}#{did[8:]}", "did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q")
    assert not error.unreachable
    assert "not by the issuer" in error.reason


def test_did_key_fragment_must_repeat_the_key(ed_key: ed25519.Ed25519PrivateKey) -> None:
    did = f"did:key:{_ed25519_multikey(ed_key)}"
    assert not _failure(f"{did}#key-1", did).unreachable


def test_did_key_of_an_unsupported_curve_is_unverifiable_not_forged() -> None:
    did = "did:key:" + _multibase(b"\xe7\x01", bytes([2]) + bytes(32))  # secp256k1-pub
    error = _failure(did, did)
    assert error.unreachable
    assert "not supported" in error.reason


@pytest.mark.parametrize(
    "encoded",
    [
        "z6Mk0OIl",  # not base58
        _multibase(b"\xed\x01", bytes(31)),  # an Ed25519 key one byte short
        _multibase(b"\x80\x24", bytes([2]) + b"\xff" * 32),  # x beyond the P-256 field
        "6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",  # no multibase prefix
    ],
)
def test_malformed_did_key_is_refused(encoded: str) -> None:
    assert not _failure(f"did:key:{encoded}", f"did:key:{encoded}").unreachable


# identifiers that are never trusted --------------------------------------------------------------------


def test_a_bare_fragment_is_never_trusted() -> None:
    error = _failure(
        "#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", "https://example.edu/issuers/565049"
    )
    assert not error.unreachable
    assert "fragment" in error.reason


def test_did_example_never_names_a_real_key() -> None:
    assert not _failure("did:example:123#key-1", "did:example:123").unreachable


@pytest.mark.parametrize("method_id", ["did:ion:abc#key-1", "urn:uuid:1234", "http://issuer.example/keys/1"])
def test_unsupported_or_insecure_identifiers_are_unverifiable(method_id: str) -> None:
    assert _failure(method_id, "https://issuer.example").unreachable


# did:web ---------------------------------------------------------------------------------------------


def _did(server: BadgeServer, *path: str) -> str:
    return ":".join(["did:web", server.host.replace(":", "%3A"), *path])


def test_did_web_well_known_with_relative_ids_and_a_percent_encoded_port(
    badge_server: BadgeServer,
    session: FetchSession,
    ed_key: ed25519.Ed25519PrivateKey,
) -> None:
    did = _did(badge_server)
    method = {
        "id": "#key-1",
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": _ed25519_multikey(ed_key),
    }
    badge_server.route(
        "/.well-known/did.json", {"id": did, "verificationMethod": [method], "assertionMethod": ["#key-1"]}
    )
    key = resolve_key(f"{did}#key-1", issuer_id=did, fetch=session)
    assert (key.id, key.controller) == (f"{did}#key-1", did)
    _assert_verifies(key, ed_key)
    assert badge_server.requests == ["/.well-known/did.json"]


def test_did_web_path_with_the_method_embedded_under_assertion_method(
    badge_server: BadgeServer,
    session: FetchSession,
    ed_key: ed25519.Ed25519PrivateKey,
) -> None:
    did = _did(badge_server, "issuers", "dcc")
    method_id = f"{did}#{_ed25519_multikey(ed_key)}"
    method = {
        "id": method_id,
        "type": "Ed25519VerificationKey2020",
        "controller": did,
        "publicKeyMultibase": _ed25519_multikey(ed_key),
    }
    badge_server.route(
        "/issuers/dcc/did.json", {"id": did, "assertionMethod": [method], "authentication": [method]}
    )
    _assert_verifies(resolve_key(method_id, issuer_id=did, fetch=session), ed_key)


def test_ed25519_2018_public_key_base58(
    badge_server: BadgeServer,
    session: FetchSession,
    ed_key: ed25519.Ed25519PrivateKey,
) -> None:
    did = _did(badge_server)
    raw = ed_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    method = {
        "id": f"{did}#k",
        "type": "Ed25519VerificationKey2018",
        "controller": did,
        "publicKeyBase58": base58.b58encode(raw).decode(),
    }
    badge_server.route(
        "/.well-known/did.json", {"id": did, "verificationMethod": [method], "assertionMethod": [f"{did}#k"]}
    )
    _assert_verifies(resolve_key(f"{did}#k", issuer_id=did, fetch=session), ed_key)


@pytest.mark.parametrize(
    ("make", "family"),
    [
        (ed25519.Ed25519PrivateKey.generate, "Ed25519"),
        (lambda: ec.generate_private_key(ec.SECP256R1()), "P-256"),
        (lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048), "RSA"),
    ],
)
@pytest.mark.parametrize("method_type", ["JsonWebKey2020", "JsonWebKey"])
def test_json_web_keys(
    badge_server: BadgeServer,
    session: FetchSession,
    make: Any,
    family: str,
    method_type: str,
) -> None:
    private = make()
    did = _did(badge_server)
    method = {"id": "#jwk", "type": method_type, "controller": did, "publicKeyJwk": _public_jwk(private)}
    badge_server.route(
        "/.well-known/did.json", {"id": did, "verificationMethod": [method], "assertionMethod": ["#jwk"]}
    )
    key = resolve_key(f"{did}#jwk", issuer_id=did, fetch=session)
    assert key.algorithm_family == family
    _assert_verifies(key, private)


def _did_web_failure(
    server: BadgeServer, session: FetchSession, document: dict[str, Any], method_id: str | None = None
) -> KeyResolutionError:
    did = _did(server)
    server.route("/.well-known/did.json", document)
    return _failure(method_id or f"{did}#key-1", did, session)


def _document(did: str, **changes: Any) -> dict[str, Any]:
    key = ed25519.Ed25519PrivateKey.generate()
    method = {
        "id": f"{did}#key-1",
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": _ed25519_multikey(key),
    }
    method.update(changes.pop("method", {}))
    return {"id": did, "verificationMethod": [method], "assertionMethod": [f"{did}#key-1"], **changes}


def test_method_only_for_authentication_is_not_an_assertion_key(
    badge_server: BadgeServer,
    session: FetchSession,
) -> None:
    did = _did(badge_server)
    document = _document(did, assertionMethod=[], authentication=[f"{did}#key-1"])
    error = _did_web_failure(badge_server, session, document)
    assert not error.unreachable
    assert "assertionMethod" in error.reason


def test_method_controlled_by_another_did(badge_server: BadgeServer, session: FetchSession) -> None:
    document = _document(_did(badge_server), method={"controller": "did:web:attacker.example"})
    error = _did_web_failure(badge_server, session, document)
    assert not error.unreachable
    assert "did:web:attacker.example" in error.reason


def test_document_for_another_did_is_refused(badge_server: BadgeServer, session: FetchSession) -> None:
    error = _did_web_failure(badge_server, session, _document("did:web:issuer.example"))
    assert not error.unreachable
    assert "does not describe" in error.reason


def test_key_missing_from_the_document(badge_server: BadgeServer, session: FetchSession) -> None:
    did = _did(badge_server)
    error = _did_web_failure(badge_server, session, _document(did), f"{did}#key-2")
    assert not error.unreachable


def test_published_private_jwk_is_refused(badge_server: BadgeServer, session: FetchSession) -> None:
    private = ed25519.Ed25519PrivateKey.generate()
    seed = private.private_bytes_raw()
    jwk = {**_public_jwk(private), "d": base64url_encode(seed).decode()}
    document = _document(_did(badge_server), method={"type": "JsonWebKey2020", "publicKeyJwk": jwk})
    error = _did_web_failure(badge_server, session, document)
    assert not error.unreachable
    assert "private" in error.reason


def test_short_rsa_key_is_refused(badge_server: BadgeServer, session: FetchSession) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 (the point of the test)
    numbers = private.public_key().public_numbers()
    jwk = {"kty": "RSA", "n": _b64(numbers.n, 128), "e": _b64(numbers.e, 3)}
    document = _document(_did(badge_server), method={"type": "JsonWebKey2020", "publicKeyJwk": jwk})
    assert "2048" in _did_web_failure(badge_server, session, document).reason


def test_missing_did_document_is_a_failure_but_a_server_error_is_unreachable(
    badge_server: BadgeServer,
    session: FetchSession,
) -> None:
    did = _did(badge_server)
    missing = _failure(f"{did}#key-1", did, session)  # nothing routed: 404
    assert not missing.unreachable
    assert "does not exist" in missing.reason
    badge_server.route("/.well-known/did.json", "busy", status=503, content_type="text/plain")
    assert _failure(f"{did}#key-1", did, session).unreachable


def test_did_web_host_the_fetcher_refuses_is_unreachable(session: FetchSession) -> None:
    error = _failure("did:web:localhost%3A1#key-1", "did:web:localhost%3A1", session)
    assert error.unreachable
    assert "could not be fetched" in error.reason


@pytest.mark.parametrize(
    "did",
    ["did:web:issuer.example:..", "did:web:issuer.example:a%2Fb", "did:web:bad_host!", "did:web:x.example:"],
)
def test_malformed_did_web_is_refused_without_fetching(did: str) -> None:
    assert "malformed" in _failure(f"{did}#key-1", did).reason


# HTTPS controller documents ------------------------------------------------------------------------------


def test_spec_vector_key_in_an_https_controller_document(
    shared_dir: Path,
    badge_server: BadgeServer,
    session: FetchSession,
) -> None:
    """The OB 3.0 spec vector's key, published by the issuer profile that controls it."""
    expected = json.loads((shared_dir / "vectors/ob3/1edtech-spec-ldp-vector/expected.json").read_text())
    issuer = badge_server.https_url("/issuers/565049")
    method_id = f"{issuer}#{expected['publicKeyMultibase']}"
    method = {
        "id": method_id,
        "type": "Multikey",
        "controller": issuer,
        "publicKeyMultibase": expected["publicKeyMultibase"],
    }
    profile = {
        "id": issuer,
        "type": "Profile",
        "verificationMethod": [method],
        "assertionMethod": [method_id],
    }
    badge_server.route("/issuers/565049", profile)
    key = resolve_key(method_id, issuer_id=issuer, fetch=session)
    message = bytes.fromhex(expected["dataToSignHex (proofHash||documentHash)"])
    assert key.verify(message, bytes.fromhex(expected["signatureHex"]))
    assert not key.verify(message, bytes(64))


def _key_document(server: BadgeServer, key: ed25519.Ed25519PrivateKey, controller: str) -> str:
    url = server.https_url("/keys/1")
    method = {
        "id": url,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": _ed25519_multikey(key),
    }
    server.route("/keys/1", method)
    return url


def test_separate_key_document_listed_by_its_controller(
    badge_server: BadgeServer,
    session: FetchSession,
    ed_key: ed25519.Ed25519PrivateKey,
) -> None:
    issuer = badge_server.https_url("/issuers/1")
    key_url = _key_document(badge_server, ed_key, issuer)
    badge_server.route("/issuers/1", {"id": issuer, "type": "Profile", "assertionMethod": [key_url]})
    key = resolve_key(key_url, issuer_id=issuer, fetch=session)
    assert key.controller == issuer
    _assert_verifies(key, ed_key)
    assert badge_server.requests == ["/keys/1", "/issuers/1"]


def test_key_document_whose_controller_does_not_list_it(
    badge_server: BadgeServer,
    session: FetchSession,
    ed_key: ed25519.Ed25519PrivateKey,
) -> None:
    issuer = badge_server.https_url("/issuers/1")
    key_url = _key_document(badge_server, ed_key, issuer)
    badge_server.route("/issuers/1", {"id": issuer, "type": "Profile", "authentication": [key_url]})
    error = _failure(key_url, issuer, session)
    assert not error.unreachable
    assert "does not list" in error.reason


def test_key_document_naming_another_controller(
    badge_server: BadgeServer,
    session: FetchSession,
    ed_key: ed25519.Ed25519PrivateKey,
) -> None:
    """Anyone can publish a key document naming a badge's issuer; the controller must be the issuer."""
    key_url = _key_document(badge_server, ed_key, badge_server.https_url("/someone-else"))
    error = _failure(key_url, badge_server.https_url("/issuers/1"), session)
    assert not error.unreachable
    assert "not by the issuer" in error.reason


def test_controller_embedding_a_different_key_under_the_same_id(
    badge_server: BadgeServer,
    session: FetchSession,
    ed_key: ed25519.Ed25519PrivateKey,
) -> None:
    issuer = badge_server.https_url("/issuers/1")
    key_url = _key_document(badge_server, ed_key, issuer)
    other = _ed25519_multikey(ed25519.Ed25519PrivateKey.generate())
    embedded = {"id": key_url, "type": "Multikey", "controller": issuer, "publicKeyMultibase": other}
    badge_server.route("/issuers/1", {"id": issuer, "assertionMethod": [embedded]})
    assert "two different ways" in _failure(key_url, issuer, session).reason


def test_profile_that_is_not_a_key(badge_server: BadgeServer, session: FetchSession) -> None:
    issuer = badge_server.route("/issuers/1", {"id": badge_server.https_url("/issuers/1"), "type": "Profile"})
    error = _failure(issuer, issuer, session)
    assert not error.unreachable
    assert "not in the document" in error.reason


def test_controller_document_that_is_not_json(badge_server: BadgeServer, session: FetchSession) -> None:
    issuer = badge_server.route("/issuers/1", b"{not json")
    assert "not valid JSON" in _failure(f"{issuer}#key-1", issuer, session).reason

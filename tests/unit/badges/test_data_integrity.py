"""Data Integrity proofs against the W3C vc-di-eddsa vectors (every intermediate value) and fresh keys.

The helpers at the top (:class:`StaticSession`, :func:`context_store`, :func:`make_run`,
:func:`did_key_of`, :func:`sign_data_integrity`) are shared with tests/unit/badges/test_ob3.py and
tests/unit/badges/test_vc_jwt.py.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import base58
import pytest
from nacl.signing import SigningKey
from pyld import jsonld

from core.badges.jsonld.contexts import ContextStore
from core.badges.jsonld.resolver import processing_options
from core.badges.net.fetcher import FetchCause, Fetched, FetchError
from core.badges.proofs import data_integrity, encoding
from core.badges.proofs.data_integrity import SUITES, ProofError, verify_proofs, verify_signature
from core.badges.proofs.keys import VerificationKey, resolve_key
from core.badges.report import Check, Outcome
from core.badges.run import VerificationRun

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SUITE_FILES = {  # folder -> suffix of its intermediate files
    "eddsa-rdfc-2022": "DataInt",
    "eddsa-jcs-2022": "JCS",
    "Ed25519Signature2020": "EdSig",
}
VECTOR_DID = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"


# --- shared helpers ------------------------------------------------------------------------------


@dataclass
class StaticSession:
    """A FetchSession stand-in serving fixed JSON documents (or a bare HTTP status) by exact URL; any
    other URL is unreachable, as a real host the tests cannot reach would be.  Used where a vector
    names a host such as https://example.com that a local server cannot impersonate on port 443."""

    routes: Mapping[str, Any] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def get(self, url: str, *, accept: Any, allow_http: bool = False) -> Fetched:
        self.requests.append(url)
        if url not in self.routes:
            raise FetchError("the site could not be reached", FetchCause.UNREACHABLE)
        route = self.routes[url]
        if isinstance(route, int):  # an HTTP status without a body
            return Fetched(url, route, "text/plain", b"")
        return Fetched(url, 200, "application/json", json.dumps(route).encode())


def make_run(
    contexts: ContextStore, fetch: Any = None, *, now: dt.datetime = NOW, email: str | None = None
) -> VerificationRun:
    return VerificationRun(fetch if fetch is not None else StaticSession(), contexts, now, email)


def did_key_of(signing_key: SigningKey) -> str:
    return "did:key:z" + base58.b58encode(b"\xed\x01" + bytes(signing_key.verify_key)).decode()


def sign_data_integrity(
    credential: dict[str, Any], signing_key: SigningKey, run: VerificationRun, **proof_options: Any
) -> dict[str, Any]:
    """``credential`` with a Data Integrity proof made by ``signing_key`` (default eddsa-jcs-2022)."""
    did = did_key_of(signing_key)
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": "2025-06-01T00:00:00Z",
        "verificationMethod": f"{did}#{did.removeprefix('did:key:')}",
        "proofPurpose": "assertionMethod",
        **proof_options,
    }
    suite = SUITES[(proof["type"], proof.get("cryptosuite"))]
    if suite.canonicalization == "jcs":
        message = data_integrity.signing_input(credential, proof, suite, run)
    else:
        message = lax_rdfc_signing_input(credential, proof, run)
    signature = signing_key.sign(message).signature
    proof["proofValue"] = "z" + base58.b58encode(signature).decode()
    return {**credential, "proof": proof}


def lax_rdfc_signing_input(
    credential: Mapping[str, Any], proof: Mapping[str, Any], run: VerificationRun
) -> bytes:
    """What an issuer's plain JSON-LD library signs for an RDF-canonicalized proof: pyld's own
    URDNA2015, which silently drops undefined terms (so tests can make such badges)."""

    def canon(document: Mapping[str, Any]) -> bytes:
        options = {**processing_options(run.contexts, None), "algorithm": "URDNA2015"}
        return jsonld.normalize(dict(document), {**options, "format": "application/n-quads"}).encode()

    config = {key: value for key, value in proof.items() if key != "proofValue"}
    config["@context"] = credential.get("@context")
    return hashlib.sha256(canon(config)).digest() + hashlib.sha256(canon(credential)).digest()


# --- vectors -------------------------------------------------------------------------------------


def _vector_dir(shared_dir: Path) -> Path:
    return shared_dir / "vectors" / "vc-di-eddsa" / "TestVectors"


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _json(path: Path) -> Any:
    return json.loads(_read(path))


def _vector_key() -> VerificationKey:
    return resolve_key(VECTOR_DID, issuer_id=VECTOR_DID, fetch=StaticSession())  # type: ignore[arg-type]


@pytest.mark.parametrize("suite", SUITE_FILES)
def test_each_suite_signs_the_two_hashes_of_the_canonical_forms(shared_dir: Path, suite: str) -> None:
    """Straight from the vector's text files: sha256(proof canon) || sha256(doc canon), Ed25519, base58."""
    folder, suffix = _vector_dir(shared_dir) / suite, SUITE_FILES[suite]
    proof_hash = hashlib.sha256((folder / f"proofCanon{suffix}.txt").read_bytes()).digest()
    doc_hash = hashlib.sha256((folder / f"canonDoc{suffix}.txt").read_bytes()).digest()
    combined = _read(folder / f"combinedHash{suffix}.txt").strip()
    assert (proof_hash + doc_hash).hex() == combined
    signature = data_integrity.decode_proof_value(_read(folder / f"sigBTC58{suffix}.txt").strip(), "x")
    assert signature.hex() == _read(folder / f"sigHex{suffix}.txt").strip()
    assert _vector_key().verify(bytes.fromhex(combined), signature)
    tampered = (folder / f"canonDoc{suffix}.txt").read_bytes().replace(b"Examples", b"Examplez")
    assert not _vector_key().verify(proof_hash + hashlib.sha256(tampered).digest(), signature)


@pytest.mark.parametrize("suite", SUITE_FILES)
def test_signing_input_reproduces_every_intermediate_value(
    shared_dir: Path, contexts: ContextStore, suite: str
) -> None:
    folder, suffix = _vector_dir(shared_dir) / suite, SUITE_FILES[suite]
    signed = _json(folder / f"signed{suffix}.json")
    proof = signed["proof"]
    unsecured = data_integrity.unsecured_document(signed, proof, [proof], "the proof")
    assert unsecured == _json(_vector_dir(shared_dir) / "unsigned.json") | {"@context": signed["@context"]}
    message = data_integrity.signing_input(
        unsecured, proof, data_integrity.suite_of(proof, "the proof"), make_run(contexts)
    )
    assert message.hex() == _read(folder / f"combinedHash{suffix}.txt").strip()


@pytest.mark.parametrize("suite", SUITE_FILES)
def test_signed_vectors_verify_and_fail_after_a_one_character_change(
    shared_dir: Path, contexts: ContextStore, suite: str
) -> None:
    signed = _json(_vector_dir(shared_dir) / suite / f"signed{SUITE_FILES[suite]}.json")
    run = make_run(contexts)
    check = verify_signature(signed, signed["proof"], _vector_key(), run)
    assert (check.name, check.result) == ("signature", Outcome.PASSED)
    for path, value in (("alumniOf", "The School of Examplez"), ("created", "2023-02-24T23:36:39Z")):
        tampered = copy.deepcopy(signed)
        target = tampered["credentialSubject"] if path == "alumniOf" else tampered["proof"]
        target[path] = value
        check = verify_signature(tampered, tampered["proof"], _vector_key(), run)
        assert (check.name, check.result) == ("signature", Outcome.FAILED), path


def test_vectors_signed_by_a_did_key_that_is_not_the_issuer_are_invalid(
    shared_dir: Path, contexts: ContextStore
) -> None:
    """The W3C vectors name issuer https://vc.example/issuers/5678 but sign with a did:key: a valid
    signature by a key the issuer does not control proves nothing about the issuer."""
    signed = _json(_vector_dir(shared_dir) / "eddsa-rdfc-2022" / "signedDataInt.json")
    fetch = StaticSession()
    [check] = verify_proofs(signed, signed["issuer"], make_run(contexts, fetch))
    assert (check.name, check.result) == ("key", Outcome.FAILED)
    assert "not by the issuer" in check.detail
    assert fetch.requests == []


def test_proof_set_every_proof_verifies(shared_dir: Path, contexts: ContextStore) -> None:
    signed = _json(_vector_dir(shared_dir) / "proof-set-chain" / "signedProofSet2.json")
    run = make_run(contexts)
    for proof in signed["proof"]:
        did = proof["verificationMethod"].partition("#")[0]
        key = resolve_key(proof["verificationMethod"], issuer_id=did, fetch=run.fetch)
        check = verify_signature(signed, proof, key, run, proofs=signed["proof"])
        assert check.result is Outcome.PASSED, check.detail


def test_proof_chain_signs_the_proofs_it_names(shared_dir: Path, contexts: ContextStore) -> None:
    signed = _json(_vector_dir(shared_dir) / "proof-set-chain" / "signedProofChain2.json")
    run = make_run(contexts)
    third = signed["proof"][2]
    temp = _json(_vector_dir(shared_dir) / "proof-set-chain" / "proofChainTempDoc1.json")
    assert data_integrity.unsecured_document(signed, third, signed["proof"], "x") == temp
    for proof in signed["proof"]:
        did = proof["verificationMethod"].partition("#")[0]
        key = resolve_key(proof["verificationMethod"], issuer_id=did, fetch=run.fetch)
        check = verify_signature(signed, proof, key, run, proofs=signed["proof"])
        assert check.result is Outcome.PASSED, check.detail
    broken = [*signed["proof"][:2], {**third, "previousProof": "urn:uuid:nope"}]
    key = resolve_key(
        third["verificationMethod"], issuer_id=third["verificationMethod"].partition("#")[0], fetch=run.fetch
    )
    check = verify_signature(signed, broken[2], key, run, proofs=broken)
    assert (check.result, check.detail) == (Outcome.FAILED, "the proof chains to a proof that is not there")


def test_legacy_eddsa_2022_verifies_with_the_rdfc_algorithm(shared_dir: Path, contexts: ContextStore) -> None:
    signed = _json(shared_dir / "vectors" / "ob3" / "1edtech-validator" / "simple-eddsa-2022.json")
    public = bytes.fromhex(
        _json(shared_dir / "vectors" / "ob3" / "1edtech-spec-ldp-vector" / "expected.json")["publicKeyHex"]
    )
    did = "did:key:z" + base58.b58encode(b"\xed\x01" + public).decode()
    key = resolve_key(did, issuer_id=did, fetch=StaticSession())  # type: ignore[arg-type]
    run = make_run(contexts)
    assert verify_signature(signed, signed["proof"][0], key, run).result is Outcome.PASSED
    signed["name"] = "Some namf"
    assert verify_signature(signed, signed["proof"][0], key, run).result is Outcome.FAILED


@pytest.mark.parametrize(
    ("proof_type", "cryptosuite", "result"),
    [
        ("DataIntegrityProof", None, Outcome.FAILED),
        ("Ed25519Signature2020", "eddsa-rdfc-2022", Outcome.FAILED),
        ("DataIntegrityProof", "ecdsa-rdfc-2019", Outcome.SKIPPED),
        ("SomeProofType", None, Outcome.SKIPPED),
        (["DataIntegrityProof"], "eddsa-rdfc-2022", Outcome.FAILED),
    ],
)
def test_type_and_cryptosuite_must_be_an_exact_supported_pair(
    proof_type: Any, cryptosuite: str | None, result: Outcome
) -> None:
    proof = {"type": proof_type} | ({"cryptosuite": cryptosuite} if cryptosuite else {})
    with pytest.raises(ProofError) as raised:
        data_integrity.suite_of(proof, "the proof")
    assert (raised.value.check.name, raised.value.check.result) == ("signature", result)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "no base58btc"),
        ("uAAAA", "no base58btc"),
        ("z0OIl", "not base58"),
        ("z" + base58.b58encode(b"\x01" * 63).decode(), "wrong length"),
    ],
)
def test_proof_value_must_be_a_base58btc_ed25519_signature(value: object, reason: str) -> None:
    with pytest.raises(ProofError) as raised:
        data_integrity.decode_proof_value(value, "the proof")
    assert raised.value.check.result is Outcome.FAILED
    assert reason in raised.value.check.detail


def _fresh_credential(issuer: str) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "urn:uuid:0b5c3c4e-2f7e-4d2a-9a55-0c4e6f0c1d11",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": issuer,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
    }


@pytest.mark.parametrize("cryptosuite", ["eddsa-jcs-2022", "eddsa-rdfc-2022"])
def test_fresh_credential_verifies_and_a_tampered_copy_does_not(
    contexts: ContextStore, cryptosuite: str
) -> None:
    signing_key = SigningKey.generate()
    issuer = did_key_of(signing_key)
    run = make_run(contexts)
    signed = sign_data_integrity(_fresh_credential(issuer), signing_key, run, cryptosuite=cryptosuite)
    assert [(c.name, c.result) for c in verify_proofs(signed, issuer, run)] == [
        ("key", Outcome.PASSED),
        ("signature", Outcome.PASSED),
    ]
    signed["credentialSubject"]["alumniOf"] = "The School of Examplez"
    assert verify_proofs(signed, issuer, run)[-1].result is Outcome.FAILED


def test_a_proof_set_fails_when_any_proof_fails(contexts: ContextStore) -> None:
    signing_key = SigningKey.generate()
    issuer = did_key_of(signing_key)
    run = make_run(contexts)
    first = sign_data_integrity(_fresh_credential(issuer), signing_key, run)["proof"]
    second = {**first, "created": "2025-06-02T00:00:00Z"}  # same signature, other options: invalid
    checks = verify_proofs({**_fresh_credential(issuer), "proof": [first, second]}, issuer, run)
    assert [(c.name, c.result) for c in checks] == [
        ("key", Outcome.PASSED),
        ("signature", Outcome.PASSED),
        ("key", Outcome.PASSED),
        ("signature", Outcome.FAILED),
    ]
    assert checks[3].detail.startswith("proof 2")


@pytest.mark.parametrize(
    ("options", "detail"),
    [
        ({"proofPurpose": "authentication"}, "is not for assertionMethod"),
        ({"created": "2026-01-01T01:00:00Z"}, "was created in the future"),
        ({"created": "yesterday"}, "created is not a valid date-time"),
        ({"expires": "2025-12-31T00:00:00Z"}, "expired"),
        ({"@context": ["https://www.w3.org/ns/credentials/examples/v2"]}, "other contexts"),
    ],
)
def test_proof_options_are_checked(contexts: ContextStore, options: dict[str, Any], detail: str) -> None:
    signing_key = SigningKey.generate()
    issuer = did_key_of(signing_key)
    run = make_run(contexts)
    signed = sign_data_integrity(_fresh_credential(issuer), signing_key, run, **options)
    [check] = [c for c in verify_proofs(signed, issuer, run) if c.result is Outcome.FAILED]
    assert check.name == "signature"
    assert detail in check.detail


def test_a_key_that_cannot_be_fetched_leaves_the_proof_unverifiable(contexts: ContextStore) -> None:
    signing_key = SigningKey.generate()
    issuer = "did:web:issuer.invalid"
    run = make_run(contexts)
    signed = sign_data_integrity(
        _fresh_credential(issuer), signing_key, run, verificationMethod=f"{issuer}#key-1"
    )
    [check] = verify_proofs(signed, issuer, run)
    assert (check.name, check.result, check.required) == ("key", Outcome.SKIPPED, True)


def test_no_proof_is_a_required_skip(contexts: ContextStore) -> None:
    [check] = verify_proofs(_fresh_credential("did:example:x"), "did:example:x", make_run(contexts))
    assert (check.name, check.result, check.required) == ("signature", Outcome.SKIPPED, True)


def test_an_unknown_context_in_a_signed_document_is_never_fetched(
    shared_dir: Path, contexts: ContextStore
) -> None:
    signed = _json(_vector_dir(shared_dir) / "eddsa-rdfc-2022" / "employ" / "signedDataInt.json")
    fetch = StaticSession()
    did = signed["proof"]["verificationMethod"].partition("#")[0]
    key = resolve_key(signed["proof"]["verificationMethod"], issuer_id=did, fetch=fetch)  # type: ignore[arg-type]
    check = verify_signature(signed, signed["proof"], key, make_run(contexts, fetch))
    assert (check.name, check.result) == ("context", Outcome.SKIPPED)
    assert fetch.requests == []


def test_a_huge_proof_value_is_refused_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Base58 decoding is quadratic: a 100,000-character proofValue is never handed to the decoder."""
    decoded: list[str] = []
    monkeypatch.setattr(encoding.base58, "b58decode", lambda text: decoded.append(text) or b"")
    with pytest.raises(data_integrity.ProofError) as raised:
        data_integrity.decode_proof_value("z" + "2" * 100_000, "the proof")
    assert decoded == []
    assert raised.value.check == Check.failed("signature", "the proof has a proofValue that is not base58")

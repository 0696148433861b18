"""Data Integrity proofs on W3C Verifiable Credentials (and so on Open Badges 3.0).

Supported suites, each an exact ``type`` / ``cryptosuite`` pair (a near miss is a malformed proof,
not a guess):

- ``DataIntegrityProof`` + ``eddsa-rdfc-2022``: RDF canonicalization (RDFC-1.0);
- ``DataIntegrityProof`` + ``eddsa-jcs-2022``: JSON canonicalization (RFC 8785);
- ``DataIntegrityProof`` + ``eddsa-2022``: the 2022 draft name of eddsa-rdfc-2022, same algorithm;
- ``Ed25519Signature2020`` (no cryptosuite): the legacy suite; the same RDF hashing.

For all of them the signed bytes are ``sha256(canonical proof configuration) ||
sha256(canonical unsecured document)`` and the signature is a 64-byte Ed25519 signature, written
as multibase base58btc (a ``z`` prefix).  The W3C vc-di-eddsa vectors pin each step.

A credential may carry several proofs (a proof set); every one must verify, and a proof that names
``previousProof`` (a proof chain) signs the document together with the proofs it names.  Keys come
only from :func:`core.badges.proofs.keys.resolve_key`, which also ensures the issuer controls them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from core.badges.jsonld.canonical import (
    CanonicalizationError,
    OverBudgetError,
    UndefinedTermsError,
    jcs,
    rdfc,
)
from core.badges.jsonld.contexts import ContextError
from core.badges.jsonld.values import as_list
from core.badges.proofs.encoding import base58btc
from core.badges.proofs.keys import KeyResolutionError, VerificationKey, resolve_key
from core.badges.report import Check

if TYPE_CHECKING:
    from core.badges.run import VerificationRun

ED25519_SIGNATURE_BYTES = 64
PROOF_PURPOSE = "assertionMethod"  # what an issuer's signature on a credential must be for
CLOCK_SKEW = dt.timedelta(minutes=5)  # tolerated between the issuer's clock and ours for "not yet"


@dataclass(frozen=True, slots=True)
class Suite:
    name: str
    canonicalization: Literal["rdfc", "jcs"]


SUITES: Mapping[tuple[str, str | None], Suite] = {
    ("DataIntegrityProof", "eddsa-rdfc-2022"): Suite("eddsa-rdfc-2022", "rdfc"),
    ("DataIntegrityProof", "eddsa-jcs-2022"): Suite("eddsa-jcs-2022", "jcs"),
    ("DataIntegrityProof", "eddsa-2022"): Suite("eddsa-2022", "rdfc"),
    ("Ed25519Signature2020", None): Suite("Ed25519Signature2020", "rdfc"),
}
_KNOWN_TYPES = frozenset(proof_type for proof_type, _ in SUITES)


class ProofError(Exception):
    """A proof that cannot be checked.  ``check`` is the report line: failed when the proof itself is
    wrong, skipped when this verifier merely cannot judge it (an unsupported suite, say)."""

    def __init__(self, check: Check) -> None:
        super().__init__(check.detail)
        self.check = check


def proofs_of(credential: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The credential's proofs as a list (``proof`` may be one object or a proof set)."""
    value = credential.get("proof")
    proofs = value if isinstance(value, list) else [] if value is None else [value]
    if not all(isinstance(proof, dict) for proof in proofs):
        raise ProofError(Check.failed("signature", "a proof is not a JSON object"))
    return proofs


def suite_of(proof: Mapping[str, Any], label: str) -> Suite:
    proof_type, cryptosuite = proof.get("type"), proof.get("cryptosuite")
    if not isinstance(proof_type, str) or not isinstance(cryptosuite, str | None):
        raise ProofError(Check.failed("signature", f"{label} has a malformed type or cryptosuite"))
    suite = SUITES.get((proof_type, cryptosuite))
    if suite is not None:
        return suite
    # A known type with the wrong cryptosuite field (DataIntegrityProof without one, the legacy
    # suite with one) is not a suite this verifier lacks: it is a broken proof.
    if proof_type in _KNOWN_TYPES and (proof_type == "DataIntegrityProof") != (cryptosuite is not None):
        raise ProofError(
            Check.failed("signature", f"{label}: {proof_type} with that cryptosuite is malformed")
        )
    name = f"{proof_type}/{cryptosuite}" if cryptosuite else proof_type
    raise ProofError(Check.skipped("signature", f"{label} uses the unsupported proof suite {name}"))


def decode_proof_value(value: object, label: str) -> bytes:
    """The Ed25519 signature inside a multibase base58btc ``proofValue``."""
    if not isinstance(value, str) or not value.startswith("z"):
        raise ProofError(Check.failed("signature", f"{label} has no base58btc (z...) proofValue"))
    try:
        signature = base58btc(value)
    except ValueError:  # not base58, or far too long to be a signature
        raise ProofError(Check.failed("signature", f"{label} has a proofValue that is not base58")) from None
    if len(signature) != ED25519_SIGNATURE_BYTES:
        raise ProofError(Check.failed("signature", f"{label} has a proofValue of the wrong length"))
    return signature


def unsecured_document(
    credential: Mapping[str, Any], proof: Mapping[str, Any], proofs: list[dict[str, Any]], label: str
) -> dict[str, Any]:
    """What ``proof`` signed: the credential without its proofs, plus the proofs it chains to.

    A proof that states its own ``@context`` must state exactly the document's.  The vc-di-eddsa
    algorithm lets it be a prefix and then verifies under the prefix, but every other check (the
    properties, what is displayed, stored and credited) reads the document under its full list: a
    context appended after signing (a ``@vocab`` catch-all, another vocabulary) would let unsigned
    words pass as signed.  Refusing the difference keeps one meaning for everything.
    """
    document = {key: value for key, value in credential.items() if key != "proof"}
    previous = proof.get("previousProof")
    if previous is not None:
        wanted = [previous] if isinstance(previous, str) else previous
        chained = [proof for proof in proofs if proof.get("id") in wanted] if isinstance(wanted, list) else []
        if not chained or len(chained) != len(wanted):
            raise ProofError(Check.failed("signature", f"{label} chains to a proof that is not there"))
        document["proof"] = chained
    if "@context" in proof and as_list(proof["@context"]) != as_list(credential.get("@context")):
        raise ProofError(
            Check.failed("signature", f"{label} was made under other contexts than the document's")
        )
    return document


def proof_configuration(proof: Mapping[str, Any], context: Any) -> dict[str, Any]:
    """What a proof signs about itself: the proof less its ``proofValue``, under the document's
    ``@context`` (vc-di-eddsa, "Transformation" / "Proof Configuration")."""
    return {**{key: value for key, value in proof.items() if key != "proofValue"}, "@context": context}


class CanonicalDocuments:
    """The RDF canonical forms of one credential's unsecured documents, each computed once.

    Every proof of a proof set signs the same unsecured document, and the properties check reads
    it too; canonicalization is most of a verification's time, so it is done once per document
    (keyed by the proofs a chained proof includes).
    """

    def __init__(self, run: VerificationRun) -> None:
        self._run = run
        self._forms: dict[tuple[int, ...], str] = {}
        self._configurations: dict[int, str] = {}

    def of(self, unsecured: Mapping[str, Any]) -> str:
        key = tuple(id(proof) for proof in as_list(unsecured.get("proof")))
        if key not in self._forms:
            self._forms[key] = rdfc(dict(unsecured), self._run.contexts, self._run.fetch)
        return self._forms[key]

    def configuration(self, proof: Mapping[str, Any], context: Any) -> str:
        """The canonical proof configuration: ``proof`` less its value, under the document's context."""
        if id(proof) not in self._configurations:
            config = proof_configuration(proof, context)
            self._configurations[id(proof)] = rdfc(config, self._run.contexts, self._run.fetch)
        return self._configurations[id(proof)]


def signing_input(
    unsecured: Mapping[str, Any],
    proof: Mapping[str, Any],
    suite: Suite,
    run: VerificationRun,
    canonical: CanonicalDocuments | None = None,
) -> bytes:
    """sha256(canonical proof configuration) || sha256(canonical document), the bytes Ed25519 signs.

    The proof configuration is the proof without ``proofValue``, under the document's ``@context``.
    """
    if suite.canonicalization == "jcs":
        config = proof_configuration(proof, unsecured.get("@context"))
        canonical_config, canonical_document = jcs(config), jcs(dict(unsecured))
    else:
        forms = canonical or CanonicalDocuments(run)
        canonical_config = forms.configuration(proof, unsecured.get("@context")).encode("utf-8")
        canonical_document = forms.of(unsecured).encode("utf-8")
    return hashlib.sha256(canonical_config).digest() + hashlib.sha256(canonical_document).digest()


def verify_proofs(
    credential: Mapping[str, Any],
    issuer_id: str,
    run: VerificationRun,
    canonical: CanonicalDocuments | None = None,
) -> list[Check]:
    """One "signature" line per proof (and a "key" line per resolved key); no proof is a required skip.
    ``canonical`` may hold the canonical forms the caller already made of this credential."""
    try:
        proofs = proofs_of(credential)
    except ProofError as error:
        return [error.check]
    if not proofs:
        return [Check.skipped("signature", "the credential carries no proof")]
    canonical = canonical or CanonicalDocuments(run)
    checks: list[Check] = []
    signers = [_signer(proof, issuer_id, several=len(proofs) > 1) for proof in proofs]
    for number, (proof, signer) in enumerate(zip(proofs, signers, strict=True), start=1):
        label = f"proof {number}" if len(proofs) > 1 else "the proof"
        try:
            checks.extend(_verify_proof(credential, proof, proofs, signer, issuer_id, label, run, canonical))
        except ProofError as error:
            checks.append(error.check)
    if issuer_id not in signers:
        checks.append(Check.failed("key", "no proof is by the issuer"))
    return checks


def _signer(proof: Mapping[str, Any], issuer_id: str, *, several: bool) -> str:
    """Whose key a proof must be made with: the issuer's, except in a proof set or chain, where a
    proof by another DID (a co-signer, an endorser, a notary) is checked against that DID and at
    least one proof must still be the issuer's.  Every proof must verify either way."""
    method = proof.get("verificationMethod")
    controller = method.partition("#")[0] if isinstance(method, str) else ""
    if several and controller.startswith("did:") and controller != issuer_id:
        return controller
    return issuer_id


def _verify_proof(
    credential: Mapping[str, Any],
    proof: Mapping[str, Any],
    proofs: list[dict[str, Any]],
    signer: str,
    issuer_id: str,
    label: str,
    run: VerificationRun,
    canonical: CanonicalDocuments,
) -> list[Check]:
    suite_of(proof, label)  # before any fetch: an unsupported or broken proof needs no key
    if proof.get("proofPurpose") != PROOF_PURPOSE:
        raise ProofError(Check.failed("signature", f"{label} is not for {PROOF_PURPOSE}"))
    _check_proof_times(proof, label, run.now)
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or not method:
        raise ProofError(Check.failed("signature", f"{label} names no verification method"))
    try:
        key = resolve_key(method, issuer_id=signer, fetch=run.fetch, purpose=PROOF_PURPOSE)
    except KeyResolutionError as error:
        raise ProofError(key_resolution_check(error, label)) from None
    owner = "the issuer" if signer == issuer_id else f"{signer}, a co-signer (not the issuer)"
    key_check = Check.passed("key", f"{label}: key {key.id} belongs to {owner}")
    signature = verify_signature(credential, proof, key, run, proofs=proofs, label=label, canonical=canonical)
    return [key_check, signature]


def verify_signature(
    credential: Mapping[str, Any],
    proof: Mapping[str, Any],
    key: VerificationKey,
    run: VerificationRun,
    *,
    proofs: list[dict[str, Any]] | None = None,
    label: str = "the proof",
    canonical: CanonicalDocuments | None = None,
) -> Check:
    """Whether ``proof`` (one of ``proofs``, the credential's proof set) signs the credential with
    ``key``, which the caller has already tied to the issuer."""
    try:
        suite = suite_of(proof, label)
        signature = decode_proof_value(proof.get("proofValue"), label)
        if not isinstance(key.public_key, Ed25519PublicKey):
            return Check.failed("key", f"{label}: {suite.name} needs an Ed25519 key")
        unsecured = unsecured_document(credential, proof, proofs or [], label)
        message = signing_input(unsecured, proof, suite, run, canonical)
    except ProofError as error:
        return error.check
    except UndefinedTermsError as error:
        return Check.failed("properties", f"{label}: {error.reason}")
    except CanonicalizationError as error:
        return Check.failed("canonicalization", f"{label}: {error.reason}")
    except OverBudgetError as error:
        return too_costly_check(f"{label}: {error.reason}")
    except ContextError as error:
        return Check.skipped("context", f"{label}: {error.reason}")
    if not key.verify(message, signature):
        return Check.failed("signature", f"{label} ({suite.name}) does not match the credential")
    return Check.passed("signature", f"{label} ({suite.name}) is valid")


def too_costly_check(detail: str) -> Check:
    """Running out of the JSON-LD budget is no evidence of forgery: unverifiable, with the reason."""
    return Check.skipped("canonicalization", f"too large to check here ({detail})")


def key_resolution_check(error: KeyResolutionError, label: str) -> Check:
    """An unusable key: unverifiable when it could not be obtained, invalid when what the issuer
    publishes (or the key's own identifier) shows it is not the issuer's key."""
    if error.unreachable:
        return Check.skipped("key", f"{label}: {error.reason}")
    return Check.failed("key", f"{label}: {error.reason}")


def _check_proof_times(proof: Mapping[str, Any], label: str, now: dt.datetime) -> None:
    try:
        created = parse_datetime(proof.get("created"), "created")
        expires = parse_datetime(proof.get("expires"), "expires")
    except DateError as error:
        raise ProofError(Check.failed("signature", f"{label}: {error}")) from None
    if created is not None and created > now + CLOCK_SKEW:
        raise ProofError(Check.failed("signature", f"{label} was created in the future"))
    if expires is not None and expires < now:
        raise ProofError(Check.failed("signature", f"{label} expired"))


class DateError(ValueError):
    """A date-time field that is not an XSD dateTime (the message names the field)."""


def parse_datetime(value: object, field: str) -> dt.datetime | None:
    """An XSD dateTime as an aware UTC datetime, None when absent.  A zone-less value is read as UTC,
    as the VC data model recommends issuers never to write one and verifiers cannot ask."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise DateError(f"{field} is not a date-time string")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise DateError(f"{field} is not a valid date-time") from None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)

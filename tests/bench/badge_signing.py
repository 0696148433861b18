"""Badges signed here, for the suites no shared vector covers end to end.

The W3C eddsa-jcs-2022 vector is signed by a did:key for an https issuer that does not control it, so
a full verification stops at the key check; no vector carries a VC-JWT whose key can be resolved
offline.  These are signed the way an issuer would, with fixed keys (reproducible figures) and
did:key issuers (no network), and independently of the code under test: rfc8785, PyNaCl and PyJWT
directly, not core.badges.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from typing import Any

import base58
import jwt
import rfc8785
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from nacl.signing import SigningKey

ED25519_SEED = bytes(range(32))
P256_SECRET = 0x1F2E3D4C5B6A79880011223344556677  # fixed, so every run verifies the same token
ED25519_MULTICODEC = b"\xed\x01"
P256_MULTICODEC = b"\x80\x24"
ISSUED = "2024-01-15T09:00:00Z"


def _did_key(multicodec: bytes, public: bytes) -> tuple[str, str]:
    """(did, verification method id) of a did:key for ``public``."""
    fingerprint = "z" + base58.b58encode(multicodec + public).decode("ascii")
    return f"did:key:{fingerprint}", f"did:key:{fingerprint}#{fingerprint}"


def open_badge(issuer: str) -> dict[str, Any]:
    """A small but complete OB 3.0 OpenBadgeCredential (VCDM 2.0) from ``issuer``."""
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:5b1c0d4e-8a43-4c1b-9d0e-2f6a7b8c9d01",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "SQL for analysts",
        "issuer": {"id": issuer, "type": ["Profile"], "name": "SkillStack bench issuer"},
        "validFrom": ISSUED,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:0c7e5d2a-61f4-4a8b-b3d9-7e2f1a4c5b6d",
                "type": ["Achievement"],
                "name": "SQL for analysts",
                "description": "Writes joins, window functions and aggregate reports.",
                "criteria": {"narrative": "Passed the final project review."},
            },
        },
    }


def jcs_signed_badge() -> dict[str, Any]:
    """The badge with a DataIntegrityProof / eddsa-jcs-2022 proof (vc-di-eddsa §3.3)."""
    key = SigningKey(ED25519_SEED)
    issuer, method = _did_key(ED25519_MULTICODEC, bytes(key.verify_key))
    credential = open_badge(issuer)
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": ISSUED,
        "verificationMethod": method,
        "proofPurpose": "assertionMethod",
    }
    config = {**proof, "@context": credential["@context"]}
    message = (
        hashlib.sha256(rfc8785.dumps(config)).digest() + hashlib.sha256(rfc8785.dumps(credential)).digest()
    )
    signature = key.sign(message).signature
    return {**credential, "proof": {**proof, "proofValue": "z" + base58.b58encode(signature).decode("ascii")}}


def vc_jwt(algorithm: str) -> str:
    """The badge as an OB 3.0 §8.2 VC-JWT (credential in ``vc``, registered claims beside it),
    signed with ``EdDSA`` (Ed25519) or ``ES256`` (P-256); ``kid`` is the did:key method."""
    private: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey
    if algorithm == "EdDSA":
        private = ed25519.Ed25519PrivateKey.from_private_bytes(ED25519_SEED)
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        issuer, method = _did_key(ED25519_MULTICODEC, public)
    elif algorithm == "ES256":
        private = ec.derive_private_key(P256_SECRET, ec.SECP256R1())
        public = private.public_key().public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
        issuer, method = _did_key(P256_MULTICODEC, public)
    else:
        raise ValueError(f"no signer for {algorithm}")
    credential = open_badge(issuer)
    issued = dt.datetime.fromisoformat(ISSUED)
    claims = {
        "iss": issuer,
        "jti": credential["id"],
        "nbf": int(issued.timestamp()),
        "vc": copy.deepcopy(credential),
    }
    return jwt.encode(claims, private, algorithm=algorithm, headers={"kid": method, "typ": "JWT"})

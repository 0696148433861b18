"""Verifiable Credentials secured as a JWT (VC-JWT): RS256, ES256 and EdDSA, through PyJWT.

Two payload shapes arrive in practice:

- VCDM 1.1 / OB 3.0 §8.2: the credential sits in the ``vc`` claim and the registered claims stand
  for some of its properties (``iss`` = issuer, ``nbf`` = issuance, ``exp`` = expiry, ``jti`` = id,
  ``sub`` = subject id);
- VCDM 2.0 (VC-JOSE): the payload *is* the credential, with optional registered claims beside it.

Either way the credential is rebuilt with the claims folded in, and a claim that contradicts the
credential is a malformed token: the signature covers both, but a verifier must not pick one.

``sub`` stands for ``credentialSubject.id`` (VCDM 1.1 §6.3.1).  With one subject, an object or a
one-item list, it fills in a missing id or must equal the id stated.  JWTs cannot say which of
several subjects they mean (VCDM 1.1 notes they cannot encode multi-subject credentials at all, and
an OB 3.0 credential has exactly one subject), so with several subjects nothing is filled in and
``sub`` must be the id one of them states; a ``sub`` naming none of them contradicts the credential.

The key is what the header's ``kid`` resolves to through :func:`core.badges.proofs.keys.resolve_key`
(relative ``#fragment`` ids are read against the issuer).  A ``jwk`` in the header is never a key
source: anyone can sign a token with a key they embed.  It is tolerated only when it is the very
key the issuer publishes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jwt
from cryptography.hazmat.primitives import serialization

from core.badges.jsonld.contexts import VC_V2
from core.badges.jsonld.values import NestedTooDeeply, as_list, id_of, issuer_id, parse_json
from core.badges.proofs.data_integrity import DateError, key_resolution_check, parse_datetime
from core.badges.proofs.keys import KeyResolutionError, VerificationKey, resolve_key
from core.badges.report import Check

if TYPE_CHECKING:
    from core.badges.run import VerificationRun

REGISTERED_CLAIMS = ("iss", "sub", "aud", "exp", "nbf", "iat", "jti")


KEY_FAMILY_OF_ALG = {"RS256": "RSA", "ES256": "P-256", "EdDSA": "Ed25519"}  # keys.py makes no other EC keys


class TokenError(Exception):
    """The token cannot be read as a VC-JWT; ``check`` says why."""

    def __init__(self, check: Check) -> None:
        super().__init__(check.detail)
        self.check = check


@dataclass(frozen=True, slots=True)
class Token:
    """A token read but not yet trusted: its JOSE header and the credential it carries."""

    text: str
    header: Mapping[str, Any]
    credential: dict[str, Any]


def read_token(token: str) -> Token:
    """The token's header and rebuilt credential (see the module docstring); nothing verified yet."""
    header, payload = unverified_parts(token)
    return Token(token, header, credential_from_claims(payload))


def verify_signature(token: Token, issuer_id: str, run: VerificationRun) -> list[Check]:
    """The "key" and "signature" lines: the issuer's key named by ``kid``, then the JWS signature."""
    try:
        key = _issuer_key(token.header, issuer_id, run)
    except TokenError as error:
        return [error.check]
    return [
        Check.passed("key", f"key {key.id} belongs to the issuer"),
        _signature_check(token.text, token.header["alg"], key),
    ]


def credential_from_claims(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The credential with the registered claims folded in (see the module docstring)."""
    source = payload.get("vc", payload)
    if not isinstance(source, dict) or "@context" not in source:
        raise TokenError(Check.failed("format", "the token carries no credential"))
    credential = {key: value for key, value in source.items() if key not in REGISTERED_CLAIMS}
    v2 = VC_V2 in as_list(credential.get("@context"))
    issued, expires = ("validFrom", "validUntil") if v2 else ("issuanceDate", "expirationDate")
    _fold(credential, "issuer", payload.get("iss"), issuer_id(credential), "iss")
    _fold(credential, "id", payload.get("jti"), credential.get("id"), "jti")
    _fold(credential, issued, _claim_time(payload, "nbf"), credential.get(issued), "nbf")
    _fold(credential, expires, _claim_time(payload, "exp"), credential.get(expires), "exp")
    subject = credential.get("credentialSubject")
    if "sub" in payload and isinstance(subject, dict | list):
        credential["credentialSubject"] = _with_sub(subject, payload["sub"])
    return credential


def _with_sub(subject: dict[str, Any] | list[Any], sub: Any) -> dict[str, Any] | list[Any]:
    """``credentialSubject`` with the ``sub`` claim folded in (see the module docstring)."""
    subjects = subject if isinstance(subject, list) else [subject]
    if len(subjects) == 1 and isinstance(subjects[0], dict):
        folded = dict(subjects[0])
        _fold(folded, "id", sub, folded.get("id"), "sub")
        return [folded] if isinstance(subject, list) else folded
    if not any(id_of(item) == sub for item in subjects):
        raise TokenError(Check.failed("format", "the sub claim names none of the credential's subjects"))
    return subject


def _fold(target: dict[str, Any], name: str, claimed: Any, stated: Any, claim: str) -> None:
    """Put a claim into the credential; a claim contradicting what the credential states is refused."""
    if claimed is None:
        return
    if stated is None:
        target[name] = (
            claimed.isoformat().replace("+00:00", "Z") if isinstance(claimed, dt.datetime) else claimed
        )
    elif not _same(claimed, stated):
        raise TokenError(Check.failed("format", f"the {claim} claim contradicts the credential's {name}"))


def _same(claimed: Any, stated: Any) -> bool:
    """Equal values; a NumericDate equals a date-time that falls within the same second."""
    if not isinstance(claimed, dt.datetime):
        return bool(claimed == stated)
    try:
        moment = parse_datetime(stated, "date")
    except DateError:
        return False
    return moment is not None and moment.replace(microsecond=0) == claimed


def _claim_time(payload: Mapping[str, Any], claim: str) -> dt.datetime | None:
    value = payload.get(claim)
    if value is None:
        return None
    problem = TokenError(Check.failed("format", f"the {claim} claim is not a NumericDate"))
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise problem
    try:
        return dt.datetime.fromtimestamp(int(value), dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise problem from None


def unverified_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and payload of a compact JWS, read without checking anything (TokenError if unreadable)."""
    try:
        parts = jwt.api_jws.PyJWS().decode_complete(token, options={"verify_signature": False})
        payload = parse_json(parts["payload"])
    except NestedTooDeeply:
        raise TokenError(Check.failed("format", "the token's payload is nested too deeply")) from None
    except (jwt.PyJWTError, ValueError):
        raise TokenError(Check.failed("format", "the token is not a readable JWS")) from None
    if not isinstance(payload, dict):
        raise TokenError(Check.failed("format", "the token's payload is not a JSON object"))
    return parts["header"], payload


def _issuer_key(header: Mapping[str, Any], issuer_id: str, run: VerificationRun) -> VerificationKey:
    alg = header.get("alg")
    if alg not in KEY_FAMILY_OF_ALG:
        raise TokenError(Check.failed("signature", f"the token's algorithm {alg!r} is not accepted"))
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        embedded = "; a key embedded in the token proves nothing" if "jwk" in header else ""
        raise TokenError(Check.skipped("key", f"the token names no key id (kid){embedded}"))
    method_id = issuer_id + kid if kid.startswith("#") else kid
    try:
        key = resolve_key(method_id, issuer_id=issuer_id, fetch=run.fetch)
    except KeyResolutionError as error:
        raise TokenError(key_resolution_check(error, "the token")) from None
    if key.algorithm_family != KEY_FAMILY_OF_ALG[alg]:
        raise TokenError(Check.failed("key", f"key {key.id} is not a key for {alg}"))
    if "jwk" in header and not _is_same_key(header["jwk"], key):
        raise TokenError(Check.failed("key", "the token embeds a key that is not the issuer's"))
    return key


def _is_same_key(jwk: object, key: VerificationKey) -> bool:
    if not isinstance(jwk, dict):  # PyJWK reads a JSON object only (anything else raised AttributeError)
        return False
    try:
        embedded = jwt.PyJWK(jwk).key
    except (jwt.PyJWTError, TypeError, ValueError):
        return False
    return _public_der(embedded) == _public_der(key.public_key)


def _public_der(key: Any) -> bytes | None:
    public = key.public_key() if hasattr(key, "public_key") else key
    try:
        der: bytes = public.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    except (AttributeError, ValueError):
        return None
    return der


def _signature_check(token: str, alg: str, key: VerificationKey) -> Check:
    try:
        jwt.api_jws.PyJWS().decode_complete(token, key=key.public_key, algorithms=[alg])
    except jwt.InvalidSignatureError:
        return Check.failed("signature", f"the {alg} signature does not match the token")
    except jwt.PyJWTError as error:
        return Check.failed("signature", f"the {alg} signature could not be checked ({type(error).__name__})")
    return Check.passed("signature", f"the {alg} signature is valid")

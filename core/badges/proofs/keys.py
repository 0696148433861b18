"""Verification keys: which public key checks a proof, and whether that key is the issuer's.

A proof names its key by URL (a Data Integrity ``verificationMethod``, a JWT ``kid``). A valid signature
proves nothing unless the *issuer* publishes that key, so a key is accepted only when:

- ``did:key:X`` (method ``did:key:X#X``, or the bare DID): the key *is* the identifier, so it is the
  issuer's exactly when the issuer is ``did:key:X``;
- ``did:web``: the DID document served from the issuer's domain describes the method and lists it
  under the requested verification relationship (``assertionMethod``);
- an HTTPS URL (``https://issuer.example/keys/1#key`` or without a fragment): the document at that URL
  describes the method, its ``controller`` is the issuer, and the controller's own document (fetched
  at the controller's URL when it is another document) lists the method under ``assertionMethod``.

A bare ``#fragment`` and a key merely carried by the badge (a JOSE ``jwk`` header, a key spelled out in
a URL fragment) are never trusted: whoever made the badge made that key too. The DCC vector
``v2WithBadDidWeb`` is signed by the very key its unresolvable did:web names in its fragment.

How strict, and why (verifiers differ; the 1EdTech validator and the DCC DID documents are the guide):

- every fetched document must carry an ``id`` equal to the DID or URL it was fetched for, so a document
  served at one address cannot speak for another;
- a method is found by its exact id; ids in a document may be absolute or relative to the document
  (``#key-1``); a relationship may reference the method by id (1EdTech style) or embed it (DCC style);
- ``controller`` is compared with the issuer id as an exact string, no normalisation.

:class:`KeyResolutionError` tells the caller which verdict an error supports: ``unreachable=True`` when
the key could not be obtained or used (network, server error, a key type or DID method this verifier
does not support) — the badge is then *unverifiable*; ``unreachable=False`` when what the issuer
publishes contradicts the badge (another controller, not listed, no such key, private key published) —
the badge is then *invalid*.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote, unquote

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from nacl.exceptions import CryptoError
from nacl.signing import VerifyKey

from core.badges.net.fetcher import JSON_TYPES, FetchError
from core.badges.proofs.encoding import MAX_BASE58_CHARS, base58_bytes, base58btc, base64url

if TYPE_CHECKING:
    from core.badges.net.fetcher import FetchSession

PublicKey = ed25519.Ed25519PublicKey | rsa.RSAPublicKey | ec.EllipticCurvePublicKey
AlgorithmFamily = Literal["Ed25519", "RSA", "P-256"]

RELATIONSHIPS = ("assertionMethod", "authentication", "capabilityInvocation", "capabilityDelegation")
# Where a document may describe a method: its own list, or embedded in a relationship.
_METHOD_HOLDERS = ("verificationMethod", *RELATIONSHIPS, "keyAgreement")
# Multicodec varint prefixes of the public keys did:key and Multikey may carry.
_MULTICODECS: dict[bytes, tuple[AlgorithmFamily, int]] = {
    b"\xed\x01": ("Ed25519", 32),  # ed25519-pub
    b"\x80\x24": ("P-256", 33),  # p256-pub, compressed point
}
_MIN_RSA_BITS = 2048
_PRIVATE_JWK_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
_DID_WEB_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?")


class KeyResolutionError(Exception):
    """The key cannot be used; ``reason`` is a short sentence safe to show.

    ``unreachable`` is True when the key could not be obtained or used (not evidence against the
    issuer), False when what the issuer publishes shows the key is not the issuer's."""

    def __init__(self, reason: str, *, unreachable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unreachable = unreachable


@dataclass(frozen=True, slots=True)
class VerificationKey:
    """A public key the issuer vouches for. ``public_key`` is a ``cryptography`` key object, so the
    JWT path can hand it to PyJWT as it is."""

    id: str
    controller: str
    public_key: PublicKey

    @property
    def algorithm_family(self) -> AlgorithmFamily:
        if isinstance(self.public_key, ed25519.Ed25519PublicKey):
            return "Ed25519"
        if isinstance(self.public_key, rsa.RSAPublicKey):
            return "RSA"
        return "P-256"

    def verify(self, message: bytes, signature: bytes) -> bool:
        """True when ``signature`` signs ``message``: Ed25519 (PyNaCl), RSA PKCS#1 v1.5 with SHA-256
        (RS256), or ECDSA P-256 with SHA-256 over a raw ``r||s`` signature (ES256, ecdsa-2019)."""
        if isinstance(self.public_key, ed25519.Ed25519PublicKey):
            raw = self.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
            try:
                VerifyKey(raw).verify(message, signature)
            except (CryptoError, ValueError):
                return False
            return True
        try:
            if isinstance(self.public_key, rsa.RSAPublicKey):
                self.public_key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
            else:
                if len(signature) != 64:
                    return False
                der = encode_dss_signature(
                    int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
                )
                self.public_key.verify(der, message, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            return False
        return True


def resolve_key(
    method_id: str, *, issuer_id: str, fetch: FetchSession, purpose: str = "assertionMethod"
) -> VerificationKey:
    """The key ``method_id`` names, once the issuer ``issuer_id`` is shown to vouch for it for
    ``purpose``; raises :class:`KeyResolutionError` otherwise."""
    if purpose not in RELATIONSHIPS:
        raise ValueError(f"unknown verification relationship {purpose!r}")
    if method_id.startswith("did:key:"):
        return _did_key(method_id, issuer_id)
    base = method_id.partition("#")[0]
    if not base:
        raise KeyResolutionError("the proof names its key by a bare fragment, which does not say whose it is")
    document = _load_document(base, fetch)
    method = _find_method(document, method_id)
    controller = _require_issuer(method.get("controller"), issuer_id)
    controller_document = document if controller == base else _load_document(controller, fetch)
    listed = _listed(controller_document, purpose, method_id)
    if listed is None:
        raise KeyResolutionError(f"the issuer does not list the key {method_id} under {purpose}")
    if isinstance(listed, Mapping) and listed != method:
        raise KeyResolutionError(f"the issuer describes the key {method_id} in two different ways")
    return VerificationKey(method_id, controller, _method_key(method))


def _decode_multikey(value: Any) -> PublicKey:
    """A ``z``-multibase (base58btc) multicodec public key, as in did:key and ``publicKeyMultibase``."""
    if not isinstance(value, str) or not value.startswith("z") or len(value) > MAX_BASE58_CHARS:
        raise KeyResolutionError("the key is not a base58btc multibase value")
    try:
        raw = base58btc(value)
    except ValueError as exc:
        raise KeyResolutionError("the key is not valid base58") from exc
    for prefix, (family, size) in _MULTICODECS.items():
        if raw.startswith(prefix):
            if len(raw) != len(prefix) + size:
                raise KeyResolutionError(f"the {family} public key has the wrong length")
            return _raw_key(family, raw[len(prefix) :])
    raise KeyResolutionError("the key type is not supported (only Ed25519 and P-256)", unreachable=True)


def _did_key(method_id: str, issuer_id: str) -> VerificationKey:
    did, _, fragment = method_id.partition("#")
    encoded = did.removeprefix("did:key:")
    if fragment and fragment != encoded:
        raise KeyResolutionError("a did:key names its key did:key:X#X; this fragment names another")
    _require_issuer(did, issuer_id)
    return VerificationKey(f"{did}#{encoded}", did, _decode_multikey(encoded))


def _require_issuer(controller: Any, issuer_id: str) -> str:
    """``issuer_id`` when it is the key's controller."""
    if controller != issuer_id:
        shown = _short(controller) if isinstance(controller, str) else "nobody"
        raise KeyResolutionError(f"the key is controlled by {shown}, not by the issuer {_short(issuer_id)}")
    return issuer_id


def _load_document(identifier: str, fetch: FetchSession) -> dict[str, Any]:
    """The DID document or controller document for ``identifier``, whose ``id`` must be ``identifier``."""
    url = _document_url(identifier)
    try:
        fetched = fetch.get(url, accept=JSON_TYPES)  # DID types included
    except FetchError as exc:
        reason = f"the key document {url} could not be fetched: {exc.reason}"
        raise KeyResolutionError(reason, unreachable=True) from exc
    if fetched.status in (404, 410):
        raise KeyResolutionError(f"the key document {url} does not exist (HTTP {fetched.status})")
    if not 200 <= fetched.status < 300:
        raise KeyResolutionError(f"the key document {url} answered HTTP {fetched.status}", unreachable=True)
    try:
        document = fetched.json()
    except FetchError as exc:
        raise KeyResolutionError(f"the key document {url} is not valid JSON") from exc
    if not isinstance(document, dict) or document.get("id") != identifier:
        raise KeyResolutionError(f"the document at {url} does not describe {_short(identifier)}")
    return document


def _document_url(identifier: str) -> str:
    if identifier.startswith("did:web:"):
        return _did_web_url(identifier)
    scheme = identifier.partition(":")[0].lower() if ":" in identifier else ""
    if scheme == "https":
        return identifier
    if scheme == "http":
        raise KeyResolutionError("a key published over plain HTTP proves nothing", unreachable=True)
    if identifier.startswith("did:example:"):
        raise KeyResolutionError("did:example is reserved for examples and never names a real key")
    kind = ":".join(identifier.split(":", 2)[:2]) if scheme == "did" else scheme or "scheme-less"
    reason = f"keys named by {_short(kind, 40)} identifiers are not supported"
    raise KeyResolutionError(reason, unreachable=True)


def _did_web_url(did: str) -> str:
    """``did:web:host[%3Aport][:path...]`` -> ``https://host[:port]/path/did.json`` (or ``/.well-known``)."""
    if any(char in did for char in "/?#"):
        raise KeyResolutionError("the did:web identifier is malformed")
    host, *segments = did.removeprefix("did:web:").split(":")
    host = unquote(host)
    path = [unquote(segment) for segment in segments]
    if not _DID_WEB_HOST.fullmatch(host) or any(
        not part or part in (".", "..") or any(char in part for char in "/\\?#") for part in path
    ):
        raise KeyResolutionError("the did:web identifier is malformed")
    where = "/".join(quote(part, safe="") for part in path) if path else ".well-known"
    return f"https://{host}/{where}/did.json"


def _find_method(document: Mapping[str, Any], method_id: str) -> Mapping[str, Any]:
    if document.get("id") == method_id and _key_reader(document) is not None:
        return document  # the URL names the method document itself
    for entry in _entries(document, _METHOD_HOLDERS):
        if isinstance(entry, Mapping) and _absolute(entry.get("id"), document["id"]) == method_id:
            return entry
    raise KeyResolutionError(f"the key {method_id} is not in the document it points to")


def _listed(document: Mapping[str, Any], purpose: str, method_id: str) -> str | Mapping[str, Any] | None:
    """The entry of ``document[purpose]`` that references or embeds ``method_id``, if any."""
    for entry in _entries(document, (purpose,)):
        if isinstance(entry, Mapping):
            reference = entry.get("id")
        elif isinstance(entry, str):
            reference = entry
        else:  # not a reference, and embeds nothing
            continue
        if _absolute(reference, document["id"]) == method_id:
            return entry
    return None


def _entries(document: Mapping[str, Any], names: tuple[str, ...]) -> Iterator[object]:
    """The values under ``names``, each a single value or a list in JSON-LD."""
    for name in names:
        value = document.get(name)
        if isinstance(value, list):
            yield from value
        elif value is not None:
            yield value


def _absolute(reference: Any, base: str) -> str | None:
    if not isinstance(reference, str):
        return None
    return base + reference if reference.startswith("#") else reference


def _method_key(method: Mapping[str, Any]) -> PublicKey:
    reader = _key_reader(method)
    if reader is None:
        kind = _short(str(method.get("type")), 60)
        raise KeyResolutionError(f"the verification method type {kind} is not supported", unreachable=True)
    return reader(method)


def _key_reader(method: Mapping[str, Any]) -> Callable[[Mapping[str, Any]], PublicKey] | None:
    kind = method.get("type")
    return _KEY_READERS.get(kind) if isinstance(kind, str) else None


def _multikey_method(method: Mapping[str, Any]) -> PublicKey:
    return _decode_multikey(method.get("publicKeyMultibase"))


def _ed25519_2020_method(method: Mapping[str, Any]) -> PublicKey:
    key = _decode_multikey(method.get("publicKeyMultibase"))
    if not isinstance(key, ed25519.Ed25519PublicKey):
        raise KeyResolutionError("an Ed25519VerificationKey2020 holds a key that is not Ed25519")
    return key


def _ed25519_2018_method(method: Mapping[str, Any]) -> PublicKey:
    value = method.get("publicKeyBase58")
    if not isinstance(value, str) or len(value) > MAX_BASE58_CHARS:
        raise KeyResolutionError("the Ed25519VerificationKey2018 has no publicKeyBase58")
    try:
        return _raw_key("Ed25519", base58_bytes(value))
    except ValueError as exc:
        raise KeyResolutionError("the publicKeyBase58 is not valid base58") from exc


def _jwk_method(method: Mapping[str, Any]) -> PublicKey:
    jwk = method.get("publicKeyJwk")
    if not isinstance(jwk, Mapping):
        raise KeyResolutionError("the key has no publicKeyJwk")
    return _jwk_public_key(jwk)


def _jwk_public_key(jwk: Mapping[str, Any]) -> PublicKey:
    """A public JWK (OKP Ed25519, EC P-256, RSA >= 2048 bits). A JWK with private members is refused:
    a published private key means anybody can sign."""
    if _PRIVATE_JWK_MEMBERS & jwk.keys():
        raise KeyResolutionError("the published key includes its private part, so anybody could sign with it")
    kty, crv = jwk.get("kty"), jwk.get("crv")
    if kty == "OKP" and crv == "Ed25519":
        return _raw_key("Ed25519", _b64url(jwk.get("x")))
    if kty == "EC" and crv == "P-256":
        x, y = _b64url(jwk.get("x")), _b64url(jwk.get("y"))
        if len(x) != 32 or len(y) != 32:
            raise KeyResolutionError("the P-256 JWK coordinates have the wrong length")
        return _raw_key("P-256", b"\x04" + x + y)
    if kty == "RSA":
        n, e = int.from_bytes(_b64url(jwk.get("n")), "big"), int.from_bytes(_b64url(jwk.get("e")), "big")
        if n.bit_length() < _MIN_RSA_BITS:
            raise KeyResolutionError(f"the RSA key is shorter than {_MIN_RSA_BITS} bits")
        try:
            return rsa.RSAPublicNumbers(e, n).public_key()
        except ValueError as exc:
            raise KeyResolutionError("the RSA JWK is not a valid key") from exc
    raise KeyResolutionError("the JWK key type is not supported (only Ed25519, P-256, RSA)", unreachable=True)


def _b64url(value: Any) -> bytes:
    if not isinstance(value, str) or len(value) > 2048:
        raise KeyResolutionError("a JWK member is missing or too long")
    try:
        return base64url(value)
    except binascii.Error as exc:
        raise KeyResolutionError("a JWK member is not base64url") from exc


def _raw_key(family: AlgorithmFamily, raw: bytes) -> PublicKey:
    try:
        if family == "Ed25519":
            return ed25519.Ed25519PublicKey.from_public_bytes(raw)
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError as exc:
        raise KeyResolutionError(f"the {family} public key is malformed") from exc


def _short(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_KEY_READERS = {
    "Multikey": _multikey_method,
    "Ed25519VerificationKey2020": _ed25519_2020_method,
    "Ed25519VerificationKey2018": _ed25519_2018_method,
    "JsonWebKey2020": _jwk_method,
    "JsonWebKey": _jwk_method,
}

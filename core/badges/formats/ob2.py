"""Open Badges 2.0 verification: hosted assertions, signed (JWS) assertions, pasted JSON.

Follows the "Verification" section of the OB 2.0 spec (IMS Final Release, 2018):

- Hosted: the copy at the assertion's HTTP(S) ``id`` is the source of truth; a pasted or linked
  copy only tells where to look, and one that differs from the hosted copy is reported.  HTTP 410 or
  ``"revoked": true`` means revoked.  The ``id`` must lie in the issuer's scope: the issuer Profile's
  ``verification`` (``startsWith`` / ``allowedOrigins``) when it declares one, else the issuer id's
  own host and port.  Like 1EdTech's badgecheck, an ``allowedOrigins`` entry is compared with the
  id's host *and* port (default ports left out): ``badges.example`` admits no ``badges.example:8443``.
- Signed: a compact JWS, RS256 only.  The key is never taken from the badge: it must be listed in
  the issuer Profile's ``publicKey``, fetched from its id, and owned (``owner``) by that issuer.  The
  issuer's ``revocationList`` is read with a single entry treated as a one-item list (badgecheck
  1.1.2 misses that case; see the shared vectors' README).

The issuer Profile is always read from its own id, never from a copy embedded in the badge: an
embedded copy could declare any ``allowedOrigins`` or ``publicKey`` it likes.  Fetches of the
assertion, issuer and key must not be redirected to another origin (scheme, host and port, with
``www.`` and an http-to-https upgrade tolerated), so an open redirect on an issuer's domain cannot
lend that domain to someone else's document, nor its host to another service on another port.

Open Badges 0.5 / 1.0 / 1.1 assertions are not verified (their hosted flow differs and they carry
no JSON-LD context): they come back ``unverifiable`` with the reason "legacy Open Badges version".
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeGuard
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from core.badges.jsonld.values import NestedTooDeeply, as_list, id_of, json_object, parse_json
from core.badges.net.fetcher import DEFAULT_PORTS, JSON_TYPES, Fetched, FetchError
from core.badges.proofs.data_integrity import (
    CLOCK_SKEW,  # an issuer's clock slightly ahead is not "issued in the future"
)
from core.badges.recipient import hash_algorithm, identity_matches
from core.badges.report import Check, Report, declared_skills
from core.badges.run import VerificationRun

OB2_CONTEXTS = ("https://w3id.org/openbadges/v2", "https://openbadgespec.org/v2/context.json")
OB1_CONTEXTS = ("https://w3id.org/openbadges/v1", "https://openbadgespec.org/v1/context.json")
HOSTED = "hosted"
SIGNED = "signed"
_VERIFICATION_TYPES = {"hostedbadge": HOSTED, "hosted": HOSTED, "signedbadge": SIGNED, "signed": SIGNED}
EMAIL_TYPES = ("email", "schema:email", "http://schema.org/email", "https://schema.org/email")
MAX_REASON = 200
MIN_RSA_BITS = 2048


# --- entry points ----------------------------------------------------------------------------------


def verify_hosted(url: str, run: VerificationRun, fetched: Fetched | None = None) -> Report:
    """Verify the hosted assertion at ``url`` (a link the learner gave, or a platform's JSON URL);
    ``fetched`` is its answer when the caller already downloaded it (to tell OB 2.0 from 3.0)."""
    report = Report(format="ob2-hosted", source_url=url)
    document = _fetch_assertion(url, run, report, fetched)
    if document is None:
        return report
    report.credential = document
    if document.get("id") == url or document.get("revoked") is True:
        _verify_hosted_document(document, url, run, report)
    else:  # e.g. a ?v=2_0 platform URL: the copy at the assertion's own id is what counts
        _verify_at_hosted_id(document, run, report)
    return report


def verify_assertion_json(document: dict[str, Any], run: VerificationRun) -> Report:
    """Verify a pasted assertion: its hosted copy (fetched from its ``id``) is the one trusted."""
    report = Report(format="ob2-hosted", credential=document)
    _verify_at_hosted_id(document, run, report)
    return report


def verify_signed(token: str, run: VerificationRun) -> Report:
    """Verify a compact-JWS signed assertion (RS256, key listed by the issuer, revocation list)."""
    report = Report(format="ob2-signed", credential=token)
    assertion = _signed_payload(token, report)
    if assertion is None or not _context_is_v2(assertion, report):
        return report
    if not _assertion_properties(assertion, report):
        return report
    if _verification_type(assertion) != SIGNED:
        report.add(
            Check.failed("properties", "the signed assertion does not declare SignedBadge verification")
        )
        return report
    issuer = _badge_and_issuer(assertion, run, report)
    if issuer is None:
        return report
    if _verify_signature(token, assertion, issuer, run, report):
        _check_revocation_list(assertion, issuer, run, report)
    _check_dates(assertion, run.now, report)
    _check_recipient(assertion, run, report)
    return report


# --- hosted ----------------------------------------------------------------------------------------


def _verify_at_hosted_id(given: dict[str, Any], run: VerificationRun, report: Report) -> None:
    """``given`` only names the hosted copy; fetch it from its id and verify that one."""
    if not _context_is_v2(given, report):
        return
    if _verification_type(given) == SIGNED:
        report.format = "ob2-signed"
        report.add(Check.skipped("signature", "a signed assertion must be given as its JWS, not as JSON"))
        return
    assertion_id = given.get("id")
    if not _is_http_url(assertion_id):
        report.add(
            Check.skipped("fetch", "the assertion has no HTTP(S) id, so its hosted copy cannot be read")
        )
        return
    report.source_url = assertion_id
    hosted = _fetch_assertion(assertion_id, run, report)
    if hosted is None:
        return
    report.credential = hosted  # what was verified is what gets kept
    changed = sorted(key for key in given.keys() | hosted.keys() if given.get(key) != hosted.get(key))
    if changed:  # the spec: the hosted copy is the assertion; the one given only said where it is
        detail = "verified the issuer's hosted copy, which differs from the one given (changed: {})"
        report.add(Check.passed("properties", detail.format(", ".join(changed[:5])), required=False))
    _verify_hosted_document(hosted, assertion_id, run, report)


def _verify_hosted_document(
    assertion: dict[str, Any], assertion_url: str, run: VerificationRun, report: Report
) -> None:
    if assertion.get("revoked") is True:
        report.add(Check.failed("revocation", "the issuer has revoked this assertion" + _reason(assertion)))
        return
    if not _context_is_v2(assertion, report) or not _assertion_properties(assertion, report):
        return
    verification = _verification_type(assertion)
    if verification == SIGNED:
        report.format = "ob2-signed"
        report.add(
            Check.skipped("signature", "the assertion declares signed verification; its JWS is needed")
        )
        return
    if verification != HOSTED:
        report.add(Check.failed("properties", "the assertion's verification type is not HostedBadge"))
        return
    if assertion.get("id") != assertion_url:
        report.add(Check.failed("origin", "the hosted assertion's id is not the URL it is hosted at"))
        return
    issuer = _badge_and_issuer(assertion, run, report)
    if issuer is None:
        return
    _check_hosted_scope(assertion_url, issuer, report)
    report.add(Check.passed("revocation", "the issuer still hosts the assertion and has not revoked it"))
    _check_dates(assertion, run.now, report)
    _check_recipient(assertion, run, report)


def _fetch_assertion(
    url: str, run: VerificationRun, report: Report, fetched: Fetched | None = None
) -> dict[str, Any] | None:
    """The assertion at ``url``; HTTP 410 is revocation, 404 a failure, anything else unverifiable."""
    if fetched is None:
        try:
            fetched = run.fetch.get(url, accept=JSON_TYPES, allow_http=True)
        except FetchError as exc:
            report.add(Check.skipped("fetch", f"the assertion could not be fetched: {exc.reason}"))
            return None
    if fetched.status == 410:
        body = json_object(fetched.body)
        report.add(
            Check.failed(
                "revocation", "the issuer has revoked this assertion (HTTP 410 Gone)" + _reason(body)
            )
        )
        return None
    if fetched.status == 404:
        report.add(Check.failed("fetch", f"the assertion is not found at {_host(url)} (HTTP 404)"))
        return None
    if not 200 <= fetched.status < 300:
        report.add(Check.skipped("fetch", f"the assertion URL answered HTTP {fetched.status}"))
        return None
    if _off_site(url, fetched.url):
        report.add(
            Check.failed("origin", f"the assertion URL redirected to another site ({_host(fetched.url)})")
        )
        return None
    document = json_object(fetched.body)
    if document is None:
        report.add(Check.failed("format", f"the assertion at {_host(url)} is not a JSON object"))
        return None
    report.add(Check.passed("fetch", f"assertion fetched from {_host(url)}{_plain_http_note(url)}"))
    return document


def _check_hosted_scope(assertion_url: str, issuer: dict[str, Any], report: Report) -> None:
    """The assertion id must be in the issuer's declared scope, or on the issuer id's own host."""
    policy = issuer.get("verification")
    policy = policy if isinstance(policy, dict) else {}
    starts_with = [value for value in as_list(policy.get("startsWith")) if isinstance(value, str)]
    allowed = [value.lower() for value in as_list(policy.get("allowedOrigins")) if isinstance(value, str)]
    host = _host(assertion_url)
    if not starts_with and not allowed:
        if host != _host(issuer["id"]):
            report.add(Check.failed("origin", f"the assertion is hosted on {host}, not on the issuer's site"))
            return
        report.add(Check.passed("origin", f"the assertion is hosted on the issuer's site ({host})"))
        return
    if starts_with and not any(assertion_url.startswith(prefix) for prefix in starts_with):
        report.add(
            Check.failed("origin", "the assertion URL is outside the issuer's declared startsWith scope")
        )
        return
    if allowed and host not in allowed:
        report.add(Check.failed("origin", f"{host} is not among the issuer's allowed origins"))
        return
    report.add(Check.passed("origin", f"the assertion is within the scope its issuer declares ({host})"))


# --- signed ----------------------------------------------------------------------------------------


def _signed_payload(token: str, report: Report) -> dict[str, Any] | None:
    """The JWS payload, read without trusting it yet (the signature is checked once the key is known)."""
    import jwt  # PyJWT (and cryptography's X.509) only for signed assertions

    try:
        parts = jwt.api_jws.PyJWS().decode_complete(token.strip(), options={"verify_signature": False})
    except jwt.PyJWTError:
        report.add(Check.failed("format", "the token is not a compact JWS"))
        return None
    header = parts["header"]
    if header.get("alg") != "RS256":
        report.add(Check.failed("signature", "Open Badges 2.0 signed assertions must use RS256"))
        return None
    if "crit" in header or header.get("b64") is False:
        report.add(Check.failed("format", "the JWS uses header extensions Open Badges does not define"))
        return None
    try:
        assertion = parse_json(parts["payload"])
    except NestedTooDeeply:
        report.add(Check.failed("format", "the JWS payload is nested too deeply"))
        return None
    except ValueError:
        assertion = None
    if not isinstance(assertion, dict):
        report.add(Check.failed("format", "the JWS payload is not a JSON object"))
        return None
    return assertion


def _verify_signature(
    token: str, assertion: dict[str, Any], issuer: dict[str, Any], run: VerificationRun, report: Report
) -> bool:
    """Check the JWS against the issuer's key(s); the badge itself can only *name* a listed key."""
    import jwt

    listed = _listed_keys(issuer)
    verification = assertion.get("verification", assertion.get("verify"))
    creator = verification.get("creator") if isinstance(verification, dict) else None  # a dict when SIGNED
    if creator is not None and not isinstance(creator, str):
        report.add(Check.failed("key", "the assertion's verification.creator is not a key URL"))
        return False
    if creator is not None and creator not in listed:
        report.add(Check.failed("key", "the signing key is not listed in the issuer's publicKey"))
        return False
    candidates = [creator] if creator is not None else list(listed)
    if not candidates:
        report.add(Check.failed("key", "the issuer lists no public key"))
        return False
    for key_id in candidates:
        public_key = _issuer_key(key_id, listed[key_id], issuer["id"], run, report)
        if public_key is None:
            return False
        try:
            jwt.api_jws.PyJWS().decode(token.strip(), key=public_key, algorithms=["RS256"])
        except jwt.InvalidSignatureError:
            continue
        except jwt.PyJWTError:
            report.add(Check.failed("signature", "the JWS could not be verified"))
            return False
        report.add(Check.passed("key", f"key {key_id} is listed by the issuer and owned by it"))
        report.add(Check.passed("signature", "RS256 signature verified with the issuer's key"))
        return True
    report.add(Check.failed("signature", "the signature does not match the assertion (altered or wrong key)"))
    return False


def _listed_keys(issuer: dict[str, Any]) -> dict[str, dict[str, Any] | None]:
    """Key id -> the key object when the issuer embeds it (its Profile was fetched from its id)."""
    listed: dict[str, dict[str, Any] | None] = {}
    for entry in as_list(issuer.get("publicKey")):
        if isinstance(entry, str):
            listed[entry] = None
        elif isinstance(entry, dict) and isinstance(entry.get("id"), str):
            listed[entry["id"]] = entry
    return listed


def _issuer_key(
    key_id: str, embedded: dict[str, Any] | None, issuer_id: str, run: VerificationRun, report: Report
) -> RSAPublicKey | None:
    key = embedded if embedded is not None and "publicKeyPem" in embedded else None
    if key is None:
        key = _fetch_object(key_id, "the signing key", "key", run, report, same_id=True)
        if key is None:
            return None
    if key.get("owner") != issuer_id:
        report.add(Check.failed("key", "the signing key's owner is not the issuer"))
        return None
    pem = key.get("publicKeyPem")
    try:
        public_key = load_pem_public_key(pem.encode("ascii")) if isinstance(pem, str) else None
    except ValueError:
        public_key = None
    if not isinstance(public_key, RSAPublicKey):
        report.add(Check.failed("key", "the signing key is not a readable RSA public key (publicKeyPem)"))
        return None
    if public_key.key_size < MIN_RSA_BITS:  # forgeable by a determined attacker: proves too little
        detail = f"the issuer's RSA key has only {public_key.key_size} bits, too few to trust"
        report.add(Check.skipped("key", detail))
        return None
    return public_key


def _check_revocation_list(
    assertion: dict[str, Any], issuer: dict[str, Any], run: VerificationRun, report: Report
) -> None:
    list_url = issuer.get("revocationList")
    if list_url is None:
        report.add(Check.skipped("revocation", "the issuer publishes no revocation list", required=False))
        return
    revocations = _fetch_object(list_url, "the revocation list", "revocation", run, report, gone_fails=False)
    if revocations is None:
        return
    identifiers = {("id", assertion.get("id")), ("uid", assertion.get("uid"))} - {("id", None), ("uid", None)}
    for entry in as_list(revocations.get("revokedAssertions")):
        if isinstance(entry, str):
            entry = {"id": entry}
        if isinstance(entry, dict) and any(entry.get(field) == value for field, value in identifiers):
            report.add(Check.failed("revocation", "the issuer has revoked this assertion" + _reason(entry)))
            return
    report.add(Check.passed("revocation", "the assertion is not on the issuer's revocation list"))


# --- shared: badge class, issuer, dates, recipient ---------------------------------------------------


def _badge_and_issuer(
    assertion: dict[str, Any], run: VerificationRun, report: Report
) -> dict[str, Any] | None:
    """Resolve the BadgeClass and its issuer Profile (always from the issuer's own id); fill the report."""
    badge = assertion["badge"]
    if isinstance(badge, str):
        badge = _fetch_object(badge, "the BadgeClass", "fetch", run, report)
    if not isinstance(badge, dict):
        return None
    if "BadgeClass" not in as_list(badge.get("type")) or not isinstance(badge.get("name"), str):
        report.add(Check.failed("properties", "the badge is not a BadgeClass with a name"))
        return None
    report.badge_name = badge["name"]
    report.badge_description = badge.get("description") if isinstance(badge.get("description"), str) else None
    report.skills = declared_skills(badge)
    issuer_id = id_of(badge.get("issuer"))
    if not _is_http_url(issuer_id):
        report.add(Check.failed("issuer", "the BadgeClass does not name its issuer by an HTTP(S) id"))
        return None
    issuer = _fetch_object(issuer_id, "the issuer profile", "issuer", run, report, same_id=True)
    if issuer is None:
        return None
    if not {"Issuer", "Profile"} & set(as_list(issuer.get("type"))):
        report.add(Check.failed("issuer", "the issuer document is not an Issuer Profile"))
        return None
    report.issuer_id = issuer_id
    report.issuer_name = issuer.get("name") if isinstance(issuer.get("name"), str) else None
    report.add(
        Check.passed("issuer", f"issuer profile read from {_host(issuer_id)}{_plain_http_note(issuer_id)}")
    )
    return issuer


def _fetch_object(
    url: Any,
    what: str,
    check: str,
    run: VerificationRun,
    report: Report,
    *,
    same_id: bool = False,
    gone_fails: bool = True,
) -> dict[str, Any] | None:
    """A linked Badge Object.  ``same_id``: the document must declare the id it was fetched from.
    ``gone_fails``: a 404/410 makes the badge invalid (a missing BadgeClass, issuer or key), rather
    than unverifiable (a missing revocation list proves nothing either way)."""
    if not _is_http_url(url):
        report.add(Check.failed(check, f"{what} is not referenced by an HTTP(S) URL"))
        return None
    try:
        fetched = run.fetch.get(url, accept=JSON_TYPES, allow_http=True)
    except FetchError as exc:
        report.add(Check.skipped(check, f"{what} could not be fetched: {exc.reason}"))
        return None
    if fetched.status in (404, 410) and gone_fails:
        report.add(Check.failed(check, f"{what} is gone from {_host(url)} (HTTP {fetched.status})"))
        return None
    if not 200 <= fetched.status < 300:
        report.add(Check.skipped(check, f"{what} could not be fetched (HTTP {fetched.status})"))
        return None
    if _off_site(url, fetched.url):
        report.add(Check.failed(check, f"{what} URL redirected to another site ({_host(fetched.url)})"))
        return None
    document = json_object(fetched.body)
    if document is None:
        report.add(Check.failed(check, f"{what} at {_host(url)} is not a JSON object"))
        return None
    if same_id and document.get("id") != url:
        report.add(Check.failed(check, f"{what} at {_host(url)} declares a different id"))
        return None
    return document


def _context_is_v2(document: dict[str, Any], report: Report) -> bool:
    contexts = as_list(document.get("@context"))
    if any(context in OB2_CONTEXTS for context in contexts):
        return True
    version = _legacy_version(document, contexts)
    if version is not None:
        detail = f"legacy Open Badges version ({version}); only Open Badges 2.0 and 3.0 are verified"
        report.add(Check.skipped("context", detail))
    else:
        report.add(Check.failed("context", "the @context is not the Open Badges 2.0 context"))
    return False


def _legacy_version(document: dict[str, Any], contexts: list[Any]) -> str | None:
    if any(context in OB1_CONTEXTS for context in contexts):
        return "1.1"
    if contexts:
        return None
    badge = document.get("badge")
    if isinstance(document.get("recipient"), str) or (isinstance(badge, dict) and "version" in badge):
        return "0.5"
    if "verify" in document or "uid" in document:
        return "1.0"
    return None


def _assertion_properties(assertion: dict[str, Any], report: Report) -> bool:
    problems = []
    if "Assertion" not in as_list(assertion.get("type")):
        problems.append("type is not Assertion")
    if not isinstance(assertion.get("id"), str):
        problems.append("id is missing")
    if not isinstance(assertion.get("recipient"), dict):
        problems.append("recipient is missing")
    if not isinstance(assertion.get("badge"), str | dict):
        problems.append("badge is missing")
    if not isinstance(assertion.get("issuedOn"), str):
        problems.append("issuedOn is missing")
    if not isinstance(assertion.get("verification", assertion.get("verify")), dict):
        problems.append("verification is missing")
    if problems:
        report.add(Check.failed("properties", "the assertion is malformed: " + "; ".join(problems)))
        return False
    return True


def _verification_type(assertion: dict[str, Any]) -> str | None:
    verification = assertion.get("verification", assertion.get("verify"))
    types = as_list(verification.get("type")) if isinstance(verification, dict) else []
    found = {_VERIFICATION_TYPES.get(str(value).lower()) for value in types} - {None}
    return found.pop() if len(found) == 1 else None


def _check_dates(assertion: dict[str, Any], now: dt.datetime, report: Report) -> None:
    issued = _parse_datetime(assertion.get("issuedOn"))
    expires_value = assertion.get("expires")
    expires = _parse_datetime(expires_value) if expires_value is not None else None
    if issued is None or (expires_value is not None and expires is None):
        report.add(Check.failed("properties", "issuedOn / expires is not an ISO 8601 date-time"))
        return
    report.issued, report.expires = issued, expires
    if issued > now + CLOCK_SKEW:
        report.add(Check.failed("issued", f"the issue date {issued:%Y-%m-%d} is in the future"))
    else:
        report.add(Check.passed("issued", f"issued on {issued:%Y-%m-%d}"))
    if expires is None:
        report.add(Check.passed("expiry", "the badge does not expire"))
    elif expires < issued:
        report.add(Check.failed("expiry", "the badge expires before its issue date"))
    elif expires <= now:
        report.add(Check.failed("expiry", f"the badge expired on {expires:%Y-%m-%d}"))
    else:
        report.add(Check.passed("expiry", f"valid until {expires:%Y-%m-%d}"))


def _check_recipient(assertion: dict[str, Any], run: VerificationRun, report: Report) -> None:
    recipient = assertion["recipient"]
    identity, hashed, salt = recipient.get("identity"), recipient.get("hashed"), recipient.get("salt")
    if not isinstance(identity, str) or not isinstance(hashed, bool) or not isinstance(salt, str | None):
        report.add(Check.failed("properties", "the recipient needs an identity text and a true/false hashed"))
        return
    if hashed and hash_algorithm(identity) is None:
        report.add(Check.failed("recipient", "the recipient hash is malformed or not sha256 / md5"))
        return
    identity_type = recipient.get("type")
    if identity_type not in EMAIL_TYPES:
        detail = f"the recipient is identified by {identity_type!s:.40}, not by email; not compared"
        report.add(Check.skipped("recipient", detail, required=False))
        return
    if run.recipient_email is None:
        report.add(
            Check.skipped("recipient", "no email was given to compare with the recipient", required=False)
        )
        return
    report.recipient_match = identity_matches(identity, hashed=hashed, salt=salt, email=run.recipient_email)
    if report.recipient_match:
        report.add(Check.passed("recipient", "awarded to the email address given"))
    else:
        report.add(Check.failed("recipient", "awarded to a different email address"))


# --- small helpers ---------------------------------------------------------------------------------


def _parse_datetime(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _reason(document: dict[str, Any] | None) -> str:
    reason = document.get("revocationReason") if document else None
    return f": {reason[:MAX_REASON]}" if isinstance(reason, str) and reason.strip() else ""


def _is_http_url(value: object) -> TypeGuard[str]:
    return (
        isinstance(value, str)
        and urlsplit(value).scheme in ("http", "https")
        and bool(urlsplit(value).hostname)
    )


def _origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port), lower-case, the scheme's default port filled in (-1 for a port that is
    not a number, which no origin shares)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:
        port = -1
    return scheme, (parts.hostname or "").lower(), port


def _host(url: str) -> str:
    """host[:port], lower-case, the port only when not the scheme's default: what the issuer's
    scope and allowedOrigins compare, and what a learner is shown."""
    scheme, host, port = _origin(url)
    return host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"


def _off_site(requested: str, final: str) -> bool:
    """A redirect leaving the requested origin: another host (``www.`` aside), another port, or
    https to http.  Only http to https on the same host's default ports is not a move."""
    scheme, host, port = _origin(requested)
    final_scheme, final_host, final_port = _origin(final)
    if host.removeprefix("www.") != final_host.removeprefix("www."):
        return True
    upgrade = (scheme, port, final_scheme, final_port) == ("http", 80, "https", 443)
    return (scheme, port) != (final_scheme, final_port) and not upgrade


def _plain_http_note(url: str) -> str:
    return " (over plain HTTP)" if urlsplit(url).scheme == "http" else ""

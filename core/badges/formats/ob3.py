"""Open Badges 3.0 and other W3C Verifiable Credentials (VCDM 1.1 and 2.0): the credential checks.

The same questions are asked of a credential whatever secures it (Data Integrity proofs, see
:mod:`core.badges.proofs.data_integrity`, or a JWT, see :mod:`core.badges.formats.vc_jwt`):

1. format: a VC context first, the ``VerifiableCredential`` type, an issuer with an id;
2. context: every context is on the pinned allow-list (an unknown one is never fetched, and
   without it the credential's meaning, hence its signature, cannot be established);
3. properties: nothing a JSON-LD processor would silently drop (undefined terms are unsigned
   in effect for RDF-canonicalized proofs, so a badge could carry claims nobody signed);
4. the proof(s) or the token signature, with the issuer's key;
5. validity period, revocation status, and the recipient against the learner's email.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from core.badges import recipient, status
from core.badges.jsonld.canonical import CanonicalizationError, OverBudgetError, UndefinedTermsError
from core.badges.jsonld.contexts import OB_V3P0, PINNED, VC_V1, VC_V2, ContextError
from core.badges.jsonld.limits import undefined_terms_reason
from core.badges.jsonld.values import as_list, dicts, issuer_id, strings
from core.badges.proofs import data_integrity
from core.badges.proofs.data_integrity import CLOCK_SKEW, DateError, parse_datetime
from core.badges.report import Check, Outcome, Report, declared_skills

if TYPE_CHECKING:
    from core.badges.run import VerificationRun

OB3_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential", "EndorsementCredential"})


def verify_credential(credential: dict[str, Any], run: VerificationRun) -> Report:
    """Verify a credential secured by embedded Data Integrity proofs."""
    report = Report(format=_format(credential, "data-integrity"), credential=credential)
    _describe(report, credential)
    canonical = None if _only_jcs_proofs(credential) else data_integrity.CanonicalDocuments(run)
    if _document_checks(report, credential, canonical):
        report.checks.extend(data_integrity.verify_proofs(credential, report.issuer_id or "", run, canonical))
        _claim_checks(report, credential, run)
    return report


def verify_vc_jwt(token: str, run: VerificationRun) -> Report:
    """Verify a credential secured as a JWT (the token is kept as the report's credential)."""
    from core.badges.formats import vc_jwt  # PyJWT only when a token arrives

    try:
        read = vc_jwt.read_token(token)
    except vc_jwt.TokenError as error:
        report = Report(format="vc-jwt", credential=token)
        report.add(error.check)
        return report
    report = Report(format=_format(read.credential, "jwt"), credential=token)
    _describe(report, read.credential)
    if _document_checks(report, read.credential, None):
        report.checks.extend(vc_jwt.verify_signature(read, report.issuer_id or "", run))
        _claim_checks(report, read.credential, run)
    return report


def _format(credential: Mapping[str, Any], securing: str) -> str:
    family = "ob3" if _is_open_badge(credential) else "vc"
    return f"{family}-{securing}"


def _is_open_badge(credential: Mapping[str, Any]) -> bool:
    contexts = as_list(credential.get("@context"))
    return bool(OB3_TYPES & set(strings(credential.get("type")))) or any(
        isinstance(context, str) and context.startswith(OB_V3P0) for context in contexts
    )


def _describe(report: Report, credential: Mapping[str, Any]) -> None:
    """What the badge says about itself, for display; nothing here is trusted by a check."""
    issuer = credential.get("issuer")
    report.issuer_id = issuer_id(credential)
    report.issuer_name = _text(issuer.get("name")) if isinstance(issuer, dict) else None
    achievement = _achievement(credential)
    report.badge_name = _text(achievement.get("name")) or _text(credential.get("name"))
    report.badge_description = _text(achievement.get("description")) or _text(credential.get("description"))
    report.skills = declared_skills(achievement)
    report.issued = _date_or_none(credential, ("validFrom", "issuanceDate", "awardedDate"))
    report.expires = _date_or_none(credential, ("validUntil", "expirationDate"))


def _document_checks(
    report: Report, credential: Mapping[str, Any], canonical: data_integrity.CanonicalDocuments | None
) -> bool:
    """format, context, properties; False when the rest cannot meaningfully be checked.

    Undefined properties matter where the signature covers the RDF canonical form, which leaves
    them out: there they could say anything without breaking the signature.  The canonical form
    of the unsecured document is made here, by the expansion that refuses whatever would be lost
    (kept in ``canonical`` for the proofs, which sign exactly it).  A credential signed as JSON
    (``canonical`` is None: a JWT, or eddsa-jcs-2022 proofs only) has every property under its
    signature, so no JSON-LD work is needed.
    """
    problem = _format_problem(credential)
    if problem:
        report.add(Check.failed("format", problem))
        return False
    report.add(Check.passed("format", f"a W3C Verifiable Credential ({_data_model(credential)})"))
    unknown = [url for url in strings(credential["@context"]) if url not in PINNED]
    if unknown:
        report.add(
            Check.skipped("context", f"the context {unknown[0]} is not known here and was not fetched")
        )
        return False
    if canonical is None:
        report.add(Check.passed("context", "every JSON-LD context is a known, pinned one"))
        report.add(Check.passed("properties", "signed as JSON: the signature covers every property"))
        return True
    try:
        in_document, in_proofs = _undefined_terms(credential, canonical)
    except ContextError as error:
        report.add(Check.skipped("context", error.reason))
        return False
    except CanonicalizationError as error:
        report.add(Check.failed("canonicalization", error.reason))
        return False
    except OverBudgetError as error:
        report.add(data_integrity.too_costly_check(error.reason))
        return False
    report.add(Check.passed("context", "every JSON-LD context is a known, pinned one"))
    if in_document or in_proofs:
        report.add(Check.failed("properties", undefined_terms_reason(in_document + in_proofs)))
        # The document shown is not the document signed: its signature would prove nothing.
        return not in_document
    report.add(Check.passed("properties", "every property is defined by the contexts"))
    return True


def _undefined_terms(
    credential: Mapping[str, Any], canonical: data_integrity.CanonicalDocuments
) -> tuple[list[str], list[str]]:
    """What no context defines in the unsecured document, and in the proofs' options, as paths.

    Both are canonicalized here (and kept for the proofs' signatures, which sign exactly these
    forms).  A proof whose options cannot be canonicalized for another reason is left to its
    signature check, which reports it.
    """
    in_document: list[str] = []
    try:
        canonical.of({key: value for key, value in credential.items() if key != "proof"})
    except UndefinedTermsError as error:
        in_document = error.found
    found: list[str] = []
    proofs = credential.get("proof")
    for index, proof in enumerate(as_list(proofs)):
        if not isinstance(proof, dict):
            continue
        prefix = f"proof[{index}]" if isinstance(proofs, list) else "proof"
        try:
            canonical.configuration(proof, credential.get("@context"))
        except UndefinedTermsError as error:
            found += [path if path.startswith("the ") else f"{prefix}.{path}" for path in error.found]
        except (ContextError, CanonicalizationError, OverBudgetError):
            continue
    return in_document, found


def _list_signature_problem(status_list: Mapping[str, Any], issuer: str, run: VerificationRun) -> str | None:
    """Why a status list credential's proofs do not verify (None when they all do)."""
    checks = data_integrity.verify_proofs(status_list, issuer, run)
    failed = next((check for check in checks if check.result is Outcome.FAILED), None)
    if failed is not None:
        return f"the status list's signature does not verify ({failed.detail})"
    skipped = next((check for check in checks if check.result is Outcome.SKIPPED and check.required), None)
    if skipped is not None:
        return f"the status list's signature could not be checked ({skipped.detail})"
    return None


def _only_jcs_proofs(credential: Mapping[str, Any]) -> bool:
    """Every proof is eddsa-jcs-2022 (what it claims; the proof check holds it to that)."""
    proofs = dicts(credential.get("proof"))
    return bool(proofs) and all(
        proof.get("type") == "DataIntegrityProof" and proof.get("cryptosuite") == "eddsa-jcs-2022"
        for proof in proofs
    )


def _format_problem(credential: Mapping[str, Any]) -> str | None:
    contexts = as_list(credential.get("@context"))
    if not contexts or contexts[0] not in (VC_V1, VC_V2):
        return "the first @context is not the W3C Verifiable Credentials context"
    if not all(isinstance(context, str | dict) for context in contexts):
        return "an @context entry is neither a URL nor an object"
    if "VerifiableCredential" not in strings(credential.get("type")):
        return "the credential is not typed VerifiableCredential"
    if issuer_id(credential) is None:
        return "the credential names no issuer id"
    if not isinstance(credential.get("credentialSubject"), dict | list):
        return "the credential has no credentialSubject"
    if contexts[0] == VC_V1 and "issuanceDate" not in credential:
        return "a VCDM 1.1 credential must state its issuanceDate"
    return None


def _data_model(credential: Mapping[str, Any]) -> str:
    return "VCDM 2.0" if as_list(credential.get("@context"))[0] == VC_V2 else "VCDM 1.1"


def _claim_checks(report: Report, credential: Mapping[str, Any], run: VerificationRun) -> None:
    report.checks.extend(_validity_checks(credential, run.now))
    issuer = report.issuer_id or ""
    report.add(
        status.check_status(
            credential,
            fetch=run.fetch,
            now=run.now,
            verify_list=lambda status_list: _list_signature_problem(status_list, issuer, run),
        )
    )
    report.add(_recipient_check(report, credential, run.recipient_email))


def _validity_checks(credential: Mapping[str, Any], now: dt.datetime) -> list[Check]:
    """validFrom/issuanceDate not in the future, validUntil/expirationDate not in the past."""
    try:
        starts = parse_datetime(*_first(credential, ("validFrom", "issuanceDate")))
        ends = parse_datetime(*_first(credential, ("validUntil", "expirationDate")))
    except DateError as error:
        return [Check.failed("issued", str(error))]
    checks = []
    if starts is not None and starts > now + CLOCK_SKEW:
        checks.append(Check.failed("issued", f"the credential is not valid before {_day(starts)}"))
    elif starts is not None:
        checks.append(Check.passed("issued", f"valid from {_day(starts)}"))
    if ends is not None and ends <= now:
        checks.append(Check.failed("expiry", f"the credential expired on {_day(ends)}"))
    else:
        checks.append(Check.passed("expiry", f"valid until {_day(ends)}" if ends else "no expiry date"))
    return checks


def _recipient_check(report: Report, credential: Mapping[str, Any], email: str | None) -> Check:
    """The learner's email against the subject's hashed or plain email IdentityObjects."""
    identities = [
        identity
        for subject in dicts(credential.get("credentialSubject"))
        for identity in dicts(subject.get("identifier"))
        if identity.get("identityType") == "emailAddress" and isinstance(identity.get("identityHash"), str)
    ]
    if email is None:
        return Check.skipped("recipient", "no email was given to compare with", required=False)
    if not identities:
        return Check.skipped("recipient", "the credential names its recipient by no email", required=False)
    report.recipient_match = any(
        recipient.identity_matches(
            identity["identityHash"],
            hashed=identity.get("hashed") is True,
            salt=identity.get("salt") if isinstance(identity.get("salt"), str) else None,
            email=email,
        )
        for identity in identities
    )
    if report.recipient_match:
        return Check.passed("recipient", "the credential was issued to the email given")
    return Check.failed("recipient", "the credential was issued to a different email address")


def _first(credential: Mapping[str, Any], names: tuple[str, ...]) -> tuple[object, str]:
    """The first of ``names`` the credential states (VCDM 2.0 name first), as (value, name)."""
    for name in names:
        if name in credential:
            return credential[name], name
    return None, names[0]


def _achievement(credential: Mapping[str, Any]) -> Mapping[str, Any]:
    for subject in dicts(credential.get("credentialSubject")):
        achievement = subject.get("achievement")
        if isinstance(achievement, dict):
            return achievement
    return {}


def _date_or_none(credential: Mapping[str, Any], fields: tuple[str, ...]) -> dt.datetime | None:
    for name in fields:
        try:
            moment = parse_datetime(credential.get(name), name)
        except DateError:
            continue
        if moment is not None:
            return moment
    return None


def _day(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None

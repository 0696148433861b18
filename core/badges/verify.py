"""One entry point for every badge a learner hands over: sort it, verify it, report.

:class:`BadgeVerifier` owns the long-lived parts (the safe fetcher and its connections, the
JSON-LD context cache) and starts a fresh :class:`~core.badges.run.VerificationRun` per badge, so
each verification gets its own fetch count and time budget.  Dispatch:

- a link: a known platform page (Credly, Badgr...) becomes that platform's Open Badges JSON; a
  certificate page (Coursera, edX, LinkedIn Learning) gets the issuer-page check; anything else is
  fetched and treated as a hosted OB 2.0 assertion or a hosted OB 3.0 / VC credential;
- pasted JSON: an OB 2.0 assertion (its hosted copy is what counts) or a VC with a proof;
- a compact JWS: a VC-JWT (payload carries ``vc`` or is a credential) or an OB 2.0 signed assertion;
- an image: the badge baked into the PNG or SVG, then one of the above.

Every failure to fetch or parse becomes a check in the report, never an exception to the caller.
After dispatch the report gets its ``recognition``: the registered provider (``issuers.py``) that
the identity its checks established belongs to, or None.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.badges.formats import ob2, ob3
from core.badges.inputs import baked, platforms
from core.badges.inputs.evidence import Evidence, EvidenceKind, from_text
from core.badges.issuers import IssuerRegistry, recognize, shipped_registry
from core.badges.jsonld.contexts import VC_V1, VC_V2, ContextStore
from core.badges.jsonld.values import json_object, strings
from core.badges.net.fetcher import JSON_TYPES, FetchCause, FetchError, FetchPolicy, SafeFetcher
from core.badges.report import Check, Report
from core.badges.run import VerificationRun
from core.settings import SHIPPED_DATA_DIR

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]
VC_TYPE = "VerifiableCredential"
VC_CONTEXTS = (VC_V1, VC_V2)


class BadgeVerifier:
    """Verifies badges; safe to share across the dialogue's messages (one run per badge)."""

    def __init__(
        self,
        fetcher: SafeFetcher,
        contexts: ContextStore,
        clock: Clock | None = None,
        issuers: IssuerRegistry | None = None,
    ) -> None:
        self.fetcher = fetcher
        self.contexts = contexts
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.issuers = issuers if issuers is not None else shipped_registry()

    @classmethod
    def for_data_dir(
        cls, data_dir: Path | None, *, test_hosts: frozenset[str] = frozenset(), clock: Clock | None = None
    ) -> BadgeVerifier:
        """The product's verifier: the default fetch limits, the shipped contexts, and contexts
        fetched later cached under ``data_dir`` (in memory only when it is None)."""
        cache = data_dir / "contexts" if data_dir is not None else None
        contexts = ContextStore(cache, shipped_dir=SHIPPED_DATA_DIR / "contexts")
        return cls(SafeFetcher(FetchPolicy(test_hosts=test_hosts)), contexts, clock)

    def verify(self, evidence: Evidence, recipient_email: str | None = None) -> Report:
        run = VerificationRun(self.fetcher.session(), self.contexts, self.clock(), recipient_email)
        try:
            report = self._dispatch(evidence, run)
        except FetchError as exc:
            report = Report(format="unknown", source_url=evidence.source_url, fetch_cause=exc.cause)
            report.add(Check.skipped("fetch", exc.reason))
        except Exception:  # a verifier bug on hostile input fails closed: logged, never "verified"
            log.exception("badge verification failed (%s)", evidence.kind.value)
            report = Report(format="unknown", source_url=evidence.source_url)
            report.add(Check.skipped("format", "this badge could not be processed"))
        for warning in run.fetch.warnings:
            report.add(Check.passed("fetch", warning, required=False))
        if report.source_url is None:
            report.source_url = evidence.source_url
        report.recognition = recognize(report, self.issuers)  # who really issued it, from the checks
        return report

    def close(self) -> None:
        self.fetcher.close()

    def _dispatch(self, evidence: Evidence, run: VerificationRun) -> Report:
        if evidence.kind is EvidenceKind.URL:
            return self._verify_link(evidence.text, run)
        if evidence.kind is EvidenceKind.JSON:
            assert evidence.document is not None  # noqa: S101  (from_text keeps what it parsed)
            return self._verify_document(evidence.document, run)
        if evidence.kind is EvidenceKind.JWS:
            return self._verify_token(evidence.text, run)
        return self._verify_image(evidence.data, run)

    def _verify_link(self, url: str, run: VerificationRun) -> Report:
        link = platforms.resolve(url)
        if link is not None and link.kind == "issuer-page":
            return platforms.verify_issuer_page(link, run)
        target = link.json_url if link is not None and link.json_url else url
        fetched = run.fetch.get(target, accept=JSON_TYPES, allow_http=True)
        document = json_object(fetched.body) if 200 <= fetched.status < 300 else None
        if document is not None and _is_credential(document):
            report = ob3.verify_credential(document, run)
        else:  # OB 2.0 hosted (410 and 404 answers included: the OB 2.0 verifier reads them)
            report = ob2.verify_hosted(target, run, fetched)
            report.fetch_cause = FetchCause.NOT_FOUND if fetched.status == 404 else None
        report.source_url = url
        return report

    def _verify_document(self, document: dict[str, Any], run: VerificationRun) -> Report:
        if _is_credential(document):
            return ob3.verify_credential(document, run)
        return ob2.verify_assertion_json(document, run)

    def _verify_token(self, token: str, run: VerificationRun) -> Report:
        from core.badges.formats import vc_jwt  # PyJWT only when a token arrives

        try:  # the payload only chooses a verifier: nothing is trusted from it
            payload = vc_jwt.unverified_parts(token)[1]
        except vc_jwt.TokenError as error:
            return _unrecognised(error.check.detail)
        if "vc" in payload or _is_credential(payload):
            return ob3.verify_vc_jwt(token, run)
        return ob2.verify_signed(token, run)

    def _verify_image(self, data: bytes, run: VerificationRun) -> Report:
        try:
            payload = baked.extract(data)
        except baked.BakedError as exc:
            return _unrecognised(exc.reason)
        inner = from_text(payload.text)
        if inner is None:
            return _unrecognised(f"the {payload.kind.upper()} image carries no readable badge")
        report = self._dispatch(inner, run)
        report.checks.insert(
            0,
            Check.passed("format", f"baked {payload.kind.upper()} image ({payload.keyword})", required=False),
        )
        return report


def _unrecognised(detail: str) -> Report:
    report = Report(format="unknown")
    report.add(Check.failed("format", detail))
    return report


def _is_credential(document: dict[str, Any]) -> bool:
    return VC_TYPE in strings(document.get("type")) or any(
        context in VC_CONTEXTS for context in strings(document.get("@context"))
    )

"""Badge and certificate links from known platforms, turned into something verifiable.

Learners paste the public *page* of a badge, not its Open Badges JSON.  For badge platforms the
page id maps onto the platform's public Open Badges 2.0 endpoint, which the caller then verifies
like any hosted assertion (``ob2.verify_hosted``); nothing is trusted from the platform beyond what
that verification checks.  The mappings come from public code that uses these endpoints:

- Credly (and its former name Acclaim): ``/badges/<uuid>`` ->
  ``https://api.credly.com/v1/obi/v2/badge_assertions/<uuid>``;
- Badgr / Canvas Credentials / Parchment Digital Badges, per region (us, ca, eu, au):
  ``/public/assertions/<entity id>`` -> ``https://api[.<region>].badgr.io/public/assertions/<id>?v=2_0``
  (badgr-server answers JSON unless HTML is asked for; ``v=2_0`` pins the OB 2.0 form).  The
  ``identity__email`` query these links often carry is dropped: the learner's email is not sent;
- Open Badge Factory: ``/v1/assertion/<40 hex>[.html|.json]`` -> ``.../<hex>.json?v=2.0`` (the
  ``.json?v=2.0`` form Open Badge Passport uses for OBF badge classes).

Coursera, edX and LinkedIn Learning certificates carry no signature at all, so the most that can be
said is that the issuer's own site still shows the page: an ``issuer-page`` check whose overall
status stays ``unverifiable``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from core.badges.net.fetcher import HTML_TYPES, FetchError
from core.badges.report import Check, Report
from core.badges.run import VerificationRun

_BADGR_API = {
    "us": "api.badgr.io",
    "ca": "api.ca.badgr.io",
    "eu": "api.eu.badgr.io",
    "au": "api.au.badgr.io",
}
_BADGR_HOSTS = {
    **dict.fromkeys(("badgr.com", "badgr.io", "api.badgr.io", "badges.parchment.com"), "us"),
    **dict.fromkeys(("ca.badgr.com", "ca.badgr.io", "api.ca.badgr.io", "badges.parchment.ca"), "ca"),
    **dict.fromkeys(("eu.badgr.com", "eu.badgr.io", "api.eu.badgr.io", "badges.parchment.eu"), "eu"),
    **dict.fromkeys(("au.badgr.com", "au.badgr.io", "api.au.badgr.io", "badges.parchment.au"), "au"),
}
_CREDLY_HOSTS = ("credly.com", "youracclaim.com")
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_CREDLY_PATH = re.compile(rf"/badges/({_UUID})(?:/[\w-]*)?/?")
_BADGR_PATH = re.compile(r"/public/assertions/([A-Za-z0-9_-]{10,64})/?")
_OBF_PATH = re.compile(r"/v1/assertion/([0-9a-f]{40})(?:\.html|\.json)?/?")
_CODE = r"[A-Za-z0-9]{6,40}"
_COURSERA_PATH = re.compile(
    rf"/(?:verify|account/accomplishments/(?:verify|certificate|records))"
    rf"(?:/(?:specialization|professional-cert))?/{_CODE}/?"
    rf"|/account/accomplishments/(?:specialization|professional-cert)(?:/certificate)?/{_CODE}/?"
)
_EDX_PATH = re.compile(r"/credentials/[0-9a-fA-F]{32}/?|/certificates/[0-9a-fA-F]{32}/?")
_LINKEDIN_PATH = re.compile(r"/learning/certificates/[0-9a-fA-F]{32,128}/?")


@dataclass(frozen=True, slots=True)
class PlatformLink:
    platform: str
    kind: Literal["open-badges", "issuer-page"]
    url: str  # the link as given
    json_url: str | None = None  # open-badges: the Open Badges JSON to verify
    issuer_domains: tuple[str, ...] = ()  # issuer-page: where the page must be found


@dataclass(frozen=True, slots=True)
class _CertificateSite:
    platform: str
    hosts: tuple[str, ...]
    path: re.Pattern[str]
    domains: tuple[str, ...]


_CERTIFICATE_SITES = (
    _CertificateSite("Coursera", ("coursera.org", "www.coursera.org"), _COURSERA_PATH, ("coursera.org",)),
    _CertificateSite("edX", ("credentials.edx.org", "courses.edx.org"), _EDX_PATH, ("edx.org",)),
    _CertificateSite(
        "LinkedIn Learning", ("linkedin.com", "www.linkedin.com"), _LINKEDIN_PATH, ("linkedin.com",)
    ),
)


def resolve(url: str) -> PlatformLink | None:
    """The platform behind ``url`` and what to verify, or None for links of no known platform."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removesuffix(".")
    try:
        port = parts.port
    except ValueError:  # a port that is not a number
        return None
    if parts.scheme not in ("http", "https") or port not in (None, 80, 443):
        return None
    path = parts.path
    if host.removeprefix("www.") in _CREDLY_HOSTS and (match := _CREDLY_PATH.fullmatch(path)):
        json_url = f"https://api.credly.com/v1/obi/v2/badge_assertions/{match.group(1).lower()}"
        return PlatformLink("Credly", "open-badges", url, json_url)
    if host.removeprefix("www.") in _BADGR_HOSTS and (match := _BADGR_PATH.fullmatch(path)):
        api = _BADGR_API[_BADGR_HOSTS[host.removeprefix("www.")]]
        json_url = f"https://{api}/public/assertions/{match.group(1)}?v=2_0"
        return PlatformLink("Badgr / Canvas Credentials", "open-badges", url, json_url)
    if host.removeprefix("www.") == "openbadgefactory.com" and (match := _OBF_PATH.fullmatch(path)):
        json_url = f"https://openbadgefactory.com/v1/assertion/{match.group(1)}.json?v=2.0"
        return PlatformLink("Open Badge Factory", "open-badges", url, json_url)
    site = _certificate_site(host, path)
    if site is not None:
        return PlatformLink(site.platform, "issuer-page", url, issuer_domains=site.domains)
    return None


def verify_issuer_page(link: PlatformLink, run: VerificationRun) -> Report:
    """The issuer-page check for a certificate link (``link.kind == "issuer-page"``).

    Open Badges platform links are not verified here: the caller verifies their ``json_url``.
    """
    url = link.url
    report = Report(format="issuer-page", issuer_name=link.platform, source_url=url)
    domain = link.issuer_domains[0]
    try:
        fetched = run.fetch.get(url, accept=HTML_TYPES)
    except FetchError as exc:
        report.add(Check.skipped("fetch", f"the certificate page could not be fetched: {exc.reason}"))
        report.fetch_cause = exc.cause
        return report
    final = urlsplit(fetched.url)
    final_host = (final.hostname or "").lower()
    if not any(final_host == known or final_host.endswith("." + known) for known in link.issuer_domains):
        report.add(Check.failed("issuer", f"the certificate link leads away from {domain}, to {final_host}"))
        return report
    if fetched.status in (404, 410):
        report.add(Check.failed("issuer", f"no such certificate page on {domain} (HTTP {fetched.status})"))
        return report
    if not 200 <= fetched.status < 300:
        report.add(
            Check.skipped("issuer", f"{domain} answered HTTP {fetched.status}; the page was not checked")
        )
        return report
    if _certificate_site(final_host, final.path) is None:
        detail = f"{domain} showed another page (a sign-in page?) instead of the certificate"
        report.add(Check.skipped("issuer", detail))
        return report
    report.add(Check.passed("issuer", f"issuer page found on {domain}"))
    report.add(Check.skipped("signature", "not cryptographically verifiable"))
    return report


def _certificate_site(host: str, path: str) -> _CertificateSite | None:
    for site in _CERTIFICATE_SITES:
        if host in site.hosts and site.path.fullmatch(path):
            return site
    return None

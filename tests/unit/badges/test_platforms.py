"""Platform links: page URLs mapped to Open Badges JSON, and the issuer-page check for certificates."""

from __future__ import annotations

import pytest

from core.badges.formats import ob2
from core.badges.inputs.platforms import PlatformLink, resolve, verify_issuer_page
from core.badges.report import Outcome, Status
from tests.fakes.badge_server import BadgeServer
from tests.unit.badges.test_ob2 import OB2_CONTEXT, Net

CREDLY_UUID = "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d"
COURSERA = "https://www.coursera.org/account/accomplishments/verify/ABCD1234EFGH"
HTML = "<!doctype html><title>Certificate</title>"


@pytest.fixture
def net(badge_server: BadgeServer) -> Net:
    return Net(badge_server)


# --- mapping -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "platform", "json_url"),
    [
        (
            f"https://www.credly.com/badges/{CREDLY_UUID}",
            "Credly",
            f"https://api.credly.com/v1/obi/v2/badge_assertions/{CREDLY_UUID}",
        ),
        (
            f"https://www.credly.com/badges/{CREDLY_UUID.upper()}/public_url",
            "Credly",
            f"https://api.credly.com/v1/obi/v2/badge_assertions/{CREDLY_UUID}",
        ),
        (
            f"https://credly.com/badges/{CREDLY_UUID}/linked_in_profile",
            "Credly",
            f"https://api.credly.com/v1/obi/v2/badge_assertions/{CREDLY_UUID}",
        ),
        (
            f"https://www.youracclaim.com/badges/{CREDLY_UUID}",
            "Credly",
            f"https://api.credly.com/v1/obi/v2/badge_assertions/{CREDLY_UUID}",
        ),
        (
            "https://badgr.com/public/assertions/Awy-B1R0REyhcERiMOSk7Q?identity__email=someone%40example.org",
            "Badgr / Canvas Credentials",
            "https://api.badgr.io/public/assertions/Awy-B1R0REyhcERiMOSk7Q?v=2_0",
        ),
        (
            "https://badges.parchment.com/public/assertions/P6Az-wGXTFCJIcxKqkeaLw",
            "Badgr / Canvas Credentials",
            "https://api.badgr.io/public/assertions/P6Az-wGXTFCJIcxKqkeaLw?v=2_0",
        ),
        (
            "https://eu.badgr.com/public/assertions/mQ1LhpD3Qgulhh3g74_OHA",
            "Badgr / Canvas Credentials",
            "https://api.eu.badgr.io/public/assertions/mQ1LhpD3Qgulhh3g74_OHA?v=2_0",
        ),
        (
            "https://badges.parchment.eu/public/assertions/p5pFRJ94TDaTixY-0eMmdA",
            "Badgr / Canvas Credentials",
            "https://api.eu.badgr.io/public/assertions/p5pFRJ94TDaTixY-0eMmdA?v=2_0",
        ),
        (
            "https://api.au.badgr.io/public/assertions/zslWxXnPS5GFyBH1ksC2Nw?identity__email=x%40y.z",
            "Badgr / Canvas Credentials",
            "https://api.au.badgr.io/public/assertions/zslWxXnPS5GFyBH1ksC2Nw?v=2_0",
        ),
        (
            "https://ca.badgr.com/public/assertions/Je88KkaHS72fpqbguKpRAw",
            "Badgr / Canvas Credentials",
            "https://api.ca.badgr.io/public/assertions/Je88KkaHS72fpqbguKpRAw?v=2_0",
        ),
        (
            "https://openbadgefactory.com/v1/assertion/1ad0ca0b37b55d3def2a09fc01d2167bac8e28dd.html",
            "Open Badge Factory",
            "https://openbadgefactory.com/v1/assertion/1ad0ca0b37b55d3def2a09fc01d2167bac8e28dd.json?v=2.0",
        ),
        (
            "https://openbadgefactory.com/v1/assertion/410e5da47fc3c88e6711d745e010dec5e73c7fee",
            "Open Badge Factory",
            "https://openbadgefactory.com/v1/assertion/410e5da47fc3c88e6711d745e010dec5e73c7fee.json?v=2.0",
        ),
    ],
)
def test_badge_platform_pages_map_to_their_open_badges_json(url: str, platform: str, json_url: str) -> None:
    link = resolve(url)
    assert link is not None
    assert (link.platform, link.kind, link.json_url, link.url) == (platform, "open-badges", json_url, url)
    assert "someone" not in link.json_url and "%40" not in link.json_url  # the email in the link stays here


@pytest.mark.parametrize(
    ("url", "platform", "domain"),
    [
        ("https://www.coursera.org/verify/ABCD1234EFGH", "Coursera", "coursera.org"),
        ("https://coursera.org/verify/specialization/ABCD1234EFGH", "Coursera", "coursera.org"),
        ("https://www.coursera.org/verify/professional-cert/ABCD1234EFGH", "Coursera", "coursera.org"),
        (COURSERA, "Coursera", "coursera.org"),
        (
            "https://www.coursera.org/account/accomplishments/specialization/ABCD1234EFGH",
            "Coursera",
            "coursera.org",
        ),
        (
            "https://www.coursera.org/account/accomplishments/professional-cert/ABCD1234EFGH",
            "Coursera",
            "coursera.org",
        ),
        (
            "https://www.coursera.org/account/accomplishments/specialization/certificate/ABCD1234EFGH",
            "Coursera",
            "coursera.org",
        ),
        ("https://credentials.edx.org/credentials/35a6225738e248c182c1ef87b86f2802/", "edX", "edx.org"),
        ("https://courses.edx.org/certificates/5f22791da593413fb972818c45787f31", "edX", "edx.org"),
        (
            "https://www.linkedin.com/learning/certificates/"
            "0b0ab8dc5d3e5c1f5d0a4c1c0b9e2e3d8a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d",
            "LinkedIn Learning",
            "linkedin.com",
        ),
    ],
)
def test_certificate_pages_are_issuer_pages(url: str, platform: str, domain: str) -> None:
    link = resolve(url)
    assert link is not None
    assert (link.platform, link.kind, link.json_url, link.issuer_domains) == (
        platform,
        "issuer-page",
        None,
        (domain,),
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://www.credly.com/users/someone/badges",
        "https://www.credly.com/badges/not-a-uuid",
        "https://evil.example/badges/" + CREDLY_UUID,
        "https://credly.com.evil.example/badges/" + CREDLY_UUID,
        "https://badgr.com/public/badges/sBS3EsJQRAC0ENTmvETtQw",
        "https://openbadgefactory.com/v1/assertion/not-hex",
        "https://www.coursera.org/learn/machine-learning",
        "https://www.coursera.org/verify/AB",
        "https://www.linkedin.com/in/someone",
        "https://credentials.edx.org/records/programs/shared/027569b35dc6468ab934e4c483476af3",
        "ftp://www.credly.com/badges/" + CREDLY_UUID,
        "https://www.credly.com:8443/badges/" + CREDLY_UUID,
        "https://www.credly.com:port/badges/" + CREDLY_UUID,
        "not a url",
    ],
)
def test_other_links_are_no_platform(url: str) -> None:
    assert resolve(url) is None


def test_open_badges_platform_links_are_left_to_the_caller(net: Net) -> None:
    credly = resolve(f"https://www.credly.com/badges/{CREDLY_UUID}")
    assert credly is not None and credly.kind == "open-badges"  # its JSON is verified, not its page
    assert resolve("https://example.org/badge.json") is None
    assert net.fetched() == []


def test_a_credly_link_verifies_through_its_open_badges_json(net: Net) -> None:
    """The mapped URL is an ordinary hosted assertion: ob2.verify_hosted does the rest."""
    api = "https://api.credly.com/v1/obi/v2"
    assertion_url = f"{api}/badge_assertions/{CREDLY_UUID}"
    net.serve(
        assertion_url,
        {
            "@context": OB2_CONTEXT,
            "type": "Assertion",
            "id": assertion_url,
            "recipient": {"type": "email", "hashed": False, "identity": "learner@example.org"},
            "badge": f"{api}/badge_classes/b1",
            "issuedOn": "2023-05-01T00:00:00Z",
            "verification": {"type": "HostedBadge"},
        },
    )
    net.serve(
        f"{api}/badge_classes/b1",
        {
            "type": "BadgeClass",
            "id": f"{api}/badge_classes/b1",
            "name": "Cloud",
            "issuer": f"{api}/issuers/i1",
        },
    )
    net.serve(f"{api}/issuers/i1", {"type": "Profile", "id": f"{api}/issuers/i1", "name": "Cloud Vendor"})
    link = resolve(f"https://www.credly.com/badges/{CREDLY_UUID}/public_url")
    assert link is not None and link.json_url == assertion_url
    report = ob2.verify_hosted(link.json_url, net.run("learner@example.org"))
    assert report.status is Status.VERIFIED, report.reason
    assert (report.issuer_name, report.badge_name, report.recipient_match) == ("Cloud Vendor", "Cloud", True)


# --- issuer pages --------------------------------------------------------------------------------------


def test_coursera_page_found_is_unverifiable_not_verified(net: Net) -> None:
    net.serve(COURSERA, HTML, content_type="text/html")
    report = verify_issuer_page(_issuer_page(COURSERA), net.run())
    assert report is not None
    assert report.format == "issuer-page"
    assert report.status is Status.UNVERIFIABLE
    assert [(check.name, check.result, check.detail) for check in report.checks] == [
        ("issuer", Outcome.PASSED, "issuer page found on coursera.org"),
        ("signature", Outcome.SKIPPED, "not cryptographically verifiable"),
    ]
    assert report.reason == "signature: not cryptographically verifiable"
    assert (report.issuer_name, report.source_url) == ("Coursera", COURSERA)


def test_redirect_within_the_issuers_site_to_the_certificate_is_fine(net: Net) -> None:
    short = "https://www.coursera.org/verify/ABCD1234EFGH"
    net.redirect(short, COURSERA)
    net.serve(COURSERA, HTML, content_type="text/html")
    report = verify_issuer_page(_issuer_page(short), net.run())
    assert report is not None
    assert [check.result for check in report.checks] == [Outcome.PASSED, Outcome.SKIPPED]


def test_missing_certificate_page_is_invalid(net: Net) -> None:
    net.serve(COURSERA, "gone", status=404, content_type="text/html")
    report = verify_issuer_page(_issuer_page(COURSERA), net.run())
    assert report is not None
    assert report.status is Status.INVALID
    assert report.reason == "issuer: no such certificate page on coursera.org (HTTP 404)"


def test_redirect_off_the_issuers_domain_is_invalid(net: Net) -> None:
    edx = "https://credentials.edx.org/credentials/35a6225738e248c182c1ef87b86f2802/"
    net.redirect(edx, "https://edx.org.evil.example/credentials/35a6225738e248c182c1ef87b86f2802/")
    net.serve(
        "https://edx.org.evil.example/credentials/35a6225738e248c182c1ef87b86f2802/",
        HTML,
        content_type="text/html",
    )
    report = verify_issuer_page(_issuer_page(edx), net.run())
    assert report is not None
    assert report.status is Status.INVALID
    assert report.reason == "issuer: the certificate link leads away from edx.org, to edx.org.evil.example"


def test_redirect_to_a_sign_in_page_is_unverifiable(net: Net) -> None:
    linkedin = "https://www.linkedin.com/learning/certificates/" + "ab" * 32
    net.redirect(linkedin, "https://www.linkedin.com/authwall")
    net.serve("https://www.linkedin.com/authwall", HTML, content_type="text/html")
    report = verify_issuer_page(_issuer_page(linkedin), net.run())
    assert report is not None
    assert report.status is Status.UNVERIFIABLE
    assert report.reason.startswith("issuer: linkedin.com showed another page")


@pytest.mark.parametrize(
    ("status", "content_type", "reason"),
    [
        (503, "text/html", "issuer: coursera.org answered HTTP 503; the page was not checked"),
        (
            200,
            "application/json",
            "fetch: the certificate page could not be fetched: the site sent application/json",
        ),
    ],
)
def test_pages_that_cannot_be_checked_are_unverifiable(
    net: Net, status: int, content_type: str, reason: str
) -> None:
    net.serve(COURSERA, "{}", status=status, content_type=content_type)
    report = verify_issuer_page(_issuer_page(COURSERA), net.run())
    assert report is not None
    assert report.status is Status.UNVERIFIABLE
    assert report.reason.startswith(reason)


def _issuer_page(url: str) -> PlatformLink:
    link = resolve(url)
    assert link is not None and link.kind == "issuer-page"
    return link

"""SafeFetcher: real requests to a local server, and every class of hostile URL refused before
anything is sent where it should not go."""

from __future__ import annotations

import datetime as dt
import gzip
import ipaddress
import json
import logging
import socket
import ssl
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from core.badges.inputs.evidence import from_text
from core.badges.net import http as fetch_http
from core.badges.net import rules as fetch_rules
from core.badges.net.fetcher import (
    HTML_TYPES,
    JSON_TYPES,
    Fetched,
    FetchError,
    FetchPolicy,
    SafeFetcher,
    is_public_address,
)
from core.badges.verify import BadgeVerifier
from tests.bench.badge_signing import jcs_signed_badge
from tests.fakes.badge_server import BadgeServer

PUBLIC_IP = "93.184.216.34"


class RecordingResolver:
    """Injected DNS: answers from a script (one answer per call, the last one repeated)."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[str, int]] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append((host, port))
        return self.answers[min(len(self.calls), len(self.answers)) - 1]


def refusal(get: Callable[[], Fetched]) -> str:
    with pytest.raises(FetchError) as caught:
        get()
    return caught.value.reason


# --- What works -------------------------------------------------------------------------------


def test_fetches_json_from_a_test_host_named_by_https(badge_server: BadgeServer) -> None:
    url = badge_server.route("/assertion.json", {"type": "Assertion"}, content_type="application/ld+json")

    fetched = badge_server.fetcher().session().get(url, accept=JSON_TYPES)

    assert fetched == Fetched(url, 200, "application/ld+json", b'{"type": "Assertion"}')
    assert fetched.json() == {"type": "Assertion"}
    assert badge_server.requests == ["/assertion.json"]
    headers = badge_server.request_headers[0]
    assert headers["user-agent"].startswith("SkillStack-BadgeVerifier/")
    assert headers["accept-encoding"] == "gzip"
    assert "application/ld+json" in headers["accept"]


def test_any_http_status_is_returned_and_only_2xx_content_type_is_checked(badge_server: BadgeServer) -> None:
    url = badge_server.route("/gone", "<h1>gone</h1>", status=410, content_type="text/html; charset=utf-8")

    fetched = badge_server.fetcher().session().get(url, accept=JSON_TYPES)

    assert (fetched.status, fetched.content_type, fetched.body) == (410, "text/html", b"<h1>gone</h1>")


def test_relative_redirects_are_followed_and_the_final_url_reported(badge_server: BadgeServer) -> None:
    badge_server.route("/badges/final.html", "<html></html>", content_type="text/html")
    badge_server.redirect("/badges/start", "final.html", status=301)
    start = badge_server.redirect("/start", "/badges/start?step=2#ignored", status=307)

    fetched = badge_server.fetcher().session().get(start, accept=HTML_TYPES)

    assert fetched.url == badge_server.https_url("/badges/final.html")
    assert badge_server.requests == ["/start", "/badges/start?step=2", "/badges/final.html"]


def test_gzip_is_decoded(badge_server: BadgeServer) -> None:
    document = b'{"id": "urn:x", "padding": "' + b"a" * 50_000 + b'"}'
    url = badge_server.route("/z.json", gzip.compress(document), headers={"Content-Encoding": "gzip"})

    assert badge_server.fetcher().session().get(url, accept=JSON_TYPES).body == document


def test_no_cookie_is_kept_between_fetches(badge_server: BadgeServer) -> None:
    url = badge_server.route("/c.json", {}, headers={"Set-Cookie": "session=abc; Path=/"})
    session = badge_server.fetcher().session()

    session.get(url, accept=JSON_TYPES)
    session.get(url, accept=JSON_TYPES)

    assert all("cookie" not in headers for headers in badge_server.request_headers)


def test_plain_http_needs_allow_http_and_leaves_a_warning(badge_server: BadgeServer) -> None:
    badge_server.route("/legacy.json", {})
    session = badge_server.fetcher().session()
    url = badge_server.origin + "/legacy.json"

    assert "plain http" in refusal(lambda: session.get(url, accept=JSON_TYPES))
    assert badge_server.requests == []
    assert session.warnings == []

    assert session.get(url, accept=JSON_TYPES, allow_http=True).status == 200
    assert session.warnings == ["127.0.0.1 was fetched over plain http, which anyone on the way could alter"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [(b"{not json", "not valid JSON"), (b'{"a": NaN}', "not valid JSON"), (b'"\xff"', "not UTF-8")],
)
def test_json_that_is_not_json_raises_fetch_error(body: bytes, reason: str) -> None:
    assert reason in refusal(lambda: Fetched("https://example.org/", 200, "application/json", body).json())


# --- Addresses --------------------------------------------------------------------------------

PRIVATE_ADDRESSES = [
    "127.0.0.1",
    "127.8.9.10",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # CGNAT
    "0.0.0.0",  # noqa: S104  (an address to refuse, not to bind)
    "224.0.0.251",  # multicast
    "240.0.0.1",  # reserved
    "255.255.255.255",
    "198.18.0.1",  # benchmarking
    "192.0.2.10",  # documentation
    "192.0.0.8",
    "::1",
    "::",
    "fc00::1",
    "fd12:3456::1",  # unique local
    "fe80::1",  # link-local
    "fec0::1",  # site-local
    "ff02::1",  # multicast
    "2001:db8::1",  # documentation
    "::ffff:10.0.0.1",  # IPv4-mapped
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "::127.0.0.1",  # IPv4-compatible
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "64:ff9b:1::1",  # local-use NAT64
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
]
PUBLIC_ADDRESSES = ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:808:808::1"]


@pytest.mark.parametrize("address", PRIVATE_ADDRESSES)
def test_non_public_addresses_are_recognised(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC_ADDRESSES)
def test_public_addresses_are_recognised(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


HOSTILE_HOSTS = [
    "127.0.0.1",
    "10.0.0.1",
    "172.16.0.1",
    "192.168.0.10",
    "169.254.169.254",
    "100.64.1.1",
    "224.0.0.1",
    "240.1.2.3",
    "0.0.0.0",  # noqa: S104
    "[::1]",
    "[fd00::1]",
    "[fe80::1]",
    "[::ffff:10.0.0.1]",
    "[::ffff:7f00:1]",
    "2130706433",  # 127.0.0.1 as one decimal number
    "0x7f000001",
    "0x7f.1",
    "017700000001",  # octal
    "0177.0.0.1",
    "127.1",
    "127.000.000.001",
    "10.0.0.1.",
]


@pytest.mark.parametrize("host", HOSTILE_HOSTS)
def test_literal_private_and_odd_numeric_hosts_are_refused_without_dns(host: str) -> None:
    resolver = RecordingResolver([PUBLIC_IP])
    with SafeFetcher(FetchPolicy(resolver=resolver)) as fetcher:
        reason = refusal(lambda: fetcher.session().get(f"https://{host}/badge.json", accept=JSON_TYPES))

    assert any(word in reason for word in ("private", "numeric", "not a valid web address"))
    assert resolver.calls == []


@pytest.mark.parametrize(
    ("answer", "label"),
    [
        (["10.1.2.3"], "private"),
        ([PUBLIC_IP, "10.1.2.3"], "one private of two"),
        (["::ffff:127.0.0.1"], "mapped"),
    ],
)
def test_names_resolving_to_any_private_address_are_refused(answer: list[str], label: str) -> None:
    resolver = RecordingResolver(answer)
    with SafeFetcher(FetchPolicy(resolver=resolver)) as fetcher:
        reason = refusal(lambda: fetcher.session().get("https://badges.example.org/a", accept=JSON_TYPES))

    assert reason == "the link leads to a private or reserved network address", label
    assert resolver.calls == [("badges.example.org", 443)]


def test_a_name_resolving_to_loopback_does_not_reach_the_server(badge_server: BadgeServer) -> None:
    badge_server.route("/secret", {})
    resolver = RecordingResolver(["127.0.0.1"])
    fetcher = badge_server.fetcher(resolver=resolver)
    url = f"https://localhost:{badge_server.port}/secret"  # same port, but not the listed "127.0.0.1:port"

    assert "private" in refusal(lambda: fetcher.session().get(url, accept=JSON_TYPES))
    assert badge_server.requests == []


def _failing_resolver(host: str, port: int) -> list[str]:
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


@pytest.mark.parametrize("resolver", [RecordingResolver([]), _failing_resolver])
def test_unresolvable_names_are_reported(resolver: Callable[[str, int], list[str]]) -> None:
    with SafeFetcher(FetchPolicy(resolver=resolver)) as fetcher:
        reason = refusal(lambda: fetcher.session().get("https://nowhere.example/", accept=JSON_TYPES))
    assert reason == "the site's name could not be resolved"


def test_a_hanging_dns_lookup_is_abandoned_at_the_request_timeout() -> None:
    release = threading.Event()

    def hanging_resolver(host: str, port: int) -> list[str]:
        release.wait(5)
        return [PUBLIC_IP]

    try:
        with SafeFetcher(FetchPolicy(resolver=hanging_resolver, request_timeout=0.2)) as fetcher:
            started = time.monotonic()
            reason = refusal(lambda: fetcher.session().get("https://slow-dns.example/", accept=JSON_TYPES))
        assert reason == "the site's name took too long to resolve"
        assert time.monotonic() - started < 0.6
    finally:
        release.set()


def test_a_loopback_port_not_listed_in_test_hosts_is_refused(badge_server: BadgeServer) -> None:
    with BadgeServer() as other:
        url = other.route("/internal.json", {"secret": True})
        fetcher = badge_server.fetcher()  # test_hosts = {badge_server.host} only

        assert "private" in refusal(lambda: fetcher.session().get(url, accept=JSON_TYPES))
        assert "private" in refusal(
            lambda: fetcher.session().get(other.origin + "/internal.json", accept=JSON_TYPES, allow_http=True)
        )
        assert other.requests == []


def test_the_connection_goes_to_the_address_that_was_checked(
    badge_server: BadgeServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DNS rebinding: the name is public when checked; a second lookup would say loopback.  The socket
    must be opened to the checked public address (refused here), never to the local server."""
    badge_server.route("/a.json", {})
    resolver = RecordingResolver([PUBLIC_IP], ["127.0.0.1"])
    connected: list[tuple[str, int]] = []
    real_create_connection = socket.create_connection

    def create_connection(address: tuple[str, int], *args: object, **kwargs: object) -> socket.socket:
        connected.append(address)
        if address[0] != PUBLIC_IP:
            return real_create_connection(address, *args, **kwargs)  # type: ignore[arg-type]
        raise ConnectionRefusedError("no internet in tests")

    monkeypatch.setattr(socket, "create_connection", create_connection)
    session = badge_server.fetcher(resolver=resolver).session()
    url = f"http://localhost:{badge_server.port}/a.json"  # the OS would resolve localhost to loopback

    assert (
        refusal(lambda: session.get(url, accept=JSON_TYPES, allow_http=True))
        == "the site could not be reached"
    )
    assert connected == [(PUBLIC_IP, badge_server.port)]
    assert "private" in refusal(lambda: session.get(url, accept=JSON_TYPES, allow_http=True))
    assert connected == [(PUBLIC_IP, badge_server.port)]
    assert len(resolver.calls) == 2
    assert badge_server.requests == []


def _certificates(directory: Path, host: str) -> tuple[str, Path]:
    """A throw-away CA (PEM) and a key+certificate file for ``host`` signed by it."""
    now = dt.datetime.now(dt.UTC)

    def certificate(subject: str, key: ec.EllipticCurvePrivateKey, issuer: str, signer: Any) -> Any:
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(hours=1))
        )
        if subject == issuer:
            builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        else:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False
            )
        return builder.sign(signer, hashes.SHA256())

    ca_key, leaf_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = certificate("Test CA", ca_key, "Test CA", ca_key)
    leaf = certificate(host, leaf_key, "Test CA", ca_key)
    chain = directory / "leaf.pem"
    chain.write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        + leaf.public_bytes(serialization.Encoding.PEM)
    )
    return ca.public_bytes(serialization.Encoding.PEM).decode(), chain


def test_tls_verifies_the_url_host_while_connecting_to_the_checked_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The socket goes to the resolved IP, yet the certificate must match the host name in the URL.
    (Loopback stands in for a public address here: the address check is bypassed for this test only.)"""
    ca_pem, chain = _certificates(tmp_path, "badges.test")
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(chain)
    monkeypatch.setattr(fetch_rules, "is_public_address", lambda _address: True)
    monkeypatch.setattr(fetch_http, "_ssl_context", lambda: ssl.create_default_context(cadata=ca_pem))

    with (
        BadgeServer(tls=server_context) as server,
        SafeFetcher(FetchPolicy(resolver=RecordingResolver(["127.0.0.1"]))) as fetcher,
    ):
        server.route("/a.json", {"tls": True})
        session = fetcher.session()

        fetched = session.get(f"https://badges.test:{server.port}/a.json", accept=JSON_TYPES)
        imposter = f"https://imposter.test:{server.port}/a.json"

        assert fetched.json() == {"tls": True}
        assert session.warnings == []
        reason = refusal(lambda: session.get(imposter, accept=JSON_TYPES))
        assert reason == "the site's security certificate could not be verified"
        assert server.requests == ["/a.json"]


# --- URLs -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.org/badge.json",
        "gopher://example.org/",
        "data:text/plain,hi",
        "//x",
    ],
)
def test_non_http_schemes_are_refused(url: str) -> None:
    with SafeFetcher() as fetcher:
        assert (
            refusal(lambda: fetcher.session().get(url, accept=JSON_TYPES))
            == "only https links can be checked"
        )


def test_credentials_in_urls_are_refused_without_echoing_them() -> None:
    with SafeFetcher(FetchPolicy(resolver=RecordingResolver([PUBLIC_IP]))) as fetcher:
        reason = refusal(
            lambda: fetcher.session().get("https://alice:hunter2@example.org/", accept=JSON_TYPES)
        )
    assert reason == "links containing a user name or password are not accepted"
    assert "hunter2" not in reason


def test_refusals_are_logged_without_query_strings(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="core.badges.net.fetcher")
    with SafeFetcher() as fetcher:
        refusal(lambda: fetcher.session().get("https://10.0.0.1/x?token=s3cret#frag", accept=JSON_TYPES))

    assert [record.levelno for record in caplog.records] == [logging.INFO]
    assert "https://10.0.0.1/x" in caplog.text
    assert "s3cret" not in caplog.text


# --- Redirects --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target", ["http://127.0.0.1:{other}/admin", "http://169.254.169.254/latest/meta-data/"]
)
def test_redirects_to_private_addresses_are_refused(badge_server: BadgeServer, target: str) -> None:
    with BadgeServer() as other:
        other.route("/admin", {"secret": True})
        start = badge_server.redirect("/r", target.format(other=other.port))

        reason = refusal(
            lambda: badge_server.fetcher().session().get(start, accept=JSON_TYPES, allow_http=True)
        )

        assert "private" in reason
        assert badge_server.requests == ["/r"]
        assert other.requests == []


def test_protocol_relative_redirects_are_checked_too(badge_server: BadgeServer) -> None:
    with BadgeServer() as other:
        start = badge_server.redirect("/r", f"//{other.host}/admin")
        assert "private" in refusal(lambda: badge_server.fetcher().session().get(start, accept=JSON_TYPES))
        assert other.requests == []


def _chain(server: BadgeServer, hops: int) -> str:
    server.route("/hop/0", {"end": True})
    for hop in range(1, hops + 1):
        server.redirect(f"/hop/{hop}", f"/hop/{hop - 1}")
    return server.https_url(f"/hop/{hops}")


def test_five_redirects_are_followed(badge_server: BadgeServer) -> None:
    fetched = badge_server.fetcher().session().get(_chain(badge_server, 5), accept=JSON_TYPES)
    assert fetched.json() == {"end": True}


def test_a_sixth_redirect_is_refused(badge_server: BadgeServer) -> None:
    reason = refusal(lambda: badge_server.fetcher().session().get(_chain(badge_server, 6), accept=JSON_TYPES))
    assert reason == "the link redirected too many times"
    assert len(badge_server.requests) == 6


def test_https_to_http_downgrade_is_refused_unless_http_is_allowed(badge_server: BadgeServer) -> None:
    badge_server.route("/plain.json", {})
    start = badge_server.redirect("/secure", badge_server.origin + "/plain.json")
    session = badge_server.fetcher().session()

    assert (
        refusal(lambda: session.get(start, accept=JSON_TYPES))
        == "the site redirected from https to plain http"
    )
    assert badge_server.requests == ["/secure"]
    assert session.get(start, accept=JSON_TYPES, allow_http=True).url == badge_server.origin + "/plain.json"
    assert len(session.warnings) == 1


# --- Budgets ----------------------------------------------------------------------------------


def test_a_declared_length_over_the_limit_is_refused_before_reading(badge_server: BadgeServer) -> None:
    url = badge_server.route("/big.json", b"x" * 5000)
    reason = refusal(lambda: badge_server.fetcher(max_bytes=1024).session().get(url, accept=JSON_TYPES))
    assert reason == "the response is larger than the 1 KB limit"


def test_a_chunked_body_is_cut_off_at_the_limit(badge_server: BadgeServer) -> None:
    url = badge_server.route("/big.json", b"x" * 200_000, chunked=True, chunk_size=4096)
    session = badge_server.fetcher(max_bytes=50_000).session()
    assert (
        refusal(lambda: session.get(url, accept=JSON_TYPES)) == "the response is larger than the 48 KB limit"
    )


def test_a_lying_content_length_is_refused_before_reading(badge_server: BadgeServer) -> None:
    """The server declares 5 MB and sends 2 bytes: waiting for the rest would time out instead."""
    url = badge_server.route("/liar.json", b"{}", headers={"Content-Length": "5000000"})
    session = badge_server.fetcher(max_bytes=1024, request_timeout=0.3).session()
    assert (
        refusal(lambda: session.get(url, accept=JSON_TYPES)) == "the response is larger than the 1 KB limit"
    )


def test_a_gzip_bomb_is_limited_by_its_decoded_size_without_inflating_it(badge_server: BadgeServer) -> None:
    bomb = gzip.compress(b"\0" * 20_000_000, compresslevel=9)
    url = badge_server.route("/bomb.json", bomb, headers={"Content-Encoding": "gzip"})
    session = badge_server.fetcher(max_bytes=1024 * 1024).session()
    assert len(bomb) < 1024 * 1024

    tracemalloc.start()
    try:
        reason = refusal(lambda: session.get(url, accept=JSON_TYPES))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert reason == "the response is larger than the 1024 KB limit"
    assert peak < 6_000_000


@pytest.mark.parametrize(
    ("body", "encoding", "reason"),
    [
        (gzip.compress(b"{}")[:-12], "gzip", "the compressed response was cut short"),
        (b"not gzip at all", "gzip", "the compressed response is corrupt"),
        (b"{}", "br", "the server used a compression that is not supported"),
    ],
)
def test_broken_or_unknown_compression_is_refused(
    badge_server: BadgeServer,
    body: bytes,
    encoding: str,
    reason: str,
) -> None:
    url = badge_server.route("/c.json", body, headers={"Content-Encoding": encoding})
    assert refusal(lambda: badge_server.fetcher().session().get(url, accept=JSON_TYPES)) == reason


def test_a_slow_server_times_out(badge_server: BadgeServer) -> None:
    url = badge_server.route("/slow.json", {}, delay=1.0)
    session = badge_server.fetcher(request_timeout=0.2).session()

    started = time.monotonic()
    assert refusal(lambda: session.get(url, accept=JSON_TYPES)) == "the site took too long to answer"
    assert time.monotonic() - started < 0.8


def test_a_trickling_body_cannot_outlast_the_request_timeout(badge_server: BadgeServer) -> None:
    """Each chunk arrives well within the read timeout; the request as a whole must still end."""
    url = badge_server.route("/drip.json", b" " * 400, chunked=True, chunk_size=10, drip=0.03)
    session = badge_server.fetcher(request_timeout=0.3).session()

    started = time.monotonic()
    assert refusal(lambda: session.get(url, accept=JSON_TYPES)) == "the site took too long to answer"
    assert time.monotonic() - started < 0.8


def test_a_stalled_body_is_cut_at_the_request_deadline_not_a_read_timeout_later(
    badge_server: BadgeServer,
) -> None:
    """A chunk arrives just inside the read timeout, then the server stalls: the next read may only
    wait for what is left of the request's time, not for a whole read timeout again."""
    url = badge_server.route("/stall.json", b"[1, 2, 3]", chunked=True, chunk_size=3, drip=0.35)
    session = badge_server.fetcher(request_timeout=0.4).session()

    started = time.monotonic()
    assert refusal(lambda: session.get(url, accept=JSON_TYPES)) == "the site took too long to answer"
    assert time.monotonic() - started < 0.6


def test_the_session_deadline_bounds_every_request(badge_server: BadgeServer) -> None:
    fast = badge_server.route("/fast.json", {})
    slow = badge_server.route("/slow.json", {}, delay=1.0)
    session = badge_server.fetcher(request_timeout=5.0, total_timeout=0.3).session()

    started = time.monotonic()
    assert session.get(fast, accept=JSON_TYPES).status == 200
    assert refusal(lambda: session.get(slow, accept=JSON_TYPES)) == "checking this badge took too long"
    assert time.monotonic() - started < 0.8
    assert refusal(lambda: session.get(fast, accept=JSON_TYPES)) == "checking this badge took too long"
    assert badge_server.requests == ["/fast.json", "/slow.json"]


def test_fetches_per_session_are_counted_redirect_hops_included(badge_server: BadgeServer) -> None:
    url = badge_server.route("/a.json", {})
    fetcher = badge_server.fetcher(max_fetches=3)
    session = fetcher.session()

    for _ in range(3):
        session.get(url, accept=JSON_TYPES)
    assert (
        refusal(lambda: session.get(url, accept=JSON_TYPES))
        == "checking this badge needed too many downloads"
    )

    chained = fetcher.session()
    assert refusal(lambda: chained.get(_chain(badge_server, 3), accept=JSON_TYPES)).endswith(
        "too many downloads"
    )
    assert fetcher.session().get(url, accept=JSON_TYPES).status == 200  # a new session has its own count


@pytest.mark.parametrize("content_type", ["text/html", "application/octet-stream", ""])
def test_a_2xx_of_the_wrong_content_type_is_refused(badge_server: BadgeServer, content_type: str) -> None:
    url = badge_server.route("/page", "<html></html>", content_type=content_type)
    reason = refusal(lambda: badge_server.fetcher().session().get(url, accept=JSON_TYPES))
    assert reason.endswith("not the expected kind of document")


def test_a_badge_that_needs_no_network_makes_no_connection_pool() -> None:
    """The pool and its TLS context (the CA bundle) are made at the first request, not before."""
    verifier = BadgeVerifier.for_data_dir(None)
    evidence = from_text(json.dumps(jcs_signed_badge()))
    assert evidence is not None
    assert verifier.verify(evidence).status.value == "verified"
    assert verifier.fetcher._pool is None
    verifier.close()  # closing a fetcher that never connected is fine

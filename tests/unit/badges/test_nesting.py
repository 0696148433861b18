"""JSON nested thousands deep, wherever a badge can carry it: refused with that reason, never a crash.

Python's JSON parser gives up on such documents with a RecursionError, which no ``except ValueError``
catches; before ``json_values.parse_json`` it reached the verifier's catch-all, logged a traceback
and told the learner only that the badge "could not be processed".
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import struct
import zlib

import pytest

from core.badges.formats import ob2
from core.badges.inputs.baked import PNG_SIGNATURE
from core.badges.inputs.evidence import Evidence, EvidenceKind, from_file, from_text
from core.badges.jsonld.contexts import ContextStore
from core.badges.report import Status
from core.badges.run import VerificationRun
from core.badges.verify import BadgeVerifier
from tests.fakes.badge_server import BadgeServer

DEPTH = 100_000
DEEP_JSON = '{"a":' + "[" * DEPTH + "]" * DEPTH + "}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


DEEP_TOKEN = ".".join(_b64(part) for part in (b'{"alg":"RS256"}', DEEP_JSON.encode(), b"signature-bytes!"))


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _baked_png(text: str) -> bytes:
    ihdr = _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    itxt = _chunk(b"iTXt", b"openbadges\0\x01\x00\0\0" + zlib.compress(text.encode()))
    return PNG_SIGNATURE + ihdr + itxt + _chunk(b"IEND", b"")


def _baked_svg(text: str) -> bytes:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
        f"<openbadges:assertion>{text}</openbadges:assertion></svg>"
    ).encode()


def _evidence(form: str) -> Evidence | None:
    if form == "pasted":
        return from_text(DEEP_TOKEN)
    return from_file(_baked_png(DEEP_TOKEN) if form == "png" else _baked_svg(DEEP_TOKEN), f"badge.{form}")


@pytest.fixture
def verifier(badge_server: BadgeServer) -> BadgeVerifier:
    return BadgeVerifier(
        badge_server.fetcher(), ContextStore(None), lambda: dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )


@pytest.mark.parametrize("form", ["pasted", "png", "svg"])
def test_a_token_with_a_deeply_nested_payload_is_refused_as_such(
    verifier: BadgeVerifier, caplog: pytest.LogCaptureFixture, form: str
) -> None:
    evidence = _evidence(form)
    assert evidence is not None
    with caplog.at_level(logging.INFO):
        report = verifier.verify(evidence)
    assert (report.status, report.reason) == (
        Status.INVALID,
        "format: the token's payload is nested too deeply",
    )
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []


def test_a_signed_ob2_assertion_nested_too_deeply_is_refused_as_such(badge_server: BadgeServer) -> None:
    run = VerificationRun(badge_server.fetcher().session(), ContextStore(None), dt.datetime.now(dt.UTC), None)
    report = ob2.verify_signed(DEEP_TOKEN, run)
    assert (report.status, report.reason) == (Status.INVALID, "format: the JWS payload is nested too deeply")
    assert badge_server.requests == []


def test_a_linked_document_nested_too_deeply_is_no_crash(
    verifier: BadgeVerifier, badge_server: BadgeServer, caplog: pytest.LogCaptureFixture
) -> None:
    url = badge_server.route("/deep.json", DEEP_JSON)
    with caplog.at_level(logging.INFO):
        report = verifier.verify(Evidence(EvidenceKind.URL, url))
    assert (report.status, report.reason) == (
        Status.INVALID,
        f"format: the assertion at {badge_server.host} is not a JSON object",
    )
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []

"""Sorting what a learner hands over into link / JSON / token / image, before anything is fetched."""

from __future__ import annotations

import pytest

from core.badges.inputs.evidence import EvidenceKind, from_file, from_text

TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJpZCI6Imh0dHBzOi8vZXhhbXBsZS5vcmcvYSJ9.c2lnbmF0dXJlLWJ5dGVzLWhlcmU"


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("https://www.credly.com/badges/abc", EvidenceKind.URL, "https://www.credly.com/badges/abc"),
        ("here it is: https://x.example/b/1.", EvidenceKind.URL, "https://x.example/b/1"),
        ("(see https://x.example/b/1)", EvidenceKind.URL, "https://x.example/b/1"),
        ('{"type": "Assertion"}', EvidenceKind.JSON, '{"type": "Assertion"}'),
        (f"  {TOKEN}\n", EvidenceKind.JWS, TOKEN),
    ],
)
def test_text_forms(text: str, kind: EvidenceKind, value: str) -> None:
    found = from_text(text)
    assert found is not None and (found.kind, found.text) == (kind, value)


@pytest.mark.parametrize(
    "text", ["", "I finished the course", "done", "{not json", "[1, 2]", "ftp://x.example/badge", "a.b.c"]
)
def test_ordinary_text_is_not_a_badge(text: str) -> None:
    assert from_text(text) is None


def test_oversized_or_absurdly_nested_text_is_not_a_badge() -> None:
    assert from_text('{"a": "' + "x" * (3 * 1024 * 1024) + '"}') is None
    assert from_text('{"a":' * 3000 + "1" + "}" * 3000) is None


def test_files() -> None:
    png = from_file(b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "badge.png")
    svg = from_file(b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>', "b.svg")
    assert png is not None and png.kind is EvidenceKind.IMAGE and png.filename == "badge.png"
    assert svg is not None and svg.kind is EvidenceKind.IMAGE
    json_file = from_file(b'\xef\xbb\xbf{"type": "Assertion"}', "badge.json")
    assert json_file is not None and json_file.kind is EvidenceKind.JSON
    assert from_file(TOKEN.encode(), "badge.jws") is not None
    assert from_file(b"https://x.example/b/1", "link.txt") is None  # a link belongs in the message
    assert from_file(b"\xff\xfe binary", "x.bin") is None

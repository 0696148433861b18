"""Baked badge images: every baked vector in the shared set, and hostile files that must be refused."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest

from core.badges.inputs import baked
from core.badges.inputs.baked import (
    MAX_BADGE_ENTRIES,
    MAX_BAKED_BYTES,
    MAX_IMAGE_BYTES,
    MAX_PAYLOAD_BYTES,
    MAX_SVG_MARKUP,
    PNG_SIGNATURE,
    BakedError,
    extract,
)

IHDR = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
ASSERTION = '{"@context": "https://w3id.org/openbadges/v2", "id": "https://example.org/a.json"}'


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png(*chunks: bytes, end: bool = True) -> bytes:
    return PNG_SIGNATURE + _chunk(b"IHDR", IHDR) + b"".join(chunks) + (_chunk(b"IEND", b"") if end else b"")


def _itxt(keyword: str, text: bytes, *, compressed: bool = False) -> bytes:
    flag = b"\x01\x00" if compressed else b"\x00\x00"
    payload = zlib.compress(text) if compressed else text
    return _chunk(b"iTXt", keyword.encode() + b"\0" + flag + b"\0\0" + payload)


def _svg(inner: str, namespace: str = "http://openbadges.org", prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0"?>{prolog}<svg xmlns="http://www.w3.org/2000/svg" '
        f'xmlns:openbadges="{namespace}">{inner}<rect/></svg>'
    ).encode()


# --- the shared vectors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["ob2/1edtech-validator-ob20/simple-badge.png", "ob2/generated/baked_heart_2_0_assertion.png"]
)
def test_ob2_baked_pngs_carry_the_hosted_assertion(shared_dir: Path, name: str) -> None:
    payload = extract((shared_dir / "vectors" / name).read_bytes())
    assert (payload.kind, payload.keyword, payload.is_ob3) == ("png", "openbadges", False)
    assertion = json.loads(payload.text)
    assert assertion["id"] == "https://example.org/beths-robotics-badge.json"
    assert assertion["@context"] == "https://w3id.org/openbadges/v2"


@pytest.mark.parametrize(
    "name",
    [
        "ob2/validator-core/public_domain_heart.png",
        "ob2/1edtech-validator-ob20/assets/robotics-badge.png",
        "ob2/1edtech-validator-ob20/assets/beths-robot-badge.png",
    ],
)
def test_unbaked_pngs_have_no_payload(shared_dir: Path, name: str) -> None:
    with pytest.raises(BakedError, match="no Open Badges data"):
        extract((shared_dir / "vectors" / name).read_bytes())


@pytest.mark.parametrize("name", ["simple-json.png", "simple-json.svg"])
def test_ob3_baked_json_credentials(shared_dir: Path, name: str) -> None:
    payload = extract((shared_dir / "vectors" / "ob3" / "1edtech-validator" / name).read_bytes())
    assert payload.is_ob3
    assert payload.keyword == ("openbadgecredential" if name.endswith(".png") else "openbadges:credential")
    credential = json.loads(payload.text)
    assert "OpenBadgeCredential" in credential["type"]
    assert "proof" in credential


def test_ob3_baked_jwt_svg_reads_the_verify_attribute(shared_dir: Path) -> None:
    payload = extract((shared_dir / "vectors" / "ob3" / "1edtech-validator" / "simple-jwt.svg").read_bytes())
    assert (payload.kind, payload.keyword) == ("svg", "openbadges:credential")
    assert payload.text.count(".") == 2
    assert payload.text.startswith("eyJ")


# --- well-formed variants ----------------------------------------------------------------------------


def test_compressed_itxt_is_inflated() -> None:
    payload = extract(_png(_itxt("openbadges", ASSERTION.encode(), compressed=True)))
    assert payload.text == ASSERTION


def test_legacy_text_chunk_with_a_url() -> None:
    payload = extract(_png(_chunk(b"tEXt", b"openbadges\0https://example.org/a.json")))
    assert (payload.keyword, payload.text) == ("openbadges", "https://example.org/a.json")


def test_other_text_chunks_are_ignored_and_the_same_payload_twice_is_fine() -> None:
    data = _png(
        _chunk(b"tEXt", b"Comment\0hello"),
        _itxt("openbadges", ASSERTION.encode()),
        _chunk(b"tEXt", b"openbadges\0" + ASSERTION.encode()),
    )
    assert extract(data).text == ASSERTION


def test_bytes_after_iend_are_not_read() -> None:
    data = _png() + _itxt("openbadges", ASSERTION.encode())
    with pytest.raises(BakedError, match="no Open Badges data"):
        extract(data)


def test_svg_hosted_assertion_uses_the_verify_url() -> None:
    svg = _svg('<openbadges:assertion verify="https://example.org/a.json"></openbadges:assertion>')
    payload = extract(svg)
    assert (payload.kind, payload.keyword, payload.text) == (
        "svg",
        "openbadges:assertion",
        "https://example.org/a.json",
    )


def test_svg_signed_assertion_in_cdata() -> None:
    token = "eyJhbGciOiJSUzI1NiJ9.eyJpZCI6ICJ4In0.c2ln"
    payload = extract(_svg(f"<openbadges:assertion><![CDATA[\n  {token}\n]]></openbadges:assertion>"))
    assert payload.text == token


# --- hostile or broken files -------------------------------------------------------------------------


def test_bad_crc_is_refused(shared_dir: Path) -> None:
    data = bytearray((shared_dir / "vectors" / "ob2/1edtech-validator-ob20/simple-badge.png").read_bytes())
    position = data.index(b"beths-robotics")
    data[position] ^= 0x01  # one bit of the baked assertion, CRC left as it was
    with pytest.raises(BakedError, match="CRC"):
        extract(bytes(data))


def test_decompression_bomb_is_capped() -> None:
    bomb = _itxt("openbadges", b" " * (MAX_PAYLOAD_BYTES * 4), compressed=True)
    assert len(bomb) < 10_000
    with pytest.raises(BakedError, match="too large once decompressed"):
        extract(_png(bomb))


class InflatedBytes:
    """Counts every byte zlib inflates while installed as the reader's ``zlib.decompressobj``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.total = 0
        self._real = zlib.decompressobj
        monkeypatch.setattr(baked.zlib, "decompressobj", lambda: _CountingInflater(self._real(), self))


class _CountingInflater:
    def __init__(self, inflater: Any, counter: InflatedBytes) -> None:
        self._inflater, self._counter = inflater, counter

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        out: bytes = self._inflater.decompress(data, max_length)
        self._counter.total += len(out)
        return out

    def __getattr__(self, name: str) -> Any:  # eof, unconsumed_tail...
        return getattr(self._inflater, name)


def test_inflation_bomb_of_many_chunks_is_refused_within_the_per_image_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Thousands of ~1 KB badge chunks each inflating to 1 MiB cost gigabytes when only each chunk is
    capped; the image as a whole may inflate at most MAX_BAKED_BYTES, and a chunk that is not an Open
    Badges one is never inflated at all, however much it holds."""
    deflate = zlib.compressobj(9)
    not_a_badge = b"".join(deflate.compress(bytes(1024 * 1024)) for _ in range(64)) + deflate.flush()
    bomb = _itxt("openbadges", b"a" * MAX_PAYLOAD_BYTES, compressed=True)
    data = _png(_chunk(b"iTXt", b"Comment\0\x01\x00\0\0" + not_a_badge), *[bomb] * 20)
    assert len(data) < 200_000
    inflated = InflatedBytes(monkeypatch)
    with pytest.raises(BakedError, match="too large once decompressed"):
        extract(data)
    assert inflated.total <= MAX_BAKED_BYTES + 1


@pytest.mark.parametrize("compressed", [False, True])
def test_payload_bytes_are_capped_for_the_image_as_a_whole(compressed: bool) -> None:
    chunk = _itxt("openbadges", b"x" * (MAX_PAYLOAD_BYTES - 10), compressed=compressed)
    with pytest.raises(BakedError, match="too large"):
        extract(_png(chunk, chunk, chunk))


def test_png_with_too_many_badge_chunks_is_refused() -> None:
    chunks = [_chunk(b"tEXt", b"openbadges\0https://example.org/a.json")] * (MAX_BADGE_ENTRIES + 1)
    with pytest.raises(BakedError, match=f"more than {MAX_BADGE_ENTRIES} Open Badges entries"):
        extract(_png(*chunks))


def test_huge_uncompressed_payload_is_refused() -> None:
    with pytest.raises(BakedError, match="too large"):
        extract(_png(_itxt("openbadges", b"x" * (MAX_PAYLOAD_BYTES + 1))))


def test_oversized_file_is_refused_before_parsing() -> None:
    with pytest.raises(BakedError, match="larger than 5 MiB"):
        extract(PNG_SIGNATURE + b"\0" * MAX_IMAGE_BYTES)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (_png(end=False), "ends before its IEND"),
        (PNG_SIGNATURE + _chunk(b"tEXt", b"a\0b") + _chunk(b"IEND", b""), "IHDR"),
        (PNG_SIGNATURE + _chunk(b"IHDR", IHDR)[:-6], "longer than the file"),
        (_png(_itxt("openbadges", b"\xff\xfe")), "not valid UTF-8"),
        (_png(_chunk(b"iTXt", b"openbadges\0\x02\x00\0\0x")), "compression flag"),
        (_png(_chunk(b"iTXt", b"openbadges\0\x01\x00\0\0not zlib")), "corrupt"),
        (_png(_chunk(b"iTXt", b"openbadges\0\x00\x00no-separators")), "malformed"),
        (b"GIF89a....", "neither a PNG nor an SVG"),
    ],
)
def test_broken_pngs_and_other_files(data: bytes, reason: str) -> None:
    with pytest.raises(BakedError, match=reason):
        extract(data)


def test_two_different_payloads_are_refused() -> None:
    data = _png(
        _itxt("openbadges", b"https://a.example/1"), _itxt("openbadgecredential", b"https://b.example/2")
    )
    with pytest.raises(BakedError, match="more than one"):
        extract(data)


def test_billion_laughs_svg_is_refused() -> None:
    prolog = (
        '<!DOCTYPE svg [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )
    with pytest.raises(BakedError, match="entities"):
        extract(_svg("<openbadges:assertion>&lol3;</openbadges:assertion>", prolog=prolog))


def test_external_entity_svg_is_refused() -> None:
    prolog = '<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    with pytest.raises(BakedError, match="entities"):
        extract(_svg("<openbadges:assertion>&xxe;</openbadges:assertion>", prolog=prolog))


@pytest.mark.parametrize(
    "inner",
    [
        "<g/>" * (MAX_SVG_MARKUP + 1),  # a million of these take seconds and 100+ MB to parse
        "<g" + "".join(f' a{index}="1"' for index in range(MAX_SVG_MARKUP + 1)) + "/>",
    ],
    ids=["elements", "attributes"],
)
def test_svg_with_more_markup_than_a_badge_needs_is_refused_unparsed(
    monkeypatch: pytest.MonkeyPatch, inner: str
) -> None:
    parsed: list[bytes] = []
    monkeypatch.setattr(baked.SafeET, "fromstring", lambda data, **_options: parsed.append(data))
    with pytest.raises(BakedError, match="more elements or attributes than a badge image needs"):
        extract(_svg(inner))
    assert parsed == []


def test_svg_with_too_many_badge_elements_is_refused() -> None:
    inner = '<openbadges:assertion verify="https://example.org/a.json"/>' * (MAX_BADGE_ENTRIES + 1)
    with pytest.raises(BakedError, match=f"more than {MAX_BADGE_ENTRIES} Open Badges entries"):
        extract(_svg(inner))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (_svg(""), "no Open Badges data"),
        (
            _svg(
                '<openbadges:assertion verify="https://example.org/a"/>', namespace="http://example.com/other"
            ),
            "no Open",
        ),
        (b"<svg><unclosed></svg>", "not well-formed"),
        (b'<html xmlns="http://www.w3.org/1999/xhtml"/>', "not an SVG"),
    ],
)
def test_svgs_without_a_readable_payload(data: bytes, reason: str) -> None:
    with pytest.raises(BakedError, match=reason):
        extract(data)

"""Read the badge baked into a PNG or SVG image (Open Badges Baking 2.0 and OB 3.0 section 5.3).

A baked image is an untrusted upload, so the readers here are deliberately narrow, and what one file
can make them do is bounded, not just each piece of it (any file up to 5 MiB is read in well under a
second and a few MB; ``tests/bench/bench_hostile_files.py`` measures the worst shapes):

- the PNG reader walks chunks itself (signature, lengths, CRCs, stop at IEND) instead of decoding
  pixels; only chunks whose keyword names Open Badges are ever inflated, at most
  ``MAX_BADGE_ENTRIES`` of them are examined, and all of them together may produce at most
  ``MAX_BAKED_BYTES`` (a 5 MB file of thousands of 1 KB zlib streams, each inflating to 1 MiB, is
  refused after 2 MiB instead of costing 5 GB);
- the SVG reader uses defusedxml, which refuses entity declarations (billion laughs) and external
  entities and never fetches anything; before parsing, a file with more ``<`` or ``=`` than
  ``MAX_SVG_MARKUP`` is refused (every element needs a ``<`` and every attribute an ``=``, and an
  ElementTree of a million of either costs seconds and hundreds of MB).

Where the payload lives:
- PNG: an ``iTXt`` chunk with keyword ``openbadges`` (OB 2.0) or ``openbadgecredential`` (OB 3.0),
  possibly zlib-compressed; legacy (OB 1.0) bakers used a ``tEXt`` chunk with ``openbadges``.
- SVG: ``<openbadges:assertion verify="URL">`` (OB 2.0 hosted), or the element text (JSON or a JWS,
  often in CDATA); ``<openbadges:credential>`` for OB 3.0.

The payload text is returned as found (a URL, JSON or a compact JWS): deciding what it is and
verifying it is the caller's job.  Two different payloads in one image are refused: a verifier and
a displayer could otherwise each pick a different one.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_PAYLOAD_BYTES = 1024 * 1024  # a baked assertion or credential is a few KB; 1 MiB is generous
MAX_BAKED_BYTES = 2 * MAX_PAYLOAD_BYTES  # every Open Badges chunk or element of one image, inflated
MAX_BADGE_ENTRIES = 8  # Open Badges chunks or elements examined per image (bakers write one or two)
MAX_CHUNKS = 10_000
MAX_SVG_MARKUP = 100_000  # "<" and "=" each, counted before parsing
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORDS = ("openbadges", "openbadgecredential")
LEGACY_TEXT_KEYWORD = "openbadges"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
# OB 2.0 baking uses http://openbadges.org; OB 3.0 uses the purl URL.  Both element names are
# accepted in both namespaces: the payload is verified on its own, the namespace grants nothing.
OPENBADGES_NAMESPACES = ("http://openbadges.org", "https://purl.imsglobal.org/ob/v3p0")
SVG_ELEMENTS = ("assertion", "credential")


class BakedError(Exception):
    """The image is not a readable baked badge; ``reason`` is safe to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class BakedPayload:
    kind: Literal["png", "svg"]
    text: str  # a URL, JSON or a compact JWS, stripped of surrounding whitespace
    keyword: str  # PNG chunk keyword, or SVG element name ("openbadges:assertion"...)

    @property
    def is_ob3(self) -> bool:
        return self.keyword in ("openbadgecredential", "openbadges:credential")


def extract(data: bytes) -> BakedPayload:
    """The one Open Badges payload baked into ``data`` (PNG or SVG bytes)."""
    if len(data) > MAX_IMAGE_BYTES:
        raise BakedError(f"the image is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MiB")
    if data.startswith(PNG_SIGNATURE):
        return _single("png", _png_payloads(data))
    if _looks_like_xml(data):
        return _single("svg", _svg_payloads(data))
    raise BakedError("the file is neither a PNG nor an SVG image")


def _single(kind: Literal["png", "svg"], found: list[tuple[str, str]]) -> BakedPayload:
    distinct = {text for _, text in found}
    if not distinct:
        raise BakedError(f"the {kind.upper()} image has no Open Badges data baked in")
    if len(distinct) > 1:
        raise BakedError(f"the {kind.upper()} image carries more than one different badge")
    keyword, text = found[0]
    return BakedPayload(kind, text, keyword)


class _Budget:
    """What one image may make the reader do: Open Badges entries examined, payload bytes produced.

    Every entry is read (two *different* payloads are refused, see the module docstring), so the
    bound is on the image as a whole, not only on each entry."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.entries = 0
        self.bytes_left = MAX_BAKED_BYTES

    def enter(self) -> None:
        self.entries += 1
        if self.entries > MAX_BADGE_ENTRIES:
            raise BakedError(
                f"the {self.kind} image carries more than {MAX_BADGE_ENTRIES} Open Badges entries"
            )

    def limit(self) -> int:
        """The most bytes the next payload may have."""
        return min(MAX_PAYLOAD_BYTES, self.bytes_left)

    def spend(self, size: int) -> None:
        if size > self.limit():
            raise BakedError("the Open Badges data baked in the image is too large")
        self.bytes_left -= size


# --- PNG -------------------------------------------------------------------------------------------


def _png_payloads(data: bytes) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    budget = _Budget("PNG")
    for index, (chunk_type, body) in enumerate(_png_chunks(data)):
        if index == 0 and chunk_type != b"IHDR":
            raise BakedError("the PNG does not start with an IHDR chunk")
        if chunk_type == b"iTXt":
            payload = _itxt(body, budget)
        elif chunk_type == b"tEXt":
            payload = _text(body, budget)
        else:
            continue
        if payload is not None:
            found.append(payload)
    return found


def _png_chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """Every chunk up to and including IEND, each length and CRC checked."""
    offset = len(PNG_SIGNATURE)
    for _ in range(MAX_CHUNKS):
        if offset + 8 > len(data):
            raise BakedError("the PNG ends before its IEND chunk")
        length, chunk_type = struct.unpack(">I4s", data[offset : offset + 8])
        end = offset + 8 + length + 4
        if length > 0x7FFFFFFF or end > len(data):
            raise BakedError("a PNG chunk is longer than the file")
        if not chunk_type.isalpha():
            raise BakedError("the PNG has a malformed chunk type")
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        if zlib.crc32(chunk_type + body) != crc:
            raise BakedError("a PNG chunk fails its CRC check (the file is damaged or altered)")
        yield chunk_type, body
        if chunk_type == b"IEND":
            return
        offset = end
    raise BakedError("the PNG has too many chunks")


def _itxt(body: bytes, budget: _Budget) -> tuple[str, str] | None:
    """iTXt: keyword NUL flag method language NUL translated-keyword NUL text."""
    keyword, rest = _split_keyword(body)
    if keyword not in PNG_KEYWORDS:
        return None  # never inflated, however large
    budget.enter()
    if len(rest) < 2:
        raise BakedError("the PNG's Open Badges chunk is truncated")
    compressed, method, rest = rest[0], rest[1], rest[2:]
    parts = rest.split(b"\0", 2)
    if len(parts) != 3:
        raise BakedError("the PNG's Open Badges chunk is malformed")
    text = parts[2]
    if compressed == 1:
        if method != 0:
            raise BakedError("the PNG's Open Badges chunk uses an unknown compression method")
        text = _inflate(text, budget.limit())
    elif compressed != 0:
        raise BakedError("the PNG's Open Badges chunk has an invalid compression flag")
    return keyword, _decode(text, "utf-8", budget)


def _text(body: bytes, budget: _Budget) -> tuple[str, str] | None:
    """tEXt (legacy OB 1.0 baking): keyword NUL Latin-1 text."""
    keyword, text = _split_keyword(body)
    if keyword != LEGACY_TEXT_KEYWORD:
        return None
    budget.enter()
    return keyword, _decode(text, "latin-1", budget)


def _split_keyword(body: bytes) -> tuple[str, bytes]:
    keyword, separator, rest = body.partition(b"\0")
    if not separator or not 1 <= len(keyword) <= 79:
        return "", b""
    return keyword.decode("latin-1"), rest


def _inflate(compressed: bytes, limit: int) -> bytes:
    """At most ``limit`` bytes inflated (one more to tell "too large"), whatever the stream holds."""
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(compressed, limit + 1)
    except zlib.error as exc:
        raise BakedError("the PNG's compressed Open Badges data is corrupt") from exc
    if len(text) > limit:
        raise BakedError("the PNG's Open Badges data is too large once decompressed")
    if not inflater.eof:
        raise BakedError("the PNG's compressed Open Badges data is corrupt")
    return text


def _decode(raw: bytes, encoding: str, budget: _Budget) -> str:
    budget.spend(len(raw))
    try:
        return raw.decode(encoding).strip()
    except UnicodeDecodeError as exc:
        raise BakedError("the Open Badges data baked in the image is not valid UTF-8") from exc


# --- SVG -------------------------------------------------------------------------------------------


def _looks_like_xml(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<")


def _svg_payloads(data: bytes) -> list[tuple[str, str]]:
    if data.count(b"<") > MAX_SVG_MARKUP or data.count(b"=") > MAX_SVG_MARKUP:
        raise BakedError("the SVG has more elements or attributes than a badge image needs")
    try:
        # DTD declarations are tolerated (real badges carry the SVG 1.1 DOCTYPE, which expat never
        # fetches); entity declarations and external entities are refused.
        root = SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise BakedError("the SVG declares XML entities, which are not allowed") from exc
    except ParseError as exc:
        raise BakedError("the SVG is not well-formed XML") from exc
    if root.tag != f"{{{SVG_NAMESPACE}}}svg":
        raise BakedError("the file is XML but not an SVG image")
    found: list[tuple[str, str]] = []
    budget = _Budget("SVG")
    for namespace in OPENBADGES_NAMESPACES:
        for name in SVG_ELEMENTS:
            for element in root.iter(f"{{{namespace}}}{name}"):
                budget.enter()
                text = _svg_text(element, budget)
                if text:
                    found.append((f"openbadges:{name}", text))
    return found


def _svg_text(element: Element, budget: _Budget) -> str:
    """The ``verify`` attribute when present (hosted URL or JWS), else the element's text."""
    value = (element.get("verify") or "").strip() or "".join(element.itertext()).strip()
    budget.spend(len(value.encode("utf-8")))
    return value

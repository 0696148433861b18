"""What a learner handed over, sorted into the four shapes a badge can arrive in.

A chat message may hold a link (with words around it), a pasted assertion or credential (JSON),
or a compact JWS / JWT; a file is a baked image (PNG or SVG) or one of the text forms.  Sorting
happens here, before anything is fetched, so the dialogue can tell "this is a badge" from
ordinary text without touching the network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from core.badges.inputs.baked import MAX_IMAGE_BYTES, PNG_SIGNATURE
from core.badges.jsonld.values import parse_json

MAX_TEXT_BYTES = 2 * 1024 * 1024  # a pasted credential; larger ones are not badges
MAX_FILE_BYTES = MAX_IMAGE_BYTES  # a badge file, image or text: what every channel reads at most
_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}$")
_TRAILING_PUNCTUATION = ".,;:!?)]}»”’"


class EvidenceKind(StrEnum):
    URL = "url"
    JSON = "json"
    JWS = "jws"
    IMAGE = "image"


@dataclass(frozen=True, slots=True)
class Evidence:
    kind: EvidenceKind
    text: str = ""  # URL, JSON text or compact token
    data: bytes = b""  # IMAGE: the file
    filename: str = ""
    document: dict[str, Any] | None = field(default=None, compare=False, repr=False)  # JSON, parsed

    @property
    def source_url(self) -> str | None:
        return self.text if self.kind is EvidenceKind.URL else None


def from_text(text: str) -> Evidence | None:
    """The badge in a typed or pasted message, or None when the message is not one."""
    stripped = text.strip()
    if not stripped or len(stripped.encode("utf-8", "replace")) > MAX_TEXT_BYTES:
        return None
    if stripped.startswith("{"):
        try:
            document = parse_json(stripped)
        except ValueError:  # not JSON, or nested thousands deep: nobody's badge
            return None
        return (
            Evidence(EvidenceKind.JSON, stripped, document=document) if isinstance(document, dict) else None
        )
    if _COMPACT_JWS.match(stripped):
        return Evidence(EvidenceKind.JWS, stripped)
    link = _URL.search(stripped)
    if link is None:
        return None
    return Evidence(EvidenceKind.URL, link.group(0).rstrip(_TRAILING_PUNCTUATION))


def from_file(data: bytes, filename: str = "") -> Evidence | None:
    """The badge in an uploaded file: a baked PNG or SVG, or a JSON / JWS text file."""
    if data.startswith(PNG_SIGNATURE):
        return Evidence(EvidenceKind.IMAGE, data=data, filename=filename)
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in data[:65536].lower():
        return Evidence(EvidenceKind.IMAGE, data=data, filename=filename)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    found = from_text(text)
    return found if found is None or found.kind is not EvidenceKind.URL else None

"""Revocation status of a W3C credential / Open Badge 3.0: the ``revocation`` check.

Three status methods are read, each fetched from the address the signed credential gives:

- ``BitstringStatusListEntry`` (W3C Bitstring Status List v1.0) and ``StatusList2021Entry`` (its
  predecessor): a status list credential whose ``encodedList`` is a GZIP'd bitstring, base64url encoded
  (multibase ``u`` prefix for Bitstring lists, none for 2021 lists; both spellings accepted for either);
  bit ``statusListIndex`` counted from the most significant bit of the first byte; one-bit entries only;
- ``1EdTechRevocationList`` (the OB 3.0 method): the entry ``id`` is a list
  ``{"revokedCredentials": [{"id", "revoked"?, "revocationReason"?}]}`` in which the credential's ``id``
  is revoked unless ``revoked`` is false (as the 1EdTech validator reads it).

The verdict never claims more than was seen: a set bit or a listed id fails the badge (revoked or
suspended); a list that cannot be fetched, parsed or trusted (a status list credential must carry a
proof by the credential's issuer that verifies), or a method this module does not know, leaves
revocation *not checkable* (a required skip, so the badge is unverifiable) — never "not revoked".
A status list must come from the credential's own issuer; one issued by anybody else could say anything.
The status list credential's own proof is checked by the caller (``verify_list``), which knows the issuer.
"""

from __future__ import annotations

import binascii
import datetime as dt
import re
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.badges.jsonld.values import as_list, id_of
from core.badges.net.fetcher import JSON_TYPES, FetchError
from core.badges.proofs.data_integrity import DateError, parse_datetime
from core.badges.proofs.encoding import base64url
from core.badges.report import Check, Outcome

if TYPE_CHECKING:
    from core.badges.net.fetcher import FetchSession

NAME = "revocation"
NO_STATUS = "the issuer publishes no revocation status"
MAX_BITSTRING_BYTES = 16 * 1024 * 1024
# raw.githubusercontent.com (where the DCC and 1EdTech test lists live) serves JSON as text/plain.
LIST_TYPES = (*JSON_TYPES, "text/plain")
_GZIP_BASE64 = "H4sI"  # base64 of the GZIP magic bytes and deflate method: every encodedList starts so
_CHECKED_PURPOSES = {"revocation": "revoked", "suspension": "suspended"}
_MAX_INDEX_DIGITS = 12
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+")


class NotCheckable(Exception):
    """This status entry cannot be evaluated; ``reason`` says why (a short sentence)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class _ListFormat:
    credential_type: str
    subject_type: str


_BITSTRING_FORMATS = {
    "BitstringStatusListEntry": _ListFormat("BitstringStatusListCredential", "BitstringStatusList"),
    "StatusList2021Entry": _ListFormat("StatusList2021Credential", "StatusList2021"),
}


ListVerifier = Callable[[Mapping[str, Any]], "str | None"]


def check_status(
    credential: Mapping[str, Any],
    *,
    fetch: FetchSession,
    now: dt.datetime | None = None,
    verify_list: ListVerifier | None = None,
) -> Check:
    """The ``revocation`` check for ``credential``. ``now`` (default: the clock) rejects expired lists.

    ``verify_list`` checks the proof of a status list credential and returns why it does not
    verify (None when it does): a list that is unsigned, or whose signature fails, proves nothing,
    so the revocation is then not checkable.
    """
    entries = as_list(credential.get("credentialStatus"))
    if not entries:
        return Check.skipped(NAME, NO_STATUS, required=False)
    context = _Context(credential, fetch, now or dt.datetime.now(dt.UTC), verify_list)
    clear: list[str] = []
    not_checkable: list[str] = []
    for entry in entries:
        try:
            check = context.check_entry(entry)
        except NotCheckable as error:
            not_checkable.append(error.reason)
            continue
        if check is None:
            continue
        if check.result is Outcome.FAILED:
            return check
        clear.append(check.detail)
    if not_checkable:
        return Check.skipped(NAME, f"{not_checkable[0]}; revocation not checkable")
    if clear:
        return Check.passed(NAME, "; ".join(dict.fromkeys(clear)))
    return Check.skipped(NAME, f"{NO_STATUS} (only other status purposes)", required=False)


def decode_bitstring(encoded: Any, *, limit: int = MAX_BITSTRING_BYTES) -> bytes:
    """The bitstring of an ``encodedList``: optional multibase ``u``, base64url, GZIP. Decompressed
    incrementally and refused past ``limit`` bytes, so a small GZIP bomb cannot exhaust memory."""
    if not isinstance(encoded, str) or not encoded.removeprefix("u").startswith(_GZIP_BASE64):
        raise NotCheckable("the status list's encodedList is not GZIP'd base64url")
    text = encoded.removeprefix("u")
    try:
        compressed = base64url(text)
    except binascii.Error as error:
        raise NotCheckable("the status list's encodedList is not valid base64url") from error
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    bits = bytearray()
    pending = compressed
    try:
        while not decompressor.eof:
            chunk = decompressor.decompress(pending, limit + 1 - len(bits))
            bits += chunk
            if len(bits) > limit:
                raise NotCheckable(f"the status list is larger than {limit // (1024 * 1024)} MiB")
            if not chunk and decompressor.unconsumed_tail == pending:
                break  # no progress: the stream is truncated
            pending = decompressor.unconsumed_tail
    except zlib.error as error:
        raise NotCheckable("the status list's encodedList is not valid GZIP") from error
    if not decompressor.eof or decompressor.unused_data:
        raise NotCheckable("the status list's encodedList is not valid GZIP")
    return bytes(bits)


def bit_at(bits: bytes, index: int) -> bool:
    """Bit ``index`` of a status bitstring: index 0 is the most significant bit of the first byte."""
    if not 0 <= index < len(bits) * 8:
        raise NotCheckable("the status index lies outside the status list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


class _Context:
    """One credential's status check: the credential's issuer, and the lists fetched so far (entries
    often share one list, and the fetch budget is per verification)."""

    def __init__(
        self,
        credential: Mapping[str, Any],
        fetch: FetchSession,
        now: dt.datetime,
        verify_list: ListVerifier | None,
    ) -> None:
        self.credential = credential
        self.issuer = id_of(credential.get("issuer"))
        self.fetch = fetch
        self.now = now
        self.verify_list = verify_list
        self.list_signatures: dict[str, str | None] = {}  # list URL -> why its proof fails (None: fine)
        self.documents: dict[str, dict[str, Any] | NotCheckable] = {}
        self.bitstrings: dict[str, bytes] = {}

    def check_entry(self, entry: Any) -> Check | None:
        """Failed (revoked/suspended), passed (clear), or None when the entry's purpose is not about
        validity (``message``...); raises :class:`NotCheckable`."""
        if not isinstance(entry, Mapping):
            raise NotCheckable("a credentialStatus entry is not an object")
        kinds = [kind for kind in as_list(entry.get("type")) if isinstance(kind, str)]
        if "1EdTechRevocationList" in kinds:
            return self._revocation_list(entry)
        for kind in kinds:
            if kind in _BITSTRING_FORMATS:
                return self._bitstring(entry, _BITSTRING_FORMATS[kind])
        shown = ", ".join(kinds)[:60] or "without a type"
        raise NotCheckable(f"the status method {shown} is not supported")

    def _bitstring(self, entry: Mapping[str, Any], form: _ListFormat) -> Check | None:
        purpose = entry.get("statusPurpose")
        if not isinstance(purpose, str):
            raise NotCheckable("a status entry does not say what its status is for")
        if purpose not in _CHECKED_PURPOSES:
            return None  # "message" and the like say nothing about validity
        if str(entry.get("statusSize", 1)) != "1":
            raise NotCheckable("status entries wider than one bit are not supported")
        index = _index(entry.get("statusListIndex"))
        url = entry.get("statusListCredential")
        document = self._document(url)
        if form.credential_type not in as_list(document.get("type")):
            raise NotCheckable(f"the status list is not a {form.credential_type}")
        self._require_issuer(document)
        self._require_current(document)
        source = self._list_source(str(url), document)
        subject = document.get("credentialSubject")
        if not isinstance(subject, Mapping) or form.subject_type not in as_list(subject.get("type")):
            raise NotCheckable(f"the status list has no {form.subject_type} subject")
        if purpose not in as_list(subject.get("statusPurpose")):
            raise NotCheckable(f"the status list is not for {purpose}")
        key = str(url)
        if key not in self.bitstrings:
            self.bitstrings[key] = decode_bitstring(subject.get("encodedList"))
        state = _CHECKED_PURPOSES[purpose]
        if bit_at(self.bitstrings[key], index):
            return Check.failed(NAME, f"{state} by the issuer (status list entry {index})")
        return Check.passed(NAME, f"not {state} according to {source}")

    def _revocation_list(self, entry: Mapping[str, Any]) -> Check:
        credential_id = self.credential.get("id")
        if not isinstance(credential_id, str):
            raise NotCheckable("the credential has no id to look up in its revocation list")
        document = self._document(entry.get("id"))
        if document.get("issuer") is not None:  # the list's address is signed into the credential
            self._require_issuer(document)
        revoked = document.get("revokedCredentials")
        if not isinstance(revoked, list):
            raise NotCheckable("the revocation list has no revokedCredentials list")
        for item in revoked:
            if item == credential_id:
                return Check.failed(NAME, "revoked by the issuer")
            listed = isinstance(item, Mapping) and item.get("id") == credential_id
            if listed and item.get("revoked") is not False:
                return Check.failed(NAME, "revoked by the issuer" + _reason(item.get("revocationReason")))
        return Check.passed(NAME, "not revoked according to the issuer's revocation list")

    def _document(self, url: Any) -> dict[str, Any]:
        if not isinstance(url, str) or not url.lower().startswith("https://"):
            raise NotCheckable("the status list address is not an HTTPS URL")
        address = url.partition("#")[0]
        if address not in self.documents:
            try:
                self.documents[address] = _fetch_json(self.fetch, address)
            except NotCheckable as error:
                self.documents[address] = error  # one failed fetch answers every entry that shares the list
        found = self.documents[address]
        if isinstance(found, NotCheckable):
            raise found
        return found

    def _list_source(self, url: str, document: Mapping[str, Any]) -> str:
        """How the list is described in the check.  Only a list the credential's issuer signed says
        anything: an unsigned one (its proof may simply have been removed) or one whose signature
        does not verify could have had any bit cleared, so revocation is then not checkable."""
        if self.verify_list is None:
            return "the issuer's status list"
        if "proof" not in document:
            raise NotCheckable("the status list is not signed")
        if url not in self.list_signatures:
            self.list_signatures[url] = self.verify_list(document)
        problem = self.list_signatures[url]
        if problem is not None:
            raise NotCheckable(problem)
        return "the issuer's signed status list"

    def _require_issuer(self, document: Mapping[str, Any]) -> None:
        if self.issuer is None or id_of(document.get("issuer")) != self.issuer:
            raise NotCheckable("the status list is not published by the credential's issuer")

    def _require_current(self, document: Mapping[str, Any]) -> None:
        for field in ("validUntil", "expirationDate"):
            try:
                until = parse_datetime(document.get(field), field)
            except DateError:
                raise NotCheckable(f"the status list's {field} is not a date") from None
            if until is not None and until < self.now:
                raise NotCheckable("the status list has expired")


def _fetch_json(fetch: FetchSession, url: str) -> dict[str, Any]:
    try:
        fetched = fetch.get(url, accept=LIST_TYPES)
    except FetchError as error:
        raise NotCheckable(f"the status list could not be fetched ({error.reason})") from error
    if not 200 <= fetched.status < 300:
        raise NotCheckable(f"the status list answered HTTP {fetched.status}")
    try:
        document = fetched.json()
    except FetchError as error:
        raise NotCheckable("the status list is not valid JSON") from error
    if not isinstance(document, dict):
        raise NotCheckable("the status list is not a JSON object")
    return document


def _index(value: Any) -> int:
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if not text.isascii() or not text.isdigit() or len(text) > _MAX_INDEX_DIGITS:
        raise NotCheckable("the statusListIndex is not a non-negative integer")
    return int(text)


def _reason(value: Any) -> str:
    """The issuer's revocation reason, shortened, on one line, with anything like an email hidden."""
    if not isinstance(value, str) or not value.strip():
        return ""
    text = _EMAIL.sub("[address]", " ".join(value.split()))
    return ": " + (text if len(text) <= 120 else text[:119] + "…")

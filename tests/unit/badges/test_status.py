"""Revocation status: bitstring decoding (real lists from the vectors and lists made here), and the
``revocation`` check against status lists served by a real local server."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from core.badges.net.fetcher import FetchSession
from core.badges.report import Check, Outcome
from core.badges.status import (
    MAX_BITSTRING_BYTES,
    NO_STATUS,
    NotCheckable,
    bit_at,
    check_status,
    decode_bitstring,
)
from tests.fakes.badge_server import BadgeServer

ISSUER = "did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q"
LIST_BYTES = 16 * 1024  # the Bitstring Status List minimum: 131,072 entries


def _encode(bits: bytes, *, multibase: bool = True) -> str:
    text = base64.urlsafe_b64encode(gzip.compress(bits)).decode().rstrip("=")
    return "u" + text if multibase else text


def _bits(*set_indexes: int, size: int = LIST_BYTES) -> bytes:
    bits = bytearray(size)
    for index in set_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)


def _set_indexes(bits: bytes) -> list[int]:
    return [index for index in range(len(bits) * 8) if bit_at(bits, index)]


def _vector(shared_dir: Path, name: str) -> dict[str, Any]:
    return json.loads((shared_dir / "vectors" / "ob3" / name).read_text())


# decoding ---------------------------------------------------------------------------------------------


def test_real_lists_decode_to_the_documented_bits(shared_dir: Path) -> None:
    validator = _vector(shared_dir, "1edtech-validator/bit-string-list/testlist")
    assert _set_indexes(decode_bitstring(validator["credentialSubject"]["encodedList"])) == [23]
    dcc = _vector(shared_dir, "dcc-verifier-core/e5WK8CbZ1GjycuPombrj.json")
    assert _set_indexes(decode_bitstring(dcc["credentialSubject"]["encodedList"])) == [2, 6, 8]


@pytest.mark.parametrize("index", [0, 7, 8, LIST_BYTES * 8 - 1])
@pytest.mark.parametrize("multibase", [True, False])
def test_bit_order_is_most_significant_first(index: int, multibase: bool) -> None:
    bits = decode_bitstring(_encode(_bits(index), multibase=multibase))
    assert _set_indexes(bits) == [index]


def test_first_and_last_bits_of_a_byte() -> None:
    assert bit_at(b"\x80\x01", 0)
    assert not bit_at(b"\x80\x01", 1)
    assert bit_at(b"\x80\x01", 15)
    assert not bit_at(b"\x80\x01", 8)


def test_index_past_the_end_is_not_checkable() -> None:
    with pytest.raises(NotCheckable, match="outside"):
        bit_at(bytes(2), 16)


def test_gzip_bomb_is_refused_without_inflating_it() -> None:
    bomb = _encode(bytes(MAX_BITSTRING_BYTES + 1))
    assert len(bomb) < 64 * 1024
    with pytest.raises(NotCheckable, match="larger than 16 MiB"):
        decode_bitstring(bomb)
    assert len(decode_bitstring(_encode(bytes(MAX_BITSTRING_BYTES)))) == MAX_BITSTRING_BYTES


@pytest.mark.parametrize(
    "encoded",
    [
        None,
        "",
        base64.urlsafe_b64encode(b"not gzip at all").decode(),  # no GZIP header
        _encode(_bits(3))[:-12],  # truncated stream
        _encode(_bits(3)) + "!",  # not base64url
        "u" + base64.urlsafe_b64encode(gzip.compress(b"a") + b"trailing").decode(),
    ],
)
def test_malformed_encoded_lists_are_not_checkable(encoded: Any) -> None:
    with pytest.raises(NotCheckable):
        decode_bitstring(encoded)


# the revocation check ------------------------------------------------------------------------------------


@pytest.fixture
def session(badge_server: BadgeServer) -> FetchSession:
    return badge_server.fetcher().session()


def _status_list(
    server: BadgeServer,
    *set_indexes: int,
    purpose: str | list[str] = "revocation",
    issuer: Any = ISSUER,
    kind: str = "BitstringStatusList",
    path: str = "/status/1",
    encoded_list: str | None = None,
    **extra: Any,
) -> str:
    url = server.https_url(path)
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", f"{kind}Credential"],
        "issuer": issuer,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": kind,
            "statusPurpose": purpose,
            "encodedList": encoded_list
            or _encode(_bits(*set_indexes), multibase=kind == "BitstringStatusList"),
        },
        **extra,
    }
    return server.route(path, document)


def _entry(
    url: str, index: int | str, purpose: str = "revocation", kind: str = "BitstringStatusListEntry"
) -> dict:
    return {
        "id": f"{url}#{index}",
        "type": kind,
        "statusPurpose": purpose,
        "statusListIndex": index,
        "statusListCredential": url,
    }


def _credential(*entries: dict[str, Any], issuer: Any = ISSUER) -> dict[str, Any]:
    status = entries[0] if len(entries) == 1 else list(entries)
    return {"id": "urn:uuid:6a1b2c3d", "issuer": issuer, "credentialStatus": status}


def _assert_not_checkable(check: Check, fragment: str) -> None:
    assert (check.name, check.result, check.required) == ("revocation", Outcome.SKIPPED, True)
    assert check.detail.endswith("revocation not checkable")
    assert fragment in check.detail


def test_no_credential_status_is_an_optional_skip(session: FetchSession) -> None:
    check = check_status({"issuer": ISSUER}, fetch=session)
    assert check == Check.skipped("revocation", NO_STATUS, required=False)
    assert check_status({"issuer": ISSUER, "credentialStatus": []}, fetch=session).required is False


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("v2Revoked.json", Outcome.FAILED),
        ("v1Revoked.json", Outcome.FAILED),
        ("v2RevokedAndExpired.json", Outcome.FAILED),
        ("v2WithValidStatus.json", Outcome.PASSED),
        ("v1WithValidStatus.json", Outcome.PASSED),
        ("v2EddsaWithValidStatus.json", Outcome.PASSED),
    ],
)
def test_dcc_credentials_against_their_status_list(
    shared_dir: Path,
    badge_server: BadgeServer,
    session: FetchSession,
    name: str,
    expected: Outcome,
) -> None:
    """The DCC fixtures, with their raw.githubusercontent.com list served locally (as text/plain,
    like GitHub does)."""
    status_list = (shared_dir / "vectors/ob3/dcc-verifier-core/e5WK8CbZ1GjycuPombrj.json").read_bytes()
    url = badge_server.route("/status/e5WK8CbZ1GjycuPombrj", status_list, content_type="text/plain")
    credential = _vector(shared_dir, f"dcc-verifier-core/{name}")
    credential["credentialStatus"]["statusListCredential"] = url
    check = check_status(credential, fetch=session)
    assert check.result is expected
    assert check.detail.startswith("revoked by the issuer" if expected is Outcome.FAILED else "not revoked")


def test_dcc_did_web_credential_with_a_did_key_list_is_not_trusted(
    shared_dir: Path,
    badge_server: BadgeServer,
    session: FetchSession,
) -> None:
    """Upstream accepts it; here a list signed by another identifier than the issuer proves nothing."""
    status_list = (shared_dir / "vectors/ob3/dcc-verifier-core/e5WK8CbZ1GjycuPombrj.json").read_bytes()
    url = badge_server.route("/status/e5WK8CbZ1GjycuPombrj", status_list)
    credential = _vector(shared_dir, "dcc-verifier-core/v2didWebWithValidStatus.json")
    credential["credentialStatus"]["statusListCredential"] = url
    _assert_not_checkable(check_status(credential, fetch=session), "not published by the credential's issuer")


def test_1edtech_validator_bitstring_list_revokes_index_23(
    shared_dir: Path,
    badge_server: BadgeServer,
    session: FetchSession,
) -> None:
    testlist = (shared_dir / "vectors/ob3/1edtech-validator/bit-string-list/testlist").read_bytes()
    url = badge_server.route("/ob30/bit-string-list/testlist", testlist)
    credential = _vector(shared_dir, "1edtech-validator/bit-string-list/credential-status-revoked.json")
    credential["credentialStatus"]["statusListCredential"] = url
    check = check_status(credential, fetch=session)
    assert check == Check.failed("revocation", "revoked by the issuer (status list entry 23)")
    credential["credentialStatus"]["statusListIndex"] = 22
    assert check_status(credential, fetch=session).result is Outcome.PASSED


@pytest.mark.parametrize("index", [0, 7, 8, LIST_BYTES * 8 - 1])
def test_generated_list_revoked_and_not(
    badge_server: BadgeServer,
    session: FetchSession,
    index: int,
) -> None:
    url = _status_list(badge_server, index)
    assert check_status(_credential(_entry(url, index)), fetch=session).result is Outcome.FAILED
    neighbour = index - 1 if index else 1
    check = check_status(_credential(_entry(url, str(neighbour))), fetch=session)
    assert check == Check.passed("revocation", "not revoked according to the issuer's status list")


def test_suspension(badge_server: BadgeServer, session: FetchSession) -> None:
    url = _status_list(badge_server, 5, purpose="suspension")
    check = check_status(_credential(_entry(url, 5, "suspension")), fetch=session)
    assert check == Check.failed("revocation", "suspended by the issuer (status list entry 5)")


def test_revocation_and_suspension_entries_both_clear(
    badge_server: BadgeServer,
    session: FetchSession,
) -> None:
    revocation = _status_list(badge_server, 1, path="/status/r")
    suspension = _status_list(badge_server, 1, purpose="suspension", path="/status/s")
    check = check_status(
        _credential(_entry(revocation, 4), _entry(suspension, 4, "suspension")), fetch=session
    )
    assert check.result is Outcome.PASSED
    assert "not revoked" in check.detail
    assert "not suspended" in check.detail


def test_one_revoked_entry_among_several_fails(badge_server: BadgeServer, session: FetchSession) -> None:
    url = _status_list(badge_server, 9)
    check = check_status(_credential(_entry(url, 3), _entry(url, 9)), fetch=session)
    assert check.result is Outcome.FAILED
    assert badge_server.requests == ["/status/1"]


def test_revoked_entry_wins_over_an_unreachable_one(badge_server: BadgeServer, session: FetchSession) -> None:
    url = _status_list(badge_server, 9)
    missing = badge_server.https_url("/status/missing")
    assert (
        check_status(_credential(_entry(missing, 1), _entry(url, 9)), fetch=session).result is Outcome.FAILED
    )


def test_status_list_2021(badge_server: BadgeServer, session: FetchSession) -> None:
    url = _status_list(badge_server, 42, kind="StatusList2021")
    assert (
        check_status(_credential(_entry(url, 42, kind="StatusList2021Entry")), fetch=session).result
        is Outcome.FAILED
    )
    assert (
        check_status(_credential(_entry(url, 41, kind="StatusList2021Entry")), fetch=session).result
        is Outcome.PASSED
    )


def test_list_from_another_issuer_is_not_trusted(badge_server: BadgeServer, session: FetchSession) -> None:
    url = _status_list(badge_server, issuer={"id": "did:web:someone-else.example"})
    check = check_status(_credential(_entry(url, 3)), fetch=session)
    _assert_not_checkable(check, "not published by the credential's issuer")


def test_issuer_objects_are_compared_by_id(badge_server: BadgeServer, session: FetchSession) -> None:
    url = _status_list(badge_server, 3, issuer={"id": ISSUER, "name": "DCC"})
    credential = _credential(_entry(url, 3), issuer={"id": ISSUER, "type": "Profile"})
    assert check_status(credential, fetch=session).result is Outcome.FAILED


@pytest.mark.parametrize(
    ("list_changes", "entry_changes", "reason"),
    [
        ({"purpose": "suspension"}, {}, "not for revocation"),
        ({"kind": "StatusList2021"}, {}, "not a BitstringStatusListCredential"),
        ({"validUntil": "2020-01-01T00:00:00Z"}, {}, "expired"),
        ({}, {"statusSize": 2}, "wider than one bit"),
        ({}, {"statusPurpose": None}, "does not say what its status is for"),
        ({}, {"statusPurpose": ["revocation"]}, "does not say what its status is for"),
        ({}, {"statusListIndex": "-1"}, "not a non-negative integer"),
        ({}, {"statusListIndex": LIST_BYTES * 8}, "outside"),
        ({}, {"type": "RevocationList2020Status"}, "RevocationList2020Status is not supported"),
        ({}, {"statusListCredential": "http://127.0.0.1/status/1"}, "not an HTTPS URL"),
    ],
)
def test_lists_that_cannot_answer(
    badge_server: BadgeServer,
    session: FetchSession,
    list_changes: dict[str, Any],
    entry_changes: dict[str, Any],
    reason: str,
) -> None:
    url = _status_list(badge_server, 3, **list_changes)
    entry = {**_entry(url, 3), **entry_changes}
    _assert_not_checkable(check_status(_credential(entry), fetch=session), reason)


def test_list_purpose_array_includes_the_entry_purpose(
    badge_server: BadgeServer,
    session: FetchSession,
) -> None:
    url = _status_list(badge_server, 3, purpose=["suspension", "revocation"])
    assert check_status(_credential(_entry(url, 3)), fetch=session).result is Outcome.FAILED


def test_expired_list_uses_the_runs_clock(badge_server: BadgeServer, session: FetchSession) -> None:
    url = _status_list(badge_server, validUntil="2030-01-01T00:00:00Z")
    credential = _credential(_entry(url, 3))
    assert (
        check_status(credential, fetch=session, now=dt.datetime(2029, 1, 1, tzinfo=dt.UTC)).result
        is Outcome.PASSED
    )
    later = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    _assert_not_checkable(check_status(credential, fetch=session, now=later), "expired")


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        ({"status": 404, "body": "gone", "content_type": "text/plain"}, "HTTP 404"),
        ({"status": 500, "body": "oops", "content_type": "text/plain"}, "HTTP 500"),
        ({"body": "<html></html>", "content_type": "text/html"}, "could not be fetched"),
        ({"body": b"{broken"}, "not valid JSON"),
        ({"body": [1, 2]}, "not a JSON object"),
    ],
)
def test_unreachable_or_unreadable_list(
    badge_server: BadgeServer,
    session: FetchSession,
    route: dict[str, Any],
    reason: str,
) -> None:
    url = badge_server.route("/status/1", **route)
    _assert_not_checkable(check_status(_credential(_entry(url, 3)), fetch=session), reason)


def test_list_host_the_fetcher_refuses(session: FetchSession) -> None:
    entry = _entry("https://127.0.0.1:1/status/1", 3)
    _assert_not_checkable(check_status(_credential(entry), fetch=session), "could not be fetched")


def test_gzip_bomb_list_is_not_checkable(badge_server: BadgeServer, session: FetchSession) -> None:
    url = _status_list(badge_server, encoded_list=_encode(bytes(MAX_BITSTRING_BYTES + 1)))
    _assert_not_checkable(check_status(_credential(_entry(url, 3)), fetch=session), "larger than 16 MiB")


def test_only_a_message_status_is_an_optional_skip(badge_server: BadgeServer, session: FetchSession) -> None:
    url = _status_list(badge_server, purpose="message")
    check = check_status(_credential(_entry(url, 3, "message")), fetch=session)
    assert (check.result, check.required) == (Outcome.SKIPPED, False)
    assert badge_server.requests == []  # nothing to learn about validity: not fetched


# 1EdTech Revocation List -------------------------------------------------------------------------------


def _revocation_list(server: BadgeServer, revoked: list[Any], **extra: Any) -> dict[str, Any]:
    url = server.route(
        "/revocations", {"id": server.https_url("/revocations"), "revokedCredentials": revoked, **extra}
    )
    return {"id": url, "type": "1EdTechRevocationList"}


def test_1edtech_list_revokes_with_the_reason_without_addresses(
    badge_server: BadgeServer,
    session: FetchSession,
) -> None:
    reason = "Issued in error;\n contact registrar@school.example"
    entry = _revocation_list(
        badge_server, [{"id": "urn:uuid:other"}, {"id": "urn:uuid:6a1b2c3d", "revocationReason": reason}]
    )
    check = check_status(_credential(entry), fetch=session)
    assert check == Check.failed("revocation", "revoked by the issuer: Issued in error; contact [address]")


@pytest.mark.parametrize(
    ("revoked", "expected"),
    [
        (["urn:uuid:6a1b2c3d"], Outcome.FAILED),
        ([{"id": "urn:uuid:6a1b2c3d", "revoked": True}], Outcome.FAILED),
        ([{"id": "urn:uuid:6a1b2c3d", "revoked": False}], Outcome.PASSED),
        ([{"id": "urn:uuid:another"}], Outcome.PASSED),
        ([], Outcome.PASSED),
    ],
)
def test_1edtech_list_entries(
    badge_server: BadgeServer,
    session: FetchSession,
    revoked: list[Any],
    expected: Outcome,
) -> None:
    check = check_status(_credential(_revocation_list(badge_server, revoked)), fetch=session)
    assert check.result is expected


def test_1edtech_list_of_another_issuer(badge_server: BadgeServer, session: FetchSession) -> None:
    entry = _revocation_list(badge_server, [], issuer="https://someone-else.example")
    _assert_not_checkable(check_status(_credential(entry), fetch=session), "not published")
    entry = _revocation_list(badge_server, [], issuer={"id": ISSUER})
    assert check_status(_credential(entry), fetch=session).result is Outcome.PASSED


def test_1edtech_list_needs_the_credential_id(badge_server: BadgeServer, session: FetchSession) -> None:
    credential = _credential(_revocation_list(badge_server, ["urn:uuid:6a1b2c3d"]))
    del credential["id"]
    _assert_not_checkable(check_status(credential, fetch=session), "no id")
    assert badge_server.requests == []


def test_1edtech_malformed_list(badge_server: BadgeServer, session: FetchSession) -> None:
    entry = _revocation_list(badge_server, [])
    badge_server.route("/revocations", {"revokedCredentials": {"id": "urn:uuid:6a1b2c3d"}})
    _assert_not_checkable(check_status(_credential(entry), fetch=session), "no revokedCredentials list")

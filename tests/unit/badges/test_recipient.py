"""Recipient identity: plain and sha256$/md5$ hashes, with and without salt, against the email given."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import pytest

from core.badges.recipient import hash_algorithm, identity_matches


def _vectors(shared_dir: Path) -> list[dict[str, str]]:
    return json.loads((shared_dir / "vectors" / "identity-hash-vectors.json").read_text())["vectors"]


def test_every_shared_identity_hash_vector_matches_its_identifier(shared_dir: Path) -> None:
    vectors = _vectors(shared_dir)
    assert len(vectors) == 4
    for vector in vectors:
        assert identity_matches(
            vector["identityHash"], hashed=True, salt=vector["salt"], email=vector["identifier"]
        ), vector["source"]


def test_shared_vectors_reject_another_email_and_a_wrong_salt(shared_dir: Path) -> None:
    for vector in _vectors(shared_dir):
        identity = vector["identityHash"]
        assert not identity_matches(
            identity, hashed=True, salt=vector["salt"], email="x" + vector["identifier"]
        )
        assert not identity_matches(
            identity, hashed=True, salt=vector["salt"] + "!", email=vector["identifier"]
        )
        assert not identity_matches(identity, hashed=True, salt=None, email=vector["identifier"])


def test_upper_case_hex_and_algorithm_name_are_accepted(shared_dir: Path) -> None:
    vector = _vectors(shared_dir)[0]
    algorithm, digest = vector["identityHash"].split("$")
    shouted = f"{algorithm.upper()}${digest.upper()}"
    assert identity_matches(shouted, hashed=True, salt=vector["salt"], email=vector["identifier"])


def test_email_case_and_surrounding_space_do_not_matter() -> None:
    identity = "sha256$" + hashlib.sha256(b"learner@example.org" + b"pepper").hexdigest()
    assert identity_matches(identity, hashed=True, salt="pepper", email="  Learner@Example.ORG ")


def test_an_issuer_that_hashed_the_address_as_typed_still_matches() -> None:
    identity = "sha256$" + hashlib.sha256(b"Learner@Example.org").hexdigest()
    assert identity_matches(identity, hashed=True, salt=None, email="Learner@Example.org")
    assert not identity_matches(identity, hashed=True, salt=None, email="learner@example.org")


@pytest.mark.parametrize("salt", ["deadsea", None, ""])
def test_md5_with_and_without_salt(salt: str | None) -> None:
    identity = "md5$" + hashlib.md5(("nobody@example.org" + (salt or "")).encode()).hexdigest()  # noqa: S324
    assert identity_matches(identity, hashed=True, salt=salt, email="nobody@example.org")
    assert not identity_matches(identity, hashed=True, salt=salt, email="somebody@example.org")


def test_plain_identity_compares_case_insensitively() -> None:
    assert identity_matches("Nobody@Example.org", hashed=False, salt=None, email="nobody@example.org")
    assert not identity_matches("nobody@example.org", hashed=False, salt=None, email="nobody@example.com")
    # a hash string given as a plain identity is compared as text, never as a hash
    digest = "sha256$" + hashlib.sha256(b"nobody@example.org").hexdigest()
    assert not identity_matches(digest, hashed=False, salt=None, email="nobody@example.org")


@pytest.mark.parametrize(
    "identity",
    [
        "sha512$" + hashlib.sha512(b"nobody@example.org").hexdigest(),
        "sha256" + hashlib.sha256(b"nobody@example.org").hexdigest(),  # no separator
        "sha256$" + hashlib.sha256(b"nobody@example.org").hexdigest()[:-1],  # truncated
        "sha256$" + "g" * 64,
        "nobody@example.org",
    ],
)
def test_malformed_or_unsupported_hashes_never_match(identity: str) -> None:
    assert hash_algorithm(identity) is None
    assert not identity_matches(identity, hashed=True, salt=None, email="nobody@example.org")


def test_hash_algorithm_names_the_supported_ones() -> None:
    assert hash_algorithm("MD5$" + "A" * 32) == "md5"
    assert hash_algorithm("sha256$" + "0" * 64) == "sha256"


def test_nothing_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    identity_matches("sha256$" + "0" * 64, hashed=True, salt="s", email="secret.person@example.org")
    assert caplog.records == []

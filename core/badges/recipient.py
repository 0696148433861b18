"""Does a badge's recipient identity belong to the email the learner gave?

Open Badges 2.0 ``IdentityObject`` and Open Badges 3.0 ``IdentityObject`` both carry either the
plain identifier or ``<alg>$<hex>`` where the hex is ``alg(identifier + salt)`` (``salt`` may be
absent: then nothing is appended).  The spec allows upper- or lower-case hex, and issuers differ on
whether they lower-case the address before hashing, so the email is tried exactly as given and
lower-cased; email addresses are matched case-insensitively in practice.

The email never leaves this module: it is not logged, not put in an exception, and every candidate
is compared in constant time so a timing side channel cannot narrow it down.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

HASH_ALGORITHMS = ("sha256", "md5")  # the only two the OB 2.0 IdentityHash allows


def hash_algorithm(identity: str) -> str | None:
    """The supported algorithm named by an ``<alg>$<hex>`` identity hash, else None."""
    algorithm, separator, digest = identity.partition("$")
    algorithm = algorithm.strip().lower()
    if not separator or algorithm not in HASH_ALGORITHMS:
        return None
    expected_length = hashlib.new(algorithm).digest_size * 2
    if len(digest.strip()) != expected_length or not _is_hex(digest.strip()):
        return None
    return algorithm


def identity_matches(identity: str, *, hashed: bool, salt: str | None, email: str) -> bool:
    """True when ``identity`` (plain or hashed) was made from ``email``.

    A malformed hash or an unsupported algorithm never matches; callers that want to explain why
    use :func:`hash_algorithm` first.
    """
    candidates = {email.strip(), email.strip().lower()}
    if not hashed:
        target = identity.strip().lower().encode("utf-8")
        return _any_equal(target, (candidate.lower().encode("utf-8") for candidate in candidates))
    algorithm = hash_algorithm(identity)
    if algorithm is None:
        return False
    target = identity.partition("$")[2].strip().lower().encode("ascii")
    suffix = salt or ""
    digests = (
        hashlib.new(algorithm, (candidate + suffix).encode("utf-8")).hexdigest().encode("ascii")
        for candidate in candidates
    )
    return _any_equal(target, digests)


def _any_equal(target: bytes, candidates: Iterable[bytes]) -> bool:
    """Constant-time over each candidate; every candidate is compared (no early exit)."""
    matched = False
    for candidate in candidates:
        matched |= hmac.compare_digest(target, candidate)
    return matched


def _is_hex(text: str) -> bool:
    return bool(text) and all(char in "0123456789abcdefABCDEF" for char in text)

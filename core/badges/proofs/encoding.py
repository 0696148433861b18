"""The two binary-to-text encodings badges carry: multibase base58btc and base64url.

One decoder each, so every caller gets the same input checks; the callers word their own errors.
Base58 decoding is quadratic in the input length, so absurd lengths are refused before decoding:
keys and Ed25519 signatures are under 100 characters, and a 100,000-character ``proofValue``
would otherwise hold a verification for seconds.
"""

from __future__ import annotations

import base64

import base58

MAX_BASE58_CHARS = 256


def base58btc(value: str) -> bytes:
    """The bytes of a ``z``-prefixed multibase value (the caller checked the prefix).

    Raises ValueError when it is too long or not base58.
    """
    return base58_bytes(value[1:])


def base58_bytes(text: str) -> bytes:
    """Plain base58 (Bitcoin alphabet); raises ValueError when too long or not base58."""
    if len(text) > MAX_BASE58_CHARS:
        raise ValueError("base58 value too long")
    return base58.b58decode(text)


def base64url(text: str) -> bytes:
    """Base64url with or without padding; raises ``binascii.Error`` on anything else."""
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)

"""Reading JSON-LD-shaped values: a property may hold one value or a list of them, and an issuer
may be a bare id or an object with an ``id``.  One reading for every verifier, so an assertion with
a single ``revokedAssertions`` entry or a one-context ``@context`` is read the same everywhere."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def as_list(value: object) -> list[Any]:
    """A list as it is; None as no values; anything else as a one-item list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def strings(value: object) -> list[str]:
    return [item for item in as_list(value) if isinstance(item, str)]


def dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in as_list(value) if isinstance(item, dict)]


def id_of(value: object) -> str | None:
    """The id of a node given as a string or as an object with an ``id`` (None when absent or empty)."""
    if isinstance(value, Mapping):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def issuer_id(credential: Mapping[str, Any]) -> str | None:
    return id_of(credential.get("issuer"))


class NestedTooDeeply(ValueError):
    """JSON nested deeper than the parser recurses (about a thousand levels): hostile, never a badge.

    A ValueError, so "is this JSON?" callers need nothing more; callers that tell the learner why
    catch it first.  Left alone, the parser's RecursionError would escape every ``except ValueError``
    and reach the verifier's catch-all as a logged crash."""


def parse_json(text: str | bytes) -> Any:
    """``json.loads``, with a document nested too deeply raised as :class:`NestedTooDeeply`."""
    try:
        return json.loads(text)
    except RecursionError:
        raise NestedTooDeeply("the JSON is nested too deeply") from None


def json_object(body: bytes | None) -> dict[str, Any] | None:
    """``body`` parsed, when it is a JSON object (None for anything else, empty or too deep included)."""
    try:
        value = parse_json(body) if body else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None

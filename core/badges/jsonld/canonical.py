"""Canonical forms that signatures are computed over: RDFC-1.0 N-Quads and RFC 8785 JSON.

JCS needs only ``rfc8785``; RDF canonicalization needs pyld (and what pyld imports), so it lives in
:mod:`core.badges.jsonld.rdf_canonical` and is imported the first time a proof needs it: a credential
signed as JSON, or a command that never meets an RDF proof, does not pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rfc8785

from core.badges.jsonld.limits import (
    DEFAULT_BUDGET,
    Budget,
    CanonicalizationError,
    OverBudgetError,
    UndefinedTermsError,
)

if TYPE_CHECKING:
    from core.badges.jsonld.contexts import ContextFetch, ContextStore

__all__ = [
    "Budget",
    "CanonicalizationError",
    "OverBudgetError",
    "UndefinedTermsError",
    "jcs",
    "rdfc",
]


def rdfc(
    document: Any, store: ContextStore, fetch: ContextFetch | None, *, budget: Budget = DEFAULT_BUDGET
) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of a JSON-LD document, as eddsa-rdfc-2022 signs them.

    Raises UndefinedTermsError (data would be lost), CanonicalizationError (not JSON-LD),
    OverBudgetError (too costly to check here) or ContextError (a context the store refuses).
    """
    from core.badges.jsonld import rdf_canonical  # pyld, imported when first needed

    return rdf_canonical.rdfc(document, store, fetch, budget=budget)


def jcs(value: Any) -> bytes:
    """RFC 8785 canonical JSON (eddsa-jcs-2022)."""
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError):
        raise CanonicalizationError(
            "the credential holds a value that JSON canonicalization cannot represent"
        ) from None
    except RecursionError:
        raise OverBudgetError("the credential is nested too deeply") from None

"""The limits of JSON-LD work on a stranger's document and what it can end in, kept free of pyld
so that code which only names them (a credential signed as JSON never canonicalizes) does not
import it.  :mod:`core.badges.jsonld.budget` enforces the limits inside pyld.

- :class:`CanonicalizationError`: the document cannot mean anything as JSON-LD (the badge's
  fault: *invalid*); :class:`UndefinedTermsError` is the case where something would be dropped.
- :class:`OverBudgetError`: checking it costs more than the verifier spends (*unverifiable*, "too
  large to check here"): no evidence of forgery.
"""

from __future__ import annotations

from dataclasses import dataclass

SHOWN = 5  # undefined terms named in an error's reason; more are counted


@dataclass(frozen=True, slots=True)
class Budget:
    """Limits for one JSON-LD operation, far above what real credentials need (see the comments)."""

    max_bytes: int = 256 * 1024  # of JSON text; a 900-alignment credential has 154 KB
    cpu_seconds: float = 0.75  # the OB 3.0 complete.json: ~5 ms; 900 alignments: ~0.3 s
    max_hash_steps: int = 20_000  # blank-node hashes and path-issuer copies; complete.json: ~110


DEFAULT_BUDGET = Budget()


class CanonicalizationError(Exception):
    """The document cannot mean anything as JSON-LD (invalid); ``reason`` is safe to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UndefinedTermsError(CanonicalizationError):
    """The document uses terms or references no context defines (``found``: their paths or names)."""

    def __init__(self, found: list[str]) -> None:
        super().__init__(undefined_terms_reason(found))
        self.found = found


def undefined_terms_reason(found: list[str]) -> str:
    """ "no context defines a, b and 3 more": the first few paths or names, the rest counted."""
    shown = ", ".join(found[:SHOWN])
    more = f" and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
    return f"no context defines {shown}{more}"


class OverBudgetError(Exception):
    """Checking the document would cost more than the budget (unverifiable); ``reason`` is safe to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

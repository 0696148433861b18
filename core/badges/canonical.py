"""Canonical forms that signatures are computed over: RDFC-1.0 N-Quads and RFC 8785 JSON.

RDF canonicalization runs on documents a stranger sent, so it runs under a :class:`Budget`:
the document's size is checked before any work, and a deadline plus a count of blank-node
hashing steps are enforced *inside* pyld (subclasses of its processor and of its URDNA2015
implementation), because URDNA2015 is exponential on "poisoned" graphs of indistinguishable,
interconnected blank nodes.  A subprocess with a timeout would cost more than the whole
verification is allowed to take.

Contexts come only from the :class:`~core.badges.contexts.ContextStore`; a context it refuses
surfaces as the store's own :class:`~core.badges.contexts.ContextError` (never as a
canonicalization failure), because "unknown context" means unverifiable, not invalid.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import rfc8785
from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.identifier_issuer import IdentifierIssuer

from core.badges.contexts import ContextError

if TYPE_CHECKING:
    from core.badges.contexts import ContextFetch, ContextStore
    from core.badges.fetcher import Fetched


@dataclass(frozen=True, slots=True)
class Budget:
    """Limits for one JSON-LD operation, far above what real credentials need (see the comments)."""

    max_bytes: int = 256 * 1024  # of JSON text; the largest test credential (complete.json) has 26 KB
    seconds: float = 0.75  # complete.json: ~20 ms
    max_hash_steps: int = 20_000  # blank-node hashes and path-issuer copies; complete.json: ~110


DEFAULT_BUDGET = Budget()


class CanonicalizationError(Exception):
    """The document cannot be canonicalized; ``reason`` is a short sentence safe to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Deadline:
    """Time and hashing-work allowance of one operation, checked from inside pyld."""

    def __init__(self, budget: Budget) -> None:
        self._until = time.monotonic() + budget.seconds
        self._steps_left = budget.max_hash_steps

    def check(self) -> None:
        if time.monotonic() > self._until:
            raise CanonicalizationError("processing the credential's JSON-LD took too long")

    def step(self) -> None:
        self._steps_left -= 1
        if self._steps_left < 0:
            raise CanonicalizationError("the credential's graph has too many indistinguishable blank nodes")
        self.check()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Time spent inside does not count (network time has its own limits in the fetcher)."""
        started = time.monotonic()
        try:
            yield
        finally:
            self._until += time.monotonic() - started


class _PausingFetch:
    """A FetchSession whose downloads (a context not cached yet) do not use up the deadline."""

    def __init__(self, fetch: ContextFetch, deadline: Deadline) -> None:
        self._fetch = fetch
        self._deadline = deadline

    def get(self, url: str, *, accept: Sequence[str], allow_http: bool = False) -> Fetched:
        with self._deadline.paused():
            return self._fetch.get(url, accept=accept, allow_http=allow_http)


def budgeted_options(store: ContextStore, fetch: ContextFetch | None, deadline: Deadline) -> dict[str, Any]:
    """The store's pyld options, with context downloads outside the deadline."""
    pausing = _PausingFetch(fetch, deadline) if fetch is not None else None
    return store.processing_options(pausing)


class BudgetedProcessor(jsonld.JsonLdProcessor):
    """pyld's processor with the deadline checked at every element it expands."""

    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def _expand(self, *args: Any, **kwargs: Any) -> Any:
        self.deadline.check()
        return super()._expand(*args, **kwargs)


def check_size(document: Any, budget: Budget) -> None:
    """Refuse a document that is not a JSON object/array or too large, before any JSON-LD work."""
    if not isinstance(document, dict | list):
        raise CanonicalizationError("the credential is not a JSON object")
    try:
        size = len(json.dumps(document, ensure_ascii=False).encode())
    except RecursionError:
        raise CanonicalizationError("the credential is nested too deeply") from None
    except (TypeError, ValueError):
        raise CanonicalizationError("the credential is not plain JSON") from None
    if size > budget.max_bytes:
        raise CanonicalizationError(f"the credential is larger than {budget.max_bytes // 1024} KB")


@contextmanager
def translated_errors() -> Iterator[None]:
    """Turn pyld's errors into ours: a refused context stays a ContextError (pyld wraps it)."""
    try:
        yield
    except RecursionError:
        raise CanonicalizationError("the credential is nested too deeply") from None
    except jsonld.JsonLdError as exc:
        ours = _ours_in_chain(exc)
        if ours is not None:
            raise ours from None
        raise CanonicalizationError(f"the credential is not valid JSON-LD ({_deepest_code(exc)})") from exc
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
        # pyld raises these instead of JsonLdError for some malformed input (relative @context
        # URLs, None where it sorts strings...); found by fuzzing the OB 3.0 vectors.
        raise CanonicalizationError("the credential is not valid JSON-LD") from exc


def rdfc(
    document: Any, store: ContextStore, fetch: ContextFetch | None, *, budget: Budget = DEFAULT_BUDGET
) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of a JSON-LD document, as eddsa-rdfc-2022 signs them.

    Raises CanonicalizationError, or ContextError for a context the store refuses.
    """
    check_size(document, budget)
    deadline = Deadline(budget)
    with translated_errors():
        options = {**budgeted_options(store, fetch, deadline), "produceGeneralizedRdf": False}
        dataset = BudgetedProcessor(deadline).to_rdf(document, options)
        return _BudgetedURDNA2015(deadline).main(dataset, {"format": "application/n-quads"})


def jcs(value: Any) -> bytes:
    """RFC 8785 canonical JSON (eddsa-jcs-2022)."""
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError):
        raise CanonicalizationError(
            "the credential holds a value that JSON canonicalization cannot represent"
        ) from None
    except RecursionError:
        raise CanonicalizationError("the credential is nested too deeply") from None


class _BudgetedURDNA2015(URDNA2015):
    """pyld's URDNA2015 with every hashing step, and every permutation tried, charged to a deadline.

    The exponential part is Hash N-Degree Quads trying each permutation of same-hash blank nodes;
    each permutation starts by deep-copying the path issuer, so charging those copies bounds it.
    """

    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def hash_first_degree_quads(self, id_: str) -> str:
        self._deadline.step()
        return super().hash_first_degree_quads(id_)

    def hash_n_degree_quads(self, id_: str, issuer: IdentifierIssuer) -> dict[str, Any]:
        self._deadline.step()
        return super().hash_n_degree_quads(id_, _ChargedIssuer.adopt(issuer, self._deadline))


class _ChargedIssuer(IdentifierIssuer):
    """An identifier issuer whose copies cost one hashing step each."""

    def __init__(self, prefix: str, deadline: Deadline) -> None:
        super().__init__(prefix)
        self.deadline = deadline

    @classmethod
    def adopt(cls, issuer: IdentifierIssuer, deadline: Deadline) -> _ChargedIssuer:
        if isinstance(issuer, cls):
            return issuer
        adopted = cls(issuer.prefix, deadline)
        adopted.counter, adopted.existing, adopted.order = issuer.counter, issuer.existing, issuer.order
        return adopted

    def __deepcopy__(self, memo: dict[int, Any]) -> _ChargedIssuer:
        self.deadline.step()
        clone = _ChargedIssuer(self.prefix, self.deadline)
        clone.counter, clone.existing, clone.order = self.counter, dict(self.existing), list(self.order)
        return clone


def _ours_in_chain(exc: BaseException) -> ContextError | CanonicalizationError | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ContextError | CanonicalizationError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _deepest_code(exc: jsonld.JsonLdError) -> str:
    code = exc.code or exc.type
    current: BaseException | None = exc.__cause__
    while isinstance(current, jsonld.JsonLdError):
        code = current.code or current.type or code
        current = current.__cause__
    return str(code)

"""Enforcing the limits of JSON-LD work on documents a stranger sent, from inside pyld.

Expansion and RDF canonicalization run inside pyld on untrusted input, so they run under a
:class:`Budget`: the document's size is checked before any work, and a CPU-time deadline plus a
count of blank-node hashing steps are enforced *inside* pyld (subclasses of its processor and of
its URDNA2015 implementation), because URDNA2015 is exponential on "poisoned" graphs of
indistinguishable, interconnected blank nodes.  A subprocess with a timeout would cost more than
the whole verification is allowed to take.

Running out is an :class:`~core.badges.jsonld.limits.OverBudgetError` (unverifiable, "too large to
check here"), never evidence of forgery; the limits and errors live in :mod:`core.badges.jsonld.limits`
(free of pyld).  The deadline counts this thread's CPU time, not wall time, so a busy machine cannot
turn a stored verified badge into an unverifiable one on "check again"; and not the time the cyclic
garbage collector happens to spend in this thread meanwhile (a full collection of a big process is
not the document's cost).
"""

from __future__ import annotations

import gc
import json
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from pyld import jsonld

from core.badges.jsonld.contexts import ContextError
from core.badges.jsonld.limits import Budget, CanonicalizationError, OverBudgetError
from core.badges.jsonld.resolver import processing_options

if TYPE_CHECKING:
    from core.badges.jsonld.contexts import ContextFetch, ContextStore
    from core.badges.net.fetcher import Fetched


class _CollectorTime:
    """CPU time each thread has spent in the cyclic garbage collector (told by ``gc.callbacks``)."""

    def __init__(self) -> None:
        self._local = threading.local()
        gc.callbacks.append(self._on_collection)

    def _on_collection(self, phase: str, _info: dict[str, int]) -> None:
        now = time.thread_time()
        if phase == "start":
            self._local.started = now
        else:
            self._local.total = self.total() + now - getattr(self._local, "started", now)

    def total(self) -> float:
        return float(getattr(self._local, "total", 0.0))


_COLLECTOR = _CollectorTime()


class Deadline:
    """CPU-time and hashing-work allowance of one operation, checked from inside pyld."""

    def __init__(self, budget: Budget) -> None:
        self._until = time.thread_time() + budget.cpu_seconds
        self._collected_before = _COLLECTOR.total()
        self._steps_left = budget.max_hash_steps

    def _clock(self) -> float:
        """This thread's CPU clock, stopped while the garbage collector ran since the start."""
        return time.thread_time() - (_COLLECTOR.total() - self._collected_before)

    def check(self) -> None:
        if self._clock() > self._until:
            raise OverBudgetError("the credential takes too long to process")

    def step(self) -> None:
        self._steps_left -= 1
        if self._steps_left < 0:
            raise OverBudgetError("the credential's graph has too many indistinguishable blank nodes")
        self.check()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """CPU time spent inside does not count (a context download has the fetcher's own limits)."""
        started = time.thread_time()
        try:
            yield
        finally:
            self._until += time.thread_time() - started


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
    return processing_options(store, pausing)


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
        raise OverBudgetError("the credential is nested too deeply") from None
    except (TypeError, ValueError):
        raise CanonicalizationError("the credential is not plain JSON") from None
    if size > budget.max_bytes:
        raise OverBudgetError(f"the credential is larger than {budget.max_bytes // 1024} KB")


@contextmanager
def translated_errors() -> Iterator[None]:
    """Turn pyld's errors into ours: a refused context stays a ContextError (pyld wraps it), and
    running out of budget stays an OverBudgetError."""
    try:
        yield
    except RecursionError:
        raise OverBudgetError("the credential is nested too deeply") from None
    except jsonld.JsonLdError as exc:
        ours = _ours_in_chain(exc)
        if ours is not None:
            raise ours from None
        raise CanonicalizationError(f"the credential is not valid JSON-LD ({_deepest_code(exc)})") from exc
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
        # pyld raises these instead of JsonLdError for some malformed input (relative @context
        # URLs, None where it sorts strings...); found by fuzzing the OB 3.0 vectors.
        raise CanonicalizationError("the credential is not valid JSON-LD") from exc


def _ours_in_chain(exc: BaseException) -> ContextError | CanonicalizationError | OverBudgetError | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ContextError | CanonicalizationError | OverBudgetError):
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

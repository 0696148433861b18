"""The pyld options that make a :class:`~core.badges.jsonld.contexts.ContextStore` the only source of
contexts, with inline contexts shared across verifications (see :class:`SharedResolver`).

Kept apart from :mod:`core.badges.jsonld.contexts` so that importing the store does not import pyld (and,
through pyld's default document loader, aiohttp): a credential signed as JSON never needs them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from frozendict import frozendict
from pyld import ContextResolver
from pyld.resolved_context import ResolvedContext

if TYPE_CHECKING:
    from core.badges.jsonld.contexts import ContextFetch, ContextStore, Loader, PinnedOnlyCache, SharedCache


def processing_options(store: ContextStore, fetch: ContextFetch | None) -> dict[str, Any]:
    """pyld options under which ``store`` is the only source of contexts; ``fetch`` may be None
    (then: cache only)."""
    loader = store.document_loader(fetch)
    return {"documentLoader": loader, "contextResolver": SharedResolver(store.resolved, store.inline, loader)}


def content_key(value: Any) -> str | None:
    """A key equal for equal JSON content (None for what is not plain JSON)."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), default=dict)
    except (TypeError, ValueError):
        return None


class SharedResolver(ContextResolver):
    """pyld's resolver, with inline contexts shared across operations through the store.

    pyld keys an inline context by its RFC 8785 form (pure Python, a fifth of a verification's
    time) and keeps it for one operation only; here the key is ``json.dumps`` with sorted keys
    (the same content gives the same key; pyld's processed results are keyed by the active
    context as well, so sharing never mixes meanings) and the cache outlives the operation.
    """

    def __init__(
        self, pinned: PinnedOnlyCache, inline: SharedCache[str, ResolvedContext], loader: Loader
    ) -> None:
        super().__init__(pinned, loader)
        self._inline = inline

    def resolve(self, active_ctx: Any, context: Any, base: Any, cycles: Any = None) -> list[ResolvedContext]:
        if isinstance(context, dict | frozendict) and "@context" in context:
            context = context["@context"]
        resolved: list[ResolvedContext] = []
        for ctx in context if isinstance(context, list) else [context]:
            if isinstance(ctx, dict | frozendict):
                resolved.append(self._resolve_inline(ctx))
            else:
                resolved.extend(super().resolve(active_ctx, ctx, base, cycles))
        return resolved

    def _resolve_inline(self, ctx: Mapping[str, Any]) -> ResolvedContext:
        key = content_key(ctx)
        if key is None:  # not plain JSON: pyld's own path reports it
            own: list[ResolvedContext] = super().resolve({}, ctx, "")
            return own[0]
        found = self._inline.get(key)
        if found is None:  # two threads may both make one: equal, and the last one stays
            found = ResolvedContext(ctx)
            self._inline.put(key, found)
        return found

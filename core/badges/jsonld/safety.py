"""JSON-LD expansion that refuses to lose data: what a processor would drop was never signed.

A Data Integrity signature over the RDF canonical form covers the RDF a processor makes of the
credential, not its JSON.  Whatever a processor drops or cannot resolve (a property no context
defines, a type that is only a relative name) is outside the signature: anyone can add or change
it, so a verifier that showed it would vouch for words the issuer never signed.  The W3C Data
Integrity spec makes this an error (DATA_LOSS_DETECTION_ERROR); jsonld.js calls it "safe mode".

How, in one expansion (the same one that canonicalization then turns into RDF, so what is checked
is exactly what is signed):

- the initial context carries a sentinel ``@vocab`` (:data:`SENTINEL_VOCAB`, a namespace no real
  context uses).  An undefined term, a relative ``@type`` or an undefined value coerced to
  ``@vocab`` then expands into that namespace instead of vanishing, and any IRI in it is refused.
  Because the sentinel lives in the *initial* context, a ``@context: null`` reset keeps it;
- a hook where pyld expands each JSON object evaluates its keys in the very active context pyld
  uses there (after type-scoped, property-scoped, embedded and reverted contexts) and notes the
  keys pyld would drop outright (terms mapped to ``null``, ``@``-keys that are not keywords), with
  a JSON path for the report;
- a scan of the expanded output finds references that other processors drop: ``@id`` values that
  are only relative (pyld resolves them against a placeholder base).

When nothing is refused, the expansion equals the one without a sentinel (no IRI used it), so it
is the document's true meaning.  ``@json`` literals are signed as opaque JSON and not looked into.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from frozendict import frozendict
from pyld import jsonld

from core.badges.jsonld.budget import (
    BudgetedProcessor,
    Deadline,
    budgeted_options,
    translated_errors,
)
from core.badges.jsonld.limits import UndefinedTermsError
from core.badges.jsonld.resolver import content_key

if TYPE_CHECKING:
    from core.badges.jsonld.contexts import ContextFetch, ContextStore, SharedCache

SENTINEL_VOCAB = "urn:skillstack:undefined-term:"
# pyld's initial context plus the sentinel; a fixed _uuid lets pyld's processed-context caches
# (keyed by the active context's _uuid) serve every verification.
_SENTINEL_CONTEXT = frozendict(
    {
        "_uuid": "skillstack-sentinel-initial-context",
        "processingMode": "json-ld-1.1",
        "mappings": {},
        "@vocab": SENTINEL_VOCAB,
    }
)
_RELATIVE_BASE = jsonld.DEFAULT_BASE_IRI


def expand_checked(
    document: Any,
    store: ContextStore,
    fetch: ContextFetch | None,
    deadline: Deadline,
) -> list[Any]:
    """pyld's expansion of ``document``; raises UndefinedTermsError when anything would be lost,
    CanonicalizationError / OverBudgetError / ContextError when it cannot be expanded."""
    expander = _CheckedExpander(deadline, store.processed)
    with translated_errors():
        expanded: list[Any] = expander.expand(document, budgeted_options(store, fetch, deadline))
    found = [*expander.found, *_relative_references(expanded)]
    if found:
        raise UndefinedTermsError(list(dict.fromkeys(found)))
    return expanded


class _CheckedExpander(BudgetedProcessor):
    """Expands like pyld from a sentinel initial context and notes, per JSON object, the keys and
    types pyld's rules would drop or send into the sentinel namespace."""

    def __init__(
        self, deadline: Deadline, processed: SharedCache[tuple[str, str, bool, bool, bool], Mapping[str, Any]]
    ) -> None:
        super().__init__(deadline)
        self.found: list[str] = []
        self._paths: dict[int, str] | None = None
        self._processed = processed

    def _get_initial_context(self, options: dict[str, Any]) -> Any:
        return _SENTINEL_CONTEXT

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: dict[str, Any],
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        """pyld's, through the store's cache of processed contexts.

        pyld caches a processed context by the ``_uuid`` of the active context it was applied to,
        but a type-scoped context (``@propagate: false``) is applied to a fresh clone with a fresh
        ``_uuid`` every time, so pyld rebuilds it (about a hundred term definitions) for every node
        of that type in every verification.  jsonld.js caches them; here the key holds everything
        the result depends on (the active context's ``_uuid``, the local context's content, the
        flags), and an active context is immutable once made, so sharing it is safe.
        """
        content = content_key(local_ctx)
        uuid = active_ctx.get("_uuid")
        key = (
            None
            if uuid is None or content is None
            else (uuid, content, override_protected, propagate, validate_scoped)
        )
        cached = self._processed.get(key) if key is not None else None
        if cached is not None:
            return cached
        made = super()._process_context(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
        )
        if key is not None and isinstance(made, frozendict) and "_uuid" in made:
            self._processed.put(key, made)
        return made

    def _expand(self, active_ctx: Any, active_property: Any, element: Any, *args: Any, **kwargs: Any) -> Any:
        if self._paths is None:  # the first call gets the whole document (pyld's own deep copy)
            self._paths = _object_paths(element)
        return super()._expand(active_ctx, active_property, element, *args, **kwargs)

    def _expand_object(  # pyld's signature, called positionally and by keyword
        self,
        active_ctx: Any,
        active_property: Any,
        expanded_active_property: Any,
        element: dict[str, Any],
        expanded_parent: dict[str, Any],
        options: dict[str, Any],
        inside_list: bool = False,
        type_key: str | None = None,
        type_scoped_ctx: Any = None,
    ) -> None:
        self._note_drops(active_ctx, element, type_scoped_ctx)
        super()._expand_object(
            active_ctx,
            active_property,
            expanded_active_property,
            element,
            expanded_parent,
            options,
            inside_list,
            type_key,
            type_scoped_ctx,
        )

    def _note_drops(self, active_ctx: Any, element: dict[str, Any], type_scoped_ctx: Any) -> None:
        path = (self._paths or {}).get(id(element), "(unknown)")
        for key, value in sorted(element.items()):  # pyld's order
            if key == "@context":
                continue
            expanded = self._expand_iri(active_ctx, key, vocab=True)
            if not _kept(expanded):
                self.found.append(_join(path, key))
            elif expanded == "@type":
                self._note_type_drops(type_scoped_ctx or active_ctx, _join(path, key), value)

    def _note_type_drops(self, type_ctx: Any, path: str, value: Any) -> None:
        values = value if isinstance(value, list) else [value]
        for index, name in enumerate(values):
            if isinstance(name, str) and not _kept(self._expand_iri(type_ctx, name, vocab=True)):
                self.found.append(f"{path}[{index}]" if isinstance(value, list) else path)


def _kept(expanded: Any) -> bool:
    """pyld's rule (keywords and absolute IRIs are kept), less the sentinel namespace."""
    if not isinstance(expanded, str) or expanded.startswith(SENTINEL_VOCAB):
        return False
    return bool(jsonld._is_absolute_iri(expanded) or jsonld._is_keyword(expanded))


def _relative_references(expanded: Any) -> list[str]:
    """Node and value references in the expanded output that no context defines: an ``@id`` in the
    sentinel namespace (an undefined value coerced to ``@vocab``) or resolved against pyld's
    placeholder base (a relative reference, which other processors drop)."""
    found: list[str] = []
    stack: list[Any] = [expanded]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, Mapping) and "@value" not in node:
            reference = node.get("@id")
            if isinstance(reference, str) and reference.startswith(SENTINEL_VOCAB):
                found.append(f"the value {reference.removeprefix(SENTINEL_VOCAB)}")
            elif isinstance(reference, str) and reference.startswith(_RELATIVE_BASE):
                found.append(f"the relative reference {reference.removeprefix(_RELATIVE_BASE)}")
            stack.extend(value for key, value in node.items() if key not in ("@id", "@type"))
    return sorted(found)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _object_paths(root: Any) -> dict[int, str]:
    """``id(object) -> path`` for every JSON object in the document (iterative: no recursion limit)."""
    paths: dict[int, str] = {}
    stack: list[tuple[Any, str]] = [(root, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            paths[id(node)] = path
            stack.extend((child, _join(path, str(key))) for key, child in node.items())
        elif isinstance(node, list):
            stack.extend((child, f"{path}[{index}]") for index, child in enumerate(node))
    return paths

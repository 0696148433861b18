"""Find what a JSON-LD processor would silently drop from a credential, and so leave unsigned.

A Data Integrity signature covers the RDF a processor makes of the credential, not its JSON.  A
property that no context defines (the VC 2.0 context has no ``@vocab`` catch-all) is dropped
before signing, so anyone can add or change it without breaking the signature: a verifier that
showed it would vouch for words the issuer never signed.  Such a property makes the credential
invalid (jsonld.js "safe mode" rejects it the same way).

Reported, as JSON-path-like strings (``credentialSubject.achievement.foo``, ``result[2].bar``):

- every key that does not expand to an absolute IRI or a keyword: undefined terms, terms mapped
  to ``null``, and ``@``-keys that are not JSON-LD keywords;
- every ``type`` value that does not expand to an absolute IRI (``StatusList2021Entry`` under the
  VC 2.0 context): pyld would resolve it against a placeholder base, other processors drop it,
  so it is not something the issuer can have meant or reliably signed (``credentialStatus.type``).

The whole document is checked, embedded proofs included: Data Integrity canonicalizes the proof
options with the credential's ``@context`` (rdfc) or the proof's own (jcs), so a stray property in
a proof is just as unsigned.  ``@json`` literals are signed as opaque JSON and are not looked into.

How: the document is expanded by pyld itself, with a hook where pyld expands each JSON object
that evaluates every key in the very active context pyld uses there (after type-scoped,
property-scoped, embedded and reverted contexts), with pyld's own rule for dropping a key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyld import jsonld

from core.badges.canonical import (
    DEFAULT_BUDGET,
    Budget,
    BudgetedProcessor,
    Deadline,
    budgeted_options,
    check_size,
    translated_errors,
)

if TYPE_CHECKING:
    from core.badges.contexts import ContextFetch, ContextStore


def undefined_properties(
    document: Any, store: ContextStore, fetch: ContextFetch | None, *, budget: Budget = DEFAULT_BUDGET
) -> list[str]:
    """Paths of the properties (and type names) that no context defines, depth first by sorted key.

    Raises CanonicalizationError (too large, too slow, not JSON-LD) or ContextError (a context the
    store refuses): either way nothing can be said about the document's meaning.
    """
    check_size(document, budget)
    deadline = Deadline(budget)
    finder = _DropFinder(deadline)
    with translated_errors():
        finder.expand(document, budgeted_options(store, fetch, deadline))
    return list(dict.fromkeys(finder.found))


class _DropFinder(BudgetedProcessor):
    """Expands like pyld and notes, per JSON object, the keys and types pyld's rules would drop."""

    def __init__(self, deadline: Deadline) -> None:
        super().__init__(deadline)
        self.found: list[str] = []
        self._paths: dict[int, str] | None = None

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
    """pyld's rule (JsonLdProcessor._expand_object): keep keywords and absolute IRIs only."""
    return bool(expanded is not None and (jsonld._is_absolute_iri(expanded) or jsonld._is_keyword(expanded)))


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

"""RDFC-1.0 (URDNA2015) canonical N-Quads, as eddsa-rdfc-2022 and Ed25519Signature2020 sign them.

Canonicalization works on the expansion :func:`~core.badges.jsonld.safety.expand_checked` makes,
which refuses anything a JSON-LD processor would drop: what is canonicalized, and so signed, is
then the whole document.  Everything runs under a :class:`~core.badges.jsonld.limits.Budget`
(:mod:`core.badges.jsonld.budget` says why); URDNA2015's blank-node hashing, exponential on
"poisoned" graphs, is charged to it here.

Contexts come only from the :class:`~core.badges.jsonld.contexts.ContextStore`; a context it refuses
surfaces as the store's own :class:`~core.badges.jsonld.contexts.ContextError` (never as a
canonicalization failure), because "unknown context" means unverifiable, not invalid.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.identifier_issuer import IdentifierIssuer

from core.badges.jsonld.budget import BudgetedProcessor, Deadline, check_size, translated_errors
from core.badges.jsonld.limits import DEFAULT_BUDGET, Budget
from core.badges.jsonld.safety import expand_checked

if TYPE_CHECKING:
    from core.badges.jsonld.contexts import ContextFetch, ContextStore


def rdfc(
    document: Any, store: ContextStore, fetch: ContextFetch | None, *, budget: Budget = DEFAULT_BUDGET
) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of a JSON-LD document, as eddsa-rdfc-2022 signs them.

    Raises UndefinedTermsError (data would be lost), CanonicalizationError (not JSON-LD),
    OverBudgetError (too costly to check here) or ContextError (a context the store refuses).
    """
    check_size(document, budget)
    deadline = Deadline(budget)
    expanded = expand_checked(document, store, fetch, deadline)
    with translated_errors():
        dataset = _to_dataset(BudgetedProcessor(deadline), expanded)
        nquads: str = _BudgetedURDNA2015(deadline).main(dataset, {"format": "application/n-quads"})
        return nquads


def _to_dataset(processor: BudgetedProcessor, expanded: list[Any]) -> dict[str, Any]:
    """pyld's ``to_rdf`` from an expansion already made (pyld's own steps after its expand)."""
    issuer = IdentifierIssuer("_:b")
    node_map: dict[str, Any] = {"@default": {}}
    processor._create_node_map(expanded, node_map, "@default", issuer)
    options = {"produceGeneralizedRdf": False, "processingMode": "json-ld-1.1"}
    return {
        name: processor._graph_to_rdf(graph, issuer, options)
        for name, graph in sorted(node_map.items())
        if name == "@default" or jsonld._is_absolute_iri(name)
    }


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
        digest: str = super().hash_first_degree_quads(id_)
        return digest

    def hash_n_degree_quads(self, id_: str, issuer: IdentifierIssuer) -> dict[str, Any]:
        self._deadline.step()
        result: dict[str, Any] = super().hash_n_degree_quads(
            id_, _ChargedIssuer.adopt(issuer, self._deadline)
        )
        return result


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

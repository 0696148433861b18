"""RDFC-1.0 and JCS reproduce the published vectors byte for byte, and stay within their budget."""

from __future__ import annotations

import json
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from core.badges.jsonld import budget as jsonld_budget
from core.badges.jsonld.canonical import Budget, CanonicalizationError, OverBudgetError, jcs, rdfc
from core.badges.jsonld.contexts import VC_V2, ContextStore, UnknownContextError
from core.badges.net.fetcher import Fetched

VC_DI = Path("vectors/vc-di-eddsa/TestVectors")
OB3_SPEC = Path("vectors/ob3/1edtech-spec-ldp-vector")
PREDICATE = "https://example.org/knows"


@pytest.fixture
def store(shared_dir: Path, tmp_path: Path) -> ContextStore:
    store = ContextStore(tmp_path / "contexts")
    store.import_dir(shared_dir / "vectors" / "contexts")
    return store


def load(shared_dir: Path, relative: Path) -> Any:
    return json.loads((shared_dir / relative).read_text(encoding="utf-8"))


def with_context_of(proof_config: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    """rdfc suites canonicalize the proof options under the document's @context."""
    return {"@context": document["@context"], **proof_config}


@pytest.mark.parametrize(
    ("document", "proof_config", "document_canon", "proof_canon"),
    [
        (
            VC_DI / "unsigned.json",
            VC_DI / "eddsa-rdfc-2022/proofConfigDataInt.json",
            VC_DI / "eddsa-rdfc-2022/canonDocDataInt.txt",
            VC_DI / "eddsa-rdfc-2022/proofCanonDataInt.txt",
        ),
        (
            VC_DI / "unsigned.json",
            VC_DI / "Ed25519Signature2020/proofConfigEdSig.json",
            VC_DI / "Ed25519Signature2020/canonDocEdSig.txt",
            VC_DI / "Ed25519Signature2020/proofCanonEdSig.txt",
        ),
        (
            OB3_SPEC / "credential-unsigned.json",
            OB3_SPEC / "proof-config.json",
            OB3_SPEC / "document-canon.txt",
            OB3_SPEC / "proof-canon.txt",
        ),
    ],
    ids=["vc-di-eddsa rdfc-2022", "vc-di-eddsa Ed25519Signature2020", "1EdTech OB 3.0"],
)
def test_rdfc_reproduces_the_published_canonical_n_quads(
    shared_dir: Path,
    store: ContextStore,
    document: Path,
    proof_config: Path,
    document_canon: Path,
    proof_canon: Path,
) -> None:
    unsigned = load(shared_dir, document)
    config = with_context_of(load(shared_dir, proof_config), unsigned)

    assert rdfc(unsigned, store, None) == (shared_dir / document_canon).read_text(encoding="utf-8")
    assert rdfc(config, store, None) == (shared_dir / proof_canon).read_text(encoding="utf-8")


def test_rdfc_of_a_signed_credential_without_its_proof_is_the_unsigned_canon(
    shared_dir: Path, store: ContextStore
) -> None:
    signed = load(shared_dir, VC_DI / "eddsa-rdfc-2022/signedDataInt.json")
    del signed["proof"]

    canon = rdfc(signed, store, None)

    assert canon == (shared_dir / VC_DI / "eddsa-rdfc-2022/canonDocDataInt.txt").read_text(encoding="utf-8")


def test_jcs_reproduces_the_eddsa_jcs_2022_vector(shared_dir: Path) -> None:
    unsigned = load(shared_dir, VC_DI / "unsigned.json")
    config = load(shared_dir, VC_DI / "eddsa-jcs-2022/proofConfigJCS.json")

    assert jcs(unsigned) == (shared_dir / VC_DI / "eddsa-jcs-2022/canonDocJCS.txt").read_bytes()
    assert jcs(config) == (shared_dir / VC_DI / "eddsa-jcs-2022/proofCanonJCS.txt").read_bytes()


def test_jcs_follows_rfc_8785_number_and_key_order_rules() -> None:
    assert jcs({"b": 1.0, "a": 1e21, "\u00e9": "\u00e9", "A": [0.5, -0.0]}) == (
        '{"A":[0.5,0],"a":1e+21,"b":1,"é":"é"}'.encode()
    )


def test_jcs_refuses_what_it_cannot_represent() -> None:
    with pytest.raises(CanonicalizationError):
        jcs({"n": 2**60})


def test_rdfc_raises_the_store_error_for_an_unknown_context(store: ContextStore) -> None:
    with pytest.raises(UnknownContextError):
        rdfc(
            {"@context": [VC_V2, "https://contexts.example/v1"], "type": "VerifiableCredential"}, store, None
        )


def test_contexts_are_resolved_once_per_store(shared_dir: Path, store: ContextStore, monkeypatch) -> None:
    """Verification speed depends on it: a warm store never re-reads or re-hashes a context."""
    calls: list[str] = []
    original = store.get
    monkeypatch.setattr(store, "get", lambda url, fetch: calls.append(url) or original(url, fetch))
    unsigned = load(shared_dir, OB3_SPEC / "credential-unsigned.json")

    first = rdfc(unsigned, store, None)
    assert len(calls) == 2
    assert rdfc(unsigned, store, None) == first
    assert len(calls) == 2


class SlowNetwork:
    """Serves context files, and each download advances a fake CPU clock by ``seconds``."""

    def __init__(self, files: dict[str, Path], seconds: float) -> None:
        self.files, self.seconds, self.now = files, seconds, 1000.0

    def thread_time(self) -> float:
        return self.now

    def get(self, url: str, *, accept: Any, allow_http: bool = False) -> Fetched:
        self.now += self.seconds
        return Fetched(url, 200, "application/ld+json", self.files[url].read_bytes())


def test_downloading_a_context_does_not_use_up_the_time_budget(
    shared_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    contexts = shared_dir / "vectors" / "contexts"
    network = SlowNetwork(
        {
            VC_V2: contexts / "credentials-v2.jsonld",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": contexts
            / "ob-v3p0-context-3.0.3.json",
        },
        seconds=5.0,
    )
    monkeypatch.setattr(jsonld_budget, "time", SimpleNamespace(thread_time=network.thread_time))
    unsigned = load(shared_dir, OB3_SPEC / "credential-unsigned.json")

    canon = rdfc(unsigned, ContextStore(tmp_path), network)

    assert network.now == 1010.0
    assert canon == (shared_dir / OB3_SPEC / "document-canon.txt").read_text(encoding="utf-8")


def poisoned_graph(size: int) -> dict[str, Any]:
    """Blank nodes that all know each other: every one looks like every other to URDNA2015."""
    nodes = [f"_:n{i}" for i in range(size)]
    return {
        "@graph": [
            {"@id": node, PREDICATE: [{"@id": other} for other in nodes if other != node]} for node in nodes
        ]
    }


def test_a_poisoned_graph_is_stopped_quickly(store: ContextStore) -> None:
    started = time.monotonic()

    with pytest.raises(OverBudgetError, match="indistinguishable blank nodes"):
        rdfc(poisoned_graph(12), store, None)

    assert time.monotonic() - started < 1.0


def test_a_small_symmetric_graph_is_still_canonicalized(store: ContextStore) -> None:
    canon = rdfc(poisoned_graph(3), store, None)

    assert canon.count("\n") == 6
    assert "_:c14n2" in canon


def test_hashing_work_is_counted(store: ContextStore) -> None:
    with pytest.raises(OverBudgetError, match="indistinguishable"):
        rdfc(poisoned_graph(3), store, None, budget=Budget(max_hash_steps=3))


def test_the_deadline_applies_to_expansion_too(shared_dir: Path, store: ContextStore) -> None:
    unsigned = load(shared_dir, OB3_SPEC / "credential-unsigned.json")

    with pytest.raises(OverBudgetError, match="takes too long"):
        rdfc(unsigned, store, None, budget=Budget(cpu_seconds=0.0))


def test_an_oversized_document_is_refused_before_any_work(store: ContextStore) -> None:
    huge = {"@context": "https://contexts.example/never-looked-up", "name": "x" * 300_000}

    with pytest.raises(OverBudgetError, match="larger than 256 KB"):
        rdfc(huge, store, None)


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ("not a credential", "not a JSON object"),
        ({"@context": {"@version": 2.0}}, "not valid JSON-LD"),
        ({"@id": 5, PREDICATE: "x"}, r"not valid JSON-LD \(invalid @id value\)"),
        ({"@context": [VC_V2, "relative"], "type": "VerifiableCredential"}, "not valid JSON-LD"),
    ],
)
def test_malformed_documents_raise_canonicalization_errors(
    store: ContextStore, document: Any, reason: str
) -> None:
    with pytest.raises(CanonicalizationError, match=reason):
        rdfc(document, store, None)


@pytest.mark.parametrize("depth", [400, 5000], ids=["too deep for pyld", "too deep for json"])
def test_deep_nesting_is_refused(store: ContextStore, depth: int) -> None:
    document: dict[str, Any] = {PREDICATE: "leaf"}
    for _level in range(depth):
        document = {PREDICATE: document}

    with pytest.raises(OverBudgetError, match="nested too deeply"):
        rdfc(document, store, None)

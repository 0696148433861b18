"""The context store: pinned URLs only, each fetched at most once, hash-checked, cached on disk."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pyld import BUNDLED_CONTEXTS, jsonld

from core.badges.jsonld.canonical import rdfc
from core.badges.jsonld.contexts import (
    JSON_LD_TYPES,
    PINNED,
    VC_V2,
    ContextStore,
    ContextUnavailableError,
    UnknownContextError,
    sha256_hex,
)
from core.badges.net.fetcher import FetchCause, Fetched, FetchError
from tests.fakes.badge_server import BadgeServer

OB_303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
UNKNOWN = "https://contexts.example/evil/v1"


@dataclass
class FakeFetch:
    """A FetchSession double: serves fixed answers and records every URL asked for."""

    answers: dict[str, Fetched | FetchError] = field(default_factory=dict)
    calls: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    def serve(self, url: str, body: bytes, status: int = 200) -> None:
        self.answers[url] = Fetched(url, status, "application/ld+json", body)

    def get(self, url: str, *, accept: Any, allow_http: bool = False) -> Fetched:
        self.calls.append((url, tuple(accept)))
        answer = self.answers[url]
        if isinstance(answer, FetchError):
            raise answer
        return answer


@pytest.fixture
def contexts_dir(shared_dir: Path) -> Path:
    return shared_dir / "vectors" / "contexts"


@pytest.fixture
def vc_v2_bytes(contexts_dir: Path) -> bytes:
    return (contexts_dir / "credentials-v2.jsonld").read_bytes()


def test_every_context_url_in_the_vectors_readme_is_pinned(contexts_dir: Path) -> None:
    readme = (contexts_dir / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| [^|]+ \| (https://\S+)", readme, flags=re.MULTILINE))
    assert len(listed) == 19
    assert listed == set(PINNED)


def test_import_accepts_every_vector_context_and_nothing_else(contexts_dir: Path, tmp_path: Path) -> None:
    store = ContextStore(tmp_path / "cache")

    results = dict(store.import_dir(contexts_dir))

    assert results.pop(contexts_dir / "README.md") is None
    assert all(url is not None for url in results.values())
    assert results[contexts_dir / "ob-v3p0-context-3.0.3.json"] == OB_303
    assert results[contexts_dir / "ob-v3p0-context-3.0.3.1edtech-validator-variant.json"] == OB_303
    cached = {path.name for path in (tmp_path / "cache").iterdir()}
    assert cached == {f"{sha256_hex(path.read_bytes())}.json" for path in results}


def test_import_rejects_a_changed_copy_of_a_pinned_context(vc_v2_bytes: bytes, tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    (source / "credentials-v2.jsonld").write_bytes(
        vc_v2_bytes.replace(b'"@protected": true', b'"@protected": false')
    )
    store = ContextStore(tmp_path / "cache")

    assert store.import_dir(source) == [(source / "credentials-v2.jsonld", None)]
    assert not (tmp_path / "cache").exists()
    with pytest.raises(ContextUnavailableError):
        store.get(VC_V2, None)


def test_an_unknown_context_is_refused_before_any_fetch(tmp_path: Path) -> None:
    fetch = FakeFetch()
    loader = ContextStore(tmp_path).document_loader(fetch)

    with pytest.raises(UnknownContextError) as raised:
        loader(UNKNOWN, {})

    assert raised.value.url == UNKNOWN
    assert fetch.calls == []


def test_contexts_pyld_bundles_are_not_served_unless_pinned(tmp_path: Path) -> None:
    """pyld 3.3 ships copies of some contexts; only our loader decides, so unpinned ones fail."""
    store = ContextStore(tmp_path)
    unpinned_bundled = sorted(set(BUNDLED_CONTEXTS) - set(PINNED))
    assert "https://w3id.org/security/v2" in unpinned_bundled
    for url in unpinned_bundled:
        with pytest.raises(UnknownContextError):
            rdfc({"@context": url, "@id": "urn:x", "https://schema.org/name": "x"}, store, FakeFetch())


def test_pyld_global_context_cache_cannot_bypass_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another pyld user in the process may have resolved a URL; its global cache must not serve us."""
    evil = {"@context": {"name": "https://schema.org/name"}}
    monkeypatch.setattr(jsonld, "_resolved_context_cache", type(jsonld._resolved_context_cache)(maxsize=100))

    def permissive(url: str, options: dict[str, Any]) -> dict[str, Any]:
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": evil,
            "tag": "static",
        }

    document = {"@context": UNKNOWN, "@id": "urn:x", "name": "x"}
    jsonld.expand(document, {"documentLoader": permissive})
    assert UNKNOWN in jsonld._resolved_context_cache

    with pytest.raises(UnknownContextError):
        rdfc(document, ContextStore(tmp_path), FakeFetch())


def test_an_unknown_context_is_not_fetched_by_the_real_fetcher_either(tmp_path: Path) -> None:
    with BadgeServer() as server:
        url = server.route("/context.json", {"@context": {"name": "https://schema.org/name"}})
        fetch = server.fetcher().session()

        with pytest.raises(UnknownContextError):
            rdfc({"@context": url, "@id": "urn:x", "name": "x"}, ContextStore(tmp_path), fetch)

        assert server.requests == []


def test_an_allowed_context_is_fetched_once_then_served_from_memory_and_disk(
    vc_v2_bytes: bytes, tmp_path: Path
) -> None:
    fetch = FakeFetch()
    fetch.serve(VC_V2, vc_v2_bytes)
    store = ContextStore(tmp_path / "cache")

    first = store.get(VC_V2, fetch)
    again = store.get(VC_V2, fetch)

    assert fetch.calls == [(VC_V2, JSON_LD_TYPES)]
    assert first == again
    assert first["@context"]["@protected"] is True
    assert (tmp_path / "cache" / f"{sha256_hex(vc_v2_bytes)}.json").read_bytes() == vc_v2_bytes
    assert ContextStore(tmp_path / "cache").get(VC_V2, None) == first  # a new process: from disk


def test_a_cache_that_cannot_be_written_costs_only_a_fetch_next_time(
    vc_v2_bytes: bytes, tmp_path: Path
) -> None:
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("x")
    fetch = FakeFetch()
    fetch.serve(VC_V2, vc_v2_bytes)

    assert ContextStore(not_a_directory / "cache").get(VC_V2, fetch)["@context"]["id"] == "@id"


def test_a_fetched_copy_that_does_not_match_the_pin_is_refused_and_not_cached(
    vc_v2_bytes: bytes, tmp_path: Path
) -> None:
    fetch = FakeFetch()
    fetch.serve(VC_V2, vc_v2_bytes + b"\n")
    store = ContextStore(tmp_path / "cache")

    for _attempt in range(2):
        with pytest.raises(ContextUnavailableError, match="differs from the pinned one"):
            store.get(VC_V2, fetch)

    assert len(fetch.calls) == 2  # nothing was kept, in memory or on disk
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (
            FetchError("the server took too long", FetchCause.TIMEOUT),
            "could not be fetched: the server took too long",
        ),
        (Fetched(VC_V2, 404, "text/html", b"gone"), "answered HTTP 404"),
    ],
)
def test_an_allowed_context_that_cannot_be_fetched_is_unavailable(
    answer: Fetched | FetchError, reason: str, tmp_path: Path
) -> None:
    fetch = FakeFetch({VC_V2: answer})

    with pytest.raises(ContextUnavailableError, match=reason) as raised:
        ContextStore(tmp_path).get(VC_V2, fetch)

    assert raised.value.url == VC_V2


def test_without_a_fetch_session_only_the_cache_is_used(tmp_path: Path) -> None:
    with pytest.raises(ContextUnavailableError, match="not cached"):
        ContextStore(tmp_path).get(VC_V2, None)


def test_a_damaged_cache_file_is_ignored_and_replaced(vc_v2_bytes: bytes, tmp_path: Path) -> None:
    cache_file = tmp_path / f"{sha256_hex(vc_v2_bytes)}.json"
    cache_file.write_bytes(b'{"@context": {"name": "https://evil.example/name"}}')
    fetch = FakeFetch()
    fetch.serve(VC_V2, vc_v2_bytes)

    with pytest.raises(ContextUnavailableError):
        ContextStore(tmp_path).get(VC_V2, None)
    ContextStore(tmp_path).get(VC_V2, fetch)

    assert cache_file.read_bytes() == vc_v2_bytes


def test_the_1edtech_validator_copy_of_ob_3_0_3_is_preferred_when_both_are_cached(
    contexts_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "source"
    source.mkdir()
    spec_copy = contexts_dir / "ob-v3p0-context-3.0.3.json"
    shutil.copy(spec_copy, source)
    store = ContextStore(tmp_path / "cache")
    store.import_dir(source)
    assert "endorsementJwt" not in store.get(OB_303, None)["@context"]

    shutil.copy(contexts_dir / "ob-v3p0-context-3.0.3.1edtech-validator-variant.json", source)
    store.import_dir(source)

    assert "endorsementJwt" in store.get(OB_303, None)["@context"]


def test_callers_get_copies_so_the_cached_context_cannot_be_changed(
    contexts_dir: Path, tmp_path: Path
) -> None:
    store = ContextStore(tmp_path)
    store.import_dir(contexts_dir)

    store.get(VC_V2, None)["@context"]["id"] = "https://evil.example/id"

    assert store.get(VC_V2, None)["@context"]["id"] == "@id"


def test_the_shipped_contexts_are_exactly_the_pinned_ones() -> None:
    """data/contexts holds one file per pinned digest, each byte-identical to its digest."""
    from core.badges.jsonld.contexts import PINNED, sha256_hex
    from core.settings import SHIPPED_DATA_DIR

    shipped = {path.stem: path for path in (SHIPPED_DATA_DIR / "contexts").glob("*.json")}
    assert set(shipped) == {digest for digests in PINNED.values() for digest in digests}
    assert all(sha256_hex(path.read_bytes()) == digest for digest, path in shipped.items())


def test_the_product_verifier_needs_no_network_for_pinned_contexts(shared_dir: Path, tmp_path: Path) -> None:
    """A fresh data directory, no network: an OB 3.0 credential still canonicalizes and verifies."""
    from core.badges.inputs.evidence import from_file
    from core.badges.verify import BadgeVerifier

    path = shared_dir / "vectors" / "ob3" / "dcc-verifier-core" / "v2NoStatus.json"
    evidence = from_file(path.read_bytes(), path.name)
    assert evidence is not None
    verifier = BadgeVerifier.for_data_dir(tmp_path / "fresh")
    try:
        report = verifier.verify(evidence)
    finally:
        verifier.close()
    assert report.status.value == "verified", report.checks
    assert not (tmp_path / "fresh" / "contexts").exists()  # nothing had to be fetched or cached


def test_a_memory_only_store_keeps_what_it_imports(shared_dir: Path) -> None:
    from core.badges.jsonld.contexts import ContextStore

    store = ContextStore(None)
    store.import_dir(shared_dir / "vectors" / "contexts")
    assert "@context" in store.get("https://www.w3.org/ns/credentials/v2", None)  # no fetch, no disk

"""Properties no context defines (dropped before signing, so unsigned) are found at any depth."""

from __future__ import annotations

import copy
import gc
import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from core.badges.jsonld.budget import Deadline, check_size
from core.badges.jsonld.contexts import VC_V2, ContextFetch, ContextStore, UnknownContextError
from core.badges.jsonld.limits import DEFAULT_BUDGET, Budget, OverBudgetError, UndefinedTermsError
from core.badges.jsonld.safety import expand_checked

OB3 = Path("ob3")
OB_303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Every other JSON-LD document under vectors/ob3 and vc-di-eddsa is clean.
NOT_CLEAN = {
    # StatusList2021Entry is not a term under VC 2.0 + OB 3.0.3 (no status-list context): upstream,
    # JSON-LD safe mode rejects it.  (endorsementJwt is defined by the preferred 3.0.3 copy.)
    "ob3/dcc-verifier-core/safeModeBreaker.json": ["credentialStatus.type"],
    # Upstream: "VC context missing".  Undefined terms now expand into the sentinel vocabulary
    # instead of vanishing, so what lies under them is checked (and reported) too.
    "ob3/1edtech-validator/simple-err-context.json": [
        "credentialSubject",
        "issuanceDate",
        "issuer",
        "proof",
        "type[0]",
        "proof[0].created",
        "proof[0].cryptosuite",
        "proof[0].proofPurpose",
        "proof[0].proofValue",
        "proof[0].type",
        "proof[0].verificationMethod",
    ],
    # Upstream: the first proof's type is unknown, so its properties mean nothing either.
    "ob3/1edtech-validator/simple-multiple-proofs.json": [
        "proof[0].created",
        "proof[0].proofPurpose",
        "proof[0].type",
    ],
}


def undefined_properties(document: Any, store: ContextStore, fetch: ContextFetch | None) -> list[str]:
    """The paths (or names) of what the checked expansion refuses in ``document``; [] when clean."""
    check_size(document, DEFAULT_BUDGET)
    try:
        expand_checked(document, store, fetch, Deadline(DEFAULT_BUDGET))
    except UndefinedTermsError as error:
        return error.found
    return []


@pytest.fixture
def vectors(shared_dir: Path) -> Path:
    return shared_dir / "vectors"


@pytest.fixture
def store(vectors: Path, tmp_path: Path) -> ContextStore:
    store = ContextStore(tmp_path / "contexts")
    store.import_dir(vectors / "contexts")
    return store


@pytest.fixture
def complete(vectors: Path) -> dict[str, Any]:
    """The 1EdTech credential that uses most of OB 3.0 (scoped contexts, embedded endorsements)."""
    return json.loads((vectors / OB3 / "1edtech-validator/complete.json").read_text(encoding="utf-8"))


def test_real_credentials_report_exactly_their_known_problems(vectors: Path, store: ContextStore) -> None:
    found: dict[str, list[str]] = {}
    for path in sorted(
        [*(vectors / "ob3").rglob("*.json"), *(vectors / "vc-di-eddsa/TestVectors").rglob("*.json")]
    ):
        document = json.loads(path.read_text(encoding="utf-8"))
        uses_known_contexts = "citizenship" not in json.dumps(document)  # that context is not pinned
        if isinstance(document, dict) and "@context" in document and uses_known_contexts:
            found[str(path.relative_to(vectors))] = undefined_properties(document, store, None)

    assert len(found) > 40
    assert {name: paths for name, paths in found.items() if paths} == NOT_CLEAN


def test_with_the_specification_copy_of_3_0_3_endorsement_jwt_is_undefined_too(
    vectors: Path, tmp_path: Path
) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name in ("credentials-v2.jsonld", "ob-v3p0-context-3.0.3.json"):
        shutil.copy(vectors / "contexts" / name, source)
    store = ContextStore(tmp_path / "contexts")
    store.import_dir(source)
    breaker = json.loads(
        (vectors / OB3 / "dcc-verifier-core/safeModeBreaker.json").read_text(encoding="utf-8")
    )

    found = undefined_properties(breaker, store, None)

    assert "credentialStatus.type" in found
    assert "credentialSubject.achievement.creator.endorsementJwt" in found
    assert "issuer.endorsementJwt" in found
    assert "endorsementJwt" in found


@pytest.mark.parametrize(
    "parent",
    [
        "",
        "credentialSubject",
        "credentialSubject.achievement",
        "credentialSubject.achievement.alignment[0]",
        "credentialSubject.result[0]",
        "credentialSubject.achievement.creator.address.geo",
        "issuer",
        "proof[0]",
        "credentialSubject.achievement.endorsement[0].credentialSubject",
        "credentialSubject.achievement.endorsement[0].proof[0]",
    ],
)
def test_a_stray_property_is_reported_wherever_it_is(
    complete: dict[str, Any], store: ContextStore, parent: str
) -> None:
    target = resolve(complete, parent)
    target["unsignedClaim"] = "anything"

    expected = f"{parent}.unsignedClaim" if parent else "unsignedClaim"
    assert undefined_properties(complete, store, None) == [expected]


def test_a_term_of_another_types_scoped_context_is_undefined_here(
    complete: dict[str, Any], store: ContextStore
) -> None:
    """``achievementType`` exists only inside an Achievement; on the subject it is dropped."""
    complete["credentialSubject"]["achievementType"] = "Diploma"

    assert undefined_properties(complete, store, None) == ["credentialSubject.achievementType"]


def test_an_undefined_type_name_is_reported(complete: dict[str, Any], store: ContextStore) -> None:
    complete["credentialSubject"]["type"] = ["AchievementSubject", "GoldStarSubject"]
    complete["issuer"]["type"] = ["Profile", "Issuer"]
    complete["evidence"][0]["type"] = "Proof"

    assert undefined_properties(complete, store, None) == [
        "credentialSubject.type[1]",
        "evidence[0].audience",  # no longer an Evidence, so Evidence-only terms are undefined
        "evidence[0].genre",
        "evidence[0].type",
        "issuer.type[1]",
    ]


def test_at_keys_that_are_not_keywords_are_reported(complete: dict[str, Any], store: ContextStore) -> None:
    complete["credentialSubject"]["@comment"] = "dropped by every processor"

    assert undefined_properties(complete, store, None) == ["credentialSubject.@comment"]


def credential(extra_context: dict[str, Any], **properties: Any) -> dict[str, Any]:
    return {
        "@context": [VC_V2, extra_context],
        "type": ["VerifiableCredential"],
        "issuer": "https://issuer.example",
        "credentialSubject": {"id": "did:example:learner"},
        **properties,
    }


def test_embedded_contexts_count_and_null_mappings_drop(store: ContextStore) -> None:
    document = credential(
        {"defined": "https://example.org/defined", "nulled": None},
        defined="kept",
        nulled="dropped",
    )

    assert undefined_properties(document, store, None) == ["nulled"]


def test_property_scoped_contexts_apply_only_below_their_property(store: ContextStore) -> None:
    scoped = {
        "wrapper": {"@id": "https://example.org/wrapper", "@context": {"inner": "https://example.org/inner"}}
    }
    document = credential(scoped, wrapper={"inner": 1, "outer": 2}, inner=3)

    assert undefined_properties(document, store, None) == ["inner", "wrapper.outer"]


def test_json_literals_are_signed_as_they_are_and_not_looked_into(store: ContextStore) -> None:
    document = credential(
        {"data": {"@id": "https://example.org/data", "@type": "@json"}},
        data={"anything": {"at": ["any", {"depth": True}]}},
    )

    assert undefined_properties(document, store, None) == []


def test_credentials_inside_a_presentation_graph_are_checked(
    complete: dict[str, Any], store: ContextStore
) -> None:
    inner = copy.deepcopy(complete)
    inner["credentialSubject"]["unsignedClaim"] = 1
    presentation = {
        "@context": [VC_V2],
        "type": "VerifiablePresentation",
        "verifiableCredential": [complete, inner],
    }

    assert undefined_properties(presentation, store, None) == [
        "verifiableCredential[1].credentialSubject.unsignedClaim"
    ]


def test_an_unknown_context_raises_instead_of_guessing(store: ContextStore) -> None:
    with pytest.raises(UnknownContextError):
        undefined_properties(credential("https://contexts.example/v1"), store, None)  # type: ignore[arg-type]


def resolve(document: Any, path: str) -> Any:
    """The object at a path like ``a.b[0].c`` (the format undefined_properties reports)."""
    node = document
    for part in filter(None, path.replace("[", ".[").split(".")):
        node = node[int(part[1:-1])] if part.startswith("[") else node[part]
    return node


def _burn(cpu_seconds: float) -> None:
    until = time.thread_time() + cpu_seconds
    while time.thread_time() < until:
        pass


def test_time_in_the_garbage_collector_is_not_the_documents_cost() -> None:
    deadline = Deadline(Budget(cpu_seconds=0.05))
    for callback in gc.callbacks:  # a full collection of a big process, as the collector reports it
        callback("start", {"generation": 2})
    _burn(0.1)
    for callback in gc.callbacks:
        callback("stop", {"generation": 2, "collected": 0, "uncollectable": 0})
    deadline.check()  # within budget: the collector's 0.1 s does not count
    _burn(0.1)
    with pytest.raises(OverBudgetError):  # the document's own work still does
        deadline.check()

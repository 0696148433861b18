"""Badge verification time, in process, without network, contexts cached; against reference verifiers.

Prints one JSON object.  Targets (median of the whole verification call): eddsa-jcs-2022 and VC-JWT
<= 1 ms, eddsa-rdfc-2022 <= 10 ms.  Every row gives the verdict our verifier reached, so a fast
failure cannot pass for a fast verification.

- eddsa-jcs-2022 and VC-JWT (EdDSA, ES256): badges signed here (``badge_signing``), did:key issuers;
- eddsa-rdfc-2022 / Ed25519Signature2020: the DCC fixtures from ../shared/vectors that need no network
  (did:key issuer, no status list), side by side with the DCC's own verifier
  (@digitalcredentials/verifier-core under Node, ``badges_dcc.mjs``) when it installs;
- OB 2.0 hosted: the validator-core 2.0 assertion, badge class and issuer served by a local
  BadgeServer (their example.org URLs rewritten to it), side by side with 1EdTech's validator
  ``openbadges`` 1.1.2 (``badges_reference_ob2.py``, own venv) when it installs;
- ``signature_step_only``: the W3C vc-di-eddsa and 1EdTech OB 3.0 vectors.  Their keys are not the
  issuer's own (did:key under an https issuer) or sit behind an https controller document, so the
  whole call would stop at the key check; the canonicalize-hash-verify step is timed instead.

Our side and a reference side run in alternating blocks (ABBA order) after a warm-up, so both see
the same machine; the ratio is their median over ours.  "Without network" holds for both: contexts
come from ../shared/vectors/contexts (ours: pinned ContextStore, warm; DCC: its bundled contexts;
1EdTech: served from memory), and the reference workers refuse any request that would leave the
machine and list it under ``network_attempts``.  Reference tools install on first run into a cache
outside the repository (see ``badge_reference_tools``).  BENCH_BADGE_ROUNDS sets the repetitions.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from core.badges.formats import ob2, ob3
from core.badges.jsonld.contexts import ContextStore
from core.badges.net.fetcher import FetchPolicy, SafeFetcher
from core.badges.proofs import data_integrity
from core.badges.proofs.keys import VerificationKey, resolve_key
from core.badges.report import Check, Report, Status
from core.badges.run import VerificationRun
from tests.bench import badge_reference_tools as tools
from tests.bench import badge_signing
from tests.fakes.badge_server import BadgeServer

ROUNDS = int(os.environ.get("BENCH_BADGE_ROUNDS", "300"))
WARMUP = 30
BLOCK = 25  # calls per side before switching
TARGETS_MS = {"eddsa-jcs-2022": 1.0, "vc-jwt": 1.0, "eddsa-rdfc-2022": 10.0}
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
VECTORS = SHARED / "vectors"
DCC_FIXTURES = {  # name -> suite; the DCC fixtures that need no network
    "v2OBv3SpecExample": "eddsa-rdfc-2022",
    "v1OBv3SpecExample": "eddsa-rdfc-2022",
    "v2NoStatus": "Ed25519Signature2020",
}
OB2_DOCUMENTS = {  # path on the local server -> validator-core file (example.org URLs rewritten)
    "/beths-robotics-badge.json": "2_0_basic_assertion.json",
    "/robotics-badge.json": "2_0_basic_badgeclass.json",
    "/organization.json": "2_0_basic_issuer.json",
}
OB2_IMAGES = ("/beths-robot-badge.png", "/robotics-badge.png")
OB2_CONTEXT = ("https://w3id.org/openbadges/v2", "openbadges-v2.jsonld")

Timed = Callable[[int], list[float]]  # runs a verification n times, returns each call's ms


class Ours:
    """Our verifier with everything warm that the product keeps warm: one context store, one fetcher
    (its connection pool); a fresh VerificationRun per call, as BadgeVerifier makes per badge."""

    def __init__(self, store: ContextStore, fetcher: SafeFetcher) -> None:
        self.store, self.fetcher = store, fetcher
        self.now = dt.datetime.now(dt.UTC)

    def run(self) -> VerificationRun:
        return VerificationRun(fetch=self.fetcher.session(), contexts=self.store, now=self.now)

    def timed(self, call: Callable[[VerificationRun], object]) -> Timed:
        def repeat(count: int) -> list[float]:
            samples = []
            for _ in range(count):
                run = self.run()
                started = time.perf_counter()
                call(run)
                samples.append((time.perf_counter() - started) * 1000)
            return samples

        return repeat


def side_by_side(ours: Timed, theirs: Timed | None) -> tuple[list[float], list[float] | None]:
    """ROUNDS samples of each side, in alternating blocks (ours first in even blocks, theirs first
    in odd ones) after WARMUP discarded calls each."""
    sides = [ours] if theirs is None else [ours, theirs]
    for side in sides:
        side(WARMUP)
    samples: list[list[float]] = [[] for _ in sides]
    for block in range(-(-ROUNDS // BLOCK)):
        count = min(BLOCK, ROUNDS - block * BLOCK)
        order = range(len(sides)) if block % 2 == 0 else reversed(range(len(sides)))
        for index in order:
            samples[index].extend(sides[index](count))
    return samples[0], samples[1] if theirs is not None else None


def summary(samples: list[float]) -> dict[str, float]:
    deciles = statistics.quantiles(samples, n=10)
    return {"median_ms": round(statistics.median(samples), 3), "p90_ms": round(deciles[-1], 3)}


def row(fixture: str, suite: str, report: Report, samples: list[float], target: str | None) -> dict[str, Any]:
    result: dict[str, Any] = {"fixture": fixture, "suite": suite, "verdict": report.status.value}
    if report.status is not Status.VERIFIED:
        result["reason"] = report.reason
    result.update(summary(samples))
    if target is not None:
        result["target_median_ms"] = TARGETS_MS[target]
        result["meets_target"] = result["median_ms"] <= TARGETS_MS[target]
    return result


def with_reference(result: dict[str, Any], verdict: dict[str, str], samples: list[float]) -> dict[str, Any]:
    theirs = {**verdict, **summary(samples)}
    theirs["ratio_theirs_to_ours"] = round(theirs["median_ms"] / result["median_ms"], 2)
    return {**result, "reference": theirs}


def context_store(cache: Path) -> ContextStore:
    """Pinned contexts imported from the shared vectors, then each parsed once (warm, as in the bot)."""
    store = ContextStore(cache)
    accepted = [url for _, url in store.import_dir(VECTORS / "contexts") if url is not None]
    for url in accepted:
        store.get(url, None)
    return store


@contextmanager
def reference(
    tool: dict[str, Any], command: Callable[[], list[str]], arguments: list[str]
) -> Iterator[tools.Worker | None]:
    """A started reference worker, or None with ``tool`` saying why it is unavailable."""
    try:
        worker = tools.Worker([*command(), *arguments])
    except tools.ToolUnavailable as error:
        tool.update(available=False, reason=error.reason)
        yield None
        return
    tool.update(
        available=True, **{key: worker.ready[key] for key in ("version", "node") if key in worker.ready}
    )
    try:
        yield worker
    finally:
        tool["network_attempts"] = worker.network_attempts
        worker.close()


def signed_here(ours: Ours) -> list[dict[str, Any]]:
    """The eddsa-jcs-2022 badge and the VC-JWTs signed by ``badge_signing``."""
    badge = badge_signing.jcs_signed_badge()
    cases: list[tuple[str, str, Callable[[VerificationRun], Report]]] = [
        ("eddsa-jcs-2022", "eddsa-jcs-2022", lambda run: ob3.verify_credential(badge, run))
    ]
    for algorithm in ("EdDSA", "ES256"):
        token = badge_signing.vc_jwt(algorithm)
        cases.append((f"vc-jwt {algorithm}", "vc-jwt", lambda run, t=token: ob3.verify_vc_jwt(t, run)))
    rows = []
    for suite, target, call in cases:
        samples, _ = side_by_side(ours.timed(call), None)
        rows.append(row("OB 3.0 badge signed here (did:key)", suite, call(ours.run()), samples, target))
    return rows


def dcc_rows(ours: Ours, tool: dict[str, Any]) -> list[dict[str, Any]]:
    """The offline DCC fixtures, ours and (when it installs) the DCC verifier's, side by side."""
    folder = VECTORS / "ob3" / "dcc-verifier-core"
    credentials = {name: json.loads((folder / f"{name}.json").read_text()) for name in DCC_FIXTURES}
    rows = []
    with reference(
        tool, tools.dcc_command, [f"{name}={folder / name}.json" for name in DCC_FIXTURES]
    ) as worker:
        for name, suite in DCC_FIXTURES.items():

            def call(run: VerificationRun, credential: dict[str, Any] = credentials[name]) -> Report:
                return ob3.verify_credential(credential, run)

            theirs = None if worker is None else partial(worker.time, name)
            mine, their_samples = side_by_side(ours.timed(call), theirs)
            target = "eddsa-rdfc-2022" if suite == "eddsa-rdfc-2022" else None
            result = row(f"DCC {name}", suite, call(ours.run()), mine, target)
            if worker is not None and their_samples is not None:
                result = with_reference(result, worker.ready["fixtures"][name], their_samples)
            rows.append(result)
    if tool["available"]:
        tool["notes"] = (
            "knownDIDRegistries=[], so its registered_issuer step is false for every fixture and not "
            "counted; its schema check cannot fetch the OB 3.0 JSON schema offline, so JSON-schema "
            "validation is not part of its time (nor of ours: we do none)"
        )
    return rows


def ob2_rows(store: ContextStore, tool: dict[str, Any]) -> list[dict[str, Any]]:
    """The hosted OB 2.0 assertion on a local server, ours and (when it installs) 1EdTech's."""
    folder = VECTORS / "ob2" / "validator-core"
    with BadgeServer() as server:
        for path, name in OB2_DOCUMENTS.items():
            server.route(path, (folder / name).read_text().replace("https://example.org", server.origin))
        for path in OB2_IMAGES:
            server.route(path, (folder / "public_domain_heart.png").read_bytes(), content_type="image/png")
        url = f"{server.origin}/beths-robotics-badge.json"
        ours = Ours(store, server.fetcher())

        def call(run: VerificationRun) -> Report:
            return ob2.verify_hosted(url, run)

        context = f"{OB2_CONTEXT[0]}={VECTORS / 'contexts' / OB2_CONTEXT[1]}"
        requests: dict[str, float] = {}
        with reference(tool, tools.ob2_command, [context, "--", f"hosted={url}"]) as worker:
            theirs = (
                None
                if worker is None
                else counting(server, requests, "theirs", partial(worker.time, "hosted"))
            )
            mine, their_samples = side_by_side(counting(server, requests, "ours", ours.timed(call)), theirs)
            result = row(
                "validator-core 2_0_basic (local server)", "ob2-hosted", call(ours.run()), mine, None
            )
            if worker is not None and their_samples is not None:
                result = with_reference(result, worker.ready["fixtures"]["hosted"], their_samples)
        result["http_requests_per_verification"] = requests
    return [result]


def counting(server: BadgeServer, into: dict[str, float], name: str, side: Timed) -> Timed:
    """``side``, also noting how many requests one of its verifications makes of the local server."""

    def repeat(count: int) -> list[float]:
        before = len(server.requests)
        samples = side(count)
        into[name] = (len(server.requests) - before) / count
        return samples

    return repeat


def signature_steps(ours: Ours) -> list[dict[str, Any]]:
    """canonicalize + hash + Ed25519 check of the vectors whose whole call stops at the key check."""
    w3c = VECTORS / "vc-di-eddsa" / "TestVectors"
    spec = VECTORS / "ob3" / "1edtech-spec-ldp-vector"
    expected = json.loads((spec / "expected.json").read_text())
    spec_key = VerificationKey(
        expected["verificationMethod"],
        expected["controller"],
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(expected["publicKeyHex"])),
    )
    cases = [
        ("W3C vc-di-eddsa signedDataInt", w3c / "eddsa-rdfc-2022" / "signedDataInt.json", None),
        ("W3C vc-di-eddsa signedJCS", w3c / "eddsa-jcs-2022" / "signedJCS.json", None),
        ("1EdTech OB 3.0 spec vector (key from expected.json)", spec / "credential-signed.json", spec_key),
    ]
    rows = []
    for fixture, path, given_key in cases:
        credential = json.loads(path.read_text())
        proof = credential["proof"]
        method = proof["verificationMethod"]
        # a did:key is its own controller; the 1EdTech key's controller document is not served here
        key = given_key or resolve_key(method, issuer_id=method.partition("#")[0], fetch=ours.run().fetch)

        def call(run: VerificationRun, c: dict[str, Any] = credential, k: VerificationKey = key) -> Check:
            return data_integrity.verify_signature(c, c["proof"], k, run)

        samples, _ = side_by_side(ours.timed(call), None)
        check = call(ours.run())
        outcome = f"{check.result.value}: {check.detail}"
        rows.append(
            {"fixture": fixture, "suite": proof["cryptosuite"], "signature": outcome, **summary(samples)}
        )
    return rows


def main() -> None:
    if not (VECTORS / "contexts").is_dir():  # like the other benchmarks: say so, and let `make bench` go on
        reason = f"the shared test vectors are not in {VECTORS} (../shared beside the repository)"
        print(json.dumps({"benchmark": "badges", "skipped": reason}))
        return
    dcc: dict[str, Any] = {"tool": tools.DCC_PACKAGE}
    ob2_tool: dict[str, Any] = {"tool": f"openbadges {tools.OB2_VERSION} (1EdTech OB 2.0 validator)"}
    with tempfile.TemporaryDirectory() as cache, SafeFetcher(FetchPolicy()) as fetcher:
        store = context_store(Path(cache))
        ours = Ours(store, fetcher)
        results = [*signed_here(ours), *dcc_rows(ours, dcc), *ob2_rows(store, ob2_tool)]
        steps = signature_steps(ours)
    print(
        json.dumps(
            {
                "benchmark": "badges",
                "rounds": ROUNDS,
                "warmup": WARMUP,
                "block": BLOCK,
                "targets_median_ms": TARGETS_MS,
                "results": results,
                "signature_step_only": steps,
                "reference_tools": {"dcc": dcc, "ob2": ob2_tool},
                "tools_cache": str(tools.tools_dir()),
            }
        )
    )


if __name__ == "__main__":
    main()

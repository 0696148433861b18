"""The W3C vc-di-eddsa conformance suite (mocha) against the real verifier, over a VC-API endpoint.

The suite lives in ``../shared/vectors/w3c-vc-di-eddsa-test-suite`` (read-only, no node_modules).
It is copied once into a cache directory named by a hash of its files, the Node version and the npm
flags; its three ``npm install``s run there (npm registry only), and later runs reuse it.  Each run writes a
``localConfig.cjs`` naming only our verifier into the test's own directory and points the suite
at it through ``APP_ROOT_PATH`` (which ``vc-test-suite-implementations`` reads through
app-root-path), so the cache is never written after it is built and two runs cannot clash.

Scope, by configuration only: the config lists a verifier (tags ``eddsa-rdfc-2022`` and
``eddsa-jcs-2022``) and no issuer, so every issuer, data-model and algorithm test (they iterate
over issuers) and the interop tests (``enableInteropTests: false``, and they need an issuer too)
define no test at all.  At the pinned suite commit the only verifier tests are
``tests/15-di-rdfc-verify.js`` (eddsa-rdfc-2022); its eddsa-jcs-2022 verifier tests are under
``tests/deprecated/`` and ``describe.skip`` there, and mocha does not load that folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from core.badges.verify import BadgeVerifier
from tests.conftest import skip_or_fail
from tests.fakes.vc_api import VcApiServer

pytestmark = pytest.mark.shared

REQUIRE_FLAG = "SKILLSTACK_REQUIRE_SHARED"
SUITE_FOLDER = Path("vectors") / "w3c-vc-di-eddsa-test-suite"
PACKAGES = ("deps/assert", "deps/impls", "suite")  # install order: the suite links to the two deps
IMPLEMENTATION = "SkillStack"
VERIFIER_TAGS = ("eddsa-rdfc-2022", "eddsa-jcs-2022")
# tests/15-di-rdfc-verify.js at the pinned commit: the 10 mandatory Data Integrity verifier tests and
# the 5 proof-chain ones (its optionalTests); another number means the suite or the config changed.
EXPECTED_TESTS = 15
# devDependencies are linters and the assertion library's own test tooling (the suite brings chai and
# mocha as dependencies): leaving them out halves a cold install (31 s instead of 70 s, 69 MB not 175 MB).
NPM_FLAGS = ("--omit=dev", "--no-audit", "--no-fund", "--no-update-notifier")
NPM_TIMEOUT_S = 300  # per install; all three take about 30 s with an empty npm cache
MOCHA_TIMEOUT_S = 180  # the run itself takes a few seconds
OUTPUT_TAIL_CHARS = 6000

# Verifier tests we believe are WRONG (title -> why).  Never a place for our own bugs: a failure
# of ours is fixed in the verifier.  Empty: every verifier test at the pinned commit is sound.
KNOWN_WRONG: Mapping[str, str] = {}


def test_w3c_vc_di_eddsa_suite_passes_against_our_verifier(shared_dir: Path, tmp_path: Path) -> None:
    suite_source = shared_dir / SUITE_FOLDER
    if not suite_source.is_dir():
        skip_or_fail(f"the W3C vc-di-eddsa suite is not in ../shared ({suite_source})", REQUIRE_FLAG)
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        skip_or_fail("node and npm are needed to run the W3C vc-di-eddsa suite (mocha)", REQUIRE_FLAG)
    assert node is not None and npm is not None  # skip_or_fail raised otherwise (for the type checker)

    installed = _installed_copy(suite_source, node, npm)
    report_path = tmp_path / "mocha.json"
    exchanges_path = tmp_path / "exchanges.jsonl"
    verifier = BadgeVerifier.for_data_dir(None)
    try:
        with VcApiServer(verifier) as endpoint:
            _write_local_config(tmp_path, endpoint.verify_url)
            _run_mocha(installed / "suite", app_root=tmp_path, report_path=report_path)
            exchanges_path.write_text(
                "".join(json.dumps({"sent": sent, "answer": got}) + "\n" for sent, got in endpoint.exchanges)
            )
    finally:
        verifier.close()

    results = json.loads(report_path.read_text())
    ours = [test for test in results["tests"] if f" {IMPLEMENTATION} " in f" {test['fullTitle']} "]
    others = [test["fullTitle"] for test in results["tests"] if test not in ours]
    assert not others, f"tests outside our verifier ran (config should exclude them): {others}"
    assert len(ours) == EXPECTED_TESTS, f"{len(ours)} verifier tests ran, not {EXPECTED_TESTS}: config read?"
    failures = [
        test
        for test in results["failures"]
        if test not in ours or test["title"] not in KNOWN_WRONG  # a failing hook has no test of ours
    ]
    assert results["stats"]["pending"] == 0, f"pending tests: {results['pending']}"
    if failures:
        pytest.fail(
            f"{len(failures)} of {len(results['tests'])} W3C vc-di-eddsa tests failed against our verifier "
            f"(every request and our answer: {exchanges_path}):\n"
            + "\n".join(f"- {test['fullTitle']}\n    {_error_of(test)}" for test in failures),
            pytrace=False,
        )


def _installed_copy(source: Path, node: str, npm: str) -> Path:
    """The suite with its node_modules, built once per suite content, Node version and npm flags."""
    node_version = _output([node, "--version"], timeout=30).strip()
    cache_root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "skillstack-test-tools"
    target = cache_root / f"w3c-vc-di-eddsa-{_digest(source, node_version, *NPM_FLAGS)}"
    if (target / ".complete").is_file():
        return target
    cache_root.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f"{target.name}.building-", dir=cache_root))
    try:
        shutil.copytree(source, building, dirs_exist_ok=True)
        for path in [building, *building.rglob("*")]:  # the shared copy is read-only
            path.chmod(path.stat().st_mode | 0o200)
        for package in PACKAGES:
            _npm_install(npm, building / package)
        (building / ".complete").write_text(node_version + "\n")
        try:
            building.rename(target)  # atomic: a half-built copy is never seen as the cache
        except OSError:  # another run finished first: use its copy
            if not (target / ".complete").is_file():
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return target


def _digest(source: Path, *settings: str) -> str:
    """SHA-256 over every file's relative path and bytes, and the install settings (16 hex digits)."""
    digest = hashlib.sha256("\0".join(settings).encode())
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        digest.update(path.relative_to(source).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def _npm_install(npm: str, package: Path) -> None:
    verb = "ci" if (package / "package-lock.json").is_file() else "install"
    command = [npm, verb, *NPM_FLAGS]
    try:
        done = subprocess.run(
            command, cwd=package, capture_output=True, text=True, timeout=NPM_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired as exc:
        skip_or_fail(f"npm {verb} in {package.name} took over {NPM_TIMEOUT_S} s:\n{_tail(exc)}", REQUIRE_FLAG)
        return
    if done.returncode != 0:
        skip_or_fail(
            f"npm {verb} in {package} failed ({done.returncode}); is the npm registry reachable?\n"
            f"{_tail(done)}",
            REQUIRE_FLAG,
        )


def _write_local_config(app_root: Path, verify_url: str) -> None:
    """``localConfig.cjs``: our verifier only, interop off, no issuer (we do not issue)."""
    config = {
        "settings": {"enableInteropTests": False, "testAllImplementations": False},
        "implementations": [
            {
                "name": IMPLEMENTATION,
                "implementation": "SkillStack BadgeVerifier",
                "verifiers": [
                    {
                        # An identifier for the endpoint; the suite never resolves it.
                        "id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
                        "endpoint": verify_url,
                        "tags": list(VERIFIER_TAGS),
                    }
                ],
            }
        ],
    }
    (app_root / "localConfig.cjs").write_text(f"module.exports = {json.dumps(config, indent=2)};\n")


def _run_mocha(suite: Path, *, app_root: Path, report_path: Path) -> None:
    command = [
        str(suite / "node_modules" / ".bin" / "mocha"),
        "tests/",
        "--timeout",
        "15000",
        "--preserve-symlinks",
        "--reporter",
        "json",
        "--reporter-option",
        f"output={report_path}",
    ]
    environment = {**os.environ, "APP_ROOT_PATH": str(app_root), "NO_COLOR": "1"}
    try:
        done = subprocess.run(
            command, cwd=suite, env=environment, capture_output=True, text=True, timeout=MOCHA_TIMEOUT_S
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"mocha took over {MOCHA_TIMEOUT_S} s:\n{_tail(exc)}")
    if not report_path.is_file():  # failing tests exit non-zero too; only a missing report is an error
        pytest.fail(f"mocha wrote no report (exit {done.returncode}):\n{_tail(done)}")


def _error_of(test: dict[str, Any]) -> str:
    """The assertion's message, and our endpoint's answer when the suite kept it (an HTTP error)."""
    error = test.get("err") or {}
    message = " ".join(str(error.get("message") or error or "no error recorded").split())[:500]
    actual = error.get("actual")
    if isinstance(actual, dict) and isinstance(actual.get("data"), dict):
        message += f"\n    our answer: HTTP {actual.get('status')}, errors {actual['data'].get('errors')}"
    return message


def _output(command: list[str], *, timeout: float) -> str:
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True).stdout


def _tail(done: subprocess.CompletedProcess[str] | subprocess.TimeoutExpired) -> str:
    def text(value: str | bytes | None) -> str:
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else value or ""

    return (text(done.stdout) + text(done.stderr))[-OUTPUT_TAIL_CHARS:]

"""Reference side of tests/bench/bench_badges.py: 1EdTech's OB 2.0 validator (``openbadges`` 1.1.2).

Runs inside the validator's own virtual environment (it pins an old PyLD), never the project's, so it
imports nothing from the project.  Driven over stdin/stdout like ``badges_dcc.mjs``, so the bench can
interleave these timings with ours::

    python badges_reference_ob2.py <context-url>=<file> ... -- <name>=<hosted assertion url> ...

Prints one JSON line when ready (``{ready, version, fixtures: {name: {verdict, detail}}}``), then one
``{ms, network_attempts}`` line per stdin line ``<name> <count>``.

Same conditions as our side: JSON-LD contexts are served from memory (the validator would otherwise
fetch them from w3id.org on every verification, since it builds a fresh cache per call), and any HTTP
request to a host other than the local badge server is refused at once and listed in
``network_attempts``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import openbadges
import requests
from openbadges.verifier import verifier as ob_verifier
from openbadges.verifier.utils import CachableDocumentLoader
from openbadges.version import VERSION

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
attempted: set[str] = set()


def install_offline_guards(contexts: dict[str, str]) -> None:
    """Contexts from memory, and no request leaves the machine (see the module docstring)."""

    class PreloadedLoader(CachableDocumentLoader):  # type: ignore[misc]
        def __call__(self, url: str) -> dict[str, Any]:
            if url in contexts:
                return {"contextUrl": None, "documentUrl": url, "document": contexts[url]}
            return super().__call__(url)  # type: ignore[no-any-return]

    ob_verifier.CachableDocumentLoader = PreloadedLoader
    send = requests.adapters.HTTPAdapter.send

    def local_only(
        self: requests.adapters.HTTPAdapter, request: requests.PreparedRequest, **kwargs: Any
    ) -> Any:
        if urlsplit(request.url).hostname not in LOCAL_HOSTS:
            attempted.add(str(request.url))
            raise requests.ConnectionError("network disabled by the benchmark")
        return send(self, request, **kwargs)

    requests.adapters.HTTPAdapter.send = local_only


def verdict(result: dict[str, Any]) -> dict[str, str]:
    report = result.get("report", {})
    if report.get("valid"):
        return {"verdict": "verified", "detail": f"valid, {report.get('warningCount', 0)} warnings"}
    errors = [m.get("result", "") for m in report.get("messages", []) if m.get("messageLevel") == "ERROR"]
    return {"verdict": "invalid", "detail": errors[0] if errors else "not valid"}


def send(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> None:
    split = argv.index("--")
    contexts = {}
    for spec in argv[:split]:
        url, path = spec.split("=", 1)
        contexts[url] = Path(path).read_text(encoding="utf-8")
    fixtures = dict(spec.split("=", 1) for spec in argv[split + 1 :])
    install_offline_guards(contexts)
    first = {name: verdict(openbadges.verify(url)) for name, url in fixtures.items()}
    version = ".".join(map(str, VERSION))
    send({"ready": True, "version": version, "fixtures": first, "network_attempts": sorted(attempted)})
    for line in sys.stdin:
        name, count = line.split()
        if name not in fixtures:
            break
        samples = []
        for _ in range(int(count)):
            started = time.perf_counter()
            openbadges.verify(fixtures[name])
            samples.append((time.perf_counter() - started) * 1000)
        send({"ms": samples, "network_attempts": sorted(attempted)})


if __name__ == "__main__":
    main(sys.argv[1:])

"""A test-only VC-API verifier endpoint in front of the real :class:`BadgeVerifier`.

Conformance suites written for the W3C VC-API (the vc-di-eddsa test suite, say) talk to an
implementation over HTTP: ``POST /credentials/verify`` with ``{"verifiableCredential": ...,
"options": {...}}``, answered 200 when the credential verifies and 4xx when it does not.  This
server is that endpoint for SkillStack, so the suite exercises the same verifier the bot uses:
the credential goes in as pasted JSON would (``evidence.from_text``) and the answer follows the
report's derived status, never a judgement of this module's own.

Only verification is offered: SkillStack does not issue credentials.  ``options`` are read but
not acted on (the suite sends ``checks: ["proof"]``; we always run every check, which is stricter).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from core.badges.inputs.evidence import EvidenceKind, from_text
from core.badges.report import Outcome, Report, Status
from core.badges.verify import BadgeVerifier

VERIFY_PATH = "/credentials/verify"
MAX_BODY_BYTES = 4 * 1024 * 1024  # two of the product's largest pasted credentials, plus options


class VcApiServer:
    """``POST /credentials/verify`` on a random loopback port; use as a context manager."""

    def __init__(self, verifier: BadgeVerifier) -> None:
        self._httpd = _Server(verifier)
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="vc-api", daemon=True)

    @property
    def exchanges(self) -> list[tuple[Any, dict[str, Any]]]:
        """Every (credential sent, our answer), in arrival order: what a failing test is explained by."""
        return self._httpd.exchanges

    @property
    def verify_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{VERIFY_PATH}"

    def __enter__(self) -> VcApiServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def answer(verifier: BadgeVerifier, body: object) -> tuple[int, dict[str, Any]]:
    """The HTTP status and JSON body for one verify request (VC-API shape, plus our report)."""
    if not isinstance(body, dict) or "verifiableCredential" not in body:
        return 400, _error("the request body must be an object with a verifiableCredential")
    credential = body["verifiableCredential"]
    if not isinstance(credential, dict):
        # VC-API: verifiableCredential is an object.  A JSON *string* holding a credential is not
        # one (the suite sends exactly that and expects an error), so it is not parsed as pasted text.
        return 400, _error("verifiableCredential must be a JSON object")
    evidence = from_text(json.dumps(credential))
    if evidence is None or evidence.kind is not EvidenceKind.JSON:
        return 400, _error("verifiableCredential is too large to be a badge")
    report = verifier.verify(evidence)
    return (200 if report.status is Status.VERIFIED else 400), _body(report)


def _body(report: Report) -> dict[str, Any]:
    """VC-API's ``checks`` / ``warnings`` / ``errors`` lists, with the full report beside them."""
    passed = [check.name for check in report.checks if check.result is Outcome.PASSED]
    problems = [
        f"{check.name}: {check.detail}"
        for check in report.checks
        if check.result is Outcome.FAILED or (check.result is Outcome.SKIPPED and check.required)
    ]
    notes = [
        f"{check.name}: {check.detail}"
        for check in report.checks
        if check.result is Outcome.SKIPPED and not check.required
    ]
    return {
        "verified": report.status is Status.VERIFIED,
        "checks": sorted(set(passed)),
        "warnings": notes,
        "errors": problems,
        "report": report.to_json(),
    }


def _error(message: str) -> dict[str, Any]:
    return {"verified": False, "checks": [], "warnings": [], "errors": [message], "report": None}


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, verifier: BadgeVerifier) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.verifier = verifier
        self.exchanges: list[tuple[Any, dict[str, Any]]] = []


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_POST(self) -> None:
        if self.path.split("?", 1)[0] != VERIFY_PATH:
            self._send(404, _error(f"only POST {VERIFY_PATH} is served"))
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._send(413, _error("request body too large"))
            return
        try:
            body = json.loads(self.rfile.read(length))
        except ValueError:
            self._send(400, _error("the request body is not JSON"))
            return
        status, payload = answer(self.server.verifier, body)
        credential = body.get("verifiableCredential") if isinstance(body, dict) else None
        self.server.exchanges.append((credential, payload))
        self._send(status, payload)

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: pytest shows the suite's failures, not an access log."""

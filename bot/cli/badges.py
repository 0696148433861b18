"""``skillstack verify`` and ``skillstack contexts import``: the badge verifier from the shell.

``verify`` takes what a learner would paste or send (a link, a JSON or JWS file or string, a baked
PNG/SVG) and prints every check; ``--json`` prints the report in the documented shape.  The exit
code says the verdict, so scripts can use it: 0 verified, 1 invalid, 3 unverifiable (2 stays
argparse's "bad usage").

``contexts import DIR`` fills the JSON-LD context cache from local files, for machines that must
verify without reaching the context hosts; a file is accepted only when its SHA-256 matches a
pinned context URL.

Their options are declared in :mod:`bot.cli.commands`; this module (and the verifier) loads only when one
of the two commands runs.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bot.cli import settings as cli_settings
from core.badges.inputs.evidence import MAX_FILE_BYTES, Evidence, from_file, from_text
from core.badges.jsonld.contexts import ContextStore
from core.badges.report import Outcome, Report, Status
from core.badges.verify import BadgeVerifier

EXIT_FOR_STATUS = {Status.VERIFIED: 0, Status.INVALID: 1, Status.UNVERIFIABLE: 3}
EXIT_NOT_A_BADGE = 1
MARKS = {Outcome.PASSED: "✓", Outcome.FAILED: "✗", Outcome.SKIPPED: "–"}


def evidence_from_argument(argument: str) -> Evidence | None:
    """A path to a file, or the text itself (link, JSON, JWS)."""
    path = Path(argument).expanduser()
    if len(argument) < 4096 and path.is_file():
        with path.open("rb") as handle:  # never more than the limit into memory
            data = handle.read(MAX_FILE_BYTES + 1)
        return from_file(data, path.name) if len(data) <= MAX_FILE_BYTES else None
    return from_text(argument)


def verify(args: argparse.Namespace) -> int:
    settings = cli_settings.load()
    evidence = evidence_from_argument(args.badge)
    if evidence is None:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        print(
            f"not a badge: give a link, a JSON or JWS badge, or a baked PNG/SVG image (at most {limit} MiB)"
        )
        return EXIT_NOT_A_BADGE
    verifier = BadgeVerifier.for_data_dir(settings.data_dir, test_hosts=settings.fetch_test_hosts)
    try:
        report = verifier.verify(evidence, args.recipient)
    finally:
        verifier.close()
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return EXIT_FOR_STATUS[report.status]
    print(f"{report.status.value.upper()}: {report.reason}")
    print(f"format:    {report.format}")
    print(f"badge:     {report.badge_name or '-'}")
    print(f"issuer:    {report.issuer_name or '-'} ({report.issuer_id or 'no id'})")
    print(f"provider:  {_provider_line(report)}")
    print(f"issued:    {report.issued.isoformat() if report.issued else '-'}")
    print(f"expires:   {report.expires.isoformat() if report.expires else '-'}")
    recipient = {True: "matches", False: "does NOT match", None: "not checked"}[report.recipient_match]
    print(f"recipient: {recipient}")
    for check in report.checks:
        print(f"  {MARKS[check.result]} {check.name}: {check.detail}")
    return EXIT_FOR_STATUS[report.status]


def _provider_line(report: Report) -> str:
    """Whether the issuer is a recognised provider, in plain words."""
    found = report.recognition
    if found is None:
        return "not a recognised provider (the issuer's name is only what the badge says)"
    return f"recognised: {found.name} ({found.provider}, matched {found.via})"


def contexts_import(args: argparse.Namespace) -> int:
    settings = cli_settings.load()
    if not args.directory.is_dir():
        print(f"{args.directory} is not a directory")
        return EXIT_NOT_A_BADGE
    results = ContextStore(settings.data_dir / "contexts").import_dir(args.directory)
    accepted = [(path, url) for path, url in results if url]
    for path, url in results:
        print(f"{'imported' if url else 'refused '}  {path.name}" + (f"  -> {url}" if url else ""))
    print(f"{len(accepted)} of {len(results)} files imported into {settings.data_dir / 'contexts'}")
    return 0 if accepted else EXIT_NOT_A_BADGE

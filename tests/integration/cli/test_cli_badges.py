"""``skillstack verify`` and ``skillstack contexts import`` as an operator runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli.commands import main
from tests.fakes.badge_server import BadgeServer
from tests.integration.dialogue.test_badges import EMAIL, host_badge

REPORT_KEYS = {
    "status",
    "format",
    "issuer",
    "issuer_recognized",
    "badge",
    "recipient_match",
    "issued",
    "expires",
    "checks",
}


@pytest.fixture
def reachable(badge_server: BadgeServer, monkeypatch: pytest.MonkeyPatch) -> BadgeServer:
    monkeypatch.setenv("SKILLSTACK_FETCH_TEST_HOSTS", badge_server.host)
    return badge_server


def run_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    code = main(["verify", *args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_verify_prints_the_documented_json_and_exits_0(
    reachable: BadgeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = host_badge(reachable, "Data Basics", "Some Academy")
    code, report = run_json([url, "--recipient", EMAIL], capsys)
    assert code == 0
    assert set(report) == REPORT_KEYS
    assert report["status"] == "verified" and report["recipient_match"] is True
    assert report["issuer"] == {"id": reachable.https_url("/issuer"), "name": "Some Academy"}
    assert report["badge"]["name"] == "Data Basics"  # type: ignore[index]
    assert report["issued"] == "2026-10-01T00:00:00Z"
    checks = report["checks"]
    assert isinstance(checks, list) and all(set(check) == {"name", "result", "detail"} for check in checks)
    assert EMAIL not in json.dumps(report)  # compared, never echoed


def test_verify_exit_codes_say_the_verdict(
    reachable: BadgeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = host_badge(reachable, "Data Basics", "Some Academy")
    assert run_json([url, "--recipient", "other@example.com"], capsys)[0] == 1
    reachable.route("/assertions/1", {}, status=410)
    code, report = run_json([url], capsys)
    assert (code, report["status"]) == (1, "invalid")
    assert main(["verify", "https://127.0.0.1:1/x"]) == 3  # refused address: nothing could be checked
    assert "UNVERIFIABLE" in capsys.readouterr().out


def test_verify_reads_files_and_says_when_something_is_not_a_badge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    assert main(["verify", str(tmp_path / "notes.txt")]) == 1
    assert "not a badge" in capsys.readouterr().out
    assert main(["verify", "I finished a course"]) == 1


def test_contexts_import_accepts_only_pinned_files(
    shared_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "contexts"
    shutil.copytree(shared_dir / "vectors" / "contexts", source)
    tampered = source / "credentials-v2.jsonld"
    tampered.write_text(tampered.read_text().replace('"@protected": true', '"@protected": false', 1))

    assert main(["contexts", "import", str(source)]) == 0

    out = capsys.readouterr().out
    assert "refused   credentials-v2.jsonld" in out
    assert "imported  credentials-v1.jsonld  -> https://www.w3.org/2018/credentials/v1" in out
    cached = list((tmp_path / "var" / "contexts").rglob("*"))
    assert cached, "the cache under the data directory was filled"
    assert main(["contexts", "import", str(tmp_path / "missing")]) == 1

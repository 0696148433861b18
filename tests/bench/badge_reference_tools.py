"""The reference verifiers the badge bench compares against: installed on first use, run as workers.

- the Digital Credentials Consortium's ``@digitalcredentials/verifier-core`` (npm, run under Node);
- 1EdTech's OB 2.0 validator ``openbadges`` 1.1.2 (PyPI), in its own virtual environment because it
  pins an old PyLD and other old libraries the project must never depend on.

Both go into a cache directory outside the repository (``$SKILLSTACK_BENCH_TOOLS``, default
``$XDG_CACHE_HOME/skillstack-bench-tools`` or ``~/.cache/...``), so a fresh machine bootstraps them
once and the project's environment and tree stay untouched.  A tool that cannot be installed raises
:class:`ToolUnavailable` with a short reason: the bench then reports our own figures without it.

A :class:`Worker` is a reference verifier in a child process (``badges_dcc.mjs``,
``badges_reference_ob2.py``) spoken to line by line, so the bench can alternate short blocks of its
timings with ours instead of measuring the two minutes apart on a noisy machine.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).resolve().parent
DCC_PACKAGE = "@digitalcredentials/verifier-core"
DCC_VERSION = "1.0.0-beta.11"
OB2_VERSION = "1.1.2"
# openbadges 1.1.2's own pins do not install on Python 3.11; these do (see the issue).
OB2_DEPENDENCIES = (
    "aniso8601",
    "Click==6.7",
    "future==0.16.0",
    "jsonschema==2.6.0",
    "language-tags==0.4.3",
    "openbadges-bakery>=1.1.0",
    "pycryptodome==3.23.0",
    "pydux==0.2.2",
    "PyLD==0.7.1",
    "python-jose==3.2.0",
    "python-mimeparse==1.6.0",
    "pytz>=2023",
    "requests",
    "requests_cache==0.4.13",
    "rfc3986==0.4.1",
    "validators==0.11.2",
)
INSTALL_TIMEOUT = 900.0
EXIT_TIMEOUT = 30.0


class ToolUnavailable(Exception):
    """A reference tool could not be installed or started; ``reason`` says why, briefly."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def tools_dir() -> Path:
    configured = os.environ.get("SKILLSTACK_BENCH_TOOLS")
    if configured:
        return Path(configured)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "skillstack-bench-tools"


def dcc_command() -> list[str]:
    """``node badges_dcc.mjs <install dir>``, after ``npm install`` into the cache on first use."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        raise ToolUnavailable("node and npm are needed and were not found on PATH")
    target = tools_dir() / f"dcc-verifier-core-{DCC_VERSION}"
    if not (target / "node_modules" / DCC_PACKAGE / "package.json").is_file():
        target.mkdir(parents=True, exist_ok=True)
        (target / "package.json").write_text('{"name": "skillstack-bench-dcc", "private": true}\n')
        _install([npm, "install", "--no-audit", "--no-fund", f"{DCC_PACKAGE}@{DCC_VERSION}"], cwd=target)
    return [node, str(HERE / "badges_dcc.mjs"), str(target)]


def ob2_command() -> list[str]:
    """``<venv python> badges_reference_ob2.py``, after creating the validator's venv on first use."""
    target = tools_dir() / f"openbadges-{OB2_VERSION}"
    python = target / "bin" / "python"
    marker = target / ".installed"
    if not marker.is_file():
        base = sys.executable if sys.version_info[:2] == (3, 11) else shutil.which("python3.11")
        if base is None:
            raise ToolUnavailable("openbadges 1.1.2 needs Python 3.11, which was not found")
        shutil.rmtree(target, ignore_errors=True)  # a half-made venv from an interrupted run
        _install([base, "-m", "venv", str(target)])
        pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        _install([*pip, "--no-deps", f"openbadges=={OB2_VERSION}"])
        _install([*pip, *OB2_DEPENDENCIES])
        _install([str(python), "-c", "import openbadges"])
        marker.write_text(f"openbadges=={OB2_VERSION}\n")
    return [str(python), str(HERE / "badges_reference_ob2.py")]


def _install(command: list[str], cwd: Path | None = None) -> None:
    print(f"bench_badges: {' '.join(command[:4])} ...", file=sys.stderr)
    try:
        done = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ToolUnavailable(f"{Path(command[0]).name} failed: {error}") from None
    if done.returncode != 0:
        raise ToolUnavailable(f"{' '.join(command[:4])} failed: {_tail(done.stderr or done.stdout)}")


def _tail(text: str, lines: int = 3) -> str:
    return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:])[:400]


class Worker:
    """A reference verifier in a child process: ``ready`` is its first answer (version and the
    verdict on every fixture); :meth:`time` runs one fixture ``count`` times and returns the ms."""

    def __init__(self, command: list[str]) -> None:
        self._stderr: IO[str] = tempfile.TemporaryFile("w+")  # noqa: SIM115  (closed in close())
        self._process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, text=True
        )
        self.network_attempts: list[str] = []
        self.ready = self._answer()

    def time(self, name: str, count: int) -> list[float]:
        assert self._process.stdin is not None
        self._process.stdin.write(f"{name} {count}\n")
        self._process.stdin.flush()
        return [float(ms) for ms in self._answer()["ms"]]

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=EXIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._stderr.close()

    def _answer(self) -> dict[str, Any]:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            self._process.wait(timeout=EXIT_TIMEOUT)
            self._stderr.seek(0)
            reason = f"the worker exited: {_tail(self._stderr.read()) or 'no message'}"
            self.close()
            raise ToolUnavailable(reason)
        answer: dict[str, Any] = json.loads(line)
        self.network_attempts = list(answer.get("network_attempts", []))
        return answer

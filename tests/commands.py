"""Run a command as a process on pipes: text in, text out, never raising on a non-zero exit."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path


def run_command(
    argv: Sequence[str], *, cwd: Path, env: Mapping[str, str], stdin: str = "", timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``argv`` run in ``cwd`` with exactly ``env``; the caller asserts on its exit code and output."""
    return subprocess.run(
        list(argv),
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=dict(env),
        timeout=timeout,
    )

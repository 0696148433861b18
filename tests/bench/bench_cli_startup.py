"""Start-up of the ``skillstack`` command line: whole processes, as a user runs them.

Prints one JSON object.  Each command is the venv's own ``skillstack`` script (the console entry point
next to ``sys.executable``), timed from start to exit; the baseline is ``python -c pass`` from the same
interpreter, so ``ratio_to_baseline`` says how many interpreter starts a command costs and
``net_of_baseline_ms`` what SkillStack adds.  Targets (median wall time): ``--help`` <= 0.3 s,
``verify`` of a local eddsa-jcs-2022 credential <= 0.6 s, ``plan`` <= 1 s.

The commands run in rounds, all of them once per round in an order that rotates from round to round,
so a slow spell of the machine hits every command alike.  One unmeasured warm-up run of each comes
first (bytecode compiled, files cached); every run must exit 0, and ``verify`` must say VERIFIED, so a
fast failure cannot pass for a fast command.  CPU time (user + system of the finished child) is given
beside wall time: on a shared machine it varies less.  No network: the credential is signed here by a
did:key issuer (``badge_signing``) and its contexts are the pinned ones the product ships.
``BENCH_CLI_ROUNDS`` sets the number of rounds (default 15).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.badge_signing import jcs_signed_badge

ROUNDS = int(os.environ.get("BENCH_CLI_ROUNDS", "15"))
TARGETS_S = {"help": 0.3, "verify_jcs": 0.6, "plan": 1.0}


def _commands(workdir: Path) -> dict[str, list[str]]:
    badge = workdir / "badge.json"
    badge.write_text(json.dumps(jcs_signed_badge()), encoding="utf-8")
    skillstack = str(Path(sys.executable).parent / "skillstack")
    return {
        "baseline_python_pass": [sys.executable, "-c", "pass"],
        "help": [skillstack, "--help"],
        "verify_jcs": [skillstack, "verify", str(badge)],
        "plan": [skillstack, "plan", "--goal", "data analyst"],
    }


def _environment(workdir: Path) -> dict[str, str]:
    """The caller's environment without SkillStack settings: every run sees the defaults and no .env."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SKILLSTACK_") and name != "TELEGRAM_BOT_TOKEN"
    }
    environment["SKILLSTACK_DATA_DIR"] = str(workdir / "var")
    return environment


def _run(command: list[str], workdir: Path, environment: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, standard output) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=workdir, env=environment, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{command} exited {done.returncode}: {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def _shown(command: list[str]) -> str:
    """The command line with file names instead of temporary paths."""
    return " ".join(Path(part).name if "/" in part else part for part in command)


def _summary(walls: list[float], cpus: list[float]) -> dict[str, float]:
    return {
        "wall_median_ms": round(statistics.median(walls) * 1000, 1),
        "wall_min_ms": round(min(walls) * 1000, 1),
        "wall_max_ms": round(max(walls) * 1000, 1),
        "cpu_median_ms": round(statistics.median(cpus) * 1000, 1),
    }


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as temporary:
        workdir = Path(temporary)
        commands = _commands(workdir)
        environment = _environment(workdir)
        for name, command in commands.items():  # warm-up, and the verdict check
            output = _run(command, workdir, environment)[2]
            if name == "verify_jcs" and not output.startswith("VERIFIED"):
                raise RuntimeError(f"the fixture did not verify: {output[:500]}")
        walls: dict[str, list[float]] = {name: [] for name in commands}
        cpus: dict[str, list[float]] = {name: [] for name in commands}
        names = list(commands)
        for round_number in range(ROUNDS):
            shift = round_number % len(names)
            for name in names[shift:] + names[:shift]:
                wall, cpu, _ = _run(commands[name], workdir, environment)
                walls[name].append(wall)
                cpus[name].append(cpu)

    baseline = statistics.median(walls["baseline_python_pass"])
    results: dict[str, object] = {
        "baseline_python_pass": _summary(walls["baseline_python_pass"], cpus["baseline_python_pass"])
    }
    for name, target in TARGETS_S.items():
        median = statistics.median(walls[name])
        results[name] = {
            **_summary(walls[name], cpus[name]),
            "ratio_to_baseline": round(median / baseline, 2),
            "net_of_baseline_ms": round((median - baseline) * 1000, 1),
            "target_s": target,
            "target_met": median <= target,
        }
    print(
        json.dumps(
            {
                "benchmark": "cli_startup",
                "rounds": ROUNDS,
                "commands": {name: _shown(command) for name, command in commands.items()},
                **results,
            }
        )
    )


if __name__ == "__main__":
    main()

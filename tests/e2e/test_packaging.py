"""``pip install .`` (not editable) gives a SkillStack that works from any directory.

One wheel is built and installed into a fresh virtual environment per session (no system site
packages, dependencies from the configured package index): about half a minute, most of it pip. A
machine that cannot reach the index fails these tests rather than skipping them.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from tests.commands import run_command
from tests.paths import REPO_ROOT
from tests.scripts import ENGLISH_TYPED_ONBOARDING

REPOSITORY = REPO_ROOT


@dataclass(frozen=True)
class Installed:
    """A wheel and the fresh environment it was installed into."""

    wheel: Path
    bin_dir: Path
    workdir: Path

    def run(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        """A command of the environment, run in a directory that holds no SkillStack source."""
        environment = {
            "PATH": f"{self.bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": str(self.workdir),
            "SKILLSTACK_DATA_DIR": str(self.workdir / "var"),
        }
        return run_command(
            [str(self.bin_dir / args[0]), *args[1:]], cwd=self.workdir, env=environment, stdin=stdin
        )


def _pip(*args: str, cwd: Path, python: str = sys.executable) -> None:
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    result = run_command(
        [python, "-m", "pip", *args, "--quiet", "--disable-pip-version-check"],
        cwd=cwd,
        env=environment,
        timeout=600,
    )
    assert result.returncode == 0, f"pip {args[0]} failed:\n{result.stdout}\n{result.stderr}"


def _copy_of_the_source(target: Path) -> Path:
    """What a wheel is built from, copied: setuptools writes build/ and *.egg-info into its source."""
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPOSITORY / name, target / name)
    for name in ("core", "bot", "data"):
        shutil.copytree(REPOSITORY / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    root = tmp_path_factory.mktemp("wheel")
    source = _copy_of_the_source(tmp_path_factory.mktemp("source"))
    _pip("wheel", str(source), "--no-deps", "--wheel-dir", str(root / "dist"), cwd=root)
    (wheel,) = (root / "dist").glob("skillstack_coach-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True, timeout=120)
    bin_dir = root / "venv" / "bin"
    _pip("install", str(wheel), cwd=root, python=str(bin_dir / "python"))
    workdir = root / "elsewhere"
    workdir.mkdir()
    yield Installed(wheel, bin_dir, workdir)


def _source_files() -> set[str]:
    """What the wheel must hold: every module, every migration and every shipped data file."""
    code = {
        path.relative_to(REPOSITORY).as_posix()
        for package in ("core", "bot")
        for path in (REPOSITORY / package).rglob("*")
        if path.is_file() and path.suffix in {".py", ".mako"} and "__pycache__" not in path.parts
    }
    data = {
        "skillstack_data/" + path.relative_to(REPOSITORY / "data").as_posix()
        for path in (REPOSITORY / "data").rglob("*")
        if path.is_file() and path.suffix in {".py", ".yaml", ".json"} and "__pycache__" not in path.parts
    }
    return code | data


@pytest.mark.wheel
def test_the_wheel_holds_every_module_migration_and_data_file(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as archive:
        names = set(archive.namelist())
    missing = sorted(_source_files() - names)
    assert not missing, f"not in the wheel (add the package to [tool.setuptools] packages): {missing}"


@pytest.mark.wheel
def test_the_installed_package_runs_on_its_own_files(installed: Installed) -> None:
    result = installed.run("python", "-c", "import core, skillstack_data; print(core.__file__)")
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).is_relative_to(installed.bin_dir.parent)


@pytest.mark.wheel
def test_catalog_export_reads_the_shipped_catalog(installed: Installed) -> None:
    result = installed.run("skillstack", "catalog", "export", "--json")
    assert result.returncode == 0, result.stderr
    assert '"title": "Introduction to Data Analytics"' in result.stdout


@pytest.mark.wheel
def test_plan_answers_a_goal_from_any_directory(installed: Installed) -> None:
    result = installed.run("skillstack", "plan", "--goal", "belajar SQL dari nol", "--lang", "id")
    assert result.returncode == 0, result.stderr
    assert "Rencana kamu: SQL" in result.stdout


@pytest.mark.wheel
def test_a_piped_chat_onboarding_migrates_and_ends_with_the_plan(installed: Installed) -> None:
    result = installed.run("skillstack", "chat", stdin="\n".join(ENGLISH_TYPED_ONBOARDING) + "\n")
    assert result.returncode == 0, result.stderr
    assert "Question 1 of 11" in result.stdout
    assert "Your plan: Data analyst" in result.stdout
    assert (installed.workdir / "var" / "skillstack.db").is_file()


def _imported_top_level_names() -> set[str]:
    """Every top-level module name ``core`` and ``bot`` import, the standard library left out."""
    names: set[str] = set()
    for path in [*(REPOSITORY / "core").rglob("*.py"), *(REPOSITORY / "bot").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"core", "bot"}


def _declared_distributions() -> set[str]:
    with (REPOSITORY / "pyproject.toml").open("rb") as handle:
        requirements = tomllib.load(handle)["project"]["dependencies"]
    return {_normalized(re.split(r"[\s\[<>=~!;]", line, maxsplit=1)[0]) for line in requirements}


def _normalized(name: str) -> str:
    return name.lower().replace("_", "-")


def test_every_imported_package_is_a_declared_dependency() -> None:
    providers = packages_distributions()
    declared = _declared_distributions()
    undeclared = {
        name: providers.get(name)
        for name in _imported_top_level_names()
        if not {_normalized(dist) for dist in providers.get(name, [])} & declared
    }
    assert not undeclared, f"imported but not in [project] dependencies: {undeclared}"

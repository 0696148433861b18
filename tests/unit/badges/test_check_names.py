"""One catalogue of check names (``CheckName``): the verifier names its checks from it, and the
chat labels them from it (their labels: tests/unit/test_i18n.py)."""

from __future__ import annotations

import re

import pytest

from core.badges.report import Check, CheckName
from tests.paths import REPO_ROOT

BADGES_DIR = REPO_ROOT / "core" / "badges"
NAMED_CHECK = re.compile(r"""Check\.(?:passed|failed|skipped)\(\s*["']([a-z_]+)["']""")
NAME_CONSTANT = re.compile(r"""^NAME = ["']([a-z_]+)["']""", re.MULTILINE)


def _names_in_the_verifier() -> set[str]:
    names: set[str] = set()
    for path in BADGES_DIR.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        names.update(NAMED_CHECK.findall(source), NAME_CONSTANT.findall(source))
    return names


def test_a_check_outside_the_catalogue_cannot_be_made() -> None:
    with pytest.raises(ValueError, match="signatur"):
        Check.failed("signatur", "a typo")


def test_every_check_the_verifier_names_is_in_the_catalogue_and_every_name_is_used() -> None:
    named = _names_in_the_verifier()
    assert len(named) > 5, "the scan found too few checks: the pattern is broken"
    assert named == {name.value for name in CheckName}

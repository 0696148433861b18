"""Locale files: same keys and placeholders in every language; every key used in code exists."""

from __future__ import annotations

import re

import pytest

from core.i18n import LANGUAGES, messages, normalize_language, placeholders, t
from tests.paths import REPO_ROOT

KEY_IN_CODE = re.compile(r"""(?:\bt|\.text)\(\s*["']([a-z0-9_.-]+)["']""")


def _keys_used_in_code() -> set[str]:
    keys: set[str] = set()
    for package in ("core", "bot"):
        for path in (REPO_ROOT / package).rglob("*.py"):
            keys.update(KEY_IN_CODE.findall(path.read_text(encoding="utf-8")))
    return keys


def test_languages_have_the_same_keys() -> None:
    english = set(messages("en"))
    for language in LANGUAGES:
        assert set(messages(language)) == english, language


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match_english(language: str) -> None:
    for key, text in messages("en").items():
        assert placeholders(messages(language)[key]) == placeholders(text), key


def test_every_key_used_in_code_exists() -> None:
    used = _keys_used_in_code()
    assert used, "the scan found no t(...) calls: the pattern is broken"
    for language in LANGUAGES:
        missing = used - set(messages(language))
        assert not missing, (language, sorted(missing))


def test_no_empty_texts() -> None:
    for language in LANGUAGES:
        assert all(text.strip() for text in messages(language).values()), language


def test_missing_key_raises() -> None:
    with pytest.raises(KeyError):
        t("no.such.key", "en")


@pytest.mark.parametrize(
    ("code", "expected"),
    [("id", "id"), ("id-ID", "id"), ("en-GB", "en"), ("fr", "en"), (None, "en"), ("", "en")],
)
def test_language_codes_map_to_supported_languages(code: str | None, expected: str) -> None:
    assert normalize_language(code) == expected


def test_keys_built_at_run_time_exist() -> None:
    from core.badges.report import CheckName, Outcome
    from core.catalog.schema import CourseFormat, Level, SkillKind
    from core.dialogue.commands import COMMANDS
    from core.dialogue.flows.badges import BADGE_ACTIONS, PICK_ACTIONS
    from core.dialogue.flows.onboarding import ZONE_CHOICES
    from core.dialogue.flows.plan import PLAN_ACTIONS
    from core.dialogue.flows.settings import SETTINGS
    from core.planner.types import UncoveredReason
    from core.storage.models import BadgeStatus

    families = [
        *(f"plan.action.{action}" for action in PLAN_ACTIONS),
        *(f"settings.option.{key}" for key in [*SETTINGS, "language"]),
        *(f"weekday.{day}" for day in range(7)),
        *(f"months.{month}" for month in range(1, 13)),
        *(f"format.{fmt.value}" for fmt in CourseFormat),
        *(f"level.{level.value}" for level in Level),
        *(f"uncovered.{reason.value}" for reason in UncoveredReason),
        *(f"skill_kind.{kind.value}" for kind in SkillKind if kind is not SkillKind.HARD),
        *(f"language.name.{code}" for code in LANGUAGES),
        *(f"zone.{zone.replace('/', '_')}" for zones in ZONE_CHOICES.values() for zone in zones),
        *(f"badges.{part}.{status.value}" for part in ("status", "result") for status in BadgeStatus),
        *(f"badges.check.{name.value}" for name in CheckName),
        *(f"badges.reason.{outcome.value}" for outcome in Outcome if outcome is not Outcome.PASSED),
        *(f"badges.action.{action}" for action in BADGE_ACTIONS),
        *(f"badges.pick.{action}" for action in PICK_ACTIONS),
        *(f"forget.{answer}" for answer in ("yes", "no")),
        *(f"command.{command.name}.{use}" for command in COMMANDS for use in ("help", "menu")),
    ]
    for language in LANGUAGES:
        missing = [key for key in families if key not in messages(language)]
        assert missing == [], language

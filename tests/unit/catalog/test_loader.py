"""Catalog checking: every mistake reported, precisely (file, line, entry, field), all at once."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from bot.cli.commands import main
from core.catalog import CatalogError, check_catalog_path, load_catalog
from core.catalog.loader import find_prerequisite_cycles
from tests.paths import FIXTURES


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    """A small valid catalog that a test may break."""
    target = tmp_path / "catalog-copy"
    shutil.copytree(FIXTURES / "catalog", target)
    return target


def _courses_file(catalog_dir: Path) -> Path:
    return catalog_dir / "catalog" / "courses" / "sample.yaml"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _issues(catalog_dir: Path) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        load_catalog(catalog_dir)
    return [str(issue) for issue in caught.value.issues]


def test_fixture_catalog_loads(catalog_dir: Path) -> None:
    catalog = load_catalog(catalog_dir)
    assert set(catalog.skills) == {"sql", "spreadsheets", "communication", "online-safety"}
    assert [c.id for c in catalog.courses_by_skill["sql"]] == ["sample-sql"]
    assert catalog.courses["sample-sql"].prerequisites == ["sample-sheets"]
    assert [c.id for c in catalog.free_courses_for("spreadsheets")] == ["sample-sheets"]


def test_three_mistakes_are_all_reported_precisely(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SKILLSTACK_CATALOG_DIR", str(FIXTURES / "catalog"))
    path = FIXTURES / "three-mistakes.yaml"
    assert main(["catalog", "validate", str(path)]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].endswith("3 problem(s) found:")
    issues = [line.strip() for line in lines[1:]]
    shown = str(path)
    assert issues == [
        f"{shown}:26: course 'import-negative-hours': hours: Input should be greater than 0",
        f"{shown}:38: course 'import-unknown-skill': skills[1]: "
        "unknown skill id 'spredsheets' (did you mean 'spreadsheets'?)",
        f"{shown}:48: course 'import-good': id: duplicate course id (first defined at {shown}:3)",
    ]


def test_clean_directory_validates_with_exit_0(catalog_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "validate", str(catalog_dir)]) == 0
    assert "no problems found (2 courses, 4 skills, 1 goals checked)" in capsys.readouterr().out


def test_import_file_may_refer_to_installed_courses(catalog_dir: Path, tmp_path: Path) -> None:
    installed = load_catalog(catalog_dir)
    extra = tmp_path / "extra.yaml"
    text = _courses_file(catalog_dir).read_text(encoding="utf-8")
    extra.write_text(text.replace("id: sample-sql", "id: sample-sql-2"), encoding="utf-8")
    issues, merged = check_catalog_path(extra, installed)
    assert [str(i) for i in issues] == []
    assert "sample-sql-2" in merged.courses
    assert "sample-sql" in merged.courses


def test_yaml_syntax_error_has_a_line(catalog_dir: Path) -> None:
    _replace(_courses_file(catalog_dir), "    hours: 10\n", "    hours: [10\n")
    issues = _issues(catalog_dir)
    assert len(issues) == 1
    assert "sample.yaml:" in issues[0]
    assert "YAML syntax" in issues[0]


def test_unknown_field_is_an_error_not_ignored(catalog_dir: Path) -> None:
    _replace(_courses_file(catalog_dir), "    hours: 10\n", "    hourz: 10\n")
    issues = _issues(catalog_dir)
    assert any("course 'sample-sheets': hourz: Extra inputs are not permitted" in i for i in issues)
    assert any("course 'sample-sheets': hours: Field required" in i for i in issues)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("cost: {model: free}", "cost: {model: free, amount: 5}", "a free course has amount 0"),
        ("amount: 49,", "amount: -49,", "cost.amount: Input should be greater than or equal to 0"),
        ("cost: {model: free}", "cost: {model: one-off}", "a one-off course needs an amount above 0"),
        (
            "url: https://example.org/sheets",
            "url: http://example.org/sheets",
            "url: Value error, must be an https",
        ),
        (
            "level: beginner",
            "level: expert",
            "level: Input should be 'beginner', 'intermediate' or 'advanced'",
        ),
        ("languages: [en, id]", "languages: [english]", "languages[0]: String should match pattern"),
        ("id: sample-sheets", "id: Sample Sheets", "id: String should match pattern"),
        (
            "prerequisites: [sample-sheets]",
            "prerequisites: [sample-shets]",
            "unknown course id 'sample-shets' (did you mean 'sample-sheets'?)",
        ),
        (
            "prerequisites: [sample-sheets]",
            "prerequisites: [sample-sql]",
            "a course cannot be its own prerequisite",
        ),
    ],
)
def test_entry_mistakes(catalog_dir: Path, old: str, new: str, expected: str) -> None:
    _replace(_courses_file(catalog_dir), old, new)
    issues = _issues(catalog_dir)
    assert any(expected in issue for issue in issues), issues


def test_prerequisite_cycle_is_reported(catalog_dir: Path) -> None:
    _replace(
        _courses_file(catalog_dir),
        "    level: beginner\n",
        "    level: beginner\n    prerequisites: [sample-sql]\n",
    )
    issues = _issues(catalog_dir)
    assert len(issues) == 1
    assert "prerequisite cycle: sample-sheets -> sample-sql -> sample-sheets" in issues[0]


def test_taxonomy_mistakes_in_several_files_come_together(catalog_dir: Path) -> None:
    _replace(catalog_dir / "taxonomy" / "skills.yaml", "    digcomp_area: safety\n", "")
    _replace(catalog_dir / "taxonomy" / "goals.yaml", "communication: 0.5", "comunication: 0.5")
    _replace(catalog_dir / "taxonomy" / "goals.yaml", "sql: 1.0", "sql: 1.5")
    issues = _issues(catalog_dir)
    assert len(issues) == 3, issues
    joined = "\n".join(issues)
    assert "skill 'online-safety': Value error, a digital-literacy skill needs digcomp_area" in joined
    assert "goal 'data-analyst': skills.comunication: unknown skill id 'comunication'" in joined
    assert "goal 'data-analyst': skills.sql: Input should be less than or equal to 1" in joined


def test_missing_files_are_reported(tmp_path: Path) -> None:
    issues = _issues(tmp_path)
    assert any("skills.yaml: cannot read file" in i for i in issues)
    assert any("goals.yaml: cannot read file" in i for i in issues)
    assert any("no course files" in i for i in issues)


def test_wrong_top_level_shape(catalog_dir: Path) -> None:
    _courses_file(catalog_dir).write_text("- just a list\n", encoding="utf-8")
    expected = "expected a mapping with a top-level 'courses:' or 'pathways:' list"
    assert any(expected in i for i in _issues(catalog_dir))


def test_binary_garbage_is_reported_not_raised(catalog_dir: Path) -> None:
    _courses_file(catalog_dir).write_bytes(b"\xff\xfe\x00garbage\x80")
    assert any("not UTF-8" in i for i in _issues(catalog_dir))


def test_bot_refuses_to_start_on_a_broken_catalog(
    catalog_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _replace(_courses_file(catalog_dir), "    hours: 10\n", "    hours: -1\n")
    monkeypatch.setenv("SKILLSTACK_CATALOG_DIR", str(catalog_dir))
    assert main(["run"]) == 1
    err = capsys.readouterr().err
    assert "will not start" in err
    assert "hours: Input should be greater than 0" in err


def test_cycle_finder_handles_long_chains_and_reports_each_cycle_once() -> None:
    chain = {f"c{i}": [f"c{i + 1}"] for i in range(20_000)}
    chain["c20000"] = []
    assert find_prerequisite_cycles(chain) == []
    assert find_prerequisite_cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [
        ["a", "b", "c", "a"]
    ]


def test_a_price_in_a_currency_without_a_rate_is_an_error(catalog_dir: Path) -> None:
    _replace(_courses_file(catalog_dir), "currency: USD", "currency: JPY")
    issues = _issues(catalog_dir)
    assert len(issues) == 1
    assert (
        "course 'sample-sql': cost.currency: currency 'JPY' has no rate in catalog/currencies.yaml"
        in issues[0]
    )


def test_catalog_converts_prices_by_its_rates(catalog_dir: Path) -> None:
    catalog = load_catalog(catalog_dir)
    assert catalog.convert(Decimal(160000), "IDR", "USD") == Decimal(10)
    assert catalog.convert(Decimal(10), "USD", "USD") == Decimal(10)


@pytest.mark.parametrize(("date", "why"), [("2026-13-45", "month"), ("2026-02-30", "day")])
def test_an_impossible_date_is_listed_like_any_other_problem(catalog_dir: Path, date: str, why: str) -> None:
    _replace(_courses_file(catalog_dir), "    last_checked: 2026-11-23\n", f"    last_checked: {date}\n")
    issues = _issues(catalog_dir)
    assert any(":16: course 'sample-sheets': last_checked:" in issue and why in issue for issue in issues), (
        issues
    )

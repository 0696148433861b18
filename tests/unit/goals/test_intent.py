"""Goal statements -> GoalIntent: the phrasing set (>= 95% land right), vague goals never confident,
career changes, skill goals, requests built from targets, the first credential, the vocabulary files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from core.catalog import Catalog, CatalogError
from core.catalog.schema import Goal
from core.catalog.text import STOPWORDS, fold, normalize
from core.goals import (
    GoalIntent,
    GoalReader,
    GoalTarget,
    IntentKind,
    check_goal_vocabulary,
    load_goal_vocabulary,
)
from core.goals.shortlist import first_credential, top_skills
from core.goals.vocabulary import MAX_SHORTLIST, MIN_SHORTLIST
from core.settings import SHIPPED_DATA_DIR
from tests.catalog_factory import catalog_of, course, pathway, skill
from tests.paths import FIXTURES

PHRASINGS = FIXTURES / "goal_phrasings.tsv"
HOLDOUT = FIXTURES / "goal_phrasings_holdout.tsv"
REQUIRED_SHARE = 0.95
HOLDOUT_SHARE = 0.8  # phrasings never used for tuning: reported apart, with a lower bar
INDONESIAN_MARKERS = {
    "jadi",
    "mau",
    "pengen",
    "belajar",
    "saya",
    "gimana",
    "kerja",
    "suka",
    "dari",
    "bikin",
    "jd",
}


@dataclass(frozen=True)
class Expected:
    """One line of a phrasing file: the text and what it must mean."""

    text: str
    goal: str | None = None
    emphasis: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()
    origin: str | None = None
    shortlist: str | None = None
    line: int = 0
    fields: dict[str, str] = field(default_factory=dict)

    def lands(self, intent: GoalIntent) -> bool:
        """The right goal confidently, the right skills, or a shortlist with the expected goal."""
        if self.shortlist is not None:
            ok = not intent.confident and self.shortlist in [item.goal for item in intent.shortlist]
        elif self.skills:
            ok = intent.confident and intent.goal is None and set(intent.skills) == self.skills
        else:
            ok = intent.confident and intent.goal == self.goal and set(intent.skills) == self.emphasis
        if self.origin is not None:
            return ok and intent.origin == self.origin and bool(intent.transferable)
        return ok and intent.origin is None


def read_phrasings(path: Path) -> list[Expected]:
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        text, expectation = line.split("\t")
        values: dict[str, str] = {}
        emphasis: frozenset[str] = frozenset()
        for part in expectation.split():
            if part.startswith("+"):
                emphasis = frozenset(part[1:].split(","))
            else:
                key, _, value = part.partition("=")
                values[key] = value
        found.append(
            Expected(
                text=text,
                goal=values.get("goal"),
                emphasis=emphasis,
                skills=frozenset(values["skills"].split(",")) if "skills" in values else frozenset(),
                origin=values.get("from"),
                shortlist=values.get("shortlist"),
                line=number,
                fields=values,
            )
        )
    return found


@pytest.fixture(scope="module")
def reader(catalog: Catalog) -> GoalReader:
    return GoalReader.for_catalog(catalog, SHIPPED_DATA_DIR)


def _share(reader: GoalReader, expected: list[Expected]) -> tuple[float, list[tuple[Expected, GoalIntent]]]:
    misses = [(e, intent) for e in expected if not e.lands(intent := reader.read(e.text))]
    return 1 - len(misses) / len(expected), misses


# -- the phrasing set -------------------------------------------------------------------------------


def test_the_phrasing_set_is_big_bilingual_and_covers_every_kind(catalog: Catalog) -> None:
    expected = read_phrasings(PHRASINGS)
    assert len(expected) >= 200
    indonesian = [e for e in expected if INDONESIAN_MARKERS & set(e.text.lower().split())]
    assert len(indonesian) >= 60
    assert sum(e.shortlist is not None for e in expected) >= 30  # vague, and changes to somewhere vague
    assert sum(e.origin is not None for e in expected) >= 30
    assert sum(bool(e.skills) for e in expected) >= 50
    assert sum(bool(e.emphasis) for e in expected) >= 10
    for e in expected:  # every expectation names something that exists
        assert {e.goal, e.shortlist} - {None} <= set(catalog.goals), e
        assert e.skills | e.emphasis <= set(catalog.skills), e


def test_at_least_95_percent_of_phrasings_land_right(reader: GoalReader) -> None:
    share, misses = _share(reader, read_phrasings(PHRASINGS))
    print(f"\ngoal phrasings: {share:.1%} land right")  # the figure docs/planning.md quotes
    assert share >= REQUIRED_SHARE, [(e.text, i.kind, i.goal, list(i.skills), i.origin) for e, i in misses]


def test_held_out_phrasings_land_right_too(reader: GoalReader) -> None:
    """Written after the first run and never tuned against: the honest figure for unseen phrasings."""
    expected = read_phrasings(HOLDOUT)
    assert len(expected) >= 60
    share, misses = _share(reader, expected)
    print(f"\nheld-out goal phrasings: {share:.1%} land right")
    assert share >= HOLDOUT_SHARE, [(e.text, i.kind, i.goal, list(i.skills), i.origin) for e, i in misses]


def _vague_lines() -> Iterator[Expected]:
    for path in (PHRASINGS, HOLDOUT):
        yield from (e for e in read_phrasings(path) if e.shortlist is not None)


@pytest.mark.parametrize("expected", list(_vague_lines()), ids=lambda e: e.text)
def test_a_vague_goal_never_yields_a_confident_plan(reader: GoalReader, expected: Expected) -> None:
    intent = reader.read(expected.text)
    assert not intent.confident
    assert intent.target is None
    assert MIN_SHORTLIST <= len(intent.shortlist) <= MAX_SHORTLIST or intent.kind is IntentKind.ROLE


@pytest.mark.parametrize(
    "text",
    ["I like computers", "something with computers", "kerja di startup", "mau cari penghasilan dari rumah"],
)
def test_the_issues_vague_examples_get_4_to_6_paths_with_a_line_each(
    reader: GoalReader, catalog: Catalog, text: str
) -> None:
    intent = reader.read(text)
    assert intent.kind is IntentKind.VAGUE
    assert MIN_SHORTLIST <= len(intent.shortlist) <= MAX_SHORTLIST
    for item in intent.shortlist:
        assert item.summary is not None and item.summary.en and item.summary.id
        for language in ("en", "id"):
            assert item.credential(language) == first_credential(catalog, item.goal, language)


# -- kinds ------------------------------------------------------------------------------------------


def test_help_is_not_a_stopword(reader: GoalReader) -> None:
    assert "help" not in STOPWORDS
    assert normalize("help desk job") == "help desk job"
    assert reader.read("help desk job").goal == "it-support-specialist"


def test_a_career_change_targets_the_destination_and_counts_the_origins_skills(
    reader: GoalReader, catalog: Catalog
) -> None:
    intent = reader.read("teacher who wants to switch to UX design")
    assert (intent.kind, intent.goal, intent.origin) == (IntentKind.CAREER_CHANGE, "ux-designer", "teacher")
    assert intent.transferable == frozenset(reader.origins["teacher"].skills)
    target = intent.target
    assert target is not None
    held = target.counted_as_held(catalog)
    assert held and held <= set(catalog.goals["ux-designer"].skills)
    assert held <= intent.transferable


def test_the_origins_own_goal_is_no_career_change(reader: GoalReader) -> None:
    intent = reader.read("guru pengen ngajar pakai teknologi")
    assert intent.kind is IntentKind.ROLE
    assert (intent.goal, intent.origin) == ("teacher-digital-tools", None)


def test_a_change_to_somewhere_vague_offers_the_origins_usual_moves_first(reader: GoalReader) -> None:
    intent = reader.read("switch careers from sales to tech")
    assert intent.kind is IntentKind.CAREER_CHANGE and not intent.confident
    moves = reader.origins["sales"].moves_to
    shortlist = [item.goal for item in intent.shortlist]
    first_usual = [goal for goal in shortlist if goal in moves]
    assert first_usual and shortlist[: len(first_usual)] == first_usual
    assert intent.choose(shortlist[0]).origin == "sales"


def test_two_goals_fitting_equally_are_a_question(reader: GoalReader) -> None:
    intent = reader.read("analyst")
    assert intent.kind is IntentKind.ROLE and not intent.confident
    assert {"data-analyst", "business-analyst"} <= {item.goal for item in intent.shortlist}


def test_a_role_with_emphasised_skills(reader: GoalReader) -> None:
    intent = reader.read("data analyst, mostly SQL")
    assert (intent.kind, intent.goal, dict(intent.skills)) == (
        IntentKind.ROLE_AND_SKILLS,
        "data-analyst",
        {"sql": 1.0},
    )


def test_a_skill_goal_lists_every_named_skill(reader: GoalReader) -> None:
    intent = reader.read("learn python and sql")
    assert (intent.kind, intent.goal, set(intent.skills)) == (IntentKind.SKILLS, None, {"python", "sql"})


@pytest.mark.parametrize("text", ["", "?!", "🙂", "qwertyuiop asdfgh"])
def test_nothing_to_read_is_unknown(reader: GoalReader, text: str) -> None:
    intent = reader.read(text)
    assert intent.kind is IntentKind.UNKNOWN and not intent.confident


def test_the_matcher_keeps_goal_and_skill_status_apart(reader: GoalReader) -> None:
    match = reader.read("I want to learn Python from zero").match
    assert match is not None
    assert (match.goal_status.value, match.skill_status.value) == ("unsure", "confident")


# -- targets and requests ---------------------------------------------------------------------------


def test_a_skill_target_plans_its_skills_without_a_catalog_goal(catalog: Catalog) -> None:
    request = GoalTarget(None, {"python": 1.0, "sql": 1.0}).request(catalog, start=dt.date(2027, 1, 1))
    assert request.goal is None
    assert dict(request.goal_skills) == {"python": 1.0, "sql": 1.0}


def test_emphasised_skills_weigh_like_core_skills(catalog: Catalog) -> None:
    target = GoalTarget("data-analyst", {"python": 1.0, "tableau": 1.0})
    weights = target.goal_skills(catalog)
    assert weights["python"] == 1.0 > catalog.goals["data-analyst"].skills["python"]
    assert weights["tableau"] == 1.0  # not a data-analyst skill before: added
    assert set(catalog.goals["data-analyst"].skills) < set(weights)


def test_transferable_skills_count_as_held_only_where_the_goal_needs_them(catalog: Catalog) -> None:
    brought = frozenset({"communication", "negotiation", "sales"})
    target = GoalTarget("ux-designer", {}, "sales", brought)
    request = target.request(catalog, start=dt.date(2027, 1, 1))
    assert request.transferable == brought & set(catalog.goals["ux-designer"].skills)
    assert not request.transferable & set(request.target_skills)


# -- the first credential ---------------------------------------------------------------------------


def _goal(skills: dict[str, float]) -> Goal:
    return Goal.model_validate({"id": "g", "name": {"en": "G", "id": "G"}, "skills": skills})


def test_the_first_credential_is_the_pathway_most_about_the_goals_top_skills() -> None:
    courses = [
        course("net-1", ["networking"], 30),
        course("net-2", ["networking", "network-security"], 30, main_skills=["networking"]),
        course("it-1", ["networking"], 20),
        course("it-2", ["it-support"], 20),
        course("id-1", ["networking"], 20, languages=["id"]),
        course("id-2", ["network-security"], 20, languages=["id"]),
        course("starts-elsewhere", ["linux"], 5),
        course("net-3", ["networking"], 5),
    ]
    goal = _goal({"networking": 1.0, "network-security": 0.8, "linux": 0.5, "teamwork": 1.0})
    paths = [
        pathway("ccna", ["net-1", "net-2"]),
        pathway("broad-it", ["it-1", "it-2"]),
        pathway("jaringan", ["id-1", "id-2"]),
        pathway("linux-first", ["starts-elsewhere", "net-3"]),
    ]
    catalog = catalog_of(courses, skills=[skill("teamwork", "soft")], goals=[goal], pathways=paths)
    assert top_skills(catalog, goal) == {"networking"}  # the craft, not the teamwork weighing as much
    assert first_credential(catalog, "g", "en") == "Ccna"  # all its hours on what the goal values
    assert first_credential(catalog, "g", "id") == "Jaringan"  # the learner's language first


def test_without_a_pathway_the_first_credential_is_a_beginner_course_with_a_credential() -> None:
    courses = [
        course("advanced", ["ux-design"], 10, level="advanced"),
        course("no-paper", ["ux-design"], 10, credential="none"),
        course("starter", ["ux-design"], 10),
    ]
    catalog = catalog_of(courses, goals=[_goal({"ux-design": 1.0, "prototyping": 0.9, "ui-design": 0.5})])
    assert first_credential(catalog, "g", "en") == "Starter (Acme)"


# -- the vocabulary files ---------------------------------------------------------------------------


def test_the_shipped_vocabulary_is_clean(catalog: Catalog) -> None:
    issues, vocabulary = check_goal_vocabulary(SHIPPED_DATA_DIR, catalog)
    assert issues == []
    assert len(vocabulary.origins) >= 15 and len(vocabulary.interests) >= 15
    assert vocabulary.fallback is not None and vocabulary.cues is not None


def test_interest_and_origin_aliases_never_repeat_a_goal_alias(catalog: Catalog) -> None:
    """An interest alias equal to a goal's would make the same words both a plan and a question.

    (A skill may share one: "AI" is a skill to learn in "learn AI", an interest in "I'm into AI";
    the cue words decide.)"""
    taken = {
        normalize(text)
        for goal in catalog.goals.values()
        for text in (*goal.aliases.all(), goal.name.en, goal.name.id)
    }
    vocabulary = load_goal_vocabulary(SHIPPED_DATA_DIR, catalog)
    interest_aliases = {normalize(a) for i in vocabulary.interests for a in i.aliases.all()}
    assert sorted(interest_aliases & taken) == []
    owners: dict[str, set[str]] = {}
    for origin in vocabulary.origins:
        for alias in origin.aliases.all():
            owners.setdefault(fold(alias), set()).add(origin.id)
    assert {alias: ids for alias, ids in owners.items() if len(ids) > 1} == {}  # one origin per alias


def _copy_vocabulary(tmp_path: Path) -> Path:
    taxonomy = tmp_path / "taxonomy"
    taxonomy.mkdir()
    for name in ("origins.yaml", "interests.yaml", "goal_cues.yaml"):
        (taxonomy / name).write_text((SHIPPED_DATA_DIR / "taxonomy" / name).read_text(encoding="utf-8"))
    return taxonomy


def test_every_vocabulary_problem_is_reported_with_its_place(tmp_path: Path, catalog: Catalog) -> None:
    taxonomy = _copy_vocabulary(tmp_path)
    origins = yaml.safe_load((taxonomy / "origins.yaml").read_text(encoding="utf-8"))
    origins["origins"][0]["skills"].append("underwater-basket-weaving")
    origins["origins"][1]["id"] = origins["origins"][0]["id"]
    origins["origins"][2]["salary"] = 100
    (taxonomy / "origins.yaml").write_text(yaml.safe_dump(origins), encoding="utf-8")
    interests = yaml.safe_load((taxonomy / "interests.yaml").read_text(encoding="utf-8"))
    interests["interests"][0]["goals"] = ["data-analyst"]  # fewer than 4
    interests["interests"][1]["goals"][0] = "astronaut"
    (taxonomy / "interests.yaml").write_text(yaml.safe_dump(interests), encoding="utf-8")
    issues, _ = check_goal_vocabulary(tmp_path, catalog)
    messages = [str(issue) for issue in issues]
    assert any("unknown skill id 'underwater-basket-weaving'" in m for m in messages)
    assert any("duplicate origin id" in m for m in messages)
    assert any("salary" in m for m in messages)
    assert any("goals" in m and "at least 4" in m for m in messages)
    assert any("unknown goal id 'astronaut'" in m for m in messages)
    assert all(issue.line for issue in issues if issue.file.endswith("origins.yaml"))
    with pytest.raises(CatalogError):
        load_goal_vocabulary(tmp_path, catalog)


def test_a_catalog_without_vocabulary_reads_goals_by_matching_alone(tmp_path: Path, catalog: Catalog) -> None:
    reader = GoalReader.for_catalog(catalog, tmp_path)
    assert reader.read("data analyst").goal == "data-analyst"
    intent = reader.read("teacher who wants to switch to UX design")
    assert intent.origin is None

"""The words of goal statements, from data: origins, interests and cue phrases.

Three files under a catalog directory's ``taxonomy/``, edited by curators like the rest of it:

- ``origins.yaml``: the work people switch *from* (sales, teacher, nurse...), the skills that work
  gives them (counted as held when they move on), the catalog goal that *is* that work (so "teacher
  using digital tools" stays a goal, not a change) and where people from there often move to;
- ``interests.yaml``: statements of interest ("I like computers", "kerja di startup") and the 4-6
  goals a coach would put in front of someone who says them; one entry is the fallback for a
  learner who only says they are unsure;
- ``goal_cues.yaml``: the little phrases that say *how* a goal is stated ("from", "switching to",
  "I like", "not sure", "learn", "mostly"...), per language.

Checking follows :mod:`core.catalog.loader`: every entry against its schema, then the entries
together against the catalog (known skill and goal ids, unique ids), every problem collected as a
:class:`~core.catalog.loader.CatalogIssue`.  A catalog directory without these files reads as an
empty vocabulary: goals are then only what the matcher finds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from pydantic import Field, ValidationError, model_validator

from core.catalog.loader import CatalogError, CatalogIssue, entry_label, field_path, read_checked
from core.catalog.model import Catalog
from core.catalog.schema import LocalizedAliases, LocalizedText, Slug, StrictModel
from core.catalog.yaml_source import line_of

ORIGINS_FILE = Path("taxonomy/origins.yaml")
INTERESTS_FILE = Path("taxonomy/interests.yaml")
CUES_FILE = Path("taxonomy/goal_cues.yaml")
MIN_SHORTLIST = 4
MAX_SHORTLIST = 6


class Origin(StrictModel):
    """Work a learner may be leaving, and what it gives them."""

    id: Slug
    name: LocalizedText
    aliases: LocalizedAliases
    skills: list[Slug] = Field(min_length=1)  # held from this work (counted when it meets the goal)
    home_goal: Slug | None = None  # the catalog goal that is this work: aiming at it is no change
    moves_to: list[Slug] = Field(default_factory=list)  # goals people from here often move to

    @model_validator(mode="after")
    def _has_aliases(self) -> Self:
        if not self.aliases.all():
            raise ValueError("an origin needs at least one alias")
        return self


class Interest(StrictModel):
    """A statement of interest and the paths that fit it, in the order a coach would offer them."""

    id: Slug
    aliases: LocalizedAliases = Field(default_factory=LocalizedAliases)
    goals: list[Slug] = Field(min_length=MIN_SHORTLIST, max_length=MAX_SHORTLIST)
    fallback: bool = False  # offered when a learner is unsure and names nothing


class Cues(StrictModel):
    """Phrases that say how a goal is stated (matched as whole words after folding)."""

    change_from: LocalizedAliases  # before the work one leaves: "from", "ex", "mantan", "I'm a"
    change_to: LocalizedAliases  # after it, before the destination: "to", "switching", "pindah ke"
    interest: LocalizedAliases  # a statement of interest: "I like", "suka", "interested in"
    wish: LocalizedAliases  # looks like interest but is a wish: "I'd like", "would love"
    unsure: LocalizedAliases  # "something", "not sure", "bingung"
    learn: LocalizedAliases  # a skill to gain: "learn", "get better at", "belajar"
    role: LocalizedAliases  # a job to hold: "become", "job", "career", "kerja di"
    emphasis: LocalizedAliases  # what follows is the focus: "mostly", "with", "terutama"
    purpose: LocalizedAliases  # what follows is what for: "for small businesses", "untuk kerja"
    generic: LocalizedAliases  # "work", "job", "kerja": they do not tell one goal from another
    separators: LocalizedAliases  # between listed skills: "and", "dan"


@dataclass(frozen=True)
class GoalVocabulary:
    """The checked contents of the three files (empty parts when a file is absent)."""

    origins: tuple[Origin, ...] = ()
    interests: tuple[Interest, ...] = ()
    cues: Cues | None = None

    @property
    def fallback(self) -> Interest | None:
        return next((interest for interest in self.interests if interest.fallback), None)


def _issue(
    shown: str, raw: Any, message: str, entry: str | None = None, field: str | None = None
) -> CatalogIssue:
    top = field.split(".")[0].split("[")[0] if field else None
    return CatalogIssue(shown, line_of(raw, top), entry, field, message)


def _entries(
    path: Path, key: str, kind: str, model: type[Origin] | type[Interest], issues: list[CatalogIssue]
) -> list[tuple[Any, Any]]:
    """(valid entry or None, raw mapping) for each entry of a ``key:`` list file."""
    if not path.exists():
        return []
    shown = str(path)
    document, problem = read_checked(path, shown)
    if problem is not None:
        issues.append(problem)
        return []
    if not isinstance(document, dict) or set(document) != {key} or not isinstance(document[key], list):
        issues.append(_issue(shown, document, f"expected a mapping with only a top-level '{key}:' list"))
        return []
    read: list[tuple[Any, Any]] = []
    for index, raw in enumerate(document[key]):
        label = entry_label(kind, raw, index)
        try:
            read.append((model.model_validate(raw), raw))
        except ValidationError as exc:
            for error in exc.errors():
                issues.append(_issue(shown, raw, error["msg"], label, field_path(error["loc"])))
            read.append((None, raw))
    return read


def _cues(path: Path, issues: list[CatalogIssue]) -> Cues | None:
    if not path.exists():
        return None
    shown = str(path)
    document, problem = read_checked(path, shown)
    if problem is not None:
        issues.append(problem)
        return None
    try:
        return Cues.model_validate(document)
    except ValidationError as exc:
        for error in exc.errors():
            issues.append(_issue(shown, document, error["msg"], None, field_path(error["loc"])))
    return None


def _check_ids(
    shown: str, raw: Any, label: str, field: str, ids: Iterable[str], known: Iterable[str], noun: str
) -> list[CatalogIssue]:
    known_set = set(known)
    return [
        _issue(shown, raw, f"unknown {noun} id {ref!r}", label, f"{field}[{index}]")
        for index, ref in enumerate(ids)
        if ref not in known_set
    ]


def _cross_check(
    origins: list[tuple[Any, Any]], interests: list[tuple[Any, Any]], catalog: Catalog, directory: Path
) -> list[CatalogIssue]:
    issues: list[CatalogIssue] = []
    for file, entries, kind in (
        (directory / ORIGINS_FILE, origins, "origin"),
        (directory / INTERESTS_FILE, interests, "interest"),
    ):
        seen: set[str] = set()
        for item, raw in entries:
            if item is None:
                continue
            label = f"{kind} {item.id!r}"
            if item.id in seen:
                issues.append(_issue(str(file), raw, f"duplicate {kind} id", label, "id"))
            seen.add(item.id)
            if isinstance(item, Origin):
                issues += _check_ids(str(file), raw, label, "skills", item.skills, catalog.skills, "skill")
                issues += _check_ids(str(file), raw, label, "moves_to", item.moves_to, catalog.goals, "goal")
                if item.home_goal is not None and item.home_goal not in catalog.goals:
                    message = f"unknown goal id {item.home_goal!r}"
                    issues.append(_issue(str(file), raw, message, label, "home_goal"))
            else:
                issues += _check_ids(str(file), raw, label, "goals", item.goals, catalog.goals, "goal")
    fallbacks = [raw for item, raw in interests if item is not None and item.fallback]
    if len(fallbacks) > 1:
        issues.append(
            _issue(str(directory / INTERESTS_FILE), fallbacks[1], "only one interest can be the fallback")
        )
    return issues


def check_goal_vocabulary(directory: Path, catalog: Catalog) -> tuple[list[CatalogIssue], GoalVocabulary]:
    """Every problem in a catalog directory's goal vocabulary, and its valid entries."""
    issues: list[CatalogIssue] = []
    origins = _entries(directory / ORIGINS_FILE, "origins", "origin", Origin, issues)
    interests = _entries(directory / INTERESTS_FILE, "interests", "interest", Interest, issues)
    cues = _cues(directory / CUES_FILE, issues)
    issues += _cross_check(origins, interests, catalog, directory)
    vocabulary = GoalVocabulary(
        origins=tuple(item for item, _ in origins if item is not None),
        interests=tuple(item for item, _ in interests if item is not None),
        cues=cues,
    )
    return sorted(issues), vocabulary


def load_goal_vocabulary(directory: Path, catalog: Catalog) -> GoalVocabulary:
    """The vocabulary under ``directory``; raise :class:`CatalogError` listing every problem."""
    issues, vocabulary = check_goal_vocabulary(directory, catalog)
    if issues:
        raise CatalogError(issues)
    return vocabulary

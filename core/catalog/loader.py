"""Load the catalog from YAML and check it, reporting every problem at once.

A catalog directory holds ``taxonomy/skills.yaml``, ``taxonomy/goals.yaml`` and any number of
``catalog/courses/*.yaml``.  Checking happens in two passes:

1. each entry alone, against :mod:`core.catalog.schema` (types, ranges, unknown keys);
2. the entries together: duplicate ids, unknown skill or course ids, prerequisite cycles.

Both passes collect :class:`CatalogIssue` values instead of stopping at the first, because a
curator importing a file wants the whole list in one go.  An educator's import file is checked
the same way, against the installed catalog as background (its ids may refer to it, and its
courses replace installed courses of the same id).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from core.catalog.model import Catalog
from core.catalog.schema import Course, CourseKind, CurrenciesFile, Goal, Pathway, Skill
from core.catalog.yaml_source import YamlSyntaxError, line_of, read_yaml

CURRENCIES_FILE = Path("catalog/currencies.yaml")
SKILLS_FILE = Path("taxonomy/skills.yaml")
GOALS_FILE = Path("taxonomy/goals.yaml")
COURSES_DIR = Path("catalog/courses")

ENTRY_KINDS: dict[str, tuple[str, type[BaseModel]]] = {
    "skills": ("skill", Skill),
    "goals": ("goal", Goal),
    "courses": ("course", Course),
    "pathways": ("pathway", Pathway),
}
COURSE_FILE_KEYS = ("courses", "pathways")


@dataclass(frozen=True, order=True)
class CatalogIssue:
    """One problem, located as precisely as the file allows."""

    file: str
    line: int | None
    entry: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        parts = [where, self.entry, self.field, self.message]
        return ": ".join(part for part in parts if part)


class CatalogError(Exception):
    """The catalog cannot be used; ``issues`` lists every problem found."""

    def __init__(self, issues: list[CatalogIssue]) -> None:
        self.issues = sorted(issues)
        noun = "problem" if len(issues) == 1 else "problems"
        super().__init__(f"{len(issues)} catalog {noun}:\n" + "\n".join(f"  {i}" for i in self.issues))


@dataclass
class _Located:
    """An entry and where it was written; ``item`` is None when it failed the schema.

    Entries that failed the schema still take part in the cross-checks (through ``raw``), so a
    curator sees an unknown skill id even in an entry that also has a bad number.
    """

    item: Any | None
    file: str
    raw: dict[str, Any]

    @property
    def id(self) -> str | None:
        entry_id = self.item.id if self.item is not None else self.raw.get("id")
        return entry_id if isinstance(entry_id, str) else None

    def strings(self, field_name: str) -> list[str]:
        """A list-of-ids field (or the keys of a mapping field), read defensively from ``raw``."""
        value = self.raw.get(field_name)
        if isinstance(value, dict):
            value = list(value)
        if not isinstance(value, list):
            return []
        return [str(element) for element in value if isinstance(element, str)]


@dataclass
class _Entries:
    skills: list[_Located] = field(default_factory=list)
    goals: list[_Located] = field(default_factory=list)
    courses: list[_Located] = field(default_factory=list)
    pathways: list[_Located] = field(default_factory=list)
    currencies: CurrenciesFile | None = None

    def of(self, top_key: str) -> list[_Located]:
        entries: list[_Located] = getattr(self, top_key)  # top_key is one of ENTRY_KINDS
        return entries


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def field_path(loc: Iterable[int | str]) -> str:
    """A pydantic error location as a curator reads it: ``identities[0].credly``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part == "[key]":
            text += " (key)"
        else:
            text += f".{part}" if text else str(part)
    return text


def entry_label(kind: str, raw: Any, index: int) -> str:
    """``course 'x'`` by its id, else ``course #3`` by its place in the file."""
    entry_id = raw.get("id") if isinstance(raw, dict) else None
    return f"{kind} {entry_id!r}" if isinstance(entry_id, str) and entry_id else f"{kind} #{index + 1}"


def read_checked(path: Path, shown: str) -> tuple[Any, CatalogIssue | None]:
    """A YAML data file's document, or the issue that stops it being read (syntax, unreadable)."""
    try:
        return read_yaml(path), None
    except YamlSyntaxError as exc:
        return None, CatalogIssue(shown, exc.line, None, None, str(exc))
    except OSError as exc:
        return None, CatalogIssue(shown, None, None, None, f"cannot read file: {exc.strerror}")


class _Checker:
    """Collects issues while reading files and cross-checking entries."""

    def __init__(self) -> None:
        self.issues: list[CatalogIssue] = []

    def add(
        self,
        file: str,
        message: str,
        *,
        raw: Any = None,
        entry: str | None = None,
        field_name: str | None = None,
    ) -> None:
        top_field = field_name.split(".")[0].split("[")[0].split(" ")[0] if field_name else None
        self.issues.append(CatalogIssue(file, line_of(raw, top_field), entry, field_name, message))

    def read_file(self, path: Path, entries: _Entries, expected_keys: Iterable[str] = ()) -> None:
        """Validate each entry of one file on its own; good entries go into ``entries``."""
        shown = _display(path)
        document, problem = read_checked(path, shown)
        if problem is not None:
            self.issues.append(problem)
            return
        keys = list(expected_keys) or list(ENTRY_KINDS)
        if not isinstance(document, dict) or not any(key in document for key in keys):
            wanted = " or ".join(f"'{key}:'" for key in keys)
            self.add(shown, f"expected a mapping with a top-level {wanted} list", raw=document)
            return
        for key in document:
            if key not in keys:
                self.add(shown, f"unknown top-level key {key!r}", raw=document, field_name=str(key))
        for top_key in keys:
            if top_key in document:
                self._read_entries(shown, document, top_key, entries)

    def read_currencies(self, path: Path) -> CurrenciesFile | None:
        """The exchange-rate table; optional (a USD-only catalog needs none)."""
        if not path.exists():
            return None
        shown = _display(path)
        try:
            document = read_yaml(path)
            return CurrenciesFile.model_validate(document)
        except YamlSyntaxError as exc:
            self.issues.append(CatalogIssue(shown, exc.line, None, None, str(exc)))
        except ValidationError as exc:
            for error in exc.errors():
                self.add(shown, error["msg"], raw=document, field_name=field_path(error["loc"]))
        return None

    def _read_entries(self, shown: str, document: Any, top_key: str, entries: _Entries) -> None:
        kind, model = ENTRY_KINDS[top_key]
        items = document[top_key]
        if not isinstance(items, list):
            self.add(shown, f"'{top_key}' must be a list", raw=document, field_name=top_key)
            return
        for index, raw in enumerate(items):
            label = entry_label(kind, raw, index)
            if not isinstance(raw, dict):
                self.add(shown, f"each {kind} must be a mapping", raw=document, entry=label)
                continue
            item = None
            try:
                item = model.model_validate(raw)
            except ValidationError as exc:
                for error in exc.errors():
                    self.add(shown, error["msg"], raw=raw, entry=label, field_name=field_path(error["loc"]))
            entries.of(top_key).append(_Located(item, shown, raw))


def _suggest(unknown: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(unknown, list(known), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _unique(checker: _Checker, located: list[_Located], kind: str) -> dict[str, _Located]:
    seen: dict[str, _Located] = {}
    for entry in located:
        if entry.id is None:
            continue
        first = seen.get(entry.id)
        if first is None:
            seen[entry.id] = entry
            continue
        first_line = line_of(first.raw)
        where = f"{first.file}:{first_line}" if first_line else first.file
        checker.add(
            entry.file,
            f"duplicate {kind} id (first defined at {where})",
            raw=entry.raw,
            entry=f"{kind} {entry.id!r}",
            field_name="id",
        )
    return seen


def _check_ids(
    checker: _Checker,
    entry: _Located,
    label: str,
    field_name: str,
    known: set[str],
    noun: str,
    *,
    keyed: bool = False,
) -> None:
    for index, ref in enumerate(entry.strings(field_name)):
        if ref in known:
            continue
        where = f"{field_name}.{ref}" if keyed else f"{field_name}[{index}]"
        checker.add(
            entry.file,
            f"unknown {noun} id {ref!r}{_suggest(ref, known)}",
            raw=entry.raw,
            entry=label,
            field_name=where,
        )


def _check_references(
    checker: _Checker,
    goals: Mapping[str, _Located],
    courses: Mapping[str, _Located],
    skill_ids: set[str],
    course_ids: set[str],
    goal_ids: set[str],
) -> None:
    for goal_id, entry in goals.items():
        _check_ids(checker, entry, f"goal {goal_id!r}", "skills", skill_ids, "skill", keyed=True)
        _check_ids(checker, entry, f"goal {goal_id!r}", "projects", course_ids, "course")
        _check_ids(checker, entry, f"goal {goal_id!r}", "next_goals", goal_ids, "goal")
    for course_id, entry in courses.items():
        label = f"course {course_id!r}"
        _check_ids(checker, entry, label, "skills", skill_ids, "skill")
        _check_ids(checker, entry, label, "prerequisite_skills", skill_ids, "skill")
        if course_id in entry.strings("prerequisites"):
            index = entry.strings("prerequisites").index(course_id)
            checker.add(
                entry.file,
                "a course cannot be its own prerequisite",
                raw=entry.raw,
                entry=label,
                field_name=f"prerequisites[{index}]",
            )
        _check_ids(checker, entry, label, "prerequisites", course_ids | {course_id}, "course")


def find_prerequisite_cycles(prerequisites: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Every distinct cycle in the prerequisite graph, each as ``[a, b, ..., a]``.

    Iterative depth-first search (a recursive one would overflow on long chains in big catalogs).
    """
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    cycles: list[list[str]] = []
    seen_cycles: set[frozenset[str]] = set()
    for start in sorted(prerequisites):
        if state.get(start):
            continue
        path: list[str] = []
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(prerequisites.get(start, ()))))]
        state[start] = 1
        path.append(start)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            if child not in prerequisites:
                continue
            if state.get(child) == 1:
                cycle = [*path[path.index(child) :], child]
                key = frozenset(cycle)
                if key not in seen_cycles:
                    seen_cycles.add(key)
                    cycles.append(cycle)
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append((child, iter(sorted(prerequisites.get(child, ())))))
    return cycles


def _check_cycles(
    checker: _Checker, foreground: Mapping[str, _Located], all_courses: Mapping[str, Course]
) -> None:
    graph = {course_id: course.prerequisites for course_id, course in all_courses.items()}
    for cycle in find_prerequisite_cycles(graph):
        owner = next((foreground[c] for c in cycle if c in foreground), None)
        if owner is None:
            continue
        checker.add(
            owner.file,
            "prerequisite cycle: " + " -> ".join(cycle),
            raw=owner.raw,
            entry=f"course {owner.id!r}",
            field_name="prerequisites",
        )


def _check_pathways(
    checker: _Checker, pathways: Mapping[str, _Located], all_courses: Mapping[str, Course]
) -> dict[str, Pathway]:
    """Pathways whose courses exist, each course in one pathway only, the exam an exam entry."""
    owner: dict[str, str] = {}
    valid: dict[str, Pathway] = {}
    for pathway_id, entry in pathways.items():
        label = f"pathway {pathway_id!r}"
        _check_ids(checker, entry, label, "courses", set(all_courses), "course")
        exam = entry.raw.get("exam")
        if isinstance(exam, str):
            found = all_courses.get(exam)
            if found is None:
                message = f"unknown course id {exam!r}{_suggest(exam, all_courses)}"
                checker.add(entry.file, message, raw=entry.raw, entry=label, field_name="exam")
            elif found.kind is not CourseKind.EXAM:
                checker.add(
                    entry.file, f"{exam!r} is not of kind exam", raw=entry.raw, entry=label, field_name="exam"
                )
        for index, course_id in enumerate(entry.strings("courses")):
            first = owner.setdefault(course_id, pathway_id)
            if first != pathway_id:
                message = f"{course_id!r} is already in pathway {first!r} (a course belongs to one pathway)"
                checker.add(entry.file, message, raw=entry.raw, entry=label, field_name=f"courses[{index}]")
        if entry.item is not None:
            valid[pathway_id] = entry.item
    return valid


def _check_currencies(checker: _Checker, courses: Mapping[str, _Located], known: set[str]) -> None:
    for course_id, entry in courses.items():
        if entry.item is not None and entry.item.cost.currency not in known:
            checker.add(
                entry.file,
                f"currency {entry.item.cost.currency!r} has no rate in {CURRENCIES_FILE}",
                raw=entry.raw,
                entry=f"course {course_id!r}",
                field_name="cost.currency",
            )


def _catalog_files(directory: Path) -> tuple[Path, Path, list[Path]]:
    return (directory / SKILLS_FILE, directory / GOALS_FILE, sorted((directory / COURSES_DIR).glob("*.yaml")))


def _read_catalog_dir(checker: _Checker, directory: Path) -> _Entries:
    entries = _Entries()
    skills_path, goals_path, course_paths = _catalog_files(directory)
    checker.read_file(skills_path, entries, ["skills"])
    checker.read_file(goals_path, entries, ["goals"])
    entries.currencies = checker.read_currencies(directory / CURRENCIES_FILE)
    if not course_paths:
        checker.add(_display(directory / COURSES_DIR), "no course files (*.yaml) found")
    for path in course_paths:
        checker.read_file(path, entries, COURSE_FILE_KEYS)
    return entries


def _valid(located: Mapping[str, _Located]) -> dict[str, Any]:
    return {key: entry.item for key, entry in located.items() if entry.item is not None}


def _cross_check(checker: _Checker, entries: _Entries, background: Catalog | None) -> Catalog:
    skills = _unique(checker, entries.skills, "skill")
    goals = _unique(checker, entries.goals, "goal")
    courses = _unique(checker, entries.courses, "course")
    pathways = _unique(checker, entries.pathways, "pathway")
    all_skills = {**(background.skills if background else {}), **_valid(skills)}
    all_goals = {**(background.goals if background else {}), **_valid(goals)}
    all_courses = {**(background.courses if background else {}), **_valid(courses)}
    _check_references(
        checker,
        goals,
        courses,
        set(all_skills) | set(skills),
        set(all_courses) | set(courses),
        set(all_goals) | set(goals),
    )
    _check_cycles(checker, courses, all_courses)
    all_pathways = {
        **(background.pathways if background else {}),
        **_check_pathways(checker, pathways, all_courses),
    }
    rates = dict(entries.currencies.units_per_usd) if entries.currencies else None
    if rates is None:
        rates = dict(background.units_per_usd) if background else {"USD": Decimal(1)}
    _check_currencies(checker, courses, set(rates))
    return Catalog(
        skills=all_skills, goals=all_goals, courses=all_courses, units_per_usd=rates, pathways=all_pathways
    )


def load_catalog(directory: Path) -> Catalog:
    """Load and check a catalog directory; raise :class:`CatalogError` listing every problem."""
    checker = _Checker()
    entries = _read_catalog_dir(checker, directory)
    catalog = _cross_check(checker, entries, background=None)
    if checker.issues:
        raise CatalogError(checker.issues)
    return catalog


def check_catalog_path(path: Path, installed: Catalog | None) -> tuple[list[CatalogIssue], Catalog]:
    """Problems in a catalog directory, or in one YAML file checked against ``installed``.

    Also returns the catalog as checked (for a file: ``installed`` with the file's entries on top),
    so callers can report what was covered.
    """
    checker = _Checker()
    if path.is_dir():
        catalog = _cross_check(checker, _read_catalog_dir(checker, path), background=None)
    else:
        entries = _Entries()
        checker.read_file(path, entries)
        catalog = _cross_check(checker, entries, background=installed)
    return sorted(checker.issues), catalog

"""The planner's inputs and outputs: plain, immutable values (no database, no text)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from core.catalog.schema import Course, CourseFormat, Level

DEFAULT_HORIZON_MONTHS = 6


class ProgressState(StrEnum):
    DONE = "done"
    IN_PROGRESS = "in_progress"
    SKIPPED = "skipped"


class Phase(StrEnum):
    """Why a course is in the plan, in the order a coach sets them."""

    CORE = "core"  # reaching the goal's target depths (and finishing started pathways)
    DEEPER = "deeper"  # next-level courses once the targets are reached
    PRACTICE = "practice"  # portfolio projects and the exams still open

    @property
    def rank(self) -> int:
        return list(Phase).index(self)


@dataclass(frozen=True)
class Progress:
    """What happened to one course of an earlier plan."""

    state: ProgressState
    percent: int = 0


@dataclass(frozen=True)
class PlanRequest:
    """Everything the planner needs; the caller subtracts nothing (held skills are given apart)."""

    goal_skills: Mapping[str, float]
    start: dt.date
    goal: str | None = None  # catalog goal id (depth overrides, projects, next goals); None: a skill goal
    hours_per_week: float = 5.0
    monthly_budget: Decimal = Decimal(0)  # 0 = free courses only
    currency: str = "USD"
    months: int = DEFAULT_HORIZON_MONTHS
    level: Level = Level.BEGINNER
    held_skills: frozenset[str] = frozenset()
    transferable: frozenset[str] = frozenset()  # held from the learner's earlier career (plan says so)
    languages: frozenset[str] = frozenset()  # accepted course languages; empty = any
    formats: frozenset[CourseFormat] = frozenset()  # accepted formats; empty = any
    avoid_providers: frozenset[str] = frozenset()
    progress: Mapping[str, Progress] = field(default_factory=dict)
    keep: tuple[str, ...] = ()  # courses of an earlier plan to keep, in this order (re-planning)
    exclude_courses: frozenset[str] = frozenset()  # courses the learner swapped out
    preferred_language: str | None = None  # courses in it win over similar ones (an Indonesian learner)
    studied_first_month: float = 0.0  # hours already studied in the first month (a re-plan mid-month)

    @property
    def finished(self) -> tuple[str, ...]:
        """The courses the learner has finished (any plan, any badge), in the order reported."""
        return tuple(cid for cid, p in self.progress.items() if p.state is ProgressState.DONE)

    @property
    def target_skills(self) -> dict[str, float]:
        """Goal skills the learner still lacks (held skills and finished courses excluded)."""
        held = self.held_skills | self.transferable
        return {skill: weight for skill, weight in self.goal_skills.items() if skill not in held}


@dataclass(frozen=True)
class PlannedItem:
    """One course in one month (a long course appears once per month, as part k of n)."""

    course: Course
    hours: float
    cost: Decimal  # what this item adds to the month's spending, in the request's currency
    part: int
    parts: int
    new_skills: tuple[str, ...]  # goal skills this course adds depth to (listed on every part)
    reason: Reason
    in_progress_percent: int | None = None
    done: bool = False  # reported finished since the plan was made (a stored plan read back)


@dataclass(frozen=True)
class Reason:
    """Why a course was picked, as facts; :mod:`core.plans.render_text` turns it into a sentence."""

    skills: tuple[str, ...]
    free: bool
    prerequisite_for: tuple[str, ...] = ()  # course ids that need this one first
    stacks_into: str | None = None
    recognized: bool = False
    soft_mix: bool = False
    in_progress: bool = False
    pathway_step: tuple[int, int] | None = None  # course k of n of ``stacks_into``
    audited: bool = False  # studied free; the certificate is optional, at ``certificate_price``
    certificate_price: Decimal | None = None  # per month for a subscription, in the request's currency
    phase: Phase = Phase.CORE


@dataclass(frozen=True)
class PlanMonth:
    index: int  # 1-based
    starts_on: dt.date
    capacity_hours: float
    hours: float
    cost: Decimal
    items: tuple[PlannedItem, ...]


class UncoveredReason(StrEnum):
    NO_COURSE = "no_course"  # the catalog has nothing for this skill
    LANGUAGE = "language"  # only in languages the learner did not choose
    FORMAT = "format"
    PROVIDER = "provider"  # only from providers the learner avoids
    BUDGET = "budget"  # every course costs more than the monthly budget allows (alone or with the plan)
    LEVEL = "level"  # only courses whose foundations are not available
    TOO_LONG = "too_long"  # no course fits the horizon at this many hours per week
    NO_ROOM = "no_room"  # the horizon is full with higher-priority skills
    SKIPPED = "skipped"  # the learner skipped every course that teaches it
    NO_MORE = "no_more"  # part of the way: no further course for it within the learner's settings


@dataclass(frozen=True)
class UncoveredSkill:
    skill: str
    reason: UncoveredReason
    hours_needed: float | None = None  # TOO_LONG / NO_ROOM: the shortest way there, prerequisites included


@dataclass(frozen=True)
class Move:
    """A course that moved to another month when re-planning."""

    course_id: str
    from_month: dt.date | None  # None: it was not in the old plan
    to_month: dt.date | None  # None: it no longer fits and was dropped


@dataclass(frozen=True)
class SkillDepth:
    """How far the plan takes one goal skill, in study hours on courses whose main skill it is."""

    skill: str
    target_hours: float  # what the goal needs at this learner's level
    credited_hours: float  # counted as already there (the learner's level, finished courses)
    planned_hours: float  # added by this plan's courses

    @property
    def share(self) -> float:
        """0..1: how much of the target the learner will have by the plan's end."""
        if self.target_hours <= 0:
            return 1.0
        return min(1.0, (self.credited_hours + self.planned_hours) / self.target_hours)


@dataclass(frozen=True)
class PathwayProgress:
    """A recognised certificate the plan works on: how far it gets and what is left after."""

    pathway_id: str
    name: str
    total: int  # courses in the pathway
    done_before: int  # finished before this plan
    planned: int  # courses of it in this plan
    finished_on: dt.date | None  # the month its last course ends (None: not within the plan)
    left_hours: float  # hours of its courses beyond the plan
    exam: str | None = None  # the exam's course id, when the pathway has one
    exam_on: dt.date | None = None  # the month the exam is booked (None: not in the plan)
    skipped: int = 0  # foundations courses the learner's level makes unnecessary
    passed: int = 0  # courses the learner skipped or swapped away (the certificate still needs them)

    @property
    def left(self) -> int:
        return self.total - self.done_before - self.skipped - self.passed - self.planned


@dataclass(frozen=True)
class PlanResult:
    request: PlanRequest
    months: tuple[PlanMonth, ...]
    covered_skills: tuple[str, ...]
    uncovered: tuple[UncoveredSkill, ...]
    coverage: float  # weighted share of target skills covered, 0..1
    total_hours: float
    total_cost: Decimal
    moves: tuple[Move, ...] = ()
    depth: tuple[SkillDepth, ...] = ()  # every target skill, highest weight first
    pathways: tuple[PathwayProgress, ...] = ()  # pathways the plan works on, in the order they start
    complete_on: dt.date | None = None  # the month by which every target depth is reached
    next_goals: tuple[str, ...] = ()  # where to go next, when the goal is complete within the plan

    @property
    def course_ids(self) -> list[str]:
        """Each planned course once, in the order it starts."""
        seen: dict[str, None] = {}
        for month in self.months:
            for item in month.items:
                seen.setdefault(item.course.id, None)
        return list(seen)

    @property
    def open_course_ids(self) -> list[str]:
        """:attr:`course_ids` without the courses reported finished since the plan was made."""
        done = {item.course.id for month in self.months for item in month.items if item.done}
        return [cid for cid in self.course_ids if cid not in done]

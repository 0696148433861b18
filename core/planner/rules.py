"""What a learner's settings make of the catalog, before any course is chosen.

The planner asks these facts thousands of times per plan, and none of them depend on what the
plan holds so far: which courses the learner can take (language, format, providers, money,
level), what a course costs in their currency and whether it is studied free, how many hours it
takes and how much depth it adds, which certificate a course belongs to and how much of it is
about the goal, and how much a coach prefers a course at equal depth per hour.  They are worked
out once per plan (memoised per run) and kept apart from the choosing in
:mod:`core.planner.engine`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal

from core.catalog import Catalog
from core.catalog.schema import CostModel, Course, CourseKind, CredentialKind, Level, Recognition, SkillKind
from core.planner import depth
from core.planner.packing import MIN_SUBSCRIPTION_HOURS, month_capacities
from core.planner.types import PlanRequest, ProgressState, SkillDepth, UncoveredReason

FILL = 0.9  # share of each month's hours the plan uses; the rest is for review and practice
MIX_EVERY_MONTHS = 3
RECOGNITION_BONUS = {Recognition.INDUSTRY: 1.10, Recognition.ACADEMIC: 1.05, Recognition.NONE: 1.0}
NO_CREDENTIAL_FACTOR = 0.9
ANCHOR_BONUS = 1.6  # courses of the certificate the plan is built around
ALIGNED_PATHWAY = 0.5  # a pathway with less of its hours on the goal's skills is not the goal's own
OFF_GOAL_PATHWAY_FACTOR = 0.75
PATHWAY_REACH_BONUS = 0.3  # up to this much more for a block that goes further into a certificate
FREE_BONUS = 1.03
LANGUAGE_BONUS = 3.0  # a course in the learner's own language, teaching the same at a similar level
LEVEL_MATCH_BONUS = 1.15  # a next-level course for an intermediate or advanced learner


class Rules:
    """One learner's settings applied to one catalog: eligibility, money, depth and preferences."""

    def __init__(self, catalog: Catalog, request: PlanRequest) -> None:
        self.catalog = catalog
        self.request = request
        self.goal = catalog.goals.get(request.goal or "")
        self.capacities = month_capacities(request.start, request.months, request.hours_per_week)
        if self.capacities and request.studied_first_month:  # what was studied is not room again
            self.capacities[0] = round(max(self.capacities[0] - request.studied_first_month, 0.0), 2)
        self.fill = [round(capacity * FILL, 2) for capacity in self.capacities]
        self.total_hours = sum(self.fill)
        self.done = set(request.finished)
        self.skipped = {cid for cid, p in request.progress.items() if p.state is ProgressState.SKIPPED}
        self.pinned = [  # a course swapped away stays away, however far the learner got in it
            cid
            for cid, p in request.progress.items()
            if p.state is ProgressState.IN_PROGRESS
            and cid in catalog.courses
            and cid not in request.exclude_courses
        ]
        self.held = set(request.held_skills | request.transferable)
        self.weights: dict[str, float] = {}
        self.core_targets: dict[str, float] = {}
        self.credit: dict[str, float] = {}
        for skill_id, weight in request.goal_skills.items():
            skill = catalog.skills.get(skill_id)
            if skill is None or (skill.beginner_only and request.level is not Level.BEGINNER):
                continue
            target = depth.target_hours(skill, weight, self.goal)
            self.weights[skill_id] = weight
            self.core_targets[skill_id] = target
            held = skill_id in self.held
            self.credit[skill_id] = target if held else depth.level_credit(skill, target, request.level)
        for course_id in sorted(self.done):
            course = catalog.courses.get(course_id)
            if course is not None:
                for skill_id, hours in depth.contribution(course).items():
                    if skill_id in self.credit:
                        self.credit[skill_id] += hours
        mixed = any(catalog.skills[s].kind is not SkillKind.HARD for s in self.weights)
        self.mixes_wanted = -(-request.months // MIX_EVERY_MONTHS) if mixed else 0
        # pure functions of one course for this run, asked millions of times: memoised per run
        self.level_skipped = functools.cache(self._level_skipped)
        self.has_next_level = functools.cache(self._has_next_level)
        self.hours_of = functools.cache(self._hours_of)
        self.adds = functools.cache(self._adds)
        self.pathway_before = functools.cache(self._pathway_before)
        self.satisfied = functools.cache(self._satisfied)
        self.is_mix = functools.cache(self._is_mix)
        self.standalone = functools.cache(self._standalone)
        self.price_of = functools.cache(self._price_of)
        self.lasting_preference = functools.cache(self._lasting_preference)
        self.alignment = functools.cache(self._alignment)
        self.sized: dict[str, float] = {}  # projects set for fewer hours than their brief, to fit
        self._eligible: dict[str, bool] = {}
        self._eligible_walks: dict[str, tuple[list[Course], Iterator[Course]]] = {}

    def depths(self, planned: Mapping[str, float]) -> tuple[SkillDepth, ...]:
        """Depth per goal skill (highest weight first): target, what already counts, ``planned``."""
        order = sorted(self.weights, key=lambda s: (-self.weights[s], s))
        return tuple(
            SkillDepth(
                skill,
                round(self.core_targets[skill], 1),
                round(min(self.credit[skill], self.core_targets[skill]), 1),
                round(planned.get(skill, 0.0), 1),
            )
            for skill in order
        )

    def coverage(self, depths: Iterable[SkillDepth]) -> float:
        """Weighted share of the goal's depth that ``depths`` reach, 0..1 (1 for nothing to reach)."""
        total = sum(self.weights.values())
        return sum(self.weights[d.skill] * d.share for d in depths) / total if total else 1.0

    def price(self, course: Course) -> Decimal:
        """The course's price (per month for subscriptions) in the learner's currency."""
        return self.price_of(course.id)

    def _price_of(self, course_id: str) -> Decimal:
        cost = self.catalog.courses[course_id].cost
        return self.catalog.convert(cost.amount, cost.currency, self.request.currency)

    def audited(self, course: Course) -> bool:
        """Studied free because the budget cannot pay for its certificate (audit-free courses only)."""
        return (
            course.cost.audit_free
            and course.cost.model is not CostModel.FREE
            and self.price(course) > self.request.monthly_budget
        )

    def rejection(self, course: Course) -> UncoveredReason | None:
        """Why ``course`` can never be in this plan, or None when it can."""
        request = self.request
        if request.languages and not request.languages.intersection(course.languages):
            return UncoveredReason.LANGUAGE
        if request.formats and course.format not in request.formats:
            return UncoveredReason.FORMAT
        if course.provider in request.avoid_providers or course.platform in request.avoid_providers:
            return UncoveredReason.PROVIDER
        if course.cost.model is not CostModel.FREE and not self.audited(course):
            if self.price(course) > request.monthly_budget:
                return UncoveredReason.BUDGET
            short = course.hours < MIN_SUBSCRIPTION_HOURS and course.id not in self.catalog.pathway_of
            if course.cost.model is CostModel.SUBSCRIPTION and short:
                return UncoveredReason.BUDGET
        if course.hours > self.total_hours:
            return UncoveredReason.TOO_LONG
        if self.level_skipped(course.id):
            return UncoveredReason.LEVEL
        return None

    def below_level(self, course: Course) -> bool:
        """A foundations course an intermediate or advanced learner skips (a next-level one exists)."""
        if course.level is not Level.BEGINNER or self.request.level is Level.BEGINNER:
            return False
        if course.kind is not CourseKind.COURSE:
            return False
        hard = [s for s in course.main_skills if self.catalog.skills[s].kind is SkillKind.HARD]
        return bool(hard) and len(hard) == len(course.main_skills) and all(map(self.has_next_level, hard))

    def _has_next_level(self, skill_id: str) -> bool:
        """Whether an eligible intermediate or advanced course is mostly about ``skill_id``."""
        return any(
            c.level is not Level.BEGINNER and c.kind is CourseKind.COURSE and self.eligible(c.id)
            for c in self.catalog.courses_by_main_skill.get(skill_id, ())
        )

    def eligible(self, course_id: str) -> bool:
        known = self._eligible.get(course_id)
        if known is None:
            course = self.catalog.courses.get(course_id)
            known = (
                course is not None
                and course_id not in self.done
                and course_id not in self.skipped
                and course_id not in self.request.exclude_courses
                and self.rejection(course) is None
            )
            self._eligible[course_id] = known
        return known

    def passed_over(self, course_id: str) -> bool:
        """A pathway course the learner moves on without: one their level makes unnecessary, or one
        they skipped or swapped away.  The pathway's later courses may follow it either way: skipping
        or swapping a certificate's first course does not drop the whole certificate (the plan says
        the certificate still needs it)."""
        return (
            course_id in self.skipped
            or course_id in self.request.exclude_courses
            or self.level_skipped(course_id)
        )

    def _level_skipped(self, course_id: str) -> bool:
        """A pathway course the learner's level makes unnecessary (its later courses may follow)."""
        course = self.catalog.courses.get(course_id)
        return course is not None and self.below_level(course)

    def eligible_courses(self, skill: str) -> Iterator[Course]:
        """Eligible courses (kind course) mostly about ``skill``, in planning order.

        Every phase walks these lists; the filtering is done once per run and only as far as
        some phase has walked (a skill has thousands of courses in a large catalog).
        """
        found, rest = self._eligible_walks.setdefault(
            skill, ([], iter(self.catalog.planning_order.get(skill, ())))
        )
        yield from list(found)
        for course in rest:
            if course.kind is CourseKind.COURSE and self.eligible(course.id):
                found.append(course)
                yield course

    def _hours_of(self, course_id: str) -> float:
        if course_id in self.sized:
            return self.sized[course_id]
        course = self.catalog.courses[course_id]
        progress = self.request.progress.get(course_id)
        if progress is not None and progress.state is ProgressState.IN_PROGRESS:
            return max(course.hours * (100 - progress.percent) / 100, 0.5)
        return course.hours

    def _adds(self, course_id: str) -> Mapping[str, float]:
        course = self.catalog.courses[course_id]
        return depth.contribution(course, self.hours_of(course_id))

    def _pathway_before(self, course_id: str) -> tuple[str, ...]:
        """The earlier courses of ``course_id``'s pathway (all of them, for the pathway's exam)."""
        found = self.catalog.pathway_of.get(course_id)
        if found is None:
            return ()
        pathway, position = found
        return tuple(pathway.courses[:position])

    def _standalone(self, course_id: str) -> bool:
        """A course that needs nothing first: no prerequisites, no earlier pathway course, within reach."""
        course = self.catalog.courses[course_id]
        return (
            not course.prerequisites and not self.pathway_before(course_id) and not self.above_level(course)
        )

    def above_level(self, course: Course) -> bool:
        """A course above the learner's level whose first main skill, a hard goal skill, needs a start."""
        skill = course.main_skills[0]
        return (
            course.level.rank > self.request.level.rank
            and skill in self.core_targets
            and self.catalog.skills[skill].kind is SkillKind.HARD
        )

    def _satisfied(self, prerequisite: str) -> bool:
        """An explicit prerequisite the learner needs no course for: done, or its main skills held."""
        if prerequisite in self.done:
            return True
        course = self.catalog.courses.get(prerequisite)
        return course is not None and all(s in self.held for s in course.main_skills)

    @functools.cached_property
    def anchor(self) -> str | None:
        """The certificate a coach would build this plan around: the eligible pathway mostly about
        the goal that reaches the most of its weighted skills (ties by id)."""
        best: tuple[float, str] | None = None
        for pathway_id, pathway in sorted(self.catalog.pathways.items()):
            if self.alignment(pathway_id) < ALIGNED_PATHWAY:
                continue
            usable = [c for c in pathway.courses if self.eligible(c) or self.passed_over(c)]
            if not usable or (not self.eligible(usable[0]) and not self.passed_over(usable[0])):
                continue
            skills = {s for c in usable for s in self.catalog.courses[c].main_skills if s in self.weights}
            open_weight = sum(self.weights[s] for s in skills if self.credit[s] < self.core_targets[s])
            key = (-open_weight * self.alignment(pathway_id), pathway_id)
            if open_weight > 0 and (best is None or key < best):
                best = key
        return None if best is None else best[1]

    def _alignment(self, pathway_id: str) -> float:
        """Share of a pathway's hours on courses mostly about the goal's skills."""
        courses = [self.catalog.courses[c] for c in self.catalog.pathways[pathway_id].courses]
        on_goal = sum(c.hours for c in courses if not set(c.main_skills).isdisjoint(self.weights))
        return on_goal / sum(c.hours for c in courses)

    def _lasting_preference(self, course_id: str) -> float:
        """The part of :meth:`preference` that does not depend on the plan so far."""
        course = self.catalog.courses[course_id]
        factor = RECOGNITION_BONUS[course.recognition]
        if course.credential.kind is CredentialKind.NONE:
            factor *= NO_CREDENTIAL_FACTOR
        pathway = self.catalog.pathway_of.get(course_id)
        if pathway is not None:
            reach = min((pathway[1] + 1) / len(pathway[0].courses), 1.0)
            aligned = self.alignment(pathway[0].id)
            factor *= 1 + PATHWAY_REACH_BONUS * reach * aligned
            if aligned < ALIGNED_PATHWAY:
                factor *= OFF_GOAL_PATHWAY_FACTOR  # a certificate mostly about other things
            if pathway[0].id == self.anchor:
                factor *= ANCHOR_BONUS
        if course.cost.model is CostModel.FREE:
            factor *= FREE_BONUS
        preferred = self.request.preferred_language
        if preferred is not None and preferred in course.languages:
            factor *= LANGUAGE_BONUS
        if self.request.level is not Level.BEGINNER and course.level is self.request.level:
            factor *= LEVEL_MATCH_BONUS
        return factor

    def _is_mix(self, course_id: str) -> bool:
        """A course mostly about a soft or digital-literacy skill the goal lists."""
        return any(
            self.catalog.skills[s].kind is not SkillKind.HARD
            for s in self.catalog.courses[course_id].main_skills
            if s in self.weights
        )

    def projects(self) -> list[str]:
        """The goal's own projects first, then other projects wholly about the goal's skills."""
        own = list(self.goal.projects) if self.goal is not None else []
        fitting = [
            c.id
            for c in self.catalog.of_kind(CourseKind.PROJECT)
            if c.id not in own and set(c.main_skills) <= set(self.weights)
        ]
        return own + fitting

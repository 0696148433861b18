"""Choose courses for a learner's goal and lay them out month by month, as a coach would.

What a good plan does
---------------------
The seeds' coaching advice, made into rules:

* **Depth, not a touch.**  Every goal skill has a target depth in study hours
  (:mod:`core.planner.depth`); a course adds depth only to its *main* skills.  The plan keeps
  adding courses while any skill is below its target, so no month stays empty while the goal
  is incomplete.  Each month is planned to :data:`FILL` of the learner's hours (time to review
  and apply), and the calendar (:mod:`core.planner.packing`) keeps hours and budget per month.
* **Finish what you start.**  A pathway's courses come in the provider's order (a course needs
  the pathway's earlier ones), a started pathway is continued to its end while there is room,
  and its exam is booked once its courses are done and the budget allows.
* **Then go further.**  When every target is reached: next-level courses for the skills that
  matter most, then a portfolio project (the goal's own), then the exams still open.  Only then
  may a month stay light, and the result suggests the next goal.
* **Level matters.**  A learner's level counts as depth already there; foundations courses are
  skipped for hard skills when a next-level option exists; a course above the learner's level
  needs part of its main skill first (a foundation course, or the pathway's earlier courses).
* **Money as learners see it.**  An audit-free course the budget cannot pay for is studied
  free (its certificate optional); a subscription is not bought for a short course outside a
  pathway; a one-off price is paid once.

Why this algorithm
------------------
Choosing courses to reach weighted depth targets within hours and money is a budgeted
(concave) coverage problem, NP-hard once prerequisites make a course cost the hours of what it
needs first.  Learners need an answer in milliseconds at catalog scale, so:

1. **Candidate pool.**  For each open skill, the first :data:`POOL_PER_SKILL` eligible courses
   mostly about it in the catalog's planning order (recognised first, then fewest hours), plus
   a few in the learner's preferred language.  The work is bounded by the goal, not the catalog.
2. **Greedy by marginal weighted depth per hour, with prerequisite closure.**  A candidate's
   value is the weighted depth it and what it needs first add (each skill counted up to its
   target) per hour, nudged by preferences (recognised credentials, pathways already started,
   free courses, the learner's language, courses at the learner's level) so they win when
   depth and hours are similar.  Values are upper bounds in a lazy heap (depth gains only
   shrink as the plan grows); a candidate whose closure shrank, or whose pathway got started,
   is re-evaluated at once.  Every pick is laid out on the calendar before it is accepted.
3. **Partial enumeration.**  Greedy again with a forced first pick, keeping the best plan,
   closes most of the gap to the optimum (the quality benchmark measures it).
4. **Order and mix.**  Courses are ordered by phase (core, deeper, practice), highest-weight
   gaps first within a phase (prerequisites respected), and a soft or digital-literacy course
   is pulled into every :data:`MIX_EVERY_MONTHS`-month window that lacks one.

What a learner's settings make of the catalog (eligibility, prices, hours and depth per course,
which certificate a course belongs to, a coach's lasting preferences) is worked out once per plan
in :mod:`core.planner.rules`; this module chooses.  Everything is deterministic: ties break on
course id, never on dict or set order.
"""

from __future__ import annotations

import functools
import heapq
import itertools
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from core.catalog import Catalog
from core.catalog.schema import (
    Course,
    CourseKind,
    Level,
)
from core.planner import depth
from core.planner.packing import (
    MIN_START_HOURS,
    Layout,
    Packer,
    Work,
    lay_out,
)
from core.planner.rules import ALIGNED_PATHWAY, Rules
from core.planner.types import Phase, PlanRequest

POOL_PER_SKILL = 4
POOL_DEPTH_FACTOR = 1.5  # ...and enough courses to give this many times the depth still missing
MAX_POOL_PER_SKILL = 40
POOL_PREFERRED_LANGUAGE = 8  # extra candidates per skill in the learner's own language
FULL_SEEDING_POOL = 18  # up to this many candidates, every one is tried as a forced first pick
SEED_PICKS = 0  # in larger pools: forced first picks taken from the best values...
SEED_PICKS_BY_GAIN = 0  # ...and from the largest gains (the big course a ratio defers)
STACKS_BONUS = 1.5  # a course of a pathway the plan has started: finish what you start
COMPLETION_GAIN = 0.5  # finishing a certificate mostly about the goal: worth half a core skill
MIX_BONUS = 2.5  # a soft or digital-literacy course, until the plan has one per MIX_EVERY_MONTHS months
SPARE_SHARE = 0.25  # room under a quarter of a month (over the plan) needs no further phase
MIN_PROJECT_HOURS = 6.0  # a project set for less than this is not worth calling one
MIN_FOUNDATION_HOURS = 5.0  # a foundation course gives at least this much (or all that is missing)
EPSILON = 1e-9


@dataclass
class Selection:
    """A growing plan: courses in pick order, their calendar, the depth they add and their order rules.

    ``packer`` is the calendar of ``order``; None once nothing more can fit (pinned courses that
    overflow the horizon).  ``progress`` is depth per target skill, credit included.
    """

    packer: Packer | None
    progress: dict[str, float]
    order: list[str] = field(default_factory=list)
    after: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    blocks: list[list[str]] = field(default_factory=list)
    pathways: set[str] = field(default_factory=set)
    building: dict[str, str] = field(default_factory=dict)  # skill -> first picked course adding to it
    phase: dict[str, Phase] = field(default_factory=dict)
    mixes: int = 0  # courses mostly about a soft or digital-literacy goal skill
    chosen: set[str] = field(default_factory=set)  # the courses of ``order``, for fast membership

    def copy(self) -> Selection:
        return Selection(
            self.packer,  # never changed in place: accepting a block replaces it
            dict(self.progress),
            list(self.order),
            defaultdict(set, {k: set(v) for k, v in self.after.items()}),
            [list(b) for b in self.blocks],
            set(self.pathways),
            dict(self.building),
            dict(self.phase),
            self.mixes,
            set(self.chosen),
        )


Evaluated = tuple[float, list[str], dict[str, set[str]]]


class Planner(Rules):
    """One planning run over one catalog and request: the selection, phase by phase."""

    def __init__(self, catalog: Catalog, request: PlanRequest) -> None:
        super().__init__(catalog, request)
        self.targets = self.core_targets  # the current phase's targets
        self.admits: Callable[[Course], bool] = lambda course: True  # the current phase's filter
        self.foundations = functools.cache(self._foundations)
        self.chain = functools.cache(self._chain)

    # -- candidates --------------------------------------------------------------------------

    def candidate_pool(self, selection: Selection) -> list[str]:
        """Per open skill, the first eligible courses mostly about it in planning order: at least
        :data:`POOL_PER_SKILL`, and enough to give twice the depth still missing (short courses
        need more of them), plus a few in the learner's own language."""
        pool: dict[str, None] = {}
        preferred = self.request.preferred_language
        for skill in sorted(self.targets):
            missing = self.targets[skill] - selection.progress.get(skill, 0.0)
            later_phase = self.targets is not self.core_targets
            if missing <= EPSILON or (later_phase and self.targets[skill] <= self.core_targets[skill]):
                continue  # a later phase looks only at raised targets: the others had their chance
            taken = own = 0
            depth_found = 0.0
            for course in self.eligible_courses(skill):
                if course.id in selection.chosen or not self.admits(course):
                    continue
                in_own = preferred is not None and preferred in course.languages
                wanted = taken < POOL_PER_SKILL or depth_found < POOL_DEPTH_FACTOR * missing
                if (wanted and taken < MAX_POOL_PER_SKILL) or (in_own and own < POOL_PREFERRED_LANGUAGE):
                    pool.setdefault(course.id, None)
                    taken += 1
                    own += in_own
                    depth_found += self.adds(course.id).get(skill, 0.0)
                elif preferred is None or own >= POOL_PREFERRED_LANGUAGE:
                    break
        for pathway_id in sorted(
            {found[0].id for cid in pool if (found := self.catalog.pathway_of.get(cid))}
        ):
            last = self.catalog.pathways[pathway_id].courses[-1]  # finishing it: the whole rest, in order
            if (
                self.alignment(pathway_id) >= ALIGNED_PATHWAY
                and last not in selection.chosen
                and self.eligible(last)
            ):
                pool.setdefault(last, None)
        return sorted(pool)

    # -- depth -------------------------------------------------------------------------------

    def gain(self, block: Sequence[str], progress: Mapping[str, float]) -> float:
        """Weighted depth ``block`` adds on top of ``progress``, each skill counted up to its target."""
        added: Mapping[str, float]
        if len(block) == 1:  # most candidates: no merging needed
            added = self.adds(block[0])
        else:
            merged: dict[str, float] = defaultdict(float)
            for cid in block:
                for skill, hours in self.adds(cid).items():
                    merged[skill] += hours
            added = merged
        targets = self.targets
        total = 0.0
        for skill, hours in added.items():
            if skill not in targets:
                continue
            target = self.targets[skill]
            before = min(progress.get(skill, 0.0), target)
            total += self.weights[skill] * (min(before + hours, target) - before) / target
        return total

    def open_skills(self, selection: Selection) -> list[str]:
        return [s for s, t in self.targets.items() if selection.progress.get(s, 0.0) < t - EPSILON]

    # -- closure and value -------------------------------------------------------------------

    def foundation_for(self, skill: str, course: Course, missing: float, avoid: set[str]) -> str | None:
        """The shortest course below ``course``'s level mostly about ``skill`` giving ``missing`` hours."""
        for _hours, other_id, gives in self.foundations(skill, course.level.rank):
            if gives + EPSILON >= missing and other_id not in avoid:
                return other_id
        return None

    def _foundations(self, skill: str, below: int) -> tuple[tuple[float, str, float], ...]:
        """Eligible courses mostly about ``skill`` below level ``below``: (hours, id, depth), shortest first.

        A pathway's later course is no one's foundation on its own.
        """
        candidates = (
            other
            for other in self.catalog.planning_order.get(skill, ())
            if other.level.rank < below
            and other.kind is CourseKind.COURSE
            and self.eligible(other.id)
            and not self.pathway_before(other.id)
        )
        found = [
            (self.hours_of(other.id), other.id, self.adds(other.id).get(skill, 0.0))
            for other in itertools.islice(candidates, POOL_PER_SKILL)  # as many as the pool weighs
        ]
        return tuple(sorted(found))

    def closure(self, course_id: str, selection: Selection) -> tuple[list[str], dict[str, set[str]]] | None:
        """``course_id`` with everything it still needs first, in a valid order (or None)."""
        if self.standalone(course_id):
            return ([course_id], {}) if self.eligible(course_id) else None  # the common, fast case
        chain = self.chain(course_id)
        if chain is not None:  # prerequisites only, no foundation to choose: the run's fixed chain
            found, edges = chain
            if found is None:
                return None
            return [c for c in found if c not in selection.chosen], {
                c: set(edges[c]) for c in found if c in edges
            }
        return self._closure(course_id, selection)

    def _chain(self, course_id: str) -> tuple[tuple[str, ...] | None, dict[str, frozenset[str]]] | None:
        """The closure of a course whose whole chain is within the learner's reach, computed once:
        what it needs does not depend on the plan then, only which of it is planned already.
        None when some course of the chain is above the learner's level (its foundation depends on
        the depth the plan has reached); ``(None, {})`` when the chain cannot be taken at all."""
        pending = [course_id]
        seen: set[str] = set()
        while pending:
            cid = pending.pop()
            if cid in seen:
                continue
            seen.add(cid)
            course = self.catalog.courses.get(cid)
            if course is None:
                continue
            if not self.pathway_before(cid) and self.above_level(course):
                return None
            pending.extend(itertools.chain(self.pathway_before(cid), course.prerequisites))
        empty = Selection(None, dict(self.credit))
        found = self._closure(course_id, empty)
        if found is None:
            return None, {}
        order, after = found
        return tuple(order), {c: frozenset(deps) for c, deps in after.items()}

    def _closure(self, course_id: str, selection: Selection) -> tuple[list[str], dict[str, set[str]]] | None:
        """The closure worked out against ``selection`` (foundations depend on its depth)."""
        order: list[str] = []
        after: dict[str, set[str]] = defaultdict(set)
        chosen = selection.chosen  # read only: what the closure adds is ``added`` (no copies per call)
        added: set[str] = set()
        gained: dict[str, float] = defaultdict(float)
        first_adding: dict[str, str] = {}

        def need(cid: str, path: frozenset[str]) -> bool:
            if cid in chosen or cid in added:
                return True
            if cid in path or not self.eligible(cid):
                return False
            course = self.catalog.courses[cid]
            earlier = self.pathway_before(cid)
            for prerequisite in itertools.chain(earlier, course.prerequisites):
                if self.satisfied(prerequisite) or (
                    prerequisite in earlier and self.passed_over(prerequisite)
                ):
                    continue
                if not need(prerequisite, path | {cid}):
                    return False
                after[cid].add(prerequisite)
            if not earlier and self.above_level(course):
                skill = course.main_skills[0]
                have = selection.progress.get(skill, 0.0) + gained[skill]
                missing = depth.reach_needed(course, self.core_targets[skill]) - have
                if missing > EPSILON:
                    wanted = min(missing, MIN_FOUNDATION_HOURS)
                    foundation = self.foundation_for(skill, course, wanted, chosen | added | path | {cid})
                    if foundation is None or not need(foundation, path | {cid}):
                        return False
                builder = selection.building.get(skill) or first_adding.get(skill)
                if builder is not None:
                    after[cid].add(builder)
            added.add(cid)
            order.append(cid)
            for skill_id, hours in self.adds(cid).items():
                gained[skill_id] += hours
                first_adding.setdefault(skill_id, cid)
            return True

        return (order, after) if need(course_id, frozenset()) else None

    def completion(self, block: Sequence[str], selection: Selection) -> float:
        """What finishing a recognised certificate is worth on top of its depth (0 unless ``block``
        completes a pathway mostly about the goal): a coach would rather finish one than start
        another for a minor skill."""
        found = self.catalog.pathway_of.get(block[-1])
        if found is None or self.catalog.courses[block[-1]].kind is CourseKind.EXAM:
            return 0.0
        return self.finishing_value(found[0].id, selection.chosen.union(block))

    def completions(self, selection: Selection) -> float:
        """The completion value of every certificate ``selection`` finishes (for comparing plans)."""
        return sum(self.finishing_value(p, selection.chosen) for p in sorted(selection.pathways))

    def finishing_value(self, pathway_id: str, placed: set[str]) -> float:
        """:data:`COMPLETION_GAIN` (times its alignment) for a pathway mostly about the goal whose
        courses are all ``placed``, done or passed over (:meth:`passed_over`); else 0."""
        aligned = self.alignment(pathway_id)
        if aligned < ALIGNED_PATHWAY:
            return 0.0
        courses = self.catalog.pathways[pathway_id].courses
        if all(c in placed or c in self.done or self.passed_over(c) for c in courses):
            return COMPLETION_GAIN * aligned
        return 0.0

    def preference(self, course: Course, selection: Selection) -> float:
        """How much a coach prefers ``course`` at equal depth per hour (1 = no preference)."""
        factor = self.lasting_preference(course.id)
        pathway = self.catalog.pathway_of.get(course.id)
        if pathway is not None and pathway[0].id in selection.pathways:
            factor *= STACKS_BONUS
        if selection.mixes < self.mixes_wanted and self.is_mix(course.id):
            factor *= MIX_BONUS  # only falls as the plan grows, so heap values stay upper bounds
        return factor

    def value(self, course_id: str, selection: Selection) -> Evaluated | None:
        if course_id in selection.chosen:
            return None  # already planned (pinned, kept, or picked)
        found = self.closure(course_id, selection)
        if found is None:
            return None
        order, after = found
        gain = self.gain(order, selection.progress) + self.completion(order, selection)
        if gain <= EPSILON:
            return None
        hours = sum(self.hours_of(cid) for cid in order)
        course = self.catalog.courses[course_id]
        return gain / hours * self.preference(course, selection), order, after

    # -- layout ------------------------------------------------------------------------------

    def work(self, sequence: Sequence[str], after: Mapping[str, set[str]] | None = None) -> list[Work]:
        """``sequence`` as calendar work; ``after`` says what each course must follow."""
        return [
            Work(
                self.catalog.courses[cid],
                self.hours_of(cid),
                cid not in self.pinned,
                self.audited(self.catalog.courses[cid]),
                tuple(sorted(after.get(cid, ()))) if after else (),
            )
            for cid in sequence
        ]

    def lay_out(self, sequence: Sequence[str], after: Mapping[str, set[str]]) -> Layout | None:
        return lay_out(self.work(sequence, after), self.fill, self.request.monthly_budget, self.price)

    def placed(
        self, selection: Selection, block: Sequence[str], after: Mapping[str, set[str]]
    ) -> Packer | None:
        """``selection``'s calendar with ``block`` placed; None when the block does not fit."""
        if selection.packer is None:
            return None
        merged = {cid: selection.after.get(cid, set()) | after.get(cid, set()) for cid in block}
        return selection.packer.extended(self.work(block, merged))

    def accept(
        self,
        selection: Selection,
        block: list[str],
        after: Mapping[str, set[str]],
        packer: Packer | None,
        phase: Phase = Phase.CORE,
    ) -> None:
        """Add ``block`` (laid out as ``packer``, from :meth:`placed`) to ``selection``."""
        selection.packer = packer
        selection.order.extend(block)
        selection.chosen.update(block)
        selection.blocks.append(block)
        for cid in block:
            selection.phase[cid] = phase
            selection.mixes += self.is_mix(cid)
            for skill, hours in self.adds(cid).items():
                if skill in selection.progress:
                    selection.progress[skill] += hours
                selection.building.setdefault(skill, cid)
            found = self.catalog.pathway_of.get(cid)
            if found is not None:
                selection.pathways.add(found[0].id)
        for cid, deps in after.items():
            selection.after[cid].update(deps)

    def try_add(self, selection: Selection, course_id: str, phase: Phase) -> bool:
        """Add ``course_id`` with what it needs first, if it is eligible and fits; say whether it did."""
        if course_id in selection.chosen or not self.eligible(course_id):
            return False
        found = self.closure(course_id, selection)
        packer = None if found is None else self.placed(selection, found[0], found[1])
        if found is None or packer is None:
            return False
        self.accept(selection, found[0], found[1], packer, phase)
        return True

    def start_selection(self, keep: Sequence[str]) -> tuple[Selection, list[str]]:
        """Pinned in-progress courses, then kept courses that still fit; returns what was dropped."""
        empty = Packer.empty(self.fill, self.request.monthly_budget, self.price)
        selection = Selection(empty, dict(self.credit))
        for cid in self.pinned:
            self.accept(selection, [cid], {}, self.placed(selection, [cid], {}))
        dropped = []
        for cid in keep:
            if cid in selection.chosen or cid in self.done or cid in self.skipped:
                continue
            if not self.try_add(selection, cid, Phase.CORE):
                dropped.append(cid)
        return selection, dropped

    # -- greedy ------------------------------------------------------------------------------

    def initial_bounds(
        self, selection: Selection
    ) -> tuple[list[tuple[float, str]], dict[str, frozenset[str]]]:
        """Every candidate's value against ``selection``, and what a re-evaluation depends on.

        A candidate's value can rise only when its closure shrinks (something it needs got picked,
        or depth it needed got added) or its pathway got started; those are its dependencies.
        """
        heap: list[tuple[float, str]] = []
        depends: dict[str, frozenset[str]] = {}
        for cid in self.candidate_pool(selection):
            evaluated = self.value(cid, selection)
            if evaluated is None:
                continue
            heap.append((-evaluated[0], cid))
            if not self.standalone(cid) or cid in self.catalog.pathway_of:  # others' values only fall
                depends[cid] = self.dependencies(evaluated[1])
        heapq.heapify(heap)
        return heap, depends

    def dependencies(self, block: Sequence[str]) -> frozenset[str]:
        items: set[str] = set(block)
        for cid in block:
            course = self.catalog.courses[cid]
            items.add(f"skill:{course.main_skills[0]}")
            items.update(course.prerequisites)
            items.update(self.pathway_before(cid))
            found = self.catalog.pathway_of.get(cid)
            if found is not None:
                items.add(f"pathway:{found[0].id}")
        return frozenset(items)

    def greedy(
        self,
        selection: Selection,
        heap: list[tuple[float, str]],
        depends: dict[str, frozenset[str]],
        phase: Phase = Phase.CORE,
    ) -> Selection:
        """Lazy greedy by value, each pick checked against the calendar before acceptance."""
        depends = dict(depends)
        room = self.total_hours - sum(self.hours_of(cid) for cid in selection.chosen)
        while heap and self.open_skills(selection):
            _, cid = heapq.heappop(heap)
            if cid in selection.chosen or self.hours_of(cid) > room + 1e-6:
                continue  # room only shrinks: a course longer than what is left never fits
            evaluated = self.value(cid, selection)
            if evaluated is None:
                depends.pop(cid, None)
                continue
            score, block, after = evaluated
            if heap and (-score, cid) > heap[0]:
                heapq.heappush(heap, (-score, cid))
                continue
            block_hours = sum(self.hours_of(c) for c in block)
            packer = None if block_hours > room + 1e-6 else self.placed(selection, block, after)
            if packer is None:
                depends.pop(cid, None)
                continue  # hours and money only get scarcer: it will never fit
            self.accept(selection, block, after, packer, phase)
            room -= block_hours
            self.refresh(selection, block, heap, depends)
        return selection

    def refresh(
        self,
        selection: Selection,
        block: Sequence[str],
        heap: list[tuple[float, str]],
        depends: dict[str, frozenset[str]],
    ) -> None:
        """Re-evaluate candidates whose value the picked ``block`` may have raised."""
        touched = set(block)
        for cid in block:
            touched.update(f"skill:{s}" for s in self.catalog.courses[cid].main_skills)
            found = self.catalog.pathway_of.get(cid)
            if found is not None:
                touched.add(f"pathway:{found[0].id}")
        for other in sorted(cid for cid, deps in depends.items() if deps & touched):
            if other in selection.chosen:
                del depends[other]
                continue
            again = self.value(other, selection)
            if again is None:
                del depends[other]
            else:
                depends[other] = self.dependencies(again[1])
                heapq.heappush(heap, (-again[0], other))

    def best_selection(self, base: Selection) -> Selection:
        """Greedy, and greedy again with each of the best few first picks forced; keep the best."""
        heap, depends = self.initial_bounds(base)
        best = self.greedy(base.copy(), list(heap), depends)
        for cid in self.seeds(base, heap):
            evaluated = self.value(cid, base)
            if evaluated is None:
                continue
            seeded = base.copy()
            _, block, after = evaluated
            packer = self.placed(seeded, block, after)
            if packer is None:
                continue
            self.accept(seeded, block, after, packer)
            seeded_heap = list(heap)
            seeded_depends = dict(depends)
            self.refresh(seeded, block, seeded_heap, seeded_depends)
            seeded = self.greedy(seeded, seeded_heap, seeded_depends)
            if self.score(seeded) > self.score(best):
                best = seeded
        return best

    def seeds(self, base: Selection, heap: list[tuple[float, str]]) -> list[str]:
        """First picks to force: all of a small pool; else the best few by value and by absolute gain."""
        if len(heap) <= FULL_SEEDING_POOL:
            return [cid for _, cid in sorted(heap)]
        by_value = [cid for _, cid in heapq.nsmallest(SEED_PICKS, heap)]
        gains = []
        for _, cid in heap:
            found = self.closure(cid, base)
            if found is not None:
                gains.append((-self.gain(found[0], base.progress), cid))
        by_gain = [cid for _, cid in heapq.nsmallest(SEED_PICKS_BY_GAIN, gains) if cid not in by_value]
        return by_value + by_gain

    def score(self, selection: Selection) -> tuple[float, float]:
        """How good a plan is, to compare the seeded runs: the depth each course adds weighted by
        how much a coach prefers it (the learner's language, recognised credentials, ...), plus the
        certificates it finishes; fewer hours break ties."""
        progress = dict(self.credit)
        reached = self.completions(selection)
        for cid in selection.order:
            reached += self.gain((cid,), progress) * self.lasting_preference(cid)
            for skill, hours in self.adds(cid).items():
                if skill in progress:
                    progress[skill] += hours
        return round(reached, 9), -sum(self.hours_of(cid) for cid in selection.chosen)

    # -- phases ------------------------------------------------------------------------------

    def finish_pathways(self, selection: Selection, phase: Phase) -> None:
        """Continue every started pathway in order while its next course fits, then book its exam."""
        for pathway_id in sorted(selection.pathways, key=lambda p: self.first_start(selection, p)):
            pathway = self.catalog.pathways[pathway_id]
            for course_id in pathway.courses:
                if course_id in selection.chosen or course_id in self.done or self.passed_over(course_id):
                    continue
                if not self.try_add(selection, course_id, phase):
                    break
            else:
                if pathway.exam:
                    self.try_add(selection, pathway.exam, phase)

    def first_start(self, selection: Selection, pathway_id: str) -> int:
        courses = self.catalog.pathways[pathway_id].courses
        return min((selection.order.index(c) for c in courses if c in selection.chosen), default=len(courses))

    def go_deeper(self, selection: Selection, factor: float, min_weight: float, next_level: bool) -> None:
        """More depth once the core targets are reached (or no course can reach them): targets of the
        skills weighing at least ``min_weight`` times ``factor``, from next-level courses if asked."""
        if self.room_left(selection) < MIN_START_HOURS + max(self.fill, default=0.0) * SPARE_SHARE:
            return  # the months are (nearly) full: what is left is the slack every plan keeps
        floor = max(self.request.level.rank, Level.INTERMEDIATE.rank) if next_level else 0
        self.targets = {  # skills the learner already holds need no more
            skill: target * (factor if self.weights[skill] >= min_weight and skill not in self.held else 1.0)
            for skill, target in self.core_targets.items()
        }
        self.admits = lambda course: course.level.rank >= floor
        try:
            heap, depends = self.initial_bounds(selection)
            self.greedy(selection, heap, depends, Phase.DEEPER)
            self.finish_pathways(selection, Phase.DEEPER)
        finally:
            self.targets = self.core_targets
            self.admits = lambda course: True

    def room(self, selection: Selection) -> list[float]:
        """Hours each month of the calendar still has."""
        if selection.packer is None:
            return [0.0] * len(self.fill)
        return [max(f - u, 0.0) for f, u in zip(self.fill, selection.packer.layout.used, strict=True)]

    def room_left(self, selection: Selection) -> float:
        """Hours the calendar still has (over all months)."""
        return sum(self.room(selection))

    def practise(self, selection: Selection) -> None:
        """The goal's portfolio projects, then the exams whose preparation is in the plan or done.

        A project is work the learner can scale: when the full brief no longer fits, it is set for
        the hours the plan has left, else its last months have (if that is still a real project).
        """
        for project in self.projects():
            if self.try_add(selection, project, Phase.PRACTICE) or selection.packer is None:
                continue
            room = self.room(selection)
            for hours in (sum(room), room[-1] + room[-2], room[-1]):  # all the room, the last months
                if hours < MIN_PROJECT_HOURS or not self.eligible(project):
                    continue
                self.sized[project] = round(min(hours, self.catalog.courses[project].hours) - 0.05, 1)
                self.hours_of.cache_clear()
                self.adds.cache_clear()
                if self.try_add(selection, project, Phase.PRACTICE):
                    break
                del self.sized[project]
        for exam in self.catalog.of_kind(CourseKind.EXAM):
            if self.prepared_for(exam, selection):
                self.try_add(selection, exam.id, Phase.PRACTICE)

    def prepared_for(self, exam: Course, selection: Selection) -> bool:
        """An exam whose preparation (its pathway or its prerequisites) is done or planned."""
        needed = self.pathway_before(exam.id) or exam.prerequisites
        return bool(needed) and all(
            c in selection.chosen or c in self.done or self.passed_over(c) for c in needed
        )

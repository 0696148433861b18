"""Choose courses for a learner's skill gaps and lay them out month by month.

Why this algorithm
------------------
Picking courses to cover weighted skills under an hours budget is a budgeted maximum-coverage
problem (NP-hard), and prerequisites make a course cost the hours of everything it needs first.
Exact search is out of the question at catalog scale (10^4-10^5 courses), and learners need an
answer in milliseconds.  The classic remedy has a known quality bound and is simple to explain
to a learner ("this course covers the most of what you still need per hour"):

1. **Candidate pool.**  Only courses teaching a target skill matter.  For each target skill we
   keep the first :data:`POOL_PER_SKILL` eligible courses in the catalog's planning order (fewest
   hours per skill taught first).  Eligibility filters language, format, avoided providers,
   budget (a course whose own monthly price exceeds the budget can never fit) and courses
   already done.  This bounds the work by the number of target skills, not the catalog size.
2. **Greedy by marginal weighted coverage per hour, with prerequisite closure.**  A candidate's
   value is (weight of target skills it and its missing prerequisites newly cover) / (their
   hours), nudged by at most ~20% towards recognized credentials and pathways the plan already
   stacks into, so they win only when coverage and cost are similar.  Prerequisites come in
   two kinds: explicit course prerequisites (satisfied by a finished course or by already
   holding all its skills) and *foundations*: a course above the learner's level needs its main
   skill covered first by a course at or below their level.  Values are evaluated lazily
   (a heap of upper bounds); a candidate whose closure shrank because a prerequisite was picked
   is re-evaluated at once, since its value can rise.  Every pick is laid out on the calendar
   (:mod:`core.planner.packing`) before it is accepted, so no month ever exceeds its hours or
   its budget.
3. **Partial enumeration.**  Greedy alone can be fooled by cheap courses that use up the room a
   better big one needed; running it again with a forced first pick, and keeping the best plan,
   closes most of that gap (the quality benchmark measures it against exhaustive search).  Small
   pools try every candidate first; large ones the best few by value and by absolute gain.
4. **Order and mix.**  The chosen courses are ordered so that the highest-weight gaps come
   first (respecting prerequisites), and, when the goal lists soft or digital-literacy skills,
   a course teaching one is pulled into every :data:`MIX_EVERY_MONTHS`-month window that lacks
   one, as the coaching advice recommends mixing hard, soft and digital skills.

Everything is deterministic: ties break on course id, never on dict or set order.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from core.catalog import Catalog
from core.catalog.schema import CostModel, Course, CredentialKind, Recognition, SkillKind
from core.planner.packing import Layout, Packer, Work, add_months, lay_out, month_capacities
from core.planner.types import (
    Move,
    PlanMonth,
    PlannedItem,
    PlanRequest,
    PlanResult,
    ProgressState,
    Reason,
    UncoveredReason,
    UncoveredSkill,
)

POOL_PER_SKILL = 24
FULL_SEEDING_POOL = 32  # up to this many candidates, every one is tried as a forced first pick
SEED_PICKS = 3  # in larger pools: forced first picks taken from the best values...
SEED_PICKS_BY_GAIN = (
    2  # ...and from the largest gains (the big course a ratio defers until it no longer fits)
)
MIX_EVERY_MONTHS = 3
RECOGNITION_BONUS = {Recognition.INDUSTRY: 1.10, Recognition.ACADEMIC: 1.05, Recognition.NONE: 1.0}
NO_CREDENTIAL_FACTOR = 0.9
STACKS_BONUS = 1.08
FREE_BONUS = 1.03


@dataclass
class _Selection:
    """A growing plan: courses in pick order, their calendar, what they cover and what each must follow.

    ``packer`` is the calendar of ``order``; None once nothing more can fit (pinned courses that
    overflow the horizon).
    """

    packer: Packer | None
    order: list[str] = field(default_factory=list)
    covered: set[str] = field(default_factory=set)
    after: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    blocks: list[list[str]] = field(default_factory=list)
    pathways: set[str] = field(default_factory=set)
    covering: dict[str, str] = field(default_factory=dict)  # skill -> first picked course teaching it

    def copy(self) -> _Selection:
        return _Selection(
            self.packer,  # never changed in place: accepting a block replaces it
            list(self.order),
            set(self.covered),
            defaultdict(set, {k: set(v) for k, v in self.after.items()}),
            [list(b) for b in self.blocks],
            set(self.pathways),
            dict(self.covering),
        )


class _Planner:
    """One planning run over one catalog and request."""

    def __init__(self, catalog: Catalog, request: PlanRequest) -> None:
        self.catalog = catalog
        self.request = request
        self.capacities = month_capacities(request.start, request.months, request.hours_per_week)
        self.total_hours = sum(self.capacities)
        self.done = {cid for cid, p in request.progress.items() if p.state is ProgressState.DONE}
        self.skipped = {cid for cid, p in request.progress.items() if p.state is ProgressState.SKIPPED}
        self.held = set(request.held_skills)
        for course_id in self.done:
            if course_id in catalog.courses:
                self.held.update(catalog.courses[course_id].skills)
        self.targets = {
            s: w for s, w in request.goal_skills.items() if s not in self.held and s in catalog.skills
        }
        self.pinned = [
            cid
            for cid, p in request.progress.items()
            if p.state is ProgressState.IN_PROGRESS and cid in catalog.courses
        ]
        self._eligible: dict[str, bool] = {}
        self._required: dict[str, tuple[str, ...]] = {}
        self.pool = self._candidate_pool()

    # -- eligibility -------------------------------------------------------------------------

    def price(self, course: Course) -> Decimal:
        """The course's price (per month for subscriptions) in the learner's currency."""
        return self.catalog.convert(course.cost.amount, course.cost.currency, self.request.currency)

    def rejection(self, course: Course) -> UncoveredReason | None:
        """Why ``course`` can never be in this plan, or None when it can."""
        request = self.request
        if request.languages and not request.languages.intersection(course.languages):
            return UncoveredReason.LANGUAGE
        if request.formats and course.format not in request.formats:
            return UncoveredReason.FORMAT
        if course.provider in request.avoid_providers or course.platform in request.avoid_providers:
            return UncoveredReason.PROVIDER
        if course.cost.model is not CostModel.FREE and self.price(course) > request.monthly_budget:
            return UncoveredReason.BUDGET
        if course.hours > self.total_hours:
            return UncoveredReason.TOO_LONG
        return None

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

    def _candidate_pool(self) -> list[str]:
        pool: dict[str, None] = {}
        for skill in sorted(self.targets):
            taken = 0
            for course in self.catalog.planning_order.get(skill, ()):
                if self.eligible(course.id):
                    pool.setdefault(course.id, None)
                    taken += 1
                    if taken >= POOL_PER_SKILL:
                        break
        return sorted(pool)

    def foundation_for(self, skill: str) -> str | None:
        """The shortest eligible course at or below the learner's level that teaches ``skill``."""
        for course in self.catalog.planning_order.get(skill, ()):
            if course.level.rank <= self.request.level.rank and self.eligible(course.id):
                return course.id
        return None

    # -- closure and value -------------------------------------------------------------------

    def hours_of(self, course_id: str) -> float:
        course = self.catalog.courses[course_id]
        progress = self.request.progress.get(course_id)
        if progress is not None and progress.state is ProgressState.IN_PROGRESS:
            return max(course.hours * (100 - progress.percent) / 100, 0.5)
        return course.hours

    def required_skills(self, course: Course) -> tuple[str, ...]:
        """Skills to cover before ``course``: its own, plus its main skill when above the learner's level."""
        known = self._required.get(course.id)
        if known is None:
            known = tuple(course.prerequisite_skills)
            if course.level.rank > self.request.level.rank and course.skills[0] not in known:
                known = (*known, course.skills[0])
            self._required[course.id] = known
        return known

    def closure(self, course_id: str, selection: _Selection) -> tuple[list[str], dict[str, set[str]]] | None:
        """``course_id`` with everything it still needs first, in a valid order (or None)."""
        course = self.catalog.courses[course_id]
        if not course.prerequisites and not self.required_skills(course):
            return ([course_id], {}) if self.eligible(course_id) else None  # the common, fast case
        order: list[str] = []
        after: dict[str, set[str]] = defaultdict(set)
        covered = set(selection.covered)
        chosen = set(selection.order)
        covering = dict(selection.covering)

        def need(cid: str, path: frozenset[str]) -> bool:
            if cid in chosen:
                return True
            if cid in path or not self.eligible(cid):
                return False
            course = self.catalog.courses[cid]
            for prerequisite in course.prerequisites:
                pre = self.catalog.courses.get(prerequisite)
                if prerequisite in self.done or (pre is not None and set(pre.skills) <= self.held):
                    continue
                if not need(prerequisite, path | {cid}):
                    return False
                after[cid].add(prerequisite)
            for skill in self.required_skills(course):
                if skill in self.held:
                    continue
                if skill not in covered:
                    foundation = self.foundation_for(skill)
                    if foundation is None or foundation == cid or not need(foundation, path | {cid}):
                        return False
                after[cid].add(covering[skill])
            chosen.add(cid)
            order.append(cid)
            for skill in course.skills:
                covered.add(skill)
                covering.setdefault(skill, cid)
            return True

        return (order, after) if need(course_id, frozenset()) else None

    def gain(self, courses: Iterable[str], covered: set[str]) -> float:
        new = {s for cid in courses for s in self.catalog.courses[cid].skills if s in self.targets} - covered
        return sum(self.targets[s] for s in new)

    def preference(self, course: Course, selection: _Selection) -> float:
        factor = RECOGNITION_BONUS[course.recognition]
        if course.credential.kind is CredentialKind.NONE:
            factor *= NO_CREDENTIAL_FACTOR
        if (
            self.catalog.pathway_name(course.id)
            and self.catalog.pathway_name(course.id) in selection.pathways
        ):
            factor *= STACKS_BONUS
        if course.cost.model is CostModel.FREE:
            factor *= FREE_BONUS
        return factor

    def value(
        self, course_id: str, selection: _Selection
    ) -> tuple[float, list[str], dict[str, set[str]]] | None:
        found = self.closure(course_id, selection)
        if found is None:
            return None
        order, after = found
        gain = self.gain(order, selection.covered)
        if gain <= 0:
            return None
        hours = sum(self.hours_of(cid) for cid in order)
        course = self.catalog.courses[course_id]
        return gain / hours * self.preference(course, selection), order, after

    # -- layout ------------------------------------------------------------------------------

    def work(self, sequence: Sequence[str]) -> list[Work]:
        return [
            Work(self.catalog.courses[cid], self.hours_of(cid), cid not in self.pinned) for cid in sequence
        ]

    def lay_out(self, sequence: Sequence[str]) -> Layout | None:
        return lay_out(self.work(sequence), self.capacities, self.request.monthly_budget, self.price)

    def placed(self, selection: _Selection, block: Sequence[str]) -> Packer | None:
        """``selection``'s calendar with ``block`` after it; None when the block does not fit."""
        return None if selection.packer is None else selection.packer.extended(self.work(block))

    def accept(
        self, selection: _Selection, block: list[str], after: Mapping[str, set[str]], packer: Packer | None
    ) -> None:
        """Add ``block`` (laid out as ``packer``, from :meth:`placed`) to ``selection``."""
        selection.packer = packer
        selection.order.extend(block)
        selection.blocks.append(block)
        for cid in block:
            course = self.catalog.courses[cid]
            selection.covered.update(course.skills)
            for skill in course.skills:
                selection.covering.setdefault(skill, cid)
            if self.catalog.pathway_name(course.id):
                selection.pathways.add(self.catalog.pathway_name(course.id))
        for cid, deps in after.items():
            selection.after[cid].update(deps)

    def start_selection(self, keep: Sequence[str]) -> tuple[_Selection, list[str]]:
        """Pinned in-progress courses, then kept courses that still fit; returns what was dropped."""
        empty = Packer.empty(self.capacities, self.request.monthly_budget, self.price)
        selection = _Selection(empty, covered=set(self.held))
        for cid in self.pinned:
            self.accept(selection, [cid], {}, self.placed(selection, [cid]))
        dropped = []
        for cid in keep:
            if cid in selection.order or cid in self.done or cid in self.skipped:
                continue
            found = self.closure(cid, selection) if self.eligible(cid) else None
            packer = None if found is None else self.placed(selection, found[0])
            if found is None or packer is None:
                dropped.append(cid)
                continue
            self.accept(selection, found[0], found[1], packer)
        return selection, dropped

    # -- greedy ------------------------------------------------------------------------------

    def initial_bounds(
        self, selection: _Selection
    ) -> tuple[list[tuple[float, str]], dict[str, frozenset[str]]]:
        """Every candidate's value against ``selection``, and what a re-evaluation depends on.

        The dependency set of a candidate with prerequisites is its closure plus the skills its
        closure needed covered; a pick touching neither cannot change that candidate's closure.
        """
        heap: list[tuple[float, str]] = []
        depends: dict[str, frozenset[str]] = {}
        for cid in self.pool:
            evaluated = self.value(cid, selection)
            if evaluated is None:
                continue
            heap.append((-evaluated[0], cid))
            if len(evaluated[1]) > 1 or self.required_skills(self.catalog.courses[cid]):
                depends[cid] = self.dependencies(evaluated[1])
        heapq.heapify(heap)
        return heap, depends

    def dependencies(self, block: Sequence[str]) -> frozenset[str]:
        items: set[str] = set(block)
        for cid in block:
            course = self.catalog.courses[cid]
            items.update(f"skill:{skill}" for skill in self.required_skills(course))
            items.update(course.prerequisites)
        return frozenset(items)

    def greedy(
        self, selection: _Selection, heap: list[tuple[float, str]], depends: dict[str, frozenset[str]]
    ) -> _Selection:
        """Lazy greedy by value, each pick checked against the calendar before acceptance.

        Heap entries are upper bounds: coverage only shrinks a value as the plan grows.  The one
        exception is a candidate with prerequisites, whose closure (and so its hours) shrinks
        when something it needs gets picked; those are re-evaluated right after such a pick.
        """
        depends = dict(depends)
        room = self.total_hours - sum(self.hours_of(cid) for cid in selection.order)
        while heap and not self.targets.keys() <= selection.covered:
            _, cid = heapq.heappop(heap)
            if cid in selection.order:
                continue
            evaluated = self.value(cid, selection)
            if evaluated is None:
                depends.pop(cid, None)
                continue
            score, block, after = evaluated
            if heap and (-score, cid) > heap[0]:
                heapq.heappush(heap, (-score, cid))
                continue
            block_hours = sum(self.hours_of(c) for c in block)
            packer = None if block_hours > room + 1e-6 else self.placed(selection, block)
            if packer is None:
                depends.pop(cid, None)
                continue  # hours and money only get scarcer: it will never fit
            self.accept(selection, block, after, packer)
            room -= block_hours
            self.refresh(selection, block, heap, depends)
        return selection

    def refresh(
        self,
        selection: _Selection,
        block: Sequence[str],
        heap: list[tuple[float, str]],
        depends: dict[str, frozenset[str]],
    ) -> None:
        """Re-evaluate candidates whose closure the picked ``block`` may have shortened."""
        touched = set(block) | {f"skill:{s}" for cid in block for s in self.catalog.courses[cid].skills}
        for other in sorted(cid for cid, deps in depends.items() if deps & touched):
            if other in selection.order:
                del depends[other]
                continue
            again = self.value(other, selection)
            if again is None:
                del depends[other]
            else:
                depends[other] = self.dependencies(again[1])
                heapq.heappush(heap, (-again[0], other))

    def best_selection(self, base: _Selection) -> _Selection:
        """Greedy, and greedy again with each of the best few first picks forced; keep the best."""
        heap, depends = self.initial_bounds(base)
        best = self.greedy(base.copy(), list(heap), depends)
        for cid in self.seeds(base, heap):
            evaluated = self.value(cid, base)
            if evaluated is None:
                continue
            seeded = base.copy()
            _, block, after = evaluated
            packer = self.placed(seeded, block)
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

    def seeds(self, base: _Selection, heap: list[tuple[float, str]]) -> list[str]:
        """First picks to force: all of a small pool; else the best few by value and by absolute gain."""
        if len(heap) <= FULL_SEEDING_POOL:
            return [cid for _, cid in sorted(heap)]
        by_value = [cid for _, cid in heapq.nsmallest(SEED_PICKS, heap)]
        gains = []
        for _, cid in heap:
            found = self.closure(cid, base)
            if found is not None:
                gains.append((-self.gain(found[0], base.covered), cid))
        by_gain = [cid for _, cid in heapq.nsmallest(SEED_PICKS_BY_GAIN, gains) if cid not in by_value]
        return by_value + by_gain

    def score(self, selection: _Selection) -> tuple[float, float]:
        covered = self.gain(selection.order, set(self.held))
        return round(covered, 9), -sum(self.hours_of(cid) for cid in selection.order)

    # -- ordering ----------------------------------------------------------------------------

    def priority(self, block: Sequence[str], covered_before: set[str]) -> float:
        new = {
            s for cid in block for s in self.catalog.courses[cid].skills if s in self.targets
        } - covered_before
        return max((self.targets[s] for s in new), default=0.0)

    def is_mix(self, course_id: str) -> bool:
        return any(
            self.catalog.skills[s].kind is not SkillKind.HARD
            for s in self.catalog.courses[course_id].skills
            if s in self.targets
        )

    def ordered(self, selection: _Selection, fixed: int, rank: Mapping[str, float]) -> list[str]:
        """Topological order of the selection: fixed prefix, then by ``rank`` (lower first)."""
        head = selection.order[:fixed]
        rest = selection.order[fixed:]
        pending = set(rest)
        result = list(head)
        while pending:
            ready = [c for c in pending if not (selection.after.get(c, set()) & pending)]
            if not ready:  # cannot happen for closures, but never loop forever
                ready = list(pending)
            chosen = min(ready, key=lambda c: (rank[c], selection.order.index(c)))
            result.append(chosen)
            pending.discard(chosen)
        return result

    def arrange(self, selection: _Selection, fixed: int) -> tuple[list[str], Layout]:
        """Highest-weight gaps first, then a soft/digital course in every window that lacks one.

        Returns the order and its calendar layout (picks were accepted in pick order, so that order
        always lays out; a reordering is kept only when it does too).
        """
        rank: dict[str, float] = {}
        covered = set(self.held)
        for index, block in enumerate(selection.blocks):
            block_rank = -self.priority(block, covered) + index * 1e-6
            covered.update(s for cid in block for s in self.catalog.courses[cid].skills)
            for cid in block:
                rank[cid] = block_rank
        sequence = self.ordered(selection, fixed, rank)
        layout = self.lay_out(sequence)
        if layout is None:
            assert selection.packer is not None  # noqa: S101  (every pick was laid out before acceptance)
            return selection.order, selection.packer.layout
        if not any(self.catalog.skills[s].kind is not SkillKind.HARD for s in self.targets):
            return sequence, layout
        for window_start in range(0, self.request.months, MIX_EVERY_MONTHS):
            window = range(window_start, window_start + MIX_EVERY_MONTHS)
            starts = {cid: parts[0][0] for cid, parts in layout.parts.items()}
            if any(starts[c] in window and self.is_mix(c) for c in sequence):
                continue
            later = [c for c in sequence[fixed:] if self.is_mix(c) and starts[c] >= window.stop]
            first_in_window = next((c for c in sequence[fixed:] if starts[c] >= window_start), None)
            if not later or first_in_window is None:
                continue
            trial_rank = dict(rank)
            trial_rank[later[0]] = rank[first_in_window] - 1e-9
            trial = self.ordered(selection, fixed, trial_rank)
            trial_layout = self.lay_out(trial)
            if trial_layout is not None:
                rank, sequence, layout = trial_rank, trial, trial_layout
        return sequence, layout

    # -- result ------------------------------------------------------------------------------

    def uncovered(self, skill: str, selection: _Selection) -> UncoveredSkill:
        """Why ``skill`` is not in the plan: the first filter that left no course, else time or money."""
        courses = self.catalog.courses_by_skill.get(skill, ())
        if not courses:
            return UncoveredSkill(skill, UncoveredReason.NO_COURSE)
        reasons = [self.rejection(course) for course in courses if course.id not in self.skipped]
        if not reasons:
            return UncoveredSkill(skill, UncoveredReason.SKIPPED)
        order = [
            UncoveredReason.LANGUAGE,
            UncoveredReason.FORMAT,
            UncoveredReason.PROVIDER,
            UncoveredReason.BUDGET,
            UncoveredReason.TOO_LONG,
        ]
        if None not in reasons:
            # the filter that removed the last remaining course is the binding one
            return UncoveredSkill(skill, max((r for r in reasons if r is not None), key=order.index))
        viable = [c for c, r in zip(courses, reasons, strict=True) if r is None]
        blocks = [found[0] for found in (self.closure(c.id, selection) for c in viable) if found is not None]
        if not blocks:
            return UncoveredSkill(skill, UncoveredReason.LEVEL)
        unlimited = Decimal("Infinity")

        def fits(sequence: list[str]) -> bool:
            return lay_out(self.work(sequence), self.capacities, unlimited, self.price) is not None

        shortest = round(min(sum(self.hours_of(cid) for cid in block) for block in blocks), 1)
        alone = [block for block in blocks if fits([*self.pinned, *block])]
        if not alone:  # even with nothing else planned, prerequisites included
            return UncoveredSkill(skill, UncoveredReason.TOO_LONG, shortest)
        if any(fits([*selection.order, *block]) for block in alone):
            return UncoveredSkill(skill, UncoveredReason.BUDGET)  # time would do: money is missing
        return UncoveredSkill(skill, UncoveredReason.NO_ROOM, shortest)

    def build(
        self,
        selection: _Selection,
        sequence: list[str],
        layout: Layout,
        dropped: Sequence[str],
        previous: Mapping[str, object],
    ) -> PlanResult:
        covered_before = set(self.held)
        new_skills: dict[str, tuple[str, ...]] = {}
        for cid in sequence:
            course = self.catalog.courses[cid]
            fresh = tuple(s for s in course.skills if s in self.targets and s not in covered_before)
            new_skills[cid] = fresh
            covered_before.update(course.skills)
        needed_by: dict[str, list[str]] = defaultdict(list)
        for cid, deps in selection.after.items():
            for dep in deps:
                needed_by[dep].append(cid)
        pathway_count: dict[str, int] = defaultdict(int)
        for cid in sequence:
            pathway = self.catalog.pathway_name(cid)
            if pathway:
                pathway_count[pathway] += 1
        months: list[list[PlannedItem]] = [[] for _ in self.capacities]
        for cid in sequence:
            course = self.catalog.courses[cid]
            parts = layout.parts[cid]
            progress = self.request.progress.get(cid)
            in_progress = progress is not None and progress.state is ProgressState.IN_PROGRESS
            reason = Reason(
                skills=new_skills[cid],
                free=course.cost.model is CostModel.FREE,
                prerequisite_for=tuple(sorted(needed_by.get(cid, ()))),
                stacks_into=self.catalog.pathway_name(course.id),
                stacks_with_plan=bool(
                    self.catalog.pathway_name(course.id)
                    and pathway_count[self.catalog.pathway_name(course.id)] > 1
                ),
                recognized=course.recognition is Recognition.INDUSTRY
                or course.credential.kind is CredentialKind.OPEN_BADGE,
                soft_mix=self.is_mix(cid),
                in_progress=in_progress,
            )
            for number, (month, hours, cost) in enumerate(parts, start=1):
                months[month].append(
                    PlannedItem(
                        course,
                        hours,
                        cost,
                        number,
                        len(parts),
                        new_skills[cid],
                        reason,
                        progress.percent if in_progress and progress else None,
                    )
                )
        plan_months = tuple(
            PlanMonth(
                index + 1,
                add_months(self.request.start, index),
                self.capacities[index],
                round(layout.used[index], 2),
                layout.spend[index],
                tuple(items),
            )
            for index, items in enumerate(months)
        )
        covered = tuple(s for s in sorted(self.targets) if s in covered_before)
        uncovered = tuple(
            self.uncovered(s, selection)
            for s in sorted(self.targets, key=lambda s: (-self.targets[s], s))
            if s not in covered_before
        )
        total_weight = sum(self.targets.values())
        coverage = sum(self.targets[s] for s in covered) / total_weight if total_weight else 1.0
        moves = _moves(
            previous,
            {cid: add_months(self.request.start, parts[0][0]) for cid, parts in layout.parts.items()},
            dropped,
        )
        return PlanResult(
            self.request,
            plan_months,
            covered,
            uncovered,
            round(coverage, 4),
            round(sum(layout.used), 2),
            sum(layout.spend, Decimal(0)),
            moves,
        )


def _moves(
    previous: Mapping[str, object], now: Mapping[str, object], dropped: Sequence[str]
) -> tuple[Move, ...]:
    moves = [
        Move(cid, previous[cid], now[cid])
        for cid in previous  # type: ignore[arg-type]
        if cid in now and previous[cid] != now[cid]
    ]
    moves.extend(Move(cid, previous.get(cid), None) for cid in dropped)  # type: ignore[arg-type]
    return tuple(moves)


def plan_months(catalog: Catalog, request: PlanRequest) -> PlanResult:
    """A month-by-month plan for ``request`` (see the module docstring for how)."""
    return _run(catalog, request, previous={}, keep=request.keep)


def replan(catalog: Catalog, request: PlanRequest, previous_starts: Mapping[str, object]) -> PlanResult:
    """Re-plan from ``request.start`` keeping done work, in-progress courses first, and the old
    courses (``request.keep``, or else every course of ``previous_starts``: course id -> the month it
    used to start) where they still fit; the result's ``moves`` say what moved or was dropped."""
    keep = request.keep or tuple(previous_starts)
    return _run(catalog, request, previous=previous_starts, keep=keep)


def _run(
    catalog: Catalog, request: PlanRequest, previous: Mapping[str, object], keep: Sequence[str] = ()
) -> PlanResult:
    planner = _Planner(catalog, request)
    base, dropped = planner.start_selection(keep)
    fixed = len(planner.pinned)
    selection = planner.best_selection(base) if planner.targets else base
    sequence, layout = planner.arrange(selection, fixed)
    return planner.build(selection, sequence, layout, dropped, previous)


def alternatives(
    catalog: Catalog, request: PlanRequest, course_id: str, planned: Iterable[str], limit: int = 5
) -> list[Course]:
    """Courses that could replace ``course_id``: eligible for this learner, not already planned,
    teaching what it teaches for the goal; most overlap first, then fewest hours."""
    planner = _Planner(catalog, request)
    swapped = catalog.courses[course_id]
    wanted = {s for s in swapped.skills if s in request.goal_skills} or set(swapped.skills)
    taken = set(planned) | {course_id}
    found = {
        other.id: other
        for skill in sorted(wanted)
        for other in catalog.planning_order.get(skill, ())
        if other.id not in taken and planner.eligible(other.id)
    }
    ranked = sorted(found.values(), key=lambda c: (-len(wanted & set(c.skills)), c.hours, c.id))
    return ranked[:limit]

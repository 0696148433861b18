"""Turn a chosen set of courses into the plan a learner reads: order, months and the facts behind them.

:mod:`core.planner.engine` decides *what* goes in; this module decides *when* (by phase, the
goal's highest-weight gaps first, a soft or digital-literacy skill in every few months) and
reports how far the plan gets: depth per skill, certificates in progress with what is left,
the month the goal is complete, and why any skill is short.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.catalog.schema import CostModel, CourseKind, CredentialKind, Recognition, SkillKind
from core.dates import add_months
from core.planner.engine import EPSILON, POOL_PER_SKILL, Planner, Selection
from core.planner.packing import Layout, Packer
from core.planner.rules import MIX_EVERY_MONTHS
from core.planner.types import (
    Move,
    PathwayProgress,
    Phase,
    PlanMonth,
    PlannedItem,
    PlanResult,
    ProgressState,
    Reason,
    SkillDepth,
    UncoveredReason,
    UncoveredSkill,
)

NEXT_GOALS = 3  # goals suggested after a complete skill goal
ADVANCED_FIRST = 0.5  # how far an advanced learner's advanced courses move ahead within a phase


# -- ordering --------------------------------------------------------------------------------


def _ordered(selection: Selection, fixed: int, rank: Mapping[str, float]) -> list[str]:
    """Topological order of the selection: fixed prefix, then by ``rank`` (lower first)."""
    head = selection.order[:fixed]
    pending = set(selection.order[fixed:])
    result = list(head)
    position = {cid: index for index, cid in enumerate(selection.order)}
    while pending:
        ready = [c for c in pending if not (selection.after.get(c, set()) & pending)]
        if not ready:  # cannot happen for closures, but never loop forever
            ready = list(pending)
        chosen = min(ready, key=lambda c: (rank[c], position[c]))
        result.append(chosen)
        pending.discard(chosen)
    return result


def _ranks(planner: Planner, selection: Selection) -> dict[str, float]:
    """Phase first; within it the block's highest-weight new depth, earlier picks on ties."""
    rank: dict[str, float] = {}
    progress = dict(planner.credit)
    advanced_first = planner.request.level.rank == 2
    for index, block in enumerate(selection.blocks):
        weights = []
        for cid in block:
            for skill, hours in planner.adds(cid).items():
                target = planner.core_targets.get(skill)
                if target is not None and progress.get(skill, 0.0) < target - EPSILON:
                    weights.append(planner.weights[skill])
                if skill in progress:
                    progress[skill] += hours
        block_rank = -max(weights, default=0.0) + index * 1e-6
        for cid in block:
            course = planner.catalog.courses[cid]
            shift = ADVANCED_FIRST if advanced_first and course.level.rank == 2 else 0.0
            rank[cid] = selection.phase[cid].rank * 10 + block_rank - shift
    return rank


def arrange(planner: Planner, selection: Selection, fixed: int) -> tuple[list[str], Layout]:
    """The plan's order and calendar (see :func:`_arranged`), unless laying it out in that order
    would leave more months empty than the order the courses were picked in."""
    sequence, layout = _arranged(planner, selection, fixed)
    if selection.packer is not None and _empty(layout) > _empty(selection.packer.layout):
        return list(selection.order), selection.packer.layout
    return sequence, layout


def _empty(layout: Layout) -> int:
    return sum(1 for hours in layout.used if hours <= 0)


def _arranged(planner: Planner, selection: Selection, fixed: int) -> tuple[list[str], Layout]:
    """The plan's order and calendar: by phase and weight, then a soft/digital course per window.

    Picks were accepted in pick order, so that order always lays out; a reordering is kept
    only when it does too.
    """
    rank = _ranks(planner, selection)
    sequence = _ordered(selection, fixed, rank)
    layout = planner.lay_out(sequence, selection.after)
    if layout is None:
        assert selection.packer is not None  # noqa: S101  (every pick was laid out before acceptance)
        return selection.order, selection.packer.layout
    if not any(planner.catalog.skills[s].kind is not SkillKind.HARD for s in planner.weights):
        return sequence, layout
    core = [c for c in sequence[fixed:] if selection.phase[c] is Phase.CORE]
    for window_start in range(0, planner.request.months, MIX_EVERY_MONTHS):
        window = range(window_start, window_start + MIX_EVERY_MONTHS)
        starts = {cid: parts[0][0] for cid, parts in layout.parts.items()}
        if any(starts[c] in window and planner.is_mix(c) for c in sequence):
            continue
        later = [c for c in core if planner.is_mix(c) and starts[c] >= window.stop]
        first_in_window = next((c for c in core if starts[c] >= window_start), None)
        if not later or first_in_window is None:
            continue
        trial_rank = dict(rank)
        trial_rank[later[0]] = rank[first_in_window] - 1e-9
        trial = _ordered(selection, fixed, trial_rank)
        trial_layout = planner.lay_out(trial, selection.after)
        if trial_layout is not None:
            rank, sequence, layout = trial_rank, trial, trial_layout
    return sequence, layout


# -- what the plan reaches -------------------------------------------------------------------


def _monthly_depth(planner: Planner, sequence: Sequence[str], layout: Layout) -> list[dict[str, float]]:
    """Depth each target skill gains in each month of the plan."""
    gained: list[dict[str, float]] = [defaultdict(float) for _ in planner.capacities]
    for cid in sequence:
        course = planner.catalog.courses[cid]
        for month, hours, _ in layout.parts[cid]:
            for skill, added in planner.adds(cid).items():
                if skill in planner.weights and course.hours:
                    gained[month][skill] += added * hours / planner.hours_of(cid)
    return gained


def _complete_on(planner: Planner, monthly: list[dict[str, float]]) -> dt.date | None:
    """The first month by whose end every target depth is reached (None: not within the plan)."""
    progress = dict(planner.credit)
    for month, gained in enumerate(monthly):
        for skill, hours in gained.items():
            progress[skill] += hours
        if all(progress[s] >= t - 1e-6 for s, t in planner.core_targets.items()):
            return add_months(planner.request.start, month)
    return None


def _depths(planner: Planner, monthly: list[dict[str, float]]) -> tuple[SkillDepth, ...]:
    planned: dict[str, float] = defaultdict(float)
    for gained in monthly:
        for skill, hours in gained.items():
            planned[skill] += hours
    return planner.depths(planned)


def _pathways(planner: Planner, sequence: Sequence[str], layout: Layout) -> tuple[PathwayProgress, ...]:
    """Every pathway the plan works on, in the order it starts, with what is left after the plan."""
    catalog = planner.catalog
    started: dict[str, None] = {}
    for cid in sequence:
        found = catalog.pathway_of.get(cid)
        if found is not None:
            started.setdefault(found[0].id, None)
    progress = []
    for pathway_id in started:
        pathway = catalog.pathways[pathway_id]
        before = [c for c in pathway.courses if c in planner.done]
        planned = [c for c in pathway.courses if c in layout.parts]
        skipped = [
            c for c in pathway.courses if c not in before and c not in planned and planner.level_skipped(c)
        ]
        passed = [
            c
            for c in pathway.courses
            if c not in before and c not in planned and c not in skipped and planner.passed_over(c)
        ]
        left = [
            c
            for c in pathway.courses
            if c not in before and c not in planned and c not in skipped and c not in passed
        ]
        last_month = max((layout.parts[c][-1][0] for c in planned), default=None)
        exam_on = None
        if pathway.exam and pathway.exam in layout.parts:
            exam_on = add_months(planner.request.start, layout.parts[pathway.exam][0][0])
        progress.append(
            PathwayProgress(
                pathway_id,
                pathway.name,
                len(pathway.courses),
                len(before),
                len(planned),
                add_months(planner.request.start, last_month)
                if not left and last_month is not None
                else None,
                round(sum(catalog.courses[c].hours for c in left), 1),
                pathway.exam,
                exam_on,
                len(skipped),
                len(passed),
            )
        )
    return tuple(progress)


_FILTER_ORDER = [
    UncoveredReason.LANGUAGE,
    UncoveredReason.FORMAT,
    UncoveredReason.PROVIDER,
    UncoveredReason.BUDGET,
    UncoveredReason.TOO_LONG,
    UncoveredReason.LEVEL,
]


@dataclass(frozen=True)
class _Room:
    """The calendar with money set aside: with only the pinned courses, and with the whole plan.

    Asking "would this fit in time alone / after the plan?" then places only the candidate.
    """

    alone: Packer | None
    planned: Packer | None

    @classmethod
    def of(cls, planner: Planner, selection: Selection, sequence: Sequence[str]) -> _Room:
        empty = Packer.empty(planner.fill, Decimal("Infinity"), planner.price)
        alone = empty.extended(planner.work(planner.pinned, selection.after))
        return cls(alone, empty.extended(planner.work(sequence, selection.after)))

    @staticmethod
    def fits(packer: Packer | None, planner: Planner, selection: Selection, block: Sequence[str]) -> bool:
        return packer is not None and packer.extended(planner.work(block, selection.after)) is not None


def _uncovered(
    planner: Planner, skill: str, selection: Selection, share: float, room: _Room
) -> UncoveredSkill:
    """Why ``skill`` is short: the first filter that left no course, else time or money."""
    catalog = planner.catalog
    courses = [c for c in catalog.planning_order.get(skill, ()) if c.kind is CourseKind.COURSE]
    if not courses:
        return UncoveredSkill(skill, UncoveredReason.NO_COURSE)
    chosen = selection.chosen
    viable = (c for c in courses if c.id not in chosen and planner.eligible(c.id))
    unused = list(itertools.islice(viable, POOL_PER_SKILL))  # the courses the planner weighs explain it
    if not unused:
        reasons = [planner.rejection(course) for course in courses if course.id not in planner.skipped]
        if not reasons:
            return UncoveredSkill(skill, UncoveredReason.SKIPPED)
        if None not in reasons:
            # the filter that removed the last remaining course is the binding one
            return UncoveredSkill(skill, max((r for r in reasons if r is not None), key=_FILTER_ORDER.index))
    blocks = [found[0] for found in (planner.closure(c.id, selection) for c in unused) if found is not None]
    if not blocks:
        return UncoveredSkill(skill, UncoveredReason.NO_MORE if share > 0 else UncoveredReason.LEVEL)
    shortest = round(min(sum(planner.hours_of(cid) for cid in block) for block in blocks), 1)
    alone = [block for block in blocks if room.fits(room.alone, planner, selection, block)]
    if not alone:  # even with nothing else planned, prerequisites included
        return UncoveredSkill(skill, UncoveredReason.TOO_LONG, shortest)
    if any(room.fits(room.planned, planner, selection, block) for block in alone):
        return UncoveredSkill(skill, UncoveredReason.BUDGET)  # time would do: money is missing
    return UncoveredSkill(skill, UncoveredReason.NO_ROOM, shortest)


# -- the result ------------------------------------------------------------------------------


def _reason(
    planner: Planner,
    selection: Selection,
    cid: str,
    fresh: tuple[str, ...],
    needed_by: Mapping[str, list[str]],
) -> Reason:
    catalog = planner.catalog
    course = catalog.courses[cid]
    progress = planner.request.progress.get(cid)
    found = catalog.pathway_of.get(cid)
    pathway = found[0] if found else None
    step = (found[1] + 1, len(found[0].courses)) if found and course.kind is not CourseKind.EXAM else None
    audited = planner.audited(course)
    return Reason(
        skills=fresh,
        free=course.cost.model is CostModel.FREE,
        prerequisite_for=tuple(sorted(needed_by.get(cid, ()))),
        stacks_into=pathway.name if pathway else None,
        recognized=course.recognition is Recognition.INDUSTRY
        or course.credential.kind is CredentialKind.OPEN_BADGE,
        soft_mix=planner.is_mix(cid),
        in_progress=progress is not None and progress.state is ProgressState.IN_PROGRESS,
        pathway_step=step,
        audited=audited,
        certificate_price=planner.price(course) if audited else None,
        phase=selection.phase.get(cid, Phase.CORE),
    )


def _items(
    planner: Planner, selection: Selection, sequence: Sequence[str], layout: Layout
) -> list[list[PlannedItem]]:
    needed_by: dict[str, list[str]] = defaultdict(list)  # explicit needs only: a pathway's order goes unsaid
    for cid, deps in selection.after.items():
        for dep in deps - set(planner.pathway_before(cid)):
            needed_by[dep].append(cid)
    months: list[list[PlannedItem]] = [[] for _ in planner.capacities]
    for cid in sequence:
        course = planner.catalog.courses[cid]
        fresh = tuple(s for s in course.main_skills if s in planner.weights)
        reason = _reason(planner, selection, cid, fresh, needed_by)
        progress = planner.request.progress.get(cid)
        percent = progress.percent if reason.in_progress and progress else None
        parts = layout.parts[cid]
        for number, (month, hours, cost) in enumerate(parts, start=1):
            months[month].append(PlannedItem(course, hours, cost, number, len(parts), fresh, reason, percent))
    return months


def build_result(
    planner: Planner,
    selection: Selection,
    sequence: list[str],
    layout: Layout,
    dropped: Sequence[str],
    previous: Mapping[str, dt.date],
) -> PlanResult:
    """The plan as the learner will read it, with depth, pathway and completion facts."""
    start = planner.request.start
    months = _items(planner, selection, sequence, layout)
    plan_months = tuple(
        PlanMonth(
            index + 1,
            add_months(start, index),
            planner.capacities[index],
            round(layout.used[index], 2),
            layout.spend[index],
            tuple(items),
        )
        for index, items in enumerate(months)
    )
    monthly = _monthly_depth(planner, sequence, layout)
    depths = _depths(planner, monthly)
    covered = tuple(sorted(d.skill for d in depths if d.share >= 1 - 1e-6))
    room = _Room.of(planner, selection, sequence)
    uncovered = tuple(
        _uncovered(planner, d.skill, selection, d.share, room) for d in depths if d.share < 1 - 1e-6
    )
    coverage = planner.coverage(depths)
    complete_on = _complete_on(planner, monthly) if planner.weights else None
    moves = _moves(
        previous, {cid: add_months(start, parts[0][0]) for cid, parts in layout.parts.items()}, dropped
    )
    return PlanResult(
        planner.request,
        plan_months,
        covered,
        uncovered,
        round(coverage, 4),
        round(sum(layout.used), 2),
        sum(layout.spend, Decimal(0)),
        moves,
        depths,
        _pathways(planner, sequence, layout),
        complete_on,
        _next_goals(planner) if complete_on is not None else (),
    )


def _next_goals(planner: Planner) -> tuple[str, ...]:
    """Where a learner whose goal is complete can go: the goal's own next goals, or, for a skill
    goal, the catalog goals that lean on those skills the most."""
    if planner.goal is not None:
        return tuple(planner.goal.next_goals)
    wanted = set(planner.weights)
    leaning = [
        (-sum(weight for skill, weight in goal.skills.items() if skill in wanted), goal.id)
        for goal in planner.catalog.goals.values()
        if wanted & set(goal.skills)
    ]
    return tuple(goal_id for _, goal_id in sorted(leaning)[:NEXT_GOALS])


def _moves(
    previous: Mapping[str, dt.date], now: Mapping[str, dt.date], dropped: Sequence[str]
) -> tuple[Move, ...]:
    moves = [
        Move(cid, previous[cid], now[cid]) for cid in previous if cid in now and previous[cid] != now[cid]
    ]
    moves.extend(Move(cid, previous.get(cid), None) for cid in dropped)
    return tuple(moves)

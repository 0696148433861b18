"""Lay an ordered list of courses onto calendar months, within hours and money per month.

A month's capacity is what the planner gives it (a share of hours per week x days / 7).  Each
course, in list order, starts in the *first* month with room for a meaningful start (at least
:data:`MIN_START_HOURS`, or the whole course if shorter) and money for it, no earlier than the
month its prerequisites end, and flows into the following months when it is longer than what
is left: that is how a 40-hour course becomes "part 1 of 3" at 4 hours a week.  First fit, not
next fit: when a paid course must wait a month for money, a free one can still use the room it
left, so months stay full.  Spending is counted per month: a one-off price in the month the
course starts, a subscription in every month the course runs, shared by every course of the
same platform that month (one Coursera subscription covers all Coursera courses).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from core.catalog.schema import CostModel, Course
from core.dates import add_months

MIN_START_HOURS = 2.0
SLIVER_HOURS = 0.1  # what is left of a course below this is finished in the month it is in
MIN_SUBSCRIPTION_HOURS = 8.0  # a subscription month is worth buying for at least this much content
EPSILON = 1e-6


def month_capacities(start: dt.date, months: int, hours_per_week: float) -> list[float]:
    """Study hours available in each month of the horizon."""
    capacities = []
    for index in range(months):
        first = add_months(start, index)
        days = calendar.monthrange(first.year, first.month)[1]
        capacities.append(round(hours_per_week * days / 7, 2))
    return capacities


@dataclass(frozen=True)
class Work:
    """A course to lay out: how many hours remain, whether its one-off price is still due, and
    whether it is audited (studied free; its certificate is left for the learner to buy)."""

    course: Course
    hours: float
    pays_one_off: bool = True
    audited: bool = False
    after: tuple[str, ...] = ()  # course ids that must end (their last month) before this starts


@dataclass
class Layout:
    """Where each course landed: per course, a list of (month index, hours, cost)."""

    parts: dict[str, list[tuple[int, float, Decimal]]] = field(default_factory=dict)
    spend: list[Decimal] = field(default_factory=list)
    used: list[float] = field(default_factory=list)


PriceFn = Callable[[Course], Decimal]


def _subscription_key(course: Course) -> tuple[str, str, Decimal]:
    return (course.platform, course.cost.currency, course.cost.amount)


@dataclass
class Packer:
    """The calendar after the work placed so far, ready to take more.

    Placing never moves what came before.  So the planner keeps the packer of its current
    selection and checks a candidate by placing only the candidate, instead of laying out the
    whole selection again for every candidate.  A packer is never changed once made:
    :meth:`extended` returns a new one, so selections can share theirs.
    """

    capacities: Sequence[float]
    monthly_budget: Decimal
    price: PriceFn
    layout: Layout
    subscriptions: list[dict[tuple[str, str, Decimal], float]]  # per month: subscription -> its hours

    @classmethod
    def empty(cls, capacities: Sequence[float], monthly_budget: Decimal, price: PriceFn) -> Packer:
        horizon = len(capacities)
        return cls(
            capacities,
            monthly_budget,
            price,
            Layout(spend=[Decimal(0)] * horizon, used=[0.0] * horizon),
            [{} for _ in range(horizon)],
        )

    def extended(self, work: Sequence[Work]) -> Packer | None:
        """A packer with ``work`` placed in order after what is here; None when it does not fit."""
        packer = Packer(
            self.capacities,
            self.monthly_budget,
            self.price,
            Layout(dict(self.layout.parts), list(self.layout.spend), list(self.layout.used)),
            [dict(months) for months in self.subscriptions],
        )
        return packer if all(packer._place(item) for item in work) else None

    def _not_before(self, item: Work) -> int:
        """The month the item's prerequisites end in (it may start there, after them)."""
        ends = [self.layout.parts[dep][-1][0] for dep in item.after if dep in self.layout.parts]
        return max(ends, default=0)

    def _place(self, item: Work) -> bool:
        """Start ``item`` in the first month with room and money for it, flowing into later months.

        A start that would buy a subscription month for less than :data:`MIN_SUBSCRIPTION_HOURS` of
        its content (a course's last few hours spilling into a new month) is taken only when no
        later start avoids it: the room it leaves goes to other courses.
        """
        layout = self.layout
        fallback: tuple[list[tuple[int, float]], dict[int, Decimal]] | None = None
        for start in range(self._not_before(item), len(self.capacities)):
            left = self.capacities[start] - layout.used[start]
            if left + EPSILON < min(item.hours, MIN_START_HOURS):
                continue
            parts = _split(item.hours, start, layout.used, self.capacities)
            if parts is None:
                break  # a later start has fewer months left: it cannot fit either
            charges = _charges(item, parts, self.subscriptions, self.price)
            if not all(layout.spend[m] + charges.get(m, Decimal(0)) <= self.monthly_budget for m, _ in parts):
                continue
            if not any(charges.get(m) and hours < MIN_SUBSCRIPTION_HOURS for m, hours in parts):
                self._commit(item, parts, charges)
                return True
            if fallback is None:
                fallback = (parts, charges)
        if fallback is None:
            return False
        self._commit(item, *fallback)
        return True

    def _commit(self, item: Work, parts: list[tuple[int, float]], charges: dict[int, Decimal]) -> None:
        layout = self.layout
        placed = list(layout.parts.get(item.course.id, ()))  # a new list: the parent packer shares the old
        for part_month, hours in parts:
            cost = charges.get(part_month, Decimal(0))
            placed.append((part_month, hours, cost))
            layout.spend[part_month] += cost
            layout.used[part_month] += hours
            if item.course.cost.model is CostModel.SUBSCRIPTION and not item.audited:
                key = _subscription_key(item.course)
                self.subscriptions[part_month][key] = self.subscriptions[part_month].get(key, 0.0) + hours
        layout.parts[item.course.id] = placed


def lay_out(
    work: Sequence[Work],
    capacities: Sequence[float],
    monthly_budget: Decimal,
    price: PriceFn,
) -> Layout | None:
    """Place ``work`` in order; ``None`` when it does not fit the horizon."""
    packer = Packer.empty(capacities, monthly_budget, price).extended(work)
    return None if packer is None else packer.layout


def _split(
    hours: float, month: int, used: Sequence[float], capacities: Sequence[float]
) -> list[tuple[int, float]] | None:
    """The course's hours month by month from ``month``, in the room each month has left."""
    parts: list[tuple[int, float]] = []
    remaining = hours
    while remaining > EPSILON:
        if month >= len(capacities):
            return None
        take = min(max(capacities[month] - used[month], 0.0), remaining)
        if remaining - take < SLIVER_HOURS:
            take = remaining  # a few minutes more this month rather than a part of their own
        if take > EPSILON:
            parts.append((month, round(take, 2)))
        remaining -= take
        month += 1
    return parts


def _charges(
    item: Work,
    parts: list[tuple[int, float]],
    subscriptions: list[dict[tuple[str, str, Decimal], float]],
    price: PriceFn,
) -> dict[int, Decimal]:
    course = item.course
    if course.cost.model is CostModel.FREE or item.audited:
        return {}
    if course.cost.model is CostModel.ONE_OFF:
        return {parts[0][0]: price(course)} if item.pays_one_off else {}
    key = _subscription_key(course)
    return {month: price(course) for month, _ in parts if key not in subscriptions[month]}

"""A plan as a learner reads it: month headings, one line per course, one reason per pick.

The planner returns facts (:class:`core.planner.types.Reason`); this module turns them into
sentences through the locale files, so the same plan reads naturally in English and Indonesian.
"""

from __future__ import annotations

from core.catalog import Catalog
from core.catalog.schema import CostModel, Course, CourseKind, CredentialKind, SkillKind
from core.i18n import format_money, join_list, month_label, t
from core.planner.rules import FILL
from core.planner.types import Phase, PlannedItem, PlanRequest, PlanResult, UncoveredSkill

MAX_TITLES = 2


def skill_names(catalog: Catalog, skill_ids: tuple[str, ...] | list[str], language: str) -> list[str]:
    return [catalog.skills[s].name.get(language) for s in skill_ids if s in catalog.skills]


def format_hours(value: float, language: str) -> str:
    """1 decimal at most, with the language's decimal mark (22.1 h, 22,1 jam)."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if language == "id" else text


def price_text(item: PlannedItem, currency: str, language: str) -> str:
    """What the learner pays for this item this month."""
    course = item.course
    if item.reason.audited and item.reason.certificate_price is not None:
        return t(
            "plan.price_audit",
            language,
            amount=format_money(item.reason.certificate_price, currency, language),
        )
    if course.cost.model is CostModel.FREE:
        return t("money.free", language)
    if item.cost == 0:
        if course.cost.model is CostModel.SUBSCRIPTION:
            return t("plan.price_shared", language)
        return t("plan.price_paid", language) if item.part > 1 else t("money.free", language)
    key = "plan.price_month" if course.cost.model is CostModel.SUBSCRIPTION else "plan.price_once"
    return t(key, language, amount=format_money(item.cost, currency, language))


def _what_it_does(catalog: Catalog, item: PlannedItem, language: str) -> str | None:
    """The first clause of a reason: what the course, project or exam does for the goal."""
    reason = item.reason
    skills = join_list(skill_names(catalog, reason.skills, language), language)
    if item.course.kind is CourseKind.EXAM:
        if reason.stacks_into:
            return t("reason.exam", language, pathway=reason.stacks_into)
        return t("reason.exam_alone", language)
    if not reason.skills:
        return None
    if item.course.kind is CourseKind.PROJECT:
        return t("reason.project", language, skills=skills)
    key = "reason.deeper" if reason.phase is Phase.DEEPER else "reason.builds"
    return t(key, language, skills=skills)


def reason_text(catalog: Catalog, item: PlannedItem, language: str) -> str:
    """One plain sentence: why this course is in the plan."""
    reason = item.reason
    course = item.course
    parts: list[str] = []
    if reason.in_progress and item.in_progress_percent is not None:
        parts.append(t("reason.in_progress", language, percent=item.in_progress_percent))
    what = _what_it_does(catalog, item, language)
    if what:
        parts.append(what)
    if reason.pathway_step and reason.stacks_into:
        step, total = reason.pathway_step
        parts.append(t("reason.pathway_step", language, step=step, total=total, pathway=reason.stacks_into))
    if reason.prerequisite_for:
        titles = [catalog.courses[c].display_title(language) for c in reason.prerequisite_for[:MAX_TITLES]]
        parts.append(t("reason.prerequisite_for", language, titles=join_list(titles, language)))
    if reason.free:
        parts.append(t("reason.free", language))
    if reason.recognized:
        key = (
            "reason.recognized_badge"
            if course.credential.kind is CredentialKind.OPEN_BADGE
            else "reason.recognized_certificate"
        )
        parts.append(t(key, language))
    elif course.credential.kind is CredentialKind.CERTIFICATE:
        parts.append(t("reason.certificate", language))
    if reason.soft_mix:
        kinds = {catalog.skills[s].kind for s in course.main_skills if s in catalog.skills}
        kind = SkillKind.SOFT if SkillKind.SOFT in kinds else SkillKind.DIGITAL_LITERACY
        parts.append(t("reason.soft_mix", language, kind=t(f"skill_kind.{kind.value}", language)))
    if not parts:
        parts.append(t("reason.foundation", language))
    sentence = ", ".join(parts)
    return sentence[0].upper() + sentence[1:]


def uncovered_text(result: PlanResult, gap: UncoveredSkill, language: str) -> str:
    """Why a skill is missing from the plan, with the numbers that explain it."""
    request = result.request
    left = sum(month.capacity_hours for month in result.months) * FILL - result.total_hours
    return t(
        f"uncovered.{gap.reason.value}",
        language,
        months=request.months,
        hours=format_hours(request.hours_per_week, language),
        needed=format_hours(gap.hours_needed or 0, language),
        left=format_hours(max(left, 0), language),
    )


def goal_title(catalog: Catalog, request: PlanRequest, language: str) -> str:
    """What the plan is for: the goal's name, or the skills of a skill goal ("Python, SQL")."""
    goal = catalog.goals.get(request.goal or "")
    if goal is not None:
        return goal.name.get(language)
    names = [catalog.skills[s].name.get(language) for s in request.goal_skills if s in catalog.skills]
    return ", ".join(names)


def transferable_lines(catalog: Catalog, request: PlanRequest, language: str) -> list[str]:
    """The skills counted as held from the learner's earlier work, named so they can disagree."""
    if not request.transferable:
        return []
    ordered = sorted(request.transferable, key=lambda skill: (-request.goal_skills.get(skill, 0.0), skill))
    skills = join_list(skill_names(catalog, ordered, language), language)
    return [t("goals.plan_transferable", language, skills=skills)]


def done_lines(catalog: Catalog, request: PlanRequest, language: str) -> list[str]:
    """The courses the learner has finished, in this plan or an earlier one: progress stays in view."""
    titles = [
        catalog.courses[cid].display_title(language) for cid in request.finished if cid in catalog.courses
    ]
    return [t("plan.done", language, courses=join_list(titles, language))] if titles else []


def marked(item: PlannedItem, line: str, language: str) -> str:
    """A course line with what the learner reported: ✓ when finished, the percentage while under way."""
    if item.done:
        return t("plan.item_done", language, line=line)
    if item.in_progress_percent:
        return t("plan.item_in_progress", language, line=line, percent=item.in_progress_percent)
    return line


def alternative_label(course: Course, language: str) -> str:
    """A course offered instead of another: title, provider and hours, in the learner's units."""
    return t(
        "plan.alternative",
        language,
        title=course.display_title(language),
        provider=course.provider,
        hours=format_hours(course.hours, language),
    )


def render_plan(catalog: Catalog, result: PlanResult, language: str) -> list[str]:
    """The whole plan as text lines (blank lines separate months)."""
    request = result.request
    hours = format_hours(request.hours_per_week, language)
    if request.monthly_budget == 0:
        summary = t("plan.summary_free", language, months=request.months, hours=hours)
    else:
        summary = t(
            "plan.summary",
            language,
            months=request.months,
            hours=hours,
            budget=format_money(request.monthly_budget, request.currency, language),
        )
    lines = [
        t("plan.title", language, goal=goal_title(catalog, request, language)),
        summary,
        *transferable_lines(catalog, request, language),
        *done_lines(catalog, request, language),
    ]
    if not result.request.target_skills:
        return [*lines, t("plan.nothing", language)]
    for month in result.months:
        lines.append("")
        lines.append(
            t(
                "plan.month_heading",
                language,
                index=month.index,
                label=month_label(month.starts_on, language),
                hours=format_hours(month.hours, language),
                capacity=format_hours(month.capacity_hours, language),
                cost=format_money(month.cost, request.currency, language),
            )
        )
        if not month.items:
            key = (
                "plan.month_light"
                if result.complete_on and result.complete_on <= month.starts_on
                else "plan.month_empty"
            )
            lines.append(f"  {t(key, language)}")
        for number, item in enumerate(month.items, start=1):
            values = {
                "number": number,
                "title": item.course.display_title(language),
                "provider": item.course.provider,
                "hours": format_hours(item.hours, language),
                "price": price_text(item, request.currency, language),
            }
            if item.parts > 1:
                line = t("plan.item_part", language, part=item.part, parts=item.parts, **values)
            else:
                line = t("plan.item", language, **values)
            lines.append("  " + marked(item, line, language))
            if item.part == 1:
                lines.append("     " + t("plan.why", language, reason=reason_text(catalog, item, language)))
    lines.append("")
    lines.extend(render_pathways(result, language))
    lines.extend(render_depth(catalog, result, language))
    lines.append(
        t(
            "plan.total",
            language,
            hours=format_hours(result.total_hours, language),
            cost=format_money(result.total_cost, request.currency, language),
        )
    )
    lines.extend(render_moves(catalog, result, language))
    return lines


def render_pathways(result: PlanResult, language: str) -> list[str]:
    """Each certificate the plan works on: done by when (and its exam), or how much is left after."""
    if not result.pathways:
        return []
    lines = [t("plan.pathways_heading", language)]
    for pathway in result.pathways:
        if pathway.finished_on is None:
            line = t(
                "plan.pathway_left",
                language,
                name=pathway.name,
                reached=pathway.done_before + pathway.skipped + pathway.passed + pathway.planned,
                total=pathway.total,
                left=pathway.left,
                hours=format_hours(pathway.left_hours, language),
            )
        else:
            done = {
                "name": pathway.name,
                "total": pathway.total,
                "month": month_label(pathway.finished_on, language),
            }
            if pathway.exam_on is not None:
                line = t(
                    "plan.pathway_done_exam",
                    language,
                    exam_month=month_label(pathway.exam_on, language),
                    **done,
                )
            else:
                line = t("plan.pathway_done", language, **done)
        if pathway.skipped:
            line += " " + t("plan.pathway_skipped", language, count=pathway.skipped)
        if pathway.passed:
            line += " " + t("plan.pathway_passed", language, count=pathway.passed)
        lines.append("  " + line)
    return lines


def render_depth(catalog: Catalog, result: PlanResult, language: str) -> list[str]:
    """How far the plan takes each goal skill, honestly: reached, part of the way, or not yet (and why)."""
    lines = [t("plan.depth", language, percent=round(result.coverage * 100))]
    reached = [d.skill for d in result.depth if d.share >= 1 - 1e-6]
    partial = [d for d in result.depth if 0 < d.share < 1 - 1e-6]
    if reached:
        skills = join_list(skill_names(catalog, reached, language), language)
        lines.append("  " + t("plan.depth_reached", language, skills=skills))
    if partial:
        items = [
            t(
                "plan.depth_item",
                language,
                skill=catalog.skills[d.skill].name.get(language),
                done=format_hours(d.credited_hours + d.planned_hours, language),
                target=format_hours(d.target_hours, language),
            )
            for d in partial
        ]
        lines.append("  " + t("plan.depth_partial", language, items=", ".join(items)))
    untouched = {d.skill for d in result.depth if d.share == 0}
    gaps = [gap for gap in result.uncovered if gap.skill in untouched]
    if gaps:
        lines.append("  " + t("plan.not_started", language))
        for gap in gaps:
            name = catalog.skills[gap.skill].name.get(language)
            lines.append(
                "    "
                + t("plan.uncovered_item", language, skill=name, reason=uncovered_text(result, gap, language))
            )
    if result.complete_on is not None:
        lines.append(t("plan.complete", language, month=month_label(result.complete_on, language)))
        if result.next_goals:
            names = [catalog.goals[g].name.get(language) for g in result.next_goals if g in catalog.goals]
            lines.append(t("plan.next_goals", language, goals=join_list(names, language)))
    return lines


def render_moves(catalog: Catalog, result: PlanResult, language: str) -> list[str]:
    lines = []
    for move in result.moves:
        title = catalog.courses[move.course_id].title
        if move.to_month is None:
            lines.append(t("plan.dropped", language, title=title))
        elif move.from_month is None:
            lines.append(t("plan.added", language, title=title, new=month_label(move.to_month, language)))
        else:
            lines.append(
                t(
                    "plan.moved",
                    language,
                    title=title,
                    old=month_label(move.from_month, language),
                    new=month_label(move.to_month, language),
                )
            )
    return lines

"""A plan and a match result as JSON-ready data (``skillstack plan --json``, ``match --json``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from core.catalog import Catalog
from core.catalog.matching import Match, MatchStatus
from core.goals import GoalIntent, GoalReader
from core.planner.types import PlanResult
from core.plans.render_text import goal_title, reason_text, uncovered_text


def plan_to_json(catalog: Catalog, result: PlanResult, language: str) -> dict[str, Any]:
    request = result.request
    return {
        "goal": {"id": request.goal, "name": goal_title(catalog, request, language)},
        "goal_skills": dict(request.goal_skills),
        "transferable": sorted(request.transferable),
        "target_skills": request.target_skills,
        "currency": request.currency,
        "coverage": result.coverage,
        "total_hours": result.total_hours,
        "total_cost": float(result.total_cost),
        "covered_skills": list(result.covered_skills),
        "uncovered_skills": [
            {
                "skill": gap.skill,
                "reason_code": gap.reason.value,
                "reason": uncovered_text(result, gap, language),
                "hours_needed": gap.hours_needed,
            }
            for gap in result.uncovered
        ],
        "months": [
            {
                "month": month.index,
                "starts_on": month.starts_on.isoformat(),
                "capacity_hours": month.capacity_hours,
                "hours": month.hours,
                "cost": float(month.cost),
                "items": [
                    {
                        "course_id": item.course.id,
                        "kind": item.course.kind.value,
                        "title": item.course.display_title(language),
                        "provider": item.course.provider,
                        "hours": item.hours,
                        "cost": float(item.cost),
                        "skills": list(item.course.skills),
                        "main_skills": list(item.course.main_skills),
                        "phase": item.reason.phase.value,
                        "audited": item.reason.audited,
                        "pathway_step": list(item.reason.pathway_step) if item.reason.pathway_step else None,
                        "new_skills": list(item.new_skills),
                        "part": item.part,
                        "parts": item.parts,
                        "reason": reason_text(catalog, item, language),
                    }
                    for item in month.items
                ],
            }
            for month in result.months
        ],
        "depth": [
            {
                "skill": d.skill,
                "target_hours": d.target_hours,
                "credited_hours": d.credited_hours,
                "planned_hours": d.planned_hours,
                "share": round(d.share, 4),
            }
            for d in result.depth
        ],
        "pathways": [
            {
                "id": p.pathway_id,
                "name": p.name,
                "total": p.total,
                "done_before": p.done_before,
                "skipped": p.skipped,
                "planned": p.planned,
                "left": p.left,
                "left_hours": p.left_hours,
                "finished_on": p.finished_on.isoformat() if p.finished_on else None,
                "exam": p.exam,
                "exam_on": p.exam_on.isoformat() if p.exam_on else None,
            }
            for p in result.pathways
        ],
        "complete_on": result.complete_on.isoformat() if result.complete_on else None,
        "next_goals": list(result.next_goals),
        "moves": [
            {
                "course_id": move.course_id,
                "from": move.from_month.isoformat() if move.from_month else None,
                "to": move.to_month.isoformat() if move.to_month else None,
            }
            for move in result.moves
        ],
    }


def _match(catalog: Catalog, match: Match, language: str) -> dict[str, Any]:
    names = catalog.goals if match.kind == "goal" else catalog.skills
    return {
        "id": match.id,
        "name": names[match.id].name.get(language),
        "score": match.score,
        "alias": match.alias,
    }


def _named(names: Mapping[str, Any], ids: Iterable[str], language: str) -> list[dict[str, str]]:
    return [{"id": i, "name": names[i].name.get(language)} for i in ids if i in names]


def intent_to_json(catalog: Catalog, reader: GoalReader, intent: GoalIntent, language: str) -> dict[str, Any]:
    """What the goal statement means: its kind, the goal or skills, the origin, the shortlist."""
    origin = reader.origins.get(intent.origin or "")
    held = intent.target.counted_as_held(catalog) if intent.target else intent.transferable
    return {
        "kind": intent.kind.value,
        "confident": intent.confident,
        "goal": next(iter(_named(catalog.goals, [intent.goal], language)), None) if intent.goal else None,
        "skills": _named(catalog.skills, intent.skills, language),
        "origin": {"id": origin.id, "name": origin.name.get(language)} if origin else None,
        "transferable": _named(catalog.skills, sorted(held), language),
        "shortlist": [
            {
                "id": item.goal,
                "name": catalog.goals[item.goal].name.get(language),
                "summary": item.summary.get(language) if item.summary else None,
                "first_credential": item.credential(language),
            }
            for item in intent.shortlist
        ],
    }


def match_to_json(catalog: Catalog, reader: GoalReader, intent: GoalIntent, language: str) -> dict[str, Any]:
    """The matcher's view (goals and skills, each with its own status) and what the text means."""
    result = intent.match
    assert result is not None  # noqa: S101  (GoalReader.read always sets it)
    status = result.status
    if intent.confident:
        status = MatchStatus.CONFIDENT
    elif status is MatchStatus.CONFIDENT:
        status = MatchStatus.UNSURE  # a skill or an interest matched, but no plan would follow
    return {
        "query": result.query[:200],
        "normalized": result.normalized,
        "status": status.value,
        "goal_status": result.goal_status.value,
        "skill_status": result.skill_status.value,
        "goals": [_match(catalog, m, language) for m in result.goals],
        "skills": [_match(catalog, m, language) for m in result.skills],
        "intent": intent_to_json(catalog, reader, intent, language),
    }

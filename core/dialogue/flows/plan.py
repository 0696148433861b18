"""The plan: /plan, /progress, and the plan's buttons (swap a course, fewer or more hours, start over).

The plan is made and changed by :mod:`core.services.plans`; this flow shows it and asks.  A swap
offers the courses that could replace one, with "keep it"; a check-in's "stuck" courses are
offered one after the other (:func:`offer_swaps`).
"""

from __future__ import annotations

from pydantic import Field

from core.dialogue.asking import Option, Question
from core.dialogue.context import Context, Router
from core.dialogue.state import Flow, MenuName, Values
from core.goals.wording import target_label
from core.i18n import join_list
from core.messages import Reply
from core.planner import PlanResult
from core.planner.standing import standing
from core.plans.render_text import alternative_label, format_hours, render_plan
from core.plans.store import profile_target
from core.services import checkins as checkin_service
from core.services import plans

PLAN_ACTIONS = ("swap", "less", "more", "regenerate")
KEEP = "keep"  # the swap menu's "keep it": the course stays
START_OVER_ANSWERS = ("yes", "no")  # answered in the onboarding flow (the questions again) or here


class Swapping(Values):
    """The course being swapped, and the courses a check-in said the learner is stuck on, still to offer."""

    swap_out: str | None = None
    stuck_next: list[str] = Field(default_factory=list)


def make_plan(ctx: Context, *, keep: tuple[str, ...] = (), fresh: bool = False) -> PlanResult:
    """Plan (or re-plan) from the learner's answers and store it (:func:`core.services.plans.make_plan`)."""
    return plans.make_plan(
        ctx.session, ctx.catalog, ctx.learner, ctx.profile, ctx.now(), keep=keep, fresh=fresh
    )


def plan_is_current(ctx: Context) -> bool:
    return plans.plan_is_current(ctx.session, ctx.catalog, ctx.learner, ctx.profile, ctx.now())


def current_plan(ctx: Context) -> PlanResult | None:
    return plans.current_plan(ctx.session, ctx.catalog, ctx.learner)


def show_plan(ctx: Context, result: PlanResult) -> list[Reply]:
    """The plan, with its buttons."""
    text = "\n".join(render_plan(ctx.catalog, result, ctx.language))
    options = [Option(action, ctx.text(f"plan.action.{action}")) for action in PLAN_ACTIONS]
    return [ctx.ask(Question(text, options), flow=Flow.MENU, step=MenuName.PLAN_ACTIONS)]


def cmd_plan(ctx: Context, _args: str) -> list[Reply]:
    """/plan: the plan as it stands (made now if there is none yet)."""
    blocked = ctx.needs_onboarding()
    if blocked:
        return blocked
    return show_plan(ctx, current_plan(ctx) or make_plan(ctx))


def cmd_progress(ctx: Context, _args: str) -> list[Reply]:
    """Where the learner stands today, by the planner's own measure (so it agrees with /plan's
    "where this plan takes you"): depth per goal skill, certificates started, courses finished."""
    blocked = ctx.needs_onboarding()
    if blocked:
        return blocked
    catalog, language = ctx.catalog, ctx.language
    request = plans.plan_request(ctx.session, catalog, ctx.learner, ctx.profile, ctx.now())
    now = standing(catalog, request)

    def names(skills: list[str]) -> str:
        return join_list([catalog.skills[s].name.get(language) for s in skills], language) or "-"

    lines = [
        ctx.text(
            "progress.summary",
            goal=target_label(catalog, ctx.goals, profile_target(ctx.profile), language),
            percent=round(now.coverage * 100),
            have=names([d.skill for d in now.depth if d.share >= 1]),
            missing=names([d.skill for d in now.depth if d.share == 0]),
            courses=len(request.finished),
            streak=checkin_service.streak(ctx.session, ctx.learner.id or 0),
        )
    ]
    partial = [
        ctx.text(
            "plan.depth_item",
            skill=catalog.skills[d.skill].name.get(language),
            done=format_hours(d.credited_hours, language),
            target=format_hours(d.target_hours, language),
        )
        for d in now.depth
        if 0 < d.share < 1
    ]
    if partial:
        lines.append(ctx.text("progress.partial", items=", ".join(partial)))
    for certificate in now.certificates:
        lines.append(
            ctx.text(
                "progress.certificate", name=certificate.name, done=certificate.done, total=certificate.total
            )
        )
    return [Reply("\n".join(lines))]


def on_plan_action(ctx: Context, action: str) -> list[Reply]:
    """The plan's buttons: swap a course (one not finished yet), fewer or more hours a week
    (re-planned at once), or start over (asked first)."""
    if action == "swap":
        result = current_plan(ctx)
        open_ids = result.open_course_ids if result is not None else []
        if not open_ids:  # a finished course is not offered: there is nothing left to swap
            return [Reply(ctx.text("plan.nothing_to_swap"))]
        options = [Option(cid, ctx.catalog.courses[cid].display_title(ctx.language)) for cid in open_ids]
        question = Question(ctx.text("plan.swap_which"), options, columns=1)
        return [ctx.ask(question, flow=Flow.MENU, step=MenuName.SWAP_PICK)]
    if action in ("less", "more"):
        hours = plans.change_pace(ctx.profile, more=action == "more")
        note = Reply(ctx.text("plan.hours_changed", hours=format_hours(hours, ctx.language)))
        return [note, *show_plan(ctx, make_plan(ctx))]
    options = [Option(value, ctx.text(f"plan.start_over.{value}")) for value in START_OVER_ANSWERS]
    question = Question(ctx.text("plan.start_over.ask"), options, columns=1)
    return [ctx.ask(question, flow=Flow.MENU, step=MenuName.START_OVER)]


def offer_swaps(ctx: Context, stuck: list[str]) -> list[Reply]:
    """Alternatives for each course a check-in said the learner is stuck on, one after the other:
    the first that has some is asked now, the rest after its answer (:func:`on_swap_with`); one
    with none says so and the next is tried."""
    replies: list[Reply] = []
    for position, course_id in enumerate(stuck):
        offered = on_swap_pick(ctx, course_id)
        if ctx.state.step is MenuName.SWAP_WITH:
            ctx.state.values(Swapping).stuck_next = stuck[position + 1 :]
            return replies + offered
        if position < len(stuck) - 1:
            offered = offered[:1]  # "nothing like it": the plan is shown once, at the end
        replies.extend(offered)
    return replies


def on_swap_pick(ctx: Context, course_id: str) -> list[Reply]:
    """The courses that could replace ``course_id`` (picked from the plan's Swap menu, or a course
    the learner is stuck on), with "keep it"; none: says so and shows the plan."""
    result = current_plan(ctx)
    if result is None:
        return [Reply(ctx.text("plan.none_yet"))]
    found = plans.swap_candidates(
        ctx.session, ctx.catalog, ctx.learner, ctx.profile, ctx.now(), course_id, result
    )
    options = [Option(c.id, alternative_label(c, ctx.language)) for c in found]
    title = ctx.catalog.courses[course_id].display_title(ctx.language)
    if not options:
        return [Reply(ctx.text("plan.no_alternatives", title=title)), *show_plan(ctx, result)]
    options.append(Option(KEEP, ctx.text("plan.keep_it", title=title)))
    ctx.state.values(Swapping).swap_out = course_id
    question = Question(ctx.text("plan.swap_with", title=title), options, columns=1)
    return [ctx.ask(question, flow=Flow.MENU, step=MenuName.SWAP_WITH)]


def on_swap_with(ctx: Context, course_id: str) -> list[Reply]:
    """The learner's pick for :func:`on_swap_pick`: keep the course, or swap it (a lasting choice,
    re-planned at once); then the next course they are stuck on, if any."""
    result = current_plan(ctx)
    swapping = ctx.state.values(Swapping)
    swap_out = swapping.swap_out
    if result is None or swap_out is None:
        return ctx.expired()
    waiting = list(swapping.stuck_next)
    ctx.state.reset()
    old = ctx.catalog.courses[swap_out].display_title(ctx.language)
    if course_id == KEEP:
        replies = [Reply(ctx.text("plan.kept", title=old))]
    else:
        new = plans.swap_course(
            ctx.session,
            ctx.catalog,
            ctx.learner,
            ctx.profile,
            ctx.now(),
            swapped_out=swap_out,
            chosen=course_id,
            current=result,
        )
        title = ctx.catalog.courses[course_id].display_title(ctx.language)
        replies = [Reply(ctx.text("plan.swapped", old=old, new=title))]
        if not waiting:
            replies.extend(show_plan(ctx, new))
    return replies + (offer_swaps(ctx, waiting) if waiting else [])


router = Router(
    commands={"plan": cmd_plan, "progress": cmd_progress},
    menus={
        MenuName.PLAN_ACTIONS: on_plan_action,
        MenuName.SWAP_PICK: on_swap_pick,
        MenuName.SWAP_WITH: on_swap_with,
    },
    views=frozenset({MenuName.PLAN_ACTIONS}),
)

"""The learner's own data: /export (everything kept about them, as a file) and /forget (all of it
erased, after a yes)."""

from __future__ import annotations

from core.dialogue.asking import Option, Question
from core.dialogue.context import Context, Router
from core.dialogue.state import Flow, MenuName
from core.messages import Attachment, Reply
from core.portfolio import export_learner, forget_learner


def cmd_export(ctx: Context, _args: str) -> list[Reply]:
    """/export: everything SkillStack keeps about the learner, as one JSON file."""
    ctx.state.reset()
    ctx.session.flush()  # the export must include this message's own changes
    content = export_learner(ctx.session, ctx.learner, ctx.now())
    stamp = ctx.now().strftime("%Y%m%d")
    attachment = Attachment(f"skillstack-export-{stamp}.json", content, "application/json")
    return [Reply(ctx.text("export.ready"), attachment=attachment)]


def cmd_forget(ctx: Context, _args: str) -> list[Reply]:
    """/forget: asked first; nothing is erased without a plain yes."""
    options = [Option("yes", ctx.text("forget.yes")), Option("no", ctx.text("forget.no"))]
    question = Question(ctx.text("forget.confirm"), options)
    return [ctx.ask(question, flow=Flow.MENU, step=MenuName.FORGET_CONFIRM)]


def on_forget(ctx: Context, answer: str) -> list[Reply]:
    ctx.state.reset()
    if answer != "yes":
        return [Reply(ctx.text("forget.kept"))]
    forget_learner(ctx.session, ctx.learner)
    return [Reply(ctx.text("forget.done"))]


router = Router(
    commands={"export": cmd_export, "forget": cmd_forget},
    menus={MenuName.FORGET_CONFIRM: on_forget},
)

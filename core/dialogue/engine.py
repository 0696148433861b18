"""The dialogue engine: (learner, channel-neutral input) -> replies, one unit of work per message.

Everything a learner says goes through :meth:`Dialogue.handle`: the learner is found (or
created), their conversation state is loaded, the input is routed over the flows' tables, and
the new state is saved in the same unit of work.  A restart between two messages therefore
continues at the same question.

The features are the modules of :mod:`core.dialogue.flows`; each declares a
:class:`~core.dialogue.context.Router` and none imports this module.  Routing, top to bottom:

- a command (``Router.commands``) works everywhere, including in the middle of a question;
- a button is accepted only if the current question issued it (else: "this button has expired",
  and nothing changes); it goes to the current question step or menu;
- other input goes to the open flow (``Router.inputs``: a question step, the check-in, adding a
  badge); a menu also takes its number or a label typed;
- what no open flow took goes to the fallbacks in order (a badge sent anywhere, "I finished X");
- anything else gets a helpful answer, never silence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import Session

from core.badges.verify import BadgeVerifier
from core.catalog import Catalog
from core.catalog.matching import Matcher
from core.checkins import tick
from core.dialogue import questions
from core.dialogue.asking import Asked, merge_plain, rows
from core.dialogue.commands import COMMANDS, command_list
from core.dialogue.context import Clock, Context, Handler, Router, Shared
from core.dialogue.flows import account, badges, checkin, onboarding, plan, settings
from core.dialogue.state import ConversationState, Flow, MenuName, StepName
from core.goals import GoalReader
from core.i18n import t
from core.learners import load_for_message
from core.messages import Button, Identity, Inbound, InboundKind, Reply
from core.services import checkins
from core.settings import SHIPPED_DATA_DIR
from core.storage.db import Database
from core.storage.db_types import utc_now

FLOWS: tuple[Router, ...] = (
    onboarding.router,
    settings.router,
    plan.router,
    checkin.router,
    badges.router,
    account.router,
)


class Dialogue:
    """The conversation, shared by every channel."""

    def __init__(
        self,
        database: Database,
        catalog: Catalog,
        *,
        default_timezone: str = "UTC",
        matcher: Matcher | None = None,
        goal_reader: GoalReader | None = None,
        clock: Clock | None = None,
        verifier: BadgeVerifier | None = None,
        flows: Sequence[Router] = FLOWS,
    ) -> None:
        matcher = matcher or (goal_reader.matcher if goal_reader is not None else Matcher(catalog))
        self.database, self.catalog, self.matcher = database, catalog, matcher
        self.shared = Shared(
            database=database,
            catalog=catalog,
            matcher=matcher,
            goals=goal_reader or GoalReader.for_catalog(catalog, SHIPPED_DATA_DIR, matcher),
            clock=clock or (lambda: dt.datetime.now(dt.UTC)),
            default_timezone=default_timezone,
            given_verifier=verifier,
        )
        self.routes = Router.compose([*flows, Router(inputs={Flow.MENU: _typed_menu_choice})])
        self.commands: dict[str, Handler] = {c.name: self.routes.commands[c.name] for c in COMMANDS}
        unlisted = self.routes.commands.keys() - self.commands.keys()
        if unlisted:
            raise ValueError(f"commands missing from core.dialogue.commands.COMMANDS: {sorted(unlisted)}")

    @property
    def verifier(self) -> BadgeVerifier:
        return self.shared.verifier

    def handle(self, identity: Identity, inbound: Inbound) -> list[Reply]:
        """Everything that one message from one learner causes, in one unit of work."""
        return self.database.transaction(lambda session: self._answer(session, identity, inbound))

    def _answer(self, session: Session, identity: Identity, inbound: Inbound) -> list[Reply]:
        learner, profile, conversation = load_for_message(session, identity, self.shared.default_timezone)
        state = ConversationState.model_validate(conversation.state or {})
        ctx = Context(self.shared, self.routes, session, learner, profile, state)
        replies = self.route(ctx, inbound)
        conversation.state = state.stored()
        conversation.updated_at = utc_now()
        return merge_plain(replies)

    def route(self, ctx: Context, inbound: Inbound) -> list[Reply]:
        """Send one message where it belongs (see the module's docstring for the order)."""
        state = ctx.state
        ctx.said = inbound.text if inbound.kind is InboundKind.TEXT else None
        if inbound.kind is InboundKind.COMMAND:
            handler = self.commands.get(inbound.command)
            if handler is None:
                unknown = ctx.text("unknown_command", command=inbound.command[:32])
                return [Reply(unknown + "\n\n" + command_list(ctx.language))]
            return handler(ctx, inbound.text)
        if inbound.kind is InboundKind.CHOICE:
            value = state.offered.get(inbound.payload)
            if value is None:
                return [Reply(ctx.text("button_expired"))]
            if isinstance(state.step, StepName):
                return questions.on_choice(ctx, value)
            assert state.step is not None  # noqa: S101  (a button was offered: a menu is open)
            return self.routes.menus[state.step](ctx, value)
        taken = self.routes.inputs[state.flow](ctx, inbound) if state.flow in self.routes.inputs else None
        for fallback in self.routes.fallbacks:
            if taken is not None:
                break
            taken = fallback(ctx, inbound)
        return taken if taken is not None else ctx.not_understood(inbound)

    def remind(self, now: dt.datetime | None = None) -> tick.TickResult:
        """One scheduler tick (:func:`core.services.checkins.remind`), messages in the check-in's words."""
        compose = checkin.composer(self.shared, self.routes, checkin.send)
        return checkins.remind(self.database, now or self.shared.clock(), compose)

    def due_for(self, identity: Identity, now: dt.datetime | None = None) -> list[Reply]:
        """The reminder due for a learner at the keyboard (the terminal): shown, not sent."""
        return checkin.due_for(self.shared, self.routes, identity, now or self.shared.clock())

    def resume(self, identity: Identity) -> Reply | None:
        """The question a learner left open (a check-in, a menu, the setup questions), asked again
        with the same buttons, for a channel the learner comes back to (the terminal reopened):
        greeting them instead would leave it open and their next answer unread.  None when no
        question is open, or what is open only shows something (the plan, the badges)."""

        def work(session: Session) -> Reply | None:
            learner, _, conversation = load_for_message(session, identity, self.shared.default_timezone)
            state = ConversationState.model_validate(conversation.state or {})
            asked = state.values(Asked)
            if state.flow is None or asked.asked is None or state.step in self.routes.views:
                return None
            buttons = [Button(asked.labels.get(value, value), key) for key, value in state.offered.items()]
            text = f"{t('start.continue', learner.language)}\n\n{asked.asked.text}"  # where they left off
            return Reply(text, rows(buttons, asked.asked.columns), location_button=asked.asked.location)

        return self.database.transaction(work)


def _typed_menu_choice(ctx: Context, inbound: Inbound) -> list[Reply] | None:
    """A menu answered by typing its number or a label (a yes/no menu also by "yes", "tidak"...)."""
    if inbound.kind is not InboundKind.TEXT or not isinstance(ctx.state.step, MenuName):
        return None
    chosen = ctx.typed_choice(inbound.text)
    return ctx.routes.menus[ctx.state.step](ctx, chosen) if chosen is not None else None

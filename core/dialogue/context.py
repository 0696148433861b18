"""What a flow gets while it handles one message, and the table a flow registers itself with.

:class:`Shared` is built once by the engine (database, catalog, matcher, goal reader, clock,
badge verifier); :class:`Context` is one message's view: the learner, their profile and
conversation state, the session of the message's unit of work, the learner's language, and the
composed :class:`Router`, through which a flow hands over to another flow's question without
importing it.  A flow module declares a :class:`Router`: its commands, question steps, menus,
what it does with input while it is open, and what it does when its last question is answered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.badges.verify import BadgeVerifier
from core.catalog import Catalog
from core.catalog.matching import Matcher
from core.dialogue import parsing
from core.dialogue.asking import Asked, AskedText, Option, Outcome, Question, Retry, payload, quoted, rows
from core.dialogue.state import ConversationState, Flow, MenuName, StepName
from core.goals import GoalReader
from core.i18n import t
from core.messages import Button, Inbound, InboundKind, Reply
from core.plans.store import has_goal
from core.storage.db import Database
from core.storage.db_types import utc_now
from core.storage.models import Learner, LearnerProfile

Clock = Callable[[], dt.datetime]
K = TypeVar("K")
T = TypeVar("T")


@dataclass
class Shared:
    """What every message shares: built once, from the settings, by whoever builds the dialogue."""

    database: Database
    catalog: Catalog
    matcher: Matcher
    goals: GoalReader
    clock: Clock
    default_timezone: str = "UTC"
    given_verifier: BadgeVerifier | None = None

    @property
    def verifier(self) -> BadgeVerifier:
        """The badge verifier; without one given, a default with contexts cached in memory only."""
        if self.given_verifier is None:
            self.given_verifier = BadgeVerifier.for_data_dir(None, clock=self.clock)
        return self.given_verifier


class Step:
    """One question of a question flow: how to ask it, and what a typed answer, a pressed button
    or a shared location does (:class:`~core.dialogue.asking.Retry` with a hint when it does not fit)."""

    name: StepName

    def ask(self, ctx: Context) -> Question:
        raise NotImplementedError

    def on_text(self, ctx: Context, text: str) -> Outcome:
        raise NotImplementedError

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        return self.on_text(ctx, value)

    def on_location(self, ctx: Context, latitude: float, longitude: float) -> Outcome:
        return Retry(ctx.text("hint.location_not_needed"))


Handler = Callable[["Context", str], list[Reply]]  # a command (its arguments) or a menu (the value)
InputHandler = Callable[["Context", Inbound], list[Reply] | None]  # None: not for me
Finish = Callable[["Context"], list[Reply]]


@dataclass
class Router:
    """One feature's entries: everything the engine routes to it.  Composed with :meth:`compose`."""

    commands: dict[str, Handler] = field(default_factory=dict)
    steps: dict[StepName, Step] = field(default_factory=dict)
    menus: dict[MenuName, Handler] = field(default_factory=dict)
    inputs: dict[Flow, InputHandler] = field(default_factory=dict)  # text, files, places: its flow open
    finishes: dict[Flow, Finish] = field(default_factory=dict)  # the last question of its flow answered
    fallbacks: list[InputHandler] = field(default_factory=list)  # input no open flow took, in order
    views: frozenset[MenuName] = frozenset()  # menus that show something: not asked again on return

    @classmethod
    def compose(cls, routers: Iterable[Router]) -> Router:
        """All the features' tables in one; a name registered twice is a programming error."""
        whole = cls()
        for router in routers:
            _add(whole.commands, router.commands)
            _add(whole.steps, router.steps)
            _add(whole.menus, router.menus)
            _add(whole.inputs, router.inputs)
            _add(whole.finishes, router.finishes)
            whole.fallbacks.extend(router.fallbacks)
            whole.views |= router.views
        return whole


def _add(table: dict[K, T], entries: dict[K, T]) -> None:
    twice = table.keys() & entries.keys()
    if twice:
        raise ValueError(f"registered twice: {sorted(map(str, twice))}")
    table.update(entries)


@dataclass
class Context:
    """What a flow may read and change while handling one message."""

    shared: Shared
    routes: Router
    session: Session
    learner: Learner
    profile: LearnerProfile
    state: ConversationState
    said: str | None = None  # the text typed in this message; None for a button, a file, a location

    @property
    def catalog(self) -> Catalog:
        return self.shared.catalog

    @property
    def matcher(self) -> Matcher:
        return self.shared.matcher

    @property
    def goals(self) -> GoalReader:
        return self.shared.goals

    @property
    def verifier(self) -> BadgeVerifier:
        return self.shared.verifier

    @property
    def language(self) -> str:
        return self.learner.language

    def now(self) -> dt.datetime:
        return self.shared.clock()

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.learner.timezone)

    def local_today(self) -> dt.date:
        return self.now().astimezone(self.zone()).date()

    def text(self, key: str, **values: object) -> str:
        return t(key, self.language, **values)

    def touch(self) -> None:
        self.profile.updated_at = utc_now()

    def refusal(self, key: str, text: str, **values: object) -> str:
        """A hint for an answer that does not fit: it quotes the answer, says what would work, and
        for an answer in a language we do not read, which languages we do."""
        hint = self.text(key, answer=quoted(text), **values)
        if parsing.foreign_language(text):
            hint += "\n" + self.text("hint.languages")
        return hint

    # -- asking ------------------------------------------------------------------------------

    def ask(self, question: Question, *, flow: Flow | None, step: StepName | MenuName) -> Reply:
        """Show ``question`` and remember the buttons it issued (older ones expire)."""
        state = self.state
        state.flow, state.step = flow, step
        state.version += 1
        state.offered = {payload(state.version, i): option.value for i, option in enumerate(question.options)}
        asked = state.values(Asked)
        asked.labels = {option.value: option.label for option in question.options}
        buttons = [Button(o.label, payload(state.version, i)) for i, o in enumerate(question.options)]
        location = self.text("ask.location_button") if question.ask_location else ""
        asked.asked = AskedText(text=question.text, columns=question.columns, location=location)
        return Reply(question.text, rows(buttons, question.columns), location_button=location)

    def yes_no(self, text: str, *, flow: Flow | None, step: MenuName, yes: str, no: str) -> Reply:
        """A question answered yes or no, one button under the other."""
        options = [Option("yes", self.text(yes)), Option("no", self.text(no))]
        return self.ask(Question(text, options, columns=1), flow=flow, step=step)

    def label_choice(self, text: str) -> str | None:
        """The value of the current question's button whose label is ``text`` (ticks ignored)."""
        wanted = text.strip().casefold()
        for value, label in self.state.values(Asked).labels.items():
            if label.removeprefix("✓ ").strip().casefold() == wanted:
                return value
        return None

    def typed_choice(self, text: str) -> str | None:
        """A menu answered by typing its number or its label; a yes/no menu also by "yes", "ya",
        "no", "tidak" and the like.  A question ("yes?", "wait what?") or a denied yes ("nggak
        yakin") is a no: nothing is confirmed, least of all deleting everything (/forget)."""
        options = list(self.state.offered.values())
        stripped = text.strip()
        if stripped.isdigit() and 1 <= int(stripped) <= len(options):
            return options[int(stripped) - 1]
        answer = parsing.yes_or_no(stripped)
        if answer is not None and answer in options and {"yes", "no"} <= set(options):
            return answer
        return self.label_choice(stripped)

    # -- answers that belong to no flow --------------------------------------------------------

    def needs_onboarding(self) -> list[Reply] | None:
        """ "Start first" for a learner without a goal yet; None once they have one."""
        if self.profile.onboarded_at is None or not has_goal(self.catalog, self.profile):
            return [Reply(self.text("free_text.start_first"))]
        return None

    def not_understood(self, inbound: Inbound) -> list[Reply]:
        """Input no question is waiting for; a text in a language we do not read first hears which
        languages we do."""
        foreign = inbound.kind is InboundKind.TEXT and parsing.foreign_language(inbound.text)
        languages = [self.text("hint.languages")] if foreign else []
        if self.profile.onboarded_at is None:
            return [Reply("\n\n".join([*languages, self.text("free_text.start_first")]))]
        if inbound.kind is InboundKind.TEXT:
            return [Reply("\n\n".join([*languages, self.text("free_text.help")]))]
        return [Reply(self.text("hint.unsupported") + "\n\n" + self.text("free_text.help"))]

    def expired(self) -> list[Reply]:
        """The answer to input for a question that no longer applies (its course or plan is gone):
        a pressed button has expired; typed text is read as if no question were open."""
        if self.said is None:
            return [Reply(self.text("button_expired"))]
        self.state.reset()
        return self.not_understood(Inbound(InboundKind.TEXT, text=self.said))

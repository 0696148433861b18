"""Four learners, each a whole conversation, played through every channel (issue #15, section 6).

A persona is an async function ``play(chat, check)``: what the learner types or taps, in order,
and what they must read in answer.  ``chat`` is a channel adapter (the real PTB bot behind the
fake Bot API, or the real ``skillstack chat`` process), so one script checks both channels.

Each check records a finding instead of stopping at the first one: a learner who meets a
problem goes on (tapping the button a confused learner would tap), and the test fails at the end
with every problem the conversation showed, each with what the learner read.  Texts the bot
says come from the locale files (:func:`core.i18n.t`); fragments the issue itself quotes are
literal.

Sari (Indonesian student, types informal Indonesian), Mark (English career changer: teacher to
UX), Dewi (Indonesian, taps buttons, gets stuck), Alex (English, badges).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from core.i18n import t
from tests.scripts import ENGLISH_TYPED_ONBOARDING

# -- what the channels give the scripts ---------------------------------------------------------


@dataclass
class Said:
    """What the learner read after one message or tap: the texts, and the buttons offered."""

    text: str
    buttons: list[str] = field(default_factory=list)

    @property
    def flat(self) -> str:
        """The text with line wrapping undone (the terminal wraps at 88 columns; Telegram doesn't)."""
        return " ".join(self.text.split())

    def reads(self, fragment: str) -> bool:
        return " ".join(fragment.split()).casefold() in self.flat.casefold()

    def button(self, fragment: str) -> str | None:
        """The first offered button whose label contains ``fragment`` (case-insensitive)."""
        return next((label for label in self.buttons if fragment.casefold() in label.casefold()), None)


class Chat(Protocol):
    """A learner's side of one channel."""

    language: str

    async def say(self, text: str) -> Said:
        """Type ``text`` (several lines: one pasted message) and read the answer."""
        ...

    async def press(self, label: str) -> Said:
        """Tap the latest button whose label is ``label`` (as shown, exactly)."""
        ...


class Check:
    """Findings of one conversation: what a learner read that the issue says they must not."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.transcript: list[str] = []

    def record(self, sent: str, said: Said) -> Said:
        self.transcript.append(f"> {sent}\n{said.text}\n{said.buttons}")
        return said

    def that(self, ok: bool, problem: str, said: Said | None = None) -> bool:
        """Note ``problem`` (with what the learner last read) unless ``ok``; returns ``ok``."""
        if not ok:
            shown = f"\n    learner read: {said.text[:600]!r} buttons={said.buttons}" if said else ""
            self.problems.append(problem + shown)
        return ok

    def report(self) -> str:
        return "\n".join(f"- {problem}" for problem in self.problems)


Persona = Callable[[Chat, "Check"], Awaitable[None]]
"""Sari, Mark and Dewi: ``play(chat, check)`` (Alex also needs his badges)."""


async def say(chat: Chat, check: Check, text: str) -> Said:
    return check.record(text, await chat.say(text))


async def tap(chat: Chat, check: Check, said: Said, fragment: str) -> Said:
    """Tap the button of ``said`` containing ``fragment``; a missing button is a finding."""
    label = said.button(fragment)
    if not check.that(label is not None, f"no button with “{fragment}” was offered", said):
        return said
    assert label is not None
    return check.record(f"[{label}]", await chat.press(label))


def position(number: int, language: str) -> str:
    """“Question 5 of 11”: the onboarding's next question is shown."""
    return t("onboarding.position", language, number=number, total=11)


async def answer(
    chat: Chat, check: Check, text: str, next_question: int, fallback: str | None = None
) -> Said:
    """Type an onboarding answer that must be understood (the next question follows).

    When it is refused, the finding quotes the answer, and ``fallback`` (the button a learner
    would tap then) keeps the conversation going so later checks still run.
    """
    said = await say(chat, check, text)
    understood = said.reads(position(next_question, chat.language))
    if not check.that(understood, f"the answer “{text}” was not understood", said) and fallback:
        said = await tap(chat, check, said, fallback)
    return said


def settings_value(said: Said, option_key: str, language: str) -> str:
    """The line (text or button) of /settings naming the option ``settings.option.<key>``."""
    label = t(f"settings.option.{option_key}", language).casefold()
    lines = [*said.text.splitlines(), *said.buttons]
    return next((line for line in lines if label in line.casefold()), "")


def depth_percent(said: Said, language: str) -> int | None:
    """The plan's coverage line (“Where this plan takes you: 80% …”) as a number."""
    before, _, after = t("plan.depth", language, percent="\0").partition("\0")
    found = re.search(re.escape(before.strip()) + r"\s*(\d+)" + re.escape(after.strip()[:1]), said.flat)
    return int(found.group(1)) if found else None


def shows_done(plan: Said, title: str, language: str) -> bool:
    """The plan marks ``title`` done: on its own line (✓ / ✅ / the word “Done”), or under a “Done:” line."""
    done_word = t("checkin.answer.done", language).strip("✅ ").casefold()
    lines = plan.text.splitlines()
    for index, line in enumerate(lines):
        folded = line.casefold()
        if title.casefold() in folded and any(mark in folded for mark in ("✓", "✅", done_word)):
            return True
        if folded.strip().startswith(done_word) and any(
            title.casefold() in later.casefold() for later in [line, *lines[index + 1 : index + 8]]
        ):
            return True
    return False


def first_item_title(said: Said, language: str) -> str:
    """The course a check-in asks about: the line just above “Last reported: …”."""
    marker = t("checkin.ask_item", language, title="\0", percent=0).split("\n")[1][:12]
    lines = said.text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith(marker) and index > 0:
            return lines[index - 1].strip()
    return ""


def asks_about_item(said: Said, language: str) -> bool:
    return bool(first_item_title(said, language))


def planned_titles(plan: Said) -> list[str]:
    """The plan's course lines (“  3. Title (Provider) · 7 h · free”)."""
    return [line for line in plan.text.splitlines() if re.match(r"\s+\d+\. ", line)]


def count(texts: Iterable[str], fragment: str) -> int:
    return sum(" ".join(text.split()).count(" ".join(fragment.split())) for text in texts)


# -- A. Sari: Indonesian student in Jakarta, types informal Indonesian --------------------------

SARI_ONBOARDING = [  # (typed, next question, button a learner taps if it is refused)
    ("aku mau jadi data analyst", 2, None),
    ("1", 3, None),  # confirms the goal: a number is what that question asks for
    ("pemula", 4, "Pemula"),
    ("belum ada", 5, "Belum ada"),
    ("2 jam sehari", 6, "15 jam"),
    ("gratis aja", 7, "Gratis saja"),
    ("apa aja", 8, "Apa saja"),
    ("bahasa inggris dan indonesia", 9, "Keduanya"),
    ("jakarta", 10, "Jakarta"),
    ("senin", 11, "Senin"),
]
SARI_TIME = "jam 7 malam"
SARI_DONE = "udah selesai"


async def sari(chat: Chat, check: Check) -> None:
    """Onboards by typing, reports her first course done, and sees it counted everywhere."""
    language = "id"
    await say(chat, check, "/start")
    for text, next_question, fallback in SARI_ONBOARDING:
        await answer(chat, check, text, next_question, fallback)
    plan = await say(chat, check, SARI_TIME)
    check.that(plan.reads(t("plan.title", language, goal="Analis data")), "no plan after onboarding", plan)
    check.that(plan.reads("14 jam per minggu"), "“2 jam sehari” is not 14 h a week in the plan", plan)
    check.that(
        not plan.reads("tidak ada kursus dalam bahasamu"), "a skill has no course in her two languages", plan
    )
    coverage_before = depth_percent(plan, language)
    check.that(coverage_before is not None, "the plan has no coverage line", plan)

    checkin = await say(chat, check, "/checkin")
    title = first_item_title(checkin, language)
    check.that(bool(title), "/checkin asked about no course", checkin)
    done = await say(chat, check, SARI_DONE)
    if not check.that(
        done.reads(t("checkin.badge_ask", language)), f"“{SARI_DONE}” was not understood", done
    ):
        done = await tap(chat, check, done, t("checkin.answer.done", language))
    await tap(chat, check, done, t("checkin.badge_skip", language))

    progress = await say(chat, check, "/progress")
    finished = t("progress.summary", language, goal="\0", percent=0, have="", missing="", courses=1, streak=0)
    finished_line = next(line for line in finished.splitlines() if line.endswith(": 1"))
    check.that(progress.reads(finished_line), f"/progress does not say “{finished_line}”", progress)

    plan_after = await say(chat, check, "/plan")
    check.that(shows_done(plan_after, title, language), f"/plan does not mark “{title}” done", plan_after)
    coverage_after = depth_percent(plan_after, language)
    check.that(
        coverage_before is not None and coverage_after is not None and coverage_after >= coverage_before,
        f"the plan's coverage fell from {coverage_before}% to {coverage_after}% after a course was done",
        plan_after,
    )


# -- B. Mark: English teacher becoming a UX designer, New York ---------------------------------

MARK_GOAL = "I'm a teacher and want to move into UX design"
MARK_PICK = "the teacher one"
MARK_LEVEL = "the middle one"  # “one” is no number here: Intermediate or a question, never option 1
MARK_ONBOARDING = [
    ("user research, presentation skills", 5, "Done"),
    ("an hour a day", 6, "5 h"),
    ("free only pls, i have no money", 7, "Free only"),
    ("any", 8, "Any"),
    ("english", 9, "English"),
    ("New York City", 10, "New York"),
    ("mondays", 11, "Monday"),
]
MARK_TIME = "5"  # inside the default quiet hours (22:00-07:00): ambiguous
MARK_TIME_CLEAR = "5pm"


async def mark(chat: Chat, check: Check) -> None:
    """A career change typed in English; number words, an ambiguous time, /settings, pace."""
    language = "en"
    await say(chat, check, "/start")
    confirm = await say(chat, check, MARK_GOAL)
    check.that(confirm.reads(position(2, language)), "the career change was not understood", confirm)
    teaching = next((label for label in confirm.buttons if "teach" in label.casefold()), None)
    check.that(teaching is not None, "no option names the teaching background", confirm)
    picked = await say(chat, check, MARK_PICK)
    if not picked.reads(position(3, language)):  # asked again: tap the option itself
        picked = await tap(chat, check, picked, "teach")
    level = await say(chat, check, MARK_LEVEL)
    if not level.reads(position(4, language)):  # asked again, as it may: say it plainly
        await answer(chat, check, "intermediate", 4, "Intermediate")
    for text, next_question, fallback in MARK_ONBOARDING:
        await answer(chat, check, text, next_question, fallback)

    time_question = await say(chat, check, MARK_TIME)
    check.that(
        all(word in time_question.flat.casefold() for word in ("5", "morning", "afternoon")),
        "“5” (inside quiet hours) did not ask “5 in the morning or 5 in the afternoon?”",
        time_question,
    )
    plan = time_question
    if not plan.reads(t("onboarding.done", language)):
        plan = await say(chat, check, MARK_TIME_CLEAR)
    check.that(plan.reads("7 h a week"), "“an hour a day” is not 7 h a week in the plan", plan)

    settings = await say(chat, check, "/settings")
    expected = {
        "level": t("level.intermediate", language),
        "hours": "7",
        "budget": t("money.free", language),
        "course_languages": t("choice.english", language),
        "timezone": t("zone.America_New_York", language),
        "checkin_day": t("weekday.0", language),
        "checkin_time": "17:00",
    }
    for key, value in expected.items():
        line = settings_value(settings, key, language)
        check.that(
            value.casefold() in line.casefold(),
            f"/settings does not show {t(f'settings.option.{key}', language)} = {value} (line: {line!r};"
            f" “{MARK_LEVEL}” is Intermediate, “{MARK_TIME}” then “{MARK_TIME_CLEAR}” is 17:00)",
            settings,
        )

    plan = await say(chat, check, "/plan")
    less = await tap(chat, check, plan, t("plan.action.less", language))
    check.that(not less.reads(t("plan.hours_changed", language, hours=7)), "“Too much” kept 7 h", less)
    more = await tap(chat, check, less, t("plan.action.more", language))
    check.that(
        more.reads(t("plan.hours_changed", language, hours=7)),
        "“Too much” then “Too little” did not come back to 7 h a week",
        more,
    )


# -- C. Dewi: Indonesian career changer who taps buttons and gets stuck ------------------------

DEWI_BUTTONS = ["Pemula", "Selesai", "5 jam", "Gratis saja", "Apa saja", "Keduanya", "Jakarta", "Senin"]
DEWI_STUCK = "macet, susah banget"


async def dewi(chat: Chat, check: Check) -> None:
    """Onboards by buttons, is stuck on a course, swaps it, re-plans: the swap lasts."""
    language = "id"
    said = await say(chat, check, "/start")
    said = await tap(chat, check, said, "Analis data")  # a popular goal: no “did I get that right?”
    if not check.that(
        said.reads(t("ask.level", language)) and not said.reads(t("ask.confirm_goal_one", language)),
        "the goal button was followed by a re-confirmation instead of the level question",
        said,
    ):
        said = await tap(chat, check, said, "Analis data")
    for label in DEWI_BUTTONS:
        said = await tap(chat, check, said, label)
    said = await tap(chat, check, said, "19:00")
    check.that(said.reads(t("plan.title", language, goal="Analis data")), "no plan after onboarding", said)

    checkin = await say(chat, check, "/checkin")
    stuck_on = first_item_title(checkin, language)
    said = await say(chat, check, DEWI_STUCK)
    if not check.that(
        not said.reads(t("hint.checkin_answer", language, answer=DEWI_STUCK)),
        f"“{DEWI_STUCK}” was not understood as stuck",
        said,
    ):
        said = await tap(chat, check, said, t("checkin.answer.stuck", language))
    for _ in range(5):  # alternatives may wait until the other courses are answered
        if not asks_about_item(said, language):
            break
        said = await tap(chat, check, said, "25%")
    courses = [label for label in said.buttons if re.search(r"\d\s*(jam|h)\b", label)]
    check.that(bool(courses), f"being stuck on “{stuck_on}” offered no alternatives", said)
    check.that(
        not any(re.search(r"\d\s*h\b", label) for label in said.buttons),
        "alternatives say “h”, not “jam”",
        said,
    )
    check.that(  # course buttons read “Title (Provider, 4 jam)”; “keep it” names no course
        any("(" not in label for label in said.buttons), "no “keep it” option beside the alternatives", said
    )
    if not courses:
        return
    swapped_in = courses[0].split(" (")[0].split(" · ")[0]
    said = await tap(chat, check, said, courses[0])

    plan = await say(chat, check, "/plan")
    said = await tap(chat, check, plan, t("plan.action.regenerate", language))
    replan = said.button("rencana")  # “… rencana” (the plan), beside restarting the questions
    if not check.that(
        len(said.buttons) >= 2 and replan is not None,
        "“Start over” does not offer both restarting the questions and re-planning",
        said,
    ):
        return
    assert replan is not None
    await tap(chat, check, said, replan)
    replanned = planned_titles(await say(chat, check, "/plan"))
    check.that(
        not any(f". {stuck_on} (" in line for line in replanned),
        f"the re-plan brought back “{stuck_on}”",
        None,
    )
    check.that(
        any(swapped_in in line for line in replanned), f"the re-plan dropped the swap to “{swapped_in}”", None
    )


# -- D. Alex: English learner with badges ------------------------------------------------------

ALEX_FINISHED = "I finished Google Data Analytics"
ALEX_FOREIGN = "hola, quiero aprender"
BADGE_NAME = "Teamwork"
BADGE_ISSUER = "Example Corp"
UNREACHABLE_LINK = "https://credly.invalid/badges/4f1c2a9e-unreachable"


@dataclass
class AlexBadges:
    """The badges Alex brings: a pasted JSON, a second badge's link, a link nobody answers."""

    pasted_json: str
    second_link: str
    unreachable_link: str = UNREACHABLE_LINK


def pretty(document: dict[str, object]) -> str:
    """A badge JSON as people paste it: many lines."""
    return json.dumps(document, indent=2)


async def alex(chat: Chat, check: Check, badges: AlexBadges) -> None:
    """Badges: “I finished …” anywhere, a badge that is not the course's, a dead link, the tip."""
    language = "en"
    everything: list[Said] = []

    async def alex_says(text: str) -> Said:
        said = await say(chat, check, text)
        everything.append(said)
        return said

    await alex_says("/start")
    for text in ENGLISH_TYPED_ONBOARDING:
        plan = await alex_says(text)
    check.that(plan.reads(t("onboarding.done", language)), "no plan after the typed onboarding", plan)

    offered = await alex_says(ALEX_FINISHED)
    check.that(
        bool(offered.buttons) and "google data analytics" in offered.buttons[0].casefold(),
        f"“{ALEX_FINISHED}” outside a question did not offer the matching course first",
        offered,
    )
    if offered.buttons:
        everything.append(await tap(chat, check, offered, offered.buttons[0]))

    checkin = await alex_says("/checkin")
    asked_course = first_item_title(checkin, language)
    badge_ask = await alex_says("done")
    check.that(
        badge_ask.reads(t("checkin.badge_ask", language)), "“done” did not ask for the badge", badge_ask
    )
    pasted = await alex_says(badges.pasted_json)
    check.that(pasted.reads(f"“{BADGE_NAME}”"), "the pasted badge JSON was not read as one badge", pasted)
    credited = t("badges.credited", language, course=asked_course, skills="\0").split("\0")[0]
    check.that(
        not pasted.reads(credited),
        f"a “{BADGE_NAME}” badge from {BADGE_ISSUER} was credited to “{asked_course}”",
        pasted,
    )
    check.that(
        pasted.reads(f"“{asked_course}”") and bool(pasted.buttons),
        f"Alex was not asked whether “{BADGE_NAME}” is for “{asked_course}”",
        pasted,
    )
    await alex_says("/cancel")

    listed = await alex_says("/badges")
    check.that(listed.reads(BADGE_NAME), "/badges does not list the pasted badge", listed)
    entries = [line for line in listed.text.splitlines() if re.match(rf"\d+\. .*{BADGE_NAME}", line)]
    check.that(len(entries) == 1, "one pasted badge became several records", listed)

    add = await tap(chat, check, listed, t("badges.action.add", language))
    everything.append(add)
    dead = await alex_says(badges.unreachable_link)
    check.that(dead.reads("couldn't reach"), "an unreachable link is not explained in plain words", dead)
    check.that(not dead.reads("could not be resolved"), "the reply speaks of name resolution", dead)

    listed = await alex_says("/badges")
    add = await tap(chat, check, listed, t("badges.action.add", language))
    everything.append(add)
    second = await alex_says(badges.second_link)

    foreign = await alex_says(ALEX_FOREIGN)
    check.that(
        foreign.reads(t("language.name.en", language)) and foreign.reads("Indonesia"),
        f"“{ALEX_FOREIGN}” got no hint that English and Indonesian are understood",
        foreign,
    )

    texts = [said.text for said in everything]
    unnamed = t("badges.unnamed", language)
    check.that(count(texts, unnamed) == 0, f"“{unnamed}” appeared", None)
    tips = count([pasted.text, dead.text, second.text], t("badges.email_tip", language))
    check.that(tips == 1, f"the email tip appeared {tips} times across two badges (once is right)", None)

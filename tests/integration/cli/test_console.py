"""The terminal channel as a learner at a shell sees it: pastes, links, logs, check-ins, /pause, /help."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.cli import chat as cli_chat
from bot.console import PASTE_MAX_LINES, TTY_LINE_MAX, WIDTH, ConsoleChat, fill, read_paste, tty_reader
from core.catalog import Catalog
from core.dialogue.engine import Dialogue
from core.logging_setup import configure_logging
from core.messages import Button, Identity, Inbound, InboundKind, Reply
from core.storage.db import Database
from core.storage.models import CheckIn, OutboundMessage, PlanItem, ReminderSchedule
from tests.integration.test_reminders import DECEMBER_MONDAY, FIRST_DUE, ONBOARDED, Clock
from tests.scripts import ENGLISH_TYPED_ONBOARDING

BADGE_PASTE = [
    "{",
    '  "@context": "https://w3id.org/openbadges/v2",',
    '  "type": "Assertion",',
    '  "badge": {"name": "Intro to SQL {advanced}", "note": "a \\"quoted} brace\\" inside"},',
    '  "tags": ["a", "b]"],',
    '  "recipient": {"identity": "learner@example.com"}',
    "}",
]
IDENTITY = Identity(local_key="console:tester", language_code="en")


def reader(lines: list[str]) -> Callable[[str], str]:
    """``input`` replaced: the given lines, then end of input."""
    remaining = iter(lines)

    def read(_prompt: str) -> str:
        try:
            return next(remaining)
        except StopIteration:
            raise EOFError from None

    return read


# -- pastes ----------------------------------------------------------------------------------


def test_a_pasted_badge_json_is_one_message_braces_in_strings_ignored() -> None:
    rest = iter([*BADGE_PASTE[1:], "next answer"])
    [message] = read_paste(BADGE_PASTE[0], lambda: next(rest))
    assert json.loads(message)["badge"]["name"] == "Intro to SQL {advanced}"
    assert next(rest) == "next answer"  # the line after the paste is a message of its own


def test_a_blank_line_inside_a_pasted_json_keeps_it_one_message() -> None:
    rest = iter([*BADGE_PASTE[1:3], "", *BADGE_PASTE[3:], "after"])
    [message] = read_paste(BADGE_PASTE[0], lambda: next(rest))
    assert json.loads(message)["recipient"]["identity"] == "learner@example.com"
    assert next(rest) == "after"


def test_a_paste_ends_at_a_command_or_the_end_of_input() -> None:
    rest = iter(['  "broken": [1, 2', "/help", "after"])
    assert read_paste("{", lambda: next(rest)) == ['{\n  "broken": [1, 2', "/help"]
    assert next(rest) == "after"
    assert read_paste('[{"a": 1,', lambda: reader([])("")) == ['[{"a": 1,']


def test_a_runaway_paste_stops_at_its_cap() -> None:
    lines = iter(['"x",'] * 5000)
    [message] = read_paste("[", lambda: next(lines))
    assert message.count("\n") == PASTE_MAX_LINES - 1
    assert next(lines) == '"x",'  # the rest is read as messages of their own


def test_a_jws_broken_over_lines_is_joined_until_the_blank_line() -> None:
    rest = iter(["eyJzdWIiOiJsZWFybmVyIn0", ".c2lnbmF0dXJl", "", "after"])
    assert read_paste("eyJhbGciOiJFUzI1NiJ9.", lambda: next(rest)) == [
        "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJsZWFybmVyIn0.c2lnbmF0dXJl"
    ]
    assert next(rest) == "after"


@pytest.mark.parametrize(
    "line",
    ["5", "I want to become a data analyst", "[5 hours]", "{}", "eyJ.a.b", "[$10", "{my goal", "[5 hours"],
)
def test_one_line_answers_are_read_as_they_are(line: str) -> None:
    def more() -> str:
        raise AssertionError("a whole line must not wait for more")

    assert read_paste(line, more) == [line]


def test_a_bracket_typed_as_an_answer_never_swallows_the_next_lines() -> None:
    dialogue = Recording()
    chat = ConsoleChat(dialogue, IDENTITY, read=reader(["[$10", "/help"]), write=lambda _: None)  # type: ignore[arg-type]
    chat.run()
    assert [(m.kind, m.text) for m in dialogue.inbound[1:]] == [
        (InboundKind.TEXT, "[$10"),
        (InboundKind.COMMAND, ""),
    ]
    assert dialogue.inbound[2].command == "help"


class Recording:
    """A dialogue that notes what it was sent (what the channel turned the typing into)."""

    def __init__(self) -> None:
        self.inbound: list[Inbound] = []

    def handle(self, _identity: Identity, inbound: Inbound) -> list[Reply]:
        self.inbound.append(inbound)
        return [Reply("ok")]

    def due_for(self, _identity: Identity) -> list[Reply]:
        return []

    def resume(self, _identity: Identity) -> Reply | None:
        return None


def test_the_chat_sends_a_multi_line_paste_as_one_text() -> None:
    dialogue = Recording()
    chat = ConsoleChat(dialogue, IDENTITY, read=reader([*BADGE_PASTE, "5"]), write=lambda _: None)  # type: ignore[arg-type]
    chat.run()
    start, paste, answer = dialogue.inbound
    assert start.command == "start"
    assert paste.kind is InboundKind.TEXT and json.loads(paste.text)["type"] == "Assertion"
    assert answer.text == "5"


# -- wrapping --------------------------------------------------------------------------------

LONG_URL = "https://www.credly.com/badges/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/public_url?share=copy-link-now"


def test_a_link_is_never_broken_and_a_long_one_gets_its_own_line() -> None:
    assert len(LONG_URL) > WIDTH
    text = f"Your badge from the course on data-driven decision-making is at {LONG_URL} for everyone"
    lines = fill(text).splitlines()
    assert LONG_URL in lines
    short = "https://learn.example.org/courses/intro-to-sql-for-data-analysts-2026"
    for start in range(0, 40, 7):  # wherever the line would break, the link stays whole
        assert any(short in line for line in fill("word " * start + short + " end").splitlines())


def test_the_chat_prints_links_whole() -> None:
    printed: list[str] = []
    chat = ConsoleChat(Recording(), IDENTITY, read=reader([]), write=printed.append)  # type: ignore[arg-type]
    chat.show(Reply(f"Start here: {LONG_URL}"))
    assert LONG_URL in "\n".join(printed).splitlines()


# -- logs ------------------------------------------------------------------------------------


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """The process's logging as it was before the test configured its own."""
    loggers = [logging.getLogger(name) for name in ("", "httpx", "alembic", "apscheduler")]
    saved = [(logger, logger.handlers[:], logger.level) for logger in loggers]
    yield
    for logger, handlers, level in saved:
        logger.handlers[:] = handlers
        logger.setLevel(level)


@pytest.mark.usefixtures("restored_logging")
def test_chat_logging_writes_a_file_and_only_warnings_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log_file = tmp_path / "logs" / "skillstack.log"
    configure_logging("INFO", secrets=["123:SECRET"], log_file=log_file)
    logging.getLogger("alembic").warning("shown")  # not hidden by the quieting of chatty loggers
    logging.getLogger("core.test").info("fetched https://api/bot123:SECRET/getMe")
    logging.getLogger("core.test").warning("a warning with 123:SECRET")
    try:
        raise ValueError("deep inside")
    except ValueError:
        logging.getLogger("core.badges").exception("verification failed")
    stderr = capsys.readouterr().err.splitlines()
    assert stderr == [
        f"WARNING alembic: shown (details in {log_file})",
        f"WARNING core.test: a warning with [REDACTED] (details in {log_file})",
        f"ERROR core.badges: verification failed (details in {log_file})",  # the traceback: in the file
    ]
    written = log_file.read_text()
    assert "INFO core.test: fetched https://api/bot[REDACTED]/getMe" in written
    assert "ValueError: deep inside" in written and "SECRET" not in written


# -- check-ins, /pause, /help (a real dialogue) ----------------------------------------------


def open_chat(dialogue: Dialogue, lines: list[str]) -> str:
    """Open the terminal chat, type ``lines``, end input: everything printed."""
    printed: list[str] = []
    ConsoleChat(dialogue, IDENTITY, read=reader(lines), write=printed.append).run()
    return "\n".join(printed)


def set_due(database: Database, when: dt.datetime) -> None:
    with database.unit_of_work() as session:
        schedule = session.exec(select(ReminderSchedule)).one()
        schedule.next_due_at = when


def next_due(database: Database) -> dt.datetime | None:
    with database.unit_of_work() as session:
        return session.exec(select(ReminderSchedule)).one().next_due_at


@pytest.fixture
def clock() -> Clock:
    return Clock(ONBOARDED)


@pytest.fixture
def onboarded(database: Database, catalog: Catalog, clock: Clock) -> Dialogue:
    """A dialogue on ``clock``, and the terminal's learner onboarded through the chat."""
    dialogue = Dialogue(database, catalog, clock=clock)
    assert "Your plan: Data analyst" in open_chat(dialogue, ENGLISH_TYPED_ONBOARDING)
    assert next_due(database) == FIRST_DUE  # the terminal's learner has a schedule like anyone
    return dialogue


def test_a_due_check_in_shows_when_the_chat_opens_once(
    onboarded: Dialogue, database: Database, clock: Clock
) -> None:
    assert "How far along" not in open_chat(onboarded, [])  # not due yet
    set_due(database, DECEMBER_MONDAY)
    clock.now = DECEMBER_MONDAY + dt.timedelta(hours=5)  # the chat opened late in the evening
    shown = open_chat(onboarded, [])
    assert "How far along" in shown and "Welcome back" not in shown
    assert "Tomorrow" in shown  # snoozing means something now: it comes back at the next open
    assert next_due(database) == DECEMBER_MONDAY + dt.timedelta(days=7)
    again = open_chat(onboarded, [])  # opened again before answering: the same question, not a new one
    assert "How far along" in again and "continue where we left off" in again
    assert "/progress" not in again  # the question, not the welcome with its list of commands
    assert next_due(database) == DECEMBER_MONDAY + dt.timedelta(days=7)
    with database.unit_of_work() as session:
        assert len(session.exec(select(CheckIn)).all()) == 1


def test_an_answer_to_a_check_in_left_open_counts_after_reopening(
    onboarded: Dialogue, database: Database, clock: Clock
) -> None:
    set_due(database, DECEMBER_MONDAY)
    clock.now = DECEMBER_MONDAY + dt.timedelta(hours=1)
    open_chat(onboarded, [])
    reopened = open_chat(onboarded, ["50%"])
    assert "not sure what to do" not in reopened
    with database.unit_of_work() as session:
        item = session.exec(select(PlanItem).where(PlanItem.progress_percent == 50)).first()
    assert item is not None  # stored: the check-in question was still open


def test_a_second_pause_or_resume_says_it_already_is(onboarded: Dialogue) -> None:
    paused_twice = open_chat(onboarded, ["/pause", "/pause"])
    assert "Reminders are paused" in paused_twice and "already paused" in paused_twice
    resumed_twice = open_chat(onboarded, ["/resume", "/resume"])
    assert "back on" in resumed_twice and "already on" in resumed_twice


def test_a_check_in_due_while_the_chat_is_open_shows_before_the_next_prompt(
    onboarded: Dialogue, database: Database, clock: Clock
) -> None:
    set_due(database, DECEMBER_MONDAY)
    clock.now = DECEMBER_MONDAY - dt.timedelta(minutes=1)
    typed = iter(["/progress", "50%"])
    printed: list[str] = []

    def read(_prompt: str) -> str:
        line = next(typed, None)
        if line is None:
            raise EOFError
        clock.now += dt.timedelta(minutes=1)  # the learner takes a minute to type
        return line

    ConsoleChat(onboarded, IDENTITY, read=read, write=printed.append).run()
    transcript = "\n".join(printed)
    assert transcript.index("Courses finished") < transcript.index("How far along")


def test_the_tick_leaves_the_terminal_learner_to_the_terminal(
    onboarded: Dialogue, database: Database, clock: Clock
) -> None:
    set_due(database, DECEMBER_MONDAY)
    assert onboarded.remind(DECEMBER_MONDAY).sent == 0
    with database.unit_of_work() as session:
        assert session.exec(select(OutboundMessage)).all() == []
    assert next_due(database) == DECEMBER_MONDAY  # still due, for the next time the chat opens


def test_pause_and_resume_tell_the_truth_in_the_terminal(
    onboarded: Dialogue, database: Database, clock: Clock
) -> None:
    assert "Reminders are paused" in open_chat(onboarded, ["/pause"])
    clock.now = DECEMBER_MONDAY
    assert "How far along" not in open_chat(onboarded, [])
    assert "Reminders are back on" in open_chat(onboarded, ["/resume"])
    assert next_due(database) == DECEMBER_MONDAY + dt.timedelta(days=7)
    set_due(database, DECEMBER_MONDAY)
    assert "How far along" in open_chat(onboarded, [])


def test_help_in_the_terminal_lists_quit(database: Database, catalog: Catalog) -> None:
    dialogue = Dialogue(database, catalog)
    assert "/quit – leave the terminal chat" in open_chat(dialogue, ["/help"])
    telegram = dialogue.handle(Identity(telegram_id=5), Inbound.from_text("/help"))
    assert "/quit" not in telegram[0].text


def test_a_wrapped_plan_line_hangs_under_its_item_text() -> None:
    item = "  2. Excel Basics for Data Analysis (IBM) · part 1 of 2, 2.9 h · learn free · " + "more " * 4
    first, second = fill(item).splitlines()
    assert first.startswith("  2. Excel")
    assert second.startswith("     ") and not second.startswith("      ")  # under "Excel", not under "2."
    bullet = "• " + "word " * 30
    assert all(line.startswith("  ") for line in fill(bullet).splitlines()[1:])


def test_an_idle_terminal_prompt_shows_a_check_in_that_comes_due(
    onboarded: Dialogue, database: Database, clock: Clock
) -> None:
    set_due(database, DECEMBER_MONDAY)
    clock.now = DECEMBER_MONDAY - dt.timedelta(minutes=1)  # not due when the chat opens
    reading, writing = os.pipe()
    keyboard, screen = os.fdopen(reading), io.StringIO()
    printed: list[str] = []
    chat = ConsoleChat(onboarded, IDENTITY, write=printed.append)
    idle_checks = 0

    def on_idle() -> bool:
        nonlocal idle_checks
        idle_checks += 1
        if idle_checks == 2:
            clock.now = DECEMBER_MONDAY + dt.timedelta(minutes=1)  # the check-in comes due
        if idle_checks == 3:
            os.write(writing, b"50%\n")  # only after it showed does the learner type
            os.close(writing)
        return chat.show_due(interrupting=True)

    chat.read = tty_reader(on_idle, every=0.01, stream=keyboard, out=screen)
    chat.run()
    transcript = "\n".join(printed)
    assert "Welcome back" in transcript.split("How far along")[0]  # opened with nothing due
    assert transcript.count("How far along") == 2  # the check-in came by itself; "50%" answered it
    assert screen.getvalue().count("> ") == 3  # the first prompt, again below the check-in, after 50%


def test_a_number_after_a_plain_answer_is_text_not_an_old_button(
    onboarded: Dialogue, database: Database
) -> None:
    printed: list[str] = []
    chat = ConsoleChat(onboarded, IDENTITY, read=reader(["/plan", "/language en", "1"]), write=printed.append)
    chat.run()
    assert "expired" not in "\n".join(printed)


def test_choices_with_numbers_in_them_are_lettered_and_a_line_each_when_long() -> None:
    printed: list[str] = []
    chat = ConsoleChat(None, IDENTITY, write=printed.append)  # type: ignore[arg-type]  (only shows)
    short = (Button("5 h", "1.0"), Button("10 h", "1.1"))
    chat.show(Reply("How many?", (short,)))
    assert printed[1] == "  a. 5 h   b. 10 h"
    assert chat.to_inbound("b").payload == "1.1" and chat.to_inbound("5").text == "5"  # "5" is 5 hours
    long = tuple(Button(f"Certificate number {n} with a long name (Provider)", f"2.{n}") for n in range(3))
    chat.show(Reply("Which?", (long,)))
    assert printed[-2] == "\n".join(f"  {key}. {b.label}" for key, b in zip("abc", long, strict=True))


# -- the chat never dies on one message ----------------------------------------------------


class Failing(Recording):
    """A dialogue whose database is away: every message and every look for a check-in fails."""

    def handle(self, identity: Identity, inbound: Inbound) -> list[Reply]:
        super().handle(identity, inbound)
        raise RuntimeError("database away")

    def due_for(self, _identity: Identity) -> list[Reply]:
        raise RuntimeError("database away")


@pytest.mark.usefixtures("restored_logging")
def test_a_failing_message_is_answered_with_an_apology_and_the_chat_goes_on(tmp_path: Path) -> None:
    configure_logging("INFO", log_file=tmp_path / "chat.log")
    dialogue, printed = Failing(), []
    indonesian = Identity(local_key="console:tester", language_code="id")
    ConsoleChat(dialogue, indonesian, read=reader(["halo", "/help"]), write=printed.append).run()  # type: ignore[arg-type]
    assert [m.text or m.command for m in dialogue.inbound] == ["start", "halo", "help"]  # all three sent
    assert "\n".join(printed).count("Maaf, ada yang salah") == 3
    assert "RuntimeError: database away" in (tmp_path / "chat.log").read_text()


@pytest.mark.usefixtures("restored_logging")
def test_an_idle_check_that_fails_is_logged_and_the_prompt_waits_on(tmp_path: Path) -> None:
    configure_logging("INFO", log_file=tmp_path / "chat.log")
    reading, writing = os.pipe()
    checks = 0

    def on_idle() -> bool:
        nonlocal checks
        checks += 1
        if checks == 2:
            os.write(writing, b"50%\n")
        raise RuntimeError("due_for failed")

    read = tty_reader(on_idle, every=0.01, stream=os.fdopen(reading), out=io.StringIO())
    assert read("> ") == "50%"
    assert "due_for failed" in (tmp_path / "chat.log").read_text()


def test_a_paste_continuation_never_waits_for_a_check_in() -> None:
    reading, writing = os.pipe()
    os.write(writing, b"}\n")

    def on_idle() -> bool:
        raise AssertionError("nothing may print inside a paste")

    assert tty_reader(on_idle, every=0.0, stream=os.fdopen(reading), out=io.StringIO())("") == "}"


def test_a_line_the_terminal_cut_is_not_sent_and_the_learner_hears_why() -> None:
    reading, writing = os.pipe()
    os.write(writing, b"eyJ" + b"a" * (TTY_LINE_MAX - 3) + b"\n5\n")
    os.close(writing)
    dialogue, printed = Recording(), []
    chat = ConsoleChat(dialogue, IDENTITY, write=printed.append)  # type: ignore[arg-type]
    chat.read = tty_reader(lambda: False, stream=os.fdopen(reading), out=io.StringIO())
    chat.run()
    assert [m.text or m.command for m in dialogue.inbound] == ["start", "5"]
    assert "too long for the terminal" in "\n".join(printed)


def test_help_lists_quit_in_the_learners_language(database: Database, catalog: Catalog) -> None:
    dialogue = Dialogue(database, catalog)
    indonesian = Identity(local_key="console:budi", language_code="id")
    printed: list[str] = []
    ConsoleChat(dialogue, indonesian, read=reader(["/help"]), write=printed.append).run()
    assert "/quit – keluar dari obrolan terminal" in "\n".join(printed)


@pytest.mark.usefixtures("restored_logging")
@pytest.mark.usefixtures("restored_logging")
def test_nothing_logged_while_the_chat_starts_reaches_the_chat(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("SKILLSTACK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SKILLSTACK_LOG_LEVEL", "INFO")

    def migrating(_settings: object) -> None:  # what start-up logs (migrations, the catalog)
        logging.getLogger("core.catalog").info("migrating to 0006")
        raise SystemExit(0)

    monkeypatch.setattr(cli_chat, "_migrated", migrating)
    with pytest.raises(SystemExit):
        cli_chat.chat(argparse.Namespace())
    assert capsys.readouterr().err == ""
    assert "migrating to 0006" in (tmp_path / "logs" / "skillstack.log").read_text()

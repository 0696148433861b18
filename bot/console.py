"""The terminal channel: the same conversation as on Telegram, in a shell.

Buttons become choices you pick by typing their number (or their label); anything else is sent
as a typed answer, exactly as on Telegram.  When a question's choices themselves contain
numbers (hours, prices, "75%"), a bare number is an answer ("5" means five hours, "50" at a
check-in 50%), so such choices are lettered instead.  State lives in the same database as the bot,
under one local learner per operating-system user.

Files work both ways: typing (or dragging in) the path of a badge image or badge file sends that
file, as attaching it would on Telegram; a file the bot sends (the /export) is saved under
``save_dir`` and its path printed.  Pasting a badge's JSON (or a JWS split over lines) sends it as
one message, as pasting it into Telegram would: see :func:`read_paste`.

Reminders come here too: a check-in that fell due while the chat was closed (or comes due while it
is open) is shown before the next prompt, and marked so it is shown once; a question left open
when the chat closed is asked again when it opens.
"""

from __future__ import annotations

import getpass
import logging
import mimetypes
import re
import select
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from core.badges.inputs.evidence import MAX_FILE_BYTES
from core.dialogue.commands import command_list
from core.dialogue.engine import Dialogue
from core.i18n import LANGUAGES, t
from core.messages import Attachment, Button, Identity, Inbound, InboundKind, Reply

log = logging.getLogger(__name__)

WIDTH = 88
SENDABLE_SUFFIXES = frozenset({".png", ".svg", ".json", ".jws", ".jwt", ".txt"})
LIST_ITEM = re.compile(r"\s*(?:✓ \d+\.|\d+\.|[•✓-])\s+")
IDLE_CHECK_SECONDS = 30.0  # how often an idle terminal chat looks for a check-in come due
QUIT_WORDS = frozenset({"/quit", "/exit", "quit", "exit"})
PROMPT = "> "
_OPENERS, _CLOSERS = "{[", "}]"
_JWS_START = re.compile(r"eyJ[A-Za-z0-9_\-.]*")  # a JWS/JWT: base64url of '{"', segments joined by dots
_JSON_START = re.compile(r'[{\[]\s*(?:$|[{\["])')
PASTE_MAX_LINES = 2_000  # a badge is a few dozen lines; past this a "paste" is a runaway bracket
PASTE_MAX_CHARS = 256 * 1024
TTY_LINE_MAX = 4095  # a terminal in line mode keeps this many characters of a line and drops the rest
KEYS = "abcdefghijklmnopqrstuvwxyz"  # choices whose labels hold numbers are picked by letter


def json_depth(text: str) -> int:
    """How many JSON objects and arrays ``text`` leaves open (braces inside strings do not count)."""
    depth, in_string, escaped = 0, False, False  # escaped: the previous character was a backslash in a string
    for char in text:
        if escaped:
            escaped = False
        elif in_string:
            escaped, in_string = char == "\\", char != '"'
        elif char == '"':
            in_string = True
        elif char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth -= 1
    return depth


def _open_jws(text: str) -> bool:
    """A JWS/JWT not yet whole: it starts like one and has fewer than its three dot-joined parts."""
    return _JWS_START.fullmatch(text) is not None and text.count(".") < 2


def opens_json(text: str) -> bool:
    """``text`` (a stripped line) starts a JSON object or array that it leaves open: ``{`` or ``[``
    alone, or followed by what JSON puts there (``{"``, ``[{``, ``["``).  "[$10" or "{my goal"
    are answers typed with a bracket, never a paste."""
    return _JSON_START.match(text) is not None and json_depth(text) > 0


def read_paste(first: str, read_more: Callable[[], str]) -> list[str]:
    """The messages that start with the line ``first``: one, or a paste and the command that ended it.

    A terminal hands over a paste line by line, so a badge's pretty-printed JSON would arrive as
    a dozen messages.  A line that opens JSON (:func:`opens_json`) keeps reading, blank lines
    included, until its brackets balance; a JWS broken over lines, until a blank line.  Either
    ends at the end of input, at :data:`PASTE_MAX_LINES` lines or :data:`PASTE_MAX_CHARS`
    characters, or at a line starting with ``/``: nothing pasted starts so, so that is the learner
    typing a command, sent after the paste.  Every other line is a message on its own.
    """
    stripped = first.strip()
    if opens_json(stripped):
        lines = [first]
        while json_depth("\n".join(lines)) > 0 and (line := _next_line(read_more, lines)) is not None:
            if line.lstrip().startswith("/"):
                return ["\n".join(lines), line]
            lines.append(line)
        return ["\n".join(lines)]
    if _open_jws(stripped):
        parts = [stripped]
        while (line := _next_line(read_more, parts)) and line.strip():
            if line.lstrip().startswith("/"):
                return ["".join(parts), line]
            parts.append(line.strip())
        return ["".join(parts)]
    return [first]


def _next_line(read_more: Callable[[], str], so_far: list[str]) -> str | None:
    """The next line of a paste; None at the end of input or once the paste is as long as one may be."""
    if len(so_far) >= PASTE_MAX_LINES or sum(len(line) + 1 for line in so_far) >= PASTE_MAX_CHARS:
        return None
    try:
        return read_more()
    except EOFError:
        return None


def fill(line: str, width: int = WIDTH) -> str:
    """``line`` wrapped to ``width`` without ever breaking a link (a long one gets a line of its own).

    Wrapped lines hang under the line's text: under the words of a numbered item ("  1. ...") or a
    bullet ("• ..."), so the next number or bullet still stands out.
    """
    hanging = LIST_ITEM.match(line)
    indent = " " * (hanging.end() if hanging else len(line) - len(line.lstrip()))
    return textwrap.fill(
        line, width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
    )


class LineCut(Exception):
    """A line the terminal cut at :data:`TTY_LINE_MAX` characters (the rest never reached us)."""


def tty_reader(
    on_idle: Callable[[], bool],
    *,
    every: float = IDLE_CHECK_SECONDS,
    stream: TextIO | None = None,
    out: TextIO | None = None,
) -> Callable[[str], str]:
    """``input()`` for a terminal that keeps time: while the learner has typed nothing at a prompt,
    ``on_idle`` runs every ``every`` seconds (a check-in that came due appears without a keypress),
    and when it showed something the prompt is shown again.

    A terminal in line mode reports input only once Enter is pressed, so waiting never cuts into a
    line being typed.  A continuation line (``prompt`` empty: the learner is in the middle of a
    paste) never waits for ``on_idle``, so nothing prints inside a paste.  A failing ``on_idle``
    is logged and the prompt goes on waiting.  A line of exactly :data:`TTY_LINE_MAX` characters
    was cut by the terminal: :class:`LineCut`.
    """
    source, sink = stream or sys.stdin, out or sys.stdout

    def idle(prompt: str) -> None:
        try:
            shown = on_idle()
        except Exception:
            log.exception("looking for a due check-in failed; the chat goes on")
            return
        if shown:
            sink.write(prompt)
            sink.flush()

    def read(prompt: str) -> str:
        sink.write(prompt)
        sink.flush()
        while prompt and not select.select([source], [], [], every)[0]:
            idle(prompt)
        line = source.readline()
        if not line:
            raise EOFError
        line = line.removesuffix("\n")
        if len(line) == TTY_LINE_MAX:
            raise LineCut
        return line

    return read


def local_identity(language: str) -> Identity:
    return Identity(local_key=f"console:{getpass.getuser()}", language_code=language)


class ConsoleChat:
    """Reads lines, sends them to the dialogue, prints the replies."""

    def __init__(
        self,
        dialogue: Dialogue,
        identity: Identity,
        *,
        read: Callable[[str], str] = input,
        write: Callable[[str], None] = print,
        save_dir: Path | None = None,
    ) -> None:
        self.dialogue = dialogue
        self.identity = identity
        self.read = read
        self.write = write
        self.save_dir = save_dir or Path.cwd()
        self.buttons: list[Button] = []

    def _keys(self) -> str:
        """What picks the current choices: numbers, or letters when a label holds a number (hours,
        prices, "75%"), since a bare number typed there is an answer ("5" hours, "50" percent)."""
        holds_numbers = any(any(ch.isdigit() for ch in button.label) for button in self.buttons)
        if holds_numbers and len(self.buttons) <= len(KEYS):  # (more than 26: numbered, labels still work)
            return "letters"
        return "numbers"

    def _key(self, index: int) -> str:
        return KEYS[index] if self._keys() == "letters" else str(index + 1)

    def to_inbound(self, line: str) -> Inbound:
        stripped = line.strip()
        sent_file = self.file_inbound(stripped)
        if sent_file is not None:
            return sent_file
        if stripped.startswith("/"):
            return Inbound.from_text(stripped)
        for index, button in enumerate(self.buttons):
            if stripped.casefold() in (button.label.casefold().lstrip("✓ "), self._key(index)):
                return Inbound(InboundKind.CHOICE, payload=button.payload)
        return Inbound(InboundKind.TEXT, text=line)

    @staticmethod
    def file_inbound(text: str) -> Inbound | None:
        """A typed or dragged-in path of a badge file: the file, as if attached (None otherwise)."""
        path = Path(text.strip("'\"")).expanduser()
        if path.suffix.lower() not in SENDABLE_SUFFIXES or not path.is_file():
            return None
        if path.stat().st_size > MAX_FILE_BYTES:
            return Inbound(InboundKind.FILE)  # the dialogue explains the limit
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return Inbound(InboundKind.FILE, attachment=Attachment(path.name, path.read_bytes(), mime))

    def save(self, attachment: Attachment) -> Path:
        self.save_dir.mkdir(parents=True, exist_ok=True)
        target = self.save_dir / Path(attachment.filename).name  # never a path the bot chose
        target.write_bytes(attachment.content)
        return target

    def show(self, reply: Reply) -> None:
        for line in with_quit(reply.text).splitlines() or [""]:
            self.write(fill(line) if line.strip() else "")
        buttons = [button for row in reply.buttons for button in row]
        if buttons:
            self.buttons = buttons
            choices = [f"{self._key(index)}. {button.label}" for index, button in enumerate(buttons)]
            line = "  " + "   ".join(choices)  # letters: on one line while it fits (never wrapped
            fits = self._keys() == "letters" and len(line) <= WIDTH  # inside a label), else a line each
            self.write(line if fits else "\n".join(f"  {choice}" for choice in choices))
        if reply.attachment is not None:
            self.write(f"📎 {self.save(reply.attachment)}")
        self.write("")

    def send(self, inbound: Inbound) -> None:
        """Send one message and show the answer; only the answer's own buttons can be picked by
        number next (a number typed after a plain answer is text, never an older, expired button).

        The chat never ends over one message: a failure is logged (to the log file) and answered
        with the apology the Telegram channel sends."""
        try:
            replies = self.dialogue.handle(self.identity, inbound)
        except Exception:
            log.exception("a terminal message failed")
            replies = [Reply(t("error.apology", self.identity.language_code))]
        self.buttons = []
        for reply in replies:
            self.show(reply)

    def show_due(self, *, interrupting: bool = False) -> bool:
        """A reminder that has come due (a check-in), shown before the learner types again, or
        (``interrupting``) while the prompt waits: then on a line of its own, below the prompt.
        Looking for it failing (the database away) is logged, and the chat goes on without it."""
        try:
            replies = self.dialogue.due_for(self.identity)
        except Exception:
            log.exception("looking for a due check-in failed; the chat goes on")
            return False
        if replies and interrupting:
            self.write("")
        for reply in replies:
            self.buttons = []
            self.show(reply)
        return bool(replies)

    def read_messages(self) -> list[str]:
        """The next messages: a line, or a whole multi-line paste (:func:`read_paste`); a line the
        terminal cut short is none, and the learner hears how to send it whole."""
        try:
            return read_paste(self.read(PROMPT), lambda: self.read(""))
        except LineCut:
            self.write(t("help.terminal_long_line", self.identity.language_code, limit=TTY_LINE_MAX))
            self.write("")
            return []

    def open(self) -> None:
        """What the chat opens with: a check-in that is due; else the question left open last time
        (a check-in, a menu, the setup questions), so answering it still counts; else /start."""
        if self.show_due():
            return
        try:
            open_question = self.dialogue.resume(self.identity)
        except Exception:
            log.exception("re-asking the open question failed")
            open_question = None
        if open_question is None:
            self.send(Inbound.from_text("/start"))
        else:
            self.show(open_question)

    def run(self) -> None:
        """Chat until end of input or /quit; a due check-in shows up before each prompt."""
        self.open()
        while True:
            try:
                messages = self.read_messages()
            except (EOFError, KeyboardInterrupt):
                self.write("")
                return
            for message in messages:
                if message.strip().lower() in QUIT_WORDS:
                    return
                if message.strip():
                    self.send(self.to_inbound(message))
            self.show_due()


def with_quit(text: str) -> str:
    """``text`` with /quit listed under the commands wherever it lists them, in their language:
    leaving is the terminal's own command."""
    for language in LANGUAGES:
        commands = command_list(language)
        if commands in text:
            return text.replace(commands, f"{commands}\n{t('help.terminal_quit', language)}", 1)
    return text

"""The terminal channel: the same conversation as on Telegram, in a shell.

Buttons become choices you pick by typing their number (or their label); anything else is sent
as a typed answer, exactly as on Telegram.  When a question's choices themselves contain
numbers (hours, prices, times), a bare number is an answer ("5" means five hours), so such
choices are shown in brackets and picked by label.  State lives in the same database as the bot,
under one local learner per operating-system user.

Files work both ways: typing (or dragging in) the path of a badge image or badge file sends that
file, as attaching it would on Telegram; a file the bot sends (the /export) is saved under
``save_dir`` and its path printed.  Pasting a badge's JSON (or a JWS split over lines) sends it as
one message, as pasting it into Telegram would: see :func:`read_paste`.

Reminders come here too: a check-in that fell due while the chat was closed (or comes due while it
is open) is shown before the next prompt, and marked so it is shown once.
"""

from __future__ import annotations

import getpass
import mimetypes
import re
import select
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from core.badges.evidence import MAX_FILE_BYTES
from core.dialogue.engine import Dialogue
from core.dialogue.messages import Attachment, Button, Identity, Inbound, InboundKind, Reply

WIDTH = 88
SENDABLE_SUFFIXES = frozenset({".png", ".svg", ".json", ".jws", ".jwt", ".txt"})
LIST_ITEM = re.compile(r"\s*(?:✓ \d+\.|\d+\.|[•✓-])\s+")
IDLE_CHECK_SECONDS = 30.0  # how often an idle terminal chat looks for a check-in come due
QUIT_WORDS = frozenset({"/quit", "/exit", "quit", "exit"})
PROMPT = "> "
_OPENERS, _CLOSERS = "{[", "}]"
_JWS_START = re.compile(r"eyJ[A-Za-z0-9_\-.]*")  # a JWS/JWT: base64url of '{"', segments joined by dots


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


def read_paste(first: str, read_more: Callable[[], str]) -> str:
    """The whole message that starts with the line ``first``.

    A terminal hands over a paste line by line, so a badge's pretty-printed JSON would arrive as
    a dozen messages.  A line that opens a JSON object or array keeps reading until its brackets
    balance; a JWS broken over lines keeps reading until a blank line; either ends at a blank line
    or the end of input, as people stop a paste.  Every other line is a message on its own.
    """
    stripped = first.strip()
    if stripped[:1] in _OPENERS and json_depth(stripped) > 0:
        lines = [first]
        while json_depth("\n".join(lines)) > 0 and (line := _next_line(read_more)):
            lines.append(line)
        return "\n".join(lines)
    if _open_jws(stripped):
        parts = [stripped]
        while line := _next_line(read_more):
            parts.append(line.strip())
        return "".join(parts)
    return first


def _next_line(read_more: Callable[[], str]) -> str:
    """The next line of a paste; empty at a blank line or the end of input (the paste is over)."""
    try:
        line = read_more()
    except EOFError:
        return ""
    return line if line.strip() else ""


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


def tty_reader(
    on_idle: Callable[[], bool],
    *,
    every: float = IDLE_CHECK_SECONDS,
    stream: TextIO | None = None,
    out: TextIO | None = None,
) -> Callable[[str], str]:
    """``input()`` for a terminal that keeps time: while the learner has typed nothing, ``on_idle``
    runs every ``every`` seconds (a check-in that came due appears without a keypress), and when it
    showed something the prompt is shown again.

    A terminal in line mode reports input only once Enter is pressed, so waiting never cuts into a
    line being typed.
    """
    source, sink = stream or sys.stdin, out or sys.stdout

    def read(prompt: str) -> str:
        sink.write(prompt)
        sink.flush()
        while not select.select([source], [], [], every)[0]:
            if on_idle():
                sink.write(prompt)
                sink.flush()
        line = source.readline()
        if not line:
            raise EOFError
        return line.removesuffix("\n")

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

    def _numbered(self) -> bool:
        return not any(any(ch.isdigit() for ch in button.label) for button in self.buttons)

    def to_inbound(self, line: str) -> Inbound:
        stripped = line.strip()
        sent_file = self.file_inbound(stripped)
        if sent_file is not None:
            return sent_file
        if stripped.startswith("/"):
            return Inbound.from_text(stripped)
        for button in self.buttons:
            if button.label.casefold().lstrip("✓ ") == stripped.casefold():
                return Inbound(InboundKind.CHOICE, payload=button.payload)
        if self._numbered() and stripped.isdigit() and 1 <= int(stripped) <= len(self.buttons):
            return Inbound(InboundKind.CHOICE, payload=self.buttons[int(stripped) - 1].payload)
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
        for line in reply.text.splitlines() or [""]:
            self.write(fill(line) if line.strip() else "")
        buttons = [button for row in reply.buttons for button in row]
        if buttons:
            self.buttons = buttons
            if self._numbered():
                choices = [f"  {number}. {button.label}" for number, button in enumerate(buttons, start=1)]
                self.write("\n".join(choices))
            else:  # on one line while it fits, else one choice a line (never wrapped inside a label)
                labels = [f"[{button.label}]" for button in buttons]
                line = "  " + "  ".join(labels)
                self.write(line if len(line) <= WIDTH else "\n".join(f"  {label}" for label in labels))
        if reply.attachment is not None:
            self.write(f"📎 {self.save(reply.attachment)}")
        self.write("")

    def send(self, inbound: Inbound) -> None:
        """Send one message and show the answer; only the answer's own buttons can be picked by
        number next (a number typed after a plain answer is text, never an older, expired button)."""
        replies = self.dialogue.handle(self.identity, inbound)
        self.buttons = []
        for reply in replies:
            self.show(reply)

    def show_due(self, *, interrupting: bool = False) -> bool:
        """A reminder that has come due (a check-in), shown before the learner types again, or
        (``interrupting``) while the prompt waits: then on a line of its own, below the prompt."""
        replies = self.dialogue.checkins.due_for(self.identity)
        if replies and interrupting:
            self.write("")
        for reply in replies:
            self.buttons = []
            self.show(reply)
        return bool(replies)

    def read_message(self) -> str:
        """One message: a line, or a whole multi-line paste (:func:`read_paste`)."""
        return read_paste(self.read(PROMPT), lambda: self.read(""))

    def run(self) -> None:
        """Chat until end of input or /quit; a due check-in shows up before each prompt.

        The chat opens with what is due, or else with /start (which would also push a check-in
        missed while the chat was closed on to the next week).
        """
        if not self.show_due():
            self.send(Inbound.from_text("/start"))
        while True:
            try:
                line = self.read_message()
            except (EOFError, KeyboardInterrupt):
                self.write("")
                return
            if line.strip().lower() in QUIT_WORDS:
                return
            if line.strip():
                self.send(self.to_inbound(line))
            self.show_due()

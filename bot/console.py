"""The terminal channel: the same conversation as on Telegram, in a shell.

Buttons become choices you pick by typing their number (or their label); anything else is sent
as a typed answer, exactly as on Telegram.  When a question's choices themselves contain
numbers (hours, prices, times), a bare number is an answer ("5" means five hours), so such
choices are shown in brackets and picked by label.  State lives in the same database as the bot,
under one local learner per operating-system user.
"""

from __future__ import annotations

import getpass
import textwrap
from collections.abc import Callable

from core.dialogue.engine import Dialogue
from core.dialogue.messages import Button, Identity, Inbound, InboundKind, Reply

WIDTH = 88
QUIT_WORDS = frozenset({"/quit", "/exit", "quit", "exit"})


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
    ) -> None:
        self.dialogue = dialogue
        self.identity = identity
        self.read = read
        self.write = write
        self.buttons: list[Button] = []

    def _numbered(self) -> bool:
        return not any(any(ch.isdigit() for ch in button.label) for button in self.buttons)

    def to_inbound(self, line: str) -> Inbound:
        stripped = line.strip()
        if stripped.startswith("/"):
            return Inbound.from_text(stripped)
        for button in self.buttons:
            if button.label.casefold().lstrip("✓ ") == stripped.casefold():
                return Inbound(InboundKind.CHOICE, payload=button.payload)
        if self._numbered() and stripped.isdigit() and 1 <= int(stripped) <= len(self.buttons):
            return Inbound(InboundKind.CHOICE, payload=self.buttons[int(stripped) - 1].payload)
        return Inbound(InboundKind.TEXT, text=line)

    def show(self, reply: Reply) -> None:
        for line in reply.text.splitlines() or [""]:
            indent = " " * (len(line) - len(line.lstrip()))  # wrapped lines keep their line's indent
            self.write(textwrap.fill(line, WIDTH, subsequent_indent=indent) if line.strip() else "")
        buttons = [button for row in reply.buttons for button in row]
        if buttons:
            self.buttons = buttons
            if self._numbered():
                choices = [f"  {number}. {button.label}" for number, button in enumerate(buttons, start=1)]
                self.write("\n".join(choices))
            else:
                self.write("  " + "  ".join(f"[{button.label}]" for button in buttons))
        self.write("")

    def send(self, inbound: Inbound) -> None:
        replies = self.dialogue.handle(self.identity, inbound)
        if any(reply.buttons for reply in replies):
            self.buttons = []
        for reply in replies:
            self.show(reply)

    def run(self) -> None:
        """Chat until end of input or /quit."""
        self.send(Inbound.from_text("/start"))
        while True:
            try:
                line = self.read("> ")
            except (EOFError, KeyboardInterrupt):
                self.write("")
                return
            if line.strip().lower() in QUIT_WORDS:
                return
            if line.strip():
                self.send(self.to_inbound(line))

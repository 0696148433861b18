"""The terminal channel: the same conversation as on Telegram, in a shell.

Buttons become choices you pick by typing their number (or their label); anything else is sent
as a typed answer, exactly as on Telegram.  When a question's choices themselves contain
numbers (hours, prices, times), a bare number is an answer ("5" means five hours), so such
choices are shown in brackets and picked by label.  State lives in the same database as the bot,
under one local learner per operating-system user.

Files work both ways: typing (or dragging in) the path of a badge image or badge file sends that
file, as attaching it would on Telegram; a file the bot sends (the /export) is saved under
``save_dir`` and its path printed.
"""

from __future__ import annotations

import getpass
import mimetypes
import textwrap
from collections.abc import Callable
from pathlib import Path

from core.badges.evidence import MAX_FILE_BYTES
from core.dialogue.engine import Dialogue
from core.dialogue.messages import Attachment, Button, Identity, Inbound, InboundKind, Reply

WIDTH = 88
SENDABLE_SUFFIXES = frozenset({".png", ".svg", ".json", ".jws", ".jwt", ".txt"})
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
        if reply.attachment is not None:
            self.write(f"📎 {self.save(reply.attachment)}")
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

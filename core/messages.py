"""What channels hand to the dialogue and get back: no Telegram types, no terminal codes.

A channel turns its update into an :class:`Inbound`, calls the dialogue, and renders each
:class:`Reply` its own way (inline keyboards on Telegram, numbered choices in the terminal).
Button payloads are opaque short tokens issued by the dialogue; a channel passes them back
unchanged and never interprets them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class InboundKind(StrEnum):
    TEXT = "text"
    COMMAND = "command"
    CHOICE = "choice"
    LOCATION = "location"
    FILE = "file"  # a document or image the learner sent (a baked badge, say)
    UNSUPPORTED = "unsupported"  # a sticker, a voice note...: answered with a hint


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str


@dataclass(frozen=True)
class Inbound:
    kind: InboundKind
    text: str = ""  # TEXT: the message; COMMAND: the arguments after the command
    command: str = ""  # COMMAND: lower-case name without the slash ("start")
    payload: str = ""  # CHOICE: the button's payload as issued
    latitude: float | None = None
    longitude: float | None = None
    attachment: Attachment | None = None  # FILE: what was sent, already size-checked by the channel

    @classmethod
    def from_text(cls, text: str) -> Inbound:
        """A typed line: ``/name args`` is a command, anything else text."""
        stripped = text.strip()
        if stripped.startswith("/") and len(stripped) > 1:
            name, _, args = stripped[1:].partition(" ")
            return cls(InboundKind.COMMAND, text=args.strip(), command=name.split("@")[0].lower())
        return cls(InboundKind.TEXT, text=text)


@dataclass(frozen=True)
class Identity:
    """Who is talking: a Telegram user, or the local terminal user."""

    telegram_id: int | None = None
    local_key: str | None = None
    language_code: str | None = None  # Telegram's hint, used on first contact only


@dataclass(frozen=True)
class Button:
    label: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    location_button: str = ""  # label of a "share my location" button, where the channel can offer one
    attachment: Attachment | None = None

"""Core replies -> Telegram message parts: text split to Telegram's limits, inline keyboards.

Telegram refuses texts over 4096 characters and callback data over 64 bytes.  Long replies (a
12-month plan) are split at line boundaries, so no course line is cut in half, and the buttons go
on the last part.  Callback data is the dialogue's own short payload, checked for shape here
before it reaches the core (which then checks it was really issued).

Keyboards are the Bot API's JSON (``{"inline_keyboard": [[{"text", "callback_data"}]]}``), not
PTB's ``InlineKeyboardMarkup``: building those objects only to turn them back into dicts was about
a sixth of the event loop's CPU in a profile under load (:mod:`bot.telegram.outgoing` sends them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from core.messages import Reply

Markup = dict[str, Any]  # a Bot API reply_markup object, as JSON

MAX_TEXT = 4096
MAX_CALLBACK_BYTES = 64
MAX_BUTTON_LABEL = 64
PAYLOAD_SHAPE = re.compile(r"^\d{1,12}\.\d{1,4}$")


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """``text`` in parts of at most ``limit`` characters, cut at line ends where possible."""
    text = text if text.strip() else "…"
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # a single line longer than a message: cut it hard
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        parts.append(current)
    return parts or ["…"]


def keyboard(reply: Reply) -> Markup | None:
    """The reply's buttons as an inline keyboard (labels cut to Telegram's limit), or None."""
    if not reply.buttons:
        return None
    return {
        "inline_keyboard": [
            [{"text": button.label[:MAX_BUTTON_LABEL], "callback_data": button.payload} for button in row]
            for row in reply.buttons
        ]
    }


def valid_payload(data: str | None) -> bool:
    """Callback data we could have issued: short, and shaped like ``<version>.<index>``."""
    if not data:
        return False
    return len(data.encode()) <= MAX_CALLBACK_BYTES and PAYLOAD_SHAPE.match(data) is not None


@dataclass(frozen=True)
class OutgoingPart:
    text: str
    markup: Markup | None


def message_parts(reply: Reply) -> list[OutgoingPart]:
    """The messages that show ``reply``, keyboard on the last one."""
    texts = split_text(reply.text)
    markup = keyboard(reply)
    return [
        OutgoingPart(text, markup if index == len(texts) - 1 else None) for index, text in enumerate(texts)
    ]

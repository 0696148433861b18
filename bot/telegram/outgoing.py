"""Sending a text message: the Bot API's ``sendMessage`` through PTB's request layer, without objects.

PTB's ``Bot.send_message`` takes its keyboard as ``InlineKeyboardMarkup`` objects, turns them back
into dicts, and parses Telegram's answer into a ``Message`` with every nested object, an answer
nothing here reads.  In a CPU profile of the bot's event loop under the conversation benchmark,
those two steps were about a quarter of it.  Here the parameters are plain JSON (the keyboard as
:func:`bot.telegram.render.keyboard` builds it) and the answer is left as JSON.

The call still goes through ``bot.request`` (:class:`bot.telegram.request.AiohttpRequest`) and
PTB's answer handling, so a refusal raises the same errors as ``send_message`` does (``RetryAfter``
with its wait, ``Forbidden`` for a blocked bot, ``BadRequest``, ``TimedOut``, ``NetworkError``) and
callers retry and give up exactly as before.
"""

from __future__ import annotations

import json
from typing import Any

from telegram import Bot
from telegram._utils.types import UploadFileDict
from telegram.request import RequestData

from bot.telegram.render import Markup


class JsonParameters(RequestData):
    """Parameters given as JSON values, no files: what :meth:`BaseRequest.post` hands ``do_request``.

    PTB builds its ``RequestData`` from typed parameters; this one presents ready-made values
    through the same public properties, so any ``BaseRequest`` (ours, or PTB's httpx one) sends it.
    """

    def __init__(self, values: dict[str, Any]) -> None:
        super().__init__()  # no typed parameters: contains_files is False
        self._values = values

    @property
    def parameters(self) -> dict[str, Any]:
        return self._values

    @property
    def json_parameters(self) -> dict[str, str]:
        values = self._values.items()
        return {name: value if isinstance(value, str) else json.dumps(value) for name, value in values}

    @property
    def multipart_data(self) -> UploadFileDict:
        return {}


async def send_text(bot: Bot, chat_id: int, text: str, markup: Markup | None = None) -> None:
    """One ``sendMessage``; ``markup`` is a Bot API reply_markup object (inline or reply keyboard)."""
    values: dict[str, Any] = {"chat_id": chat_id, "text": text}
    if markup is not None:
        values["reply_markup"] = markup
    await bot.request.post(f"{bot.base_url}/sendMessage", JsonParameters(values))

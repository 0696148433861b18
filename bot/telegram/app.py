"""The Telegram channel: python-telegram-bot turns updates into dialogue calls and replies into messages.

One handler sees every update.  It works out who is talking and what they sent
(:func:`to_inbound`), runs the dialogue in a worker thread (the core is synchronous and talks to
the database), and sends the replies.  Updates from one user are handled in order (a lock per
user); different users run concurrently (PTB's concurrent updates).  Learner flows are for
private chats: in a group the bot answers only commands addressed to it, with a deep link to a
private chat.  A document the learner sends (a baked badge, a JSON credential) is downloaded
inside the learner's lock, so it is handled in order with their messages.  Any failure is
logged with the update id and answered with a short apology; the bot never sends a traceback and
never stops on one bad update.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import replace

from telegram import BotCommand, InputFile, Message, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.telegram.outgoing import send_text
from bot.telegram.proactive import Proactive
from bot.telegram.render import Markup, message_parts, valid_payload
from bot.telegram.request import AiohttpRequest
from bot.telegram.sender import retry_after_seconds
from bot.workers import DialogueRunner, build_dialogue, keep_startup_objects_out_of_gc, runner_for
from core.badges.inputs.evidence import MAX_FILE_BYTES  # a bigger file is answered without downloading it
from core.catalog import Catalog
from core.dialogue.commands import menu
from core.dialogue.engine import Dialogue
from core.dialogue.flows.badges import evidence_of
from core.i18n import LANGUAGES, normalize_language, t
from core.messages import Attachment, Identity, Inbound, InboundKind, Reply
from core.settings import Settings
from core.storage.db import Database

log = logging.getLogger(__name__)
CONCURRENT_UPDATES = 64
SEND_ATTEMPTS = 3
MAX_RETRY_WAIT = 30.0


def to_inbound(update: Update) -> Inbound | None:
    """What the user sent, channel-neutral; None for updates that need no answer."""
    if update.callback_query is not None:
        data = update.callback_query.data
        if not valid_payload(data):
            return Inbound(InboundKind.CHOICE, payload="")  # forged or malformed: the dialogue says "expired"
        return Inbound(InboundKind.CHOICE, payload=data or "")
    message = update.effective_message
    if message is None:
        return None
    if update.edited_message is not None or update.edited_channel_post is not None:
        return Inbound(InboundKind.UNSUPPORTED)
    if message.location is not None:
        return Inbound(
            InboundKind.LOCATION, latitude=message.location.latitude, longitude=message.location.longitude
        )
    if message.document is not None or message.photo:
        return Inbound(InboundKind.FILE)  # the channel adds the download: see read_attachment
    if message.text:
        return Inbound.from_text(message.text)
    return Inbound(InboundKind.UNSUPPORTED)


def _too_big(size: int | None) -> bool:
    return size is not None and size > MAX_FILE_BYTES


async def read_attachment(message: Message | None) -> Attachment | None:
    """The learner's document, downloaded; None when there is nothing usable to hand the dialogue.

    None for a photo (Telegram recompresses photos, which strips the metadata a baked badge lives
    in), for a file over :data:`MAX_FILE_BYTES`, and for a failed download: the dialogue answers
    all of these with a hint to send the badge as a file.  The size is checked before downloading
    where Telegram states it, and on the bytes after, because PTB reads a download whole with no
    limit of its own (Telegram's getFile caps it at 20 MB).
    """
    document = message.document if message is not None else None
    if document is None or _too_big(document.file_size):
        return None
    try:
        file = await document.get_file()
        if _too_big(file.file_size):
            return None
        content = bytes(await file.download_as_bytearray())
    except (TelegramError, RuntimeError) as exc:  # RuntimeError: Telegram gave no file_path
        log.warning("could not download a document: %s: %s", type(exc).__name__, exc)
        return None
    if _too_big(len(content)):
        return None
    return Attachment(document.file_name or "file", content, document.mime_type or "application/octet-stream")


class TelegramChannel:
    """Handlers and sending, around one :class:`Dialogue`."""

    def __init__(self, runner: DialogueRunner) -> None:
        self.runner = runner
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def start(self) -> None:
        """Before the first update: every dialogue worker up, and start-up's objects out of the GC."""
        await self.runner.start()
        keep_startup_objects_out_of_gc()

    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        chat = update.effective_chat
        if update.callback_query is not None:
            await self._answer_callback(update)
        if user is None or chat is None or user.is_bot:
            return
        inbound = to_inbound(update)
        if inbound is None:
            return
        if chat.type != ChatType.PRIVATE:
            await self._in_group(update, context, inbound)
            return
        lock = self._locks[user.id]
        async with lock:
            if inbound.kind is InboundKind.FILE:
                inbound = replace(inbound, attachment=await read_attachment(update.effective_message))
            # checking a badge can take seconds: "typing..." (any file is taken for a badge, unparsed here)
            if inbound.kind is InboundKind.FILE or evidence_of(inbound) is not None:
                await self._typing(context, chat.id)
            identity = Identity(telegram_id=user.id, language_code=user.language_code)
            replies = await self.runner.handle(identity, inbound)
            for reply in replies:
                await self.send(context, chat.id, reply)
        if not lock.locked():
            self._locks.pop(user.id, None)

    async def _typing(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
        try:
            await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError as exc:  # only a courtesy: the answer still comes
            log.info("chat action failed for chat %s: %s", chat_id, exc)

    async def _answer_callback(self, update: Update) -> None:
        try:
            await update.callback_query.answer()  # type: ignore[union-attr]
        except TelegramError as exc:  # an old query: nothing to stop spinning
            log.info("callback answer failed for update %s: %s", update.update_id, exc)

    async def _in_group(self, update: Update, context: ContextTypes.DEFAULT_TYPE, inbound: Inbound) -> None:
        """In groups: only commands addressed to this bot, answered with a link to a private chat."""
        message = update.effective_message
        username = context.bot.username
        text = message.text if message is not None and message.text else ""
        addressed = (
            inbound.kind is InboundKind.COMMAND and f"@{username}".lower() in text.split(" ")[0].lower()
        )
        if not addressed or update.effective_chat is None:
            return
        language = normalize_language(update.effective_user.language_code if update.effective_user else None)
        link = f"https://t.me/{username}?start=from_group"
        await context.bot.send_message(update.effective_chat.id, t("group.private_only", language, link=link))

    async def send(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply) -> None:
        for part in message_parts(reply):
            await self._send_message(context, chat_id, part.text, part.markup)
        if reply.location_button:  # a reply keyboard cannot share a message with inline buttons
            keyboard = {
                "keyboard": [[{"text": reply.location_button, "request_location": True}]],
                "one_time_keyboard": True,
                "resize_keyboard": True,
            }
            await self._send_message(context, chat_id, reply.location_button, keyboard)
        if reply.attachment is not None:  # after the text, which says what the file is
            upload = InputFile(reply.attachment.content, filename=reply.attachment.filename)
            await _with_retries(lambda: context.bot.send_document(chat_id, upload))

    async def _send_message(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str, markup: Markup | None
    ) -> None:
        await _with_retries(lambda: send_text(context.bot, chat_id, text, markup))

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the failure with the update id; tell the user something went wrong, briefly."""
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("update %s failed", update_id, exc_info=context.error)
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        language = normalize_language(update.effective_user.language_code if update.effective_user else None)
        try:
            await context.bot.send_message(update.effective_chat.id, t("error.apology", language))
        except TelegramError:
            log.warning("could not send the apology for update %s", update_id)

    async def set_commands(self, application: Application) -> None:  # type: ignore[type-arg]
        """The command menu in English (default) and Indonesian; a failure is logged, not fatal."""
        for language in LANGUAGES:
            commands = [BotCommand(name, label) for name, label in menu(language)]
            try:
                await application.bot.set_my_commands(
                    commands, language_code=None if language == "en" else language
                )
            except TelegramError as exc:
                log.warning("set_my_commands(%s) failed: %s", language, exc)


async def _with_retries(send: Callable[[], Awaitable[object]]) -> None:
    """Make one Bot API send, waiting out a 429 and retrying a network error a few times.

    Replies to a learner who is waiting are sent at once: Telegram's 30-per-second budget is
    meant for bulk messages, which go through the rate-limited outbox instead.  Only this
    learner's task waits on a 429, so other learners are not held up.
    """
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            await send()
            return
        except RetryAfter as exc:
            if attempt == SEND_ATTEMPTS:
                raise
            await asyncio.sleep(min(retry_after_seconds(exc), MAX_RETRY_WAIT))
        except NetworkError:
            if attempt == SEND_ATTEMPTS:
                raise
            await asyncio.sleep(0.5 * attempt)


def build_application(settings: Settings, dialogue: Dialogue) -> tuple[Application, TelegramChannel]:  # type: ignore[type-arg]
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    channel = TelegramChannel(runner_for(settings, dialogue))
    proactive = Proactive(settings, dialogue)

    async def started(app: Application) -> None:  # type: ignore[type-arg]
        await channel.start()
        await channel.set_commands(app)
        await proactive.start()

    application = (
        Application.builder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .concurrent_updates(CONCURRENT_UPDATES)
        .request(AiohttpRequest(settings.telegram_connections))
        .get_updates_request(AiohttpRequest(1))  # long polling: one call at a time
        .post_init(started)
        .post_shutdown(_closing(channel, proactive))
        .build()
    )
    application.add_handler(TypeHandler(Update, channel.on_update))
    application.add_error_handler(channel.on_error)
    return application, channel


def _closing(channel: TelegramChannel, proactive: Proactive) -> Callable[[Application], Awaitable[None]]:  # type: ignore[type-arg]
    """PTB's post_shutdown hook: stop reminders and delivery, the dialogue workers, every connection.

    The one place for all of it: PTB runs this hook after every run, including one whose start-up
    failed (say, the Bot API was unreachable).  It then skips closing the bot's own connections,
    because the application never finished initializing; each stop below does nothing for what
    is already stopped or never started.
    """

    async def close(application: Application) -> None:  # type: ignore[type-arg]
        await proactive.stop()
        channel.runner.close()
        await application.bot.shutdown()

    return close


def run_polling(settings: Settings, catalog: Catalog, database: Database) -> int:
    """Long polling until interrupted; a refused token or an unreachable server is one clear line."""
    dialogue = build_dialogue(settings, database, catalog)
    application, _ = build_application(settings, dialogue)
    log.info("SkillStack is running on Telegram (long polling)")
    try:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        log.error("Telegram refused TELEGRAM_BOT_TOKEN: check it with @BotFather")
        return 1
    except NetworkError as exc:
        log.error("cannot reach the Bot API at %s: %s", settings.telegram_api_url, exc)
        return 1
    return 0

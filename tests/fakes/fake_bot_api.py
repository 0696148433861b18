"""A fake Telegram Bot API server for end-to-end tests: real HTTP, checked against the official spec.

The bot under test talks to it exactly as to api.telegram.org (PTB's ``base_url``).  Every call
is checked against ``shared/telegram/api.json``: the method must exist, every parameter must be
known, required ones present, values of a plausible type (objects recursively, by the spec's
field lists), texts within 4096 characters and callback data within 64 bytes.  A call that breaks
the spec is answered 400, as Telegram would, and recorded in :attr:`FakeBotApi.violations`, which
tests assert is empty.

``getUpdates`` does real long polling with offset semantics (updates below the offset are
confirmed and dropped).  Faults can be scripted per method: HTTP 429 with ``retry_after``, 403
(blocked), 400, 5xx, or a slow answer.  Every accepted call is recorded.

Two standing rules, for the outbox sender: ``rate_limit_per_second`` answers a ``sendMessage``
over that many in the last second with 429 (``retry_after`` 1), as Telegram's flood control
would, and ``blocked_chats`` answer ``sendMessage`` with 403 as a user who blocked the bot.
Refused calls are not recorded as calls and do not count towards the rate; they are listed in
:attr:`FakeBotApi.rate_limited` (when) and :attr:`FakeBotApi.forbidden` (the call).

Files go both ways as on Telegram.  A test registers a learner's file with :meth:`FakeBotApi.add_file`
(or sends one with :meth:`FakeBotApi.document`); ``getFile`` hands out its ``file_path`` and the bytes
are served at ``/file/bot<token>/<file_path>`` (PTB's ``base_file_url``), each download listed in
:attr:`FakeBotApi.downloads`.  Uploads (``sendDocument``) arrive as multipart/form-data: the file
parts become :class:`UploadedFile` values, the only values an ``InputFile`` parameter accepts, so
the spec check sees an upload where the spec allows one and nowhere else.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

MAX_TEXT = 4096
MAX_CALLBACK_BYTES = 64
MAX_CAPTION = 1024
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # getFile refuses bigger files ("file is too big")
BOT_USER = {
    "id": 424242,
    "is_bot": True,
    "first_name": "SkillStack",
    "username": "skillstack_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@dataclass
class Fault:
    status: int
    description: str
    retry_after: int | None = None
    delay: float = 0.0


@dataclass(frozen=True)
class UploadedFile:
    """One file part of a multipart upload: what the bot sent, byte for byte."""

    filename: str
    content: bytes
    content_type: str


@dataclass(frozen=True)
class StoredFile:
    """A file a simulated learner sent: what getFile describes and the download serves."""

    file_id: str
    content: bytes
    size_known: bool = True  # file_size is optional in File objects too

    @property
    def path(self) -> str:
        return f"documents/{self.file_id}"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float


@dataclass
class SpecChecker:
    """Checks method calls against the machine-readable Bot API spec."""

    spec: dict[str, Any]

    @classmethod
    def load(cls, path: Path) -> SpecChecker:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def method(self, name: str) -> dict[str, Any] | None:
        """Bot API method names are case-insensitive."""
        if "_lowered" not in self.__dict__:
            self.__dict__["_lowered"] = {key.lower(): value for key, value in self.spec["methods"].items()}
        return self.__dict__["_lowered"].get(name.lower())

    def coerce(self, raw: str, types: list[str]) -> tuple[bool, Any]:
        """A form field (always text) read as the first of ``types`` it fits."""
        for type_name in sorted(types, key=lambda t: t == "String"):  # String last: "5" may be an Integer
            if type_name == "String":
                return True, raw
            try:
                value = json.loads(raw)
            except ValueError:
                continue
            if self.fits(value, type_name):
                return True, value
        return False, raw

    def check_call(self, name: str, params: dict[str, Any], *, form: bool = False) -> list[str]:
        """Problems with this call; form-encoded ``params`` are converted in place to their types."""
        method = self.method(name)
        if method is None:
            return [f"unknown method {name}"]
        fields = {f["name"]: f for f in method.get("fields", [])}
        problems = [f"{name}: unknown parameter {key}" for key in params if key not in fields]
        problems += [
            f"{name}: missing required {key}"
            for key, f in fields.items()
            if f["required"] and key not in params
        ]
        for key, value in list(params.items()):
            if key not in fields:
                continue
            types = fields[key]["types"]
            if form and isinstance(value, str):
                fits, params[key] = self.coerce(value, types)
            else:
                fits = any(self.fits(value, t) for t in types)
            if not fits:
                problems.append(f"{name}: {key}={str(value)[:80]!r} is not {' or '.join(types)}")
        text = params.get("text")
        if (
            name.lower() in {"sendmessage", "editmessagetext"}
            and isinstance(text, str)
            and not 1 <= len(text) <= MAX_TEXT
        ):
            problems.append(f"{name}: text of {len(text)} characters (1-{MAX_TEXT} allowed)")
        caption = params.get("caption")
        if isinstance(caption, str) and len(caption) > MAX_CAPTION:
            problems.append(f"{name}: caption of {len(caption)} characters (0-{MAX_CAPTION} allowed)")
        problems += self._callback_problems(name, params.get("reply_markup"))
        return problems

    def _callback_problems(self, name: str, markup: Any) -> list[str]:
        if not isinstance(markup, dict):
            return []
        problems = []
        for row in markup.get("inline_keyboard", []) or []:
            for button in row if isinstance(row, list) else []:
                data = button.get("callback_data") if isinstance(button, dict) else None
                if isinstance(data, str) and not 1 <= len(data.encode()) <= MAX_CALLBACK_BYTES:
                    problems.append(f"{name}: callback_data of {len(data.encode())} bytes (1-64 allowed)")
        return problems

    def fits(self, value: Any, type_name: str) -> bool:
        if type_name.startswith("Array of "):
            return isinstance(value, list) and all(
                self.fits(item, type_name[len("Array of ") :]) for item in value
            )
        if type_name == "Integer":
            return isinstance(value, int) and not isinstance(value, bool)
        if type_name == "Float":
            return isinstance(value, int | float) and not isinstance(value, bool)
        if type_name == "String":
            return isinstance(value, str)
        if type_name == "Boolean":
            return isinstance(value, bool)
        if type_name == "InputFile":
            return isinstance(value, UploadedFile)
        spec_type = self.spec["types"].get(type_name)
        if spec_type is None:
            return False
        if spec_type.get("subtypes"):
            return any(self.fits(value, sub) for sub in spec_type["subtypes"])
        if not isinstance(value, dict):
            return False
        fields = {f["name"]: f for f in spec_type.get("fields", [])}
        if any(key not in fields for key in value):
            return False
        if any(f["required"] and key not in value for key, f in fields.items()):
            return False
        return all(any(self.fits(value[key], t) for t in fields[key]["types"]) for key in value)


@dataclass
class FakeBotApi:
    """State of the fake server: updates to hand out, calls received, faults to inject."""

    checker: SpecChecker
    calls: list[Call] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    faults: dict[str, deque[Fault]] = field(default_factory=dict)
    reply_times: dict[Any, list[float]] = field(default_factory=dict)  # chat id -> when each message was sent
    on_reply: Any = None  # optional callable(chat_id, when) for each sendMessage (benchmarks)
    in_flight: int = 0
    max_in_flight: int = 0  # most calls being answered at the same time
    client_ports: set[int] = field(default_factory=set)  # one per client connection seen
    rate_limit_per_second: int | None = None  # sendMessage calls accepted in any one second
    rate_limited: list[float] = field(default_factory=list)  # when each over-the-rate call was refused
    blocked_chats: set[int] = field(default_factory=set)  # chats that refuse sendMessage with 403
    forbidden: list[Call] = field(default_factory=list)  # sendMessage calls refused by blocked_chats
    files: dict[str, StoredFile] = field(default_factory=dict)  # file_id -> a learner's file
    downloads: list[str] = field(default_factory=list)  # file paths served, in order
    _accepted_sends: deque[float] = field(default_factory=deque)  # the last second's, for the rate
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _next_update_id: int = 1
    _next_message_id: int = 1
    _lock: threading.Condition = field(default_factory=threading.Condition)
    server: ThreadingHTTPServer | None = None

    # -- simulated users ----------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> int:
        with self._lock:
            update = {"update_id": self._next_update_id, **update}
            self._next_update_id += 1
            self._updates.append(update)
            self._lock.notify_all()
            return update["update_id"]

    def _message_id(self) -> int:
        with self._lock:
            self._next_message_id += 1
            return self._next_message_id

    @staticmethod
    def user(user_id: int, language: str = "en") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": f"Learner{user_id}", "language_code": language}

    def message(
        self,
        user_id: int,
        text: str | None = None,
        *,
        language: str = "en",
        chat_id: int | None = None,
        chat_type: str = "private",
        extra: dict[str, Any] | None = None,
        kind: str = "message",
    ) -> int:
        chat = {"id": chat_id or user_id, "type": chat_type}
        if chat_type != "private":
            chat["title"] = "Cohort"
        body: dict[str, Any] = {
            "message_id": self._message_id(),
            "date": int(time.time()),
            "chat": chat,
            "from": self.user(user_id, language),
            **(extra or {}),
        }
        if text is not None:
            body["text"] = text
            if text.startswith("/"):
                body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split(" ")[0])}]
        return self.push({kind: body})

    def callback(self, user_id: int, data: str, *, language: str = "en") -> int:
        message = {
            "message_id": self._message_id(),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"},
            "from": BOT_USER,
            "text": "…",
        }
        return self.push(
            {
                "callback_query": {
                    "id": f"cb{self._message_id()}",
                    "from": self.user(user_id, language),
                    "chat_instance": "1",
                    "data": data,
                    "message": message,
                }
            }
        )

    def add_file(
        self,
        file_id: str,
        content: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        size_in_message: bool = True,
        size_in_file: bool = True,
    ) -> dict[str, Any]:
        """Store a learner's file; the Document object a message carries.

        ``file_size`` is optional both in the Document and in getFile's File, so a test can leave it
        out of either, to see the bot's own size checks at work.
        """
        with self._lock:
            self.files[file_id] = StoredFile(file_id, content, size_in_file)
        document: dict[str, Any] = {"file_id": file_id, "file_unique_id": f"u-{file_id}"}
        if file_name is not None:
            document["file_name"] = file_name
        if mime_type is not None:
            document["mime_type"] = mime_type
        if size_in_message:
            document["file_size"] = len(content)
        return document

    def document(
        self,
        user_id: int,
        content: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        size_in_message: bool = True,
        size_in_file: bool = True,
        chat_id: int | None = None,
        chat_type: str = "private",
    ) -> int:
        """A learner sends ``content`` as a document (a file, uncompressed): the update id."""
        file_id = f"doc{self._message_id()}"
        document = self.add_file(
            file_id,
            content,
            file_name=file_name,
            mime_type=mime_type,
            size_in_message=size_in_message,
            size_in_file=size_in_file,
        )
        return self.message(user_id, None, chat_id=chat_id, chat_type=chat_type, extra={"document": document})

    def photo(self, user_id: int) -> int:
        """A learner sends a photo: Telegram recompresses it, so only resized JPEGs would be on offer."""
        sizes = [
            {
                "file_id": f"photo{self._message_id()}",
                "file_unique_id": f"p{side}",
                "width": side,
                "height": side,
            }
            for side in (90, 320, 800)
        ]
        return self.message(user_id, None, extra={"photo": sizes})

    # -- what the bot did ---------------------------------------------------------------

    def sent_to(self, chat_id: int) -> list[dict[str, Any]]:
        return [
            c.params
            for c in list(self.calls)
            if c.method.lower() == "sendmessage" and c.params.get("chat_id") == chat_id
        ]

    def documents_sent_to(self, chat_id: int) -> list[UploadedFile]:
        """Files uploaded to ``chat_id`` with sendDocument, in order."""
        return [
            c.params["document"]
            for c in list(self.calls)
            if c.method.lower() == "senddocument"
            and c.params.get("chat_id") == chat_id
            and isinstance(c.params.get("document"), UploadedFile)
        ]

    def wait_for(self, predicate: Any, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.01)
        return bool(predicate())

    def inject(self, method: str, *faults: Fault) -> None:
        self.faults.setdefault(method.lower(), deque()).extend(faults)

    # -- the API ------------------------------------------------------------------------

    def answer(
        self, method: str, params: dict[str, Any], *, form: bool = False
    ) -> tuple[int, dict[str, Any]]:
        problems = self.checker.check_call(method, params, form=form)
        if problems:
            self.violations.extend(problems)
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: " + "; ".join(problems)}
        queue = self.faults.get(method.lower())
        if queue:
            fault = queue.popleft()
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status != 200:
                return fault.status, self.error(fault.status, fault.description, fault.retry_after)
        now = time.monotonic()
        if method.lower() == "sendmessage":
            refusal = self.refusal(params, now)
            if refusal is not None:
                return refusal
        if method.lower() == "getfile":
            refusal = self.file_refusal(params)
            if refusal is not None:
                return refusal
        self.calls.append(Call(method, params, now))
        if method.lower() == "sendmessage":
            self.reply_times.setdefault(params.get("chat_id"), []).append(now)
            if self.on_reply is not None:
                self.on_reply(params.get("chat_id"), now)
        return 200, {"ok": True, "result": self.result(method.lower(), params)}

    @staticmethod
    def error(status: int, description: str, retry_after: int | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        return body

    def refusal(self, params: dict[str, Any], now: float) -> tuple[int, dict[str, Any]] | None:
        """403 for a blocked chat, 429 over the rate limit, or None: this sendMessage goes through."""
        if params.get("chat_id") in self.blocked_chats:
            self.forbidden.append(Call("sendMessage", params, now))
            return 403, self.error(403, "Forbidden: bot was blocked by the user")
        if self.rate_limit_per_second is None:
            return None
        with self._lock:  # the clock is read under the lock, so the window stays in order
            stamp = time.monotonic()
            while self._accepted_sends and self._accepted_sends[0] <= stamp - 1.0:
                self._accepted_sends.popleft()
            if len(self._accepted_sends) >= self.rate_limit_per_second:
                self.rate_limited.append(stamp)
                return 429, self.error(429, "Too Many Requests: retry after 1", retry_after=1)
            self._accepted_sends.append(stamp)
        return None

    def file_refusal(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        """400 for a file id never handed out, or one over Telegram's 20 MB download limit."""
        stored = self.files.get(str(params.get("file_id")))
        if stored is None:
            return 400, self.error(400, "Bad Request: invalid file_id")
        if len(stored.content) > MAX_DOWNLOAD_BYTES:
            return 400, self.error(400, "Bad Request: file is too big")
        return None

    def result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getme":
            return BOT_USER
        if method == "getupdates":
            return self.updates(params)
        if method == "getfile":
            stored = self.files[params["file_id"]]
            file = {
                "file_id": stored.file_id,
                "file_unique_id": f"u-{stored.file_id}",
                "file_path": stored.path,
            }
            return {**file, "file_size": len(stored.content)} if stored.size_known else file
        if method in {"sendmessage", "editmessagetext"}:
            return {**self.sent_message(params), "text": params.get("text", "")}
        if method == "senddocument":
            return {**self.sent_message(params), "document": self.sent_document(params["document"])}
        return True

    def sent_message(self, params: dict[str, Any]) -> dict[str, Any]:
        """The Message object Telegram returns for a message the bot sent."""
        chat_id = params["chat_id"]
        chat = {"id": chat_id, "type": "private" if isinstance(chat_id, int) and chat_id > 0 else "group"}
        if chat["type"] == "group":
            chat["title"] = "Cohort"
        return {"message_id": self._message_id(), "date": int(time.time()), "chat": chat, "from": BOT_USER}

    def sent_document(self, document: UploadedFile | str) -> dict[str, Any]:
        """The Document object of a sent file: an upload gets a new file id, a reused id stays."""
        if isinstance(document, str):
            return {"file_id": document, "file_unique_id": f"u-{document}"}
        file_id = f"sent{self._message_id()}"
        return {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_name": document.filename,
            "mime_type": document.content_type,
            "file_size": len(document.content),
        }

    def download(self, file_path: str) -> bytes | None:
        """The bytes behind a ``file_path`` that getFile handed out, or None (404)."""
        stored = next((f for f in list(self.files.values()) if f.path == file_path), None)
        if stored is None:
            return None
        with self._lock:
            self.downloads.append(file_path)
        return stored.content

    def updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset", 0) or 0)
        timeout = float(params.get("timeout", 0) or 0)
        limit = int(params.get("limit", 100) or 100)
        deadline = time.monotonic() + timeout
        with self._lock:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]  # confirmed ones go
            while not self._updates and time.monotonic() < deadline:
                self._lock.wait(max(0.0, deadline - time.monotonic()))
            return list(self._updates[:limit])

    # -- HTTP -----------------------------------------------------------------------------

    @contextmanager
    def counting(self, client_port: int) -> Iterator[None]:
        """Track calls being answered at once and the client connections (ports) seen."""
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.client_ports.add(client_port)
        try:
            yield
        finally:
            with self._lock:
                self.in_flight -= 1

    def start(self) -> str:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # or every small answer waits ~40 ms for a delayed ACK

            def log_message(self, *_args: Any) -> None:
                pass

            def do_POST(self) -> None:
                self._serve()

            def do_GET(self) -> None:
                self._serve()

            def _serve(self) -> None:
                path = self.path.split("?")[0].strip("/").split("/")
                if len(path) >= 3 and path[0] == "file" and path[1].startswith("bot"):
                    self._serve_file("/".join(path[2:]))
                    return
                method = path[-1] if len(path) >= 2 and path[0].startswith("bot") else ""
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                content_type = self.headers.get("Content-Type", "")
                params = api.parse(content_type, raw)
                form = "application/json" not in content_type
                if method:
                    with api.counting(self.client_address[1]):
                        status, body = api.answer(method, params, form=form)
                else:
                    status, body = 404, {"ok": False, "error_code": 404, "description": "Not Found"}
                self._respond(status, "application/json", json.dumps(body).encode())

            def _serve_file(self, file_path: str) -> None:
                content = api.download(file_path)
                if content is None:
                    body = api.error(404, "Not Found")
                    self._respond(404, "application/json", json.dumps(body).encode())
                else:
                    self._respond(200, "application/octet-stream", content)

            def _respond(self, status: int, content_type: str, payload: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the bot hung up (it is shutting down a long poll)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @staticmethod
    def parse(content_type: str, raw: bytes) -> dict[str, Any]:
        """Request parameters: form fields as text (the checker types them), file parts as uploads."""
        if "application/json" in content_type:
            return json.loads(raw) if raw else {}
        if "multipart/form-data" in content_type:
            return parse_multipart(content_type, raw)
        return {key: values[-1] for key, values in parse_qs(raw.decode(), keep_blank_values=True).items()}

    def stop(self) -> None:
        if self.server is not None:
            with self._lock:
                self._lock.notify_all()
            self.server.shutdown()
            self.server.server_close()


def parse_multipart(content_type: str, raw: bytes) -> dict[str, Any]:
    """multipart/form-data fields: a part with a filename is an :class:`UploadedFile`, others text.

    The standard library's MIME parser keeps binary bodies byte-exact, so a test can compare the
    uploaded bytes with what the bot meant to send.
    """
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    params: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(payload, bytes):
            continue  # not a form field: Telegram ignores it too
        filename = part.get_filename()
        if filename is None:
            params[name] = payload.decode()
        else:
            params[name] = UploadedFile(filename, payload, part.get_content_type())
    return params

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
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

MAX_TEXT = 4096
MAX_CALLBACK_BYTES = 64
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
            return True
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

    # -- what the bot did ---------------------------------------------------------------

    def sent_to(self, chat_id: int) -> list[dict[str, Any]]:
        return [
            c.params
            for c in list(self.calls)
            if c.method.lower() == "sendmessage" and c.params.get("chat_id") == chat_id
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

    def result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getme":
            return BOT_USER
        if method == "getupdates":
            return self.updates(params)
        if method in {"sendmessage", "editmessagetext"}:
            chat_id = params["chat_id"]
            chat = {"id": chat_id, "type": "private" if isinstance(chat_id, int) and chat_id > 0 else "group"}
            if chat["type"] == "group":
                chat["title"] = "Cohort"
            return {
                "message_id": self._message_id(),
                "date": int(time.time()),
                "chat": chat,
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
        return True

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
                method = path[-1] if len(path) >= 2 and path[0].startswith("bot") else ""
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                content_type = self.headers.get("Content-Type", "")
                params = api.parse(content_type, raw)
                form = "application/json" not in content_type
                if method:
                    with api.counting(self.client_address[1]):
                        status, body = api.answer(method, params, form=form)
                else:
                    status, body = 404, {"ok": False, "error_code": 404, "description": "Not Found"}
                payload = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
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
    def parse(content_type: str, raw: str) -> dict[str, Any]:
        if "application/json" in content_type:
            return json.loads(raw) if raw else {}
        if "multipart/form-data" in content_type:
            raise NotImplementedError("file uploads are not used by these tests")
        return {key: values[-1] for key, values in parse_qs(raw, keep_blank_values=True).items()}

    def stop(self) -> None:
        if self.server is not None:
            with self._lock:
                self._lock.notify_all()
            self.server.shutdown()
            self.server.server_close()

"""A local fake Telegram Bot API server that records every call, for running real PTB bots."""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from tests.fakes import telegram_media, telegram_methods  # noqa: F401 - registers the methods
from tests.fakes.telegram_http import BotApiServer
from tests.fakes.telegram_state import JSON, METHODS, ApiError, BotState, Upload

__all__ = ["Call", "FakeTelegram", "SentMessage", "Upload"]

DEFAULT_TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: injected failure",
    403: "Forbidden: bot was blocked by the user",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass(frozen=True)
class Call:
    """One Bot API request: method as sent, decoded params, arrival time, and the outcome."""

    method: str
    params: dict[str, Any]
    at: float
    result: Any = None
    error_code: int | None = None
    in_webhook_answer: bool = False  # carried by a webhook's 200, not called by the bot

    def is_(self, method: str) -> bool:
        """Tell whether this call was to `method` (case-insensitive, as on Telegram)."""
        return self.method.lower() == method.lower()


@dataclass(frozen=True)
class SentMessage:
    """A text the bot sent or edited into a chat, as the user would now see it."""

    method: str
    chat_id: int
    message_id: int
    text: str
    reply_markup: dict[str, Any] | None
    at: float = field(repr=False)


class FakeTelegram:
    """A Bot API server on 127.0.0.1 (ephemeral port) in a background thread."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        username: str = "homeward_test_bot",
        keep_alive: bool = False,
    ) -> None:
        self.token = token
        self.keep_alive = keep_alive  # HTTP/1.1 keep-alive (else one connection per call)
        self.bot_id = int(token.split(":", 1)[0])
        self.username = username
        self._state = BotState(self.bot_id, username)
        self._cond = threading.Condition()
        self._calls: list[Call] = []
        self._faults: dict[str, deque[ApiError]] = defaultdict(deque)
        self._delays: dict[str, float] = {}
        self._stopping = threading.Event()
        self._server: BotApiServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> Self:
        """Bind an ephemeral port and serve in a daemon thread."""
        if self._server is None:
            self._stopping.clear()
            self._server = BotApiServer(self, keep_alive=self.keep_alive)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="fake-telegram",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Wake pending long polls, stop serving and release the port."""
        if self._server is None:
            return
        self._stopping.set()
        with self._cond:
            self._cond.notify_all()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound TCP port (only while started)."""
        if self._server is None:
            raise RuntimeError("FakeTelegram is not started")
        return int(self._server.server_address[1])

    @property
    def connections(self) -> int:
        """TCP connections accepted so far (only while started)."""
        if self._server is None:
            raise RuntimeError("FakeTelegram is not started")
        return self._server.connections

    @property
    def base_url(self) -> str:
        """What to pass to ApplicationBuilder.base_url / Bot(base_url=...)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """What to pass to ApplicationBuilder.base_file_url / Bot(base_file_url=...)."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- recording -------------------------------------------------------------------------
    def calls(self, method: str | None = None) -> list[Call]:
        """Return recorded calls, oldest first, optionally only those to `method`."""
        with self._cond:
            return [c for c in self._calls if method is None or c.is_(method)]

    def sent_messages(self, chat_id: int | None = None) -> list[SentMessage]:
        """Return successful sendMessage/editMessageText calls, optionally for one chat."""
        sent = []
        for call in self.calls():
            if call.error_code or not (call.is_("sendMessage") or call.is_("editMessageText")):
                continue
            message = call.result if isinstance(call.result, dict) else {}
            chat = message.get("chat", {}).get("id", call.params.get("chat_id"))
            if chat_id is None or chat == chat_id:
                sent.append(
                    SentMessage(
                        call.method,
                        chat,
                        message.get("message_id", 0),
                        call.params["text"],
                        call.params.get("reply_markup"),
                        call.at,
                    )
                )
        return sent

    def last_text(self, chat_id: int) -> str | None:
        """Return the text most recently sent or edited into a chat."""
        sent = self.sent_messages(chat_id)
        return sent[-1].text if sent else None

    def wait_for(
        self, match: str | Callable[[Call], bool], timeout: float = 5.0, *, count: int = 1
    ) -> Call:
        """Block until `count` matching calls are recorded; return the count-th one."""
        predicate = (lambda c: c.is_(match)) if isinstance(match, str) else match
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self._calls if predicate(c)]
                if len(found) >= count:
                    return found[count - 1]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [c.method for c in self._calls]
                    raise TimeoutError(f"no call matching {match!r} within {timeout}s; saw {seen}")
                self._cond.wait(remaining)

    def clear(self) -> None:
        """Forget recorded calls (state, faults and delays stay)."""
        with self._cond:
            self._calls.clear()

    # -- fault injection -------------------------------------------------------------------
    def fail_next(
        self,
        method: str,
        *,
        retry_after: int | None = None,
        error_code: int | None = None,
        description: str | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls to `method` fail (retry_after gives a 429 flood wait)."""
        code = error_code or (429 if retry_after is not None else 400)
        params = {"retry_after": retry_after} if retry_after is not None else None
        text = description or (
            f"Too Many Requests: retry after {retry_after}"
            if code == 429
            else _DEFAULT_DESCRIPTIONS.get(code, "Injected failure")
        )
        with self._cond:
            self._faults[method.lower()].extend(ApiError(code, text, params) for _ in range(times))

    def delay(self, method: str, seconds: float) -> None:
        """Answer every later call to `method` after `seconds` (0 removes the delay)."""
        with self._cond:
            self._delays[method.lower()] = seconds

    # -- files and updates -----------------------------------------------------------------
    def add_file(self, content: bytes, *, file_path: str | None = None) -> tuple[str, str]:
        """Store bytes for getFile/download; path defaults to photos/file_<n>.jpg."""
        with self._cond:
            stored = self._state.add_file(content, file_path)
        return stored.file_id, stored.file_unique_id

    def file_content(self, file_id: str) -> bytes:
        """Return the bytes behind a file_id (added or uploaded through sendPhoto etc.)."""
        with self._cond:
            return self._state.files[file_id].content

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates; renumbers it if its update_id would go backwards."""
        update = dict(update)
        with self._cond:
            update_id = update.get("update_id")
            if not isinstance(update_id, int) or update_id < self._state.next_update_id:
                update["update_id"] = update_id = self._state.next_update_id
            self._state.next_update_id = update_id + 1
            self._state.updates.append(update)
            self._cond.notify_all()
        return update_id

    def pending_updates(self) -> list[dict[str, Any]]:
        """Return updates not yet confirmed by a getUpdates offset."""
        with self._cond:
            return list(self._state.updates)

    # -- request handling (server threads) -------------------------------------------------
    def handle_call(self, method: str, params: JSON) -> tuple[int, JSON]:
        """Run one Bot API call, record it and return (HTTP status, JSON body); HTTP layer only."""
        return self._run(method, params, in_webhook_answer=False)

    def run_webhook_answer(self, body: bytes) -> None:
        """Run the Bot API method a webhook's 200 carried, as Telegram does (its result unseen)."""
        if not body:
            return
        params = dict(json.loads(body))
        self._run(str(params.pop("method")), params, in_webhook_answer=True)

    def _run(self, method: str, params: JSON, *, in_webhook_answer: bool) -> tuple[int, JSON]:
        at, key = time.time(), method.lower()
        with self._cond:
            fault = self._faults[key].popleft() if self._faults.get(key) else None
            delay = self._delays.get(key, 0.0)
        if delay:
            self._stopping.wait(delay)
        result: Any = None
        try:
            if fault is not None:
                raise fault
            if key == "getupdates":
                result = self._get_updates(params)
            elif key not in METHODS:
                raise ApiError(404, "Not Found")
            else:
                with self._cond:
                    result = METHODS[key](self._state, params)
            status, body = 200, {"ok": True, "result": result}
        except ApiError as err:
            status, body = err.error_code, err.body()
        with self._cond:
            error = None if status == 200 else status
            self._calls.append(Call(method, params, at, result, error, in_webhook_answer))
            self._cond.notify_all()
        return status, body

    def _get_updates(self, params: JSON) -> list[JSON]:
        """Long-poll: wait until an update is queued, the timeout passes or the server stops."""
        offset = params.get("offset")
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        with self._cond:
            while True:
                updates = self._state.take_updates(int(offset) if offset else None, limit)
                remaining = deadline - time.monotonic()
                if updates or remaining <= 0 or self._stopping.is_set():
                    return updates
                self._cond.wait(remaining)

    def served_file(self, token: str, path: str) -> bytes | None:
        """Return the bytes at a file URL path, or None (wrong token, unknown path)."""
        with self._cond:
            stored = self._state.files_by_path.get(path)
        return stored.content if stored is not None and token == self.token else None

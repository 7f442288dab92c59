"""In-memory state of the fake Telegram bot, and the registry its Bot API methods join."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

JSON = dict[str, Any]
MethodImpl = Callable[["BotState", JSON], Any]

METHODS: dict[str, MethodImpl] = {}
"""Implemented methods, keyed by lower-case name (Telegram ignores the case of method names)."""

_WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


class ApiError(Exception):
    """An error reply from the Bot API: HTTP status, description, optional parameters."""

    def __init__(self, error_code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def body(self) -> JSON:
        """Return the JSON error body exactly as Telegram shapes it."""
        body: JSON = {"ok": False, "error_code": self.error_code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request (PTB uploads files this way)."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class StoredFile:
    """A file the fake can hand out through getFile and the file URL."""

    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes


class BotState:
    """Messages, files, commands, webhook and pending updates of one fake bot."""

    def __init__(self, bot_id: int, username: str) -> None:
        self.bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Homeward Test Bot",
            "username": username,
        }
        self.messages: dict[tuple[int, int], JSON] = {}
        self.deleted: set[tuple[int, int]] = set()
        self.last_message_id: dict[int, int] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.webhook: JSON = {}
        self.updates: list[JSON] = []
        self.next_update_id = 1
        self._file_numbers = itertools.count(1)

    def add_file(
        self,
        content: bytes,
        file_path: str | None = None,
        folder: str = "photos",
        extension: str = "jpg",
    ) -> StoredFile:
        """Store bytes under a new file_id; the path defaults to `<folder>/file_<n>.<ext>`."""
        number = next(self._file_numbers)
        path = file_path or f"{folder}/file_{number}.{extension}"
        stored = StoredFile(f"BQACAgIAAxkBAAIB{number:06d}", f"AgADfake{number:06d}", path, content)
        self.files[stored.file_id] = stored
        self.files_by_path[path] = stored
        return stored

    def new_message(self, chat_id: int, **content: Any) -> JSON:
        """Store and return a bot message with the chat's next message_id."""
        message_id = self.last_message_id.get(chat_id, 0) + 1
        self.last_message_id[chat_id] = message_id
        message = {**message_base(self, chat_id, message_id), **drop_none(content)}
        self.messages[(chat_id, message_id)] = message
        return message

    def take_updates(self, offset: int | None, limit: int) -> list[JSON]:
        """Confirm updates below offset (negative: keep the last -offset) and return the rest."""
        if self.webhook.get("url"):
            raise ApiError(409, _WEBHOOK_CONFLICT)
        if offset is not None and offset < 0:
            self.updates = self.updates[offset:]
        elif offset:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        return self.updates[: max(1, min(limit, 100))]


def chat_object(chat_id: int) -> JSON:
    """Return a plausible Chat for an id: >0 private, -100… supergroup, other <0 group."""
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": "Tipster"}
    kind = "supergroup" if chat_id <= -1_000_000_000_000 else "group"
    return {"id": chat_id, "type": kind, "title": "Coordinators"}


def method(*names: str) -> Callable[[MethodImpl], MethodImpl]:
    """Register a function as the implementation of the named Bot API methods."""

    def register(impl: MethodImpl) -> MethodImpl:
        for name in names:
            METHODS[name.lower()] = impl
        return impl

    return register


def drop_none(values: JSON) -> JSON:
    """Return the dict without its None values."""
    return {key: value for key, value in values.items() if value is not None}


def message_base(state: BotState, chat_id: int, message_id: int) -> JSON:
    """Return the fields every bot message has."""
    return {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": chat_object(chat_id),
        "from": state.bot_user,
    }


def require_chat_id(params: JSON) -> int:
    """Return params' chat_id as an int, refusing what Telegram refuses."""
    value = params.get("chat_id")
    if isinstance(value, str) and value.lstrip("-").isdigit():
        value = int(value)
    if value is None or value == "":
        raise ApiError(400, "Bad Request: chat_id is empty")
    if not isinstance(value, int) or isinstance(value, bool) or value == 0:
        raise ApiError(400, "Bad Request: chat not found")
    return value


def inline_markup(params: JSON) -> JSON | None:
    """Return the reply_markup if it is an inline keyboard, else None."""
    # Telegram echoes only inline keyboards; reply keyboards never appear in a Message.
    markup = params.get("reply_markup")
    return markup if isinstance(markup, dict) and "inline_keyboard" in markup else None


def reply_to(state: BotState, chat_id: int, params: JSON) -> JSON | None:
    """Return the stored message this one replies to, if any."""
    reply = params.get("reply_parameters")
    message_id = reply.get("message_id") if isinstance(reply, dict) else None
    return state.messages.get((chat_id, message_id or params.get("reply_to_message_id") or 0))


def edit_target(state: BotState, params: JSON, verb: str) -> tuple[tuple[int, int], JSON]:
    """Find (or, leniently, adopt) the message an edit/delete names."""
    key = (require_chat_id(params), int(params.get("message_id") or 0))
    if key in state.deleted or key[1] <= 0:
        raise ApiError(400, f"Bad Request: message to {verb} not found")
    return key, state.messages.get(key) or message_base(state, *key)

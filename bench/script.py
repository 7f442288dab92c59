"""What the simulated chats send: a full sighting interview, and plain texts for the echo bot."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.fakebot import BOT_USER

__all__ = ["ECHO", "SIGHTING", "Script", "Updates"]

JSON = dict[str, Any]


@dataclass(frozen=True)
class Step:
    """One thing a tipster does, and how many replies (sendMessage/editMessageText) it gets."""

    action: str  # text, command, tap, location, contact
    value: str
    replies: int = 1


@dataclass(frozen=True)
class Script:
    """A conversation as a fixed list of steps."""

    name: str
    steps: tuple[Step, ...]

    def replies_before(self, index: int) -> int:
        """How many replies the steps before `index` get."""
        return sum(step.replies for step in self.steps[:index])


def _tap(data: str, replies: int = 1) -> Step:
    return Step("tap", data, replies)


# A sighting reported start to finish, the way tests/bot/test_telegram_interview.py does it,
# with typed answers where a person would type; taps carry "step:choice" as our buttons do.
SIGHTING = Script(
    "sighting",
    (
        Step("command", "start"),
        _tap("kind:sighting"),
        _tap("safety:continue", 2),  # the answer under it, then the place question (a pin button)
        Step("location", "30.6586,104.0648"),
        _tap("when:yesterday"),
        _tap("presence:lives_nearby"),
        _tap("child_sex:boy"),
        _tap("child_age:not_sure"),
        Step("text", "七八岁，很瘦，穿蓝色校服，左脸有颗痣"),
        Step("command", "skip"),
        Step("text", "小军"),
        Step("text", "他说想回四川的家，想妈妈"),
        _tap("dialect:cantonese"),
        _tap("dialect_differs:yes"),
        _tap("signs:wants_home"),
        _tap("signs:afraid"),
        _tap("signs:done"),
        Step("text", "两个男人，一个穿黑色夹克，四十岁左右"),
        _tap("media:done"),
        _tap("contact:phone", 2),  # the answer under it, then the number (a contact button)
        Step("contact", ""),
        _tap("review:submit"),
    ),
)
ECHO = Script("echo", tuple(Step("text", f"echo {n}") for n in range(20)))


class Updates:
    """Builds Telegram update bodies with increasing update ids, as Telegram would send them."""

    def __init__(self, first_update_id: int = 1) -> None:
        self._update_ids = itertools.count(first_update_id)
        self._message_ids = itertools.count(1)

    def build(self, chat_id: int, step: Step, *, bot_message_id: int = 1) -> bytes:
        """The JSON body of the update for one step in one chat."""
        builders: dict[str, Callable[[int, str, int], JSON]] = {
            "text": self._text,
            "command": self._command,
            "tap": self._tap,
            "location": self._location,
            "contact": self._contact,
        }
        update = {"update_id": next(self._update_ids)}
        update.update(builders[step.action](chat_id, step.value, bot_message_id))
        return json.dumps(update, ensure_ascii=False).encode()

    def _message(self, chat_id: int, **content: Any) -> JSON:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Tipster"},
            "from": _user(chat_id),
            **content,
        }

    def _text(self, chat_id: int, value: str, _: int) -> JSON:
        return {"message": self._message(chat_id, text=value)}

    def _command(self, chat_id: int, value: str, _: int) -> JSON:
        entity = {"type": "bot_command", "offset": 0, "length": len(value) + 1}
        return {"message": self._message(chat_id, text=f"/{value}", entities=[entity])}

    def _location(self, chat_id: int, value: str, _: int) -> JSON:
        lat, lon = (float(x) for x in value.split(","))
        return {"message": self._message(chat_id, location={"latitude": lat, "longitude": lon})}

    def _contact(self, chat_id: int, value: str, _: int) -> JSON:
        phone = value or f"+86138{chat_id % 100_000_000:08d}"  # the tipster's own, valid in CN
        contact = {"phone_number": phone, "first_name": "Tipster", "user_id": chat_id}
        return {"message": self._message(chat_id, contact=contact)}

    def _tap(self, chat_id: int, value: str, bot_message_id: int) -> JSON:
        message = {
            "message_id": bot_message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Tipster"},
            "from": BOT_USER,
            "text": "…",
            "reply_markup": {"inline_keyboard": [[{"text": value, "callback_data": value}]]},
        }
        query = {
            "id": str(next(self._message_ids)),
            "from": _user(chat_id),
            "chat_instance": f"-{chat_id}42",
            "data": value,
            "message": message,
        }
        return {"callback_query": query}


def _user(chat_id: int) -> JSON:
    return {"id": chat_id, "is_bot": False, "first_name": "Tipster", "language_code": "zh-hans"}

"""Telegram test helpers: the real channel against the fake Bot API, and a tipster who taps.

`running_bot` starts the whole web app (lifespan included) under Starlette's TestClient, so
updates reach the channel the way Telegram sends them: POSTed to the webhook route, or
pushed to the fake's getUpdates queue when polling. `TelegramTipster` then reads like a
story: `tipster.says("你好")`, `tipster.taps("继续")`, `tipster.sends_location(...)`.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import redis
from rq import Queue
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from bot.settings import Settings
from bot.telegram import TelegramChannel, TelegramOptions
from bot.telegram.channel import SECRET_HEADER
from bot.web import create_app
from bot.wiring import Services, assemble
from handlers import Intake
from storage import Conversation, FieldCipher
from tests.fakes.telegram_api import Call, FakeTelegram, SentMessage
from tests.fakes.telegram_updates import UpdateFactory

with warnings.catch_warnings():  # the lock file has httpx, not yet httpx2
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

SECRET = "webhook-s3cret_for-tests"
WEBHOOK_BASE = "https://homeward.example"
# Fast enough for a story of thirty messages; production keeps Telegram's limits.
FAST = TelegramOptions(
    per_chat_per_second=1000,
    chat_burst=100,
    retry_delays=(0.05, 0.1, 0.2, 0.5),
    poll_timeout=2,
    stop_grace_seconds=5,
)
WAIT = 15.0  # seconds before a missing reply fails the test (PostgreSQL in CI is slower)


def telegram_settings(fake: FakeTelegram, *, webhook: bool = True, **extra: Any) -> Settings:
    """Settings for a bot on the fake Bot API, with a webhook or (webhook=False) polling."""
    values: dict[str, Any] = {
        "telegram_bot_token": fake.token,
        "telegram_api_base_url": fake.base_url,
        "telegram_webhook_url": WEBHOOK_BASE if webhook else None,
        "telegram_webhook_secret": SECRET if webhook else None,
    }
    return Settings(_env_file=None, **{**values, **extra})  # type: ignore[call-arg]


def make_services(
    settings: Settings,
    *,
    engine: Engine,
    cipher: FieldCipher,
    redis_client: redis.Redis,
    queue: Queue,
    intake: Intake,
) -> Services:
    """The shared parts of a web process, built by the app's factory from the test fixtures
    (`queue` is the fixture's: on the same Redis, the factory's queue is the same queue)."""
    assert queue.connection is redis_client
    return assemble(settings, engine=engine, cipher=cipher, connection=redis_client, intake=intake)


@dataclass
class RunningBot:
    """The web app with its Telegram channel started."""

    client: TestClient
    channel: TelegramChannel
    fake: FakeTelegram

    def post(self, update: dict[str, Any], *, secret: str | None = SECRET) -> int:
        """POST an update to the webhook as Telegram would; the HTTP status."""
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        return self.post_body(json.dumps(update).encode(), headers)

    def post_body(self, content: bytes, headers: dict[str, str]) -> int:
        """POST a body to the webhook; like Telegram, run the method a 200 carries."""
        headers = {"Content-Type": "application/json", **headers}
        response = self.client.post(
            self.channel.config.webhook_path, content=content, headers=headers
        )
        if response.status_code == 200:
            self.fake.run_webhook_answer(response.content)
        return response.status_code

    def settle(self) -> None:
        """Wait until every update handed over so far is handled and marked done, and its
        replies counted in the alerts' pace."""
        portal = self.client.portal
        assert portal is not None
        assert portal.call(self.channel.queues.join, WAIT), "updates still being handled"
        assert self.channel.pace.settle(WAIT), "replies still being counted"

    def deliver(self, update: dict[str, Any]) -> None:
        """Hand an update to the bot: webhook POST, or the fake's queue when polling."""
        if self.channel.config.polling:
            self.fake.push_update(update)
        else:
            assert self.post(update) == 200


@contextmanager
def running_bot(
    svc: Services, fake: FakeTelegram, *, options: TelegramOptions = FAST
) -> Iterator[RunningBot]:
    """Start the web app with a Telegram channel (webhook or polling, per the settings)."""
    channel = TelegramChannel(svc, options=options)
    with TestClient(create_app(svc, [channel])) as client:
        yield RunningBot(client, channel, fake)


def is_text_to(chat_id: int) -> Any:
    """A predicate for fake.wait_for: a successful message sent or edited into a chat."""

    def match(call: Call) -> bool:
        visible = call.is_("sendMessage") or call.is_("editMessageText")
        return visible and not call.error_code and call.params.get("chat_id") == chat_id

    return match


def conversation_state(engine: Engine, cipher: FieldCipher, chat_id: int) -> dict[str, Any]:
    """The stored interview state of a Telegram chat (empty if there is none)."""
    key = cipher.blind_index(f"telegram:{chat_id}")
    with Session(engine) as session:
        row = session.exec(select(Conversation).where(Conversation.user_key == key)).first()
    return dict(row.state) if row else {}


def rows(engine: Engine, model: type[SQLModel]) -> list[Any]:
    """Every row of a table."""
    with Session(engine) as session:
        return list(session.exec(select(model)).all())


def _answer_only(shown: SentMessage, tapped: SentMessage) -> bool:
    """Whether a tap's first visible result is only its answer under the tapped question
    (no buttons, no next question): the next question then comes as a new message."""
    added = shown.text.removeprefix(tapped.text) if shown.text.startswith(tapped.text) else ""
    return (
        shown.method == "editMessageText"
        and shown.message_id == tapped.message_id
        and not shown.reply_markup
        and added.startswith("\n✓ ")
        and "\n\n" not in added
    )


class TelegramTipster:
    """One person in a private chat with the bot, sending real Bot API updates."""

    def __init__(
        self,
        bot: RunningBot,
        updates: UpdateFactory,
        chat_id: int,
        *,
        language_code: str | None = "zh-hans",
    ) -> None:
        self.bot, self.updates, self.chat_id = bot, updates, chat_id
        self.language_code = language_code
        self.last_message_id = 0
        self.delivered: list[dict[str, Any]] = []

    def send(self, update: dict[str, Any], *, expect: int = 1) -> SentMessage:
        """Deliver an update and wait until `expect` more messages reached the chat."""
        before = len(self.bot.fake.sent_messages(self.chat_id))
        if "message" in update:
            self.last_message_id = update["message"]["message_id"]
        self.bot.deliver(update)
        self.delivered.append(update)
        if expect:
            self.bot.fake.wait_for(is_text_to(self.chat_id), WAIT, count=before + expect)
        return self.question

    def says(self, text: str) -> SentMessage:
        """Type a message (a leading slash makes it a command, as Telegram's clients do)."""
        if text.startswith("/"):
            return self.send(
                self.updates.command(self.chat_id, text, language_code=self.language_code)
            )
        return self.send(self.updates.text(self.chat_id, text, language_code=self.language_code))

    def taps(self, label: str, *, on: SentMessage | None = None) -> SentMessage:
        """Tap the inline button showing `label` (ticks aside), on the last question by default."""
        message = on or self.question
        for row in (message.reply_markup or {}).get("inline_keyboard", []):
            for button in row:
                if label in (button["text"], button["text"][2:]):
                    before = len(self.bot.fake.sent_messages(self.chat_id))
                    shown = self.send(self.tap_update(message, button["callback_data"]))
                    if _answer_only(shown, message):  # the next question follows as a new one
                        self.bot.fake.wait_for(is_text_to(self.chat_id), WAIT, count=before + 2)
                    return self.question
        raise AssertionError(f"no button {label!r} in {self.buttons_of(message)}")

    def tap_update(self, message: SentMessage, data: str) -> dict[str, Any]:
        """The callback update Telegram sends when a button of `message` is tapped."""
        return self.updates.callback(
            self.chat_id,
            data,
            message_id=message.message_id,
            message_text=message.text,
            reply_markup=message.reply_markup,
            language_code=self.language_code,
        )

    def sends_location(self, lat: float, lon: float) -> SentMessage:
        """Share a location pin."""
        return self.send(self.updates.location(self.chat_id, lat, lon))

    def shares_contact(self, phone: str, *, user_id: int | None = None) -> SentMessage:
        """Share a contact: their own by default, or someone else's (user_id)."""
        return self.send(self.updates.contact(self.chat_id, phone, user_id=user_id))

    def sends_photo(self, file_id: str, unique_id: str) -> SentMessage:
        """Send a photo already stored on the fake Bot API."""
        return self.send(self.updates.photo(self.chat_id, file_id, unique_id))

    def edits_last_message(self, text: str) -> SentMessage:
        """Edit the last message this tipster sent."""
        return self.send(self.updates.edited_text(self.chat_id, self.last_message_id, text))

    @property
    def taps_made(self) -> int:
        """How many buttons this tipster tapped."""
        return sum("callback_query" in u for u in self.delivered)

    @property
    def question(self) -> SentMessage:
        """The bot's latest message in this chat."""
        sent = self.bot.fake.sent_messages(self.chat_id)
        assert sent, "the bot has said nothing yet"
        return sent[-1]

    @property
    def text(self) -> str:
        """The text of the bot's latest message."""
        return self.question.text

    @staticmethod
    def buttons_of(message: SentMessage) -> list[str]:
        """The labels of a message's inline buttons, top to bottom."""
        markup = message.reply_markup or {}
        return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]

    @property
    def buttons(self) -> list[str]:
        """The inline buttons on the latest message."""
        return self.buttons_of(self.question)

"""Telegram's side of a fault test: the Bot API (fake, with trip wires), webhook delivery
that re-sends every update not answered 200, and tipsters playing recorded interviews.

`Webhook` is Telegram delivering updates: one POST per update to one of the web processes,
sent again (same update_id) after a refused connection, a reset or a 5xx, until one
answer is 200. `TipsterPlayer` is a person in one chat: they send an action, and wait for
the bot's answer to it before the next, as people do; `burst` sends a typed script without
waiting, as Telegram does with a backlog.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, partial

import httpx
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool
from sqlmodel import Session, col, select

from bot.telegram.channel import SECRET_HEADER
from bot.telegram.render import decode_choice
from storage import InboundUpdate
from tests.bot.telegram_helpers import SECRET
from tests.fakes.telegram_api import FakeTelegram, SentMessage
from tests.fakes.telegram_state import JSON
from tests.fakes.telegram_updates import UpdateFactory
from tests.faults.scripts import Action, OwnContact, Pin, Say, Tap

ANSWER_WAIT = 90.0  # seconds for an answer that may wait for a restart or a database
REDELIVERY_PAUSE = 0.2  # how long "Telegram" waits before re-sending after a 5xx
MESSAGE_METHODS = ("sendmessage", "editmessagetext", "editmessagereplymarkup")


@dataclass
class Trip:
    """A trip wire on the fake Bot API: run `action` at the n-th matching call."""

    calls_left: int
    action: Callable[[], None]
    deliver: bool  # False: the call never reaches "Telegram" (lost with the dying process)


class TrippingTelegram(FakeTelegram):
    """The fake Bot API, able to kill the caller in the middle of a request, and answering
    nonsense (a list for a message id) with 400 as Telegram does, not a dropped connection."""

    def __init__(self) -> None:
        super().__init__()
        self._trip_lock = threading.Lock()
        self._trip: Trip | None = None

    def trip(self, trip: Trip) -> None:
        """Arm a trip wire on message-sending calls (one at a time)."""
        with self._trip_lock:
            self._trip = trip

    def disarm(self) -> None:
        """Remove the trip wire, if it didn't fire."""
        with self._trip_lock:
            self._trip = None

    def handle_call(self, method: str, params: JSON) -> tuple[int, JSON]:
        """Run a call, unless the trip wire fires first (then maybe drop it)."""
        fired: Trip | None = None
        if method.lower() in MESSAGE_METHODS:
            with self._trip_lock:
                if self._trip is not None:
                    self._trip.calls_left -= 1
                    if self._trip.calls_left <= 0:
                        fired, self._trip = self._trip, None
        if fired is not None:
            fired.action()  # the caller dies with this request in the air
            if not fired.deliver:
                return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
        try:
            return super().handle_call(method, params)
        except (TypeError, ValueError, KeyError) as error:  # the fake chokes where Telegram says
            return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {error}"}


class Webhook:
    """Telegram delivering to one or more web processes, re-sending until it gets a 200."""

    def __init__(self, path: str, slots: int = 1, client: httpx.Client | None = None) -> None:
        """Deliver to `path` on `slots` processes (through `client`, e.g. a TestClient)."""
        self.path = path
        # A new connection per delivery, none kept alive into a process that was killed.
        self._client = client or httpx.Client(
            timeout=60, limits=httpx.Limits(max_keepalive_connections=0)
        )
        self._cond = threading.Condition()
        self._urls: list[str | None] = [None] * slots
        self._generation = 0
        self.statuses: Counter[int | None] = Counter()  # None: no HTTP answer at all
        self.acknowledged: list[int] = []
        self.after_ack: Callable[[int], None] | None = None  # a test's hook (a kill)

    def up(self, slot: int, url: str) -> None:
        """A web process serves `slot` (after a start or restart)."""
        with self._cond:
            self._urls[slot] = url
            self._generation += 1
            self._cond.notify_all()

    def down(self, slot: int) -> None:
        """The process of `slot` is going away; deliveries wait for the next one."""
        with self._cond:
            self._urls[slot] = None

    def wait_for(self, predicate: Callable[[], bool], timeout: float) -> None:
        """Block until `predicate` (called under the webhook's lock) holds."""
        with self._cond:
            assert self._cond.wait_for(predicate, timeout), "Telegram's webhook stayed unserved"

    def wait_statuses(self, status: int | None, count: int, timeout: float) -> None:
        """Block until `count` deliveries were answered with `status`."""
        self.wait_for(lambda: self.statuses[status] >= count, timeout)

    def deliver(self, update: JSON, slot: int = 0) -> int:
        """POST one update until it is answered 200; how many attempts it took."""
        attempts = 0
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._urls[slot] is not None, ANSWER_WAIT)
                url, generation = self._urls[slot], self._generation
            assert url is not None, f"no web process on slot {slot}"
            attempts += 1
            status = self._post(url + self.path, update)
            with self._cond:
                self.statuses[status] += 1
                if status == 200:
                    self.acknowledged.append(update["update_id"])
                self._cond.notify_all()
            if status == 200:
                if self.after_ack is not None:
                    self.after_ack(update["update_id"])
                return attempts
            assert status in (None, 502, 503, 504), f"update refused with HTTP {status}"
            if status is None:  # the process died or is restarting: wait for its successor
                self._wait_restart(generation)
            else:
                time.sleep(REDELIVERY_PAUSE)  # Telegram's back-off before it tries again

    def _wait_restart(self, generation: int) -> None:
        with self._cond:
            self._cond.wait_for(lambda: self._generation != generation, 1.0)

    def _post(self, url: str, update: JSON) -> int | None:
        headers = {SECRET_HEADER: SECRET}
        try:
            return self._client.post(url, json=update, headers=headers).status_code
        except httpx.TransportError:
            return None


@cache
def _sqlite_reader(url: str) -> Engine:
    # Homeward's SQLite engine begins every transaction with BEGIN IMMEDIATE (the write lock):
    # a test watching the database that way would hold up the processes it watches.
    return create_engine(url, poolclass=NullPool)


def processed(engine: Engine, update_ids: list[int]) -> set[int]:
    """Which of these updates are stored and handled (replies sent) by some web process."""
    keys = [str(i) for i in update_ids]
    if engine.dialect.name == "sqlite":
        engine = _sqlite_reader(engine.url.render_as_string(hide_password=False))
    with Session(engine) as session:
        statement = select(InboundUpdate.update_key).where(
            col(InboundUpdate.update_key).in_(keys), col(InboundUpdate.processed_at).is_not(None)
        )
        return {int(k) for k in session.exec(statement)}


def wait_processed(engine: Engine, update_ids: list[int], timeout: float = ANSWER_WAIT) -> None:
    """Wait until every one of these updates was handled (the database may be down a while)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if processed(engine, update_ids) == set(update_ids):
                return
        except Exception:  # a database being restarted under the test
            pass
        assert time.monotonic() < deadline, f"updates never handled: {sorted(update_ids)}"
        time.sleep(0.05)  # another process's database commit: nothing to subscribe to


@dataclass
class TipsterPlayer:
    """One person in one private chat, playing a recorded interview against the bot."""

    chat_id: int
    script: list[Action]
    updates: UpdateFactory
    fake: FakeTelegram
    webhook: Webhook
    engine: Engine
    slot_of: Callable[[int], int] = lambda step: 0  # which web process gets the n-th update
    sent: list[int] = field(default_factory=list)  # update ids, in order

    def play(self, until: int | None = None) -> None:
        """Send actions one by one (up to index `until`), each after the answer to the last."""
        while len(self.sent) < min(len(self.script), until or len(self.script)):
            update = self.update_for(self.script[len(self.sent)])
            self.webhook.deliver(update, self.slot_of(len(self.sent)))
            self.sent.append(update["update_id"])
            wait_processed(self.engine, [update["update_id"]])

    def burst(self, until: int | None = None) -> None:
        """Send (typed) actions at once, each right after the last was acknowledged."""
        while len(self.sent) < min(len(self.script), until or len(self.script)):
            update = self.update_for(self.script[len(self.sent)])
            self.webhook.deliver(update, self.slot_of(len(self.sent)))
            self.sent.append(update["update_id"])

    def update_for(self, action: Action) -> JSON:
        """The update Telegram sends when this person does `action`."""
        chat, updates = self.chat_id, self.updates
        if isinstance(action, Say):
            if action.text.startswith("/"):
                return updates.command(chat, action.text)
            return updates.text(chat, action.text)
        if isinstance(action, Pin):
            return updates.location(chat, action.latitude, action.longitude)
        if isinstance(action, OwnContact):
            return updates.contact(chat, action.phone)
        return self._tap(action)

    def _tap(self, tap: Tap) -> JSON:
        question = self.question
        for row in (question.reply_markup or {}).get("inline_keyboard", []):
            for button in row:
                if decode_choice(button["callback_data"]) == (tap.step, tap.value):
                    return self.updates.callback(
                        self.chat_id,
                        button["callback_data"],
                        message_id=question.message_id,
                        message_text=question.text,
                        reply_markup=question.reply_markup,
                    )
        raise AssertionError(f"chat {self.chat_id}: no button {tap} on {question.text[:60]!r}")

    @property
    def question(self) -> SentMessage:
        """The bot's latest message in this chat."""
        sent = self.fake.sent_messages(self.chat_id)
        assert sent, f"chat {self.chat_id}: the bot has said nothing yet"
        return sent[-1]

    @property
    def seen(self) -> list[str]:
        """Every text the bot sent or edited into this chat, in order."""
        return [m.text for m in self.fake.sent_messages(self.chat_id)]


def players_for(
    scripts: Sequence[Sequence[Action]],
    fake: FakeTelegram,
    webhook: Webhook,
    engine: Engine,
    slot_of: Callable[[int], int] = lambda step: 0,
) -> list[TipsterPlayer]:
    """One tipster per script, in chats 5550001, 5550002, …"""
    updates = UpdateFactory()
    return [
        TipsterPlayer(5550001 + n, list(script), updates, fake, webhook, engine, slot_of)
        for n, script in enumerate(scripts)
    ]


def play_all(players: list[TipsterPlayer], until: Callable[[TipsterPlayer], int | None]) -> None:
    """Play every chat at once (each up to `until(player)` steps), each in its own thread."""
    together([partial(p.play, until(p)) for p in players])


def together(jobs: Sequence[Callable[[], object]]) -> None:
    """Run jobs in threads at once and wait for all; re-raise the first failure."""
    errors: list[BaseException] = []

    def run(job: Callable[[], object]) -> None:
        try:
            job()
        except BaseException as error:  # handed to the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(job,), daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(ANSWER_WAIT * 2)
    if errors:
        raise errors[0]
    assert not any(t.is_alive() for t in threads), "a tipster is still waiting for an answer"


def without_replays(texts: list[str]) -> list[str]:
    """A chat's texts with the repeats a restart causes removed.

    A process killed after sending a reply but before noting it sent sends it again when
    it restarts: the tipster sees the last one or two messages twice. Adjacent repeats of
    the same text are also how a multi-select ticks in place, so they collapse too.
    """
    kept: list[str] = []
    for text in texts:
        if text in kept[-2:]:
            continue
        kept.append(text)
    return kept

"""SIGTERM while the Bot API can't be reached and a backlog waits: out within the bound.

The README promises that a web process given SIGTERM is gone within about 11 s (1 s for
requests still open, then `TelegramOptions.stop_grace_seconds`), so a deploy's restart is
quick however Telegram is doing. Here Telegram stops answering (every call hangs) or
refuses connections while a backlog of chats waits, and the process must still be gone
within the bound plus a margin for a busy machine; nothing stored is lost, as the next
start answers every update.

When the network to Telegram fails, a webhook delivery can also stall half-way: its
connection stays open with part of the update sent, and nothing more comes. The process
must not wait for it (Telegram sends that update again to the next process).
"""

from __future__ import annotations

import json
import socket
import time
from contextlib import closing

import pytest
from sqlalchemy.engine import Engine

from storage import InboundUpdate
from tests.bot.telegram_helpers import SECRET, rows
from tests.fakes.telegram_updates import UpdateFactory
from tests.faults.conftest import webhook_path
from tests.faults.processes import Processes
from tests.faults.telegram_side import ANSWER_WAIT, TrippingTelegram, Webhook, together

CHATS = 24  # more than the 16 chats a process answers at once: some wait in line
BOUND = 11.0  # the documented bound
MARGIN = 15.0  # shutting down uvicorn and the connections, on a shared 2-core machine
HANGING = ("sendmessage", "answercallbackquery", "editmessagetext", "editmessagereplymarkup")


def stalled_delivery(port: int, path: str, update: dict[str, object]) -> socket.socket:
    """A webhook POST cut off half-way through its body, its connection left open."""
    body = json.dumps(update).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    connection = socket.create_connection(("127.0.0.1", port))
    connection.sendall(head.encode() + body[: len(body) // 2])
    return connection


@pytest.mark.parametrize("outage", ["hangs", "refuses"])
def test_sigterm_with_telegram_unreachable_exits_within_the_bound_and_loses_nothing(
    outage: str, fake: TrippingTelegram, processes: Processes, engine: Engine
) -> None:
    web = processes.web()
    processes.start_web(web)
    webhook = Webhook(webhook_path(fake))
    webhook.up(0, web.url)
    updates = UpdateFactory()
    if outage == "hangs":
        for method in HANGING:
            fake.delay(method, 600)  # accepted, never answered (until the fake stops)
    else:
        fake.stop()  # nothing listens on the Bot API's port any more
    chats = [7100 + n for n in range(CHATS)]
    together([lambda c=chat: webhook.deliver(updates.command(c, "start")) for chat in chats])
    stalled = stalled_delivery(web.port, webhook.path, updates.command(7099, "start"))
    time.sleep(3)  # sends start, time out or fail, and retries are waiting: the reported case

    with closing(stalled):
        started = time.monotonic()
        assert web.stop(timeout=BOUND + MARGIN + 30), "no clean exit after SIGTERM"
        took = time.monotonic() - started
    assert took < BOUND + MARGIN, f"SIGTERM took {took:.1f}s (bound {BOUND}s)"
    assert "Traceback" not in web.log()
    unanswered = [u.id for u in rows(engine, InboundUpdate) if u.processed_at is None]
    assert unanswered, "the backlog was meant to outlive the process"

    fake.delay("sendmessage", 0)
    for method in HANGING:
        fake.delay(method, 0)
    if outage == "refuses":
        fake.start()  # Telegram is back (on another port: the restart is told where)
        web.env = {**web.env, "TELEGRAM_API_BASE_URL": fake.base_url}
    processes.start_web(web)
    deadline = time.monotonic() + ANSWER_WAIT
    while any(u.processed_at is None for u in rows(engine, InboundUpdate)):
        assert time.monotonic() < deadline, "updates stored before the stop were never answered"
        time.sleep(0.2)
    for chat in chats:
        assert fake.sent_messages(chat), f"chat {chat} never got an answer"
    assert web.stop(timeout=BOUND + MARGIN + 30)

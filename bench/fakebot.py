"""A fast fake Bot API for the benchmark: asyncio, keep-alive, records every call with its time.

The test suite's fake (`tests/fakes/telegram_api.py`) models chats and messages faithfully
but starts a thread per request; this one only answers what the bots under test call and
notes when each call arrived, so the load generator in the same process can wait for
replies and the report can count sends per second.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = ["BOT_USER", "TOKEN", "Call", "FakeBotApi", "VISIBLE"]

TOKEN = "123456789:AAbenchmark-token-for-a-fake-bot-api-0"
BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
VISIBLE = frozenset({"sendmessage", "editmessagetext"})  # what a tipster sees as a reply
_TRUE = ("setwebhook", "deletewebhook", "setmycommands", "answercallbackquery")


@dataclass(frozen=True, slots=True)
class Call:
    """One Bot API request: when it arrived (monotonic), the method, and its chat."""

    at: float
    method: str  # lower case
    chat_id: int | None


class FakeBotApi:
    """Serves /bot<token>/<method> on 127.0.0.1 and records calls; wait for a chat's replies."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.visible: defaultdict[int, list[float]] = defaultdict(list)
        self._message_ids: defaultdict[int, int] = defaultdict(int)
        self._waiters: defaultdict[int, list[tuple[int, asyncio.Future[None]]]] = defaultdict(list)
        self._server: asyncio.Server | None = None
        self._peers: set[asyncio.StreamWriter] = set()

    async def start(self) -> int:
        """Listen on an ephemeral port; returns it."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, backlog=1024)
        return int(self._server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        """Stop listening and drop open connections."""
        if self._server is not None:
            self._server.close()
            for writer in list(self._peers):
                writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)
            self._server = None

    def last_message_id(self, chat_id: int) -> int:
        """The id of the bot's latest message in a chat (1 before the first)."""
        return self._message_ids.get(chat_id) or 1

    async def wait_visible(self, chat_id: int, count: int, timeout: float) -> bool:
        """Wait until `count` replies reached a chat; False on timeout."""
        if len(self.visible[chat_id]) >= count:
            return True
        entry = (count, asyncio.get_running_loop().create_future())
        self._waiters[chat_id].append(entry)
        try:
            await asyncio.wait_for(entry[1], timeout)
            return True
        except TimeoutError:
            with contextlib.suppress(ValueError):
                self._waiters[chat_id].remove(entry)
            return False

    def reset(self) -> None:
        """Forget recorded calls (between phases)."""
        self.calls.clear()
        self.visible.clear()

    # -- HTTP ------------------------------------------------------------------------------
    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._peers.add(writer)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                    lines = head.decode("latin-1").split("\r\n")
                    headers = {
                        k.strip().lower(): v.strip()
                        for k, _, v in (line.partition(":") for line in lines[1:] if line)
                    }
                    body = await reader.readexactly(int(headers.get("content-length") or 0))
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return  # the client went away
                target = lines[0].split(" ")[1]
                payload = json.dumps(self._answer(target, headers, body)).encode()
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (len(payload), payload)
                )
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    return
        except ConnectionError:
            return
        finally:
            self._peers.discard(writer)
            writer.close()

    def _answer(self, target: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
        url = urlsplit(target)
        method = unquote(url.path).rpartition("/")[2].lower()
        params: dict[str, Any] = dict(parse_qsl(url.query))
        if body and "json" in headers.get("content-type", ""):
            params.update(json.loads(body))
        elif body:
            params.update(parse_qsl(body.decode()))
        chat_id = _int(params.get("chat_id"))
        at = time.monotonic()
        self.calls.append(Call(at, method, chat_id))
        if method == "getme":
            return {"ok": True, "result": BOT_USER}
        if method in _TRUE or chat_id is None:
            return {"ok": True, "result": True}
        if method == "sendmessage":
            self._message_ids[chat_id] += 1
        if method in VISIBLE:
            self._seen(chat_id, at)
        message_id = _int(params.get("message_id")) or self._message_ids[chat_id]
        chat = {"id": chat_id, "type": "private" if chat_id > 0 else "group", "first_name": "T"}
        message = {"message_id": message_id, "date": int(time.time()), "chat": chat}
        return {"ok": True, "result": {**message, "from": BOT_USER, "text": params.get("text")}}

    def _seen(self, chat_id: int, at: float) -> None:
        times = self.visible[chat_id]
        times.append(at)
        waiters = self._waiters.get(chat_id)
        if not waiters:
            return
        for entry in [w for w in waiters if w[0] <= len(times)]:
            waiters.remove(entry)
            if not entry[1].done():
                entry[1].set_result(None)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None

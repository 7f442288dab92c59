"""Posting updates to a webhook the way Telegram does: keep-alive connections, secret header."""

from __future__ import annotations

import asyncio
import contextlib

__all__ = ["WebhookClient"]

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookClient:
    """POSTs JSON bodies to one path on 127.0.0.1 over a pool of reused connections."""

    # Raw asyncio rather than httpx: at a few hundred requests a second httpx's pool costs
    # the load generator more CPU than the server under test spends answering.

    def __init__(self, port: int, path: str, secret: str) -> None:
        self._port = port
        self._head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/json\r\n{SECRET_HEADER}: {secret}\r\n"
        ).encode()
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.in_answers = 0  # 200s that carried a Bot API method for Telegram to run

    async def post(self, body: bytes) -> int:
        """The HTTP status of one POST (0 if no connection could carry it)."""
        while self._idle:  # reuse a kept-alive connection; the server may have closed it
            conn = self._idle.pop()
            try:
                return await self._send(conn, body)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                conn[1].close()
        try:
            conn = await asyncio.open_connection("127.0.0.1", self._port)
            return await self._send(conn, body)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            return 0

    async def _send(
        self, conn: tuple[asyncio.StreamReader, asyncio.StreamWriter], body: bytes
    ) -> int:
        status, keep = await self._exchange(conn, body)
        if keep:
            self._idle.append(conn)
        else:
            conn[1].close()
        return status

    async def _exchange(
        self, conn: tuple[asyncio.StreamReader, asyncio.StreamWriter], body: bytes
    ) -> tuple[int, bool]:
        reader, writer = conn
        writer.write(self._head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
        await writer.drain()
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
        lines = head.split("\r\n")
        length, keep = 0, True
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name == "content-length":
                length = int(value)
            elif name == "connection" and "close" in value:
                keep = False
        status = int(lines[0].split(" ")[1])
        if length:
            body = await reader.readexactly(length)
            self.in_answers += status == 200 and body.startswith(b'{"method"')
        return status, keep

    async def close(self) -> None:
        """Close the idle connections."""
        for _, writer in self._idle:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
        self._idle.clear()

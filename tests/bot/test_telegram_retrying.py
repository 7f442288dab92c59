"""A stop during the wait before a retry ends the retrying: the update waits, stored, for the
next start, and nothing is tried again on the way out."""

from __future__ import annotations

import asyncio

from telegram.error import NetworkError

from bot.telegram.retrying import retrying


def test_a_stop_during_the_wait_before_a_retry_tries_nothing_again() -> None:
    tries: list[int] = []

    async def run() -> BaseException | None:
        stopping = asyncio.Event()

        async def send() -> None:
            tries.append(1)
            asyncio.get_running_loop().call_soon(stopping.set)  # SIGTERM while it waits
            raise NetworkError("Telegram unreachable")

        return await retrying(1, send, (3600.0, 3600.0), stopping=stopping)

    error = asyncio.run(run())

    assert isinstance(error, NetworkError)
    assert len(tries) == 1

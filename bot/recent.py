"""Which chats a web process answered lately: they go before chats it has never seen.

A flood of new chats (a spam run, a botnet) can't be told apart by address: every update
comes from Telegram's or WeChat's servers. What sets the tipsters in the middle of a report
apart is that this process answered them a moment ago. Kept in this process's memory only
(by Python's hash of the chat), never logged or stored.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

__all__ = ["KNOWN_FOR", "RecentChats"]

KNOWN_FOR = 3600.0  # seconds a chat stays "talking to us" after its last message here
KNOWN_MAX = 100_000  # chats remembered at most (the oldest are forgotten first)


class RecentChats:
    """Chats seen in the last hour, at most KNOWN_MAX of them."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._seen: OrderedDict[int, float] = OrderedDict()  # hash(chat) -> last seen
        self._clock = clock

    def known(self, chat: Hashable) -> bool:
        """Whether the chat was answered here lately."""
        seen = self._seen.get(hash(chat))
        return seen is not None and self._clock() - seen < KNOWN_FOR

    def saw(self, chat: Hashable) -> None:
        """Note that the chat was answered now."""
        key = hash(chat)
        self._seen[key] = self._clock()
        self._seen.move_to_end(key)
        while len(self._seen) > KNOWN_MAX:
            self._seen.popitem(last=False)

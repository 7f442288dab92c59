"""PTB's HTTP client for the web process: Bot API calls straight to httpcore's pool.

PTB's `HTTPXRequest` sends each call through httpx, whose request and response models,
auth and redirect flows and stream wrappers cost more CPU per reply than the pool under
them. `KeptRequest` is that `HTTPXRequest` with its calls without files (every reply,
edit and tap answer) sent to the same client's pool directly, as httpx would send them
(a form-encoded POST, the same timeouts); errors become PTB's `TimedOut` and
`NetworkError` as in `HTTPXRequest`, and PTB turns the answer into its own errors
(`BadRequest`, `Forbidden`, `RetryAfter`, ...) as before. Uploads, and every call when a
proxy is configured in the environment, still go through httpx.


Before each Bot API request (and after each response) httpcore's pool asks every idle
connection whether its socket is readable, to drop those the server closed. Through anyio
that asks the socket for all its attributes each time, a `getpeername` system call among
them: with a few connections kept open, ~0.6 ms of CPU per reply on this machine. Here each
connection keeps its socket object from the first ask (it is the same socket for the
connection's life) and polls it at most once in FRESH_SECONDS, and not within
FRESH_SECONDS of reading a response: a server closes an idle keep-alive connection after
many seconds, and one that closes it at once says so in its response ("Connection:
close", which httpcore obeys), so an answer up to a second old is taken as current. With
64 chats answered at once the pool keeps dozens of connections, the least used ones idle
for seconds, so every request polled them all: ~45 system calls per update. Everything
else (timeouts, TLS, errors, the pool's size) is httpx's and PTB's as before.
"""

from __future__ import annotations

import math
import ssl
import time
import typing
from urllib.parse import urlencode
from urllib.request import getproxies

import httpcore
import httpx
from httpcore import AsyncNetworkBackend, AsyncNetworkStream
from httpcore._utils import is_socket_readable
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest, RequestData

__all__ = ["POOL_SIZE", "KeptRequest", "bot_request"]

POOL_SIZE = 256  # PTB's own default for the Bot API requests of an Application
FRESH_SECONDS = 1.0  # how long a connection's reading or polling counts as open
_NOT_YET = object()


class _KeptSocketStream(AsyncNetworkStream):
    """A connection's stream that looks its socket up once, and polls it at most once a second."""

    def __init__(self, stream: AsyncNetworkStream) -> None:
        self._stream = stream
        self._socket: typing.Any = _NOT_YET
        self._open_at = -math.inf  # when it last read a response, or was polled (never yet)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data = await self._stream.read(max_bytes, timeout)
        self._open_at = time.monotonic() if data else -math.inf  # b"": closed, poll it
        return data

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
            now = time.monotonic()
            if now - self._open_at < FRESH_SECONDS:
                return False
            if self._socket is _NOT_YET:
                self._socket = self._stream.get_extra_info("socket")
            readable = is_socket_readable(self._socket)
            self._open_at = -math.inf if readable else now
            return readable
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


_FORM = (b"Content-Type", b"application/x-www-form-urlencoded")
_POOL_FULL = (
    "Pool timeout: All connections in the connection pool are occupied. Request was *not* "
    "sent to Telegram. Consider adjusting the connection pool size or the pool timeout."
)  # HTTPXRequest's words


class KeptRequest(HTTPXRequest):
    """`HTTPXRequest` whose calls without files go to its pool directly (see the module)."""

    def __init__(self) -> None:
        transport = _transport()
        super().__init__(connection_pool_size=POOL_SIZE, httpx_kwargs={"transport": transport})
        pool = transport._pool
        assert isinstance(pool, httpcore.AsyncConnectionPool)
        self._pool = pool
        self._direct = not getproxies()  # httpx would route through an environment proxy
        self._user_agent = (b"User-Agent", self.USER_AGENT.encode())

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = HTTPXRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = HTTPXRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = HTTPXRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = HTTPXRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """See `BaseRequest.do_request`."""
        if not self._direct or (request_data is not None and request_data.contains_files):
            return await super().do_request(
                url, method, request_data, read_timeout, write_timeout, connect_timeout,
                pool_timeout,
            )  # fmt: skip
        if self._client.is_closed:
            raise RuntimeError("This HTTPXRequest is not initialized!")
        default = self._client.timeout
        timeouts = {
            "connect": _or(connect_timeout, default.connect),
            "read": _or(read_timeout, default.read),
            "write": _or(write_timeout, default.write),
            "pool": _or(pool_timeout, default.pool),
        }
        data = request_data.json_parameters if request_data is not None else None
        headers = [self._user_agent, _FORM] if data else [self._user_agent]
        body = urlencode(data, doseq=True).encode() if data else b""
        try:
            response = await self._pool.request(
                method, url, headers=headers, content=body, extensions={"timeout": timeouts}
            )
        except httpcore.PoolTimeout as error:
            raise TimedOut(message=_POOL_FULL) from error
        except httpcore.TimeoutException as error:
            raise TimedOut from error
        except (
            httpcore.NetworkError,
            httpcore.ProtocolError,
            httpcore.ProxyError,
            httpcore.UnsupportedProtocol,
        ) as error:
            raise NetworkError(f"httpcore.{type(error).__name__}: {error}") from error
        return response.status, response.content


def _or(given: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(given, DefaultValue) else given


def bot_request() -> HTTPXRequest:
    """PTB's request object for an Application's Bot API calls (not `getUpdates`)."""
    return KeptRequest()

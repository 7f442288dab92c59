"""PTB's HTTP client for the web process: Bot API calls through aiohttp.

PTB's default `HTTPXRequest` goes through httpx and httpcore, both pure Python. Under many
replies at once httpcore's pool re-scans every connection it keeps at each request and hands
one idle connection to several waiting requests, all but one of which then fail and queue
again (encode/httpcore#822 and #1110, open in 1.0.9): a reply's call cost the web process
about twice the CPU it costs through aiohttp, whose HTTP parser is C and whose pool gives a
connection to one request at a time (bench/RESULTS.md, 8 December). `AiohttpRequest` is
PTB's public `BaseRequest` over one aiohttp session, and does what `HTTPXRequest` does:
parameters form-encoded, files as multipart, the same default timeouts (connect 5 s, read
5 s, pool 1 s; an upload may take 20 s to send), a timeout becomes PTB's `TimedOut` and a
connection failure its `NetworkError`, and PTB turns Telegram's answers into its own errors
(`BadRequest`, `Forbidden`, `RetryAfter`, ...) as before. Telegram's certificate is checked
against the same authorities as httpx's (`httpx.create_ssl_context`: certifi's bundle, or
`SSL_CERT_FILE`/`SSL_CERT_DIR`), so a slim image without system certificates works as before.
A proxy set in the environment (`HTTPS_PROXY`, `NO_PROXY`) is used, as httpx uses it; it is
looked up once per host (aiohttp's own `trust_env` looks it up in a thread at every request).
"""

from __future__ import annotations

import typing
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

import aiohttp
import httpx
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

__all__ = ["POOL_SIZE", "AiohttpRequest", "bot_request"]

POOL_SIZE = 256  # PTB's own default for the Bot API requests of an Application


class AiohttpRequest(BaseRequest):
    """PTB's Bot API requests over an aiohttp session (see the module)."""

    def __init__(
        self,
        *,
        connection_pool_size: int = POOL_SIZE,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read, self._connect, self._pool = read_timeout, connect_timeout, pool_timeout
        self._media_write = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        """See `BaseRequest.read_timeout`."""
        return self._read

    async def initialize(self) -> None:
        """Open the session (in the running event loop)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=self._pool_size, ssl=httpx.create_ssl_context()
                ),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """See `BaseRequest.do_request`."""
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data is not None and request_data.contains_files
        read = _or(read_timeout, self._read)
        connect = _or(connect_timeout, self._connect)
        pool = _or(pool_timeout, self._pool)
        timeout = aiohttp.ClientTimeout(
            # aiohttp's `connect` counts the wait for a free connection in the pool too
            connect=None if pool is None or connect is None else pool + connect,
            sock_connect=connect,
            sock_read=read,
            # aiohttp has no write timeout: an upload is given its sending time and the reply's
            total=_upload_total(_or(write_timeout, self._media_write), read) if files else None,
        )
        try:
            async with session.request(
                method, url, data=_body(request_data), timeout=timeout, proxy=self._proxy(url)
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's connect, read and total timeouts
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error

    def _proxy(self, url: str) -> str | None:
        """The environment's proxy for the URL's host, if any (looked up once per host)."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname or "")
        if key not in self._proxies:
            proxy = getproxies().get(parts.scheme)
            self._proxies[key] = None if proxy is None or proxy_bypass(key[1]) else proxy
        return self._proxies[key]


def _or(given: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(given, DefaultValue) else given


def _upload_total(write: float | None, read: float | None) -> float | None:
    """An upload's whole time: its sending (PTB's media write timeout), then the answer."""
    return None if write is None or read is None else write + read


def _body(request_data: RequestData | None) -> typing.Any:
    """The call's parameters form-encoded, or with its files as multipart (as httpx sends)."""
    if request_data is None:
        return None
    parameters = request_data.json_parameters
    if not request_data.contains_files:
        return parameters or None
    form = aiohttp.FormData()
    for name, value in parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form


def bot_request() -> BaseRequest:
    """PTB's request object for an Application's Bot API calls (not `getUpdates`)."""
    return AiohttpRequest()

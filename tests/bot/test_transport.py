"""The web process's Bot API client (`AiohttpRequest`) through a real PTB `Bot`, against the
fake Bot API over HTTP: parameters and uploads arrive as Telegram reads them, a silent server
is a `TimedOut`, a closed port a `NetworkError`, a proxy from the environment is used, and a
certificate is checked (SSL_CERT_FILE honoured, as httpx honours it)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import ipaddress
import socket
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from telegram import Bot, InputFile
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.telegram.transport import AiohttpRequest
from tests.fakes.telegram_api import DEFAULT_TOKEN, FakeTelegram, Upload

CHAT = 5550201
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4  # binary, with every byte value


@asynccontextmanager
async def bot_on(base_url: str, request: AiohttpRequest | None = None) -> AsyncIterator[Bot]:
    bot = Bot(DEFAULT_TOKEN, base_url=base_url, request=request or AiohttpRequest())
    await bot.initialize()
    try:
        yield bot
    finally:
        await bot.shutdown()


def test_a_message_and_an_upload_arrive_as_sent(fake: FakeTelegram) -> None:
    async def calls() -> None:
        async with bot_on(fake.base_url) as bot:
            await bot.send_message(CHAT, "你好 & goodbye = 100%", disable_notification=True)
            photo = InputFile(io.BytesIO(PNG), filename="child.png")
            await bot.send_photo(CHAT, photo, caption="照片 + caption")

    asyncio.run(calls())
    message = fake.calls("sendMessage")[-1].params
    assert (message["chat_id"], message["text"]) == (CHAT, "你好 & goodbye = 100%")
    assert message["disable_notification"] is True
    sent = fake.calls("sendPhoto")[-1].params
    assert sent["caption"] == "照片 + caption"
    assert isinstance(sent["photo"], Upload)
    assert (sent["photo"].filename, sent["photo"].content) == ("child.png", PNG)


def test_telegrams_refusal_is_ptbs_own_error(fake: FakeTelegram) -> None:
    fake.fail_next("sendMessage", error_code=400)

    async def call() -> None:
        async with bot_on(fake.base_url) as bot:
            await bot.send_message(CHAT, "hello")

    with pytest.raises(BadRequest):
        asyncio.run(call())


async def _silent_server() -> tuple[asyncio.Server, int]:
    """A server that takes connections and never answers."""

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # until the client gives up

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


def test_a_server_that_never_answers_is_a_timeout() -> None:
    async def call() -> None:
        server, port = await _silent_server()
        async with server:
            request = AiohttpRequest(read_timeout=0.3)
            async with bot_on(f"http://127.0.0.1:{port}/bot", request) as bot:
                await bot.send_message(CHAT, "hello")

    with pytest.raises(TimedOut):
        asyncio.run(call())


def test_a_closed_port_is_a_network_error() -> None:
    with socket.socket() as unused:  # a port nobody listens on
        unused.bind(("127.0.0.1", 0))
        unused_port = unused.getsockname()[1]

    async def call() -> None:
        # initialize() calls getMe, which fails first
        await Bot(
            DEFAULT_TOKEN, base_url=f"http://127.0.0.1:{unused_port}/bot", request=AiohttpRequest()
        ).initialize()

    with pytest.raises(NetworkError) as raised:
        asyncio.run(call())
    assert "aiohttp.ClientConnectorError" in str(raised.value)


async def _answered(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bytes:
    """Read a request's head and answer it as Telegram answers `deleteWebhook`, then close;
    the request line."""
    head = await reader.readuntil(b"\r\n\r\n")
    body = b'{"ok":true,"result":true}'
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
    writer.write(b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
    await writer.drain()
    writer.close()
    return head.split(b"\r\n")[0]


def test_a_proxy_from_the_environment_is_used(
    fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bytes] = []

    async def proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """An HTTP proxy that only notes the request line and answers as Telegram would."""
        seen.append(await _answered(reader, writer))

    async def call() -> bool:
        server = await asyncio.start_server(proxy, "127.0.0.1", 0)
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}")
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        async with server:
            request = AiohttpRequest()
            await request.initialize()
            try:
                url = "http://api.telegram.invalid/bot123:abc/deleteWebhook"
                answer = await request.post(url)
            finally:
                await request.shutdown()
        return bool(answer)

    assert asyncio.run(call()) is True
    assert seen == [b"POST http://api.telegram.invalid/bot123:abc/deleteWebhook HTTP/1.1"]


def _self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by itself, and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "homeward-test")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def test_telegrams_certificate_is_checked_and_ssl_cert_file_is_honoured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert_file, key_file = _self_signed(tmp_path)

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, ssl.SSLError):  # the client refused us
            await _answered(reader, writer)
        writer.close()

    async def call() -> object:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert_file, key_file)
        server = await asyncio.start_server(answer, "127.0.0.1", 0, ssl=context)
        port = server.sockets[0].getsockname()[1]
        async with server:
            request = AiohttpRequest()
            await request.initialize()
            try:
                return await request.post(f"https://127.0.0.1:{port}/bot123:abc/deleteWebhook")
            finally:
                await request.shutdown()

    with pytest.raises(NetworkError):  # an authority nobody trusts
        asyncio.run(call())
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))  # as httpx reads it
    assert asyncio.run(call()) is True

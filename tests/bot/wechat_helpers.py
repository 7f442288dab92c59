"""A WeChat world for tests: the real web app, WeChat's server (signed XML) and a fake API.

Every request is callback XML built the way WeChat builds it (`WeChatSender`), POSTed to
`bot.web.create_app` through Starlette's TestClient; every reply is read back the way WeChat
reads it.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import text
from sqlalchemy.engine import Engine
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():  # Starlette 1.x nudges towards httpx2, which we don't ship
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from bot.settings import Settings
from bot.web import create_app
from bot.wechat import WeChatChannel
from bot.wiring import Services, assemble
from storage import FieldCipher
from tests.fakes.wechat_api import FakeWeChatAPI
from tests.fakes.wechat_server import WeChatSender, parse_reply, sha1_signature

TOKEN = "homewardtoken"
APP_ID = "wxhomewardfake0001"
SECRET = "fake-app-secret"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
OPENID = "oHomewardFakeTipster000000001"
REDIS_URL = os.environ.get("HOMEWARD_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# WeChat gives up on a passive reply after 5 s, so the channel answers within REPLY_DEADLINE
# (4 s). Tests use a generous deadline, so a loaded machine never turns an answer into a late
# one; the tests of the deadline itself (test_wechat_late_replies) set a short one.
TEST_REPLY_DEADLINE = 30.0


def wechat_settings(
    *, database_url: str, secret_key: str, data_dir: Path, safe_mode: bool, **overrides: Any
) -> Settings:
    """Settings of a WeChat-only deployment (no Telegram), pointing at the fake API."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "redis_url": REDIS_URL,
        "homeward_secret_key": secret_key,
        "homeward_data_dir": data_dir,
        "telegram_bot_token": None,
        "wechat_token": TOKEN,
        "wechat_app_id": APP_ID,
        "wechat_app_secret": SECRET,
        "wechat_encoding_aes_key": AES_KEY if safe_mode else None,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class Delivered:
    """One POST as WeChat saw it: status, reply body and the reply's fields."""

    status: int
    body: bytes
    reply: dict[str, Any]

    @property
    def content(self) -> str:
        """The text WeChat shows the tipster ("" for `success`)."""
        return str(self.reply.get("Content", ""))


@dataclass
class WeChatWorld:
    """The running app with its services, WeChat's server and the fake WeChat API."""

    svc: Services
    channel: WeChatChannel
    client: TestClient
    sender: WeChatSender
    api: FakeWeChatAPI
    safe_mode: bool

    def post(self, xml: str, **signing: Any) -> Delivered:
        """Deliver callback XML as WeChat would; the reply is decrypted and parsed."""
        params, body = self.sender.signed_request(xml, safe_mode=self.safe_mode, **signing)
        return self.post_raw(params, body)

    def post_raw(self, params: dict[str, str], body: bytes) -> Delivered:
        """POST exactly these query parameters and body."""
        response = self.client.post("/wechat", params=params, content=body)
        reply: dict[str, Any] = {}
        if response.status_code == 200:
            reply = parse_reply(self.sender.decrypt_reply(response.content, params))
        return Delivered(response.status_code, response.content, reply)

    def tipster(self, openid: str = OPENID) -> WeChatTipster:
        """A follower of the account."""
        return WeChatTipster(self, openid)


class WeChatTipster:
    """One WeChat user; everything they do is a real callback to /wechat."""

    def __init__(self, world: WeChatWorld, openid: str) -> None:
        self.world = world
        self.openid = openid
        self.last: Delivered | None = None

    @property
    def sender(self) -> WeChatSender:
        """WeChat's server, for building this user's messages."""
        return self.world.sender

    def sends(self, xml: str) -> str:
        """Deliver one message; return the text of the passive reply."""
        self.last = self.world.post(xml)
        assert self.last.status == 200, self.last.body
        if self.last.reply:
            assert self.last.reply["ToUserName"] == self.openid
            assert self.last.reply["FromUserName"] == self.sender.account
            assert self.last.reply["MsgType"] == "text"
        return self.last.content

    def says(self, words: str) -> str:
        """Type a text message."""
        return self.sends(self.sender.text(words, openid=self.openid))

    def sends_location(self, lat: float, lon: float, label: str = "") -> str:
        """Share a location from WeChat's location picker."""
        return self.sends(self.sender.location(lat, lon, label=label, openid=self.openid))

    def sends_image(self, media_id: str) -> str:
        """Send a photo (WeChat passes its MediaId)."""
        return self.sends(self.sender.image(media_id, openid=self.openid))

    def follows(self) -> str:
        """Follow the Official Account."""
        return self.sends(self.sender.subscribe(openid=self.openid))

    @property
    def reply(self) -> str:
        """The last reply's text."""
        assert self.last is not None, "nothing sent yet"
        return self.last.content


def signed_around(
    sender: WeChatSender, body: bytes, *, safe_mode: bool, encrypt: str = ""
) -> tuple[dict[str, str], bytes]:
    """Correct query signatures around any body (as if the token had leaked).

    In safe mode `msg_signature` covers `encrypt`, the Encrypt value the body claims to carry.
    """
    params, _ = sender.signed_request("", safe_mode=False)
    if safe_mode:
        params["encrypt_type"] = "aes"
        params["msg_signature"] = sha1_signature(
            sender.token, params["timestamp"], params["nonce"], encrypt
        )
    return params, body


def services_for(
    settings: Settings, *, engine: Engine, cipher: FieldCipher, redis_client: redis.Redis
) -> Services:
    """The web process's services on the test database and Redis."""
    return assemble(settings, engine=engine, cipher=cipher, connection=redis_client)


@contextmanager
def wechat_world(
    settings: Settings,
    *,
    engine: Engine,
    cipher: FieldCipher,
    redis_client: redis.Redis,
    reply_deadline: float = TEST_REPLY_DEADLINE,
) -> Iterator[WeChatWorld]:
    """Run the app with a WeChat channel against the fake API until the block ends."""
    with FakeWeChatAPI(APP_ID, SECRET) as api:
        settings = settings.model_copy(update={"wechat_api_base_url": api.api_base_url})
        svc = services_for(settings, engine=engine, cipher=cipher, redis_client=redis_client)
        channel = WeChatChannel(svc, reply_deadline=reply_deadline)
        safe_mode = settings.wechat_encoding_aes_key is not None
        sender = WeChatSender(TOKEN, APP_ID, AES_KEY)
        with TestClient(create_app(svc, [channel])) as client:
            yield WeChatWorld(svc, channel, client, sender, api, safe_mode)


@contextmanager
def world_for(
    request: pytest.FixtureRequest,
    *,
    engine: Engine,
    cipher: FieldCipher,
    redis_client: redis.Redis,
    database_url: str,
    secret_key: str,
    data_dir: Path,
    reply_deadline: float = TEST_REPLY_DEADLINE,
) -> Iterator[WeChatWorld]:
    """A world in the mode a fixture is parametrized with ("safe" or "plaintext")."""
    settings = wechat_settings(
        database_url=database_url,
        secret_key=secret_key,
        data_dir=data_dir,
        safe_mode=getattr(request, "param", "safe") == "safe",
    )
    with wechat_world(
        settings,
        engine=engine,
        cipher=cipher,
        redis_client=redis_client,
        reply_deadline=reply_deadline,
    ) as world:
        yield world


def row_counts(engine: Engine) -> dict[str, int]:
    """How many conversations, deliveries and reports are stored."""
    with engine.connect() as conn:
        return {
            table: int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
            for table in ("conversation", "delivery", "report")
        }


@contextmanager
def conversations_locked(engine: Engine) -> Iterator[None]:
    """Hold every conversation's row lock in another transaction (SQLite: the write lock)."""
    # On SQLite the transaction begins IMMEDIATE (storage.db), which takes the write lock.
    lock = "" if engine.dialect.name == "sqlite" else " FOR UPDATE"
    with engine.connect() as conn, conn.begin():
        conn.execute(text("SELECT id FROM conversation" + lock)).all()
        yield


def stored_rows(engine: Engine) -> str:
    """Every row of every table as one string (to look for identities stored in clear)."""
    from sqlmodel import SQLModel

    dump = []
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            dump.extend(str(tuple(row)) for row in conn.execute(table.select()))
    return "\n".join(dump)

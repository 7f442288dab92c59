"""Callbacks that are forged, stale, replayed or malicious are refused before anything is stored."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import redis
from sqlalchemy.engine import Engine

from storage import FieldCipher
from tests.bot.wechat_helpers import (
    AES_KEY,
    APP_ID,
    WeChatWorld,
    conversations_locked,
    row_counts,
    signed_around,
    wechat_settings,
    wechat_world,
)
from tests.fakes.wechat_server import WeChatSender, cdata

NOTHING = {"conversation": 0, "delivery": 0, "report": 0}
SAFE = pytest.mark.parametrize("world", ["safe"], indirect=True)


def test_the_console_url_check_is_answered_only_when_signed(world: WeChatWorld) -> None:
    params = world.sender.verify_echo()
    assert world.client.get("/wechat", params=params).text == params["echostr"]

    forged = {**params, "signature": "0" * 40}
    assert world.client.get("/wechat", params=forged).status_code == 403
    stale = world.sender.verify_echo(timestamp=str(int(time.time()) - 3600))
    assert world.client.get("/wechat", params=stale).status_code == 403


def test_a_bad_signature_is_refused_and_nothing_stored(world: WeChatWorld, engine: Engine) -> None:
    params, body = world.sender.signed_request(world.sender.text("你好"), safe_mode=world.safe_mode)

    refused = world.post_raw({**params, "signature": "f" * 40}, body)

    assert refused.status == 403
    assert row_counts(engine) == NOTHING


@pytest.mark.parametrize("age", [-330, 330, 3600])  # the window is 300 s
def test_a_stale_timestamp_is_refused(world: WeChatWorld, engine: Engine, age: int) -> None:
    stamp = str(int(time.time()) - age)

    refused = world.post(world.sender.text("你好"), timestamp=stamp)

    assert refused.status == 403 and refused.body == b"stale timestamp"
    assert row_counts(engine) == NOTHING


def test_a_replayed_nonce_is_refused(world: WeChatWorld, engine: Engine) -> None:
    params, body = world.sender.signed_request(world.sender.text("你好"), safe_mode=world.safe_mode)
    assert world.post_raw(params, body).status == 200
    stored = row_counts(engine)

    replay = world.post_raw(params, body)
    # In plaintext mode the signature doesn't cover the body: an attacker could swap it.
    other = world.sender.text("/cancel")
    swapped = world.sender.signed_request(
        other, safe_mode=world.safe_mode, timestamp=params["timestamp"], nonce=params["nonce"]
    )

    assert replay.status == 403 and replay.body == b"replayed nonce"
    assert world.post_raw(*swapped).status == 403
    assert row_counts(engine) == stored


@SAFE
def test_safe_mode_refuses_plaintext_tampering_and_other_apps(
    world: WeChatWorld, engine: Engine
) -> None:
    sender = world.sender
    plaintext = sender.signed_request(sender.text("你好"), safe_mode=False)
    params, body = sender.signed_request(sender.text("你好"), safe_mode=True)
    tampered = body.replace(b"<Encrypt><![CDATA[", b"<Encrypt><![CDATA[A")
    other_app = WeChatSender(sender.token, "wxsomeoneelse00001", AES_KEY)
    other_key = WeChatSender(sender.token, APP_ID, "B" * 43)

    assert world.post_raw(*plaintext).status == 403  # unsigned body on a safe-mode account
    assert world.post_raw(params, tampered).status == 403  # msg_signature covers Encrypt
    foreign_app = other_app.signed_request(other_app.text("x"), safe_mode=True)
    foreign_key = other_key.signed_request(other_key.text("x"), safe_mode=True)
    assert world.post_raw(*foreign_app).status == 403  # encrypted for another app id
    assert world.post_raw(*foreign_key).status == 400  # not decryptable with our key
    assert row_counts(engine) == NOTHING


@pytest.mark.parametrize(
    "attack",
    ["billion_laughs", "billion_laughs_envelope", "external_entity", "bare_doctype"],
)
def test_xml_with_a_dtd_or_entities_is_refused(
    world: WeChatWorld, engine: Engine, attack: str
) -> None:
    sender = world.sender
    bodies = {
        "billion_laughs": sender.billion_laughs(),
        "billion_laughs_envelope": sender.billion_laughs(envelope=True),
        "external_entity": sender.external_entity(),
        "bare_doctype": "<!DOCTYPE xml>" + sender.text("你好"),
    }

    body = bodies[attack].encode()
    refused = world.post_raw(*signed_around(sender, body, safe_mode=world.safe_mode))

    # Refused before any expansion (which would take gigabytes and minutes).
    assert refused.status == 400 and b"DTDForbidden" in refused.body
    assert row_counts(engine) == NOTHING


def test_truncated_or_unreadable_xml_is_refused_and_the_next_message_answered(
    world: WeChatWorld, engine: Engine
) -> None:
    sender = world.sender
    truncated = sender.truncated()
    no_type = f"<xml><FromUserName>{cdata('o1')}</FromUserName><CreateTime>1</CreateTime></xml>"
    nested = sender.text("你好").replace(cdata(sender.openid), "<a><b/></a>")

    off_the_map = sender.location(95.0, 200.0)

    for body in (truncated, "", "<notxml/>", no_type, nested, off_the_map):
        assert world.post(body).status == 400, body
    assert row_counts(engine) == NOTHING
    assert "欢迎" in world.tipster().says("你好")


@pytest.mark.parametrize("codec", ["gbk", "utf-16", "no-such-codec"])
def test_bodies_in_an_encoding_wechat_never_sends_are_refused(
    world: WeChatWorld, engine: Engine, codec: str
) -> None:
    sender = world.sender
    xml = f'<?xml version="1.0" encoding="{codec}"?>' + sender.text("你好")
    body = xml.encode("utf-8" if codec == "no-such-codec" else codec)

    refused = world.post_raw(*signed_around(sender, body, safe_mode=world.safe_mode))

    assert refused.status == 400  # was a 500: the XML parsers raised what nobody caught
    assert row_counts(engine) == NOTHING


@pytest.mark.parametrize("field", ["MsgId", "CreateTime"])
def test_numbers_longer_than_wechat_sends_are_refused(
    world: WeChatWorld, engine: Engine, field: str
) -> None:
    message = world.sender.text("你好") if field == "MsgId" else world.sender.subscribe()
    too_long = message.replace(f"<{field}>", f"<{field}>" + "9" * 200)

    # Was "success" and no reply: the delivery key overflowed its column in the intake.
    assert world.post(too_long).status == 400
    assert row_counts(engine) == NOTHING


def test_oversized_bodies_get_413(world: WeChatWorld, engine: Engine) -> None:
    oversized = world.sender.oversized(200_000).encode()
    params, body = signed_around(world.sender, oversized, safe_mode=False)
    chunks = iter([body[:40_000], body[40_000:]])  # no Content-Length: counted while read

    declared = world.client.post("/wechat", params=params, content=body)
    streamed = world.client.post("/wechat", params=params, content=chunks)

    assert declared.status_code == streamed.status_code == 413
    assert row_counts(engine) == NOTHING


def test_requests_without_signature_parameters_are_bad_requests(world: WeChatWorld) -> None:
    assert world.client.post("/wechat", content=world.sender.text("你好")).status_code == 400
    assert world.client.get("/wechat").status_code == 400


def test_while_redis_is_down_messages_are_still_answered(
    engine: Engine,
    cipher: FieldCipher,
    database_url: str,
    secret_key: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    down = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    settings = wechat_settings(
        database_url=database_url, secret_key=secret_key, data_dir=tmp_path, safe_mode=True
    )
    with wechat_world(settings, engine=engine, cipher=cipher, redis_client=down) as world:
        tipster = world.tipster()
        assert "你想报告什么" in tipster.says("你好")  # the replay check is skipped, not the tip
        world.channel.reply_deadline = 0.5
        with conversations_locked(engine):
            late = world.post(world.sender.text("1"))  # too slow, and no queue for later

    assert "replay check skipped" in caplog.text
    assert late.status == 503  # WeChat retries; the retry gets the stored reply

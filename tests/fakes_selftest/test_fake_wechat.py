"""The fake WeChat server's requests are accepted by wechatpy, and its replies read back."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.parsers.expat import ExpatError

import pytest
from defusedxml import DTDForbidden
from defusedxml.ElementTree import fromstring as defused_fromstring
from wechatpy import create_reply, parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.events import ClickEvent, SubscribeEvent, UnsubscribeEvent
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.messages import (
    ImageMessage,
    LinkMessage,
    LocationMessage,
    ShortVideoMessage,
    TextMessage,
    UnknownMessage,
    VideoMessage,
    VoiceMessage,
)
from wechatpy.utils import check_signature

from tests.fakes.wechat_server import (
    STICKER_PLACEHOLDER,
    ReplyRejected,
    WeChatSender,
    parse_reply,
)

TOKEN = "homewardtoken"
APP_ID = "wxhomewardfake0001"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
NOW = 1_764_400_000


@pytest.fixture
def sender() -> WeChatSender:
    """A WeChat server for the test account, with a frozen clock."""
    return WeChatSender(TOKEN, APP_ID, AES_KEY, clock=lambda: NOW)


def receive(params: dict[str, str], body: bytes, *, app_id: str = APP_ID) -> Any:
    """What the real channel will do: check signature, decrypt if safe mode, parse."""
    check_signature(TOKEN, params["signature"], params["timestamp"], params["nonce"])
    xml: str | bytes = body
    if params.get("encrypt_type") == "aes":
        crypto = WeChatCrypto(TOKEN, AES_KEY, app_id)
        xml = crypto.decrypt_message(
            body, params["msg_signature"], params["timestamp"], params["nonce"]
        )
    return parse_message(xml)


@dataclass
class Case:
    """One message builder and what wechatpy should make of it."""

    build: Callable[[WeChatSender], str]
    cls: type
    attrs: dict[str, Any]


CASES = {
    "text": Case(
        lambda s: s.text("在火车站看到一个孩子 ]]> <b>"),
        TextMessage,
        {"type": "text", "content": "在火车站看到一个孩子 ]]> <b>"},
    ),
    "location": Case(
        lambda s: s.location(23.134521, 113.358803, scale=20, label="广州火车站"),
        LocationMessage,
        {
            "location_x": "23.134521",
            "location_y": "113.358803",
            "scale": "20",
            "label": "广州火车站",
        },
    ),
    "image": Case(
        lambda s: s.image("MEDIA_IMG", pic_url="http://mmbiz.qpic.cn/x/0"),
        ImageMessage,
        {"media_id": "MEDIA_IMG", "image": "http://mmbiz.qpic.cn/x/0"},
    ),
    "voice": Case(
        lambda s: s.voice("MEDIA_VOICE", recognition="穿红衣服"),
        VoiceMessage,
        {"media_id": "MEDIA_VOICE", "format": "amr", "recognition": "穿红衣服"},
    ),
    "voice_no_asr": Case(
        lambda s: s.voice("MEDIA_V2", fmt="speex"),
        VoiceMessage,
        {"format": "speex", "recognition": None},
    ),
    "video": Case(
        lambda s: s.video("MEDIA_VID", "THUMB"),
        VideoMessage,
        {"media_id": "MEDIA_VID", "thumb_media_id": "THUMB"},
    ),
    "shortvideo": Case(
        lambda s: s.video("MEDIA_SV", "THUMB2", short=True),
        ShortVideoMessage,
        {"type": "shortvideo", "media_id": "MEDIA_SV", "thumb_media_id": "THUMB2"},
    ),
    "link": Case(
        lambda s: s.link("寻人", "描述", "https://example.org/a"),
        LinkMessage,
        {"title": "寻人", "description": "描述", "url": "https://example.org/a"},
    ),
    "subscribe": Case(
        lambda s: s.subscribe(), SubscribeEvent, {"type": "event", "event": "subscribe", "id": 0}
    ),
    "unsubscribe": Case(
        lambda s: s.unsubscribe(), UnsubscribeEvent, {"event": "unsubscribe", "id": 0}
    ),
    "click": Case(
        lambda s: s.click("REPORT_SIGHTING"),
        ClickEvent,
        {"event": "click", "key": "REPORT_SIGHTING", "id": 0},
    ),
    "sticker": Case(lambda s: s.sticker(), TextMessage, {"content": STICKER_PLACEHOLDER}),
    "unsupported": Case(lambda s: s.unsupported(), UnknownMessage, {"type": "unknown"}),
}


@pytest.mark.parametrize("safe_mode", [False, True], ids=["plaintext", "safe"])
@pytest.mark.parametrize("name", list(CASES))
def test_every_message_type_is_accepted_by_wechatpy(
    sender: WeChatSender, name: str, safe_mode: bool
) -> None:
    case = CASES[name]
    params, body = sender.signed_request(case.build(sender), safe_mode=safe_mode)

    msg = receive(params, body)

    assert type(msg) is case.cls
    assert (msg.source, msg.target, msg.time) == (sender.openid, sender.account, NOW)
    assert msg.create_time.timestamp() == NOW
    assert params["openid"] == sender.openid
    for attr, expected in case.attrs.items():
        assert getattr(msg, attr) == expected, attr


def test_messages_get_increasing_msg_ids_and_events_none(sender: WeChatSender) -> None:
    first, second = (parse_message(sender.text(t)) for t in ("a", "b"))
    event = parse_message(sender.subscribe())
    assert second.id == first.id + 1 and first.id > 10**16
    assert event.id == 0 and "MsgId" not in sender.subscribe()


def test_safe_mode_params_and_envelope(sender: WeChatSender) -> None:
    params, body = sender.signed_request(
        sender.text("你好，我看到一个孩子"), safe_mode=True, timestamp="123", nonce="456"
    )
    assert (
        params["encrypt_type"] == "aes"
        and params["timestamp"] == "123"
        and params["nonce"] == "456"
    )
    assert body.startswith(b"<xml><ToUserName><![CDATA[gh_") and b"<Encrypt><![CDATA[" in body
    # Non-ASCII text can't occur inside base64 ciphertext by chance, unlike a short word.
    assert "你好".encode() not in body and b"<Content>" not in body


def test_wechatpy_rejects_tampering(sender: WeChatSender) -> None:
    params, body = sender.signed_request(sender.text("hi"), safe_mode=True)
    with pytest.raises(InvalidSignatureException):
        receive({**params, "signature": "0" * 40}, body)
    with pytest.raises(InvalidSignatureException):
        receive({**params, "msg_signature": "0" * 40}, body)
    with pytest.raises(InvalidAppIdException):
        receive(params, body, app_id="wxsomebodyelse")


def test_wechatpy_ignores_timestamp_age(sender: WeChatSender) -> None:
    """check_signature accepts a week-old request: the channel must check freshness itself."""
    old = WeChatSender(TOKEN, APP_ID, AES_KEY, clock=lambda: time.time() - 7 * 86400)
    params, body = old.signed_request(old.text("replayed"), safe_mode=False)
    assert receive(params, body).content == "replayed"


def test_plaintext_signature_does_not_cover_the_body(sender: WeChatSender) -> None:
    """In plaintext mode anyone holding one valid query string can post any body."""
    params, _ = sender.signed_request(sender.text("real"), safe_mode=False)
    assert receive(params, sender.text("forged").encode()).content == "forged"


def test_verify_echo_is_accepted(sender: WeChatSender) -> None:
    params = sender.verify_echo(echostr="8888")
    check_signature(TOKEN, params["signature"], params["timestamp"], params["nonce"])
    assert params["echostr"] == "8888"


@pytest.mark.parametrize("safe_mode", [False, True], ids=["plaintext", "safe"])
def test_wechatpy_reply_is_read_back(sender: WeChatSender, safe_mode: bool) -> None:
    params, body = sender.signed_request(sender.text("看到了"), safe_mode=safe_mode)
    msg = receive(params, body)
    reply_xml = create_reply("已收到，谢谢", message=msg).render()
    if safe_mode:
        crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
        reply_xml = crypto.encrypt_message(reply_xml, params["nonce"], params["timestamp"])

    reply = parse_reply(sender.decrypt_reply(reply_xml.encode(), params))

    assert reply["MsgType"] == "text" and reply["Content"] == "已收到，谢谢"
    assert (reply["ToUserName"], reply["FromUserName"]) == (sender.openid, sender.account)


@pytest.mark.parametrize("body", [b"", b"success", b" success\n"])
def test_empty_replies_are_recognised(sender: WeChatSender, body: bytes) -> None:
    params, _ = sender.signed_request(sender.text("x"), safe_mode=True)
    assert sender.decrypt_reply(body, params) == ""
    assert parse_reply("") == {} and parse_reply("success") == {}


def test_bad_safe_mode_replies_are_rejected(sender: WeChatSender) -> None:
    params, body = sender.signed_request(sender.text("x"), safe_mode=True)
    reply = create_reply("hi", message=receive(params, body)).render()
    forged = WeChatCrypto("othertoken", AES_KEY, APP_ID).encrypt_message(reply, "1", "2")
    other_app = WeChatCrypto(TOKEN, AES_KEY, "wxother").encrypt_message(reply, "1", "2")
    for bad in (forged, other_app, reply):
        with pytest.raises(ReplyRejected):
            sender.decrypt_reply(bad.encode(), params)


def test_entity_declarations_are_refused_by_installed_xmltodict(sender: WeChatSender) -> None:
    """xmltodict 1.0.4 raises ValueError on <!ENTITY>; other versions drop or raise ExpatError."""
    for hostile in (sender.billion_laughs(), sender.external_entity()):
        started = time.monotonic()
        with pytest.raises((ValueError, ExpatError), match="entities are disabled"):
            parse_message(hostile)
        assert time.monotonic() - started < 1


def test_safe_mode_envelope_is_parsed_before_the_signature_check(sender: WeChatSender) -> None:
    """wechatpy parses the outer XML first, so an unsigned hostile body reaches the parser."""
    params, _ = sender.signed_request(sender.text("x"), safe_mode=True)
    hostile = sender.billion_laughs(envelope=True).encode()
    with pytest.raises((ValueError, ExpatError), match="entities are disabled"):
        receive(params, hostile)


def test_defusedxml_precheck_refuses_every_dtd_and_passes_real_messages(
    sender: WeChatSender,
) -> None:
    """The pre-check the notes recommend: DTDs never appear in genuine WeChat bodies."""
    hostile = [
        sender.billion_laughs(),
        sender.billion_laughs(envelope=True),
        sender.external_entity(),
    ]
    for doc in hostile:
        with pytest.raises(DTDForbidden):
            defused_fromstring(doc, forbid_dtd=True)
    for name, case in CASES.items():
        for safe_mode in (False, True):
            _, body = sender.signed_request(case.build(sender), safe_mode=safe_mode)
            assert defused_fromstring(body, forbid_dtd=True).tag == "xml", name


def test_truncated_and_oversized_payloads(sender: WeChatSender) -> None:
    with pytest.raises(ExpatError):
        parse_message(sender.truncated())
    big = sender.oversized(2_000_000)
    assert len(big.encode()) > 2_000_000
    assert len(parse_message(big).content) == 2_000_000  # wechatpy sets no size limit


def test_plaintext_sender_refuses_safe_mode() -> None:
    plain = WeChatSender(TOKEN, APP_ID, None)
    with pytest.raises(ValueError, match="encoding_aes_key"):
        plain.signed_request(plain.text("x"), safe_mode=True)
    with pytest.raises(ValueError, match="43"):
        WeChatSender(TOKEN, APP_ID, "short")

"""What WeChat's server sends to an Official Account callback URL, built without wechatpy.

`WeChatSender` builds message XML, signs it (plaintext mode) or encrypts and signs it
(safe mode, ``encrypt_type=aes``) exactly as WeChat does, and checks the reply the way
WeChat would. Only hashlib/base64/`cryptography` are used, so tests that feed this to
wechatpy are not checking wechatpy against itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import os
import secrets
import struct
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32  # WeChat pads to 32-byte blocks, not AES's 16.
STICKER_PLACEHOLDER = "【收到不支持的消息类型，暂无法显示】"
EMPTY_REPLIES = (b"", b"success")


class ReplyRejected(Exception):
    """WeChat would not accept this reply (bad signature, wrong app id, wrong mode)."""


def sha1_signature(*parts: str) -> str:
    """Return WeChat's signature: sha1 of the sorted parts joined without separator."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def cdata(value: str) -> str:
    """Wrap text in CDATA, splitting any ``]]>`` the way XML requires."""
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def aes_key(encoding_aes_key: str) -> bytes:
    """Decode the 43-character EncodingAESKey into the 32-byte AES key."""
    if len(encoding_aes_key) != 43:
        raise ValueError("EncodingAESKey must be 43 characters")
    key = base64.b64decode(encoding_aes_key + "=")
    if len(key) != 32:
        raise ValueError("EncodingAESKey must decode to 32 bytes")
    return key


def encrypt(key: bytes, xml: str, app_id: str) -> str:
    """Encrypt ``random16 + len + xml + app_id`` with AES-256-CBC (iv = key[:16])."""
    body = xml.encode()
    plain = os.urandom(16) + struct.pack(">I", len(body)) + body + app_id.encode()
    pad = BLOCK - len(plain) % BLOCK
    plain += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


def decrypt(key: bytes, encrypted: str) -> tuple[str, str]:
    """Decrypt an ``Encrypt`` value; return (xml, app_id), checking padding strictly."""
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(base64.b64decode(encrypted)) + decryptor.finalize()
    pad = plain[-1]
    if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
        raise ReplyRejected("bad PKCS#7 padding")
    content = plain[16:-pad]
    (length,) = struct.unpack(">I", content[:4])
    return content[4 : 4 + length].decode(), content[4 + length :].decode()


class WeChatSender:
    """Plays WeChat's server for one Official Account and one (default) follower."""

    def __init__(
        self,
        token: str,
        app_id: str,
        encoding_aes_key: str | None = None,
        *,
        openid: str = "oHomewardFakeTipster000000001",
        account: str = "gh_homeward0001",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.token = token
        self.app_id = app_id
        self.key = aes_key(encoding_aes_key) if encoding_aes_key is not None else None
        self.openid = openid
        self.account = account
        self.clock = clock
        self._msg_ids = itertools.count(24_400_000_000_000_001)

    # -- message XML ----------------------------------------------------------

    def _xml(self, msg_type: str, fields: str, *, openid: str | None, msg_id: bool) -> str:
        """Assemble one message the way WeChat lays it out."""
        tail = f"<MsgId>{next(self._msg_ids)}</MsgId>" if msg_id else ""
        return (
            f"<xml><ToUserName>{cdata(self.account)}</ToUserName>"
            f"<FromUserName>{cdata(openid or self.openid)}</FromUserName>"
            f"<CreateTime>{int(self.clock())}</CreateTime>"
            f"<MsgType>{cdata(msg_type)}</MsgType>{fields}{tail}</xml>"
        )

    def text(self, content: str, *, openid: str | None = None) -> str:
        """A text message."""
        return self._xml("text", f"<Content>{cdata(content)}</Content>", openid=openid, msg_id=True)

    def location(
        self, lat: float, lon: float, *, scale: int = 15, label: str = "", openid: str | None = None
    ) -> str:
        """A shared location (Location_X is latitude, Location_Y longitude)."""
        fields = (
            f"<Location_X>{lat}</Location_X><Location_Y>{lon}</Location_Y>"
            f"<Scale>{scale}</Scale><Label>{cdata(label)}</Label>"
        )
        return self._xml("location", fields, openid=openid, msg_id=True)

    def image(self, media_id: str, *, pic_url: str | None = None, openid: str | None = None) -> str:
        """A photo; the bytes are fetched later via /cgi-bin/media/get?media_id=."""
        url = pic_url or f"http://mmbiz.qpic.cn/mmbiz_jpg/{media_id}/0"
        fields = f"<PicUrl>{cdata(url)}</PicUrl><MediaId>{cdata(media_id)}</MediaId>"
        return self._xml("image", fields, openid=openid, msg_id=True)

    def voice(
        self,
        media_id: str,
        *,
        fmt: str = "amr",
        recognition: str | None = None,
        openid: str | None = None,
    ) -> str:
        """A voice note, with WeChat's speech recognition text if given."""
        fields = f"<MediaId>{cdata(media_id)}</MediaId><Format>{cdata(fmt)}</Format>"
        if recognition is not None:
            fields += f"<Recognition>{cdata(recognition)}</Recognition>"
        return self._xml("voice", fields, openid=openid, msg_id=True)

    def video(
        self, media_id: str, thumb_media_id: str, *, short: bool = False, openid: str | None = None
    ) -> str:
        """A video (``short=True`` gives MsgType shortvideo)."""
        fields = f"<MediaId>{cdata(media_id)}</MediaId><ThumbMediaId>{cdata(thumb_media_id)}</ThumbMediaId>"
        kind = "shortvideo" if short else "video"
        return self._xml(kind, fields, openid=openid, msg_id=True)

    def link(self, title: str, description: str, url: str, *, openid: str | None = None) -> str:
        """A shared link card."""
        fields = (
            f"<Title>{cdata(title)}</Title><Description>{cdata(description)}</Description>"
            f"<Url>{cdata(url)}</Url>"
        )
        return self._xml("link", fields, openid=openid, msg_id=True)

    def event(self, name: str, *, key: str | None = None, openid: str | None = None) -> str:
        """An event (no MsgId: dedupe by FromUserName + CreateTime)."""
        fields = f"<Event>{cdata(name)}</Event>"
        if key is not None:
            fields += f"<EventKey>{cdata(key)}</EventKey>"
        return self._xml("event", fields, openid=openid, msg_id=False)

    def subscribe(self, *, openid: str | None = None) -> str:
        """The follower followed the account."""
        return self.event("subscribe", key="", openid=openid)

    def unsubscribe(self, *, openid: str | None = None) -> str:
        """The follower unfollowed (no reply or customer message will reach them)."""
        return self.event("unsubscribe", key="", openid=openid)

    def click(self, key: str, *, openid: str | None = None) -> str:
        """A tap on a custom-menu button of type click."""
        return self.event("CLICK", key=key, openid=openid)

    def sticker(self, *, openid: str | None = None) -> str:
        """A sticker as commonly reported: a text message holding WeChat's placeholder."""
        return self.text(STICKER_PLACEHOLDER, openid=openid)

    def unsupported(self, msg_type: str = "emoticon", *, openid: str | None = None) -> str:
        """A MsgType wechatpy does not know (parse_message gives UnknownMessage)."""
        return self._xml(
            msg_type, f"<Content>{cdata('[sticker]')}</Content>", openid=openid, msg_id=True
        )

    # -- hostile payloads -----------------------------------------------------

    def billion_laughs(self, *, depth: int = 10, envelope: bool = False) -> str:
        """Entity expansion: a text message (or, with envelope, a safe-mode body) of &lol{depth};."""
        decls = '<!ENTITY lol0 "lol">' + "".join(
            f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, depth)
        )
        doc = self.text("x").replace("<![CDATA[x]]>", f"&lol{depth - 1};")
        if envelope:
            doc = f"<xml><ToUserName>{cdata(self.account)}</ToUserName><Encrypt>&lol{depth - 1};</Encrypt></xml>"
        return f'<?xml version="1.0"?><!DOCTYPE xml [{decls}]>{doc}'

    def external_entity(self, system_id: str = "file:///etc/passwd") -> str:
        """XXE: a text message whose Content is an external entity."""
        doc = self.text("x").replace("<![CDATA[x]]>", "&xxe;")
        return f'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "{system_id}">]>{doc}'

    def truncated(self, xml: str | None = None) -> str:
        """The first half of a message, as a dropped connection would leave it."""
        whole = xml if xml is not None else self.text("truncated")
        return whole[: len(whole) // 2]

    def oversized(self, n_bytes: int = 2_000_000) -> str:
        """A well-formed text message of at least ``n_bytes`` bytes."""
        return self.text("A" * n_bytes)

    # -- requests -------------------------------------------------------------

    def _stamp(self, timestamp: str | None, nonce: str | None) -> tuple[str, str]:
        """Default timestamp (seconds, from the clock) and nonce (digits, as WeChat uses)."""
        return timestamp or str(int(self.clock())), nonce or str(secrets.randbelow(10**10))

    def verify_echo(
        self, *, timestamp: str | None = None, nonce: str | None = None, echostr: str | None = None
    ) -> dict[str, str]:
        """Query params of the GET handshake; the app must answer with echostr verbatim."""
        ts, nc = self._stamp(timestamp, nonce)
        echo = echostr or str(secrets.randbelow(10**19))
        return {
            "signature": sha1_signature(self.token, ts, nc),
            "timestamp": ts,
            "nonce": nc,
            "echostr": echo,
        }

    def signed_request(
        self,
        xml: str,
        *,
        safe_mode: bool,
        timestamp: str | None = None,
        nonce: str | None = None,
        openid: str | None = None,
    ) -> tuple[dict[str, str], bytes]:
        """Query params and body of the POST WeChat makes for this message."""
        ts, nc = self._stamp(timestamp, nonce)
        params = {
            "signature": sha1_signature(self.token, ts, nc),
            "timestamp": ts,
            "nonce": nc,
            "openid": openid or self.openid,
        }
        if not safe_mode:
            return params, xml.encode()
        if self.key is None:
            raise ValueError("safe mode needs an encoding_aes_key")
        encrypted = encrypt(self.key, xml, self.app_id)
        params["encrypt_type"] = "aes"
        params["msg_signature"] = sha1_signature(self.token, ts, nc, encrypted)
        body = f"<xml><ToUserName>{cdata(self.account)}</ToUserName><Encrypt>{cdata(encrypted)}</Encrypt></xml>"
        return params, body.encode()

    # -- replies --------------------------------------------------------------

    def decrypt_reply(self, body: bytes, params: Mapping[str, str]) -> str:
        """Return the reply XML as WeChat reads it; "" for the empty/``success`` reply."""
        if is_empty_reply(body):
            return ""
        if params.get("encrypt_type") != "aes":
            return body.decode()
        if self.key is None:
            raise ValueError("safe mode needs an encoding_aes_key")
        envelope = _children(body.decode())
        missing = {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"} - envelope.keys()
        if missing:
            raise ReplyRejected(f"safe-mode reply lacks {sorted(missing)}")
        expected = sha1_signature(
            self.token, envelope["TimeStamp"], envelope["Nonce"], envelope["Encrypt"]
        )
        if not hmac.compare_digest(expected, envelope["MsgSignature"]):
            raise ReplyRejected("reply MsgSignature does not match")
        xml, app_id = decrypt(self.key, envelope["Encrypt"])
        if app_id != self.app_id:
            raise ReplyRejected("reply encrypted for another app id")
        return xml


def is_empty_reply(body: bytes) -> bool:
    """True for the replies that tell WeChat "no answer, don't retry": empty or ``success``."""
    return body.strip() in EMPTY_REPLIES


def parse_reply(xml: str) -> dict[str, Any]:
    """Reply XML as a dict of child tags (nested tags become dicts); {} for an empty reply."""
    return _children(xml) if xml.strip() and xml.strip() != "success" else {}


def _children(xml: str) -> dict[str, Any]:
    """Map each child of the root ``<xml>`` to its text, or to a dict if it has children."""
    root = ET.fromstring(xml)
    if root.tag != "xml":
        raise ReplyRejected(f"root element is <{root.tag}>, not <xml>")
    return {
        child.tag: ({g.tag: g.text or "" for g in child} if len(child) else child.text or "")
        for child in root
    }

"""Checking a callback before anything trusts it: size, signature, freshness, nonce, XML.

wechatpy's own checks compare signatures with ``!=``, ignore the timestamp and parse the
safe-mode envelope before checking it, so these checks run first and wechatpy only
decrypts and parses bodies that passed them.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import redis
import redis.asyncio
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException

from bot.wechat.config import WeChatConfig

__all__ = ["MAX_BODY_BYTES", "Rejected", "Verified", "Verifier", "async_twin", "sign"]

log = logging.getLogger(__name__)
# Real callbacks are a few hundred bytes (media come by MediaId, never inline).
MAX_BODY_BYTES = 64 * 1024
NONCE_PREFIX = "homeward:wechat:nonce:"
_UNAVAILABLE = object()  # the nonce store could not be asked


class Rejected(Exception):
    """A request we refuse; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Verified:
    """An authenticated callback: the message XML and how to answer it."""

    xml: str
    timestamp: str
    nonce: str
    encrypted: bool


def sign(*parts: str) -> str:
    """WeChat's signature: sha1 of the sorted parts joined without a separator."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def checked_xml(data: bytes | str) -> Element:
    """Parse XML with any DTD or entity refused (genuine callbacks never carry one)."""
    try:
        root: Element = fromstring(data, forbid_dtd=True)
    # ValueError, LookupError: bytes declaring an encoding expat can't read (gbk, unknown ones)
    except (DefusedXmlException, ParseError, ValueError, LookupError) as exc:
        raise Rejected(400, f"unacceptable XML ({type(exc).__name__})") from exc
    if root.tag != "xml":
        raise Rejected(400, "root element is not <xml>")
    return root


def _refuse_replay(fresh: object) -> None:
    """Rejected if the nonce store had the nonce (it answers None to a SET NX that failed)."""
    if fresh is _UNAVAILABLE:
        # Signature and window still hold, and deliveries are deduplicated by the intake;
        # refusing every tip while Redis is down would be worse.
        log.warning("nonce store unavailable; replay check skipped")
    elif not fresh:
        raise Rejected(403, "replayed nonce")


def async_twin(client: redis.Redis, *, connections: int) -> redis.asyncio.Redis | None:
    """An asyncio client on the same plain TCP or Unix-socket Redis (None for others: TLS),
    with at most `connections` connections: a burst of callbacks shares them rather than
    opening one each."""
    pool = client.connection_pool
    kwargs = pool.connection_kwargs
    if pool.connection_class is redis.UnixDomainSocketConnection:
        where: dict[str, Any] = {
            "connection_class": redis.asyncio.UnixDomainSocketConnection,
            "path": kwargs["path"],
        }
    elif pool.connection_class is redis.Connection:
        where = {
            "host": kwargs.get("host", "localhost"),
            "port": kwargs.get("port", 6379),
            "socket_connect_timeout": kwargs.get("socket_connect_timeout"),
        }
    else:
        return None
    shared = redis.asyncio.BlockingConnectionPool(
        max_connections=connections,
        timeout=kwargs.get("socket_timeout") or 10,  # waiting for a free connection
        db=kwargs.get("db", 0),
        username=kwargs.get("username"),
        password=kwargs.get("password"),
        socket_timeout=kwargs.get("socket_timeout"),
        **where,
    )
    return redis.asyncio.Redis(connection_pool=shared)


class Verifier:
    """Authenticates callbacks for one Official Account and seals replies to them."""

    def __init__(
        self,
        config: WeChatConfig,
        redis_client: redis.Redis,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.redis = redis_client
        self.clock = clock
        self.crypto = (
            WeChatCrypto(config.token, config.encoding_aes_key, config.app_id)
            if config.encoding_aes_key
            else None
        )

    def check_query(self, params: Mapping[str, str]) -> tuple[str, str]:
        """Check `signature` in constant time and the timestamp window; (timestamp, nonce)."""
        signature, timestamp, nonce = (
            params.get(k, "") for k in ("signature", "timestamp", "nonce")
        )
        if not (signature and timestamp and nonce):
            raise Rejected(400, "missing signature parameters")
        if not hmac.compare_digest(sign(self.config.token, timestamp, nonce), signature):
            raise Rejected(403, "bad signature")
        try:
            age = abs(self.clock() - int(timestamp))
        except ValueError as exc:
            raise Rejected(400, "malformed timestamp") from exc
        if age > self.config.timestamp_window:
            raise Rejected(403, "stale timestamp")
        return timestamp, nonce

    def open(self, params: Mapping[str, str], body: bytes) -> Verified:
        """Authenticate a POST and return its message XML (decrypted in safe mode)."""
        verified = self.read(params, body)
        self._claim_nonce(verified.nonce)
        return verified

    def read(self, params: Mapping[str, str], body: bytes) -> Verified:
        """Everything `open` checks but the nonce, which the caller claims (`claim_nonce`)."""
        timestamp, nonce = self.check_query(params)
        envelope = checked_xml(body)
        encrypted = params.get("encrypt_type") == "aes"
        if self.crypto is not None and not encrypted:
            # Plaintext bodies are not signed: a safe-mode account must not accept one.
            raise Rejected(403, "plaintext request to a safe-mode account")
        if encrypted:
            xml = self._decrypt(envelope, params.get("msg_signature", ""), timestamp, nonce)
        else:
            xml = body.decode("utf-8", errors="replace")
        return Verified(xml=xml, timestamp=timestamp, nonce=nonce, encrypted=encrypted)

    def _decrypt(self, envelope: Element, signature: str, timestamp: str, nonce: str) -> str:
        encrypt = envelope.findtext("Encrypt") or ""
        if self.crypto is None:
            raise Rejected(403, "encrypted request but no EncodingAESKey configured")
        if not encrypt or not signature:
            raise Rejected(400, "safe-mode request without Encrypt or msg_signature")
        expected = sign(self.config.token, timestamp, nonce, encrypt)
        if not hmac.compare_digest(expected, signature):
            raise Rejected(403, "bad msg_signature")
        try:
            xml: str = self.crypto.decrypt_message(
                {"Encrypt": encrypt}, signature, timestamp, nonce
            )
        except InvalidAppIdException as exc:
            raise Rejected(403, "encrypted for another app id") from exc
        except Exception as exc:  # bad base64, padding or length: a broken envelope
            raise Rejected(400, f"undecryptable body ({type(exc).__name__})") from exc
        checked_xml(xml)
        return xml

    def _claim_nonce(self, nonce: str) -> None:
        """Reject a nonce seen within the timestamp window (a replayed request)."""
        fresh: object
        try:
            fresh = self.redis.set(NONCE_PREFIX + nonce, 1, nx=True, ex=self._nonce_ttl())
        except redis.RedisError:
            fresh = _UNAVAILABLE
        _refuse_replay(fresh)

    async def claim_nonce(self, nonce: str, client: redis.asyncio.Redis) -> None:
        """`_claim_nonce` on an asyncio client: the event loop waits for no thread."""
        fresh: object
        try:
            fresh = await client.set(NONCE_PREFIX + nonce, 1, nx=True, ex=self._nonce_ttl())
        except redis.RedisError:
            fresh = _UNAVAILABLE
        _refuse_replay(fresh)

    def _nonce_ttl(self) -> int:
        # Twice the window: a request stamped ahead of our clock stays valid that much longer.
        return 2 * self.config.timestamp_window

    def seal(self, xml: str, verified: Verified) -> str:
        """The reply as WeChat expects it: encrypted and signed if the request was."""
        if not verified.encrypted or self.crypto is None:
            return xml
        sealed: Any = self.crypto.encrypt_message(xml, verified.nonce, verified.timestamp)
        return str(sealed)

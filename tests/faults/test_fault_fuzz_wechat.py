"""Fuzzing the WeChat callback: random and malformed callbacks never crash it, never get a 5xx,
never hang, are refused with a 4xx when refused, and a follower's message gets a text reply.

The app runs in-process, in safe mode and in plaintext mode (callback, interview, database,
Redis all real; the WeChat API fake). An exception the app doesn't handle reaches the test
through Starlette's TestClient; one it handles but logs as an error fails the test at the end.
Examples are derandomized and bounded by default; HOMEWARD_LONG_FAULTS=1 explores more.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from bot.wechat.verify import MAX_BODY_BYTES
from tests.bot.wechat_helpers import Delivered, WeChatWorld, signed_around
from tests.faults.conftest import LONG
from tests.faults.wechat_strategies import INTERVIEWS, MSG_ID, PLACEHOLDER, Callback, callbacks

EXAMPLES = 1500 if LONG else 120
HUNG = 30.0  # a request unanswered after this long is hung (WeChat itself gives up after 5 s)
T = TypeVar("T")


def test_whatever_arrives_the_callback_answers_without_5xx_and_followers_hear_back(
    world: WeChatWorld, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    for openid in INTERVIEWS:  # followers in the middle of a report, whose answers are kept
        tipster = world.tipster(openid)
        tipster.says("/start")
        tipster.says("1")
        assert "发送位置" in tipster.says("继续")
    fresh = itertools.count(31_000_000_000_000_001)  # MsgIds apart from the world's sender's
    seen: Counter[tuple[int, bool]] = Counter()  # (HTTP status, reply owed) per example

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not LONG,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # examples share followers: shrinking misleads
        suppress_health_check=list(HealthCheck),
    )
    @given(callback=callbacks)
    def post(callback: Callback) -> None:
        msg_id = next(fresh)
        openid = f"oFuzzFollower{msg_id}"
        params, body = _request(world, callback, openid, str(msg_id))
        if callback.forgery == "replay":  # WeChat's own delivery first, then the copy
            assert _within(HUNG, lambda: world.post_raw(params, body)).status < 500
        delivered = _within(HUNG, lambda: world.post_raw(params, body))  # also checks < 5 s
        status = delivered.status
        assert status == 200 or 400 <= status < 500, f"HTTP {status} for {body[:300]!r}"
        if callback.forgery is not None:
            assert 400 <= status < 500, f"{callback.forgery}: HTTP {status}"
        owed = callback.owed and callback.forgery is None and len(body) <= MAX_BODY_BYTES
        seen[(status, owed)] += 1
        if owed:
            to = _as_parsed(callback.openid.replace(PLACEHOLDER, openid))
            _assert_kind_reply(delivered, to=to, sender=_as_parsed(callback.account))

    post()
    assert sum(seen.values()) >= EXAMPLES, seen
    statuses = {status for status, _ in seen}
    assert seen[200, True] and {400, 403, 413} <= statuses, seen
    assert "欢迎" in world.tipster().says("你好")  # and the account still works
    ours = [r for r in caplog.records if r.name.startswith(("bot", "handlers", "storage"))]
    assert not [r.getMessage() for r in ours if r.levelno >= logging.ERROR]


def _request(
    world: WeChatWorld, callback: Callback, openid: str, msg_id: str
) -> tuple[dict[str, str], bytes]:
    """The query and body WeChat (or a forger, or a leaked token) would send."""
    if isinstance(callback.body, bytes):
        body = callback.body.replace(PLACEHOLDER.encode(), openid.encode())
        body = body.replace(MSG_ID.encode(), msg_id.encode())
        return signed_around(
            world.sender, body, safe_mode=world.safe_mode, encrypt=callback.encrypt
        )
    xml = callback.body.replace(PLACEHOLDER, openid).replace(MSG_ID, msg_id)
    stamps = {"stale": str(int(time.time()) - 3600), "letters": "yesterday"}
    params, body = world.sender.signed_request(
        xml, safe_mode=world.safe_mode, timestamp=stamps.get(callback.forgery or "")
    )
    if callback.forgery == "signature":
        params["signature"] = "0" * 40
    elif callback.forgery == "msg_signature":
        params.update(encrypt_type="aes", msg_signature="0" * 40)
    elif callback.forgery in ("no_nonce", "no_signature"):
        del params[callback.forgery.removeprefix("no_")]
    return params, body


def _as_parsed(value: str) -> str:
    """A text field as an XML parser and wechatpy hand it over: newlines unified, stripped."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _assert_kind_reply(delivered: Delivered, *, to: str, sender: str) -> None:
    """A passive text reply from the account to the follower, with something to read."""
    assert delivered.status == 200, delivered.body[:300]
    reply = delivered.reply
    assert reply.get("MsgType") == "text" and delivered.content.strip(), delivered.body[:300]
    assert (reply["ToUserName"], reply["FromUserName"]) == (to, sender)


def _within(seconds: float, call: Callable[[], T]) -> T:
    """call(), failing the test if it has not returned after `seconds` (a hung request)."""
    returned: list[T] = []
    raised: list[BaseException] = []

    def run() -> None:
        try:
            returned.append(call())
        except BaseException as exc:  # raised again in the test's thread below
            raised.append(exc)

    thread = threading.Thread(target=run, name="wechat-fuzz-post", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"no answer within {seconds:.0f} s")
    if raised:
        raise raised[0]
    return returned[0]

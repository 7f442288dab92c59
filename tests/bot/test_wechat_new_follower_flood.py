"""A flood of new followers can't hold up a tipster in the middle of a report."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.wechat.channel import INTAKE_THREADS
from handlers import Inbound, Reply
from tests.bot.wechat_helpers import WeChatWorld

pytestmark = pytest.mark.parametrize("world", ["safe"], indirect=True)  # safe mode only
FLOOD = INTAKE_THREADS + 4  # more than every intake thread of the process


def test_new_followers_flooding_in_wait_while_a_tipster_mid_report_is_answered(
    world: WeChatWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    tipster = world.tipster()
    assert "你想报告什么" in tipster.says("/start")
    handle, release = world.svc.intake.handle, threading.Event()

    def slow_for_the_flood(inbound: Inbound) -> list[Reply]:
        if inbound.user_id.startswith("oFlood"):
            release.wait(10)  # a new follower's step, held up for as long as the test needs
        return handle(inbound)

    monkeypatch.setattr(world.svc.intake, "handle", slow_for_the_flood)
    flood = [world.sender.text("你好", openid=f"oFlood{n:022d}") for n in range(FLOOD)]
    with ThreadPoolExecutor(FLOOD) as pool:
        stuck = [pool.submit(world.post, xml) for xml in flood]
        try:
            reply = tipster.says("1")  # a sighting: answered now, not after the flood
        finally:
            release.set()
        answers = [future.result() for future in stuck]

    assert "安全第一" in reply
    assert [a.status for a in answers] == [200] * FLOOD  # the flood is answered too, later

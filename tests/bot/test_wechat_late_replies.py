"""Replies that can't be given within WeChat's 5 seconds go out later as customer messages."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from rq.job import Job
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError
from sqlmodel import Session, select

from bot.settings import Settings
from bot.wechat.jobs import RETRY, FailedAgain, send_late_reply
from bot.wechat.replies import MAX_TEXT_BYTES, split_text
from bot.worker import run_worker
from handlers import Inbound, Intake, Reply, catalogue
from storage import Conversation, InboundUpdate
from tests.bot.telegram_helpers import rows
from tests.bot.wechat_helpers import (
    OPENID,
    TEST_REPLY_DEADLINE,
    WeChatWorld,
    conversations_locked,
    row_counts,
)

DEADLINE = 0.5  # instead of 4 s, so that a held lock makes the intake miss it quickly


@contextmanager
def slow_intake(world: WeChatWorld, engine: Engine) -> Iterator[None]:
    """The tipster's row locked elsewhere and a short deadline: replies miss it."""
    world.channel.reply_deadline = DEADLINE
    try:
        with conversations_locked(engine):
            yield
    finally:
        world.channel.reply_deadline = TEST_REPLY_DEADLINE


def step(engine: Engine) -> object:
    """The question the (only) conversation is at."""
    with Session(engine) as session:
        return session.exec(select(Conversation)).one().state["step"]


def wait_for_deliveries(engine: Engine, count: int) -> None:
    """Wait until the web process's intake threads have committed `count` deliveries."""
    deadline = time.monotonic() + 10
    while row_counts(engine)["delivery"] < count:
        assert time.monotonic() < deadline, "intake never finished"
        time.sleep(0.02)


def reply_jobs(world: WeChatWorld) -> list[Job]:
    """The late-reply jobs on the queue."""
    jobs = [Job.fetch(i, connection=world.svc.redis) for i in world.svc.queue.job_ids]
    return [j for j in jobs if j.id.startswith("wechat-reply-")]


def test_a_slow_reply_is_sent_later_as_a_customer_message(
    world: WeChatWorld, engine: Engine
) -> None:
    tipster = world.tipster()
    assert "你想报告什么" in tipster.says("你好")
    choose = tipster.sender.text("1", openid=OPENID)

    with slow_intake(world, engine):  # another transaction holds the tipster's row
        first = world.post(choose)
        retry = world.post(choose)  # WeChat retrying the same MsgId
    wait_for_deliveries(engine, 2)

    assert first.body == retry.body == b"success"  # WeChat stops waiting, nothing shown yet
    (job,) = reply_jobs(world)  # one job for both deliveries
    run_worker(world.svc, burst=True)
    job.refresh()
    assert job.get_status() == "finished", job.latest_result()
    messages = world.api.customer_messages(OPENID)
    assert len(messages) == 1 and "安全第一" in messages[0]["text"]["content"]
    assert "1. 继续" in messages[0]["text"]["content"]
    assert step(engine) == "safety"  # one effect
    run_worker(world.svc, burst=True)
    assert len(world.api.customer_messages(OPENID)) == 1  # nothing sent twice


@pytest.mark.parametrize("world", ["safe"], indirect=True)
@pytest.mark.parametrize("errcode", [45015, 45047])
def test_customer_messages_refused_by_wechat_are_recorded_not_retried(
    world: WeChatWorld, engine: Engine, errcode: int
) -> None:
    tipster = world.tipster()
    tipster.says("你好")
    world.api.fail_send(errcode)

    with slow_intake(world, engine):
        assert tipster.says("1") == ""
    wait_for_deliveries(engine, 2)
    (job,) = reply_jobs(world)
    run_worker(world.svc, burst=True)

    job.refresh()
    assert job.get_status() == "finished"
    assert str(job.return_value()).startswith(f"not sent: {errcode}")
    assert world.api.customer_messages(OPENID) == []
    assert len(world.api.calls_to("/cgi-bin/message/custom/send")) == 1
    assert "发送位置" in tipster.says("继续")  # the passive replies go on as before


def test_a_retry_arriving_while_the_first_is_processing_gets_the_same_reply(
    world: WeChatWorld, engine: Engine
) -> None:
    tipster = world.tipster()
    tipster.says("你好")
    choose = tipster.sender.text("1", openid=OPENID)

    with ThreadPoolExecutor(2) as pool, conversations_locked(engine):
        deliveries = [pool.submit(world.post, choose) for _ in range(2)]
        threading.Event().wait(0.5)  # both wait on the lock, well within the deadline
    first, retry = (d.result() for d in deliveries)

    assert first.content == retry.content and "安全第一" in first.content
    assert step(engine) == "safety" and reply_jobs(world) == []


def test_a_reply_too_long_for_one_message_continues_as_customer_messages(
    world: WeChatWorld, engine: Engine
) -> None:
    tipster = world.tipster()
    for answer in ("/start", "4", "1", "昆明汽车站", "B"):  # B: today
        tipster.says(answer)
    tipster.says("车站有人打听买小孩。" * 95)  # 950 characters, close to the answer limit
    tipster.says("完成")
    review = tipster.says("1")  # anonymous: the review repeats the long answer

    (job,) = reply_jobs(world)
    run_worker(world.svc, burst=True)
    rest = [m["text"]["content"] for m in world.api.customer_messages(OPENID)]

    assert review.startswith("你的报告") and "1. 提交" not in review
    assert rest and "1. 提交" in rest[-1]
    assert all(len(part.encode()) <= MAX_TEXT_BYTES for part in [review, *rest])


def test_long_texts_are_split_between_lines_within_the_limit() -> None:
    text = "\n".join(["第一行", "二" * 800, "", "1. 提交", "2. 修改"])

    parts = split_text(text, limit=1000)

    assert all(len(p.encode()) <= 1000 for p in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")
    assert parts[-1].endswith("1. 提交\n2. 修改") and split_text(" \n ") == []


def test_a_receipts_pin_outlives_every_late_reply_retry():
    """The last retry of a late receipt must still find the PIN, not its redacted form."""
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert sum(RETRY.intervals) < settings.receipt_pin_minutes * 60


def test_a_message_the_intake_keeps_failing_on_is_set_aside_with_an_apology(
    world: WeChatWorld,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    tipster = world.tipster()
    assert "你想报告什么" in tipster.says("你好")
    handle = Intake.handle

    def choking(self: Intake, msg: Inbound) -> list[Reply]:
        if msg.text == "孩子在菜市场":  # content the database refuses, every time
            raise DataError("INSERT …", {}, ValueError("invalid byte sequence"))
        return handle(self, msg)

    monkeypatch.setattr(Intake, "handle", choking)
    assert tipster.says("孩子在菜市场") == ""  # failed in the web process: answered later
    (job,) = reply_jobs(world)
    run_worker(world.svc, burst=True)  # the job's first try fails; rq will try again
    assert job.get_status(refresh=True) == "scheduled"

    with pytest.raises(FailedAgain) as again:  # the second
        send_late_reply(*job.args)
    assert send_late_reply(*job.args) == "set aside"  # the third

    [row] = rows(engine, InboundUpdate)
    assert row.failures == 3 and row.set_aside_at is not None
    assert row.failure is not None and row.failure.startswith("DataError at ")
    # What rq logs and keeps of the failure is its type and place, not the database's words.
    assert str(again.value).startswith("DataError at ") and again.value.__suppress_context__
    [apology] = world.api.customer_messages(OPENID)
    assert apology["text"]["content"] == catalogue().text("zh_CN", "inbound.set_aside")
    assert "菜市场" not in caplog.text
    assert "安全第一" in tipster.says("1")  # and the conversation goes on

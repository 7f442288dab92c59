"""Submissions on WeChat: answered before their follow-up work is queued, and once only."""

from __future__ import annotations

import gc
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from rq import Queue
from sqlalchemy.engine import Engine

from handlers import Intake
from handlers.intake import queue_after_reply
from storage import OutboxItem, OutboxStatus
from tests.bot.telegram_helpers import rows
from tests.bot.wechat_helpers import (
    OPENID,
    WeChatTipster,
    WeChatWorld,
    conversations_locked,
    row_counts,
)
from tests.stories import Tipster

SAFE_MODE = pytest.mark.parametrize("world", ["safe"], indirect=True)
TO_REVIEW = ["/start", "4", "1", "昆明汽车站", "B", "有人在车站打听买小孩", "完成", "1"]


def follow_up_jobs(queue: Queue) -> list[str]:
    """The ids of the outbox jobs on the queue (follow-up, assessment), sorted."""
    return sorted(i for i in queue.job_ids if not i.startswith("wechat-reply-"))


def outbox_statuses(engine: Engine) -> list[OutboxStatus]:
    """Every outbox row's status."""
    return [item.status for item in rows(engine, OutboxItem)]


def at_the_review(world: WeChatWorld) -> WeChatTipster:
    """A follower who has answered every question and is shown the review."""
    tipster = world.tipster()
    for answer in TO_REVIEW:
        tipster.says(answer)
    return tipster


@SAFE_MODE
def test_a_submissions_follow_up_work_reaches_the_queue_after_the_reply(
    world: WeChatWorld, engine: Engine
) -> None:
    tipster = at_the_review(world)

    assert "报告编号" in tipster.says("提交")
    world.channel.wait_for_queueing()

    assert follow_up_jobs(world.svc.queue) == ["assess-1", "follow-up-1"]
    assert outbox_statuses(engine) == [OutboxStatus.ENQUEUED] * 2


@SAFE_MODE
def test_a_submit_redelivered_while_the_first_is_in_flight_is_answered_once(
    world: WeChatWorld, engine: Engine
) -> None:
    submit = at_the_review(world).sender.text("提交", openid=OPENID)

    with ThreadPoolExecutor(4) as pool, conversations_locked(engine):
        deliveries = [pool.submit(world.post, submit) for _ in range(4)]  # WeChat's retries
        threading.Event().wait(0.5)  # all four wait on the first, held by the lock
    replies = {d.result().content for d in deliveries}
    world.channel.wait_for_queueing()

    (receipt,) = replies
    assert "报告编号" in receipt
    assert row_counts(engine)["report"] == 1
    assert follow_up_jobs(world.svc.queue) == ["assess-1", "follow-up-1"]


def test_the_intake_hands_follow_up_queueing_to_the_caller_that_answers_first(
    intake: Intake, queue: Queue, engine: Engine
) -> None:
    tipster = Tipster(intake, channel="wechat", language_hint="zh_CN")
    for answer in TO_REVIEW:
        tipster.says(answer)
    later: list[object] = []

    with queue_after_reply(later.append):
        (receipt,) = tipster.says("提交")

    assert "报告编号" in receipt.text and len(later) == 1
    assert follow_up_jobs(queue) == [] and outbox_statuses(engine) == [OutboxStatus.PENDING] * 2
    (queue_work,) = later
    assert callable(queue_work)
    queue_work()
    assert follow_up_jobs(queue) == ["assess-1", "follow-up-1"]
    assert outbox_statuses(engine) == [OutboxStatus.ENQUEUED] * 2


@SAFE_MODE
def test_what_start_up_loaded_is_out_of_the_collectors_sight(world: WeChatWorld) -> None:
    # A full collection over the place index and the parsers' data stopped every request
    # for ~0.2 s; frozen, they are never scanned again.
    assert gc.get_freeze_count() > 0

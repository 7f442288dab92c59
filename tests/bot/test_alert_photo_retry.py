"""An alert whose photo goes before its text (a text too long for a caption on Telegram, the
image on WeChat) is shown once to each subscriber when its text fails: the delivery row
records that the photo went, and rq's retry sends the text alone. Through the real senders,
at the fake Bot API and the fake WeChat API over HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from tests.bot.test_alert_photo import NEIGHBOURS, a_case_with_a_photo, on_telegram
from tests.bot.test_alert_photo_wechat import (
    FOLLOWERS,
    QUIET,
    a_photo_case_with_followers,
    alert_messages,
    wx,  # noqa: F401 (fixture)
)
from tests.triage.alerts_world import AlertsWorld

LONG_MARKS = "左手腕有一道疤痕，走路时右腿稍跛。" * 70  # past a caption: the photo, then the text
WECHAT_BUSY = -1  # "system busy": neither a refusal nor the window, so the row is tried again


@pytest.fixture
def world(engine, cipher, redis_client, database_url, tmp_path) -> AlertsWorld:
    return AlertsWorld(engine, cipher, redis_client, database_url, media_dir=tmp_path / "media")


def calls_to(fake: Any, method: str, chat: int) -> tuple[int, int]:
    """(delivered, failed) calls of a Bot API method to one chat."""
    calls = [c for c in fake.calls(method) if c.params["chat_id"] == chat]
    return sum(not c.error_code for c in calls), sum(bool(c.error_code) for c in calls)


def a_long_alert_whose_first_text_fails(
    world: AlertsWorld, fake: Any, **failure: Any
) -> tuple[int, int]:
    """A photo alert too long for a caption; the first subscriber's photo goes, then their
    text fails, and the job with it (rq retries it later); the alert and that chat's id."""
    on_telegram(world, fake)
    case_id = a_case_with_a_photo(world, marks=LONG_MARKS)
    fake.fail_next("sendMessage", **failure)
    alert_id = world.publishes(case_id, photo=True)
    world.worker_runs()
    (failed,) = fake.calls("sendMessage")
    assert failed.error_code
    return alert_id, int(failed.params["chat_id"])


@pytest.mark.parametrize(
    "failure",
    [{"error_code": 502}, {"retry_after": 60}],
    ids=["telegram-down", "flood-wait-longer-than-ours"],
)
def test_a_text_that_failed_after_its_photo_is_sent_alone_on_the_retry(
    world, fake, failure
) -> None:
    alert_id, first = a_long_alert_whose_first_text_fails(world, fake, **failure)
    marked = [(r.status, r.attempts) for r in world.deliveries(alert_id) if r.photo_sent_at]
    assert marked == [("pending", 1)]  # put back, its photo recorded as gone

    assert world.retries_come_due() == 1
    world.worker_runs()

    assert calls_to(fake, "sendPhoto", first) == (1, 0)  # the photo once
    assert calls_to(fake, "sendMessage", first) == (1, 1)  # the text: failed, then sent
    for chat in NEIGHBOURS:
        assert calls_to(fake, "sendPhoto", chat)[0] == calls_to(fake, "sendMessage", chat)[0] == 1
    (text,) = [c for c in fake.calls("sendMessage") if c.params["chat_id"] == first][1:]
    assert LONG_MARKS in text.params["text"]  # the whole text, with its button
    assert text.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == (
        f"alert:{alert_id}:seen"
    )
    assert {r.status for r in world.deliveries(alert_id)} == {"sent"}


def test_a_photo_removed_before_the_retry_goes_to_no_one_else(world, fake) -> None:
    alert_id, first = a_long_alert_whose_first_text_fails(world, fake, error_code=502)
    world.removes_photos("BBH-2026-0001")  # the family withdrew it meanwhile

    world.retries_come_due()
    world.worker_runs()

    assert [c.params["chat_id"] for c in fake.calls("sendPhoto")] == [first]  # before removal
    for chat in NEIGHBOURS:
        assert calls_to(fake, "sendMessage", chat)[0] == 1  # the text alone, with its button
    assert {r.status for r in world.deliveries(alert_id)} == {"sent"}


def test_an_alert_closed_before_the_retry_tells_the_one_shown_its_photo(world, fake) -> None:
    alert_id, first = a_long_alert_whose_first_text_fails(world, fake, error_code=502)
    world.closes(alert_id, found=True)

    world.retries_come_due()
    world.worker_runs()

    assert [c.params["chat_id"] for c in fake.calls("sendPhoto")] == [first]
    (closing,) = [c for c in fake.calls("sendMessage") if not c.error_code]
    assert closing.params["chat_id"] == first and "has been found" in closing.params["text"]
    statuses = {(r.kind, r.status) for r in world.deliveries(alert_id)}
    assert statuses == {("alert", "withdrawn"), ("closed", "sent")}


def test_wechat_sends_the_image_once_when_the_text_after_it_failed(world, wx) -> None:  # noqa: F811
    case_id = a_photo_case_with_followers(world, wx)
    before = len(wx.api.customer_messages())
    sends_before = len(wx.api.calls_to("/cgi-bin/message/custom/send"))
    wx.api.fail_send(WECHAT_BUSY, msgtype="text")  # the first follower's text, after its image
    world.publishes(case_id, photo=True)
    world.worker_runs()

    assert world.retries_come_due() == 1
    world.worker_runs()

    for openid in FOLLOWERS:
        assert [kind for kind, _ in alert_messages(wx, openid, before)] == ["image", "text"]
    sends = wx.api.calls_to("/cgi-bin/message/custom/send")[sends_before:]
    assert [s.json["msgtype"] for s in sends].count("image") == len(FOLLOWERS)
    assert len(sends) == 2 * len(FOLLOWERS) + 1  # one text failed, and was sent again alone
    assert len(wx.api.template_messages(QUIET)) == 1

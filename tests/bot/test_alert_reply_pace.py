"""A tipster's interview on Telegram is counted in the alerts' shared pace, call by call, and
an alert's fan-out then takes only what those replies leave of Telegram's 30 a second."""

from __future__ import annotations

import redis

from bot.wiring import Services
from tests.bot.telegram_helpers import TelegramTipster, running_bot
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_updates import UpdateFactory
from tests.triage.pace_helpers import Clock, fan_out, most_in_a_second
from triage.alerts.pacing import Pacer, pace_keys

TIPSTER = 5550017


def reported_in_part(tipster: TelegramTipster) -> None:
    """The first steps of a sighting: a command, taps (edits in place), a pin."""
    tipster.says("/start")
    tipster.taps("我看到一个可能被拐的孩子")
    tipster.taps("继续")
    tipster.sends_location(30.6586, 104.0648)
    tipster.taps("昨天")
    tipster.taps("孩子住在附近")
    tipster.taps("男孩")


def in_the_second_from(moments: list[float], start: float) -> int:
    return sum(start <= m < start + 1 for m in moments)


def test_every_reply_within_the_bots_limit_is_counted_and_the_fan_out_gives_way(
    svc: Services, fake: FakeTelegram, updates: UpdateFactory, redis_client: redis.Redis
) -> None:
    with running_bot(svc, fake) as bot:
        reported_in_part(TelegramTipster(bot, updates, TIPSTER))
        bot.settle()
        pace = bot.channel.pace
    # The channel's stop handed every note over; calls without a chat (getMe, a tap's
    # answer, the menus) are not within the bot's 30 a second.
    in_the_limit = [c for c in fake.calls() if "chat_id" in c.params]
    assert pace.noted == len(in_the_limit) >= 7
    assert {c.method for c in in_the_limit} >= {"sendMessage", "editMessageText"}

    # The last replies' moments, as the web process noted them in Redis.
    replies = [
        at for _, at in redis_client.zrange(pace_keys("telegram")[1], 0, -1, withscores=True)
    ]
    last = max(replies)
    clock = Clock()
    clock.now = last  # a fan-out running as the interview's last reply went
    pacer = Pacer(redis_client, "telegram", 29, clock=lambda: clock.now, sleep=clock.sleep)
    with_replies = fan_out(pacer, clock, 60)

    redis_client.delete(*pace_keys("telegram"))
    clock.now = last  # the same fan-out with nobody being answered
    alone = fan_out(pacer, clock, 60)

    assert in_the_second_from(alone, last) == 29
    assert in_the_second_from(with_replies, last) < 29
    assert most_in_a_second(with_replies + replies) <= 30  # Telegram's limit per bot

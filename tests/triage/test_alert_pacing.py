"""The fan-out's pace on a clock of its own: even, never past Telegram's 30 in a second, made
up for when the machine is slow, shared by workers, and what replies leave of it."""

from __future__ import annotations

import socket

import pytest
import redis

from tests.triage.pace_helpers import START, Clock, fan_out, most_in_a_second
from triage.alerts.pacing import BURST_MEMORY, FANOUT_WINDOW, Pacer, note_replies, pace_keys
from triage.alerts.reply_pace import ReplyPace


def test_the_fan_out_goes_evenly_at_its_pace_and_never_past_29_in_a_second(
    redis_client: redis.Redis,
) -> None:
    clock = Clock()
    pacer = Pacer(redis_client, "telegram", 29, clock=lambda: clock.now, sleep=clock.sleep)
    moments = fan_out(pacer, clock, 150, work=0.002)
    assert most_in_a_second(moments) == FANOUT_WINDOW == 29
    gaps = [b - a for a, b in zip(moments, moments[1:], strict=False)]
    # Evenly: 1/29 s apart, a millisecond more where the second's 29th would touch the 1st.
    assert all(1 / 29 - 1e-5 <= gap <= 1 / 29 + 0.0011 for gap in gaps)
    assert len(moments) / (moments[-1] - moments[0]) > 0.95 * 29


def test_a_slow_moment_is_made_up_for_within_telegrams_second(redis_client: redis.Redis) -> None:
    clock = Clock()
    pacer = Pacer(redis_client, "telegram", 29, clock=lambda: clock.now, sleep=clock.sleep)
    moments: list[float] = []
    for n in range(300):
        moments += fan_out(pacer, clock, 1, work=0.1 if n % 10 == 0 else 0.002)
    assert most_in_a_second(moments) <= 29
    # A tenth of the sends took 0.1 s: without making up for them 22 a second would go.
    assert len(moments) / (moments[-1] - moments[0]) > 27


def test_two_workers_share_one_pace(redis_client: redis.Redis) -> None:
    clock = Clock()
    workers = [
        Pacer(redis_client, "telegram", 29, clock=lambda: clock.now, sleep=clock.sleep)
        for _ in range(2)
    ]
    moments = [m for _ in range(60) for pacer in workers for m in fan_out(pacer, clock, 1)]
    assert most_in_a_second(moments) == 29


def test_replies_take_their_places_first_and_the_fan_out_takes_what_they_leave(
    redis_client: redis.Redis,
) -> None:
    clock = Clock()
    replies = [START - 0.5 + n * 0.05 for n in range(10)]  # the half second before
    note_replies(redis_client, "telegram", replies, per_second=29)
    pacer = Pacer(redis_client, "telegram", 29, clock=lambda: clock.now, sleep=clock.sleep)
    moments = fan_out(pacer, clock, 19 * BURST_MEMORY + 29 * 3)
    in_their_second = [m for m in moments if m < replies[0] + 1]
    assert len(in_their_second) == FANOUT_WINDOW - 10 == 19
    assert most_in_a_second(moments + replies) <= 29
    # While the burst of 10 is remembered the fan-out keeps 10 places free in every second,
    remembered = [m for m in moments if m < replies[-1] + BURST_MEMORY]
    assert most_in_a_second(remembered) == 19
    # and once it is forgotten, takes all 29 again.
    assert most_in_a_second([m for m in moments if m > replies[-1] + BURST_MEMORY + 1]) == 29


def test_a_second_burst_of_replies_finds_its_places_free(redis_client: redis.Redis) -> None:
    clock = Clock()
    first = [START - 0.2 + n * 0.01 for n in range(20)]  # 20 chats answered at once
    note_replies(redis_client, "telegram", first, per_second=29)
    pacer = Pacer(redis_client, "telegram", 29, clock=lambda: clock.now, sleep=clock.sleep)
    moments = fan_out(pacer, clock, 20)
    second = [clock.now + n * 0.01 for n in range(20)]  # and again, amid the fan-out
    note_replies(redis_client, "telegram", second, per_second=29)
    moments += fan_out(pacer, clock, 20)
    # Counted only as they go, the second burst would have met up to 27 fan-out messages.
    assert most_in_a_second(moments + first + second) <= 29
    assert most_in_a_second(moments) == 9


def test_a_pace_is_kept_per_platform(redis_client: redis.Redis) -> None:
    clock = Clock()
    note_replies(redis_client, "telegram", [START - 0.1] * 29, per_second=29)
    wechat = Pacer(redis_client, "wechat", 29, clock=lambda: clock.now, sleep=clock.sleep)
    wechat.wait_turn()
    assert clock.now == START  # Telegram's replies don't hold WeChat's fan-out


def test_replies_noted_together_go_to_redis_in_one_call(redis_client: redis.Redis) -> None:
    pace = ReplyPace(redis_client, "telegram", per_second=29)
    pace.start()
    for _ in range(20):  # twenty chats answered in the same instant
        pace.note()
    pace.close(timeout=10)
    assert (pace.noted, pace.calls) == (20, 1)
    assert redis_client.zcard(pace_keys("telegram")[2]) == 20  # each counted as a reply


def test_replies_go_on_when_redis_is_away(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as unused:  # a port nobody listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    pace = ReplyPace(redis.Redis(port=port, socket_connect_timeout=1), "telegram", per_second=29)
    pace.start()
    pace.note()  # a reply's call: never raises, never waits
    pace.close(timeout=10)
    assert pace.noted == 0
    assert "replies not counted in the alerts' pace (ConnectionError)" in caplog.text

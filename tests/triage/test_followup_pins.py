"""Guessing a tip's PIN: throttled per code and chat, never locking the owner out, counted once."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from handlers import Intake
from storage import PinThrottle, utcnow
from tests.stories import Tipster
from tests.triage.coordinators import event_log
from tests.triage.test_workflow import submit
from triage.sweeper import sweep

WRONG = ("000000", "111111")
GUESSERS = 20


def wrong_pin(pin: str) -> str:
    return WRONG[0] if pin != WRONG[0] else WRONG[1]


def tries(tipster: Tipster, ref: str, pin: str) -> str:
    """/followup, the code, a PIN; what the tipster is told."""
    tipster.says("/followup")
    tipster.says(ref)
    tipster.says(pin)
    return tipster.text


def test_a_stranger_guessing_cannot_lock_the_owner_out(tipster, intake: Intake, engine: Engine):
    ref, pin = submit(tipster)
    stranger = Tipster(intake, user_id="stranger", language_hint="zh-hans")
    for _ in range(5):
        assert "编号和密码不匹配" in tries(stranger, ref, wrong_pin(pin))
    assert "错误次数太多" in tries(stranger, ref, wrong_pin(pin))
    assert "错误次数太多" in tries(stranger, ref, pin)  # the stranger waits, even if lucky

    assert f"报告 {ref}" in tries(tipster, ref, pin)  # the owner's chat still gets in
    assert ("tipster", "followup_opened") in event_log(engine, ref)


def test_other_strangers_are_slowed_down_on_a_code_many_chats_guess(tipster, intake, engine):
    ref, pin = submit(tipster)
    for n in range(5):
        stranger = Tipster(intake, user_id=f"stranger-{n}", language_hint="zh-hans")
        assert "编号和密码不匹配" in tries(stranger, ref, wrong_pin(pin))
    newcomer = Tipster(intake, user_id="newcomer", language_hint="zh-hans")
    assert "错误次数太多" in tries(newcomer, ref, wrong_pin(pin))  # the code rests for a while
    assert f"报告 {ref}" in tries(tipster, ref, pin)


def test_the_owner_who_forgot_the_pin_is_throttled_like_anyone(tipster):
    ref, pin = submit(tipster)
    for _ in range(5):
        assert "编号和密码不匹配" in tries(tipster, ref, wrong_pin(pin))
    assert "错误次数太多" in tries(tipster, ref, pin)


def test_a_stranger_may_try_again_once_the_hour_has_passed(engine, cipher, config, queue):
    now = [utcnow()]
    intake = Intake(engine=engine, cipher=cipher, config=config, clock=lambda: now[0])
    ref, pin = submit(Tipster(intake, language_hint="zh-hans"))
    stranger = Tipster(intake, user_id="stranger", language_hint="zh-hans")
    for _ in range(5):
        tries(stranger, ref, wrong_pin(pin))
    assert "错误次数太多" in tries(stranger, ref, wrong_pin(pin))
    now[0] += timedelta(minutes=61)
    assert "编号和密码不匹配" in tries(stranger, ref, wrong_pin(pin))

    sweep(engine, queue, draft_ttl=config.draft_ttl, now=now[0] + timedelta(minutes=61))
    with Session(engine) as session:  # counts whose hour has passed are not kept
        assert session.exec(select(PinThrottle)).all() == []


def test_twenty_chats_guessing_at_once_get_five_guesses_checked(
    postgresql, tipster, intake: Intake, engine: Engine
):
    ref, pin = submit(tipster)
    guessers = [
        Tipster(intake, user_id=f"guesser-{n}", language_hint="zh-hans") for n in range(GUESSERS)
    ]
    for guesser in guessers:
        guesser.says("/followup")
        guesser.says(ref)
    start = threading.Barrier(GUESSERS)
    failures: list[BaseException] = []

    def guess(guesser: Tipster) -> None:
        try:
            start.wait()
            guesser.says(wrong_pin(pin))
        except BaseException as error:  # noqa: BLE001 — reported by the test below
            failures.append(error)

    threads = [threading.Thread(target=guess, args=(g,)) for g in guessers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures and not any(t.is_alive() for t in threads)
    checked = event_log(engine, ref).count(("tipster", "followup_pin_refused"))
    assert checked == 5
    told = [g.text for g in guessers]
    assert sum("编号和密码不匹配" in t for t in told) == 5
    assert sum("错误次数太多" in t for t in told) == GUESSERS - 5
    assert f"报告 {ref}" in tries(tipster, ref, pin)

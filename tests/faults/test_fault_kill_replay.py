"""`kill -9` the web process at random moments while tipsters file sightings: nothing is lost,
nothing happens twice, and every tipster hears back.

"Telegram" re-delivers every update that wasn't answered 200, as the real one does. The
kills fall (seeded, so a failure can be replayed with HOMEWARD_FAULT_SEED) on a Bot API call
that is lost with the process or reaches Telegram just before the process dies, right after
an update was acknowledged, or at a random moment.
"""

from __future__ import annotations

import os
import random
import signal
import threading
from collections.abc import Callable

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from storage import Delivery, FieldCipher, InboundUpdate
from tests.faults.conftest import LONG, Reference, finished, webhook_path
from tests.faults.processes import Processes, WebProcess
from tests.faults.scripts import SIGHTINGS
from tests.faults.telegram_side import (
    ANSWER_WAIT,
    Trip,
    TrippingTelegram,
    Webhook,
    play_all,
    players_for,
    without_replays,
)

SEED = int(os.environ.get("HOMEWARD_FAULT_SEED", "20261129"))
KINDS = ("bot-api-call-lost", "bot-api-call-sent", "just-acknowledged", "any-moment")


def kill_plan(rng: random.Random, rounds: int) -> list[str]:
    """Each kind of kill once per round, in a seeded order."""
    plan: list[str] = []
    for _ in range(rounds):
        plan.extend(rng.sample(KINDS, len(KINDS)))
    return plan


def arm(
    kind: str,
    rng: random.Random,
    fake: TrippingTelegram,
    webhook: Webhook,
    kill: Callable[[], None],
) -> float | None:
    """Set the trigger of one kill; a delay in seconds when it is just a moment."""
    if kind.startswith("bot-api"):
        fake.trip(Trip(rng.randint(1, 10), kill, deliver=kind == "bot-api-call-sent"))
    elif kind == "just-acknowledged":
        left = [rng.randint(1, 6)]

        def after_ack(update_id: int) -> None:
            left[0] -= 1
            if left[0] == 0:
                kill()

        webhook.after_ack = after_ack
    else:
        return rng.uniform(0.2, 4.0)
    return None


def test_kill_9_at_random_points_loses_nothing_and_doubles_nothing(
    fake: TrippingTelegram,
    processes: Processes,
    engine: Engine,
    cipher: FieldCipher,
    reference: Reference,
) -> None:
    rng = random.Random(SEED)
    sightings = SIGHTINGS if LONG else SIGHTINGS[:3]
    scripts = [s.actions() for s in sightings]
    web = processes.web()
    processes.launch(web)
    expected = reference(scripts)  # while the process starts
    processes.ready(web)
    webhook = Webhook(webhook_path(fake))
    webhook.up(0, web.url)
    players = players_for(scripts, fake, webhook, engine)
    done, woken = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def tipsters() -> None:
        try:
            play_all(players, lambda p: None)
        except BaseException as error:  # reported by the test's thread
            failures.append(error)
        done.set()
        woken.set()

    threading.Thread(target=tipsters, daemon=True).start()
    kills = chaos(web, processes, fake, webhook, rng, done, woken)
    done.wait(ANSWER_WAIT * 2)
    assert not failures, failures[0]
    assert web.stop(), web.log()[-3000:]

    assert kills >= (3 if not LONG else 8), "too few kills landed before the interviews ended"
    sent = [u for p in players for u in p.sent]
    assert sorted(set(webhook.acknowledged)) == sorted(sent)  # each re-sent until acknowledged
    assert_each_update_took_effect_once(engine, sent)
    for player, want in zip(players, expected, strict=True):
        got = finished(player, engine, cipher)
        assert got.tip is not None and got.tip == want.tip, player.chat_id
        assert got.state == want.state
        assert without_replays(got.seen)[:-1] == without_replays(want.seen)[:-1]
        assert got.ref and got.ref in got.seen[-1]  # the last message answered: the receipt
    log = web.log()
    assert "Traceback" not in log and fake.token not in log
    assert not any(str(p.chat_id) in log for p in players)


def chaos(
    web: WebProcess,
    processes: Processes,
    fake: TrippingTelegram,
    webhook: Webhook,
    rng: random.Random,
    done: threading.Event,
    woken: threading.Event,
) -> int:
    """Kill the web process by the seeded plan, restarting it each time; how many kills landed."""
    kills = 0
    for kind in kill_plan(rng, 3 if LONG else 1):
        woken.clear()
        if done.is_set():
            break
        killed = threading.Event()

        def kill(pid: int = web.pid, killed: threading.Event = killed) -> None:
            webhook.down(0)
            os.kill(pid, signal.SIGKILL)
            killed.set()
            woken.set()

        delay = arm(kind, rng, fake, webhook, kill)
        if delay is not None and not done.wait(delay):
            kill()
        woken.wait(ANSWER_WAIT)
        fake.disarm()
        webhook.after_ack = None
        if not killed.is_set():  # the tipsters finished before the kill's moment came
            break
        web.kill()  # reap it
        kills += 1
        processes.start_web(web)
        webhook.up(0, web.url)
    return kills


def assert_each_update_took_effect_once(engine: Engine, update_ids: list[int]) -> None:
    """Every update stored once, handled, and its answer recorded exactly once."""
    keys = [str(u) for u in update_ids]
    with Session(engine) as session:
        stored = session.exec(
            select(InboundUpdate.update_key, InboundUpdate.processed_at).where(
                col(InboundUpdate.update_key).in_(keys)
            )
        ).all()
        answered = session.exec(
            select(Delivery.delivery_key, func.count())
            .where(col(Delivery.delivery_key).in_([f"tg:{k}" for k in keys]))
            .group_by(Delivery.delivery_key)
        ).all()
    assert sorted(k for k, _ in stored) == sorted(keys)
    assert all(at is not None for _, at in stored), "an update was left unhandled"
    assert len(answered) == len(keys) and {n for _, n in answered} == {1}

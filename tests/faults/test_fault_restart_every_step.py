"""A restart after any step of the sighting interview: the conversation goes on where it was.

Eleven chats play the interview staggered: chat n is restarted after its steps n, n + 11,
n + 22, so that every step of the interview is followed by a restart in some chat with
three restarts in all (HOMEWARD_LONG_FAULTS=1: one chat, restarted after each of its steps).
Restarts alternate between a deploy (SIGTERM) and a crash (SIGKILL).
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from sqlalchemy.engine import Engine

from handlers.steps import FLOWS, Step
from storage import FieldCipher, ReportKind
from tests.bot.telegram_helpers import conversation_state
from tests.faults.conftest import LONG, Reference, finished, webhook_path
from tests.faults.processes import Processes
from tests.faults.scripts import SIGHTINGS, Sighting, comparable_state
from tests.faults.telegram_side import (
    TipsterPlayer,
    TrippingTelegram,
    Webhook,
    play_all,
    players_for,
)

CHATS = 1 if LONG else 11


def of_one_shape(chats: int) -> list[Sighting]:
    """Sightings that differ in every answer but take the same steps (a phone, two signs)."""
    shaped = []
    for n in range(chats):
        base = SIGHTINGS[n % len(SIGHTINGS)]
        signs = (*base.signs, "afraid", "no_school")[:2]
        shaped.append(replace(base, phone=base.phone or f"+86137000011{n:02d}", signs=signs))
    return shaped


def next_stop(players: list[TipsterPlayer], rounds: int, player: TipsterPlayer) -> int:
    """How many steps a chat has taken when the process restarts after this round."""
    return players.index(player) + 1 + rounds * CHATS


def test_a_restart_after_any_step_continues_the_conversation_where_it_was(
    fake: TrippingTelegram,
    processes: Processes,
    engine: Engine,
    cipher: FieldCipher,
    reference: Reference,
) -> None:
    scripts = [s.actions() for s in of_one_shape(CHATS)]
    web = processes.web()
    processes.launch(web)
    expected = reference(scripts)  # while the process starts
    processes.ready(web)
    webhook = Webhook(webhook_path(fake))
    webhook.up(0, web.url)
    players = players_for(scripts, fake, webhook, engine)

    restarted_at: set[str] = set()  # the question each chat was at when the process went
    rounds = 0
    while any(len(p.sent) < len(p.script) for p in players):
        # Chat n stops after step n, n + CHATS, n + 2·CHATS, …: together, after every step.
        play_all(players, partial(next_stop, players, rounds))
        before = {p.chat_id: conversation_state(engine, cipher, p.chat_id) for p in players}
        restarted_at |= {str(s["step"]) for s in before.values() if s.get("step")}
        webhook.down(0)
        rounds += 1
        if rounds % 2 == 0:
            assert web.stop(), web.log()[-3000:]  # a deploy: SIGTERM, finish, go
        else:
            web.kill()  # a crash
        processes.start_web(web)
        webhook.up(0, web.url)
        for player in players:  # nothing was reset or lost by the restart
            after = conversation_state(engine, cipher, player.chat_id)
            assert comparable_state(after) == comparable_state(before[player.chat_id])

    assert restarted_at == {Step.KIND, *FLOWS[ReportKind.SIGHTING]}
    for player, want in zip(players, expected, strict=True):
        got = finished(player, engine, cipher)
        assert got.tip is not None and got.tip == want.tip, player.chat_id
        assert got.state == want.state
        assert got.seen[:-1] == want.seen[:-1]  # not a message lost, repeated or out of place
        assert got.ref and got.ref in got.seen[-1]
    assert web.stop(), web.log()[-3000:]

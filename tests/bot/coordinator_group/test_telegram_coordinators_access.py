"""Who may act in the coordinators' group, the group's commands, and what survives a restart."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from rq import Queue
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.telegram import TelegramOptions
from bot.telegram.coordinators import TelegramNotifier
from bot.telegram.coordinators.actions import action_for
from bot.telegram.coordinators.card import card as render_card
from bot.wiring import Services
from bot.worker import worker_runtime
from storage import (
    FieldCipher,
    Note,
    RegistryEntry,
    RelayMessage,
    Report,
    ReportEvent,
    session_scope,
    utcnow,
)
from tests.bot.coordinator_helpers import (
    ENGLISH,
    GROUP,
    TelegramCoordinator,
    card_of,
    events,
    group_messages,
    listed,
    reference_in,
    shown_now,
    submit_sighting,
    work,
)
from tests.bot.telegram_helpers import (
    RunningBot,
    TelegramTipster,
    conversation_state,
    rows,
    running_bot,
    telegram_settings,
)
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_updates import UpdateFactory
from triage import runtime

TIPSTER, OTHER_TIPSTER, ALICE, MALLORY = 5550001, 5550002, 9001, 6660006


def submit_other(tipster: TelegramTipster) -> str:
    """A short, not urgent tip about a place; its reference."""
    tipster.says("/start")
    tipster.taps("Other information (traffickers, buyers, places)")
    tipster.taps("Continue")
    tipster.says("Chengdu East railway station")
    tipster.taps("Today")
    tipster.says("A van that comes every Friday night")
    tipster.taps("Done")
    tipster.taps("Stay anonymous")
    tipster.taps("Submit")
    return reference_in(tipster.text)


def test_an_unlisted_user_is_refused_and_the_attempt_recorded_without_their_id(
    bot: RunningBot,
    updates: UpdateFactory,
    engine: Engine,
    queue: Queue,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ref = submit_sighting(TelegramTipster(bot, updates, TIPSTER, language_code="en"))
    work(queue)
    mallory = TelegramCoordinator(bot, updates, MALLORY, "Mallory")
    card = card_of(bot, ref)
    with caplog.at_level(logging.INFO):
        refused = mallory.taps("Claim", on=card)
        assert mallory.says("/queue").text == "Sorry, only coordinators on the list can do this."
        assert mallory.replies("sneaky", to=card, answered=False) is None  # not a prompt
    assert refused.params == {
        "callback_query_id": refused.params["callback_query_id"],
        "text": "Sorry, only coordinators on the list can do this.",
        "show_alert": True,
    }
    assert card_of(bot, ref).text == card.text  # nothing changed
    assert events(engine, ref)[-1] == ("unlisted-telegram", "refused")
    with Session(engine) as session:
        event = session.exec(select(ReportEvent).where(ReportEvent.action == "refused")).one()
    assert event.detail == {"via": "telegram", "where": "group", "attempted": "claim"}
    ours = [r.getMessage() for r in caplog.records if r.name.startswith(("bot.", "triage."))]
    assert any("claim refused" in line for line in ours)
    assert not any(str(MALLORY) in line or "Mallory" in line for line in ours)


def test_coordinator_commands_in_a_private_chat_are_refused_and_recorded(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, cipher: FieldCipher
) -> None:
    tipster = TelegramTipster(bot, updates, TIPSTER, language_code="en")
    ref = submit_other(tipster)
    assert "Coordinator" not in tipster.says("/help").text  # the tipsters' own /help
    listed(engine, "alice", ALICE)
    alice = TelegramCoordinator(bot, updates, ALICE, "Alice", language_code="zh-hans")
    assert alice.says_privately("/queue").text == "协调员命令只能在协调员群里使用。"
    assert alice.says_privately(f"/tip {ref}").text == "协调员命令只能在协调员群里使用。"
    mallory = TelegramCoordinator(bot, updates, MALLORY, "Mallory")
    mallory.says_privately(f"/note {ref} let me in")
    assert events(engine, ref)[-2:] == [("alice", "refused"), ("unlisted-telegram", "refused")]
    assert conversation_state(engine, cipher, ALICE) == {}  # the interview never saw it
    assert rows(engine, Note) == []


def test_queue_tip_and_mine(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, queue: Queue
) -> None:
    calm = submit_other(TelegramTipster(bot, updates, OTHER_TIPSTER, language_code="en"))
    urgent = submit_sighting(TelegramTipster(bot, updates, TIPSTER, language_code="en"))
    work(queue)
    listed(engine, "alice", ALICE)
    alice = TelegramCoordinator(bot, updates, ALICE, "Alice")

    listing = alice.says("/queue")
    lines = listing.text.splitlines()
    assert lines[0] == "Open tips (2), most urgent first:"
    assert lines[1].startswith(f"🚨 {urgent} · 100 · Sighting · 成都市, 四川 · new")
    assert lines[2].startswith(f"{calm} · ") and "Other information" in lines[2]
    assert listing.buttons == [urgent, calm]
    alice.taps(calm, on=listing)
    shown = group_messages(bot)[-1]
    assert shown.text.startswith(f"{calm} · Other information") and "Claim" in shown.buttons

    assert alice.says("/mine").text == "You hold no tips."
    alice.taps("Claim", on=shown)
    assert "claimed by alice" in shown_now(bot, shown).text  # the copy pressed, edited
    assert "claimed by alice" in card_of(bot, calm).text  # and the card
    assert alice.says("/mine").text.splitlines()[1].startswith(f"{calm} · ")

    card = alice.says(f"/tip {urgent.lower()}")
    assert card.text.startswith("🚨 IMMINENT") and card.buttons[0] == "Claim"
    assert alice.says("/tip HW-2222-22").text == "There is no tip HW-2222-22."
    assert alice.says("/tip").text == "Usage: /tip REF"
    assert "/queue" in alice.says("/help").text
    [menu] = [c.params for c in bot.fake.calls("setMyCommands") if c.params.get("scope")]
    assert menu["scope"] == {"type": "chat", "chat_id": GROUP}  # the group's own menu
    assert [c["command"] for c in menu["commands"]] == [
        "queue",
        "mine",
        "tip",
        "ask",
        "note",
        "help",
    ]


def test_invalid_transitions_are_explained_in_the_group(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, queue: Queue
) -> None:
    ref = submit_other(TelegramTipster(bot, updates, TIPSTER, language_code="en"))
    work(queue)
    listed(engine, "alice", ALICE)
    alice = TelegramCoordinator(bot, updates, ALICE, "Alice")
    card = card_of(bot, ref)
    assert alice.taps("Verify", on=card).params["text"] == f"Not done: claim {ref} first"
    assert alice.taps("Ask the tipster", on=card).params["text"] == f"Not done: claim {ref} first"
    alice.taps("Claim", on=card)
    alice.taps("Verify", on=card)
    refused = alice.taps("Verify", on=card)
    assert refused.params["text"] == f"Not done: {ref} can't go from verified to verified"
    stale = alice.says(f"/tip {ref}")  # a copy that still shows the buttons of an open tip
    alice.taps("Close", on=card)
    alice.taps("Duplicate", on=card)
    closed = alice.taps("Claim", on=stale)
    assert closed.params["text"] == f"Not done: {ref} is closed; reopen it first"
    alice.taps("Reopen", on=card)
    assert "Status: in review · claimed by alice" in card_of(bot, ref).text
    assert [a for _, a in events(engine, ref)].count("status_changed") == 4


def test_a_prompt_survives_a_restart_and_an_action_is_done_once(
    svc: Services, fake: FakeTelegram, updates: UpdateFactory, engine: Engine, queue: Queue
) -> None:
    listed(engine, "alice", ALICE)
    with running_bot(svc, fake, options=ENGLISH) as bot:
        ref = submit_other(TelegramTipster(bot, updates, TIPSTER, language_code="en"))
        work(queue)
        alice = TelegramCoordinator(bot, updates, ALICE, "Alice")
        alice.taps("Add note", on=card_of(bot, ref))
        prompt = alice.last_prompt()
    with running_bot(svc, fake, options=ENGLISH) as bot:  # a new process
        alice = TelegramCoordinator(bot, updates, ALICE, "Alice")
        assert alice.replies("Seen again on Friday", to=prompt).text == f"Note added to {ref}."
    assert [n.body for n in rows(engine, Note)] == ["Seen again on Friday"]

    desk = bot.channel.coordinators.talk.desk
    note = action_for("note", "", "Only once", utcnow())
    first = desk.act(ALICE, note, attempted="note", delivery="tg:424242", ref=ref)
    again = desk.act(ALICE, note, attempted="note", delivery="tg:424242", ref=ref)
    assert first.done and again.done and len(rows(engine, Note)) == 2


def test_a_tipster_who_blocked_the_bot_is_not_asked_and_the_group_hears_of_matches(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, queue: Queue
) -> None:
    ref = submit_sighting(TelegramTipster(bot, updates, TIPSTER, language_code="en"))
    work(queue)
    listed(engine, "alice", ALICE)
    alice = TelegramCoordinator(bot, updates, ALICE, "Alice")
    alice.taps("Claim", on=card_of(bot, ref))
    alice.says(f"/ask {ref} Is the child still there?")
    bot.fake.fail_next("sendMessage", error_code=403)
    work(queue)
    [question] = rows(engine, RelayMessage)
    assert question.delivered_at is None and question.failure == (
        "telegram: Forbidden: bot was blocked by the user"
    )
    assert events(engine, ref)[-1] == ("system", "relay_failed")

    notifier = runtime.current().notifier
    assert isinstance(notifier, TelegramNotifier)
    with session_scope(engine) as session:
        entry = RegistryEntry(case_id="FAM-2019-07", kind="family_seeking_child", name="李勇")
        session.add(entry)
        session.flush()
        entry_id = entry.id or 0
    notifier.match_found(rows(engine, RelayMessage)[0].report_id, ref, entry_id, 0.734)
    work(queue)
    assert group_messages(bot)[-1].text == (
        f"🔗 {ref} (urgency 100) may be the child of registry case FAM-2019-07 (probability 0.73)."
    )


def test_the_worker_gets_the_group_notifier_and_the_relay_from_the_settings(
    svc: Services, fake: FakeTelegram
) -> None:
    rt = worker_runtime(svc)
    assert isinstance(rt.notifier, TelegramNotifier) and rt.notifier.chat_id == GROUP
    assert set(rt.senders) == {"telegram"} and rt.cipher is svc.cipher
    svc.settings = telegram_settings(fake)  # no COORDINATOR_CHAT_ID: log lines, still a relay
    rt = worker_runtime(svc)
    assert not isinstance(rt.notifier, TelegramNotifier) and set(rt.senders) == {"telegram"}


def stored_report(**fields: object) -> Report:
    """A sighting received at 14:00 Beijing time on 30 November."""
    return Report(
        id=3,
        ref="HW-7K3P-Q9",
        pin_hash="x",
        draft_id="d",
        kind="sighting",
        language="zh_CN",
        created_at=datetime(2026, 11, 30, 6, 0, tzinfo=UTC),
        **fields,
    )


def test_cards_and_notices_are_in_chinese_unless_configured_otherwise() -> None:
    report = stored_report(
        channel="telegram",
        tipster_ref="encrypted chat id",
        province="云南",
        city="昆明市",
        child_sex="girl",
        child_age_min=6,
        child_age_max=8,
        signs=["begging_working"],
        details="我家楼下",  # typed by the tipster: never on a card
    )
    now = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    language = TelegramOptions().coordinator_language
    view = render_card(
        report, holder=None, language=language, tz=ZoneInfo("Asia/Shanghai"), now=now
    )
    assert view.text.splitlines() == [
        "HW-7K3P-Q9 · 目击 · 紧急度 尚未评估",  # the worker hasn't assessed it
        "状态：新",
        "地点：云南 昆明市",
        "时间：—",
        "孩子：女孩，约 6–8 岁",
        "迹象：在乞讨或干活",
        "收到于 2026-11-30 14:00",
    ]
    assert [label for row in view.rows for label, _ in row][:2] == ["认领", "核实"]


def test_a_card_says_why_the_tipster_cant_be_asked_and_offers_no_ask_button() -> None:
    report = stored_report(channel="console")  # keyed at the terminal by a hotline operator
    now = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)

    view = render_card(report, holder=None, language="zh_CN", tz=ZoneInfo("Asia/Shanghai"), now=now)

    assert (
        view.text.splitlines()[-1]
        == "无法询问举报人：HW-7K3P-Q9 经热线收到，没有可以向举报人提问的渠道"
    )
    labels = [label for row in view.rows for label, _ in row]
    assert "询问举报人" not in labels and "添加备注" in labels

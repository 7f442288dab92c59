"""Coordinators triage a Telegram tip in their Telegram group, from the card to closing it."""

from __future__ import annotations

from datetime import timedelta

import redis
from rq import Queue
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage import Note, Referral, RelayMessage, Report, Role, TipCard, utcnow
from tests.bot.coordinator_helpers import (
    GROUP,
    TelegramCoordinator,
    card_of,
    events,
    group_messages,
    listed,
    submit_sighting,
    work,
)
from tests.bot.telegram_helpers import (
    RunningBot,
    TelegramTipster,
    rows,
)
from tests.fakes.telegram_updates import UpdateFactory
from triage import sweep
from triage.alerts.pacing import pace_keys

TIPSTER, ALICE, BOB = 5550001, 9001, 9002


def test_a_tip_is_triaged_in_the_group_from_card_to_closing(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, queue: Queue
) -> None:
    tipster = TelegramTipster(bot, updates, TIPSTER, language_code="en")
    ref = submit_sighting(tipster)
    work(queue)

    card = card_of(bot, ref)
    assert card.text.splitlines()[:2] == [
        "🚨 IMMINENT: a child may be in danger now",
        f"{ref} · Sighting · urgency 100",
    ]
    assert "Where: 成都市, 四川 (map pin on the dashboard)" in card.text
    assert "Child: Boy, about 5" in card.text and "Cantonese (differs from locals)" in card.text
    assert "Signs: Seems afraid of the adults" in card.text
    assert card.buttons == [
        "Claim", "Verify", "Refer", "Close", "Ask the tipster", "Add note"
    ]  # fmt: skip
    for secret in ("138", "8000", str(TIPSTER), "30.65", "104.06"):
        assert secret not in card.text
    alert = group_messages(bot)[1]
    assert alert.text.startswith(f"🚨 IMMINENT: {ref} (urgency 100)")
    [where] = rows(engine, TipCard)
    assert (where.chat_id, where.message_id) == (GROUP, card.message_id)

    listed(engine, "alice", ALICE)
    listed(engine, "bob", BOB)
    alice = TelegramCoordinator(bot, updates, ALICE, "Alice")
    bob = TelegramCoordinator(bot, updates, BOB, "Bob", language_code="zh-hans")
    assert alice.taps("Claim", on=card).params["text"] == f"{ref} is yours now."
    card = card_of(bot, ref)
    assert "Status: in review · claimed by alice until" in card.text  # edited in place
    refused = bob.taps("Claim", on=card)
    assert refused.params["show_alert"] is True
    assert refused.params["text"] == f"未完成：{ref} 已被其他协调员认领"  # in Bob's language

    alice.taps("Ask the tipster", on=card)
    prompt = alice.last_prompt()
    assert prompt.text.startswith(
        f"Alice: reply to this message with your question for the tipster of {ref}"
    )
    done = alice.replies("What was the man wearing?", to=prompt)
    assert done.text == f"Your question goes to the tipster of {ref}. They will not see who asked."
    work(queue)
    question = bot.fake.last_text(TIPSTER)
    assert question is not None and "What was the man wearing?" in question and ref in question
    assert "alice" not in question.lower()

    tipster.says("A grey jacket, and he spoke with a Henan accent")
    assert "added to your report" in tipster.text
    work(queue)
    with Session(engine) as session:
        answer = session.exec(
            select(RelayMessage).where(RelayMessage.direction == "from_tipster")
        ).one()
    assert answer.body == "A grey jacket, and he spoke with a Henan accent"
    notice = group_messages(bot)[-1]
    assert (
        notice.text == f"💬 The tipster of {ref} (urgency 100) answered. Read it on the dashboard."
    )
    assert "Henan" not in notice.text

    alice.taps("Verify", on=card)
    assert "Status: verified" in card_of(bot, ref).text
    alice.taps("Refer", on=card)
    assert card_of(bot, ref).buttons == ["Police", "Partner NGO", "DNA sampling", "← Back"]
    alice.taps("Police", on=card)
    assert card_of(bot, ref).buttons[0] == "Claim"  # the card's own buttons are back
    alice.replies("Chengdu PSB Jinjiang station\nCD-2026-311", to=alice.last_prompt())
    [referral] = rows(engine, Referral)
    assert (referral.kind, referral.to_whom, referral.reference) == (
        "police",
        "Chengdu PSB Jinjiang station",
        "CD-2026-311",
    )
    alice.taps("Close", on=card)
    alice.taps("Resolved", on=card)
    card = card_of(bot, ref)
    assert "Status: closed (Resolved)" in card.text and card.buttons == ["Reopen", "Add note"]

    assert events(engine, ref) == [
        ("tipster", "submitted"),
        ("system", "queued_for_review"),
        ("system", "assessed"),
        ("system", "matched"),  # no registry match; the matcher records that it ran
        ("alice", "claimed"),
        ("alice", "status_changed"),
        ("alice", "asked_tipster"),
        ("system", "relay_delivered"),
        ("tipster", "tipster_replied"),
        ("alice", "status_changed"),
        ("alice", "status_changed"),
        ("alice", "referred"),
        ("alice", "status_changed"),
    ]
    assert rows(engine, Report)[0].close_reason == "resolved"


def test_notes_by_reply_or_command_and_prompts_belong_to_who_asked(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, queue: Queue
) -> None:
    ref = submit_sighting(TelegramTipster(bot, updates, TIPSTER, language_code="en"))
    work(queue)
    listed(engine, "alice", ALICE)
    listed(engine, "bob", BOB)
    alice = TelegramCoordinator(bot, updates, ALICE, "Alice")
    bob = TelegramCoordinator(bot, updates, BOB, "Bob")

    alice.taps("Add note", on=card_of(bot, ref))
    prompt = alice.last_prompt()
    assert bob.replies("Not mine to write", to=prompt).text == (
        "That prompt is for another coordinator."
    )
    assert alice.replies("Same van seen last week", to=prompt).text == f"Note added to {ref}."
    assert alice.replies("Once more", to=prompt).text.startswith("That prompt has expired")
    assert bob.says(f"/note {ref} Called the station").text == f"Note added to {ref}."
    assert [n.body for n in rows(engine, Note)] == ["Same van seen last week", "Called the station"]
    assert alice.says("/note").text == "Usage: /note REF your note"
    assert events(engine, ref)[-2:] == [("alice", "note_added"), ("bob", "note_added")]


def test_a_change_made_on_the_cli_or_dashboard_edits_the_card_in_place(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, queue: Queue
) -> None:
    from tests.triage.coordinators import CoordinatorActor

    ref = submit_sighting(TelegramTipster(bot, updates, TIPSTER, language_code="en"))
    work(queue)
    before = card_of(bot, ref)
    assert "claimed by" not in before.text

    CoordinatorActor(engine, "carol", queue=queue).claims(ref)  # the service layer, as the CLI
    work(queue)

    after = card_of(bot, ref)
    assert after.message_id == before.message_id  # the same message, edited
    assert "Status: in review · claimed by carol until" in after.text


def test_an_imminent_tip_nobody_claims_is_escalated_to_the_leads_once(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, queue: Queue
) -> None:
    tipster = TelegramTipster(bot, updates, TIPSTER, language_code="en")
    ref = submit_sighting(tipster)  # a child hurt and there now: imminent
    work(queue)
    later = utcnow() + timedelta(minutes=16)

    sweep(engine, queue, draft_ttl=timedelta(days=7), now=later)
    sweep(engine, queue, draft_ttl=timedelta(days=7), now=later + timedelta(minutes=1))
    work(queue)

    notices = [m for m in group_messages(bot) if m.text.startswith("⏰")]
    assert [m.text for m in notices] == [
        f"⏰ Leads: {ref} is IMMINENT and nobody has claimed it for 15 minutes."
        " Assign it now (card above)."
    ]
    assert events(engine, ref).count(("system", "escalated")) == 1
    listed(engine, "lee", ALICE, Role.LEAD)
    queue_answer = TelegramCoordinator(bot, updates, ALICE, "Lee").says("/queue")
    assert queue_answer.text.splitlines()[-1].startswith(f"🚨 {ref} · 100 · Sighting")


def test_the_workers_messages_count_in_the_alerts_pace(
    bot: RunningBot, updates: UpdateFactory, queue: Queue, redis_client: redis.Redis
) -> None:
    tipster = TelegramTipster(bot, updates, TIPSTER, language_code="en")
    submit_sighting(tipster)
    bot.settle()
    redis_client.delete(*pace_keys("telegram"))  # the interview's replies, counted already
    before = len(bot.fake.calls())

    work(queue)  # the card and the imminent alert go to the group from the worker

    sent = [c for c in bot.fake.calls()[before:] if c.method.startswith(("send", "edit"))]
    assert len(sent) >= 2 and {c.params["chat_id"] for c in sent} == {GROUP}
    counted = redis_client.zcard(pace_keys("telegram")[1])
    assert counted == len(sent)  # each counted as it went, none twice
    assert int(redis_client.hget(pace_keys("telegram")[3], "n") or 0) >= 1  # a burst too

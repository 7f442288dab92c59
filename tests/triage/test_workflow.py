"""Coordinators triage a tip: claim, question the tipster anonymously, refer, export."""

from __future__ import annotations

import json

import pytest
from rq import SimpleWorker
from sqlmodel import Session, select

from handlers.times import zone
from storage import RelayMessage, Role
from tests.stories import Tipster, receipt_ref
from tests.triage.coordinators import CoordinatorActor, MemorySender, event_log, tip
from triage import MemoryNotifier, Runtime, configure
from triage.export import export_tip, package_csv
from triage.workflow import WorkflowError


def submit(tipster: Tipster, *, phone: str | None = None) -> tuple[str, str]:
    """A short report; returns (reference code, PIN)."""
    tipster.says("/start")
    tipster.taps("other")
    tipster.taps("continue")
    tipster.says("Kunming bus station")
    tipster.taps("today")
    tipster.says("A man asking about buying a baby")
    tipster.taps("done")
    if phone:
        tipster.taps("phone")
        tipster.says(phone)
    else:
        tipster.taps("anonymous")
    tipster.taps("submit")
    text = tipster.text
    ref = receipt_ref(text)
    pin = (
        text.split("PIN: ")[1].split()[0] if "PIN: " in text else text.split("密码：")[1].split()[0]
    )
    return ref, pin


@pytest.fixture
def relay(database_url, cipher) -> tuple[MemorySender, MemoryNotifier]:
    """Jobs run in this process with in-memory senders and notifier."""
    sender, notifier = MemorySender(), MemoryNotifier()
    configure(
        Runtime(
            database_url=database_url,
            notifier=notifier,
            senders={"telegram": sender},
            cipher=cipher,
        )
    )
    return sender, notifier


def work(queue, redis_client) -> None:
    SimpleWorker([queue], connection=redis_client).work(burst=True)


def test_the_whole_triage_story(english_tipster, engine, cipher, queue, redis_client, relay):
    sender, notifier = relay
    ref, pin = submit(english_tipster, phone="138 0013 8000")
    work(queue, redis_client)
    assert notifier.sent[0][1] == ref

    alice = CoordinatorActor(engine, "alice", queue=queue)
    bob = CoordinatorActor(engine, "bob")
    alice.claims(ref)
    assert tip(engine, ref).status == "in_review"
    with pytest.raises(WorkflowError, match="claimed by someone else"):
        bob.claims(ref)

    alice.notes(ref, "Matches a pattern seen in Yunnan last month")
    alice.asks(ref, "What did the man look like?")
    work(queue, redis_client)
    assert sender.sent == [
        {
            "user_id": english_tipster.user_id,
            "language": "en",
            "ref": ref,
            "question": "What did the man look like?",
        }
    ]

    english_tipster.says("Tall, grey jacket, Henan accent")
    assert "added to your report" in english_tipster.text
    work(queue, redis_client)
    assert notifier.sent[-1] == (tip(engine, ref).id, f"reply:{ref}")
    with Session(engine) as session:
        answer = session.exec(
            select(RelayMessage).where(RelayMessage.direction == "from_tipster")
        ).one()
        assert answer.body == "Tall, grey jacket, Henan accent"

    english_tipster.says("/followup")
    english_tipster.says(ref)
    english_tipster.says(pin)
    assert f"Report {ref}: being reviewed" in english_tipster.text
    assert "Yunnan" not in english_tipster.text  # notes are never shown
    english_tipster.taps("Done")

    alice.sets_status(ref, "verified", reason="second source")
    alice.refers(ref, kind="police", to_whom="Kunming PSB Guandu station", reference="KM-2026-114")
    assert tip(engine, ref).status == "referred"

    with Session(engine) as session:
        from storage.coordinators import find_coordinator
        from storage.reports import get_report

        package = export_tip(
            session=session,
            report=get_report(session=session, ref=ref),
            coordinator=find_coordinator(session=session, name="alice"),
            cipher=cipher,
            tz=zone("Asia/Shanghai"),
        )
        session.commit()
    assert package["contact"] == {"anonymous": False, "phone": None}
    assert package["referrals"][0]["reference"] == "KM-2026-114"
    dumped = json.dumps(package, ensure_ascii=False) + package_csv(package)
    assert "13800138000" not in dumped and english_tipster.user_id not in dumped
    assert "Yunnan" not in dumped

    assert event_log(engine, ref) == [
        ("tipster", "submitted"),
        ("system", "queued_for_review"),
        ("system", "assessed"),
        ("alice", "claimed"),
        ("alice", "status_changed"),
        ("alice", "note_added"),
        ("alice", "asked_tipster"),
        ("system", "relay_delivered"),
        ("tipster", "tipster_replied"),
        ("tipster", "followup_opened"),
        ("alice", "status_changed"),
        ("alice", "status_changed"),
        ("alice", "referred"),
        ("alice", "exported"),
    ]


def test_a_wrong_pin_is_refused_and_guessing_is_throttled(tipster, engine):
    ref, pin = submit(tipster)
    for _ in range(5):
        tipster.says("/followup")
        tipster.says(ref)
        tipster.says("000000" if pin != "000000" else "111111")
        assert "编号和密码不匹配" in tipster.text
    tipster.says("/followup")
    tipster.says(ref)
    tipster.says(pin)  # even the right PIN waits once the limit is reached
    assert "错误次数太多" in tipster.text
    assert ("tipster", "followup_pin_refused") in event_log(engine, ref)


def test_invalid_transitions_are_explained(tipster, engine):
    ref, _ = submit(tipster)
    lead = CoordinatorActor(engine, "lee", Role.LEAD)
    with pytest.raises(WorkflowError, match="claim HW-"):
        CoordinatorActor(engine, "carol").sets_status(ref, "verified")
    lead.claims(ref)
    with pytest.raises(WorkflowError, match="can't go from in review to new") as backwards:
        lead.sets_status(ref, "new")
    assert backwards.value.key == "workflow.transition_not_allowed"
    assert backwards.value.params["ref"] == ref
    assert backwards.value.text("zh_CN") == f"{ref} 不能从“审核中”改为“新线索”"
    with pytest.raises(WorkflowError, match="closing needs a reason: resolved, unfounded"):
        lead.sets_status(ref, "closed")
    with pytest.raises(WorkflowError, match="unknown status 'done': choose new, in review"):
        lead.sets_status(ref, "done")
    lead.sets_status(ref, "closed", close_reason="unfounded")
    assert tip(engine, ref).close_reason == "unfounded"
    lead.sets_status(ref, "in_review", reason="new information")  # reopened
    assert tip(engine, ref).status == "in_review" and tip(engine, ref).close_reason is None


def test_a_claim_expires(tipster, engine):
    ref, _ = submit(tipster)
    alice, bob = CoordinatorActor(engine, "alice"), CoordinatorActor(engine, "bob")
    alice.claims(ref)
    bob.later(hours=5)
    bob.claims(ref)
    assert tip(engine, ref).claimed_by_id is not None


def test_a_console_tip_cannot_be_asked_back(engine, intake):
    ref, _ = submit(Tipster(intake, channel="console", language_hint="en"))
    alice = CoordinatorActor(engine, "alice")
    alice.claims(ref)
    with pytest.raises(WorkflowError, match="came by the hotline; there is no channel") as refused:
        alice.asks(ref, "Anything else?")
    assert refused.value.text("zh_CN") == f"{ref} 经热线收到，没有可以向举报人提问的渠道"

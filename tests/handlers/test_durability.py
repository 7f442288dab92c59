"""Nothing a tipster said is lost: restarts, silences, re-deliveries, concurrent deliveries."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlmodel import Session, select

from handlers import Inbound, InboundKind, Intake
from storage import Conversation, Delivery, Report, utcnow
from tests.stories import Tipster
from triage import sweep


def test_a_new_process_resumes_the_conversation(intake, engine, cipher, config):
    tipster = Tipster(intake, language_hint="zh")
    tipster.says("/start")
    tipster.taps("sighting")
    tipster.taps("continue")
    tipster.says("郑州")

    restarted = Intake(engine=engine, cipher=cipher, config=config)  # nothing kept in memory
    again = Tipster(restarted, user_id=tipster.user_id, language_hint="zh")
    again.says("昨天")
    assert again.step == "presence"
    again.says("/start")
    again.taps("继续填写")
    assert again.step == "presence"


def test_an_old_draft_expires_and_the_tipster_is_told(engine, cipher, config):
    now = [utcnow()]
    intake = Intake(engine=engine, cipher=cipher, config=config, clock=lambda: now[0])
    tipster = Tipster(intake, language_hint="en")
    tipster.says("/start")
    tipster.taps("sighting")
    tipster.taps("continue")
    tipster.says("Shenzhen")

    now[0] += config.draft_ttl + timedelta(hours=1)
    tipster.says("yesterday")

    assert "deleted after 7 days" in tipster.text
    assert tipster.step == "kind"


def test_the_sweeper_purges_expired_drafts(tipster, engine, queue, config):
    tipster.says("/start")
    tipster.taps("sighting")
    tipster.taps("continue")
    tipster.says("深圳东门")
    later = utcnow() + config.draft_ttl + timedelta(minutes=1)

    assert sweep(engine, queue, draft_ttl=config.draft_ttl, now=later).drafts_purged == 1
    with Session(engine) as session:
        state = session.exec(select(Conversation)).one().state
    assert state == {"language": "zh_CN"}
    assert "深圳" not in str(state)


def test_a_redelivered_message_gets_the_same_reply_and_one_effect(intake, engine):
    first = Inbound(
        "test", "u9", InboundKind.COMMAND, text="start", delivery_id="x1", language_hint="en"
    )
    tap = Inbound("test", "u9", InboundKind.CHOICE, text="sighting", step="kind", delivery_id="x2")
    intake.handle(first)
    reply = intake.handle(tap)
    assert intake.handle(tap) == reply
    assert intake.handle(tap) == reply
    assert reply[-1].step == "safety"
    with Session(engine) as session:
        assert len(session.exec(select(Delivery)).all()) == 2
        assert session.exec(select(Conversation)).one().state["history"] == []


def test_a_duplicated_submit_creates_one_report(tipster, engine):
    tipster.says("/start")
    tipster.taps("other")
    tipster.taps("continue")
    tipster.says("Chengdu")
    tipster.taps("today")
    tipster.says("details")
    tipster.taps("done")
    tipster.taps("anonymous")
    submit = Inbound(
        tipster.channel,
        tipster.user_id,
        InboundKind.CHOICE,
        text="submit",
        step="review",
        delivery_id="submit-1",
    )
    receipt = tipster.intake.handle(submit)
    assert tipster.intake.handle(submit) == receipt
    with Session(engine) as session:
        assert len(session.exec(select(Report)).all()) == 1


def test_concurrent_deliveries_of_one_message_have_one_effect(intake, engine):
    intake.handle(Inbound("test", "u7", InboundKind.COMMAND, text="start", language_hint="en"))
    tap = Inbound("test", "u7", InboundKind.CHOICE, text="sighting", step="kind", delivery_id="c1")
    results: list[object] = []
    threads = [
        threading.Thread(target=lambda: results.append(intake.handle(tap))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and all(r == results[0] for r in results)
    with Session(engine) as session:
        state = session.exec(select(Conversation)).one().state
        assert state["step"] == "safety" and state["kind"] == "sighting"
        assert len(session.exec(select(Delivery)).all()) == 1


def test_logs_carry_ids_not_content_or_identity(intake, engine, caplog):
    caplog.set_level(logging.DEBUG)
    tipster = Tipster(intake, user_id="openid-SECRET-42", language_hint="en")
    tipster.says("/start")
    tipster.taps("other")
    tipster.taps("continue")
    tipster.says("Canary Street 7, Kunming")
    tipster.taps("today")
    tipster.says("canary details text")
    tipster.taps("done")
    tipster.taps("phone")
    tipster.says("138 0013 8000")
    tipster.taps("submit")
    logged = caplog.text
    for secret in ("openid-SECRET-42", "Canary", "canary", "13800138000", "0013"):
        assert secret not in logged
    assert "report 1 submitted" in logged
    with Session(engine) as session:
        conversation = session.exec(select(Conversation)).one()
        assert "openid-SECRET-42" not in conversation.user_ref + conversation.user_key
        assert "13800138000" not in session.exec(select(Report)).one().model_dump_json()

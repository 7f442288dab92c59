"""The trusted-reporter signal: what became of a tipster's earlier tips, one small, stated
input to urgency, seen by coordinators and never by tipsters."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from rq import SimpleWorker

from handlers.times import zone
from storage import Outcome, Report, session_scope
from storage.reports import get_report
from tests.bot.dashboard_helpers import report_sighting
from tests.stories import Tipster
from tests.triage.coordinators import tip
from tests.triage.stored import NOW, report
from triage import MemoryNotifier, Runtime, configure, dispatch_report
from triage.reporter import ReporterHistory, reporter_history
from triage.urgency import assess
from triage.urgency_words import reason_words

ROOT = Path(__file__).resolve().parents[2]
SEEN_TODAY = {"seen_on": NOW - timedelta(hours=3)}  # +15: "seen in the last 24 hours"


@pytest.fixture
def notifier(database_url) -> MemoryNotifier:
    notifier = MemoryNotifier()
    configure(Runtime(database_url=database_url, notifier=notifier))
    return notifier


def stored_tip(**fields: object) -> Report:
    """A tip in memory, received now."""
    return Report(
        ref="HW-TEST-00",
        pin_hash="-",
        draft_id="d",
        kind="sighting",
        language="en",
        channel="telegram",
        created_at=NOW,
        **fields,
    )


def test_a_verified_earlier_tip_adds_a_little_and_two_false_ones_take_some_away() -> None:
    plain = assess(stored_tip(**SEEN_TODAY), NOW)
    trusted = assess(stored_tip(**SEEN_TODAY), NOW, ReporterHistory(earlier=2, verified=1))
    doubtful = assess(stored_tip(**SEEN_TODAY), NOW, ReporterHistory(earlier=3, false=2))
    one_false = assess(stored_tip(**SEEN_TODAY), NOW, ReporterHistory(earlier=1, false=1))

    assert (plain.score, trusted.score, doubtful.score, one_false.score) == (15, 20, 5, 15)
    assert "reporter_trusted:+5" in trusted.reasons
    assert "reporter_doubtful:-10" in doubtful.reasons
    assert one_false.reasons == plain.reasons


def test_the_reason_is_said_in_words_so_the_coordinator_sees_why() -> None:
    trusted = stored_tip(urgency=20, urgency_reasons=["seen_day:+15", "reporter_trusted:+5"])
    doubtful = stored_tip(urgency=5, urgency_reasons=["reporter_doubtful:-10"])
    shanghai = zone("Asia/Shanghai")

    assert "an earlier tip from this tipster was verified (+5)" in reason_words(
        trusted, "en", shanghai, NOW
    )
    assert any(
        "该举报人此前的线索被证实不实" in w for w in reason_words(doubtful, "zh_CN", shanghai, NOW)
    )


def test_earlier_tips_are_counted_by_the_chats_blind_index_and_the_worker_scores_them(
    engine, queue, redis_client, notifier
):
    same = {"tipster_key": "chat-digest-1", **SEEN_TODAY}
    verified = report(engine, status="verified", received=timedelta(days=30), **same)
    report(engine, status="closed", close_reason="unfounded", received=timedelta(days=20), **same)
    wrong_child = report(engine, received=timedelta(days=10), **same)
    report(engine, status="verified", received=timedelta(days=5), tipster_key="someone-else")
    with session_scope(engine) as session:
        session.add(
            Outcome(
                report_id=tip(engine, wrong_child).id or 0,
                kind="not_the_child",
                happened_on=NOW.date(),
                recorded_by="alice",
                batch="b1",
            )
        )
    latest = report(engine, assessed=False, **same)

    dispatch_report(engine, queue, tip(engine, latest).id or 0)
    SimpleWorker([queue], connection=redis_client).work(burst=True)

    with session_scope(engine) as session:
        stored = get_report(session=session, ref=latest)
        assert stored is not None
        assert reporter_history(session=session, report=stored) == ReporterHistory(3, 1, 2)
        first = get_report(session=session, ref=verified)
        assert first is not None
        assert reporter_history(session=session, report=first) == ReporterHistory(0, 0, 0)
    assessed = tip(engine, latest)
    assert {"reporter_trusted:+5", "reporter_doubtful:-10"} <= set(assessed.urgency_reasons)
    assert assessed.urgency == 15 + 5 - 10


def test_a_tip_without_a_chat_has_no_signal(engine):
    keyed_in = report(engine, channel="console", tipster_key=None)
    with session_scope(engine) as session:
        stored = get_report(session=session, ref=keyed_in)
        assert stored is not None
        assert reporter_history(session=session, report=stored) is None


TIPSTER_FACING = [
    *(ROOT / "handlers").glob("*.py"),
    *(p for p in (ROOT / "bot" / "telegram").rglob("*.py") if "coordinators" not in p.parts),
    *(ROOT / "bot" / "wechat").rglob("*.py"),
    ROOT / "bot" / "console.py",
]


def test_no_tipster_facing_code_reads_the_signal_or_urgency() -> None:
    named = re.compile(
        r"triage\.reporter|reporter_history|\"reporter\.|urgency_reasons|reason_words"
    )
    leaks = [str(p.relative_to(ROOT)) for p in TIPSTER_FACING if named.search(p.read_text("utf-8"))]
    assert leaks == []


def test_a_tipster_sending_again_is_never_told_about_their_earlier_tips(engine, intake):
    tipster = Tipster(intake, user_id="regular", language_hint="zh-hans")
    first = report_sighting(tipster)
    with session_scope(engine) as session:
        earlier = get_report(session=session, ref=first)
        assert earlier is not None
        earlier.status = "verified"
    report_sighting(tipster, place="广东省广州市火车站")

    told = tipster.text
    for words in ("此前的线索", "已核实", "Earlier tips", "verified", "盲索引"):
        assert words not in told

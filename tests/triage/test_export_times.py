"""Every time in a referral package and in the queue's JSON carries the deployment's offset."""

from __future__ import annotations

import re
from datetime import timedelta

from handlers.times import zone
from storage import session_scope, utcnow
from storage.coordinators import find_coordinator
from storage.reports import get_report
from tests.bot.dashboard_helpers import report_sighting
from tests.triage.coordinators import CoordinatorActor
from triage.export import export_tip, package_csv
from triage.tips import tip_summary

SHANGHAI = zone("Asia/Shanghai")
TIME = re.compile(r"\d{4}-\d\d-\d\dT[\d:.]+(?:[+-]\d\d:\d\d|Z)?")


def test_a_tip_on_top_of_the_queue_is_exported_with_every_time_in_the_zone(tipster, engine, cipher):
    ref = report_sighting(tipster)
    CoordinatorActor(engine, "alice")
    with session_scope(engine) as session:
        report = get_report(session=session, ref=ref)
        assert report is not None
        report.urgency, report.imminent, report.urgency_reasons = 100, True, ["imminent"]
        report.top_until = utcnow() + timedelta(days=3)
        report.escalated_at = utcnow()
        package = export_tip(
            session=session,
            report=report,
            coordinator=find_coordinator(session=session, name="alice"),
            cipher=cipher,
            tz=SHANGHAI,
        )
        summary = tip_summary(report, tz=SHANGHAI)

    times = TIME.findall(package_csv(package)) + [summary["created_at"], summary["top_until"]]
    assert len(times) >= 5
    assert [t for t in times if not re.fullmatch(r"[\d\-T:]+\+08:00", t)] == []

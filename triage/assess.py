"""The assessment job: urgency, same-child links and registry matches for a queued tip."""

from __future__ import annotations

import logging

from storage import Report, session_scope, utcnow
from storage.outbox import OutboxJob, claim_outbox_item, mark_done
from storage.reports import append_event
from triage import runtime
from triage.clustering import link_same_child
from triage.matching_jobs import match_entry, match_report
from triage.registry_entries import entry_from_report
from triage.reporter import ReporterHistory, reporter_history
from triage.urgency import assess

__all__ = ["assess_report", "reassess"]

log = logging.getLogger(__name__)


def reassess(report: Report, reporter: ReporterHistory | None = None) -> bool:
    """Recompute a tip's urgency in place; True if it became imminent just now."""
    urgency = assess(report, utcnow(), reporter)
    became_imminent = urgency.imminent and not report.imminent
    report.urgency, report.imminent, report.urgency_reasons, report.top_until = (
        urgency.score,
        urgency.imminent,
        urgency.reasons,
        urgency.top_until,
    )
    return became_imminent


def assess_report(report_id: int) -> str:
    """Score urgency, propose same-child links and registry matches; alert on what matters."""
    rt = runtime.current()
    with session_scope(rt.engine) as session:
        item = claim_outbox_item(session=session, report_id=report_id, job=OutboxJob.ASSESS)
        report = session.get(Report, report_id)
        if item is None or report is None:
            return "already done"
        imminent = reassess(report, reporter_history(session=session, report=report))
        session.add(report)
        append_event(
            session=session,
            report_id=report_id,
            actor="system",
            action="assessed",
            detail={"urgency": report.urgency, "imminent": report.imminent},
        )
        links, candidates = [], []
        entry = entry_from_report(session=session, report=report)
        if entry is not None:  # a family or a searcher: compare with the open sightings
            append_event(
                session=session,
                report_id=report_id,
                actor="system",
                action="registry_entry_pending",
                detail={"case_id": entry.case_id},
            )
            candidates = match_entry(session=session, entry=entry)
        elif report.kind == "sighting":
            links = link_same_child(session=session, report=report)
            candidates = match_report(session=session, report=report)
        if imminent:
            rt.notifier.imminent(report_id, report.ref)
        else:  # views showing "not assessed yet" (the group's card) show the score now
            rt.notifier.tip_changed(report_id, report.ref)
        for candidate in candidates:
            if candidate.score >= rt.match_notify_score and not candidate.notified:
                # The notice is about the sighting (a family's report matches someone's tip).
                tip = session.get(Report, candidate.report_id) or report
                rt.notifier.match_found(tip.id or 0, tip.ref, candidate.entry_id, candidate.score)
                candidate.notified = True
                session.add(candidate)
        mark_done(session=session, item=item)
    log.info("report %s assessed (%d links, %d candidates)", report_id, len(links), len(candidates))
    return "done"

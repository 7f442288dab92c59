"""The group's match notices across a case: an entry decided on one tip is decided for all.

When a match verdict is given, or tips are confirmed as one child, every tip of the case whose
own match to an entry the case has decided is still undecided has its notice in the group say
that verdict too (and on which tip it was given), by the job that says a tip's own verdict.
"""

from __future__ import annotations

from sqlmodel import Session

from storage import MatchStatus, Report
from storage.outbox import OutboxJob, add_outbox_item, has_outbox_item
from storage.review_reads import confirmed_group, matches_of
from triage.match_verdicts import match_verdicts

__all__ = ["tell_case_notices"]


def tell_case_notices(session: Session, report: Report) -> None:
    """Queue a notice edit for each undecided match of the tip's case the case has decided."""
    session.flush()
    tips = confirmed_group(session=session, report_id=report.id or 0)
    if len(tips) < 2:
        return
    for tip in tips:
        undecided = {
            entry.id or 0: entry.case_id
            for candidate, entry in matches_of(session=session, report_id=tip.id or 0)
            if candidate.status == MatchStatus.PROPOSED
        }
        if not undecided:
            continue
        verdicts = match_verdicts(session=session, report=tip, case_ids=undecided)
        for verdict in verdicts.values():
            said = verdict.event_id or 0, tip.id or 0
            if not said[0] or has_outbox_item(
                session=session, report_id=said[1], job=OutboxJob.MATCH_DECIDED, subject_id=said[0]
            ):
                continue
            add_outbox_item(
                session=session, report_id=said[1], job=OutboxJob.MATCH_DECIDED, subject_id=said[0]
            )

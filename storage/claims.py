"""Whether a coordinator's claim on a tip still runs: one rule, for a row and for a query.

A claim names a coordinator and runs until `claimed_until`; at that moment it lapses and the
tip is anybody's again. `claim_holder_id` answers for a report in hand, `claim_is_live` is the
same rule as a SQL condition for queries.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_
from sqlmodel import col

from storage.models import Report

__all__ = ["claim_holder_id", "claim_is_live"]


def claim_holder_id(report: Report, now: datetime) -> int | None:
    """The id of the coordinator whose claim on the tip still runs at `now`, if any."""
    if report.claimed_by_id is None or report.claimed_until is None:
        return None
    return report.claimed_by_id if report.claimed_until > now else None


def claim_is_live(now: datetime) -> ColumnElement[bool]:
    """The SQL condition "someone's claim on this tip still runs at `now`" (never NULL)."""
    until = col(Report.claimed_until)
    return and_(col(Report.claimed_by_id).is_not(None), until.is_not(None), until > now)

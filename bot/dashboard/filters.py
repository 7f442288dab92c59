"""The queue's filters, read from the query string so a filtered view can be bookmarked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from starlette.datastructures import QueryParams

from storage import Report, ReportStatus
from storage.claims import claim_holder_id

__all__ = ["QueueFilter"]

OPEN_STATUSES = tuple(s.value for s in ReportStatus if s != ReportStatus.CLOSED)


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@dataclass(frozen=True)
class QueueFilter:
    """Which open tips to show; empty fields don't filter."""

    status: str = ""
    kind: str = ""
    province: str = ""
    dialect: str = ""
    mine: bool = False
    attachments: bool = False
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_query(cls, params: QueryParams) -> QueueFilter:
        """The filter a query string asks for (unknown values are ignored)."""
        status = params.get("status", "")
        return cls(
            status=status if status in OPEN_STATUSES else "",
            kind=params.get("kind", "")[:32],
            province=params.get("province", "")[:16],
            dialect=params.get("dialect", "")[:32],
            mine=params.get("mine") == "1",
            attachments=params.get("attachments") == "1",
            date_from=_day(params.get("from")),
            date_to=_day(params.get("to")),
        )

    @property
    def active(self) -> bool:
        """True when any filter is set."""
        return self != QueueFilter()

    def matches(
        self, report: Report, *, viewer_id: int, attachments: int, now: datetime, zone: tzinfo
    ) -> bool:
        """True if a tip passes every filter set."""
        received = report.created_at.astimezone(zone).date()
        mine = claim_holder_id(report, now) == viewer_id
        checks = (
            not self.status or report.status == self.status,
            not self.kind or report.kind == self.kind,
            not self.province or report.province == self.province,
            not self.dialect or report.dialect == self.dialect,
            not self.mine or mine,
            not self.attachments or attachments > 0,
            self.date_from is None or received >= self.date_from,
            self.date_to is None or received <= self.date_to,
        )
        return all(checks)

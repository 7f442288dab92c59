"""Telling coordinators about new reports, behind a one-method interface."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

__all__ = ["LogNotifier", "MatchVerdict", "MemoryNotifier", "Notifier"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class MatchVerdict:
    """A coordinator's verdict on a tip's match to a family's case, as the notices say it."""

    case_id: str
    confirmed: bool
    by: str  # the coordinator's name
    through: str | None = None  # given on another tip of the case: that tip's reference

    @property
    def word(self) -> str:
        """`confirmed` or `dismissed`, for log lines (not shown to people)."""
        return "confirmed" if self.confirmed else "dismissed"


class Notifier(Protocol):
    """Something that tells coordinators a report is waiting."""

    def report_queued(self, report_id: int, ref: str) -> None:
        """A report is ready for review."""

    def tipster_replied(self, report_id: int, ref: str) -> None:
        """The tipster of a report added information or answered a question."""

    def imminent(self, report_id: int, ref: str) -> None:
        """A tip means a child in danger right now."""

    def tip_changed(self, report_id: int, ref: str) -> None:
        """A coordinator changed a tip (status, claim): views of it should be refreshed."""

    def escalated(self, report_id: int, ref: str) -> None:
        """An imminent tip is still unclaimed: the leads must act."""

    def match_found(self, report_id: int, ref: str, entry_id: int, score: float) -> None:
        """A registry entry may be the child of a tip."""

    def match_decided(self, report_id: int, ref: str, verdict: MatchVerdict) -> None:
        """A coordinator confirmed or dismissed a tip's match (from any interface), or that of
        another tip of its case (`verdict.through`)."""


class LogNotifier:
    """Writes a log line: the default until a coordinator channel is configured."""

    def report_queued(self, report_id: int, ref: str) -> None:
        """Log the report id and reference, never its content."""
        log.info("report %s (%s) queued for review", report_id, ref)

    def tipster_replied(self, report_id: int, ref: str) -> None:
        """Log the report id and reference, never what the tipster said."""
        log.info("report %s (%s): the tipster replied", report_id, ref)

    def tip_changed(self, report_id: int, ref: str) -> None:
        """Nothing to refresh when only logging."""
        log.debug("report %s changed", report_id)

    def imminent(self, report_id: int, ref: str) -> None:
        """Log loudly: a child may be in danger now."""
        log.warning("report %s (%s) is IMMINENT: a child may be in danger now", report_id, ref)

    def escalated(self, report_id: int, ref: str) -> None:
        """Log loudly: nobody has claimed an imminent tip."""
        log.warning("report %s (%s) is IMMINENT and unclaimed: leads, assign it", report_id, ref)

    def match_found(self, report_id: int, ref: str, entry_id: int, score: float) -> None:
        """Log the ids and the score."""
        log.info(
            "report %s (%s) may match registry entry %s (%.2f)", report_id, ref, entry_id, score
        )

    def match_decided(self, report_id: int, ref: str, verdict: MatchVerdict) -> None:
        """Log the tip and the verdict (the case and who decided are on the dashboard)."""
        log.info("report %s (%s): match %s", report_id, ref, verdict.word)


class MemoryNotifier:
    """Keeps notifications in a list, for tests running jobs in-process."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    def report_queued(self, report_id: int, ref: str) -> None:
        """Remember the notification."""
        self.sent.append((report_id, ref))

    def tipster_replied(self, report_id: int, ref: str) -> None:
        """Remember the notification."""
        self.sent.append((report_id, f"reply:{ref}"))

    def tip_changed(self, report_id: int, ref: str) -> None:
        """Remember the refresh."""
        self.sent.append((report_id, f"changed:{ref}"))

    def imminent(self, report_id: int, ref: str) -> None:
        """Remember the alert."""
        self.sent.append((report_id, f"imminent:{ref}"))

    def escalated(self, report_id: int, ref: str) -> None:
        """Remember the escalation."""
        self.sent.append((report_id, f"escalated:{ref}"))

    def match_found(self, report_id: int, ref: str, entry_id: int, score: float) -> None:
        """Remember the match."""
        self.sent.append((report_id, f"match:{ref}:{entry_id}"))

    def match_decided(self, report_id: int, ref: str, verdict: MatchVerdict) -> None:
        """Remember the verdict."""
        self.sent.append((report_id, f"{verdict.word}:{ref}:{verdict.case_id}"))

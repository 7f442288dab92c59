"""What alerts read from other tables: where a case's sightings are, when a follower last
wrote, and the alert a sighting answers."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlmodel import Session, col, select

from storage.alert_models import Alert
from storage.models import Conversation, Report, ReportKind
from storage.registry_models import MatchCandidate, MatchStatus

__all__ = ["alert_link", "case_alerts", "last_heard", "sighting_provinces"]


def sighting_provinces(*, session: Session, entry_id: int) -> list[str]:
    """Provinces where sightings matched to a registry entry cluster: those of a confirmed
    match, and those with two or more proposed ones; most sightings first."""
    statement = (
        select(Report.province, MatchCandidate.status)
        .join(MatchCandidate, col(MatchCandidate.report_id) == col(Report.id))
        .where(
            MatchCandidate.entry_id == entry_id,
            MatchCandidate.status != MatchStatus.DISMISSED,
            Report.kind == ReportKind.SIGHTING,
            col(Report.province).is_not(None),
        )
    )
    counts: Counter[str] = Counter()
    confirmed: set[str] = set()
    for province, status in session.exec(statement):
        counts[province or ""] += 1
        if status == MatchStatus.CONFIRMED:
            confirmed.add(province or "")
    return [p for p, n in counts.most_common() if p in confirmed or n >= 2]


def last_heard(*, session: Session, channel: str, user_key: str) -> datetime | None:
    """When a platform user last wrote to us (their conversation's last message), if ever."""
    statement = select(Conversation.updated_at).where(
        Conversation.channel == channel, Conversation.user_key == user_key
    )
    return session.exec(statement).first()


def alert_link(*, session: Session, alert_id: int) -> tuple[int, str, bool] | None:
    """(alert id, case id, still open) of an alert a sighting may answer; None if none."""
    alert = session.get(Alert, alert_id)
    if alert is None:
        return None
    return alert.id or 0, alert.case_id, alert.closed_at is None


def case_alerts(*, session: Session, case_id: str) -> list[Alert]:
    """A registry case's alerts, newest first."""
    statement = select(Alert).where(Alert.case_id == case_id)
    return list(session.exec(statement.order_by(col(Alert.id).desc())))

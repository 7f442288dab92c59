"""What a referral sheet shows beyond the tip: the registry entries confirmed as its child."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.registry_models import MatchCandidate, MatchStatus, RegistryEntry

__all__ = ["confirmed_entries"]


def confirmed_entries(*, session: Session, report_id: int) -> list[RegistryEntry]:
    """The registry entries a coordinator confirmed as this tip's child, first confirmed first."""
    statement = (
        select(RegistryEntry)
        .join(MatchCandidate, col(MatchCandidate.entry_id) == col(RegistryEntry.id))
        .where(
            MatchCandidate.report_id == report_id,
            MatchCandidate.status == MatchStatus.CONFIRMED,
        )
        .order_by(col(MatchCandidate.id))
    )
    return list(session.exec(statement))

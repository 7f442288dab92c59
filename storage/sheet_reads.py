"""What a referral sheet shows beyond the tip: the registry entries confirmed as its child
(on the tip, or on any tip of its confirmed same-child group)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from storage.registry_models import MatchCandidate, MatchStatus, RegistryEntry

__all__ = ["confirmed_entries"]


def confirmed_entries(*, session: Session, report_ids: Sequence[int]) -> list[RegistryEntry]:
    """The registry entries a coordinator confirmed as these tips' child, first confirmed first."""
    statement = (
        select(RegistryEntry)
        .join(MatchCandidate, col(MatchCandidate.entry_id) == col(RegistryEntry.id))
        .where(
            col(MatchCandidate.report_id).in_(list(report_ids)),
            MatchCandidate.status == MatchStatus.CONFIRMED,
        )
        .order_by(col(MatchCandidate.id))
    )
    return list({entry.id: entry for entry in session.exec(statement)}.values())

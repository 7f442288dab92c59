"""Registry entries outside an import: the one a family's report makes, listing, JSON."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from storage import FieldCipher, RegistryEntry, RegistryKind, Report, ReportKind, utcnow
from storage.registry_log import RegistryAction, append_registry_event
from storage.registry_search import entries_by_case_id, get_entry
from triage.registry_fields import mask_contact, set_search_names

__all__ = ["entry_as_dict", "entry_from_report", "list_entries"]

_FROM_KIND = {
    ReportKind.MISSING_CHILD: RegistryKind.FAMILY_SEEKING_CHILD,
    ReportKind.SEARCHING_FAMILY: RegistryKind.CHILD_SEEKING_FAMILY,
}


def entry_from_report(*, session: Session, report: Report) -> RegistryEntry | None:
    """The registry entry (pending verification) a family's or a searcher's report makes."""
    kind = _FROM_KIND.get(ReportKind(report.kind))
    if kind is None:
        return None
    names = list(report.names_used or [])
    entry = get_entry(session=session, case_id=report.ref)
    made = entry is None
    entry = entry or RegistryEntry(
        case_id=report.ref, kind=kind, source="report", report_id=report.id
    )
    entry.name, entry.other_names = (names[0] if names else ""), names[1:]
    entry.sex = {"boy": "M", "girl": "F"}.get(report.child_sex or "")
    entry.birth_date, entry.birth_year_only = report.birth_date, report.birth_year_only
    entry.missing_date = report.seen_on.date() if report.seen_on else None
    entry.missing_place = report.place_text or ""
    candidates = list(report.candidate_provinces or [])
    entry.home_province = (
        report.home_province or report.province or (candidates[0] if candidates else None)
    )
    entry.dialect = report.dialect_text or report.dialect
    entry.marks = report.child_description or ""
    entry.description = report.details or ""
    set_search_names(entry)
    entry.updated_at = utcnow()
    session.add(entry)
    session.flush()
    if made:
        append_registry_event(
            session=session,
            entry_id=entry.id or 0,
            actor="system",
            action=RegistryAction.FROM_REPORT,
            detail={},
        )
    return entry


def list_entries(*, session: Session, limit: int = 1000) -> list[RegistryEntry]:
    """Registry entries by case id."""
    return entries_by_case_id(session=session, limit=limit)


def entry_as_dict(entry: RegistryEntry, cipher: FieldCipher | None = None) -> dict[str, Any]:
    """An entry for printing as JSON; the family's contact masked (left out without a key)."""
    data = entry.model_dump(exclude={"id", "search_names", "family_contact"})
    if cipher is not None:
        data["family_contact"] = mask_contact(cipher, entry.family_contact)
    for key in ("birth_date", "missing_date", "created_at", "updated_at"):
        if data.get(key) is not None:
            data[key] = data[key].isoformat()
    return data

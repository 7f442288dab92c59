"""What hangs off a registry entry: its event log (who changed what) and its photos."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, Session, SQLModel, col, select

from storage.models import _ts, utcnow

__all__ = [
    "RegistryAction",
    "RegistryEvent",
    "RegistryPhoto",
    "add_registry_photo",
    "append_registry_event",
    "entry_photos",
    "get_registry_photo",
    "registry_events",
    "registry_photos",
]


class RegistryAction(StrEnum):
    """What an entry's log records (each has words: `registry.event.<value>`)."""

    ADDED = "added"
    EDITED = "edited"
    IMPORTED = "imported"
    IMPORT_UPDATED = "import_updated"
    FROM_REPORT = "from_report"
    CONTACT_REVEALED = "contact_revealed"
    PHOTO_ADDED = "photo_added"
    PHOTO_REMOVED = "photo_removed"  # detail: photo_id
    STATUS_FROM_OUTCOME = "status_from_outcome"  # triage.registry_status
    ALERT_PUBLISHED = "alert_published"  # detail: alert_id, reason (the consent), photo
    ALERT_CLOSED = "alert_closed"  # detail: alert_id, found


class RegistryEvent(SQLModel, table=True):
    """One thing that happened to a registry entry, and who did it (append-only)."""

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="registryentry.id", index=True, ondelete="CASCADE")
    actor: str = Field(max_length=64)
    action: str = Field(max_length=32)
    # {"changed": {field: [before, after]}}, {"reason": …} or "refs" of tips; never the family's contact.
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: datetime = _ts(nullable=False, default=utcnow)


class RegistryPhoto(SQLModel, table=True):
    """A photo of the child at the time missing: stripped of metadata, encrypted on disk."""

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="registryentry.id", index=True, ondelete="CASCADE")
    stored_path: str
    added_by: str = Field(max_length=64)
    created_at: datetime = _ts(nullable=False, default=utcnow)


def append_registry_event(
    *,
    session: Session,
    entry_id: int,
    actor: str,
    action: RegistryAction,
    detail: dict[str, Any],
) -> RegistryEvent:
    """Record something that happened to a registry entry."""
    event = RegistryEvent(entry_id=entry_id, actor=actor, action=action.value, detail=detail)
    session.add(event)
    return event


def registry_events(*, session: Session, entry_id: int) -> list[RegistryEvent]:
    """An entry's event log, oldest first."""
    return list(
        session.exec(
            select(RegistryEvent)
            .where(RegistryEvent.entry_id == entry_id)
            .order_by(col(RegistryEvent.at), col(RegistryEvent.id))
        )
    )


def add_registry_photo(
    *, session: Session, entry_id: int, stored_path: str, added_by: str
) -> RegistryPhoto:
    """Note a photo file stored (already encrypted) for an entry."""
    photo = RegistryPhoto(entry_id=entry_id, stored_path=stored_path, added_by=added_by)
    session.add(photo)
    session.flush()
    return photo


def registry_photos(*, session: Session, entry_id: int) -> list[RegistryPhoto]:
    """An entry's photos, oldest first."""
    return list(
        session.exec(
            select(RegistryPhoto)
            .where(RegistryPhoto.entry_id == entry_id)
            .order_by(col(RegistryPhoto.id))
        )
    )


def get_registry_photo(*, session: Session, photo_id: int) -> RegistryPhoto | None:
    """One photo by id."""
    return session.get(RegistryPhoto, photo_id)


def entry_photos(*, session: Session, entry_ids: list[int]) -> dict[int, list[RegistryPhoto]]:
    """The photos of several entries at once, each entry's oldest first."""
    found: dict[int, list[RegistryPhoto]] = {}
    if not entry_ids:
        return found
    rows = session.exec(
        select(RegistryPhoto)
        .where(col(RegistryPhoto.entry_id).in_(entry_ids))
        .order_by(col(RegistryPhoto.id))
    )
    for photo in rows:
        found.setdefault(photo.entry_id, []).append(photo)
    return found

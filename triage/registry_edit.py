"""Adding and editing registry entries by hand, their photos and their family's contact.

Every change lands in the entry's event log with who made it and what changed, and the
matcher's warm index is told (as an import tells it), so open tips are ranked against the
entry as it now is.
"""

from __future__ import annotations

import io
import uuid
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from sqlmodel import Session

from storage import FieldCipher, RegistryEntry, RegistryPhoto, utcnow
from storage.alert_photos import delete_registry_photo
from storage.registry_log import RegistryAction, add_registry_photo, append_registry_event
from storage.registry_search import get_entry
from triage.errors import WorkflowError
from triage.matching_jobs import rematch_open_tips
from triage.media import UncleanImage, strip_image_metadata
from triage.registry import parse_entry_row
from triage.registry_fields import field_changes, set_search_names

__all__ = [
    "EntryExists",
    "NotAPhoto",
    "add_entry",
    "add_photo",
    "clean_photo",
    "edit_entry",
    "remove_photo",
    "reveal_family_contact",
]

MAX_PHOTO_BYTES = 8 * 1024 * 1024


class EntryExists(ValueError):
    """A new entry's case id is already in the registry."""


class NotAPhoto(ValueError):
    """An upload that is not an image we can decode (so can't strip of its metadata)."""


def _store(
    session: Session, entry: RegistryEntry, values: dict[str, object], cipher: FieldCipher
) -> None:
    contact = values.pop("family_contact", None)
    for key, value in values.items():
        setattr(entry, key, value)
    if contact:
        entry.family_contact = cipher.encrypt(str(contact))
    set_search_names(entry)
    entry.updated_at = utcnow()
    session.add(entry)
    session.flush()
    rematch_open_tips(session=session, entries=[entry])  # keeps the matcher's index current


def add_entry(
    *, session: Session, fields: dict[str, str], cipher: FieldCipher, actor: str
) -> RegistryEntry:
    """A new entry from form fields; raises ValueError (bad field) or EntryExists."""
    values = parse_entry_row(fields)
    if get_entry(session=session, case_id=values["case_id"]) is not None:
        raise EntryExists(values["case_id"])
    entry = RegistryEntry(case_id=values["case_id"], kind=values["kind"], source="dashboard")
    _store(session, entry, dict(values), cipher)
    append_registry_event(
        session=session, entry_id=entry.id or 0, actor=actor, action=RegistryAction.ADDED, detail={}
    )
    return entry


def edit_entry(
    *,
    session: Session,
    entry: RegistryEntry,
    fields: dict[str, str],
    cipher: FieldCipher,
    actor: str,
) -> dict[str, list[object]]:
    """Apply form fields to an entry (a blank contact keeps the one on file); returns what changed."""
    values = parse_entry_row({**fields, "case_id": entry.case_id})
    changed = field_changes(entry, values)
    if not changed:
        return {}
    _store(session, entry, values, cipher)
    append_registry_event(
        session=session,
        entry_id=entry.id or 0,
        actor=actor,
        action=RegistryAction.EDITED,
        detail={"changed": changed},
    )
    return changed


def reveal_family_contact(
    *, session: Session, entry: RegistryEntry, cipher: FieldCipher, actor: str, reason: str
) -> str | None:
    """The family's contact in full, for a named coordinator with a reason (recorded)."""
    if not reason.strip():
        raise WorkflowError("workflow.reveal_reason_needed")
    if not entry.family_contact:
        return None
    append_registry_event(
        session=session,
        entry_id=entry.id or 0,
        actor=actor,
        action=RegistryAction.CONTACT_REVEALED,
        detail={"reason": reason.strip()[:200]},
    )
    return cipher.decrypt(entry.family_contact)


def clean_photo(data: bytes) -> bytes:
    """The image re-encoded from its pixels; NotAPhoto for anything else (or too large)."""
    if len(data) > MAX_PHOTO_BYTES:
        raise NotAPhoto("too large")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise NotAPhoto(type(exc).__name__) from exc
    try:
        return strip_image_metadata(data)
    except UncleanImage as exc:
        raise NotAPhoto(str(exc)) from exc


def add_photo(
    *,
    session: Session,
    entry: RegistryEntry,
    data: bytes,
    cipher: FieldCipher,
    media_dir: Path,
    actor: str,
) -> RegistryPhoto:
    """Store a photo of the child stripped of its metadata and encrypted, as tip files are."""
    clean = clean_photo(data)
    media_dir.mkdir(parents=True, exist_ok=True)
    path = media_dir / f"registry-{uuid.uuid4().hex}"
    path.write_bytes(cipher.encrypt_file(clean))
    photo = add_registry_photo(
        session=session, entry_id=entry.id or 0, stored_path=str(path), added_by=actor
    )
    append_registry_event(
        session=session,
        entry_id=entry.id or 0,
        actor=actor,
        action=RegistryAction.PHOTO_ADDED,
        detail={"photo_id": photo.id},
    )
    return photo


def remove_photo(
    *, session: Session, entry: RegistryEntry, photo_id: int, actor: str
) -> Path | None:
    """Remove one of an entry's photos (a family withdrew it, or it is the wrong child),
    recorded in its log under who did it; an alert showing it goes on without it. Returns the
    encrypted file to delete once committed; None if the entry has no such photo."""
    photo = session.get(RegistryPhoto, photo_id)
    if photo is None or photo.entry_id != entry.id:
        return None
    stored = delete_registry_photo(session=session, photo=photo)
    append_registry_event(
        session=session,
        entry_id=entry.id or 0,
        actor=actor,
        action=RegistryAction.PHOTO_REMOVED,
        detail={"photo_id": photo_id},
    )
    return Path(stored)

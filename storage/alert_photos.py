"""An alert's photo: the registry photo it shows, and each platform's id for it once uploaded."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage.alert_models import Alert, AlertPhotoUpload
from storage.registry_log import RegistryPhoto

__all__ = [
    "alert_photo_path",
    "delete_registry_photo",
    "forget_photo_upload",
    "photo_upload",
    "remember_photo_upload",
    "shows_photo",
]


def shows_photo(alert: Alert) -> bool:
    """Whether an alert goes with its photo: the family agreed, and it is still open."""
    return alert.photo_allowed and alert.photo_id is not None and alert.closed_at is None


def alert_photo_path(*, session: Session, alert: Alert) -> str | None:
    """Where the photo an open alert may show is stored; None without consent, photo, or once
    the alert is closed."""
    if not shows_photo(alert) or alert.photo_id is None:
        return None
    photo = session.get(RegistryPhoto, alert.photo_id)
    return photo.stored_path if photo is not None else None


def photo_upload(*, session: Session, alert_id: int, platform: str) -> AlertPhotoUpload | None:
    """The platform's id for the alert's photo, if it was uploaded there."""
    return session.get(AlertPhotoUpload, (alert_id, platform))


def remember_photo_upload(
    *, session: Session, alert_id: int, platform: str, ref: str, now: datetime
) -> None:
    """Keep the platform's id for the alert's photo (replacing an older one)."""
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    values = {"alert_id": alert_id, "platform": platform, "ref": ref, "uploaded_at": now}
    statement = insert(AlertPhotoUpload).values(**values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["alert_id", "platform"], set_={"ref": ref, "uploaded_at": now}
        )
    )


def forget_photo_upload(*, session: Session, alert_id: int, platform: str) -> None:
    """Drop the platform's id (it refused it): the next send uploads the photo again."""
    session.execute(
        delete(AlertPhotoUpload).where(
            col(AlertPhotoUpload.alert_id) == alert_id, col(AlertPhotoUpload.platform) == platform
        )
    )


def delete_registry_photo(*, session: Session, photo: RegistryPhoto) -> str:
    """Delete a registry photo's row; alerts showing it go on without it (their uploads to the
    platforms are forgotten, so no subscriber is sent it again). Returns where its file is,
    to be removed once this is committed."""
    alerts = _alerts_showing(session, photo.id or 0)
    if alerts:
        session.execute(delete(AlertPhotoUpload).where(col(AlertPhotoUpload.alert_id).in_(alerts)))
        for alert_id in alerts:
            alert = session.get(Alert, alert_id)
            if alert is not None:
                alert.photo_id = None
                session.add(alert)
    session.delete(photo)
    session.flush()
    return photo.stored_path


def _alerts_showing(session: Session, photo_id: int) -> list[int]:
    """The alerts that show a photo."""
    found = session.exec(select(Alert.id).where(Alert.photo_id == photo_id))
    return [alert_id for alert_id in found if alert_id is not None]

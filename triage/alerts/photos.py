"""An alert's photo, only where the family agreed: the registry photo as a small JPEG with no
metadata, and each platform's id for it once uploaded (uploaded once, reused by every later
message, kept in the database so a restarted worker reuses it too).

The stored registry photo was already re-encoded from its pixels when it was added; it is
re-encoded again here (at most 1280 px, JPEG) so whatever goes out carries no EXIF whatever
the file holds, and a large scan is not sent at full size to every subscriber.
"""

from __future__ import annotations

import io
import logging
from datetime import datetime, timedelta
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import Alert, FieldCipher, session_scope, utcnow
from storage.alert_photos import (
    alert_photo_path,
    forget_photo_upload,
    photo_upload,
    remember_photo_upload,
)

__all__ = ["MAX_SIDE", "StoredAlertPhoto", "alert_photo_jpeg"]

log = logging.getLogger(__name__)
MAX_SIDE = 1280  # Telegram shows photos at up to 1280 px; WeChat takes images up to 10 MB


def _jpeg(data: bytes) -> bytes | None:
    """The image as a JPEG of at most MAX_SIDE px, with no metadata (PIL writes none unless
    given `exif=`); None if it is not an image."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=85)
            return out.getvalue()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError):
        return None


def alert_photo_jpeg(
    *, session: Session, alert: Alert, cipher: FieldCipher, media_dir: Path
) -> bytes | None:
    """The photo an open alert shows, decrypted in memory; None without consent or photo, or
    when the alert is closed."""
    stored = alert_photo_path(session=session, alert=alert)
    if stored is None:
        return None
    path = Path(stored).resolve()
    if not path.is_relative_to(media_dir.resolve()) or not path.is_file():
        log.warning("alert %s: its photo file is missing", alert.id)
        return None  # a path outside the media directory is never read
    return _jpeg(cipher.decrypt_file(path.read_bytes()))


class StoredAlertPhoto:
    """`triage.alerts.delivery.AlertPhoto` on the database: one alert's photo for one job."""

    def __init__(self, engine: Engine, alert: Alert, cipher: FieldCipher, media_dir: Path) -> None:
        self._engine, self._alert, self._cipher, self._media_dir = engine, alert, cipher, media_dir
        self._data: bytes | None = None
        self._refs: dict[str, tuple[str, datetime]] = {}

    def data(self) -> bytes:
        """The JPEG to upload (read once per job); RuntimeError if it went meanwhile."""
        if self._data is None:
            with session_scope(self._engine) as session:
                self._data = alert_photo_jpeg(
                    session=session,
                    alert=self._alert,
                    cipher=self._cipher,
                    media_dir=self._media_dir,
                )
            if self._data is None:
                raise RuntimeError(f"alert {self._alert.id}: its photo can't be read")
        return self._data

    def uploaded(self, platform: str, *, lifetime: timedelta | None = None) -> str | None:
        """The platform's id for the photo, if uploaded there (within `lifetime`, if given)."""
        if platform not in self._refs:
            with session_scope(self._engine) as session:
                row = photo_upload(session=session, alert_id=self._alert.id or 0, platform=platform)
                if row is not None:
                    self._refs[platform] = (row.ref, row.uploaded_at)
        ref, at = self._refs.get(platform, (None, None))
        if ref is None or at is None or (lifetime is not None and utcnow() - at >= lifetime):
            return None
        return ref

    def remember(self, platform: str, ref: str) -> None:
        """Keep the platform's id for every later message, in this job and after a restart."""
        now = utcnow()
        with session_scope(self._engine) as session:
            remember_photo_upload(
                session=session, alert_id=self._alert.id or 0, platform=platform, ref=ref, now=now
            )
        self._refs[platform] = (ref, now)
        log.info("alert %s: photo uploaded to %s", self._alert.id, platform)

    def forget(self, platform: str) -> None:
        """The platform refused its id: the next message uploads the photo again."""
        with session_scope(self._engine) as session:
            forget_photo_upload(session=session, alert_id=self._alert.id or 0, platform=platform)
        self._refs.pop(platform, None)

"""Fetching attachments into our own storage: size-capped, stripped of metadata, encrypted.

Photos are re-encoded from their pixels; videos, voice notes and audio lose their tags and
metadata boxes (triage/containers.py). Every stored file is encrypted with the deployment's
key (FieldCipher.encrypt_file) and only the dashboard decrypts it, for signed-in
coordinators. Files stored in the clear before that are sealed by the sweeper.
"""

from __future__ import annotations

import contextlib
import io
import logging
import uuid
from pathlib import Path
from typing import Protocol

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy.engine import Engine

from storage import FieldCipher, session_scope
from storage.attachments import get_attachment, record_sealed_file, unsealed_attachment_ids
from storage.reports import append_event
from triage import runtime
from triage.containers import UncleanMedia, strip_container_metadata

__all__ = [
    "MediaFetcher",
    "MediaTooLarge",
    "UncleanImage",
    "UncleanMedia",
    "clean_media",
    "fetch_attachment",
    "seal_stored_files",
    "strip_image_metadata",
]

log = logging.getLogger(__name__)


class MediaTooLarge(ValueError):
    """The file is over the configured size cap."""


class UncleanImage(ValueError):
    """An image we can't decode, so can't strip of its metadata (the tipster's GPS, say)."""


class MediaFetcher(Protocol):
    """Downloads one file from a channel by the reference the channel gave us."""

    def fetch(self, channel_ref: str, *, max_bytes: int) -> bytes:
        """The file's bytes; raises MediaTooLarge past `max_bytes`."""


def strip_image_metadata(data: bytes) -> bytes:
    """Re-encode an image from its pixels alone (no EXIF, GPS, XMP), upright; non-images pass.

    Raises UncleanImage for an image that can't be decoded (truncated, corrupt, or a
    decompression bomb): kept as it came, it would keep its metadata too.
    """
    try:
        image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        return data  # not an image (a PDF, a video sent as a file): nothing to strip
    except (OSError, Image.DecompressionBombError) as exc:
        raise UncleanImage(type(exc).__name__) from exc
    try:
        image.load()
    except (OSError, Image.DecompressionBombError) as exc:
        raise UncleanImage(type(exc).__name__) from exc
    image_format = image.format or "PNG"
    upright = ImageOps.exif_transpose(image)  # the orientation lives in the EXIF we drop
    clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
    if upright.mode in ("P", "PA"):  # palette images keep their colours
        clean.putpalette(upright.getpalette() or [])
        if "transparency" in upright.info:
            clean.info["transparency"] = upright.info["transparency"]
    out = io.BytesIO()
    clean.save(out, format=image_format, **({"quality": 95} if image_format == "JPEG" else {}))
    return out.getvalue()


def clean_media(media_type: str, data: bytes) -> bytes:
    """A file without the metadata its type may carry; raises UncleanImage or UncleanMedia."""
    if media_type in ("photo", "document"):  # a photo sent as a file keeps EXIF
        data = strip_image_metadata(data)
    if media_type != "photo":  # videos, voice notes, audio, and any of them sent as a file
        data = strip_container_metadata(data)
    return data


def fetch_attachment(attachment_id: int) -> str:
    """Download an attachment into the media directory once; safe to run twice."""
    rt = runtime.current()
    with session_scope(rt.engine) as session:
        attachment = get_attachment(session=session, attachment_id=attachment_id)
        if attachment is None or attachment.stored_path:
            return "nothing to do"
        fetcher = rt.fetchers.get(attachment.channel)
        if fetcher is None:
            log.warning("attachment %s: no fetcher for its channel", attachment_id)
            return "no fetcher"
        channel_ref, report_id = attachment.channel_ref, attachment.report_id
    if rt.cipher is None:
        log.warning("attachment %s: no key to encrypt it with; not stored", attachment_id)
        return "no key"
    try:
        data = clean_media(
            attachment.media_type, fetcher.fetch(channel_ref, max_bytes=rt.max_media_bytes)
        )
    except MediaTooLarge:
        log.info("attachment %s over the size cap; not stored", attachment_id)
        return "too large"
    except UncleanImage as exc:
        log.warning(
            "attachment %s: an image that can't be decoded (%s); not stored", attachment_id, exc
        )
        return "unclean image"
    except UncleanMedia as exc:
        log.warning("attachment %s: a file that can't be read (%s); not stored", attachment_id, exc)
        return "unclean media"
    path = Path(rt.media_dir) / f"{uuid.uuid4().hex}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(rt.cipher.encrypt_file(data))
    with session_scope(rt.engine) as session:
        attachment = get_attachment(session=session, attachment_id=attachment_id)
        if attachment is None or attachment.stored_path:
            path.unlink(missing_ok=True)
            return "nothing to do"
        record_sealed_file(session=session, attachment=attachment, path=str(path))
        if report_id is not None:
            append_event(
                session=session,
                report_id=report_id,
                actor="system",
                action="attachment_stored",
                detail={"attachment_id": attachment_id},
            )
    return "stored"


def seal_stored_files(engine: Engine, cipher: FieldCipher) -> int:
    """Strip and encrypt files stored in the clear before files were encrypted; safe to rerun."""
    with session_scope(engine) as session:
        ids = unsealed_attachment_ids(session=session)
    sealed = 0
    for attachment_id in ids:
        with session_scope(engine) as session:
            attachment = get_attachment(session=session, attachment_id=attachment_id)
            if attachment is None or attachment.encrypted or not attachment.stored_path:
                continue
            plain = Path(attachment.stored_path)
            if not plain.is_file():
                continue
            data = plain.read_bytes()
            with contextlib.suppress(UncleanImage, UncleanMedia):  # encrypted as it was kept
                data = clean_media(attachment.media_type, data)
            path = plain.with_name(uuid.uuid4().hex)
            path.write_bytes(cipher.encrypt_file(data))
            record_sealed_file(session=session, attachment=attachment, path=str(path))
        plain.unlink(missing_ok=True)  # only once the row points at the sealed copy
        sealed += 1
    if sealed:
        log.info("sealed %d attachment files stored in the clear", sealed)
    return sealed

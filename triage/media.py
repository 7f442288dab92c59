"""Fetching attachments into our own storage, size-capped, with image metadata stripped."""

from __future__ import annotations

import io
import logging
import uuid
from pathlib import Path
from typing import Protocol

from PIL import Image, ImageOps, UnidentifiedImageError

from storage import Attachment, session_scope
from storage.reports import append_event
from triage import runtime

__all__ = [
    "MediaFetcher",
    "MediaTooLarge",
    "UncleanImage",
    "fetch_attachment",
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


def fetch_attachment(attachment_id: int) -> str:
    """Download an attachment into the media directory once; safe to run twice."""
    rt = runtime.current()
    with session_scope(rt.engine) as session:
        attachment = session.get(Attachment, attachment_id)
        if attachment is None or attachment.stored_path:
            return "nothing to do"
        fetcher = rt.fetchers.get(attachment.channel)
        if fetcher is None:
            log.warning("attachment %s: no fetcher for its channel", attachment_id)
            return "no fetcher"
        channel_ref, report_id = attachment.channel_ref, attachment.report_id
    try:
        data = fetcher.fetch(channel_ref, max_bytes=rt.max_media_bytes)
        if attachment.media_type in ("photo", "document"):  # a photo sent as a file keeps EXIF
            data = strip_image_metadata(data)
    except MediaTooLarge:
        log.info("attachment %s over the size cap; not stored", attachment_id)
        return "too large"
    except UncleanImage as exc:
        log.warning(
            "attachment %s: an image that can't be decoded (%s); not stored", attachment_id, exc
        )
        return "unclean image"
    path = Path(rt.media_dir) / f"{uuid.uuid4().hex}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    with session_scope(rt.engine) as session:
        attachment = session.get(Attachment, attachment_id)
        if attachment is None or attachment.stored_path:
            path.unlink(missing_ok=True)
            return "nothing to do"
        attachment.stored_path = str(path)
        session.add(attachment)
        if report_id is not None:
            append_event(
                session=session,
                report_id=report_id,
                actor="system",
                action="attachment_stored",
                detail={"attachment_id": attachment_id},
            )
    return "stored"

"""Attachments for signed-in coordinators only: images as thumbnails, everything as a download.

Stored files are encrypted at rest; they are decrypted here, in memory, to be served.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from bot.dashboard.context import Dashboard
from bot.dashboard.guard import Call
from storage.attachments import get_attachment

__all__ = ["attachment_file", "attachment_thumbnail"]

THUMBNAIL = (320, 320)
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
# The file is ours to serve, not a page: no scripts, no sniffing, no caching.
HEADERS = {"Content-Security-Policy": "sandbox; default-src 'none'", "Cache-Control": "no-store"}


def _stored(dash: Dashboard, attachment_id: int) -> bytes | None:
    """The stored file of an attachment, decrypted, if it was downloaded into the media directory."""
    with dash.db() as session:
        attachment = get_attachment(session=session, attachment_id=attachment_id)
        stored = attachment.stored_path if attachment else None
        encrypted = bool(attachment and attachment.encrypted)
    if not stored:
        return None
    path = Path(stored).resolve()
    if not path.is_relative_to(dash.media_dir) or not path.is_file():
        return None  # a path outside the media directory is never served
    data = path.read_bytes()
    return dash.svc.cipher.decrypt_file(data) if encrypted else data  # not sealed yet


def _read(data: bytes, thumbnail: bool) -> tuple[bytes, str | None]:
    try:
        image = Image.open(io.BytesIO(data))
        kind = IMAGE_TYPES.get(image.format or "")
        if kind is None or not thumbnail:
            return data, kind
        image.thumbnail(THUMBNAIL)
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=80)
        return out.getvalue(), "image/jpeg"
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError):
        return data, None


async def _serve(call: Call, *, thumbnail: bool) -> Response:
    attachment_id = int(call.request.path_params["attachment_id"])
    stored = await run_in_threadpool(_stored, call.dash, attachment_id)
    if stored is None:
        return Response("not found", status_code=404, media_type="text/plain")
    data, kind = await run_in_threadpool(_read, stored, thumbnail)
    if kind is None and thumbnail:
        return Response("not an image", status_code=404, media_type="text/plain")
    headers = dict(HEADERS)
    if kind is None:
        headers["Content-Disposition"] = f'attachment; filename="attachment-{attachment_id}"'
    return Response(data, media_type=kind or "application/octet-stream", headers=headers)


async def attachment_file(call: Call) -> Response:
    """The attachment as stored (images inline, anything else as a download)."""
    return await _serve(call, thumbnail=False)


async def attachment_thumbnail(call: Call) -> Response:
    """A small JPEG of an image attachment."""
    return await _serve(call, thumbnail=True)

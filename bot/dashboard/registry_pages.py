"""The missing-child registry in the dashboard: the list with search, an entry's page, its photos.

Everyone signed in reads; leads and admins add, edit and import (bot/dashboard/registry_forms.py,
bot/dashboard/registry_import.py). Routes are listed here and added to app.py's table in one line.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from bot.dashboard import registry_forms, registry_import
from bot.dashboard.guard import Call, Handler
from bot.dashboard.registry_view import entry_not_found, registry_render, registry_texts
from storage import Role
from storage.registry_log import get_registry_photo, registry_events, registry_photos
from storage.registry_search import (
    RegistryFilter,
    entry_matches,
    get_entry,
    registry_provinces,
    search_entries,
)
from triage.errors import WorkflowError
from triage.registry_edit import reveal_family_contact
from triage.registry_fields import mask_contact

__all__ = ["BODY_LIMITS", "ROUTES"]

PAGE_SIZE = 25
THUMBNAIL = (320, 320)
HEADERS = {"Content-Security-Policy": "sandbox; default-src 'none'", "Cache-Control": "no-store"}


def _list(call: Call) -> dict[str, Any]:
    params = call.request.query_params
    where = RegistryFilter(
        text=params.get("q", "")[:100],
        kind=params.get("kind", ""),
        province=params.get("province", ""),
        status=params.get("status", ""),
    )
    page = max(1, int(params["page"])) if params.get("page", "").isdigit() else 1
    with call.dash.db() as session:
        rows, total = search_entries(
            session=session, where=where, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
        )
        provinces = registry_provinces(session=session)
    pages = max(1, -(-total // PAGE_SIZE))
    query = {k: v for k, v in vars(where).items() if v}
    query = {("q" if k == "text" else k): v for k, v in query.items()}
    return {
        "rows": rows,
        "total": total,
        "page": page,
        "pages": pages,
        "where": where,
        "query": query,
        "provinces": provinces,
    }


async def registry_list(call: Call) -> Response:
    """Registry entries, searched and filtered, a page at a time."""
    data = await run_in_threadpool(_list, call)
    return registry_render(call, "registry_list.html", **data)


def load_entry(call: Call, *, reason: str | None = None) -> dict[str, Any] | None:
    """Everything an entry's page shows; with a reason, the family's contact in full (recorded)."""
    cipher = call.dash.svc.cipher
    with call.dash.db() as session:
        entry = get_entry(session=session, case_id=call.param("case_id"))
        if entry is None or entry.id is None:
            return None
        revealed = None
        if reason is not None:
            revealed = reveal_family_contact(
                session=session, entry=entry, cipher=cipher, actor=call.viewer.name, reason=reason
            )
        return {
            "entry": entry,
            "contact": mask_contact(cipher, entry.family_contact),
            "revealed": revealed,
            "photos": registry_photos(session=session, entry_id=entry.id),
            "events": registry_events(session=session, entry_id=entry.id),
            "matches": entry_matches(session=session, entry_id=entry.id),
        }


async def entry_page(call: Call) -> Response:
    """One registry entry: every field, its photos and its event log."""
    data = await run_in_threadpool(load_entry, call)
    if data is None:
        return entry_not_found(call)
    return registry_render(call, "registry_entry.html", **data)


async def reveal_contact(call: Call) -> Response:
    """The entry's page with the family's contact shown; needs a reason, which is recorded."""
    reason = call.field("reason")[:200]
    try:
        data = await run_in_threadpool(load_entry, call, reason=reason)
    except WorkflowError:
        data = await run_in_threadpool(load_entry, call)
        if data is None:
            return entry_not_found(call)
        r = registry_texts(call.dash, call.request)
        return registry_render(
            call, "registry_entry.html", status=400, reveal_error=r("contact.need_reason"), **data
        )
    if data is None:
        return entry_not_found(call)
    return registry_render(call, "registry_entry.html", **data)


def _photo(call: Call) -> bytes | None:
    photo_id = int(call.request.path_params["photo_id"])
    with call.dash.db() as session:
        entry = get_entry(session=session, case_id=call.param("case_id"))
        photo = get_registry_photo(session=session, photo_id=photo_id)
        if entry is None or photo is None or photo.entry_id != entry.id:
            return None
        stored = photo.stored_path
    path = Path(stored).resolve()
    if not path.is_relative_to(call.dash.media_dir) or not path.is_file():
        return None  # a path outside the media directory is never served
    return call.dash.svc.cipher.decrypt_file(path.read_bytes())


def _thumbnail(data: bytes) -> bytes | None:
    try:
        image = Image.open(io.BytesIO(data))
        image.thumbnail(THUMBNAIL)
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=80)
        return out.getvalue()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError):
        return None


async def entry_photo(call: Call) -> Response:
    """A photo of the child, decrypted in memory, as a small JPEG (`?full=1`: as stored)."""
    data = await run_in_threadpool(_photo, call)
    if data is not None and not call.request.query_params.get("full"):
        data = await run_in_threadpool(_thumbnail, data)
    if data is None:
        return Response("not found", status_code=404, media_type="text/plain")
    kind = "image/jpeg" if not call.request.query_params.get("full") else _kind(data)
    return Response(data, media_type=kind, headers=HEADERS)


def _kind(data: bytes) -> str:
    formats = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
    try:
        return formats.get(Image.open(io.BytesIO(data)).format or "", "application/octet-stream")
    except (UnidentifiedImageError, OSError):
        return "application/octet-stream"


C, L = Role.COORDINATOR, Role.LEAD
ROUTES: list[tuple[str, str, Handler, Role]] = [
    ("GET", "/registry", registry_list, C),
    ("GET", "/registry/new", registry_forms.new_form, L),
    ("POST", "/registry/new", registry_forms.create, L),
    ("GET", "/registry/import", registry_import.import_form, L),
    ("POST", "/registry/import", registry_import.preview, L),
    ("POST", "/registry/import/confirm", registry_import.confirm, L),
    ("GET", "/registry/{case_id}", entry_page, C),
    ("POST", "/registry/{case_id}/reveal", reveal_contact, C),
    ("GET", "/registry/{case_id}/photos/{photo_id:int}", entry_photo, C),
    ("GET", "/registry/{case_id}/edit", registry_forms.edit_form, L),
    ("POST", "/registry/{case_id}/edit", registry_forms.save, L),
    ("POST", "/registry/{case_id}/photos/{photo_id:int}/remove", registry_forms.remove, L),
]
# Forms that carry a photo or a CSV file: a larger body than the dashboard's 64 KiB, still bounded.
BODY_LIMITS: dict[Handler, int] = {
    registry_forms.create: 12 * 1024 * 1024,
    registry_forms.save: 12 * 1024 * 1024,
    registry_import.preview: 20 * 1024 * 1024,
}

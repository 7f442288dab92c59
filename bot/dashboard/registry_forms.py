"""Adding and editing a registry entry from the dashboard (leads and admins), photo included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from bot.dashboard.guard import Call
from bot.dashboard.registry_view import (
    FIELDS,
    entry_not_found,
    registry_render,
    registry_texts,
    why_bad,
)
from bot.dashboard.sessions import flash
from storage import RegistryEntry
from storage.registry_search import get_entry
from triage.registry_edit import (
    EntryExists,
    NotAPhoto,
    add_entry,
    add_photo,
    clean_photo,
    edit_entry,
    remove_photo,
)
from triage.registry_fields import BadValue

__all__ = ["create", "edit_form", "new_form", "remove", "save"]


def _values(entry: RegistryEntry) -> dict[str, str]:
    """An entry's fields as the form shows them (never the family's contact)."""
    birth = entry.birth_date
    return {
        "case_id": entry.case_id,
        "kind": entry.kind,
        "name": entry.name,
        "other_names": "; ".join(entry.other_names or []),
        "sex": entry.sex or "",
        "birth_date": (str(birth.year) if entry.birth_year_only else birth.isoformat())
        if birth
        else "",
        "missing_date": entry.missing_date.isoformat() if entry.missing_date else "",
        "missing_place": entry.missing_place,
        "home_province": entry.home_province or "",
        "dialect": entry.dialect or "",
        "marks": entry.marks,
        "description": entry.description,
        "status": entry.status,
        "dna_status": entry.dna_status,
        "police_case_number": entry.police_case_number,
        "family_contact": "",
    }


async def _photo(call: Call) -> bytes | None:
    upload = call.form.get("photo")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read()
        # Checked before anything is written: a bad photo leaves the entry as it was.
        return await run_in_threadpool(clean_photo, data) if data else None
    return None


def _form(
    call: Call, values: dict[str, str], *, editing: bool, status: int = 200, error: str = ""
) -> Response:
    return registry_render(
        call, "registry_form.html", status=status, values=values, editing=editing, error=error
    )


def _error(call: Call, exc: Exception) -> str:
    r = registry_texts(call.dash, call.request)
    if isinstance(exc, EntryExists):
        return r("form.exists", case_id=str(exc))
    if isinstance(exc, NotAPhoto):
        return r("form.not_a_photo")
    return why_bad(r, exc if isinstance(exc, BadValue) else None) or r(
        "form.invalid", reason=str(exc)
    )


def _to_entry(call: Call, case_id: str, key: str) -> Response:
    flash(call.request.session, "ok", registry_texts(call.dash, call.request)(key))
    base = call.request.scope.get("root_path", "")
    return RedirectResponse(f"{base}/registry/{case_id}", status_code=303)


async def new_form(call: Call) -> Response:
    """An empty entry form."""
    return _form(call, {"kind": "family_seeking_child", "status": "open"}, editing=False)


def _create(call: Call, fields: dict[str, str], photo: bytes | None) -> str:
    with call.dash.db() as session:
        entry = add_entry(
            session=session, fields=fields, cipher=call.dash.svc.cipher, actor=call.viewer.name
        )
        if photo:
            add_photo(
                session=session,
                entry=entry,
                data=photo,
                cipher=call.dash.svc.cipher,
                media_dir=call.dash.media_dir,
                actor=call.viewer.name,
            )
        return entry.case_id


async def create(call: Call) -> Response:
    """Add the entry (and its photo) and open its page; the form again with what was wrong."""
    fields = {name: call.field(name) for name in FIELDS}
    try:
        photo = await _photo(call)
        case_id = await run_in_threadpool(_create, call, fields, photo)
    except (ValueError, NotAPhoto) as exc:
        return _form(call, fields, editing=False, status=400, error=_error(call, exc))
    return _to_entry(call, case_id, "form.added")


def _current(call: Call) -> dict[str, str] | None:
    with call.dash.db() as session:
        entry = get_entry(session=session, case_id=call.param("case_id"))
        return _values(entry) if entry else None


async def edit_form(call: Call) -> Response:
    """The entry's fields, ready to change."""
    values = await run_in_threadpool(_current, call)
    if values is None:
        return entry_not_found(call)
    return _form(call, values, editing=True)


def _save(call: Call, fields: dict[str, str], photo: bytes | None) -> bool | None:
    with call.dash.db() as session:
        entry = get_entry(session=session, case_id=call.param("case_id"))
        if entry is None:
            return None
        cipher, actor = call.dash.svc.cipher, call.viewer.name
        changed: Any = edit_entry(
            session=session, entry=entry, fields=fields, cipher=cipher, actor=actor
        )
        if photo:
            add_photo(
                session=session,
                entry=entry,
                data=photo,
                cipher=cipher,
                media_dir=call.dash.media_dir,
                actor=actor,
            )
        return bool(changed or photo)


async def save(call: Call) -> Response:
    """Save the changes (each recorded in the entry's log) and open its page."""
    fields = {name: call.field(name) for name in FIELDS if name != "case_id"}
    try:
        photo = await _photo(call)
        saved = await run_in_threadpool(_save, call, fields, photo)
    except (ValueError, NotAPhoto) as exc:
        values = {**fields, "case_id": call.param("case_id")}
        return _form(call, values, editing=True, status=400, error=_error(call, exc))
    if saved is None:
        return entry_not_found(call)
    return _to_entry(call, call.param("case_id"), "form.saved" if saved else "form.unchanged")


def _remove(call: Call) -> Path | None:
    with call.dash.db() as session:
        entry = get_entry(session=session, case_id=call.param("case_id"))
        if entry is None:
            return None
        photo_id = int(call.request.path_params["photo_id"])
        return remove_photo(session=session, entry=entry, photo_id=photo_id, actor=call.viewer.name)


async def remove(call: Call) -> Response:
    """Remove one of the entry's photos (recorded), then its encrypted file once committed."""
    stored = await run_in_threadpool(_remove, call)
    if stored is None:
        return entry_not_found(call)
    if stored.resolve().is_relative_to(call.dash.media_dir):  # never a file outside it
        stored.unlink(missing_ok=True)
    return _to_entry(call, call.param("case_id"), "form.photo_removed")

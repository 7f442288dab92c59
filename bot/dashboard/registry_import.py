"""Importing a registry CSV from the dashboard: upload, preview, confirm (all rows or none).

The preview is the CLI import's own validation (triage/registry.py); the file waits between
the two steps encrypted in the data folder, named for the lead who uploaded it, for an hour.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from bot.dashboard.guard import Call
from bot.dashboard.registry_view import registry_render, registry_texts
from bot.dashboard.sessions import flash
from triage.matching_jobs import rematch_open_tips
from triage.registry import ImportFailed, import_registry_csv, preview_registry_csv

__all__ = ["confirm", "import_form", "preview"]

WAITS = 3600  # seconds an uploaded file waits for its confirmation
SHOWN = 50  # case ids listed in the preview (the counts are always whole)
_TOKEN = re.compile(r"[0-9a-f]{32}")


def _waiting(call: Call, token: str) -> Path:
    folder = call.dash.svc.settings.homeward_data_dir / "registry-imports"
    return folder / f"{call.viewer.id}-{token}"


async def import_form(call: Call) -> Response:
    """The upload form, with the columns a file needs."""
    return registry_render(call, "registry_import.html", step="upload")


def _preview(call: Call, text: str) -> dict[str, Any]:
    with call.dash.db() as session:
        plan = preview_registry_csv(session=session, text=text)
    token = secrets.token_hex(16)
    path = _waiting(call, token)
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.iterdir():  # files nobody confirmed
        if time.time() - old.stat().st_mtime > WAITS:
            old.unlink(missing_ok=True)
    path.write_bytes(call.dash.svc.cipher.encrypt_file(text.encode("utf-8")))
    return {"plan": plan, "token": token, "shown": SHOWN}


async def preview(call: Call) -> Response:
    """What the file would add and update, or its bad lines; nothing is stored yet."""
    r = registry_texts(call.dash, call.request)
    upload = call.form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return registry_render(
            call, "registry_import.html", status=400, step="upload", error=r("import.no_file")
        )
    try:
        text = (await upload.read()).decode("utf-8")
    except UnicodeDecodeError:
        return registry_render(
            call, "registry_import.html", status=400, step="upload", error=r("import.not_utf8")
        )
    try:
        data = await run_in_threadpool(_preview, call, text)
    except ImportFailed as failed:
        return registry_render(
            call, "registry_import.html", status=400, step="upload", errors=failed.errors
        )
    return registry_render(call, "registry_import.html", step="preview", **data)


def _confirm(call: Call, token: str) -> tuple[int, int] | None:
    path = _waiting(call, token)
    if not path.is_file() or time.time() - path.stat().st_mtime > WAITS:
        return None
    text = call.dash.svc.cipher.decrypt_file(path.read_bytes()).decode("utf-8")
    with call.dash.db() as session:
        entries, new = import_registry_csv(
            session=session, text=text, cipher=call.dash.svc.cipher, actor=call.viewer.name
        )
        rematch_open_tips(session=session, entries=entries)  # as `homeward registry import`
    path.unlink(missing_ok=True)
    return new, len(entries) - new


async def confirm(call: Call) -> Response:
    """Import the previewed file, all rows or none, and go back to the list."""
    r = registry_texts(call.dash, call.request)
    token = call.field("token")
    try:
        done = await run_in_threadpool(_confirm, call, token) if _TOKEN.fullmatch(token) else None
    except ImportFailed as failed:  # the registry changed under the preview in a way that fails
        return registry_render(
            call, "registry_import.html", status=400, step="upload", errors=failed.errors
        )
    if done is None:
        return registry_render(
            call, "registry_import.html", status=400, step="upload", error=r("import.expired")
        )
    flash(call.request.session, "ok", r("import.done", new=done[0], updated=done[1]))
    base = call.request.scope.get("root_path", "")
    return RedirectResponse(f"{base}/registry", status_code=303)

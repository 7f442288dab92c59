"""What every registry page shares: the registry's words, rendering, the 404 for a case id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from bot.dashboard.context import Dashboard
from bot.dashboard.guard import Call
from handlers.catalogue import catalogue
from storage import DnaStatus, EntryStatus, RegistryKind
from triage.registry import COLUMNS
from triage.registry_fields import CASEWORK_COLUMNS, BadValue

__all__ = ["FIELDS", "entry_not_found", "registry_render", "registry_texts", "why_bad"]


def registry_texts(dash: Dashboard, request: Request) -> Callable[..., str]:
    """The registry's words (`registry.*` keys) in the session's language."""
    language = dash.texts(request).language
    return lambda key, **params: catalogue().text(language, f"registry.{key}", **params)


# Every field a registry entry has, in the order its form and CSV file list them.
FIELDS = (*COLUMNS, *CASEWORK_COLUMNS)


def why_bad(r: Callable[..., str], bad: BadValue | None) -> str | None:
    """Why a value (or the file's columns) can't be read, in the reader's words, the columns
    by their labels; None for an error the parser gave no words for."""
    if bad is None:
        return None
    params = dict(bad.params)
    if "other" in params:
        params["other"] = r(f"label.{params['other']}")
    field = r(f"label.{bad.column}") if bad.column in FIELDS else bad.column
    return r(f"bad.{bad.why}", field=field, **params)


def registry_render(call: Call, template: str, *, status: int = 200, **context: Any) -> Response:
    """A registry page, with `r` for the registry's words and the choices its forms offer."""
    return call.dash.render(
        call.request,
        template,
        status=status,
        r=registry_texts(call.dash, call.request),
        kinds=[k.value for k in RegistryKind],
        statuses=[s.value for s in EntryStatus],
        dna_statuses=[s.value for s in DnaStatus],
        why_bad=lambda bad: why_bad(registry_texts(call.dash, call.request), bad),
        **context,
    )


def entry_not_found(call: Call) -> Response:
    """The 404 page for a case id that isn't in the registry."""
    r = registry_texts(call.dash, call.request)
    return call.dash.render(call.request, "error.html", status=404, message=r("entry.not_found"))

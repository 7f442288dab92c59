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
from triage.registry_fields import CASEWORK_COLUMNS

__all__ = ["FIELDS", "bad_field", "entry_not_found", "registry_render", "registry_texts"]


def registry_texts(dash: Dashboard, request: Request) -> Callable[..., str]:
    """The registry's words (`registry.*` keys) in the session's language."""
    language = dash.texts(request).language
    return lambda key, **params: catalogue().text(language, f"registry.{key}", **params)


# Every field a registry entry has, in the order its form and CSV file list them.
FIELDS = (*COLUMNS, *CASEWORK_COLUMNS)


def bad_field(r: Callable[..., str], reason: str) -> str | None:
    """The field a parse error names ("birth_date '2015-13-01' is not …"), in words."""
    field = reason.split(" ", 1)[0]
    return r(f"label.{field}") if field in FIELDS else None


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
        bad_field=lambda reason: bad_field(registry_texts(call.dash, call.request), reason),
        **context,
    )


def entry_not_found(call: Call) -> Response:
    """The 404 page for a case id that isn't in the registry."""
    r = registry_texts(call.dash, call.request)
    return call.dash.render(call.request, "error.html", status=404, message=r("entry.not_found"))

"""The missing-child registry's CSV import: rows read and checked, stored all-or-nothing.

Entries made otherwise (from a family's report), listed or printed: triage.registry_entries.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlmodel import Session

from storage import FieldCipher, RegistryEntry, RegistryKind, utcnow
from storage.registry_log import RegistryAction
from storage.registry_reads import registry_entries_by_case
from storage.registry_writes import insert_registry_entries, insert_registry_events
from triage.registry_fields import (
    CASEWORK_COLUMNS,
    BadValue,
    field_changes,
    names_searched,
    parse_casework,
    set_search_names,
)

__all__ = [
    "COLUMNS",
    "ImportFailed",
    "ImportPreview",
    "Progress",
    "RowError",
    "import_registry_csv",
    "parse_entry_row",
    "parse_registry_csv",
    "preview_registry_csv",
]

COLUMNS = (
    "case_id",
    "kind",
    "name",
    "other_names",
    "sex",
    "birth_date",
    "missing_date",
    "missing_place",
    "home_province",
    "dialect",
    "marks",
    "description",
)
_KINDS = {k.value for k in RegistryKind}


class Progress(Protocol):
    """Told how far a long step is: (stage, done, total)."""

    def __call__(self, stage: str, done: int, total: int) -> None: ...


@dataclass(frozen=True)
class RowError:
    """One bad row: its line in the file and why (in English; `bad`: the same for the
    dashboard's words, when it is about a value or the file's columns)."""

    line: int
    reason: str
    bad: BadValue | None = None


@dataclass(frozen=True)
class ImportPreview:
    """What an import would do: case ids to add and to update."""

    add: list[str]
    update: list[str]


class ImportFailed(ValueError):
    """The file had bad rows; nothing was imported."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} bad row(s); nothing imported")
        self.errors = errors


def _date(value: str, field: str) -> tuple[date | None, bool]:
    """YYYY-MM-DD or YYYY (year only)."""
    value = value.strip()
    if not value:
        return None, False
    try:
        if re.fullmatch(r"\d{4}", value):
            return date(int(value), 7, 1), True  # mid-year: the best guess for a year alone
        return date.fromisoformat(value), False
    except ValueError:  # not a date, or a year 0000
        raise BadValue(
            f"{field} {value!r} is not YYYY-MM-DD or YYYY", "date", field, value=value
        ) from None


def parse_entry_row(row: dict[str, str]) -> dict[str, Any]:
    """One entry's values from text fields (a CSV row or a form); raises ValueError saying why."""
    case_id = (row.get("case_id") or "").strip()
    if not case_id:
        raise BadValue("case_id is empty", "empty", "case_id")
    kind = (row.get("kind") or "").strip()
    if kind not in _KINDS:
        raise BadValue.choice("kind", kind, [k.value for k in RegistryKind])
    sex = (row.get("sex") or "").strip().upper()
    if sex not in ("", "M", "F"):
        raise BadValue.choice("sex", sex, ["M", "F"], empty=True)
    birth, year_only = _date(row.get("birth_date") or "", "birth_date")
    missing, _ = _date(row.get("missing_date") or "", "missing_date")
    if birth and missing and missing < birth and not year_only:
        raise BadValue(
            "missing_date is before birth_date", "before", "missing_date", other="birth_date"
        )
    if birth and birth > date.today():
        raise BadValue("birth_date is in the future", "future", "birth_date")
    return {
        "case_id": case_id,
        "kind": kind,
        "name": (row.get("name") or "").strip(),
        "other_names": [n.strip() for n in (row.get("other_names") or "").split(";") if n.strip()],
        "sex": sex or None,
        "birth_date": birth,
        "birth_year_only": year_only,
        "missing_date": missing,
        "missing_place": (row.get("missing_place") or "").strip(),
        "home_province": (row.get("home_province") or "").strip() or None,
        "dialect": (row.get("dialect") or "").strip() or None,
        "marks": (row.get("marks") or "").strip(),
        "description": (row.get("description") or "").strip(),
        **parse_casework(row),
    }


def parse_registry_csv(text: str) -> list[dict[str, Any]]:
    """Every row's values, or ImportFailed with every bad line (nothing is half-read)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        text = f"missing column(s): {', '.join(missing)}"
        bad = BadValue(text, "missing_columns", "", columns=", ".join(missing))
        raise ImportFailed([RowError(1, text, bad)])
    parsed: list[dict[str, Any]] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        # An empty cell in an optional casework column keeps what is on file.
        row = {k: v for k, v in row.items() if k not in CASEWORK_COLUMNS or (v or "").strip()}
        try:
            values = parse_entry_row(row)
        except ValueError as exc:
            errors.append(RowError(line, str(exc), exc if isinstance(exc, BadValue) else None))
            continue
        case_id = values["case_id"]
        if case_id in seen:
            text = f"case_id {case_id} repeats line {seen[case_id]}"
            bad = BadValue(text, "repeats", "case_id", value=case_id, line=seen[case_id])
            errors.append(RowError(line, text, bad))
            continue
        seen[values["case_id"]] = line
        parsed.append(values)
    if errors:
        raise ImportFailed(errors)
    return parsed


def preview_registry_csv(*, session: Session, text: str) -> ImportPreview:
    """What importing the file would add and update; raises ImportFailed as the import would."""
    parsed = parse_registry_csv(text)
    ids = [v["case_id"] for v in parsed]
    existing = {e.case_id for e in registry_entries_by_case(session=session, case_ids=ids)}
    return ImportPreview(
        add=[i for i in ids if i not in existing], update=[i for i in ids if i in existing]
    )


def _searched(values: dict[str, Any]) -> str:
    """The search text of an entry about to be inserted (as `set_search_names` makes it)."""
    return names_searched([values["name"], *values["other_names"]])


def import_registry_csv(
    *,
    session: Session,
    text: str,
    progress: Progress | None = None,
    cipher: FieldCipher | None = None,
    actor: str = "import",
) -> tuple[list[RegistryEntry], int]:
    """Validate every row, then insert or update by case_id; returns (entries, how many new).

    Each entry's event log records the import, by `actor`, with the fields it changed.
    """
    parsed = parse_registry_csv(text)
    if cipher is None and any(v.get("family_contact") for v in parsed):
        raise ImportFailed([RowError(1, "family_contact needs the deployment's key")])
    # Looked up in chunks: PostgreSQL takes at most 65,535 parameters in one query.
    existing = {
        e.case_id: e
        for e in registry_entries_by_case(session=session, case_ids=[v["case_id"] for v in parsed])
    }
    for values in parsed:
        if cipher is not None and values.get("family_contact"):
            values["family_contact"] = cipher.encrypt(values["family_contact"])
    fresh = [v for v in parsed if v["case_id"] not in existing]
    added = {
        e.case_id: e
        for e in insert_registry_entries(
            session=session,
            rows=[{**v, "source": "import", "search_names": _searched(v)} for v in fresh],
        )
    }
    if progress is not None:
        progress("storing entries", len(added), len(parsed))
    events: list[dict[str, Any]] = [{"entry_id": e.id, "actor": actor, "action": RegistryAction.IMPORTED.value}
              for e in added.values()]  # fmt: skip
    for values in parsed:
        entry = existing.get(values["case_id"])
        if entry is None:
            continue
        changed = field_changes(entry, values)
        for key, value in values.items():
            setattr(entry, key, value)
        set_search_names(entry)
        entry.updated_at = utcnow()
        session.add(entry)
        if changed:
            events.append({"entry_id": entry.id, "actor": actor,
                           "action": RegistryAction.IMPORT_UPDATED.value,
                           "detail": {"changed": changed}})  # fmt: skip
    session.flush()
    insert_registry_events(session=session, rows=events)
    if progress is not None:
        progress("storing entries", len(parsed), len(parsed))
    entries = [added.get(v["case_id"]) or existing[v["case_id"]] for v in parsed]
    return entries, len(parsed) - len(existing)

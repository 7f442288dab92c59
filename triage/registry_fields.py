"""The registry's casework fields: parsing them (form or CSV), pinyin for search, the masked contact."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pypinyin import lazy_pinyin

from storage import DnaStatus, EntryStatus, FieldCipher, RegistryEntry

__all__ = [
    "CASEWORK_COLUMNS",
    "mask_contact",
    "names_searched",
    "parse_casework",
    "set_search_names",
]

# Optional CSV columns (and form fields) added by migration 0010.
CASEWORK_COLUMNS = ("status", "police_case_number", "dna_status", "family_contact")
_STATUSES = {s.value for s in EntryStatus}
_DNA = {s.value for s in DnaStatus}


@lru_cache(maxsize=1 << 16)
def _syllables(name: str) -> tuple[str, ...]:
    """A name's pinyin, lower case (names repeat: an import of 20,000 asks for few thousand)."""
    return tuple(s.lower() for s in lazy_pinyin(name) if s.strip())


def names_searched(names: list[str]) -> str:
    """The names, then each in pinyin spaced, run together and as initials (王小明 | wang xiao ming | …)."""
    parts = [name.strip().lower() for name in names if name.strip()]
    for name in names:
        syllables = _syllables(name)
        if syllables:
            parts += [" ".join(syllables), "".join(syllables), "".join(s[0] for s in syllables)]
    return " | ".join(parts)


def set_search_names(entry: RegistryEntry) -> None:
    """Refresh the text the list's search looks in: the names and their pinyin."""
    entry.search_names = names_searched([entry.name, *(entry.other_names or [])])


class BadValue(ValueError):
    """A registry value that can't be read: str() is the English line the CLI prints; `why`
    (words: `registry.bad.<why>`), the column and what else the words need, for the dashboard
    to say it in its reader's language."""

    def __init__(self, text: str, why: str, column: str, **params: object) -> None:
        super().__init__(text)
        self.why, self.column, self.params = why, column, params

    @classmethod
    def choice(
        cls, column: str, value: str, choices: list[str], *, empty: bool = False
    ) -> BadValue:
        """A value that is none of the choices (or, with `empty`, left empty)."""
        allowed = [*choices, "empty"] if empty else choices
        said = f"{', '.join(allowed[:-1])} or {allowed[-1]}"
        return cls(
            f"{column} {value!r} is not {said}",
            "choice",
            column,
            value=value,
            choices=", ".join(choices),
        )

    @classmethod
    def too_long(cls, column: str, longest: int) -> BadValue:
        """A value longer than its column takes."""
        return cls(f"{column} is longer than {longest} characters", "too_long", column, max=longest)


def parse_casework(row: dict[str, str]) -> dict[str, Any]:
    """The casework fields present in a row; raises ValueError naming a bad value."""
    values: dict[str, Any] = {}
    status = (row.get("status") or "").strip().lower()
    if status:
        if status not in _STATUSES:
            raise BadValue.choice("status", status, [s.value for s in EntryStatus])
        values["status"] = status
    dna = (row.get("dna_status") or "").strip().lower()
    if dna:
        if dna not in _DNA:
            raise BadValue.choice("dna_status", dna, [s.value for s in DnaStatus])
        values["dna_status"] = dna
    if "police_case_number" in row:
        police = (row.get("police_case_number") or "").strip()
        if len(police) > 64:
            raise BadValue.too_long("police_case_number", 64)
        values["police_case_number"] = police
    contact = (row.get("family_contact") or "").strip()
    if contact:
        if len(contact) > 200:
            raise BadValue.too_long("family_contact", 200)
        values["family_contact"] = contact  # plain here; encrypted when stored
    return values


def mask_contact(cipher: FieldCipher, stored: str | None) -> str | None:
    """The family's contact with everything hidden but the last four digits."""
    if not stored:
        return None
    digits = re.sub(r"\D", "", cipher.decrypt(stored))
    return f"****{digits[-4:]}" if len(digits) >= 4 else "****"


def _shown(value: Any) -> Any:
    """A field's value as the event log keeps it (dates as text)."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def field_changes(entry: RegistryEntry, values: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for each value that differs; the contact only as changed."""
    changed: dict[str, list[Any]] = {}
    for key, after in values.items():
        before = getattr(entry, key)
        if key == "family_contact":
            if after is not None:
                changed[key] = ["", ""]  # never the contact itself, in the log or anywhere
            continue
        if before != after:
            changed[key] = [_shown(before), _shown(after)]
    return changed

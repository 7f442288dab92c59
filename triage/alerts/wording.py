"""An alert's words, from the registry entry: sex, age then and now, where and when missing,
marks, dialect; in the subscriber's language (catalogue keys `alert.…`).

The entry is copied into the alert's `params` when it is published, so the alert says what
the family agreed to then, whatever the entry says later. The child's name is not included:
a child taken young may not know it, and the issue's list of what an alert says leaves it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from handlers import catalogue
from handlers.dialects import dialect_from_text
from handlers.places import cities_in, parse_place, province_name
from storage import RegistryEntry

__all__ = ["AlertWords", "alert_params", "alert_text", "closing_text", "years_between"]


@dataclass(frozen=True)
class AlertWords:
    """What a message needs beyond the entry: where to reply, what to call in an emergency."""

    alert_id: int
    channel: str  # "telegram", "wechat" or "page": how the reader answers
    emergency: str = "110"
    page_url: str | None = None


def alert_params(entry: RegistryEntry) -> dict[str, Any]:
    """What an alert says about the child, language-neutral, copied from the entry."""
    place = parse_place(entry.missing_place) if entry.missing_place else None
    group = dialect_from_text(entry.dialect).group if entry.dialect else None
    return {
        "case_id": entry.case_id,
        "sex": entry.sex,
        "birth_date": entry.birth_date.isoformat() if entry.birth_date else None,
        "birth_year_only": entry.birth_year_only,
        "missing_date": entry.missing_date.isoformat() if entry.missing_date else None,
        "missing_place": entry.missing_place,
        "province": place.province if place else None,
        "city": place.city if place else None,
        "marks": entry.marks,
        "dialect": entry.dialect,
        "dialect_group": group if group != "not_sure" else None,
    }


def years_between(born: date, then: date, year_only: bool) -> int:
    """Whole years from a birth date to a day (by the year alone when only the year is known)."""
    if year_only:
        return then.year - born.year
    return then.year - born.year - ((then.month, then.day) < (born.month, born.day))


def _t(language: str, key: str, **params: object) -> str:
    return catalogue().text(language, key, **params)


def _place(params: dict[str, Any], language: str) -> str:
    """The place as the family wrote it in Chinese; its city and province in English."""
    province, city = params.get("province"), params.get("city")
    if language.startswith("zh") or not province:
        return str(params.get("missing_place") or _t(language, "alert.unknown_place"))
    names = [c.en for c in cities_in(province) if c.name == city]
    return ", ".join([*names[:1], province_name(province, language)])


def _who(params: dict[str, Any], language: str, today: date) -> str:
    sex = _t(language, f"alert.sex.{params.get('sex') or 'unknown'}")
    born, missing = params.get("birth_date"), params.get("missing_date")
    if not born:
        return _t(language, "alert.who.age_unknown", sex=sex)
    birth, year_only = date.fromisoformat(born), bool(params.get("birth_year_only"))
    now = years_between(birth, today, year_only)
    if not missing:
        return _t(language, "alert.who.age_now", sex=sex, now=now)
    then = years_between(birth, date.fromisoformat(missing), year_only)
    return _t(language, "alert.who.age_then_now", sex=sex, then=then, now=now)


def _dialect(params: dict[str, Any], language: str) -> str | None:
    group, written = params.get("dialect_group"), params.get("dialect")
    if not written:
        return None
    if language.startswith("zh") or not group:
        return str(written)
    return _t(language, f"choice.dialect.{group}")


def _how_to_reply(words: AlertWords, language: str) -> str:
    if words.channel == "wechat":
        return _t(
            language, "alert.reply.wechat", alert_id=words.alert_id, emergency=words.emergency
        )
    if words.channel == "telegram":
        return _t(language, "alert.reply.telegram", emergency=words.emergency)
    return _t(language, "alert.reply.page", emergency=words.emergency)


def alert_lines(params: dict[str, Any], language: str, today: date) -> list[str]:
    """The facts of the alert, one line each (the public page shows them as a list)."""
    lines = [_who(params, language, today)]
    when = params.get("missing_date") or _t(language, "alert.unknown_date")
    lines.append(_t(language, "alert.missing", date=when, place=_place(params, language)))
    if params.get("marks"):
        lines.append(_t(language, "alert.marks", marks=params["marks"]))
    dialect = _dialect(params, language)
    if dialect:
        lines.append(_t(language, "alert.dialect", dialect=dialect))
    return lines


def alert_text(params: dict[str, Any], language: str, words: AlertWords, today: date) -> str:
    """The whole message a subscriber receives."""
    parts = [_t(language, "alert.title", case_id=params["case_id"])]
    parts += alert_lines(params, language, today)
    parts.append("")
    parts.append(_how_to_reply(words, language))
    if words.page_url:
        parts.append(_t(language, "alert.page_link", url=words.page_url))
    stop = "subscribe.stop.wechat" if words.channel == "wechat" else "subscribe.stop.telegram"
    parts.append(_t(language, stop))
    return "\n".join(parts)


def closing_text(params: dict[str, Any], language: str, *, found: bool) -> str:
    """The one short message that tells a reached subscriber the alert is over."""
    key = "alert.closed.found" if found else "alert.closed.ended"
    return _t(language, key, case_id=params["case_id"])

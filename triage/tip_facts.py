"""A tip's facts as (label, value) rows a person reads: the labels of the dashboard's tip page
and the referral sheet, stored values in words, times in the reader's zone.

`homeward tips show` prints them and the readable CSV export writes them, from the same tip
dict (`triage.tips.tip_as_dict`, or a referral package made from it). Whatever that dict
left out (a masked phone, an exact point not exported) stays out: nothing is read back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handlers.catalogue import catalogue
from handlers.times import DATE, shown
from triage.readable import Reader

__all__ = ["Row", "fact_rows", "link_words", "separated"]

Row = tuple[str, str]


def _text(reader: Reader, key: str, **params: object) -> str:
    return catalogue().text(reader.language, key, **params)


def _or_none(reader: Reader, *parts: object) -> str:
    """The parts given, joined by " · "; "none" in words if there are none."""
    given = [str(part) for part in parts if part not in (None, "", [])]
    return " · ".join(given) if given else _text(reader, "dashboard.value.none")


def separated(reader: Reader, items: list[str]) -> str:
    """Items one after another ("a; b" / "a；b"), as the event log separates details."""
    return _text(reader, "dashboard.tip.detail_separator").join(items)


def _names(reader: Reader, names: list[str] | None) -> str:
    return _or_none(reader, "、".join(names or []))


def _place(tip: Mapping[str, Any], reader: Reader) -> str:
    place = tip["place"]
    region = " ".join(p for p in (place["province"], place["city"]) if p)
    exact = place.get("exact")
    if exact:
        point = f"{exact['latitude']:.5f}, {exact['longitude']:.5f}"
    elif place["latitude"] is not None:
        point = f"{place['latitude']:.2f}, {place['longitude']:.2f} (~1 km)"
    else:
        point = None
    return _or_none(reader, place["text"], region, point)


def _seen(tip: Mapping[str, Any], reader: Reader) -> str:
    day = shown(tip["seen"]["date"], reader.tz, DATE) if tip["seen"]["date"] else None
    when = (tip.get("answers") or {}).get("when")
    if isinstance(when, Mapping) and when.get("choice"):
        return _or_none(reader, day, reader.label("when", when["choice"]))
    return _or_none(reader, day, tip["seen"]["text"])


def _child(tip: Mapping[str, Any], reader: Reader) -> str:
    child = tip["child"]
    low, high = child["age_min"], child["age_max"]
    if low is None:
        age = None
    elif high in (None, low):
        age = _text(reader, "dashboard.tip.age_one", age=low)
    else:
        age = _text(reader, "dashboard.tip.age", low=low, high=high)
    sex = reader.label("sex", child["sex"]) if child["sex"] else None
    return _or_none(reader, sex, age, child["description"])


def _dialect(tip: Mapping[str, Any], reader: Reader) -> str:
    dialect = tip["dialect"]
    group = reader.label("dialect", dialect["group"]) if dialect["group"] else None
    differs = dialect["differs_from_local"]
    provinces = dialect["candidate_provinces"]
    return _or_none(
        reader,
        group,
        dialect["text"],
        differs
        and reader.pair(_text(reader, "dashboard.tip.differs"), reader.label("differs", differs)),
        provinces and reader.pair(_text(reader, "dashboard.tip.candidates"), "、".join(provinces)),
    )


def _signs(tip: Mapping[str, Any], reader: Reader) -> str:
    signs = [reader.label("sign", sign) for sign in tip["signs"] or []]
    return _or_none(reader, separated(reader, signs), tip["signs_text"])


def _contact(tip: Mapping[str, Any], reader: Reader) -> str:
    contact = tip["contact"]
    if contact["anonymous"]:
        return _text(reader, "dashboard.tip.anonymous")
    return contact["phone"] or _text(reader, "export.contact_left_out")


def _kind(tip: Mapping[str, Any], reader: Reader) -> tuple[str, str]:
    """What kind of tip, and the channel it came by."""
    return reader.label("kind", tip["kind"]), reader.label("channel", tip["channel"])


def _status(tip: Mapping[str, Any], reader: Reader) -> str:
    reason = tip.get("close_reason")
    closed = reader.label("close", reason) if reason else None
    return _or_none(reader, reader.label("status", tip["status"]), closed)


def _attachments(tip: Mapping[str, Any], reader: Reader) -> str:
    shown_items = []
    for number, item in enumerate(tip["attachments"], 1):
        words = f"{reader.label('media', item['type'])} {number}"
        if not item["stored"]:
            aside = _text(reader, "dashboard.tip.not_downloaded")
            words = _text(reader, "export.aside", text=words, aside=aside)
        shown_items.append(words)
    return _or_none(reader, separated(reader, shown_items))


def link_words(link: Mapping[str, Any], reader: Reader) -> str:
    """A tip probably about the same child: reference, score, the decision, why; in words."""
    return _text(
        reader,
        "review.cli.link",
        ref=link["ref"],
        score=f"{link['score']:.2f}",
        status=_text(reader, f"review.status.{link['status']}"),
        reasons=separated(reader, [reader.say(reason) for reason in link["reasons"]]),
    )


def fact_rows(tip: Mapping[str, Any], reader: Reader) -> list[Row]:
    """Every fact of the tip, labelled as the dashboard and the referral sheet label it."""
    field = {name: _text(reader, f"dashboard.field.{name}") for name in _FIELDS}
    received = _text(
        reader, "export.aside", text=shown(tip["created_at"], reader.tz), aside=reader.tz
    )
    rows = [
        (_text(reader, "referral.ref"), tip["ref"]),
        (_text(reader, "referral.received"), received),
        (field["kind"], _or_none(reader, *_kind(tip, reader))),
        (field["status"], _status(tip, reader)),
        (field["place"], _place(tip, reader)),
        (field["seen"], _seen(tip, reader)),
        (field["presence"], reader.label("presence", tip["presence"])),
        (field["child"], _child(tip, reader)),
        (field["names_used"], _names(reader, tip["names_used"])),
        (field["names_given"], _names(reader, tip["names_given"])),
        (field["child_said"], _or_none(reader, tip["child_said"])),
        (field["dialect"], _dialect(tip, reader)),
        (field["signs"], _signs(tip, reader)),
        (field["adults"], _or_none(reader, tip["adults"])),
        (field["details"], _or_none(reader, tip["details"])),
        (field["language"], reader.label("language", tip["language"])),
        (_text(reader, "referral.contact"), _contact(tip, reader)),
    ]
    if tip.get("callback"):
        rows.append((field["callback"], tip["callback"]))
    if tip.get("alert"):
        alert = tip["alert"]
        answers = _text(reader, "alert.answers", alert_id=alert["id"], case_id=alert["case_id"])
        rows.append((_text(reader, "export.alert"), answers))
    rows.append((field["attachments"], _attachments(tip, reader)))
    return rows


_FIELDS = (
    "kind", "status", "place", "seen", "presence", "child", "names_used", "names_given",
    "child_said", "dialect", "signs", "adults", "details", "language", "callback", "attachments",
)  # fmt: skip

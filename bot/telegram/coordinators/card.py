"""A tip as a compact card for the coordinators' group: text and buttons, nothing identifying.

Only structured fields appear (kind, urgency, province and city, date, the child's sex and
age, dialect, signs). Free text the tipster typed — the place as written, descriptions, names —
and anything about the tipster stay on the dashboard: the group may hold people who are not
on the allow-list, and a typed place can be the tipster's own doorstep.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers import catalogue
from handlers.times import DATE, TIME, shown
from storage import Report, ReportStatus
from triage.reach import why_not_askable
from triage.urgency_words import is_on_top, score_words, top_reason
from triage.workflow import CLOSE_REASONS

__all__ = [
    "REFERRAL_KINDS",
    "Card",
    "card",
    "close_buttons",
    "decode",
    "encode",
    "queue_line",
    "refer_buttons",
]

PREFIX = "co"  # callback data of coordinator buttons: co:<verb>:<report id>[:<argument>]
REFERRAL_KINDS = ("police", "ngo", "dna_sampling")
Rows = tuple[tuple[tuple[str, str], ...], ...]  # rows of (label, callback data)


@dataclass(frozen=True)
class Card:
    """A message for the group: text and rows of (label, callback data) buttons."""

    text: str
    rows: Rows = ()

    def markup(self) -> InlineKeyboardMarkup | None:
        """The buttons for python-telegram-bot."""
        if not self.rows:
            return None
        return InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(label, callback_data=data) for label, data in row]
                for row in self.rows
            ]
        )

    def markup_json(self) -> dict[str, Any] | None:
        """The buttons as Bot API JSON."""
        if not self.rows:
            return None
        rows = [
            [{"text": label, "callback_data": data} for label, data in row] for row in self.rows
        ]
        return {"inline_keyboard": rows}


def encode(verb: str, report_id: int, argument: str = "") -> str:
    """Callback data for a coordinator button."""
    return ":".join(filter(None, [PREFIX, verb, str(report_id), argument]))


def decode(data: str) -> tuple[str, int, str] | None:
    """(verb, report id, argument) of coordinator button data, or None if it isn't ours."""
    parts = data.split(":")
    if len(parts) not in (3, 4) or parts[0] != PREFIX or not parts[2].isdecimal():
        return None
    return parts[1], int(parts[2]), parts[3] if len(parts) == 4 else ""


def _label(language: str, key: str, fallback: str) -> str:
    if key.endswith(".not_sure"):
        return ""  # says nothing on a card
    return catalogue().text(language, key) if catalogue().has(language, key) else fallback


def _comma(language: str) -> str:
    return catalogue().text(language, "record.comma")


def _place(report: Report, language: str) -> str:
    """City and province in the language's order ("Kunming, Yunnan"; "云南 昆明市")."""
    return (
        catalogue()
        .text(language, "record.place", city=report.city or "", province=report.province or "")
        .strip(" ,")
        or "—"
    )


def _where(report: Report, language: str) -> str:
    where = _place(report, language)
    if report.latitude is not None:
        where += " " + catalogue().text(language, "coordinator.card.pin")
    return where


def _child(report: Report, language: str) -> str:
    sex = _label(language, f"choice.child_sex.{report.child_sex}", "") if report.child_sex else ""
    low, high = report.child_age_min, report.child_age_max
    age = f"{low}–{high}" if low is not None and high not in (None, low) else low or high
    aged = catalogue().text(language, "coordinator.card.age", age=age) if age is not None else ""
    return _comma(language).join(filter(None, [sex, aged])) or "—"


def _dialect(report: Report, language: str) -> str | None:
    t = partial(catalogue().text, language)
    parts = [_label(language, f"choice.dialect.{report.dialect}", "")] if report.dialect else []
    if report.dialect_differs == "yes":
        parts.append(t("coordinator.card.differs"))
    if report.candidate_provinces:
        provinces = "、".join(report.candidate_provinces)
        parts.append(t("coordinator.card.provinces", provinces=provinces))
    return " ".join(filter(None, parts)) or None


def _status(report: Report, holder: str | None, language: str, tz: ZoneInfo) -> str:
    t = partial(catalogue().text, language)
    status = t("coordinator.card.status", status=t(f"coordinator.status.{report.status}"))
    if report.status == ReportStatus.CLOSED and report.close_reason:
        status += f" ({t(f'coordinator.close.{report.close_reason}')})"
    if holder and report.claimed_until is not None:
        until = shown(report.claimed_until, tz, TIME)
        status += " · " + t("coordinator.card.claimed", name=holder, until=until)
    return status


def _text(report: Report, holder: str | None, language: str, tz: ZoneInfo, now: datetime) -> str:
    t = partial(catalogue().text, language)
    kind = t(f"coordinator.kind.{report.kind}")
    when = shown(report.seen_on, tz, DATE) or "—"
    if report.presence:
        when += " · " + _label(language, f"choice.presence.{report.presence}", report.presence)
    separator = catalogue().text(language, "dashboard.tip.detail_separator")
    signs = separator.join(_label(language, f"choice.signs.{s}", s) for s in report.signs or [])
    dialect = _dialect(report, language)
    lines = [
        t("coordinator.card.imminent") if report.imminent else "",
        t("coordinator.card.title", ref=report.ref, kind=kind, score=score_words(report, language)),
        top_reason(report, language, tz, now) or "",
        _status(report, holder, language, tz),
        t("coordinator.card.where", where=_where(report, language)),
        t("coordinator.card.when", when=when),
        t("coordinator.card.child", child=_child(report, language)),
        t("coordinator.card.dialect", dialect=dialect) if dialect else "",
        t("coordinator.card.signs", signs=signs) if signs else "",
        t("alert.answers", alert_id=report.alert_id, case_id=report.alert_case_id or "—")
        if report.alert_id
        else "",
        t(
            "coordinator.card.received",
            at=shown(report.created_at, tz),
        ),
    ]
    return "\n".join(line for line in lines if line)


def _button(language: str, verb: str, report_id: int, argument: str = "") -> tuple[str, str]:
    key = f"coordinator.button.{verb}"
    return catalogue().text(language, key), encode(verb, report_id, argument)


def card(report: Report, *, holder: str | None, language: str, tz: ZoneInfo, now: datetime) -> Card:
    """A tip's card with the buttons its status allows."""
    rid = report.id or 0
    b = partial(_button, language)
    text = _text(report, holder, language, tz, now)
    unreachable = why_not_askable(report)  # said on the card, instead of an Ask button
    if unreachable is not None:
        why = unreachable.text(language)
        text += "\n" + catalogue().text(language, "coordinator.card.no_ask", why=why)
    if report.status == ReportStatus.CLOSED:
        rows: Rows = ((b("reopen", rid), b("note", rid)),)
    else:
        asking = (b("note", rid),) if unreachable else (b("ask", rid), b("note", rid))
        rows = ((b("claim", rid), b("verify", rid)), (b("refer", rid), b("close", rid)), asking)
    return Card(text, rows)


def close_buttons(report_id: int, language: str) -> Rows:
    """The closing reasons, then a way back to the card's own buttons."""
    t = partial(catalogue().text, language)
    reasons = [(t(f"coordinator.close.{r}"), encode("close", report_id, r)) for r in CLOSE_REASONS]
    return (tuple(reasons[:2]), tuple(reasons[2:]), (_button(language, "back", report_id),))


def refer_buttons(report_id: int, language: str) -> Rows:
    """Where a tip can be referred, then a way back."""
    t = partial(catalogue().text, language)
    kinds = tuple(
        (t(f"coordinator.referral.{k}"), encode("refer", report_id, k)) for k in REFERRAL_KINDS
    )
    return (kinds, (_button(language, "back", report_id),))


def queue_line(report: Report, holder: str | None, language: str, now: datetime) -> str:
    """One tip in /queue or /mine: reference, urgency, kind, place, status and who holds it."""
    t = partial(catalogue().text, language)
    status = t(f"coordinator.status.{report.status}") + (f" ({holder})" if holder else "")
    place = _place(report, language)
    score = score_words(report, language)
    parts: Sequence[str] = [report.ref, score, t(f"coordinator.kind.{report.kind}"), place]
    flag = "🚨 " if report.imminent else ("⬆️ " if is_on_top(report, now) else "")
    return flag + " · ".join([*parts, status])

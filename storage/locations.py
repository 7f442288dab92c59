"""The tipster's shared location: the exact point encrypted, a ~1 km cell in the clear.

A location pin is often where the tipster stands. The exact point is stored like a phone
number (FieldCipher, as "lat,lon"); the report's `latitude`/`longitude` hold only the cell
it falls in (rounded to 0.01°, about 1.1 km), enough for the map, filters and matching.

Reports and unfinished drafts written before this (the exact point in the clear) are sealed
by `seal_exact_locations`, which the sweeper runs on every pass, the first one at the
worker's start: encrypting needs the key, which migrations don't have.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, cast
from sqlmodel import Session, col, select

from storage.crypto import FieldCipher
from storage.models import Conversation, Report

__all__ = ["CELL_DECIMALS", "cell", "open_point", "point_text", "seal_exact_locations"]

CELL_DECIMALS = 2  # 0.01° of latitude is about 1.1 km
_BATCH = 500
_WHERE = "where"  # the interview step whose answer holds the pin (handlers.steps.Step.WHERE)
_HOME = "home"  # a missing child's home, which a pin can answer too (handlers.steps.Step.HOME)
_HOME_PIN = '%"home": {"text": null, "lat": %'  # a home answered with a pin, as JSON stores it


def cell(degrees: float) -> float:
    """A coordinate rounded to the ~1 km cell kept in the clear."""
    return round(degrees, CELL_DECIMALS)


def point_text(latitude: float, longitude: float) -> str:
    """The exact point as the text that gets encrypted."""
    return f"{latitude!r},{longitude!r}"


def open_point(cipher: FieldCipher, sealed: str | None) -> tuple[float, float] | None:
    """The exact point of a report, decrypted (None without one)."""
    if not sealed:
        return None
    latitude, longitude = cipher.decrypt(sealed).split(",")
    return float(latitude), float(longitude)


def _in_the_clear(answers: dict[str, Any], step: str = _WHERE) -> dict[str, Any] | None:
    """The place answer if it holds an exact point not yet encrypted."""
    where = answers.get(step)
    if not isinstance(where, dict) or where.get("lat") is None or where.get("lon") is None:
        return None
    return None if "enc" in where else where


def _coarse(where: dict[str, Any]) -> dict[str, Any]:
    return {**where, "lat": cell(where["lat"]), "lon": cell(where["lon"])}


def _sealed(where: dict[str, Any], cipher: FieldCipher) -> dict[str, Any]:
    """A pin as the interview now keeps it: the cell, and the exact point encrypted."""
    return {**_coarse(where), "enc": cipher.encrypt(point_text(where["lat"], where["lon"]))}


def _coarse_answers(answers: dict[str, Any]) -> dict[str, Any]:
    where = _in_the_clear(answers)
    return answers if where is None else {**answers, _WHERE: _coarse(where)}


def _seal_drafts(session: Session, cipher: FieldCipher) -> int:
    """Unfinished drafts holding a pin in the clear: the cell and the encrypted point instead."""
    statement = select(Conversation).where(cast(Conversation.state, String).like('%"lat":%'))
    sealed = 0
    for conversation in session.exec(statement):
        draft = (conversation.state or {}).get("draft") or {}
        pins = {
            step: _sealed(where, cipher)
            for step in (_WHERE, _HOME)
            if (where := _in_the_clear(draft, step)) is not None
        }
        if not pins:
            continue
        conversation.state = {**conversation.state, "draft": {**draft, **pins}}
        session.add(conversation)
        sealed += 1
    return sealed


def _seal_home_pins(session: Session, cipher: FieldCipher) -> int:
    """Reports whose home answer holds a pin in the clear: the cell and the encrypted point."""
    statement = select(Report).where(cast(Report.answers, String).like(_HOME_PIN))
    sealed = 0
    for report in session.exec(statement):
        home = _in_the_clear(report.answers or {}, _HOME)
        if home is None:  # sealed already
            continue
        report.answers = {**report.answers, _HOME: _sealed(home, cipher)}
        session.add(report)
        sealed += 1
    return sealed


def seal_exact_locations(*, session: Session, cipher: FieldCipher) -> int:
    """Encrypt exact points still stored in the clear and keep only their cell; safe to rerun."""
    sealed = _seal_drafts(session, cipher) + _seal_home_pins(session, cipher)
    statement = (
        select(Report)
        .where(col(Report.latitude).is_not(None), col(Report.longitude).is_not(None))
        .where(col(Report.exact_location).is_(None))
        .limit(_BATCH)
    )
    while reports := list(session.exec(statement)):
        for report in reports:
            latitude, longitude = float(report.latitude or 0), float(report.longitude or 0)
            report.exact_location = cipher.encrypt(point_text(latitude, longitude))
            report.latitude, report.longitude = cell(latitude), cell(longitude)
            report.answers = _coarse_answers(report.answers)  # a new dict: JSON is saved
            session.add(report)
        session.flush()
        sealed += len(reports)
    return sealed

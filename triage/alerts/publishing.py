"""Publishing an alert for a registry case (leads only) and closing it.

Publishing copies what the alert says from the entry, records who published it and how the
family agreed (the consent), picks the subscribers (targeting.py) and adds one pending
delivery row each, in one transaction; the caller then queues the fan-out (fanout.py).
Closing withdraws what was not sent yet and adds one short "it is over" message for every
subscriber the alert reached.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from sqlmodel import Session

from storage import (
    Alert,
    Coordinator,
    DeliveryKind,
    RegistryEntry,
    is_lead_role,
)
from storage.alert_reads import sighting_provinces
from storage.alerts import (
    add_deliveries,
    open_alert_for_case,
    reached_subscriptions,
    withdraw_unsent,
)
from storage.registry_log import RegistryAction, append_registry_event, registry_photos
from storage.registry_search import get_entry
from storage.subscriptions import subscriber_places
from triage.alerts.targeting import Reach, case_reach, missing_moment, radius_for, targets
from triage.alerts.wording import AlertWords, alert_params, alert_text
from triage.errors import WorkflowError

__all__ = ["AlertRefused", "Preview", "close_alert", "preview_alert", "publish_alert"]

log = logging.getLogger(__name__)
LANGUAGES = ("zh_CN", "en")


class AlertRefused(WorkflowError):
    """Publishing or closing refused; `key` names the catalogue text saying why (workflow.alert_*)."""


@dataclass(frozen=True)
class Preview:
    """What publishing would send: the texts in both languages and who would get them."""

    case_id: str
    texts: dict[str, str]
    reach: Reach
    recipients: int
    nearest_km: float | None


def _entry(session: Session, case_id: str) -> RegistryEntry:
    entry = get_entry(session=session, case_id=case_id)
    if entry is None:
        raise AlertRefused("workflow.alert_no_entry", case_id=case_id)
    return entry


def _lead(coordinator: Coordinator | None, name: str) -> Coordinator:
    if coordinator is None or not coordinator.active:
        raise AlertRefused("workflow.not_a_coordinator", name=name)
    if not is_lead_role(coordinator.role):
        raise AlertRefused("workflow.alert_not_lead", name=name)
    return coordinator


def _reach(session: Session, entry: RegistryEntry, now: datetime, tz: tzinfo) -> Reach:
    radius = radius_for(missing_moment(entry, tz), now)
    clusters = sighting_provinces(session=session, entry_id=entry.id or 0)
    return case_reach(entry, radius_km=radius, sighting_provinces=clusters)


def _consented_photo(session: Session, entry: RegistryEntry) -> int:
    """The photo an alert shows: the entry's first (the one added with it, as the family
    gave it); refused if the family agreed to a photo the entry does not have."""
    photos = registry_photos(session=session, entry_id=entry.id or 0)
    if not photos:
        raise AlertRefused("workflow.alert_no_photo", case_id=entry.case_id)
    return photos[0].id or 0


def preview_alert(
    *, session: Session, case_id: str, now: datetime, tz: tzinfo, emergency: str = "110"
) -> Preview:
    """The alert a case would get, in both languages, and how many it would reach."""
    entry = _entry(session, case_id)
    params, reach = alert_params(entry), _reach(session, entry, now, tz)
    chosen = targets(reach, subscriber_places(session=session))
    words = AlertWords(0, "telegram", emergency)
    texts = {lang: alert_text(params, lang, words, now.astimezone(tz).date()) for lang in LANGUAGES}
    nearest = chosen[0].distance_km if chosen else None
    return Preview(entry.case_id, texts, reach, len(chosen), nearest)


def publish_alert(
    *,
    session: Session,
    case_id: str,
    coordinator: Coordinator | None,
    name: str,
    consent: str,
    photo: bool,
    now: datetime,
    tz: tzinfo,
) -> tuple[Alert, int]:
    """Publish an alert for a case: the alert and how many subscribers it will ask."""
    lead = _lead(coordinator, name)
    if not consent.strip():
        raise AlertRefused("workflow.alert_consent_needed")
    entry = _entry(session, case_id)
    already = open_alert_for_case(session=session, case_id=entry.case_id)
    if already is not None:
        raise AlertRefused("workflow.alert_already_open", case_id=case_id, alert_id=already.id)
    photo_id = _consented_photo(session, entry) if photo else None
    reach = _reach(session, entry, now, tz)
    alert = Alert(
        entry_id=entry.id,
        case_id=entry.case_id,
        params=alert_params(entry),
        consent=consent.strip(),
        photo_allowed=photo,
        photo_id=photo_id,
        center_lat=reach.latitude,
        center_lon=reach.longitude,
        missing_at=missing_moment(entry, tz),
        provinces=list(reach.provinces),
        published_by=lead.name,
        published_at=now,
    )
    session.add(alert)
    session.flush()
    chosen = targets(reach, subscriber_places(session=session))
    add_deliveries(
        session=session,
        alert_id=alert.id or 0,
        kind=DeliveryKind.ALERT,
        targets=[(t.subscription_id, t.distance_km) for t in chosen],
    )
    append_registry_event(
        session=session,
        entry_id=entry.id or 0,
        actor=lead.name,
        action=RegistryAction.ALERT_PUBLISHED,
        detail={"alert_id": alert.id, "reason": alert.consent, "photo": photo},
    )
    log.info("alert %s published for case by %s: %d subscribers", alert.id, lead.name, len(chosen))
    return alert, len(chosen)


def close_alert(
    *,
    session: Session,
    alert_id: int,
    coordinator: Coordinator | None,
    name: str,
    found: bool,
    now: datetime,
) -> tuple[Alert, int]:
    """Close an alert: what was not sent is withdrawn; everyone it reached is told, once."""
    lead = _lead(coordinator, name)
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise AlertRefused("workflow.alert_unknown", alert_id=alert_id)
    if alert.closed_at is not None:
        raise AlertRefused("workflow.alert_closed_already", alert_id=alert_id)
    alert.closed_by, alert.closed_at, alert.found = lead.name, now, found
    session.add(alert)
    withdraw_unsent(session=session, alert_id=alert_id)
    reached = reached_subscriptions(session=session, alert_id=alert_id)
    add_deliveries(
        session=session,
        alert_id=alert_id,
        kind=DeliveryKind.CLOSED,
        targets=[(subscription_id, None) for subscription_id in reached],
    )
    if alert.entry_id is not None:
        append_registry_event(
            session=session,
            entry_id=alert.entry_id,
            actor=lead.name,
            action=RegistryAction.ALERT_CLOSED,
            detail={"alert_id": alert_id, "found": found},
        )
    log.info("alert %s closed by %s (found: %s)", alert_id, lead.name, found)
    return alert, len(reached)


def today_in(tz: tzinfo, now: datetime) -> date:
    """The day it is in the deployment's zone."""
    return now.astimezone(tz).date()

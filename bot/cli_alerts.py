"""`homeward alerts publish|list|show|close`: case alerts to subscribers, from a shell."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click
from rq import Queue

from bot.settings import Settings
from handlers.times import shown, zone
from storage import Alert, DeliveryKind, make_engine, session_scope, utcnow
from storage.alerts import delivery_counts, list_alerts
from storage.coordinators import find_coordinator
from triage import redis_connection
from triage.alerts import (
    ALERT_QUEUE,
    AlertRefused,
    close_alert,
    enqueue_fanout,
    preview_alert,
    publish_alert,
)
from triage.alerts.wording import AlertWords, alert_text

__all__ = ["add_alert_commands"]


def _queue_fanout(settings: Settings, alert_id: int, kind: DeliveryKind) -> None:
    with redis_connection(settings.redis_url, settings.homeward_data_dir) as connection:
        enqueue_fanout(Queue(ALERT_QUEUE, connection=connection), alert_id, kind)


def _summary(alert: Alert, counts: dict[str, int], settings: Settings) -> dict[str, Any]:
    tz = zone(settings.homeward_timezone)
    return {
        "id": alert.id,
        "case_id": alert.case_id,
        "published_by": alert.published_by,
        "published_at": shown(alert.published_at, tz),
        "consent": alert.consent,
        "photo_allowed": alert.photo_allowed,
        "radius_center": [alert.center_lat, alert.center_lon],
        "provinces": alert.provinces,
        "closed_by": alert.closed_by,
        "closed_at": shown(alert.closed_at, tz) or None,
        "found": alert.found,
        "deliveries": dict(sorted(counts.items())),
    }


def add_alert_commands(cli: click.Group, load: Callable[[], Settings]) -> None:
    """Register `homeward alerts …`."""

    @cli.group()
    def alerts() -> None:
        """Case alerts to the neighbours who subscribed."""

    @alerts.command("publish")
    @click.argument("case_id")
    @click.option("--as", "name", required=True, help="The lead publishing (allow-list name).")
    @click.option("--consent", required=True, help="How the family agreed to the alert.")
    @click.option("--photo", is_flag=True, help="The family agreed to show the child's photo.")
    @click.option("--preview", is_flag=True, help="Show the texts and reach; publish nothing.")
    def alerts_publish(case_id: str, name: str, consent: str, photo: bool, preview: bool) -> None:
        """Publish an alert for a registry case (leads only); the worker sends it."""
        settings = load()
        tz, now = zone(settings.homeward_timezone), utcnow()
        with session_scope(make_engine(settings.database())) as session:
            try:
                if preview:
                    shown_preview = preview_alert(
                        session=session,
                        case_id=case_id,
                        now=now,
                        tz=tz,
                        emergency=settings.emergency_number,
                    )
                else:
                    alert, count = publish_alert(
                        session=session,
                        case_id=case_id,
                        coordinator=find_coordinator(session=session, name=name),
                        name=name,
                        consent=consent,
                        photo=photo,
                        now=now,
                        tz=tz,
                    )
                    alert_id = alert.id or 0
            except AlertRefused as refused:
                raise click.ClickException(str(refused)) from refused
        if preview:
            reach = shown_preview.reach
            for language, text in shown_preview.texts.items():
                click.echo(f"--- {language}\n{text}\n")
            click.echo(
                f"would reach {shown_preview.recipients} subscribers "
                f"(radius {reach.radius_km} km around {reach.city or 'an unknown place'}; "
                f"provinces {', '.join(reach.provinces) or '-'})"
            )
            return
        _queue_fanout(settings, alert_id, DeliveryKind.ALERT)
        click.echo(f"alert {alert_id} published for {case_id}: {count} subscribers, nearest first")

    @alerts.command("list")
    @click.option("--json", "as_json", is_flag=True)
    def alerts_list(as_json: bool) -> None:
        """Every alert, newest first, with how many it reached."""
        settings = load()
        with session_scope(make_engine(settings.database())) as session:
            rows = [
                _summary(
                    alert,
                    delivery_counts(
                        session=session, alert_id=alert.id or 0, kind=DeliveryKind.ALERT
                    ),
                    settings,
                )
                for alert in list_alerts(session=session)
            ]
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            state = "open" if row["closed_at"] is None else ("found" if row["found"] else "closed")
            sent = row["deliveries"].get("sent", 0)
            total = sum(row["deliveries"].values())
            click.echo(
                f"{row['id']:>4}  {row['case_id']:<16} {state:<6} {row['published_at']}  "
                f"by {row['published_by']}  sent {sent}/{total}"
            )

    @alerts.command("show")
    @click.argument("alert_id", type=int)
    @click.option("--lang", type=click.Choice(["zh", "en"]), default=None)
    def alerts_show(alert_id: int, lang: str | None) -> None:
        """One alert: its text, consent, reach and deliveries."""
        settings = load()
        with session_scope(make_engine(settings.database())) as session:
            alert = session.get(Alert, alert_id)
            if alert is None:
                raise click.ClickException(f"no alert {alert_id}")
            counts = delivery_counts(session=session, alert_id=alert_id, kind=DeliveryKind.ALERT)
            closing = delivery_counts(session=session, alert_id=alert_id, kind=DeliveryKind.CLOSED)
            summary = _summary(alert, counts, settings)
            summary["closing_deliveries"] = dict(sorted(closing.items()))
            words = AlertWords(alert_id, "page", settings.emergency_number)
            today = utcnow().astimezone(zone(settings.homeward_timezone)).date()
            languages = {"zh": ["zh_CN"], "en": ["en"], None: ["zh_CN", "en"]}[lang]
            texts = {code: alert_text(alert.params, code, words, today) for code in languages}
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        for code, text in texts.items():
            click.echo(f"--- {code}\n{text}")

    @alerts.command("close")
    @click.argument("alert_id", type=int)
    @click.option("--as", "name", required=True, help="The lead closing (allow-list name).")
    @click.option("--found", is_flag=True, help="The child was found.")
    def alerts_close(alert_id: int, name: str, found: bool) -> None:
        """Close an alert: nothing more is sent, and everyone it reached is told, once."""
        settings = load()
        with session_scope(make_engine(settings.database())) as session:
            try:
                _, reached = close_alert(
                    session=session,
                    alert_id=alert_id,
                    coordinator=find_coordinator(session=session, name=name),
                    name=name,
                    found=found,
                    now=utcnow(),
                )
            except AlertRefused as refused:
                raise click.ClickException(str(refused)) from refused
        _queue_fanout(settings, alert_id, DeliveryKind.CLOSED)
        click.echo(f"alert {alert_id} closed; {reached} subscribers it reached will be told")

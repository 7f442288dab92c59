"""The public page of an alert, on `homeward serve` with no sign-in: `/alerts/{id}`.

It shows what the alert says (and the photo only where the family agreed, while the alert is
open: `/alerts/{id}/photo.jpg` refuses otherwise, and serves a JPEG re-encoded with no
metadata, cached a minute at most so a closed alert's photo is soon gone), how to tell us
(the Telegram bot, the WeChat account's QR code, the emergency number) and a QR code of the
page itself to share in WeChat Moments or print as a poster. It never shows a tip, a tipster
or a coordinator, only whether the alert is closed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from bot.wiring import Services
from handlers import catalogue
from handlers.times import DATE, shown, zone
from storage import Alert, session_scope, utcnow
from storage.alert_photos import shows_photo
from triage.alerts.photos import alert_photo_jpeg
from triage.alerts.wording import alert_lines

__all__ = ["alert_page_routes"]

TEMPLATES = Path(__file__).parent / "templates"
_LANGUAGES = {"zh": "zh_CN", "en": "en"}
_CACHED = {"Cache-Control": "public, max-age=60"}  # a closed alert's page changes within a minute
_PHOTO_HEADERS = {**_CACHED, "X-Content-Type-Options": "nosniff"}


@dataclass(frozen=True)
class _Words:
    """The catalogue in one language, as templates call it: t("key", name=value)."""

    language: str

    def __call__(self, key: str, **params: object) -> str:
        return catalogue().text(self.language, key, **params)

    @property
    def html_lang(self) -> str:
        return "zh-CN" if self.language == "zh_CN" else "en"


def _qr_svg(data: str) -> bytes:
    """A QR code of `data` as SVG (error correction M survives a creased poster)."""
    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="svg", scale=6, border=2, xmldecl=False)
    return out.getvalue()


class AlertPage:
    """The routes of the public alert page."""

    def __init__(self, svc: Services) -> None:
        self.svc = svc
        self.tz = zone(svc.settings.homeward_timezone)
        self.media_dir = svc.settings.homeward_data_dir / "media"
        self.templates = Environment(
            loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"])
        )

    def _alert(self, request: Request) -> Alert | None:
        with session_scope(self.svc.engine) as session:
            alert = session.get(Alert, int(request.path_params["alert_id"]))
            if alert is not None:
                session.expunge(alert)
            return alert

    def _url(self, request: Request, alert_id: int) -> str:
        base = self.svc.settings.homeward_public_url
        return (
            f"{base.rstrip('/')}/alerts/{alert_id}"
            if base
            else str(request.url_for("alert_page", alert_id=alert_id))
        )

    async def page(self, request: Request) -> Response:
        """The alert in the reader's language (?lang=zh|en, Chinese by default)."""
        language = _LANGUAGES.get(request.query_params.get("lang", ""), "zh_CN")
        t, alert = _Words(language), self._alert(request)
        if alert is None:
            body = self.templates.get_template("alert_missing.html").render(t=t)
            return HTMLResponse(body, status_code=404)
        settings, alert_id = self.svc.settings, alert.id or 0
        bot = settings.telegram_bot_username
        body = self.templates.get_template("alert.html").render(
            t=t,
            alert=alert,
            other_lang="en" if language == "zh_CN" else "zh",
            lines=alert_lines(alert.params, language, utcnow().astimezone(self.tz).date()),
            published=shown(alert.published_at, self.tz, DATE),
            closed=shown(alert.closed_at, self.tz, DATE),
            telegram=f"https://t.me/{bot.lstrip('@')}?start=alert-{alert_id}" if bot else None,
            wechat=bool(settings.wechat_follow_url),
            emergency=settings.emergency_number,
            page_url=self._url(request, alert_id),
            photo_url=f"{alert_id}/photo.jpg" if shows_photo(alert) else None,
        )
        return HTMLResponse(body, headers=_CACHED)

    def _photo(self, alert_id: int) -> bytes | None:
        with session_scope(self.svc.engine) as session:
            alert = session.get(Alert, alert_id)
            if alert is None or not shows_photo(alert):
                return None
            return alert_photo_jpeg(
                session=session, alert=alert, cipher=self.svc.cipher, media_dir=self.media_dir
            )

    async def photo(self, request: Request) -> Response:
        """The child's photo, only while the alert is open and the family agreed to it."""
        data = await run_in_threadpool(self._photo, int(request.path_params["alert_id"]))
        if data is None:
            return Response(status_code=404, headers={"Cache-Control": "no-store"})
        return Response(data, media_type="image/jpeg", headers=_PHOTO_HEADERS)

    async def page_qr(self, request: Request) -> Response:
        """A QR code of the page's address."""
        alert = self._alert(request)
        if alert is None:
            return Response(status_code=404)
        return Response(_qr_svg(self._url(request, alert.id or 0)), media_type="image/svg+xml")

    async def wechat_qr(self, request: Request) -> Response:
        """The WeChat account's follow QR code (WECHAT_FOLLOW_URL), drawn here."""
        follow = self.svc.settings.wechat_follow_url
        if not follow or self._alert(request) is None:
            return Response(status_code=404)
        return Response(_qr_svg(follow), media_type="image/svg+xml")


def alert_page_routes(svc: Services) -> list[BaseRoute]:
    """`/alerts/{id}`, its photo, its QR code and the WeChat account's."""
    page = AlertPage(svc)
    return [
        Route("/alerts/{alert_id:int}", page.page, name="alert_page"),
        Route("/alerts/{alert_id:int}/photo.jpg", page.photo, name="alert_photo"),
        Route("/alerts/{alert_id:int}/qr.svg", page.page_qr, name="alert_qr"),
        Route("/alerts/{alert_id:int}/wechat.svg", page.wechat_qr, name="alert_wechat_qr"),
    ]

"""Telegram's webhook route: only Telegram gets in, and 200 only once the update is stored.

A 503 (the database is down) makes Telegram send the update again later; a 400 is for what
Telegram never sends, or what could never be stored (re-sending it wouldn't help). A body
over MAX_UPDATE_BYTES gets 413 as soon as that is known: from its Content-Length before
anything is read, else while it is read. Nothing about the update's content is logged.

A 200 may carry one Bot API method for Telegram to run (`ingest`'s answer: a tap's
answerCallbackQuery), so the answer costs no call of its own; it rides on the 200, so it
is sent only once the update is stored.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.telegram.parsing import MalformedUpdate

__all__ = ["MAX_UPDATE_BYTES", "SECRET_HEADER", "webhook_route"]

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# An update is a few kilobytes (a message is at most 4,096 characters; files come by id).
MAX_UPDATE_BYTES = 1024 * 1024
MAX_UPDATE_ID = 2**63 - 1  # a positive BIGINT, as Telegram's ids are


def _update_id(data: object) -> int | None:
    """The update's id if the body is an update we could store, else None."""
    if not isinstance(data, dict):
        return None
    update_id = data.get("update_id")
    if isinstance(update_id, bool) or not isinstance(update_id, int):
        return None
    return update_id if 0 <= update_id <= MAX_UPDATE_ID else None


def webhook_route(
    path: str, secret: str, ingest: Callable[[dict[str, Any]], Awaitable[dict[str, Any] | None]]
) -> Route:
    """The POST route Telegram calls; `ingest` stores an update (or raises), and may give a
    Bot API method for the 200 to carry."""

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode("latin-1")
        if not hmac.compare_digest(given, secret.encode()):
            return Response(status_code=403)
        try:
            data = await request.json()
        except ValueError:
            return Response(status_code=400)
        if _update_id(data) is None:
            return Response(status_code=400)
        try:
            answer = await ingest(data)
        except MalformedUpdate as error:  # not from Telegram, or not in a form we can read
            log.warning("update %s refused: malformed (%s)", data["update_id"], error)
            return Response(status_code=400)
        except SQLAlchemyError as error:
            log.warning(
                "update %s not stored (%s); Telegram will send it again",
                data["update_id"],
                type(error).__name__,
            )
            return Response(status_code=503)
        return Response(status_code=200) if answer is None else JSONResponse(answer)

    return Route(path, receive, methods=["POST"], max_body_size=MAX_UPDATE_BYTES)

"""The ceiling: a bare python-telegram-bot echo bot behind a Starlette webhook route.

Child process of `python -m bench`: the shape of PTB's `customwebhookbot/starlettebot.py`
(route → update queue → `Application.process_update` → `send_message`), no database, no
rate limiter, 256 updates at once.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

__all__ = ["main"]


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the text back."""
    assert update.message is not None and update.message.text is not None
    await context.bot.send_message(update.message.chat.id, update.message.text)


def create_app(token: str, api_base_url: str) -> Starlette:
    """The echo bot as an ASGI app with a webhook route and a health check."""
    application: Application[Any, Any, Any, Any, Any, Any] = (
        Application.builder()
        .token(token)
        .base_url(api_base_url)
        .updater(None)
        .concurrent_updates(True)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))

    async def webhook(request: Request) -> Response:
        await application.update_queue.put(Update.de_json(await request.json(), application.bot))
        return Response()

    async def health(request: Request) -> Response:
        return Response("ok")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with application:
            await application.start()
            yield
            await application.stop()

    routes = [Route("/telegram", webhook, methods=["POST"]), Route("/healthz", health)]
    return Starlette(routes=routes, lifespan=lifespan)


def main() -> None:
    """Serve on 127.0.0.1:PORT with the token and Bot API from the environment."""
    app = create_app(os.environ["TELEGRAM_BOT_TOKEN"], os.environ["TELEGRAM_API_BASE_URL"])
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ["PORT"]), log_level="warning")


if __name__ == "__main__":
    main()

"""The Telegram channel in the web process: store every update first, then answer it in order."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from starlette.routing import BaseRoute
from telegram import Update
from telegram.ext import Application, BaseHandler

from bot.failures import describe
from bot.telegram.chatlocks import ChatLocks, ChatTurn
from bot.telegram.config import TelegramOptions, check_bot_api, telegram_config
from bot.telegram.conversation import Conversation, set_menus
from bot.telegram.convert import CHANNEL, notice_language
from bot.telegram.coordinators import CoordinatorGroup
from bot.telegram.inbox import Inbox
from bot.telegram.interview_turns import InterviewTurns
from bot.telegram.limits import ChatRateLimiter
from bot.telegram.ordering import ChatQueues
from bot.telegram.parsing import parse_update
from bot.telegram.polling import ALLOWED_UPDATES, poll
from bot.telegram.replying import ReplySender
from bot.telegram.retrying import Tried, attempt, passes
from bot.telegram.transport import bot_request
from bot.telegram.webhook import SECRET_HEADER, webhook_route
from bot.wiring import Services
from handlers import catalogue
from storage import Channel
from triage.alerts.reply_pace import ReplyPace

__all__ = ["SECRET_HEADER", "TelegramChannel"]

log = logging.getLogger(__name__)
App = Application[Any, Any, Any, Any, Any, Any]
T = TypeVar("T")
_CLOSING_SECONDS = 1.0  # each step of a stop after the queue's grace (cancel, disconnect)


@dataclass(frozen=True)
class _Job:
    """One update waiting in its chat's line; `row_id` is None for what we never store."""

    update: Update
    row_id: int | None


class TelegramChannel:
    """Telegram through python-telegram-bot: webhook (or polling), durable and per-chat ordered."""

    name: str = Channel.TELEGRAM

    def __init__(self, svc: Services, *, options: TelegramOptions | None = None) -> None:
        self.config = telegram_config(svc.settings)
        check_bot_api(self.config)  # a clear start-up error rather than a traceback later
        self.options = opts = options or TelegramOptions()
        self.inbox = Inbox(svc.engine, svc.cipher)
        self.intake = svc.intake
        self.locks = ChatLocks(svc.engine)  # one chat at a time across web processes
        # Every call within the bot's limit is counted in the alerts' shared pace, so a
        # fan-out takes only what replies leave of Telegram's 30 messages/s.
        self.pace = ReplyPace(
            svc.redis, Channel.TELEGRAM, per_second=svc.settings.alert_messages_per_second
        )
        limiter = ChatRateLimiter(
            overall_per_second=opts.overall_per_second,
            per_chat_per_second=opts.per_chat_per_second,
            chat_burst=opts.chat_burst,
            group_per_minute=opts.group_per_minute,
            max_retries=opts.retry_after_attempts,
            on_send=self.pace.note,
        )
        self.app: App = (
            Application.builder()
            .token(self.config.token)
            .base_url(self.config.api_base_url)
            .base_file_url(self.config.file_base_url)
            .request(bot_request())
            .rate_limiter(limiter)
            .updater(None)  # updates come from our own webhook route or polling loop
            .build()
        )
        self.sender = ReplySender(self.app.bot, webhook=not self.config.polling)
        self.coordinators = CoordinatorGroup(svc, self.app.bot, language=opts.coordinator_language)
        # The whole adapter as one table, run by `_dispatch`: the first row that takes an
        # update handles it.
        self.turns = InterviewTurns(svc.intake, svc.engine)
        conversation = Conversation(self.turns, self.sender)
        self.handlers: list[BaseHandler[Any, Any, Any]] = (
            self.coordinators.handlers() + conversation.handlers()
        )
        self._taps = conversation.taps
        new_chats = opts.new_chats_per_minute
        self.queues: ChatQueues[_Job] = ChatQueues(
            self._process,
            max_parallel=opts.max_parallel_chats,
            new_chats_per_minute=(
                svc.settings.telegram_new_chats_per_minute if new_chats is None else new_chats
            ),
        )
        self._poller: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def routes(self) -> list[BaseRoute]:
        """The webhook route (none when polling)."""
        if self.config.polling:
            return []
        secret = self.config.webhook_secret or ""
        return [webhook_route(self.config.webhook_path, secret, self.ingest)]

    async def start(self) -> None:
        """Connect, finish what a previous process left, then take new updates."""
        self.pace.start()
        await self.app.initialize()
        await set_menus(self.app.bot, self.coordinators)
        for row_id, payload in await asyncio.to_thread(self.inbox.unfinished):
            update = Update.de_json(payload, self.app.bot)
            if (chat := update.effective_chat) is not None:
                # Left by a process that died, or waiting in another one still running: it is
                # handled once whoever's turn comes first (see _process).
                self.queues.submit(chat.id, _Job(update, row_id))
                log.info(
                    "update %s left unfinished (by the last run, or waiting in another process); "
                    "queued here too",
                    update.update_id,
                )
        if self.config.polling:
            await self.app.bot.delete_webhook(drop_pending_updates=False)
            self._poller = asyncio.create_task(
                poll(self.app.bot, self.ingest, timeout=self.options.poll_timeout)
            )
        else:
            await self.app.bot.set_webhook(
                self.config.webhook_url,
                secret_token=self.config.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=False,
            )

    async def stop(self) -> None:
        """Stop taking updates, let queued ones finish briefly, then disconnect.

        All within `stop_grace_seconds`, however Telegram is doing: a failing call is not
        tried again once stopping (its update waits, stored, for the next start), and
        closing the Bot API client and the lock connections can't hold the exit up.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.options.stop_grace_seconds
        self._stopping.set()
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.wait([self._poller], timeout=_CLOSING_SECONDS)
        grace = deadline - loop.time() - 3 * _CLOSING_SECONDS
        await self.queues.drain(max(grace, 0.0), cancel_wait=_CLOSING_SECONDS)
        closings = (self.app.shutdown(), self.locks.close(), self.inbox.close(), self.turns.close())
        for closing in closings:
            try:
                await asyncio.wait_for(closing, _CLOSING_SECONDS)
            except Exception as error:
                if not isinstance(error, TimeoutError) and not passes(error):
                    raise
                log.warning("telegram: not closed cleanly at stop (%s)", type(error).__name__)
        await asyncio.to_thread(self.pace.close)

    async def ingest(self, data: dict[str, Any]) -> dict[str, str] | None:
        """Store one raw update, then queue it behind its chat's earlier ones; what the
        webhook's 200 carries (a private tap's answer, see `ReplySender.in_webhook`)."""
        update = parse_update(data, self.app.bot)
        chat = update.effective_chat
        if chat is None:
            return None  # nothing we asked for (allowed_updates) comes without a chat
        if chat.type != "private" and chat.id != self.coordinators.chat_id:
            self.queues.submit(chat.id, _Job(update, None))  # a pointer, nothing stored
            return None
        place = self.queues.reserve(chat.id)
        row_id: int | None = None
        try:
            row_id = await self.inbox.keep(data, chat.id)
        finally:
            place.set_result(None if row_id is None else _Job(update, row_id))
        if row_id is not None:
            log.info("update %s stored", update.update_id)
        return self._webhook_answer(update)  # stored (or stored before): it may ride the 200

    def _webhook_answer(self, update: Update) -> dict[str, str] | None:
        """A tap the interview takes is answered by the webhook's 200 (a coordinator's by its
        own call, with the text that says how it went)."""
        query = update.callback_query
        if query is None or (route := self._route(update)) is None or route[0] is not self._taps:
            return None
        return self.sender.in_webhook(query)

    async def _process(self, job: _Job) -> None:
        """Handle a stored update when it is its chat's turn in every web process."""
        chat = job.update.effective_chat
        if job.row_id is None or chat is None:  # a pointer in a group: nothing to share
            await self._attempt(job.update.update_id, lambda: self._dispatch(job.update))
            return
        row_id, chat_key = job.row_id, self.inbox.chat_key(chat.id)
        async with self.locks.working(chat.id, (chat_key, row_id)) as turn:
            waiting = await self._attempt(
                job.update.update_id, lambda: turn.waiting(chat_key, row_id)
            )
            # None: it waits, stored, for the chat's next update or the next start.
            rows = waiting.value or []
            for other_id, payload in rows:
                last = other_id == rows[-1][0]  # its "done" gives the lock back too
                if other_id == row_id:
                    await self._finish(job, row_id, turn, last=last)
                else:  # left by a process that died, or one that hasn't got to it: first
                    update = Update.de_json(self.inbox.opened(payload), self.app.bot)
                    await self._finish(_Job(update, other_id), other_id, turn, last=last)
            if waiting.value is not None and row_id not in (i for i, _ in waiting.value):
                log.info("update %s was handled by another process", job.update.update_id)

    async def _finish(self, job: _Job, row_id: int, turn: ChatTurn, *, last: bool) -> None:
        """Run an update through the handlers, then mark it done; retry what may pass later."""
        update_id = job.update.update_id
        error = (await self._attempt(update_id, lambda: self._dispatch(job.update))).error
        if error is None:
            await self._attempt(update_id, lambda: turn.done(row_id, last=last))
        elif not passes(error):
            await self._failed(job, row_id, error)

    async def _failed(self, job: _Job, row_id: int, error: BaseException) -> None:
        """Count a failure of the update's own; once set aside, the tipster hears we're sorry."""
        update_id, failure = job.update.update_id, describe(error)
        set_aside = await self._attempt(
            update_id, lambda: asyncio.to_thread(self.inbox.failed, row_id, failure)
        )
        if not set_aside.value:
            return  # tried again before the chat's next update, or at the next start
        log.error("update %s set aside (%s): homeward inbound list", update_id, failure)
        chat, user = job.update.effective_chat, job.update.effective_user
        if chat is None or chat.type != "private":
            return  # a coordinator's command in the group: recorded, nobody to apologise to
        user_id = str(user.id if user else chat.id)
        try:
            language = await asyncio.to_thread(self.intake.language_of, CHANNEL, user_id)
        except SQLAlchemyError:
            language = None  # then in the language of their Telegram app
        text = catalogue().text(language or notice_language(user), "inbound.set_aside")
        await self._attempt(update_id, lambda: self.sender.notice(chat.id, text))

    async def _dispatch(self, update: Update) -> None:
        """The first handler that takes the update runs it; its errors reach the caller.

        (PTB's `process_update` would hand them to error handlers instead.)"""
        if (route := self._route(update)) is not None:
            handler, check = route
            context = self.app.context_types.context.from_update(update, self.app)
            await handler.handle_update(update, self.app, check, context)

    def _route(self, update: Update) -> tuple[BaseHandler[Any, Any, Any], object] | None:
        """The first handler that takes the update, with what its check found."""
        for handler in self.handlers:
            check = handler.check_update(update)
            if check is not None and check is not False:
                return handler, check
        return None

    async def _attempt(self, update_id: int, action: Callable[[], Awaitable[T]]) -> Tried[T]:
        """Run `action`, retrying what may pass later (see `bot.telegram.retrying`)."""
        return await attempt(update_id, action, self.options.retry_delays, stopping=self._stopping)

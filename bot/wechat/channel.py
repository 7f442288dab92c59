"""The WeChat Official Account channel: the /wechat callback, answered within 5 seconds.

Every message goes through the intake, which stores the answer with its delivery id before
we reply, so WeChat's re-deliveries get the same reply and never a second effect. If the
intake can't answer before the deadline we answer ``success`` (WeChat then stops retrying)
and an rq job sends the reply later as a customer-service message.

What a submission sets off (its outbox rows, committed with the receipt) is put on the rq
queue by one background thread after the reply, not before it: when every follower submits
at once, the replies don't wait on Redis and the outbox's bookkeeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import redis.asyncio
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from wechatpy.messages import BaseMessage

from bot.recent import RecentChats
from bot.wechat.after_reply import AfterReply
from bot.wechat.config import wechat_config
from bot.wechat.inbound import CHANNEL, Unreadable, read
from bot.wechat.jobs import enqueue_late_reply
from bot.wechat.replies import reply_xml, text_parts
from bot.wechat.startup import connect_nonce_store, prepare_intake
from bot.wechat.verify import MAX_BODY_BYTES, Rejected, Verified, Verifier, async_twin
from bot.wiring import Services
from handlers import Inbound
from handlers.intake import queue_after_reply

__all__ = ["REPLY_DEADLINE", "WeChatChannel"]

log = logging.getLogger(__name__)
# WeChat waits 5 s for the passive reply; keep a second for the network and the crypto.
REPLY_DEADLINE = 4.0
# Threads for the intake, below the database pool size so waiting threads never starve it.
# Followers this process answered lately go straight to them; new followers (a flood of
# them can't be told from tipsters by address) take one of NEW_FOLLOWER_THREADS places
# first, so the other threads are always free for the tipsters in the middle of a report.
INTAKE_THREADS = 10
NEW_FOLLOWER_THREADS = 8  # 20 followers at once: 3 rounds, not 4 (6) or 10 (2 threads)
NONCE_CONNECTIONS = 8  # to Redis, for the replay check
SUCCESS = "success"  # "no passive reply, don't retry"


class Unanswerable(RuntimeError):
    """Neither a reply nor a queued late reply could be produced: let WeChat retry."""


async def _read_body(request: Request) -> bytes:
    """The request body, refused with 413 as soon as it is over the limit."""
    declared = request.headers.get("content-length", "")
    if declared.isdecimal() and int(declared) > MAX_BODY_BYTES:
        raise Rejected(413, "body too large")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise Rejected(413, "body too large")
    return bytes(body)


def _refuse(rejected: Rejected) -> Response:
    log.warning("wechat callback refused (%d): %s", rejected.status, rejected.reason)
    return PlainTextResponse(rejected.reason, status_code=rejected.status)


def _log_late_outcome(delivery_id: str | None) -> Callable[[asyncio.Future[list[str]]], None]:
    def done(future: asyncio.Future[list[str]]) -> None:
        error = None if future.cancelled() else future.exception()
        if error is not None:
            log.error("%s: late intake failed (%s)", delivery_id, type(error).__name__)

    return done


class WeChatChannel:
    """The `bot.web.Channel` for one WeChat Official Account."""

    name: str = CHANNEL

    def __init__(
        self,
        svc: Services,
        *,
        reply_deadline: float = REPLY_DEADLINE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.svc = svc
        self.config = wechat_config(svc.settings)
        self.verifier = Verifier(self.config, svc.redis, clock=clock)
        self.reply_deadline = reply_deadline
        self._pool: ThreadPoolExecutor | None = None
        self._new_followers = asyncio.Semaphore(NEW_FOLLOWER_THREADS)
        self._after_reply = AfterReply()  # queues follow-up work once the replies have gone
        self._nonces: redis.asyncio.Redis | None = None  # replay checks without a thread
        self._recent = RecentChats()
        # Copies of one message arriving together (WeChat's re-deliveries, a proxy's retries)
        # wait for the one intake run already under way in this process.
        self._running: dict[tuple[str, str], asyncio.Future[list[str]]] = {}

    def routes(self) -> list[BaseRoute]:
        """GET answers the console's URL check; POST receives messages and events."""
        return [
            Route("/wechat", self.handshake, methods=["GET"]),
            Route("/wechat", self.receive, methods=["POST"]),
        ]

    async def start(self) -> None:
        """Get the intake ready (`bot.wechat.startup`); start its threads and the replay check."""
        await asyncio.to_thread(prepare_intake, self.svc, threads=INTAKE_THREADS)
        self._pool = ThreadPoolExecutor(INTAKE_THREADS, thread_name_prefix="wechat-intake")
        self._after_reply.start()
        self._nonces = async_twin(self.svc.redis, connections=NONCE_CONNECTIONS)
        if self._nonces is not None:
            await connect_nonce_store(self._nonces, connections=NONCE_CONNECTIONS)
        mode = "safe mode" if self.config.safe_mode else "plaintext mode"
        log.info("wechat channel ready at /wechat (%s)", mode)

    async def stop(self) -> None:
        """Let running intake calls commit; drop queued ones (their late replies are queued);
        then queue the follow-up work they handed over."""
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)
        await self._after_reply.stop()
        nonces, self._nonces = self._nonces, None
        if nonces is not None:
            await nonces.aclose()

    def wait_for_queueing(self) -> None:
        """Block until the follow-up work handed over so far is on the rq queue."""
        self._after_reply.wait()

    async def handshake(self, request: Request) -> Response:
        """Echo `echostr` to a correctly signed, fresh verification request."""
        try:
            self.verifier.check_query(request.query_params)
        except Rejected as rejected:
            return _refuse(rejected)
        return PlainTextResponse(request.query_params.get("echostr", ""))

    async def receive(self, request: Request) -> Response:
        """Verify a callback, run the interview, and reply within the deadline or say success."""
        started = time.monotonic()
        try:
            body = await _read_body(request)
            verified, message, inbound = await self._open(dict(request.query_params), body)
        except Rejected as rejected:
            return _refuse(rejected)
        except ClientDisconnect:  # WeChat gave up on this delivery; it will send it again
            return PlainTextResponse("", status_code=400)
        if inbound is None:
            return PlainTextResponse(SUCCESS)
        try:
            parts = await self._answer(inbound, started)
        except Unanswerable:
            return PlainTextResponse("try again", status_code=503)
        if not parts:  # answered later, or nothing to say
            return PlainTextResponse(SUCCESS)
        if len(parts) > 1:  # too long for one message: the rest follows as customer messages
            with contextlib.suppress(Unanswerable):
                await self._later(inbound, skip=1)
        xml = self.verifier.seal(reply_xml(message, parts[0]), verified)
        log.debug("%s answered in %.3f s", inbound.delivery_id, time.monotonic() - started)
        return Response(xml, media_type="application/xml")

    async def _open(
        self, params: dict[str, str], body: bytes
    ) -> tuple[Verified, BaseMessage, Inbound | None]:
        """Check and read a callback here (~0.5 ms of CPU); claim its nonce without a thread."""
        if self._nonces is None:  # no asyncio client for this Redis: the blocking one
            return await asyncio.to_thread(self._read, params, body, claim=True)
        opened = self._read(params, body, claim=False)
        await self.verifier.claim_nonce(opened[0].nonce, self._nonces)
        return opened

    def _read(
        self, params: dict[str, str], body: bytes, *, claim: bool
    ) -> tuple[Verified, BaseMessage, Inbound | None]:
        verified = self.verifier.open(params, body) if claim else self.verifier.read(params, body)
        try:
            message, inbound = read(verified.xml, self.svc.cipher)
        except Unreadable as exc:
            raise Rejected(400, f"unreadable message ({exc})") from exc
        return verified, message, inbound

    def _handle(self, inbound: Inbound) -> list[str]:
        with queue_after_reply(self._after_reply.run_later):
            return text_parts(self.svc.intake.handle(inbound))

    async def _answer(self, inbound: Inbound, started: float) -> list[str] | None:
        """The reply's text parts, or None if it will be sent later as a customer message."""
        # Keyed by follower too: never hand one follower's reply to another.
        key = (inbound.user_id, inbound.delivery_id or "")
        future = self._running.get(key) if inbound.delivery_id else None
        if future is None:
            gate = None if self._recent.known(inbound.user_id) else self._new_followers
            future = asyncio.ensure_future(self._run(inbound, gate))
            future.add_done_callback(lambda _: self._recent.saw(inbound.user_id))
            if inbound.delivery_id:
                self._running[key] = future
                future.add_done_callback(lambda _: self._running.pop(key, None))
        remaining = max(self.reply_deadline - (time.monotonic() - started), 0.0)
        try:
            return await asyncio.wait_for(asyncio.shield(future), remaining)
        except TimeoutError:
            log.info("%s: no reply within the deadline; answering later", inbound.delivery_id)
            future.add_done_callback(_log_late_outcome(inbound.delivery_id))
        except Exception as exc:  # the job retries what failed here (database hiccup, ...)
            name = type(exc).__name__  # never the message: database errors quote parameters
            log.error("%s: intake failed (%s); answering later", inbound.delivery_id, name)
        await self._later(inbound, skip=0)
        return None

    async def _run(self, inbound: Inbound, gate: asyncio.Semaphore | None) -> list[str]:
        """The intake on a thread; a new follower takes one of their places first."""
        if gate is None:
            return await self._on_thread(inbound)
        async with gate:
            return await self._on_thread(inbound)

    async def _on_thread(self, inbound: Inbound) -> list[str]:
        if self._pool is None:
            raise RuntimeError("the WeChat channel has stopped")
        return await asyncio.get_running_loop().run_in_executor(self._pool, self._handle, inbound)

    async def _later(self, inbound: Inbound, *, skip: int) -> None:
        try:
            await asyncio.to_thread(
                enqueue_late_reply, self.svc.queue, self.svc.cipher, inbound, skip=skip
            )
        except Exception as exc:
            name = type(exc).__name__
            log.error("%s: could not queue the late reply (%s)", inbound.delivery_id, name)
            raise Unanswerable from exc

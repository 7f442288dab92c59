"""A fake api.weixin.qq.com for wechatpy's `WeChatClient`: token, customer messages, media.

Runs a stdlib ThreadingHTTPServer on 127.0.0.1 (ephemeral port) in a background thread::

    with FakeWeChatAPI(app_id, secret) as api:
        client = api.attach(WeChatClient(app_id, secret))
        client.message.send_text(openid, "收到")
        assert api.customer_messages(openid)[0]["text"]["content"] == "收到"

Like the real API it answers errors with HTTP 200 and ``{"errcode": ..., "errmsg": ...}``.
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from requests import PreparedRequest, Response
from requests.adapters import HTTPAdapter

from .wechat_media import jpeg_with_gps

__all__ = ["ApiCall", "FakeWeChatAPI", "WECHAT_API", "jpeg_with_gps"]

WECHAT_API = "https://api.weixin.qq.com/"
ERRMSG = {
    40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type",
    40003: "invalid openid",
    40004: "invalid media type",
    40007: "invalid media_id",
    40013: "invalid appid",
    40125: "invalid appsecret",
    41001: "access_token missing",
    42001: "access_token expired",
    43004: "require subscribe",
    45009: "reach max api daily quota limit",
    45015: "response out of time limit or subscription is canceled",
    45047: "out of response count limit",
    47001: "data format error",
}


def error(errcode: int) -> dict[str, Any]:
    """The JSON body WeChat answers an error with (its errmsg ends in a request id)."""
    return {"errcode": errcode, "errmsg": f"{ERRMSG.get(errcode, 'error')} rid: fake-{errcode}"}


@dataclass(frozen=True)
class ApiCall:
    """One request the fake received."""

    method: str
    path: str
    query: dict[str, str]
    body: bytes = b""
    content_type: str = ""

    @property
    def json(self) -> Any:
        """The body decoded as JSON (None if empty)."""
        return json.loads(self.body) if self.body else None


@dataclass
class _Fault:
    errcode: int
    openid: str | None
    times: int
    msgtype: str | None = None


@dataclass
class _State:
    tokens: set[str] = field(default_factory=set)
    expired: set[str] = field(default_factory=set)
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    uploads: list[tuple[str, bytes]] = field(default_factory=list)  # (media_id, bytes)
    faults: list[_Fault] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)
    templates: list[dict[str, Any]] = field(default_factory=list)
    calls: list[ApiCall] = field(default_factory=list)


class FakeWeChatAPI:
    """The WeChat HTTP API for one Official Account, with recorded calls and fault injection."""

    def __init__(self, app_id: str, secret: str) -> None:
        self.app_id = app_id
        self.secret = secret
        self._state = _State()
        self._cond = threading.Condition()
        self._ids = itertools.count(1)
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/`` (the stand-in for https://api.weixin.qq.com/)."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    @property
    def api_base_url(self) -> str:
        """What to set as a client's ``API_BASE_URL`` (``.../cgi-bin/``)."""
        return self.base_url + "cgi-bin/"

    def __enter__(self) -> FakeWeChatAPI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def attach(self, client: Any) -> Any:
        """Send every request of a wechatpy client (token fetch included) here; returns it."""
        client._http.trust_env = False  # no proxy between the client and 127.0.0.1
        client._http.mount(WECHAT_API, _Redirect(self.base_url))
        return client

    # -- test controls --------------------------------------------------------

    def add_media(self, content: bytes, content_type: str = "image/jpeg") -> str:
        """Register bytes that /cgi-bin/media/get serves; returns the media_id."""
        media_id = f"fake-media-{next(self._ids)}"
        with self._cond:
            self._state.media[media_id] = (content, content_type)
        return media_id

    def expire_media(self) -> None:
        """Forget every uploaded media file (temporary media last three days)."""
        with self._cond:
            for media_id, _ in self._state.uploads:
                self._state.media.pop(media_id, None)

    def fail_send(
        self, errcode: int, *, openid: str | None = None, times: int = 1, msgtype: str | None = None
    ) -> None:
        """Make the next ``times`` customer messages (to openid, or anyone; of msgtype, or
        any) fail with errcode."""
        with self._cond:
            self._state.faults.append(_Fault(errcode, openid, times, msgtype))

    def expire_tokens(self) -> None:
        """Expire every issued access token (the next call gets errcode 42001)."""
        with self._cond:
            self._state.expired |= self._state.tokens
            self._state.tokens.clear()

    # -- what happened --------------------------------------------------------

    @property
    def calls(self) -> list[ApiCall]:
        """Every request so far, oldest first."""
        with self._cond:
            return list(self._state.calls)

    def calls_to(self, path: str) -> list[ApiCall]:
        """Requests to one path, e.g. ``/cgi-bin/token``."""
        return [c for c in self.calls if c.path == path]

    def customer_messages(self, openid: str | None = None) -> list[dict[str, Any]]:
        """Customer-service messages accepted so far (to openid, or all)."""
        with self._cond:
            return [m for m in self._state.sent if openid is None or m.get("touser") == openid]

    def uploads(self) -> list[tuple[str, bytes]]:
        """Temporary media uploaded so far: (media_id, bytes), oldest first."""
        with self._cond:
            return list(self._state.uploads)

    def template_messages(self, openid: str | None = None) -> list[dict[str, Any]]:
        """Template messages accepted so far (to openid, or all)."""
        with self._cond:
            return [m for m in self._state.templates if openid in (None, m.get("touser"))]

    def wait_for(self, path: str, *, count: int = 1, timeout: float = 5.0) -> list[ApiCall]:
        """Block until ``count`` requests to ``path`` arrived; return them (AssertionError on timeout)."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._matching(path)) >= count, timeout):
                raise AssertionError(
                    f"{len(self._matching(path))}/{count} calls to {path} after {timeout}s"
                )
            return self._matching(path)

    def _matching(self, path: str) -> list[ApiCall]:
        return [c for c in self._state.calls if c.path == path]

    # -- request handling (server threads) ------------------------------------

    def handle(self, call: ApiCall) -> tuple[int, bytes, str]:
        """Answer one request: (status, body, content type)."""
        with self._cond:
            self._state.calls.append(call)
            self._cond.notify_all()
            answer = self._answer(call)
        if isinstance(answer, tuple):
            return 200, *answer
        return (
            200,
            json.dumps(answer, ensure_ascii=False).encode(),
            "application/json; encoding=utf-8",
        )

    def _answer(self, call: ApiCall) -> dict[str, Any] | tuple[bytes, str]:
        if call.path == "/cgi-bin/token":
            return self._token(call.query)
        token_error = self._check_token(call.query.get("access_token"))
        if token_error:
            return error(token_error)
        if call.path == "/cgi-bin/message/custom/send" and call.method == "POST":
            return self._send(call)
        if call.path == "/cgi-bin/message/template/send" and call.method == "POST":
            self._state.templates.append(call.json)
            return {"errcode": 0, "errmsg": "ok", "msgid": next(self._ids)}
        if call.path == "/cgi-bin/media/upload" and call.method == "POST":
            return self._upload(call)
        if call.path == "/cgi-bin/media/get":
            media = self._state.media.get(call.query.get("media_id", ""))
            return media if media else error(40007)
        return {"errcode": 48001, "errmsg": "api unauthorized (not faked)"}

    def _token(self, query: dict[str, str]) -> dict[str, Any]:
        if query.get("grant_type") != "client_credential":
            return error(40002)
        if query.get("appid") != self.app_id:
            return error(40013)
        if query.get("secret") != self.secret:
            return error(40125)
        token = f"fake-access-token-{next(self._ids)}"
        self._state.tokens.add(token)
        return {"access_token": token, "expires_in": 7200}

    def _check_token(self, token: str | None) -> int:
        if not token:
            return 41001
        if token in self._state.expired:
            return 42001
        return 0 if token in self._state.tokens else 40001

    def _upload(self, call: ApiCall) -> dict[str, Any]:
        """New temporary media from a multipart form's `media` part, as WeChat stores it."""
        head = f"Content-Type: {call.content_type}\r\n\r\n".encode()
        form = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + call.body)
        parts = [
            p
            for p in form.iter_parts()
            if p.get_param("name", header="content-disposition") == "media"
        ]
        if not parts or call.query.get("type") not in ("image", "voice", "video", "thumb"):
            return error(40004)
        content = parts[0].get_payload(decode=True)
        media_id = f"fake-upload-{next(self._ids)}"
        self._state.media[media_id] = (content, "image/jpeg")
        self._state.uploads.append((media_id, content))
        return {"type": call.query["type"], "media_id": media_id, "created_at": int(time.time())}

    def _send(self, call: ApiCall) -> dict[str, Any]:
        try:
            message = call.json
        except ValueError:
            return error(47001)
        image = (
            message.get("image", {}).get("media_id") if message.get("msgtype") == "image" else None
        )
        if image is not None and image not in self._state.media:
            return error(40007)
        for fault in self._state.faults:
            if (
                fault.times > 0
                and fault.openid in (None, message.get("touser"))
                and fault.msgtype in (None, message.get("msgtype"))
            ):
                fault.times -= 1
                return error(fault.errcode)
        self._state.sent.append(message)
        return {"errcode": 0, "errmsg": "ok"}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeWeChatAPI


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _serve(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        call = ApiCall(
            self.command,
            url.path,
            dict(parse_qsl(url.query)),
            self.rfile.read(length),
            self.headers.get("Content-Type", ""),
        )
        status, body, content_type = self.server.fake.handle(call)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if not content_type.startswith("application/json"):
            filename = call.query.get("media_id", "media")
            self.send_header("Content-Disposition", f'attachment; filename="{filename}.jpg"')
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: query strings carry access tokens and openids."""


class _Redirect(HTTPAdapter):
    """Rewrites https://api.weixin.qq.com/... to the fake before sending."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    def send(self, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:
        """Send the request to the fake instead of WeChat."""
        assert request.url is not None and request.url.startswith(WECHAT_API)
        request.url = self.base_url + request.url[len(WECHAT_API) :]
        return super().send(request, *args, **kwargs)

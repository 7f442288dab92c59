"""HTTP layer of the fake Telegram server: routes /bot<token>/<method> and /file/bot<token>/…."""

from __future__ import annotations

import email.message
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit

from tests.fakes.telegram_state import JSON, ApiError, Upload

# Form/multipart fields that are always strings; every other field is JSON-decoded when it can be.
_STRING_FIELDS = frozenset(
    [
        "text",
        "caption",
        "data",
        "callback_query_id",
        "file_id",
        "url",
        "secret_token",
        "parse_mode",
        "language_code",
        "inline_message_id",
        "description",
        "short_description",
        "name",
        "title",
        "query",
        "emoji",
        "photo",
        "document",
        "video",
        "voice",
        "audio",
        "animation",
        "sticker",
        "phone_number",
        "first_name",
        "last_name",
        "ip_address",
    ]
)


class ApiBackend(Protocol):
    """What the HTTP layer needs from the fake: the token, method calls and file bytes."""

    token: str

    def handle_call(self, method: str, params: JSON) -> tuple[int, JSON]: ...

    def served_file(self, token: str, path: str) -> bytes | None: ...


class BotApiServer(ThreadingHTTPServer):
    """A threaded HTTP server on an ephemeral 127.0.0.1 port that forwards to a backend."""

    daemon_threads = True

    def __init__(self, backend: ApiBackend, *, keep_alive: bool = False) -> None:
        super().__init__(("127.0.0.1", 0), _KeptHandler if keep_alive else _Handler)
        self.backend = backend
        self.connections = 0  # accepted so far

    def get_request(self) -> tuple[Any, Any]:
        """Accept a connection, counting it."""
        accepted = super().get_request()
        self.connections += 1
        return accepted


class _Handler(BaseHTTPRequestHandler):
    server: BotApiServer

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        body = self._read_body()
        fake = self.server.backend
        if url.path.startswith("/file/bot"):
            token, _, path = url.path[len("/file/bot") :].partition("/")
            # PTB percent-encodes the whole download path, so the token's ':' arrives as %3A.
            content = fake.served_file(unquote(token), unquote(path))
            if content is None:
                return self._reply(404, b'{"ok":false,"error_code":404,"description":"Not Found"}')
            return self._reply(200, content, "application/octet-stream")
        token, _, method = unquote(url.path[len("/bot") :]).partition("/")
        if not url.path.startswith("/bot") or not method:
            status, payload = 404, ApiError(404, "Not Found").body()
        elif token != fake.token:
            status, payload = 401, ApiError(401, "Unauthorized").body()
        else:
            params = dict(parse_qsl(url.query, keep_blank_values=True))
            params = {k: _coerce(k, v) for k, v in params.items()}
            params.update(_parse_body(self.headers.get("Content-Type", ""), body))
            status, payload = fake.handle_call(method, params)
        self._reply(status, json.dumps(payload).encode())

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _reply(self, status: int, payload: bytes, content_type: str = "application/json") -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. PTB cancelled a long poll on shutdown)


class _KeptHandler(_Handler):
    protocol_version = "HTTP/1.1"  # keeps a connection open for the client's next request


def _coerce(key: str, value: str) -> Any:
    """Decode one form field the way the Bot API does: JSON unless it is a string field."""
    if key in _STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _parse_body(content_type: str, body: bytes) -> JSON:
    """Decode a JSON, urlencoded or multipart/form-data request body into params."""
    header = email.message.Message()
    header["Content-Type"] = content_type or "application/octet-stream"
    kind = header.get_content_type()
    if not body:
        return {}
    if kind == "application/json":
        decoded = json.loads(body)
        return decoded if isinstance(decoded, dict) else {}
    if kind == "application/x-www-form-urlencoded":
        pairs = parse_qsl(body.decode(), keep_blank_values=True)
        return {key: _coerce(key, value) for key, value in pairs}
    if kind == "multipart/form-data":
        return _parse_multipart(body, str(header.get_param("boundary") or ""))
    return {}


def _parse_multipart(body: bytes, boundary: str) -> JSON:
    """Split multipart/form-data by hand so binary file parts stay byte-exact."""
    params: JSON = {}
    for part in body.split(b"--" + boundary.encode())[1:]:
        if part.startswith(b"--"):
            break
        head, _, content = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        headers = email.message.Message()
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip()] = value.strip()
        field_name = str(headers.get_param("name", header="content-disposition") or "")
        filename = headers.get_filename()
        if filename is not None:
            params[field_name] = Upload(filename, headers.get_content_type(), content)
        else:
            params[field_name] = _coerce(field_name, content.decode())
    return params

"""File methods of the fake Bot API: getFile and the sendPhoto/sendDocument/… family."""

from __future__ import annotations

import zlib
from functools import partial
from typing import Any

from tests.fakes.telegram_state import (
    JSON,
    METHODS,
    ApiError,
    BotState,
    Upload,
    inline_markup,
    method,
    reply_to,
    require_chat_id,
)

# sendX method -> (message field, default upload path prefix, default file extension)
_MEDIA = {
    "sendphoto": ("photo", "photos", "jpg"),
    "senddocument": ("document", "documents", "bin"),
    "sendvideo": ("video", "videos", "mp4"),
    "sendvoice": ("voice", "voice", "oga"),
    "sendaudio": ("audio", "music", "mp3"),
    "sendanimation": ("animation", "animations", "mp4"),
    "sendsticker": ("sticker", "stickers", "webp"),
}


@method("getFile")
def get_file(state: BotState, params: JSON) -> JSON:
    """Return file_path and file_size for a stored file."""
    stored = state.files.get(str(params.get("file_id")))
    if stored is None:
        raise ApiError(400, "Bad Request: invalid file_id")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
        "file_path": stored.file_path,
    }


def _media_object(state: BotState, kind: str, value: Any, folder: str, ext: str) -> JSON:
    """Build the Bot API object (PhotoSize, Document, …) for an upload or a file_id."""
    if isinstance(value, Upload):
        stored = state.add_file(value.content, folder=folder, extension=ext)
        file_id, unique_id, size = stored.file_id, stored.file_unique_id, len(value.content)
    elif isinstance(value, str) and value:
        # Lenient: accept file_ids the fake never issued (e.g. from UpdateFactory updates).
        known = state.files.get(value)
        file_id, unique_id = (
            value,
            known.file_unique_id if known else f"AgAD{zlib.crc32(value.encode())}",
        )
        size = len(known.content) if known else 1
    else:
        raise ApiError(400, f"Bad Request: there is no {kind} in the request")
    media: JSON = {"file_id": file_id, "file_unique_id": unique_id, "file_size": size}
    if kind in ("photo", "video", "animation", "sticker"):
        media.update(width=800, height=600)
    if kind in ("video", "voice", "audio", "animation"):
        media["duration"] = 1
    if kind == "sticker":
        media.update(type="regular", is_animated=False, is_video=False)
    if kind == "document" and isinstance(value, Upload):
        media.update(file_name=value.filename, mime_type=value.content_type)
    return media


def _send_media(state: BotState, params: JSON, name: str) -> JSON:
    """Store and return a message carrying the sent (uploaded or re-used) file."""
    kind, folder, ext = _MEDIA[name]
    chat_id = require_chat_id(params)
    caption = params.get("caption")
    if isinstance(caption, str) and len(caption.encode("utf-16-le")) // 2 > 1024:
        raise ApiError(400, "Bad Request: message caption is too long")
    media = _media_object(state, kind, params.get(kind), folder, ext)
    return state.new_message(
        chat_id,
        **{kind: [media] if kind == "photo" else media},
        caption=params.get("caption"),
        reply_markup=inline_markup(params),
        reply_to_message=reply_to(state, chat_id, params),
    )


for _name in _MEDIA:
    METHODS[_name] = partial(_send_media, name=_name)

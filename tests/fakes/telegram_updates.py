"""Factories for Bot API update dicts, as Telegram would send them to our bot."""

from __future__ import annotations

import itertools
import time
from typing import Any

from tests.fakes.telegram_api import DEFAULT_TOKEN
from tests.fakes.telegram_state import chat_object

JSON = dict[str, Any]
DEFAULT_LANGUAGE = "zh-hans"


class UpdateFactory:
    """Builds realistic updates; each gets a fresh update_id, user messages fresh message_ids."""

    def __init__(
        self,
        *,
        bot_id: int = int(DEFAULT_TOKEN.split(":")[0]),
        bot_username: str = "homeward_test_bot",
        first_update_id: int = 1,
    ) -> None:
        self.bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Homeward Test Bot",
            "username": bot_username,
        }
        self._update_ids = itertools.count(first_update_id)
        self._message_ids = itertools.count(1001)
        self._callback_ids = itertools.count(1)

    # -- building blocks -------------------------------------------------------------------
    @staticmethod
    def user(
        user_id: int, *, first_name: str = "Tipster", language_code: str | None = DEFAULT_LANGUAGE
    ) -> JSON:
        """Return a User; in a private chat its id is also the chat id."""
        user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        return user

    @staticmethod
    def chat(chat_id: int) -> JSON:
        """Return a Chat: private for positive ids, group/supergroup (-100…) otherwise."""
        return chat_object(chat_id)

    def message(
        self,
        chat_id: int,
        *,
        user: JSON | None = None,
        language_code: str | None = DEFAULT_LANGUAGE,
        **content: Any,
    ) -> JSON:
        """Return a user's Message dict carrying `content` (text, photo, location, …)."""
        sender = user or self.user(chat_id, language_code=language_code)
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": sender,
            **content,
        }

    def update(self, **payload: Any) -> JSON:
        """Wrap a payload (message=…, callback_query=…) in an Update with a new update_id."""
        return {"update_id": next(self._update_ids), **payload}

    # -- what a tipster can send -----------------------------------------------------------
    def text(
        self,
        chat_id: int,
        text: str,
        *,
        user: JSON | None = None,
        language_code: str | None = DEFAULT_LANGUAGE,
    ) -> JSON:
        """A plain text message."""
        return self.update(
            message=self.message(chat_id, user=user, language_code=language_code, text=text)
        )

    def command(
        self,
        chat_id: int,
        command: str,
        args: str = "",
        *,
        user: JSON | None = None,
        language_code: str | None = DEFAULT_LANGUAGE,
    ) -> JSON:
        """A /command (with optional arguments), tagged with a bot_command entity."""
        name = command.lstrip("/")
        entity = {"type": "bot_command", "offset": 0, "length": len(name) + 1}
        return self.update(
            message=self.message(
                chat_id,
                user=user,
                language_code=language_code,
                text=f"/{name} {args}".rstrip(),
                entities=[entity],
            )
        )

    def callback(
        self,
        chat_id: int,
        data: str,
        *,
        message_id: int,
        message_text: str = "…",
        reply_markup: JSON | None = None,
        user: JSON | None = None,
        language_code: str | None = DEFAULT_LANGUAGE,
    ) -> JSON:
        """A button press on the bot's message `message_id` in the chat."""
        message: JSON = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": self.bot_user,
            "text": message_text,
        }
        if reply_markup:
            message["reply_markup"] = reply_markup
        query = {
            "id": str(next(self._callback_ids)),
            "from": user or self.user(chat_id, language_code=language_code),
            "chat_instance": f"-{abs(chat_id)}0042",
            "data": data,
            "message": message,
        }
        return self.update(callback_query=query)

    def contact(
        self, chat_id: int, phone: str, *, user_id: int | None = None, first_name: str = "Tipster"
    ) -> JSON:
        """A shared contact; user_id defaults to the sender (their own number)."""
        contact = {
            "phone_number": phone,
            "first_name": first_name,
            "user_id": chat_id if user_id is None else user_id,
        }
        return self.update(message=self.message(chat_id, contact=contact))

    def location(self, chat_id: int, lat: float, lon: float) -> JSON:
        """A shared location pin."""
        return self.update(
            message=self.message(chat_id, location={"latitude": lat, "longitude": lon})
        )

    def photo(
        self, chat_id: int, file_id: str, file_unique_id: str, caption: str | None = None
    ) -> JSON:
        """A photo: PhotoSize list, thumbnail first, `file_id` the largest (last) size."""
        sizes = [
            {
                "file_id": f"{file_id}-thumb",
                "file_unique_id": f"{file_unique_id}-t",
                "width": 90,
                "height": 67,
                "file_size": 1200,
            },
            {
                "file_id": file_id,
                "file_unique_id": file_unique_id,
                "width": 1280,
                "height": 960,
                "file_size": 98765,
            },
        ]
        return self.update(
            message=self.message(chat_id, **_with_caption({"photo": sizes}, caption))
        )

    def video(
        self,
        chat_id: int,
        file_id: str,
        file_unique_id: str,
        *,
        duration: int = 5,
        caption: str | None = None,
    ) -> JSON:
        """A video clip."""
        video = {
            "file_id": file_id,
            "file_unique_id": file_unique_id,
            "width": 640,
            "height": 480,
            "duration": duration,
            "mime_type": "video/mp4",
        }
        return self.update(
            message=self.message(chat_id, **_with_caption({"video": video}, caption))
        )

    def voice(self, chat_id: int, file_id: str, file_unique_id: str, *, duration: int = 3) -> JSON:
        """A voice note."""
        voice = {
            "file_id": file_id,
            "file_unique_id": file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
        }
        return self.update(message=self.message(chat_id, voice=voice))

    def document(
        self,
        chat_id: int,
        file_id: str,
        file_unique_id: str,
        *,
        file_name: str = "photo.jpg",
        mime_type: str = "image/jpeg",
        caption: str | None = None,
    ) -> JSON:
        """A file sent as a document (how uncompressed photos, with EXIF, arrive)."""
        document = {
            "file_id": file_id,
            "file_unique_id": file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
        }
        return self.update(
            message=self.message(chat_id, **_with_caption({"document": document}, caption))
        )

    def sticker(
        self,
        chat_id: int,
        file_id: str = "CAACAgIAAxkBAAIBsticker",
        file_unique_id: str = "AgADsticker",
        *,
        emoji: str = "👍",
    ) -> JSON:
        """A sticker (something the interview cannot use)."""
        sticker = {
            "file_id": file_id,
            "file_unique_id": file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self.update(message=self.message(chat_id, sticker=sticker))

    def edited_text(self, chat_id: int, message_id: int, text: str) -> JSON:
        """An edit of the user's earlier message `message_id`."""
        message = self.message(chat_id, text=text)
        message.update(message_id=message_id, edit_date=int(time.time()))
        return self.update(edited_message=message)

    def group_text(self, group_chat_id: int, text: str, *, user: JSON | None = None) -> JSON:
        """A text in a group chat (the bot should stay out of groups)."""
        sender = user or self.user(4242)
        return self.update(message=self.message(group_chat_id, user=sender, text=text))


def _with_caption(content: JSON, caption: str | None) -> JSON:
    return {**content, "caption": caption} if caption else content

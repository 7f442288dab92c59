"""Factory updates parse in PTB as the real thing would, and test images carry GPS."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from telegram import Bot, Update
from telegram.constants import MessageEntityType

from tests.fakes.images import CAMERA_MAKE, exif_summary, jpeg_with_gps
from tests.fakes.telegram_api import DEFAULT_TOKEN
from tests.fakes.telegram_updates import UpdateFactory

CHAT = 5550001
BOT = Bot(DEFAULT_TOKEN)  # de_json needs a bot; nothing here touches the network

KINDS: dict[str, Callable[[UpdateFactory], dict[str, Any]]] = {
    "text": lambda f: f.text(CHAT, "我在车站看到一个孩子"),
    "command": lambda f: f.command(CHAT, "start", "ref42"),
    "callback": lambda f: f.callback(CHAT, "lang:en", message_id=3),
    "contact": lambda f: f.contact(CHAT, "+8613800138000"),
    "location": lambda f: f.location(CHAT, 39.9042, 116.4074),
    "photo": lambda f: f.photo(CHAT, "PHOTO-ID", "PHOTO-U", caption="车牌"),
    "video": lambda f: f.video(CHAT, "VIDEO-ID", "VIDEO-U"),
    "voice": lambda f: f.voice(CHAT, "VOICE-ID", "VOICE-U"),
    "document": lambda f: f.document(CHAT, "DOC-ID", "DOC-U"),
    "sticker": lambda f: f.sticker(CHAT),
    "edited_text": lambda f: f.edited_text(CHAT, 1001, "更正"),
    "group_text": lambda f: f.group_text(-1001234567890, "hello group"),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_factory_update_parses_in_ptb(kind: str) -> None:
    data = KINDS[kind](UpdateFactory())
    update = Update.de_json(data, BOT)
    assert update.update_id == data["update_id"]
    assert update.effective_chat is not None and update.effective_user is not None
    assert update.to_dict()  # round-trips without losing required fields


def test_private_chat_id_is_the_user_id_and_update_ids_are_unique() -> None:
    factory = UpdateFactory()
    made = [Update.de_json(KINDS[kind](factory), BOT) for kind in KINDS]
    assert len({u.update_id for u in made}) == len(made)
    text = made[0]
    assert text.effective_chat.id == text.effective_user.id == CHAT
    assert text.effective_user.language_code == "zh-hans"


def test_command_callback_and_photo_have_what_handlers_look_at() -> None:
    factory = UpdateFactory()
    command = Update.de_json(factory.command(CHAT, "start", "ref42"), BOT).message
    assert command.text == "/start ref42"
    assert command.entities[0].type == MessageEntityType.BOT_COMMAND
    query = Update.de_json(factory.callback(CHAT, "submit", message_id=9), BOT).callback_query
    assert query.data == "submit" and query.chat_instance and query.message.message_id == 9
    assert query.message.from_user.is_bot
    photo = Update.de_json(factory.photo(CHAT, "P", "U"), BOT).message
    assert photo.photo[-1].file_id == "P" and photo.caption is None
    group = Update.de_json(factory.group_text(-42, "hi"), BOT)
    assert group.effective_chat.type == "group"


def test_jpeg_with_gps_carries_location_and_camera() -> None:
    summary = exif_summary(jpeg_with_gps())
    assert summary["Make"] == CAMERA_MAKE and summary["Model"]
    assert summary["GPSInfo"]["GPSLatitudeRef"] == "N"
    assert summary["GPSInfo"]["GPSLatitude"] == (39.0, 54.0, 15.12)
    assert "GPSLongitude" in summary["GPSInfo"]

"""A photo the family agreed to show goes with the alert: on Telegram as `sendPhoto` with the
alert as its caption and its button, uploaded once and its file_id reused for everyone after
(kept in the database for a restarted worker); without consent, no photo anywhere."""

from __future__ import annotations

import pytest

from bot.telegram.alerts import TelegramAlertSender
from bot.telegram.config import TelegramConfig
from storage import AlertPhotoUpload, session_scope
from tests.bot.telegram_helpers import TelegramTipster
from tests.fakes.telegram_state import Upload
from tests.fakes.wechat_media import exif_tags, jpeg_with_gps
from tests.triage.alerts_world import DONGGUAN, AlertsWorld

NEIGHBOURS = [5550001, 5550002, 5550003, 5550004, 5550005]


@pytest.fixture
def world(engine, cipher, redis_client, database_url, tmp_path) -> AlertsWorld:
    return AlertsWorld(engine, cipher, redis_client, database_url, media_dir=tmp_path / "media")


def on_telegram(world: AlertsWorld, fake) -> None:
    config = TelegramConfig(token=fake.token, api_base_url=fake.base_url, file_base_url="")
    world.configure_senders({"telegram": TelegramAlertSender(config)})
    for chat in NEIGHBOURS:
        world.neighbour_near(str(chat), DONGGUAN, language="en")
    world.lead()


def a_case_with_a_photo(world: AlertsWorld, **case: object) -> str:
    case_id = world.family_case(**case)  # type: ignore[arg-type]
    world.family_photo(case_id, jpeg_with_gps(size=(640, 480)))  # GPS and phone in its EXIF
    return case_id


def test_the_photo_is_uploaded_once_then_its_file_id_goes_to_everyone(world, fake) -> None:
    on_telegram(world, fake)
    alert_id = world.publishes(a_case_with_a_photo(world), photo=True)
    world.worker_runs()

    photos = fake.calls("sendPhoto")
    assert sorted(c.params["chat_id"] for c in photos) == NEIGHBOURS  # one each
    assert fake.calls("sendMessage") == []  # the text rides as the caption
    first, *later = photos
    upload = first.params["photo"]
    assert isinstance(upload, Upload)  # the bytes went up once, with the first
    assert exif_tags(upload.content) == {"make": None, "model": None, "gps": {}}
    file_id = first.result["photo"][-1]["file_id"]
    assert [c.params["photo"] for c in later] == [file_id] * len(later)
    for call in photos:
        assert (
            "Missing child" in call.params["caption"] and "/unsubscribe" in call.params["caption"]
        )
        (button,) = call.params["reply_markup"]["inline_keyboard"][0]
        assert button == {"text": "I've seen this child", "callback_data": f"alert:{alert_id}:seen"}
    with session_scope(world.engine) as session:  # kept for a worker started later
        kept = session.get(AlertPhotoUpload, (alert_id, "telegram"))
        assert kept is not None and kept.ref == file_id


def test_a_text_too_long_for_a_caption_follows_the_photo_with_the_button(world, fake) -> None:
    on_telegram(world, fake)
    long_marks = "左手腕有一道疤痕，走路时右腿稍跛。" * 70  # the family wrote at length
    alert_id = world.publishes(a_case_with_a_photo(world, marks=long_marks), photo=True)
    world.worker_runs()

    photos, texts = fake.calls("sendPhoto"), fake.calls("sendMessage")
    assert len(photos) == len(texts) == len(NEIGHBOURS)
    assert all("caption" not in c.params and "reply_markup" not in c.params for c in photos)
    assert sum(isinstance(c.params["photo"], Upload) for c in photos) == 1
    for call in texts:  # the whole text, nothing cut, with its button
        assert long_marks in call.params["text"] and "/unsubscribe" in call.params["text"]
        assert call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == (
            f"alert:{alert_id}:seen"
        )


def test_without_the_familys_consent_no_photo_goes(world, fake) -> None:
    on_telegram(world, fake)
    world.publishes(a_case_with_a_photo(world))  # photo not agreed to
    world.worker_runs()
    assert fake.calls("sendPhoto") == [] and len(fake.calls("sendMessage")) == len(NEIGHBOURS)


def test_a_photo_agreed_to_but_missing_is_refused(world) -> None:
    from triage.alerts import AlertRefused

    world.lead()
    with pytest.raises(AlertRefused) as refused:
        world.publishes(world.family_case(), photo=True)
    assert refused.value.key == "workflow.alert_no_photo"


def test_i_have_seen_this_child_on_the_photo_starts_the_sighting(world, fake, bot, updates) -> None:
    on_telegram(world, fake)
    alert_id = world.publishes(a_case_with_a_photo(world), photo=True)
    world.worker_runs()
    chat = NEIGHBOURS[0]
    (sent,) = [c for c in fake.calls("sendPhoto") if c.params["chat_id"] == chat]

    # Telegram's callback for a button under a photo: the message has a caption, no text.
    her = TelegramTipster(bot, updates, chat, language_code="en")
    tap = updates.callback(
        chat,
        f"alert:{alert_id}:seen",
        message_id=sent.result["message_id"],
        reply_markup=sent.params["reply_markup"],
        language_code="en",
    )
    message = tap["callback_query"]["message"]
    del message["text"]
    message.update(caption=sent.params["caption"], photo=sent.result["photo"])
    safety = her.send(tap)
    assert "alert for case BBH-2026-0001" in safety.text and "Continue" in str(safety.reply_markup)
    (retired,) = fake.calls("editMessageReplyMarkup")  # the photo keeps its caption
    assert retired.params["message_id"] == sent.result["message_id"]

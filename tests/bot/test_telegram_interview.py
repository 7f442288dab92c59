"""A tipster reports a sighting on Telegram, start to finish, with buttons, a pin and a contact."""

from __future__ import annotations

from rq import Queue
from sqlalchemy.engine import Engine

from bot.telegram.channel import TelegramChannel
from bot.wiring import Services
from storage import Attachment, Delivery, FieldCipher, InboundUpdate, Report
from storage.locations import open_point
from tests.bot.telegram_helpers import (
    RunningBot,
    TelegramTipster,
    conversation_state,
    rows,
)
from tests.fakes.telegram_updates import UpdateFactory

TIPSTER = 5550001
STRANGER = 7770007


def test_a_sighting_is_reported_by_buttons_in_chinese(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, cipher: FieldCipher, queue: Queue
) -> None:
    tipster = TelegramTipster(bot, updates, TIPSTER)
    tipster.says("/start")
    assert "欢迎来到「回家线」" in tipster.text and "你想报告什么" in tipster.text
    tipster.taps("我看到一个可能被拐的孩子")
    assert "110" in tipster.text and tipster.buttons == ["继续"]
    where = tipster.taps("继续")
    assert where.reply_markup == {
        "keyboard": [[{"text": "📍 发送我的位置", "request_location": True}]],
        "resize_keyboard": True,
        "one_time_keyboard": True,
    }
    tipster.sends_location(30.6586, 104.0648)
    tipster.taps("昨天")
    tipster.taps("孩子住在附近")
    tipster.taps("男孩")
    tipster.taps("不确定")
    for _ in range(4):  # appearance, names used, name given, what the child said
        tipster.says("/skip")
    tipster.taps("粤语（广东话）")
    tipster.taps("是的，不一样")
    ticked = tipster.taps("说想回家，或提到在别处的父母")
    assert ticked.method == "editMessageText"  # ticks change in place, no new message
    assert "☑ 说想回家，或提到在别处的父母" in tipster.buttons
    assert "☐ 看起来害怕身边的大人" in tipster.buttons and tipster.buttons[-1] == "完成"
    tipster.taps("看起来害怕身边的大人")
    tipster.taps("完成")
    tipster.says("/skip")  # the adults
    tipster.taps("完成")  # no photos
    phone = tipster.taps("留下电话号码")
    assert phone.reply_markup is not None
    assert phone.reply_markup["keyboard"] == [
        [{"text": "📞 分享我的电话号码", "request_contact": True}]
    ]
    review = tipster.shares_contact("+8613800138000")
    assert "+86 138****8000" in review.text and "13800138000" not in review.text
    assert "位置" in review.text and "四川" in review.text
    tipster.taps("提交")

    assert "报告编号" in tipster.text and "密码" in tipster.text
    report = rows(engine, Report)[0]
    assert report.ref in tipster.text and report.channel == "telegram"
    assert (report.latitude, report.longitude, report.province) == (30.66, 104.06, "四川")
    assert open_point(cipher, report.exact_location) == (30.6586, 104.0648)
    assert report.signs == ["wants_home", "afraid"] and report.dialect == "cantonese"
    assert report.contact_phone and cipher.decrypt(report.contact_phone) == "+8613800138000"
    assert report.tipster_ref and cipher.decrypt(report.tipster_ref) == str(TIPSTER)
    assert f"follow-up-{report.id}" in queue.job_ids  # queued once, with the report
    assert len(bot.fake.calls("answerCallbackQuery")) == tipster.taps_made == 14  # all answered
    assert len(rows(engine, Delivery)) == len(tipster.delivered)
    bot.settle()
    assert all(u.processed_at and not u.payload for u in rows(engine, InboundUpdate))


def test_tapped_buttons_are_retired_and_the_command_menu_is_bilingual(
    bot: RunningBot, updates: UpdateFactory
) -> None:
    tipster = TelegramTipster(bot, updates, TIPSTER)
    kind = tipster.says("/start")
    safety = tipster.taps("我看到一个可能被拐的孩子")
    # One edit: the question keeps its text, shows the answer, and asks the next question;
    # its old buttons are gone, replaced by the next question's.
    assert (safety.method, safety.message_id) == ("editMessageText", kind.message_id)
    assert safety.text.startswith(kind.text + "\n✓ 我看到一个可能被拐的孩子\n\n安全第一")
    assert tipster.buttons == ["继续"] and len(bot.fake.calls("sendMessage")) == 1

    menus = {
        c.params.get("language_code"): c.params["commands"] for c in bot.fake.calls("setMyCommands")
    }
    assert set(menus) == {None, "zh"}
    english = {c["command"]: c["description"] for c in menus[None]}
    chinese = {c["command"]: c["description"] for c in menus["zh"]}
    assert english["start"] == "Make a report, or continue yours"
    assert chinese["start"] == "开始报告，或继续未完成的报告"
    menu = ["start", "help", "back", "skip", "language", "cancel", "subscribe", "unsubscribe"]
    assert list(english) == list(chinese) == menu


def test_only_the_tipsters_own_contact_is_taken(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, cipher: FieldCipher
) -> None:
    tipster = TelegramTipster(bot, updates, TIPSTER, language_code="en")
    tipster.says("/start")
    tipster.taps("Other information (traffickers, buyers, places)")
    tipster.taps("Continue")
    tipster.says("Chengdu East railway station")
    tipster.taps("Today")
    tipster.says("A van that comes every Friday night")
    tipster.taps("Done")
    phone = tipster.taps("Leave a phone number")
    assert phone.reply_markup is not None
    assert phone.reply_markup["keyboard"][0][0]["text"] == "📞 Share my phone number"

    refused = tipster.shares_contact("+8613911112222", user_id=STRANGER)
    assert "can't read that kind of message" in refused.text and "phone number" in refused.text
    assert "phone" not in conversation_state(engine, cipher, TIPSTER)["draft"]

    review = tipster.shares_contact("+8613800138000")
    assert "+86 138****8000" in review.text and "1391111" not in review.text


def test_a_photo_is_kept_on_the_draft_by_its_file_id(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, cipher: FieldCipher
) -> None:
    tipster = TelegramTipster(bot, updates, TIPSTER, language_code="en")
    tipster.says("/start")
    tipster.taps("Other information (traffickers, buyers, places)")
    tipster.taps("Continue")
    tipster.says("Kunming bus station")
    tipster.taps("Today")
    tipster.says("Two men with three small children")
    file_id, unique_id = bot.fake.add_file(b"not really a jpeg")
    assert "Received (1 so far)" in tipster.sends_photo(file_id, unique_id).text
    assert "can't read" in tipster.send(updates.sticker(TIPSTER)).text
    tipster.taps("Done")
    tipster.taps("Stay anonymous")
    tipster.taps("Submit")
    [attachment] = rows(engine, Attachment)
    assert (attachment.channel, attachment.media_type, attachment.channel_ref) == (
        "telegram",
        "photo",
        file_id,
    )


def test_the_channel_is_built_by_homeward_serve_from_the_settings(svc: Services) -> None:
    from bot.web import configured_channels

    [channel] = configured_channels(svc)
    assert isinstance(channel, TelegramChannel) and channel.name == "telegram"
    routes = channel.routes()
    assert [getattr(r, "path", None) for r in routes] == [channel.config.webhook_path]


def test_without_a_telegram_language_the_tipster_chooses_one(
    bot: RunningBot, updates: UpdateFactory
) -> None:
    tipster = TelegramTipster(bot, updates, TIPSTER, language_code=None)
    question = tipster.says("/start")
    assert "请选择语言" in question.text and "Which language" in question.text
    assert tipster.buttons == ["中文", "English"]
    welcome = tipster.taps("English")
    assert (
        "Welcome to Homeward" in welcome.text and "What would you like to report?" in welcome.text
    )

"""The fake Telegram server speaks the Bot API well enough for real PTB bots and Applications."""

from __future__ import annotations

import asyncio
import datetime as dtm
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakes.images import jpeg_with_gps
from tests.fakes.telegram_api import FakeTelegram, Upload
from tests.fakes.telegram_updates import UpdateFactory

TIPSTER = 5550001


def with_bot(fake: FakeTelegram, scenario: Callable[[Bot], Awaitable[Any]]) -> Any:
    """Run `scenario` against a real, initialised PTB Bot pointed at the fake."""

    async def main() -> Any:
        async with Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url) as bot:
            return await scenario(bot)

    return asyncio.run(main())


def build_app(fake: FakeTelegram, *, polling: bool = False) -> Application:  # type: ignore[type-arg]
    """Build a real Application against the fake, with a trivial echo handler."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    builder = ApplicationBuilder().token(fake.token).base_url(fake.base_url)
    builder = builder.base_file_url(fake.base_file_url)
    app = (builder if polling else builder.updater(None)).build()
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return app


def test_get_me_describes_the_bot(fake: FakeTelegram) -> None:
    me = with_bot(fake, lambda bot: bot.get_me())
    assert me.is_bot and me.id == fake.bot_id and me.username == fake.username
    assert fake.calls("getMe")


def test_send_message_round_trips_the_inline_keyboard(fake: FakeTelegram) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("提交 Submit", callback_data="submit")]])

    async def scenario(bot: Bot) -> Any:
        first = await bot.send_message(TIPSTER, "请描述 Please describe", reply_markup=markup)
        second = await bot.send_message(TIPSTER, "42")
        return first, second

    first, second = with_bot(fake, scenario)
    assert first.reply_markup == markup and first.from_user.id == fake.bot_id
    assert first.chat.id == TIPSTER and second.message_id == first.message_id + 1
    assert isinstance(first.date, dtm.datetime)
    sent = fake.sent_messages(TIPSTER)
    assert [m.text for m in sent] == ["请描述 Please describe", "42"]  # "42" stays a string
    assert sent[0].reply_markup == markup.to_dict() and sent[1].reply_markup is None


def test_edit_message_text_and_refuses_a_no_op_edit(fake: FakeTelegram) -> None:
    async def scenario(bot: Bot) -> Any:
        message = await bot.send_message(TIPSTER, "draft")
        edited = await bot.edit_message_text(
            "final", chat_id=TIPSTER, message_id=message.message_id
        )
        with pytest.raises(BadRequest, match="not modified"):
            await bot.edit_message_text("final", chat_id=TIPSTER, message_id=message.message_id)
        await bot.delete_message(TIPSTER, message.message_id)
        with pytest.raises(BadRequest, match="not found"):
            await bot.delete_message(TIPSTER, message.message_id)
        return edited

    edited = with_bot(fake, scenario)
    assert edited.text == "final" and edited.edit_date is not None
    assert fake.last_text(TIPSTER) == "final"


def test_answer_callback_query_and_commands(fake: FakeTelegram) -> None:
    async def scenario(bot: Bot) -> Any:
        assert await bot.answer_callback_query("cbq-1", text="收到")
        assert await bot.set_my_commands([BotCommand("start", "开始"), BotCommand("help", "帮助")])
        with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
            await bot.set_my_commands([BotCommand("Start", "capitals are rejected")])
        return await bot.get_my_commands()

    commands = with_bot(fake, scenario)
    assert [c.command for c in commands] == ["start", "help"]
    assert fake.calls("answerCallbackQuery")[0].params["text"] == "收到"


def test_get_updates_long_polls_and_respects_offset(
    fake: FakeTelegram, updates: UpdateFactory
) -> None:
    async def scenario(bot: Bot) -> Any:
        started = time.monotonic()
        threading.Timer(0.3, fake.push_update, [updates.text(TIPSTER, "我看到了")]).start()
        got = await bot.get_updates(timeout=5)
        waited = time.monotonic() - started
        again = await bot.get_updates(offset=got[0].update_id + 1, timeout=0)
        return got, waited, again

    got, waited, again = with_bot(fake, scenario)
    assert [u.message.text for u in got] == ["我看到了"] and 0.2 < waited < 3
    assert again == () and fake.pending_updates() == []


def test_get_file_then_download_returns_the_bytes(fake: FakeTelegram) -> None:
    photo = jpeg_with_gps()
    file_id, _ = fake.add_file(photo)

    async def scenario(bot: Bot) -> Any:
        file = await bot.get_file(file_id)
        return file, await file.download_as_bytearray()

    file, content = with_bot(fake, scenario)
    assert bytes(content) == photo and file.file_size == len(photo)
    assert file.file_path.endswith("photos/file_1.jpg")


def test_uploads_arrive_byte_exact_as_multipart(fake: FakeTelegram) -> None:
    payload = jpeg_with_gps() + b"\r\n--\r\n\n\r" + bytes(range(256))

    async def scenario(bot: Bot) -> Any:
        return await bot.send_photo(TIPSTER, payload, caption="线索 #7")

    message = with_bot(fake, scenario)
    upload = fake.calls("sendPhoto")[0].params["photo"]
    assert isinstance(upload, Upload) and upload.content == payload
    assert message.caption == "线索 #7" and fake.file_content(message.photo[-1].file_id) == payload


def test_fail_next_raises_retry_after(fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # retry_after as timedelta, without a warning
    fake.fail_next("sendMessage", retry_after=3)

    async def scenario(bot: Bot) -> Any:
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(TIPSTER, "too fast")
        await bot.send_message(TIPSTER, "later")
        return caught.value

    error = with_bot(fake, scenario)
    assert error.retry_after == dtm.timedelta(seconds=3)
    assert [c.error_code for c in fake.calls("sendMessage")] == [429, None]
    assert [m.text for m in fake.sent_messages()] == ["later"]


@pytest.mark.parametrize(
    ("code", "error"), [(400, BadRequest), (403, Forbidden), (500, NetworkError)]
)
def test_fail_next_maps_error_codes(fake: FakeTelegram, code: int, error: type[Exception]) -> None:
    fake.fail_next("sendMessage", error_code=code)
    with pytest.raises(error):
        with_bot(fake, lambda bot: bot.send_message(TIPSTER, "x"))


def test_delay_slows_one_method(fake: FakeTelegram) -> None:
    fake.delay("sendMessage", 0.4)
    started = time.monotonic()
    with_bot(fake, lambda bot: bot.send_message(TIPSTER, "slow"))
    assert time.monotonic() - started >= 0.4


def test_wrong_token_is_rejected(fake: FakeTelegram) -> None:
    async def main() -> None:
        async with Bot("999:WRONG-token", base_url=fake.base_url) as bot:
            await bot.get_me()

    with pytest.raises(InvalidToken):
        asyncio.run(main())


def test_unknown_method_is_not_found(fake: FakeTelegram) -> None:
    with pytest.raises(EndPointNotFound):
        with_bot(fake, lambda bot: bot.do_api_request("sendTelepathy"))


def test_webhook_lifecycle_blocks_get_updates(fake: FakeTelegram) -> None:
    async def scenario(bot: Bot) -> Any:
        await bot.set_webhook("https://homeward.example/telegram", secret_token="s3cret")
        info = await bot.get_webhook_info()
        with pytest.raises(Conflict):
            await bot.get_updates()
        await bot.delete_webhook()
        return info, await bot.get_webhook_info()

    info, after = with_bot(fake, scenario)
    assert info.url == "https://homeward.example/telegram" and after.url == ""


def test_json_and_query_string_bodies_are_understood(fake: FakeTelegram) -> None:
    url = f"{fake.base_url}{fake.token}"
    markup = {"inline_keyboard": [[{"text": "Yes", "callback_data": "y"}]]}
    sent = httpx.post(
        f"{url}/sendMessage", json={"chat_id": 7, "text": "hi", "reply_markup": markup}
    )
    got = httpx.get(f"{url}/sendMessage", params={"chat_id": "7", "text": "007"})
    assert sent.json()["result"]["reply_markup"] == markup
    assert got.json()["result"]["text"] == "007" and got.json()["result"]["message_id"] == 2
    assert httpx.post(f"{url}/noSuchMethod").json() == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found",
    }


def test_wait_for_blocks_until_the_call_arrives(fake: FakeTelegram) -> None:
    threading.Timer(
        0.2, lambda: with_bot(fake, lambda bot: bot.send_message(TIPSTER, "late"))
    ).start()
    call = fake.wait_for(lambda c: c.is_("sendMessage") and c.params["text"] == "late")
    assert call.result["chat"]["id"] == TIPSTER
    with pytest.raises(TimeoutError):
        fake.wait_for("deleteMessage", timeout=0.1)


def test_stop_does_not_wait_for_a_pending_long_poll() -> None:
    fake = FakeTelegram().start()
    poller = threading.Thread(target=with_bot, args=(fake, lambda bot: bot.get_updates(timeout=30)))
    poller.start()
    time.sleep(0.3)  # let the long poll reach the server
    started = time.monotonic()
    fake.stop()
    poller.join(timeout=5)
    assert time.monotonic() - started < 2 and not poller.is_alive()


def test_application_process_update_echoes(fake: FakeTelegram, updates: UpdateFactory) -> None:
    async def main() -> None:
        app = build_app(fake)
        async with app:
            await app.process_update(Update.de_json(updates.text(TIPSTER, "你好"), app.bot))

    asyncio.run(main())
    assert fake.last_text(TIPSTER) == "echo: 你好"


def test_button_press_is_answered_and_edits_the_bots_message(
    fake: FakeTelegram, updates: UpdateFactory
) -> None:
    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(f"chose {update.callback_query.data}")

    async def main() -> None:
        app = build_app(fake)
        app.add_handler(CallbackQueryHandler(on_button))
        async with app:
            press = updates.callback(TIPSTER, "lang:en", message_id=3)
            await app.process_update(Update.de_json(press, app.bot))

    asyncio.run(main())
    assert fake.calls("answerCallbackQuery")[0].params["callback_query_id"] == "1"
    assert fake.sent_messages(TIPSTER)[-1].message_id == 3
    assert fake.last_text(TIPSTER) == "chose lang:en"


def test_polling_application_picks_up_a_pushed_update(
    fake: FakeTelegram, updates: UpdateFactory
) -> None:
    async def main() -> None:
        app = build_app(fake, polling=True)
        async with app:
            assert app.updater is not None
            await app.updater.start_polling(timeout=2)
            await app.start()
            fake.push_update(updates.text(TIPSTER, "polling works"))
            await asyncio.to_thread(fake.wait_for, "sendMessage")
            await app.updater.stop()
            await app.stop()

    asyncio.run(main())
    assert fake.last_text(TIPSTER) == "echo: polling works"
    assert fake.pending_updates() == []  # the updater confirmed it with the next offset

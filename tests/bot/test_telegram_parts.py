"""The Telegram adapter's parts on their own: buttons, conversion, ordering, limits."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
from telegram import Bot, Update

from bot.telegram import TelegramOptions
from bot.telegram.convert import from_message, language_hint
from bot.telegram.limits import ChatRateLimiter
from bot.telegram.ordering import ChatQueues
from bot.telegram.render import (
    CALLBACK_LIMIT,
    TEXT_LIMIT,
    decode_choice,
    encode_choice,
    inline_keyboard,
    render,
    split_text,
)
from handlers import Choice, InboundKind, Reply, catalogue
from handlers.prompts import editable_steps
from handlers.state import State
from handlers.steps import SPECS, Step
from tests.fakes.telegram_api import DEFAULT_TOKEN
from tests.fakes.telegram_updates import UpdateFactory

CHAT = 5550001
BOT = Bot(DEFAULT_TOKEN)  # de_json needs a bot; nothing here touches the network


# -- buttons ------------------------------------------------------------------------------


def test_every_button_of_every_question_fits_telegrams_64_bytes() -> None:
    buttons = [(step.value, value) for step, spec in SPECS.items() for value in spec.choices]
    buttons += [
        (Step.EDIT.value, s)
        for kind in ("sighting", "other")
        for s in editable_steps(State(kind=kind))
    ]
    buttons += [(Step.LANGUAGE.value, code) for code in catalogue().languages]
    for step, value in buttons:
        data = encode_choice(step, value)
        assert len(data.encode()) <= CALLBACK_LIMIT and decode_choice(data) == (step, value)
    assert decode_choice("from an old version") == (None, "from an old version")
    with pytest.raises(ValueError):
        encode_choice("x" * 40, "y" * 40)


def test_a_multi_select_shows_its_ticks_and_done_last() -> None:
    choices = (
        Choice("afraid", "Seems afraid"),
        Choice("injuries", "Injuries"),
        Choice("done", "Done"),
    )
    reply = Reply("Tick all", step="signs", choices=choices, multi=True, selected=("injuries",))
    markup = inline_keyboard(reply)
    assert markup is not None
    rows = [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard]
    assert rows == [
        [("☐ Seems afraid", "signs:afraid")],
        [("☑ Injuries", "signs:injuries")],
        [("Done", "signs:done")],
    ]


def test_a_long_review_is_split_and_keeps_its_buttons_on_the_last_part() -> None:
    text = "\n".join(f"• line {n}: " + "答" * 90 for n in range(120))
    reply = Reply(text, step="review", choices=(Choice("submit", "Submit"),))
    parts = render(reply)
    assert len(parts) > 1 and all(len(p.text) <= TEXT_LIMIT for p in parts)
    assert "\n".join(p.text for p in parts) == text
    assert [p.inline is not None for p in parts] == [False] * (len(parts) - 1) + [True]
    assert split_text("x" * 5000) == ["x" * TEXT_LIMIT, "x" * 904]


# -- updates as neutral events ------------------------------------------------------------


def message_of(update: dict[str, Any]) -> Any:
    message = Update.de_json(update, BOT).message
    assert message is not None
    return message


def test_telegram_messages_become_neutral_inbound_events() -> None:
    factory = UpdateFactory()
    command = from_message(
        message_of(factory.command(CHAT, "/start@homeward_test_bot", "ref")), delivery="tg:1"
    )
    assert (command.kind, command.text, command.delivery_id) == (
        InboundKind.COMMAND,
        "start",
        "tg:1",
    )
    photo = from_message(
        message_of(factory.photo(CHAT, "BIG", "U", caption="车牌")), delivery="tg:2"
    )
    assert (photo.kind, photo.media_type, photo.media_ref) == (InboundKind.MEDIA, "photo", "BIG")
    voice = from_message(message_of(factory.voice(CHAT, "VOICE", "U")), delivery="tg:3")
    assert (voice.media_type, voice.media_ref) == ("voice", "VOICE")
    document = from_message(message_of(factory.document(CHAT, "DOC", "U")), delivery="tg:4")
    assert document.media_type == "document"
    sticker = from_message(message_of(factory.sticker(CHAT)), delivery="tg:5")
    assert sticker.kind is InboundKind.UNSUPPORTED
    pin = from_message(message_of(factory.location(CHAT, 39.9, 116.4)), delivery="tg:6")
    assert (pin.kind, pin.latitude, pin.longitude) == (InboundKind.LOCATION, 39.9, 116.4)
    mine = from_message(message_of(factory.contact(CHAT, "+8613800138000")), delivery="tg:7")
    assert (mine.kind, mine.phone, mine.user_id) == (
        InboundKind.CONTACT,
        "+8613800138000",
        str(CHAT),
    )
    theirs = from_message(
        message_of(factory.contact(CHAT, "+8613800138000", user_id=9)), delivery="tg:8"
    )
    assert theirs.kind is InboundKind.UNSUPPORTED and theirs.phone is None


def test_the_language_follows_telegram_zh_is_chinese_anything_else_english() -> None:
    def hint(code: str | None) -> str | None:
        return language_hint(
            Update.de_json(UpdateFactory().text(CHAT, "hi", language_code=code), BOT).effective_user
        )

    assert catalogue().match_language(hint("zh-hans")) == "zh_CN"
    assert catalogue().match_language(hint("zh-hant")) == "zh_CN"
    assert hint("en") == "en" and hint("ru") == "en"
    assert hint(None) is None  # unknown: the interview asks in both languages


# -- ordering and limits ------------------------------------------------------------------


def test_one_chat_waits_its_turn_while_other_chats_go_ahead() -> None:
    async def main() -> list[str]:
        done: list[str] = []
        b1_finished = asyncio.Event()

        async def run(item: str) -> None:
            if item == "A1":  # A1 can only finish if chat B is not stuck behind it
                await asyncio.wait_for(b1_finished.wait(), timeout=5)
            done.append(item)
            if item == "B1":
                b1_finished.set()

        queues: ChatQueues[str] = ChatQueues(run, max_parallel=4)
        late = queues.reserve("A")  # A1 arrives but is still being stored
        queues.submit("A", "A2")
        queues.submit("B", "B1")
        queues.submit("B", "B2")
        await asyncio.sleep(0)
        late.set_result("A1")
        await queues.drain(timeout=5)
        return done

    done = asyncio.run(main())
    assert [d for d in done if d[0] == "A"] == ["A1", "A2"]  # arrival order, not storing order
    assert done.index("B1") < done.index("A1")  # B was not held up by A


def test_a_stop_does_not_wait_for_work_that_ignores_being_cancelled() -> None:
    async def main() -> tuple[bool, list[str]]:
        started: list[str] = []
        let_go = asyncio.Event()

        async def run(item: str) -> None:
            started.append(item)
            while not let_go.is_set():  # a send whose library swallowed the cancellation
                with contextlib.suppress(asyncio.CancelledError):
                    await let_go.wait()

        queues: ChatQueues[str] = ChatQueues(run, max_parallel=4)
        queues.submit("A", "A1")
        queues.submit("A", "A2")
        await asyncio.sleep(0)
        drain = asyncio.create_task(queues.drain(0.01))
        stopped, _ = await asyncio.wait([drain], timeout=10)  # a bound, far above the 1 s
        let_go.set()
        await drain
        await queues.join(10)
        return bool(stopped), started

    stopped, started = asyncio.run(main())
    assert stopped  # the stop went on without it
    assert started == ["A1"]  # and A2 was left for the next start


def test_each_private_chat_gets_its_own_small_burst_and_groups_the_group_rate() -> None:
    async def main() -> tuple[bool, bool, float, float]:
        limiter = ChatRateLimiter(per_chat_per_second=1, chat_burst=3)
        for _ in range(3):
            await limiter.chat_limiter(CHAT).acquire()
        return (
            limiter.chat_limiter(CHAT).has_capacity(),
            limiter.chat_limiter(CHAT + 1).has_capacity(),
            limiter.chat_limiter(CHAT).time_period,
            limiter.chat_limiter(-100123).max_rate,
        )

    chat_full, other_free, period, group_rate = asyncio.run(main())
    assert not chat_full and other_free and period == 3.0 and group_rate == 20
    assert TelegramOptions().per_chat_per_second == 1 and TelegramOptions().overall_per_second == 30

"""The webhook: only Telegram gets in, every update is stored before 200, and none is lost."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.engine import Engine

from bot.telegram.webhook import SECRET_HEADER
from storage import Conversation, Delivery, FieldCipher, InboundUpdate
from tests.bot.inbox_outage import store_fails
from tests.bot.telegram_helpers import (
    SECRET,
    WAIT,
    RunningBot,
    TelegramTipster,
    conversation_state,
    is_text_to,
    rows,
)
from tests.fakes.telegram_updates import UpdateFactory

TIPSTER, OTHER, GROUP = 5550001, 5550002, -1001234567890


def test_the_webhook_is_registered_with_its_secret(bot: RunningBot) -> None:
    [call] = bot.fake.calls("setWebhook")
    assert call.params["url"] == f"https://homeward.example{bot.channel.config.webhook_path}"
    assert call.params["secret_token"] == SECRET and SECRET not in call.params["url"]
    assert call.params["allowed_updates"] == ["message", "edited_message", "callback_query"]


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", SECRET + "x"])
def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_stored(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, secret: str | None
) -> None:
    assert bot.post(updates.text(TIPSTER, "我看到一个孩子"), secret=secret) == 403
    assert bot.post(updates.command(TIPSTER, "start")) == 200  # the real thing gets through
    bot.fake.wait_for(is_text_to(TIPSTER), WAIT)
    assert [u.update_key for u in rows(engine, InboundUpdate)] == ["2"]
    assert len(rows(engine, Conversation)) == 1 and len(bot.fake.sent_messages()) == 1


def test_what_is_not_an_update_is_a_bad_request(bot: RunningBot, engine: Engine) -> None:
    path = bot.channel.config.webhook_path
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    assert bot.client.post(path, content=b"{not json", headers=headers).status_code == 400
    assert bot.client.post(path, json={"message": {}}, headers=headers).status_code == 400
    assert bot.client.get(path, headers=headers).status_code == 405
    assert rows(engine, InboundUpdate) == []


def test_an_update_over_a_megabyte_is_refused_before_it_is_read_whole(
    bot: RunningBot, updates: UpdateFactory, engine: Engine
) -> None:
    huge = updates.text(TIPSTER, "我看到一个孩子" * 250_000)  # 5 MB of JSON
    body = json.dumps(huge).encode()
    assert len(body) > 5_000_000
    path, headers = bot.channel.config.webhook_path, {SECRET_HEADER: SECRET}
    chunks = iter([body[i : i + 65_536] for i in range(0, len(body), 65_536)])

    declared = bot.client.post(path, content=body, headers=headers)
    streamed = bot.client.post(path, content=chunks, headers=headers)  # counted while read

    assert declared.status_code == streamed.status_code == 413
    assert rows(engine, InboundUpdate) == []
    assert bot.post(updates.command(TIPSTER, "start")) == 200  # a normal one still gets in


def test_an_update_id_too_big_to_store_is_a_bad_request_not_a_retry(
    bot: RunningBot, updates: UpdateFactory, engine: Engine
) -> None:
    start = updates.command(TIPSTER, "start")

    assert bot.post({**start, "update_id": 10**200}) == 400  # 503 would be re-sent forever
    assert bot.post({**start, "update_id": -1}) == 400
    assert rows(engine, InboundUpdate) == []


def test_the_same_update_delivered_twice_has_one_effect(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, cipher: FieldCipher
) -> None:
    tipster = TelegramTipster(bot, updates, TIPSTER)
    tipster.says("/start")
    tap = tipster.tap_update(tipster.question, "kind:sighting")
    assert bot.post(tap) == bot.post(tap) == 200
    bot.fake.wait_for(is_text_to(TIPSTER), WAIT, count=2)
    bot.settle()

    assert ["安全第一" in m.text for m in bot.fake.sent_messages(TIPSTER)].count(True) == 1
    assert len(rows(engine, InboundUpdate)) == len(rows(engine, Delivery)) == 2
    assert conversation_state(engine, cipher, TIPSTER)["kind"] == "sighting"
    # Each 200 carries the tap's answer: Telegram re-sends a tap only when it got no 200.
    answers = bot.fake.calls("answerCallbackQuery")
    assert [a.in_webhook_answer for a in answers] == [True, True]


def test_a_tap_is_answered_in_the_webhooks_200_once_stored_and_by_no_call(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    tipster = TelegramTipster(bot, updates, TIPSTER)
    tipster.says("/start")
    tap = tipster.tap_update(tipster.question, "kind:sighting")
    path, headers = bot.channel.config.webhook_path, {SECRET_HEADER: SECRET}
    store_fails(monkeypatch)
    refused = bot.client.post(path, json=tap, headers=headers)
    monkeypatch.undo()
    assert refused.status_code == 503 and refused.content == b""  # not stored: no answer yet

    stored = bot.client.post(path, json=tap, headers=headers)  # Telegram's retry
    assert stored.status_code == 200
    query_id = tap["callback_query"]["id"]
    assert stored.json() == {"method": "answerCallbackQuery", "callback_query_id": query_id}
    assert len(rows(engine, InboundUpdate)) == 2
    bot.fake.wait_for(is_text_to(TIPSTER), WAIT, count=2)
    bot.settle()
    assert "安全第一" in tipster.text
    assert bot.fake.calls("answerCallbackQuery") == []  # no call of its own
    said = bot.client.post(path, json=updates.text(TIPSTER, "你好"), headers=headers)
    assert said.status_code == 200 and said.content == b""  # a message's 200 carries nothing


def test_a_coordinators_button_pressed_in_private_is_answered_by_a_call_saying_why(
    bot: RunningBot, updates: UpdateFactory
) -> None:
    tap = updates.callback(
        TIPSTER, "co:claim:1", message_id=1, message_text="tip", reply_markup=None
    )
    path, headers = bot.channel.config.webhook_path, {SECRET_HEADER: SECRET}
    response = bot.client.post(path, json=tap, headers=headers)

    assert response.status_code == 200 and response.content == b""
    answer = bot.fake.wait_for("answerCallbackQuery", WAIT)
    assert not answer.in_webhook_answer and answer.params.get("show_alert") is True
    assert answer.params.get("text")


def test_a_database_failure_asks_telegram_to_send_the_update_again(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = updates.command(TIPSTER, "start")
    store_fails(monkeypatch)
    assert bot.post(start) == 503
    monkeypatch.undo()
    assert rows(engine, InboundUpdate) == [] and bot.fake.sent_messages() == []

    assert bot.post(start) == 200  # Telegram's retry
    bot.fake.wait_for(is_text_to(TIPSTER), WAIT)
    assert len(rows(engine, Delivery)) == 1


def test_a_group_gets_a_pointer_to_the_private_chat_and_nothing_is_stored(
    bot: RunningBot, updates: UpdateFactory, engine: Engine
) -> None:
    chinese = updates.user(4242, language_code="zh-hans")
    english = updates.user(4343, language_code="en")
    bot.deliver(updates.group_text(GROUP, "/start@homeward_test_bot", user=chinese))
    bot.deliver(updates.group_text(GROUP, "I saw a child at the market", user=english))
    bot.fake.wait_for(is_text_to(GROUP), WAIT, count=2)

    zh, en = (m.text for m in bot.fake.sent_messages(GROUP))
    assert "线索只在与我的私聊中接收" in zh and "https://t.me/homeward_test_bot" in zh
    assert "only taken in a private chat" in en and "https://t.me/homeward_test_bot" in en
    for table in (InboundUpdate, Conversation, Delivery):
        assert rows(engine, table) == []


def test_an_edited_message_leaves_the_draft_as_it_was(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, cipher: FieldCipher
) -> None:
    tipster = TelegramTipster(bot, updates, TIPSTER)
    tipster.says("/start")
    tipster.taps("我看到一个可能被拐的孩子")
    tipster.taps("继续")
    when = tipster.says("成都火车北站")
    before = conversation_state(engine, cipher, TIPSTER)

    notice = tipster.edits_last_message("重庆解放碑")
    assert "修改的内容不会被读取" in notice.text and "/back" in notice.text
    assert when.text in notice.text  # and the open question again: what to type next
    assert conversation_state(engine, cipher, TIPSTER)["draft"] == before["draft"]
    assert conversation_state(engine, cipher, TIPSTER)["step"] == before["step"] == "when"
    assert before["draft"]["where"]["text"] == "成都火车北站"

    english = TelegramTipster(bot, updates, OTHER, language_code="en")
    english.says("/start")
    english.says("hello")
    edit = updates.edited_text(OTHER, english.last_message_id, "hello again")
    edit["edited_message"]["from"]["language_code"] = "en"
    assert "Edits are not read" in english.send(edit).text


def test_stale_and_double_taps_never_corrupt_the_draft(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, cipher: FieldCipher
) -> None:
    tipster = TelegramTipster(bot, updates, TIPSTER)
    kinds = tipster.says("/start")
    tap, double_tap = (tipster.tap_update(kinds, "kind:sighting") for _ in range(2))
    assert bot.post(tap) == bot.post(double_tap) == 200  # both before any answer
    bot.fake.wait_for(is_text_to(TIPSTER), WAIT, count=3)
    safety, double = bot.fake.sent_messages(TIPSTER)[1:]
    assert "安全第一" in safety.text and "那个按钮属于之前的问题" not in safety.text
    assert "那个按钮属于之前的问题" in double.text and "安全第一" in double.text
    tipster.taps("继续", on=safety)
    stale = tipster.taps("继续", on=safety)  # a button of a question already answered
    assert "那个按钮属于之前的问题" in stale.text and "你在哪里看到这个孩子" in stale.text

    state = conversation_state(engine, cipher, TIPSTER)
    assert (state["kind"], state["step"], state["history"]) == ("sighting", "where", ["safety"])
    assert len(bot.fake.calls("answerCallbackQuery")) == 4  # every tap answered


def test_two_chats_interleaved_keep_their_own_order(
    bot: RunningBot, updates: UpdateFactory, engine: Engine, cipher: FieldCipher
) -> None:
    answers = {
        TIPSTER: ["/start", "1", "继续", "成都火车北站", "昨天", "孩子住在附近", "男孩"],
        OTHER: ["/start", "1", "继续", "广州天河城", "今天", "我只见过一次", "女孩"],
    }
    for step in range(7):  # A1 B1 A2 B2 … without waiting for any reply
        for chat, said in answers.items():
            text = said[step]
            make = updates.command if text.startswith("/") else updates.text
            assert bot.post(make(chat, text)) == 200
    for chat in answers:
        bot.fake.wait_for(is_text_to(chat), WAIT, count=7)

    questions = [
        "你想报告什么",
        "安全第一",
        "你在哪里看到",
        "什么时候",
        "还在那里吗",
        "男孩还是女孩",
        "几岁",
    ]
    for chat, said in answers.items():
        sent = [m.text for m in bot.fake.sent_messages(chat)]
        assert [q in text for q, text in zip(questions, sent, strict=True)] == [True] * 7
        state = conversation_state(engine, cipher, chat)
        assert state["step"] == "child_age"
        assert state["draft"]["where"]["text"] == said[3]
        assert state["draft"]["presence"] == ("lives_nearby" if chat == TIPSTER else "seen_once")
        assert state["draft"]["child_sex"] == ("boy" if chat == TIPSTER else "girl")

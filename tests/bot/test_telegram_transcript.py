"""A sighting on Telegram as the tipster's screen shows it at the end, written out to read.

The fake Bot API's log, rendered as the chat looks after every edit (test-artifacts/
telegram-transcript-*.txt): each tapped question shows the answer chosen under it, then the
next question; only the newest message has buttons, so no old button can answer again.
"""

from __future__ import annotations

from pathlib import Path

from tests.bot.telegram_helpers import RunningBot, TelegramTipster
from tests.fakes.telegram_updates import UpdateFactory

TIPSTER = 5550077
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


class Screen:
    """The chat as the tipster sees it: their messages, and the bot's as last edited."""

    def __init__(self, bot: RunningBot, tipster: TelegramTipster) -> None:
        self.bot, self.tipster = bot, tipster
        self.lines: list[tuple[str, int | str]] = []  # ("bot", message_id) or ("you", text)
        self._seen: set[int] = set()

    def you(self, what: str | None) -> None:
        """Note what the tipster sent (None for a tap), then the bot's new messages."""
        if what is not None:
            self.lines.append(("you", what))
        for message in self.bot.fake.sent_messages(self.tipster.chat_id):
            if message.method == "sendMessage" and message.message_id not in self._seen:
                self._seen.add(message.message_id)
                self.lines.append(("bot", message.message_id))

    def buttons(self, message_id: int) -> list[str]:
        """The buttons a message shows now (none once retired)."""
        markup: dict[str, list[list[dict[str, str]]]] | None = None
        for call in self.bot.fake.calls():
            if call.error_code or call.params.get("message_id") != message_id:
                continue
            if call.is_("editMessageText") or call.is_("editMessageReplyMarkup"):
                markup = call.params.get("reply_markup")
        if markup is None and not self._edited(message_id):
            sent = [m for m in self.bot.fake.sent_messages() if m.message_id == message_id]
            markup = sent[0].reply_markup
        rows = (markup or {}).get("inline_keyboard", [])
        return [button["text"] for row in rows for button in row]

    def _edited(self, message_id: int) -> bool:
        return any(
            (c.is_("editMessageText") or c.is_("editMessageReplyMarkup"))
            and c.params.get("message_id") == message_id
            and not c.error_code
            for c in self.bot.fake.calls()
        )

    def text(self, message_id: int) -> str:
        """A bot message's text as last edited."""
        chat = self.tipster.chat_id
        return [m for m in self.bot.fake.sent_messages(chat) if m.message_id == message_id][-1].text

    def render(self) -> str:
        """The whole chat, top to bottom."""
        out: list[str] = []
        for who, what in self.lines:
            if who == "you":
                out.append(f"                                        [you] {what}")
                continue
            assert isinstance(what, int)
            out.append("[bot] " + self.text(what).replace("\n", "\n      "))
            out.extend(f"      [ {label} ]" for label in self.buttons(what))
            out.append("")
        return "\n".join(out) + "\n"


def test_the_tipsters_screen_after_a_sighting_by_taps(
    bot: RunningBot, updates: UpdateFactory
) -> None:
    tipster = TelegramTipster(bot, updates, TIPSTER)
    screen = Screen(bot, tipster)
    steps = [
        ("says", "/start"),
        ("taps", "我看到一个可能被拐的孩子"),
        ("taps", "继续"),
        ("location", ""),
        ("taps", "昨天"),
        ("taps", "孩子住在附近"),
        ("taps", "男孩"),
        ("taps", "不确定"),
        ("says", "七八岁，很瘦，穿蓝色校服"),
        ("says", "/skip"),
        ("says", "/skip"),
        ("says", "/skip"),
        ("taps", "粤语（广东话）"),
        ("taps", "是的，不一样"),
        ("taps", "说想回家，或提到在别处的父母"),
        ("taps", "看起来害怕身边的大人"),
        ("taps", "完成"),
        ("says", "/skip"),
        ("taps", "完成"),
        ("taps", "留下电话号码"),
        ("contact", "+8613800138000"),
        ("taps", "提交"),
    ]
    for action, value in steps:
        if action == "says":
            tipster.says(value)
        elif action == "taps":
            tipster.taps(value)
        elif action == "location":
            tipster.sends_location(30.6586, 104.0648)
        else:
            tipster.shares_contact(value)
        # A tap is no message of the tipster's: it shows as the answer under its question.
        shown = {"location": "📍 (a location pin)", "contact": "📞 (my number)"}
        screen.you(None if action == "taps" else shown.get(action, value))
    bot.settle()

    ARTIFACTS.mkdir(exist_ok=True)
    shown = screen.render()
    (ARTIFACTS / "telegram-transcript-zh.txt").write_text(shown, encoding="utf-8")
    with_buttons = [w for who, w in screen.lines if who == "bot" and screen.buttons(int(w))]
    assert with_buttons == []  # submitted: no button is left to tap
    assert "✓ 我看到一个可能被拐的孩子" in shown and "✓ 说想回家，或提到在别处的父母\n" in shown
    # A question followed by a location or contact button shows its answer too.
    assert "准备好了吗？\n      ✓ 继续\n" in shown and "\n      ✓ 留下电话号码\n" in shown
    assert "报告编号" in shown


def test_a_tapped_question_that_is_gone_gets_the_next_question_as_a_new_message(
    bot: RunningBot, updates: UpdateFactory
) -> None:
    tipster = TelegramTipster(bot, updates, TIPSTER)
    kind = tipster.says("/start")
    bot.fake.fail_next("editMessageText", description="Bad Request: message to edit not found")

    safety = tipster.taps("我看到一个可能被拐的孩子")

    assert safety.method == "sendMessage" and safety.message_id != kind.message_id
    assert "安全第一" in safety.text and tipster.buttons == ["继续"]


def test_a_tap_answered_before_a_restart_is_not_asked_again_as_a_new_message(
    bot: RunningBot, updates: UpdateFactory
) -> None:
    tipster = TelegramTipster(bot, updates, TIPSTER)
    tipster.says("/start")
    sends = len(bot.fake.calls("sendMessage"))
    # What Telegram answers when the same edit lands twice (replayed after a restart).
    bot.fake.fail_next(
        "editMessageText",
        description="Bad Request: message is not modified: specified new message content and "
        "reply markup are exactly the same as a current content and reply markup of the message",
    )

    tipster.send(tipster.tap_update(tipster.question, "kind:sighting"), expect=0)
    bot.settle()

    assert len(bot.fake.calls("sendMessage")) == sends  # nothing new in the chat
    assert not bot.fake.calls("editMessageReplyMarkup")  # and the buttons shown are kept

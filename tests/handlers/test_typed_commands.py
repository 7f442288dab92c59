"""Every channel reads a typed command the same way: a slash word, or a command's word alone."""

from __future__ import annotations

import pytest

from handlers import read_command


@pytest.mark.parametrize(
    ("typed", "command"),
    [
        ("/start", "start"),
        ("／帮助", "帮助"),
        ("/Start@homeward_bot", "start"),
        ("开始", "start"),
        (" 帮助。", "help"),
        ("取消吧", "cancel"),
        ("Help!", "help"),
        ("/start HW-ABCD-EF", None),  # words after it: the tipster is saying something
        ("I need help", None),
    ],
)
def test_a_whole_message_is_a_command_or_text(typed: str, command: str | None) -> None:
    assert read_command(typed) == command

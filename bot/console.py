"""The console channel: the interview in a terminal, for a trial or a hotline operator."""

from __future__ import annotations

import getpass
import sys
from typing import TextIO

from handlers import Inbound, InboundKind, Intake, read_command, render_text
from storage import Channel

__all__ = ["CHANNEL", "parse_line", "run_console"]

CHANNEL = Channel.CONSOLE


def parse_line(line: str, *, user_id: str) -> Inbound:
    """A typed line as an inbound message: a command as `read_command` reads it, else text."""
    text = line.strip()
    command = read_command(text)
    if command is not None:
        return Inbound(CHANNEL, user_id, InboundKind.COMMAND, text=command)
    return Inbound(CHANNEL, user_id, InboundKind.TEXT, text=text)


def run_console(
    intake: Intake,
    *,
    language: str | None,
    session: str | None = None,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> None:
    """Run the interview on stdin/stdout until end of input."""
    user_id = session or getpass.getuser()

    def send(inbound: Inbound) -> None:
        stdout.write(render_text(intake.handle(inbound)) + "\n> ")
        stdout.flush()

    # An explicit --lang wins over the conversation's language: one hotline terminal (one
    # session) serves callers in either language.
    send(Inbound(CHANNEL, user_id, InboundKind.COMMAND, text="start", language=language))
    for line in stdin:
        if not line.strip():
            stdout.write("> ")
            stdout.flush()
            continue
        send(parse_line(line, user_id=user_id))
    stdout.write("\n")

"""Real processes: `homeward serve` killed mid-answer and restarted, and a clean start-up error."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage import Delivery, FieldCipher, InboundUpdate
from tests.bot.telegram_helpers import (
    SECRET,
    WAIT,
    conversation_state,
    is_text_to,
    rows,
)
from tests.conftest import REDIS_URL
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_updates import UpdateFactory

TIPSTER = 5550001
START = 90.0  # seconds for a Python process to import and start, on a busy CI machine


@pytest.fixture
def env(
    fake: FakeTelegram, database_url: str, secret_key: str, data_dir: Path, engine: Engine
) -> dict[str, str]:
    """A deployment on the test database and Redis, its bot on the fake Bot API."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WECHAT_"))}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        HOMEWARD_SECRET_KEY=secret_key,
        HOMEWARD_DATA_DIR=str(data_dir / "data"),
        LOG_LEVEL="INFO",
        TELEGRAM_BOT_TOKEN=fake.token,
        TELEGRAM_API_BASE_URL=fake.base_url,
        TELEGRAM_WEBHOOK_URL="https://homeward.example",
        TELEGRAM_WEBHOOK_SECRET=SECRET,
    )
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(env: dict[str, str], cwd: Path, port: int) -> subprocess.Popen[str]:
    """`homeward serve` in its own process."""
    command = [sys.executable, "-m", "bot", "serve", "--port", str(port)]
    return subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_started(process: subprocess.Popen[str], fake: FakeTelegram, count: int) -> None:
    """Wait until a `homeward serve` has registered its webhook (its count-th setWebhook)."""
    try:
        fake.wait_for("setWebhook", START, count=count)
    except TimeoutError:
        process.kill()
        raise AssertionError(f"homeward serve did not start:\n{process.communicate()[1]}") from None


def post_update(port: int, path: str, update: dict[str, object]) -> int:
    """POST as Telegram does, once the server is listening (it starts a moment after setWebhook)."""
    deadline = time.monotonic() + START
    while True:
        try:
            response = httpx.post(
                f"http://127.0.0.1:{port}{path}",
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                timeout=WAIT,
            )
            return response.status_code
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)  # another process binding its port: nothing to await here


def delivered(engine: Engine, key: str) -> bool:
    with Session(engine) as session:
        return (
            session.exec(select(Delivery).where(Delivery.delivery_key == key)).first() is not None
        )


def test_killed_after_storing_and_before_answering_the_restart_answers_once(
    fake: FakeTelegram, env: dict[str, str], data_dir: Path, engine: Engine, cipher: FieldCipher
) -> None:
    updates, port = UpdateFactory(), free_port()
    first = serve(env, data_dir, port)
    try:
        wait_started(first, fake, count=1)
        path = fake.calls("setWebhook")[0].params["url"].removeprefix("https://homeward.example")
        assert post_update(port, path, updates.command(TIPSTER, "start")) == 200
        kinds = fake.wait_for(is_text_to(TIPSTER), WAIT)

        for answer in ("sendMessage", "editMessageText"):
            fake.delay(answer, 120)  # the answer to the next update hangs in the air…
        tap = updates.callback(TIPSTER, "kind:sighting", message_id=kinds.result["message_id"])
        assert post_update(port, path, tap) == 200
        deadline = time.monotonic() + WAIT
        while not delivered(engine, f"tg:{tap['update_id']}"):  # the answer is committed
            assert time.monotonic() < deadline, "the tap was never handled"
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)  # …and the process dies before the tipster hears back
        _, first_log = first.communicate(timeout=WAIT)
    finally:
        first.kill()
    for answer in ("sendMessage", "editMessageText"):
        fake.delay(answer, 0)
    assert "安全第一" not in " ".join(m.text for m in fake.sent_messages(TIPSTER))

    second = serve(env, data_dir, port)
    try:
        wait_started(second, fake, count=2)
        safety = fake.wait_for(
            lambda c: "安全第一" in str(c.params.get("text")) and not c.error_code, START
        )
        go_on = updates.callback(TIPSTER, "safety:continue", message_id=safety.result["message_id"])
        assert post_update(port, path, go_on) == 200  # and the conversation carries on
        fake.wait_for(lambda c: c.is_("sendMessage") and "你在哪里" in c.params["text"], WAIT)
    finally:
        second.send_signal(signal.SIGTERM)
        _, second_log = second.communicate(timeout=START)

    state = conversation_state(engine, cipher, TIPSTER)
    assert (state["kind"], state["step"]) == ("sighting", "where")
    keys = [d.delivery_key for d in rows(engine, Delivery)]
    assert keys.count(f"tg:{tap['update_id']}") == 1  # the answer was stored once
    assert all(u.processed_at for u in rows(engine, InboundUpdate))
    assert f"update {tap['update_id']} stored" in first_log
    assert f"update {tap['update_id']} left unfinished" in second_log
    for log in (first_log, second_log):  # update ids only: never people or what they said
        assert str(TIPSTER) not in log and "Traceback" not in log and fake.token not in log


def test_an_unreachable_bot_api_stops_serve_with_one_clear_line(
    env: dict[str, str], data_dir: Path
) -> None:
    env["TELEGRAM_API_BASE_URL"] = "http://127.0.0.1:9/bot"  # nothing listens there
    command = [sys.executable, "-m", "bot", "serve", "--port", str(free_port())]
    result = subprocess.run(
        command, env=env, cwd=data_dir, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2, result.stderr
    assert "configuration error: the Telegram Bot API at 127.0.0.1:9 could not be reached" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr and env["TELEGRAM_BOT_TOKEN"] not in result.stderr

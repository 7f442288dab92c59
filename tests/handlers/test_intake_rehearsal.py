"""The intake's start-up rehearsal compiles its statements and leaves nothing behind."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Engine

from handlers import Intake
from tests.stories import Tipster


def stored(engine: Engine) -> dict[str, int]:
    """How many conversations and deliveries are stored."""
    with engine.connect() as conn:
        return {
            table: int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
            for table in ("conversation", "delivery")
        }


def test_a_rehearsal_stores_nothing_and_the_first_tipster_is_answered(
    intake: Intake, engine: Engine
) -> None:
    intake.rehearse("wechat", "zh_CN")

    assert stored(engine) == {"conversation": 0, "delivery": 0}
    (greeting,) = Tipster(
        intake, channel="wechat", user_id="rehearsal", language_hint="zh_CN"
    ).says("你好")
    assert "你想报告什么" in greeting.text
    assert stored(engine) == {"conversation": 1, "delivery": 1}

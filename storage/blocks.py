"""Blocked tipsters: found by the blind index of their chat, blocked and lifted in one statement."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.workflow_models import RelayDirection, RelayMessage, TipsterBlock

__all__ = ["add_block", "block_in_force", "keep_blocked_message", "lift_block"]


def block_in_force(*, session: Session, tipster_key: str) -> TipsterBlock | None:
    """The block on a tipster's chat, if there is one."""
    statement = select(TipsterBlock).where(
        TipsterBlock.tipster_key == tipster_key, col(TipsterBlock.lifted_at).is_(None)
    )
    return session.exec(statement).first()


def add_block(
    *,
    session: Session,
    tipster_key: str,
    report_id: int,
    coordinator_id: int | None,
    reason: str,
    now: datetime,
) -> TipsterBlock | None:
    """Block a tipster's chat; None if a block is already in force (one per tipster)."""
    block = TipsterBlock(
        tipster_key=tipster_key,
        report_id=report_id,
        reason=reason,
        blocked_by_id=coordinator_id,
        blocked_at=now,
    )
    try:
        with session.begin_nested():  # the unique index on blocks in force decides a race
            session.add(block)
    except IntegrityError:
        return None
    return block


def lift_block(
    *, session: Session, tipster_key: str, coordinator_id: int | None, now: datetime
) -> int | None:
    """Lift the block in force on a tipster's chat; its id, or None if there was none."""
    statement = (
        update(TipsterBlock)
        .where(col(TipsterBlock.tipster_key) == tipster_key, col(TipsterBlock.lifted_at).is_(None))
        .values(lifted_at=now, lifted_by_id=coordinator_id)
        .returning(col(TipsterBlock.id))
    )
    lifted: int | None = session.execute(statement).scalar_one_or_none()
    return lifted


def keep_blocked_message(*, session: Session, block: TipsterBlock, body: str) -> bool:
    """Keep what a blocked tipster sent, marked, on the tip they were blocked from (no notice)."""
    if block.report_id is None:  # that tip was purged: nothing to keep it with
        return False
    message = RelayMessage(
        report_id=block.report_id, direction=RelayDirection.FROM_TIPSTER, body=body, blocked=True
    )
    session.add(message)
    return True

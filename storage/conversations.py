"""Data access for conversations and handled deliveries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, update
from sqlmodel import Session, col, delete, select

from storage.models import Conversation, Delivery, utcnow

__all__ = [
    "conversation_language",
    "create_conversation",
    "find_delivery",
    "lock_conversation",
    "purge_expired_drafts",
    "purge_old_deliveries",
    "record_delivery",
    "redact_receipts",
]


def lock_conversation(*, session: Session, channel: str, user_key: str) -> Conversation | None:
    """Load a conversation and lock its row until the transaction ends (per-tipster order)."""
    statement = (
        select(Conversation)
        .where(Conversation.channel == channel, Conversation.user_key == user_key)
        .with_for_update()
    )
    return session.exec(statement).first()


def conversation_language(*, session: Session, channel: str, user_key: str) -> str | None:
    """The language a tipster's conversation is in, if they have one (no lock)."""
    statement = select(Conversation).where(
        Conversation.channel == channel, Conversation.user_key == user_key
    )
    conversation = session.exec(statement).first()
    language = conversation.state.get("language") if conversation is not None else None
    return language if isinstance(language, str) else None


def create_conversation(
    *, session: Session, channel: str, user_key: str, user_ref: str
) -> Conversation:
    """Start a conversation for a tipster we have not seen on this channel."""
    conversation = Conversation(channel=channel, user_key=user_key, user_ref=user_ref, state={})
    session.add(conversation)
    session.flush()
    return conversation


def find_delivery(*, session: Session, channel: str, delivery_key: str) -> Delivery | None:
    """The record of an inbound message we already handled, if any."""
    statement = select(Delivery).where(
        Delivery.channel == channel, Delivery.delivery_key == delivery_key
    )
    return session.exec(statement).first()


def record_delivery(
    *,
    session: Session,
    channel: str,
    delivery_key: str,
    conversation_id: int | None,
    replies: str,
    redacted_replies: str | None = None,
) -> None:
    """Remember that an inbound message was handled and what we answered.

    Replies holding a secret (a receipt's PIN) come with `redacted_replies`, which replace
    them once the secret is no longer needed for re-deliveries (`redact_receipts`). One
    INSERT, not the ORM's unit of work: a third of the CPU for a row nothing reads back here.
    """
    session.execute(
        insert(Delivery).values(
            channel=channel,
            delivery_key=delivery_key,
            conversation_id=conversation_id,
            replies=replies,
            redacted_replies=redacted_replies,
            created_at=utcnow(),
        )
    )


def purge_expired_drafts(*, session: Session, untouched_since: datetime) -> int:
    """Delete unfinished drafts idle since before a moment; keep only the language."""
    statement = select(Conversation).where(col(Conversation.updated_at) < untouched_since)
    purged = 0
    for conversation in session.exec(statement):
        state = conversation.state or {}
        if state.get("step") is None and not state.get("draft"):
            continue
        conversation.state = {"language": state.get("language")}
        session.add(conversation)
        purged += 1
    return purged


def purge_old_deliveries(*, session: Session, before: datetime) -> int:
    """Forget delivery records (and the replies kept for re-deliveries) older than a moment."""
    result = session.exec(delete(Delivery).where(col(Delivery.created_at) < before))
    return int(result.rowcount or 0)


def redact_receipts(*, session: Session, before: datetime) -> int:
    """Swap replies holding a PIN, given before a moment, for their redacted form."""
    result = session.exec(
        update(Delivery)
        .where(col(Delivery.redacted_replies).is_not(None), col(Delivery.created_at) < before)
        .values(replies=col(Delivery.redacted_replies), redacted_replies=None)
    )
    return int(result.rowcount or 0)

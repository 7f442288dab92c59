"""Story helpers: a tipster who says, taps and sends things through the real intake."""

from __future__ import annotations

import itertools
import re
from typing import Any, Protocol

from sqlmodel import Session, select

from handlers import Inbound, InboundKind, Intake, Reply
from storage import Conversation

_deliveries = itertools.count(1)


class Tipster:
    """One person on one channel; every message goes through `Intake.handle`."""

    def __init__(
        self,
        intake: Intake,
        *,
        channel: str = "telegram",
        user_id: str = "tipster-1",
        language_hint: str | None = None,
    ) -> None:
        self.intake = intake
        self.channel = channel
        self.user_id = user_id
        self.language_hint = language_hint
        self.replies: list[Reply] = []
        self.last_delivery = ""
        self.last_sent: Inbound | None = None

    def send(self, kind: InboundKind, **fields: Any) -> list[Reply]:
        """Send one inbound message with a fresh delivery id."""
        fields.setdefault("delivery_id", f"d{next(_deliveries)}")
        self.last_delivery = fields["delivery_id"]
        fields.setdefault("language_hint", self.language_hint)
        self.last_sent = Inbound(self.channel, self.user_id, kind, **fields)
        self.replies = self.deliver(self.last_sent)
        return self.replies

    def deliver(self, inbound: Inbound) -> list[Reply]:
        """Hand a message to the intake as a channel does; its replies."""
        return self.intake.handle(inbound)

    def is_redelivered(self) -> list[Reply]:
        """The channel delivers the last message again, with the same delivery id."""
        assert self.last_sent is not None, "nothing sent yet"
        self.replies = self.deliver(self.last_sent)
        return self.replies

    def says(self, text: str) -> list[Reply]:
        """Type a message (a leading slash makes it a command, as channels do)."""
        if text.startswith("/"):
            return self.send(InboundKind.COMMAND, text=text[1:])
        return self.send(InboundKind.TEXT, text=text)

    def taps(self, label: str) -> list[Reply]:
        """Tap the button with this label (or value) on the last question."""
        question = self.question
        for choice in question.choices:
            if label in (choice.label, choice.value):
                return self.send(InboundKind.CHOICE, text=choice.value, step=question.step)
        raise AssertionError(f"no button {label!r} in {[c.label for c in question.choices]}")

    def sends_location(self, lat: float, lon: float) -> list[Reply]:
        """Share a location pin."""
        return self.send(InboundKind.LOCATION, latitude=lat, longitude=lon)

    def sends_photo(self, ref: str = "photo-1") -> list[Reply]:
        """Send a photo (by channel reference)."""
        return self.send(InboundKind.MEDIA, media_type="photo", media_ref=ref)

    def shares_contact(self, phone: str) -> list[Reply]:
        """Share their own phone number with the channel's contact button."""
        return self.send(InboundKind.CONTACT, phone=phone)

    def sends_sticker(self) -> list[Reply]:
        """Send something the interview can't read."""
        return self.send(InboundKind.UNSUPPORTED)

    def starts(self, kind: str = "sighting") -> list[Reply]:
        """Start a report of this kind and read the safety note: the first question is next."""
        self.says("/start")
        self.taps(kind)
        return self.taps("continue")

    @property
    def draft(self) -> dict[str, Any]:
        """The answers stored so far, as the database holds this tipster's conversation."""
        key = self.intake.cipher.blind_index(f"{self.channel}:{self.user_id}")
        with Session(self.intake.engine) as session:
            found = session.exec(select(Conversation).where(Conversation.user_key == key)).one()
        return dict(found.state["draft"])

    @property
    def question(self) -> Reply:
        """The last reply, which asks the open question."""
        assert self.replies, "no reply yet"
        return self.replies[-1]

    @property
    def step(self) -> str | None:
        """The question being asked now."""
        return self.question.step

    @property
    def text(self) -> str:
        """Everything the last replies said."""
        return "\n".join(r.text for r in self.replies)


class Talks(Protocol):
    """Any tipster of these stories: one through the intake, or one on Telegram."""

    def says(self, text: str) -> object: ...

    def taps(self, label: str) -> object: ...


def other_information_to_review(tipster: Tipster) -> None:
    """An English tipster's short report of other information, answered up to the review."""
    answers_other_information(tipster)
    assert tipster.step == "review"


def answers_other_information(tipster: Talks) -> None:
    """An English tipster's short report of other information, up to the review's question."""
    tipster.says("/start")
    tipster.taps("Other information (traffickers, buyers, places)")
    tipster.taps("Continue")
    tipster.says("Kunming bus station")
    tipster.taps("Yesterday")
    tipster.says("A woman offering to buy children")
    tipster.taps("Done")
    tipster.taps("Stay anonymous")


def receipt_ref(text: str) -> str:
    """The reference code in a receipt (HW-XXXX-XX; the code itself may contain "HW")."""
    match = re.search(r"\bHW-[0-9A-Z]{4}-[0-9A-Z]{2}\b", text)
    assert match, text
    return match.group(0)

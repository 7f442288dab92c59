"""The per-conversation interview state, stored as JSON after every answer."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from handlers.alert_port import AlertPort
from handlers.catalogue import Catalogue, catalogue

__all__ = ["Env", "FollowupPort", "InterviewConfig", "State"]


@dataclass
class State:
    """Where one tipster is in the interview and what they have answered so far."""

    language: str | None = None
    step: str | None = None  # None: no report in progress
    kind: str | None = None
    draft_id: str | None = None
    draft: dict[str, Any] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)  # steps answered, for /back
    editing: bool = False  # changing one answer from the review
    return_to: str | None = None  # the step to go back to after /language, /start, /followup
    followup: dict[str, Any] | None = None  # the submitted tip this tipster came back to
    pending_reply: dict[str, Any] | None = None  # a coordinator's question awaiting an answer
    recent: list[float] = field(default_factory=list)  # when the last messages came (flooding)
    doubted: dict[str, str] | None = None  # an answer asked again once: its step and words
    touched_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (what is stored: the state holds JSON values only).

        Through `json` rather than `dataclasses.asdict`, whose deep walk looking for nested
        dataclasses took ~70 µs for a mid-interview state, against ~17 µs."""
        fields = {name: getattr(self, name) for name in self.__dataclass_fields__}
        copied: dict[str, Any] = json.loads(json.dumps(fields, ensure_ascii=False))
        return copied

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> State:
        """Rebuild from `to_dict` output; unknown keys from older versions are dropped."""
        known = {k: v for k, v in (data or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def reset(self) -> None:
        """Forget the draft, keep the language and any coordinator question still open."""
        language, pending, recent = self.language, self.pending_reply, self.recent
        self.__init__()  # type: ignore[misc]
        self.language, self.pending_reply, self.recent = language, pending, recent


@dataclass(frozen=True)
class InterviewConfig:
    """Deployment choices the interview needs."""

    emergency_number: str = "110"
    phone_region: str = "CN"
    timezone: str = "Asia/Shanghai"
    max_answer_length: int = 1000
    draft_ttl: timedelta = timedelta(days=7)
    max_attachments: int = 20
    flood_limit_per_minute: int = 60


class FollowupPort(Protocol):
    """What coming back to a submitted tip needs from storage (bound to one tipster)."""

    def check(self, ref: str, pin: str) -> tuple[int, str]:
        """(report id, reference) for a code + PIN; raises AnswerError with the reason."""

    def status(self, report_id: int) -> str:
        """The tipster-safe status: received, reviewing, referred or closed."""

    def add_message(self, report_id: int, text: str) -> None:
        """Attach what the tipster said to the tip and tell coordinators."""

    def add_attachment(self, report_id: int, media_type: str, media_ref: str) -> None:
        """Attach a photo or other file to the tip."""


@dataclass(frozen=True)
class Env:
    """What one step of the interview may use besides the state: config, clock, crypto."""

    config: InterviewConfig
    now: datetime
    encrypt: Callable[[str], str]
    texts: Catalogue = field(default_factory=catalogue)
    followup: FollowupPort | None = None
    alerts: AlertPort | None = None  # subscribing, and answering an alert

    def local(self, moment: datetime | str) -> datetime:
        """A moment (or its ISO text) on the tipster's clock, HOMEWARD_TIMEZONE: the dates
        they read are their own day's, not UTC's."""
        when = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
        return when.astimezone(ZoneInfo(self.config.timezone))

    def t(self, language: str | None, key: str, **params: object) -> str:
        """Catalogue text with the deployment's emergency number always available."""
        params.setdefault("emergency", self.config.emergency_number)
        return self.texts.text(language or "en", key, **params)

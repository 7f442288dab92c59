"""Story helpers for coordinators acting through the triage service layer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from rq import Queue
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage import Report, ReportEvent, Role, session_scope, utcnow
from storage.coordinators import add_coordinator, find_coordinator
from storage.reports import get_report
from triage import dispatch_report, workflow
from triage.blocks import block_tipster, unblock_tipster


class MemorySender:
    """Relay sender that keeps what it would have sent (the in-memory seam for tests)."""

    def __init__(self) -> None:
        self.sent: list[dict[str, str]] = []

    def send_question(self, user_id: str, *, language: str, ref: str, question: str) -> None:
        """Remember the question."""
        self.sent.append(
            {"user_id": user_id, "language": language, "ref": ref, "question": question}
        )


class CoordinatorActor:
    """A named coordinator who acts on tips by reference code."""

    def __init__(
        self, engine: Engine, name: str, role: Role = Role.COORDINATOR, queue: Queue | None = None
    ) -> None:
        self.engine = engine
        self.queue = queue
        self.name = name
        self.now = utcnow()
        with session_scope(engine) as session:
            add_coordinator(session=session, name=name, role=role)

    def _act(self, ref: str, action: str | Callable[..., object], **kwargs: object) -> None:
        with session_scope(self.engine) as session:
            report = get_report(session=session, ref=ref)
            coordinator = find_coordinator(session=session, name=self.name)
            assert report is not None and coordinator is not None
            run = getattr(workflow, action) if isinstance(action, str) else action
            run(session=session, report=report, coordinator=coordinator, **kwargs)
            report_id = report.id or 0
        if self.queue is not None:  # as every interface does after its transaction
            dispatch_report(self.engine, self.queue, report_id)

    def claims(self, ref: str) -> None:
        """Claim a tip."""
        self._act(ref, "claim_tip", now=self.now)

    def notes(self, ref: str, body: str) -> None:
        """Add an internal note."""
        self._act(ref, "add_note", body=body)

    def asks(self, ref: str, question: str) -> None:
        """Ask the tipster a question."""
        self._act(ref, "ask_tipster", question=question, now=self.now)

    def sets_status(self, ref: str, to: str, **kwargs: object) -> None:
        """Change the status."""
        self._act(ref, "change_status", to=to, now=self.now, **kwargs)

    def refers(self, ref: str, **kwargs: object) -> None:
        """Refer the tip."""
        self._act(ref, "refer_tip", now=self.now, **kwargs)

    def blocks(self, ref: str, reason: str) -> None:
        """Block the tip's tipster."""
        self._act(ref, block_tipster, reason=reason, now=self.now)

    def unblocks(self, ref: str) -> None:
        """Lift the block on the tip's tipster."""
        self._act(ref, unblock_tipster, now=self.now)

    def later(self, hours: float) -> None:
        """Let time pass."""
        self.now += timedelta(hours=hours)


def tip(engine: Engine, ref: str) -> Report:
    """The report as stored now."""
    with Session(engine) as session:
        report = get_report(session=session, ref=ref)
        assert report is not None
        return report


def event_log(engine: Engine, ref: str) -> list[tuple[str, str]]:
    """(actor, action) of every event of a tip, in order."""
    with Session(engine) as session:
        report = get_report(session=session, ref=ref)
        assert report is not None
        events = session.exec(select(ReportEvent).where(ReportEvent.report_id == report.id))
        return [(e.actor, e.action) for e in events]


def keyed_at_the_terminal(engine: Engine, ref: str) -> str:
    """Make a tip one a hotline operator keyed in: no chat to ask the tipster back through."""
    with session_scope(engine) as session:
        report = get_report(session=session, ref=ref)
        assert report is not None
        report.channel, report.tipster_ref = "console", None
    return ref

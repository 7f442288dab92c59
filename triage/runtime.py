"""What jobs need in the worker process: the database and the notifier, set at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rq import Queue
from sqlalchemy.engine import Engine

from handlers import Intake, InterviewConfig
from storage import FieldCipher, make_engine
from triage.notify import LogNotifier, Notifier

if TYPE_CHECKING:
    from triage.media import MediaFetcher
    from triage.relay_jobs import RelaySender

__all__ = ["Runtime", "configure", "current"]


@dataclass
class Runtime:
    """Per-process resources for jobs; the engine and its pool serve job after job."""

    database_url: str
    notifier: Notifier = field(default_factory=LogNotifier)
    fetchers: dict[str, MediaFetcher] = field(default_factory=dict)
    senders: dict[str, RelaySender] = field(default_factory=dict)
    cipher: FieldCipher | None = None
    media_dir: str = ".homeward/media"
    max_media_bytes: int = 20 * 1024 * 1024
    match_notify_score: float = 0.5  # MATCH_NOTIFY_SCORE: coordinators told from this score
    imminent_escalate_minutes: int = 15  # IMMINENT_ESCALATE_MINUTES: then the leads are told
    # Where jobs run the interview themselves (WeChat's late replies): its settings, and the
    # queue its reports' follow-up work goes to (whose Redis such jobs also use).
    interview: InterviewConfig | None = None
    queue: Queue | None = None
    _engine: Engine | None = None
    _pid: int = 0

    @property
    def engine(self) -> Engine:
        """The engine; in a forked work-horse, with a pool of its own (never the parent's)."""
        if self._engine is None:
            self._engine, self._pid = make_engine(self.database_url), os.getpid()
        elif self._pid != os.getpid():
            # SQLAlchemy's pattern for os.fork(): a new, empty pool, and the parent's
            # connections left alone (closing them would close them for the parent too).
            self._engine.dispose(close=False)
            self._pid = os.getpid()
        return self._engine

    def intake(self) -> Intake:
        """The interview on this process's engine, queueing follow-up work as the web's does."""
        from triage.queue import queued_intake  # the queue's jobs use this module

        if self.interview is None or self.queue is None or self.cipher is None:
            raise RuntimeError("no interview in this runtime: start jobs with `homeward worker`")
        return queued_intake(
            engine=self.engine, cipher=self.cipher, config=self.interview, queue=self.queue
        )


_current: Runtime | None = None


def configure(runtime: Runtime) -> None:
    """Set the runtime jobs in this process use."""
    global _current
    _current = runtime


def current() -> Runtime:
    """The configured runtime; jobs fail clearly if the worker was started without one."""
    if _current is None:
        raise RuntimeError("triage runtime not configured: start jobs with `homeward worker`")
    return _current

"""Story helpers for alerts: neighbours who subscribe, a family's case, a lead who publishes,
and the worker that sends (through a platform's real sender or a memory one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import redis
from rq import Queue, SimpleWorker
from rq.job import Job
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage import (
    AlertDelivery,
    DeliveryKind,
    FieldCipher,
    RegistryEntry,
    Role,
    session_scope,
    utcnow,
)
from storage.coordinators import add_coordinator, find_coordinator
from storage.registry_log import registry_photos
from storage.registry_search import get_entry
from triage import Runtime, configure
from triage.alerts import (
    ALERT_QUEUE,
    AlertDeliveryConfig,
    AlertMessage,
    AlertSender,
    area_around,
    area_from_text,
    close_alert,
    configure_alert_delivery,
    enqueue_fanout,
    publish_alert,
    subscribe,
    unsubscribe,
)
from triage.registry_edit import add_photo, remove_photo

SHANGHAI = ZoneInfo("Asia/Shanghai")
GUANGZHOU = (23.13, 113.26)
DONGGUAN = (23.02, 113.75)
SHENZHEN = (22.54, 114.06)
BEIJING = (39.90, 116.40)
CHENGDU = (30.66, 104.07)


class MemoryAlertSender:
    """An AlertSender that keeps what it would have sent (and can be told to refuse)."""

    def __init__(self) -> None:
        self.sent: list[AlertMessage] = []
        self.blocked: set[str] = set()

    def send_alert(self, message: AlertMessage) -> None:
        """Remember the message, or refuse it as a blocked bot would be."""
        from triage.alerts.delivery import DeliveryRefused

        if message.user_id in self.blocked:
            raise DeliveryRefused("telegram: Forbidden: bot was blocked by the user")
        self.sent.append(message)

    def received_by(self, user_id: str) -> list[AlertMessage]:
        """What one user was sent."""
        return [m for m in self.sent if m.user_id == user_id]


@dataclass
class AlertsWorld:
    """A deployment with subscribers, a registry, a lead and an alert worker."""

    engine: Engine
    cipher: FieldCipher
    redis: redis.Redis
    database_url: str
    senders: dict[str, AlertSender] = field(default_factory=dict)
    media_dir: Path | None = None  # where registry photos are kept (the worker reads them)

    def __post_init__(self) -> None:
        media = {"media_dir": str(self.media_dir)} if self.media_dir else {}
        configure(Runtime(database_url=self.database_url, cipher=self.cipher, **media))
        self.queue = Queue(ALERT_QUEUE, connection=self.redis)
        self.configure_senders(self.senders)

    def configure_senders(self, senders: dict[str, AlertSender]) -> None:
        """Use these senders in the fan-out (a high pace: the tests don't wait on Telegram's)."""
        self.senders = senders
        configure_alert_delivery(
            AlertDeliveryConfig(redis=self.redis, senders=senders, per_second=1000.0)
        )

    def neighbour_near(
        self, user_id: str, point: tuple[float, float], radius_km: int = 100, **kw: str
    ) -> None:
        """A subscriber who shared their location and chose a radius."""
        self._subscribe(user_id, area_around(*point, radius_km), **kw)

    def neighbour_of(self, user_id: str, places: str, **kw: str) -> None:
        """A subscriber who typed provinces or cities."""
        area = area_from_text(places)
        assert area is not None, places
        self._subscribe(user_id, area, **kw)

    def _subscribe(
        self, user_id: str, area: object, platform: str = "telegram", language: str = "zh_CN"
    ) -> None:
        with session_scope(self.engine) as session:
            subscribe(
                session=session,
                cipher=self.cipher,
                platform=platform,
                user_id=user_id,
                language=language,
                area=area,  # type: ignore[arg-type]
            )

    def unsubscribes(self, user_id: str, platform: str = "telegram") -> None:
        """A subscriber stops every alert."""
        with session_scope(self.engine) as session:
            unsubscribe(session=session, cipher=self.cipher, platform=platform, user_id=user_id)

    def family_case(
        self,
        case_id: str = "BBH-2026-0001",
        *,
        place: str = "广东省广州市白云区",
        missing: date = date(2026, 11, 20),
        home: str | None = "广东",
        dialect: str | None = "粤语",
        born: date = date(2020, 5, 1),
        marks: str = "右眉上有一颗痣",
    ) -> str:
        """A family's registry entry."""
        with session_scope(self.engine) as session:
            session.add(
                RegistryEntry(
                    case_id=case_id,
                    kind="family_seeking_child",
                    name="陈小明",
                    sex="M",
                    birth_date=born,
                    missing_date=missing,
                    missing_place=place,
                    home_province=home,
                    dialect=dialect,
                    marks=marks,
                )
            )
        return case_id

    def family_photo(self, case_id: str, photo: bytes) -> None:
        """The family's photo of the child, added to the entry as the dashboard does."""
        assert self.media_dir is not None, "give the world a media_dir for photos"
        with session_scope(self.engine) as session:
            entry = get_entry(session=session, case_id=case_id)
            assert entry is not None
            add_photo(
                session=session,
                entry=entry,
                data=photo,
                cipher=self.cipher,
                media_dir=self.media_dir,
                actor="lin",
            )

    def removes_photos(self, case_id: str) -> None:
        """The entry's photos are removed (the family withdrew them), as the dashboard does."""
        with session_scope(self.engine) as session:
            entry = get_entry(session=session, case_id=case_id)
            assert entry is not None
            for photo in registry_photos(session=session, entry_id=entry.id or 0):
                gone = remove_photo(
                    session=session, entry=entry, photo_id=photo.id or 0, actor="lin"
                )
                assert gone is not None

    def lead(self, name: str = "lin") -> str:
        """A lead on the allow-list."""
        with session_scope(self.engine) as session:
            add_coordinator(session=session, name=name, role=Role.LEAD)
        return name

    def publishes(
        self, case_id: str, *, by: str = "lin", now: datetime | None = None, photo: bool = False
    ) -> int:
        """A lead publishes the case's alert and the fan-out is queued; the alert id."""
        with session_scope(self.engine) as session:
            alert, _ = publish_alert(
                session=session,
                case_id=case_id,
                coordinator=find_coordinator(session=session, name=by),
                name=by,
                consent="母亲电话同意，2026-12-06",
                photo=photo,
                now=now or utcnow(),
                tz=SHANGHAI,
            )
            alert_id = alert.id or 0
        enqueue_fanout(self.queue, alert_id, DeliveryKind.ALERT)
        return alert_id

    def closes(self, alert_id: int, *, by: str = "lin", found: bool = True) -> None:
        """A lead closes the alert; the closing notes are queued."""
        with session_scope(self.engine) as session:
            close_alert(
                session=session,
                alert_id=alert_id,
                coordinator=find_coordinator(session=session, name=by),
                name=by,
                found=found,
                now=utcnow(),
            )
        enqueue_fanout(self.queue, alert_id, DeliveryKind.CLOSED)

    def worker_runs(self) -> None:
        """The worker works the alert queue until it is empty."""
        SimpleWorker([self.queue], connection=self.redis).work(burst=True)

    def retries_come_due(self) -> int:
        """rq's retries of the failed jobs are due now (rq waits 10 s and more before them):
        queued again as its scheduler would; how many."""
        registry = self.queue.scheduled_job_registry
        due = Job.fetch_many(registry.get_job_ids(), connection=self.redis)
        for job in filter(None, due):
            self.queue.enqueue_job(job)
            registry.remove(job)
        return len(due)

    def deliveries(self, alert_id: int) -> list[AlertDelivery]:
        """The alert's outbox rows, nearest first."""
        with Session(self.engine) as session:
            statement = select(AlertDelivery).where(AlertDelivery.alert_id == alert_id)
            return list(session.exec(statement.order_by(AlertDelivery.kind, AlertDelivery.rank)))

"""Two tipsters report the sample registry's boy: the worker proposes a match and a link."""

from __future__ import annotations

from rq import SimpleWorker
from sqlmodel import Session, select

from storage import Report, SameChildLink
from tests.stories import Tipster
from tests.triage.test_registry import SAMPLE, load, sighting
from triage import MemoryNotifier, Runtime, configure


def two_sightings_of_the_sample_boy(
    engine, intake, cipher, queue, redis_client, database_url
) -> tuple[str, str]:
    """Both tips' references, oldest first, once the worker has matched and linked them."""
    load(engine, SAMPLE.read_text(encoding="utf-8"))
    configure(Runtime(database_url=database_url, notifier=MemoryNotifier(), cipher=cipher))
    for user, age in (("t1", "11"), ("t2", "10")):
        sighting(
            Tipster(intake, user_id=user, language_hint="zh"),
            place="东莞市长安镇车站",
            names_given="李涌",
            dialect="四川话",
            age=age,
            marks="左脸有红色胎记",
        )
    SimpleWorker([queue], connection=redis_client).work(burst=True)
    with Session(engine) as session:
        refs = [r.ref for r in session.exec(select(Report).order_by(Report.id))]
        assert session.exec(select(SameChildLink)).all(), "the worker proposed no link"
    return refs[0], refs[1]

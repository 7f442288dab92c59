"""A lead publishes a case alert from the registry entry's page: a preview in both languages,
the family's consent required, recorded in the entry's log; and closes it."""

from __future__ import annotations

import pytest
from rq import Queue

from storage import Role, session_scope
from storage.registry_log import RegistryAction, registry_events
from storage.registry_search import get_entry
from tests.bot.dashboard_helpers import Clock, DashboardUser, dashboard_app, enlist, settings_for
from tests.bot.telegram_helpers import make_services
from tests.triage.alerts_world import DONGGUAN, AlertsWorld
from triage.alerts import ALERT_QUEUE


@pytest.fixture
def app(database_url, secret_key, data_dir, engine, cipher, redis_client, queue, intake):
    settings = settings_for(database_url, secret_key, data_dir)
    svc = make_services(
        settings, engine=engine, cipher=cipher, redis_client=redis_client, queue=queue,
        intake=intake,
    )  # fmt: skip
    return dashboard_app(svc, Clock())


@pytest.fixture
def world(engine, cipher, redis_client, database_url) -> AlertsWorld:
    return AlertsWorld(engine, cipher, redis_client, database_url)


def signed_in(app, engine, name: str, role: Role) -> DashboardUser:
    enlist(engine, name, role)
    user = DashboardUser(app, name)
    assert user.signs_in().status_code == 303
    return user


def log_of(engine, case_id: str) -> list[tuple[str, str, dict]]:
    with session_scope(engine) as session:
        entry = get_entry(session=session, case_id=case_id)
        assert entry is not None and entry.id is not None
        return [
            (e.actor, e.action, e.detail)
            for e in registry_events(session=session, entry_id=entry.id)
        ]


def test_a_lead_previews_publishes_with_consent_and_closes_a_case_alert(
    app, engine, world, redis_client
) -> None:
    world.neighbour_near("5550001", DONGGUAN)
    case_id = world.family_case()
    lena = signed_in(app, engine, "lena", Role.LEAD)
    carol = signed_in(app, engine, "carol", Role.COORDINATOR)

    assert "publish-alert-link" in lena.opens(f"/registry/{case_id}").text
    assert "publish-alert-link" not in carol.opens(f"/registry/{case_id}").text
    assert carol.opens(f"/registry/{case_id}/alert").status_code == 403

    page = lena.opens(f"/registry/{case_id}/alert").text
    assert "走失儿童，请帮忙留意" in page or "案件 BBH-2026-0001" in page  # the Chinese text
    assert "Missing child, please look out (case BBH-2026-0001)" in page  # and the English
    assert "Subscribers it would reach: 1" in page or "将发送给 1 位订阅者" in page
    assert "This entry has no photo" in page or "该档案没有照片" in page

    refused = lena.posts(f"/registry/{case_id}/alert", consent="")
    assert refused.status_code == 400 and "publish-error" in refused.text
    published = lena.posts(f"/registry/{case_id}/alert", consent="母亲电话同意，2026-12-07")
    assert published.status_code == 303
    assert Queue(ALERT_QUEUE, connection=redis_client).count == 1  # the fan-out is queued
    page = lena.opens(f"/registry/{case_id}/alert").text
    assert "close-alert" in page and "母亲电话同意" in page

    ((actor, action, detail),) = [e for e in log_of(engine, case_id) if e[1].startswith("alert")]
    assert (actor, action) == ("lena", RegistryAction.ALERT_PUBLISHED)
    assert detail["reason"] == "母亲电话同意，2026-12-07" and detail["photo"] is False
    alert_id = detail["alert_id"]

    closed = lena.posts(f"/registry/{case_id}/alert/{alert_id}/close", found="yes")
    assert closed.status_code == 303
    actions = [(e[0], e[1]) for e in log_of(engine, case_id) if e[1].startswith("alert")]
    assert actions[-1] == ("lena", RegistryAction.ALERT_CLOSED)
    assert "publish-alert" in lena.opens(f"/registry/{case_id}/alert").text  # a new one may go

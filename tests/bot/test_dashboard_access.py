"""Who may open what: every dashboard route, for a stranger and for each role."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select
from starlette.applications import Starlette

from bot.dashboard import ROUTES
from bot.web import configured_channels, create_app
from storage import Attachment, Role
from storage.coordinators import allow_list_changes
from tests.bot.dashboard_helpers import (
    Clock,
    DashboardUser,
    dashboard_app,
    enlist,
    report_sighting,
    settings_for,
)
from tests.bot.telegram_helpers import make_services

RANK = {Role.COORDINATOR: 0, Role.LEAD: 1, Role.ADMIN: 2}


@pytest.fixture
def svc(database_url, secret_key, data_dir, engine, cipher, redis_client, queue, intake):
    settings = settings_for(database_url, secret_key, data_dir)
    return make_services(
        settings,
        engine=engine,
        cipher=cipher,
        redis_client=redis_client,
        queue=queue,
        intake=intake,
    )


@pytest.fixture
def app(svc) -> Starlette:
    return dashboard_app(svc, Clock())


@pytest.fixture
def tip(tipster, engine) -> dict[str, str]:
    """Path parameters naming a real tip and its attachment (and a registry case)."""
    ref = report_sighting(tipster)
    with Session(engine) as session:
        attachment = session.exec(select(Attachment)).one()
    # Registry routes answer 404 for a case or photo that isn't there, which is enough here.
    names = {"case_id": "NO-SUCH", "photo_id": "1", "alert_id": "1"}
    return {"ref": ref, "attachment_id": str(attachment.id), **names}


def concrete(path: str, tip: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: tip[m.group(1)], path)


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, _, _ in ROUTES])
def test_a_stranger_is_sent_to_sign_in_from_every_route(app, tip, method, path):
    stranger = DashboardUser(app)
    url = concrete(path, tip)

    response = stranger.opens(url) if method == "GET" else stranger.posts(url)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/dashboard/login?next=")


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_exactly_the_routes_its_rank_allows(app, engine, tip, role):
    enlist(engine, "someone", role)
    enlist(engine, "other")
    user = DashboardUser(app, "someone")
    assert user.signs_in().status_code == 303

    for method, path, _, least in ROUTES:
        url = concrete(path, tip)
        response = user.opens(url) if method == "GET" else user.posts(url, to="other")
        where = f"{method} {path} as {role}"
        if RANK[role] >= RANK[least]:
            assert response.status_code != 403, where
            assert "/login" not in response.headers.get("location", ""), where
        else:
            assert response.status_code == 403, where
            assert "Only" in response.text or "只有" in response.text, where


def test_a_coordinator_cannot_reassign_but_a_lead_can(app, engine, tip):
    enlist(engine, "carol")
    enlist(engine, "lena", Role.LEAD)
    carol, lena = DashboardUser(app, "carol"), DashboardUser(app, "lena")
    carol.signs_in()
    lena.signs_in()
    carol.claims(tip["ref"])

    assert carol.posts(f"/tips/{tip['ref']}/reassign", to="lena").status_code == 403
    assert "reassign-to" not in carol.opens(f"/tips/{tip['ref']}").text

    assert lena.posts(f"/tips/{tip['ref']}/reassign", to="carol").status_code == 303
    page = lena.opens(f"/tips/{tip['ref']}").text
    assert "reassign-to" in page and "carol" in page


def test_only_an_admin_manages_coordinators(app, engine):
    enlist(engine, "ada", Role.ADMIN)
    enlist(engine, "lena", Role.LEAD)
    ada, lena = DashboardUser(app, "ada"), DashboardUser(app, "lena")
    ada.signs_in()
    lena.signs_in()

    assert lena.opens("/admin").status_code == 403
    assert lena.posts("/admin/coordinators", name="mallory", role="admin").status_code == 403
    assert "mallory" not in ada.opens("/admin").text

    ada.posts(
        "/admin/coordinators", name="newbie", role="coordinator", password="a long passphrase"
    )
    assert "newbie" in ada.opens("/admin").text
    newbie = DashboardUser(app, "newbie")
    assert newbie.signs_in("a long passphrase").status_code == 303
    ada.posts("/admin/coordinators", name="newbie", role="lead")

    ada.posts("/admin/coordinators/remove", name="newbie")
    assert newbie.opens("/").status_code == 303  # removed: the session ends at once
    assert ada.posts("/admin/coordinators/remove", name="ada").status_code == 303
    assert "ada" in ada.opens("/admin").text  # nobody removes themselves
    with Session(engine) as session:
        changes = [(c.actor, c.action, c.name) for c in allow_list_changes(session=session)]
    assert changes[-3:] == [  # every change names the admin who made it
        ("ada", "added", "newbie"),
        ("ada", "role_changed", "newbie"),
        ("ada", "removed", "newbie"),
    ]


def test_the_web_app_serves_the_dashboard_with_no_channel_configured(svc, caplog):
    channels = configured_channels(svc)

    assert channels == []
    assert "no channel configured" in caplog.text
    stranger = DashboardUser(create_app(svc, channels))
    response = stranger.opens("/")
    assert response.status_code == 303 and "/dashboard/login" in response.headers["location"]
    assert stranger.opens("/login").status_code == 200

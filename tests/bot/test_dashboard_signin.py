"""Signing in: passwords, CSRF, session cookies that expire, the password command (throttling:
test_dashboard_throttle.py)."""

from __future__ import annotations

import logging

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select
from starlette.applications import Starlette

from bot.cli import cli
from storage import Coordinator, LoginAttempt, Role
from tests.bot.dashboard_helpers import (
    PASSWORD,
    Clock,
    DashboardUser,
    dashboard_app,
    enlist,
    report_sighting,
)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(dashboard_svc, clock):
    return dashboard_app(dashboard_svc, clock)


@pytest.fixture
def alice(app: Starlette, engine) -> DashboardUser:
    enlist(engine, "alice")
    return DashboardUser(app, "alice")


def attempts(engine) -> list[LoginAttempt]:
    with Session(engine) as session:
        return list(session.exec(select(LoginAttempt)))


def test_signing_in_sets_a_strict_http_only_cookie_and_goes_where_she_was_going(alice):
    assert (
        alice.opens("/overview").headers["location"] == "/dashboard/login?next=/dashboard/overview"
    )
    alice.opens("/login", next="/dashboard/overview")

    response = alice.posts("/login", name="alice", password=PASSWORD, next="/dashboard/overview")

    assert response.status_code == 303 and response.headers["location"] == "/dashboard/overview"
    cookie = response.headers["set-cookie"].lower()
    for flag in (
        "homeward_dashboard=",
        "httponly",
        "samesite=strict",
        "path=/dashboard",
        "max-age=",
    ):
        assert flag in cookie
    page = alice.follow(response)
    assert page.status_code == 200 and "alice" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


def test_a_wrong_password_is_refused_and_recorded_without_names(alice, engine, caplog):
    caplog.set_level(logging.INFO)

    response = alice.signs_in("not the password")

    assert response.status_code == 401
    assert "don't match" in response.text or "不正确" in response.text
    assert alice.opens("/").status_code == 303
    [by_name, by_address, by_both] = attempts(engine)
    assert by_name.outcome == by_address.outcome == by_both.outcome == "refused"
    assert by_name.key.startswith("name:") and "alice" not in by_name.key
    assert by_both.key.startswith("pair:") and "testclient" not in by_both.key
    assert "alice" not in caplog.text and "sign-in refused" in caplog.text


def test_an_unknown_name_and_a_coordinator_without_password_are_refused_alike(app, engine):
    enlist(engine, "nopass", password=False)
    for name in ("nobody", "nopass"):
        assert DashboardUser(app, name).signs_in().status_code == 401


def test_forms_without_the_right_csrf_token_are_refused(alice, tipster):
    ref = report_sighting(tipster)
    assert alice.posts("/login", csrf=False, name="alice", password=PASSWORD).status_code == 403
    alice.signs_in()

    assert alice.posts(f"/tips/{ref}/claim", csrf=False).status_code == 403
    alice.token = "forged"
    refused = alice.posts(f"/tips/{ref}/note", body="hello")
    assert refused.status_code == 403
    assert "expired" in refused.text or "过期" in refused.text
    alice.opens("/")
    assert alice.claims(ref).status_code == 303
    assert alice.posts("/logout", csrf=False).status_code == 403


def test_a_session_ends_after_idle_time_and_after_its_lifetime(alice, clock):
    alice.signs_in()
    clock.advance(minutes=29)
    assert alice.opens("/").status_code == 200
    clock.advance(minutes=31)
    assert alice.opens("/").headers["location"].startswith("/dashboard/login")

    alice.signs_in()
    for _ in range(25):  # busy all day: never idle, but the session still ends at 12 hours
        clock.advance(minutes=29)
        response = alice.opens("/")
    assert response.status_code == 303


def test_the_background_refresh_does_not_keep_a_session_alive(alice, clock):
    alice.signs_in()
    for _ in range(3):
        clock.advance(minutes=9)
        assert alice.opens("/queue/rows").status_code == 200
    clock.advance(minutes=9)
    assert alice.opens("/queue/rows").status_code == 303  # the page's script then reloads


def test_signing_out_ends_the_session(alice):
    alice.signs_in()
    response = alice.posts("/logout")

    assert response.headers["location"] == "/dashboard/login?bye=1"
    assert "你已退出登录" in alice.follow(response).text
    assert alice.opens("/").status_code == 303


def test_changing_a_password_ends_earlier_sessions(alice, database_url):
    alice.signs_in()
    runner = CliRunner(env={"DATABASE_URL": database_url})

    result = runner.invoke(
        cli, ["coordinators", "set-password", "alice"], input="a new passphrase\n"
    )

    assert result.exit_code == 0, result.output
    assert "a new passphrase" not in result.output
    assert alice.opens("/").status_code == 303
    assert alice.signs_in().status_code == 401
    assert alice.signs_in("a new passphrase").status_code == 303


def test_the_password_command_refuses_short_passwords_and_unknown_names(engine, database_url):
    runner = CliRunner(env={"DATABASE_URL": database_url})
    enlist(engine, "dan", Role.LEAD, password=False)

    short = runner.invoke(cli, ["coordinators", "set-password", "dan"], input="short\n")
    unknown = runner.invoke(cli, ["coordinators", "set-password", "eve"], input="long enough pw\n")
    fine = runner.invoke(cli, ["coordinators", "set-password", "dan"], input="long enough pw\n")

    assert short.exit_code == 1 and "at least 10 characters" in short.output
    assert unknown.exit_code == 1 and "not on the coordinator allow-list" in unknown.output
    assert fine.exit_code == 0
    with Session(engine) as session:
        dan = session.exec(select(Coordinator).where(Coordinator.name == "dan")).one()
    assert dan.password_hash and dan.password_hash.startswith("$argon2id$")


def test_the_sign_in_page_only_sends_people_back_into_the_dashboard(alice):
    alice.opens("/login")
    response = alice.posts("/login", name="alice", password=PASSWORD, next="https://evil.example/")
    assert response.headers["location"] == "/dashboard/"


def test_the_language_is_chosen_from_the_browser_and_switched_in_the_session(alice):
    alice.client.headers["accept-language"] = "en-GB,en;q=0.9"
    assert "Sign in" in alice.opens("/login").text
    alice.signs_in()

    alice.posts("/language", lang="zh_CN", back="/dashboard/overview")
    page = alice.opens("/overview")

    assert 'lang="zh-CN"' in page.text and "概览" in page.text

"""Signing in: passwords, throttling, CSRF, session cookies that expire, the password command."""

from __future__ import annotations

import logging

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select
from starlette.applications import Starlette

from bot.cli import cli
from bot.dashboard import DashboardOptions
from bot.web import create_app
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


def test_repeated_failures_for_a_name_from_one_address_are_throttled_until_the_window_passes(
    alice, app, clock
):
    for _ in range(5):
        assert alice.signs_in("guess").status_code == 401

    assert alice.signs_in().status_code == 429  # even the right password, from here, for now
    same_address = DashboardUser(app, "alice")
    assert same_address.signs_in().status_code == 429

    clock.advance(minutes=16)
    assert alice.signs_in().status_code == 303


def test_a_stranger_guessing_her_name_does_not_lock_the_owner_out(app, engine, clock):
    enlist(engine, "alice")
    stranger = DashboardUser(app, "alice", address="127.0.0.2")
    answers = [stranger.signs_in(f"guess {n}").status_code for n in range(50)]
    assert answers == [401] * 5 + [429] * 45  # that address stops getting answers for her…

    alice = DashboardUser(app, "alice", address="127.0.0.3")
    assert alice.signs_in().status_code == 303  # …and she signs in from hers, at once
    assert alice.opens("/").status_code == 200
    assert max(clock.pauses) <= 15  # answers about her name were slowed, never refused


def test_guesses_for_a_name_from_many_addresses_are_answered_slower_and_slower(app, engine, clock):
    enlist(engine, "alice")
    for n in range(8):
        DashboardUser(app, "alice", address=f"198.51.100.{n}").signs_in("guess")
    assert clock.pauses == [1, 2, 4, 8, 15]  # from the 3rd failure on, capped

    assert DashboardUser(app, "alice", address="127.0.0.3").signs_in().status_code == 303
    assert len(clock.pauses) == 6  # the owner waited too, as anyone asking about her name does
    DashboardUser(app, "alice", address="198.51.100.9").signs_in("guess")
    assert len(clock.pauses) == 6  # her success reset the count: no wait for the next one


def test_throttling_counts_the_visitor_behind_the_proxy_and_ignores_forged_headers(
    dashboard_svc, engine, clock
):
    enlist(engine, "alice")
    options = DashboardOptions(clock=clock, pause=clock.pause)
    web = create_app(dashboard_svc, [], dashboard=options)  # trusts only a proxy on 127.0.0.1
    stranger = DashboardUser(web, "alice", address="203.0.113.9")  # straight in, no proxy
    answers = []
    for n in range(6):
        stranger.client.headers["x-forwarded-for"] = f"127.0.0.{n + 10}"
        answers.append(stranger.signs_in("guess").status_code)
    assert answers == [401] * 5 + [429]  # a new forged address each time bought nothing

    guesser, alice = (
        DashboardUser(web, "alice", "127.0.0.1"),
        DashboardUser(web, "alice", "127.0.0.1"),
    )
    guesser.client.headers["x-forwarded-for"] = "198.51.100.1"
    alice.client.headers["x-forwarded-for"] = "198.51.100.2"
    for _ in range(5):
        guesser.signs_in("guess")
    assert guesser.signs_in().status_code == 429
    assert alice.signs_in().status_code == 303  # the proxy's other visitor is not held up


def test_a_new_password_or_an_admin_lets_a_locked_out_name_sign_in_again(
    app, engine, database_url, clock
):
    enlist(engine, "alice")
    enlist(engine, "ada", Role.ADMIN)
    office = "127.0.0.3"  # a stranger guessing from behind the same office address
    for _ in range(5):
        DashboardUser(app, "alice", address=office).signs_in("guess")
    assert DashboardUser(app, "alice", address=office).signs_in().status_code == 429

    result = CliRunner(env={"DATABASE_URL": database_url}).invoke(
        cli, ["coordinators", "set-password", "alice"], input="a new passphrase\n"
    )
    assert result.exit_code == 0 and "forgotten" in result.output
    alice = DashboardUser(app, "alice", address=office)
    assert alice.signs_in("a new passphrase").status_code == 303

    clock.advance(minutes=1)  # past the command's own clock
    for _ in range(5):
        DashboardUser(app, "alice", address=office).signs_in("guess")
    assert alice.signs_in("a new passphrase").status_code == 429
    ada = DashboardUser(app, "ada")
    ada.signs_in()
    page = ada.follow(ada.posts("/admin/coordinators/unlock", name="alice"))
    assert "can sign in again" in page.text or "可以重新登录" in page.text
    assert alice.signs_in("a new passphrase").status_code == 303


def test_repeated_failures_from_one_address_are_throttled_for_every_name(app, engine):
    enlist(engine, "bob")
    scanner = DashboardUser(app)
    for index in range(19):
        assert scanner.signs_in("guess", name=f"user{index}").status_code == 401
    assert DashboardUser(app, "bob").signs_in().status_code == 303  # a valid account…
    assert scanner.signs_in("guess", name="user19").status_code == 401

    # …doesn't reset the address's count (every test client has the same address)
    assert DashboardUser(app, "bob").signs_in().status_code == 429


def test_a_success_clears_the_count_of_earlier_failures(alice):
    for _ in range(4):
        alice.signs_in("typo")
    assert alice.signs_in().status_code == 303
    for _ in range(4):
        alice.signs_in("typo")
    assert alice.signs_in().status_code == 303


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


def test_the_unlock_command_forgets_a_names_failures(alice, app, database_url, clock):
    clock.advance(minutes=-1)  # before the command's own clock
    for _ in range(5):
        alice.signs_in("guess")
    assert alice.signs_in().status_code == 429
    runner = CliRunner(env={"DATABASE_URL": database_url})

    assert runner.invoke(cli, ["coordinators", "unlock", "alice"]).exit_code == 0
    assert alice.signs_in().status_code == 303
    unknown = runner.invoke(cli, ["coordinators", "unlock", "nobody"])
    assert unknown.exit_code == 1 and "not on the coordinator allow-list" in unknown.output

"""Sign-in throttling: a guesser is slowed and then stopped, the name's owner still gets in."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from starlette.applications import Starlette

from bot.cli import cli
from bot.dashboard import DashboardOptions
from bot.web import create_app
from storage import Role
from tests.bot.dashboard_helpers import Clock, DashboardUser, dashboard_app, enlist


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(dashboard_svc, clock) -> Starlette:
    return dashboard_app(dashboard_svc, clock)


@pytest.fixture
def alice(app: Starlette, engine) -> DashboardUser:
    enlist(engine, "alice")
    return DashboardUser(app, "alice")


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

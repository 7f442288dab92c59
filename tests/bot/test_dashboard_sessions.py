"""Ending sessions: every way a person's sessions end refuses a copied cookie on the next request."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner
from starlette.applications import Starlette

from bot.cli import cli
from storage import Role
from tests.bot.dashboard_helpers import Clock, DashboardUser, dashboard_app, enlist, report_sighting


@pytest.fixture
def app(dashboard_svc) -> Starlette:
    return dashboard_app(dashboard_svc, Clock())


@pytest.fixture
def ada(app, engine) -> DashboardUser:
    enlist(engine, "ada", Role.ADMIN)
    admin = DashboardUser(app, "ada")
    admin.signs_in()
    return admin


def run_cli(database_url: str, *args: str, stdin: str = "") -> None:
    result = CliRunner(env={"DATABASE_URL": database_url}).invoke(cli, list(args), input=stdin)
    assert result.exit_code == 0, result.output


ENDINGS: dict[str, Callable[..., object]] = {
    "she signs out": lambda alice, ada, url: alice.posts("/logout"),
    "a new password (command)": lambda alice, ada, url: run_cli(
        url, "coordinators", "set-password", "alice", stdin="a new passphrase\n"
    ),
    "a new password (admin)": lambda alice, ada, url: ada.posts(
        "/admin/coordinators", name="alice", role="coordinator", password="a new passphrase"
    ),
    "a new role": lambda alice, ada, url: ada.posts(
        "/admin/coordinators", name="alice", role="lead"
    ),
    "removed from the list": lambda alice, ada, url: ada.posts(
        "/admin/coordinators/remove", name="alice"
    ),
    "an admin ends her sessions": lambda alice, ada, url: ada.posts(
        "/admin/coordinators/end-sessions", name="alice"
    ),
    "the end-sessions command": lambda alice, ada, url: run_cli(
        url, "coordinators", "end-sessions", "alice"
    ),
}


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_a_copied_cookie_is_refused_as_soon_as_her_sessions_end(
    app, engine, ada, tipster, database_url, ending
):
    ref = report_sighting(tipster)
    enlist(engine, "alice")
    alice, on_her_phone = DashboardUser(app, "alice"), DashboardUser(app, "alice")
    alice.signs_in()
    on_her_phone.signs_in()
    assert alice.opens(f"/tips/{ref}").status_code == 200
    copy = alice.copied()
    assert copy.opens(f"/tips/{ref}").status_code == 200  # a copy works like the original…

    ENDINGS[ending](alice, ada, database_url)

    for browser in (copy, on_her_phone, alice):  # …until her sessions end, every one of them
        page = browser.opens(f"/tips/{ref}")
        assert page.status_code == 303 and "/dashboard/login" in page.headers["location"]
    revealed = copy.posts(f"/tips/{ref}/reveal", reason="checking the number")
    assert revealed.status_code in (303, 403) and "138" not in revealed.text
    assert ada.opens("/").status_code == 200  # nobody else was signed out


def test_signing_in_again_after_signing_out_works_and_the_old_copy_stays_refused(app, engine):
    enlist(engine, "alice")
    alice = DashboardUser(app, "alice")
    alice.signs_in()
    copy = alice.copied()
    alice.posts("/logout")

    assert alice.signs_in().status_code == 303
    assert alice.opens("/").status_code == 200
    assert copy.opens("/").status_code == 303


def test_the_end_sessions_command_refuses_unknown_names(database_url, engine):
    result = CliRunner(env={"DATABASE_URL": database_url}).invoke(
        cli, ["coordinators", "end-sessions", "nobody"]
    )
    assert result.exit_code == 1 and "not on the coordinator allow-list" in result.output

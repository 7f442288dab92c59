"""End to end: a coordinator works a fresh tip in headless Chromium against `homeward serve`.

The server is a real `homeward serve` process (uvicorn) on the test database and Redis, with
no messaging channel configured; tips come through the real interview in this process.
Screenshots of the queue and of a tip page are saved in test-artifacts/.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rq import SimpleWorker
from sqlmodel import Session, select

from storage import Note
from tests.bot.dashboard_helpers import (
    PASSWORD,
    enlist,
    latin_lines,
    report_sighting,
    report_with_pin,
)
from tests.conftest import REDIS_URL
from tests.stories import Tipster
from tests.triage.coordinators import CoordinatorActor, MemorySender, event_log
from triage import MemoryNotifier, Runtime, configure

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
START = 60.0
WAIT_MS = 10_000

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(
    database_url: str, secret_key: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`homeward serve` on a free port; its base URL."""
    data_dir = tmp_path_factory.mktemp("serve")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WECHAT_"))}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        HOMEWARD_SECRET_KEY=secret_key,
        HOMEWARD_DATA_DIR=str(data_dir),
        DASHBOARD_REFRESH_SECONDS="1",
        LOG_LEVEL="WARNING",
    )
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port)],
        env=env,
        cwd=data_dir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"homeward serve did not start:\n{process.communicate()[1]}")
        time.sleep(0.1)
    yield base
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    """Headless Chromium from Debian's package."""
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: sync_api.Browser) -> Iterator[sync_api.Page]:
    """A fresh browser profile (no cookies) in English on a laptop screen."""
    context = browser.new_context(
        locale="en-US", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(WAIT_MS)
    yield context.new_page()
    context.close()


def sign_in(page: sync_api.Page, name: str, password: str) -> None:
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def shot(page: sync_api.Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_a_coordinator_works_a_fresh_tip_from_sign_in_to_sign_out(
    server,
    page,
    tipster,
    english_tipster,
    intake,
    engine,
    cipher,
    database_url,
    queue,
    redis_client,
):
    expect = sync_api.expect
    enlist(engine, "alice")
    ref = report_sighting(tipster)  # told through the interview moments before
    other = report_with_pin(english_tipster)

    page.goto(f"{server}/dashboard/")
    expect(page).to_have_url(f"{server}/dashboard/login?next=/dashboard/")
    sign_in(page, "alice", "not my password")
    expect(page.locator("#login-error")).to_contain_text("don't match")
    sign_in(page, "alice", PASSWORD)
    expect(page.locator(f'tr[data-ref="{ref}"]')).to_be_visible()
    expect(page.locator(f'tr[data-ref="{other}"]')).to_be_visible()

    later = Tipster(intake, user_id="tipster-3", language_hint="en")
    newest = report_with_pin(later)  # appears without reloading the page
    expect(page.locator(f'tr[data-ref="{newest}"]')).to_be_visible()

    page.get_by_label("Dialect").select_option("cantonese")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(f'tr[data-ref="{other}"]')).to_have_count(0)
    expect(page.locator("tbody tr")).to_have_count(1)
    shot(page, "dashboard-queue.png")

    page.get_by_role("link", name=ref).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ref)
    page.locator("#claim").click()
    expect(page.get_by_role("status")).to_contain_text("You claimed this tip")
    expect(page.locator("#tip-status")).to_have_text("In review")
    page.get_by_label("Note (never shown to the tipster)").fill("Same van seen at the market")
    page.locator("#add-note").click()
    expect(page.locator("#notes")).to_contain_text("Same van seen at the market")
    page.get_by_label("Question").fill("Which way did the van go?")
    page.locator("#ask-tipster").click()
    expect(page.locator("#thread")).to_contain_text("Which way did the van go?")

    sender = MemorySender()
    configure(
        Runtime(
            database_url, notifier=MemoryNotifier(), senders={"telegram": sender}, cipher=cipher
        )
    )
    SimpleWorker([queue], connection=redis_client).work(burst=True)
    assert [m["question"] for m in sender.sent] == ["Which way did the van go?"]
    assert "alice" not in json.dumps(sender.sent)  # the tipster never learns who asked

    page.get_by_label("New status").select_option("verified")
    page.locator("#change-status").click()
    expect(page.locator("#tip-status")).to_have_text("Verified")
    with page.expect_download() as download:
        page.locator("#export").click()
    package = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert package["ref"] == ref and package["contact"]["phone"] is None
    page.reload()
    expect(page.locator("#thread")).to_contain_text("delivered")
    shot(page, "dashboard-tip.png")

    page.evaluate("document.querySelectorAll('input[name=csrf]').forEach(e => e.remove())")
    page.get_by_label("Note (never shown to the tipster)").fill("forged")
    page.locator("#add-note").click()
    expect(page.locator("#error-message")).to_contain_text("expired")
    with Session(engine) as session:
        assert [n.body for n in session.exec(select(Note))] == ["Same van seen at the market"]

    page.get_by_role("link", name="Overview").click()
    expect(page.locator("#stat-total")).to_have_text("3")
    shot(page, "dashboard-overview.png")
    page.locator("#sign-out").click()
    expect(page).to_have_url(f"{server}/dashboard/login?bye=1")
    page.goto(f"{server}/dashboard/tips/{ref}")
    expect(page).to_have_url(f"{server}/dashboard/login?next=/dashboard/tips/{ref}")
    actions = [action for actor, action in event_log(engine, ref) if actor == "alice"]
    assert actions == [
        "claimed",
        "status_changed",
        "note_added",
        "asked_tipster",
        "status_changed",
        "exported",
    ]


def test_on_a_phone_in_chinese_the_queue_and_a_tip_are_readable(server, browser, tipster, engine):
    enlist(engine, "wang")
    ref = report_sighting(tipster)
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    expect = sync_api.expect

    page.goto(f"{server}/dashboard/")
    page.get_by_label("用户名").fill("wang")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("待处理线索")
    row = page.locator(f'tr[data-ref="{ref}"]')
    expect(row).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    shot(page, "dashboard-queue-phone.png")

    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=2, name="举报人的原始回答")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "dashboard-tip-phone.png")
    context.close()


SIGN_IN = {"zh-CN": ("用户名", "密码", "登录"), "en-US": ("Name", "Password", "Sign in")}


def test_a_worked_tip_and_the_queue_read_wholly_in_each_language(
    server, browser, tipster, engine, queue, redis_client, database_url, cipher
):
    enlist(engine, "wang")
    ref = report_sighting(tipster)
    configure(Runtime(database_url, notifier=MemoryNotifier(), senders={}, cipher=cipher))
    SimpleWorker([queue], connection=redis_client).work(burst=True)  # urgency and its reasons
    alice = CoordinatorActor(engine, "alice")
    alice.claims(ref)
    alice.notes(ref, "两个邻居都看到了")
    alice.refers(ref, kind="police", to_whom="成都市公安局", reference="2026-118")

    for locale, short in (("zh-CN", "zh"), ("en-US", "en")):
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(WAIT_MS)
        page = context.new_page()
        name, password, button = SIGN_IN[locale]
        page.goto(f"{server}/dashboard/")
        page.get_by_label(name).fill("wang")
        page.get_by_label(password).fill(PASSWORD)
        page.get_by_role("button", name=button).click()
        sync_api.expect(page.locator(f'tr[data-ref="{ref}"]')).to_be_visible()
        queue_text = page.inner_text("body")
        shot(page, f"dashboard-queue-{short}.png")
        page.locator(f'tr[data-ref="{ref}"]').get_by_role("link").click()
        sync_api.expect(page.locator("#timeline")).to_be_visible()
        tip_text = page.inner_text("body")
        shot(page, f"dashboard-tip-{short}.png")
        context.close()
        if short == "zh":
            assert latin_lines(queue_text.splitlines()) == []
            assert latin_lines(tip_text.splitlines()) == []
        else:
            assert "asked to go home (+10)" in tip_text and "from “New” to “In review”" in tip_text


def test_a_form_posted_from_elsewhere_without_the_token_is_refused(server, page, engine, tipster):
    enlist(engine, "alice")
    ref = report_sighting(tipster)
    page.goto(f"{server}/dashboard/login")
    sign_in(page, "alice", PASSWORD)

    response = page.request.post(f"{server}/dashboard/tips/{ref}/claim", form={"x": "1"})

    assert response.status == 403
    assert [a for _, a in event_log(engine, ref)] == ["submitted"]

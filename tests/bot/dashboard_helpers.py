"""Story helpers for the dashboard: coordinators at a browser, and tips told through the interview.

`DashboardUser` is one person with their own cookie jar (a Starlette TestClient): they sign
in, open pages and post forms carrying the CSRF token their pages carry, as a browser would.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bot.dashboard import DashboardOptions, dashboard_routes, hash_password
from bot.settings import Settings
from bot.wiring import Services
from storage import Role, session_scope, utcnow
from storage.coordinators import add_coordinator
from storage.logins import set_password_hash
from tests.conftest import REDIS_URL
from tests.stories import Tipster, receipt_ref

PASSWORD = "correct horse battery"
# What may stay in Latin letters on a Chinese page: reference codes, names of people and
# products, the masked phone number, the map's own labels, and a name's pinyin ("(lǐ yǒng)").
ALLOWED = re.compile(
    r"HW-[0-9A-Z]{4}-[0-9A-Z]{2}|alice|wang|Homeward|Telegram|OpenStreetMap|English|JSON|CSV|DNA|/[a-z]+"
    r"|\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü ]+\)"
)

LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@cache
def password_hash() -> str:
    """PASSWORD hashed once per run (argon2 is slow on purpose)."""
    return hash_password(PASSWORD)


@dataclass
class Clock:
    """Time the dashboard sees; tests move it forward and see how long answers were held."""

    now: datetime = field(default_factory=utcnow)
    pauses: list[float] = field(default_factory=list)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Let time pass."""
        self.now += timedelta(**delta)

    async def pause(self, seconds: float) -> None:
        """What the dashboard waits before a sign-in answer: noted, not slept."""
        self.pauses.append(seconds)


def settings_for(database_url: str, secret_key: str, data_dir: Path, **extra: Any) -> Settings:
    """A deployment on the test database and Redis, with no messaging channel."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        redis_url=REDIS_URL,
        homeward_secret_key=secret_key,
        homeward_data_dir=data_dir,
        **extra,
    )


def dashboard_app(svc: Services, clock: Clock, **options: Any) -> Starlette:
    """Just the dashboard, on a clock the test controls."""
    options = DashboardOptions(clock=clock, pause=clock.pause, **options)
    return Starlette(routes=dashboard_routes(svc, options))


def enlist(
    engine: Engine, name: str, role: Role = Role.COORDINATOR, *, password: bool = True
) -> None:
    """Put someone on the allow-list with the test password."""
    with session_scope(engine) as session:
        add_coordinator(session=session, name=name, role=role)
        if password:
            # Long ago, so that the failures a test makes on its clock aren't taken as cleared.
            set_password_hash(
                session=session, name=name, password_hash=password_hash(), now=LONG_AGO
            )


class DashboardUser:
    """One coordinator (or a stranger) with a browser of their own."""

    def __init__(self, app: Starlette, name: str = "stranger", address: str = "testclient") -> None:
        self.name = name
        self.client = TestClient(
            app, base_url="http://testserver", follow_redirects=False, client=(address, 50000)
        )
        self.token = ""

    def _remember_token(self, response: httpx.Response) -> httpx.Response:
        found = (
            CSRF.search(response.text)
            if "text/html" in response.headers.get("content-type", "")
            else None
        )
        if found:
            self.token = found.group(1)
        return response

    def opens(self, path: str, **params: str) -> httpx.Response:
        """GET a dashboard page (redirects are not followed)."""
        return self._remember_token(self.client.get(f"/dashboard{path}", params=params))

    def posts(self, path: str, *, csrf: bool = True, **data: str) -> httpx.Response:
        """POST a form as the page would, with the CSRF token unless told otherwise."""
        if csrf and not self.token:
            self.opens("/login")
        form = {"csrf": self.token, **data} if csrf else data
        return self._remember_token(self.client.post(f"/dashboard{path}", data=form))

    def signs_in(self, password: str = PASSWORD, name: str | None = None) -> httpx.Response:
        """Fill in the sign-in form (and land on the page it leads to, as a browser does)."""
        self.opens("/login")
        response = self.posts("/login", name=name or self.name, password=password)
        if response.status_code == 303:
            self.follow(response)  # signing in starts a new session with a new CSRF token
        return response

    def copied(self) -> DashboardUser:
        """Another browser holding a copy of this one's cookie and CSRF token (a thief's)."""
        copy = DashboardUser(self.client.app, f"copy of {self.name}")
        copy.client.cookies = httpx.Cookies(self.client.cookies)
        copy.token = self.token
        return copy

    def follow(self, response: httpx.Response) -> httpx.Response:
        """Open the page a redirect points to."""
        location = response.headers["location"]
        return self._remember_token(self.client.get(location))

    def claims(self, ref: str) -> httpx.Response:
        """Press Claim on a tip."""
        return self.posts(f"/tips/{ref}/claim")

    def notes(self, ref: str, body: str) -> httpx.Response:
        """Add an internal note."""
        return self.posts(f"/tips/{ref}/note", body=body)

    def asks(self, ref: str, question: str) -> httpx.Response:
        """Ask the tipster a question."""
        return self.posts(f"/tips/{ref}/ask", question=question)

    def sets_status(self, ref: str, to: str, **fields: str) -> httpx.Response:
        """Change a tip's status."""
        return self.posts(f"/tips/{ref}/status", to=to, **fields)


def report_sighting(tipster: Tipster, *, place: str = "四川省成都市火车北站附近的小卖部") -> str:
    """A Chinese sighting with a photo and a phone number; returns the reference code."""
    tipster.says("你好")
    tipster.taps("我看到一个可能被拐的孩子")
    tipster.taps("继续")
    tipster.says(place)
    tipster.says("3天前")
    tipster.taps("孩子住在附近")
    tipster.taps("男孩")
    tipster.says("五六岁")
    tipster.says("很瘦，左脸有一块胎记")
    tipster.says("小宝、狗娃")
    tipster.says("李勇")
    tipster.says("他说家在河南，想回家找妈妈")
    tipster.taps("粤语（广东话）")
    tipster.taps("是的，不一样")
    tipster.taps("说想回家，或提到在别处的父母")
    tipster.taps("看起来害怕身边的大人")
    tipster.says("晚上还在街上卖花")
    tipster.taps("完成")
    tipster.says("一男一女，自称是爸爸妈妈，开白色面包车")
    tipster.sends_photo("photo-abc")
    tipster.taps("完成")
    tipster.taps("留下电话号码")
    tipster.says("138 0013 8000")
    tipster.taps("提交")
    return receipt_ref(tipster.text)


def report_with_pin(tipster: Tipster) -> str:
    """An English sighting with a location pin, anonymous; returns the reference code."""
    tipster.says("/start")
    tipster.taps("I saw a child who may have been taken")
    tipster.taps("Continue")
    tipster.sends_location(30.6586, 104.0648)
    tipster.taps("Today")
    tipster.taps("I saw the child only once")
    tipster.taps("Girl")
    tipster.taps("Not sure")
    for _ in range(4):
        tipster.says("/skip")
    tipster.says("she spoke Hokkien")
    tipster.taps("Not sure")
    tipster.says("2 4")
    tipster.taps("Done")
    tipster.says("/skip")
    tipster.says("/skip")
    tipster.taps("Stay anonymous")
    tipster.taps("Submit")
    return receipt_ref(tipster.text)


def visible_lines(page: str) -> list[str]:
    """The text a person sees, one line per element, without markup, scripts or styles."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", "\n", page))
    return [line.strip() for line in text.splitlines() if line.strip()]


def latin(page: str) -> list[str]:
    """Lines of a page that still carry Latin letters once allowed names are taken out."""
    return latin_lines(visible_lines(page))


def latin_lines(lines: list[str]) -> list[str]:
    """Lines of text that carry Latin letters besides the allowed names (a Chinese page's
    English leftovers)."""
    return [line for line in lines if re.search("[A-Za-z]", ALLOWED.sub("", line))]

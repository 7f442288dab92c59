"""Privacy canaries: a phone number, a platform user id and tip text, seeded through a full
report with DEBUG logging, must not appear in logs, rq jobs or Redis; the identity must not
appear in a plain dump of the database either. The exact point a tipster shared is never in
the clear, and once the sweeper has run, not even the database and the key give the PIN."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from rq import SimpleWorker
from sqlalchemy import text
from sqlmodel import SQLModel

from bot.wiring import configure_logging
from storage import utcnow
from tests.stories import Tipster
from tests.triage.coordinators import CoordinatorActor, MemorySender
from triage import MemoryNotifier, Runtime, configure, sweep

PHONE = "13912345678"
USER_ID = "oCanaryOpenId-7Q"
TIP_TEXT = "CanaryLandmark"
LATITUDE, LONGITUDE = 31.234567, 121.476543  # where the tipster stands
FERNET_TOKEN = re.compile(r"gAAAAA[A-Za-z0-9_=-]+")


def redis_dump(redis_client) -> str:
    """Every key and value in the test Redis database, as text."""
    parts = []
    for key in redis_client.scan_iter():
        kind = redis_client.type(key).decode()
        if kind == "string":
            value = redis_client.get(key)
        elif kind == "hash":
            value = redis_client.hgetall(key)
        elif kind == "list":
            value = redis_client.lrange(key, 0, -1)
        elif kind == "set":
            value = redis_client.smembers(key)
        elif kind == "zset":
            value = redis_client.zrange(key, 0, -1)
        else:
            value = redis_client.dump(key)
        parts.append(f"{key!r}={value!r}")
    return "\n".join(parts)


def database_dump(engine) -> str:
    """Every row of every table, as text (what a plain dump would show)."""
    rows = []
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            # repr(tuple(row)), not str(row): a Row's repr cuts long values short
            rows.extend(
                repr(tuple(row)) for row in conn.execute(text(f"SELECT * FROM {table.name}"))
            )
    return "\n".join(rows)


def test_no_canary_leaks(intake, engine, cipher, queue, redis_client, database_url, caplog):
    configure_logging("DEBUG")
    caplog.set_level(logging.DEBUG)
    configure(
        Runtime(
            database_url=database_url,
            notifier=MemoryNotifier(),
            cipher=cipher,
            senders={"telegram": MemorySender()},
        )
    )
    tipster = Tipster(intake, user_id=USER_ID, language_hint="en")
    for step in (
        "/start",
        "1",
        "Continue",
        f"near the {TIP_TEXT} market, Kunming",
        "yesterday",
        "1",
        "1",
        "6",
        f"{TIP_TEXT} scar",
        f"{TIP_TEXT}Name",
        "/skip",
        "/skip",
        "1",
        "1",
        "1",
        "9",
        "/skip",
        "/skip",
        "2",
        PHONE,
        "Submit",
    ):
        tipster.says(step)
    ref = "HW-" + tipster.text.split("Reference code: HW-")[1].split()[0]
    alice = CoordinatorActor(engine, "alice", queue=queue)
    alice.claims(ref)
    alice.asks(ref, f"Where exactly is the {TIP_TEXT}?")
    SimpleWorker([queue], connection=redis_client).work(burst=True)
    tipster.says(f"Behind the {TIP_TEXT} school")

    logged = caplog.text
    in_redis = redis_dump(redis_client)
    for canary in (PHONE, "0012345678", USER_ID, TIP_TEXT):
        assert canary not in logged, canary
        assert canary not in in_redis, canary
    dumped = database_dump(engine)
    assert TIP_TEXT in dumped  # tip content is kept for coordinators...
    assert PHONE not in dumped and USER_ID not in dumped  # ...the tipster's identity only encrypted


def decrypted_dump(engine, cipher) -> str:
    """The plain dump with every encrypted value opened: what the database and the key give."""
    dumped = database_dump(engine)
    return FERNET_TOKEN.sub(lambda m: cipher.decrypt(m.group(0)), dumped)


def test_the_exact_point_is_never_in_the_clear_and_the_pin_goes(
    intake, engine, cipher, queue, config, redis_client, caplog
):
    configure_logging("DEBUG")
    caplog.set_level(logging.DEBUG)
    tipster = Tipster(intake, user_id=USER_ID, language_hint="en")
    tipster.says("/start")
    tipster.taps("other")
    tipster.taps("continue")
    tipster.sends_location(LATITUDE, LONGITUDE)
    _, pin = submit_the_rest(tipster)

    exact = (str(LATITUDE), str(LONGITUDE), f"{LATITUDE:.5f}", f"{LONGITUDE:.5f}")
    for canary in exact:
        assert canary not in caplog.text and canary not in redis_dump(redis_client), canary
        assert canary not in database_dump(engine), canary
    assert f"PIN: {pin}" in decrypted_dump(engine, cipher)  # kept for a re-delivery, for now

    sweep(
        engine, queue, draft_ttl=config.draft_ttl, cipher=cipher,
        now=utcnow() + timedelta(days=1),
    )  # fmt: skip
    opened = decrypted_dump(engine, cipher)
    assert pin not in opened
    assert str(LATITUDE) in opened  # coordinators still see the exact point, with the key


def submit_the_rest(tipster: Tipster) -> tuple[str, str]:
    """Answer the rest of a short report after the place and submit it; (reference, PIN)."""
    tipster.taps("today")
    tipster.says("A man asking about buying a baby")
    tipster.taps("done")
    tipster.taps("anonymous")
    tipster.taps("submit")
    text = tipster.text
    return text.split("Reference code: ")[1].split()[0], text.split("PIN: ")[1].split()[0]

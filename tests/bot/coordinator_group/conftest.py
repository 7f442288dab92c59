"""The coordinator-group tests run the webhook bot with the coordinators' group set."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from bot.wiring import Services
from tests.bot.coordinator_helpers import ENGLISH, GROUP, configure_worker
from tests.bot.telegram_helpers import RunningBot, running_bot
from tests.fakes.telegram_api import FakeTelegram


@pytest.fixture
def svc(svc: Services) -> Services:
    """The web process's services, with the coordinators' group set."""
    settings = svc.settings.model_copy(update={"coordinator_chat_id": GROUP})
    services = replace(svc, settings=settings)
    configure_worker(services)
    return services


@pytest.fixture
def bot(svc: Services, fake: FakeTelegram) -> Iterator[RunningBot]:
    with running_bot(svc, fake, options=ENGLISH) as running:
        yield running

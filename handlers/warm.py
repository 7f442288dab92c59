"""Loading the interview's lookup tables before the first message instead of during it."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from handlers.answers import parse_phone, parse_when
from handlers.dialects import dialect_from_text
from handlers.places import parse_place

__all__ = ["warm_up"]

log = logging.getLogger(__name__)


def warm_up() -> None:
    """Build the place index, the dialect tables and the date and phone parsers' data now.

    Each is built on its first use and cached: the first answers would wait for it (~0.6 s
    in all), and every intake thread asking meanwhile would build it again.
    """
    try:
        parse_place("昆明汽车站")
        dialect_from_text("说粤语")
        parse_when("last Tuesday", now=datetime.now(UTC), timezone="Asia/Shanghai")
        parse_phone("138 0013 8000", region="CN")
    except Exception:  # the first answers build them instead
        log.exception("could not load the interview's tables at start-up")

"""Traditional Chinese, as tipsters in Hong Kong, Taiwan or abroad type it, read as simplified.

The parsers (places, dates, ages, dialects) know simplified names; what the tipster typed is
stored as typed.
"""

from __future__ import annotations

import threading
from functools import cache

import opencc

__all__ = ["simplified"]

_LOCK = threading.Lock()  # one converter, shared by the intake threads


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """`text` in simplified characters ("廣州" → "广州"); other scripts pass unchanged."""
    with _LOCK:
        return str(_converter().convert(text))

"""Whose fault a failure is: an outage that waiting may end, or the message's own.

An outage (network, the database or the queue down) is retried and never held against a
tipster's message. A bug, or content the database refuses, fails the same way every time:
counted against the message, which is set aside after `storage.inbound.SET_ASIDE_AFTER`.
"""

from __future__ import annotations

import traceback

from redis.exceptions import RedisError
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    IntegrityError,
    ProgrammingError,
    SQLAlchemyError,
    StatementError,
)

__all__ = ["describe", "may_pass"]

_PASSING: tuple[type[BaseException], ...] = (SQLAlchemyError, RedisError, OSError)
# The database refused this message's statement: the same content fails the same way again.
_REFUSED = (DataError, IntegrityError, ProgrammingError)


def may_pass(error: BaseException, *, also: tuple[type[BaseException], ...] = ()) -> bool:
    """Whether an error is an outage that waiting may end (`also`: a channel's own outages)."""
    if isinstance(error, _REFUSED):
        return False
    if isinstance(error, StatementError) and not isinstance(error, DBAPIError):
        return False  # a value our own code could not bind: a bug
    return isinstance(error, _PASSING + also)


def describe(error: BaseException) -> str:
    """The error's type and the file and line it came from, never its message (it may quote
    what the tipster sent)."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    return f"{type(error).__name__} at {where}"

"""Times as people and machines read them: in the deployment's zone (`HOMEWARD_TIMEZONE`).

Everything is stored in UTC. A person reads a time in the deployment's zone ("2026-12-07
09:20", no offset: every coordinator works in it); a machine (JSON, CSV) reads ISO 8601 in
the same zone *with* its offset ("2026-12-07T09:20:00+08:00"), which is both exact and the
date a coordinator opening the file would expect. Every interface formats through here.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo

__all__ = ["DATE", "MINUTE", "SECOND", "TIME", "shown", "stamp", "zone"]

DATE = "%Y-%m-%d"
MINUTE = "%Y-%m-%d %H:%M"
SECOND = "%Y-%m-%d %H:%M:%S"
TIME = "%H:%M"


@cache
def zone(name: str) -> ZoneInfo:
    """The time zone of a setting such as ``Asia/Shanghai``."""
    return ZoneInfo(name)


def _moment(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        raise ValueError("naive datetime: stored times are aware (UTC)")
    return moment


def shown(value: datetime | str | None, tz: tzinfo, fmt: str = MINUTE) -> str:
    """A time (or its ISO text) as a person reads it, in the zone; '' for none."""
    if value is None or value == "":
        return ""
    return _moment(value).astimezone(tz).strftime(fmt)


def stamp(value: datetime | None, tz: tzinfo) -> str | None:
    """A time as a machine reads it: ISO 8601 in the zone, with its offset."""
    if value is None:
        return None
    return _moment(value).astimezone(tz).isoformat(timespec="seconds")

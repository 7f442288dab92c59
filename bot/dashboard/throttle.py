"""Sign-in throttling: a guesser is slowed, then stopped; the name's owner still gets in.

Refused attempts within the window (15 minutes) are counted three ways:

- per name *and* address: 5 stop that address from trying that name (429);
- per address: 20 stop that address from trying any name (a success doesn't reset this, or
  one valid account would let an address go on guessing other people's passwords);
- per name, from anywhere: from the 3rd on, every answer about that name waits longer (1, 2,
  4, 8, then at most 15 seconds), whoever asks and however it ends, so guessing spread over
  many addresses is slowed. It never refuses: the owner, from an address that hasn't failed,
  gets in (a little later) however many guesses were made for their name.

A success resets its name's count and that address's count for the name. A new password, or
an admin's "let sign in again", forgets the name's failures from every address (an address's
own count is kept). Addresses are the visitor's own, behind a proxy too (bot/forwarded.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.dashboard.context import Dashboard, DashboardOptions
from storage.logins import login_failures

__all__ = ["Keys", "Verdict", "assess", "keys_for", "pause_for"]


@dataclass(frozen=True)
class Keys:
    """The blind indexes an attempt is counted under (never the name or address itself)."""

    name: str
    address: str
    pair: str

    @property
    def all(self) -> list[str]:
        """Every key, to record an attempt under."""
        return [self.name, self.address, self.pair]


def keys_for(dash: Dashboard, name: str, address: str) -> Keys:
    """The keys of an attempt at `name` from `address`."""
    folded = name.casefold()
    return Keys(
        name=dash.blind("name", folded),
        address=dash.blind("addr", address),
        pair=dash.blind("pair", f"{folded}\n{address}"),
    )


@dataclass(frozen=True)
class Verdict:
    """Whether to refuse the attempt unchecked, and how long to wait before answering."""

    throttled: bool
    pause: float


def pause_for(failures: int, options: DashboardOptions) -> float:
    """Seconds every answer about a name waits, after that many recent failures for it."""
    if failures < options.slow_after:
        return 0.0
    return min(2.0 ** (failures - options.slow_after), options.slowest.total_seconds())


def assess(
    session: Session,
    keys: Keys,
    *,
    options: DashboardOptions,
    now: datetime,
    cleared_at: datetime | None,
) -> Verdict:
    """How an attempt is throttled; `cleared_at` is when the name's failures were forgiven."""

    def failures(key: str, *, by_name: bool = True) -> int:
        return login_failures(
            session=session,
            key=key,
            now=now,
            window=options.failure_window,
            since_success=by_name,
            cleared_at=cleared_at if by_name else None,
        )

    throttled = (
        failures(keys.pair) >= options.failures_per_pair
        or failures(keys.address, by_name=False) >= options.failures_per_address
    )
    return Verdict(throttled, pause_for(failures(keys.name), options))

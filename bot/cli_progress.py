"""Progress of long imports on a terminal: click's progress bar, one per stage.

Shown on standard error and only when it is a terminal, so piped output and `--json` stay
clean; the command's last line gives the counts and the time taken either way.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import Any

import click

__all__ = ["Progress"]


class Progress:
    """Called as `progress(stage, done, total)` by an import; draws a bar per stage."""

    def __init__(self, *, quiet: bool = False) -> None:
        self.quiet = quiet or not sys.stderr.isatty()
        self.started = time.perf_counter()
        self._bar: Any = None
        self._stage = ""
        self._done = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Move the bar of this stage to `done` of `total` (a new stage starts a new bar)."""
        if self.quiet:
            return
        if stage != self._stage:
            self._close()
            self._bar = click.progressbar(
                length=total, label=stage, file=sys.stderr, show_pos=True,
                update_min_steps=max(1, total // 200),
            )  # fmt: skip
            self._bar.__enter__()
            self._stage, self._done = stage, 0
        self._bar.update(done - self._done)
        self._done = done

    @property
    def seconds(self) -> float:
        """Time since the import started."""
        return time.perf_counter() - self.started

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._close()

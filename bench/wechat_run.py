"""WeChat reply times: runs `bench.wechat` (another engineer's benchmark) and reads its p99."""

from __future__ import annotations

import contextlib
import io
import re
import sys
from dataclasses import dataclass

__all__ = ["WeChatRun", "run_wechat"]

_TIMES = re.compile(r"p50 (\d+) ms .*p99 (\d+) ms")
_SUBMIT = re.compile(r"submit, all followers at once .*p99 (\d+) ms")


@dataclass(frozen=True)
class WeChatRun:
    """Reply times from bench.wechat's own printout (None if it printed none)."""

    p50: float | None
    p99: float | None
    output: str
    submit_p99: float | None = None  # the moment every follower submits at once


class _Tee(io.StringIO):
    """Keeps what is printed and shows it too."""

    def write(self, text: str) -> int:
        if sys.__stdout__ is not None:
            sys.__stdout__.write(text)
            sys.__stdout__.flush()
        return super().write(text)


def run_wechat(*, users: int, database_url: str, redis_url: str) -> WeChatRun:
    """Call bench.wechat.main with our database server and Redis number."""
    from bench import wechat  # imported late: it is being finished by another engineer

    argv = ["bench.wechat", "--users", str(users), "--database-url", database_url]
    argv += ["--redis-url", redis_url]
    tee, saved = _Tee(), sys.argv
    try:
        sys.argv = argv
        with contextlib.redirect_stdout(tee):
            wechat.main()
    except Exception as error:  # its failure should not hide the Telegram figures
        print(f"  bench.wechat failed: {type(error).__name__}: {error}")
    finally:
        sys.argv = saved
    found = _TIMES.search(tee.getvalue())
    p50, p99 = (int(found[1]) / 1000, int(found[2]) / 1000) if found else (None, None)
    submit = _SUBMIT.search(tee.getvalue())
    return WeChatRun(p50, p99, tee.getvalue(), int(submit[1]) / 1000 if submit else None)

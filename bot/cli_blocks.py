"""`homeward tips block|unblock REF --as NAME`: a lead blocks the tipster of a tip, or lifts it."""

from __future__ import annotations

from collections.abc import Callable

import click

from bot.cli_triage import acting_on
from bot.settings import Settings
from storage import utcnow
from triage.blocks import block_tipster, unblock_tipster

__all__ = ["add_block_commands"]


def add_block_commands(tips: click.Group, load: Callable[[], Settings]) -> None:
    """Register `tips block` and `tips unblock`."""
    acting_as = click.option("--as", "name", required=True, help="The lead acting.")

    @tips.command("block")
    @click.argument("ref")
    @click.option("--reason", required=True, help="Why (recorded in the tip's event log).")
    @acting_as
    def block(ref: str, reason: str, name: str) -> None:
        """Block the tipster of a tip: their messages get a neutral answer and are kept, marked."""
        with acting_on(load(), ref, name) as (session, report, coordinator):
            block_tipster(
                session=session, report=report, coordinator=coordinator, reason=reason, now=utcnow()
            )
        click.echo(f"the tipster of {ref} is blocked")

    @tips.command("unblock")
    @click.argument("ref")
    @click.option("--reason", default="", help="Why (recorded in the tip's event log).")
    @acting_as
    def unblock(ref: str, reason: str, name: str) -> None:
        """Lift the block on the tipster of a tip."""
        with acting_on(load(), ref, name) as (session, report, coordinator):
            unblock_tipster(
                session=session, report=report, coordinator=coordinator, reason=reason, now=utcnow()
            )
        click.echo(f"the tipster of {ref} is no longer blocked")

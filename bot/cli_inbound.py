"""`homeward inbound list|retry`: updates set aside after failing again and again."""

from __future__ import annotations

from collections.abc import Callable

import click
from rq import Queue

from bot.settings import Settings
from storage import Channel, InboundUpdate, make_engine, session_scope
from storage.inbound import retry_set_aside, set_aside_updates
from triage import QUEUE_NAME, redis_connection

__all__ = ["add_inbound_commands"]


def add_inbound_commands(cli: click.Group, load: Callable[[], Settings]) -> None:
    """Register the maintainers' commands for set-aside updates."""

    @cli.group()
    def inbound() -> None:
        """Messages from tipsters that failed again and again and were set aside."""

    @inbound.command("list")
    def inbound_list() -> None:
        """Set-aside updates, latest first: id, channel, when, failures and the last error."""
        with session_scope(make_engine(load().database())) as session:
            rows = set_aside_updates(session=session)
            for row in rows:
                at = row.set_aside_at.isoformat(timespec="seconds") if row.set_aside_at else "-"
                click.echo(f"{row.id}  {row.channel}  {at}  {row.failures}x  {row.failure}")
        if not rows:
            click.echo("nothing set aside")

    @inbound.command("retry")
    @click.argument("row_id", type=int)
    def inbound_retry(row_id: int) -> None:
        """Put a set-aside update back in line, after a fix.

        Telegram's run at the web process's next start (or with the chat's next update);
        WeChat's are queued for the worker again.
        """
        settings = load()
        with session_scope(make_engine(settings.database())) as session:
            row = session.get(InboundUpdate, row_id)
            if row is None or not retry_set_aside(session=session, update_id=row_id):
                raise click.ClickException(f"no set-aside update {row_id}")
            channel, payload = row.channel, row.payload
        if channel == Channel.WECHAT:
            from bot.wechat.jobs import requeue_late_reply

            with redis_connection(settings.redis_url, settings.homeward_data_dir) as connection:
                requeue_late_reply(Queue(QUEUE_NAME, connection=connection), payload)
            click.echo(f"update {row_id} is queued again for the worker")
            return
        click.echo(f"update {row_id} is back in line; it runs at the next start")

"""inbound updates: the chat they belong to (blind index), and an index of the unhandled

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNHANDLED = sa.text("processed_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("inboundupdate", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("chat_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.create_index(
            "ix_inboundupdate_unhandled",
            ["channel", "chat_key", "id"],
            unique=False,
            postgresql_where=UNHANDLED,
            sqlite_where=UNHANDLED,
        )


def downgrade() -> None:
    with op.batch_alter_table("inboundupdate", schema=None) as batch_op:
        batch_op.drop_index("ix_inboundupdate_unhandled")
        batch_op.drop_column("chat_key")

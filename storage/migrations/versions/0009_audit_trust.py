"""trust pass: the allow-list's change log; inbound updates set aside after failing; a
caller's callback arrangement

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "allowlistchange",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("allowlistchange", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_allowlistchange_name"), ["name"], unique=False)
    with op.batch_alter_table("inboundupdate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failures", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("failure", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
        batch_op.add_column(sa.Column("set_aside_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("callback_arrangement", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_column("callback_arrangement")
    with op.batch_alter_table("inboundupdate", schema=None) as batch_op:
        batch_op.drop_column("set_aside_at")
        batch_op.drop_column("failure")
        batch_op.drop_column("failures")
    with op.batch_alter_table("allowlistchange", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allowlistchange_name"))
    op.drop_table("allowlistchange")

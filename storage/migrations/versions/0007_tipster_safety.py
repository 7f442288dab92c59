"""wrong follow-up PINs counted per key in one row (atomic), not one row per try

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pinthrottle",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=96), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_pinthrottle")),
    )
    with op.batch_alter_table("pinthrottle", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pinthrottle_window_start"), ["window_start"], unique=False
        )
    # Tries kept one row each for an hour; the new counts start empty (an hour's grace).
    with op.batch_alter_table("followupattempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followupattempt_key"))
        batch_op.drop_index(batch_op.f("ix_followupattempt_at"))
    op.drop_table("followupattempt")


def downgrade() -> None:
    op.create_table(
        "followupattempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followupattempt")),
    )
    with op.batch_alter_table("followupattempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_followupattempt_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_followupattempt_key"), ["key"], unique=False)
    with op.batch_alter_table("pinthrottle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pinthrottle_window_start"))
    op.drop_table("pinthrottle")

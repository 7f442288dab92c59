"""wrong follow-up PINs counted per key in one row (atomic), not one row per try; blocked
tipsters, and the messages they sent while blocked marked

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IN_FORCE = sa.text("lifted_at IS NULL")


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

    op.create_table(
        "tipsterblock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tipster_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("blocked_by_id", sa.Integer(), nullable=True),
        sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lifted_by_id", sa.Integer(), nullable=True),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["blocked_by_id"],
            ["coordinator.id"],
            name=op.f("fk_tipsterblock_blocked_by_id_coordinator"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lifted_by_id"],
            ["coordinator.id"],
            name=op.f("fk_tipsterblock_lifted_by_id_coordinator"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_tipsterblock_report_id_report"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tipsterblock")),
    )
    with op.batch_alter_table("tipsterblock", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tipsterblock_in_force",
            ["tipster_key"],
            unique=True,
            postgresql_where=IN_FORCE,
            sqlite_where=IN_FORCE,
        )
    with op.batch_alter_table("relaymessage", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("blocked", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("relaymessage", schema=None) as batch_op:
        batch_op.drop_column("blocked")
    with op.batch_alter_table("tipsterblock", schema=None) as batch_op:
        batch_op.drop_index("ix_tipsterblock_in_force")
    op.drop_table("tipsterblock")
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

"""match notice: where a match's notice is in the coordinators' group, kept in the database
(it was a Redis key: a Redis without persistence forgot it, and the verdict could not be said
on the notice)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "matchnotice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_matchnotice_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matchnotice")),
        sa.UniqueConstraint("report_id", "case_id", name=op.f("uq_matchnotice_report_id_case_id")),
    )
    with op.batch_alter_table("matchnotice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_matchnotice_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("matchnotice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_matchnotice_created_at"))
    op.drop_table("matchnotice")

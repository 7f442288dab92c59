"""coordinators' Telegram group: tip cards and reply prompts

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tipcard",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_tipcard_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tipcard")),
        sa.UniqueConstraint("report_id", name=op.f("uq_tipcard_report_id")),
    )
    op.create_table(
        "chatprompt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("coordinator_id", sa.Integer(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["coordinator_id"],
            ["coordinator.id"],
            name=op.f("fk_chatprompt_coordinator_id_coordinator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_chatprompt_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chatprompt")),
        sa.UniqueConstraint("chat_id", "message_id", name=op.f("uq_chatprompt_chat_id_message_id")),
    )
    with op.batch_alter_table("chatprompt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chatprompt_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_chatprompt_report_id"), ["report_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("chatprompt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chatprompt_report_id"))
        batch_op.drop_index(batch_op.f("ix_chatprompt_created_at"))
    op.drop_table("chatprompt")
    op.drop_table("tipcard")

"""reports: urgency unknown until assessed (NULL), on top of the queue until, escalated at

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.alter_column("urgency", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("top_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_report_top_until"), ["top_until"], unique=False)
    # A 0 no assessment ever wrote was "not assessed yet", not "not urgent".
    op.execute(
        "UPDATE report SET urgency = NULL WHERE NOT EXISTS (SELECT 1 FROM reportevent"
        " WHERE reportevent.report_id = report.id AND reportevent.action = 'assessed')"
    )


def downgrade() -> None:
    op.execute("UPDATE report SET urgency = 0 WHERE urgency IS NULL")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_top_until"))
        batch_op.drop_column("escalated_at")
        batch_op.drop_column("top_until")
        batch_op.alter_column("urgency", existing_type=sa.Integer(), nullable=False)

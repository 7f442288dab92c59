"""report answers an alert: a sighting started from "I've seen this child" names its alert
and the alert's case

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("alert_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("alert_case_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_report_alert_id"), ["alert_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_report_alert_id_alert"),
            "alert",
            ["alert_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_report_alert_id_alert"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_report_alert_id"))
        batch_op.drop_column("alert_case_id")
        batch_op.drop_column("alert_id")

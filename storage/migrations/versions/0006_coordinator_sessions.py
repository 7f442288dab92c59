"""coordinators: a session generation (raised to end every dashboard session) and when their
failed sign-ins were last cleared

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("coordinator", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("failures_cleared_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("coordinator", schema=None) as batch_op:
        batch_op.drop_column("failures_cleared_at")
        batch_op.drop_column("session_generation")

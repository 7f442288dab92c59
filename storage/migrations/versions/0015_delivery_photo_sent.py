"""delivery photo sent: when an alert's photo went to a subscriber as a message of its own,
so a retry after its text failed sends the text alone

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alertdelivery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("photo_sent_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alertdelivery", schema=None) as batch_op:
        batch_op.drop_column("photo_sent_at")

"""at rest: a receipt's redacted replies; a report's exact location, encrypted; encrypted files

The new `exact_location` column starts empty: encrypting the points already stored needs
the secret key, which migrations don't have. The worker's sweeper seals them on its first
pass (storage.locations.seal_exact_locations; `homeward sweep` runs it once by hand), and
likewise the stored files (triage.media.seal_stored_files) that `encrypted` marks false.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("redacted_replies", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("exact_location", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("encrypted", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_column("encrypted")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_column("exact_location")
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_column("redacted_replies")

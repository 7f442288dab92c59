"""registry casework: status, police case number, DNA sample, the family's contact (encrypted),
names in pinyin for search; the entry's event log and its photos

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from pypinyin import lazy_pinyin

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _pinyin(names: list[str]) -> str:
    """The same text triage/registry_fields.py `names_searched` writes (frozen here)."""
    parts = [name.strip().lower() for name in names if name.strip()]
    for name in names:
        syllables = [s.lower() for s in lazy_pinyin(name) if s.strip()]
        if syllables:
            parts += [" ".join(syllables), "".join(syllables), "".join(s[0] for s in syllables)]
    return " | ".join(parts)


def upgrade() -> None:
    with op.batch_alter_table("registryentry", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "status",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                nullable=False,
                server_default="open",
            )
        )
        batch_op.add_column(
            sa.Column(
                "police_case_number",
                sqlmodel.sql.sqltypes.AutoString(length=64),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(
            sa.Column(
                "dna_status",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                nullable=False,
                server_default="not_taken",
            )
        )
        batch_op.add_column(
            sa.Column("family_contact", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "search_names",
                sqlmodel.sql.sqltypes.AutoString(),
                nullable=False,
                server_default="",
            )
        )
        batch_op.create_index(batch_op.f("ix_registryentry_status"), ["status"], unique=False)
    entries = sa.table(
        "registryentry",
        sa.column("id", sa.Integer()),
        sa.column("name", sa.String()),
        sa.column("other_names", sa.JSON()),
        sa.column("search_names", sa.String()),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(entries.c.id, entries.c.name, entries.c.other_names)).all()
    for entry_id, name, others in rows:
        text = _pinyin([name, *(others or [])])
        if text:
            bind.execute(entries.update().where(entries.c.id == entry_id).values(search_names=text))
    op.create_table(
        "registryevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["registryentry.id"],
            name=op.f("fk_registryevent_entry_id_registryentry"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registryevent")),
    )
    with op.batch_alter_table("registryevent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registryevent_entry_id"), ["entry_id"], unique=False)
    op.create_table(
        "registryphoto",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("stored_path", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("added_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["registryentry.id"],
            name=op.f("fk_registryphoto_entry_id_registryentry"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registryphoto")),
    )
    with op.batch_alter_table("registryphoto", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registryphoto_entry_id"), ["entry_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("registryphoto", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registryphoto_entry_id"))
    op.drop_table("registryphoto")
    with op.batch_alter_table("registryevent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registryevent_entry_id"))
    op.drop_table("registryevent")
    with op.batch_alter_table("registryentry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registryentry_status"))
        batch_op.drop_column("search_names")
        batch_op.drop_column("family_contact")
        batch_op.drop_column("dna_status")
        batch_op.drop_column("police_case_number")
        batch_op.drop_column("status")

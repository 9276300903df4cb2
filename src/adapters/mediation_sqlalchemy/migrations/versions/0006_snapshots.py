"""Snapshots: the last folded state of each stream, read with the records after it, so a
service that does not remember a stream does not fold it from its first record (ADR 0017).
A database upgraded to this revision has none; each stream gets its snapshot at its next append.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _key() -> sa.types.TypeEngine[str]:
    return sa.String().with_variant(sa.String(collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "snapshots",
        sa.Column("stream_id", _key(), nullable=False),
        sa.Column("version", sa.Integer, nullable=False, comment="the stream's version the state was folded to"),
        sa.Column("hash", sa.String(64), nullable=False, comment="the seal of the record at that version"),
        sa.Column("state_schema", sa.String, nullable=False, comment="the aggregate and its state layout's digest"),
        sa.Column("state", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("stream_id", name="pk_snapshots"),
        sa.ForeignKeyConstraint(["stream_id"], ["streams.stream_id"], name="fk_snapshots_stream_id_streams"),
        comment="The last folded state of each stream, read with the records after it; never trusted "
        "unless its schema is current and its record still carries its seal (ADR 0017).",
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("snapshots")

"""The event relay's positions: per subscriber and stream, the last version published to the
message broker, with the retry bookkeeping (docs/events.md). Nothing on the append path
writes them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def key() -> sa.types.TypeEngine[str]:
    return sa.String().with_variant(sa.String(collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "relay_positions",
        sa.Column("subscriber", key(), nullable=False),
        sa.Column("stream_id", key(), nullable=False),
        sa.Column("version", sa.Integer, nullable=False, comment="the last version published and confirmed"),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("subscriber", "stream_id", name="pk_relay_positions"),
        comment="How far each subscriber of the event relay has been sent each stream, with its retry bookkeeping.",
        sqlite_with_rowid=False,
    )
    op.create_index("ix_relay_positions_subscriber_status", "relay_positions", ["subscriber", "status"])


def downgrade() -> None:
    op.drop_index("ix_relay_positions_subscriber_status", table_name="relay_positions")
    op.drop_table("relay_positions")

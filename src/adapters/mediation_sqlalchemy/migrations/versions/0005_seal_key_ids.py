"""Keyed seals: each event names the key its seal was made with (empty: a plain SHA-256 hash
from before seal keys; ``mediation seal-keys --reseal`` seals those again).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(
            sa.Column(
                "key_id",
                sa.String(64),
                nullable=False,
                server_default="",
                comment="the seal key's id; empty: a plain SHA-256 hash, sealed before keys were configured",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("key_id")

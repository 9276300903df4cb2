"""Indexed coordination reads: a meeting's agenda reads the open cases of its scope through an
index on the ledger's room and outcome, never the scope's whole ledger.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_ledger_room_id_outcome", "ledger", ["room_id", "outcome"])


def downgrade() -> None:
    op.drop_index("ix_ledger_room_id_outcome", table_name="ledger")

"""Ledger columns for personal data: a case holding a child's data, the day it was anonymised.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledger") as batch:
        batch.add_column(
            sa.Column(
                "sensitive",
                sa.Boolean,
                nullable=False,
                server_default=sa.false(),
                comment="a party was under 14 at intake (个人信息保护法 art. 28)",
            )
        )
        batch.add_column(
            sa.Column("anonymised_on", sa.Date, comment="the day the parties were anonymised after retention")
        )


def downgrade() -> None:
    with op.batch_alter_table("ledger") as batch:
        batch.drop_column("anonymised_on")
        batch.drop_column("sensitive")

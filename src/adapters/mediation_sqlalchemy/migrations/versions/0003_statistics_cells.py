"""Statistics rollups: the table of additive cells, filled from the ledger rows already stored.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mediation_core.domain.reporting.rollups import CellKey, add, contributions
from mediation_core.domain.reporting.statistics import Tally
from mediation_sqlalchemy import tables as t
from mediation_sqlalchemy.codecs import cell_rows, ledger_codec

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BATCH = 5_000


def key() -> sa.types.TypeEngine[str]:
    return sa.String().with_variant(sa.String(collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "statistics_cells",
        sa.Column("room_id", key(), nullable=False),
        sa.Column("month", key(), nullable=False, comment="2026-03: the month of the figure's own date column"),
        sa.Column("axis", key(), nullable=False, comment="category, source, or days (to conclude)"),
        sa.Column("value", key(), nullable=False),
        sa.Column("figure", key(), nullable=False),
        sa.Column("cases", sa.BigInteger, nullable=False),
        sa.Column("persons", sa.BigInteger, nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False, comment="amount involved, in fen (0.01 yuan)"),
        sa.PrimaryKeyConstraint("room_id", "month", "axis", "value", "figure", name="pk_statistics_cells"),
        comment="Statistics rollups: the ledger rows' additive figures per room, month, axis value and figure, "
        "kept in the transaction that writes the rows; reports sum these instead of scanning the ledger.",
        sqlite_with_rowid=False,
    )
    backfill(op.get_bind())


def backfill(conn: sa.Connection) -> None:
    """Sum the contributions of every stored ledger row into the new cells (the ledger table
    has the shape revision 0002 gave it)."""
    codec = ledger_codec()
    cells: dict[CellKey, Tally] = {}
    ledger = sa.Table("ledger", sa.MetaData(), autoload_with=conn)  # the columns it has at this revision
    result = conn.execute(sa.select(ledger), execution_options={"yield_per": BATCH}).mappings()
    for row in result:
        add(cells, contributions(codec.decode(row)))
    rows = cell_rows(cells)
    for start in range(0, len(rows), BATCH):
        conn.execute(sa.insert(t.statistics_cells), rows[start : start + BATCH])


def downgrade() -> None:
    op.drop_table("statistics_cells")

"""Ledger columns for prevention (防止民转刑, 预防处置群体性事件), and the two figures recounted.

The two figures now count the cases whose prevention the room recorded, whatever their
outcome, dated by that record; before, they counted settled cases with the risk flagged. No
stored case has a prevention record yet, so their cells are emptied, and they fill again as
rooms record prevention (docs/statistics.md).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mediation_core.domain.reporting.ledger import Outcome
from mediation_core.domain.reporting.rollups import CATEGORY, SOURCE, CellKey, add
from mediation_core.domain.reporting.statistics import Tally
from mediation_core.domain.values.periods import month_label
from mediation_sqlalchemy import tables as t
from mediation_sqlalchemy.codecs import cell_rows, ledger_codec

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

RECOUNTED = ("civil_to_criminal_prevented", "mass_incidents_averted")
OLD_RULE = (
    ("civil_to_criminal_prevented", "civil_to_criminal_persons"),
    ("mass_incidents_averted", "mass_incident_persons"),
)
"""Each recounted figure and its persons column, as revision 0003 counted them."""
BATCH = 5_000


def upgrade() -> None:
    with op.batch_alter_table("ledger") as batch:
        batch.add_column(
            sa.Column("civil_to_criminal_prevented_on", sa.Date, comment="防止民转刑: the day the room recorded it")
        )
        batch.add_column(
            sa.Column("mass_incident_handled_on", sa.Date, comment="预防处置群体性事件: the day the room recorded it")
        )
    op.get_bind().execute(sa.delete(t.statistics_cells).where(t.statistics_cells.c.figure.in_(RECOUNTED)))


def downgrade() -> None:
    """Back to the old rule: the two figures count settled cases with the risk flagged, dated
    by the day they were concluded."""
    conn = op.get_bind()
    conn.execute(sa.delete(t.statistics_cells).where(t.statistics_cells.c.figure.in_(RECOUNTED)))
    codec = ledger_codec()
    cells: dict[CellKey, Tally] = {}
    ledger = sa.Table("ledger", sa.MetaData(), autoload_with=conn)  # the columns it has at this revision
    settled = ledger.c.outcome == Outcome.SETTLED.value
    result = conn.execute(sa.select(ledger).where(settled), execution_options={"yield_per": BATCH}).mappings()
    for values in result:
        row = codec.decode(values)
        for figure, persons in OLD_RULE:
            count = getattr(row, persons)
            if row.concluded_on is None or count <= 0:
                continue
            tally = Tally(cases=1, persons=count, amount=row.amount_involved)
            month = month_label(row.concluded_on)
            add(cells, {CellKey(row.room_id, month, CATEGORY, row.category, figure): tally})
            add(cells, {CellKey(row.room_id, month, SOURCE, row.source, figure): tally})
    rows = cell_rows(cells)
    for start in range(0, len(rows), BATCH):
        conn.execute(sa.insert(t.statistics_cells), rows[start : start + BATCH])
    with op.batch_alter_table("ledger") as batch:
        batch.drop_column("mass_incident_handled_on")
        batch.drop_column("civil_to_criminal_prevented_on")

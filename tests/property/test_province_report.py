"""The province's report made from counties' statistics cells equals the reference count over
every county's ledger rows together: totals, categories, sources, months and the median of
every case (not a median of the counties' medians)."""

from __future__ import annotations

import attrs
from hypothesis import given
from hypothesis import strategies as st

from mediation_core.domain.reporting.ledger import LedgerRow
from mediation_core.domain.reporting.province import CountyFigures, county_report, days_histogram, province_report
from mediation_core.domain.reporting.rollups import Cell, cells_of, totals
from mediation_core.domain.reporting.statistics import report
from mediation_core.domain.values.categories import MINISTRY_CATEGORIES
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.periods import Period
from mediation_core.testing import strategies as mst

PERIODS = (
    Period.year(2026),
    Period.month(2026, 5),
    Period(start=Period.month(2025, 11).start, end=Period.month(2026, 2).end),
)
CATEGORIES = {c.code: c for c in MINISTRY_CATEGORIES}


@st.composite
def counties(draw: st.DrawFn) -> tuple[Registry, list[list[LedgerRow]]]:
    """One district layout, and the ledgers of two to four counties shaped like it."""
    registry = draw(mst.districts())
    return registry, [draw(mst.ledgers(registry, max_size=12)) for _ in range(draw(st.integers(2, 4)))]


@given(data=counties())
def test_the_province_report_from_cells_equals_the_count_over_every_countys_rows(
    data: tuple[Registry, list[list[LedgerRow]]],
) -> None:
    registry, ledgers = data
    for period in PERIODS:
        wanted = {f"{m.start:%Y-%m}" for m in period.months()}
        parts = []
        for n, rows in enumerate(ledgers):
            stored = [Cell(*key, t.cases, t.persons, t.amount) for key, t in cells_of(rows).items()]
            summed = totals((c for c in stored if c.month in wanted), per_room=False)
            own = county_report(summed, period, "d", registry, CATEGORIES)
            reference = report(rows, period, "d", registry, CATEGORIES)  # the county's own report
            assert own == attrs.evolve(reference, by_unit=(), by_room=())
            parts.append(CountyFigures(county_id=f"c{n}", name=f"第{n}县", report=own, days=days_histogram(summed)))
        province = province_report("p", "某市", period, parts, CATEGORIES).total
        every = [attrs.evolve(r, case_id=f"{n}/{r.case_id}") for n, rows in enumerate(ledgers) for r in rows]
        reference = report(every, period, "d", registry, CATEGORIES)  # all counties' rows counted together
        assert province.total.figures == reference.total.figures
        assert province.median_days_to_conclude == reference.median_days_to_conclude
        assert province.by_category == reference.by_category
        assert province.by_source == reference.by_source
        assert province.by_month == reference.by_month
        assert [u.key for u in province.by_unit] == [f"c{n}" for n in range(len(ledgers))]
        for line, part in zip(province.by_unit, parts, strict=True):
            assert line.figures == part.report.total.figures

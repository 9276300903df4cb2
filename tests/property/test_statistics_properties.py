"""Properties of the statistics report (docs/legal-basis.md §9 rule 34; docs/statistics.md).

Each test draws a district and a coherent ledger once and checks several properties on it,
which keeps the generated data (the expensive part) shared.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from mediation_core.domain.reporting.ledger import LedgerRow
from mediation_core.domain.reporting.statistics import (
    FIGURES,
    ZERO,
    StatisticsReport,
    reconcile,
    reconcile_levels,
    report,
)
from mediation_core.domain.values.organisations import OrgKind, Registry
from mediation_core.domain.values.periods import Period
from mediation_core.testing import strategies
from mediation_core.testing.strategies import districts, ledgers

ALL_TIME = Period(start=dt.date(2000, 1, 1), end=dt.date(2099, 12, 31))
periods = st.sampled_from(
    [
        Period.month(2026, 3),
        Period.quarter(2026, 1),
        Period.half(2026, 1),
        Period.year(2026),
        Period(start=dt.date(2025, 11, 17), end=dt.date(2026, 2, 3)),
        ALL_TIME,
    ]
)


@st.composite
def districts_with_ledgers(draw: st.DrawFn) -> tuple[Registry, list[LedgerRow]]:
    registry = draw(districts())
    return registry, draw(ledgers(registry, max_size=24))


def townships(registry: Registry) -> list[str]:
    return sorted(o.org_id for o in registry.organisations.values() if o.kind is OrgKind.TOWNSHIP)


def rooms(registry: Registry) -> list[str]:
    return sorted(o.org_id for o in registry.rooms())


def lines(result: StatisticsReport) -> list[object]:
    return [result.total, *result.by_category, *result.by_source, *result.by_month, *result.by_unit]


@given(data=districts_with_ledgers(), period=periods)
def test_district_equals_townships_equals_rooms_and_breakdowns_add_up(
    data: tuple[Registry, list[LedgerRow]], period: Period
) -> None:
    registry, rows = data
    district = report(rows, period, "d", registry)
    by_township = [report(rows, period, t, registry) for t in townships(registry)]
    by_room = [report(rows, period, r, registry) for r in rooms(registry)]
    direct = [report(rows, period, "d-r", registry)] if registry.org("d-r") else []
    # district = Σ townships (+ a room directly under the district) = Σ rooms, for every figure
    assert reconcile_levels(district, [*by_township, *direct]) == []
    assert reconcile_levels(district, by_room) == []
    for figure in FIGURES:
        assert district[figure.key] == sum((r[figure.key] for r in by_room), ZERO)
    # category, source, month and unit breakdowns each sum to the total, at every level
    for each in (district, *by_township, *by_room):
        assert reconcile(each) == []
    # the next level down is exactly what by_unit shows
    assert [u.figures for u in district.by_unit if u.key != "other"] == [t.total.figures for t in by_township]


@given(data=districts_with_ledgers())
def test_a_period_is_the_sum_of_its_months(data: tuple[Registry, list[LedgerRow]]) -> None:
    registry, rows = data
    half = report(rows, Period.half(2026, 1), "d", registry)
    assert reconcile_levels(half, [report(rows, m, "d", registry) for m in Period.half(2026, 1).months()]) == []


@given(data=districts_with_ledgers(), period=periods)
def test_counts_rates_and_ordering(data: tuple[Registry, list[LedgerRow]], period: Period) -> None:
    registry, rows = data
    result = report(rows, period, "d", registry)
    # persons ≥ cases ≥ 0 on every line of every figure
    for line in lines(result):
        for figure in FIGURES:
            tally = line[figure.key]  # type: ignore[index]
            assert tally.persons >= tally.cases >= 0
            assert tally.amount >= 0
    # success rate = settled ÷ concluded, undefined (not 0) when nothing concluded
    for line in (result.total, *result.by_unit):
        rate = line.rate("success_rate")
        if line["concluded"].cases == 0:
            assert rate.value is None
            assert rate.shown() == "—"
        else:
            assert rate.value == Decimal(line["settled"].cases) / Decimal(line["concluded"].cases)
            assert 0 <= rate.value <= 1
    # within any period: concluded = settled + failed; subsets stay within their sets
    assert result["concluded"] == result["settled"] + result["failed"]
    # (civil_to_criminal_prevented and mass_incidents_averted count RecordPrevention records,
    # whatever the outcome and dated by the record: no subset of the settled cases)
    for risk in ("public_order_prevented", "suicides_prevented"):
        assert result[risk].cases <= result["settled"].cases
    assert result["followed_up_on_time"].cases <= result["followed_up"].cases <= result["settled"].cases
    assert result["difficult"].cases <= result["concluded"].cases
    assert result["repeats"].cases <= result["received"].cases


@given(data=districts_with_ledgers())
def test_over_all_time_settled_within_mediated_within_accepted(data: tuple[Registry, list[LedgerRow]]) -> None:
    registry, rows = data
    result = report(rows, ALL_TIME, "d", registry)
    assert result["settled"].cases <= result["concluded"].cases <= result["accepted"].cases
    assert result["accepted"].cases + result["declined"].cases <= result["received"].cases == len(rows)


@given(data=districts_with_ledgers(), period=periods)
def test_rows_outside_the_scope_change_nothing(data: tuple[Registry, list[LedgerRow]], period: Period) -> None:
    registry, rows = data
    first = townships(registry)[0]
    inside = [r for r in rows if registry.covers(first, r.room_id)]
    assert report(rows, period, first, registry) == report(inside, period, first, registry)


def periods_any() -> st.SearchStrategy[Period]:
    years = st.integers(2015, 2030)
    return st.one_of(
        st.builds(Period.month, years, st.integers(1, 12)),
        st.builds(Period.quarter, years, st.integers(1, 4)),
        st.builds(Period.half, years, st.integers(1, 2)),
        st.builds(Period.year, years),
        strategies.periods,
    )


@given(period=periods_any())
def test_a_period_label_names_the_period(period: Period) -> None:
    assert Period.parse(period.label) == period
    assert Period.parse(str(period)) == period
    months = list(period.months())
    assert months[0].start == period.start
    assert months[-1].end == period.end
    assert sum(m.days for m in months) == period.days

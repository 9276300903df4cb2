"""The rollup-based report equals the reference report (docs/statistics.md; docs/legal-basis.md §9 rule 34).

Reports and returns read statistics cells that the store keeps in the append transaction; the
reference :func:`report` counts ledger rows. Ledgers are generated, then corrected (cases change
outcome, dates, room or figures after they were written) and returns are submitted before and
resubmitted after the corrections; every figure must agree, on the memory store, SQLite and
PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import ADMIN
from mediation_core.app.ports import Store
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock
from mediation_core.domain.case.state import CaseStatus
from mediation_core.domain.errors import RuleViolationError
from mediation_core.domain.reporting.ledger import LedgerRow
from mediation_core.domain.reporting.rollups import (
    Cell,
    add,
    answers,
    cells_of,
    change,
    months,
    report_of_totals,
    rollup_report,
    totals,
)
from mediation_core.domain.reporting.statistics import in_scope, reconcile, report
from mediation_core.domain.statistical_return.commands import ResubmitReturn, SubmitReturn
from mediation_core.domain.statistical_return.figures import ReturnFigures
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.periods import Period
from mediation_core.testing import strategies as mst
from mediation_core.testing.storage import ledger_append
from mediation_memory import MemoryStore
from mediation_sqlalchemy import open_sqlalchemy

PERIODS = (
    Period.month(2026, 3),
    Period.quarter(2026, 1),
    Period.half(2026, 1),
    Period.year(2026),
    Period.months_from(2025, 10, 12),
)
PARTIAL = Period(start=dt.date(2025, 11, 17), end=dt.date(2026, 2, 3))
CENTRE = Actor(actor_id="cc", role=Role.COORDINATION_CENTRE, scope_id="d")
AFTER = dt.date(2027, 1, 11)


def scopes(registry: Registry) -> list[str]:
    return ["d", *sorted(registry.organisations)]


@st.composite
def corrected_ledgers(draw: st.DrawFn) -> tuple[Registry, list[LedgerRow], list[LedgerRow]]:
    """A district, its ledger, and corrections: later rows of some of its cases."""
    registry = draw(mst.districts())
    rows = draw(mst.ledgers(registry, max_size=16))
    room_ids = sorted(o.org_id for o in registry.rooms())
    picked = draw(st.lists(st.sampled_from(rows), max_size=8)) if rows else []
    later = [draw(mst.ledger_row_of(r.case_id, room_ids=room_ids)) for r in picked]
    return registry, rows, later


@given(data=corrected_ledgers())
def test_cells_changed_row_by_row_give_the_reference_report(
    data: tuple[Registry, list[LedgerRow], list[LedgerRow]],
) -> None:
    registry, rows, later = data
    current = {r.case_id: r for r in rows}
    cells = cells_of(rows)
    for row in later:
        add(cells, change(current[row.case_id], row))
        current[row.case_id] = row
    assert cells == cells_of(current.values())  # a change is the difference of contributions
    stored = [Cell(*key, t.cases, t.persons, t.amount) for key, t in cells.items()]
    for period in PERIODS:
        for scope_id in scopes(registry):
            expected = report(current.values(), period, scope_id, registry)
            assert rollup_report(stored, period, scope_id, registry) == expected
            rooms = {o.org_id for o in registry.rooms() if in_scope(registry, scope_id, o.org_id)}
            wanted = set(months(period))
            summed = totals(c for c in stored if c.room_id in rooms and c.month in wanted)
            assert report_of_totals(summed, period, scope_id, registry) == expected


@given(data=corrected_ledgers())
def test_room_lines_from_cells_are_each_rooms_own_report_and_sum_to_the_total(
    data: tuple[Registry, list[LedgerRow], list[LedgerRow]],
) -> None:
    """``by_room``: one line per room in scope, named as the registry names it, equal to the
    room's own report in both paths, adding up to the scope's total."""
    registry, rows, _ = data
    stored = [Cell(*key, t.cases, t.persons, t.amount) for key, t in cells_of(rows).items()]
    names = {o.org_id: o.name for o in registry.rooms()}
    for period in (PERIODS[1], PERIODS[4]):
        for scope_id in scopes(registry):
            reference = report(rows, period, scope_id, registry)
            rolled = rollup_report(stored, period, scope_id, registry)
            assert rolled.by_room == reference.by_room
            expected_rooms = sorted(r for r in names if in_scope(registry, scope_id, r))
            assert [line.key for line in reference.by_room] == expected_rooms
            for line in rolled.by_room:
                assert line.title_zh == names[line.key]
                assert dict(line.figures) == dict(report(rows, period, line.key, registry).total.figures)
            assert reconcile(reference) == []
            assert reconcile(rolled) == []


@given(data=corrected_ledgers(), sessions=st.integers(min_value=0, max_value=9), status=st.sampled_from(CaseStatus))
def test_a_row_changed_only_where_the_cells_do_not_read_changes_no_cell(
    data: tuple[Registry, list[LedgerRow], list[LedgerRow]], sessions: int, status: CaseStatus
) -> None:
    """A correction of the version, the summary, the status or the sessions held moves no case
    between cells, and :func:`change` says so without computing contributions."""
    _, rows, _ = data
    for row in rows:
        later = attrs.evolve(row, version=row.version + 1, summary="更正", status=status, sessions=sessions)
        assert change(row, later) == {}
        cells = cells_of([row])
        add(cells, change(row, later))
        assert cells == cells_of([later])


def test_a_period_that_is_not_whole_months_is_not_answered_from_cells() -> None:
    assert not answers(PARTIAL)
    assert all(answers(p) for p in PERIODS)
    with pytest.raises(ValueError, match="whole months"):
        rollup_report([], PARTIAL, "d", Registry())
    with pytest.raises(ValueError, match="whole months"):
        report_of_totals([], PARTIAL, "d", Registry())


def _write(store: Store, rows: list[LedgerRow]) -> None:
    with store.transaction() as tx:
        for row in rows:
            tx.append(ledger_append(row, tx.read(row.case_id)))
        tx.commit()


def _check_service(store: Store, registry: Registry, data: st.DataObject) -> None:
    clock = StoryClock(dt.datetime(2027, 1, 11, 10, tzinfo=dt.UTC))
    service = MediationService(store, clock=clock)
    service.register(registry, ADMIN)
    rows, later = data.draw(_ledgers_for(registry))
    _write(store, rows)
    filed = Period.half(2026, 1)
    reference = report(list(store.ledger()), filed, "d", registry)
    locked = service.handle(SubmitReturn(org_id="d", period=filed, on=AFTER, nil=reference.is_nil), CENTRE)
    assert locked.figures == ReturnFigures.of(reference)
    _write(store, later)  # corrections after the return was locked
    committed = list(store.ledger())
    for period in (*PERIODS, PARTIAL):
        for scope_id in scopes(registry):
            assert service.statistics(period, scope_id, CENTRE) == report(committed, period, scope_id, registry)
    now = report(committed, filed, "d", registry)
    resubmit = ResubmitReturn(org_id="d", period=filed, on=AFTER, reason="更正台账")
    if ReturnFigures.of(now) == locked.figures:
        with pytest.raises(RuleViolationError):  # nothing changed: nothing to resubmit
            service.handle(resubmit, CENTRE)
    else:
        again = service.handle(resubmit, CENTRE)
        assert again.figures == ReturnFigures.of(now)


@st.composite
def _ledgers_for(draw: st.DrawFn, registry: Registry) -> tuple[list[LedgerRow], list[LedgerRow]]:
    rows = draw(mst.ledgers(registry, max_size=12))
    room_ids = sorted(o.org_id for o in registry.rooms())
    picked = draw(st.lists(st.sampled_from(rows), max_size=6)) if rows else []
    return rows, [draw(mst.ledger_row_of(r.case_id, room_ids=room_ids)) for r in picked]


@pytest.mark.parametrize("backend", ["memory", "sql"])
def test_statistics_and_returns_read_from_cells_equal_the_reference(
    backend: str, request: pytest.FixtureRequest
) -> None:
    """On the memory store and on SQLite."""
    opener: Callable[[], Store]
    if backend == "memory":
        opener = MemoryStore
    else:
        urls = request.getfixturevalue("sqlite_files")
        opener = lambda: open_sqlalchemy(urls())  # noqa: E731
    _run(opener)


@pytest.mark.postgres
def test_statistics_and_returns_read_from_cells_equal_the_reference_on_postgresql(
    postgres_schemas: Callable[[], str],
) -> None:
    _run(lambda: open_sqlalchemy(postgres_schemas()))


def _run(opener: Callable[[], Store]) -> None:
    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(registry=mst.districts(max_townships=2, max_rooms=2), data=st.data())
    def check(registry: Registry, data: st.DataObject) -> None:
        store = opener()
        try:
            _check_service(store, registry, data)
        finally:
            store.close()

    check()

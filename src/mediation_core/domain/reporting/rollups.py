"""Statistics rollups: additive cells a store keeps beside the ledger, so a report reads a few
thousand cells instead of scanning every ledger row.

A ledger row *contributes* to cells keyed by (room, month, axis, value, figure): for every
figure that counts it in the month of the figure's own date column, one cell on the
``category`` axis (value: the row's category) and one on the ``source`` axis (value: its
source), each holding the row's :class:`~mediation_core.domain.reporting.statistics.Tally` (one case,
its persons, its amount). The median days to conclude, the one figure that is not additive,
is kept as a histogram: one cell on the ``days`` axis per (room, month concluded, days taken),
counting cases, from which :func:`rollup_report` takes the median exactly.

A store adds a new row's contribution and subtracts the old row's (:func:`change`) in the
transaction that replaces the row, so the cells always equal the sum of the committed rows'
contributions (the storage contract checks it). Every figure is a sum over the rows whose
date falls in the period, so a period made of whole calendar months is the sum of its months'
cells: :func:`answers` says whether the cells can answer a period; other periods (a range
starting or ending inside a month) are counted from ledger rows by the reference
:func:`~mediation_core.domain.reporting.statistics.report`.

A report does not need every cell: :func:`totals` sums them over the scope's rooms and the
period's months (per axis value and figure, and per room and month for the total, month, unit and
room lines), which a SQL store does in the database, so a few thousand lines reach Python
whatever the size of the ledger; :func:`report_of_totals` makes the report from them.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, NamedTuple

from mediation_core.domain.reporting.ledger import LedgerRow
from mediation_core.domain.reporting.statistics import (
    FIGURES,
    MEDIAN_DAYS_TO_CONCLUDE,
    NotLater,
    StatisticsReport,
    Tally,
    assemble,
    in_scope,
    median_of_counts,
    rooms_in_scope,
    unit_of,
    units,
)
from mediation_core.domain.values.categories import MINISTRY_CATEGORIES, Category
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.periods import Period, month_label

CATEGORY = "category"
SOURCE = "source"
DAYS = "days"
AXES = (CATEGORY, SOURCE, DAYS)
"""The axes of a cell: the dispute category, the case source, the days taken to conclude."""


class CellKey(NamedTuple):
    """Where a contribution is added up."""

    room_id: str
    month: str
    axis: str
    value: str
    figure: str


class Cell(NamedTuple):
    """A stored cell: its key's parts and the summed tally."""

    room_id: str
    month: str
    axis: str
    value: str
    figure: str
    cases: int
    persons: int
    amount: Decimal


@functools.lru_cache(maxsize=4096)
def _month(year: int, month: int) -> Period:
    return Period.month(year, month)


_WHERE = tuple((f.key, f.date, f.persons, f.where) for f in FIGURES)


def contributions(row: LedgerRow) -> dict[CellKey, Tally]:
    """What one ledger row adds to the cells."""
    out: dict[CellKey, Tally] = {}
    room, category, source, amount = row.room_id, row.category, row.source, row.amount_involved
    for key, date_column, persons_column, where in _WHERE:
        dated: dt.date | None = getattr(row, date_column)
        if dated is None:
            continue
        month = _month(dated.year, dated.month)
        if not all(c.holds(row, month) for c in where):
            continue
        tally = Tally(cases=1, persons=getattr(row, persons_column), amount=amount)
        label = month_label(dated)
        out[CellKey(room, label, CATEGORY, category, key)] = tally
        out[CellKey(room, label, SOURCE, source, key)] = tally
        if key == MEDIAN_DAYS_TO_CONCLUDE.figure:
            start: dt.date | None = getattr(row, MEDIAN_DAYS_TO_CONCLUDE.start)
            end: dt.date = getattr(row, MEDIAN_DAYS_TO_CONCLUDE.end)
            if start is not None:
                days = str((end - start).days)
                out[CellKey(room, label, DAYS, days, MEDIAN_DAYS_TO_CONCLUDE.key)] = Tally(cases=1)
    return out


def _columns_read() -> tuple[str, ...]:
    """Every ledger column :func:`contributions` reads."""
    names = {"room_id", "category", "source", "amount_involved"}
    names |= {MEDIAN_DAYS_TO_CONCLUDE.start, MEDIAN_DAYS_TO_CONCLUDE.end}
    for f in FIGURES:
        names |= {f.date, f.persons}
        for condition in f.where:
            names.add(condition.column)
            if isinstance(condition, NotLater):
                names.add(condition.than)
    return tuple(sorted(names))


_counted = operator.attrgetter(*_columns_read())


def change(old: LedgerRow | None, new: LedgerRow | None) -> dict[CellKey, Tally]:
    """What replacing ``old`` by ``new`` adds to the cells (negative where the old row
    counted and the new one does not); cells that do not change are left out. Most commands
    change none of the columns the cells read (a session held, a document attached), and
    then nothing is computed."""
    if old is not None and new is not None and _counted(old) == _counted(new):
        return {}
    delta = contributions(new) if new is not None else {}
    for key, tally in (contributions(old) if old is not None else {}).items():
        now = delta.pop(key, None)
        if now is None:
            delta[key] = -tally
        elif now != tally:
            delta[key] = now + -tally
    return delta


def add(cells: dict[CellKey, Tally], delta: Mapping[CellKey, Tally]) -> None:
    """Add ``delta`` into ``cells`` in place, dropping cells that come back to zero."""
    for key, tally in delta.items():
        summed = cells[key] + tally if key in cells else tally
        if summed.cases == 0 and summed.persons == 0 and summed.amount == 0:
            cells.pop(key, None)
        else:
            cells[key] = summed


def cells_of(rows: Iterable[LedgerRow]) -> dict[CellKey, Tally]:
    """The cells a ledger adds up to (backfill, tests and benchmarks)."""
    cells: dict[CellKey, Tally] = {}
    for row in rows:
        add(cells, contributions(row))
    return cells


def answers(period: Period) -> bool:
    """Whether cells can answer ``period``: it starts on a month's first day and ends on a
    month's last day."""
    return period.start.day == 1 and (period.end + dt.timedelta(days=1)).day == 1


def months(period: Period) -> list[str]:
    """The month labels of the cells a period sums."""
    return [month_label(m.start) for m in period.months()]


ALL = ""
"""The room and the month of a summed cell that adds up every requested room and month."""

TOTAL = "total"
"""The axis of the per-room, per-month lines of summed cells: the category cells of a room and
a month summed over their values (every row is on the category axis exactly once per figure)."""


def totals(cells: Iterable[Cell], *, per_room: bool = True) -> list[Cell]:
    """The cells summed as a report needs them, and as ``Store.rollup_totals`` returns them:
    one cell per (axis, value, figure) with room and month :data:`ALL`, and one per (room,
    month, figure) on the :data:`TOTAL` axis with value :data:`ALL`. A report needs the
    rooms and months one by one only for its total, month and unit lines, so a few thousand
    summed cells answer it however many cells the ledger has. ``per_room=False`` sums the
    :data:`TOTAL` lines over the rooms too (room :data:`ALL`): what a reader that needs no unit or
    room lines (a province adding counties up) asks for, a tenth of the lines."""
    by_value: dict[tuple[str, str, str], list[Any]] = {}
    by_room_month: dict[tuple[str, str, str], list[Any]] = {}
    for room_id, month, axis, value, figure, cases, persons, amount in cells:
        if cases == 0:
            continue
        targets = [(by_value, (axis, value, figure))]
        if axis == CATEGORY:
            targets.append((by_room_month, (room_id if per_room else ALL, month, figure)))
        for sums_of, key in targets:
            sums = sums_of.get(key)
            if sums is None:
                sums_of[key] = [cases, persons, amount]
            else:
                sums[0] += cases
                sums[1] += persons
                sums[2] += amount
    return [Cell(ALL, ALL, a, v, f, *sums) for (a, v, f), sums in by_value.items()] + [
        Cell(r, m, TOTAL, ALL, f, *sums) for (r, m, f), sums in by_room_month.items()
    ]


def rollup_report(
    cells: Iterable[Cell],
    period: Period,
    scope_id: str,
    registry: Registry,
    categories: Mapping[str, Category] | None = None,
) -> StatisticsReport:
    """The report of ``scope_id`` for ``period`` (whole months, see :func:`answers`) from
    stored cells; equal to :func:`~mediation_core.domain.reporting.statistics.report` over the rows
    the cells were summed from. Cells outside the scope or the period are ignored."""
    _whole_months(period)
    wanted = set(months(period))
    inside: dict[str, bool] = {}

    def counted(cell: Cell) -> bool:
        if cell.room_id not in inside:
            inside[cell.room_id] = in_scope(registry, scope_id, cell.room_id)
        return inside[cell.room_id] and cell.month in wanted

    return report_of_totals(totals(c for c in cells if counted(c)), period, scope_id, registry, categories)


def _whole_months(period: Period) -> None:
    if not answers(period):
        msg = f"period {period.label} does not consist of whole months; count it from ledger rows"
        raise ValueError(msg)


def report_of_totals(
    summed: Iterable[Cell],
    period: Period,
    scope_id: str,
    registry: Registry,
    categories: Mapping[str, Category] | None = None,
) -> StatisticsReport:
    """The report of ``scope_id`` for ``period`` (whole months, see :func:`answers`) from
    :func:`totals` of the cells of the scope's rooms and the period's months (what
    ``Store.rollup_totals`` returns); equal to :func:`rollup_report` over those cells. Lines
    of rooms outside the scope or months outside the period are ignored."""
    _whole_months(period)
    table = categories if categories is not None else {c.code: c for c in MINISTRY_CATEGORIES}
    wanted = set(months(period))
    unit_ids = [u for u, _ in units(registry, scope_id)]
    room_units: dict[str, str | None] = {}
    # sums as plain numbers: (cases, persons, amount) per line and figure
    total: dict[str, list[Any]] = {}
    lines: dict[tuple[str, str], dict[str, list[Any]]] = {}
    days: dict[int, int] = {}
    for room_id, month, axis, value, figure, cases, persons, amount in summed:
        if cases == 0:
            continue
        if axis == DAYS:
            days[int(value)] = days.get(int(value), 0) + cases
            continue
        if axis != TOTAL:
            targets = [lines.setdefault((axis, value), {})]
        else:
            if month not in wanted:
                continue
            if room_id not in room_units:
                inside = in_scope(registry, scope_id, room_id)
                room_units[room_id] = unit_of(registry, unit_ids, room_id) if inside else None
            unit = room_units[room_id]
            if unit is None:
                continue
            targets = [
                total,
                lines.setdefault(("month", month), {}),
                lines.setdefault(("unit", unit), {}),
                lines.setdefault(("room", room_id), {}),
            ]
        for target in targets:
            sums = target.get(figure)
            if sums is None:
                target[figure] = [cases, persons, amount]
            else:
                sums[0] += cases
                sums[1] += persons
                sums[2] += amount

    def tallies(sums: Mapping[str, list[Any]]) -> dict[str, Tally]:
        return {k: Tally(cases=c, persons=p, amount=a) for k, (c, p, a) in sums.items()}

    def axis_lines(axis: str) -> dict[str, dict[str, Tally]]:
        return {value: tallies(sums) for (a, value), sums in lines.items() if a == axis}

    by_month: dict[str, dict[str, Tally]] = {m: {} for m in wanted}
    by_month.update(axis_lines("month"))
    by_unit: dict[str, dict[str, Tally]] = {u: {} for u in unit_ids}
    by_unit.update(axis_lines("unit"))
    by_room: dict[str, dict[str, Tally]] = {r: {} for r, _ in rooms_in_scope(registry, scope_id)}
    by_room.update(axis_lines("room"))
    return assemble(
        period,
        scope_id,
        registry,
        table,
        total=tallies(total),
        by_category=axis_lines(CATEGORY),
        by_source=axis_lines(SOURCE),
        by_month=by_month,
        by_unit=by_unit,
        by_room=by_room,
        median=median_of_counts(days),
    )

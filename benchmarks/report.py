"""District report benchmark: the statistics report read from rollup cells against the best
full scans of a large ledger, on SQLite and PostgreSQL. Not a test: it prints ratios.

    python -m benchmarks.report                          # 1,000,000 cases, both databases
    python -m benchmarks.report --cases 50000 --backend sqlite --runs 3

A ledger of ``--cases`` rows (32 rooms in 8 townships, received over 2025 and 2026, every
outcome, category and source) cannot come from the command path in reasonable time, so the
setup inserts generated ledger rows directly, with the statistics cells the domain function
(:func:`mediation_core.domain.reporting.rollups.cells_of`) computes from them, into a store at the
newest schema (``--keep`` keeps it and ``--database`` reports on a kept one, as filling a
million rows takes minutes). The report is the district's for the year 2026. Each run
measures the three in turn, the order reversed every other run:

- **rollups**: what ``MediationService.statistics`` does on an open store: the cells of the
  scope's rooms and the period's months summed by the store (``Store.rollup_totals``, one
  ``GROUP BY`` statement) and the summed lines made into the report;
- **raw scan**: the ledger rows read with the driver's own cursor (``sqlite3`` / ``psycopg``),
  made into ledger rows with as little conversion as possible and counted by the reference
  ``report()``;
- **SQL GROUP BY**: the counting rules compiled to SQL, one ``GROUP BY`` per dated column
  (room, category, source, month) and a histogram query for the median, assembled into the
  report the same way.

The three reports must be equal (the benchmark stops otherwise). The peak memory of the
rollup report is measured in a fresh process that opens the store and makes the report (its
peak resident set, and the tracemalloc peak; medians of three processes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from mediation_core.app.coordination import live_report, rooms_in
from mediation_core.domain.case.state import CaseStatus
from mediation_core.domain.reporting.ledger import LedgerRow, Outcome
from mediation_core.domain.reporting.rollups import CATEGORY, DAYS, SOURCE, Cell, months, rollup_report
from mediation_core.domain.reporting.statistics import (
    FIGURES,
    MEDIAN_DAYS_TO_CONCLUDE,
    NotLater,
    OneOf,
    Positive,
    Present,
    StatisticsReport,
    report,
)
from mediation_core.domain.values.categories import MINISTRY_CATEGORIES
from mediation_core.domain.values.organisations import Organisation, OrgKind, Registry
from mediation_core.domain.values.periods import Period
from mediation_core.domain.values.risks import Difficulty
from mediation_core.domain.values.sources import CaseSource
from mediation_sqlalchemy import open_sqlalchemy
from mediation_sqlalchemy import tables as t
from mediation_sqlalchemy.codecs import cell_rows, ledger_codec

POSTGRES_URL = os.environ.get("MEDIATION_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PERIOD = Period.year(2026)
SCOPE = "district"
BATCH = 10_000
T0 = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)


# -- the district and its ledger ---------------------------------------------------------------
def district(townships: int = 8, rooms: int = 4) -> Registry:
    orgs = [Organisation(org_id=SCOPE, kind=OrgKind.DISTRICT, name="区")]
    for n in range(townships):
        town = f"t{n}"
        orgs.append(Organisation(org_id=town, kind=OrgKind.TOWNSHIP, name=f"街道{n}", parent_id=SCOPE))
        for r in range(rooms):
            orgs.append(
                Organisation(
                    org_id=f"{town}-r{r}",
                    kind=OrgKind.MEDIATION_ROOM,
                    name=f"调解室{n}{r}",
                    parent_id=town,
                    code=f"T{n}R{r}",
                )
            )
    return Registry.of(orgs)


CATEGORIES = [c.code for c in MINISTRY_CATEGORIES]
SOURCES = [s.value for s in CaseSource]
DIFFICULTIES = [d.value for d in Difficulty]
FIRST = dt.date(2025, 1, 1)


def ledger_rows(count: int, registry: Registry, seed: int = 8) -> Iterator[LedgerRow]:
    """``count`` ledger rows as cases would project them, received over 2025 and 2026."""
    rng = random.Random(seed)
    rooms = sorted(o.org_id for o in registry.rooms())
    day = dt.timedelta(days=1)
    for n in range(count):
        received = FIRST + rng.randrange(730) * day
        outcome = rng.choices(list(Outcome), weights=(2, 1, 12, 3))[0]
        accepted = None if outcome is Outcome.DECLINED else received + rng.randrange(4) * day
        concluded = None
        if outcome is Outcome.DECLINED:
            concluded = received + rng.randrange(6) * day
        elif outcome is not Outcome.OPEN and accepted is not None:
            concluded = accepted + rng.randrange(61) * day
        term_due = None if accepted is None else accepted + 30 * day
        settled = outcome is Outcome.SETTLED
        visited = settled and rng.random() < 0.8
        first_visit = concluded + rng.randrange(25) * day if visited and concluded else None
        risk = rng.randrange(40)
        parties = 2 + rng.randrange(3)
        yield LedgerRow(
            case_id=f"c{n:08d}",
            version=8,
            room_id=rooms[rng.randrange(len(rooms))],
            number=None,
            status=CaseStatus.ARCHIVED if concluded else CaseStatus.MEDIATING,
            outcome=outcome,
            source=SOURCES[rng.randrange(len(SOURCES))],
            category=CATEGORIES[min(int(rng.expovariate(0.35)), len(CATEGORIES) - 1)],
            summary="纠纷",
            party_names=("甲", "乙"),
            parties=parties,
            persons=parties + rng.randrange(4),
            amount_involved=Decimal(rng.randrange(2_000_000)) / 100,
            received_on=received,
            accepted_on=accepted,
            term_due=term_due,
            concluded_on=concluded,
            archived_on=None,
            agreement_form="written" if settled else None,
            termination_reason="failed" if outcome is Outcome.FAILED else None,
            decline_reason="outside_scope" if outcome is Outcome.DECLINED else None,
            difficulty=DIFFICULTIES[rng.randrange(len(DIFFICULTIES))],
            civil_to_criminal_persons=2 if risk == 0 else 0,
            public_order_persons=3 if risk == 1 else 0,
            mass_incident_persons=12 if risk == 2 else 0,
            suicide_persons=1 if risk == 3 else 0,
            presiding_mediator=None,
            mediators=(),
            sessions=1,
            follow_up_due=concluded + 21 * day if settled and concluded else None,
            follow_ups=1 if first_visit else 0,
            first_follow_up_on=first_visit,
            performance=None,
            satisfaction=None,
            referral_id=None,
            referral_mode=None,
            dispatch_id=f"d{n}" if rng.random() < 0.1 else None,
            repeat_of=f"c{n - 1:08d}" if n and rng.random() < 0.05 else None,
            party_keys=(),
        )


def fill(url: str, cases: int, registry: Registry, say: Callable[[str], None]) -> None:
    """A store at ``url`` holding ``cases`` ledger rows and their statistics cells."""
    store = open_sqlalchemy(url)
    store.save_registry(registry)
    codec = ledger_codec()
    started = time.perf_counter()
    rows: list[LedgerRow] = []
    cells: dict[Any, Any] = {}
    with store.engine.begin() as conn:
        for row in ledger_rows(cases, registry):
            rows.append(row)
            if len(rows) == BATCH:
                _insert(conn, rows, codec, cells)
                rows = []
        if rows:
            _insert(conn, rows, codec, cells)
        conn.execute(sa.insert(t.statistics_cells), cell_rows(cells))
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE")
    store.close()
    say(f"    filled {cases:,} rows and {len(cells):,} cells in {time.perf_counter() - started:.0f} s")


def _insert(conn: sa.Connection, rows: list[LedgerRow], codec: Any, cells: dict[Any, Any]) -> None:
    from mediation_core.domain.reporting.rollups import add, contributions

    conn.execute(
        sa.insert(t.streams),
        [{"stream_id": r.case_id, "version": r.version, "head_hash": "0" * 64, "updated_at": T0} for r in rows],
    )
    conn.execute(sa.insert(t.ledger), [codec.encode(r) for r in rows])
    for row in rows:
        add(cells, contributions(row))


# -- the three ways to the report -------------------------------------------------------------
_OPEN: dict[str, Any] = {}


def by_rollups(url: str, registry: Registry) -> StatisticsReport:
    """What ``MediationService.statistics`` runs, on a store that is already open (as a
    service's is)."""
    store = _OPEN.get(url)
    if store is None:
        store = _OPEN[url] = open_sqlalchemy(url, migrate=False)
    return live_report(store, registry, {c.code: c for c in MINISTRY_CATEGORIES}, PERIOD, SCOPE)


def close_stores() -> None:
    while _OPEN:
        _OPEN.popitem()[1].close()


def _date(value: Any) -> dt.date | None:
    return None if value is None else value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


_COLUMNS = [c.name for c in t.ledger.c]
_DATES = {c.name for c in t.ledger.c if isinstance(c.type, sa.Date)}
_ENUMS = {"status": CaseStatus, "outcome": Outcome}


def by_raw_scan(url: str, registry: Registry) -> StatisticsReport:
    """Every ledger row of the scope's rooms through the driver's cursor, counted by report()."""
    rooms = rooms_in(registry, SCOPE)
    dates = [i for i, name in enumerate(_COLUMNS) if name in _DATES]
    amount = _COLUMNS.index("amount_fen")
    status, outcome = _COLUMNS.index("status"), _COLUMNS.index("outcome")
    fields = [("amount_involved" if n == "amount_fen" else n) for n in _COLUMNS]
    hundred = Decimal(100)

    def rows(cursor: Any) -> Iterator[LedgerRow]:
        while batch := cursor.fetchmany(BATCH):
            for raw in batch:
                values = list(raw)
                for i in dates:
                    values[i] = _date(values[i])
                values[amount] = Decimal(values[amount]) / hundred
                values[status] = CaseStatus(values[status])
                values[outcome] = Outcome(values[outcome])
                yield LedgerRow(**dict(zip(fields, values, strict=True)))

    with _cursor(url) as cursor:
        marks = ", ".join(_param(url, i) for i in range(len(rooms)))
        cursor.execute(f"SELECT {', '.join(_COLUMNS)} FROM ledger WHERE room_id IN ({marks})", rooms)
        return report(rows(cursor), PERIOD, SCOPE, registry)


def _condition(condition: Any, pg: bool) -> str:
    if isinstance(condition, OneOf):
        return f"{condition.column} IN ({', '.join(repr(v) for v in condition.values)})"
    if isinstance(condition, Positive):
        return f"{condition.column} > 0"
    if isinstance(condition, Present):
        return f"{condition.column} IS NOT NULL"
    if isinstance(condition, NotLater):
        a, b = condition.column, condition.than
        return f"({a} IS NOT NULL AND {b} IS NOT NULL AND {a} <= {b})"
    raise TypeError(condition)


def by_group_by(url: str, registry: Registry) -> StatisticsReport:
    """The counting rules compiled to SQL: per dated column, one GROUP BY (room, category,
    source, month) with a conditional sum per figure; the median from a histogram query."""
    pg = not url.startswith("sqlite")
    rooms = rooms_in(registry, SCOPE)
    cells: list[Cell] = []
    hundred = Decimal(100)
    with _cursor(url) as cursor:
        marks = ", ".join(_param(url, i) for i in range(len(rooms)))
        for column in sorted({f.date for f in FIGURES}):
            figures = [f for f in FIGURES if f.date == column]
            month = f"to_char({column}, 'YYYY-MM')" if pg else f"substr({column}, 1, 7)"
            sums = []
            for f in figures:
                where = " AND ".join(_condition(c, pg) for c in f.where) or "TRUE"
                sums += [
                    f"SUM(CASE WHEN {where} THEN 1 ELSE 0 END)",
                    f"SUM(CASE WHEN {where} THEN {f.persons} ELSE 0 END)",
                    f"SUM(CASE WHEN {where} THEN amount_fen ELSE 0 END)",
                ]
            bounds = (PERIOD.start, PERIOD.end) if pg else (PERIOD.start.isoformat(), PERIOD.end.isoformat())
            sql = (
                f"SELECT room_id, category, source, {month}, {', '.join(sums)} FROM ledger "
                f"WHERE room_id IN ({marks}) AND {column} BETWEEN {_param(url, 900)} AND {_param(url, 901)} "
                f"GROUP BY room_id, category, source, {month}"
            )
            cursor.execute(sql, [*rooms, *bounds])
            for room, category, source, label, *values in cursor.fetchall():
                for i, f in enumerate(figures):
                    cases, persons, fen = values[3 * i : 3 * i + 3]
                    if cases:
                        money = Decimal(fen) / hundred
                        cells.append(Cell(room, label, CATEGORY, category, f.key, int(cases), int(persons), money))
                        cells.append(Cell(room, label, SOURCE, source, f.key, int(cases), int(persons), money))
        concluded = next(f for f in FIGURES if f.key == MEDIAN_DAYS_TO_CONCLUDE.figure)
        where = " AND ".join(_condition(c, pg) for c in concluded.where)
        days = (
            "(concluded_on - accepted_on)"
            if pg
            else "CAST(julianday(concluded_on) - julianday(accepted_on) AS INTEGER)"
        )
        cursor.execute(
            f"SELECT room_id, {days}, COUNT(*) FROM ledger WHERE room_id IN ({marks}) AND {where} "
            f"AND accepted_on IS NOT NULL AND concluded_on BETWEEN {_param(url, 900)} AND {_param(url, 901)} "
            f"GROUP BY room_id, {days}",
            [*rooms, *bounds],
        )
        label = f"{PERIOD.start.year}-01"  # the histogram's month does not matter inside the period
        cells += [
            Cell(r, label, DAYS, str(d), MEDIAN_DAYS_TO_CONCLUDE.key, int(n), 0, Decimal(0))
            for r, d, n in cursor.fetchall()
        ]
    return rollup_report(cells, PERIOD, SCOPE, registry)


def _param(url: str, index: int) -> str:
    return "?" if url.startswith("sqlite") else "%s"


class _cursor:  # noqa: N801  (a context manager used like a function)
    """The driver's own connection and cursor, closed afterwards."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __enter__(self) -> Any:
        if self.url.startswith("sqlite"):
            import sqlite3

            self.conn: Any = sqlite3.connect(self.url.removeprefix("sqlite:///"))
        else:
            import psycopg

            self.conn = psycopg.connect(self.url.replace("postgresql+psycopg://", "postgresql://"))
        return self.conn.cursor()

    def __exit__(self, *exc: object) -> None:
        self.conn.close()


def peak_memory(url: str) -> dict[str, float]:
    """The rollup report in a fresh process: its maximum resident set and tracemalloc peak (MB)."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.report", "--memory-of", url],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _memory_of(url: str) -> None:
    registry = district()
    tracemalloc.start()
    by_rollups(url, registry)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(json.dumps({"max_rss_mb": peak_resident_mb(), "tracemalloc_peak_mb": peak / 2**20}))


def peak_resident_mb() -> float:
    """This process's peak resident set: ``VmHWM`` where Linux has it, because Linux carries
    ``ru_maxrss`` across ``exec`` (a process started from the benchmark, which holds a million
    rows, would report the benchmark's size); ``ru_maxrss`` elsewhere."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    scale = 2**20 if sys.platform == "darwin" else 1024  # bytes on macOS, kB elsewhere
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


# -- the runs ---------------------------------------------------------------------------------
def fresh_database(kind: str, postgres_url: str, tmp: str) -> tuple[str, Callable[[], None]]:
    name = f"r{uuid.uuid4().hex[:12]}"
    if kind == "sqlite":
        return f"sqlite:///{Path(tmp) / name}.sqlite3", lambda: None
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        admin.dispose()

    return f"{postgres_url}?options=-csearch_path%3D{name}", drop


def median(values: list[float]) -> float:
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def counts(url: str, registry: Registry) -> dict[str, int]:
    """The ledger's rows, its statistics cells, the cells of the report's rooms and months, and
    the summed lines the store returns for the report."""
    store = open_sqlalchemy(url, migrate=False)
    try:
        rooms, wanted = rooms_in(registry, SCOPE), months(PERIOD)
        with store.engine.connect() as conn:
            rows = conn.execute(sa.select(sa.func.count()).select_from(t.ledger)).scalar_one()
            cells = conn.execute(sa.select(sa.func.count()).select_from(t.statistics_cells)).scalar_one()
        read = sum(1 for _ in store.rollups(rooms, wanted))
        summed = sum(1 for _ in store.rollup_totals(rooms, wanted))
    finally:
        store.close()
    return {"rows": rows, "cells": cells, "cells read": read, "lines": summed}


def run_backend(
    kind: str,
    cases: int,
    runs: int,
    postgres_url: str,
    say: Callable[[str], None],
    database: str | None = None,
    keep: bool = False,
) -> dict[str, Any]:
    registry = district()
    with tempfile.TemporaryDirectory(prefix="mediation-report-") as tmp:
        if database is not None:
            url, drop = database, lambda: None
        else:
            url, drop = fresh_database(kind, postgres_url, str(Path(tempfile.gettempdir())) if keep else tmp)
            fill(url, cases, registry, say)
            if keep:
                say(f"    kept: --database '{url}'")
                drop = lambda: None  # noqa: E731
        try:
            sizes = counts(url, registry)
            say(
                f"    {sizes['rows']:,} rows, {sizes['cells']:,} cells; the report's rooms and months hold "
                f"{sizes['cells read']:,} cells, summed by the store into {sizes['lines']:,} lines"
            )
            times: dict[str, list[float]] = {"rollups": [], "raw scan": [], "GROUP BY": []}
            ways = {"rollups": by_rollups, "raw scan": by_raw_scan, "GROUP BY": by_group_by}
            expected = by_rollups(url, registry)
            for run in range(runs):
                order = list(ways) if run % 2 == 0 else list(reversed(ways))
                for name in order:
                    started = time.perf_counter()
                    got = ways[name](url, registry)
                    times[name].append(time.perf_counter() - started)
                    if got != expected:
                        msg = f"{kind}: the {name} report differs from the rollup report"
                        raise AssertionError(msg)
                say(
                    f"  {kind} run {run + 1}/{runs}: "
                    + ", ".join(f"{name} {values[-1] * 1000:8.1f} ms" for name, values in times.items())
                )
            memory = [peak_memory(url) for _ in range(3)]
        finally:
            close_stores()
            drop()
    best = min(("raw scan", "GROUP BY"), key=lambda name: median(times[name]))
    ratios = [r / b for r, b in zip(times["rollups"], times[best], strict=True)]
    return {
        "backend": kind,
        **sizes,
        **{name: median(values) for name, values in times.items()},
        "best": best,
        "ratio": median(ratios),
        "max_rss_mb": median([m["max_rss_mb"] for m in memory]),
        "tracemalloc_peak_mb": median([m["tracemalloc_peak_mb"] for m in memory]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.report", description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "all"], default="all")
    parser.add_argument("--cases", type=int, default=1_000_000, help="ledger rows (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=5, help="runs per backend; medians are reported (default 5)")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument(
        "--database", help="report on this database, filled by an earlier --keep run, instead of filling one"
    )
    parser.add_argument("--keep", action="store_true", help="keep the filled database and print its URL")
    parser.add_argument("--memory-of", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_of:
        _memory_of(args.memory_of)
        return 0
    kinds = ["sqlite", "postgresql"] if args.backend == "all" else [args.backend]

    def say(line: str) -> None:
        print(line, flush=True)

    say(f"district report benchmark: {args.cases:,} cases, year {PERIOD.label}, median of {args.runs} runs")
    if args.database and len(kinds) != 1:
        parser.error("--database needs --backend sqlite or --backend postgresql")
    results = [
        run_backend(kind, args.cases, args.runs, args.postgres_url, say, args.database, args.keep) for kind in kinds
    ]
    say("")
    say(
        f"{'backend':<11} {'rows':>10} {'lines':>7} {'rollups':>10} {'raw scan':>10} {'GROUP BY':>10} "
        f"{'ratio to best':>14} {'peak RSS':>9} {'traced':>8}"
    )
    for r in results:
        say(
            f"{r['backend']:<11} {r['rows']:>10,} {r['lines']:>7,} {r['rollups'] * 1000:>7.1f} ms "
            f"{r['raw scan'] * 1000:>7.0f} ms "
            f"{r['GROUP BY'] * 1000:>7.0f} ms {r['ratio']:>13.3f}x {r['max_rss_mb']:>6.0f} MB "
            f"{r['tracemalloc_peak_mb']:>5.1f} MB"
        )
    say("")
    say("targets: rollup report <= 0.1x the best full scan, identical figures; peak memory <= 200 MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

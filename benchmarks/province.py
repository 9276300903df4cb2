"""Province report benchmark: many counties on one PostgreSQL database, each in its own schema;
the province's statistics report read from the counties' statistics cells against the best
full scan of every county's ledger. Not a test: it prints ratios.

    python -m benchmarks.province                         # 100 counties x 3,000 cases
    python -m benchmarks.province --counties 10 --cases 300 --runs 3

Setup: each county's schema is created and migrated as ``mediation county add`` does (the
backend's ``upgrade``; the time per schema is printed), then filled in bulk with generated
ledger rows and the statistics cells the domain computes from them (the same generator and
bulk insert as ``benchmarks.report``, one seed per county): 300,000 commands through the
service would take hours and measure the command path, not the report. The report is the
province's for the year 2026. Each run measures in turn, the order reversed every other run:

- **cells**: ``ProvinceStatistics.report`` on counties already opened (as a long-running
  province service holds them): per county one ``rollup_totals`` statement (the cells of its
  rooms and the year's months summed in its schema) and its screening rounds, added up in
  Python into the province's report with one line per county;
- **full scan**: the counting rules compiled to SQL over every county's ledger in one
  statement per dated column (``UNION ALL`` of the schemas' ledgers, ``GROUP BY`` county,
  room, category, source and month) and a histogram query for the median, made into each
  county's report and the province's the same way.

The two province reports must be equal, county by county (the benchmark stops otherwise).

For ADR 0015 it also measures the alternative it rejected: one shared cells table keyed by
county under row-level security (the counties' cells copied into it): the province report
as one ``GROUP BY`` over it, and one county's report through its policy.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from benchmarks.report import (
    BATCH,
    PERIOD,
    SCOPE,
    _condition,
    _insert,
    district,
    ledger_rows,
    median,
)
from mediation_core.app.counties import County, Deployment, ProvinceActor, ProvinceStatistics, county_url
from mediation_core.domain.reporting.province import (
    CountyFigures,
    ProvinceReport,
    county_report,
    days_histogram,
    province_report,
)
from mediation_core.domain.reporting.rollups import CATEGORY, DAYS, SOURCE, Cell, totals
from mediation_core.domain.reporting.statistics import FIGURES, MEDIAN_DAYS_TO_CONCLUDE
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.categories import MINISTRY_CATEGORIES
from mediation_core.domain.values.organisations import Registry
from mediation_sqlalchemy import open_sqlalchemy
from mediation_sqlalchemy import tables as t
from mediation_sqlalchemy.codecs import cell_rows, ledger_codec
from mediation_sqlalchemy.plugin import upgrade_postgresql

POSTGRES_URL = os.environ.get("MEDIATION_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PROVINCE = "province"
READER = Actor(actor_id="centre", role=Role.COORDINATION_CENTRE, scope_id=PROVINCE)
CATEGORIES = {c.code: c for c in MINISTRY_CATEGORIES}


def deployment_of(url: str, schemas: list[str]) -> Deployment:
    return Deployment(
        url=url,
        province_id=PROVINCE,
        province_name="某省",
        counties=tuple(
            County(
                county_id=f"c{n:03d}",
                name=f"第{n}县",
                schema=schema,
                scope=SCOPE,
                identity_key_env="UNUSED_FOR_READS",
            )
            for n, schema in enumerate(schemas)
        ),
        actors=(ProvinceActor(actor_id=READER.actor_id, name="省协调中心", role=READER.role),),
    )


def fill(url: str, cases: int, registry: Registry, seed: int) -> None:
    """One county's store holding ``cases`` ledger rows and their statistics cells."""
    store = open_sqlalchemy(url)
    store.save_registry(registry)
    codec = ledger_codec()
    rows: list[Any] = []
    cells: dict[Any, Any] = {}
    with store.engine.begin() as conn:
        for row in ledger_rows(cases, registry, seed=seed):
            rows.append(row)
            if len(rows) == BATCH:
                _insert(conn, rows, codec, cells)
                rows = []
        if rows:
            _insert(conn, rows, codec, cells)
        conn.execute(sa.insert(t.statistics_cells), cell_rows(cells))
        conn.exec_driver_sql("ANALYZE")
    store.close()


# -- the best full scan: every county's ledger in one statement per dated column --------------
def by_full_scan(engine: sa.Engine, deployment: Deployment, registry: Registry) -> ProvinceReport:
    ledgers = " UNION ALL ".join(
        f"SELECT '{c.county_id}' AS county_id, * FROM \"{c.schema}\".ledger" for c in deployment.counties
    )
    cells: dict[str, list[Cell]] = {c.county_id: [] for c in deployment.counties}
    hundred = Decimal(100)
    bounds = {"start": PERIOD.start, "end": PERIOD.end}
    with engine.connect() as conn:
        for column in sorted({f.date for f in FIGURES}):
            figures = [f for f in FIGURES if f.date == column]
            month = f"to_char({column}, 'YYYY-MM')"
            sums = []
            for f in figures:
                where = " AND ".join(_condition(c, True) for c in f.where) or "TRUE"
                sums += [
                    f"SUM(CASE WHEN {where} THEN 1 ELSE 0 END)",
                    f"SUM(CASE WHEN {where} THEN {f.persons} ELSE 0 END)",
                    f"SUM(CASE WHEN {where} THEN amount_fen ELSE 0 END)",
                ]
            sql = (
                f"SELECT county_id, room_id, category, source, {month}, {', '.join(sums)} FROM ({ledgers}) AS l "
                f"WHERE {column} BETWEEN :start AND :end GROUP BY county_id, room_id, category, source, {month}"
            )
            for county_id, room, category, source, label, *values in conn.execute(sa.text(sql), bounds):
                for i, f in enumerate(figures):
                    cases, persons, fen = values[3 * i : 3 * i + 3]
                    if cases:
                        money = Decimal(fen) / hundred
                        line = cells[county_id]
                        line.append(Cell(room, label, CATEGORY, category, f.key, int(cases), int(persons), money))
                        line.append(Cell(room, label, SOURCE, source, f.key, int(cases), int(persons), money))
        concluded = next(f for f in FIGURES if f.key == MEDIAN_DAYS_TO_CONCLUDE.figure)
        where = " AND ".join(_condition(c, True) for c in concluded.where)
        label = f"{PERIOD.start.year}-01"  # the histogram's month does not matter inside the period
        histogram = conn.execute(
            sa.text(
                f"SELECT county_id, room_id, concluded_on - accepted_on, COUNT(*) FROM ({ledgers}) AS l "
                f"WHERE {where} AND accepted_on IS NOT NULL AND concluded_on BETWEEN :start AND :end "
                "GROUP BY county_id, room_id, concluded_on - accepted_on"
            ),
            bounds,
        )
        for county_id, room, days, n in histogram:
            cells[county_id].append(
                Cell(room, label, DAYS, str(days), MEDIAN_DAYS_TO_CONCLUDE.key, int(n), 0, Decimal(0))
            )
    parts = []
    for county in deployment.counties:
        own = cells[county.county_id]
        summed = totals(own, per_room=False)
        report = county_report(summed, PERIOD, SCOPE, registry, CATEGORIES)
        days = days_histogram(summed)
        parts.append(CountyFigures(county_id=county.county_id, name=county.name, report=report, days=days))
    return province_report(deployment.province_id, deployment.province_name, PERIOD, parts, CATEGORIES)


# -- the rejected alternative: one cells table keyed by county, under row-level security ------
SHARED_CELLS = """
CREATE TABLE "{schema}".cells (
    county_id text NOT NULL, room_id text NOT NULL, month text NOT NULL, axis text NOT NULL,
    value text NOT NULL, figure text NOT NULL, cases bigint NOT NULL, persons bigint NOT NULL,
    amount_fen bigint NOT NULL,
    PRIMARY KEY (county_id, room_id, month, axis, value, figure)
)"""


def shared_table(engine: sa.Engine, deployment: Deployment, schema: str, role: str) -> None:
    """The counties' cells copied into one table with a county column and a policy that shows
    a county's role only its county's rows (``app.county``), as a county-key design would keep
    them; the province reads as a role the policy does not bind."""
    with engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        conn.exec_driver_sql(f'CREATE ROLE "{role}" NOLOGIN')
        conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"')
        conn.exec_driver_sql(SHARED_CELLS.format(schema=schema))
        for c in deployment.counties:
            conn.exec_driver_sql(
                f"INSERT INTO \"{schema}\".cells SELECT '{c.county_id}', room_id, month, axis, value, figure, "
                f'cases, persons, amount_fen FROM "{c.schema}".statistics_cells'
            )
        conn.exec_driver_sql(f'ALTER TABLE "{schema}".cells ENABLE ROW LEVEL SECURITY')
        conn.exec_driver_sql(f'GRANT SELECT ON "{schema}".cells TO "{role}"')
        conn.exec_driver_sql(
            f"CREATE POLICY county ON \"{schema}\".cells USING (county_id = current_setting('app.county', true))"
        )
        conn.exec_driver_sql(f'ANALYZE "{schema}".cells')


def shared_province_sums(engine: sa.Engine, schema: str, months: list[str]) -> int:
    """The province's summed lines from the shared table (a role that bypasses the policy)."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT county_id, axis, value, figure, SUM(cases), SUM(persons), SUM(amount_fen) "
                f'FROM "{schema}".cells WHERE month = ANY(:months) GROUP BY county_id, axis, value, figure'
            ),
            {"months": months},
        ).all()
    return len(rows)


def county_sums(engine: sa.Engine, sql: str, months: list[str], county: str | None, role: str) -> int:
    """One county's summed lines: from its own schema, or (``county``) from the shared table as
    the county's role, the policy picking its rows."""
    with engine.connect() as conn:
        if county is not None:
            conn.exec_driver_sql(f'SET ROLE "{role}"')
            conn.execute(sa.text("SELECT set_config('app.county', :c, false)"), {"c": county})
        try:
            return len(conn.execute(sa.text(sql), {"months": months}).all())
        finally:
            conn.exec_driver_sql("RESET ROLE")


# -- the run ----------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.province", description=__doc__.split("\n")[0])
    parser.add_argument("--counties", type=int, default=100, help="counties, each a schema (default 100)")
    parser.add_argument("--cases", type=int, default=3_000, help="ledger rows per county (default 3,000)")
    parser.add_argument("--runs", type=int, default=5, help="runs; medians are reported (default 5)")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    args = parser.parse_args(argv)

    def say(line: str) -> None:
        print(line, flush=True)

    say(
        f"province report benchmark: {args.counties} counties x {args.cases:,} cases on one PostgreSQL, "
        f"year {PERIOD.label}, median of {args.runs} runs"
    )
    tag = uuid.uuid4().hex[:8]
    schemas = [f"bp_{tag}_{n:03d}" for n in range(args.counties)]
    shared, role = f"bp_{tag}_shared", f"bp_{tag}_county"
    admin = sa.create_engine(args.postgres_url, isolation_level="AUTOCOMMIT")
    registry = district()
    deployment = deployment_of(args.postgres_url, schemas)
    try:
        started = time.perf_counter()
        for schema in schemas:
            upgrade_postgresql(county_url(args.postgres_url, schema))
        migrated = time.perf_counter() - started
        say(
            f"    created and migrated {len(schemas)} schemas in {migrated:.1f} s "
            f"({migrated / len(schemas) * 1000:.0f} ms each)"
        )
        started = time.perf_counter()
        for schema in schemas:
            upgrade_postgresql(county_url(args.postgres_url, schema))
        checked = time.perf_counter() - started
        say(f"    upgrading {len(schemas)} schemas already at the newest revision: {checked:.1f} s")
        started = time.perf_counter()
        for n, schema in enumerate(schemas):
            fill(county_url(args.postgres_url, schema), args.cases, registry, seed=n)
        say(f"    filled {args.counties * args.cases:,} rows in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        province = ProvinceStatistics(deployment, environ={})
        opened = time.perf_counter() - started
        say(f"    opened {len(schemas)} counties read-only in {opened:.1f} s")
        try:
            ways: dict[str, Callable[[], ProvinceReport]] = {
                "cells": lambda: province.report(PERIOD, READER),
                "full scan": lambda: by_full_scan(admin, deployment, registry),
            }
            expected = ways["cells"]()
            times: dict[str, list[float]] = {name: [] for name in ways}
            for run in range(args.runs):
                for name in list(ways) if run % 2 == 0 else list(reversed(ways)):
                    began = time.perf_counter()
                    got = ways[name]()
                    times[name].append(time.perf_counter() - began)
                    if got != expected:
                        msg = f"the {name} province report differs from the cells' report"
                        raise AssertionError(msg)
                say(
                    f"  run {run + 1}/{args.runs}: "
                    + ", ".join(f"{name} {values[-1] * 1000:8.1f} ms" for name, values in times.items())
                )
        finally:
            province.close()
        ratios = [c / s for c, s in zip(times["cells"], times["full scan"], strict=True)]
        shared_table(admin, deployment, shared, role)
        months = [f"{PERIOD.start.year}-{m:02d}" for m in range(1, 13)]
        rls: dict[str, list[float]] = {"province, shared table": [], "county, own schema": [], "county, RLS": []}
        own = (
            f'SELECT axis, value, figure, SUM(cases) FROM "{schemas[0]}".statistics_cells '
            "WHERE month = ANY(:months) GROUP BY axis, value, figure"
        )
        policed = (
            f'SELECT axis, value, figure, SUM(cases) FROM "{shared}".cells '
            "WHERE month = ANY(:months) GROUP BY axis, value, figure"
        )
        for _ in range(args.runs):
            for name, call in (
                ("province, shared table", lambda: shared_province_sums(admin, shared, months)),
                ("county, own schema", lambda: county_sums(admin, own, months, None, role)),
                ("county, RLS", lambda: county_sums(admin, policed, months, deployment.counties[0].county_id, role)),
            ):
                began = time.perf_counter()
                call()
                rls[name].append(time.perf_counter() - began)
    finally:
        with admin.connect() as conn:
            for schema in [*schemas, shared]:
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
        admin.dispose()
    say("")
    say(f"{'counties':>8} {'cases':>9} {'cells':>10} {'full scan':>11} {'ratio':>8}")
    say(
        f"{args.counties:>8} {args.counties * args.cases:>9,} {median(times['cells']) * 1000:>7.1f} ms "
        f"{median(times['full scan']) * 1000:>8.1f} ms {median(ratios):>7.3f}x"
    )
    say(
        "shared cells table with a county key (ADR 0015): "
        + ", ".join(f"{k} {median(v) * 1000:.1f} ms" for k, v in rls.items())
    )
    each, current = migrated / len(schemas) * 1000, checked / len(schemas) * 1000
    say(f"migration: {each:.0f} ms per new schema; {current:.0f} ms per schema already current")
    say("target: province report from cells <= 0.1x the best full scan, identical figures")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Command path benchmark: how far the command path is from what the database allows, and how
it holds up with several writers. Not a test: it prints markdown tables (docs/performance.md
keeps them in the same layout).

    python -m benchmarks.commands                     # both databases, full sizes (about 10 min)
    python -m benchmarks.commands --quick             # small sizes, for a smoke run
    python -m benchmarks.commands --backend sqlite --only ceiling

The parts, each on fresh databases, with the databases' durable defaults (SQLite WAL with
``synchronous=FULL``, PostgreSQL with ``synchronous_commit`` on):

- **ceiling**: every statement the command path sent for a run of case lifecycles (captured
  on the driver cursor and SQLAlchemy's), replayed by the bare driver with the same values, one
  transaction per command (on PostgreSQL ``BEGIN``, the statements and ``COMMIT`` in one
  pipeline): the fastest the same work can be done. Reported: ms per command each way and
  ceiling time ÷ command path time (the share of the ceiling the command path reaches);
- **fresh / cached**: one command on a stream of 10 and of 200 events, by a service that
  remembers the stream (cached) and by one just opened (fresh: it reads and folds the stream);
- **writers**: K = 1, 2, 4, 8 processes, each running case lifecycles of its own, without and
  with a hot case (every tenth command is on one case all writers share; a conflict is run
  again), against ``eventsourcing`` doing the same (the same events per command); commands per
  second, conflicts per successful hot command, and each command's latency (retries included)
  as p50 / p95 / p99 / max;
- **round trips** (PostgreSQL): per command, counted from libpq's trace
  (:class:`mediation_sqlalchemy.round_trips.RoundTrips`);
- **import memory**: the tracemalloc peak of importing a generated ledger file of N rows.

Medians of runs in alternating order; each figure is printed with the load average
(``os.getloadavg()``) it was taken at.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import multiprocessing as mp
import os
import queue
import sqlite3
import statistics
import sys
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from eventsourcing.persistence import IntegrityError as EsIntegrityError
from sqlalchemy import event

from benchmarks.storage import (
    IDENTITY_KEY,
    POSTGRES_URL,
    Case,
    Cases,
    Database,
    es_command,
    patched_environ,
    scripts,
    service_on,
)
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.case import commands as c
from mediation_core.domain.errors import ConcurrencyConflictError
from mediation_core.plugins import load_plugins
from mediation_core.testing import scenarios as sc
from mediation_memory import MemoryStore
from mediation_sqlalchemy import open_sqlalchemy
from mediation_sqlalchemy.statements import Compiled
from mediation_sqlalchemy.store import SqlStore

Say = Callable[[str], None]
Statement = tuple[str, Any, bool]  # (driver SQL, driver parameters, executemany)
SKIPPED = ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE")


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# -- the ceiling: the same SQL and values by the bare driver ------------------------------------
class Recorder:
    """Every statement a store sends, grouped by unit of work (one per command): the compiled
    statements the unit runs on the driver cursor, and SQLAlchemy's own executions."""

    def __init__(self, store: SqlStore) -> None:
        self.units: list[list[Statement]] = []
        self._current: list[Statement] | None = None
        sql = store.cursor_statements
        add = self._add

        def execute(cursor: Any, statement: Compiled, values: Any) -> Any:
            bound = statement.bind(values)
            add((statement.sql, bound, False))
            cursor.execute(statement.sql, bound)
            return cursor

        def fetch(cursor: Any, statement: Compiled, values: Any) -> Any:
            execute(cursor, statement, values)
            return statement.rows(cursor)

        def executemany(cursor: Any, statement: Compiled, rows: Iterable[Any]) -> None:
            bound = [statement.bind(r) for r in rows]
            if len(bound) == 1:
                add((statement.sql, bound[0], False))
                cursor.execute(statement.sql, bound[0])
            elif bound:
                add((statement.sql, bound, True))
                cursor.executemany(statement.sql, bound)

        sql.execute = execute  # type: ignore[method-assign]
        sql.fetch = fetch  # type: ignore[method-assign]
        sql.executemany = executemany  # type: ignore[method-assign]
        event.listen(store.engine, "before_cursor_execute", self._core)

    def _add(self, statement: Statement) -> None:
        if self._current is not None and not statement[0].lstrip().upper().startswith(SKIPPED):
            self._current.append(statement)

    def _core(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool) -> None:
        self._add((statement, parameters, many))

    def unit(self) -> None:
        self._current = []
        self.units.append(self._current)


def command_path_recorded(url: str, cases: list[sc.Script]) -> tuple[float, int, list[list[Statement]]]:
    """Seconds for every command through ``handle``, the commands, and what each sent."""
    service = service_on(url)
    assert isinstance(service.store, SqlStore)
    recorder = Recorder(service.store)
    clock = service.clock
    assert isinstance(clock, sc.ScriptClock)
    started = time.perf_counter()
    commands = 0
    for script in cases:
        for moment, command in script:
            clock.now = moment
            recorder.unit()
            service.handle(command, sc.MEDIATOR)
            commands += 1
    elapsed = time.perf_counter() - started
    service.store.close()
    return elapsed, commands, recorder.units


def command_path(url: str, cases: list[sc.Script]) -> float:
    service = service_on(url)
    clock = service.clock
    assert isinstance(clock, sc.ScriptClock)
    started = time.perf_counter()
    for script in cases:
        sc.run(service.handle, clock, script)
    elapsed = time.perf_counter() - started
    service.store.close()
    return elapsed


def replay(url: str, units: list[list[Statement]]) -> float:
    """Seconds for the bare driver to run ``units``, one transaction each, on a fresh store at
    ``url`` (migrated, the registry written, as the command path found it)."""
    service_on(url).store.close()
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        conn = sqlite3.connect(parsed.database or "", isolation_level=None)
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "secure_delete=ON", "synchronous=FULL"):
            conn.execute(f"PRAGMA {pragma}")
        started = time.perf_counter()
        for statements in units:
            conn.execute("BEGIN IMMEDIATE")
            for sql, params, many in statements:
                if many:
                    conn.executemany(sql, params)
                else:
                    conn.execute(sql, params).fetchall()
            conn.execute("COMMIT")
        elapsed = time.perf_counter() - started
        conn.close()
        return elapsed
    import psycopg

    query = dict(parsed.query)
    pg = psycopg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname=parsed.database,
        options=str(query.get("options", "")),
        autocommit=True,
    )
    cursor = pg.cursor()
    started = time.perf_counter()
    for statements in units:
        with pg.pipeline():
            cursor.execute("BEGIN")
            for sql, params, many in statements:
                if many:
                    cursor.executemany(sql, params)
                else:
                    cursor.execute(sql, params)
            cursor.execute("COMMIT")
    elapsed = time.perf_counter() - started
    pg.close()
    return elapsed


def ceiling(db: Database, cases: int, runs: int, say: Say) -> list[str]:
    work = scripts(cases, 0)
    url, _ = db.fresh()
    _, commands, units = command_path_recorded(url, work)
    ours, bare, ratios, loads = [], [], [], []
    for run in range(runs):
        order = (
            [("path", command_path), ("bare", replay)] if run % 2 == 0 else [("bare", replay), ("path", command_path)]
        )
        took: dict[str, float] = {}
        for name, fn in order:
            url, _ = db.fresh()
            took[name] = fn(url, units if name == "bare" else work)  # type: ignore[operator]
        ours.append(took["path"] / commands * 1000)
        bare.append(took["bare"] / commands * 1000)
        ratios.append(took["bare"] / took["path"])
        loads.append(load())
        say(f"  ceiling {db.kind} run {run + 1}/{runs}: command path {ours[-1]:.2f} ms, bare driver {bare[-1]:.2f} ms")
    return [
        f"| {db.kind} | {commands} | {statistics.median(ours):.2f} ms | {statistics.median(bare):.2f} ms "
        f"| **{statistics.median(ratios):.2f}×** | {loads[len(loads) // 2]} |"
    ]


# -- a fresh service against one that remembers the stream --------------------------------------
def long_script(case_id: str, serial: int, events: int) -> sc.Script:
    """A case whose stream has ``events`` events: intake to the start of mediation, then one
    investigation record per event more."""
    head = sc.lifecycle(case_id, serial=serial)[:6]  # ReceiveDispute … StartMediation: 6 events
    moment = head[-1][0]
    more = [
        (
            moment,
            c.RecordInvestigation(
                case_id=case_id, on=moment.date(), investigator_id="m-zhang", subject=f"走访{n}", content="了解情况"
            ),
        )
        for n in range(events - len(head))
    ]
    return [*head, *more]


def fresh_and_cached(db: Database, samples: int, say: Say) -> list[str]:
    lines = []
    for events in (10, 200):
        url, _ = db.fresh()
        builder = service_on(url)
        clock = builder.clock
        assert isinstance(clock, sc.ScriptClock)
        ids = [f"long-{events}-{n}" for n in range(2 * samples)]
        with builder.bulk() as batch:
            for n, case_id in enumerate(ids):
                sc.run(batch.handle, clock, long_script(case_id, 5000 + n, events))
        timed: dict[str, list[float]] = {"cached": [], "fresh": []}
        for n, case_id in enumerate(ids):
            kind = "cached" if n % 2 == 0 else "fresh"
            service = builder
            if kind == "fresh":
                service = MediationService(builder.store, clock=clock, identity_key=IDENTITY_KEY)
            command = c.RecordInvestigation(
                case_id=case_id, on=clock.now.date(), investigator_id="m-zhang", subject="回访", content="了解情况"
            )
            started = time.perf_counter()
            service.handle(command, sc.MEDIATOR)
            timed[kind].append((time.perf_counter() - started) * 1000)
        builder.store.close()
        cached, fresh = statistics.median(timed["cached"]), statistics.median(timed["fresh"])
        say(f"  {db.kind} {events} events: cached {cached:.2f} ms, fresh {fresh:.2f} ms")
        lines.append(f"| {db.kind} | {events} | {cached:.2f} ms | {fresh:.2f} ms | {fresh / cached:.1f}× | {load()} |")
    return lines


# -- K writers in processes --------------------------------------------------------------------
HOT = "hot-case"
HOT_EVERY = 10
MAX_ATTEMPTS = 100
"""A command that conflicts this often stops the benchmark rather than spin."""


def hot_command(writer: int, n: int, moment: dt.datetime) -> c.RecordInvestigation:
    return c.RecordInvestigation(
        case_id=HOT, on=moment.date(), investigator_id="m-zhang", subject=f"写者{writer}第{n}次", content="了解情况"
    )


def our_writer(url: str, writer: int, cases: int, hot: bool, barrier: Any, out: Any) -> None:
    service = MediationService(open_sqlalchemy(url), clock=sc.ScriptClock(), identity_key=IDENTITY_KEY)
    clock = service.clock
    assert isinstance(clock, sc.ScriptClock)
    work = scripts(cases, 100_000 * (writer + 1))
    sc.run(service.handle, clock, scripts(1, 100_000 * (writer + 1) + 50_000)[0])  # warm: not timed
    service.ready()
    latencies: list[float] = []
    conflicts = hot_done = 0
    barrier.wait()
    started = time.perf_counter()
    n = 0
    for script in work:
        for moment, command in script:
            n += 1
            todo = [command]
            if hot and n % HOT_EVERY == 0:
                todo.append(hot_command(writer, n, moment))
            for cmd in todo:
                clock.now = moment
                began = time.perf_counter()
                for _attempt in range(MAX_ATTEMPTS):
                    try:
                        service.handle(cmd, sc.MEDIATOR)
                        break
                    except ConcurrencyConflictError:
                        conflicts += 1
                else:
                    msg = f"writer {writer}: {type(cmd).__name__} conflicted {MAX_ATTEMPTS} times"
                    raise RuntimeError(msg)
                latencies.append((time.perf_counter() - began) * 1000)
                hot_done += cmd is not command
    elapsed = time.perf_counter() - started
    service.store.close()
    out.put((latencies, conflicts, hot_done, elapsed))


def es_writer(
    env: dict[str, str],
    writer: int,
    grouped: list[list[list[tuple[str, Any]]]],
    hot_id: str,
    hot: bool,
    barrier: Any,
    out: Any,
) -> None:
    with patched_environ(env):
        app = Cases()
    warm = Case(type="case.dispute_received", body={})  # warm: not timed
    warm.record(type="case.accepted", body={})
    app.save(warm)
    app.repository.get(warm.id)
    latencies: list[float] = []
    conflicts = hot_done = 0
    gc.collect()
    gc.freeze()
    barrier.wait()
    started = time.perf_counter()
    n = 0
    for per_command in grouped:
        case_id = None
        for command_events in per_command:
            n += 1
            began = time.perf_counter()
            case_id = es_command(app, case_id, command_events)
            latencies.append((time.perf_counter() - began) * 1000)
            if hot and n % HOT_EVERY == 0:
                began = time.perf_counter()
                for _attempt in range(MAX_ATTEMPTS):
                    shared = app.repository.get(uuid.UUID(hot_id))
                    shared.record(type="case.investigation_recorded", body={"subject": f"写者{writer}第{n}次"})
                    try:
                        app.save(shared)
                        break
                    except EsIntegrityError:
                        conflicts += 1
                else:
                    msg = f"eventsourcing writer {writer}: the hot case conflicted {MAX_ATTEMPTS} times"
                    raise RuntimeError(msg)
                latencies.append((time.perf_counter() - began) * 1000)
                hot_done += 1
    elapsed = time.perf_counter() - started
    app.close()
    out.put((latencies, conflicts, hot_done, elapsed))


def events_per_command(cases: list[sc.Script]) -> list[list[list[tuple[str, Any]]]]:
    """Per case and command, the (type, body) of each event, from the memory store."""
    service = MediationService(MemoryStore(), clock=sc.ScriptClock(), identity_key=IDENTITY_KEY)
    service.register(demo_registry(), sc.ADMIN)
    clock = service.clock
    assert isinstance(clock, sc.ScriptClock)
    grouped = []
    for script in cases:
        per_command = []
        for moment, command in script:
            clock.now = moment
            before = len(service.store.read(script[0][1].case_id))
            service.handle(command, sc.MEDIATOR)
            records = service.store.read(script[0][1].case_id)[before:]
            per_command.append([(r.event_type, dict(r.body)) for r in records])
        grouped.append(per_command)
    return grouped


WRITER_TIMEOUT = 900
"""Seconds a run of writers may take before the benchmark stops instead of waiting for ever."""


def run_writers(target: Callable[..., None], args_of: Callable[[int], tuple[Any, ...]], k: int) -> dict[str, float]:
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(k), ctx.Queue()
    processes = [ctx.Process(target=target, args=(*args_of(w), barrier, out)) for w in range(k)]
    for p in processes:
        p.start()
    try:
        results = [out.get(timeout=WRITER_TIMEOUT) for _ in processes]
    except queue.Empty:
        codes = [p.exitcode for p in processes]
        for p in processes:
            p.kill()
        msg = f"a writer process gave no result within {WRITER_TIMEOUT} s (exit codes {codes})"
        raise RuntimeError(msg) from None
    for p in processes:
        p.join()
    latencies = [x for r in results for x in r[0]]
    conflicts, hot_done = sum(r[1] for r in results), sum(r[2] for r in results)
    elapsed = max(r[3] for r in results)
    return {
        "throughput": len(latencies) / elapsed,
        "conflicts": conflicts / hot_done if hot_done else 0.0,
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
        "max": max(latencies),
    }


def our_writers(db: Database, cases: int, hot: bool, k: int) -> dict[str, float]:
    url, _ = db.fresh()
    setup = service_on(url)
    if hot:
        clock = setup.clock
        assert isinstance(clock, sc.ScriptClock)
        sc.run(setup.handle, clock, long_script(HOT, 9999, 6))
    setup.store.close()
    return run_writers(our_writer, lambda w: (url, w, cases, hot), k)


def their_writers(db: Database, grouped: list[list[list[tuple[str, Any]]]], hot: bool, k: int) -> dict[str, float]:
    _, env = db.fresh()
    with patched_environ(env):
        app = Cases()
    shared = Case(type="case.dispute_received", body={})
    app.save(shared)
    app.close()
    # the tables exist now: writers that each created them would race in PostgreSQL's catalogue
    made = {**env, "CREATE_TABLE": "n"}
    return run_writers(es_writer, lambda w: (made, w, grouped, str(shared.id), hot), k)


def writers(db: Database, cases: int, counts: Sequence[int], runs: int, say: Say) -> list[str]:
    lines = []
    grouped = events_per_command(scripts(cases, 0))
    for hot in (False, True):
        for k in counts:
            o: list[dict[str, float]] = []
            e: list[dict[str, float]] = []
            for run in range(runs):
                if run % 2 == 0:
                    o.append(our_writers(db, cases, hot, k))
                    e.append(their_writers(db, grouped, hot, k))
                else:
                    e.append(their_writers(db, grouped, hot, k))
                    o.append(our_writers(db, cases, hot, k))
                say(
                    f"  {db.kind} K={k}{' hot' if hot else ''} run {run + 1}/{runs}: "
                    f"{o[-1]['throughput']:.0f} vs {e[-1]['throughput']:.0f} commands/s, "
                    f"p99 {o[-1]['p99']:.1f} vs {e[-1]['p99']:.1f} ms"
                )

            def med(rs: list[dict[str, float]], key: str) -> float:
                return statistics.median(r[key] for r in rs)

            def spread(rs: list[dict[str, float]]) -> str:
                return " / ".join(f"{med(rs, q):.1f}" for q in ("p50", "p95", "p99", "max"))

            ours, theirs = med(o, "throughput"), med(e, "throughput")
            lines.append(
                f"| {db.kind} | {k} | {'10 %' if hot else '–'} | {ours:.0f} | {theirs:.0f} | **{ours / theirs:.2f}×** "
                f"| {spread(o)} | {spread(e)} | **{med(o, 'p99') / med(e, 'p99'):.2f}×** "
                f"| {med(o, 'max') / med(o, 'p99'):.1f}× | {med(o, 'conflicts'):.2f} / {med(e, 'conflicts'):.2f} "
                f"| {load()} |"
            )
    return lines


# -- round trips per command (PostgreSQL) -------------------------------------------------------
def round_trips(db: Database, cases: int, say: Say) -> list[str]:
    from mediation_sqlalchemy.round_trips import RoundTrips

    url, _ = db.fresh()
    service = service_on(url)
    assert isinstance(service.store, SqlStore)
    counter = RoundTrips(service.store.engine)
    clock = service.clock
    assert isinstance(clock, sc.ScriptClock)
    by_command: dict[str, list[int]] = {}
    for script in scripts(cases, 0):
        for moment, command in script:
            clock.now = moment
            with counter.counting() as counted:
                service.handle(command, sc.MEDIATOR)
            by_command.setdefault(type(command).__name__, []).append(counted.value)
    counter.close()
    service.store.close()
    every = [n for counts in by_command.values() for n in counts]
    later = [n for name, counts in by_command.items() if name not in {"ReceiveDispute", "AcceptCase"} for n in counts]
    say(f"  round trips: {statistics.mean(every):.2f} per command, at most {max(later)} on a remembered case")
    lines = [
        f"| {name} | {min(counts)}–{max(counts)} |" if min(counts) != max(counts) else f"| {name} | {counts[0]} |"
        for name, counts in by_command.items()
    ]
    lines.append(f"| **every command (mean)** | **{statistics.mean(every):.2f}** |")
    return lines


# -- import memory -----------------------------------------------------------------------------
BULK_CASES = 200
"""Lifecycles per bulk unit when the import benchmark makes its ledger (docs: keep a bulk unit
to thousands of commands)."""


def import_memory(rows: int, say: Say) -> list[str]:
    """The tracemalloc peak of importing a ledger file of ``rows`` cases (csv and xlsx), made by
    exporting the ledger of as many lifecycles run on the memory store."""
    plugins = load_plugins()  # the renderers and readers of ledger files
    source = MediationService(MemoryStore(), plugins=plugins, clock=sc.ScriptClock(), identity_key=IDENTITY_KEY)
    source.register(demo_registry(), sc.ADMIN)
    clock = source.clock
    assert isinstance(clock, sc.ScriptClock)
    every = scripts(rows, 0)
    for start in range(0, rows, BULK_CASES):  # a bulk unit of thousands of commands, not millions
        with source.bulk() as batch:
            for script in every[start : start + BULK_CASES]:
                sc.run(batch.handle, clock, script)
    lines = []
    for fmt in ("csv", "xlsx"):
        try:
            data = source.export_ledger(sc.ADMIN, fmt)
        except Exception as exc:  # noqa: BLE001 - a format whose library is not installed is left out
            say(f"  import {fmt}: not measured ({exc})")
            continue
        later = sc.ScriptClock(clock.now + dt.timedelta(days=365))  # every date of the file is past
        target = MediationService(MemoryStore(), plugins=plugins, clock=later, identity_key=IDENTITY_KEY)
        target.register(demo_registry(), sc.ADMIN)
        gc.collect()
        tracemalloc.start()
        started = time.perf_counter()
        target.import_ledger(data, fmt, sc.ADMIN, source=f"ledger.{fmt}")
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        say(f"  import {fmt}: {rows} rows, {len(data) / 1e3:,.0f} kB file, peak {peak / 1e6:.1f} MB, {elapsed:.1f} s")
        lines.append(
            f"| {fmt} | {rows} | {len(data) / 1e3:,.0f} kB | {peak / 1e6:.1f} MB | {elapsed:.1f} s | {load()} |"
        )
    return lines


# -- the run ---------------------------------------------------------------------------------
PARTS = ("ceiling", "cached", "writers", "round-trips", "import")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.commands", description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "all"], default="all")
    parser.add_argument("--only", choices=PARTS, action="append", help="run only this part (repeatable)")
    parser.add_argument("--quick", action="store_true", help="small sizes and few runs")
    parser.add_argument("--runs", type=int, help="runs per figure; medians are reported (default 5, quick 1)")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    args = parser.parse_args(argv)
    kinds = ["sqlite", "postgresql"] if args.backend == "all" else [args.backend]
    parts = args.only or list(PARTS)
    quick = args.quick
    runs = args.runs or (1 if quick else 5)
    cases = 2 if quick else 20
    counts = (2,) if quick else (1, 2, 4, 8)

    def say(line: str) -> None:
        print(line, flush=True)

    say(f"mediation-core command path benchmark: {cases} lifecycles per run, median of {runs}, load {load()}")
    tables: dict[str, list[str]] = {p: [] for p in PARTS}

    def table(part: str, lines: list[str]) -> None:
        """Keep a part's rows for the tables at the end, and print them now (a long run
        stopped later keeps what it measured)."""
        tables[part] += lines
        for line in lines:
            say(f"  {part}: {line}")

    for kind in kinds:
        db = Database(kind, args.postgres_url)
        try:
            if "ceiling" in parts:
                table("ceiling", ceiling(db, cases, runs, say))
            if "cached" in parts:
                table("cached", fresh_and_cached(db, 3 if quick else 15, say))
            if "writers" in parts:
                table("writers", writers(db, 1 if quick else 4, counts, min(runs, 3), say))
            if "round-trips" in parts and kind == "postgresql":
                table("round-trips", round_trips(db, cases, say))
        finally:
            db.close()
    if "import" in parts:
        table("import", import_memory(50 if quick else 5000, say))
    for part in PARTS:
        if tables[part]:
            say("")
            say(HEADS[part])
            say("|" + "---|" * HEADS[part].count(" | ") + "---|")
            for line in tables[part]:
                say(line)
    return 0


HEADS = {
    "ceiling": (
        "| backend | commands | command path | bare driver (ceiling) | ceiling ÷ command path (target ≥ 0.6) | load |"
    ),
    "cached": "| backend | events in the stream | cached | fresh | fresh ÷ cached | load |",
    "writers": (
        "| backend | writers | hot case | ours commands/s | eventsourcing commands/s | ratio (target ≥ 1.2) "
        "| ours p50 / p95 / p99 / max ms | eventsourcing p50 / p95 / p99 / max ms | p99 ratio (target ≤ 1.0 at 4) "
        "| ours max ÷ p99 (target ≤ 3) | conflicts per hot command, ours / eventsourcing | load |"
    ),
    "round-trips": "| command | round trips (target ≤ 2 on a remembered case) |",
    "import": "| format | rows | file | tracemalloc peak | time | load |",
}
"""The tables' headings, as docs/performance.md has them."""


if __name__ == "__main__":
    sys.exit(main())

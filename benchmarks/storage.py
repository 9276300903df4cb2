"""Storage benchmark: the public command path against eventsourcing, the bulk path against
SQLAlchemy Core, on SQLite and PostgreSQL. Not a test: it prints ratios measured side by side.

    python -m benchmarks.storage                 # both databases, 20 cases, median of 5 runs
    python -m benchmarks.storage --backend sqlite --cases 40 --runs 7
    python3 dev.py bench                         # the same, in the bench environment

Each run measures, one after the other on fresh databases:

- **command path**: ``MediationService.handle`` for every command of a full case lifecycle
  (16 commands, 17 events), one transaction per command, in events per second;
- **eventsourcing**: the same events (same types and JSON bodies) saved by the
  ``eventsourcing`` library, one aggregate per transaction: for each command the aggregate is
  got from its repository, the command's events triggered, and the aggregate saved, on the
  library's own SQLite or PostgreSQL recorder with its default settings;
- **bulk path**: ``MediationService.bulk()`` running every command of every case in one unit
  of work;
- **Core**: SQLAlchemy Core inserting the rows the bulk path left (every table) in one
  transaction, ``Connection.execute(table.insert(), rows)`` per table.

Ratios are medians over the runs (the machine is shared and noisy; single times mean
little). PostgreSQL is the server at ``--postgres-url`` (default the test server), each run
in a fresh schema that is dropped afterwards. Both sides use the databases' durable
defaults: SQLite WAL with synchronous=FULL, PostgreSQL with synchronous_commit on.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.testing import scenarios as sc
from mediation_sqlalchemy import open_sqlalchemy
from mediation_sqlalchemy import tables as t
from mediation_sqlalchemy.engine import create_engine

POSTGRES_URL = os.environ.get("MEDIATION_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IDENTITY_KEY = b"benchmark"

Script = list[tuple[Any, Any]]


# -- databases -------------------------------------------------------------------------------
class Database:
    """Fresh, empty databases of one kind, cleaned up afterwards."""

    def __init__(self, kind: str, postgres_url: str) -> None:
        self.kind = kind
        self.postgres_url = postgres_url
        self._tmp = tempfile.TemporaryDirectory(prefix="mediation-bench-")
        self._schemas: list[str] = []
        self._admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT") if kind == "postgresql" else None

    def fresh(self) -> tuple[str, dict[str, str]]:
        """(our URL, eventsourcing's environment) of a new empty database."""
        name = f"b{uuid.uuid4().hex[:12]}"
        if self.kind == "sqlite":
            path = Path(self._tmp.name) / name
            return f"sqlite:///{path}.sqlite3", {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": f"{path}-es.sqlite3",
            }
        assert self._admin is not None
        with self._admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
        self._schemas.append(name)
        url = sa.make_url(self.postgres_url)
        return f"{self.postgres_url}?options=-csearch_path%3D{name}", {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": url.database or "",
            "POSTGRES_HOST": url.host or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": url.username or "",
            "POSTGRES_PASSWORD": url.password or "",
            "POSTGRES_SCHEMA": name,
        }

    def close(self) -> None:
        if self._admin is not None:
            with self._admin.connect() as conn:
                for name in self._schemas:
                    conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
            self._admin.dispose()
        self._tmp.cleanup()


# -- our side --------------------------------------------------------------------------------
def scripts(cases: int, offset: int) -> list[Script]:
    return [sc.lifecycle(f"case-{offset + n:06d}", serial=offset + n) for n in range(cases)]


def service_on(url: str) -> MediationService:
    service = MediationService(open_sqlalchemy(url), clock=sc.ScriptClock(), identity_key=IDENTITY_KEY)
    service.register(demo_registry(), sc.ADMIN)
    return service


def command_path(url: str, cases: list[Script]) -> tuple[float, int, list[list[list[tuple[str, Any]]]]]:
    """Seconds for every command through ``handle``, the events written, and per case and
    command the (type, body) of each event (the eventsourcing side saves the same)."""
    service = service_on(url)
    clock = service.clock
    assert isinstance(clock, sc.ScriptClock)
    versions: list[list[int]] = []
    started = time.perf_counter()
    for script in cases:
        after = []
        for moment, command in script:
            clock.now = moment
            after.append(service.handle(command, sc.MEDIATOR).version)
        versions.append(after)
    elapsed = time.perf_counter() - started
    grouped = []
    for script, after in zip(cases, versions, strict=True):
        records = service.store.read(script[0][1].case_id)
        bounds = [0, *after]
        grouped.append(
            [[(r.event_type, dict(r.body)) for r in records[lo:hi]] for lo, hi in itertools.pairwise(bounds)]
        )
    service.store.close()
    return elapsed, sum(v[-1] for v in versions), grouped


def bulk_path(url: str, cases: list[Script]) -> float:
    service = service_on(url)
    clock = service.clock
    assert isinstance(clock, sc.ScriptClock)
    started = time.perf_counter()
    with service.bulk() as batch:
        for script in cases:
            sc.run(batch.handle, clock, script)
    elapsed = time.perf_counter() - started
    service.store.close()
    return elapsed


TABLES = [
    t.streams,
    t.events,
    t.ledger,
    t.ledger_party_keys,
    t.deadlines,
    t.documents,
    t.document_tags,
    t.outbox,
    t.numbers,
]


def core_insert(source_url: str, target_url: str) -> tuple[float, int]:
    """Seconds for SQLAlchemy Core to insert, in one transaction, every row the bulk path
    left in ``source_url`` (the registry excluded: both sides start with it)."""
    source = create_engine(source_url)
    with source.connect() as conn:
        rows = {table.name: [dict(r) for r in conn.execute(sa.select(table)).mappings()] for table in TABLES}
    source.dispose()
    open_sqlalchemy(target_url).close()  # the same migrated, empty schema
    target = create_engine(target_url)
    started = time.perf_counter()
    with target.begin() as conn:
        for table in TABLES:
            if rows[table.name]:
                conn.execute(table.insert(), rows[table.name])
    elapsed = time.perf_counter() - started
    target.dispose()
    return elapsed, sum(len(r) for r in rows.values())


# -- eventsourcing ---------------------------------------------------------------------------
class Case(Aggregate):
    """The eventsourcing side's case: each event carries our event's type and JSON body."""

    @event("Received")
    def __init__(self, type: str, body: dict[str, Any]) -> None:
        self.events_seen = 1

    @event("Recorded")
    def record(self, type: str, body: dict[str, Any]) -> None:
        self.events_seen += 1


class Cases(Application[uuid.UUID]):
    """An eventsourcing application with the library's defaults (no snapshots, no cache)."""


def es_command(app: Any, case_id: Any, command_events: list[tuple[str, Any]]) -> Any:
    """One command's events saved by eventsourcing as our command path saves them: a new case
    for the first command, else the case read back and its new events recorded; its id."""
    if case_id is None:
        (first_type, first_body), *rest = command_events
        case = Case(type=first_type, body=first_body)
    else:
        case = app.repository.get(case_id)
        rest = command_events
    for event_type, body in rest:
        case.record(type=event_type, body=body)
    app.save(case)
    return case.id


def eventsourcing_path(env: dict[str, str], grouped: list[list[list[tuple[str, Any]]]]) -> float:
    with patched_environ(env):
        app = Cases()
    started = time.perf_counter()
    for per_command in grouped:
        case_id = None
        for command_events in per_command:
            case_id = es_command(app, case_id, command_events)
    elapsed = time.perf_counter() - started
    app.close()
    return elapsed


@contextlib.contextmanager
def patched_environ(values: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


# -- the run ---------------------------------------------------------------------------------
def median(values: list[float]) -> float:
    return statistics.median(values)


def run_backend(kind: str, cases: int, runs: int, postgres_url: str, say: Callable[[str], None]) -> dict[str, Any]:
    db = Database(kind, postgres_url)
    try:
        warm_url, _ = db.fresh()
        command_path(warm_url, scripts(2, 900_000))  # converters, statements, imports: once per process
        ours, theirs, bulk, core = [], [], [], []
        events = rows = 0
        for run in range(runs):
            work = scripts(cases, run * cases)
            url, env = db.fresh()
            seconds, events, grouped = command_path(url, work)
            ours.append(events / seconds)
            _, env = db.fresh()
            theirs.append(events / eventsourcing_path(env, grouped))
            bulk_url, _ = db.fresh()
            bulk_seconds = bulk_path(bulk_url, work)
            core_url, _ = db.fresh()
            core_seconds, rows = core_insert(bulk_url, core_url)
            bulk.append(rows / bulk_seconds)
            core.append(rows / core_seconds)
            say(
                f"  {kind} run {run + 1}/{runs}: command path {ours[-1]:7.0f} events/s, eventsourcing "
                f"{theirs[-1]:7.0f} events/s; bulk {bulk[-1]:8.0f} rows/s, Core {core[-1]:8.0f} rows/s"
            )
        ratios_es = [o / e for o, e in zip(ours, theirs, strict=True)]
        ratios_core = [b / c for b, c in zip(bulk, core, strict=True)]
        return {
            "backend": kind,
            "events": events,
            "rows": rows,
            "command_path": median(ours),
            "eventsourcing": median(theirs),
            "ratio_es": median(ratios_es),
            "bulk": median(bulk),
            "core": median(core),
            "ratio_core": median(ratios_core),
        }
    finally:
        db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.storage", description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "all"], default="all")
    parser.add_argument("--cases", type=int, default=20, help="case lifecycles per run (default 20)")
    parser.add_argument("--runs", type=int, default=5, help="runs per backend; medians are reported (default 5)")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    args = parser.parse_args(argv)
    kinds = ["sqlite", "postgresql"] if args.backend == "all" else [args.backend]

    def say(line: str) -> None:
        print(line, flush=True)

    say(f"mediation-core storage benchmark: {args.cases} case lifecycles per run, median of {args.runs} runs")
    results = [run_backend(kind, args.cases, args.runs, args.postgres_url, say) for kind in kinds]
    say("")
    say(
        f"{'backend':<11} {'command path':>14} {'eventsourcing':>14} {'ratio':>7}   "
        f"{'bulk path':>12} {'Core insert':>12} {'ratio':>7}"
    )
    for r in results:
        say(
            f"{r['backend']:<11} {r['command_path']:>9.0f} ev/s {r['eventsourcing']:>9.0f} ev/s "
            f"{r['ratio_es']:>6.2f}x   "
            f"{r['bulk']:>7.0f} row/s {r['core']:>7.0f} row/s {r['ratio_core']:>6.2f}x"
        )
    say("")
    say("targets: command path >= 1.0x eventsourcing; bulk path >= 0.5x Core")
    return 0


if __name__ == "__main__":
    sys.exit(main())

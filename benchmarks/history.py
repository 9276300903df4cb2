"""What one more command costs on a case with a history: a service that remembers the case
(its head cache) against one that has not met the case yet (another worker, a restarted
process, a case pushed out of the cache: the case is read from the store), at 10 and 200
events, on SQLite and optionally PostgreSQL.

    python -m benchmarks.history [--postgres-url postgresql+psycopg://postgres@127.0.0.1/test]
                                 [--repeat 30] [--snapshot-every N]

Prints the fastest of the repeated commands of each (the one least disturbed by other work on a
shared machine), their medians, and fresh ÷ cached of the fastest (docs/performance.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from mediation_core.app.service import MediationService
from mediation_core.app.snapshots import SNAPSHOT_EVERY
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.case import commands as c
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.testing import scenarios as sc
from mediation_sqlalchemy import open_sqlalchemy
from mediation_sqlalchemy.store import SqlStore

IDENTITY_KEY = b"benchmark-history-identity-key-0123456789"
SIZES = (10, 200)


def _investigation(case_id: str, n: int) -> c.RecordInvestigation:
    return c.RecordInvestigation(
        case_id=case_id, on=dt.date(2026, 5, 7), investigator_id="m-zhang", subject=f"走访{n}", content="了解情况"
    )


def _case_of(service: MediationService, case_id: str, events: int) -> None:
    """A case in mediation with ``events`` events: the lifecycle's first steps, then investigations."""
    clock = service.clock
    assert isinstance(clock, sc.ScriptClock)
    script = sc.lifecycle(case_id)[:3]
    sc.run(service.handle, clock, script)
    clock.now = dt.datetime(2026, 5, 7, 10, tzinfo=CHINA_TZ)
    n = 0
    while len(service.store.read(case_id)) < events:
        n += 1
        service.handle(_investigation(case_id, n), sc.MEDIATOR)


def _timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def measure(store: SqlStore, events: int, repeat: int, every: int) -> tuple[list[float], list[float]]:
    """Milliseconds of each repeated command on a case of about ``events`` events: (cached,
    fresh), the services writing a snapshot every ``every`` events."""
    clock = sc.ScriptClock(dt.datetime(2026, 5, 7, 10, tzinfo=CHINA_TZ))
    service = MediationService(store, clock=clock, identity_key=IDENTITY_KEY)
    service.snapshot_every = every
    case_id, side = f"case-{uuid.uuid4().hex[:12]}", f"case-{uuid.uuid4().hex[:12]}"
    _case_of(service, case_id, events)
    _case_of(service, side, 3)
    cached, fresh = [], []
    for n in range(repeat):
        cached.append(_timed(lambda n=n: service.handle(_investigation(case_id, 1000 + n), sc.MEDIATOR)))
        other = MediationService(store, clock=clock, identity_key=IDENTITY_KEY)
        other.snapshot_every = every
        other.handle(_investigation(side, 4000 + n), sc.MEDIATOR)  # warm: registry and plugins loaded
        fresh.append(_timed(lambda n=n, other=other: other.handle(_investigation(case_id, 2000 + n), sc.MEDIATOR)))
        service.handle(_investigation(case_id, 3000 + n), sc.MEDIATOR)  # catch up, so the next is cached again
        # the command above read what ``other`` appended; keep the case near its size
    return cached, fresh


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres-url", default="")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--snapshot-every", type=int, default=SNAPSHOT_EVERY, help="events between snapshots (10**9: none)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        urls = [("SQLite", f"sqlite:///{Path(tmp) / 'history.db'}")]
        schema = ""
        if args.postgres_url:
            schema = f"history_{uuid.uuid4().hex[:8]}"
            engine = sa.create_engine(args.postgres_url, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            joiner = "&" if "?" in args.postgres_url else "?"
            urls.append(("PostgreSQL", f"{args.postgres_url}{joiner}options=-csearch_path%3D{schema}"))
        try:
            for name, url in urls:
                store = open_sqlalchemy(url)
                service = MediationService(store, clock=sc.ScriptClock(), identity_key=IDENTITY_KEY)
                service.register(demo_registry(), sc.ADMIN)
                for events in SIZES:
                    cached, fresh = measure(store, events, args.repeat, args.snapshot_every)
                    print(
                        f"{name:<10} {events:>4} events: cached {min(cached):6.2f} ms "
                        f"(median {statistics.median(cached):6.2f}), fresh {min(fresh):6.2f} ms "
                        f"(median {statistics.median(fresh):6.2f}), fresh ÷ cached {min(fresh) / min(cached):4.2f}"
                    )
                store.close()
        finally:
            if schema:
                with engine.connect() as conn:
                    conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
                engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

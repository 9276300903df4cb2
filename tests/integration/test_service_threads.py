"""One service used from many threads at once, on SQLite and on PostgreSQL: every case is
recorded once, case numbers stay gap-free, a stream written by several threads loses no
update, and the store verifies."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sql_support import assert_every_case_whole, service_on

from mediation_core.domain.case import commands as c
from mediation_core.domain.errors import ConcurrencyConflictError
from mediation_core.testing import scenarios as sc
from mediation_sqlalchemy import open_sqlalchemy

THREADS, CASES = 8, 40
STEPS = 3
"""Received, accepted (which draws the case number), a mediator assigned."""


def test_one_service_in_many_threads_records_every_case_once_with_gap_free_numbers(
    database_urls: Callable[[], str],
) -> None:
    url = database_urls()
    with service_on(open_sqlalchemy(url)) as service:
        clock = service.clock
        assert isinstance(clock, sc.ScriptClock)
        sc.run(service.handle, clock, sc.lifecycle("shared", serial=999_999)[:7])  # mediating
        before = len(service.store.read("shared"))
        start = threading.Barrier(THREADS)
        conflicts = [0] * THREADS

        def work(worker: int) -> list[str]:
            start.wait()
            ids = []
            for n in range(CASES):
                case_id = f"t{worker}-{n:03d}"
                for _, command in sc.lifecycle(case_id, serial=1000 * worker + n)[:STEPS]:
                    service.handle(command, sc.MEDIATOR)
                ids.append(case_id)
                if n % 10 == 0:  # every thread also writes to one shared stream
                    visit = c.RecordInvestigation(
                        case_id="shared",
                        on=clock.now.date(),
                        investigator_id="m-zhang",
                        subject="走访",
                        content=case_id,
                    )
                    while True:
                        try:
                            service.handle(visit, sc.MEDIATOR)
                            break
                        except ConcurrencyConflictError:
                            conflicts[worker] += 1
            return ids

        with ThreadPoolExecutor(THREADS) as pool:
            recorded = [case_id for ids in pool.map(work, range(THREADS)) for case_id in ids]

        store = service.store
        assert len(recorded) == len(set(recorded)) == THREADS * CASES
        rows = {r.case_id: r for r in store.ledger()}
        assert set(rows) == {*recorded, "shared"}
        assert all(len(store.read(case_id)) == STEPS for case_id in recorded)  # each command once
        numbers = sorted(r.number for r in rows.values())
        assert numbers == [f"（2026）彭调人调字第{k:03d}号" for k in range(1, THREADS * CASES + 2)]
        visits = [r for r in store.read("shared")[before:] if r.event_type == "case.investigation_recorded"]
        assert len(visits) == THREADS * (CASES // 10)  # no lost update
        assert assert_every_case_whole(store) == THREADS * CASES + 1


def test_an_async_application_runs_the_service_in_worker_threads(sqlite_files: Callable[[], str]) -> None:
    """docs/concurrency.md: an ASGI endpoint hands each call to a worker thread with
    ``anyio.to_thread.run_sync``; many at once share the one service, the worker threads kept
    below the store's connection pool (15) by a limiter."""
    anyio = pytest.importorskip("anyio")
    with service_on(open_sqlalchemy(sqlite_files())) as service:
        script = [sc.lifecycle(f"async-{n:02d}", serial=50_000 + n)[:2] for n in range(20)]

        limiter = anyio.CapacityLimiter(10)

        async def record(steps: list[tuple[object, object]]) -> None:
            for _, command in steps:
                await anyio.to_thread.run_sync(service.handle, command, sc.MEDIATOR, limiter=limiter)

        async def main() -> None:
            async with anyio.create_task_group() as group:
                for steps in script:
                    group.start_soon(record, steps)

        anyio.run(main)
        numbers = sorted(r.number for r in service.store.ledger())
        assert numbers == [f"（2026）彭调人调字第{k:03d}号" for k in range(1, 21)]
        assert service.store.verify() == []
    assert service.closed

"""Soak: several processes issue random valid commands against one PostgreSQL schema for a fixed
time, some on shared cases so that writers collide. Afterwards every case replays and verifies,
its projection is its replayed ledger row, case numbers are gap-free per room and year, and the
statistics the service reports are the reference report over the replayed rows.

The short form runs by default (``MEDIATION_SOAK_SECONDS``, default 6 s, with
``MEDIATION_SOAK_PROCESSES``, default 3); the long form is marked ``slow`` and runs when
``MEDIATION_SOAK_LONG_SECONDS`` is set (docs/operations.md)."""

from __future__ import annotations

import multiprocessing
import os
import queue
import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pytest
from soak_worker import SHARED_STEPS, shared_case, work
from sql_support import IDENTITY_KEY, service_on

from mediation_core.app.service import replay_records
from mediation_core.domain.reporting.ledger import ledger_row
from mediation_core.domain.reporting.repeats import PartyKeyer
from mediation_core.domain.reporting.statistics import report
from mediation_core.domain.values.periods import Period
from mediation_core.testing import scenarios as sc
from mediation_sqlalchemy import open_sqlalchemy

pytestmark = pytest.mark.postgres

SHARED = 2
NUMBER = re.compile(r"^（(\d{4})）(.+)第(\d+)号$")


def setting(name: str, default: float) -> float:
    value = os.environ.get(name, "")
    return float(value) if value.strip() else default


def soak(url: str, seconds: float, processes: int) -> list[dict[str, Any]]:
    """Set the shared cases up, run the workers together, and return their counts."""
    store = open_sqlalchemy(url)
    try:
        setup = service_on(store)
        clock = setup.clock
        assert isinstance(clock, sc.ScriptClock)
        for k in range(SHARED):
            sc.run(setup.handle, clock, sc.lifecycle(shared_case(k), serial=900_000 + k)[:SHARED_STEPS])
    finally:
        store.close()
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    workers = [
        context.Process(target=work, args=(url, w, seconds, 7919 * (w + 1), SHARED, start, results), daemon=True)
        for w in range(processes)
    ]
    for p in workers:
        p.start()
    start.set()
    counts = []
    try:
        for _ in workers:
            counts.append(results.get(timeout=seconds + 300))
    except queue.Empty:
        pytest.fail(f"a soak worker did not report within {seconds + 300:.0f} s")
    finally:
        for p in workers:
            p.join(timeout=60)
            if p.is_alive():
                p.kill()
    failures = [c["error"] for c in counts if c["error"]]
    assert not failures, failures[0]
    assert all(p.exitcode == 0 for p in workers)
    return counts


def finish_shared_cases(url: str) -> None:
    """Take the shared cases on to their archive, after the workers' visits and sessions."""
    store = open_sqlalchemy(url)
    try:
        service = service_on(store)
        clock = service.clock
        assert isinstance(clock, sc.ScriptClock)
        for k in range(SHARED):
            sc.run(service.handle, clock, sc.lifecycle(shared_case(k), serial=900_000 + k)[SHARED_STEPS:])
    finally:
        store.close()


def assert_consistent(url: str) -> int:
    """Every case replays, verifies and is its projection; numbers are gap-free per room and
    year; the service's statistics are the reference report over the replayed rows. Return the
    number of cases."""
    store = open_sqlalchemy(url)
    try:
        assert store.verify() == []
        service = service_on(store)
        keyer = PartyKeyer(key=IDENTITY_KEY)
        replayed = []
        for row in store.ledger():
            records = store.read(row.case_id)
            state = replay_records(row.case_id, records)
            assert state is not None
            assert state.version == len(records)
            assert ledger_row(state, keyer) == row
            replayed.append(ledger_row(state, keyer))
        cases = {r.case_id for r in replayed}
        for stream_id in store.stream_ids():  # no case without its projection
            assert stream_id in cases or not store.read(stream_id)[0].event_type.startswith("case.")
        numbers: dict[tuple[str, str], list[int]] = defaultdict(list)
        for row in replayed:
            if row.number is not None:
                found = NUMBER.match(row.number)
                assert found is not None, row.number
                numbers[(row.room_id, found.group(1))].append(int(found.group(3)))
        assert numbers
        for key, taken in numbers.items():
            assert sorted(taken) == list(range(1, len(taken) + 1)), key
        registry = service.registry()
        for period in (Period.year(2026), Period.month(2026, 3), Period.month(2026, 5)):
            reported = service.statistics(period, "district", sc.ADMIN)
            assert reported == report(replayed, period, "district", registry, service.categories)
        return len(replayed)
    finally:
        store.close()


def run_soak(url: str, seconds: float, processes: int) -> None:
    counts = soak(url, seconds, processes)
    finish_shared_cases(url)
    cases = assert_consistent(url)
    assert cases == SHARED + sum(c["cases"] + c["referrals"] for c in counts)
    assert sum(c["shared"] for c in counts) > 0


def test_a_short_soak_leaves_every_case_whole(postgres_schemas: Callable[[], str]) -> None:
    run_soak(
        postgres_schemas(),
        setting("MEDIATION_SOAK_SECONDS", 6),
        int(setting("MEDIATION_SOAK_PROCESSES", 3)),
    )


@pytest.mark.slow
def test_a_long_soak_leaves_every_case_whole(postgres_schemas: Callable[[], str]) -> None:
    seconds = setting("MEDIATION_SOAK_LONG_SECONDS", 0)
    if seconds <= 0:
        pytest.skip("the long soak runs when MEDIATION_SOAK_LONG_SECONDS is set (e.g. 600)")
    run_soak(postgres_schemas(), seconds, int(setting("MEDIATION_SOAK_PROCESSES", 4)))

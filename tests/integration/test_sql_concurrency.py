"""Several OS processes writing to one database at once, on SQLite and on PostgreSQL: exactly
one writer wins each version, numbers stay gap-free, no update is lost, nothing stays locked."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sql_support import assert_every_case_whole, run_cases, service_on

from mediation_core.testing import scenarios as sc
from mediation_sqlalchemy import open_sqlalchemy
from mediation_sqlalchemy.engine import normalise_url

WORKERS = Path(__file__).with_name("sql_workers.py")


@contextmanager
def workers(mode: str, url: str, count: int, n: int) -> Iterator[list[dict[str, object]]]:
    """Start ``n`` worker processes, release them together, and collect their results."""
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKERS), mode, url, str(w), str(count)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for w in range(n)
    ]
    try:
        for p in procs:
            assert p.stdout is not None
            assert p.stdout.readline().strip() == "ready"
        for p in procs:
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        results = []
        for p in procs:
            out, _ = p.communicate(timeout=600)
            assert p.returncode == 0
            results.append(json.loads(out.strip().splitlines()[-1]))
        yield results
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()


def assert_nothing_locked(url: str) -> None:
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        conn = sqlite3.connect(str(parsed.database), timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN EXCLUSIVE")  # fails at once if any process still holds a lock
            conn.execute("ROLLBACK")
            busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            assert busy == 0
        finally:
            conn.close()
        return
    engine = sa.create_engine(parsed)
    try:
        with engine.connect() as conn:
            held = conn.execute(
                sa.text(
                    "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema() AND l.pid <> pg_backend_pid()"
                )
            ).scalar_one()
            assert held == 0
    finally:
        engine.dispose()


def test_racing_appenders_each_win_distinct_versions_with_gap_free_numbers(database_urls: Callable[[], str]) -> None:
    url = database_urls()
    open_sqlalchemy(url).close()  # create the schema before the race
    n, count = 4, 8
    with workers("append", url, count, n) as results:
        pass
    won = [tuple(v) for r in results for v in r["won"]]  # type: ignore[attr-defined]
    total = n * count
    assert sorted(version for version, _ in won) == list(range(1, total + 1))  # one winner per version
    assert sorted(number for _, number in won) == list(range(1, total + 1))  # gap-free, none twice
    store = open_sqlalchemy(url)
    try:
        stream = store.read("shared")
        assert len(stream) == total  # no lost update
        assert [r.body["seen"] for r in stream] == list(range(total))  # each writer saw all before it
        assert {(r.version, r.body["number"]) for r in stream} == set(won)
        assert store.verify() == []
        assert store.ledger_row("shared").version == total  # type: ignore[union-attr]
    finally:
        store.close()
    assert_nothing_locked(url)


def test_services_in_several_processes_number_their_cases_gap_free(database_urls: Callable[[], str]) -> None:
    url = database_urls()
    store = open_sqlalchemy(url)
    setup = service_on(store)
    clock = setup.clock
    assert isinstance(clock, sc.ScriptClock)
    sc.run(setup.handle, clock, sc.lifecycle("shared", serial=999_999)[:7])  # mediating: visits may be recorded
    before = len(store.read("shared"))
    store.close()
    n, count = 3, 2
    with workers("service", url, count, n) as results:
        pass
    store = open_sqlalchemy(url)
    try:
        numbers = sorted(r.number for r in store.ledger() if r.case_id != "shared")
        assert numbers == [f"（2026）彭调人调字第{k:03d}号" for k in range(2, n * count + 2)]  # shared took 001
        assert len(store.read("shared")) == before + sum(r["investigations"] for r in results)  # type: ignore[misc]
        assert assert_every_case_whole(store) == n * count + 1
        run_cases(service_on(store), 1, first=100)  # and the database takes more work
    finally:
        store.close()
    assert_nothing_locked(url)

"""A bulk import killed with SIGKILL leaves only whole cases: every stored case replays,
verifies and matches its ledger row, and the database takes new work at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sql_support import assert_every_case_whole, run_cases, service_on

from mediation_core.testing import scenarios as sc
from mediation_sqlalchemy import open_sqlalchemy

WORKERS = Path(__file__).with_name("sql_workers.py")
BATCH = 3  # cases per bulk unit in the importer
STEPS = len(sc.lifecycle("x"))


def start_import(url: str, cases: int, pause: str = "") -> subprocess.Popen[str]:
    env = {**os.environ, "PAUSE": pause} if pause else dict(os.environ)
    proc = subprocess.Popen(
        [sys.executable, str(WORKERS), "import", url, "0", str(cases)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    assert proc.stdin is not None
    assert proc.stdout.readline().strip() == "ready"
    proc.stdin.write("go\n")
    proc.stdin.flush()
    return proc


def read_until(proc: subprocess.Popen[str], line: str) -> list[str]:
    assert proc.stdout is not None
    seen = []
    while (got := proc.stdout.readline().strip()) != line:
        assert got, f"the importer ended before printing {line!r}: {seen}"
        seen.append(got)
    return seen


def kill(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.communicate()  # reap it and close the pipes
    assert proc.returncode == -signal.SIGKILL


def check_after_the_crash(url: str, expected_cases: int | None) -> None:
    store = open_sqlalchemy(url)
    try:
        stored = assert_every_case_whole(store)
        assert stored % BATCH == 0  # whole batches only
        if expected_cases is not None:
            assert stored == expected_cases
        assert all(len(store.read(case_id)) == len(store.read("import-0000")) for case_id in store.stream_ids())
        numbers = sorted(r.number for r in store.ledger())
        assert numbers == [f"（2026）彭调人调字第{k:03d}号" for k in range(1, stored + 1)]
        assert {e.notice.case_id for e in store.outbox()} <= set(store.stream_ids())
        service = service_on(store)
        run_cases(service, 1, first=900)  # the next case takes the next number: nothing was left locked
        assert store.ledger_row("case-00900").number == f"（2026）彭调人调字第{stored + 1:03d}号"  # type: ignore[union-attr]
    finally:
        store.close()


def test_killed_inside_an_uncommitted_batch_keeps_the_committed_batches(database_urls: Callable[[], str]) -> None:
    url = database_urls()
    open_sqlalchemy(url).close()
    proc = start_import(url, 12, pause=f"2:{BATCH * STEPS - 2}")  # batch 2 written all but its last two commands
    try:
        assert read_until(proc, "paused") == ["committed 3", "committed 6"]
        kill(proc)
    finally:
        if proc.poll() is None:
            kill(proc)
    check_after_the_crash(url, expected_cases=6)


def test_killed_at_an_arbitrary_moment_leaves_only_whole_cases(database_urls: Callable[[], str]) -> None:
    url = database_urls()
    open_sqlalchemy(url).close()
    proc = start_import(url, 30)
    try:
        read_until(proc, "committed 3")
        kill(proc)  # wherever the importer is now: mid-statement, mid-batch or between batches
    finally:
        if proc.poll() is None:
            kill(proc)
    check_after_the_crash(url, expected_cases=None)


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_bulk_unit_survives_or_vanishes_whole_around_its_commit(database_urls: Callable[[], str], when: str) -> None:
    """Paused on the last command of the first batch (before its commit), or killed right
    after the batch's commit was reported: none or all of its cases are there."""
    url = database_urls()
    open_sqlalchemy(url).close()
    if when == "before":
        proc = start_import(url, 6, pause=f"0:{BATCH * STEPS}")
        read_until(proc, "paused")
    else:
        proc = start_import(url, 6, pause="1:1")
        assert read_until(proc, "paused") == ["committed 3"]
    kill(proc)
    check_after_the_crash(url, expected_cases=0 if when == "before" else 3)

"""Anonymising a case reaches every record of its people (个人信息保护法 art. 47; docs/adr/0008
addendum): its referral letter, the 治安 case, dispatch or traffic record that sent it, the
meetings whose agenda named it, the documents projected from all of them and the outbox
notices about them, in the case's transaction; and on disk, nothing of them is left in the
SQLite file or its WAL once the store is compacted.

The property: over random cases of every origin (some with a child and a guardian), after
anonymising any subset, a scan of every table (memory, SQLite, PostgreSQL), and of the raw
SQLite file and its ``-wal`` file, finds none of the anonymised cases' names, ID numbers, phones
or addresses, while the other cases keep theirs.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from retention_world import DIRECTOR, TEN_YEARS_ON, Built, Origin, build

from mediation_core.app.ports import Store
from mediation_core.app.service import MediationService
from mediation_core.domain.case import commands as c
from mediation_core.domain.meeting.commands import CancelMeeting
from mediation_core.domain.values.access import RESEAL_DOCUMENT
from mediation_core.testing import scenarios as sc
from mediation_memory import MemoryStore
from mediation_sqlalchemy import open_sqlalchemy

Scan = Callable[[], list[str]]
"""Every row of every table of the store, as text (and for SQLite the raw files' text)."""

plans = st.lists(st.tuples(st.sampled_from(list(Origin)), st.booleans()), min_size=1, max_size=4)


def sqlite_rows(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [repr(row) for table in tables for row in conn.execute(f'SELECT * FROM "{table}"')]


def raw_files(path: Path) -> list[str]:
    """The database file and its WAL as bytes on disk, decoded leniently (UTF-8 text in them
    survives; the rest is noise)."""
    out = []
    for file in (path, path.with_name(path.name + "-wal")):
        if file.exists():
            out.append(file.read_bytes().decode("utf-8", errors="replace"))
    return out


@contextmanager
def memory() -> Iterator[tuple[Store, Scan, Scan]]:
    store = MemoryStore()
    everything: Scan = lambda: [repr(vars(store))]  # noqa: E731 - every dict the store keeps
    yield store, everything, list


@contextmanager
def sqlite_file() -> Iterator[tuple[Store, Scan, Scan]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store.sqlite"
        store = open_sqlalchemy(f"sqlite:///{path}")
        try:
            yield store, lambda: sqlite_rows(path), lambda: raw_files(path)
        finally:
            store.close()


def postgres_rows(url: str) -> list[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            tables = conn.exec_driver_sql(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            ).scalars()
            return [
                row[0] for table in list(tables) for row in conn.exec_driver_sql(f'SELECT t::text FROM "{table}" t')
            ]
    finally:
        engine.dispose()


def found(texts: list[str], secrets: frozenset[str]) -> list[str]:
    return sorted(s for s in secrets if any(s in t for t in texts))


def check(opened: Callable[[], object], plan: list[tuple[Origin, bool]], chosen: set[int]) -> None:
    with opened() as (store, scan, raw):  # type: ignore[attr-defined]
        clock = sc.ScriptClock()
        service = MediationService(store, clock=clock, identity_key=b"k" * 32)
        cases = build(service, clock, plan)
        clock.now = TEN_YEARS_ON
        for n in sorted(chosen):
            service.handle(c.AnonymiseParties(case_id=cases[n].case_id, on=TEN_YEARS_ON.date()), sc.ADMIN)
        assert store.verify() == []
        assert_scrubbed(cases, chosen, scan(), raw())
        resealed = {(d.body["case_id"], d.body.get("linked_stream", "")) for d in store.documents(RESEAL_DOCUMENT)}
        for n in chosen:
            linked = {s for case, s in resealed if case == cases[n].case_id and s}
            assert len(linked) >= (1 if cases[n].origin is Origin.WALK_IN else 2)  # a meeting; the letter too


def assert_scrubbed(cases: list[Built], chosen: set[int], rows: list[str], raw: list[str]) -> None:
    for n, case in enumerate(cases):
        if n in chosen:
            left = found(rows + raw, case.secrets)
            assert left == [], f"{case.case_id} ({case.origin.value}) still holds {left}"
        else:
            assert found(rows, case.secrets) == sorted(case.secrets)  # the others keep all of theirs


@given(plan=plans, data=st.data())
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_anonymising_any_cases_leaves_none_of_their_data_in_any_record_of_the_memory_store(
    plan: list[tuple[Origin, bool]], data: st.DataObject
) -> None:
    chosen = data.draw(st.sets(st.integers(0, len(plan) - 1)))
    check(memory, plan, chosen)


@given(plan=plans, data=st.data())
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_anonymising_any_cases_leaves_none_of_their_data_in_the_sqlite_tables_file_or_wal(
    plan: list[tuple[Origin, bool]], data: st.DataObject
) -> None:
    chosen = data.draw(st.sets(st.integers(0, len(plan) - 1), min_size=1))
    check(sqlite_file, plan, chosen)


def test_anonymising_leaves_none_of_their_data_in_any_postgresql_table(
    postgres_schemas: Callable[[], str],
) -> None:
    plan = [(o, n % 2 == 1) for n, o in enumerate(Origin)]
    chosen = {0, 2, 4}
    url = postgres_schemas()

    @contextmanager
    def postgres() -> Iterator[tuple[Store, Scan, Scan]]:
        store = open_sqlalchemy(url)
        try:
            yield store, lambda: postgres_rows(url), list
        finally:
            store.close()

    check(postgres, plan, chosen)


def test_the_expiry_sweep_anonymises_every_linked_record_and_compacts_the_file(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    store = open_sqlalchemy(f"sqlite:///{path}")
    try:
        clock = sc.ScriptClock()
        service = MediationService(store, clock=clock, identity_key=b"k" * 32)
        cases = build(service, clock, [(o, True) for o in Origin])
        clock.now = TEN_YEARS_ON
        swept = service.anonymise_expired(TEN_YEARS_ON.date(), sc.ADMIN)
        assert sorted(e.case_id for e in swept) == sorted(b.case_id for b in cases)
        assert_scrubbed(cases, set(range(len(cases))), sqlite_rows(path), raw_files(path))
        wal = path.with_name(path.name + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0  # emptied by the checkpoint after VACUUM
        assert store.verify() == []
    finally:
        store.close()


def test_a_linked_record_rewritten_behind_another_service_is_reloaded_not_broken() -> None:
    """A service that remembered a meeting's head (it scheduled the meeting) sees another
    service's anonymisation rewrite the meeting without growing it, and reloads the stream
    instead of appending to a chain that is gone."""
    store = MemoryStore()
    clock = sc.ScriptClock()
    scheduler = MediationService(store, clock=clock, identity_key=b"k" * 32)
    (case,) = build(scheduler, clock, [(Origin.WALK_IN, False)])
    clock.now = TEN_YEARS_ON
    sweeper = MediationService(store, clock=clock, identity_key=b"k" * 32)
    sweeper.handle(c.AnonymiseParties(case_id=case.case_id, on=TEN_YEARS_ON.date()), sc.ADMIN)
    cancel = CancelMeeting(meeting_id="meet-room", on=TEN_YEARS_ON.date(), reason="会议室检修")
    scheduler.handle(cancel, DIRECTOR)
    assert store.verify() == []
    assert found([repr(store.read("meet-room"))], case.secrets) == []

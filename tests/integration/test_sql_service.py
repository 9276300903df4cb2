"""The service over every store: the same case file everywhere, bulk units, and the stream
heads a service remembers staying right when another writer shares the database."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sql_support import IDENTITY_KEY, assert_every_case_whole, run_cases, service_on

from mediation_core.app.ports import Store
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, render, walk
from mediation_core.domain.case import commands as c
from mediation_core.domain.errors import ConcurrencyConflictError, RuleViolationError
from mediation_core.plugins import hookimpl, load_plugins
from mediation_core.records import RecordedEvent
from mediation_core.testing import scenarios as sc
from mediation_memory import MemoryStore
from mediation_sqlalchemy import open_sqlalchemy


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def open_store(request: pytest.FixtureRequest) -> Iterator[Callable[[], Store]]:
    """Fresh stores of one kind (memory, a SQLite file, a PostgreSQL schema)."""
    opened: list[Store] = []

    def new() -> Store:
        if request.param == "memory":
            store: Store = MemoryStore()
        else:
            urls = request.getfixturevalue("sqlite_files" if request.param == "sqlite" else "postgres_schemas")
            store = open_sqlalchemy(urls())
        opened.append(store)
        return store

    yield new
    for store in opened:
        store.close()


def number_of(store: Store, case_id: str) -> str | None:
    row = store.ledger_row(case_id)
    assert row is not None
    return row.number


def test_the_walkthrough_files_the_same_case_on_every_store(open_store: Callable[[], Store]) -> None:
    def walked(store: Store) -> str:
        clock = StoryClock(sc.ScriptClock().now)
        return render(walk(MediationService(store, clock=clock, identity_key=IDENTITY_KEY), clock))

    assert walked(open_store()) == walked(MemoryStore())


def test_a_bulk_unit_commits_every_command_at_once(open_store: Callable[[], Store]) -> None:
    store = open_store()
    service = service_on(store)
    seen: list[RecordedEvent] = []

    class Observer:
        @hookimpl
        def mediation_event_recorded(self, event: RecordedEvent, state: object) -> None:
            seen.append(event)

    service.plugins.pm.register(Observer())
    clock = service.clock
    assert isinstance(clock, sc.ScriptClock)
    with service.bulk() as batch:
        for n in range(3):
            sc.run(batch.handle, clock, sc.lifecycle(f"case-{n}", serial=n))
        assert list(store.stream_ids()) == []  # nothing visible before the unit commits
        assert seen == []  # observers run after the commit
    assert list(store.stream_ids()) == ["case-0", "case-1", "case-2"]
    assert [number_of(store, f"case-{n}") for n in range(3)] == [f"（2026）彭调人调字第00{n}号" for n in (1, 2, 3)]
    assert len(seen) == sum(len(store.read(f"case-{n}")) for n in range(3))
    assert_every_case_whole(store)


def test_a_refused_command_leaves_no_trace_in_the_bulk_unit(open_store: Callable[[], Store]) -> None:
    store = open_store()
    service = service_on(store)
    clock = service.clock
    assert isinstance(clock, sc.ScriptClock)
    first, second = sc.lifecycle("case-a", serial=1), sc.lifecycle("case-b", serial=2)
    with service.bulk() as batch:
        sc.run(batch.handle, clock, first[:1])
        sc.run(batch.handle, clock, second[:1])
        clock.now, accept = first[1]
        with pytest.raises(RuleViolationError):  # a fee: people's mediation is free, after the number was drawn
            batch.handle(c.AcceptCase(case_id="case-a", on=accept.on, fee_charged=Decimal(50)), sc.MEDIATOR)
        sc.run(batch.handle, clock, second[1:])
        sc.run(batch.handle, clock, first[1:])
    assert number_of(store, "case-b") == "（2026）彭调人调字第001号"  # the refused command's number was reused
    assert number_of(store, "case-a") == "（2026）彭调人调字第002号"
    assert assert_every_case_whole(store) == 2


def test_a_bulk_unit_that_raises_writes_nothing(open_store: Callable[[], Store]) -> None:
    store = open_store()
    service = service_on(store)
    clock = service.clock
    assert isinstance(clock, sc.ScriptClock)
    with pytest.raises(KeyboardInterrupt), service.bulk() as batch:  # noqa: PT012 - interrupted half-way
        sc.run(batch.handle, clock, sc.lifecycle("case-a", serial=1))
        raise KeyboardInterrupt
    assert list(store.stream_ids()) == []
    run_cases(service, 1)
    assert number_of(store, "case-00000") == "（2026）彭调人调字第001号"


def test_two_services_on_one_database_see_each_others_commands(database_urls: Callable[[], str]) -> None:
    """Each service remembers the heads it wrote; the other's later events are read and folded
    before the next decision, so neither decides on a stale case."""
    url = database_urls()
    one, two = service_on(open_sqlalchemy(url)), service_on(open_sqlalchemy(url))
    try:
        script = sc.lifecycle("shared", serial=7)
        for step, (moment, command) in enumerate(script):
            service = one if step % 2 == 0 else two
            assert isinstance(service.clock, sc.ScriptClock)
            service.clock.now = moment
            state = service.handle(command, sc.MEDIATOR)
            assert state.version == len(one.store.read("shared"))
        assert state.status.value == "archived"
        assert_every_case_whole(one.store)
    finally:
        one.store.close()
        two.store.close()


def test_a_database_rolled_back_behind_the_service_is_a_conflict_then_a_fresh_read(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    service = service_on(open_sqlalchemy(str(path)))
    clock = service.clock
    assert isinstance(clock, sc.ScriptClock)
    script = sc.lifecycle("c", serial=1)
    sc.run(service.handle, clock, script[:3])
    service.store.close()
    shutil.copy(path, tmp_path / "backup.sqlite3")  # WAL checkpointed on close: the file is whole
    service.store = open_sqlalchemy(str(path))
    sc.run(service.handle, clock, script[3:6])
    service.store.close()
    shutil.copy(tmp_path / "backup.sqlite3", path)  # restored from the backup taken at version 3
    service.store = open_sqlalchemy(str(path))
    try:
        clock.now, command = script[6]
        with pytest.raises(ConcurrencyConflictError):
            service.handle(command, sc.MEDIATOR)  # decided on the remembered version 6
        sc.run(service.handle, clock, script[3:])  # forgotten: the retry reads the stream again
        assert_every_case_whole(service.store)
    finally:
        service.store.close()


def test_open_service_passes_the_store_url(tmp_path: Path) -> None:
    from mediation_core.app.bootstrap import Config, open_service

    url = f"sqlite:///{tmp_path / 'county.sqlite3'}"
    service = open_service(Config(store="sqlite", url=url, identity_key="k" * 32), plugins=load_plugins(strict=True))
    try:
        assert (tmp_path / "county.sqlite3").is_file()
    finally:
        service.store.close()

"""A conflict costs one retry: the service forgets only the stream that conflicted, reads it
back from its snapshot (not from its first record), and decides the command again when the
caller said it is safe to; every other stream it remembers stays remembered. And a snapshot
changed in the database behind the store's back is passed over for the records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sql_support import raw

from mediation_core.app.commands import MAX_RETRIES
from mediation_core.app.ports import Snapshot, Store
from mediation_core.app.service import MediationService
from mediation_core.domain.case import commands as c
from mediation_core.domain.errors import ConcurrencyConflictError
from mediation_core.records import RecordedEvent
from mediation_core.testing import scenarios as sc
from mediation_core.testing.storage import SNAPSHOT_IDENTITY_KEY, assert_snapshot_is_the_fold, service_on
from mediation_memory import MemoryStore
from mediation_sqlalchemy import open_sqlalchemy

Entry = tuple[Any, ...]


class Recording:
    """A store whose units of work log each read and commit, and which lets another writer in
    just before a unit commits (``before_commit``, one callable per commit)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.log: list[Entry] = []
        self.before_commit: list[Callable[[], object]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def transaction(self) -> RecordingUnit:
        return RecordingUnit(self, self.store.transaction())


class RecordingUnit:
    def __init__(self, owner: Recording, unit: Any) -> None:
        self._owner = owner
        self._unit = unit

    def __getattr__(self, name: str) -> Any:
        return getattr(self._unit, name)

    def __enter__(self) -> RecordingUnit:
        self._unit.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._unit.__exit__(*exc)

    def read(self, stream_id: str, after: int = 0) -> list[RecordedEvent]:
        records: list[RecordedEvent] = self._unit.read(stream_id, after)
        self._owner.log.append(("read", stream_id, after, [r.version for r in records]))
        return records

    def read_with_snapshot(self, stream_id: str, schema: str) -> tuple[Snapshot | None, list[RecordedEvent]]:
        snapshot, records = self._unit.read_with_snapshot(stream_id, schema)
        version = snapshot.version if snapshot is not None else None
        self._owner.log.append(("snapshot", stream_id, version, [r.version for r in records]))
        return snapshot, records

    def commit(self) -> None:
        if self._owner.before_commit:
            self._owner.before_commit.pop(0)()
        try:
            self._unit.commit()
        except ConcurrencyConflictError as conflict:
            self._owner.log.append(("conflict", conflict.stream_ids))
            raise
        self._owner.log.append(("commit",))


@pytest.fixture(params=["memory", pytest.param("postgresql", marks=pytest.mark.postgres)])
def base(request: pytest.FixtureRequest) -> Iterator[Store]:
    """Stores where a second writer can commit while a unit is open (SQLite's writers queue on
    its lock instead, so a conflict there needs a second process: test_sql_concurrency)."""
    if request.param == "memory":
        yield MemoryStore()
        return
    schemas = request.getfixturevalue("postgres_schemas")
    store = open_sqlalchemy(schemas())
    yield store
    store.close()


def investigation(case_id: str, subject: str) -> c.RecordInvestigation:
    return c.RecordInvestigation(
        case_id=case_id, on=dt.date(2026, 5, 7), investigator_id="m-zhang", subject=subject, content="了解情况"
    )


@pytest.fixture
def writers(base: Store) -> tuple[MediationService, MediationService, Recording]:
    """Service ``a`` on a recording store remembering two cases in mediation, "hot" and "cold",
    and service ``b``, another writer on the same store."""
    recording = Recording(base)
    a = service_on(recording)  # type: ignore[arg-type]
    clock = a.clock
    assert isinstance(clock, sc.ScriptClock)
    sc.run(a.handle, clock, sc.lifecycle("hot", serial=1)[:6])
    sc.run(a.handle, clock, sc.lifecycle("cold", serial=2)[:6])
    clock.now = dt.datetime(2026, 5, 7, 10, tzinfo=sc.CHINA_TZ)
    b = MediationService(base, clock=clock, identity_key=SNAPSHOT_IDENTITY_KEY)
    recording.log.clear()
    return a, b, recording


def test_one_conflict_costs_one_retry_that_reads_only_the_new_state(
    writers: tuple[MediationService, MediationService, Recording], base: Store
) -> None:
    a, b, recording = writers
    version = len(base.read("hot"))
    recording.before_commit.append(lambda: b.handle(investigation("hot", "另一调解员走访"), sc.MEDIATOR))
    state = a.handle(investigation("hot", "走访邻居"), sc.MEDIATOR)
    assert recording.log == [
        # the remembered head is assumed, not read (ADR 0018); the commit finds the stream moved
        ("conflict", ("hot",)),
        # the unit runs once more, reading only what was appended after the remembered head
        ("read", "hot", version - 1, [version, version + 1]),
        ("commit",),
    ]
    assert state.version == len(base.read("hot")) == version + 2
    assert [r.body.get("subject") for r in base.read("hot")[-2:]] == ["另一调解员走访", "走访邻居"]

    recording.log.clear()
    cold = len(base.read("cold"))
    a.handle(investigation("cold", "走访"), sc.MEDIATOR)
    assert recording.log == [("commit",)]  # still remembered: its head assumed, nothing read
    assert len(base.read("cold")) == cold + 1


def test_without_retries_the_conflict_names_the_stream_and_the_rest_stays_remembered(
    writers: tuple[MediationService, MediationService, Recording], base: Store
) -> None:
    a, b, recording = writers
    version = len(base.read("hot"))
    for n in range(2):  # the other writer gets in before the unit and before its run on the stream read
        recording.before_commit.append(lambda n=n: b.handle(investigation("hot", f"另一调解员走访{n}"), sc.MEDIATOR))
    with pytest.raises(ConcurrencyConflictError) as raised:
        a.handle(investigation("hot", "走访邻居"), sc.MEDIATOR)
    assert raised.value.stream_ids == ("hot",)
    assert len(base.read("hot")) == version + 2  # the other writer's records only

    recording.log.clear()
    a.handle(investigation("cold", "走访"), sc.MEDIATOR)
    a.handle(investigation("hot", "走访邻居"), sc.MEDIATOR)  # the caller's own retry
    assert recording.log[0] == ("commit",)  # "cold" still remembered: its head assumed, nothing read
    assert ("snapshot", "hot", version + 2, [version + 2]) in recording.log  # forgotten: read from its snapshot


def test_retries_are_bounded_and_the_last_conflict_is_raised(
    writers: tuple[MediationService, MediationService, Recording], base: Store
) -> None:
    a, b, recording = writers
    version = len(base.read("hot"))
    for n in range(4):  # the assumed head's unit and its run reading, then two retries
        recording.before_commit.append(lambda n=n: b.handle(investigation("hot", f"走访{n}"), sc.MEDIATOR))
    with pytest.raises(ConcurrencyConflictError):
        a.handle(investigation("hot", "走访邻居"), sc.MEDIATOR, retries=2)
    assert [e for e in recording.log if e[0] in {"conflict", "commit"}] == [("conflict", ("hot",))] * 4
    assert len(base.read("hot")) == version + 4
    with pytest.raises(ValueError, match="retries"):
        a.handle(investigation("hot", "走访邻居"), sc.MEDIATOR, retries=MAX_RETRIES + 1)


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE snapshots SET hash = '" + "0" * 64 + "'",  # the stream re-sealed behind the store's back
        "UPDATE snapshots SET version = version + 5",  # past the stream's end
        "UPDATE snapshots SET version = version - 1",  # its record is not the one it names
    ],
)
def test_a_snapshot_changed_in_the_database_is_passed_over_for_the_records(
    database_urls: Callable[[], str], tamper: str
) -> None:
    url = database_urls()
    store = open_sqlalchemy(url)
    try:
        writer = service_on(store)
        clock = writer.clock
        assert isinstance(clock, sc.ScriptClock)
        script = sc.lifecycle("c", serial=1)
        sc.run(writer.handle, clock, script[:6])
        with raw(url) as conn:
            assert conn.execute(sa.text(tamper)).rowcount == 1
        fresh = MediationService(store, clock=clock, identity_key=SNAPSHOT_IDENTITY_KEY)
        state = sc.run(fresh.handle, clock, script[6:7])
        assert state.version == len(store.read("c")) == 7
        assert state == assert_snapshot_is_the_fold(store, "c")  # and the append wrote one that fits
    finally:
        store.close()

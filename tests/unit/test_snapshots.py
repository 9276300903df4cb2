"""Snapshot schemas: one per aggregate, the same in every process, and another one as soon as an
upcaster is added, so that a snapshot of the old event bodies is passed over for the records."""

from __future__ import annotations

from typing import Any

import pytest

from mediation_core.app import snapshots
from mediation_core.app.aggregates import CASES
from mediation_core.app.catalogue import AGGREGATES
from mediation_core.app.runtime import event_of
from mediation_core.app.service import MediationService
from mediation_core.domain.case import events as ev
from mediation_core.serialization import UPCASTERS
from mediation_core.testing import scenarios as sc
from mediation_core.testing.storage import (
    SNAPSHOT_IDENTITY_KEY,
    assert_snapshot_is_the_fold,
    read_with_snapshot,
    service_on,
)
from mediation_memory import MemoryStore


def test_every_aggregate_has_a_schema_of_its_own_that_names_it() -> None:
    schemas = [snapshots.schema_of(a) for a in AGGREGATES]
    assert len(set(schemas)) == len(AGGREGATES)
    assert all(s.startswith(f"{a.name}/") for s, a in zip(schemas, AGGREGATES, strict=True))


def test_the_state_of_every_aggregate_is_an_attrs_class_its_fold_starts() -> None:
    for aggregate in AGGREGATES:
        assert snapshots.state_type(aggregate).__name__  # raises when the fold's start is not annotated


def test_an_upcaster_changes_the_schema_and_the_old_snapshot_is_passed_over(monkeypatch: pytest.MonkeyPatch) -> None:
    store = MemoryStore()
    writer = service_on(store)
    clock = writer.clock
    assert isinstance(clock, sc.ScriptClock)
    script = sc.lifecycle("c", serial=1)
    sc.run(writer.handle, clock, script[:7])  # the seventh records an investigation
    before = snapshots.schema_of(CASES)

    upcast: list[dict[str, Any]] = []

    def to_2(body: dict[str, Any]) -> dict[str, Any]:
        upcast.append(body)
        return body

    monkeypatch.setattr(ev.InvestigationRecorded, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(UPCASTERS, ("case.investigation_recorded", 1), to_2)
    monkeypatch.setattr(snapshots, "_schemas", {})
    after = snapshots.schema_of(CASES)
    assert after != before
    assert read_with_snapshot(store, "c", after)[0] is None  # the stored one is of the old schema

    fresh = MediationService(store, clock=clock, identity_key=SNAPSHOT_IDENTITY_KEY)
    state = sc.run(fresh.handle, clock, script[7:8])
    assert len(upcast) == 1  # the stored investigation was read through the upcaster: a fold
    assert state == assert_snapshot_is_the_fold(store, "c")  # and the new snapshot is of the new schema


def test_a_changed_state_layout_changes_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshots.schema_of(CASES)
    monkeypatch.setattr(snapshots, "_schemas", {})
    assert snapshots.schema_of(CASES) == before  # computed again, the same
    monkeypatch.setattr(snapshots, "FORMAT", "2")
    monkeypatch.setattr(snapshots, "_schemas", {})
    assert snapshots.schema_of(CASES) != before
    layout: list[str] = []
    snapshots._layout(snapshots.state_type(CASES), set(), layout)
    assert any("CaseState(" in line and "parties:" in line for line in layout)
    assert any(line.startswith("mediation_core.domain.values.parties.NaturalPerson(") for line in layout)
    assert any("CaseStatus[" in line for line in layout)  # an enum's values are part of it


def test_snapshot_every_n_records_keeps_the_fold() -> None:
    store = MemoryStore()
    writer = service_on(store)
    writer.snapshot_every = 4
    clock = writer.clock
    assert isinstance(clock, sc.ScriptClock)
    script = sc.lifecycle("c", serial=1)
    sc.run(writer.handle, clock, script[:8])
    snapshot, records = read_with_snapshot(store, "c", snapshots.schema_of(CASES))
    assert snapshot is not None
    assert 0 < snapshot.version <= len(store.read("c")) < snapshot.version + 4
    assert [r.version for r in records] == list(range(snapshot.version, len(store.read("c")) + 1))
    fresh = MediationService(store, clock=clock, identity_key=SNAPSHOT_IDENTITY_KEY)
    fresh.snapshot_every = 4
    state = sc.run(fresh.handle, clock, script[8:9])  # read from the snapshot and folded on
    stored = store.read("c")
    assert state == CASES.replay("c", [event_of(r) for r in stored])
    assert state.version == len(stored)

"""Keyed seals, deep verification and anchors against tampering done in the database itself
(raw SQL on a real SQLite file and on PostgreSQL): each change is caught and named by its
kind, stream and version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import attrs
import pytest
import sqlalchemy as sa
from sql_support import IDENTITY_KEY, raw, run_cases

from mediation_core.app.integrity import Finding, FindingKind
from mediation_core.app.retention import rechained
from mediation_core.app.service import MediationService
from mediation_core.commands import FlagRisk
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.errors import AuthorisationError
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.risks import RiskKind
from mediation_core.records import GENESIS_HASH, HMAC_SHA256, SealKey, SealKeys, record
from mediation_core.testing import scenarios as sc
from mediation_sqlalchemy import open_sqlalchemy
from mediation_sqlalchemy import tables as t
from mediation_sqlalchemy.store import SqlStore

ev = t.events.c
SEAL_KEYS = SealKeys(keys=(SealKey(key_id="seal-1", secret=b"s" * 32),), current="seal-1")
ANCHOR_KEYS = SealKeys(keys=(SealKey(key_id="anchor-1", secret=b"a" * 32, algorithm=HMAC_SHA256),), current="anchor-1")
STRANGER = Actor(actor_id="m-li", role=Role.MEDIATOR, scope_id="elsewhere-room")


def keyed_service(store: SqlStore, clock: sc.ScriptClock, seal_keys: SealKeys = SEAL_KEYS) -> MediationService:
    return MediationService(store, clock=clock, identity_key=IDENTITY_KEY, seal_keys=seal_keys, anchor_keys=ANCHOR_KEYS)


@pytest.fixture
def filed(database_urls: Callable[[], str]) -> Iterator[tuple[str, MediationService]]:
    """Three archived cases, an open one with an escalation risk (a notice in the outbox)
    and a refusal in the access log, all sealed with a key; the service over them."""
    url = database_urls()
    store = open_sqlalchemy(url)
    clock = sc.ScriptClock()
    service = keyed_service(store, clock)
    service.register(demo_registry(), sc.ADMIN)
    run_cases(service, 3)
    run_cases(service, 1, first=3, steps=4)
    service.handle(
        FlagRisk(case_id="case-00003", kind=RiskKind.PUBLIC_ORDER, persons=2, on=clock.now.date()), sc.MEDIATOR
    )
    with pytest.raises(AuthorisationError):
        service.case_file("case-00000", STRANGER)
    assert store.outbox() != []
    assert service.verify_deep() == []
    yield url, service
    store.close()


def kinds(findings: list[Finding]) -> set[tuple[FindingKind, str]]:
    return {(f.kind, f.stream_id) for f in findings}


def access_log_stream(service: MediationService) -> str:
    return next(s for s in service.store.stream_ids() if s.startswith("access-log:"))


def test_a_statistics_cell_multiplied_by_ten_is_named(filed: tuple[str, MediationService]) -> None:
    url, service = filed
    cells = t.statistics_cells.c
    with raw(url) as conn:
        room, month, axis, value, figure = conn.execute(
            sa.select(cells.room_id, cells.month, cells.axis, cells.value, cells.figure).where(cells.cases > 0).limit(1)
        ).one()
        where = (cells.room_id == room, cells.month == month, cells.axis == axis, cells.value == value)
        conn.execute(sa.update(t.statistics_cells).where(*where, cells.figure == figure).values(cases=cells.cases * 10))
    assert service.verify() == []  # the seals cannot see it
    (found,) = service.verify_deep()
    assert found.kind is FindingKind.STATISTICS_CELL_DIFFERS
    assert found.stream_id == f"statistics:{room}:{month}"
    assert f"{axis}={value} {figure}" in found.detail


def test_a_changed_ledger_row_is_named_with_its_case_and_version(filed: tuple[str, MediationService]) -> None:
    url, service = filed
    with raw(url) as conn:
        conn.execute(sa.update(t.ledger).where(t.ledger.c.case_id == "case-00001").values(outcome="failed"))
    findings = service.verify_deep()
    row = next(f for f in findings if f.kind is FindingKind.LEDGER_ROW_DIFFERS)
    assert (row.stream_id, row.version) == ("case-00001", len(service.store.read("case-00001")))
    assert "outcome" in row.detail


def test_a_snapshot_changed_with_its_seal_kept_is_named(filed: tuple[str, MediationService]) -> None:
    url, service = filed
    snapshots = t.snapshots.c
    with raw(url) as conn:
        state = conn.execute(sa.select(snapshots.state).where(snapshots.stream_id == "case-00003")).scalar_one()
        changed = {**state, "summary": "另一起纠纷"}
        conn.execute(sa.update(t.snapshots).where(snapshots.stream_id == "case-00003").values(state=changed))
    assert service.verify() == []  # the seals cannot see it
    (found,) = service.verify_deep()
    assert (found.kind, found.stream_id, found.version) == (
        FindingKind.SNAPSHOT_DIFFERS,
        "case-00003",
        len(service.store.read("case-00003")),
    )


def test_a_deleted_deadline_is_a_projection_difference_of_its_case(filed: tuple[str, MediationService]) -> None:
    url, service = filed
    (open_case,) = {sid for sid, _ in service.store.deadlines_due(dt.date.max)}
    with raw(url) as conn:
        conn.execute(sa.delete(t.deadlines).where(t.deadlines.c.stream_id == open_case))
    (found,) = service.verify_deep()
    assert (found.kind, found.stream_id, found.version) == (
        FindingKind.PROJECTION_DIFFERS,
        open_case,
        len(service.store.read(open_case)),
    )


def test_an_outbox_row_without_its_event_and_an_event_without_its_row(filed: tuple[str, MediationService]) -> None:
    url, service = filed
    (entry,) = [e for e in service.store.outbox() if e.notice.kind.value == "escalation_risk"]
    box = t.outbox.c
    with raw(url) as conn:
        row = conn.execute(sa.select(t.outbox).where(box.key == entry.notice.key)).one()._asdict()
        conn.execute(sa.delete(t.outbox).where(box.key == entry.notice.key))
    (found,) = service.verify_deep()
    assert (found.kind, found.stream_id) == (FindingKind.EVENT_WITHOUT_OUTBOX, "case-00003")
    assert entry.notice.key in found.detail
    forged = "case-00003:99:escalation_risk"
    with raw(url) as conn:
        conn.execute(sa.insert(t.outbox).values({**row, "key": forged, "notice": {**row["notice"], "key": forged}}))
    assert kinds(service.verify_deep()) == {
        (FindingKind.OUTBOX_WITHOUT_EVENT, "case-00003"),
        (FindingKind.EVENT_WITHOUT_OUTBOX, "case-00003"),
    }


def test_a_changed_registry_is_named_by_the_anchor(filed: tuple[str, MediationService]) -> None:
    url, service = filed
    anchor = service.export_anchor()
    reg = t.registry.c
    with raw(url) as conn:
        body = conn.execute(sa.select(reg.body).where(reg.record_id == sc.ROOM)).scalar_one()
        conn.execute(sa.update(t.registry).where(reg.record_id == sc.ROOM).values(body={**body, "name": "别的调解室"}))
    findings, _ = service.check_anchor(anchor)
    assert [(f.kind, f.stream_id) for f in findings] == [(FindingKind.REGISTRY_DIFFERS, f"organisations:{sc.ROOM}")]


def test_a_room_deleted_from_the_registry_is_named(filed: tuple[str, MediationService]) -> None:
    url, service = filed
    with raw(url) as conn:
        conn.execute(sa.delete(t.registry).where(t.registry.c.record_id == sc.ROOM))
    assert (FindingKind.REGISTRY_DIFFERS, sc.ROOM) in kinds(service.verify_deep())


def test_a_changed_access_log_document_is_named(filed: tuple[str, MediationService]) -> None:
    url, service = filed
    docs = t.documents.c
    with raw(url) as conn:
        key, body = conn.execute(sa.select(docs.key, docs.body).where(docs.kind == "access-denial")).one()
        conn.execute(sa.update(t.documents).where(docs.key == key).values(body={**body, "actor": "someone-else"}))
    assert kinds(service.verify_deep()) == {(FindingKind.DOCUMENT_DIFFERS, "access-denial")}


def _delete_stream(conn: sa.Connection, stream_id: str) -> None:
    for table, column in (
        (t.events, t.events.c.stream_id),
        (t.snapshots, t.snapshots.c.stream_id),
        (t.ledger_party_keys, t.ledger_party_keys.c.case_id),
        (t.deadlines, t.deadlines.c.stream_id),
        (t.ledger, t.ledger.c.case_id),
        (t.streams, t.streams.c.stream_id),
    ):
        conn.execute(sa.delete(table).where(column == stream_id))


def test_a_deleted_stream_leaves_a_number_gap_and_a_cell_difference(filed: tuple[str, MediationService]) -> None:
    url, service = filed
    with raw(url) as conn:
        _delete_stream(conn, "case-00001")
    assert service.verify() == []  # every remaining chain is whole
    found = service.verify_deep()
    gap = next(f for f in found if f.kind is FindingKind.CASE_NUMBER_GAP)
    assert gap.stream_id == f"numbers:{sc.ROOM}:2026"
    assert "2 of" in gap.detail
    assert any(f.kind is FindingKind.STATISTICS_CELL_DIFFERS for f in found)


def test_a_deleted_access_log_day_is_named(filed: tuple[str, MediationService]) -> None:
    url, service = filed
    day = access_log_stream(service)
    with raw(url) as conn:
        _delete_stream(conn, day)
    assert service.verify() == []
    (found,) = service.verify_deep()
    assert (found.kind, found.stream_id, found.version) == (FindingKind.ACCESS_LOG_DAY_MISSING, day, 1)


def test_the_anchor_names_a_stream_deleted_with_everything_it_left(
    filed: tuple[str, MediationService],
) -> None:
    url, service = filed
    anchor = service.export_anchor()
    day = access_log_stream(service)
    with raw(url) as conn:
        _delete_stream(conn, day)
        conn.execute(sa.delete(t.documents).where(t.documents.c.kind == "access-denial"))
    assert service.verify_deep() == []  # nothing left in the store tells
    findings, notes = service.check_anchor(anchor)
    assert [(f.kind, f.stream_id, f.version) for f in findings] == [(FindingKind.STREAM_MISSING, day, 1)]
    assert notes == []


def test_a_chain_rewritten_with_the_library_but_without_the_key_is_caught(
    filed: tuple[str, MediationService],
) -> None:
    """The insider edits an event and recomputes the whole chain with the public functions:
    a plain hash, or a MAC under a key of their own named like the real one."""
    url, service = filed
    stored = service.store.read("case-00002")
    edited = [attrs.evolve(r, body={**r.body, "on": "2026-01-01"}) if r.version == 5 else r for r in stored]
    guessed = SealKey(key_id="seal-1", secret=b"g" * 32)
    for forged in (rechained(edited), rechained(edited, GENESIS_HASH, guessed)):
        with raw(url) as conn:
            for r in forged:
                conn.execute(
                    sa.update(t.events)
                    .where(ev.stream_id == r.stream_id, ev.version == r.version)
                    .values(body=r.body, prev_hash=r.prev_hash, hash=r.hash, key_id=r.key_id)
                )
            conn.execute(
                sa.update(t.streams).where(t.streams.c.stream_id == "case-00002").values(head_hash=forged[-1].hash)
            )
        (broken,) = service.verify()
        assert (broken.stream_id, broken.position) == ("case-00002", 1)
        (found,) = [f for f in service.verify_deep() if f.kind is FindingKind.CHAIN_BROKEN]
        assert (found.stream_id, found.version) == ("case-00002", 1)


def test_a_key_holder_rewriting_history_is_caught_by_the_anchor(filed: tuple[str, MediationService]) -> None:
    url, service = filed
    anchor = service.export_anchor()
    stored = service.store.read("case-00002")
    edited = [attrs.evolve(r, body={**r.body, "on": "2026-01-01"}) if r.version == 5 else r for r in stored]
    forged = rechained(edited, GENESIS_HASH, SEAL_KEYS.sealing)
    with raw(url) as conn:
        for r in forged:
            conn.execute(
                sa.update(t.events)
                .where(ev.stream_id == r.stream_id, ev.version == r.version)
                .values(body=r.body, prev_hash=r.prev_hash, hash=r.hash)
            )
        conn.execute(
            sa.update(t.streams).where(t.streams.c.stream_id == "case-00002").values(head_hash=forged[-1].hash)
        )
    assert service.verify() == []  # the key holder's chain is whole
    findings, _ = service.check_anchor(anchor)
    assert [(f.kind, f.stream_id, f.version) for f in findings] == [
        (FindingKind.ANCHOR_DIFFERS, "case-00002", len(stored))
    ]


def test_an_altered_anchor_is_refused(filed: tuple[str, MediationService]) -> None:
    _, service = filed
    anchor = service.export_anchor()
    anchor["streams"] = [s for s in anchor["streams"] if s["stream_id"] != "case-00001"]
    findings, _ = service.check_anchor(anchor)
    assert [f.kind for f in findings] == [FindingKind.ANCHOR_INVALID]


def test_keyless_chains_are_sealed_again_and_logged(database_urls: Callable[[], str]) -> None:
    """A store filled before keys were configured: verify with keys names every plain
    record; ``seal_again`` seals every stream with the current key, logs each in the
    retention log, and the store then verifies, deep and against an anchor taken after."""
    url = database_urls()
    store = open_sqlalchemy(url)
    try:
        clock = sc.ScriptClock()
        plain = MediationService(store, clock=clock, identity_key=IDENTITY_KEY)
        plain.register(demo_registry(), sc.ADMIN)
        run_cases(plain, 2)
        assert plain.verify() == []
        keyed = keyed_service(store, clock)
        breaks = keyed.verify()
        assert [b.stream_id for b in breaks] == ["case-00000", "case-00001"]
        assert all("not sealed with a key" in b.reason for b in breaks)
        anchor = keyed.export_anchor()
        done = keyed.seal_again(sc.ADMIN)
        assert [d.stream_id for d in done] == ["case-00000", "case-00001"]
        assert keyed.verify() == []
        assert keyed.verify_deep() == []
        assert {r.key_id for s in store.stream_ids() for r in store.read(s)} == {"seal-1"}
        log = [s for s in store.stream_ids() if s.startswith("retention-log:")]
        assert len(log) == 1
        assert len(store.read(log[0])) == 2
        findings, notes = keyed.check_anchor(anchor)
        assert findings == []
        assert len(notes) == 2
        assert keyed.seal_again(sc.ADMIN) == []  # nothing left to do
        docs = t.documents.c
        with raw(url) as conn:  # the log's listing is checked against its sealed records
            conn.execute(sa.update(t.documents).where(docs.kind == "chain-rekeyed").values(tags={"stream_id": "x"}))
        assert kinds(keyed.verify_deep()) == {(FindingKind.DOCUMENT_DIFFERS, "chain-rekeyed")}
    finally:
        store.close()


def test_rotation_old_records_verify_under_the_old_key_new_under_the_new(database_urls: Callable[[], str]) -> None:
    url = database_urls()
    store = open_sqlalchemy(url)
    try:
        clock = sc.ScriptClock()
        old = keyed_service(store, clock)
        old.register(demo_registry(), sc.ADMIN)
        run_cases(old, 1)
        new_key = SealKey(key_id="seal-2", secret=b"n" * 32, algorithm=HMAC_SHA256)
        rotated = SealKeys(keys=(*SEAL_KEYS.keys, new_key), current="seal-2")
        new = keyed_service(store, clock, rotated)
        run_cases(new, 1, first=1)
        assert {r.key_id for r in store.read("case-00000")} == {"seal-1"}
        assert {r.key_id for r in store.read("case-00001")} == {"seal-2"}
        assert new.verify() == []
        assert new.verify_deep() == []
        only_new = SealKeys(keys=(new_key,), current="seal-2")
        (broken,) = keyed_service(store, clock, only_new).verify()
        assert (broken.stream_id, broken.position) == ("case-00000", 1)
        assert "unknown key id" in broken.reason
    finally:
        store.close()


def test_a_refused_record_keeps_its_seal_key(filed: tuple[str, MediationService]) -> None:
    _, service = filed
    records = service.store.read(access_log_stream(service))
    assert {r.key_id for r in records} == {"seal-1"}
    forged = record(
        stream_id=records[0].stream_id,
        version=1,
        event_type=records[0].event_type,
        schema_version=records[0].schema_version,
        body=records[0].body,
        recorded_at=records[0].recorded_at + dt.timedelta(seconds=1),
        actor=records[0].actor,
        prev_hash=GENESIS_HASH,
    )
    assert forged.key_id == ""
    assert forged.hash != records[0].hash


def test_a_service_remembering_heads_goes_on_after_another_process_sealed_again(
    database_urls: Callable[[], str],
) -> None:
    """A running service remembers each stream's head; ``seal-keys --reseal`` in another
    process changes the seals under it. Its next command on the stream, and its next refusal
    in the access log, continue the re-sealed chains instead of being refused (or breaking them)."""
    url = database_urls()
    running, operator = open_sqlalchemy(url), open_sqlalchemy(url)
    try:
        clock = sc.ScriptClock()
        rotated = SealKeys(keys=(*SEAL_KEYS.keys, SealKey(key_id="seal-2", secret=b"2" * 32)), current="seal-2")
        service = keyed_service(running, clock, rotated)
        service.register(demo_registry(), sc.ADMIN)
        script = sc.lifecycle("case-00000")
        sc.run(service.handle, clock, script[:4])
        with pytest.raises(AuthorisationError):
            service.case_file("case-00000", STRANGER)
        before = {s: running.read(s)[-1].hash for s in running.stream_ids()}
        back = SealKeys(keys=rotated.keys, current="seal-1")  # say, seal-2 turned out to be compromised
        keyed_service(operator, clock, back).seal_again(sc.ADMIN)
        assert all(operator.read(s)[-1].hash != h for s, h in before.items())
        sc.run(service.handle, clock, script[4:])
        with pytest.raises(AuthorisationError):
            service.case_file("case-00000", STRANGER)
        assert service.verify() == []
        assert service.verify_deep() == []
    finally:
        running.close()
        operator.close()

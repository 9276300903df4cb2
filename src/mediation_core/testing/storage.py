"""The storage contract: behaviour every store must show, ours or a third party's.

Subclass :class:`StorageContract` as ``Test<Name>Storage`` and override the ``open_store``
fixture to return a zero-argument callable that creates a fresh, empty store::

    class TestCountyStorage(StorageContract):
        @pytest.fixture
        def open_store(self, tmp_path):
            paths = (tmp_path / f"db{n}.sqlite" for n in itertools.count())
            return lambda: open_county_store(next(paths))

:class:`StorageContract` is its four parts, one per role of the port
(:mod:`mediation_core.app.ports`): :class:`EventStoreContract`, :class:`ProjectionContract`,
:class:`OutboxContract` and :class:`RegistryContract`. Subclass a part the same way to check a
store role by role while writing it; every part but the registry's writes through the events
role's unit of work. A store that also keeps the event relay's positions
(:class:`~mediation_core.app.ports.RelayStore`) subclasses :class:`RelayContract` as well.
The base classes are not collected by pytest (their names do not start with ``Test``).
Property tests use inner ``@given`` functions and the state machine runs through
``run_state_machine_as_test``, so subclasses for several stores do not trip hypothesis'
executor health check.
"""

from __future__ import annotations

import datetime as dt
import json
import typing
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from mediation_core.app import snapshots
from mediation_core.app.aggregates import CASES
from mediation_core.app.ports import (
    Append,
    DeliveryStatus,
    Document,
    OutboxEntry,
    RelayPosition,
    RelayStatus,
    RelayStore,
    Reseal,
    Snapshot,
    Store,
)
from mediation_core.app.runtime import event_of
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.state import CaseStatus
from mediation_core.domain.errors import (
    ConcurrencyConflictError,
    IntegrityError,
    NotFoundError,
    RuleViolationError,
    StoreError,
)
from mediation_core.domain.reporting.ledger import LedgerRow, Outcome
from mediation_core.domain.reporting.rollups import Cell, cells_of, report_of_totals, rollup_report, totals
from mediation_core.domain.reporting.rollups import months as rollup_months
from mediation_core.domain.reporting.statistics import in_scope, report
from mediation_core.domain.statistical_return.commands import SubmitReturn
from mediation_core.domain.values.calendar import CHINA_TZ, local_date
from mediation_core.domain.values.deadlines import Deadline, DeadlineKind
from mediation_core.domain.values.notices import Notice, NoticeKind, Recipient
from mediation_core.domain.values.organisations import Employment, Mediator, Organisation, OrgKind, Registry
from mediation_core.domain.values.periods import Period
from mediation_core.records import GENESIS_HASH, HMAC_SHA256, RecordedEvent, SealKey, SealKeys, record, verify_stream
from mediation_core.testing import scenarios as sc
from mediation_core.testing import strategies as mst

OpenStore = Callable[[], Store]
T0 = dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | mst.short_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(mst.short_text, inner, max_size=3),
    max_leaves=8,
)
bodies = st.dictionaries(st.text("abcdefghij_", min_size=1, max_size=8), json_values, max_size=5)

storable_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\x00"), max_size=40)
"""Text every store must keep in typed columns: any Unicode but NUL, which PostgreSQL's text
type cannot hold (JSON bodies keep NUL as an escape and may contain it)."""


def storable(cls: type[Any], **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """:func:`mediation_core.testing.strategies.of` with :data:`storable_text` for text fields."""
    hints = typing.get_type_hints(cls)
    text: dict[str, st.SearchStrategy[Any]] = {}
    for f in attrs.fields(cls):
        hint = hints[f.name]
        if hint is str:
            text[f.name] = storable_text
        elif hint == (str | None):
            text[f.name] = st.none() | storable_text
        elif hint == tuple[str, ...]:
            text[f.name] = st.lists(storable_text, max_size=3).map(tuple)
    return mst.of(cls, **{**text, **fields})


SEAL_1 = SealKey(key_id="contract-1", secret=b"contract seal key number one ...", algorithm=HMAC_SHA256)
SEAL_2 = SealKey(key_id="contract-2", secret=b"contract seal key number two ...", algorithm=HMAC_SHA256)
"""Seal keys of the contract's keyed chains (HMAC-SHA256, which every OpenSSL offers)."""


def chain(
    case_id: str,
    bodies_: Sequence[dict[str, Any]],
    *,
    after: Sequence[RecordedEvent] = (),
    at: dt.datetime = T0,
    key: SealKey | None = None,
) -> list[RecordedEvent]:
    """Records continuing ``after`` with the given bodies, sealed with ``key`` (none: plain SHA-256)."""
    prev = after[-1].hash if after else GENESIS_HASH
    out = []
    for version, body in enumerate(bodies_, start=len(after) + 1):
        r = record(
            stream_id=case_id,
            version=version,
            event_type="test.event",
            schema_version=1,
            body=body,
            recorded_at=at + dt.timedelta(microseconds=version),
            actor="system:test@*",
            prev_hash=prev,
            key=key,
        )
        out.append(r)
        prev = r.hash
    return out


def row_for(case_id: str, version: int, room_id: str = "room-a", **changes: Any) -> LedgerRow:
    """A ledger row for tests; only the identifying columns matter to a store."""
    base = _ROW_TEMPLATE
    return attrs.evolve(base, case_id=case_id, version=version, room_id=room_id, **changes)


_ROW_TEMPLATE = LedgerRow(
    case_id="",
    version=0,
    room_id="",
    number=None,
    status=CaseStatus.RECEIVED,
    outcome=Outcome.OPEN,
    source="walk_in",
    category="neighbourhood",
    summary="邻里纠纷",
    party_names=("甲", "乙"),
    parties=2,
    persons=2,
    amount_involved=Decimal("12.50"),
    received_on=dt.date(2026, 3, 2),
    accepted_on=None,
    term_due=None,
    concluded_on=None,
    archived_on=None,
    agreement_form=None,
    termination_reason=None,
    decline_reason=None,
    difficulty="ordinary",
    civil_to_criminal_persons=0,
    public_order_persons=0,
    mass_incident_persons=0,
    suicide_persons=0,
    presiding_mediator=None,
    mediators=(),
    sessions=0,
    follow_up_due=None,
    follow_ups=0,
    first_follow_up_on=None,
    performance=None,
    satisfaction=None,
    referral_id=None,
    referral_mode=None,
    dispatch_id=None,
    repeat_of=None,
    party_keys=(),
)


def deadline(kind: DeadlineKind, due: dt.date) -> Deadline:
    return Deadline(kind=kind, due=due, basis="test", policy="default@test", calendar="calendar-days")


def notice(key: str, case_id: str = "") -> Notice:
    return Notice(
        key=key,
        kind=NoticeKind.CASE_CONCLUDED,
        subject="主题",
        body="正文",
        recipients=(Recipient(role="mediator", org_id="room-a"),),
        case_id=case_id,
        payload={"k": "v"},
    )


def append(
    store: Store,
    case_id: str,
    bodies_: Sequence[dict[str, Any]],
    *,
    deadlines: Sequence[Deadline] = (),
    notices: Sequence[Notice] = (),
    room_id: str = "room-a",
    row: LedgerRow | None = None,
) -> list[RecordedEvent]:
    """Append to a case in its own committed transaction; return the new records."""
    with store.transaction() as tx:
        existing = tx.read(case_id)
        records = chain(case_id, bodies_, after=existing)
        tx.append(
            append_of(
                case_id,
                records,
                row=row or row_for(case_id, len(existing) + len(records), room_id),
                deadlines=deadlines,
                notices=notices,
            )
        )
        tx.commit()
    return records


_ROW_FOR: Any = object()


def append_of(
    stream_id: str,
    records: Sequence[RecordedEvent],
    *,
    row: LedgerRow | None = _ROW_FOR,
    deadlines: Sequence[Deadline] = (),
    notices: Sequence[Notice] = (),
) -> Append:
    """The append of ``records`` (chained by :func:`chain`) to ``stream_id``: the expected
    version is the one before the first record; the ledger row is ``row_for`` the last record
    unless ``row`` is given (``None`` for a stream without one)."""
    expected = records[0].version - 1
    return Append(
        stream_id=stream_id,
        expected_version=expected,
        records=records,
        row=row_for(stream_id, records[-1].version) if row is _ROW_FOR else row,
        deadlines=deadlines,
        notices=notices,
        created_at=T0,
    )


def json_faithful(records: Sequence[RecordedEvent]) -> list[RecordedEvent]:
    """The records as they must come back: bodies survive JSON unchanged."""
    return [attrs.evolve(r, body=json.loads(json.dumps(r.body))) for r in records]


class StoreFixtures:
    """The fixtures every part of the contract uses: override :meth:`open_store`."""

    @pytest.fixture
    def open_store(self) -> OpenStore:
        raise NotImplementedError("adapter test classes must override the `open_store` fixture")

    @pytest.fixture
    def store(self, open_store: OpenStore) -> Iterator[Store]:
        s = open_store()
        yield s
        s.close()


class EventStoreContract(StoreFixtures):
    """The events role (:class:`~mediation_core.app.ports.EventStore`) and its unit of work:
    streams appended, read back, conflicting, numbered, re-sealed and verified. A unit of work
    writes every role's rows of an append or none, so a refused or rolled-back unit is also
    checked to leave no ledger row, deadline or notice behind."""

    # -- streams ----------------------------------------------------------------------------
    def test_missing_case_reads_empty(self, store: Store) -> None:
        assert store.read("nope") == []
        with store.transaction() as tx:
            assert tx.read("nope") == []
        assert store.ledger_row("nope") is None

    def test_appended_stream_reads_back_json_faithfully(self, open_store: OpenStore) -> None:
        @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(streams=st.lists(st.lists(bodies, min_size=1, max_size=4), min_size=1, max_size=3))
        def check(streams: list[list[dict[str, Any]]]) -> None:
            store = open_store()
            try:
                expected: list[RecordedEvent] = []
                for batch in streams:
                    expected += append(store, "case-1", batch)
                assert store.read("case-1") == json_faithful(expected)
                assert verify_stream("case-1", store.read("case-1")) is None
            finally:
                store.close()

        check()

    def test_reading_after_a_version_gives_the_rest_of_the_stream(self, store: Store) -> None:
        first = append(store, "c", [{"a": 1}, {"a": 2}, {"a": 3}])
        with store.transaction() as tx:
            assert tx.read("c", after=1) == json_faithful(first[1:])
            assert tx.read("c", after=3) == []
            assert tx.read("nope", after=2) == []
            more = chain("c", [{"b": 1}], after=first)
            tx.append(append_of("c", more))
            assert tx.read("c", after=2) == json_faithful([first[2], *more])
            tx.commit()

    def test_recorded_at_keeps_microseconds_and_utc(self, store: Store) -> None:
        at = dt.datetime(2026, 12, 31, 23, 59, 59, 999_998, tzinfo=dt.timezone(dt.timedelta(hours=8)))
        with store.transaction() as tx:
            records = chain("c", [{"a": 1}], at=at)
            tx.append(append_of("c", records))
            tx.commit()
        (back,) = store.read("c")
        assert back.recorded_at == at + dt.timedelta(microseconds=1)
        assert back.recorded_at.utcoffset() == dt.timedelta(0)
        assert store.verify() == []

    def test_uncommitted_work_is_discarded(self, store: Store) -> None:
        with store.transaction() as tx:
            tx.append(
                append_of(
                    "c",
                    chain("c", [{"a": 1}]),
                    deadlines=[deadline(DeadlineKind.FOLLOW_UP, dt.date(2026, 1, 1))],
                    notices=[notice("n1", "c")],
                )
            )
            assert [r.version for r in tx.read("c")] == [1]
        assert store.read("c") == []
        assert store.ledger_row("c") is None
        assert store.deadlines_due(dt.date(2030, 1, 1)) == []
        assert store.outbox() == []
        assert list(store.stream_ids()) == []

    def test_explicit_rollback_discards(self, store: Store) -> None:
        with store.transaction() as tx:
            tx.append(append_of("c", chain("c", [{"a": 1}])))
            tx.rollback()
        assert store.read("c") == []

    def test_stale_expected_version_conflicts_and_writes_nothing(self, store: Store) -> None:
        first = append(store, "c", [{"a": 1}, {"a": 2}], notices=[notice("n1", "c")])
        with store.transaction() as tx:
            stale = chain("c", [{"b": 1}])  # claims version 1 again
            with pytest.raises(ConcurrencyConflictError):
                tx.append(
                    append_of(
                        "c",
                        stale,
                        deadlines=[deadline(DeadlineKind.FOLLOW_UP, dt.date(2026, 1, 1))],
                        notices=[notice("n2", "c")],
                    )
                )
        assert store.read("c") == json_faithful(first)
        assert store.ledger_row("c") == row_for("c", 2)
        assert [e.notice.key for e in store.outbox()] == ["n1"]
        assert store.deadlines_due(dt.date(2030, 1, 1)) == []

    def test_interleaved_writers_second_commit_conflicts(self, store: Store) -> None:
        append(store, "c", [{"a": 1}])
        base = store.read("c")
        with store.transaction() as one, store.transaction() as two:
            one.append(append_of("c", chain("c", [{"one": 1}], after=base)))
            one.commit()
            with pytest.raises(ConcurrencyConflictError):
                two.append(append_of("c", chain("c", [{"two": 1}], after=base)))
                two.commit()
        assert [r.body for r in store.read("c")] == [{"a": 1}, {"one": 1}]

    def test_an_assumed_head_that_is_current_is_appended_after_without_a_read(self, store: Store) -> None:
        base = append(store, "c", [{"a": 1}])
        with store.transaction() as tx:
            tx.assume("c", 1, base[-1].hash)
            tx.append(append_of("c", chain("c", [{"b": 1}], after=base)))
            tx.commit()
        assert [r.body for r in store.read("c")] == [{"a": 1}, {"b": 1}]
        assert store.verify() == []

    def test_an_assumed_head_another_writer_moved_conflicts_and_writes_nothing(self, store: Store) -> None:
        base = append(store, "c", [{"a": 1}], notices=[notice("n1", "c")])
        append(store, "c", [{"other": 1}])  # another writer, after the head was remembered
        with store.transaction() as tx, pytest.raises(ConcurrencyConflictError):
            tx.assume("c", 1, base[-1].hash)
            tx.append(append_of("c", chain("c", [{"b": 1}], after=base), notices=[notice("n2", "c")]))
            tx.commit()
        assert [r.body for r in store.read("c")] == [{"a": 1}, {"other": 1}]
        assert [e.notice.key for e in store.outbox()] == ["n1"]
        assert store.verify() == []

    def test_several_cases_in_one_unit_of_work_commit_together(self, store: Store) -> None:
        with store.transaction() as tx:
            for case_id in ("a", "b", "c"):
                tx.append(append_of(case_id, chain(case_id, [{"x": case_id}])))
            tx.append(append_of("a", chain("a", [{"y": 2}], after=tx.read("a"))))
            assert list(store.stream_ids()) == []
            tx.commit()
        assert list(store.stream_ids()) == ["a", "b", "c"]
        assert [r.version for r in store.read("a")] == [1, 2]
        assert store.verify() == []

    def test_a_refused_append_writes_nothing_and_the_unit_goes_on(self, store: Store) -> None:
        append(store, "a", [{"a": 1}], notices=[notice("k1", "a")])
        with store.transaction() as tx:
            tx.append(append_of("b", chain("b", [{"b": 1}])))
            with pytest.raises(IntegrityError):
                tx.append(append_of("c", chain("c", [{"c": 1}]), notices=[notice("k2", "c"), notice("k1", "c")]))
            with pytest.raises(ConcurrencyConflictError):
                tx.append(append_of("a", chain("a", [{"stale": 1}]), notices=[notice("k3", "a")]))
            with pytest.raises(IntegrityError):
                tx.append(append_of("d", chain("not-d", [{"d": 1}])))
            assert tx.read("c") == []
            tx.append(append_of("e", chain("e", [{"e": 1}]), notices=[notice("k2", "e")]))
            tx.commit()
        assert list(store.stream_ids()) == ["a", "b", "e"]
        assert [r.body for r in store.read("a")] == [{"a": 1}]
        assert [e.notice.key for e in store.outbox()] == ["k1", "k2"]
        assert store.verify() == []

    def test_records_that_do_not_continue_the_stream_are_refused(self, store: Store) -> None:
        """The rules of :func:`~mediation_core.app.appending.check_append`, which every store
        applies: records that skip a version, are not linked to the stream's last hash or to
        each other, or come with another case's ledger row are an ``IntegrityError`` that
        writes nothing, and the unit goes on."""
        first = append(store, "c", [{"a": 1}])
        good = chain("c", [{"b": 1}, {"b": 2}], after=first)
        unlinked = chain("c", [{"b": 1}], after=[attrs.evolve(first[0], hash="f" * 64)])
        broken_inside = [good[0], attrs.evolve(good[1], prev_hash="e" * 64)]
        skipping = attrs.evolve(append_of("c", good[1:]), expected_version=1)
        with store.transaction() as tx:
            for bad in (append_of("c", unlinked), append_of("c", broken_inside), skipping):
                with pytest.raises(IntegrityError):
                    tx.append(attrs.evolve(bad, notices=[notice("n", "c")]))
            with pytest.raises(IntegrityError):
                tx.append(append_of("c", good, row=row_for("other", 3)))
            assert tx.read("c") == json_faithful(first)
            tx.append(append_of("c", good, notices=[notice("n", "c")]))
            tx.commit()
        assert store.read("c") == json_faithful([*first, *good])
        assert store.ledger_row("c") == row_for("c", 3)
        assert store.ledger_row("other") is None
        assert [e.notice.key for e in store.outbox()] == ["n"]
        assert store.verify() == []

    def test_savepoint_undoes_a_failed_step_and_the_unit_goes_on(self, store: Store) -> None:
        append(store, "a", [{"a": 1}])
        with store.transaction() as tx:
            assert tx.allocate_number("room-a", 2026) == 1
            tx.append(append_of("b", chain("b", [{"b": 1}]), notices=[notice("kb", "b")]))
            with pytest.raises(ValueError, match="rejected"), tx.savepoint():
                assert tx.allocate_number("room-a", 2026) == 2
                tx.append(append_of("c", chain("c", [{"c": 1}]), notices=[notice("kc", "c")]))
                raise ValueError("rejected")  # a command refused half-way
            with pytest.raises(ConcurrencyConflictError), tx.savepoint():
                tx.append(append_of("a", chain("a", [{"stale": 1}])))
            with pytest.raises(IntegrityError), tx.savepoint():
                tx.append(append_of("d", chain("d", [{"d": 1}]), notices=[notice("kb", "d")]))
            assert tx.read("c") == []
            with tx.savepoint():
                assert tx.allocate_number("room-a", 2026) == 2
                tx.append(append_of("e", chain("e", [{"e": 1}])))
            tx.commit()
        assert list(store.stream_ids()) == ["a", "b", "e"]
        assert [e.notice.key for e in store.outbox()] == ["kb"]
        assert [r.body for r in store.read("a")] == [{"a": 1}]
        with store.transaction() as tx:
            assert tx.allocate_number("room-a", 2026) == 3

    # -- case numbers -----------------------------------------------------------------------
    def test_case_numbers_are_gap_free_per_room_and_year(self, store: Store) -> None:
        with store.transaction() as tx:
            assert [tx.allocate_number("room-a", 2026) for _ in range(3)] == [1, 2, 3]
            assert tx.allocate_number("room-b", 2026) == 1
            assert tx.allocate_number("room-a", 2027) == 1
            tx.commit()
        with store.transaction() as tx:
            assert tx.allocate_number("room-a", 2026) == 4
            tx.commit()

    def test_rolled_back_numbers_are_reused(self, store: Store) -> None:
        with store.transaction() as tx:
            assert tx.allocate_number("room-a", 2026) == 1
        with store.transaction() as tx:
            assert tx.allocate_number("room-a", 2026) == 1
            tx.commit()
        with store.transaction() as tx:
            assert tx.allocate_number("room-a", 2026) == 2

    # -- re-sealing (anonymising a case file) -------------------------------------------------
    def test_reseal_rewrites_the_bodies_continues_the_stream_and_verifies(self, store: Store) -> None:
        append(store, "a", [{"name": "王建国"}, {"name": "李海"}], row=row_for("a", 2, party_keys=("k1", "k2")))
        append(store, "b", [{"name": "王建国"}])
        records, batch = _reseal_of(store, "a", [{"name": "王某"}, {"name": "李某"}])
        with store.transaction() as tx:
            tx.reseal(batch)
            assert tx.read("a") == records  # the unit reads its own re-sealing
            tx.commit()
        assert store.read("a") == records
        assert store.read("b")[0].body == {"name": "王建国"}  # other streams untouched
        assert store.read("log") == list(batch.log.records)  # type: ignore[union-attr]
        assert store.ledger_row("a") == batch.row
        assert store.ledger_sharing_parties(["k1", "k2"]) == []
        assert store.document("log-entry", "1") is not None
        assert store.verify() == []
        more = append(store, "a", [{"n": 4}])  # the stream goes on from its new head
        assert more[0].prev_hash == records[-1].hash
        assert store.verify() == []

    def test_reseal_rolled_back_leaves_everything_as_it_was(self, store: Store) -> None:
        before = append(store, "a", [{"name": "王建国"}], row=row_for("a", 1, party_keys=("k1",)))
        _, batch = _reseal_of(store, "a", [{"name": "王某"}])
        with store.transaction() as tx:
            tx.reseal(batch)
        assert store.read("a") == before
        assert store.read("log") == []
        assert [r.case_id for r in store.ledger_sharing_parties(["k1"])] == ["a"]

    def test_reseal_of_a_stream_that_moved_on_conflicts_and_writes_nothing(self, store: Store) -> None:
        append(store, "a", [{"name": "王建国"}])
        _, batch = _reseal_of(store, "a", [{"name": "王某"}])
        moved = append(store, "a", [{"n": 2}])
        with store.transaction() as tx, pytest.raises(ConcurrencyConflictError):
            tx.reseal(batch)
        assert store.read("a")[-1] == moved[-1]
        stale = attrs.evolve(batch, expected_version=2)  # right version, another head
        with store.transaction() as tx, pytest.raises(ConcurrencyConflictError):
            tx.reseal(stale)
        assert store.read("log") == []

    def test_interleaved_reseals_second_commit_conflicts(self, store: Store) -> None:
        append(store, "a", [{"name": "王建国"}])
        _, first = _reseal_of(store, "a", [{"name": "王某"}])
        _, second = _reseal_of(store, "a", [{"name": "王"}], log_id="log-2")
        tx1, tx2 = store.transaction(), store.transaction()
        with tx1:
            tx1.reseal(first)
            tx1.commit()
        with tx2, pytest.raises(ConcurrencyConflictError):
            tx2.reseal(second)
            tx2.commit()
        assert store.read("a")[0].body == {"name": "王某"}
        assert store.read("log-2") == []

    def test_reseal_refuses_records_that_change_more_than_bodies(self, store: Store) -> None:
        append(store, "a", [{"name": "王建国"}, {"name": "李海"}])
        records, batch = _reseal_of(store, "a", [{"name": "王某"}, {"name": "李某"}])
        retimed = chain("a", [{"name": "王某"}, {"name": "李某"}, {"n": 3}], at=T0 + dt.timedelta(days=1))
        broken = [*records[:1], attrs.evolve(records[1], hash="0" * 64), *records[2:]]
        for bad in (retimed, broken, records[:2]):
            with store.transaction() as tx, pytest.raises(IntegrityError):
                tx.reseal(attrs.evolve(batch, records=bad))
        assert store.read("a")[0].body == {"name": "王建国"}
        assert store.verify() == []

    def test_reseal_of_a_linked_stream_appends_nothing_and_rewrites_the_outbox_notices(self, store: Store) -> None:
        append(store, "a", [{"name": "王建国"}])
        append(store, "ref", [{"name": "王建国"}, {"name": "李海"}], row=None, notices=[notice("n1", "a")])
        store.update_outbox(attrs.evolve(store.outbox()[0], attempts=1, last_error="busy"))
        records, batch = _reseal_of(store, "ref", [{"name": "王某"}, {"name": "李某"}])
        linked = attrs.evolve(
            batch,
            records=records[:2],
            row=None,
            for_case="a",
            notices=(attrs.evolve(notice("n1", "a"), body="王某"),),
        )
        with store.transaction() as tx:
            tx.reseal(linked)
            tx.commit()
        assert store.read("ref") == records[:2]
        assert store.read("a")[0].body == {"name": "王建国"}  # the case itself is another re-sealing
        entry = store.outbox_entry("n1")
        assert entry is not None
        assert (entry.notice.body, entry.attempts, entry.last_error) == ("王某", 1, "busy")
        assert store.verify() == []

    def test_reseal_appending_nothing_needs_a_linked_case_and_a_log(self, store: Store) -> None:
        append(store, "ref", [{"name": "王建国"}], row=None)
        records, batch = _reseal_of(store, "ref", [{"name": "王某"}])
        for bad in (
            attrs.evolve(batch, records=records[:1], row=None),  # not linked to a case
            attrs.evolve(batch, records=records[:1], row=None, for_case="ref"),  # its own case
            attrs.evolve(batch, records=records[:1], row=None, for_case="a", log=None),  # not logged
        ):
            with store.transaction() as tx, pytest.raises(IntegrityError):
                tx.reseal(bad)
        assert store.read("ref")[0].body == {"name": "王建国"}

    # -- keyed seals ----------------------------------------------------------------------------
    def test_key_ids_round_trip_and_verify_under_their_keys(self, store: Store) -> None:
        """A store keeps each record's seal key id; the keys themselves stay outside it."""
        first = _append_keyed(store, "a", [{"n": 1}, {"n": 2}], SEAL_1)
        second = _append_keyed(store, "a", [{"n": 3}], SEAL_2)  # the key rotated
        assert store.read("a") == [*first, *second]
        assert [r.key_id for r in store.read("a")] == ["contract-1", "contract-1", "contract-2"]
        both = SealKeys(keys=(SEAL_1, SEAL_2), current="contract-2")
        assert store.verify(both) == []
        (unknown,) = store.verify(SealKeys(keys=(SEAL_2,), current="contract-2"))
        assert (unknown.stream_id, unknown.position) == ("a", 1)
        assert "unknown key id" in unknown.reason
        (nothing,) = store.verify()  # no keys at all: a keyed seal cannot be checked
        assert "unknown key id" in nothing.reason

    def test_a_plain_record_is_a_break_where_keys_are_configured(self, store: Store) -> None:
        append(store, "a", [{"n": 1}])
        assert store.verify() == []
        (found,) = store.verify(SealKeys(keys=(SEAL_1,), current="contract-1"))
        assert (found.stream_id, found.position) == ("a", 1)
        assert "not sealed with a key" in found.reason

    def test_a_record_sealed_with_another_secret_under_a_known_id_is_a_break(self, store: Store) -> None:
        forger = SealKey(key_id="contract-1", secret=b"a secret the forger made up ....", algorithm=HMAC_SHA256)
        _append_keyed(store, "a", [{"n": 1}, {"n": 2}], forger)
        (found,) = store.verify(SealKeys(keys=(SEAL_1,), current="contract-1"))
        assert (found.stream_id, found.position) == ("a", 1)
        assert "edited" in found.reason

    def test_reseal_with_a_new_key_alone_needs_no_record_of_its_own_when_logged(self, store: Store) -> None:
        stored = append(store, "a", [{"name": "王建国"}, {"name": "李海"}])
        _, template = _reseal_of(store, "a", [{"name": "王建国"}, {"name": "李海"}])
        resealed = chain("a", [{"name": "王建国"}, {"name": "李海"}], key=SEAL_1)
        with store.transaction() as tx, pytest.raises(IntegrityError):  # unlogged: refused
            tx.reseal(attrs.evolve(template, records=resealed, log=None))
        with store.transaction() as tx:
            tx.reseal(attrs.evolve(template, records=resealed))
            tx.commit()
        assert store.read("a") == resealed
        assert [r.body for r in store.read("a")] == [r.body for r in stored]
        keyed = SealKeys(keys=(SEAL_1,), current="contract-1")
        assert [b.stream_id for b in store.verify(keyed)] == ["log"]  # whole under the key; the test log is plain
        more = _append_keyed(store, "a", [{"n": 3}], SEAL_1)  # the stream goes on from its new head
        assert more[0].prev_hash == resealed[-1].hash

    # -- verification and stateful behaviour ------------------------------------------------
    def test_verify_reports_nothing_for_whole_chains(self, store: Store) -> None:
        for case_id in ("a", "b"):
            append(store, case_id, [{"n": 1}, {"n": 2}])
        assert store.verify() == []

    def test_behaves_like_a_dict_of_streams(self, open_store: OpenStore) -> None:
        run_state_machine_as_test(
            lambda: StorageMachine(open_store()),  # type: ignore[arg-type]  # a factory works as well as a class
            settings=settings(
                max_examples=20, stateful_step_count=15, deadline=None, suppress_health_check=[HealthCheck.too_slow]
            ),
        )


class ProjectionContract(StoreFixtures):
    """The projections role (:class:`~mediation_core.app.ports.ProjectionStore`): what appends
    project (ledger rows and their statistics cells, party keys, deadlines, documents), read back
    as committed. The rows are written through the events role's unit of work."""

    # -- projections ------------------------------------------------------------------------
    def test_ledger_row_is_replaced_and_filtered_by_room(self, store: Store) -> None:
        append(store, "b", [{"a": 1}], room_id="room-b")
        append(store, "a", [{"a": 1}], room_id="room-a")
        append(store, "a", [{"a": 2}], room_id="room-a", row=row_for("a", 2, summary="改了"))
        assert [r.case_id for r in store.ledger()] == ["a", "b"]
        assert store.ledger_row("a") == row_for("a", 2, summary="改了")
        assert [r.case_id for r in store.ledger(["room-b"])] == ["b"]
        assert list(store.ledger([])) == []

    def test_ledger_row_round_trips_every_column(self, open_store: OpenStore) -> None:
        @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(row=storable(LedgerRow, case_id=st.just("c"), version=st.just(1), room_id=st.just("room-a")))
        def check(row: LedgerRow) -> None:
            store = open_store()
            try:
                append(store, "c", [{"a": 1}], row=row)
                assert store.ledger_row("c") == row
                assert list(store.ledger()) == [row]
            finally:
                store.close()

        check()

    def test_ledger_rows_are_read_by_case_id(self, store: Store) -> None:
        for case_id, room in (("b", "room-b"), ("a", "room-a"), ("c", "room-a")):
            append(store, case_id, [{"x": 1}], room_id=room)
        assert [r.case_id for r in store.ledger_rows(["c", "a", "zz", "a"])] == ["a", "c"]
        assert store.ledger_rows(["b"]) == [store.ledger_row("b")]
        assert store.ledger_rows([]) == []
        many = [f"n{n:04d}" for n in range(1_200)]  # more ids than one IN list takes
        assert [r.case_id for r in store.ledger_rows([*many, "b"])] == ["b"]
        with store.transaction() as tx:
            tx.append(append_of("d", chain("d", [{"d": 1}]), row=row_for("d", 1)))
        assert store.ledger_rows(["d"]) == []  # rolled back

    def test_the_agenda_reads_open_cases_and_recent_repeats_of_its_rooms(self, store: Store) -> None:
        since = dt.date(2026, 3, 1)
        rows = {
            "open": row_for("open", 1),
            "settled": row_for("settled", 1, outcome=Outcome.SETTLED),
            "repeat-recent": row_for("repeat-recent", 1, outcome=Outcome.SETTLED, repeat_of="open"),
            "repeat-on-the-day": row_for(
                "repeat-on-the-day", 1, outcome=Outcome.FAILED, repeat_of="open", received_on=since
            ),
            "repeat-old": row_for(
                "repeat-old", 1, outcome=Outcome.SETTLED, repeat_of="open", received_on=dt.date(2026, 2, 28)
            ),
            "declined": row_for("declined", 1, outcome=Outcome.DECLINED),
            "other-room": row_for("other-room", 1, room_id="room-b"),
        }
        for case_id, row in rows.items():
            append(store, case_id, [{"x": 1}], room_id=row.room_id, row=row)
        found = store.ledger_for_agenda(["room-a"], since)
        assert [r.case_id for r in found] == ["open", "repeat-on-the-day", "repeat-recent"]
        assert found[0] == rows["open"]
        assert [r.case_id for r in store.ledger_for_agenda(["room-a", "room-b"], since)] == [
            "open",
            "other-room",
            "repeat-on-the-day",
            "repeat-recent",
        ]
        assert store.ledger_for_agenda([], since) == []
        append(store, "open", [{"x": 2}], row=row_for("open", 2, outcome=Outcome.SETTLED))
        assert [r.case_id for r in store.ledger_for_agenda(["room-a"], since)] == ["repeat-on-the-day", "repeat-recent"]

    def test_ledger_rows_are_found_by_shared_party_keys(self, store: Store) -> None:
        append(store, "a", [{"a": 1}], row=row_for("a", 1, party_keys=("k1", "k2")))
        append(store, "b", [{"b": 1}], row=row_for("b", 1, party_keys=("k2", "k3")))
        append(store, "c", [{"c": 1}], row=row_for("c", 1))
        assert [r.case_id for r in store.ledger_sharing_parties(["k2"])] == ["a", "b"]
        assert [r.case_id for r in store.ledger_sharing_parties(["zz", "k3"])] == ["b"]
        assert store.ledger_sharing_parties(["k1", "k3"]) == [store.ledger_row("a"), store.ledger_row("b")]
        assert store.ledger_sharing_parties([]) == []
        append(store, "a", [{"a": 2}], row=row_for("a", 2, party_keys=("k4",)))
        assert store.ledger_sharing_parties(["k1"]) == []
        assert [r.case_id for r in store.ledger_sharing_parties(["k4", "k2"])] == ["a", "b"]
        with store.transaction() as tx:
            tx.append(append_of("d", chain("d", [{"d": 1}]), row=row_for("d", 1, party_keys=("k4",))))
        assert [r.case_id for r in store.ledger_sharing_parties(["k4"])] == ["a"]  # d was rolled back

    def test_rows_found_by_party_keys_keep_their_value_types(self, store: Store) -> None:
        """Repeat detection reads rows by another path than the ledger does (the SQL store's
        cursor); the values must come back as the same types, not only as equal ones."""
        row = row_for("a", 1, party_keys=("k1",), sensitive=True, accepted_on=dt.date(2026, 3, 3))
        append(store, "a", [{"a": 1}], row=row)
        (found,) = store.ledger_sharing_parties(["k1"])
        assert [type(v) for v in attrs.astuple(found, recurse=False)] == [
            type(v) for v in attrs.astuple(row, recurse=False)
        ]
        assert found == row == store.ledger_row("a")

    def test_party_key_lookup_matches_a_scan_of_the_ledger(self, open_store: OpenStore) -> None:
        keys = st.sampled_from(["k1", "k2", "k3", "k4", "k5"])

        @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(
            rows=st.lists(st.lists(keys, max_size=3, unique=True).map(tuple), min_size=1, max_size=6),
            wanted=st.lists(keys, max_size=3),
        )
        def check(rows: list[tuple[str, ...]], wanted: list[str]) -> None:
            store = open_store()
            try:
                for n, party_keys in enumerate(rows):
                    append(store, f"c{n}", [{"n": n}], row=row_for(f"c{n}", 1, party_keys=party_keys))
                expected = [r for r in store.ledger() if set(r.party_keys) & set(wanted)]
                assert store.ledger_sharing_parties(wanted) == expected
            finally:
                store.close()

        check()

    def test_deadlines_are_replaced_per_case_and_listed_by_due_date(self, store: Store) -> None:
        d1 = deadline(DeadlineKind.MEDIATION_TERM, dt.date(2026, 4, 1))
        d2 = deadline(DeadlineKind.FOLLOW_UP, dt.date(2026, 3, 10))
        append(store, "a", [{"a": 1}], deadlines=[d1])
        append(store, "b", [{"b": 1}], deadlines=[d2, attrs.evolve(d1, estimated=True)])
        assert store.deadlines_due(dt.date(2026, 3, 31)) == [("b", d2)]
        assert store.deadlines_due(dt.date(2026, 4, 1)) == [
            ("b", d2),
            ("a", d1),
            ("b", attrs.evolve(d1, estimated=True)),
        ]
        append(store, "a", [{"a": 2}], deadlines=[])
        assert [cid for cid, _ in store.deadlines_due(dt.date(2027, 1, 1))] == ["b", "b"]
        items = [attrs.evolve(deadline(DeadlineKind.ACTION_ITEM, dt.date(2026, 4, 2)), ref=str(n)) for n in (1, 2)]
        append(store, "m", [{"m": 1}], deadlines=list(reversed(items)))
        assert store.deadlines_due(dt.date(2026, 4, 2)) == [
            ("b", d2),
            ("b", attrs.evolve(d1, estimated=True)),
            *[("m", item) for item in items],
        ]

    # -- documents --------------------------------------------------------------------------
    def test_documents_upsert_with_their_stream_and_filter_by_tags(self, store: Store) -> None:
        ref1 = Document(
            kind="referral",
            key="r1",
            body={"状态": "issued", "n": [1, 2]},
            tags={"station_id": "s1", "status": "issued"},
        )
        ref2 = Document(kind="referral", key="r2", body={"x": None}, tags={"station_id": "s2", "status": "issued"})
        with store.transaction() as tx:
            tx.append(
                Append(
                    stream_id="r1",
                    expected_version=0,
                    records=chain("r1", [{"a": 1}]),
                    row=None,
                    deadlines=(),
                    notices=(),
                    created_at=T0,
                    documents=[ref1],
                )
            )
            tx.append(
                Append(
                    stream_id="r2",
                    expected_version=0,
                    records=chain("r2", [{"a": 1}]),
                    row=None,
                    deadlines=(),
                    notices=(),
                    created_at=T0,
                    documents=[ref2],
                )
            )
            assert store.document("referral", "r1") is None
            tx.commit()
        assert store.documents("referral") == [ref1, ref2]
        assert store.documents("referral", {"station_id": "s2"}) == [ref2]
        assert store.documents("referral", {"station_id": "s1", "status": "accepted"}) == []
        assert store.documents("meeting") == []
        assert store.ledger_row("r1") is None
        assert list(store.ledger()) == []
        accepted = attrs.evolve(ref1, tags={"station_id": "s1", "status": "accepted"})
        with store.transaction() as tx:
            tx.append(
                Append(
                    stream_id="r1",
                    expected_version=1,
                    records=chain("r1", [{"b": 2}], after=tx.read("r1")),
                    row=None,
                    deadlines=(),
                    notices=(),
                    created_at=T0,
                    documents=[accepted],
                )
            )
        assert store.document("referral", "r1") == ref1  # not committed
        append_doc = Append(
            stream_id="r1",
            expected_version=1,
            records=chain("r1", [{"b": 2}], after=store.read("r1")),
            row=None,
            deadlines=(),
            notices=(),
            created_at=T0,
            documents=[accepted],
        )
        with store.transaction() as tx:
            tx.append(append_doc)
            tx.commit()
        assert store.document("referral", "r1") == accepted
        assert store.documents("referral", {"status": "accepted"}) == [accepted]

    # -- statistics rollups -------------------------------------------------------------------
    def test_statistics_cells_follow_every_change_of_the_ledger(self, open_store: OpenStore) -> None:
        """Cells equal the sum of the committed rows' contributions after rows are added,
        corrected (several times in one unit, or in a unit that is rolled back), and a report
        summed from the cells, or from the store's summed cells (``rollup_totals``), equals
        the reference report over the rows."""

        @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(data=st.data())
        def check(data: st.DataObject) -> None:
            registry = data.draw(mst.districts(max_townships=2, max_rooms=2))
            rows = data.draw(mst.ledgers(registry, max_size=10))
            room_ids = sorted(o.org_id for o in registry.rooms())
            rounds = data.draw(
                st.lists(
                    st.lists(st.sampled_from(range(len(rows))), min_size=1, max_size=4) if rows else st.just([]),
                    max_size=3,
                )
            )
            store = open_store()
            try:
                for start in range(0, len(rows), 3):  # three new cases per unit
                    with store.transaction() as tx:
                        for row in rows[start : start + 3]:
                            tx.append(ledger_append(row, ()))
                        tx.commit()
                assert_cells_match(store)
                for picked in rounds:  # corrections: new rows for cases already there
                    keep = data.draw(st.booleans(), label="commit")
                    with store.transaction() as tx:
                        for index in picked:
                            case_id = rows[index].case_id
                            new = data.draw(mst.ledger_row_of(case_id, room_ids=room_ids), label="correction")
                            tx.append(ledger_append(new, tx.read(case_id)))
                        if keep:
                            tx.commit()
                    assert_cells_match(store)
                committed = list(store.ledger())
                for period in STATISTICS_PERIODS:
                    for scope_id in ("d", *sorted(registry.organisations)):
                        rooms = [r for r in room_ids if in_scope(registry, scope_id, r)]
                        expected = report(committed, period, scope_id, registry)
                        cells = store.rollups(rooms, rollup_months(period))
                        assert rollup_report(cells, period, scope_id, registry) == expected
                        summed = list(store.rollup_totals(rooms, rollup_months(period)))
                        assert sorted(summed) == sorted(totals(store.rollups(rooms, rollup_months(period))))
                        across = list(store.rollup_totals(rooms, rollup_months(period), per_room=False))
                        cells = store.rollups(rooms, rollup_months(period))
                        assert sorted(across) == sorted(totals(cells, per_room=False))
                        assert report_of_totals(summed, period, scope_id, registry) == expected
            finally:
                store.close()

        check()


class OutboxContract(StoreFixtures):
    """The outbox role (:class:`~mediation_core.app.ports.OutboxStore`): notices added with their
    append or enqueued, each key once, and the delivery bookkeeping as a compare-and-set."""

    # -- outbox -----------------------------------------------------------------------------
    def test_outbox_keeps_notices_in_order_and_updates_them(self, store: Store) -> None:
        append(store, "a", [{"a": 1}], notices=[notice("k1", "a"), notice("k2", "a")])
        append(store, "b", [{"b": 1}], notices=[notice("k3", "b")])
        entries = store.outbox()
        assert [e.notice for e in entries] == [notice("k1", "a"), notice("k2", "a"), notice("k3", "b")]
        assert all(e.status is DeliveryStatus.PENDING and e.attempts == 0 for e in entries)
        later = T0 + dt.timedelta(minutes=5)
        store.update_outbox(attrs.evolve(entries[1], status=DeliveryStatus.DELIVERED, attempts=1))
        store.update_outbox(attrs.evolve(entries[2], attempts=2, next_attempt_at=later, last_error="SMTP 451"))
        assert [e.notice.key for e in store.outbox(DeliveryStatus.PENDING)] == ["k1", "k3"]
        assert store.outbox(DeliveryStatus.DELIVERED)[0].attempts == 1
        k3 = store.outbox(DeliveryStatus.PENDING)[1]
        assert (k3.attempts, k3.next_attempt_at, k3.last_error) == (2, later, "SMTP 451")

    def test_duplicate_notice_key_writes_nothing(self, store: Store) -> None:
        append(store, "a", [{"a": 1}], notices=[notice("k1", "a")])
        with pytest.raises(IntegrityError):
            append(store, "b", [{"b": 1}], notices=[notice("k1", "b")])
        assert store.read("b") == []
        assert [e.notice.case_id for e in store.outbox()] == ["a"]

    def test_outbox_entry_equals_what_was_written(self, store: Store) -> None:
        append(store, "a", [{"a": 1}], notices=[notice("k1", "a")])
        assert store.outbox() == [OutboxEntry(notice=notice("k1", "a"), created_at=T0)]

    def test_enqueue_adds_each_key_once(self, store: Store) -> None:
        append(store, "a", [{"a": 1}], notices=[notice("k1", "a")])
        later = T0 + dt.timedelta(hours=1)
        with store.transaction() as tx:
            assert tx.enqueue([notice("k1", "a"), notice("d1", "a"), notice("d2", "b")], later) == ["d1", "d2"]
            assert tx.enqueue([notice("d2", "b"), notice("d3", "b")], later) == ["d3"]  # staged keys count
            assert [e.notice.key for e in store.outbox()] == ["k1"]  # nothing visible before commit
            tx.commit()
        with store.transaction() as tx:
            assert tx.enqueue([notice("d1", "a"), notice("d3", "b")], later) == []
            tx.commit()
        with store.transaction() as tx:
            assert tx.enqueue([notice("d4", "c")], later) == ["d4"]  # rolled back: not kept
        assert [e.notice.key for e in store.outbox()] == ["k1", "d1", "d2", "d3"]
        assert store.outbox_entry("d2") == OutboxEntry(notice=notice("d2", "b"), created_at=later)
        assert store.outbox_entry("d4") is None
        with pytest.raises(IntegrityError):
            append(store, "b", [{"b": 1}], notices=[notice("d2", "b")])  # an append never reuses a key

    def test_enqueue_and_append_in_one_unit_keep_keys_unique(self, store: Store) -> None:
        with store.transaction() as tx:
            assert tx.enqueue([notice("k1", "a")], T0) == ["k1"]
            with pytest.raises(IntegrityError):
                tx.append(append_of("a", chain("a", [{"a": 1}]), notices=[notice("k1", "a")]))
            tx.commit()
        assert [e.notice.key for e in store.outbox()] == ["k1"]
        assert store.read("a") == []

    def test_delivery_bookkeeping_round_trips(self, store: Store) -> None:
        append(store, "a", [{"a": 1}], notices=[notice("k1", "a"), notice("k2", "a")])
        at = dt.datetime(2026, 3, 2, 9, 30, 15, 123_456, tzinfo=dt.UTC)
        delivered = attrs.evolve(
            store.outbox()[0],
            status=DeliveryStatus.DELIVERED,
            attempts=3,
            next_attempt_at=None,
            last_error="dingtalk: HTTP 503",
            delivered_by=("mail", "centre-robot"),
            delivered_at=at,
        )
        store.update_outbox(delivered)
        dead = attrs.evolve(store.outbox()[1], status=DeliveryStatus.DEAD, attempts=8, last_error="超时 / timeout")
        store.update_outbox(dead)
        assert store.outbox_entry("k1") == delivered
        assert store.outbox(DeliveryStatus.DEAD) == [dead]
        assert store.outbox(DeliveryStatus.PENDING) == []

    def test_update_outbox_never_changes_the_notice(self, store: Store) -> None:
        append(store, "a", [{"a": 1}], notices=[notice("k1", "a")])
        entry = store.outbox()[0]
        forged = attrs.evolve(entry, notice=attrs.evolve(entry.notice, body="改过的正文"), attempts=1)
        store.update_outbox(forged)
        assert store.outbox_entry("k1") == attrs.evolve(entry, attempts=1)

    def test_update_outbox_with_expected_attempts_is_compare_and_set(self, store: Store) -> None:
        append(store, "a", [{"a": 1}], notices=[notice("k1", "a")])
        entry = store.outbox()[0]
        claim = attrs.evolve(entry, attempts=1, next_attempt_at=T0 + dt.timedelta(minutes=5))
        store.update_outbox(claim, expected_attempts=0)
        with pytest.raises(ConcurrencyConflictError):
            store.update_outbox(attrs.evolve(entry, attempts=1, last_error="second worker"), expected_attempts=0)
        assert store.outbox_entry("k1") == claim
        with pytest.raises(StoreError):
            store.update_outbox(OutboxEntry(notice=notice("nope"), created_at=T0))


class RegistryContract(StoreFixtures):
    """The registry role (:class:`~mediation_core.app.ports.RegistryStore`): needs nothing else."""

    # -- registry ---------------------------------------------------------------------------
    def test_registry_round_trips_and_merges(self, store: Store) -> None:
        assert store.registry() == Registry()
        first = Registry.of(
            [
                Organisation(org_id="d", kind=OrgKind.DISTRICT, name="区"),
                Organisation(
                    org_id="r", kind=OrgKind.MEDIATION_ROOM, name="调解室", parent_id="d", code="R", station_id="s"
                ),
            ],
            [Mediator(mediator_id="m", name="张", room_id="r", employment=Employment.FULL_TIME, phone="1")],
        )
        store.save_registry(first)
        assert store.registry() == first
        renamed = Registry.of([Organisation(org_id="d", kind=OrgKind.DISTRICT, name="新区")])
        store.save_registry(renamed)
        assert store.registry() == first.merged(renamed)


class RelayContract(StoreFixtures):
    """The relay role (:class:`~mediation_core.app.ports.RelayStore`), which a store may play
    beside the four: per subscriber and stream, the last version published, found by comparing
    it with the stream's version, and saved as a compare-and-set."""

    @staticmethod
    def relay(store: Store) -> RelayStore:
        assert isinstance(store, RelayStore), f"{type(store).__name__} does not keep relay positions"
        return store

    def test_streams_never_published_are_behind_from_version_0(self, store: Store) -> None:
        append(store, "b", [{"n": 1}])
        append(store, "a", [{"n": 1}, {"n": 2}])
        relay = self.relay(store)
        assert relay.relay_backlog("bus", T0) == [
            RelayPosition(subscriber="bus", stream_id="a", head=2),
            RelayPosition(subscriber="bus", stream_id="b", head=1),
        ]
        assert [p.stream_id for p in relay.relay_backlog("bus", T0, limit=1)] == ["a"]
        assert relay.relay_positions() == []

    def test_a_stream_caught_up_leaves_the_backlog_until_it_grows(self, store: Store) -> None:
        append(store, "a", [{"n": 1}, {"n": 2}])
        relay = self.relay(store)
        fresh = relay.relay_backlog("bus", T0)[0]
        relay.save_relay_position(attrs.evolve(fresh, version=2), expected=fresh)
        assert relay.relay_backlog("bus", T0) == []
        assert relay.relay_backlog("other", T0) == [RelayPosition(subscriber="other", stream_id="a", head=2)]
        append(store, "a", [{"n": 3}])
        assert relay.relay_backlog("bus", T0) == [RelayPosition(subscriber="bus", stream_id="a", version=2, head=3)]
        assert relay.relay_positions("bus") == [RelayPosition(subscriber="bus", stream_id="a", version=2, head=3)]

    def test_saving_is_a_compare_and_set_on_version_and_attempts(self, store: Store) -> None:
        append(store, "a", [{"n": 1}, {"n": 2}])
        relay = self.relay(store)
        fresh = relay.relay_backlog("bus", T0)[0]
        claimed = attrs.evolve(fresh, attempts=1)
        relay.save_relay_position(claimed, expected=fresh)
        with pytest.raises(ConcurrencyConflictError):  # a second relay with the same stale read
            relay.save_relay_position(attrs.evolve(fresh, attempts=1), expected=fresh)
        with pytest.raises(ConcurrencyConflictError):
            relay.save_relay_position(attrs.evolve(fresh, version=2), expected=attrs.evolve(fresh, version=1))
        assert relay.relay_positions("bus") == [attrs.evolve(claimed, head=2)]
        relay.save_relay_position(attrs.evolve(claimed, version=2, attempts=0), expected=claimed)
        assert relay.relay_positions("bus")[0].version == 2

    def test_retry_bookkeeping_round_trips_and_holds_a_stream_back_until_due(self, store: Store) -> None:
        append(store, "a", [{"n": 1}])
        append(store, "b", [{"n": 1}])
        relay = self.relay(store)
        a, b = relay.relay_backlog("bus", T0)
        later = T0 + dt.timedelta(minutes=5, microseconds=7)
        waiting = attrs.evolve(a, attempts=2, next_attempt_at=later, last_error="StreamLostError: 连接断开")
        relay.save_relay_position(waiting, expected=a)
        dead = attrs.evolve(b, attempts=8, status=RelayStatus.DEAD, last_error="nack")
        relay.save_relay_position(dead, expected=b)
        assert relay.relay_backlog("bus", T0) == []
        assert relay.relay_backlog("bus", later) == [attrs.evolve(waiting, head=1)]
        assert relay.relay_backlog("bus") == [attrs.evolve(waiting, head=1)]  # no time: every pending one
        assert relay.relay_positions("bus", RelayStatus.DEAD) == [attrs.evolve(dead, head=1)]
        assert relay.relay_positions(status=RelayStatus.PENDING) == [attrs.evolve(waiting, head=1)]
        stored = relay.relay_positions("bus", RelayStatus.PENDING)[0]
        assert stored.next_attempt_at == later
        assert stored.next_attempt_at.tzinfo is not None


def numbered(count: int, start: int = 1) -> list[dict[str, Any]]:
    """``count`` bodies ``{"n": start}``, ``{"n": start + 1}`` …"""
    return [{"n": n} for n in range(start, start + count)]


def snapshot_of(records: Sequence[RecordedEvent], schema: str = "test/1", **state: Any) -> Snapshot:
    """A snapshot taken at the last of ``records``."""
    return Snapshot(version=records[-1].version, hash=records[-1].hash, schema=schema, state=state or {"n": 1})


def read_with_snapshot(
    store: Store, stream_id: str, schema: str = "test/1"
) -> tuple[Snapshot | None, list[RecordedEvent]]:
    with store.transaction() as tx:
        return tx.read_with_snapshot(stream_id, schema)


SNAPSHOT_IDENTITY_KEY = b"the snapshot contract's identity key, 32+ bytes"
RETENTION_PASSED = dt.datetime(2036, 7, 1, 10, tzinfo=CHINA_TZ)
"""Ten years after the scenarios' cases were archived: their retention period is over."""


def service_on(store: Store) -> MediationService:
    """A service over ``store`` with the demo district registered, its clock a script clock."""
    service = MediationService(store, clock=sc.ScriptClock(), identity_key=SNAPSHOT_IDENTITY_KEY)
    service.register(demo_registry(), sc.ADMIN)
    return service


def assert_snapshot_is_the_fold(store: Store, case_id: str) -> Any:
    """The case's stored snapshot is the fold of its stored records, taken at its last record;
    return that state."""
    records = store.read(case_id)
    folded = CASES.replay(case_id, [event_of(r) for r in records])
    snapshot, after = read_with_snapshot(store, case_id, snapshots.schema_of(CASES))
    assert snapshot is not None
    assert (snapshot.version, snapshot.hash) == (records[-1].version, records[-1].hash)
    assert after == records[-1:]
    assert snapshots.decode(CASES, snapshot) == folded
    return folded


class _Rewriting:
    """A store whose units of work write ``rewrite(snapshot)`` in place of every snapshot the
    service hands them: how a damaged or stale snapshot is put in front of the service."""

    def __init__(self, store: Store, rewrite: Callable[[Snapshot], Snapshot]) -> None:
        self._store = store
        self._rewrite = rewrite

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def transaction(self) -> Any:
        return _RewritingUnit(self._store.transaction(), self._rewrite)


class _RewritingUnit:
    def __init__(self, unit: Any, rewrite: Callable[[Snapshot], Snapshot]) -> None:
        self._unit = unit
        self._rewrite = rewrite

    def __getattr__(self, name: str) -> Any:
        return getattr(self._unit, name)

    def __enter__(self) -> Any:
        self._unit.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._unit.__exit__(*exc)

    def append(self, batch: Append) -> None:
        if batch.snapshot is not None:
            batch = attrs.evolve(batch, snapshot=self._rewrite(batch.snapshot))
        self._unit.append(batch)


SNAPSHOT_ACTIONS = st.lists(st.sampled_from(("next", "next", "next", "investigate", "skip", "forget")), max_size=24)
"""What a random run does: the case's next scripted command, an investigation, a skipped
step (so that later commands may be refused), or a service that has not met the case yet."""


class SnapshotContract(StoreFixtures):
    """Snapshots (:class:`~mediation_core.app.ports.Snapshot`): kept with their stream, read back
    with the records after them in one read, dropped by a re-sealing; and, through the
    service, always the fold of the stream they are stored with."""

    # -- the store keeps them ---------------------------------------------------------------
    def test_a_stream_without_a_snapshot_reads_whole(self, store: Store) -> None:
        assert read_with_snapshot(store, "nope") == (None, [])
        records = append(store, "case-1", numbered(3))
        assert read_with_snapshot(store, "case-1") == (None, json_faithful(records))

    def test_the_snapshot_is_read_with_the_records_from_its_version_on(self, store: Store) -> None:
        first = chain("case-1", numbered(3))
        kept = snapshot_of(first, n=3, nested={"list": [1, "二", None], "flag": True})
        with store.transaction() as tx:
            tx.append(attrs.evolve(append_of("case-1", first), snapshot=kept))
            tx.commit()
        later = append(store, "case-1", numbered(2, start=4))
        snapshot, records = read_with_snapshot(store, "case-1")
        assert snapshot == kept
        assert records == json_faithful([first[-1], *later])

    def test_a_later_snapshot_replaces_the_earlier_one(self, store: Store) -> None:
        first = chain("case-1", numbered(2))
        second = chain("case-1", numbered(2, start=3), after=first)
        with store.transaction() as tx:
            tx.append(attrs.evolve(append_of("case-1", first), snapshot=snapshot_of(first, n=2)))
            tx.commit()
        with store.transaction() as tx:
            tx.append(attrs.evolve(append_of("case-1", second), snapshot=snapshot_of(second, n=4)))
            tx.commit()
        snapshot, records = read_with_snapshot(store, "case-1")
        assert snapshot == snapshot_of(second, n=4)
        assert records == json_faithful(second[-1:])

    def test_a_snapshot_of_another_schema_is_not_read(self, store: Store) -> None:
        records = chain("case-1", numbered(3))
        with store.transaction() as tx:
            tx.append(attrs.evolve(append_of("case-1", records), snapshot=snapshot_of(records, schema="test/0")))
            tx.commit()
        assert read_with_snapshot(store, "case-1", "test/1") == (None, json_faithful(records))

    def test_a_snapshot_not_of_the_stream_as_the_append_leaves_it_is_refused(self, store: Store) -> None:
        records = chain("case-1", numbered(3))
        wrong = [
            attrs.evolve(snapshot_of(records), version=2),
            attrs.evolve(snapshot_of(records), hash=records[1].hash),
        ]
        for snapshot in wrong:
            with store.transaction() as tx, pytest.raises(IntegrityError, match="snapshot"):
                tx.append(attrs.evolve(append_of("case-1", records), snapshot=snapshot))
                tx.commit()
        assert store.read("case-1") == []

    def test_a_rolled_back_snapshot_is_not_kept(self, store: Store) -> None:
        first = append(store, "case-1", numbered(2))
        more = chain("case-1", numbered(1, start=3), after=first)
        with store.transaction() as tx:
            tx.append(attrs.evolve(append_of("case-1", more), snapshot=snapshot_of(more)))
        assert read_with_snapshot(store, "case-1") == (None, json_faithful(first))

    def test_inside_a_unit_that_wrote_the_stream_it_reads_whole(self, store: Store) -> None:
        first = chain("case-1", numbered(2))
        with store.transaction() as tx:
            tx.append(attrs.evolve(append_of("case-1", first), snapshot=snapshot_of(first)))
            tx.commit()
        more = chain("case-1", numbered(1, start=3), after=first)
        with store.transaction() as tx:
            tx.append(append_of("case-1", more))
            assert tx.read_with_snapshot("case-1", "test/1") == (None, tx.read("case-1"))

    def test_a_reseal_drops_the_snapshot_or_stores_the_new_one(self, store: Store) -> None:
        for stream_id, keep in (("case-1", False), ("case-2", True)):
            first = chain(stream_id, numbered(2))
            with store.transaction() as tx:
                tx.append(attrs.evolve(append_of(stream_id, first, row=None), snapshot=snapshot_of(first, name="王某")))
                tx.commit()
            records, batch = _reseal_of(store, stream_id, [{"n": 1}, {"n": 2}], log_id=f"log-{stream_id}")
            if keep:
                batch = attrs.evolve(batch, snapshot=snapshot_of(records, name="当事人甲"))
            with store.transaction() as tx:
                tx.reseal(batch)
                tx.commit()
            snapshot, read = read_with_snapshot(store, stream_id)
            assert snapshot == (snapshot_of(records, name="当事人甲") if keep else None)
            assert read == json_faithful(records[-1:] if keep else records)

    # -- the service folds from them --------------------------------------------------------
    def test_the_snapshot_is_the_fold_after_any_commands(self, open_store: OpenStore) -> None:
        store = open_store()
        first = service_on(store)
        clock = first.clock
        assert isinstance(clock, sc.ScriptClock)
        serials = iter(range(10_000))

        @given(actions=SNAPSHOT_ACTIONS)
        @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        def check(actions: list[str]) -> None:
            serial = next(serials)
            case_id = f"case-{serial:05d}"
            script = sc.lifecycle(case_id, serial=serial)
            service, step = first, 0
            for action in actions:
                if action == "forget":
                    service = MediationService(store, clock=clock, identity_key=SNAPSHOT_IDENTITY_KEY)
                    continue
                if action == "skip":
                    step += 1
                    continue
                if action == "next" and step < len(script):
                    clock.now, command = script[step]
                    step += 1
                else:
                    command = c.RecordInvestigation(
                        case_id=case_id,
                        on=local_date(clock.now),
                        investigator_id="m-zhang",
                        subject="回访了解",
                        content="双方情绪平稳",
                    )
                try:
                    state = service.handle(command, sc.MEDIATOR)
                except (RuleViolationError, NotFoundError):
                    continue
                assert state == assert_snapshot_is_the_fold(store, case_id)

        try:
            check()
        finally:
            store.close()

    def test_after_anonymising_the_snapshot_is_the_fold_and_holds_no_party(self, store: Store) -> None:
        service = service_on(store)
        clock = service.clock
        assert isinstance(clock, sc.ScriptClock)
        sc.run(service.handle, clock, sc.lifecycle("case-1", serial=1))
        clock.now = dt.datetime(2026, 7, 2, 10, tzinfo=CHINA_TZ)
        service.handle(SubmitReturn(org_id=sc.ROOM, period=Period.month(2026, 5), on=dt.date(2026, 7, 2)), sc.MEDIATOR)
        clock.now = RETENTION_PASSED
        service.handle(c.AnonymiseParties(case_id="case-1", on=RETENTION_PASSED.date()), sc.ADMIN)
        state = assert_snapshot_is_the_fold(store, "case-1")
        assert state.anonymised_on == RETENTION_PASSED.date()
        snapshot, _ = read_with_snapshot(store, "case-1", snapshots.schema_of(CASES))
        assert snapshot is not None
        assert "王建国" not in json.dumps(snapshot.state, ensure_ascii=False)

    def test_a_snapshot_that_does_not_fit_is_passed_over_for_the_records(self, open_store: OpenStore) -> None:
        """Damaged (its state is no state), of another version, or of an older schema (a
        state class or an upcaster changed since): the records decide, and the next append
        stores a snapshot that fits."""

        def damaged(s: Snapshot) -> Snapshot:
            return attrs.evolve(s, state={"case_id": 7})

        def older(s: Snapshot) -> Snapshot:
            return attrs.evolve(s, state={**s.state, "version": s.version - 1, "status": "received"})

        def old_schema(s: Snapshot) -> Snapshot:
            return attrs.evolve(s, schema="case/0000000000000000", state={**s.state, "status": "received"})

        for n, rewrite in enumerate((damaged, older, old_schema)):
            store = open_store()
            try:
                case_id = f"case-{n}"
                script = sc.lifecycle(case_id, serial=n)
                writer = service_on(_Rewriting(store, rewrite))
                clock = writer.clock
                assert isinstance(clock, sc.ScriptClock)
                sc.run(writer.handle, clock, script[:6])
                fresh = MediationService(store, clock=clock, identity_key=SNAPSHOT_IDENTITY_KEY)
                state = sc.run(fresh.handle, clock, script[6:7])
                assert state == assert_snapshot_is_the_fold(store, case_id)
                assert state.version == len(store.read(case_id))
            finally:
                store.close()


class StorageContract(EventStoreContract, ProjectionContract, OutboxContract, RegistryContract, SnapshotContract):
    """Behaviour every storage adapter must show: every part. Override :meth:`open_store`."""


def _append_keyed(store: Store, stream_id: str, bodies_: Sequence[dict[str, Any]], key: SealKey) -> list[RecordedEvent]:
    with store.transaction() as tx:
        records = chain(stream_id, bodies_, after=tx.read(stream_id), key=key)
        tx.append(append_of(stream_id, records, row=None))
        tx.commit()
    return records


def _reseal_of(
    store: Store, stream_id: str, bodies_: Sequence[dict[str, Any]], *, log_id: str = "log"
) -> tuple[list[RecordedEvent], Reseal]:
    """A re-sealing of the committed stream with new bodies for its records (same times and
    actor) and one record appended, with a ledger row without party keys and a log entry."""
    stored = store.read(stream_id)
    rewritten = []
    prev = GENESIS_HASH
    for old, body in zip(stored, bodies_, strict=True):
        r = record(
            stream_id=stream_id,
            version=old.version,
            event_type=old.event_type,
            schema_version=old.schema_version,
            body=body,
            recorded_at=old.recorded_at,
            actor=old.actor,
            prev_hash=prev,
        )
        rewritten.append(r)
        prev = r.hash
    records = [*rewritten, *chain(stream_id, [{"anonymised": True}], after=rewritten)]
    log = chain(log_id, [{"case": stream_id}])
    entry = Document(kind="log-entry", key="1", body={"case": stream_id}, tags={"case_id": stream_id})
    batch = Reseal(
        stream_id=stream_id,
        expected_version=len(stored),
        replaced_head=stored[-1].hash,
        records=records,
        row=row_for(stream_id, len(records)),
        deadlines=(),
        created_at=T0,
        log=Append(
            stream_id=log_id,
            expected_version=0,
            records=log,
            row=None,
            deadlines=(),
            notices=(),
            created_at=T0,
            documents=(entry,),
        ),
    )
    return records, batch


STATISTICS_PERIODS = (
    Period.month(2026, 3),
    Period.quarter(2026, 1),
    Period.year(2026),
    Period.months_from(2025, 10, 9),
)
"""Whole-month periods over the dates :func:`mediation_core.testing.strategies.ledgers` draws."""


def ledger_append(row: LedgerRow, after: Sequence[RecordedEvent]) -> Append:
    """One event on ``row``'s case after the records ``after``, projecting ``row``."""
    return append_of(
        row.case_id,
        chain(row.case_id, [{"v": len(after) + 1}], after=after),
        row=attrs.evolve(row, version=len(after) + 1),
    )


def assert_cells_match(store: Store) -> None:
    """The store's statistics cells are the sum of its committed ledger rows' contributions."""
    stored = {Cell(*c) for c in store.rollups() if c.cases != 0}
    expected = {Cell(*key, t.cases, t.persons, t.amount) for key, t in cells_of(store.ledger()).items()}
    assert stored == expected


class StorageMachine(RuleBasedStateMachine):
    """The store under test must behave like a dict of committed streams and counters."""

    case_ids = Bundle("case_ids")

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.streams: dict[str, list[RecordedEvent]] = {}
        self.numbers: dict[tuple[str, int], int] = {}
        self.outbox: list[str] = []
        self.serial = 0

    def teardown(self) -> None:
        self.store.close()

    @rule(target=case_ids, body=bodies)
    def new_case(self, body: dict[str, Any]) -> str:
        self.serial += 1
        case_id = f"case-{self.serial}"
        self.streams[case_id] = json_faithful(append(self.store, case_id, [body], notices=[notice(f"{case_id}:1")]))
        self.outbox.append(f"{case_id}:1")
        return case_id

    @rule(case_id=case_ids, batch=st.lists(bodies, min_size=1, max_size=3))
    def append_more(self, case_id: str, batch: list[dict[str, Any]]) -> None:
        self.streams[case_id] += json_faithful(append(self.store, case_id, batch))

    @precondition(lambda self: bool(self.streams))
    @rule(data=st.data())
    def stale_append_changes_nothing(self, data: st.DataObject) -> None:
        case_id = data.draw(st.sampled_from(sorted(self.streams)))
        current = self.streams[case_id]
        stale_version = data.draw(st.integers(0, len(current) - 1))
        records = chain(case_id, [{"stale": True}], after=current[:stale_version])
        with self.store.transaction() as tx, pytest.raises(ConcurrencyConflictError):
            tx.append(
                append_of(
                    case_id,
                    records,
                    notices=[notice(f"stale-{self.serial}")],
                )
            )
            tx.commit()

    @rule(
        room=st.sampled_from(["room-a", "room-b"]),
        year=st.sampled_from([2026, 2027]),
        count=st.integers(1, 3),
        commit=st.booleans(),
    )
    def allocate_numbers(self, room: str, year: int, count: int, commit: bool) -> None:
        start = self.numbers.get((room, year), 0)
        with self.store.transaction() as tx:
            got = [tx.allocate_number(room, year) for _ in range(count)]
            if commit:
                tx.commit()
        assert got == list(range(start + 1, start + count + 1))
        if commit:
            self.numbers[(room, year)] = start + count

    @invariant()
    def streams_match(self) -> None:
        assert list(self.store.stream_ids()) == sorted(self.streams)
        for case_id, stream in self.streams.items():
            assert self.store.read(case_id) == stream
            row = self.store.ledger_row(case_id)
            assert row is not None
            assert row.version == len(stream)

    @invariant()
    def outbox_matches(self) -> None:
        assert [e.notice.key for e in self.store.outbox()] == self.outbox

    @invariant()
    def chains_verify(self) -> None:
        assert self.store.verify() == []

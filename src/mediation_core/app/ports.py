"""The storage port: what the core needs from any store, as Protocols, one per role.

A store plays four roles: :class:`EventStore` (streams written through a :class:`UnitOfWork`,
read back, verified), :class:`ProjectionStore` (what appends project: ledger rows and their
statistics cells, open deadlines, documents), :class:`OutboxStore` (notices and their delivery
bookkeeping) and :class:`RegistryStore` (the organisation registry). :class:`Store` is all four
and ``close``: what the service takes and what a backend (``mediation_store_backends``) opens.
The access and retention logs are streams with a document per entry, so they need nothing
beyond the events and projections roles. The contract suite in
:mod:`mediation_core.testing.storage` pins down the behaviour, one part per role; the rules an
append must satisfy are :mod:`mediation_core.app.appending`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any, Protocol, Self, runtime_checkable

from attrs import field, frozen

from mediation_core.domain.reporting.ledger import LedgerRow
from mediation_core.domain.reporting.rollups import Cell
from mediation_core.domain.values.deadlines import Deadline
from mediation_core.domain.values.notices import Notice
from mediation_core.domain.values.organisations import Registry
from mediation_core.records import ChainBreak, RecordedEvent, SealKeys

__all__ = [
    "Append",
    "DeliveryStatus",
    "Document",
    "EventStore",
    "OutboxEntry",
    "OutboxStore",
    "ProjectionStore",
    "RegistryStore",
    "RelayPosition",
    "RelayStatus",
    "RelayStore",
    "Reseal",
    "Snapshot",
    "Store",
    "UnitOfWork",
]


class DeliveryStatus(enum.Enum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"  # a dead letter: gave up after the configured attempts, or on a permanent failure


@frozen(kw_only=True)
class OutboxEntry:
    """A notice in the outbox with its delivery bookkeeping.

    ``attempts`` grows with every claim (a worker claims an entry by raising it, see
    :meth:`Store.update_outbox`; a requeued dead letter starts again from 0);
    ``next_attempt_at`` is when a retry is due (``None``: at once); ``delivered_by`` names the
    configured notifiers that have delivered it, so a retry after a partial failure goes only
    to the others; ``last_error`` says why the last attempt failed, notifier by notifier."""

    notice: Notice
    created_at: dt.datetime
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    next_attempt_at: dt.datetime | None = None
    last_error: str = ""
    delivered_by: tuple[str, ...] = ()
    delivered_at: dt.datetime | None = None


@frozen(kw_only=True)
class Document:
    """A projection other than the case ledger (a referral, a meeting, a locked return …).

    ``body`` is JSON-ready; ``tags`` are the string fields a store can filter on."""

    kind: str
    key: str
    body: Mapping[str, Any]
    tags: Mapping[str, str] = field(factory=dict)


@frozen(kw_only=True)
class Snapshot:
    """A stream's folded state as of its record ``version``, whose seal is ``hash``, encoded
    as JSON-ready ``state`` in the aggregate's snapshot ``schema`` (docs/adr/0017-snapshots.md).

    The service writes it with an append and reads it back with the records after it, so a
    stream that is not in its memory is not folded from its first record. A store keeps the
    last one written per stream, as written, and never reads into it; the service trusts it
    only when its schema is the current one and the record at ``version`` still carries
    ``hash`` (otherwise it folds the records instead), so a stale or damaged snapshot costs
    time, never a wrong state."""

    version: int
    hash: str
    schema: str
    state: Mapping[str, Any]


@frozen(kw_only=True)
class Append:
    """Everything one command writes to one stream, atomically: the new events and what
    they project. ``row`` is the case's ledger row (``None`` for streams that are not
    cases); ``deadlines`` replace the stream's open deadlines; ``documents`` are upserted;
    ``snapshot`` (if any) is the stream's state after the append, replacing the one stored."""

    stream_id: str
    expected_version: int
    records: Sequence[RecordedEvent]
    row: LedgerRow | None
    deadlines: Sequence[Deadline]
    notices: Sequence[Notice]
    created_at: dt.datetime
    documents: Sequence[Document] = ()
    snapshot: Snapshot | None = None

    @classmethod
    def new_documents(cls, stream_id: str, documents: Sequence[Document], created_at: dt.datetime) -> Append:
        """A new stream holding only ``documents`` (no records, no row): how the service keeps
        its own facts (the identity key's fingerprint, an idempotency key) in the store, with
        a second writer of the same stream refused as a conflict."""
        return cls(
            stream_id=stream_id,
            expected_version=0,
            records=(),
            row=None,
            deadlines=(),
            notices=(),
            created_at=created_at,
            documents=tuple(documents),
        )


@frozen(kw_only=True)
class Reseal:
    """A stream's records rewritten and sealed again, then continued, atomically: how an
    archived case file's parties are anonymised (docs/adr/0008-anonymising-a-sealed-case-file.md).

    ``records`` is the whole new stream, versions 1 … ``expected_version`` + k (k ≥ 1): the
    first ``expected_version`` replace the stored records of the same versions, which they may
    differ from only in ``body``, ``schema_version``, ``prev_hash``, ``hash`` and ``key_id``
    (event type, time and actor stay), and the rest are appended; k may be 0 only when no
    body changes and ``log`` records the re-sealing (the stream sealed again with a new key,
    :mod:`mediation_core.app.rekeying`). The stream must still be at
    ``expected_version`` with ``replaced_head`` as its last hash. ``row``, ``deadlines`` and
    ``documents`` are written as :class:`Append` writes them; ``log`` is appended to another
    stream in the same transaction (the record that the chain was re-sealed, see
    :mod:`mediation_core.app.retention`).

    A stream linked to an anonymised case (its referral, 治安 case, dispatch, traffic record,
    a meeting whose agenda named it) names that case in ``for_case``: it is rewritten with the
    case in the same transaction and may append nothing (k ≥ 0), its re-sealing being recorded
    in the case's file and in ``log``, which it must carry. ``notices`` replace the outbox
    notices of the same keys (their subject, body and payload anonymised; delivery bookkeeping
    and every other notice stay as they are).

    The stream's stored snapshot is dropped in the same transaction (it holds what the
    re-sealing may have erased) and ``snapshot``, if given, stored in its place: the state of
    the rewritten stream at its new version."""

    stream_id: str
    expected_version: int
    replaced_head: str
    records: Sequence[RecordedEvent]
    row: LedgerRow | None
    deadlines: Sequence[Deadline]
    created_at: dt.datetime
    documents: Sequence[Document] = ()
    log: Append | None = None
    for_case: str = ""
    notices: Sequence[Notice] = ()
    snapshot: Snapshot | None = None


class UnitOfWork(Protocol):
    """A transaction. Nothing is visible to others until :meth:`commit`; leaving the
    ``with`` block without committing rolls everything back, case numbers included.

    An append refused because the stream moved on (``ConcurrencyConflictError``), a notice key
    is taken, or the records or row do not fit the stream (``IntegrityError``) writes nothing
    and the unit goes on; :meth:`savepoint` scopes any other failure of a step the same way.
    A store may write a unit's rows only at :meth:`commit`, which then raises what the
    database refused (a writer that got in first: ``ConcurrencyConflictError``) and writes
    nothing."""

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def read(self, stream_id: str, after: int = 0) -> list[RecordedEvent]:
        """The stream's records after version ``after`` (all of them by default) in version
        order, including this unit's own appends (empty when there are none)."""
        ...

    def assume(self, stream_id: str, version: int, head: str) -> None:
        """Take the stream to be at ``version`` with last hash ``head`` (a head the caller
        remembers from its own last commit) without reading it. Appends are checked against
        that; a stream another writer has moved or re-sealed since makes the append or the
        commit raise ``ConcurrencyConflictError`` and write nothing. A store whose reads cost
        nothing may check at once instead."""
        ...

    def read_with_snapshot(self, stream_id: str, schema: str) -> tuple[Snapshot | None, list[RecordedEvent]]:
        """The stream's stored snapshot if it is in ``schema``, with the stream's records from
        the snapshot's version on (the record it was taken at first, so its seal can be
        checked), in one read; without one (none stored, another schema, or this unit has
        written to the stream): ``None`` and every record, as :meth:`read` gives them."""
        ...

    def allocate_number(self, series: str, year: int) -> int:
        """The next number of ``series`` (a room's cases, a station's letters) in ``year``:
        1, 2, 3 … with no gap once committed; a rolled-back number is handed out again."""
        ...

    def append(self, batch: Append) -> None:
        """Append the records after ``expected_version``, replace the stream's ledger row
        (if any) and open deadlines, upsert its documents, add its notices and keep its snapshot
        (if any) as the stream's. Raises ``ConcurrencyConflictError`` (and writes nothing) when
        the stream is no longer at ``expected_version``, ``IntegrityError`` for records or a
        row that do not continue the stream, a snapshot not of the stream as the append leaves
        it, or a notice key already used: what :func:`~mediation_core.app.appending.check_append`
        raises, which every store calls."""
        ...

    def reseal(self, batch: Reseal) -> None:
        """Replace the stream's records with ``batch.records`` (see :class:`Reseal`), write its
        projection and append ``batch.log``. Raises ``ConcurrencyConflictError`` (and writes
        nothing) when the stream is no longer at ``expected_version`` and ``replaced_head``,
        ``IntegrityError`` when the records do not form a whole chain of the stream, change
        more of a stored record than its body and seal, or add nothing after it (a stream linked to
        a case, ``for_case``, excepted). Every other
        record of the store stays as it was: :meth:`Store.verify` finds the re-sealed chain
        whole and still finds any other change."""
        ...

    def enqueue(self, notices: Sequence[Notice], created_at: dt.datetime) -> list[str]:
        """Add to the outbox the notices whose keys it does not hold yet (committed or
        staged in this unit); return the keys added, in order. Idempotent: the deadline
        sweep raises the same notices on every run and only the first run adds them."""
        ...

    def savepoint(self) -> AbstractContextManager[None]:
        """A step of a larger unit (one command of a bulk import): if the ``with`` block
        raises, everything done in it, numbers included, is undone, the unit goes on, and
        the exception propagates."""
        ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


@runtime_checkable
class EventStore(Protocol):
    """The events role: streams appended (and re-sealed) through a :class:`UnitOfWork`, which
    also hands out case numbers and writes the projections and notices of each append in the
    same transaction; the committed streams read back and verified."""

    def transaction(self) -> UnitOfWork:
        """A new unit of work (use it as a context manager)."""
        ...

    def read(self, stream_id: str) -> list[RecordedEvent]:
        """The committed stream."""
        ...

    def stream_ids(self) -> Iterator[str]:
        """Every stream id, sorted."""
        ...

    def verify(self, keys: SealKeys | None = None) -> list[ChainBreak]:
        """The first broken link of every stream whose chain is broken, by stream id: every
        seal checked under ``keys`` (:func:`~mediation_core.records.verify_stream`; ``None``:
        no keys, so a keyed seal is a break of an unknown key id). A store stores a record's
        ``key_id`` with it and never needs the keys themselves."""
        ...


@runtime_checkable
class ProjectionStore(Protocol):
    """The projections role: what committed appends project (:attr:`Append.row`,
    :attr:`Append.deadlines`, :attr:`Append.documents`), read back. Written only by
    :meth:`UnitOfWork.append` and :meth:`UnitOfWork.reseal`."""

    def ledger(self, room_ids: Iterable[str] | None = None) -> Iterator[LedgerRow]:
        """Committed ledger rows, optionally only of the given rooms, ordered by case id."""
        ...

    def ledger_row(self, case_id: str) -> LedgerRow | None: ...

    def ledger_rows(self, case_ids: Collection[str]) -> list[LedgerRow]:
        """The rows of those of ``case_ids`` that have one, by case id. Read by key (an
        index), whatever the size of the ledger: what a meeting's decisions name."""
        ...

    def ledger_for_agenda(self, room_ids: Iterable[str], repeats_since: dt.date) -> list[LedgerRow]:
        """The rows of ``room_ids`` a standing meeting's agenda may list, by case id: every open
        case (``Outcome.OPEN``) and every repeat dispute (``repeat_of`` set) received on or
        after ``repeats_since``. Read through indexes on the room with the outcome and with the
        received date: its cost follows the open and recent cases, not the whole ledger."""
        ...

    def rollups(self, room_ids: Iterable[str] | None = None, months: Iterable[str] | None = None) -> Iterator[Cell]:
        """The statistics cells of the committed ledger (see :mod:`mediation_core.domain.reporting.rollups`),
        optionally only of the given rooms and months, in no particular order; cells that
        add up to zero cases may be left out. The store keeps them in the transaction that
        writes a ledger row: every cell equals the sum of
        :func:`~mediation_core.domain.reporting.rollups.contributions` over the committed rows."""
        ...

    def rollup_totals(
        self, room_ids: Iterable[str] | None = None, months: Iterable[str] | None = None, *, per_room: bool = True
    ) -> Iterator[Cell]:
        """The statistics cells of the given rooms and months (all when ``None``) summed as a
        report reads them, in no particular order: what
        :func:`mediation_core.domain.reporting.rollups.totals` makes of :meth:`rollups` (with the
        same ``per_room``: ``False`` sums the month lines over the rooms too). A store sums
        them where the cells are (a SQL store in the database), so the report receives a few
        thousand lines however large the ledger."""
        ...

    def ledger_sharing_parties(self, party_keys: Collection[str]) -> list[LedgerRow]:
        """Committed ledger rows whose ``party_keys`` include at least one of ``party_keys``,
        ordered by case id (repeat detection; stores index the keys)."""
        ...

    def deadlines_due(self, until: dt.date) -> list[tuple[str, Deadline]]:
        """(stream id, deadline) of open deadlines due on or before ``until``, ordered by
        due date, stream id, kind and ref."""
        ...

    def document(self, kind: str, key: str) -> Document | None: ...

    def documents(self, kind: str, tags: Mapping[str, str] | None = None) -> list[Document]:
        """Documents of ``kind`` whose tags include all of ``tags``, ordered by key."""
        ...


@runtime_checkable
class OutboxStore(Protocol):
    """The outbox role: notices added with the append that raised them (:attr:`Append.notices`)
    or by :meth:`UnitOfWork.enqueue`, and the delivery workers' bookkeeping."""

    def outbox(self, status: DeliveryStatus | None = None) -> list[OutboxEntry]:
        """Outbox entries in creation order, optionally of one status."""
        ...

    def outbox_entry(self, key: str) -> OutboxEntry | None:
        """The outbox entry of the notice ``key``."""
        ...

    def update_outbox(self, entry: OutboxEntry, *, expected_attempts: int | None = None) -> None:
        """Store new delivery bookkeeping for ``entry.notice.key`` (the notice itself and
        ``created_at`` never change). With ``expected_attempts``, only if the stored entry
        still has that many attempts, else ``ConcurrencyConflictError`` and nothing changes:
        two delivery workers cannot both claim one notice. ``StoreError`` for an unknown key."""
        ...


@runtime_checkable
class RegistryStore(Protocol):
    """The registry role: the organisations, mediators and liaisons, outside any stream."""

    def registry(self) -> Registry:
        """The organisation registry as stored."""
        ...

    def save_registry(self, registry: Registry) -> None:
        """Add or replace the registry's organisations, mediators and liaisons."""
        ...


@runtime_checkable
class Store(EventStore, ProjectionStore, OutboxStore, RegistryStore, Protocol):
    """A storage backend: every role, over one database (an append writes events,
    projections and notices in one transaction)."""

    def close(self) -> None: ...


class RelayStatus(enum.Enum):
    PENDING = "pending"
    DEAD = "dead"  # gave up on the stream after the configured attempts; requeued by hand


@frozen(kw_only=True)
class RelayPosition:
    """How far one subscriber of the event relay has been sent one stream
    (:mod:`mediation_core.app.relay`).

    ``version`` is the last version published and confirmed (0: none); ``head`` the stream's
    version when the position was read (what the relay is to catch up to; a store fills it in,
    and ignores it when saving). ``attempts``, ``next_attempt_at`` and ``last_error`` are the
    retry bookkeeping, as for an :class:`OutboxEntry`: a relay claims a stream by raising
    ``attempts`` with a compare-and-set, and a publication that made progress starts the count
    again."""

    subscriber: str
    stream_id: str
    version: int = 0
    head: int = 0
    status: RelayStatus = RelayStatus.PENDING
    attempts: int = 0
    next_attempt_at: dt.datetime | None = None
    last_error: str = ""


@runtime_checkable
class RelayStore(Protocol):
    """The relay role, which a store may play beside :class:`Store`: per subscriber and stream,
    how far the stream's events have been published. Nothing on the append path writes it:
    the relay compares the streams' versions with its positions."""

    def relay_backlog(
        self, subscriber: str, now: dt.datetime | None = None, limit: int | None = None
    ) -> list[RelayPosition]:
        """The positions of ``subscriber`` on every stream whose version is ahead of it, in
        stream id order, at most ``limit``: the stored position, or a fresh one at version 0
        for a stream never published, with ``head`` the stream's version. Dead streams are left
        out, and with ``now`` so are the ones whose ``next_attempt_at`` is after ``now``."""
        ...

    def relay_positions(self, subscriber: str | None = None, status: RelayStatus | None = None) -> list[RelayPosition]:
        """Stored positions (of one subscriber, of one status), by subscriber and stream id,
        each with ``head`` filled in."""
        ...

    def save_relay_position(self, position: RelayPosition, *, expected: RelayPosition) -> None:
        """Store ``position`` if the stored one still has ``expected``'s version and attempts (no
        stored position counts as version 0 and 0 attempts); else ``ConcurrencyConflictError``
        and nothing changes: two relays cannot both claim, or both advance, one stream."""
        ...


IDENTITY_KEY_DOCUMENT = ("deployment", "identity-key")
"""Where a store keeps the fingerprint of its identity key: a document (kind, key), written by
an append with no records, so no table or stream is added for it."""
IDENTITY_KEY_STREAM = "deployment-identity-key"
"""The stream id the fingerprint's first append is filed under (it never holds an event); a
re-key files its own under ``deployment-identity-key/<time>``."""


def is_identity_key_stream(stream_id: str) -> bool:
    """True for the empty streams the key's fingerprint was written through (no case file)."""
    return stream_id == IDENTITY_KEY_STREAM or stream_id.startswith(IDENTITY_KEY_STREAM + "/")


SERVICE_RECORDS_STREAM = "service-records"
"""The prefix of the empty streams the service's own bookkeeping documents are filed through
(an HTTP request's idempotency key and response): never an event, never a record of a case."""


def service_record_stream(kind: str, key: str) -> str:
    """The stream id a service record of ``kind`` under ``key`` is filed through."""
    return f"{SERVICE_RECORDS_STREAM}/{kind}/{key}"


def is_service_record_stream(stream_id: str) -> bool:
    """True for a stream :func:`service_record_stream` names (it holds no event)."""
    return stream_id.startswith(SERVICE_RECORDS_STREAM + "/")


def recorded_streams(store: EventStore) -> Iterator[str]:
    """The ids of the store's streams, less the empty ones the identity key's fingerprint and
    the service records were filed through: what counts as the store's records."""
    return (s for s in store.stream_ids() if not (is_identity_key_stream(s) or is_service_record_stream(s)))

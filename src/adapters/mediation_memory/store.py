"""A store held in process memory. Fast, thread-safe, gone when the process ends.

Transactions stage their writes and apply them on commit under one lock; a commit re-checks
every expected version and number base, so two interleaved units of work in one thread
behave like two database transactions: the second to commit gets a conflict.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import Self

import attrs

from mediation_core.app.appending import check_append, check_reseal, head_of
from mediation_core.app.ports import (
    Append,
    DeliveryStatus,
    Document,
    OutboxEntry,
    RelayPosition,
    RelayStatus,
    Reseal,
    Snapshot,
)
from mediation_core.domain.errors import ConcurrencyConflictError, IntegrityError, StoreError
from mediation_core.domain.reporting.ledger import LedgerRow, Outcome
from mediation_core.domain.reporting.rollups import Cell, CellKey, add, change, totals
from mediation_core.domain.reporting.statistics import Tally
from mediation_core.domain.values.deadlines import Deadline
from mediation_core.domain.values.notices import Notice
from mediation_core.domain.values.organisations import Registry
from mediation_core.records import GENESIS_HASH, NO_KEYS, ChainBreak, RecordedEvent, SealKeys, verify_stream

Numbers = dict[tuple[str, int], tuple[int, int]]  # (series, year) -> (base, allocated here)


class MemoryStore:
    """Streams and their snapshots, ledger rows and their statistics cells, deadlines, documents,
    outbox, numbers and registry in dicts."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._streams: dict[str, list[RecordedEvent]] = {}
        self._snapshots: dict[str, Snapshot] = {}
        self._rows: dict[str, LedgerRow] = {}
        self._cells: dict[CellKey, Tally] = {}
        self._by_party: dict[str, set[str]] = {}
        self._deadlines: dict[str, tuple[Deadline, ...]] = {}
        self._documents: dict[tuple[str, str], Document] = {}
        self._outbox: dict[str, OutboxEntry] = {}
        self._numbers: dict[tuple[str, int], int] = {}
        self._registry = Registry()
        self._relay: dict[tuple[str, str], RelayPosition] = {}
        self._closed = False

    def transaction(self) -> MemoryUnitOfWork:
        if self._closed:
            msg = "the memory store is closed"
            raise StoreError(msg)
        return MemoryUnitOfWork(self)

    def read(self, stream_id: str) -> list[RecordedEvent]:
        with self._lock:
            return list(self._streams.get(stream_id, ()))

    def read_with_snapshot(self, stream_id: str, schema: str) -> tuple[Snapshot | None, list[RecordedEvent]]:
        """The committed stream's snapshot in ``schema`` and the records from its version on,
        or ``None`` and every record (see :meth:`UnitOfWork.read_with_snapshot`)."""
        with self._lock:
            snapshot = self._snapshots.get(stream_id)
            records = self._streams.get(stream_id, [])
            if snapshot is None or snapshot.schema != schema:
                return None, list(records)
            return snapshot, records[max(snapshot.version - 1, 0) :]

    def stream_ids(self) -> Iterator[str]:
        with self._lock:
            return iter(sorted(self._streams))

    def ledger(self, room_ids: Iterable[str] | None = None) -> Iterator[LedgerRow]:
        rooms = None if room_ids is None else frozenset(room_ids)
        with self._lock:
            rows = [self._rows[k] for k in sorted(self._rows)]
        return iter([r for r in rows if rooms is None or r.room_id in rooms])

    def ledger_row(self, case_id: str) -> LedgerRow | None:
        with self._lock:
            return self._rows.get(case_id)

    def ledger_rows(self, case_ids: Collection[str]) -> list[LedgerRow]:
        with self._lock:
            return [self._rows[k] for k in sorted(set(case_ids)) if k in self._rows]

    def ledger_for_agenda(self, room_ids: Iterable[str], repeats_since: dt.date) -> list[LedgerRow]:
        rooms = frozenset(room_ids)
        with self._lock:
            rows = [self._rows[k] for k in sorted(self._rows)]
        return [
            r
            for r in rows
            if r.room_id in rooms
            and (r.outcome is Outcome.OPEN or (r.repeat_of is not None and r.received_on >= repeats_since))
        ]

    def rollups(self, room_ids: Iterable[str] | None = None, months: Iterable[str] | None = None) -> Iterator[Cell]:
        rooms = None if room_ids is None else frozenset(room_ids)
        wanted = None if months is None else frozenset(months)
        with self._lock:
            cells = list(self._cells.items())
        return iter(
            [
                Cell(*key, tally.cases, tally.persons, tally.amount)
                for key, tally in cells
                if (rooms is None or key.room_id in rooms) and (wanted is None or key.month in wanted)
            ]
        )

    def rollup_totals(
        self, room_ids: Iterable[str] | None = None, months: Iterable[str] | None = None, *, per_room: bool = True
    ) -> Iterator[Cell]:
        return iter(totals(self.rollups(room_ids, months), per_room=per_room))

    def ledger_sharing_parties(self, party_keys: Collection[str]) -> list[LedgerRow]:
        with self._lock:
            ids = set().union(*(self._by_party.get(k, set()) for k in party_keys))
            return [self._rows[i] for i in sorted(ids)]

    def deadlines_due(self, until: dt.date) -> list[tuple[str, Deadline]]:
        with self._lock:
            found = [(sid, d) for sid, ds in self._deadlines.items() for d in ds if d.due <= until]
        return sorted(found, key=lambda item: (item[1].due, item[0], item[1].kind.value, item[1].ref))

    def document(self, kind: str, key: str) -> Document | None:
        with self._lock:
            return self._documents.get((kind, key))

    def documents(self, kind: str, tags: Mapping[str, str] | None = None) -> list[Document]:
        wanted = dict(tags or {})
        with self._lock:
            docs = [d for (k, _), d in self._documents.items() if k == kind]
        return sorted((d for d in docs if all(d.tags.get(t) == v for t, v in wanted.items())), key=lambda d: d.key)

    def outbox(self, status: DeliveryStatus | None = None) -> list[OutboxEntry]:
        with self._lock:
            return [e for e in self._outbox.values() if status is None or e.status is status]

    def outbox_entry(self, key: str) -> OutboxEntry | None:
        with self._lock:
            return self._outbox.get(key)

    def update_outbox(self, entry: OutboxEntry, *, expected_attempts: int | None = None) -> None:
        with self._lock:
            stored = self._outbox.get(entry.notice.key)
            if stored is None:
                msg = f"no outbox entry with key {entry.notice.key!r}"
                raise StoreError(msg)
            if expected_attempts is not None and stored.attempts != expected_attempts:
                msg = f"outbox entry {entry.notice.key!r} has {stored.attempts} attempts, not {expected_attempts}"
                raise ConcurrencyConflictError(msg)
            self._outbox[entry.notice.key] = attrs.evolve(entry, notice=stored.notice, created_at=stored.created_at)

    # -- relay positions ------------------------------------------------------------------------
    def relay_backlog(
        self, subscriber: str, now: dt.datetime | None = None, limit: int | None = None
    ) -> list[RelayPosition]:
        with self._lock:
            found = []
            for stream_id in sorted(self._streams):
                head = len(self._streams[stream_id])
                stored = self._relay.get((subscriber, stream_id))
                position = stored or RelayPosition(subscriber=subscriber, stream_id=stream_id)
                if head <= position.version or position.status is RelayStatus.DEAD:
                    continue
                if now is not None and position.next_attempt_at is not None and position.next_attempt_at > now:
                    continue
                found.append(attrs.evolve(position, head=head))
                if limit is not None and len(found) >= limit:
                    break
            return found

    def relay_positions(self, subscriber: str | None = None, status: RelayStatus | None = None) -> list[RelayPosition]:
        with self._lock:
            return [
                attrs.evolve(p, head=len(self._streams.get(p.stream_id, ())))
                for key, p in sorted(self._relay.items())
                if (subscriber is None or key[0] == subscriber) and (status is None or p.status is status)
            ]

    def save_relay_position(self, position: RelayPosition, *, expected: RelayPosition) -> None:
        key = (position.subscriber, position.stream_id)
        with self._lock:
            stored = self._relay.get(key) or RelayPosition(subscriber=position.subscriber, stream_id=position.stream_id)
            if (stored.version, stored.attempts) != (expected.version, expected.attempts):
                msg = (
                    f"relay position of {position.subscriber!r} on {position.stream_id!r} is at version "
                    f"{stored.version} with {stored.attempts} attempts, not {expected.version} with {expected.attempts}"
                )
                raise ConcurrencyConflictError(msg)
            self._relay[key] = attrs.evolve(position, head=0)

    def registry(self) -> Registry:
        with self._lock:
            return self._registry

    def save_registry(self, registry: Registry) -> None:
        with self._lock:
            self._registry = self._registry.merged(registry)

    def verify(self, keys: SealKeys | None = None) -> list[ChainBreak]:
        with self._lock:
            streams = {k: list(v) for k, v in self._streams.items()}
        breaks = (verify_stream(sid, recs, keys or NO_KEYS) for sid, recs in sorted(streams.items()))
        return [b for b in breaks if b is not None]

    def close(self) -> None:
        self._closed = True

    def has_notice(self, key: str) -> bool:
        with self._lock:
            return key in self._outbox

    def last_number(self, series: str, year: int) -> int:
        with self._lock:
            return self._numbers.get((series, year), 0)

    def apply(
        self, appends: Sequence[Append | Reseal], numbers: Numbers, queued: list[OutboxEntry] | None = None
    ) -> None:
        """Check a unit of work against what is committed now, then apply it whole."""
        with self._lock:
            self._check(appends, numbers)
            for batch in appends:
                if isinstance(batch, Reseal):
                    self._streams[batch.stream_id] = list(batch.records)
                    self._snapshots.pop(batch.stream_id, None)
                    for notice in batch.notices:  # anonymised in place, bookkeeping kept
                        if notice.key in self._outbox:
                            self._outbox[notice.key] = attrs.evolve(self._outbox[notice.key], notice=notice)
                else:
                    self._streams.setdefault(batch.stream_id, []).extend(batch.records)
                if batch.snapshot is not None:
                    self._snapshots[batch.stream_id] = batch.snapshot
                if batch.row is not None:
                    self._index_row(batch.stream_id, batch.row)
                self._deadlines[batch.stream_id] = tuple(batch.deadlines)
                for doc in batch.documents:
                    self._documents[(doc.kind, doc.key)] = doc
                for notice in batch.notices if isinstance(batch, Append) else ():
                    self._outbox[notice.key] = OutboxEntry(notice=notice, created_at=batch.created_at)
            for key, (base, allocated) in numbers.items():
                self._numbers[key] = base + allocated
            for entry in queued or ():
                self._outbox.setdefault(entry.notice.key, entry)

    def _check(self, appends: Sequence[Append | Reseal], numbers: Numbers) -> None:
        """Raise unless every stream is still where the unit found it, and its numbers and
        notice keys are still free."""
        versions: dict[str, int] = {}
        heads: dict[str, str] = {}
        for batch in appends:
            stream = self._streams.get(batch.stream_id, [])
            committed = versions.get(batch.stream_id, len(stream))
            head = heads.get(batch.stream_id, stream[-1].hash if stream else GENESIS_HASH)
            if committed != batch.expected_version or (isinstance(batch, Reseal) and head != batch.replaced_head):
                msg = f"stream {batch.stream_id} moved to version {committed} before this commit"
                raise ConcurrencyConflictError(msg, stream_ids=[batch.stream_id])
            if isinstance(batch, Reseal):
                versions[batch.stream_id] = len(batch.records)
            else:
                versions[batch.stream_id] = committed + len(batch.records)
            if batch.records:
                heads[batch.stream_id] = batch.records[-1].hash
        for (series, year), (base, _) in numbers.items():
            if self._numbers.get((series, year), 0) != base:
                msg = f"numbers of {series} in {year} were allocated concurrently"
                raise ConcurrencyConflictError(msg, stream_ids=[b.stream_id for b in appends])
        for notice_key in (n.key for b in appends if isinstance(b, Append) for n in b.notices):
            if notice_key in self._outbox:
                msg = f"notice {notice_key!r} is already in the outbox"
                raise IntegrityError(msg)

    def _index_row(self, stream_id: str, row: LedgerRow) -> None:
        old = self._rows.get(stream_id)
        for key in old.party_keys if old else ():
            self._by_party[key].discard(stream_id)
        for key in row.party_keys:
            self._by_party.setdefault(key, set()).add(stream_id)
        add(self._cells, change(old, row))
        self._rows[stream_id] = row


class MemoryUnitOfWork:
    """Staged writes applied atomically on commit."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._appends: list[Append | Reseal] = []
        self._numbers: Numbers = {}
        self._queued: list[OutboxEntry] = []
        self._done = False

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self._done:
            self.rollback()

    def read(self, stream_id: str, after: int = 0) -> list[RecordedEvent]:
        records = self._store.read(stream_id)
        for batch in self._appends:
            if batch.stream_id == stream_id:
                records = list(batch.records) if isinstance(batch, Reseal) else [*records, *batch.records]
        return records[after:]

    def assume(self, stream_id: str, version: int, head: str) -> None:
        """Reads cost nothing here, so the assumed head is checked at once: a stream another
        writer moved or re-sealed since is a conflict naming it."""
        self._check_active()
        stream = self.read(stream_id)
        if len(stream) != version or head_of(stream) != head:
            msg = f"stream {stream_id} moved on (or was re-sealed) since version {version} was remembered"
            raise ConcurrencyConflictError(msg, stream_ids=[stream_id])

    def read_with_snapshot(self, stream_id: str, schema: str) -> tuple[Snapshot | None, list[RecordedEvent]]:
        if any(batch.stream_id == stream_id for batch in self._appends):
            return None, self.read(stream_id)
        return self._store.read_with_snapshot(stream_id, schema)

    def allocate_number(self, series: str, year: int) -> int:
        self._check_active()
        key = (series, year)
        base, allocated = self._numbers.get(key, (self._store.last_number(series, year), 0))
        self._numbers[key] = (base, allocated + 1)
        return base + allocated + 1

    def append(self, batch: Append) -> None:
        self._check_active()
        stream = self.read(batch.stream_id)
        staged = self._staged_keys()
        check_append(batch, len(stream), head_of(stream), lambda key: key in staged or self._store.has_notice(key))
        self._appends.append(batch)

    def _staged_keys(self) -> set[str]:
        appended = {n.key for b in self._appends if isinstance(b, Append) for n in b.notices}
        return appended | {e.notice.key for e in self._queued}

    def reseal(self, batch: Reseal) -> None:
        self._check_active()
        check_reseal(self.read(batch.stream_id), batch)
        staged = len(self._appends)
        self._appends.append(batch)
        if batch.log is not None:
            try:
                self.append(batch.log)
            except BaseException:
                del self._appends[staged:]
                raise

    def enqueue(self, notices: Sequence[Notice], created_at: dt.datetime) -> list[str]:
        self._check_active()
        staged = self._staged_keys()
        added = []
        for notice in notices:
            if notice.key in staged or self._store.has_notice(notice.key):
                continue
            staged.add(notice.key)
            self._queued.append(OutboxEntry(notice=notice, created_at=created_at))
            added.append(notice.key)
        return added

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        self._check_active()
        appends, queued, numbers = len(self._appends), len(self._queued), dict(self._numbers)
        try:
            yield
        except BaseException:
            del self._appends[appends:]
            del self._queued[queued:]
            self._numbers = numbers
            raise

    def commit(self) -> None:
        self._check_active()
        self._done = True
        self._store.apply(self._appends, self._numbers, self._queued)

    def rollback(self) -> None:
        self._appends.clear()
        self._numbers.clear()
        self._queued.clear()
        self._done = True

    def _check_active(self) -> None:
        if self._done:
            msg = "this unit of work is already finished"
            raise StoreError(msg)

"""The write side of the SQL store: the unit of work.

One unit of work is one database transaction on one pooled driver connection, opened at its
first statement (``BEGIN IMMEDIATE`` on SQLite, so writers queue on the lock; on PostgreSQL
``BEGIN`` travels with the first statement, in one pipeline, ADR 0018). An append is
checked at once (:func:`~mediation_core.app.appending.check_append` against the stream's
version and head as the unit sees them, the notice keys; then the row's values), so a refused
append writes nothing and the unit goes on; its rows are staged and written at commit. There
each stream's version is claimed (an insert for a new stream, ``UPDATE … WHERE version =
:base AND head_hash = :head`` for an existing one) in the same pipeline as the rows, so a
writer that got in first (or re-sealed the stream)
makes the commit fail with a conflict and nothing is written; the primary key (stream id,
version) of the events table is the second guard. A number series is read and locked (an
upsert that returns the counter) at its first use in the unit, counted in the unit and written
back at commit: numbers are gap-free because a unit that does not commit leaves the counter as
it was.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

import attrs

from mediation_core.app.appending import check_append, check_reseal
from mediation_core.app.ports import Append, Document, Reseal, Snapshot
from mediation_core.domain.errors import ConcurrencyConflictError, OperationalError, StoreError
from mediation_core.domain.reporting.ledger import LedgerRow
from mediation_core.domain.reporting.rollups import CellKey, add, change
from mediation_core.domain.reporting.statistics import Tally
from mediation_core.domain.values.deadlines import Deadline
from mediation_core.domain.values.notices import Notice
from mediation_core.records import GENESIS_HASH, RecordedEvent
from mediation_sqlalchemy.codecs import cell_rows, deadline_row, event_rows, notice_json, outbox_row, recorded
from mediation_sqlalchemy.errors import translate_commit, translated
from mediation_sqlalchemy.statements import EVENT_COLUMNS, LEDGER_COLUMNS

if TYPE_CHECKING:
    from mediation_sqlalchemy.queries import SqlQueries
    from mediation_sqlalchemy.statements import Compiled

_T = TypeVar("_T")


@attrs.frozen
class SideTables:
    """What a committed append left in the per-stream side tables, at which version, and the
    ledger row it wrote (whose statistics contribution the next append takes back)."""

    version: int
    party_keys: tuple[str, ...] | None
    deadlines: tuple[Deadline, ...]
    row: LedgerRow | None = None


SIDE_TABLE_MEMORY = 4096
"""How many streams' side-table contents a store remembers, to skip rewriting them unchanged."""


class SideTableMemory:
    """Per stream, the party keys and deadlines the store's own last committed append wrote and
    at which version. When the next append expects that same version, no other writer can have
    touched them (versions are claimed one writer at a time), so unchanged keys and deadlines
    are not deleted and written again."""

    def __init__(self, size: int = SIDE_TABLE_MEMORY) -> None:
        self._size = size
        self._side: OrderedDict[str, SideTables] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, stream_id: str) -> SideTables | None:
        with self._lock:
            return self._side.get(stream_id)

    def wrote(self, streams: Mapping[str, SideTables]) -> None:
        """Remember what a committed unit left in the side tables."""
        with self._lock:
            for stream_id, side in streams.items():
                self._side[stream_id] = side
                self._side.move_to_end(stream_id)
            while len(self._side) > self._size:
                self._side.popitem(last=False)


@attrs.define
class _Staged:
    """What a unit has appended to one stream and not yet written."""

    base: int  # the stream's version before this unit
    version: int
    head: str | None
    base_head: str | None = None  # the stream's last hash before this unit, if the unit knows it
    records: list[RecordedEvent] = attrs.field(factory=list)
    row: Mapping[str, Any] | None = None
    ledger_row: LedgerRow | None = None
    deadlines: tuple[Deadline, ...] | None = None
    created_at: dt.datetime | None = None
    snapshot: Snapshot | None = None


_Undo = tuple[dict[Any, Any], Any, Any]
"""(mapping, key, value before) — ``_ABSENT`` when the key was not there."""
_ABSENT = object()


class SqlUnitOfWork:
    """One transaction on one pooled driver connection, begun at the first statement.

    Reads and refusals happen at once (the stream's version and head, notice keys, the row's
    values are checked when appended); the writes are staged and written together at
    :meth:`commit`, the last projection of each stream only, with the compiled statements of
    :mod:`mediation_sqlalchemy.statements` on the driver cursor (in one pipeline on PostgreSQL).
    A number is drawn from a counter read (and locked) at its series' first use in the unit and
    written back at commit. A savepoint is therefore a copy of the staged state, and a refused
    step costs the database nothing."""

    def __init__(self, store: SqlQueries, side_tables: SideTableMemory) -> None:
        self._store = store
        self._side_tables = side_tables
        self._sql = store.cursor_statements
        self._dbapi = store.engine.dialect.loaded_dbapi
        self._where = store.where
        self._raw: Any = None
        self._cursor: Any = None
        self._opened = False  # whether the transaction has begun on the server
        self._streams: dict[str, _Staged] = {}
        self._seen: dict[str, tuple[int, str | None]] = {}  # (version, head if known) read in this unit
        self._documents: dict[tuple[str, str], Document] = {}
        self._rewrites: dict[str, Mapping[int, RecordedEvent]] = {}  # re-sealed stored records by version
        self._notices: list[tuple[Notice, dt.datetime, bool]] = []  # (notice, created at, enqueued)
        self._rewritten_notices: dict[str, Notice] = {}  # outbox notices anonymised in place, by key
        self._numbers: dict[tuple[str, int], tuple[int, int]] = {}  # (series, year) -> (base, drawn)
        self._undo: list[_Undo] | None = None  # inside a savepoint: how to take the staged changes back
        self._done = False

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self._done:
            self.rollback()

    def _begin(self) -> Any:
        """The cursor of this unit's transaction, begun on first use."""
        if self._done:
            msg = "this unit of work is already finished"
            raise StoreError(msg)
        if self._cursor is None:
            self._connect()
        return self._cursor

    def _connect(self) -> None:
        """Take a pooled connection for the unit (on SQLite, begin at once)."""
        with translated(self._dbapi, self._where):
            raw: Any = self._store.engine.raw_connection()
            try:
                if not self._sql.sqlite:  # BEGIN is ours, sent with the first statement
                    raw.driver_connection.autocommit = True
                cursor = raw.cursor()
                if self._sql.sqlite:
                    cursor.execute("BEGIN IMMEDIATE")  # take the write lock now (see engine)
            except BaseException:
                raw.close()
                raise
            self._raw, self._cursor = raw, cursor
            self._opened = self._sql.sqlite

    def _fetch(self, statement: Compiled, values: Mapping[str, Any]) -> list[Sequence[Any]]:
        """The processed rows of a query in this unit's transaction (the caller translates
        driver errors). On PostgreSQL the unit's first statement carries its ``BEGIN``."""
        cursor = self._cursor if self._cursor is not None else self._begin()
        if self._opened:
            return self._sql.fetch(cursor, statement, values)

        def send() -> None:
            with self._sql.pipeline(self._raw):
                self._cursor.execute("BEGIN")
                self._sql.execute(self._cursor, statement, values)

        self._opening(send)
        return statement.rows(self._cursor)

    def _opening(self, send: Callable[[], _T]) -> _T:
        """Begin the transaction on PostgreSQL with ``send``, which sends ``BEGIN`` and the
        unit's first statements in one pipeline (one round trip). A connection found lost
        there had seen nothing of this unit, so the unit goes on, once, on a new connection
        (the pool no longer pings before each checkout, ADR 0018)."""
        for attempt in (1, 2):
            try:
                result = send()
            except self._dbapi.OperationalError as exc:
                if attempt == 2 or not self._lost(exc):
                    raise
                self._reconnect()
                continue
            self._opened = True
            return result
        raise AssertionError  # pragma: no cover - the loop returns or raises

    def _lost(self, exc: Any) -> bool:
        return bool(self._store.engine.dialect.is_disconnect(exc, self._raw.driver_connection, self._cursor))

    def _reconnect(self) -> None:
        """Drop the lost connection (the pool does not hand it out again) and take another."""
        raw = self._raw
        self._raw = self._cursor = None
        raw.invalidate()
        self._connect()

    def assume(self, stream_id: str, version: int, head: str) -> None:
        """Take the stream to be at ``version`` with last hash ``head`` (a head the caller
        remembers from its own commit) without reading it. Appends are checked against that;
        a stream another writer moved or re-sealed since fails the commit with a conflict."""
        if self._done:
            msg = "this unit of work is already finished"
            raise StoreError(msg)
        if stream_id not in self._streams and stream_id not in self._seen:
            self._set(self._seen, stream_id, (version, head))

    # -- reads ---------------------------------------------------------------------------------
    def read(self, stream_id: str, after: int = 0) -> list[RecordedEvent]:
        staged = self._streams.get(stream_id)
        if staged is not None and after >= staged.base:
            return [r for r in staged.records if r.version > after]
        sql = self._sql
        with translated(self._dbapi, self._where):
            stored = [recorded(r) for r in self._fetch(sql.read_stream, {"b_stream_id": stream_id, "b_after": after})]
        rewritten = self._rewrites.get(stream_id)
        if rewritten:
            stored = [rewritten.get(r.version, r) for r in stored]
        if staged is None:
            if stored:
                self._set(self._seen, stream_id, (after + len(stored), stored[-1].hash))
            elif after == 0:
                self._set(self._seen, stream_id, (0, GENESIS_HASH))
            else:  # the caller's version, taken on trust (the commit claims it); its head unknown
                self._set(self._seen, stream_id, (after, None))
            return stored
        return [*stored, *staged.records]

    def read_with_snapshot(self, stream_id: str, schema: str) -> tuple[Snapshot | None, list[RecordedEvent]]:
        """The stream's snapshot in ``schema`` and the records from its version on, in one
        statement (:attr:`~mediation_sqlalchemy.statements.Statements.read_from_snapshot`);
        a stream this unit has written is read as :meth:`read` reads it, without one."""
        if stream_id in self._streams or stream_id in self._rewrites:
            return None, self.read(stream_id)
        with translated(self._dbapi, self._where):
            rows = self._fetch(self._sql.read_from_snapshot, {"b_stream_id": stream_id, "b_schema": schema})
        width = len(EVENT_COLUMNS)
        stored = [recorded(r[:width]) for r in rows]
        snapshot = None
        if rows and rows[0][width] is not None and rows[0][width + 2] is not None:
            version, seal, state = rows[0][width:]
            snapshot = Snapshot(version=version, hash=seal, schema=schema, state=state)
        self._set(self._seen, stream_id, (stored[-1].version, stored[-1].hash) if stored else (0, GENESIS_HASH))
        return snapshot, stored

    def _position(self, stream_id: str) -> tuple[int, str | None]:
        """The stream's version and last hash as this unit sees them (the hash ``None`` when
        the unit does not know it); one statement when the unit has not met the stream yet."""
        staged = self._streams.get(stream_id)
        if staged is not None:
            return staged.version, staged.head or staged.base_head
        if stream_id not in self._seen:
            sql = self._sql
            found = self._fetch(sql.stream_version, {"b_stream_id": stream_id})
            self._set(self._seen, stream_id, (0, GENESIS_HASH) if not found else (found[0][0], found[0][1]))
        return self._seen[stream_id]

    def allocate_number(self, series: str, year: int) -> int:
        key = (series, year)
        if key not in self._numbers:
            with translated(self._dbapi, self._where):  # creates the counter if need be and locks it until commit
                (counter,) = self._fetch(self._sql.lock_number, {"b_series": series, "b_year": year})
                self._set(self._numbers, key, (counter[0], 0))
        base, drawn = self._numbers[key]
        self._set(self._numbers, key, (base, drawn + 1))
        return base + drawn + 1

    def _set(self, mapping: dict[Any, Any], key: Any, value: Any) -> None:
        """Stage ``mapping[key] = value``, remembering the old value inside a savepoint."""
        if self._undo is not None:
            self._undo.append((mapping, key, mapping.get(key, _ABSENT)))
        mapping[key] = value

    # -- staging -------------------------------------------------------------------------------
    def append(self, batch: Append) -> None:
        self._begin()
        stream_id, expected = batch.stream_id, batch.expected_version
        with translated(self._dbapi, self._where):
            version, head = self._position(stream_id)
            staged_keys = {n.key for n, _, _ in self._notices}
            check_append(batch, version, head, lambda key: key in staged_keys or self._key_stored(key))
        row = None if batch.row is None else self._store.ledger_codec.encode(batch.row)
        before = self._streams.get(stream_id)
        if before is None:
            staged = _Staged(base=expected, version=expected, head=None, base_head=head)
        else:
            staged = attrs.evolve(before)
        staged.records = [*staged.records, *batch.records]
        staged.version = expected + len(batch.records)
        if batch.records:
            staged.head = batch.records[-1].hash
        if batch.row is not None:
            staged.row, staged.ledger_row = row, batch.row
        if batch.snapshot is not None:
            staged.snapshot = batch.snapshot
        staged.deadlines = tuple(batch.deadlines)
        staged.created_at = batch.created_at
        self._set(self._streams, stream_id, staged)
        for doc in batch.documents:
            self._set(self._documents, (doc.kind, doc.key), doc)
        self._notices.extend((n, batch.created_at, False) for n in batch.notices)

    def reseal(self, batch: Reseal) -> None:
        """Stage the rewritten records (written over the stored ones at commit) and the rest
        as an append; the stream's move from ``expected_version`` at commit is the conflict
        check against another writer, as for an append."""
        stream_id = batch.stream_id
        check_reseal(self.read(stream_id), batch)
        with self.savepoint():
            before = self._streams.get(stream_id)
            base = before.base if before is not None else batch.expected_version
            rewritten = dict(self._rewrites.get(stream_id, {}))
            rewritten.update({r.version: r for r in batch.records[:base]})
            self._set(self._rewrites, stream_id, rewritten)
            appended = list(batch.records[base:])
            staged = _Staged(
                base=base,
                version=len(batch.records),
                head=batch.records[-1].hash,
                records=appended,
                row=None if batch.row is None else self._store.ledger_codec.encode(batch.row),
                ledger_row=batch.row,
                deadlines=tuple(batch.deadlines),
                created_at=batch.created_at,
                snapshot=batch.snapshot,  # the stored one is dropped at commit: see _write_snapshots
            )
            if before is not None and batch.row is None:
                staged.row, staged.ledger_row = before.row, before.ledger_row
            self._set(self._streams, stream_id, staged)
            for doc in batch.documents:
                self._set(self._documents, (doc.kind, doc.key), doc)
            for notice in batch.notices:
                self._set(self._rewritten_notices, notice.key, notice)
            if batch.log is not None:
                self.append(batch.log)

    def _key_stored(self, key: str) -> bool:
        return bool(self._fetch(self._sql.outbox_key, {"b_key": key}))

    def enqueue(self, notices: Sequence[Notice], created_at: dt.datetime) -> list[str]:
        self._begin()
        taken = {n.key for n, _, _ in self._notices}
        added = []
        with translated(self._dbapi, self._where):
            for notice in notices:
                if notice.key in taken or self._key_stored(notice.key):
                    continue
                taken.add(notice.key)
                self._notices.append((notice, created_at, True))
                added.append(notice.key)
        return added

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Undo everything staged in the block if it raises, and let the unit go on."""
        self._begin()
        outer, self._undo = self._undo, self._undo if self._undo is not None else []
        mark, notices = len(self._undo), len(self._notices)
        try:
            yield
        except BaseException:
            while len(self._undo) > mark:
                mapping, key, value = self._undo.pop()
                if value is _ABSENT:
                    del mapping[key]
                else:
                    mapping[key] = value
            del self._notices[notices:]
            raise
        finally:
            if outer is None:
                self._undo = None

    # -- writing -------------------------------------------------------------------------------
    def commit(self) -> None:
        if self._done:
            msg = "this unit of work is already finished"
            raise StoreError(msg)
        self._done = True
        try:
            if self._cursor is not None and (self._opened or self._staged()):
                with translated(self._dbapi, self._where):
                    written = self._flush()
                    if self._sql.sqlite:
                        self._cursor.execute("COMMIT")  # a local file: it commits or it does not
                if not self._sql.sqlite:
                    try:
                        self._raw.commit()
                    except self._dbapi.Error as exc:  # a connection lost now may have committed
                        raise translate_commit(exc, self._dbapi, self._where) from exc
                self._side_tables.wrote(written)
        except BaseException:
            self._abandon()
            raise
        finally:
            self._close()

    def _staged(self) -> bool:
        """Whether the unit has anything to write."""
        return bool(self._streams or self._documents or self._rewrites or self._notices or self._numbers)

    def _flush(self) -> dict[str, SideTables]:
        """Write everything staged; return what the side tables now hold per stream. On
        PostgreSQL the statements go in one pipeline (one round trip), with the ``BEGIN`` when
        no statement has begun the transaction yet. A stream another writer created, moved
        or re-sealed first is a conflict: its insert breaks the primary key, or its move
        matches no row."""
        cells = self._cell_changes()
        if self._opened:
            return self._send_all(cells, begin=False)
        return self._opening(lambda: self._send_all(cells, begin=True))

    def _send_all(self, cells: list[dict[str, Any]], *, begin: bool) -> dict[str, SideTables]:
        """The statements of :meth:`_flush`, in one pipeline on PostgreSQL, after ``BEGIN``
        when ``begin``."""
        sql, cursor = self._sql, self._cursor
        new = [(sid, st) for sid, st in self._streams.items() if st.base == 0]
        moved = [(sid, st) for sid, st in self._streams.items() if st.base > 0]
        with closing(self._raw.cursor()) as mover:
            failure: Exception | None = None
            try:
                with sql.pipeline(self._raw):
                    try:
                        if begin:
                            cursor.execute("BEGIN")
                        written = self._send(cursor, mover, new, moved, cells)
                    except self._dbapi.Error as exc:
                        # leave the pipeline cleanly: leaving it with an exception makes psycopg
                        # log its own "pipeline aborted" at WARNING beside ours, on every conflict
                        failure = exc
            except self._dbapi.Error as exc:  # the pipeline's sync: the first error, or the abort after ours
                failure = failure or exc
            if failure is not None:
                if isinstance(failure, self._dbapi.IntegrityError) and _breaks_stream_key(failure):
                    msg = "another writer created or appended to a stream of this unit first"
                    raise ConcurrencyConflictError(msg, stream_ids=self._streams) from failure
                raise failure
            conflicted = bool(moved) and mover.rowcount != len(moved)  # known once the pipeline synced
        if conflicted:
            msg = "a stream this unit appends to moved on (or was re-sealed) before the unit committed"
            raise ConcurrencyConflictError(msg, stream_ids=[sid for sid, _ in moved])
        return written

    def _cell_changes(self) -> list[dict[str, Any]]:
        """What this unit's ledger rows change in the statistics cells: each stream's last
        row's contribution less the committed row's. The committed row is the one the store
        remembers writing at this unit's base version, else it is read (a move by another
        writer since makes the commit conflict, so a stale read is never written)."""
        changed: dict[CellKey, Tally] = {}
        for sid, st in self._streams.items():
            if st.ledger_row is None:
                continue
            old = None
            if st.base:
                side = self._side_tables.get(sid)
                if side is not None and side.version == st.base and side.row is not None:
                    old = side.row
                else:
                    found = self._fetch(self._sql.ledger_row, {"b_case_id": sid})
                    old = (
                        self._store.ledger_codec.decode(dict(zip(LEDGER_COLUMNS, found[0], strict=True)))
                        if found
                        else None
                    )
            add(changed, change(old, st.ledger_row))
        return cell_rows(changed)

    def _send(
        self,
        cursor: Any,
        mover: Any,
        new: list[tuple[str, _Staged]],
        moved: list[tuple[str, _Staged]],
        cells: list[dict[str, Any]],
    ) -> dict[str, SideTables]:
        """The statements of :meth:`_flush`, in its pipeline on PostgreSQL."""
        sql = self._sql
        sql.executemany(
            cursor,
            sql.insert_stream,
            (
                {
                    "stream_id": sid,
                    "version": st.version,
                    "head_hash": st.head or GENESIS_HASH,
                    "updated_at": st.created_at,
                }
                for sid, st in new
            ),
        )
        sql.executemany(
            mover,
            sql.move_stream,
            (
                {
                    "b_stream_id": sid,
                    "b_expected": st.base,
                    "b_base_head": st.base_head,
                    "b_version": st.version,
                    "b_head": st.head,
                    "b_at": st.created_at,
                }
                for sid, st in moved
            ),
        )
        written = self._write(cursor)
        self._write_snapshots(cursor)
        sql.executemany(cursor, sql.add_cells, cells)
        return written

    def _write_snapshots(self, cursor: Any) -> None:
        """Drop the snapshots of re-sealed streams (they may hold what the re-sealing erased)
        and write the last snapshot staged for each stream."""
        sql = self._sql
        sql.executemany(cursor, sql.drop_snapshot, ({"b_stream_id": sid} for sid in self._rewrites))
        sql.executemany(
            cursor,
            sql.upsert_snapshot,
            (
                {
                    "stream_id": sid,
                    "version": st.snapshot.version,
                    "hash": st.snapshot.hash,
                    "state_schema": st.snapshot.schema,
                    "state": st.snapshot.state,
                }
                for sid, st in self._streams.items()
                if st.snapshot is not None
            ),
        )

    def _write(self, cursor: Any) -> dict[str, SideTables]:
        sql, side_tables = self._sql, self._side_tables
        sql.executemany(
            cursor,
            sql.rewrite_event,
            (
                {
                    "b_stream_id": sid,
                    "b_version": r.version,
                    "b_body": r.body,
                    "b_schema": r.schema_version,
                    "b_prev": r.prev_hash,
                    "b_hash": r.hash,
                    "b_key_id": r.key_id,
                }
                for sid, rewritten in self._rewrites.items()
                for r in rewritten.values()
            ),
        )
        sql.executemany(cursor, sql.insert_events, (e for st in self._streams.values() for e in event_rows(st.records)))
        rows = [st.row for st in self._streams.values() if st.row is not None]
        sql.executemany(cursor, sql.upsert_row, rows)
        written: dict[str, SideTables] = {}
        clear_keys, add_keys, clear_deadlines, add_deadlines = [], [], [], []
        for sid, st in self._streams.items():
            before = side_tables.get(sid) if st.base else None
            if before is not None and before.version != st.base:
                before = None  # written by another writer since: rewrite everything
            keys = st.ledger_row.party_keys if st.ledger_row is not None else None
            if keys is not None and (before is None or before.party_keys != keys):
                if st.base:
                    clear_keys.append({"b_stream_id": sid})
                add_keys += [{"party_key": k, "case_id": sid} for k in dict.fromkeys(keys)]
            deadlines = st.deadlines or ()
            if before is None or before.deadlines != deadlines:
                if st.base:
                    clear_deadlines.append({"b_stream_id": sid})
                add_deadlines += [deadline_row(sid, position, d) for position, d in enumerate(deadlines, start=1)]
            written[sid] = SideTables(
                version=st.version,
                party_keys=keys if keys is not None else (before.party_keys if before else None),
                deadlines=deadlines,
                row=st.ledger_row if st.ledger_row is not None else (before.row if before else None),
            )
        sql.executemany(cursor, sql.clear_party_keys, clear_keys)
        sql.executemany(cursor, sql.insert_party_keys, add_keys)
        sql.executemany(cursor, sql.clear_deadlines, clear_deadlines)
        sql.executemany(cursor, sql.insert_deadlines, add_deadlines)
        for doc in self._documents.values():
            tags = dict(doc.tags)
            sql.execute(cursor, sql.upsert_document, {"kind": doc.kind, "key": doc.key, "body": doc.body, "tags": tags})
            sql.execute(cursor, sql.clear_tags, {"b_kind": doc.kind, "b_key": doc.key})
            sql.executemany(
                cursor,
                sql.insert_tags,
                ({"kind": doc.kind, "key": doc.key, "tag": k, "value": v} for k, v in tags.items()),
            )
        sql.executemany(
            cursor,
            sql.rewrite_notice,
            ({"b_key": k, "b_notice": notice_json(n)} for k, n in self._rewritten_notices.items()),
        )
        sql.executemany(cursor, sql.insert_outbox, (outbox_row(n, at) for n, at, queued in self._notices if not queued))
        sql.executemany(cursor, sql.enqueue, (outbox_row(n, at) for n, at, queued in self._notices if queued))
        sql.executemany(
            cursor,
            sql.set_number,
            ({"b_series": s, "b_year": y, "b_last": base + drawn} for (s, y), (base, drawn) in self._numbers.items()),
        )
        return written

    def rollback(self) -> None:
        self._done = True
        try:
            self._abandon()
        finally:
            self._close()

    def _abandon(self) -> None:
        if self._cursor is None:
            return
        try:
            with translated(self._dbapi, self._where):
                if self._sql.sqlite:
                    if self._raw.in_transaction:  # SQLite may have rolled back by itself (disk full …)
                        self._cursor.execute("ROLLBACK")
                else:
                    self._raw.rollback()
        except OperationalError:
            # the connection is lost or unusable: closing it ends the transaction (the server
            # discards it), and the pool must not hand it out again
            self._raw.invalidate()

    def _close(self) -> None:
        cursor, raw = self._cursor, self._raw
        self._cursor = self._raw = None
        with translated(self._dbapi, self._where):
            try:
                if cursor is not None:
                    cursor.close()
            finally:
                if raw is not None:
                    self._give_back(raw)

    def _give_back(self, raw: Any) -> None:
        """Return the connection to the pool as the pool's other users expect it: on
        PostgreSQL with the driver's own transactions again (the unit sent its ``BEGIN``
        itself); a connection that cannot be reset (lost, or still in a transaction) is
        dropped instead."""
        if not self._sql.sqlite and raw.dbapi_connection is not None:
            try:
                raw.driver_connection.autocommit = False
            except self._dbapi.Error:
                raw.invalidate()
                return
        raw.close()  # back to the pool


def _breaks_stream_key(exc: Exception) -> bool:
    """Whether a driver's integrity error is a duplicate stream or event (a racing writer)."""
    constraint = getattr(getattr(exc, "diag", None), "constraint_name", None)  # psycopg
    if constraint is not None:
        return constraint in {"pk_streams", "pk_events"}
    return "streams.stream_id" in str(exc) or "events.stream_id" in str(exc)  # sqlite3's message

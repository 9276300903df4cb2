"""The SQLAlchemy store: the storage port on SQLite or PostgreSQL, through SQLAlchemy Core.

One unit of work is one database transaction on one pooled connection, opened at its first
statement (``BEGIN IMMEDIATE`` on SQLite, so writers queue on the lock). An append is checked
at once (the stream's version, the notice keys, the row's values), so a refused append writes
nothing and the unit goes on; its rows are staged and written at commit. There each stream's
version is claimed (an insert for a new stream, ``UPDATE … WHERE version = :base`` for an
existing one) in the same pipeline as the rows, so a writer that got in first makes the commit
fail with a conflict and nothing is written; the primary key (stream id, version) of the events
table is the second guard. A number series is read and locked (an upsert that returns the
counter) at its first use in the unit, counted in the unit and written back at commit: numbers
are gap-free because a unit that does not commit leaves the counter as it was.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from types import TracebackType
from typing import Any, Self

import attrs
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from mediation_core.app.ports import Append, DeliveryStatus, Document, OutboxEntry, Reseal, check_reseal
from mediation_core.domain.errors import ConcurrencyConflictError, IntegrityError, OperationalError, StoreError
from mediation_core.domain.reporting.ledger import LedgerRow
from mediation_core.domain.reporting.rollups import ALL, CATEGORY, TOTAL, Cell, CellKey, add, change
from mediation_core.domain.reporting.statistics import Tally
from mediation_core.domain.values.deadlines import Deadline, DeadlineKind
from mediation_core.domain.values.notices import Notice
from mediation_core.domain.values.organisations import Registry
from mediation_core.records import GENESIS_HASH, ChainBreak, RecordedEvent, verify_stream
from mediation_core.serialization import converter
from mediation_sqlalchemy import tables as t
from mediation_sqlalchemy.codecs import cell_rows, from_fen, ledger_codec, registry_from_rows, registry_rows
from mediation_sqlalchemy.engine import WRITE, create_engine, normalise_url
from mediation_sqlalchemy.errors import describe, translate_commit, translated
from mediation_sqlalchemy.hotpath import HotPath, event_rows
from mediation_sqlalchemy.migrate import ensure_current

READ_BATCH = 2_000
"""Rows fetched at a time when streaming the ledger or verifying every chain."""


def open_sqlalchemy(url: str, *, migrate: bool = True, **engine_options: Any) -> SqlStore:
    """Open (and on first use create) the store at ``url``: ``sqlite:///path`` or a bare
    path for the embedded database, ``postgresql+psycopg://user@host/db`` for PostgreSQL.
    With ``migrate`` (the default) the schema is brought to the newest revision first."""
    with translated():
        parsed = normalise_url(url)
    with translated(where=describe(parsed)):
        engine = create_engine(parsed, **engine_options)
    try:
        return SqlStore(engine, migrate=migrate)
    except BaseException:
        engine.dispose()
        raise


class _Statements:
    """The store's statements, built once per store for its dialect."""

    def __init__(self, dialect: str) -> None:
        insert: Callable[[sa.Table], Any] = postgresql.insert if dialect == "postgresql" else sqlite.insert
        bp = sa.bindparam
        self.insert_stream = sa.insert(t.streams)
        self.stream_version = sa.select(t.streams.c.version).where(t.streams.c.stream_id == bp("b_stream_id"))
        lock_insert = insert(t.numbers).values(series=bp("b_series"), year=bp("b_year"), last=sa.literal_column("0"))
        self.lock_number = lock_insert.on_conflict_do_update(
            index_elements=[t.numbers.c.series, t.numbers.c.year], set_={"last": t.numbers.c.last}
        ).returning(t.numbers.c.last)
        self.set_number = (
            sa.update(t.numbers)
            .where(t.numbers.c.series == bp("b_series"), t.numbers.c.year == bp("b_year"))
            .values(last=bp("b_last"))
        )
        self.move_stream = (
            sa.update(t.streams)
            .where(t.streams.c.stream_id == bp("b_stream_id"), t.streams.c.version == bp("b_expected"))
            .values(
                version=bp("b_version"),
                head_hash=sa.func.coalesce(bp("b_head", type_=sa.String), t.streams.c.head_hash),
                updated_at=bp("b_at", type_=t.UTCDateTime),
            )
        )
        self.insert_events = sa.insert(t.events)
        self.rewrite_event = (
            sa.update(t.events)
            .where(t.events.c.stream_id == bp("b_stream_id"), t.events.c.version == bp("b_version"))
            .values(
                body=bp("b_body", type_=t.events.c.body.type),
                schema_version=bp("b_schema"),
                prev_hash=bp("b_prev"),
                hash=bp("b_hash"),
            )
        )
        ledger_insert = insert(t.ledger)
        self.upsert_row = ledger_insert.on_conflict_do_update(
            index_elements=[t.ledger.c.case_id],
            set_={c.name: ledger_insert.excluded[c.name] for c in t.ledger.c if c.name != "case_id"},
        )
        self.ledger_row = sa.select(t.ledger).where(t.ledger.c.case_id == bp("b_case_id"))
        cells_insert = insert(t.statistics_cells)
        cells = t.statistics_cells.c
        self.add_cells = cells_insert.on_conflict_do_update(
            index_elements=[cells.room_id, cells.month, cells.axis, cells.value, cells.figure],
            set_={
                "cases": cells.cases + cells_insert.excluded.cases,
                "persons": cells.persons + cells_insert.excluded.persons,
                "amount_fen": cells.amount_fen + cells_insert.excluded.amount_fen,
            },
        )
        self.clear_party_keys = sa.delete(t.ledger_party_keys).where(t.ledger_party_keys.c.case_id == bp("b_stream_id"))
        self.insert_party_keys = sa.insert(t.ledger_party_keys)
        self.clear_deadlines = sa.delete(t.deadlines).where(t.deadlines.c.stream_id == bp("b_stream_id"))
        self.insert_deadlines = sa.insert(t.deadlines)
        doc_insert = insert(t.documents)
        self.upsert_document = doc_insert.on_conflict_do_update(
            index_elements=[t.documents.c.kind, t.documents.c.key],
            set_={"body": doc_insert.excluded.body, "tags": doc_insert.excluded.tags},
        )
        self.clear_tags = sa.delete(t.document_tags).where(
            t.document_tags.c.kind == bp("b_kind"), t.document_tags.c.key == bp("b_key")
        )
        self.insert_tags = sa.insert(t.document_tags)
        self.insert_outbox = sa.insert(t.outbox)
        self.enqueue = insert(t.outbox).on_conflict_do_nothing(index_elements=[t.outbox.c.key])
        self.outbox_key = sa.select(t.outbox.c.key).where(t.outbox.c.key == bp("b_key"))
        self.ledger_of_party = (
            sa.select(t.ledger)
            .join(t.ledger_party_keys, t.ledger_party_keys.c.case_id == t.ledger.c.case_id)
            .where(t.ledger_party_keys.c.party_key == bp("b_key"))
        )
        reg_insert = insert(t.registry)
        self.upsert_registry = reg_insert.on_conflict_do_update(
            index_elements=[t.registry.c.section, t.registry.c.record_id], set_={"body": reg_insert.excluded.body}
        )
        self.read_stream = (
            sa.select(*_EVENT_COLUMNS)
            .where(t.events.c.stream_id == bp("b_stream_id"), t.events.c.version > bp("b_after"))
            .order_by(t.events.c.version)
        )


_EVENT_COLUMNS = (
    t.events.c.stream_id,
    t.events.c.version,
    t.events.c.event_type,
    t.events.c.schema_version,
    t.events.c.body,
    t.events.c.recorded_at,
    t.events.c.actor,
    t.events.c.prev_hash,
    t.events.c.hash,
)


def _recorded(row: Sequence[Any]) -> RecordedEvent:
    stream_id, version, event_type, schema_version, body, recorded_at, actor, prev_hash, hash_ = row
    return RecordedEvent(
        stream_id=stream_id,
        version=version,
        event_type=event_type,
        schema_version=schema_version,
        body=body,
        recorded_at=recorded_at,
        actor=actor,
        prev_hash=prev_hash,
        hash=hash_,
    )


def _deadline(row: Any) -> tuple[str, Deadline]:
    return row.stream_id, Deadline(
        kind=DeadlineKind(row.kind),
        due=row.due if isinstance(row.due, dt.date) else dt.date.fromisoformat(row.due),
        basis=row.basis,
        policy=row.policy,
        calendar=row.calendar,
        estimated=bool(row.estimated),
        ref=row.ref,
    )


def _document(row: Any) -> Document:
    return Document(kind=row.kind, key=row.key, body=row.body, tags=row.tags)


def _outbox_entry(row: Any) -> OutboxEntry:
    return OutboxEntry(
        notice=converter().structure(row.notice, Notice),
        created_at=row.created_at,
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        delivered_by=tuple(row.delivered_by),
        delivered_at=row.delivered_at,
    )


def _outbox_row(notice: Notice, created_at: dt.datetime) -> dict[str, Any]:
    return {
        "key": notice.key,
        "kind": notice.kind.value,
        "case_id": notice.case_id,
        "notice": converter().unstructure(notice),
        "created_at": created_at,
        "status": DeliveryStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": None,
        "last_error": "",
        "delivered_by": [],
        "delivered_at": None,
    }


@attrs.frozen
class _SideTables:
    """What a committed append left in the per-stream side tables, at which version, and the
    ledger row it wrote (whose statistics contribution the next append takes back)."""

    version: int
    party_keys: tuple[str, ...] | None
    deadlines: tuple[Deadline, ...]
    row: LedgerRow | None = None


SIDE_TABLE_MEMORY = 4096
"""How many streams' side-table contents a store remembers, to skip rewriting them unchanged."""


class SqlStore:
    """Streams, ledger and its statistics cells, deadlines, documents, outbox, numbers and registry
    in SQL tables.

    The store remembers, per stream, the party keys and deadlines its own last committed
    append wrote and at which version. When the next append expects that same version, no
    other writer can have touched them (versions are claimed one writer at a time), so
    unchanged keys and deadlines are not deleted and written again."""

    def __init__(self, engine: sa.Engine, *, migrate: bool = True) -> None:
        self.engine = engine
        self.where = describe(engine.url)
        self.dialect = engine.dialect.name
        self.statements = _Statements(self.dialect)
        self.hot = HotPath(self.dialect, self.statements)
        self._writer = engine.execution_options(**{WRITE: True})
        self.ledger_codec = ledger_codec()
        self._side: OrderedDict[str, _SideTables] = OrderedDict()
        self._side_lock = threading.Lock()
        if migrate:
            ensure_current(engine)

    def __repr__(self) -> str:
        return f"SqlStore({self.engine.url.render_as_string(hide_password=True)!r})"

    # -- units of work ------------------------------------------------------------------------
    def transaction(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self)

    @contextmanager
    def _reading(self) -> Iterator[sa.Connection]:
        with translated(where=self.where), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _writing(self) -> Iterator[sa.Connection]:
        with translated(where=self.where), self._writer.connect() as conn, conn.begin():
            yield conn

    def side_tables(self, stream_id: str) -> _SideTables | None:
        with self._side_lock:
            return self._side.get(stream_id)

    def wrote(self, streams: Mapping[str, _SideTables]) -> None:
        """Remember what a committed unit left in the side tables."""
        with self._side_lock:
            for stream_id, side in streams.items():
                self._side[stream_id] = side
                self._side.move_to_end(stream_id)
            while len(self._side) > SIDE_TABLE_MEMORY:
                self._side.popitem(last=False)

    # -- streams ------------------------------------------------------------------------------
    def read(self, stream_id: str) -> list[RecordedEvent]:
        with self._reading() as conn:
            return self.read_on(conn, stream_id)

    def read_on(self, conn: sa.Connection, stream_id: str) -> list[RecordedEvent]:
        rows = conn.execute(self.statements.read_stream, {"b_stream_id": stream_id, "b_after": 0})
        return [_recorded(r) for r in rows]

    def stream_ids(self) -> Iterator[str]:
        with self._reading() as conn:
            ids = conn.scalars(sa.select(t.streams.c.stream_id).order_by(t.streams.c.stream_id)).all()
        return iter(ids)

    # -- projections --------------------------------------------------------------------------
    def ledger(self, room_ids: Iterable[str] | None = None) -> Iterator[LedgerRow]:
        query = sa.select(t.ledger).order_by(t.ledger.c.case_id)
        if room_ids is not None:
            rooms = sorted(set(room_ids))
            if not rooms:
                return iter(())
            query = query.where(t.ledger.c.room_id.in_(rooms))
        return self._stream_rows(query, self.ledger_codec.decode)

    def _stream_rows(self, query: sa.Select[Any], decode: Callable[[Any], Any]) -> Iterator[Any]:
        with self._reading() as conn:
            result = conn.execution_options(yield_per=READ_BATCH).execute(query).mappings()
            for row in result:
                yield decode(row)

    def ledger_row(self, case_id: str) -> LedgerRow | None:
        with self._reading() as conn:
            row = conn.execute(sa.select(t.ledger).where(t.ledger.c.case_id == case_id)).mappings().first()
        return None if row is None else self.ledger_codec.decode(row)

    def rollups(self, room_ids: Iterable[str] | None = None, months: Iterable[str] | None = None) -> Iterator[Cell]:
        c = t.statistics_cells.c
        query = sa.select(c.room_id, c.month, c.axis, c.value, c.figure, c.cases, c.persons, c.amount_fen).where(
            c.cases != 0
        )
        for column, wanted in ((c.room_id, room_ids), (c.month, months)):
            if wanted is not None:
                values = sorted(set(wanted))
                if not values:
                    return iter(())
                query = query.where(column.in_(values))
        with self._reading() as conn:
            rows = conn.execute(query).all()
        return iter([Cell(*row[:7], from_fen(row[7])) for row in rows])

    def rollup_totals(
        self, room_ids: Iterable[str] | None = None, months: Iterable[str] | None = None
    ) -> Iterator[Cell]:
        """The cells summed in the database (two ``GROUP BY`` over the primary key's range of
        the rooms and months, in one statement), so only the summed lines are fetched."""
        c = t.statistics_cells.c
        where: list[sa.ColumnElement[bool]] = []
        for column, wanted in ((c.room_id, room_ids), (c.month, months)):
            if wanted is not None:
                values = sorted(set(wanted))
                if not values:
                    return iter(())
                where.append(column.in_(values))
        sums = (sa.func.sum(c.cases), sa.func.sum(c.persons), sa.func.sum(c.amount_fen))
        everywhere = sa.literal_column(f"'{ALL}'", sa.String)
        by_value = (
            sa.select(everywhere, everywhere, c.axis, c.value, c.figure, *sums)
            .where(*where)
            .group_by(c.axis, c.value, c.figure)
        )
        by_room_month = (
            sa.select(c.room_id, c.month, sa.literal_column(f"'{TOTAL}'", sa.String), everywhere, c.figure, *sums)
            .where(c.axis == CATEGORY, *where)
            .group_by(c.room_id, c.month, c.figure)
        )
        with self._reading() as conn:  # one statement: one snapshot
            rows = conn.execute(sa.union_all(by_value, by_room_month)).all()
        return iter([Cell(r, m, a, v, f, int(n), int(p), from_fen(fen)) for r, m, a, v, f, n, p, fen in rows if n])

    def ledger_sharing_parties(self, party_keys: Collection[str]) -> list[LedgerRow]:
        keys = sorted(set(party_keys))
        if not keys:
            return []
        dbapi = self.engine.dialect.loaded_dbapi
        with translated(dbapi, self.where):  # every intake asks this: the compiled statement on a pooled cursor
            raw = self.engine.raw_connection()
            try:
                cursor = raw.cursor()
                found: dict[str, LedgerRow] = {}
                for key in keys:
                    for row in self.hot.ledger_of_party(cursor, key):
                        found[row["case_id"]] = self.ledger_codec.decode(row)
                cursor.close()
                raw.rollback()
            except dbapi.OperationalError:
                raw.invalidate()  # lost or unusable: not back into the pool
                raise
            finally:
                raw.close()
        return [found[case_id] for case_id in sorted(found)]

    def deadlines_due(self, until: dt.date) -> list[tuple[str, Deadline]]:
        d = t.deadlines.c
        query = sa.select(t.deadlines).where(d.due <= until).order_by(d.due, d.stream_id, d.kind, d.ref)
        with self._reading() as conn:
            return [_deadline(r) for r in conn.execute(query)]

    def document(self, kind: str, key: str) -> Document | None:
        with self._reading() as conn:
            row = conn.execute(
                sa.select(t.documents).where(t.documents.c.kind == kind, t.documents.c.key == key)
            ).first()
        return None if row is None else _document(row)

    def documents(self, kind: str, tags: Mapping[str, str] | None = None) -> list[Document]:
        query = sa.select(t.documents).where(t.documents.c.kind == kind).order_by(t.documents.c.key)
        dt_ = t.document_tags.c
        for tag, value in sorted((tags or {}).items()):
            query = query.where(
                t.documents.c.key.in_(sa.select(dt_.key).where(dt_.kind == kind, dt_.tag == tag, dt_.value == value))
            )
        with self._reading() as conn:
            return [_document(r) for r in conn.execute(query)]

    # -- outbox -------------------------------------------------------------------------------
    def outbox(self, status: DeliveryStatus | None = None) -> list[OutboxEntry]:
        query = sa.select(t.outbox).order_by(t.outbox.c.id)
        if status is not None:
            query = query.where(t.outbox.c.status == status.value)
        with self._reading() as conn:
            return [_outbox_entry(r) for r in conn.execute(query)]

    def outbox_entry(self, key: str) -> OutboxEntry | None:
        with self._reading() as conn:
            row = conn.execute(sa.select(t.outbox).where(t.outbox.c.key == key)).first()
        return None if row is None else _outbox_entry(row)

    def update_outbox(self, entry: OutboxEntry, *, expected_attempts: int | None = None) -> None:
        key = entry.notice.key
        query = sa.update(t.outbox).where(t.outbox.c.key == key)
        if expected_attempts is not None:
            query = query.where(t.outbox.c.attempts == expected_attempts)
        with self._writing() as conn:
            result = conn.execute(
                query.values(
                    status=entry.status.value,
                    attempts=entry.attempts,
                    next_attempt_at=entry.next_attempt_at,
                    last_error=entry.last_error,
                    delivered_by=list(entry.delivered_by),
                    delivered_at=entry.delivered_at,
                )
            )
            if result.rowcount == 1:
                return
            stored = conn.execute(sa.select(t.outbox.c.attempts).where(t.outbox.c.key == key)).scalar()
        if stored is None:
            msg = f"no outbox entry with key {key!r}"
            raise StoreError(msg)
        msg = f"outbox entry {key!r} has {stored} attempts, not {expected_attempts}"
        raise ConcurrencyConflictError(msg)

    # -- registry -----------------------------------------------------------------------------
    def registry(self) -> Registry:
        with self._reading() as conn:
            rows = conn.execute(sa.select(t.registry)).mappings().all()
        return registry_from_rows(rows)

    def save_registry(self, registry: Registry) -> None:
        rows = registry_rows(registry)
        if not rows:
            return
        with self._writing() as conn:
            conn.execute(self.statements.upsert_registry, rows)

    # -- verification -------------------------------------------------------------------------
    def verify(self) -> list[ChainBreak]:
        """Walk every chain in stream order; a stream whose events stop short of (or run
        past) the version its head row records has lost (or gained) events at the end."""
        breaks: list[ChainBreak] = []
        with self._reading() as conn:
            heads = {
                r.stream_id: (r.version, r.head_hash)
                for r in conn.execute(sa.select(t.streams.c.stream_id, t.streams.c.version, t.streams.c.head_hash))
            }
            query = sa.select(*_EVENT_COLUMNS).order_by(t.events.c.stream_id, t.events.c.version)
            result = conn.execution_options(yield_per=READ_BATCH).execute(query)
            current: str | None = None
            batch: list[RecordedEvent] = []
            for row in result:
                record = _recorded(row)
                if record.stream_id != current:
                    if current is not None:
                        self._check_stream(current, batch, heads.pop(current, None), breaks)
                    current, batch = record.stream_id, []
                batch.append(record)
            if current is not None:
                self._check_stream(current, batch, heads.pop(current, None), breaks)
        for stream_id, head in heads.items():
            self._check_stream(stream_id, [], head, breaks)
        return sorted(breaks, key=lambda b: b.stream_id)

    @staticmethod
    def _check_stream(
        stream_id: str, records: list[RecordedEvent], head: tuple[int, str] | None, breaks: list[ChainBreak]
    ) -> None:
        found = verify_stream(stream_id, records)
        if found is None and head is not None:
            version, head_hash = head
            last = records[-1].hash if records else GENESIS_HASH
            if len(records) < version:
                found = ChainBreak(
                    stream_id=stream_id,
                    position=len(records) + 1,
                    reason=f"missing: the stream is at version {version} but its events stop at {len(records)} "
                    "(deleted)",
                )
            elif len(records) > version:
                found = ChainBreak(
                    stream_id=stream_id,
                    position=version + 1,
                    reason=f"not part of the stream, which ends at version {version} (added outside the store)",
                )
            elif last != head_hash:
                found = ChainBreak(
                    stream_id=stream_id,
                    position=len(records),
                    reason="does not match the stream's recorded head hash (replaced)",
                )
        if found is None and head is None:
            found = ChainBreak(stream_id=stream_id, position=1, reason="events of a stream the store never opened")
        if found is not None:
            breaks.append(found)

    def close(self) -> None:
        self.engine.dispose()


@attrs.define
class _Staged:
    """What a unit has appended to one stream and not yet written."""

    base: int  # the stream's version before this unit
    version: int
    head: str | None
    records: list[RecordedEvent] = attrs.field(factory=list)
    row: Mapping[str, Any] | None = None
    ledger_row: LedgerRow | None = None
    deadlines: tuple[Deadline, ...] | None = None
    created_at: dt.datetime | None = None


_Undo = tuple[dict[Any, Any], Any, Any]
"""(mapping, key, value before) — ``_ABSENT`` when the key was not there."""
_ABSENT = object()


class SqlUnitOfWork:
    """One transaction on one pooled driver connection, begun at the first statement.

    Reads and refusals happen at once (the stream's version, notice keys, the row's values are
    checked when appended); the writes are staged and written together at :meth:`commit`, the
    last projection of each stream only, with the compiled statements of ``hotpath`` on the
    driver cursor (in one pipeline on PostgreSQL). A number is drawn from a counter read (and
    locked) at its series' first use in the unit and written back at commit. A savepoint is
    therefore a copy of the staged state, and a refused step costs the database nothing."""

    def __init__(self, store: SqlStore) -> None:
        self._store = store
        self._hot = store.hot
        self._dbapi = store.engine.dialect.loaded_dbapi
        self._where = store.where
        self._raw: Any = None
        self._cursor: Any = None
        self._streams: dict[str, _Staged] = {}
        self._seen: dict[str, int] = {}  # versions read from the database in this unit
        self._documents: dict[tuple[str, str], Document] = {}
        self._rewrites: dict[str, Mapping[int, RecordedEvent]] = {}  # re-sealed stored records by version
        self._notices: list[tuple[Notice, dt.datetime, bool]] = []  # (notice, created at, enqueued)
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
            with translated(self._dbapi, self._where):
                raw = self._store.engine.raw_connection()
                try:
                    cursor = raw.cursor()
                    if self._hot.sqlite:
                        cursor.execute("BEGIN IMMEDIATE")  # take the write lock now (see engine)
                except BaseException:
                    raw.close()
                    raise
                self._raw, self._cursor = raw, cursor
        return self._cursor

    # -- reads ---------------------------------------------------------------------------------
    def read(self, stream_id: str, after: int = 0) -> list[RecordedEvent]:
        staged = self._streams.get(stream_id)
        if staged is not None and after >= staged.base:
            return [r for r in staged.records if r.version > after]
        cursor = self._begin()
        with translated(self._dbapi, self._where):
            stored = self._hot.read(cursor, stream_id, after)
        rewritten = self._rewrites.get(stream_id)
        if rewritten:
            stored = [rewritten.get(r.version, r) for r in stored]
        if staged is None:
            self._set(self._seen, stream_id, after + len(stored) if stored or after == 0 else after)
            return stored
        return [*stored, *staged.records]

    def _version(self, cursor: Any, stream_id: str) -> int:
        staged = self._streams.get(stream_id)
        if staged is not None:
            return staged.version
        if stream_id not in self._seen:
            found = self._hot.execute(cursor, self._hot.stream_version, {"b_stream_id": stream_id}).fetchone()
            self._set(self._seen, stream_id, 0 if found is None else found[0])
        return self._seen[stream_id]

    def allocate_number(self, series: str, year: int) -> int:
        key = (series, year)
        if key not in self._numbers:
            cursor = self._begin()
            with translated(self._dbapi, self._where):  # creates the counter if need be and locks it until commit
                base = self._hot.execute(cursor, self._hot.lock_number, {"b_series": series, "b_year": year})
                self._set(self._numbers, key, (base.fetchone()[0], 0))
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
        cursor = self._begin()
        stream_id, expected = batch.stream_id, batch.expected_version
        for offset, rec in enumerate(batch.records, start=1):
            if rec.stream_id != stream_id or rec.version != expected + offset:
                msg = f"record {rec.stream_id}#{rec.version} does not continue {stream_id} at version {expected}"
                raise IntegrityError(msg)
        if batch.row is not None and batch.row.case_id != stream_id:
            msg = f"ledger row of case {batch.row.case_id!r} appended to stream {stream_id!r}"
            raise IntegrityError(msg)
        row = None if batch.row is None else self._store.ledger_codec.encode(batch.row)
        with translated(self._dbapi, self._where):
            current = self._version(cursor, stream_id)
            if current != expected:
                msg = f"stream {stream_id} is at version {current}, not {expected}"
                raise ConcurrencyConflictError(msg)
            self._check_notice_keys(cursor, batch.notices)
        before = self._streams.get(stream_id)
        staged = _Staged(base=expected, version=expected, head=None) if before is None else attrs.evolve(before)
        staged.records = [*staged.records, *batch.records]
        staged.version = expected + len(batch.records)
        if batch.records:
            staged.head = batch.records[-1].hash
        if batch.row is not None:
            staged.row, staged.ledger_row = row, batch.row
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
        if batch.row is not None and batch.row.case_id != stream_id:
            msg = f"ledger row of case {batch.row.case_id!r} re-sealed with stream {stream_id!r}"
            raise IntegrityError(msg)
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
            )
            if before is not None and batch.row is None:
                staged.row, staged.ledger_row = before.row, before.ledger_row
            self._set(self._streams, stream_id, staged)
            for doc in batch.documents:
                self._set(self._documents, (doc.kind, doc.key), doc)
            if batch.log is not None:
                self.append(batch.log)

    def _check_notice_keys(self, cursor: Any, notices: Sequence[Notice]) -> None:
        """Refuse a notice key the outbox holds, this unit staged, or the batch repeats."""
        taken = {n.key for n, _, _ in self._notices}
        for notice in notices:
            if notice.key in taken or self._key_stored(cursor, notice.key):
                msg = f"notice {notice.key!r} is already in the outbox"
                raise IntegrityError(msg)
            taken.add(notice.key)

    def _key_stored(self, cursor: Any, key: str) -> bool:
        return self._hot.execute(cursor, self._hot.outbox_key, {"b_key": key}).fetchone() is not None

    def enqueue(self, notices: Sequence[Notice], created_at: dt.datetime) -> list[str]:
        cursor = self._begin()
        taken = {n.key for n, _, _ in self._notices}
        added = []
        with translated(self._dbapi, self._where):
            for notice in notices:
                if notice.key in taken or self._key_stored(cursor, notice.key):
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
            if self._cursor is not None:
                with translated(self._dbapi, self._where):
                    written = self._flush(self._cursor)
                    if self._hot.sqlite:
                        self._cursor.execute("COMMIT")  # a local file: it commits or it does not
                if not self._hot.sqlite:
                    try:
                        self._raw.commit()
                    except self._dbapi.Error as exc:  # a connection lost now may have committed
                        raise translate_commit(exc, self._dbapi, self._where) from exc
                self._store.wrote(written)
        except BaseException:
            self._abandon()
            raise
        finally:
            self._close()

    def _flush(self, cursor: Any) -> dict[str, _SideTables]:
        """Write everything staged (on PostgreSQL in one round trip); return what the side
        tables now hold per stream. A stream another writer created or moved first is a
        conflict: its insert breaks the primary key, or its move matches no row."""
        hot = self._hot
        new = [(sid, st) for sid, st in self._streams.items() if st.base == 0]
        moved = [(sid, st) for sid, st in self._streams.items() if st.base > 0]
        cells = self._cell_changes(cursor)
        with closing(self._raw.cursor()) as mover:
            failure: Exception | None = None
            try:
                with hot.pipeline(self._raw):
                    try:
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
                    raise ConcurrencyConflictError(msg) from failure
                raise failure
            conflicted = bool(moved) and mover.rowcount != len(moved)  # known once the pipeline synced
        if conflicted:
            msg = "a stream this unit appends to moved on before the unit committed"
            raise ConcurrencyConflictError(msg)
        return written

    def _cell_changes(self, cursor: Any) -> list[dict[str, Any]]:
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
                side = self._store.side_tables(sid)
                if side is not None and side.version == st.base and side.row is not None:
                    old = side.row
                else:
                    found = self._hot.ledger_row(cursor, sid)
                    old = None if found is None else self._store.ledger_codec.decode(found)
            add(changed, change(old, st.ledger_row))
        return cell_rows(changed)

    def _send(
        self,
        cursor: Any,
        mover: Any,
        new: list[tuple[str, _Staged]],
        moved: list[tuple[str, _Staged]],
        cells: list[dict[str, Any]],
    ) -> dict[str, _SideTables]:
        """The statements of :meth:`_flush`, in its pipeline on PostgreSQL."""
        hot = self._hot
        hot.executemany(
            cursor,
            hot.insert_stream,
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
        hot.executemany(
            mover,
            hot.move_stream,
            (
                {
                    "b_stream_id": sid,
                    "b_expected": st.base,
                    "b_version": st.version,
                    "b_head": st.head,
                    "b_at": st.created_at,
                }
                for sid, st in moved
            ),
        )
        written = self._write(cursor)
        hot.executemany(cursor, hot.add_cells, cells)
        return written

    def _write(self, cursor: Any) -> dict[str, _SideTables]:
        hot, store = self._hot, self._store
        hot.executemany(
            cursor,
            hot.rewrite_event,
            (
                {
                    "b_stream_id": sid,
                    "b_version": r.version,
                    "b_body": r.body,
                    "b_schema": r.schema_version,
                    "b_prev": r.prev_hash,
                    "b_hash": r.hash,
                }
                for sid, rewritten in self._rewrites.items()
                for r in rewritten.values()
            ),
        )
        hot.executemany(cursor, hot.insert_events, (e for st in self._streams.values() for e in event_rows(st.records)))
        rows = [st.row for st in self._streams.values() if st.row is not None]
        hot.executemany(cursor, hot.upsert_row, rows)
        written: dict[str, _SideTables] = {}
        clear_keys, add_keys, clear_deadlines, add_deadlines = [], [], [], []
        for sid, st in self._streams.items():
            before = store.side_tables(sid) if st.base else None
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
                add_deadlines += [_deadline_row(sid, position, d) for position, d in enumerate(deadlines, start=1)]
            written[sid] = _SideTables(
                version=st.version,
                party_keys=keys if keys is not None else (before.party_keys if before else None),
                deadlines=deadlines,
                row=st.ledger_row if st.ledger_row is not None else (before.row if before else None),
            )
        hot.executemany(cursor, hot.clear_party_keys, clear_keys)
        hot.executemany(cursor, hot.insert_party_keys, add_keys)
        hot.executemany(cursor, hot.clear_deadlines, clear_deadlines)
        hot.executemany(cursor, hot.insert_deadlines, add_deadlines)
        for doc in self._documents.values():
            tags = dict(doc.tags)
            hot.execute(cursor, hot.upsert_document, {"kind": doc.kind, "key": doc.key, "body": doc.body, "tags": tags})
            hot.execute(cursor, hot.clear_tags, {"b_kind": doc.kind, "b_key": doc.key})
            hot.executemany(
                cursor,
                hot.insert_tags,
                ({"kind": doc.kind, "key": doc.key, "tag": k, "value": v} for k, v in tags.items()),
            )
        hot.executemany(
            cursor, hot.insert_outbox, (_outbox_row(n, at) for n, at, queued in self._notices if not queued)
        )
        hot.executemany(cursor, hot.enqueue, (_outbox_row(n, at) for n, at, queued in self._notices if queued))
        hot.executemany(
            cursor,
            hot.set_number,
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
                if self._hot.sqlite:
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
                    raw.close()  # back to the pool


def _breaks_stream_key(exc: Exception) -> bool:
    """Whether a driver's integrity error is a duplicate stream or event (a racing writer)."""
    constraint = getattr(getattr(exc, "diag", None), "constraint_name", None)  # psycopg
    if constraint is not None:
        return constraint in {"pk_streams", "pk_events"}
    return "streams.stream_id" in str(exc) or "events.stream_id" in str(exc)  # sqlite3's message


def _deadline_row(stream_id: str, position: int, d: Deadline) -> dict[str, Any]:
    return {
        "stream_id": stream_id,
        "position": position,
        "kind": d.kind.value,
        "due": d.due,
        "basis": d.basis,
        "policy": d.policy,
        "calendar": d.calendar,
        "estimated": d.estimated,
        "ref": d.ref,
    }

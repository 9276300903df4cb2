"""The read side of the SQL store: every query of the committed data, by role.

Reads run as ordinary Core statements on a pooled connection (one statement, one snapshot),
except the repeat lookup, which every intake makes: it runs the compiled statement on a driver
cursor. Rows become domain values through :mod:`mediation_sqlalchemy.codecs`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from mediation_core.app.ports import DeliveryStatus, Document, OutboxEntry, RelayPosition, RelayStatus
from mediation_core.domain.reporting.ledger import LedgerRow, Outcome
from mediation_core.domain.reporting.rollups import ALL, CATEGORY, TOTAL, Cell
from mediation_core.domain.values.deadlines import Deadline
from mediation_core.domain.values.organisations import Registry
from mediation_core.records import GENESIS_HASH, NO_KEYS, ChainBreak, RecordedEvent, SealKeys, verify_stream
from mediation_sqlalchemy import tables as t
from mediation_sqlalchemy.codecs import (
    deadline_of,
    document_of,
    from_fen,
    ledger_codec,
    outbox_entry_of,
    recorded,
    registry_from_rows,
)
from mediation_sqlalchemy.errors import describe, translated
from mediation_sqlalchemy.statements import EVENT_COLUMNS, LEDGER_COLUMNS, Compiled, CursorStatements, Statements

READ_BATCH = 2_000
"""Rows fetched at a time when streaming the ledger or verifying every chain."""
IN_CHUNK = 500
"""Case ids per ``IN`` list when rows are read by id (well below every driver's parameter limit)."""


class SqlQueries:
    """The events, projections, outbox and registry roles' reads (and ``verify``) over one engine."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.where = describe(engine.url)
        self.dialect = engine.dialect.name
        self.statements = Statements(self.dialect)
        self.cursor_statements = CursorStatements(engine.dialect, self.statements)
        self.ledger_codec = ledger_codec()

    @contextmanager
    def _reading(self) -> Iterator[sa.Connection]:
        with translated(where=self.where), self.engine.connect() as conn:
            yield conn

    # -- events -------------------------------------------------------------------------------
    def read(self, stream_id: str) -> list[RecordedEvent]:
        with self._reading() as conn:
            return self.read_on(conn, stream_id)

    def read_on(self, conn: sa.Connection, stream_id: str) -> list[RecordedEvent]:
        rows = conn.execute(self.statements.read_stream, {"b_stream_id": stream_id, "b_after": 0})
        return [recorded(r) for r in rows]

    def stream_ids(self) -> Iterator[str]:
        with self._reading() as conn:
            ids = conn.scalars(sa.select(t.streams.c.stream_id).order_by(t.streams.c.stream_id)).all()
        return iter(ids)

    def verify(self, keys: SealKeys | None = None) -> list[ChainBreak]:
        """Walk every chain in stream order, each seal checked under ``keys``; a stream whose
        events stop short of (or run past) the version its head row records has lost (or
        gained) events at the end."""
        keys = keys or NO_KEYS
        breaks: list[ChainBreak] = []
        with self._reading() as conn:
            heads = {
                r.stream_id: (r.version, r.head_hash)
                for r in conn.execute(sa.select(t.streams.c.stream_id, t.streams.c.version, t.streams.c.head_hash))
            }
            query = sa.select(*EVENT_COLUMNS).order_by(t.events.c.stream_id, t.events.c.version)
            result = conn.execution_options(yield_per=READ_BATCH).execute(query)
            current: str | None = None
            batch: list[RecordedEvent] = []
            for row in result:
                record = recorded(row)
                if record.stream_id != current:
                    if current is not None:
                        _check_stream(current, batch, heads.pop(current, None), breaks, keys)
                    current, batch = record.stream_id, []
                batch.append(record)
            if current is not None:
                _check_stream(current, batch, heads.pop(current, None), breaks, keys)
        for stream_id, head in heads.items():
            _check_stream(stream_id, [], head, breaks, keys)
        return sorted(breaks, key=lambda b: b.stream_id)

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

    def ledger_rows(self, case_ids: Collection[str]) -> list[LedgerRow]:
        wanted = sorted(set(case_ids))
        found: list[LedgerRow] = []
        with self._reading() as conn:
            for start in range(0, len(wanted), IN_CHUNK):  # the primary key, a bounded IN list at a time
                chunk = wanted[start : start + IN_CHUNK]
                query = sa.select(t.ledger).where(t.ledger.c.case_id.in_(chunk)).order_by(t.ledger.c.case_id)
                found.extend(self.ledger_codec.decode(row) for row in conn.execute(query).mappings())
        return found

    def ledger_for_agenda(self, room_ids: Iterable[str], repeats_since: dt.date) -> list[LedgerRow]:
        rooms = sorted(set(room_ids))
        if not rooms:
            return []
        c = t.ledger.c
        open_cases = sa.select(t.ledger).where(c.room_id.in_(rooms), c.outcome == Outcome.OPEN.value)
        repeats = sa.select(t.ledger).where(
            c.room_id.in_(rooms), c.received_on >= repeats_since, c.repeat_of.is_not(None)
        )
        found: dict[str, LedgerRow] = {}
        with self._reading() as conn:  # (room, outcome) and (room, received_on): two index range reads
            for query in (open_cases, repeats):
                for row in conn.execute(query).mappings():
                    decoded = self.ledger_codec.decode(row)
                    found[decoded.case_id] = decoded
        return [found[case_id] for case_id in sorted(found)]

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
        self, room_ids: Iterable[str] | None = None, months: Iterable[str] | None = None, *, per_room: bool = True
    ) -> Iterator[Cell]:
        """The cells summed in the database (two ``GROUP BY`` over the primary key's range of
        the rooms and months, in one statement), so only the summed lines are fetched;
        ``per_room=False`` sums the month lines over the rooms too."""
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
        total = sa.literal_column(f"'{TOTAL}'", sa.String)
        by_room_month = (
            sa.select(c.room_id, c.month, total, everywhere, c.figure, *sums)
            .where(c.axis == CATEGORY, *where)
            .group_by(c.room_id, c.month, c.figure)
            if per_room
            else sa.select(everywhere, c.month, total, everywhere, c.figure, *sums)
            .where(c.axis == CATEGORY, *where)
            .group_by(c.month, c.figure)
        )
        with self._reading() as conn:  # one statement: one snapshot
            rows = conn.execute(sa.union_all(by_value, by_room_month)).all()
        return iter([Cell(r, m, a, v, f, int(n), int(p), from_fen(fen)) for r, m, a, v, f, n, p, fen in rows if n])

    def ledger_sharing_parties(self, party_keys: Collection[str]) -> list[LedgerRow]:
        keys = sorted(set(party_keys))
        if not keys:
            return []
        run = self.cursor_statements
        dbapi = self.engine.dialect.loaded_dbapi
        with translated(dbapi, self.where):  # every intake asks this: the compiled statement on a pooled cursor
            raw: Any = self.engine.raw_connection()
            try:
                found: dict[str, LedgerRow] = {}
                for rows in self._each(raw, run.ledger_of_party, [{"b_key": key} for key in keys]):
                    for row in rows:
                        ledger_row = self.ledger_codec.decode(dict(zip(LEDGER_COLUMNS, row, strict=True)))
                        found[ledger_row.case_id] = ledger_row
                raw.rollback()
            except dbapi.OperationalError:
                raw.invalidate()  # lost or unusable: not back into the pool
                raise
            finally:
                if raw.dbapi_connection is not None:
                    raw.close()
        return [found[case_id] for case_id in sorted(found)]

    def _each(self, raw: Any, statement: Compiled, values: list[dict[str, Any]]) -> list[list[Sequence[Any]]]:
        """The rows of ``statement`` for each of ``values``. On PostgreSQL in one round trip
        (psycopg pipelines ``executemany``, and each parameter set's rows come back as a result
        set of their own), outside a transaction: the lookups are reads, each its own snapshot
        as under READ COMMITTED anyway, so no ``BEGIN`` need travel first (ADR 0018)."""
        cursor = raw.cursor()
        try:
            if self.dialect != "postgresql":
                return [self.cursor_statements.fetch(cursor, statement, v) for v in values]
            driver = raw.driver_connection
            driver.autocommit = True
            try:
                cursor.executemany(statement.sql, [statement.bind(v) for v in values], returning=True)
                found = [statement.rows(cursor)]
                while cursor.nextset():
                    found.append(statement.rows(cursor))
            finally:
                driver.autocommit = False
            return found
        finally:
            cursor.close()

    def deadlines_due(self, until: dt.date) -> list[tuple[str, Deadline]]:
        d = t.deadlines.c
        query = sa.select(t.deadlines).where(d.due <= until).order_by(d.due, d.stream_id, d.kind, d.ref)
        with self._reading() as conn:
            return [deadline_of(r) for r in conn.execute(query)]

    def document(self, kind: str, key: str) -> Document | None:
        with self._reading() as conn:
            row = conn.execute(
                sa.select(t.documents).where(t.documents.c.kind == kind, t.documents.c.key == key)
            ).first()
        return None if row is None else document_of(row)

    def documents(self, kind: str, tags: Mapping[str, str] | None = None) -> list[Document]:
        query = sa.select(t.documents).where(t.documents.c.kind == kind).order_by(t.documents.c.key)
        dt_ = t.document_tags.c
        for tag, value in sorted((tags or {}).items()):
            query = query.where(
                t.documents.c.key.in_(sa.select(dt_.key).where(dt_.kind == kind, dt_.tag == tag, dt_.value == value))
            )
        with self._reading() as conn:
            return [document_of(r) for r in conn.execute(query)]

    # -- outbox -------------------------------------------------------------------------------
    def outbox(self, status: DeliveryStatus | None = None) -> list[OutboxEntry]:
        query = sa.select(t.outbox).order_by(t.outbox.c.id)
        if status is not None:
            query = query.where(t.outbox.c.status == status.value)
        with self._reading() as conn:
            return [outbox_entry_of(r) for r in conn.execute(query)]

    def outbox_entry(self, key: str) -> OutboxEntry | None:
        with self._reading() as conn:
            row = conn.execute(sa.select(t.outbox).where(t.outbox.c.key == key)).first()
        return None if row is None else outbox_entry_of(row)

    # -- relay positions ------------------------------------------------------------------------
    def relay_backlog(
        self, subscriber: str, now: dt.datetime | None = None, limit: int | None = None
    ) -> list[RelayPosition]:
        """The streams whose version is ahead of the subscriber's position: one join of the
        streams with the positions, which the append path never writes."""
        s, p = t.streams, t.relay_positions
        joined = s.outerjoin(p, sa.and_(p.c.stream_id == s.c.stream_id, p.c.subscriber == subscriber))
        query = (
            sa.select(s.c.stream_id, s.c.version.label("head"), *(p.c[n] for n in _POSITION_COLUMNS))
            .select_from(joined)
            .where(
                s.c.version > sa.func.coalesce(p.c.version, 0),
                sa.func.coalesce(p.c.status, RelayStatus.PENDING.value) == RelayStatus.PENDING.value,
            )
            .order_by(s.c.stream_id)
        )
        if now is not None:
            query = query.where(sa.or_(p.c.next_attempt_at.is_(None), p.c.next_attempt_at <= now))
        if limit is not None:
            query = query.limit(limit)
        with self._reading() as conn:
            return [_position_of(subscriber, r) for r in conn.execute(query)]

    def relay_positions(self, subscriber: str | None = None, status: RelayStatus | None = None) -> list[RelayPosition]:
        s, p = t.streams, t.relay_positions
        query = (
            sa.select(
                p.c.subscriber,
                p.c.stream_id,
                sa.func.coalesce(s.c.version, 0).label("head"),
                *(p.c[n] for n in _POSITION_COLUMNS),
            )
            .select_from(p.outerjoin(s, s.c.stream_id == p.c.stream_id))
            .order_by(p.c.subscriber, p.c.stream_id)
        )
        if subscriber is not None:
            query = query.where(p.c.subscriber == subscriber)
        if status is not None:
            query = query.where(p.c.status == status.value)
        with self._reading() as conn:
            return [_position_of(r.subscriber, r) for r in conn.execute(query)]

    # -- registry -----------------------------------------------------------------------------
    def registry(self) -> Registry:
        with self._reading() as conn:
            rows = conn.execute(sa.select(t.registry)).mappings().all()
        return registry_from_rows(rows)


_POSITION_COLUMNS = ("version", "status", "attempts", "next_attempt_at", "last_error")


def _position_of(subscriber: str, row: Any) -> RelayPosition:
    """A position from a row of the streams joined with the positions (all ``None``: none stored)."""
    if row.status is None:
        return RelayPosition(subscriber=subscriber, stream_id=row.stream_id, head=row.head)
    return RelayPosition(
        subscriber=subscriber,
        stream_id=row.stream_id,
        version=row.version,
        head=row.head,
        status=RelayStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
    )


def _check_stream(
    stream_id: str,
    records: list[RecordedEvent],
    head: tuple[int, str] | None,
    breaks: list[ChainBreak],
    keys: SealKeys,
) -> None:
    found = verify_stream(stream_id, records, keys)
    if found is None and head is not None:
        version, head_hash = head
        last = records[-1].hash if records else GENESIS_HASH
        if len(records) < version:
            found = ChainBreak(
                stream_id=stream_id,
                position=len(records) + 1,
                reason=f"missing: the stream is at version {version} but its events stop at {len(records)} (deleted)",
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

"""The store's statements: Core constructs over the tables, built once per store, and the
append path's statements compiled for the driver cursor.

Every command reads its stream and appends to it, so the unit of work's few statements run
millions of times. SQLAlchemy builds and compiles them once per store, for the engine's own
dialect, and a unit of work then executes the SQL text on its connection's driver cursor
(ADR 0006: ``Connection.execute`` costs about 50 µs per statement, the cursor 3 µs). The values
go through the same bind and result processors SQLAlchemy's execution would apply (each
parameter's and column's type, as the dialect implements it, the engine's JSON serialiser
included), so rows written by either path read the same through either path.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.compiler import SQLCompiler

from mediation_sqlalchemy import tables as t

EVENT_COLUMNS = (
    t.events.c.stream_id,
    t.events.c.version,
    t.events.c.event_type,
    t.events.c.schema_version,
    t.events.c.body,
    t.events.c.recorded_at,
    t.events.c.actor,
    t.events.c.prev_hash,
    t.events.c.hash,
    t.events.c.key_id,
)
"""The events table's columns in the order :func:`mediation_sqlalchemy.codecs.recorded` reads them."""

SNAPSHOT_COLUMNS = ("version", "hash", "state")
"""What :attr:`Statements.read_from_snapshot` returns after the event columns: the snapshot's
version, seal and state (``NULL`` without a snapshot; the state on its own record's row only)."""

LEDGER_COLUMNS = tuple(c.name for c in t.ledger.c)
"""The ledger table's column names in table order (a ``SELECT`` of the table returns them so)."""


class Statements:
    """The store's statements as Core constructs, built once per store for its dialect."""

    def __init__(self, dialect: str) -> None:
        insert: Callable[[sa.Table], Any] = postgresql.insert if dialect == "postgresql" else sqlite.insert
        bp = sa.bindparam
        self.insert_stream = sa.insert(t.streams)
        self.stream_version = sa.select(t.streams.c.version, t.streams.c.head_hash).where(
            t.streams.c.stream_id == bp("b_stream_id")
        )
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
            .where(
                t.streams.c.stream_id == bp("b_stream_id"),
                t.streams.c.version == bp("b_expected"),
                # the head the unit appends after (when it knows it): a stream re-sealed
                # since, at the same version, has another head
                t.streams.c.head_hash == sa.func.coalesce(bp("b_base_head", type_=sa.String), t.streams.c.head_hash),
            )
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
                key_id=bp("b_key_id"),
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
        self.rewrite_notice = (
            sa.update(t.outbox)
            .where(t.outbox.c.key == bp("b_key"))
            .values(notice=bp("b_notice", type_=t.outbox.c.notice.type))
        )
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
            sa.select(*EVENT_COLUMNS)
            .where(t.events.c.stream_id == bp("b_stream_id"), t.events.c.version > bp("b_after"))
            .order_by(t.events.c.version)
        )
        self._snapshot_statements(insert)

    def _snapshot_statements(self, insert: Callable[[sa.Table], Any]) -> None:
        """Reading a stream from its snapshot in one statement, and keeping the snapshot.

        ``read_from_snapshot`` returns the events from the snapshot's version on, each with the
        snapshot's version and seal and (on the first row only) its state; a stream without a
        snapshot in the schema asked for, or whose snapshot is past its end, returns every
        event with ``NULL`` there."""
        bp = sa.bindparam
        st, sn, ev = t.streams, t.snapshots, t.events
        # streams, then its snapshot, then the events from the snapshot's version: in this
        # order the events are a range of their primary key, not the whole stream filtered
        joined = st.outerjoin(
            sn,
            sa.and_(
                sn.c.stream_id == st.c.stream_id,
                sn.c.state_schema == bp("b_schema"),
                sn.c.version <= st.c.version,
            ),
        ).join(ev, sa.and_(ev.c.stream_id == st.c.stream_id, ev.c.version >= sa.func.coalesce(sn.c.version, 1)))
        state = sa.type_coerce(sa.case((ev.c.version == sn.c.version, sn.c.state), else_=sa.null()), sa.JSON)
        self.read_from_snapshot = (
            sa.select(*EVENT_COLUMNS, sn.c.version, sn.c.hash, state)
            .select_from(joined)
            .where(st.c.stream_id == bp("b_stream_id"))
            .order_by(ev.c.version)
        )
        snapshot_insert = insert(sn)
        self.upsert_snapshot = snapshot_insert.on_conflict_do_update(
            index_elements=[sn.c.stream_id],
            set_={c.name: snapshot_insert.excluded[c.name] for c in sn.c if c.name != "stream_id"},
        )
        self.drop_snapshot = sa.delete(sn).where(sn.c.stream_id == bp("b_stream_id"))


Process = Callable[[Any], Any]


class Compiled:
    """One statement as the driver's SQL text, with SQLAlchemy's processing of its values:
    each parameter through its type's bind processor, each column of its result through its
    type's result processor, as the dialect implements them."""

    def __init__(self, statement: sa.ClauseElement, dialect: sa.Dialect, column_keys: Sequence[str] | None = None):
        compiled = cast("SQLCompiler", statement.compile(dialect=dialect, column_keys=column_keys))
        self.sql = str(compiled)
        self.defaults = {k: v for k, v in compiled.params.items() if v is not None}
        processors: dict[str, Process | None] = {
            name: bind.type.dialect_impl(dialect).bind_processor(dialect) for name, bind in compiled.binds.items()
        }
        self._processors = [(name, p) for name, p in processors.items() if p is not None]
        self._positional = compiled.positional
        names = list(compiled.positiontup or ())
        self._take: Callable[[Mapping[str, Any]], Any] | None = None
        if len(names) > 1:
            self._take = operator.itemgetter(*names)
        elif names:
            self._take = lambda values, name=names[0]: (values[name],)
        self._at = [(i, p) for i, name in enumerate(names) if (p := processors[name]) is not None]
        columns: Iterable[Any] = getattr(statement, "exported_columns", ())
        results = [c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns]
        self._results = results if any(p is not None for p in results) else []

    def bind(self, values: Mapping[str, Any]) -> Any:
        """The driver's parameters for ``values``: a sequence for a positional paramstyle
        (SQLite's), a dict for a named one (psycopg's)."""
        if self.defaults:
            values = {**self.defaults, **values}
        if self._positional:
            if self._take is None:
                return ()
            taken = self._take(values)
            if not self._at:
                return taken
            bound = list(taken)
            for i, p in self._at:
                bound[i] = p(bound[i])
            return bound
        named = dict(values)
        for name, p in self._processors:
            if name in named:
                named[name] = p(named[name])
        return named

    def rows(self, cursor: Any) -> list[Sequence[Any]]:
        """The rows the cursor holds for this statement, each value as SQLAlchemy would return it."""
        fetched: list[Sequence[Any]] = cursor.fetchall()
        results = self._results
        if not results:
            return fetched
        return [[v if p is None else p(v) for p, v in zip(results, row, strict=True)] for row in fetched]


class CursorStatements:
    """The statements a unit of work (and the repeat lookup) runs on a driver cursor, compiled
    once for the engine's dialect, and how to run them."""

    def __init__(self, dialect: sa.Dialect, statements: Statements) -> None:
        self.sqlite = dialect.name == "sqlite"
        s = statements
        self.insert_stream = Compiled(s.insert_stream, dialect)
        self.stream_version = Compiled(s.stream_version, dialect)
        self.lock_number = Compiled(s.lock_number, dialect)
        self.set_number = Compiled(s.set_number, dialect)
        self.move_stream = Compiled(s.move_stream, dialect)
        self.insert_events = Compiled(s.insert_events, dialect)
        self.rewrite_event = Compiled(s.rewrite_event, dialect)
        self.upsert_row = Compiled(s.upsert_row, dialect)
        self.add_cells = Compiled(s.add_cells, dialect)
        self.ledger_row = Compiled(s.ledger_row, dialect)
        self.clear_party_keys = Compiled(s.clear_party_keys, dialect)
        self.insert_party_keys = Compiled(s.insert_party_keys, dialect)
        self.clear_deadlines = Compiled(s.clear_deadlines, dialect)
        self.insert_deadlines = Compiled(s.insert_deadlines, dialect)
        self.upsert_document = Compiled(s.upsert_document, dialect)
        self.clear_tags = Compiled(s.clear_tags, dialect)
        self.insert_tags = Compiled(s.insert_tags, dialect)
        outbox_columns = [c.name for c in t.outbox.c if c.name != "id"]
        self.insert_outbox = Compiled(s.insert_outbox, dialect, column_keys=outbox_columns)
        self.enqueue = Compiled(s.enqueue, dialect, column_keys=outbox_columns)
        self.outbox_key = Compiled(s.outbox_key, dialect)
        self.rewrite_notice = Compiled(s.rewrite_notice, dialect)
        self.ledger_of_party = Compiled(s.ledger_of_party, dialect)
        self.read_stream = Compiled(s.read_stream, dialect)
        self.read_from_snapshot = Compiled(s.read_from_snapshot, dialect)
        self.upsert_snapshot = Compiled(s.upsert_snapshot, dialect)
        self.drop_snapshot = Compiled(s.drop_snapshot, dialect)

    @staticmethod
    def execute(cursor: Any, statement: Compiled, values: Mapping[str, Any]) -> Any:
        cursor.execute(statement.sql, statement.bind(values))
        return cursor

    @staticmethod
    def fetch(cursor: Any, statement: Compiled, values: Mapping[str, Any]) -> list[Sequence[Any]]:
        """Run a query and return its processed rows."""
        cursor.execute(statement.sql, statement.bind(values))
        return statement.rows(cursor)

    @staticmethod
    def executemany(cursor: Any, statement: Compiled, rows: Iterable[Mapping[str, Any]]) -> None:
        bound = [statement.bind(r) for r in rows]
        if len(bound) == 1:
            cursor.execute(statement.sql, bound[0])
        elif bound:
            cursor.executemany(statement.sql, bound)

    def pipeline(self, raw: Any) -> AbstractContextManager[Any]:
        """PostgreSQL: send the statements of the block without waiting for each answer."""
        return nullcontext() if self.sqlite else raw.driver_connection.pipeline()

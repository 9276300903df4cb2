"""The append path, compiled once: Core statements rendered to SQL and run on the driver cursor.

Every command reads its stream and appends to it, so these few statements run millions of
times. SQLAlchemy builds and compiles them once per store (from the Core constructs in
``store._Statements``), and a unit of work then executes the SQL text on its connection's
driver cursor, in the transaction SQLAlchemy began. Measured on SQLite (docs/performance.md):
``Connection.execute`` costs about 50 µs per statement against 3 µs for the cursor, most of
a command's storage time. The values are adapted here the way SQLAlchemy's column types
would adapt them, so rows written by either path read the same through either path.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from mediation_core.records import RecordedEvent
from mediation_sqlalchemy import tables as t

Adapt = Callable[[Any], Any]

dumps = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))


def _sqlite_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _sqlite_moment(value: dt.datetime | None) -> str | None:
    """SQLAlchemy's SQLite DATETIME text of the UTC wall time."""
    if value is None:
        return None
    return f"{value.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S.%f}"


def _json(value: Any) -> str:
    return dumps(value)


def _identity(value: Any) -> Any:
    return value


def _sqlite_moment_out(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)


def _sqlite_date_out(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _pg_moment_out(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


class Compiled:
    """One statement as SQL text for the driver, with the values it binds by default."""

    def __init__(
        self,
        statement: sa.ClauseElement,
        dialect: sa.Dialect,
        adapters: Mapping[str, Adapt],
        column_keys: Sequence[str] | None = None,
    ) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=column_keys)
        self.sql = str(compiled)
        self.defaults = {k: v for k, v in compiled.params.items() if v is not None}
        self.adapters = {k: a for k, a in adapters.items() if a is not _identity}

    def bind(self, values: Mapping[str, Any]) -> dict[str, Any]:
        bound = {**self.defaults, **values}
        for key, adapt in self.adapters.items():
            if key in bound:
                bound[key] = adapt(bound[key])
        return bound


class HotPath:
    """The compiled append-path statements of one dialect, and how to run them."""

    def __init__(self, dialect_name: str, statements: Any) -> None:
        self.sqlite = dialect_name == "sqlite"
        dialect: sa.Dialect = (
            sqlite.dialect(paramstyle="named") if self.sqlite else postgresql.psycopg.dialect()  # type: ignore[no-untyped-call]
        )
        moment: Adapt = _sqlite_moment if self.sqlite else _identity
        date: Adapt = _sqlite_date if self.sqlite else _identity
        self.moment_out: Adapt = _sqlite_moment_out if self.sqlite else _pg_moment_out
        self.json_out: Adapt = json.loads if self.sqlite else _identity

        def adapters(table: sa.Table, renamed: Mapping[str, str] | None = None) -> dict[str, Adapt]:
            out: dict[str, Adapt] = {}
            for column in table.c:
                if isinstance(column.type, t.UTCDateTime):
                    out[column.name] = moment
                elif isinstance(column.type, sa.JSON):
                    out[column.name] = _json
                elif isinstance(column.type, sa.Date):
                    out[column.name] = date
            for key, column_name in (renamed or {}).items():
                out[key] = out.get(column_name, _identity)
            return out

        s = statements
        self.insert_stream = Compiled(s.insert_stream, dialect, adapters(t.streams))
        self.stream_version = Compiled(s.stream_version, dialect, {})
        self.lock_number = Compiled(s.lock_number, dialect, {})
        self.set_number = Compiled(s.set_number, dialect, {})
        self.move_stream = Compiled(s.move_stream, dialect, {"b_at": moment})
        self.insert_events = Compiled(s.insert_events, dialect, adapters(t.events))
        self.rewrite_event = Compiled(s.rewrite_event, dialect, {"b_body": _json})
        self.upsert_row = Compiled(s.upsert_row, dialect, adapters(t.ledger))
        self.add_cells = Compiled(s.add_cells, dialect, {})
        self._ledger_row = Compiled(s.ledger_row, dialect, {})
        self.clear_party_keys = Compiled(s.clear_party_keys, dialect, {})
        self.insert_party_keys = Compiled(s.insert_party_keys, dialect, {})
        self.clear_deadlines = Compiled(s.clear_deadlines, dialect, {})
        self.insert_deadlines = Compiled(s.insert_deadlines, dialect, adapters(t.deadlines))
        self.upsert_document = Compiled(s.upsert_document, dialect, adapters(t.documents))
        self.clear_tags = Compiled(s.clear_tags, dialect, {})
        self.insert_tags = Compiled(s.insert_tags, dialect, {})
        outbox_columns = [c.name for c in t.outbox.c if c.name != "id"]
        self.insert_outbox = Compiled(s.insert_outbox, dialect, adapters(t.outbox), column_keys=outbox_columns)
        self.enqueue = Compiled(s.enqueue, dialect, adapters(t.outbox), column_keys=outbox_columns)
        self.outbox_key = Compiled(s.outbox_key, dialect, {})
        self._ledger_of_party = Compiled(s.ledger_of_party, dialect, {})
        self._ledger_columns = [c.name for c in t.ledger.c]
        self._ledger_out: dict[str, Adapt] = {}
        if self.sqlite:
            for column in t.ledger.c:
                if isinstance(column.type, sa.JSON):
                    self._ledger_out[column.name] = json.loads
                elif isinstance(column.type, sa.Date):
                    self._ledger_out[column.name] = _sqlite_date_out
        self.read_stream = Compiled(s.read_stream, dialect, {})

    @staticmethod
    def execute(cursor: Any, statement: Compiled, values: Mapping[str, Any]) -> Any:
        cursor.execute(statement.sql, statement.bind(values))
        return cursor

    def pipeline(self, raw: Any) -> AbstractContextManager[Any]:
        """PostgreSQL: send the statements of the block without waiting for each answer."""
        return nullcontext() if self.sqlite else raw.driver_connection.pipeline()

    @staticmethod
    def executemany(cursor: Any, statement: Compiled, rows: Iterable[Mapping[str, Any]]) -> None:
        bound = [statement.bind(r) for r in rows]
        if len(bound) == 1:
            cursor.execute(statement.sql, bound[0])
        elif bound:
            cursor.executemany(statement.sql, bound)

    def ledger_of_party(self, cursor: Any, party_key: str) -> list[dict[str, Any]]:
        """The ledger rows sharing ``party_key``, as column values."""
        cursor.execute(self._ledger_of_party.sql, {"b_key": party_key})
        return self._ledger_values(cursor.fetchall())

    def ledger_row(self, cursor: Any, case_id: str) -> dict[str, Any] | None:
        """The ledger row of ``case_id`` as column values, if there is one."""
        cursor.execute(self._ledger_row.sql, {"b_case_id": case_id})
        rows = self._ledger_values(cursor.fetchall())
        return rows[0] if rows else None

    def _ledger_values(self, fetched: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
        rows = [dict(zip(self._ledger_columns, row, strict=True)) for row in fetched]
        for row in rows:
            for name, adapt in self._ledger_out.items():
                if row[name] is not None:
                    row[name] = adapt(row[name])
        return rows

    def read(self, cursor: Any, stream_id: str, after: int) -> list[RecordedEvent]:
        cursor.execute(self.read_stream.sql, {"b_stream_id": stream_id, "b_after": after})
        moment_out, json_out = self.moment_out, self.json_out
        return [
            RecordedEvent(
                stream_id=row[0],
                version=row[1],
                event_type=row[2],
                schema_version=row[3],
                body=json_out(row[4]),
                recorded_at=moment_out(row[5]),
                actor=row[6],
                prev_hash=row[7],
                hash=row[8],
            )
            for row in cursor.fetchall()
        ]


def event_rows(records: Sequence[RecordedEvent]) -> list[dict[str, Any]]:
    return [
        {
            "stream_id": r.stream_id,
            "version": r.version,
            "event_type": r.event_type,
            "schema_version": r.schema_version,
            "body": r.body,
            "recorded_at": r.recorded_at,
            "actor": r.actor,
            "prev_hash": r.prev_hash,
            "hash": r.hash,
        }
        for r in records
    ]

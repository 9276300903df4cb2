"""The SQLAlchemy store: the storage port on SQLite or PostgreSQL, through SQLAlchemy Core.

The adapter is laid out by role: the tables (:mod:`~mediation_sqlalchemy.tables`) and the
statements over them (:mod:`~mediation_sqlalchemy.statements`), row mapping
(:mod:`~mediation_sqlalchemy.codecs`), the read side (:mod:`~mediation_sqlalchemy.queries`)
and the write side, the unit of work (:mod:`~mediation_sqlalchemy.unit_of_work`). This module
puts them together: :class:`SqlStore` is the queries, units of work on the same engine, and
the two writes outside a unit (delivery bookkeeping, the registry).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from mediation_core.app.ports import OutboxEntry, RelayPosition
from mediation_core.domain.errors import ConcurrencyConflictError, StoreError
from mediation_core.domain.values.organisations import Registry
from mediation_sqlalchemy import tables as t
from mediation_sqlalchemy.codecs import registry_rows
from mediation_sqlalchemy.engine import WRITE, create_engine, normalise_url
from mediation_sqlalchemy.errors import describe, translated
from mediation_sqlalchemy.migrate import ensure_current
from mediation_sqlalchemy.queries import READ_BATCH, SqlQueries
from mediation_sqlalchemy.unit_of_work import SIDE_TABLE_MEMORY, SideTableMemory, SqlUnitOfWork

__all__ = ["READ_BATCH", "SIDE_TABLE_MEMORY", "SqlStore", "SqlUnitOfWork", "open_sqlalchemy"]


def open_sqlalchemy(url: str, *, migrate: bool = True, **engine_options: Any) -> SqlStore:
    """Open (and on first use create) the store at ``url``: ``sqlite:///path`` or a bare
    path for the embedded database, ``postgresql+psycopg://user@host/db`` for PostgreSQL.
    With ``migrate`` (the default) an empty database gets the newest schema first; one at an
    older revision is refused (``SchemaOutdatedError``: upgrade it explicitly, ``migrate.upgrade``)."""
    with translated():
        parsed = normalise_url(url)
    with translated(where=describe(parsed)):
        engine = create_engine(parsed, **engine_options)
    try:
        return SqlStore(engine, migrate=migrate)
    except BaseException:
        engine.dispose()
        raise


class SqlStore(SqlQueries):
    """Streams, ledger and its statistics cells, deadlines, documents, outbox, numbers and registry
    in SQL tables.

    The store remembers, per stream, the party keys and deadlines its own last committed
    append wrote and at which version (:class:`~mediation_sqlalchemy.unit_of_work.SideTableMemory`),
    so the next append skips rewriting them unchanged."""

    def __init__(self, engine: sa.Engine, *, migrate: bool = True) -> None:
        super().__init__(engine)
        self._writer = engine.execution_options(**{WRITE: True})
        self.side_tables = SideTableMemory()
        if migrate:
            ensure_current(engine)

    def __repr__(self) -> str:
        return f"SqlStore({self.engine.url.render_as_string(hide_password=True)!r})"

    def transaction(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self, self.side_tables)

    @contextmanager
    def _writing(self) -> Iterator[sa.Connection]:
        with translated(where=self.where), self._writer.connect() as conn, conn.begin():
            yield conn

    # -- outbox: the delivery workers' bookkeeping ---------------------------------------------
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

    # -- relay positions: the relay's bookkeeping ----------------------------------------------
    def save_relay_position(self, position: RelayPosition, *, expected: RelayPosition) -> None:
        p = t.relay_positions
        values = {
            "version": position.version,
            "status": position.status.value,
            "attempts": position.attempts,
            "next_attempt_at": position.next_attempt_at,
            "last_error": position.last_error,
        }
        mine = sa.and_(p.c.subscriber == position.subscriber, p.c.stream_id == position.stream_id)
        with self._writing() as conn:
            if (expected.version, expected.attempts) == (0, 0):
                # no stored position counts as version 0 with 0 attempts: insert it, unless a
                # relay got in first (the primary key refuses the second insert)
                try:
                    with conn.begin_nested():
                        conn.execute(
                            sa.insert(p).values(subscriber=position.subscriber, stream_id=position.stream_id, **values)
                        )
                    return
                except sa.exc.IntegrityError:
                    pass
            result = conn.execute(
                sa.update(p)
                .where(mine, p.c.version == expected.version, p.c.attempts == expected.attempts)
                .values(**values)
            )
            if result.rowcount == 1:
                return
        msg = (
            f"relay position of {position.subscriber!r} on {position.stream_id!r} is no longer at version "
            f"{expected.version} with {expected.attempts} attempts"
        )
        raise ConcurrencyConflictError(msg)

    # -- registry -----------------------------------------------------------------------------
    def save_registry(self, registry: Registry) -> None:
        rows = registry_rows(registry)
        if not rows:
            return
        with self._writing() as conn:
            conn.execute(self.statements.upsert_registry, rows)

    # -- compaction after anonymising ---------------------------------------------------------
    COMPACTED_TABLES = (
        "events",
        "streams",
        "ledger",
        "ledger_party_keys",
        "documents",
        "document_tags",
        "outbox",
        "deadlines",
    )
    """The tables a re-sealing rewrites (PostgreSQL vacuums only these)."""

    def compact(self) -> None:
        """Give back the space of rows rewritten by anonymisation, outside any transaction
        (run it after the commit). SQLite: ``VACUUM`` rebuilds the file from the live rows only
        (``secure_delete`` has zeroed the freed pages already), then a ``TRUNCATE`` checkpoint
        empties the ``-wal`` file, whose old frames still held the rows as first written.
        PostgreSQL: ``VACUUM`` of the rewritten tables removes the dead row versions."""
        with translated(where=self.where):
            if self.engine.dialect.name == "sqlite":
                raw = self.engine.raw_connection()
                try:
                    cursor = raw.cursor()
                    cursor.execute("VACUUM")
                    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    cursor.close()
                finally:
                    raw.close()
                return
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                for table in self.COMPACTED_TABLES:
                    conn.exec_driver_sql(f"VACUUM {table}")

    def release(self) -> None:
        """Close the pool's idle connections; the store stays open and the next statement
        takes a new one. For a reader of many stores (the province's report over a hundred
        counties' schemas), so that it holds no connections between reads."""
        self.engine.dispose()

    def close(self) -> None:
        self.engine.dispose()

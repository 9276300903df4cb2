"""Engines for the two supported databases, configured the way the store relies on.

SQLite: a file (created with its folder on first use), WAL journal, foreign keys on, a busy
timeout, ``secure_delete`` on (deleted and overwritten content is zeroed in the file, not just
unlinked: what anonymisation erases is gone from the pages too, whatever the build's
default), and pysqlite's own transaction handling switched off (the documented SQLAlchemy
recipe): the driver otherwise defers ``BEGIN`` and silently commits around ``SAVEPOINT``,
which once let a rolled-back savepoint's rows survive. We emit ``BEGIN`` ourselves:
``BEGIN IMMEDIATE`` for units of work, so writers queue on the database lock at their first
statement instead of failing when they upgrade a read lock; plain ``BEGIN`` for reads, which
WAL lets run beside a writer.

PostgreSQL: ``postgresql+psycopg://user@host:port/db`` (``postgresql://`` and
``postgres://`` mean the same); add ``?options=-csearch_path%3Dmyschema`` to keep the
tables in a schema of their own. A pooled connection is not pinged before use (a round trip
on every checkout, ADR 0018): it is checked without one, by looking whether the server has
closed it (a restart, ``pg_terminate_backend``, an idle timeout leave the socket readable),
and a dead one is replaced before any transaction begins on it.
"""

from __future__ import annotations

import functools
import json
import os
import select
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url

from mediation_core.app.bootstrap import ConfigurationError
from mediation_core.domain.errors import StoreError

WRITE = "mediation_write"
"""Execution option marking a connection that opens a write transaction."""

SQLITE_BUSY_TIMEOUT_S = float(os.environ.get("MEDIATION_SQLITE_BUSY_TIMEOUT", "30"))
SQLITE_SYNCHRONOUS = os.environ.get("MEDIATION_SQLITE_SYNCHRONOUS", "FULL").upper()
"""FULL (the default) makes every commit durable on power loss; NORMAL keeps the database
consistent but may lose the last commits on power loss (not on a crash of the process)."""

_json = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))


class DriverMissingError(StoreError, ConfigurationError):
    """The database's driver is not installed: a deployment's configuration to fix (the extra
    to install), not a store that failed."""


def normalise_url(url: str) -> URL:
    """A SQLAlchemy URL from what a deployment wrote: a URL, or a bare SQLite file path."""
    if "://" not in url:
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        if parsed.drivername != "sqlite":
            msg = f"SQLite is supported through the standard library driver only, not {parsed.drivername!r}"
            raise StoreError(msg)
        if not parsed.database or parsed.database == ":memory:" or parsed.database.startswith("file:"):
            msg = "the SQLite store needs a file path (an in-memory database cannot be shared by connections)"
            raise StoreError(msg)
    elif parsed.get_backend_name() != "postgresql":
        msg = f"unsupported database {parsed.get_backend_name()!r}: use sqlite:///path or postgresql+psycopg://…"
        raise StoreError(msg)
    return parsed


def create_engine(url: str | URL, *, sqlite_busy_timeout: float | None = None, **kwargs: Any) -> sa.Engine:
    """An engine for ``url`` with the settings the store depends on. ``sqlite_busy_timeout``
    (seconds; default ``$MEDIATION_SQLITE_BUSY_TIMEOUT`` or 30) is how long a SQLite writer
    waits for the database lock before giving up with an ``OperationalError``."""
    parsed = normalise_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() == "sqlite":
        timeout = SQLITE_BUSY_TIMEOUT_S if sqlite_busy_timeout is None else sqlite_busy_timeout
        return _sqlite_engine(parsed, timeout, **kwargs)
    try:
        # parameters hold parties' data: never in an error message or a log
        engine = sa.create_engine(parsed, json_serializer=_json, hide_parameters=True, **kwargs)
    except ModuleNotFoundError as exc:
        msg = (
            f"the PostgreSQL driver is not installed ({exc.name}); install the postgres extra: "
            "pip install 'mediation-core[postgres]'"
        )
        raise DriverMissingError(msg) from exc
    event.listen(engine, "checkout", _replace_if_closed)
    return engine


def _replace_if_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Refuse a pooled connection the server has closed, so the pool replaces it before any
    transaction begins on it (SQLAlchemy's documented pessimistic-disconnect recipe), without
    a round trip: the socket of an idle connection has nothing to read unless the server
    sent its last words (``terminating connection``) or closed it. The store never listens
    for notifications, so anything there (even a rare unsolicited notice) only costs a new
    connection."""
    if dbapi_connection.closed or dbapi_connection.broken:
        msg = "the pooled connection is closed"
        raise sa.exc.DisconnectionError(msg)
    try:
        readable, _, _ = select.select([dbapi_connection.pgconn.socket], [], [], 0)
    except (OSError, ValueError) as exc:
        raise sa.exc.DisconnectionError(str(exc)) from exc
    if readable:
        msg = "the server closed the pooled connection"
        raise sa.exc.DisconnectionError(msg)


def _synchronous() -> str:
    if SQLITE_SYNCHRONOUS not in {"FULL", "NORMAL", "EXTRA"}:
        msg = f"MEDIATION_SQLITE_SYNCHRONOUS must be FULL, NORMAL or EXTRA, not {SQLITE_SYNCHRONOUS!r}"
        raise StoreError(msg)
    return SQLITE_SYNCHRONOUS


def _sqlite_engine(url: URL, timeout: float, **kwargs: Any) -> sa.Engine:
    assert url.database is not None
    Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url,
        json_serializer=_json,
        hide_parameters=True,  # parameters hold parties' data: never in an error message or a log
        connect_args={"timeout": timeout, "check_same_thread": False},
        **kwargs,
    )

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see module docstring)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.execute(f"PRAGMA synchronous={_synchronous()}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")

    return engine

"""Driver errors translated into the core's storage errors (eventsourcing's discipline).

Callers of a store see only :class:`~mediation_core.domain.errors.StoreError` and its
subclasses, whatever the database: a broken constraint is an ``IntegrityError``; a database
locked by another process for longer than the store waits a ``StoreBusyError``; one that
cannot be reached, or whose connection was lost, a ``StoreUnavailableError``; a full disk a
``StoreFullError`` (all three ``OperationalError``); a PostgreSQL serialisation failure or
deadlock a ``ConcurrencyConflictError`` (reload and retry); anything else a ``StoreError``.
The message is one line that says what happened and where (the SQLite file, the PostgreSQL
server and database), then the driver's own words, with ID and phone numbers masked.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy.exc as sa_exc
from sqlalchemy.engine import URL

from mediation_core.domain.errors import (
    ConcurrencyConflictError,
    DomainError,
    IntegrityError,
    OperationalError,
    StoreBusyError,
    StoreError,
    StoreFullError,
    StoreUnavailableError,
)
from mediation_core.domain.values.privacy import mask_text

RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})  # serialization_failure, deadlock_detected
FULL_SQLSTATES = frozenset({"53100"})  # disk_full
BUSY_SQLSTATES = frozenset({"55P03"})  # lock_not_available (lock_timeout)
GONE_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})  # admin / crash shutdown, cannot connect now
DATABASE = "the database"


def describe(url: URL) -> str:
    """Where a store keeps its data, for error messages: the file or the server and database
    (never the password)."""
    if url.get_backend_name() == "sqlite":
        return f"the SQLite file {url.database}"
    host = f"{url.host or 'localhost'}:{url.port or 5432}"
    return f"the PostgreSQL database {url.database or ''} at {host}"


def translate(exc: Exception, dbapi: Any = None, where: str = DATABASE) -> DomainError:
    """The core error that stands for ``exc``, a SQLAlchemy error or an error of the
    driver module ``dbapi`` (PEP 249 names its classes the same in every driver)."""
    message = _message(exc)
    orig = exc.orig if isinstance(exc, sa_exc.DBAPIError) else exc
    if getattr(orig, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return ConcurrencyConflictError(message)
    if isinstance(exc, sa_exc.IntegrityError) or (dbapi is not None and isinstance(exc, dbapi.IntegrityError)):
        return IntegrityError(message)
    operational = isinstance(exc, sa_exc.OperationalError | sa_exc.DisconnectionError | sa_exc.TimeoutError) or (
        dbapi is not None and isinstance(exc, dbapi.OperationalError)
    )
    fault = _fault(exc, orig, operational=operational)
    if fault is not None:
        return fault(FAULT_MESSAGES[fault].format(where=where, message=message))
    if operational:
        return OperationalError(f"{where}: {message}")
    return StoreError(message)


FAULT_MESSAGES: dict[type[OperationalError], str] = {
    StoreFullError: "disk full: {where} has no space left; nothing was written, free space and run again ({message})",
    StoreBusyError: "store busy: {where} is locked by another process; nothing was written, "
    "run again once it is free ({message})",
    StoreUnavailableError: "store unavailable: {where} cannot be reached or the connection to it was lost; "
    "nothing was written, run again once it is back ({message})",
}


def _fault(exc: Exception, orig: Any, *, operational: bool) -> type[OperationalError] | None:
    """Which fault of the database ``exc`` reports, if any."""
    sqlstate = getattr(orig, "sqlstate", None) or ""
    sqlite_code = getattr(orig, "sqlite_errorname", None) or ""
    text = str(orig).lower()
    if sqlstate in FULL_SQLSTATES or sqlite_code.startswith("SQLITE_FULL") or "database or disk is full" in text:
        return StoreFullError
    if (
        sqlstate in BUSY_SQLSTATES
        or sqlite_code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))
        or "database is locked" in text
        or isinstance(exc, sa_exc.TimeoutError)  # no pooled connection came free in time
    ):
        return StoreBusyError
    if _connection_lost(exc, orig, sqlstate, sqlite_code, operational=operational):
        return StoreUnavailableError
    return None


def _connection_lost(exc: Exception, orig: Any, sqlstate: str, sqlite_code: str, *, operational: bool) -> bool:
    if isinstance(exc, sa_exc.DisconnectionError) or sqlstate.startswith("08") or sqlstate in GONE_SQLSTATES:
        return True
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    if sqlite_code.startswith("SQLITE_CANTOPEN"):
        return True
    # psycopg raises a plain OperationalError, without a SQLSTATE, when the socket is gone
    return operational and not sqlstate and type(orig).__module__.startswith("psycopg")


def translate_commit(exc: Exception, dbapi: Any = None, where: str = DATABASE) -> DomainError:
    """:func:`translate` for an error raised by the commit itself: a connection lost then
    leaves the outcome to the server (the commit may have reached it)."""
    error = translate(exc, dbapi, where)
    if not isinstance(error, StoreUnavailableError):
        return error
    return StoreUnavailableError(
        f"store unavailable: the connection to {where} was lost during the commit; the command may have been "
        f"recorded, read the case before running it again ({_message(exc)})",
        maybe_written=True,
    )


def _message(exc: Exception) -> str:
    """The driver's message on one line, with ID and phone numbers masked: a database may
    quote the row it refused ("Failing row contains …"), and the message may end up in a log."""
    if isinstance(exc, sa_exc.DBAPIError) and exc.orig is not None:
        text = f"{type(exc.orig).__name__}: {str(exc.orig).strip()}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return mask_text(" ".join(text.split()))


@contextmanager
def translated(dbapi: Any = None, where: str = DATABASE) -> Iterator[None]:
    """Re-raise SQLAlchemy errors, and errors of the driver module ``dbapi`` when given,
    as the core's errors; ``where`` names the store in the message (see :func:`describe`)."""
    caught: tuple[type[Exception], ...] = (sa_exc.SQLAlchemyError,)
    if dbapi is not None:
        caught += (dbapi.Error,)
    try:
        yield
    except caught as exc:
        raise translate(exc, dbapi, where) from exc

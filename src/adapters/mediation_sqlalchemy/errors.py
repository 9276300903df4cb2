"""Driver errors translated into the core's storage errors (eventsourcing's discipline).

Callers of a store see only :class:`~mediation_core.domain.errors.StoreError` and its
subclasses, whatever the database: a broken constraint is an ``IntegrityError``, a locked,
unreachable or full database an ``OperationalError``, a PostgreSQL serialisation failure or
deadlock a ``ConcurrencyConflictError`` (reload and retry), anything else a ``StoreError``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy.exc as sa_exc

from mediation_core.domain.errors import (
    ConcurrencyConflictError,
    DomainError,
    IntegrityError,
    OperationalError,
    StoreError,
)
from mediation_core.domain.privacy import mask_text

RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})  # serialization_failure, deadlock_detected


def translate(exc: Exception, dbapi: Any = None) -> DomainError:
    """The core error that stands for ``exc``, a SQLAlchemy error or an error of the
    driver module ``dbapi`` (PEP 249 names its classes the same in every driver)."""
    message = _message(exc)
    orig = exc.orig if isinstance(exc, sa_exc.DBAPIError) else exc
    if getattr(orig, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return ConcurrencyConflictError(message)
    if isinstance(exc, sa_exc.IntegrityError) or (dbapi is not None and isinstance(exc, dbapi.IntegrityError)):
        return IntegrityError(message)
    if isinstance(exc, sa_exc.OperationalError | sa_exc.TimeoutError | sa_exc.DisconnectionError) or (
        dbapi is not None and isinstance(exc, dbapi.OperationalError)
    ):
        return OperationalError(message)
    return StoreError(message)


def _message(exc: Exception) -> str:
    """The driver's message, with ID and phone numbers masked: a database may quote the row
    it refused ("Failing row contains …"), and the message may end up in a log."""
    if isinstance(exc, sa_exc.DBAPIError) and exc.orig is not None:
        return mask_text(f"{type(exc.orig).__name__}: {str(exc.orig).strip()}")
    return mask_text(f"{type(exc).__name__}: {exc}")


@contextmanager
def translated(dbapi: Any = None) -> Iterator[None]:
    """Re-raise SQLAlchemy errors, and errors of the driver module ``dbapi`` when given,
    as the core's errors."""
    caught: tuple[type[Exception], ...] = (sa_exc.SQLAlchemyError,)
    if dbapi is not None:
        caught += (dbapi.Error,)
    try:
        yield
    except caught as exc:
        raise translate(exc, dbapi) from exc

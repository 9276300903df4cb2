"""Every error the core raises, and the violation a refusal carries: the public path for them.

A refused command raises :class:`RuleViolationError` (every broken rule, each a
:class:`Violation` naming rule, field and legal basis) or :class:`CommandFormatError` (fields of
the wrong type); a refused actor :class:`AuthorisationError`; a stale write
:class:`ConcurrencyConflictError` (reload and retry); a store that cannot serve
:class:`OperationalError` and its kinds. In every case nothing is written.
"""

from __future__ import annotations

from mediation_core.domain.errors import (
    AuthenticationError,
    AuthorisationError,
    CalendarRangeError,
    CaseNotFoundError,
    CommandFormatError,
    ConcurrencyConflictError,
    DomainError,
    IntegrityError,
    InvalidTransitionError,
    NotFoundError,
    OperationalError,
    RuleViolationError,
    ServiceClosedError,
    StoreBusyError,
    StoreError,
    StoreFullError,
    StoreUnavailableError,
)
from mediation_core.domain.kernel.rulebook import Violation

__all__ = [
    "AuthenticationError",
    "AuthorisationError",
    "CalendarRangeError",
    "CaseNotFoundError",
    "CommandFormatError",
    "ConcurrencyConflictError",
    "DomainError",
    "IntegrityError",
    "InvalidTransitionError",
    "NotFoundError",
    "OperationalError",
    "RuleViolationError",
    "ServiceClosedError",
    "StoreBusyError",
    "StoreError",
    "StoreFullError",
    "StoreUnavailableError",
    "Violation",
]

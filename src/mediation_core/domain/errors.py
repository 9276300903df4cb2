"""The core's exceptions: every refusal names the rule, the field and the legal basis."""

from __future__ import annotations

from collections.abc import Iterable

from mediation_core.domain.kernel.rulebook import Violation
from mediation_core.domain.values.actors import Actor


class DomainError(Exception):
    """Base of every error the core raises on purpose."""


class RuleViolationError(DomainError):
    """A command broke one or more rules; ``violations`` holds all of them at once."""

    def __init__(self, violations: Iterable[Violation]) -> None:
        self.violations: tuple[Violation, ...] = tuple(violations)
        if not self.violations:
            msg = "RuleViolationError needs at least one violation"
            raise ValueError(msg)
        super().__init__(
            f"{len(self.violations)} rule violation(s):\n" + "\n".join(f"  - {v}" for v in self.violations)
        )

    @property
    def rules(self) -> frozenset[str]:
        """Names of the rules that were broken."""
        return frozenset(v.rule for v in self.violations)


class CommandFormatError(DomainError, ValueError):
    """A command is not built from the types it declares (a field missing, extra or of the wrong
    type); ``problems`` name each field by its path (``… @ $.parties[0].id_number``)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class InvalidTransitionError(DomainError):
    """An event does not fit the case's current state (the transition table forbids it)."""


class ConcurrencyConflictError(DomainError):
    """Another writer appended to the case first; reload and retry.

    ``stream_ids`` names the streams the conflict is about: the one that moved on when the
    store can tell, else every stream the refused unit wrote (empty: the store did not say)."""

    def __init__(self, message: str = "", *, stream_ids: Iterable[str] = ()) -> None:
        self.stream_ids: tuple[str, ...] = tuple(dict.fromkeys(stream_ids))
        super().__init__(message)


class NotFoundError(DomainError):
    """No stream (case, referral, 治安 case, dispatch …) with this id exists in the store."""


class CaseNotFoundError(NotFoundError):
    """No case with this id exists in the store."""


class CalendarRangeError(DomainError):
    """A working-day count ran past the calendar's published range and policy refuses."""


class AuthorisationError(DomainError):
    """The actor's role or organisational scope does not cover the command or query.

    ``actor`` is who asked, ``action`` what was refused (a command's name, a query's name)
    and ``target`` on what (a stream id, an organisation id); the service records every
    refusal in the access log. ``recorded`` is set once it has been."""

    def __init__(self, message: str, *, actor: Actor | None = None, action: str = "", target: str = "") -> None:
        super().__init__(message)
        self.actor = actor
        self.action = action
        self.target = target
        self.recorded = False


class AuthenticationError(DomainError):
    """A request's credentials are missing or do not prove who sent it (a bad signature, an
    expired token, the wrong issuer or audience): nobody is acting, so nothing is read or
    written (HTTP 401, docs/http.md)."""


class StoreError(DomainError):
    """The storage backend failed; adapters translate driver errors into this."""


class ServiceClosedError(StoreError):
    """The service (or its store) was closed by :meth:`MediationService.close`, or by the
    ``with`` block it was opened in ending: open a new one to go on."""


class IntegrityError(StoreError):
    """Stored data broke an integrity rule (a constraint, or a hash chain)."""


class OperationalError(StoreError):
    """The storage backend is unavailable (locked, disconnected, full)."""


class StoreBusyError(OperationalError):
    """Another process held the database's write lock for longer than the store waits
    (SQLite's busy timeout, a PostgreSQL lock timeout). Nothing was written: run again."""


class StoreUnavailableError(OperationalError):
    """The database could not be reached, or the connection to it was lost. Nothing was
    written, unless ``maybe_written``: the connection was lost while the commit itself was
    under way, so only the database knows; read the case before running the command again."""

    def __init__(self, message: str, *, maybe_written: bool = False) -> None:
        super().__init__(message)
        self.maybe_written = maybe_written


class StoreFullError(OperationalError):
    """The database's disk is full. Nothing was written: free space and run again."""

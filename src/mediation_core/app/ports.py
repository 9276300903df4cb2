"""The storage port: what the core needs from any store, as Protocols.

A store is a registry of named backends' products (see ``mediation_store_backends``). The
contract suite in :mod:`mediation_core.testing.storage` pins down the behaviour.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator, Sequence
from types import TracebackType
from typing import Protocol, Self

from attrs import frozen

from mediation_core.domain.deadlines import Deadline
from mediation_core.domain.ledger import LedgerRow
from mediation_core.domain.notices import Notice
from mediation_core.domain.organisations import Registry
from mediation_core.records import ChainBreak, RecordedEvent


class DeliveryStatus(enum.Enum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"  # gave up after the configured attempts


@frozen(kw_only=True)
class OutboxEntry:
    """A notice in the outbox with its delivery bookkeeping."""

    notice: Notice
    created_at: dt.datetime
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    next_attempt_at: dt.datetime | None = None
    last_error: str = ""


@frozen(kw_only=True)
class Append:
    """Everything one command writes, atomically: the new events and what they project."""

    case_id: str
    expected_version: int
    records: Sequence[RecordedEvent]
    row: LedgerRow
    deadlines: Sequence[Deadline]
    notices: Sequence[Notice]
    created_at: dt.datetime


class UnitOfWork(Protocol):
    """A transaction. Nothing is visible to others until :meth:`commit`; leaving the
    ``with`` block without committing rolls everything back, case numbers included."""

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def read(self, case_id: str) -> list[RecordedEvent]:
        """The case's stream in version order (empty when the case does not exist)."""
        ...

    def allocate_case_number(self, room_id: str, year: int) -> int:
        """The next number for the room and year: 1, 2, 3 … with no gap once committed."""
        ...

    def append(self, batch: Append) -> None:
        """Append the records after ``expected_version`` and replace the case's ledger row,
        open deadlines and add its notices. Raises ``ConcurrencyConflictError`` (and writes
        nothing) when the stream is no longer at ``expected_version``."""
        ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


class Store(Protocol):
    """A storage backend."""

    def transaction(self) -> UnitOfWork:
        """A new unit of work (use it as a context manager)."""
        ...

    def read(self, case_id: str) -> list[RecordedEvent]:
        """The committed stream of a case."""
        ...

    def case_ids(self) -> Iterator[str]:
        """Every case id, sorted."""
        ...

    def ledger(self, room_ids: Iterable[str] | None = None) -> Iterator[LedgerRow]:
        """Committed ledger rows, optionally only of the given rooms, ordered by case id."""
        ...

    def ledger_row(self, case_id: str) -> LedgerRow | None: ...

    def deadlines_due(self, until: dt.date) -> list[tuple[str, Deadline]]:
        """Open deadlines falling due on or before ``until``, by due date then case id."""
        ...

    def outbox(self, status: DeliveryStatus | None = None) -> list[OutboxEntry]:
        """Outbox entries in creation order, optionally of one status."""
        ...

    def update_outbox(self, entry: OutboxEntry) -> None:
        """Store new delivery bookkeeping for ``entry.notice.key``."""
        ...

    def registry(self) -> Registry:
        """The organisation registry as stored."""
        ...

    def save_registry(self, registry: Registry) -> None:
        """Add or replace the registry's organisations, mediators and liaisons."""
        ...

    def verify(self) -> list[ChainBreak]:
        """The first broken link of every case whose chain is broken."""
        ...

    def close(self) -> None: ...

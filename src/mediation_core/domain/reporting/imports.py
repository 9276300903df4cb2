"""Cases brought in from a ledger file kept outside the system (a room's Excel 台账).

An imported case has no events of its own, only the ledger row the file gave: its stream holds
one :class:`LedgerRowImported` event (who imported it, when, from which file and row), so the
row is stored with the same provenance and hash chain as every other record, and counts in
reports like any case.
"""

from __future__ import annotations

from typing import ClassVar

from attrs import frozen

from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.reporting.ledger import LedgerRow


@frozen(kw_only=True)
class LedgerRowImported(DomainEvent):
    """A ledger row read from ``source`` (a file name or digest) at row ``line``."""

    EVENT_TYPE: ClassVar[str] = "ledger.row_imported"
    row: LedgerRow
    source: str
    line: int


EVENT_TYPES: tuple[type[DomainEvent], ...] = (LedgerRowImported,)

"""Cases brought in from a ledger file kept outside the system (a room's Excel 台账).

An imported case has no events of its own, only the ledger row the file gave: its stream holds
one :class:`LedgerRowImported` event (who imported it, when, from which file and row, in which
batch), so the row is stored with the same provenance and hash chain as every other record, and
counts in statistics like any case.

Importing is an administrator's act, and a file can invent cases: rows of one import are a
batch (its own stream, :class:`LedgerImportRecorded`), and they count towards a mediator's
evaluation and the per-case subsidy only once a *second* administrator has approved the batch
(:class:`LedgerImportApproved`, sealed on the batch's stream like every act). Until then the
evaluation and the subsidy list leave them out and say so (:func:`held_back`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

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
    batch: str = ""


@frozen(kw_only=True)
class LedgerImportRecorded(DomainEvent):
    """A ledger file's rows were imported as batch ``batch`` (the first event of its stream):
    which cases, from which file. The sealed record holds who imported them, and when."""

    EVENT_TYPE: ClassVar[str] = "ledger.import_recorded"
    batch: str
    source: str
    case_ids: tuple[str, ...]


@frozen(kw_only=True)
class LedgerImportApproved(DomainEvent):
    """A second administrator (never the importer) vouched for batch ``batch``: from now on its
    rows count in evaluations and subsidies. The sealed record holds who approved, and when."""

    EVENT_TYPE: ClassVar[str] = "ledger.import_approved"
    batch: str


@frozen(kw_only=True)
class LedgerImportCompleted(DomainEvent):
    """The last of batch ``batch``'s ``rows`` rows was written: the rows are written a chunk to
    a transaction after the batch's record, and only a complete batch may be approved."""

    EVENT_TYPE: ClassVar[str] = "ledger.import_completed"
    batch: str
    rows: int


IMPORT_BATCH_DOCUMENT = "ledger-import"
"""The document kind a batch projects to (key: the batch id; tag ``approved``: yes or no)."""


def held_back(batches: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """The case ids of every batch not yet approved (``batches``: the batch documents' bodies):
    rows an evaluation or a subsidy list leaves out."""
    return frozenset(c for body in batches if not body.get("approved_by") for c in body.get("case_ids", ()))


EVENT_TYPES: tuple[type[DomainEvent], ...] = (
    LedgerRowImported,
    LedgerImportRecorded,
    LedgerImportCompleted,
    LedgerImportApproved,
)

"""What an append and a re-sealing must satisfy, whatever the store.

One function each, called by every store (the memory store, the SQL store, a county's own), so
all of them refuse the same batches with the same errors: a stream that moved on is a
``ConcurrencyConflictError`` (reload and retry), records or a row that do not fit the stream
and a notice key already used are an ``IntegrityError``. The functions only compare values;
the store supplies what it knows of the stream (its version, its last hash) and of the outbox.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from mediation_core.domain.errors import ConcurrencyConflictError, IntegrityError
from mediation_core.records import GENESIS_HASH, RecordedEvent, verify_stream

if TYPE_CHECKING:
    from mediation_core.app.ports import Append, Reseal, Snapshot


def check_append(batch: Append, version: int, head: str | None, taken: Callable[[str], bool]) -> None:
    """Raise what :meth:`~mediation_core.app.ports.UnitOfWork.append` raises when ``batch`` does
    not fit the stream as the unit of work sees it (committed records and the unit's own).

    ``version`` is the stream's version (0 for a new stream) and ``head`` its last hash
    (``GENESIS_HASH`` for a new stream), or ``None`` when the store cannot tell without another
    statement (the first record's link to the stream is then not checked here; a broken one is
    what :meth:`~mediation_core.app.ports.EventStore.verify` reports). ``taken(key)`` says whether
    a notice key is in the outbox or staged in the unit. In order: the version (a conflict), the
    records' stream and numbering, their hash links, the ledger row's case, the snapshot, the
    notice keys."""
    stream_id, expected = batch.stream_id, batch.expected_version
    if version != expected:
        msg = f"stream {stream_id} is at version {version}, not {expected}"
        raise ConcurrencyConflictError(msg, stream_ids=[stream_id])
    prev = head
    for offset, rec in enumerate(batch.records, start=1):
        if rec.stream_id != stream_id or rec.version != expected + offset:
            msg = f"record {rec.stream_id}#{rec.version} does not continue {stream_id} at version {expected}"
            raise IntegrityError(msg)
        if prev is not None and rec.prev_hash != prev:
            msg = f"record {stream_id}#{rec.version} is not linked to the hash of the record before it"
            raise IntegrityError(msg)
        prev = rec.hash
    if batch.row is not None and batch.row.case_id != stream_id:
        msg = f"ledger row of case {batch.row.case_id!r} appended to stream {stream_id!r}"
        raise IntegrityError(msg)
    if batch.snapshot is not None:
        check_snapshot(stream_id, batch.snapshot, expected + len(batch.records), prev)
    keys: set[str] = set()
    for notice in batch.notices:
        if notice.key in keys or taken(notice.key):
            msg = f"notice {notice.key!r} is already in the outbox"
            raise IntegrityError(msg)
        keys.add(notice.key)


def check_snapshot(stream_id: str, snapshot: Snapshot, version: int, head: str | None) -> None:
    """A snapshot written with an append or a re-sealing is of the stream as that batch leaves
    it: at its version, sealed by its last record (``head``; ``None``: not known to the store,
    the version alone is checked), and of a stream that has a record."""
    if snapshot.version != version or version < 1 or (head is not None and snapshot.hash != head):
        msg = (
            f"the snapshot of {stream_id} at version {snapshot.version} is not of the stream as the batch "
            f"leaves it (version {version})"
        )
        raise IntegrityError(msg)


def head_of(records: Sequence[RecordedEvent]) -> str:
    """The last hash of a stream read whole (``GENESIS_HASH`` when it is empty)."""
    return records[-1].hash if records else GENESIS_HASH


def _only_sealed_again(stored: Sequence[RecordedEvent], batch: Reseal) -> bool:
    """Whether ``batch`` seals the whole stream again (a new seal key) without changing a
    body, and logs it: such a re-sealing needs no record of its own in the stream."""
    return (
        batch.log is not None
        and len(batch.records) == len(stored) > 0
        and all(
            (old.body, old.schema_version) == (new.body, new.schema_version)
            for old, new in zip(stored, batch.records, strict=True)
        )
    )


def check_reseal(stored: Sequence[RecordedEvent], batch: Reseal) -> None:
    """Raise what :meth:`~mediation_core.app.ports.UnitOfWork.reseal` raises when ``batch`` does
    not fit ``stored``, the stream as the unit sees it (committed records and the unit's own).
    The re-sealing's ``log`` is an append of its own: check it with :func:`check_append`."""
    if len(stored) != batch.expected_version or head_of(stored) != batch.replaced_head:
        msg = f"stream {batch.stream_id} moved on from version {batch.expected_version} before it was re-sealed"
        raise ConcurrencyConflictError(msg, stream_ids=[batch.stream_id])
    if batch.row is not None and batch.row.case_id != batch.stream_id:
        msg = f"ledger row of case {batch.row.case_id!r} re-sealed with stream {batch.stream_id!r}"
        raise IntegrityError(msg)
    linked = bool(batch.for_case) and batch.for_case != batch.stream_id and batch.log is not None
    if len(batch.records) < batch.expected_version or (
        len(batch.records) == batch.expected_version and not linked and not _only_sealed_again(stored, batch)
    ):
        msg = f"re-sealing {batch.stream_id} must append at least one record after the rewritten ones"
        raise IntegrityError(msg)
    broken = verify_stream(batch.stream_id, batch.records)
    if broken is not None:
        msg = f"the re-sealed chain is not whole: {broken}"
        raise IntegrityError(msg)
    if batch.snapshot is not None:
        check_snapshot(batch.stream_id, batch.snapshot, len(batch.records), head_of(batch.records))
    for old, new in zip(stored, batch.records, strict=False):
        if (old.event_type, old.recorded_at, old.actor) != (new.event_type, new.recorded_at, new.actor):
            msg = f"re-sealing {batch.stream_id} may change only the body of record {old.version}"
            raise IntegrityError(msg)

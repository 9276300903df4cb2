"""Stored events: the envelope around an event body, and the hash chain over each stream.

Every stored event carries its stream id (a case id for a case), its gap-free version, when and by whom it was
recorded, and a SHA-256 hash over all of that plus the previous event's hash, so any edit,
deletion or reordering of a stored file is detectable (:func:`verify_stream`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from attrs import frozen

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of every stream's first event."""


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` in UTC; naive datetimes are rejected, never guessed."""
    if moment.tzinfo is None:
        msg = "recorded_at must be timezone-aware"
        raise ValueError(msg)
    return moment.astimezone(dt.UTC)


@frozen(kw_only=True)
class RecordedEvent:
    """One stored event of a stream (a case, a referral, a meeting …)."""

    stream_id: str
    version: int
    event_type: str
    schema_version: int
    body: Mapping[str, Any]
    recorded_at: dt.datetime
    actor: str
    prev_hash: str
    hash: str


def chain_hash(
    *,
    prev_hash: str,
    stream_id: str,
    version: int,
    event_type: str,
    schema_version: int,
    body: Mapping[str, Any],
    recorded_at: dt.datetime,
    actor: str,
) -> str:
    """SHA-256 over the canonical envelope and the previous hash."""
    envelope = {
        "prev": prev_hash,
        "stream_id": stream_id,
        "version": version,
        "type": event_type,
        "schema": schema_version,
        "body": body,
        "at": utc(recorded_at).isoformat(),
        "actor": actor,
    }
    return hashlib.sha256(canonical_json(envelope).encode()).hexdigest()


def record(
    *,
    stream_id: str,
    version: int,
    event_type: str,
    schema_version: int,
    body: Mapping[str, Any],
    recorded_at: dt.datetime,
    actor: str,
    prev_hash: str,
) -> RecordedEvent:
    """Seal one event into the chain after ``prev_hash``."""
    at = utc(recorded_at)
    return RecordedEvent(
        stream_id=stream_id,
        version=version,
        event_type=event_type,
        schema_version=schema_version,
        body=body,
        recorded_at=at,
        actor=actor,
        prev_hash=prev_hash,
        hash=chain_hash(
            prev_hash=prev_hash,
            stream_id=stream_id,
            version=version,
            event_type=event_type,
            schema_version=schema_version,
            body=body,
            recorded_at=at,
            actor=actor,
        ),
    )


@frozen(kw_only=True)
class ChainBreak:
    """The first broken link of a stream's chain: where, and what is wrong."""

    stream_id: str
    position: int
    reason: str

    def __str__(self) -> str:
        return f"stream {self.stream_id} event {self.position}: {self.reason}"


def verify_stream(stream_id: str, records: Iterable[RecordedEvent]) -> ChainBreak | None:
    """The first broken link of the stream, or ``None`` when the chain is whole.

    ``position`` is the 1-based place in the stream as read; a deleted or reordered event
    shows as a version or previous-hash mismatch there, an edited one as a hash mismatch.
    """
    prev = GENESIS_HASH
    for position, r in enumerate(records, start=1):
        if r.stream_id != stream_id:
            return ChainBreak(stream_id=stream_id, position=position, reason=f"belongs to stream {r.stream_id}")
        if r.version != position:
            return ChainBreak(
                stream_id=stream_id,
                position=position,
                reason=f"version {r.version} where {position} was expected (deleted or reordered)",
            )
        if r.prev_hash != prev:
            return ChainBreak(
                stream_id=stream_id,
                position=position,
                reason="previous-hash link broken (an earlier event was changed, deleted or moved)",
            )
        expected = chain_hash(
            prev_hash=r.prev_hash,
            stream_id=r.stream_id,
            version=r.version,
            event_type=r.event_type,
            schema_version=r.schema_version,
            body=r.body,
            recorded_at=r.recorded_at,
            actor=r.actor,
        )
        if expected != r.hash:
            return ChainBreak(stream_id=stream_id, position=position, reason="content does not match its hash (edited)")
        prev = r.hash
    return None

"""Sealing events into a stream's chain: the one place a record's seal is made, for case
files, linked records and the access and retention logs alike, with the deployment's current
seal key (:class:`~mediation_core.records.SealKeys`; none: a plain SHA-256 hash)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.values.actors import Actor
from mediation_core.records import GENESIS_HASH, RecordedEvent, SealKey, record
from mediation_core.serialization import event_body


def seal(
    stream_id: str,
    events: Sequence[DomainEvent],
    *,
    after: Sequence[RecordedEvent],
    recorded_at: dt.datetime,
    actor: Actor,
    key: SealKey | None = None,
) -> list[RecordedEvent]:
    """Chain ``events`` after the stream ``after``."""
    prev = after[-1].hash if after else GENESIS_HASH
    return seal_after(
        stream_id, events, version=len(after), prev_hash=prev, recorded_at=recorded_at, actor=actor, key=key
    )


def seal_after(
    stream_id: str,
    events: Sequence[DomainEvent],
    *,
    version: int,
    prev_hash: str,
    recorded_at: dt.datetime,
    actor: Actor,
    key: SealKey | None = None,
) -> list[RecordedEvent]:
    """Chain ``events`` after the record of ``version`` whose seal is ``prev_hash``."""
    prev = prev_hash
    out = []
    for offset, event in enumerate(events, start=version + 1):
        sealed = record(
            stream_id=stream_id,
            version=offset,
            event_type=event.EVENT_TYPE,
            schema_version=event.SCHEMA_VERSION,
            body=event_body(event),
            recorded_at=recorded_at,
            actor=str(actor),
            prev_hash=prev,
            key=key,
        )
        out.append(sealed)
        prev = sealed.hash
    return out

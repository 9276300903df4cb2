"""Anonymising an archived case file in the store: the earlier records rewritten and sealed
again, in the transaction that records ``PartiesAnonymised``, and the re-sealing logged.

See docs/adr/0008-anonymising-a-sealed-case-file.md. The decision (is the retention period
over? is the case anonymised already?) is the domain's ``AnonymiseParties``; this module turns
its event into the :class:`~mediation_core.app.ports.Reseal` a store carries out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from mediation_core.app.ports import Append, Document, Store, UnitOfWork
from mediation_core.app.sealing import seal
from mediation_core.domain.case.events import PartiesAnonymised
from mediation_core.domain.case.retention import anonymised_event, names_to_strike
from mediation_core.domain.case.state import CaseState
from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.values.access import (
    RESEAL_DOCUMENT,
    ChainResealed,
    ResealEntry,
    retention_log_stream,
)
from mediation_core.domain.values.actors import SYSTEM_ACTOR, Actor
from mediation_core.domain.values.calendar import local_date
from mediation_core.domain.values.periods import Period
from mediation_core.records import GENESIS_HASH, RecordedEvent, SealKey, record
from mediation_core.serialization import event_body, event_from_body, structure


def rechained(
    records: Sequence[RecordedEvent], prev: str = GENESIS_HASH, key: SealKey | None = None
) -> list[RecordedEvent]:
    """``records`` chained again after ``prev`` with ``key``: each keeps its stream, version,
    type, body, time and actor; only its seal (and seal key id) is new."""
    out: list[RecordedEvent] = []
    for r in records:
        sealed = record(
            stream_id=r.stream_id,
            version=r.version,
            event_type=r.event_type,
            schema_version=r.schema_version,
            body=r.body,
            recorded_at=r.recorded_at,
            actor=r.actor,
            prev_hash=prev,
            key=key,
        )
        out.append(sealed)
        prev = sealed.hash
    return out


def rewritten(
    records: Sequence[RecordedEvent], names: tuple[str, ...], key: SealKey | None = None
) -> list[RecordedEvent]:
    """The stream's records with the parties' personal data gone, chained again from the
    start: each keeps its version, type, time and actor; body and seal are new."""
    anonymised = []
    for r in records:
        event = anonymised_event(_event(r), names)
        anonymised.append(attrs.evolve(r, body=event_body(event), schema_version=event.SCHEMA_VERSION))
    return rechained(anonymised, key=key)


def reseal_batch(
    tx: UnitOfWork,
    *,
    stream_id: str,
    state: CaseState,
    stored: Sequence[RecordedEvent],
    appended: Sequence[RecordedEvent],
    now: dt.datetime,
    actor: Actor,
    key: SealKey | None = None,
) -> tuple[list[RecordedEvent], Append]:
    """The whole new stream (``stored`` rewritten, then ``appended`` re-chained after it) and
    the retention-log entry recording the re-sealing. ``state`` is the case before."""
    records = rewritten(stored, names_to_strike(state), key)
    records += rechained(appended, records[-1].hash if records else GENESIS_HASH, key)
    marker = next(e for e in map(_event, appended) if isinstance(e, PartiesAnonymised))
    entry = ChainResealed(
        case_id=stream_id,
        actor=str(actor),
        on=marker.on,
        previous_head=stored[-1].hash if stored else GENESIS_HASH,
        resealed_head=records[len(stored) - 1].hash if stored else GENESIS_HASH,
        events_rewritten=len(stored),
    )
    return records, _log_append(tx, entry, now, key)


def _event(r: RecordedEvent) -> DomainEvent:
    return event_from_body(r.event_type, r.schema_version, r.body)


def _log_append(tx: UnitOfWork, entry: ChainResealed, now: dt.datetime, key: SealKey | None = None) -> Append:
    day = local_date(now)
    log_id = retention_log_stream(day)
    before = tx.read(log_id)
    version = len(before)
    (sealed,) = seal(log_id, [entry], after=before, recorded_at=now, actor=SYSTEM_ACTOR, key=key)
    body = {
        **event_body(entry),
        "at": now.astimezone(dt.UTC).isoformat(),
        "stream_id": log_id,
        "version": sealed.version,
    }
    tags = {"case_id": entry.case_id, "day": day.isoformat(), "month": f"{day:%Y-%m}"}
    document = Document(kind=RESEAL_DOCUMENT, key=f"{day.isoformat()}:{sealed.version:08d}", body=body, tags=tags)
    return Append(
        stream_id=log_id,
        expected_version=version,
        records=[sealed],
        row=None,
        deadlines=(),
        notices=(),
        created_at=now,
        documents=(document,),
    )


def reseals(store: Store, *, period: Period | None = None, case_id: str | None = None) -> list[ResealEntry]:
    """The recorded re-sealings, oldest first, optionally of one period or case."""
    tags = {"case_id": case_id} if case_id else {}
    out = []
    for doc in store.documents(RESEAL_DOCUMENT, tags):
        if period is not None and dt.date.fromisoformat(doc.tags["day"]) not in period:
            continue
        out.append(structure(dict(doc.body), ResealEntry))
    return sorted(out, key=lambda d: (d.at, d.stream_id, d.version))

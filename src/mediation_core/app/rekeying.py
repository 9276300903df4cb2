"""Sealing every stream again with the current seal key: how chains sealed before keys were
configured (plain SHA-256), or with a key being retired, come under the current key.

Each stream is re-sealed in its own transaction through :meth:`UnitOfWork.reseal`: bodies,
times and actors stay, only seals and key ids change, and a ``ChainRekeyed`` entry in the
day's retention-log stream records the old and new heads, as an anonymisation's re-sealing
is recorded (docs/adr/0013-keyed-seals.md). Only a chain that verifies under the configured
keys (or is whole as plain SHA-256) is re-sealed: a broken chain is reported, never blessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from attrs import frozen

from mediation_core.app.catalogue import BY_NAME
from mediation_core.app.ports import Append, Document, Reseal, UnitOfWork
from mediation_core.app.retention import rechained
from mediation_core.app.runtime import ServiceBase, event_of
from mediation_core.app.sealing import seal
from mediation_core.domain.errors import IntegrityError
from mediation_core.domain.reporting.ledger import LedgerRow
from mediation_core.domain.values.access import REKEY_DOCUMENT, ChainRekeyed, retention_log_stream
from mediation_core.domain.values.actors import SYSTEM_ACTOR, Actor
from mediation_core.domain.values.calendar import local_date
from mediation_core.domain.values.deadlines import Deadline
from mediation_core.records import GENESIS_HASH, RecordedEvent, SealKey, verify_stream
from mediation_core.serialization import event_body


@frozen(kw_only=True)
class Rekeyed:
    """One stream sealed again: how many records, and the heads before and after."""

    stream_id: str
    events_rewritten: int
    previous_head: str
    resealed_head: str


def stale(records: list[RecordedEvent], key: SealKey) -> bool:
    """Whether any record of the stream is not sealed with ``key``."""
    return any(r.key_id != key.key_id for r in records)


def reseal_all(service: ServiceBase, actor: Actor) -> list[Rekeyed]:
    """Seal every stream not wholly under the current key again with it; the retention-log
    stream of today is done last, since the others' entries are appended to it."""
    key = service.seal_keys.sealing
    if key is None:
        msg = "no seal key is configured: there is no current key to seal with (未配置封存密钥)"
        raise IntegrityError(msg)
    today = retention_log_stream(local_date(service.clock()))
    ids = sorted(service.store.stream_ids(), key=lambda s: (s == today, s))
    done = []
    for stream_id in ids:
        records = service.store.read(stream_id)
        if not records or not stale(records, key):
            continue
        done.append(_reseal_one(service, stream_id, key, actor))
    return done


def _reseal_one(service: ServiceBase, stream_id: str, key: SealKey, actor: Actor) -> Rekeyed:
    now = service.clock()
    with service.store.transaction() as tx:
        stored = tx.read(stream_id)
        broken = verify_stream(stream_id, stored, service.seal_keys, accept_unkeyed=True)
        if broken is not None:
            msg = f"{broken}: a broken chain is not sealed again (链已断裂，不予重新封存)"
            raise IntegrityError(msg)
        records = rechained(stored, GENESIS_HASH, key)
        entry = ChainRekeyed(
            stream_id=stream_id,
            actor=str(actor),
            key_id=key.key_id,
            previous_head=stored[-1].hash,
            resealed_head=records[-1].hash,
            events_rewritten=len(stored),
        )
        log = _log(tx, entry, now, key)
        row: LedgerRow | None = None
        deadlines: tuple[Deadline, ...] = ()
        documents: Sequence[Document] = ()
        aggregate = BY_NAME.get(stored[0].event_type.split(".", 1)[0])
        if aggregate is not None:
            state = aggregate.replay(stream_id, [event_of(r) for r in stored])
            projection = aggregate.project(state, service.context(now), service.reading())
            row, deadlines, documents = projection.row, tuple(projection.deadlines), tuple(projection.documents)
        else:
            row, deadlines = service.store.ledger_row(stream_id), ()
        if log.stream_id == stream_id:  # today's retention log records its own re-sealing
            records += log.records
            documents, log_batch = log.documents, None
        else:
            log_batch = log
        tx.reseal(
            Reseal(
                stream_id=stream_id,
                expected_version=len(stored),
                replaced_head=stored[-1].hash,
                records=records,
                row=row,
                deadlines=deadlines,
                created_at=now,
                documents=documents,
                log=log_batch,
            )
        )
        tx.commit()
    return Rekeyed(
        stream_id=stream_id,
        events_rewritten=len(stored),
        previous_head=entry.previous_head,
        resealed_head=entry.resealed_head,
    )


def _log(tx: UnitOfWork, entry: ChainRekeyed, now: dt.datetime, key: SealKey) -> Append:
    day = local_date(now)
    log_id = retention_log_stream(day)
    before = tx.read(log_id) if log_id != entry.stream_id else rechained(tx.read(log_id), GENESIS_HASH, key)
    (sealed,) = seal(log_id, [entry], after=before, recorded_at=now, actor=SYSTEM_ACTOR, key=key)
    body = {
        **event_body(entry),
        "at": now.astimezone(dt.UTC).isoformat(),
        "log_stream_id": log_id,
        "version": sealed.version,
    }
    tags = {"stream_id": entry.stream_id, "day": day.isoformat(), "month": f"{day:%Y-%m}"}
    document = Document(kind=REKEY_DOCUMENT, key=f"{day.isoformat()}:{sealed.version:08d}", body=body, tags=tags)
    return Append(
        stream_id=log_id,
        expected_version=len(before),
        records=[sealed],
        row=None,
        deadlines=(),
        notices=(),
        created_at=now,
        documents=(document,),
    )

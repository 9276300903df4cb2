"""Anonymising an archived case file in the store: the earlier records rewritten and sealed
again, in the transaction that records ``PartiesAnonymised``, and the re-sealing logged.

See docs/adr/0008-anonymising-a-sealed-case-file.md. The decision (is the retention period
over? is the case anonymised already?) is the domain's ``AnonymiseParties``; this module turns
its event into the :class:`~mediation_core.app.ports.Reseal` s a store carries out: the case's
own, and one for every stream that names its parties (:func:`linked_streams`: its referral,
the 治安 case, dispatch or traffic record that sent it, the meetings whose agenda named it),
with the outbox notices about any of them (:func:`anonymised_notices`), in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs

from mediation_core.app.ports import Append, Document, OutboxEntry, Store, UnitOfWork
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
from mediation_core.domain.values.notices import Notice
from mediation_core.domain.values.periods import Period
from mediation_core.domain.values.privacy import personal_strings, struck_value
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
    records: Sequence[RecordedEvent],
    names: tuple[str, ...],
    *,
    erase: tuple[str, ...] = (),
    key: SealKey | None = None,
) -> list[RecordedEvent]:
    """The stream's records with the parties' personal data gone, chained again from the
    start: each keeps its version, type, time and actor; body and seal are new."""
    return _rewritten(records, lambda e: anonymised_event(e, names, erase=erase), key)


def _rewritten(
    records: Sequence[RecordedEvent], change: Callable[[DomainEvent], DomainEvent], key: SealKey | None = None
) -> list[RecordedEvent]:
    out = []
    for r in records:
        event = change(_event(r))
        out.append(attrs.evolve(r, body=event_body(event), schema_version=event.SCHEMA_VERSION))
    return rechained(out, key=key)


@attrs.frozen(kw_only=True)
class Linked:
    """A stream that names an anonymised case's parties, as the unit of work read it.
    ``shared`` streams (a meeting) name other cases too: only this case's people are struck."""

    stream_id: str
    kind: str
    stored: tuple[RecordedEvent, ...]
    shared: bool = False


def linked_streams(
    case_id: str,
    state: CaseState,
    read: Callable[[str], list[RecordedEvent]],
    meetings: Iterable[Document] = (),
) -> list[Linked]:
    """Every other stream holding the case's parties: the referral that opened it, the stream
    that issued that referral (治安 case, dispatch, traffic record), the dispatch it was settled
    on, and the meetings (``meetings``: their Documents) whose agenda named it."""
    ids = [state.referral_id, state.dispatch_id]
    if state.referral_id:
        for r in read(state.referral_id):
            origin = r.body.get("origin")
            if isinstance(origin, Mapping) and origin.get("stream_id"):
                ids.append(str(origin["stream_id"]))
    shared = [
        doc.key
        for doc in meetings
        if any(isinstance(i, Mapping) and i.get("case_id") == case_id for i in doc.body.get("agenda", ()) or ())
    ]
    out: list[Linked] = []
    seen = {case_id}
    for sid, is_shared in [*((i, False) for i in ids if i), *((k, True) for k in shared)]:
        if sid in seen:
            continue
        seen.add(sid)
        stored = read(sid)
        if stored:
            kind = stored[0].event_type.split(".", 1)[0]
            out.append(Linked(stream_id=sid, kind=kind, stored=tuple(stored), shared=is_shared))
    return out


def personal_data(state: CaseState, *streams: Sequence[RecordedEvent]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(names to strike, ID numbers, phones and addresses to erase) of everyone the case and
    its linked ``streams`` name: every party, representative, guardian and legal
    representative in any of their records (a name corrected later included), and the
    people invited to the case's sessions."""
    names, erase = personal_strings((state, [_event(r) for records in streams for r in records]))
    return tuple(dict.fromkeys((*names_to_strike(state), *names))), erase


def linked_batch(
    tx: UnitOfWork,
    link: Linked,
    *,
    case_id: str,
    names: tuple[str, ...],
    erase: tuple[str, ...],
    on: dt.date,
    now: dt.datetime,
    actor: Actor,
    key: SealKey | None = None,
) -> tuple[list[RecordedEvent], Append]:
    """A linked stream rewritten (its own records only, nothing appended: the case's file
    records the anonymisation) and the retention-log entry naming it. A shared stream keeps
    the other cases' people: only these ``names`` and ``erase`` strings go."""
    if link.shared:
        records = _rewritten(link.stored, lambda e: struck_value(e, names, erase), key)
    else:
        records = rewritten(link.stored, names, erase=erase, key=key)
    entry = ChainResealed(
        case_id=case_id,
        actor=str(actor),
        on=on,
        previous_head=link.stored[-1].hash,
        resealed_head=records[-1].hash,
        events_rewritten=len(records),
        linked_stream=link.stream_id,
    )
    return records, _log_append(tx, entry, now, key)


def anonymised_notices(
    entries: Iterable[OutboxEntry], stream_ids: Iterable[str], names: tuple[str, ...], erase: tuple[str, ...]
) -> list[Notice]:
    """The outbox notices about the case or a linked stream (by case, key or referral) with
    these people struck from their subject, body and payload; notices left unchanged are not
    returned."""
    ids = set(stream_ids)
    out = []
    for entry in entries:
        notice = entry.notice
        about = {notice.case_id, notice.key.split(":", 1)[0], notice.payload.get("referral_id", "")}
        if not about & ids:
            continue
        changed = struck_value(notice, names, erase)
        if changed != notice:
            out.append(changed)
    return out


def reseal_batch(
    tx: UnitOfWork,
    *,
    stream_id: str,
    state: CaseState,
    stored: Sequence[RecordedEvent],
    appended: Sequence[RecordedEvent],
    now: dt.datetime,
    actor: Actor,
    names: tuple[str, ...] | None = None,
    erase: tuple[str, ...] = (),
    key: SealKey | None = None,
) -> tuple[list[RecordedEvent], Append]:
    """The whole new stream (``stored`` rewritten, then ``appended`` re-chained after it) and
    the retention-log entry recording the re-sealing. ``state`` is the case before; ``names``
    and ``erase`` default to its own people (:func:`personal_data` adds the linked streams')."""
    records = rewritten(stored, names_to_strike(state) if names is None else names, erase=erase, key=key)
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

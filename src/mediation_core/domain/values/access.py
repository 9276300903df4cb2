"""The access log: every refused command or query, kept as a hash-chained record.

A refusal is an event of the day's access-log stream (``access-log:2026-05-06``), so the log is
as tamper-evident as a case file, and a Document per refusal makes it searchable by actor, role,
organisation, action and day (个人信息保护法 art. 51: access control and its records; the
query is ``MediationService.access_denials``).

The retention log is kept the same way: every re-sealing of an anonymised case file is an
event of the day's retention-log stream (``retention-log:2036-05-06``) and a Document
(``MediationService.reseals``).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from attrs import frozen

from mediation_core.domain.kernel.event import DomainEvent

ACCESS_LOG_PREFIX = "access-log:"
DENIAL_DOCUMENT = "access-denial"


@frozen(kw_only=True)
class AccessDenied(DomainEvent):
    """``actor`` (``role:id@scope``) was refused ``action`` (a command's or query's name) on
    ``target`` (a stream or organisation id), for ``reason``."""

    EVENT_TYPE: ClassVar[str] = "access.denied"
    actor: str
    actor_id: str
    role: str
    scope_id: str
    action: str
    target: str
    reason: str


@frozen(kw_only=True)
class AccessDenial:
    """One entry of the access log as the query returns it: the refusal and when it was recorded."""

    at: dt.datetime
    actor: str
    actor_id: str
    role: str
    scope_id: str
    action: str
    target: str
    reason: str
    stream_id: str
    version: int


def access_log_stream(day: dt.date) -> str:
    """The access-log stream of ``day`` (local date)."""
    return f"{ACCESS_LOG_PREFIX}{day.isoformat()}"


RETENTION_LOG_PREFIX = "retention-log:"
RESEAL_DOCUMENT = "chain-resealed"


@frozen(kw_only=True)
class ChainResealed(DomainEvent):
    """``actor`` anonymised the parties of case ``case_id``: its first ``events_rewritten``
    records were rewritten and sealed again, turning the chain whose last hash was
    ``previous_head`` into the one whose record ``events_rewritten`` has ``resealed_head``
    (个人信息保护法 art. 47). Kept in the day's retention-log stream, hash-chained like the
    access log, so an auditor sees when, by whom and from which chain a case file was
    re-sealed."""

    EVENT_TYPE: ClassVar[str] = "access.chain_resealed"
    case_id: str
    actor: str
    on: dt.date
    previous_head: str
    resealed_head: str
    events_rewritten: int
    linked_stream: str = ""
    """When not empty: the stream re-sealed with the case, not the case's own (its referral,
    治安 case, dispatch or traffic record, or a meeting whose agenda named it)."""


@frozen(kw_only=True)
class ResealEntry:
    """One entry of the retention log as the query returns it."""

    at: dt.datetime
    case_id: str
    actor: str
    on: dt.date
    previous_head: str
    resealed_head: str
    events_rewritten: int
    stream_id: str
    version: int
    linked_stream: str = ""


REKEY_DOCUMENT = "chain-rekeyed"


@frozen(kw_only=True)
class ChainRekeyed(DomainEvent):
    """``actor`` sealed stream ``stream_id`` again with the seal key ``key_id`` (its bodies
    unchanged): its first ``events_rewritten`` records, whose chain ended in
    ``previous_head``, now end in ``resealed_head``. How chains sealed before keys, or with a
    retired key, are brought under the current key (docs/adr/0013-keyed-seals.md); kept in
    the day's retention-log stream beside the anonymisation re-sealings."""

    EVENT_TYPE: ClassVar[str] = "access.chain_rekeyed"
    stream_id: str
    actor: str
    key_id: str
    previous_head: str
    resealed_head: str
    events_rewritten: int


def retention_log_stream(day: dt.date) -> str:
    """The retention-log stream of ``day`` (local date)."""
    return f"{RETENTION_LOG_PREFIX}{day.isoformat()}"


EVENT_TYPES: tuple[type[DomainEvent], ...] = (AccessDenied, ChainResealed, ChainRekeyed)

"""Writing and reading the access log (see :mod:`mediation_core.domain.values.access`).

A refusal is recorded in a transaction of its own, after the refused unit of work has been
rolled back, so a refused command leaves nothing but its entry in the log. If the store cannot
take the entry (it is down, or full), the refusal still reaches the caller and the failure is
logged; the refusal is never turned into a storage error.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

from mediation_core.app.logs import logger
from mediation_core.app.ports import Append, Document, Store
from mediation_core.app.sealing import seal_after
from mediation_core.domain.errors import AuthorisationError, ConcurrencyConflictError, StoreError
from mediation_core.domain.values.access import DENIAL_DOCUMENT, AccessDenial, AccessDenied, access_log_stream
from mediation_core.domain.values.actors import SYSTEM_ACTOR
from mediation_core.domain.values.calendar import local_date
from mediation_core.domain.values.periods import Period
from mediation_core.domain.values.privacy import mask_text
from mediation_core.records import GENESIS_HASH, SealKey
from mediation_core.serialization import structure

log = logger("mediation_core.access")

ATTEMPTS = 8
"""How often a refusal is retried when other writers append to the day's log at the same time."""


class AccessLog:
    """Appends refusals to the day's access-log stream. Remembers the head it last wrote, so
    an entry reads only what others appended since."""

    def __init__(self, store: Store, clock: Callable[[], dt.datetime], key: SealKey | None = None) -> None:
        self.store = store
        self.clock = clock
        self.key = key
        self._head: tuple[str, int, str] | None = None
        self._lock = threading.Lock()

    def record(self, error: AuthorisationError, action: str) -> None:
        """Record ``error`` (once) as a refusal of ``action``."""
        if error.recorded:
            return
        error.recorded = True
        actor = error.actor or SYSTEM_ACTOR
        event = AccessDenied(
            actor=str(actor),
            actor_id=actor.actor_id,
            role=actor.role.value,
            scope_id=actor.scope_id,
            action=action,
            target=mask_text(error.target),
            reason=mask_text(str(error)),
        )
        try:
            self._append(event)
        except StoreError as exc:
            log.error("the access log could not record a refusal of %s to %s: %s", action, actor, exc)

    def _append(self, event: AccessDenied) -> None:
        for _ in range(ATTEMPTS):
            now = self.clock()
            stream_id = access_log_stream(local_date(now))
            with self._lock:
                head = self._head if self._head and self._head[0] == stream_id else None
            try:
                with self.store.transaction() as tx:
                    version, prev = (head[1], head[2]) if head else (0, GENESIS_HASH)
                    newer = tx.read(stream_id, after=max(version - 1, 0))
                    if version and (not newer or newer[0].hash != prev):  # re-sealed since: read it whole
                        newer = tx.read(stream_id)
                    if newer:
                        version, prev = newer[-1].version, newer[-1].hash
                    (sealed,) = seal_after(
                        stream_id,
                        [event],
                        version=version,
                        prev_hash=prev,
                        recorded_at=now,
                        actor=SYSTEM_ACTOR,
                        key=self.key,
                    )
                    tx.append(
                        Append(
                            stream_id=stream_id,
                            expected_version=version,
                            records=[sealed],
                            row=None,
                            deadlines=(),
                            notices=(),
                            created_at=now,
                            documents=(_document(sealed.version, stream_id, now, event),),
                        )
                    )
                    tx.commit()
            except ConcurrencyConflictError:
                with self._lock:
                    self._head = None
                continue
            with self._lock:
                self._head = (stream_id, sealed.version, sealed.hash)
            return
        msg = f"the access log stayed busy for {ATTEMPTS} attempts"
        raise ConcurrencyConflictError(msg)


def _document(version: int, stream_id: str, at: dt.datetime, event: AccessDenied) -> Document:
    day = local_date(at)
    body = {
        "at": at.astimezone(dt.UTC).isoformat(),
        "actor": event.actor,
        "actor_id": event.actor_id,
        "role": event.role,
        "scope_id": event.scope_id,
        "action": event.action,
        "target": event.target,
        "reason": event.reason,
        "stream_id": stream_id,
        "version": version,
    }
    tags = {
        "actor_id": event.actor_id,
        "role": event.role,
        "scope_id": event.scope_id,
        "action": event.action,
        "day": day.isoformat(),
        "month": f"{day:%Y-%m}",
    }
    return Document(kind=DENIAL_DOCUMENT, key=f"{day.isoformat()}:{version:08d}", body=body, tags=tags)


def denials(
    store: Store, *, period: Period | None = None, actor_id: str | None = None, role: str | None = None
) -> list[AccessDenial]:
    """The recorded refusals, oldest first, optionally of one period, actor or role."""
    tags = {k: v for k, v in (("actor_id", actor_id), ("role", role)) if v}
    out = []
    for doc in store.documents(DENIAL_DOCUMENT, tags):
        if period is not None and dt.date.fromisoformat(doc.tags["day"]) not in period:
            continue
        out.append(structure(dict(doc.body), AccessDenial))
    return sorted(out, key=lambda d: (d.at, d.stream_id, d.version))

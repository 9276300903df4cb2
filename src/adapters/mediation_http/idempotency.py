"""``Idempotency-Key``: a retried write returns the first result and writes nothing twice,
across threads, processes and servers sharing one store.

The key is kept in the store, in the transaction of the command itself: a bulk unit draws the
next number of the series ``idempotency/<digest>`` (the store locks a number series until
commit, so a second writer with the same key waits for the first) and files a Document under
:func:`~mediation_core.app.ports.service_record_stream` with the request's digest and where the
command left its stream. Number 1 means nobody has committed under the key: the command runs
and both are committed together, or neither. A later number means the first request committed:
its record is read and its answer rebuilt from the stream at the recorded version. A refused
request commits nothing, so its retry is decided afresh. The digest is of the actor and the
key, so two actors' keys never meet; a key reused with another body is refused (422).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from typing import Any

from mediation_core.app.commands import Bulk
from mediation_core.app.ports import Append, Document, service_record_stream
from mediation_core.app.service import MediationService
from mediation_core.domain.errors import ConcurrencyConflictError
from mediation_core.domain.values.actors import Actor
from mediation_core.serialization import command_to_json
from mediation_http.commands import Written
from mediation_http.problems import Problem

KIND = "idempotency"
"""The service records' kind: the Document kind and the number series' prefix."""
MAX_KEY = 255


def check_key(key: str) -> str:
    """An ``Idempotency-Key`` header: 1 to 255 visible ASCII characters."""
    if not 0 < len(key) <= MAX_KEY or not all(33 <= ord(ch) <= 126 for ch in key.strip('"')):
        detail = f"Idempotency-Key: 1 to {MAX_KEY} visible ASCII characters (a UUID, say)"
        raise Problem(400, "bad idempotency key", detail)
    return key.strip('"')


def digest(actor: Actor, key: str) -> str:
    return hashlib.sha256(f"{actor}\n{key}".encode()).hexdigest()


def request_digest(command: Any, if_match: str | None) -> str:
    """What makes two requests the same request: the command (as ``command_to_json`` writes it,
    so that a retry serialised with other spacing or key order is the same request) and the
    ``If-Match`` it carried."""
    canonical = json.dumps(command_to_json(command), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{if_match or ''}\n{canonical}".encode()).hexdigest()


class Keys:
    """Commands run once per (actor, key) against one service's store."""

    def __init__(self, service: MediationService) -> None:
        self.service = service
        self._lock = threading.Lock()
        self._held: dict[str, threading.Lock] = {}
        """A lock per key, so that this process's threads queue for a key before the store's
        number lock does it across processes (the store's lock alone is what is relied on)."""

    def run(
        self, actor: Actor, key: str, request: str, work: Callable[[Bulk], tuple[Written, Any]]
    ) -> tuple[Written, Any | None]:
        """``work`` in a bulk unit with the key's record, or the first result under the key:
        ``(written, state)`` for a fresh run, ``(written, None)`` for a replay."""
        ident = digest(actor, key)
        stored = self._stored(ident, request)
        if stored is not None:
            return stored, None
        with self._key_lock(ident):
            try:
                with self.service.bulk() as batch:
                    if batch.unit.allocate_number(f"{KIND}/{ident}", 0) > 1:
                        raise _Taken
                    result, state = work(batch)
                    batch.unit.append(self._record(ident, request, actor, result))
            except _Taken:
                pass
            except ConcurrencyConflictError:
                if self._stored(ident, request) is None:
                    raise
            else:
                return result, state
        stored = self._stored(ident, request)
        if stored is None:  # pragma: no cover - a taken key's record is committed before the number moves
            msg = "the idempotency key's record is missing"
            raise ConcurrencyConflictError(msg)
        return stored, None

    def _key_lock(self, ident: str) -> threading.Lock:
        with self._lock:
            if len(self._held) > 10_000:
                self._held = {k: v for k, v in self._held.items() if v.locked()}
            return self._held.setdefault(ident, threading.Lock())

    def _record(self, ident: str, request: str, actor: Actor, result: Written) -> Append:
        now = self.service.clock()
        document = Document(
            kind=KIND,
            key=ident,
            body={
                "request": request,
                "actor": str(actor),
                "command": result.command,
                "aggregate": result.aggregate,
                "stream_id": result.stream_id,
                "version": result.version,
                "recorded_at": now.isoformat(),
            },
            tags={"actor": actor.actor_id},
        )
        return Append.new_documents(service_record_stream(KIND, ident), (document,), now)

    def _stored(self, ident: str, request: str) -> Written | None:
        document = self.service.store.document(KIND, ident)
        if document is None:
            return None
        body = document.body
        if body.get("request") != request:
            detail = "this Idempotency-Key was used for another request (another body or If-Match); use a new key"
            raise Problem(422, "idempotency key reused", detail)
        return Written(
            command=str(body["command"]),
            aggregate=str(body["aggregate"]),
            stream_id=str(body["stream_id"]),
            version=int(body["version"]),
        )


class _Taken(Exception):  # noqa: N818 - a signal inside the unit, never raised out of it
    """Another request committed under the key first."""

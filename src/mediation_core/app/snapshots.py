"""Snapshots: a stream's folded state kept with the stream, so that a service that does not
remember the stream reads and folds only the records after it (docs/adr/0017-snapshots.md).

A snapshot is the state unstructured by the project's converter, under a schema that names the
aggregate and fingerprints everything a stored state depends on: the state class's field
layout (every attrs class and enum it reaches) and the schema version of each of the
aggregate's event types (a new upcaster raises one). A changed class or upcaster therefore
changes the schema, and every older snapshot is passed over and written again on the next
append. A snapshot is used only when its schema is the current one, the record at its version
still carries its seal and it structures back into a state of that version; otherwise the
stream is folded from its records, as without snapshots.
"""

from __future__ import annotations

import enum
import hashlib
import threading
import typing
from typing import Any

import attrs

from mediation_core.app.aggregates import AggregateType
from mediation_core.app.ports import Snapshot
from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.serialization import structure, unstructure

SNAPSHOT_EVERY = 1
"""Write a stream's snapshot once this many records were appended since its last one: with
every append (ADR 0017 measures why; a service's ``snapshot_every`` may raise it)."""

FORMAT = "1"
"""The encoding of snapshots itself; raised if :func:`encode` ever changes how it writes them."""

_schemas: dict[str, str] = {}
_lock = threading.Lock()


def state_type(aggregate: AggregateType) -> type:
    """The class of the aggregate's folded state: what its fold's ``start`` returns."""
    start = aggregate.lifecycle.fold.start
    returned = typing.get_type_hints(start).get("return")
    if not (isinstance(returned, type) and attrs.has(returned)):
        msg = f"{aggregate.name}: the fold's start must be annotated with the attrs class it returns"
        raise TypeError(msg)
    return returned


def _layout(tp: Any, seen: set[Any], out: list[str]) -> None:
    """Append to ``out`` what a stored value of type ``tp`` depends on, depth first."""
    if tp in seen:
        return
    try:
        seen.add(tp)
    except TypeError:  # pragma: no cover - every annotation the domain uses is hashable
        return
    if isinstance(tp, type) and attrs.has(tp):
        hints = typing.get_type_hints(tp)
        fields = [(f.name, hints.get(f.name, f.type)) for f in attrs.fields(tp)]
        out.append(f"{tp.__module__}.{tp.__qualname__}(" + ", ".join(f"{n}: {t!r}" for n, t in fields) + ")")
        for _, field_type in fields:
            _layout(field_type, seen, out)
    elif isinstance(tp, type) and issubclass(tp, enum.Enum):
        out.append(f"{tp.__module__}.{tp.__qualname__}{[m.value for m in tp]!r}")
    for arg in typing.get_args(tp):
        _layout(arg, seen, out)


def schema_of(aggregate: AggregateType) -> str:
    """The aggregate's snapshot schema: its name and a digest of the state layout and the event
    schema versions (computed once per process)."""
    with _lock:
        known = _schemas.get(aggregate.name)
    if known is not None:
        return known
    parts = [FORMAT]
    _layout(state_type(aggregate), set(), parts)
    events: tuple[type[DomainEvent], ...] = aggregate.lifecycle.event_types
    parts += sorted(f"{e.EVENT_TYPE}@{e.SCHEMA_VERSION}" for e in events)
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
    schema = f"{aggregate.name}/{digest}"
    with _lock:
        _schemas[aggregate.name] = schema
    return schema


def encode(aggregate: AggregateType, state: Any, version: int, head: str) -> Snapshot:
    """The snapshot of ``state``, the fold of the stream up to ``version`` sealed by ``head``."""
    return Snapshot(version=version, hash=head, schema=schema_of(aggregate), state=unstructure(state))


def decode(aggregate: AggregateType, snapshot: Snapshot) -> Any | None:
    """The state a snapshot holds, or ``None`` when it cannot be trusted: another schema, a body
    that does not structure into the state class, or a state of another version."""
    if snapshot.schema != schema_of(aggregate) or snapshot.version < 1:
        return None
    try:
        state = structure(snapshot.state, state_type(aggregate))
    except Exception:  # noqa: BLE001 - a damaged snapshot is passed over, never trusted: the records decide
        return None
    if getattr(state, "version", snapshot.version) != snapshot.version:
        return None
    return state

"""Row mapping: domain values to table rows and back, one function per direction and table.

The rows are column values as SQLAlchemy's types take and give them (Python dates, aware UTC
moments, JSON-ready values), whichever path ran the statement: Core execution, or the unit of
work's compiled statements on the driver cursor, which apply the same processors
(:mod:`mediation_sqlalchemy.statements`). So one decoder serves both, for events above all
(:func:`recorded`).

The ledger codec is built from :class:`LedgerRow`'s field types, so a field added to the row
needs only a column (and a migration), not new code: enums go in as their value, tuples of
strings as JSON arrays, amounts as whole fen. Registry sections are the mapping fields of
:class:`Registry`, each stored as JSON records through the core's one converter.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from mediation_core.app.ports import DeliveryStatus, Document, OutboxEntry
from mediation_core.domain.errors import IntegrityError
from mediation_core.domain.reporting.ledger import LedgerRow
from mediation_core.domain.reporting.rollups import CellKey
from mediation_core.domain.reporting.statistics import Tally
from mediation_core.domain.values.deadlines import Deadline, DeadlineKind
from mediation_core.domain.values.notices import Notice
from mediation_core.domain.values.organisations import Registry
from mediation_core.records import RecordedEvent
from mediation_core.serialization import converter

COLUMN_OF = {"amount_involved": "amount_fen"}
"""Ledger fields stored under another column name (with another unit)."""

FEN = Decimal(100)

Encode = Callable[[Any], Any]
Decode = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


def _to_fen(value: Decimal) -> int:
    fen = value * FEN
    if fen != fen.to_integral_value():
        msg = f"amount_involved: {value} is not a whole number of fen (at most 2 decimal places)"
        raise IntegrityError(msg)
    return int(fen)


def from_fen(value: int) -> Decimal:
    return (Decimal(value) / FEN).quantize(Decimal("0.01"))


def cell_rows(cells: Mapping[CellKey, Tally]) -> list[dict[str, Any]]:
    """Statistics cells as rows of ``statistics_cells``, in key order (concurrent writers
    adding to the same cells then lock them in the same order)."""
    return [
        {
            "room_id": key.room_id,
            "month": key.month,
            "axis": key.axis,
            "value": key.value,
            "figure": key.figure,
            "cases": tally.cases,
            "persons": tally.persons,
            "amount_fen": _to_fen(tally.amount),
        }
        for key, tally in sorted(cells.items())
    ]


def _from_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _codec_for(tp: Any) -> tuple[Encode, Decode]:
    """(to column, from column) for one field type; ``None`` passes through both ways."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in args if a is not type(None)]
        enc, dec = _codec_for(inner)
        return (lambda v: None if v is None else enc(v)), (lambda v: None if v is None else dec(v))
    if origin is tuple:
        return list, tuple
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return (lambda v: v.value), tp
    if tp is Decimal:
        return _to_fen, from_fen
    if tp is dt.date:
        return _identity, _from_date
    if tp in (str, int, bool):
        return _identity, _identity
    msg = f"no column codec for ledger field type {tp!r}"
    raise TypeError(msg)


@attrs.frozen
class LedgerCodec:
    """Encodes a :class:`LedgerRow` into a column dict and decodes it back."""

    fields: tuple[tuple[str, str, Encode, Decode], ...]

    @classmethod
    def build(cls) -> LedgerCodec:
        hints = typing.get_type_hints(LedgerRow)
        out = []
        for f in attrs.fields(LedgerRow):
            enc, dec = _codec_for(hints[f.name])
            out.append((f.name, COLUMN_OF.get(f.name, f.name), enc, dec))
        return cls(tuple(out))

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(column for _, column, _, _ in self.fields)

    def encode(self, row: LedgerRow) -> dict[str, Any]:
        return {column: enc(getattr(row, name)) for name, column, enc, _ in self.fields}

    def decode(self, values: Mapping[Any, Any]) -> LedgerRow:
        """The row from its columns; a column a later revision added is left to the row's
        default when the table does not have it yet (a migration reading the older shape)."""
        return LedgerRow(**{name: dec(values[column]) for name, column, _, dec in self.fields if column in values})


@functools.cache
def ledger_codec() -> LedgerCodec:
    return LedgerCodec.build()


def registry_sections() -> dict[str, type]:
    """Registry field name → record type, from the Registry's mapping fields."""
    hints = typing.get_type_hints(Registry)
    return {f.name: typing.get_args(hints[f.name])[1] for f in attrs.fields(Registry)}


def registry_rows(registry: Registry) -> list[dict[str, Any]]:
    """One row per record of every section."""
    conv = converter()
    rows = []
    for section in registry_sections():
        for record_id, record in getattr(registry, section).items():
            rows.append({"section": section, "record_id": record_id, "body": conv.unstructure(record)})
    return rows


def registry_from_rows(rows: typing.Iterable[Mapping[Any, Any]]) -> Registry:
    conv = converter()
    sections = registry_sections()
    found: dict[str, dict[str, Any]] = {name: {} for name in sections}
    for row in rows:
        section = sections.get(row["section"])
        if section is None:
            continue  # a section written by a newer version of the core; this one cannot read it
        found[row["section"]][row["record_id"]] = conv.structure(row["body"], section)
    return Registry(**found)


# -- events ---------------------------------------------------------------------------------------
def recorded(row: Sequence[Any]) -> RecordedEvent:
    """The event of a row of :data:`~mediation_sqlalchemy.statements.EVENT_COLUMNS`."""
    stream_id, version, event_type, schema_version, body, recorded_at, actor, prev_hash, hash_, key_id = row
    return RecordedEvent(
        stream_id=stream_id,
        version=version,
        event_type=event_type,
        schema_version=schema_version,
        body=body,
        recorded_at=recorded_at,
        actor=actor,
        prev_hash=prev_hash,
        hash=hash_,
        key_id=key_id,
    )


def event_rows(records: Sequence[RecordedEvent]) -> list[dict[str, Any]]:
    return [
        {
            "stream_id": r.stream_id,
            "version": r.version,
            "event_type": r.event_type,
            "schema_version": r.schema_version,
            "body": r.body,
            "recorded_at": r.recorded_at,
            "actor": r.actor,
            "prev_hash": r.prev_hash,
            "hash": r.hash,
            "key_id": r.key_id,
        }
        for r in records
    ]


# -- deadlines, documents, the outbox -------------------------------------------------------------
def deadline_row(stream_id: str, position: int, d: Deadline) -> dict[str, Any]:
    return {
        "stream_id": stream_id,
        "position": position,
        "kind": d.kind.value,
        "due": d.due,
        "basis": d.basis,
        "policy": d.policy,
        "calendar": d.calendar,
        "estimated": d.estimated,
        "ref": d.ref,
    }


def deadline_of(row: Any) -> tuple[str, Deadline]:
    """(stream id, deadline) of a row of ``deadlines``."""
    return row.stream_id, Deadline(
        kind=DeadlineKind(row.kind),
        due=_from_date(row.due),
        basis=row.basis,
        policy=row.policy,
        calendar=row.calendar,
        estimated=bool(row.estimated),
        ref=row.ref,
    )


def document_of(row: Any) -> Document:
    return Document(kind=row.kind, key=row.key, body=row.body, tags=row.tags)


def notice_json(notice: Notice) -> Any:
    """The outbox's ``notice`` column of ``notice``."""
    return converter().unstructure(notice)


def outbox_row(notice: Notice, created_at: dt.datetime) -> dict[str, Any]:
    """A new, pending outbox row."""
    return {
        "key": notice.key,
        "kind": notice.kind.value,
        "case_id": notice.case_id,
        "notice": notice_json(notice),
        "created_at": created_at,
        "status": DeliveryStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": None,
        "last_error": "",
        "delivered_by": [],
        "delivered_at": None,
    }


def outbox_entry_of(row: Any) -> OutboxEntry:
    return OutboxEntry(
        notice=converter().structure(row.notice, Notice),
        created_at=row.created_at,
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        delivered_by=tuple(row.delivered_by),
        delivered_at=row.delivered_at,
    )

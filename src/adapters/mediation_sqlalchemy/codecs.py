"""Domain values to table rows and back.

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
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from mediation_core.domain.errors import IntegrityError
from mediation_core.domain.reporting.ledger import LedgerRow
from mediation_core.domain.reporting.rollups import CellKey
from mediation_core.domain.reporting.statistics import Tally
from mediation_core.domain.values.organisations import Registry
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
        return LedgerRow(**{name: dec(values[column]) for name, column, _, dec in self.fields})


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

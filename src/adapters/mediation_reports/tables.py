"""The ledger as JSON and CSV (standard library only), and reading both back."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

from mediation_core.exports.ledger import Cell, LedgerTable, RawTable


def _plain(cell: Cell) -> str | int | None:
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, Decimal):
        return str(cell)
    return cell


def ledger_json(table: LedgerTable) -> bytes:
    """``{"title", "scope", "generated_at", "masked", "headers", "rows": [{header: value}]}``;
    dates as ISO strings, amounts as decimal strings."""
    doc: dict[str, Any] = {
        "title": table.title,
        "scope": table.scope,
        "generated_at": table.generated_at.isoformat() if table.generated_at else None,
        "masked": table.masked,
        "headers": list(table.headers),
        "rows": [dict(zip(table.headers, (_plain(c) for c in row), strict=True)) for row in table.rows],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1).encode()


def read_json(data: bytes) -> RawTable:
    doc = json.loads(data.decode("utf-8-sig"))
    headers = tuple(doc["headers"])
    rows = tuple(tuple(row.get(h) for h in headers) for row in doc["rows"])
    return RawTable(headers=headers, rows=rows, first_row=1)


def ledger_csv(table: LedgerTable) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow(["" if c is None else _plain(c) for c in row])
    return ("\ufeff" + out.getvalue()).encode()


def read_csv(data: bytes) -> RawTable:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    if not rows:
        return RawTable(headers=(), rows=())
    return RawTable(headers=tuple(rows[0]), rows=tuple(tuple(r) for r in rows[1:]), first_row=2)

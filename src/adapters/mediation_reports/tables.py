"""The ledger as JSON and CSV (standard library only), and reading both back.

CSV text cells that a spreadsheet would run as a formula (starting with ``= + - @``, a tab or
a carriage return) are written with a leading ``'`` (OWASP's advice against CSV injection), and
reading a CSV takes exactly that ``'`` off again, so a ledger read back is the ledger written."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from mediation_core.exports.ledger import (
    MAX_COLUMNS,
    MAX_ROWS,
    Cell,
    LedgerFileError,
    LedgerTable,
    RawTable,
    check_headers,
    escape_formula,
    unescape_formula,
)


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
    """A JSON ledger is parsed whole (the standard library has no streaming parser), within
    ``MAX_FILE_BYTES``; CSV and xlsx files are read as they go."""
    doc = json.loads(data.decode("utf-8-sig"))
    headers = tuple(doc["headers"])
    rows = tuple(tuple(row.get(h) for h in headers) for row in doc["rows"])
    return RawTable(headers=headers, rows=rows, first_row=1)


def ledger_csv(table: LedgerTable) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow(["" if c is None else escape_formula(c) if isinstance(c, str) else _plain(c) for c in row])
    return ("\ufeff" + out.getvalue()).encode()


def _check_utf8(data: bytes) -> None:
    """Refuse a file that is not UTF-8 before a row is read, naming the first bad byte; decoded
    a MiB at a time, so checking holds no second copy of the file."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 2**20
    for start in range(0, len(data), step):
        try:
            decoder.decode(data[start : start + step], final=start + step >= len(data))
        except UnicodeDecodeError as exc:
            raise LedgerFileError(
                f"不是 UTF-8 编码（第 {start + exc.start} 字节）",
                f"not UTF-8 (byte {start + exc.start}): save it as CSV UTF-8",
            ) from None


def read_csv(data: bytes) -> RawTable:
    """Row 1 the headers (checked before the rest is read), then at most ``MAX_ROWS`` rows, read
    as they are iterated (the file is decoded as it goes, never copied whole)."""
    _check_utf8(data)
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline=""))
    try:
        first = next(reader, None)
    except csv.Error as exc:
        raise LedgerFileError("不是有效的 CSV 文件", f"not a valid CSV file: {exc}") from None
    if first is None:
        return RawTable(headers=(), rows=())
    headers = _csv_row(first)
    check_headers(headers)
    return RawTable(headers=headers, rows=_csv_rows(reader), first_row=2)


def _csv_row(row: list[str]) -> tuple[str, ...]:
    if len(row) > MAX_COLUMNS:
        raise LedgerFileError(f"超过 {MAX_COLUMNS} 列", f"more than {MAX_COLUMNS} columns")
    return tuple(unescape_formula(cell) for cell in row)


def _csv_rows(reader: Iterator[list[str]]) -> Iterator[tuple[str, ...]]:
    count = 0
    try:
        for row in reader:
            count += 1
            if count > MAX_ROWS:
                raise LedgerFileError(f"超过 {MAX_ROWS} 行", f"more than {MAX_ROWS} rows")
            yield _csv_row(row)
    except csv.Error as exc:
        raise LedgerFileError("不是有效的 CSV 文件", f"not a valid CSV file: {exc}") from None

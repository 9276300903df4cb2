"""The ledger as an Excel workbook (openpyxl), and reading one back.

Row 1 holds the Chinese headers, one row per case follows; dates are real dates, amounts real
numbers, so a clerk can sort, filter and sum. The header row is frozen and filtered. Text is
written as text (a party named ``=HYPERLINK(…)`` is a string cell, quote-prefixed, never a
formula). Reading refuses, before parsing any cell, a workbook that unpacks to more than the
ledger's size caps (:data:`~mediation_core.exports.ledger.MAX_FILE_BYTES`, rows, columns) or
whose first row is not the ledger's headers.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from typing import Any

from mediation_core.exports.ledger import (
    FORMULA_LEADS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    LedgerFileError,
    LedgerTable,
    RawTable,
    check_headers,
)

SHEET = "台账"
SCREENING_SHEET = "纠纷排查台账"
WIDE = {"纠纷简要情况": 40, "当事人": 20, "案号": 26, "调解员": 16, "排查区域": 20, "排查人员": 16, "备注": 24}


def ledger_xlsx(table: LedgerTable) -> bytes:
    return _workbook(table, SHEET)


def screening_xlsx(table: LedgerTable) -> bytes:
    """The screening ledger (纠纷排查台账): the same layout, on a sheet of its own name."""
    return _workbook(table, SCREENING_SHEET)


def _workbook(table: LedgerTable, title: str) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415 - the optional extra, only when a workbook is made
    from openpyxl.styles import Alignment, Font, PatternFill  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    book.properties.title = table.title
    book.properties.subject = table.scope
    book.properties.keywords = "masked" if table.masked else ""
    if table.generated_at:
        book.properties.created = table.generated_at.replace(tzinfo=None)
    sheet.append(list(table.headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in table.rows:
        sheet.append([float(c) if isinstance(c, Decimal) else c for c in row])
        for cell in sheet[sheet.max_row]:
            as_text(cell)
    for column, header in enumerate(table.headers, start=1):
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = WIDE.get(header, max(10, len(header) * 2 + 2))
        for cell in sheet[letter][1:]:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, float):
                cell.number_format = "#,##0.00"
    sheet.freeze_panes = "A2"
    if table.rows:
        sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_text(cell: Any) -> None:
    """Keep a text cell text: openpyxl makes a string starting with ``=`` a formula; this one
    stays a string, quote-prefixed so that Excel keeps it text when a clerk edits it."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_LEADS):
            cell.quotePrefix = True


def _unpacked_size(data: bytes) -> int:
    """What the workbook's parts add up to unpacked, as the zip directory declares it; the
    reader below never inflates more than that (zipfile checks each part's size)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise LedgerFileError("不是 Excel 工作簿（.xlsx）", "not an Excel workbook (.xlsx)") from None


def read_xlsx(data: bytes) -> RawTable:
    """The first sheet (or the one named 台账): row 1 the headers, then the data rows. Refused
    (:class:`~mediation_core.exports.ledger.LedgerFileError`) before any cell is read when it
    unpacks to more than ``MAX_FILE_BYTES``; after row 1 when that is not the ledger's headers;
    as soon as it passes ``MAX_ROWS`` rows."""
    from openpyxl import load_workbook  # noqa: PLC0415

    size = _unpacked_size(data)
    if size > MAX_FILE_BYTES:
        raise LedgerFileError(
            f"解压后超过 {MAX_FILE_BYTES // 2**20} MiB（{size // 2**20} MiB）",
            f"it unpacks to more than {MAX_FILE_BYTES // 2**20} MiB ({size // 2**20} MiB)",
        )
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
        raise LedgerFileError("不是 Excel 工作簿（.xlsx）", f"not an Excel workbook (.xlsx): {exc}") from None
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        sheet.reset_dimensions()  # the file's own <dimension> may lie
        rows: list[tuple[object, ...]] = []
        for row in sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True):
            if len(rows) > MAX_ROWS:
                raise LedgerFileError(f"超过 {MAX_ROWS} 行", f"more than {MAX_ROWS} rows")
            if len(row) > MAX_COLUMNS and any(v is not None for v in row[MAX_COLUMNS:]):
                raise LedgerFileError(f"超过 {MAX_COLUMNS} 列", f"more than {MAX_COLUMNS} columns")
            rows.append(tuple(_value(v) for v in row[:MAX_COLUMNS]))
            if len(rows) == 1:
                check_headers(rows[0])
    finally:
        book.close()
    if not rows:
        return RawTable(headers=(), rows=())
    return RawTable(headers=rows[0], rows=tuple(rows[1:]), first_row=2)


def _value(value: object) -> object:
    if isinstance(value, float):
        return Decimal(repr(value)) if not value.is_integer() else Decimal(int(value))
    return value

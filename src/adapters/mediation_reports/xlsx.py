"""The ledger as an Excel workbook (openpyxl), and reading one back.

Row 1 holds the Chinese headers, one row per case follows; dates are real dates, amounts real
numbers, so a clerk can sort, filter and sum. The header row is frozen and filtered.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from mediation_core.exports.ledger import LedgerTable, RawTable

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


def read_xlsx(data: bytes) -> RawTable:
    """The first sheet (or the one named 台账): row 1 the headers, then the data rows."""
    from openpyxl import load_workbook  # noqa: PLC0415

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        rows = [tuple(_value(v) for v in row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    if not rows:
        return RawTable(headers=(), rows=())
    return RawTable(headers=rows[0], rows=tuple(rows[1:]), first_row=2)


def _value(value: object) -> object:
    if isinstance(value, float):
        return Decimal(repr(value)) if not value.is_integer() else Decimal(int(value))
    return value

"""The ledger as an Excel workbook (openpyxl), and reading one back.

A ledger as an office files it: row 1 the title, row 2 填表单位 and 日期, row 3 the Chinese
headers (序号 first, the system's case id and record version last and hidden), one row per case
after; dates are real dates, amounts real numbers, so a clerk can sort, filter and sum. The
header row is frozen, filtered and repeated on every printed page (landscape A4, fitted to the
page width). Text is written as text (a party named ``=HYPERLINK(…)`` is a string cell,
quote-prefixed, never a formula). Reading refuses, before parsing any cell, a workbook that
unpacks to more than the ledger's size caps (:data:`~mediation_core.exports.ledger.MAX_UNPACKED_BYTES`,
rows, columns) or without the ledger's headers in one of its first rows.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from mediation_core.exports.ledger import (
    FORMULA_LEADS,
    HEADER_ROWS,
    HEADERS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    LedgerFileError,
    LedgerTable,
    RawTable,
    check_headers,
)

SHEET = "台账"
SCREENING_SHEET = "纠纷排查台账"
NUMBER = "序号"
SYSTEM_HEADERS = ("系统案件编号", "系统记录版本")
"""The system's columns: last, and hidden (an import needs them; an office does not read them)."""
WIDE = {
    NUMBER: 6,
    "纠纷简要情况": 40,
    "当事人": 20,
    "案号": 26,
    "调解室": 20,
    "主持调解员": 12,
    "调解员": 16,
    "排查区域": 20,
    "排查人员": 16,
    "备注": 24,
}


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
    numbered = NUMBER not in table.headers  # the screening ledger numbers its own rows
    headers = [NUMBER, *table.headers] if numbered else list(table.headers)
    last = get_column_letter(len(headers))
    sheet.append([table.title])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 30
    day = table.generated_at.date().isoformat() if table.generated_at else ""
    middle = len(headers) // 2
    sheet.append([f"填表单位：{table.scope}"] + [None] * (middle - 1) + [f"日期：{day}"])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=middle)
    sheet.merge_cells(start_row=2, start_column=middle + 1, end_row=2, end_column=len(headers))
    sheet.cell(row=2, column=middle + 1).alignment = Alignment(horizontal="right")
    sheet.append(headers)
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for number, row in enumerate(table.rows, start=1):
        cells = [float(c) if isinstance(c, Decimal) else c for c in row]
        sheet.append([number, *cells] if numbered else cells)
    for cells in sheet.iter_rows():
        for cell in cells:
            as_text(cell)
    for column, header in enumerate(headers, start=1):
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = WIDE.get(header, max(10, len(header) * 2 + 2))
        sheet.column_dimensions[letter].hidden = header in SYSTEM_HEADERS
        for cell in sheet[letter][HEADER_ROW:]:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, float):
                cell.number_format = "#,##0.00"
    sheet.freeze_panes = f"B{HEADER_ROW + 1}"
    if table.rows:
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{sheet.max_row}"
    print_setup(sheet, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER_ROW = 3
"""The ledger sheet's header row: below the title and the 填表单位 / 日期 row."""


def print_setup(sheet: Any, *, title_rows: str) -> None:
    """Print on landscape A4, one page wide (as many pages long as it takes), with
    ``title_rows`` (``"3:3"``) repeated at the top of every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows
    sheet.print_options.horizontalCentered = True


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
    """The first sheet (or the one named 台账): the header row (the first of the first
    ``HEADER_ROWS`` rows holding a ledger header: row 1 of a plain file, row 3 below an export's
    title and 填表单位 rows), then the data rows, read as they are iterated (openpyxl's
    read-only mode streams the sheet's XML; the workbook closes when the rows run out). Refused
    (:class:`~mediation_core.exports.ledger.LedgerFileError`) before any cell is read when it
    unpacks to more than ``MAX_UNPACKED_BYTES``; when the header row is not the ledger's headers
    (or none of the first rows holds one); as soon as it passes ``MAX_ROWS`` rows."""
    from openpyxl import load_workbook  # noqa: PLC0415

    size = _unpacked_size(data)
    if size > MAX_UNPACKED_BYTES:
        raise LedgerFileError(
            f"解压后超过 {MAX_UNPACKED_BYTES // 2**20} MiB（{size // 2**20} MiB）",
            f"it unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MiB ({size // 2**20} MiB)",
        )
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
        raise LedgerFileError("不是 Excel 工作簿（.xlsx）", f"not an Excel workbook (.xlsx): {exc}") from None
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        sheet.reset_dimensions()  # the file's own <dimension> may lie
        found = sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
        above: list[tuple[object, ...]] = []  # the rows before the header row, and the header
        for row in found:
            above.append(_cells(row))
            if any(isinstance(v, str) and v.strip() in HEADERS for v in above[-1]):
                check_headers(above[-1], len(above))
                return RawTable(headers=above[-1], rows=_rows(book, found), first_row=len(above) + 1)
            if len(above) == HEADER_ROWS:
                check_headers(above[0])  # none of the first rows holds a header: say what row 1 lacks
    except BaseException:
        book.close()
        raise
    book.close()
    if above:
        check_headers(above[0])
    return RawTable(headers=(), rows=())


def _cells(row: tuple[object, ...]) -> tuple[object, ...]:
    if len(row) > MAX_COLUMNS and any(v is not None for v in row[MAX_COLUMNS:]):
        raise LedgerFileError(f"超过 {MAX_COLUMNS} 列", f"more than {MAX_COLUMNS} columns")
    return tuple(_value(v) for v in row[:MAX_COLUMNS])


def _rows(book: Any, found: Iterator[tuple[object, ...]]) -> Iterator[tuple[object, ...]]:
    """The data rows below the header, as the sheet is read; the workbook is closed at the end
    (or when the reading stops early)."""
    try:
        for count, row in enumerate(found, start=1):
            if count > MAX_ROWS:
                raise LedgerFileError(f"超过 {MAX_ROWS} 行", f"more than {MAX_ROWS} rows")
            yield _cells(row)
    finally:
        book.close()


def _value(value: object) -> object:
    if isinstance(value, float):
        return Decimal(repr(value)) if not value.is_integer() else Decimal(int(value))
    return value

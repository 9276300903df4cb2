"""The coordination-centre statistics report as JSON, CSV and an Excel workbook.

Every additive figure is a (cases, persons) pair with the amount involved; rates are shown
with their numerator and denominator, and as ``—`` when undefined (never 0 %). In the workbook
a rate is a number in per cent format (Excel sums and charts it), and the period is in Chinese.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from mediation_core.domain.reporting.statistics import FIGURES, RATES, SCREENING_FIGURES, FigureSet, StatisticsReport
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.exports.ledger import escape_formula
from mediation_reports.xlsx import as_text, print_setup

BREAKDOWNS = (("by_month", "按月"), ("by_unit", "按单位"), ("by_category", "按纠纷类型"), ("by_source", "按案件来源"))


def title(report: StatisticsReport) -> str:
    return f"{report.scope_name}矛盾纠纷调解统计报表（{report.period.label}）"


def lines(report: StatisticsReport) -> Iterator[tuple[str, FigureSet]]:
    yield "合计", report.total
    for attr, zh in BREAKDOWNS:
        for line in getattr(report, attr):
            yield zh, line


def _figure_set(line: FigureSet) -> dict[str, Any]:
    return {
        "key": line.key,
        "title": line.title_zh,
        "figures": {
            f.key: {"cases": line[f.key].cases, "persons": line[f.key].persons, "amount": str(line[f.key].amount)}
            for f in FIGURES
        },
        "rates": {
            r.key: {
                "numerator": line.rate(r.key).numerator,
                "denominator": line.rate(r.key).denominator,
                "percent": None if line.rate(r.key).percent() is None else str(line.rate(r.key).percent()),
            }
            for r in RATES
        },
    }


def statistics_json(report: StatisticsReport) -> bytes:
    doc = {
        "title": title(report),
        "scope_id": report.scope_id,
        "scope": report.scope_name,
        "mediation_kinds": report.scope_kinds_zh,
        "period": report.period.label,
        "figures": {f.key: f.title_zh for f in FIGURES},
        "rates": {r.key: r.title_zh for r in RATES},
        "median_days_to_conclude": None
        if report.median_days_to_conclude is None
        else str(report.median_days_to_conclude),
        "total": _figure_set(report.total),
        **{attr: [_figure_set(line) for line in getattr(report, attr)] for attr, _ in BREAKDOWNS},
        "by_room": [_figure_set(line) for line in report.by_room],
        "screening_figures": {f.key: f.title_zh for f in SCREENING_FIGURES},
        "screening": {f.key: report.screening[f.key] for f in SCREENING_FIGURES},
    }
    return json.dumps(doc, ensure_ascii=False, indent=1).encode()


def headers() -> list[str]:
    out = ["维度", "项目"]
    for f in FIGURES:
        out += [f"{f.title_zh}（件）", f"{f.title_zh}（人）"]
    out.append("涉及金额（元）")
    out += [r.title_zh for r in RATES]
    return out


def row(dimension: str, line: FigureSet) -> list[Any]:
    cells: list[Any] = [dimension, line.title_zh]
    for f in FIGURES:
        cells += [line[f.key].cases, line[f.key].persons]
    cells.append(line["received"].amount)
    cells += [line.rate(r.key).shown() for r in RATES]
    return cells


def statistics_csv(report: StatisticsReport) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([title(report)])
    writer.writerow(headers())
    for dimension, line in lines(report):
        writer.writerow([str(c) if isinstance(c, Decimal) else _text(c) for c in row(dimension, line)])
    return ("\ufeff" + out.getvalue()).encode()


def _texts_stay_text(book: Any) -> None:
    """Names a county typed (categories, rooms) stay text in every sheet, never formulas."""
    for sheet in book.worksheets:
        for cells in sheet.iter_rows():
            for cell in cells:
                as_text(cell)


def _text(cell: Any) -> Any:
    """A category or room name from the registry is text a county typed: never a formula."""
    return escape_formula(cell) if isinstance(cell, str) else cell


PERCENT = "0.0%"
"""A rate is a number (4/5 is 0.8) shown as ``80.0%``: Excel sums, averages and charts it."""
HEAD = "DDEBF7"


def title_zh(report: StatisticsReport) -> str:
    """The workbook's title, the period in Chinese: 彭山区矛盾纠纷调解统计报表（2025年下半年）."""
    return f"{report.scope_name}矛盾纠纷调解统计报表（{report.period.title_zh}）"


def period_zh(report: StatisticsReport) -> str:
    """统计期间：2025年下半年（2025年7月–12月）, or just the months when they are the name."""
    named, span = report.period.title_zh, report.period.span_zh
    return f"统计期间：{named}" if named == span else f"统计期间：{named}（{span}）"


def _rate_cell(cell: Any, ratio: Any) -> None:
    """A defined rate as a number in per cent format; an undefined one as ``—`` (never 0 %)."""
    value = ratio.value
    cell.value = "—" if value is None else float(value)
    if value is not None:
        cell.number_format = PERCENT


def statistics_xlsx(report: StatisticsReport) -> bytes:
    """Sheet 总表 (every figure and rate of the scope), one sheet per breakdown (grouped 件 / 人
    headers, a 合计 row equal to the scope's totals), and one sheet per unit (the townships of a
    district, the rooms of a township or station), then one sheet per room the unit sheets do not
    already show (every room of a district, after its townships' sheets). Every sheet has the title with the period in
    Chinese, 填报单位 and 统计期间, the 填报人 / 审核人 / 报出日期 footer and prints on landscape
    A4, one page wide."""
    from openpyxl import Workbook  # noqa: PLC0415 - the optional extra
    from openpyxl.styles import Font  # noqa: PLC0415

    book = Workbook()
    book.properties.title = title_zh(report)
    summary = book.active
    assert summary is not None
    summary.title = "总表"
    _figures_sheet(summary, report, report.total)
    median = report.median_days_to_conclude
    summary.append(["办结用时中位数（日）", "" if median is None else float(median)])
    if report.scope_kinds_zh:
        summary.append([])
        summary.append(["调解类型", report.scope_kinds_zh])
    summary.append([])
    summary.append(["纠纷排查", "次 / 件"])
    summary.cell(row=summary.max_row, column=1).font = Font(bold=True)
    for sf in SCREENING_FIGURES:
        summary.append([sf.title_zh, report.screening[sf.key]])
    _footer(summary)
    for attr, zh in BREAKDOWNS:
        _breakdown_sheet(book.create_sheet(zh), report, getattr(report, attr))
    for line in report.by_unit:
        _figures_sheet(book.create_sheet(_sheet_name(book, line.title_zh)), report, line)
        _footer(book.worksheets[-1])
    unit_keys = {line.key for line in report.by_unit}
    for line in report.by_room:
        if line.key in unit_keys or line.key == report.scope_id:
            continue
        _figures_sheet(book.create_sheet(_sheet_name(book, line.title_zh)), report, line)
        _footer(book.worksheets[-1])
    _texts_stay_text(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(book: Any, name: str) -> str:
    """A unit's or a room's sheet: its name, without the characters a sheet name may not hold, at
    most 31 characters (Excel's limit), and numbered when two units or rooms (or one and a
    breakdown) would share it."""
    base = "".join(" " if c in "[]:*?/\\" else c for c in name).strip().strip("'")[:28] or "单位"
    taken = {name.casefold() for name in book.sheetnames}  # Excel compares sheet names without case
    candidate, n = base, 2
    while candidate.casefold() in taken:
        suffix = f"({n})"
        candidate, n = f"{base[: 31 - len(suffix)]}{suffix}", n + 1
    return candidate


def _heading(sheet: Any, report: StatisticsReport, width: int, unit: str) -> None:
    """Rows 1–2: the title across the sheet; 填报单位 (and the unit) and 统计期间."""
    from openpyxl.styles import Alignment, Font  # noqa: PLC0415

    sheet.append([title_zh(report)])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 28
    half = max(1, width // 2)
    unit_text = f"填报单位：{report.scope_name}" + (f"　{unit}" if unit else "")
    sheet.append([unit_text] + [None] * (half - 1) + [period_zh(report)])
    if half > 1:
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=half)
    if width > half + 1:
        sheet.merge_cells(start_row=2, start_column=half + 1, end_row=2, end_column=width)
    sheet.cell(row=2, column=half + 1).alignment = Alignment(horizontal="right")


def _header_style(cells: Any) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill  # noqa: PLC0415

    for cell in cells:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEAD)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _figures_sheet(sheet: Any, report: StatisticsReport, line: FigureSet) -> None:
    """One line's figures (件, 人, 涉及金额) and rates (分子, 分母, 比率 as a number)."""
    _heading(sheet, report, 4, "" if line is report.total else f"单位：{line.title_zh}")
    sheet.append(["项目", "件", "人", "涉及金额（元）"])
    _header_style(sheet[sheet.max_row])
    header_row = sheet.max_row
    for f in FIGURES:
        tally = line[f.key]
        sheet.append([f.title_zh, tally.cases, tally.persons, float(tally.amount)])
        sheet.cell(row=sheet.max_row, column=4).number_format = "#,##0.00"
    sheet.append([])
    sheet.append(["比率", "分子（件）", "分母（件）", "比率"])
    _header_style(sheet[sheet.max_row])
    for r in RATES:
        ratio = line.rate(r.key)
        sheet.append([r.title_zh, ratio.numerator, ratio.denominator])
        _rate_cell(sheet.cell(row=sheet.max_row, column=4), ratio)
    sheet.column_dimensions["A"].width = 28
    for letter in "BCD":
        sheet.column_dimensions[letter].width = 14
    sheet.freeze_panes = f"A{header_row + 1}"
    print_setup(sheet, title_rows=f"{header_row}:{header_row}")


def _breakdown_sheet(sheet: Any, report: StatisticsReport, breakdown: Sequence[FigureSet]) -> None:
    """A breakdown: two header rows (each figure over its 件 and 人), one row per line, then
    合计: the scope's totals, which the lines add up to."""
    from openpyxl.styles import Font  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    width = 1 + 2 * len(FIGURES) + 1 + len(RATES)
    _heading(sheet, report, width, "")
    top: list[str | None] = ["项目"]
    sub: list[str | None] = [None]
    for f in FIGURES:
        top += [f.title_zh, None]
        sub += ["件", "人"]
    top.append("涉及金额（元）")
    sub.append(None)
    top += [r.title_zh for r in RATES]
    sub += [None] * len(RATES)
    sheet.append(top)
    sheet.append(sub)
    first = sheet.max_row - 1
    for column, value in enumerate(top, start=1):
        if column == 1 or column > 1 + 2 * len(FIGURES):
            sheet.merge_cells(start_row=first, start_column=column, end_row=first + 1, end_column=column)
        elif value is not None:
            sheet.merge_cells(start_row=first, start_column=column, end_row=first, end_column=column + 1)
    _header_style(sheet[first])
    _header_style(sheet[first + 1])
    sheet.row_dimensions[first].height = 32
    for line in (*breakdown, report.total):
        cells: list[Any] = [line.title_zh if line is not report.total else "合计"]
        for f in FIGURES:
            cells += [line[f.key].cases, line[f.key].persons]
        cells.append(float(line["received"].amount))
        sheet.append(cells)
        at = sheet.max_row
        sheet.cell(row=at, column=len(cells)).number_format = "#,##0.00"
        for offset, r in enumerate(RATES, start=len(cells) + 1):
            _rate_cell(sheet.cell(row=at, column=offset), line.rate(r.key))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 22
    for column in range(2, width + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 9 if column <= 1 + 2 * len(FIGURES) else 12
    sheet.freeze_panes = f"B{first + 2}"
    print_setup(sheet, title_rows=f"{first}:{first + 1}")
    _footer(sheet)


def _footer(sheet: Any) -> None:
    """填报人, 审核人 and 报出日期 to fill in by hand, and the day the file was made."""
    made = dt.datetime.now(CHINA_TZ).date()  # the office's day, not UTC's
    sheet.append([])
    sheet.append(["填报人：＿＿＿＿＿＿", None, "审核人：＿＿＿＿＿＿", None, "报出日期：＿＿＿＿年＿＿月＿＿日"])
    sheet.append([f"制表日期：{made.year}年{made.month}月{made.day}日"])

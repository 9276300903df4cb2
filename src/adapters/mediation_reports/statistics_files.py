"""The coordination-centre statistics report as JSON, CSV and an Excel workbook.

Every additive figure is a (cases, persons) pair with the amount involved; rates are shown
with their numerator and denominator, and as ``—`` when undefined (never 0 %).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from mediation_core.domain.reporting.statistics import FIGURES, RATES, SCREENING_FIGURES, FigureSet, StatisticsReport
from mediation_core.exports.ledger import escape_formula
from mediation_reports.xlsx import as_text

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


def statistics_xlsx(report: StatisticsReport) -> bytes:
    """Sheet 总表 (every figure and rate of the scope), then one sheet per breakdown."""
    from openpyxl import Workbook  # noqa: PLC0415 - the optional extra
    from openpyxl.styles import Alignment, Font, PatternFill  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    book = Workbook()
    book.properties.title = title(report)
    summary = book.active
    assert summary is not None
    summary.title = "总表"
    summary.append([title(report)])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append(["项目", "件", "人", "涉及金额（元）"])
    for f in FIGURES:
        tally = report[f.key]
        summary.append([f.title_zh, tally.cases, tally.persons, float(tally.amount)])
    summary.append([])
    summary.append(["比率", "分子（件）", "分母（件）", "比率"])
    for r in RATES:
        ratio = report.rate(r.key)
        summary.append([r.title_zh, ratio.numerator, ratio.denominator, ratio.shown()])
    median = report.median_days_to_conclude
    summary.append(["办结用时中位数（日）", "" if median is None else float(median)])
    if report.scope_kinds_zh:
        summary.append([])
        summary.append(["调解类型", report.scope_kinds_zh])
    summary.append([])
    summary.append(["纠纷排查", "次 / 件"])
    for sf in SCREENING_FIGURES:
        summary.append([sf.title_zh, report.screening[sf.key]])
    for cells in (summary[2], summary[len(FIGURES) + 4]):
        for cell in cells:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
    summary.column_dimensions["A"].width = 24
    for attr, zh in BREAKDOWNS:
        sheet = book.create_sheet(zh)
        sheet.append(headers()[1:])
        for line in getattr(report, attr):
            sheet.append([float(c) if isinstance(c, Decimal) else c for c in row(zh, line)[1:]])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
        sheet.column_dimensions["A"].width = 22
        for column in range(2, sheet.max_column + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 11
        sheet.freeze_panes = "B2"
    _texts_stay_text(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

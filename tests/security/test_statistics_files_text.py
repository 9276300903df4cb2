"""The statistics workbook and CSV keep names a county typed as text: a category or room named
like a formula is never a live formula (OWASP CSV injection), on the same terms as the ledger."""

from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import load_workbook

from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.reporting.statistics import StatisticsReport, report
from mediation_core.domain.values.categories import Category
from mediation_core.domain.values.periods import Period
from mediation_core.testing.storage import row_for
from mediation_reports.statistics_files import statistics_csv, statistics_xlsx

HOSTILE = '=HYPERLINK("http://example.invalid/x","点此")'
MAY = Period.month(2026, 5)


def hostile_report() -> StatisticsReport:
    categories = {"neighbourhood": Category(code="neighbourhood", name_zh=HOSTILE, name_en="x", order=1)}
    rows = [row_for("c-1", 3, "pengshanlu-room", category="neighbourhood", received_on=dt.date(2026, 5, 6))]
    return report(rows, MAY, "district", demo_registry(), categories)


def test_a_category_named_like_a_formula_stays_text_in_the_workbook() -> None:
    book = load_workbook(io.BytesIO(statistics_xlsx(hostile_report())))
    cells = [cell for sheet in book.worksheets for cells in sheet.iter_rows() for cell in cells]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    named = [c for c in cells if c.value == HOSTILE]
    assert named, "the category's name is in the workbook"
    assert all(c.data_type == "s" and c.quotePrefix for c in named)


def test_a_category_named_like_a_formula_is_escaped_in_the_csv() -> None:
    text = statistics_csv(hostile_report()).decode("utf-8-sig")
    cells = [cell for line in csv.reader(io.StringIO(text)) for cell in line]
    assert "'" + HOSTILE in cells
    assert HOSTILE not in cells

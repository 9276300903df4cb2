"""Registers the renderers and ledger readers. Importing this module imports no office library."""

from __future__ import annotations

from collections.abc import Iterator

from mediation_core.plugins import hookimpl
from mediation_core.plugins.types import LedgerReader, Renderer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@hookimpl
def mediation_renderers() -> Iterator[Renderer]:
    from mediation_reports import dashboard, docx_forms, statistics_files, tables, xlsx  # noqa: PLC0415 - lazy libraries

    yield Renderer(
        name="ledger-json",
        media_type="application/json",
        suffix=".json",
        render=tables.ledger_json,
        description="台账 as JSON: one object per case, keyed by the Chinese headers.",
        subject="ledger",
    )
    yield Renderer(
        name="ledger-csv",
        media_type="text/csv",
        suffix=".csv",
        render=tables.ledger_csv,
        description="台账 as CSV (UTF-8 with a byte-order mark, so Excel reads the Chinese headers).",
        subject="ledger",
    )
    yield Renderer(
        name="ledger-xlsx",
        media_type=XLSX,
        suffix=".xlsx",
        render=xlsx.ledger_xlsx,
        description="台账 as an Excel workbook with Chinese headers, one row per case.",
        subject="ledger",
        requires=("openpyxl",),
        extra="xlsx",
    )
    yield Renderer(
        name="screening-json",
        media_type="application/json",
        suffix=".json",
        render=tables.ledger_json,
        description="纠纷排查台账 as JSON: one object per line, keyed by the Chinese headers.",
        subject="screening",
    )
    yield Renderer(
        name="screening-csv",
        media_type="text/csv",
        suffix=".csv",
        render=tables.ledger_csv,
        description="纠纷排查台账 as CSV (UTF-8 with a byte-order mark).",
        subject="screening",
    )
    yield Renderer(
        name="screening-xlsx",
        media_type=XLSX,
        suffix=".xlsx",
        render=xlsx.screening_xlsx,
        description="纠纷排查台账 as an Excel workbook: one line per dispute found, one per round that found none.",
        subject="screening",
        requires=("openpyxl",),
        extra="xlsx",
    )
    yield Renderer(
        name="statistics-json",
        media_type="application/json",
        suffix=".json",
        render=statistics_files.statistics_json,
        description="The statistics report as JSON: every figure (cases, persons, amount) and rate, with breakdowns.",
        subject="statistics",
    )
    yield Renderer(
        name="statistics-csv",
        media_type="text/csv",
        suffix=".csv",
        render=statistics_files.statistics_csv,
        description="The statistics report as CSV: one line per scope, month, unit, category and source.",
        subject="statistics",
    )
    yield Renderer(
        name="statistics-xlsx",
        media_type=XLSX,
        suffix=".xlsx",
        render=statistics_files.statistics_xlsx,
        description="The coordination-centre statistics workbook (总表 and one sheet per breakdown).",
        subject="statistics",
        requires=("openpyxl",),
        extra="xlsx",
    )
    yield Renderer(
        name="statistics-html",
        media_type="text/html",
        suffix=".html",
        render=dashboard.dashboard_html,
        description="The dashboard: one self-contained HTML file, figures and inline SVG charts.",
        subject="statistics",
    )
    yield Renderer(
        name="document-docx",
        media_type=DOCX,
        suffix=".docx",
        render=docx_forms.document_docx,
        description="A document in the Ministry of Justice's people's-mediation forms, as Word.",
        subject="document",
        requires=("docx",),
        extra="docx",
    )


@hookimpl
def mediation_ledger_readers() -> Iterator[LedgerReader]:
    from mediation_reports import tables, xlsx  # noqa: PLC0415

    yield LedgerReader(name="json", media_type="application/json", suffix=".json", read=tables.read_json)
    yield LedgerReader(name="csv", media_type="text/csv", suffix=".csv", read=tables.read_csv)
    yield LedgerReader(
        name="xlsx", media_type=XLSX, suffix=".xlsx", read=xlsx.read_xlsx, requires=("openpyxl",), extra="xlsx"
    )

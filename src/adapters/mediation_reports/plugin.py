"""Registers the renderers and ledger readers. Importing this module imports no office library."""

from __future__ import annotations

from collections.abc import Iterator

from mediation_core.plugins import hookimpl
from mediation_core.plugins.types import LedgerReader, Renderer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@hookimpl
def mediation_renderers() -> Iterator[Renderer]:
    from mediation_reports import docx_forms, tables, xlsx  # noqa: PLC0415 - each imports its library lazily

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

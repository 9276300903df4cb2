"""The screening ledger (纠纷排查台账) as a table a renderer lays out: the district's column
headers, one line per dispute found (and one per round that found none)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from mediation_core.domain.screening.report import SCREENING_HEADERS_ZH, ScreeningLine
from mediation_core.exports.ledger import SEPARATOR, Cell, LedgerTable

TITLE = "纠纷排查台账"
COLUMNS: tuple[str, ...] = tuple(SCREENING_HEADERS_ZH)
HEADERS: tuple[str, ...] = tuple(SCREENING_HEADERS_ZH.values())


def _cell(line: ScreeningLine, column: str) -> Cell:
    value = getattr(line, column)
    if isinstance(value, tuple):
        return SEPARATOR.join(value)
    if value == "":
        return None
    if value is None or isinstance(value, (str, int, dt.date)):
        return value
    msg = f"screening ledger column {column} holds a {type(value).__name__}"  # pragma: no cover
    raise TypeError(msg)


def screening_table(
    lines: Sequence[ScreeningLine], *, masked: bool, scope: str = "", generated_at: dt.datetime | None = None
) -> LedgerTable:
    """The lines (already in the reader's personal-data view) as the ledger's cells."""
    return LedgerTable(
        title=TITLE,
        headers=HEADERS,
        rows=tuple(tuple(_cell(line, c) for c in COLUMNS) for line in lines),
        masked=masked,
        scope=scope,
        generated_at=generated_at,
    )

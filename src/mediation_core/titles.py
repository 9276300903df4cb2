"""The Chinese titles of commands, events and query results, where the class carries none.

Enums carry their own (``title_zh``) and the ledger row its columns (``LEDGER_HEADERS_ZH``); these
are the titles the schemas (:mod:`mediation_core.schemas`) and ``mediation schema`` show. The
glossary (docs/glossary.md) is the source of the words.
"""

from __future__ import annotations

from collections.abc import Mapping

from mediation_core.domain.reporting.ledger import LEDGER_HEADERS_ZH, LedgerRow

TITLES_ZH: Mapping[type, str] = {}
"""Class → its Chinese title."""

FIELD_TITLES_ZH: Mapping[type, Mapping[str, str]] = {LedgerRow: LEDGER_HEADERS_ZH}
"""Class → field → the Chinese title of the field, where the code names them already."""

"""Every aggregate type the service handles, found by command type, by name and by the kind of
Document it writes; and from their declarations the one table of who reads which Document."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from mediation_core.app.aggregates import (
    CASES,
    DISPATCHES,
    POLICE_CASES,
    REFERRALS,
    SCREENINGS,
    TRAFFIC,
    AggregateType,
)
from mediation_core.app.authorisation import Readers
from mediation_core.app.coordination import COORDINATION_AGGREGATES
from mediation_core.app.ports import Document

AGGREGATES: tuple[AggregateType, ...] = (
    CASES,
    REFERRALS,
    POLICE_CASES,
    DISPATCHES,
    TRAFFIC,
    *COORDINATION_AGGREGATES,
    SCREENINGS,
)
"""Every aggregate type the service handles."""

BY_COMMAND: Mapping[type, AggregateType] = MappingProxyType({t: a for a in AGGREGATES for t in a.command_types})
BY_NAME: Mapping[str, AggregateType] = MappingProxyType({a.name: a for a in AGGREGATES})

READERS: Mapping[str, Callable[[Mapping[str, str]], Readers]] = MappingProxyType(
    {kind: readers for a in AGGREGATES for kind, readers in a.readers.items()}
)
"""Document kind → who reads a Document of that kind, from its tags (each aggregate declares its own)."""


def document_readers(doc: Document) -> Readers:
    """Who reads a Document beside administrators, from its tags; nobody else for the access
    log's entries and for kinds the core does not know."""
    readers = READERS.get(doc.kind)
    return readers(doc.tags) if readers else Readers()

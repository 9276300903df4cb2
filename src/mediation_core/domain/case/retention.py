"""Retention of case files (保管期限) and what is left of the parties once it has ended.

A case file is kept for the retention period its archivist set (``ArchiveCase.retention_years``,
counted from the day it was archived). While it runs, the file is only stored
(个人信息保护法 art. 47: storage and security measures only); once it has ended, the parties'
personal data is anonymised and the file keeps its facts and figures (arts. 19 and 47,
docs/legal-basis.md §7.3, §9 rule 38). The rewriting of the stored records is the service's, see
docs/adr/0008-anonymising-a-sealed-case-file.md.
"""

from __future__ import annotations

import datetime as dt

from mediation_core.domain.case.state import CaseState
from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.values.privacy import anonymised_value, person_names


def retention_ends(archived_on: dt.date, years: int) -> dt.date:
    """The day a retention of ``years`` from ``archived_on`` runs out (29 February → 28th)."""
    try:
        return archived_on.replace(year=archived_on.year + years)
    except ValueError:
        return archived_on.replace(year=archived_on.year + years, day=28)


def retention_ended(state: CaseState, on: dt.date) -> bool:
    """True when ``state`` is an archived case whose retention period has run out by ``on``."""
    if state.archived_on is None or state.retention_years is None:
        return False
    return retention_ends(state.archived_on, state.retention_years) <= on


def due_for_anonymisation(state: CaseState, on: dt.date) -> bool:
    """An archived case past its retention period whose parties are not anonymised yet."""
    return state.anonymised_on is None and retention_ended(state, on)


def names_to_strike(state: CaseState) -> tuple[str, ...]:
    """Every person's name a case's free text may hold: the parties, their representatives,
    guardians and legal representatives, and the people invited to its sessions."""
    return (*person_names(state.parties), *state.invitees)


def anonymised_event(event: DomainEvent, names: tuple[str, ...], *, erase: tuple[str, ...] = ()) -> DomainEvent:
    """An earlier event of the case (or of a stream linked to it) as the anonymised file keeps
    it; ``erase``: the people's numbers and addresses, struck wherever they were copied."""
    result: DomainEvent = anonymised_value(event, names, erase=erase)
    return result

"""The finding aggregate: its state, the one transition table, and the fold handlers.

A revoked finding keeps its record (and why it was revoked); only confirmed ones count.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from typing import Any

from attrs import frozen

from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.kernel.fold import Fold
from mediation_core.domain.misconduct.events import FindingRevoked, MisconductFound
from mediation_core.domain.misconduct.kinds import MisconductKind, Sanction


class FindingStatus(enum.Enum):
    CONFIRMED = "confirmed"
    REVOKED = "revoked"

    @property
    def title_zh(self) -> str:
        return "已认定" if self is FindingStatus.CONFIRMED else "已撤销"


@frozen(kw_only=True)
class MisconductFinding:
    """A finding as the fold of its events."""

    stream_id: str
    version: int
    status: FindingStatus
    mediator_id: str
    room_id: str
    kind: MisconductKind
    on: dt.date
    facts: str
    case_id: str
    serious: bool
    sanction: Sanction
    revoked_on: dt.date | None = None
    revocation_reason: str = ""

    @property
    def confirmed(self) -> bool:
        return self.status is FindingStatus.CONFIRMED


TRANSITIONS = {
    (None, MisconductFound): FindingStatus.CONFIRMED,
    (FindingStatus.CONFIRMED, FindingRevoked): FindingStatus.REVOKED,
}


def start(stream_id: str, e: MisconductFound) -> MisconductFinding:
    """The finding its creating event makes."""
    return MisconductFinding(
        stream_id=stream_id,
        version=0,
        status=FindingStatus.CONFIRMED,
        mediator_id=e.mediator_id,
        room_id=e.room_id,
        kind=e.kind,
        on=e.on,
        facts=e.facts,
        case_id=e.case_id,
        serious=e.serious,
        sanction=e.sanction,
    )


APPLY: dict[type[DomainEvent], Callable[[MisconductFinding, Any], dict[str, Any]]] = {
    FindingRevoked: lambda s, e: {"revoked_on": e.on, "revocation_reason": e.reason}
}
"""The field changes each event after the creating one makes."""


FOLD: Fold[Any] = Fold(noun="misconduct", transitions=TRANSITIONS, start=start, apply=APPLY)
"""The misconduct's one transition table and event handlers."""

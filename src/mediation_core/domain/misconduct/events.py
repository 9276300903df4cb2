"""Finding events, each with its stable wire tag."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from attrs import frozen

from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.misconduct.kinds import MisconductKind, Sanction


@frozen(kw_only=True)
class MisconductFound(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "misconduct.found"
    mediator_id: str
    room_id: str
    kind: MisconductKind
    on: dt.date
    facts: str
    case_id: str
    serious: bool
    sanction: Sanction


@frozen(kw_only=True)
class FindingRevoked(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "misconduct.revoked"
    on: dt.date
    reason: str

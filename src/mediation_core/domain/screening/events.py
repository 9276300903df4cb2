"""Screening events, each with its stable wire tag."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from attrs import frozen

from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.screening.kinds import ScreeningAction, ScreeningRisk


@frozen(kw_only=True)
class ScreeningRecorded(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "screening.recorded"
    room_id: str
    on: dt.date
    area: str
    screeners: tuple[str, ...]


@frozen(kw_only=True)
class DisputeFound(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "screening.dispute_found"
    finding_no: int
    on: dt.date
    summary: str
    party_names: tuple[str, ...]
    risk: ScreeningRisk
    action: ScreeningAction
    case_id: str | None
    station_id: str | None
    note: str


@frozen(kw_only=True)
class FindingActedOn(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "screening.finding_acted_on"
    finding_no: int
    on: dt.date
    action: ScreeningAction
    case_id: str | None
    station_id: str | None
    note: str


@frozen(kw_only=True)
class ScreeningClosed(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "screening.closed"
    on: dt.date

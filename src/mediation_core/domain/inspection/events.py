"""Inspection events, each with its stable wire tag."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from attrs import frozen

from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.values.deadlines import Deadline


@frozen(kw_only=True)
class InspectionRecorded(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "inspection.recorded"
    org_id: str
    by_org_id: str
    on: dt.date
    inspectors: tuple[str, ...]
    findings: str
    problems: tuple[str, ...]
    rectification: Deadline | None


@frozen(kw_only=True)
class InspectionRectified(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "inspection.rectified"
    on: dt.date
    note: str
    late: bool

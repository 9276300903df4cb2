"""Return events, each with its stable wire tag; each carries the figures it locks."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from attrs import frozen

from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.statistical_return.figures import FigureChange, ReturnFigures
from mediation_core.domain.values.periods import Period


@frozen(kw_only=True)
class ReturnSubmitted(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "return.submitted"
    org_id: str
    period: Period
    on: dt.date
    nil: bool
    figures: ReturnFigures
    due: dt.date
    note: str = ""


@frozen(kw_only=True)
class ReturnResubmitted(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "return.resubmitted"
    on: dt.date
    reason: str
    figures: ReturnFigures
    changes: tuple[FigureChange, ...]

"""The inspection aggregate: its state, the one transition table, and the fold handlers.

The rectification date is an open deadline until the rectification is recorded.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from typing import Any

from attrs import frozen

from mediation_core.domain.inspection.events import InspectionRecorded, InspectionRectified
from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.kernel.fold import Fold
from mediation_core.domain.values.deadlines import Deadline


class InspectionStatus(enum.Enum):
    RECORDED = "recorded"  # 已检查
    RECTIFIED = "rectified"  # 已整改

    @property
    def title_zh(self) -> str:
        return "已检查" if self is InspectionStatus.RECORDED else "已整改"


@frozen(kw_only=True)
class Inspection:
    """An inspection as the fold of its events."""

    stream_id: str
    version: int
    status: InspectionStatus
    org_id: str
    by_org_id: str
    on: dt.date
    inspectors: tuple[str, ...]
    findings: str
    problems: tuple[str, ...]
    rectification: Deadline | None
    rectified_on: dt.date | None = None
    rectification_note: str = ""
    rectified_late: bool = False

    @property
    def deadlines(self) -> tuple[Deadline, ...]:
        if self.rectification is None or self.status is InspectionStatus.RECTIFIED:
            return ()
        return (self.rectification,)


TRANSITIONS = {
    (None, InspectionRecorded): InspectionStatus.RECORDED,
    (InspectionStatus.RECORDED, InspectionRectified): InspectionStatus.RECTIFIED,
}


def start(stream_id: str, e: InspectionRecorded) -> Inspection:
    """The inspection its creating event makes."""
    return Inspection(
        stream_id=stream_id,
        version=0,
        status=InspectionStatus.RECORDED,
        org_id=e.org_id,
        by_org_id=e.by_org_id,
        on=e.on,
        inspectors=e.inspectors,
        findings=e.findings,
        problems=e.problems,
        rectification=e.rectification,
    )


APPLY: dict[type[DomainEvent], Callable[[Inspection, Any], dict[str, Any]]] = {
    InspectionRectified: lambda s, e: {
        "rectified_on": e.on,
        "rectification_note": e.note,
        "rectified_late": e.late,
    }
}
"""The field changes each event after the creating one makes."""


FOLD: Fold[Any] = Fold(noun="inspection", transitions=TRANSITIONS, start=start, apply=APPLY)
"""The inspection's one transition table and event handlers."""

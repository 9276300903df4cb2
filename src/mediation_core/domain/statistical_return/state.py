"""The return aggregate: its state, the one transition table, and the fold handlers.

A return has one status, submitted (locked); a resubmission replaces the locked figures and
keeps the earlier diff in ``resubmissions``.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from typing import Any

from attrs import frozen

from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.kernel.fold import Fold
from mediation_core.domain.statistical_return.events import ReturnResubmitted, ReturnSubmitted
from mediation_core.domain.statistical_return.figures import FigureChange, ReturnFigures
from mediation_core.domain.values.periods import Period


class ReturnStatus(enum.Enum):
    SUBMITTED = "submitted"  # 已报送（锁定）

    @property
    def title_zh(self) -> str:
        return "已报送"


@frozen(kw_only=True)
class Resubmission:
    on: dt.date
    reason: str
    changes: tuple[FigureChange, ...]


@frozen(kw_only=True)
class StatisticalReturn:
    """A return as the fold of its events; ``figures`` are the locked ones."""

    stream_id: str
    version: int
    status: ReturnStatus
    org_id: str
    period: Period
    nil: bool
    figures: ReturnFigures
    submitted_on: dt.date
    due: dt.date
    note: str = ""
    resubmissions: tuple[Resubmission, ...] = ()

    @property
    def late(self) -> bool:
        return self.submitted_on > self.due


TRANSITIONS = {
    (None, ReturnSubmitted): ReturnStatus.SUBMITTED,
    (ReturnStatus.SUBMITTED, ReturnResubmitted): ReturnStatus.SUBMITTED,
}


def start(stream_id: str, e: ReturnSubmitted) -> StatisticalReturn:
    """The return its creating event makes."""
    return StatisticalReturn(
        stream_id=stream_id,
        version=0,
        status=ReturnStatus.SUBMITTED,
        org_id=e.org_id,
        period=e.period,
        nil=e.nil,
        figures=e.figures,
        submitted_on=e.on,
        due=e.due,
        note=e.note,
    )


def _apply_resubmitted(s: StatisticalReturn, e: ReturnResubmitted) -> dict[str, Any]:
    return {
        "figures": e.figures,
        "nil": e.figures.is_nil,
        "resubmissions": (*s.resubmissions, Resubmission(on=e.on, reason=e.reason, changes=e.changes)),
    }


APPLY: dict[type[DomainEvent], Callable[[StatisticalReturn, Any], dict[str, Any]]] = {
    ReturnResubmitted: _apply_resubmitted
}
"""The field changes each event after the creating one makes."""


FOLD: Fold[Any] = Fold(noun="return", transitions=TRANSITIONS, start=start, apply=APPLY)
"""The return's one transition table and event handlers."""

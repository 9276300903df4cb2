"""The training aggregate: its state, the one transition table, and the fold handlers.

A session stays recorded; a correction replaces its attendance list and is counted.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from attrs import frozen

from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.kernel.fold import Fold
from mediation_core.domain.training.events import TraineesCorrected, TrainingRecorded
from mediation_core.domain.training.trainees import Trainee, TrainingKind


class TrainingStatus(enum.Enum):
    RECORDED = "recorded"

    @property
    def title_zh(self) -> str:
        return "已登记"


@frozen(kw_only=True)
class TrainingSession:
    """A training session as the fold of its events."""

    stream_id: str
    version: int
    status: TrainingStatus
    org_id: str
    on: dt.date
    title: str
    kind: TrainingKind
    hours: Decimal
    trainees: tuple[Trainee, ...]
    corrections: int = 0

    def attended(self, person_id: str) -> bool:
        return any(t.person_id == person_id for t in self.trainees)


TRANSITIONS = {
    (None, TrainingRecorded): TrainingStatus.RECORDED,
    (TrainingStatus.RECORDED, TraineesCorrected): TrainingStatus.RECORDED,
}


def start(stream_id: str, e: TrainingRecorded) -> TrainingSession:
    """The session its creating event makes."""
    return TrainingSession(
        stream_id=stream_id,
        version=0,
        status=TrainingStatus.RECORDED,
        org_id=e.org_id,
        on=e.on,
        title=e.title,
        kind=e.kind,
        hours=e.hours,
        trainees=e.trainees,
    )


APPLY: dict[type[DomainEvent], Callable[[TrainingSession, Any], dict[str, Any]]] = {
    TraineesCorrected: lambda s, e: {"trainees": e.trainees, "corrections": s.corrections + 1}
}
"""The field changes each event after the creating one makes."""


FOLD: Fold[Any] = Fold(noun="training", transitions=TRANSITIONS, start=start, apply=APPLY)
"""The training's one transition table and event handlers."""

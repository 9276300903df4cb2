"""Training events, each with its stable wire tag."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from attrs import frozen

from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.training.trainees import Trainee, TrainingKind


@frozen(kw_only=True)
class TrainingRecorded(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "training.recorded"
    org_id: str
    on: dt.date
    title: str
    kind: TrainingKind
    hours: Decimal
    trainees: tuple[Trainee, ...]


@frozen(kw_only=True)
class TraineesCorrected(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "training.trainees_corrected"
    on: dt.date
    trainees: tuple[Trainee, ...]
    reason: str

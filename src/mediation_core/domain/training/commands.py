"""Training commands: record a session with its trainees, or correct the list with a reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from attrs import frozen

from mediation_core.domain.training.trainees import Trainee, TrainingKind


@frozen(kw_only=True)
class TrainingCommand:
    training_id: str

    @property
    def stream_id(self) -> str:
        return self.training_id


@frozen(kw_only=True)
class RecordTraining(TrainingCommand):
    """登记培训: ``org_id`` organised it; ``hours`` is the length of the session."""

    org_id: str
    on: dt.date
    title: str
    kind: TrainingKind
    hours: Decimal
    trainees: tuple[Trainee, ...]


@frozen(kw_only=True)
class CorrectTrainees(TrainingCommand):
    """Replace the attendance list, saying why."""

    on: dt.date
    trainees: tuple[Trainee, ...]
    reason: str

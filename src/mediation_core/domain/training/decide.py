"""The training decisions: per command the rules that guard it and the events it records, and
:data:`TRAININGS`, the lifecycle the service runs them through."""

from __future__ import annotations

from mediation_core.domain.case.rules.common import date_not_in_future
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.decider import Decider, lifecycle_rule
from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.kernel.lifecycle import Lifecycle
from mediation_core.domain.training.commands import CorrectTrainees, RecordTraining
from mediation_core.domain.training.events import TraineesCorrected, TrainingRecorded
from mediation_core.domain.training.rules import TRAINING_BASIS, training_correction_explained, training_recorded
from mediation_core.domain.training.state import FOLD, TRANSITIONS


def _recorded(cmd: RecordTraining, state: None, ctx: DecisionContext) -> list[DomainEvent]:
    return [
        TrainingRecorded(
            org_id=cmd.org_id, on=cmd.on, title=cmd.title, kind=cmd.kind, hours=cmd.hours, trainees=cmd.trainees
        )
    ]


DECIDERS: dict[type, Decider] = {}
training_lifecycle = lifecycle_rule(
    "training_lifecycle",
    what_zh="培训记录",
    what_en="training record",
    id_field="training_id",
    deciders=DECIDERS,
    transitions=TRANSITIONS,
    creating=TrainingRecorded,
    basis=TRAINING_BASIS,
)
DECIDERS.update(
    {
        RecordTraining: Decider(
            emits=TrainingRecorded, rules=(training_lifecycle, date_not_in_future, training_recorded), build=_recorded
        ),
        CorrectTrainees: Decider(
            emits=TraineesCorrected,
            rules=(training_lifecycle, date_not_in_future, training_correction_explained),
            build=lambda cmd, state, ctx: [TraineesCorrected(on=cmd.on, trainees=cmd.trainees, reason=cmd.reason)],
        ),
    }
)
TRAININGS = Lifecycle(name="training", fold=FOLD, deciders=DECIDERS)

"""The inspection decisions: per command the rules that guard it and the events it records,
and :data:`INSPECTIONS`, the lifecycle the service runs them through."""

from __future__ import annotations

from mediation_core.domain.case.rules.common import date_not_in_future
from mediation_core.domain.inspection.commands import RecordInspection, RecordRectification
from mediation_core.domain.inspection.events import InspectionRecorded, InspectionRectified
from mediation_core.domain.inspection.rules import (
    INSPECTION_BASIS,
    inspection_recorded,
    rectification_dated,
    rectification_reported,
)
from mediation_core.domain.inspection.state import FOLD, TRANSITIONS, Inspection
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.decider import Decider, lifecycle_rule
from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.kernel.lifecycle import Lifecycle
from mediation_core.domain.values.deadlines import Deadline, DeadlineKind


def _recorded(cmd: RecordInspection, state: None, ctx: DecisionContext) -> list[DomainEvent]:
    due = None
    if cmd.rectification_due is not None:
        due = Deadline(
            kind=DeadlineKind.RECTIFICATION,
            due=cmd.rectification_due,
            basis=INSPECTION_BASIS,
            policy=ctx.policy.label,
            calendar=ctx.calendar.version,
        )
    return [
        InspectionRecorded(
            org_id=cmd.org_id,
            by_org_id=cmd.by_org_id,
            on=cmd.on,
            inspectors=cmd.inspectors,
            findings=cmd.findings,
            problems=cmd.problems,
            rectification=due,
        )
    ]


def _rectified(cmd: RecordRectification, state: Inspection, ctx: DecisionContext) -> list[DomainEvent]:
    late = state.rectification is not None and cmd.on > state.rectification.due
    return [InspectionRectified(on=cmd.on, note=cmd.note, late=late)]


DECIDERS: dict[type, Decider] = {}
inspection_lifecycle = lifecycle_rule(
    "inspection_lifecycle",
    what_zh="督导检查",
    what_en="inspection",
    id_field="inspection_id",
    deciders=DECIDERS,
    transitions=TRANSITIONS,
    creating=InspectionRecorded,
    basis=INSPECTION_BASIS,
)
DECIDERS.update(
    {
        RecordInspection: Decider(
            emits=InspectionRecorded,
            rules=(inspection_lifecycle, date_not_in_future, inspection_recorded, rectification_dated),
            build=_recorded,
        ),
        RecordRectification: Decider(
            emits=InspectionRectified,
            rules=(inspection_lifecycle, date_not_in_future, rectification_reported),
            build=_rectified,
        ),
    }
)
INSPECTIONS = Lifecycle(name="inspection", fold=FOLD, deciders=DECIDERS)

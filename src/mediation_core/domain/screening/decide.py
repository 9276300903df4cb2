"""The screening decisions: per command the rules that guard it and the events it records,
and :data:`SCREENINGS`, the lifecycle the service runs them through."""

from __future__ import annotations

from mediation_core.domain.case.rules.common import date_not_in_future
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.decider import Decider, lifecycle_rule
from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.kernel.lifecycle import Lifecycle
from mediation_core.domain.screening.commands import ActOnFinding, CloseScreening, RecordFinding, RecordScreening
from mediation_core.domain.screening.context import ScreeningContext
from mediation_core.domain.screening.events import DisputeFound, FindingActedOn, ScreeningClosed, ScreeningRecorded
from mediation_core.domain.screening.rules import (
    SCREENING_BASIS,
    screening_closed_after,
    screening_finding_action,
    screening_finding_follow_up,
    screening_finding_recorded,
    screening_recorded,
)
from mediation_core.domain.screening.state import FOLD, TRANSITIONS, Screening


def _recorded(cmd: RecordScreening, state: None, ctx: DecisionContext) -> list[DomainEvent]:
    return [ScreeningRecorded(room_id=cmd.room_id, on=cmd.on, area=cmd.area.strip(), screeners=cmd.screeners)]


def _found(cmd: RecordFinding, state: Screening, ctx: DecisionContext) -> list[DomainEvent]:
    return [
        DisputeFound(
            finding_no=len(state.findings) + 1,
            on=cmd.on,
            summary=cmd.summary,
            party_names=tuple(p.strip() for p in cmd.party_names),
            risk=cmd.risk,
            action=cmd.action,
            case_id=cmd.case_id,
            station_id=cmd.station_id,
            note=cmd.note,
        )
    ]


def _acted(cmd: ActOnFinding, state: Screening, ctx: DecisionContext) -> list[DomainEvent]:
    return [
        FindingActedOn(
            finding_no=cmd.finding_no,
            on=cmd.on,
            action=cmd.action,
            case_id=cmd.case_id,
            station_id=cmd.station_id,
            note=cmd.note,
        )
    ]


def _closed(cmd: CloseScreening, state: Screening, ctx: DecisionContext) -> list[DomainEvent]:
    return [ScreeningClosed(on=cmd.on)]


DECIDERS: dict[type, Decider] = {}
screening_lifecycle = lifecycle_rule(
    "screening_lifecycle",
    what_zh="纠纷排查",
    what_en="screening round",
    id_field="screening_id",
    deciders=DECIDERS,
    transitions=TRANSITIONS,
    creating=ScreeningRecorded,
    basis=SCREENING_BASIS,
)
DECIDERS.update(
    {
        RecordScreening: Decider(
            emits=ScreeningRecorded,
            rules=(screening_lifecycle, date_not_in_future, screening_recorded),
            build=_recorded,
        ),
        RecordFinding: Decider(
            emits=DisputeFound,
            rules=(screening_lifecycle, date_not_in_future, screening_finding_recorded, screening_finding_action),
            build=_found,
        ),
        ActOnFinding: Decider(
            emits=FindingActedOn,
            rules=(screening_lifecycle, date_not_in_future, screening_finding_follow_up, screening_finding_action),
            build=_acted,
        ),
        CloseScreening: Decider(
            emits=ScreeningClosed,
            rules=(screening_lifecycle, date_not_in_future, screening_closed_after),
            build=_closed,
        ),
    }
)
SCREENINGS = Lifecycle(name="screening", fold=FOLD, deciders=DECIDERS, context=ScreeningContext)

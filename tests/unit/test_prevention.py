"""Prevention counted as prevention: 防止民转刑 and 预防处置群体性事件 are what the room records
about a flagged risk, whatever the dispute's outcome."""

from __future__ import annotations

import datetime as dt

import pytest

from builders import D0, MEDIATOR, PARTIES, ROOM, STATION, day
from mediation_core.app.service import MediationService
from mediation_core.commands import FlagRisk, RecordPrevention, ReportToPolice, TerminateCase
from mediation_core.demo.walkthrough import StoryClock
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.outcomes import TerminationReason
from mediation_core.domain.values.periods import Period
from mediation_core.domain.values.risks import Prevention, RiskKind
from mediation_core.domain.values.sources import CaseSource
from story import Story


def prevent(
    kind: RiskKind = RiskKind.CIVIL_TO_CRIMINAL, on: dt.date = D0, measures: str = "分开双方，稳控情绪"
) -> c.RecordPrevention:
    return RecordPrevention(case_id="c1", kind=kind, on=on, measures=measures)


@pytest.mark.rule("prevention_follows_a_flag")
def test_a_prevention_follows_a_flag_of_its_risk_once() -> None:
    story = Story().mediating()
    assert story.refuse(prevent()).rules == {"prevention_follows_a_flag"}
    story.do(FlagRisk(case_id="c1", kind=RiskKind.CIVIL_TO_CRIMINAL, persons=2, on=day(1)))
    story.do(FlagRisk(case_id="c1", kind=RiskKind.SUICIDE, persons=1, on=day(1)))
    err = story.refuse(prevent(on=D0, measures=" "), day(2))
    assert [v.field for v in err.violations] == ["on", "measures"]
    err = story.refuse(prevent(RiskKind.SUICIDE, on=day(2)), day(2))
    assert [v.field for v in err.violations] == ["kind"]
    story.do(prevent(on=day(2)), day(2))
    assert story.s.preventions == (
        Prevention(kind=RiskKind.CIVIL_TO_CRIMINAL, on=day(2), measures="分开双方，稳控情绪"),
    )
    assert story.refuse(prevent(on=day(3)), day(3)).rules == {"prevention_follows_a_flag"}


def test_a_terminated_case_can_still_record_that_escalation_was_prevented() -> None:
    story = Story().mediating()
    story.do(FlagRisk(case_id="c1", kind=RiskKind.MASS_INCIDENT, persons=30, on=day(1)))
    story.terminate(day(3))
    story.do(prevent(RiskKind.MASS_INCIDENT, on=day(4), measures="提前介入，疏导集体上访"), day(4))
    assert [p.kind for p in story.s.preventions] == [RiskKind.MASS_INCIDENT]


def test_the_figures_count_recorded_preventions_whatever_the_outcome(
    service: MediationService, clock: StoryClock
) -> None:
    """Hand-counted May: one failed case whose escalation was prevented (2 persons), one settled
    case with a flagged but unrecorded risk, one open case whose mass incident was handled early
    (40 persons); April: a prevention recorded then."""

    def case_with(kind: RiskKind, persons: int, on: dt.date) -> str:
        case_id = service.handle(
            c.ReceiveDispute(
                case_id="",
                room_id=ROOM,
                received_on=on,
                source=CaseSource.WALK_IN,
                category="neighbourhood",
                summary="邻里纠纷",
                parties=PARTIES,
            ),
            MEDIATOR,
        ).case_id
        service.handle(c.AcceptCase(case_id=case_id, on=on), MEDIATOR)
        service.handle(FlagRisk(case_id=case_id, kind=kind, persons=persons, on=on), MEDIATOR)
        if kind.needs_police_report:
            service.handle(ReportToPolice(case_id=case_id, on=on, station_id=STATION, reference="报告1"), MEDIATOR)
        return case_id

    clock.set(dt.date(2026, 4, 20))
    april = case_with(RiskKind.CIVIL_TO_CRIMINAL, 5, dt.date(2026, 4, 20))
    service.handle(
        RecordPrevention(case_id=april, kind=RiskKind.CIVIL_TO_CRIMINAL, on=dt.date(2026, 4, 20), measures="稳控"),
        MEDIATOR,
    )
    clock.set(dt.date(2026, 5, 25))
    failed = case_with(RiskKind.CIVIL_TO_CRIMINAL, 2, dt.date(2026, 5, 4))
    service.handle(TerminateCase(case_id=failed, on=dt.date(2026, 5, 8), reason=TerminationReason.FAILED), MEDIATOR)
    service.handle(
        RecordPrevention(
            case_id=failed, kind=RiskKind.CIVIL_TO_CRIMINAL, on=dt.date(2026, 5, 9), measures="联合民警劝离"
        ),
        MEDIATOR,
    )
    case_with(RiskKind.CIVIL_TO_CRIMINAL, 9, dt.date(2026, 5, 5))
    open_ = case_with(RiskKind.MASS_INCIDENT, 40, dt.date(2026, 5, 6))
    service.handle(
        RecordPrevention(case_id=open_, kind=RiskKind.MASS_INCIDENT, on=dt.date(2026, 5, 7), measures="提前疏导"),
        MEDIATOR,
    )
    may = service.statistics(Period.month(2026, 5), ROOM, MEDIATOR)
    assert (may["civil_to_criminal_prevented"].cases, may["civil_to_criminal_prevented"].persons) == (1, 2)
    assert (may["mass_incidents_averted"].cases, may["mass_incidents_averted"].persons) == (1, 40)
    whole = service.statistics(Period.parse("2026-04-01..2026-05-31"), ROOM, MEDIATOR)
    assert whole["civil_to_criminal_prevented"].cases == 2
    row = service.store.ledger_row(failed)
    assert row is not None
    assert (row.civil_to_criminal_prevented_on, row.mass_incident_handled_on) == (dt.date(2026, 5, 9), None)

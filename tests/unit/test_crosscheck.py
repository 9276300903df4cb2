"""Police-side letters and dispatches against the rooms' ledger."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from builders import LIAISON, MEDIATOR, OFFICER, ROOM, STATION, referral, two_people
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, demo_registry
from mediation_core.domain.case.outcomes import DeclineReason
from mediation_core.domain.dispatch import commands as dc
from mediation_core.domain.errors import AuthorisationError
from mediation_core.domain.referral import commands as rc
from mediation_core.domain.reporting.crosscheck import Discrepancy, DispatchRecord, ReferralRecord, cross_check
from mediation_core.domain.reporting.ledger import Outcome
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.periods import Period
from mediation_core.testing.storage import row_for

D = dt.date
MAY = Period.month(2026, 5)
CENTRE = Actor(actor_id="cc", role=Role.COORDINATION_CENTRE, scope_id="district")


def call(dispatch_id: str, at: dt.datetime) -> dc.RecordDispatch:
    return dc.RecordDispatch(
        dispatch_id=dispatch_id,
        station_id=STATION,
        room_id=ROOM,
        incident_number=f"110-{dispatch_id}",
        call_received_at=at,
        place="幸福路",
        officers=("陈警官",),
        summary="邻里争吵",
        mediator_id="m-zhang",
    )


@pytest.fixture
def may(service: MediationService, clock: StoryClock) -> MediationService:
    """Three letters from the station (one accepted, one declined, one unanswered) and two
    110 call-outs with the mediator (one settled on the scene), all in May 2026."""
    clock.set(D(2026, 5, 6))
    service.handle(referral(D(2026, 5, 6), referral_id="ref-accepted"), OFFICER)
    service.handle(referral(D(2026, 5, 6), referral_id="ref-declined"), OFFICER)
    service.handle(rc.AcceptReferral(referral_id="ref-accepted", on=D(2026, 5, 6), case_id="from-letter"), MEDIATOR)
    service.handle(
        rc.DeclineReferral(referral_id="ref-declined", on=D(2026, 5, 6), reason=DeclineReason.OTHER, note="双方已起诉"),
        MEDIATOR,
    )
    clock.set(D(2026, 5, 20))
    service.handle(referral(D(2026, 5, 20), referral_id="ref-waiting"), OFFICER)
    clock.set(D(2026, 5, 20), hour=23)
    service.handle(call("d1", dt.datetime(2026, 5, 20, 21, tzinfo=CHINA_TZ)), OFFICER)
    service.handle(call("d2", dt.datetime(2026, 5, 20, 22, tzinfo=CHINA_TZ)), OFFICER)
    service.handle(
        dc.SettleOnScene(
            dispatch_id="d1",
            on=D(2026, 5, 20),
            mediator_id="m-zhang",
            category="neighbourhood",
            summary="排水沟堵塞",
            parties=two_people(3, 4),
            content="当场清理并赔偿200元",
            case_id="on-scene",
            police_finding=dc.PoliceFinding.CIVIL_ONLY,
            finding_by="陈警官",
        ),
        MEDIATOR,
    )
    clock.set(D(2026, 6, 1))
    return service


def test_the_two_sides_agree_and_say_what_each_counted(may: MediationService) -> None:
    check = may.cross_check(MAY, "district", CENTRE)
    assert check.findings == ()
    assert check.agrees
    (station,) = check.stations
    assert station.station_id == STATION
    assert (station.letters_sent, station.letters_by_status) == (3, {"accepted": 1, "declined": 1, "issued": 1})
    assert (station.awaiting_acknowledgement, station.acknowledgement_overdue) == (1, 1)
    assert (station.cases_from_letters, station.case_outcomes) == (1, {"open": 1})
    assert (station.dispatches_with_mediator, station.settled_on_scene, station.cases_from_dispatches) == (2, 1, 1)
    assert may.cross_check(MAY, STATION, LIAISON) == attrs.evolve(check, scope_id=STATION)
    assert may.cross_check(Period.month(2026, 4), "district", CENTRE).stations == ()


def test_outsiders_do_not_read_the_cross_check(may: MediationService) -> None:
    with pytest.raises(AuthorisationError):
        may.cross_check(MAY, "district", Actor(actor_id="x", role=Role.MEDIATOR, scope_id="another-room"))


def letter(referral_id: str, status: str, case_id: str | None = None, room_id: str = ROOM) -> ReferralRecord:
    return ReferralRecord(
        referral_id=referral_id,
        station_id=STATION,
        room_id=room_id,
        issued_on=D(2026, 5, 6),
        status=status,
        case_id=case_id,
    )


def case(case_id: str, **cols: object) -> object:
    return row_for(case_id, 2, ROOM, received_on=D(2026, 5, 6), accepted_on=D(2026, 5, 6), **cols)


@pytest.mark.parametrize(
    ("letters", "calls", "rows", "expected"),
    [
        ([letter("r1", "accepted", "c1")], [], [], [(Discrepancy.ACCEPTED_WITHOUT_CASE, "r1", "c1")]),
        ([letter("r1", "accepted", "c1")], [], [case("c1")], [(Discrepancy.CASE_NOT_LINKED_BACK, "r1", "c1")]),
        ([letter("r1", "issued")], [], [case("c1", referral_id="r1")], [(Discrepancy.CASE_OF_OPEN_RECORD, "r1", "c1")]),
        (
            [letter("r1", "accepted", "c1", room_id="other-room")],
            [],
            [case("c1", referral_id="r1")],
            [(Discrepancy.CASE_IN_OTHER_ROOM, "r1", "c1")],
        ),
        ([], [], [case("c1", referral_id="ghost")], [(Discrepancy.CASE_WITHOUT_RECORD, "ghost", "c1")]),
        ([], [], [case("c1", dispatch_id="ghost-call")], [(Discrepancy.CASE_WITHOUT_RECORD, "ghost-call", "c1")]),
        (
            [],
            [
                DispatchRecord(
                    dispatch_id="d1",
                    station_id=STATION,
                    room_id=ROOM,
                    call_date=D(2026, 5, 6),
                    status="settled_on_scene",
                )
            ],
            [],
            [(Discrepancy.SETTLED_WITHOUT_CASE, "d1", None)],
        ),
    ],
)
def test_each_kind_of_disagreement_is_found(
    letters: list[ReferralRecord], calls: list[DispatchRecord], rows: list[object], expected: list[tuple[object, ...]]
) -> None:
    check = cross_check(
        letters,
        calls,
        rows,
        registry=demo_registry(),
        scope_id="district",
        period=MAY,
        today=D(2026, 6, 1),  # type: ignore[arg-type]
    )
    assert [(f.kind, f.record_id, f.case_id) for f in check.findings] == expected
    assert not check.agrees


def test_an_accepted_letter_with_its_case_agrees() -> None:
    check = cross_check(
        [letter("r1", "reported", "c1")],
        [],
        [case("c1", referral_id="r1", outcome=Outcome.SETTLED)],  # type: ignore[list-item]
        registry=demo_registry(),
        scope_id="district",
        period=MAY,
        today=D(2026, 6, 1),
    )
    assert check.agrees
    assert check.stations[0].case_outcomes == {"settled": 1}
